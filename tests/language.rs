//! Language detection by common words (structure.toml `[common-words]`) is a shortcut: where
//! it decides, whatlang's trigram scoring decides the same or is unsure (it gives up on some
//! plainly English postings). Checked on every corpus we have, document by document, and on
//! whole runs: the outputs are byte for byte those of a run without the shortcut, but for the
//! `language` of documents the trigrams were unsure of.

mod common;
use common::*;
use rolemap::rules::Rules;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The documents of the folders (HTML, Markdown, text; gzipped too), not the dumps.
fn documents(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in dirs {
        for p in walk(d) {
            let name = p.file_name().unwrap().to_string_lossy().to_lowercase();
            if [".csv", ".jsonl", ".json", ".tsv"].iter().any(|x| name.ends_with(x)) {
                continue;
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

fn corpora() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("corpus"), root.join("tests/devset/docs")];
    let zyte = root.join("../shared/cleanbench/zyte/html");
    if zyte.is_dir() {
        dirs.push(zyte);
    } else {
        eprintln!("SKIPPED: {} is not here (the Zyte pages of ../shared/cleanbench)", zyte.display());
    }
    dirs
}

/// What the bench generator writes around a posting (English prose, as a careers page).
fn generated_pages() -> Vec<String> {
    let duties = [
        "Own the product roadmap and align it with company strategy",
        "Talk to customers every week to understand their needs and pain points",
        "Write clear requirements, user stories and acceptance criteria",
    ];
    (0..3)
        .map(|i| {
            format!(
                "<html><body><h1>Product Manager</h1><p>Acme builds tools for teams. We are a small team with a big \
                 mission, and we care about the people who use what we build. Our customers range from startups to \
                 some of the largest companies in the world.</p><h2>What you'll do</h2><ul><li>{}</li><li>{}</li></ul>\
                 <p>Acme is an equal opportunity employer. You will work closely with colleagues across the \
                 business and learn from each of them.</p></body></html>",
                duties[i],
                duties[(i + 1) % 3]
            )
        })
        .collect()
}

#[test]
fn common_words_decide_as_the_trigrams_do_on_every_corpus() {
    let rules = Rules::embedded().unwrap();
    let langs = &rules.languages;
    let (mut fired, mut sampled, mut docs, mut english, mut unsure) = (0, 0, 0, 0, 0);
    let mut check = |id: &str, raw: rolemap::model::RawDoc| {
        docs += 1;
        let c = rolemap::clean::clean(raw, &rules);
        let Some(sample) = rolemap::clean::language_sample(&c) else { return };
        sampled += 1;
        let by_trigrams = langs.by_trigrams(&sample);
        english += usize::from(by_trigrams.as_deref() == Some("eng"));
        if std::env::var_os("ROLEMAP_LANGUAGE_TRACE").is_some() {
            eprintln!("{id}\t{:?}\t{:?}\t{:?}", langs.by_common_words(&sample), langs.by_trigrams(&sample), sample);
        }
        if let Some(code) = langs.by_common_words(&sample) {
            fired += 1;
            unsure += usize::from(by_trigrams.is_none());
            assert!(
                by_trigrams.as_deref().is_none_or(|t| t == code),
                "{id}: the common words say {code}, the trigrams {by_trigrams:?}, on:\n{sample}"
            );
        }
    };
    for p in documents(&corpora()) {
        let id = p.display().to_string();
        let raw = rolemap::ingest::read(&id, &p, &BTreeMap::new(), 64 << 20).unwrap();
        check(&id, raw);
    }
    for (i, page) in generated_pages().into_iter().enumerate() {
        let id = format!("generated-{i}.html");
        check(&id, rolemap::ingest::decode_doc(&id, page.as_bytes(), &BTreeMap::new()));
    }
    eprintln!(
        "{docs} documents, {sampled} with a sample, {english} English; the common words decided {fired} \
         ({unsure} the trigrams were unsure of)"
    );
    assert!(unsure * 20 <= fired, "the trigrams were unsure of {unsure} of the {fired} the common words decided");
    // the shortcut is worth having: it decides most English documents (116 of 209 with the
    // Zyte pages, whose news prose has fewer common words than a posting's)
    assert!(fired * 2 > english, "the common words decided only {fired} of {english} English documents");
}

/// Whole runs, with the shortcut and without it (share = 0 in a copy of the rules): the
/// same outputs, byte for byte, but for the rules' fingerprint and origin (and the manifest's
/// checksums of the files that name them).
#[test]
fn common_words_change_no_output() {
    let on = rules_copy();
    let off = rules_copy();
    let st = off.path().join("structure.toml");
    let text = std::fs::read_to_string(&st).unwrap();
    let changed = text.replacen("\nshare = 0.3\n", "\nshare = 0.0\n", 1);
    assert_ne!(changed, text, "structure.toml [common-words] share is no longer 0.3: update this test");
    std::fs::write(&st, changed).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for corpus in [root.join("corpus"), root.join("tests/devset/docs")] {
        let outs: Vec<tempfile::TempDir> = [&on, &off]
            .iter()
            .map(|r| {
                let out = tempfile::tempdir().unwrap();
                let o =
                    run(&["run", "--quiet", "--corpus", s(&corpus), "--out", s(out.path()), "--rules", s(r.path())]);
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                // the rules' fingerprint and origin differ by design
                let m = out.path().join("manifest.json");
                let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
                let fp = v.pointer("/rules/fingerprint").and_then(|x| x.as_str()).unwrap().to_string();
                let origin = v.pointer("/rules/origin").and_then(|x| x.as_str()).unwrap().to_string();
                for f in walk(out.path()) {
                    let Ok(t) = std::fs::read_to_string(&f) else { continue };
                    let mut t =
                        t.replace(&fp, "FINGERPRINT").replace(&fp[..12], "FINGERPRINT").replace(&origin, "ORIGIN");
                    if f == m {
                        let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
                        v.as_object_mut().unwrap().remove("outputs");
                        t = serde_json::to_string(&v).unwrap();
                    }
                    std::fs::write(&f, t).unwrap();
                }
                out
            })
            .collect();
        // documents.csv: the same rows, but a language the trigrams were unsure of may now
        // be known; the other tables byte for byte
        let docs = |d: &Path| -> Vec<Vec<String>> {
            let mut r = csv::Reader::from_path(d.join("documents.csv")).unwrap();
            r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect()
        };
        let header: Vec<String> = csv::Reader::from_path(outs[0].path().join("documents.csv"))
            .unwrap()
            .headers()
            .unwrap()
            .iter()
            .map(String::from)
            .collect();
        let lang = header.iter().position(|h| h == "language").unwrap();
        let (with, without) = (docs(outs[0].path()), docs(outs[1].path()));
        assert_eq!(with.len(), without.len());
        let mut now_known = 0;
        for (a, b) in with.iter().zip(&without) {
            if a[lang] != b[lang] {
                assert!(
                    b[lang].is_empty() && !a[lang].is_empty(),
                    "{}: language {:?} was {:?}",
                    a[0],
                    a[lang],
                    b[lang]
                );
                now_known += 1;
            }
            let strip = |r: &Vec<String>| -> Vec<String> {
                r.iter().enumerate().filter(|&(i, _)| i != lang).map(|(_, v)| v.clone()).collect()
            };
            assert_eq!(strip(a), strip(b));
        }
        assert!(now_known * 20 <= with.len(), "{now_known} of {} documents changed language", with.len());
        for dir in &outs {
            for f in walk(dir.path()) {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                if name.starts_with("documents.") || name == "results.jsonl.gz" {
                    std::fs::remove_file(&f).unwrap();
                }
            }
        }
        assert_same_output(outs[0].path(), outs[1].path());
    }
}
