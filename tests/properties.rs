//! Property tests: the laws that hold for any input.

use proptest::prelude::*;
use rolemap::pipeline::{self, Options, Silent};
use rolemap::rules::Rules;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules::embedded().unwrap())
}

/// Text made of the pieces job documents are made of, in any order.
fn doc_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# Senior Product Manager\n".to_string()),
        Just("## Responsibilities\n".to_string()),
        Just("- Own the roadmap\n".to_string()),
        Just("1. Product Strategy:\n".to_string()),
        Just("| Role | Responsibility |\n|---|---|\n| Product Owner | a<br></br>b |\n".to_string()),
        Just("> quoted\n".to_string()),
        Just("<ul><li>x</li><ui><li>y".to_string()),
        Just("<table><tr><td>Head of Product<td>Lead<br>Plan".to_string()),
        Just("---\ncompany: Acme\n---\n".to_string()),
        Just("---\ntopics:\n  - name: craft\n    content:\n      - level: 1\n        criteria:\n          - Own it\n      - level: 2\n        criteria:\n          - Lead it\n---\n".to_string()),
        Just("Product Owner\n=============\n\n#. Own the backlog\n".to_string()),
        Just("+------+-----+\n| Role | Do  |\n+======+=====+\n| PO   | - a |\n+------+-----+\n".to_string()),
        Just("=====  =====\nA      B\n=====  =====\nx      - y\n=====  =====\n".to_string()),
        Just("The Product Director will own the budget. ".to_string()),
        Just("Â â€™ Ã© \u{0} \u{feff}".to_string()),
        Just("<script>Own everything</script><!-- open".to_string()),
        "[ -~\\n]{0,40}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Cleaning and the rest of the pipeline never panic, whatever the bytes.
    #[test]
    fn any_bytes_are_processed(bytes in prop::collection::vec(any::<u8>(), 0..600), ext in prop_oneof![Just("html"), Just("md"), Just("txt")]) {
        let raw = rolemap::ingest::decode_doc(&format!("x.{ext}"), &bytes, &BTreeMap::new());
        let c = rolemap::clean::clean(raw, rules());
        for b in &c.blocks {
            prop_assert!(!b.text.trim().is_empty());
            prop_assert!(b.line >= 1);
        }
    }

    /// reStructuredText is read line for line: the Markdown it becomes has as many lines, so
    /// provenance points into the source, whatever the text (tables cut short, stray
    /// adornments, multi-byte characters inside table columns).
    #[test]
    fn rst_keeps_every_line(text in "([ -~]|[\n+|=#*.:`-]|é|“){0,400}") {
        let md = rolemap::clean::rst::to_markdown(&text);
        prop_assert_eq!(md.lines().count(), text.lines().count());
    }

    /// Front matter is taken off line for line, whatever its shape.
    #[test]
    fn front_matter_keeps_every_line(body in "([ -~]|\n|\u{a0}|é){0,300}", levels in "(\n +- level: [0-9]\n +criteria:\n +- [a-z ]{0,9}){0,4}") {
        let src = format!("---\ntopics:\n  - name: x{levels}\n{body}\n---\nBody\n");
        let mut t = src.clone();
        rolemap::ingest::frontmatter::take(&mut t);
        prop_assert_eq!(t.lines().count(), src.lines().count());
    }

    /// Same input, same output; every responsibility belongs to a role of its document.
    #[test]
    fn deterministic_and_total(text in doc_text(), ext in prop_oneof![Just("html"), Just("md"), Just("txt"), Just("rst")]) {
        let id = format!("d.{ext}");
        let a = pipeline::process_text(&id, &text, rules());
        let b = pipeline::process_text(&id, &text, rules());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.doc.status, rolemap::model::Status::Ok);
        for r in &a.responsibilities {
            prop_assert!(a.roles.iter().any(|x| x.role_id == r.role_id && x.seniority == r.seniority));
            prop_assert!(!r.text.trim().is_empty());
        }
        let mut keys: Vec<_> = a.roles.iter().map(|r| (&r.role_id, &r.seniority)).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        prop_assert_eq!(keys.len(), n, "a role key appears twice");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Every input file appears exactly once in documents.csv, and the CSV and JSONL files
    /// hold the same rows.
    #[test]
    fn every_input_once_and_formats_agree(files in prop::collection::btree_map("[a-z]{1,6}(/[a-z]{1,4})?\\.(md|txt|html|pdf|csv)", doc_text(), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in &files {
            let p = dir.path().join(name);
            if std::fs::create_dir_all(p.parent().unwrap()).is_err() || p.is_dir() {
                continue;
            }
            std::fs::write(&p, body).unwrap();
        }
        let on_disk: Vec<String> = walk(dir.path());
        let out = tempfile::tempdir().unwrap();
        let mut opts = Options::new(vec![dir.path().to_path_buf()], out.path().to_path_buf());
        opts.csv_guard = false;
        pipeline::run(&opts, rules(), &Silent).unwrap();
        let mut rdr = csv::Reader::from_path(out.path().join("documents.csv")).unwrap();
        let docs: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
        prop_assert_eq!(&docs, &on_disk);
        for (csv_name, jsonl_name, col) in [("roles.csv", "roles.jsonl", "title"), ("responsibilities.csv", "responsibilities.jsonl", "text")] {
            let mut rdr = csv::Reader::from_path(out.path().join(csv_name)).unwrap();
            let idx = rdr.headers().unwrap().iter().position(|h| h == col).unwrap();
            let from_csv: Vec<String> = rdr.records().map(|r| r.unwrap()[idx].to_string()).collect();
            let from_json: Vec<String> = std::fs::read_to_string(out.path().join(jsonl_name)).unwrap().lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()[col].as_str().unwrap().to_string()).collect();
            prop_assert_eq!(from_csv, from_json);
        }
    }
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
