//! Text -> front matter: YAML between `---` lines, however broken (alias bombs, odd
//! indentation, mixed white space, tabs, non-ASCII keys), is read without panicking in
//! bounded time; its lines are blanked or rewritten one for one, so the body keeps its
//! line numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    // the fuzzer's text, with and without a front-matter opening
    for text in [s.to_string(), format!("---\n{s}"), format!("---\n{s}\n---\nbody\n")] {
        let mut t = text.clone();
        let fm = rolemap::ingest::frontmatter::take_noting(&mut t, &mut Vec::new());
        assert_eq!(t.matches('\n').count(), text.matches('\n').count(), "line count changed");
        for k in fm.keys() {
            assert_eq!(k, &k.to_lowercase(), "keys are lower case");
        }
    }
});
