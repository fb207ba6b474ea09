//! Bytes -> dump records: a JSON Lines, CSV or JSON array dump of postings, however broken, gives one
//! item per record (a document or a reason) and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolemap::ingest::dump::{DumpKind, DumpReader, FieldMap, Item};
use rolemap::rules::Rules;
use std::sync::OnceLock;

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules::embedded().expect("shipped rules"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let kind = [DumpKind::Jsonl, DumpKind::Csv, DumpKind::Tsv][pick as usize % 3];
    let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let delim = rolemap::ingest::dump::sniff_delimiter(bytes, kind);
    match DumpReader::open("fuzz", input, kind, delim, &FieldMap::default(), 4096, &rules().posting.dump) {
        Ok(Some(reader)) => {
            for item in reader.take(10_000) {
                if let Item::Doc(d) = item {
                    assert!(d.meta.id.starts_with("fuzz#"));
                    assert!(!d.text.trim().is_empty());
                }
            }
        }
        Ok(None) => {
            let d = rolemap::ingest::dump::csv_table_doc("fuzz", bytes, b',', 20_000);
            assert_eq!(d.meta.id, "fuzz");
        }
        Err(_) => {}
    }
    // the same bytes as a JSON array (`.json`)
    let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
    if let Ok(Some(reader)) =
        DumpReader::open("fuzz", input, DumpKind::Json, b',', &FieldMap::default(), 4096, &rules().posting.dump)
    {
        for item in reader.take(10_000) {
            if let Item::Doc(d) = item {
                assert!(d.meta.id.starts_with("fuzz#"));
                assert!(!d.text.trim().is_empty());
            }
        }
    }
});
