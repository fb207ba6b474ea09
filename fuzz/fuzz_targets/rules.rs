//! Text -> rules: any rule file text either compiles or gives errors that name a file and a
//! line inside it; it never panics. The text replaces one of the six shipped files in turn.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolemap::rules::{embedded_texts, RuleError, Rules, FILE_NAMES};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let name = FILE_NAMES[pick as usize % FILE_NAMES.len()];
    let mut texts = embedded_texts();
    for t in texts.iter_mut().filter(|t| t.name == name) {
        t.text = text.to_string();
    }
    if let Err(errs) = Rules::from_texts(&texts, "fuzz") {
        assert!(!errs.0.is_empty());
        let lines = text.lines().count().max(1) + 1;
        for e in &errs.0 {
            if let RuleError::At { line, .. } = e {
                assert!(*line >= 1 && *line <= lines, "line {line} outside the file: {e}");
            }
        }
    }
});
