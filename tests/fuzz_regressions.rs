//! Inputs the fuzz targets (`fuzz/`) found crashing, kept as tests once fixed. Each file in
//! `tests/fuzz/` is replayed through the same checks as its fuzz target.

use rolemap::ingest::dump::{DumpKind, DumpReader, FieldMap, Item};

fn rules() -> rolemap::rules::Rules {
    rolemap::rules::Rules::embedded().unwrap()
}

/// The `dump` target's checks: every document read from a dump has an id under the dump
/// and some text.
fn replay_dump(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let kind = [DumpKind::Jsonl, DumpKind::Csv, DumpKind::Tsv][pick as usize % 3];
    let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let delim = rolemap::ingest::dump::sniff_delimiter(bytes, kind);
    if let Ok(Some(reader)) =
        DumpReader::open("fuzz", input, kind, delim, &FieldMap::default(), 4096, &rules().posting.dump)
    {
        for item in reader {
            if let Item::Doc(d) = item {
                assert!(d.meta.id.starts_with("fuzz#"));
                assert!(
                    !d.text.trim().is_empty(),
                    "empty document {:?} (format {:?}) from {bytes:?}",
                    d.text,
                    d.format
                );
            }
        }
    }
    // the same bytes as a JSON array (`.json`), as the target reads them too
    let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
    if let Ok(Some(reader)) =
        DumpReader::open("fuzz", input, DumpKind::Json, b',', &FieldMap::default(), 4096, &rules().posting.dump)
    {
        for item in reader {
            if let Item::Doc(d) = item {
                assert!(d.meta.id.starts_with("fuzz#") && !d.text.trim().is_empty(), "{bytes:?}");
            }
        }
    }
}

/// A CSV record whose description is only NUL bytes was taken as a posting with no text.
#[test]
fn dump_record_of_nul_bytes_is_not_a_document() {
    replay_dump(include_bytes!("fuzz/dump-nul-only-text.bin"));
    let csv = "id,title,description\n1,PM,\0\0\n";
    let r = DumpReader::open(
        "d",
        Box::new(std::io::Cursor::new(csv.as_bytes().to_vec())),
        DumpKind::Csv,
        b',',
        &FieldMap::default(),
        4096,
        &rules().posting.dump,
    )
    .unwrap()
    .unwrap();
    let items: Vec<Item> = r.collect();
    assert!(matches!(&items[0], Item::Bad { reason, .. } if reason.contains("missing or empty")), "{items:?}");
}

/// A CSV record whose text decodes to nothing (only bytes that decoding removes) was taken as a
/// posting with no text.
#[test]
fn dump_record_that_decodes_to_nothing_is_not_a_document() {
    replay_dump(include_bytes!("fuzz/dump-text-decodes-to-nothing.bin"));
}

/// The `limit_html` target's checks: line breaks kept, the page never grows, and a second
/// pass has nothing left to cut.
fn replay_limit_html(data: &[u8]) {
    use rolemap::clean::html::{limit_html, Cut};
    let Some((&pick, bytes)) = data.split_first() else { return };
    let Ok(page) = std::str::from_utf8(bytes) else { return };
    let max = 1 + pick as usize % 8;
    let (out, _) = limit_html(page, max);
    assert_eq!(out.matches('\n').count(), page.matches('\n').count(), "line breaks changed");
    assert!(out.len() <= page.len(), "page grew");
    assert_eq!(limit_html(&out, max).1, Cut::default(), "a second pass cut more: {out:?}");
}

/// An `<xmp>` past the depth limit was removed while its text was still skipped as raw
/// text: the tags inside were never counted, and the parser read them as markup.
#[test]
fn raw_text_element_past_the_depth_limit_is_kept() {
    replay_limit_html(include_bytes!("fuzz/limit-html-raw-text-past-limit.bin"));
}

/// A removed `<svg>` past the depth limit still made the scan read what followed as
/// foreign content (where `<x/>` closes itself), so those tags were not counted.
#[test]
fn removed_svg_changes_no_mode_of_the_scan() {
    replay_limit_html(include_bytes!("fuzz/limit-html-removed-svg.bin"));
}
