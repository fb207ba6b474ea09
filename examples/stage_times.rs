// Time each per-document step on the first N pages of a folder, one thread (developer aid):
//   cargo run --release --example stage_times -- target/bench-corpus-full 1000
use rolemap::{clean, extract, ingest, normalize, rules::Rules};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("folder");
    let n: usize = args.next().map_or(1000, |s| s.parse().expect("count"));
    let rules = Rules::embedded().unwrap();
    let mut files: Vec<_> =
        walkdir::WalkDir::new(&dir).into_iter().map(|e| e.unwrap().into_path()).filter(|p| p.is_file()).collect();
    files.sort();
    files.truncate(n);
    let mut t = BTreeMap::<&str, Duration>::new();
    let mut time = |k: &'static str, f: &mut dyn FnMut()| {
        let s = Instant::now();
        f();
        *t.entry(k).or_default() += s.elapsed();
    };
    for p in &files {
        let bytes = std::fs::read(p).unwrap();
        let id = p.file_name().unwrap().to_string_lossy().into_owned();
        let mut raw = None;
        time("decode", &mut || raw = Some(ingest::decode_doc(&id, &bytes, &BTreeMap::new())));
        let raw = raw.unwrap();
        time("json-ld", &mut || {
            let _ = extract::metadata::from_json_ld(&raw.text, &rules.posting);
        });
        time("fields", &mut || {
            let _ = extract::metadata::from_fields(&raw.meta.front_matter, &rules.posting);
        });
        let mut c = None;
        time("clean", &mut || c = Some(clean::clean(raw.clone(), &rules)));
        let c = c.unwrap();
        time("text-meta", &mut || {
            let _ = extract::metadata::from_text(&extract::metadata::cue_lines(&c.blocks), &rules.posting);
        });
        time("language", &mut || {
            let _ = clean::language(&c, &rules.languages);
        });
        let mut x = None;
        time("extract", &mut || x = Some(extract::extract(c.clone(), &Default::default(), &rules)));
        time("normalize", &mut || {
            let _ = normalize::normalize(x.take().unwrap(), &rules);
        });
    }
    for (k, v) in t {
        println!("{k:>10}: {:>8.1} µs/doc", v.as_secs_f64() * 1e6 / files.len() as f64);
    }
}
