// Time each per-document step on the first N pages of a folder, one thread (developer aid):
//   cargo run --release --example stage_times -- target/bench-corpus-full 1000
// It runs the pipeline's own per-document flow (`pipeline::process_raw`), with its timers.
use rolemap::model::Limits;
use rolemap::pipeline::{self, Timings};
use rolemap::{ingest, rules::Rules};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
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
    let t = Timings::default();
    let mut decode = Duration::ZERO;
    for p in &files {
        let bytes = std::fs::read(p).unwrap();
        let id = p.file_name().unwrap().to_string_lossy().into_owned();
        let s = Instant::now();
        let raw = ingest::decode_doc(&id, &bytes, &BTreeMap::new());
        decode += s.elapsed();
        let _ = pipeline::process_raw(raw, &rules, &Limits::default(), &t);
    }
    let per_doc = |d: Duration| d.as_secs_f64() * 1e6 / files.len().max(1) as f64;
    let ns = |a: &std::sync::atomic::AtomicU64| Duration::from_nanos(a.load(Ordering::Relaxed));
    for (k, d) in [
        ("decode", decode),
        ("posting", ns(&t.posting)),
        ("clean", ns(&t.clean)),
        ("extract", ns(&t.extract)),
        ("normalize", ns(&t.normalize)),
    ] {
        println!("{k:>10}: {:>8.1} µs/doc", per_doc(d));
    }
}
