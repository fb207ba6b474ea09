//! Inputs the fuzz targets (`fuzz/`) found crashing, kept as tests once fixed. Each file in
//! `tests/fuzz/` is replayed through the same checks as its fuzz target.

use rolemap::ingest::dump::{DumpKind, DumpReader, FieldMap, Item};

/// The `dump` target's checks: every document read from a dump has an id under the dump
/// and some text.
fn replay_dump(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let kind = [DumpKind::Jsonl, DumpKind::Csv, DumpKind::Tsv][pick as usize % 3];
    let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let delim = rolemap::ingest::dump::sniff_delimiter(bytes, kind);
    if let Ok(Some(reader)) = DumpReader::open("fuzz", input, kind, delim, &FieldMap::default(), 4096) {
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
