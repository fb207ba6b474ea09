//! HTML -> HTML bounded for the parser (`clean::html::limit_html`): never panics (slices
//! stay on character boundaries), keeps every line break, never grows the page, and a second
//! pass has nothing left to cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolemap::clean::html::{limit_html, Cut};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let Ok(page) = std::str::from_utf8(bytes) else { return };
    let max = 1 + pick as usize % 8;
    let (out, _cut) = limit_html(page, max);
    assert_eq!(out.matches('\n').count(), page.matches('\n').count(), "line breaks changed");
    assert!(out.len() <= page.len(), "page grew");
    let (again, cut) = limit_html(&out, max);
    assert_eq!(cut, Cut::default(), "a second pass cut more: {out:?} -> {again:?}");
});
