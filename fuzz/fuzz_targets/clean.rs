//! Bytes -> blocks: decoding, format sniffing, HTML/Markdown cleaning and the rest of the
//! pipeline must never panic, and every block must be non-empty with a real line number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolemap::rules::Rules;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules::embedded().expect("shipped rules"))
}

fuzz_target!(|data: &[u8]| {
    // the first byte picks the extension, so every format path is reached
    let Some((&pick, bytes)) = data.split_first() else { return };
    let ext = ["html", "md", "txt"][pick as usize % 3];
    let id = format!("fuzz.{ext}");
    if rolemap::ingest::check_bytes(bytes).is_err() {
        return;
    }
    let raw = rolemap::ingest::decode_doc(&id, bytes, &BTreeMap::new());
    let limits = rolemap::model::Limits { max_blocks: 2_000, max_block_chars: 20_000, max_html_depth: 64, ..Default::default() };
    let cleaned = rolemap::clean::clean_with(raw, rules(), &limits);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    for b in &cleaned.blocks {
        assert!(!b.text.trim().is_empty(), "empty block");
        assert!(b.line >= 1, "line 0");
        // UTF-16 halves the byte count per line; allow for it
        assert!(b.line <= lines.max(bytes.len() / 2 + 1), "line {} past the end ({lines} lines)", b.line);
    }
    let x = rolemap::extract::extract(cleaned, &rolemap::extract::metadata::PostingMeta::default(), rules());
    let _ = rolemap::normalize::normalize(x, rules());
});
