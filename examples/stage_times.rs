// Time each per-document step on the first N documents of a folder, one thread (developer
// aid; the README's per-page budget comes from it):
//   cargo run --profile fast --example stage_times -- target/bench-corpus-full 1000
// It runs the pipeline's own per-document flow (`pipeline::process_raw`) with its timers,
// then writes the results as `rolemap run` does (every table, every format) and times that.
// `parse` is html5ever's tree alone (scraper), timed apart: it is part of `clean`.
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
    files.retain(|p| p.extension().is_some_and(|x| x != "complete"));
    files.sort();
    files.truncate(n);
    let t = Timings::default();
    let (mut read, mut decode, mut parse, mut emit) = (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let out_dir = tempfile::tempdir().unwrap();
    let mut out = rolemap::emit::Output::create(out_dir.path(), &Default::default(), false, &[]).unwrap();
    for p in &files {
        let s = Instant::now();
        let bytes = std::fs::read(p).unwrap();
        read += s.elapsed();
        let id = p.file_name().unwrap().to_string_lossy().into_owned();
        let s = Instant::now();
        let raw = ingest::decode_doc(&id, &bytes, &BTreeMap::new());
        decode += s.elapsed();
        if raw.format == rolemap::model::Format::Html {
            let s = Instant::now();
            std::hint::black_box(rolemap::clean::parse::document(&raw.text));
            parse += s.elapsed();
        }
        let r = pipeline::process_raw(raw, &rules, &Limits::default(), &t);
        let s = Instant::now();
        out.write(&r).unwrap();
        emit += s.elapsed();
    }
    let per_doc = |d: Duration| d.as_secs_f64() * 1e6 / files.len().max(1) as f64;
    let ns = |a: &std::sync::atomic::AtomicU64| Duration::from_nanos(a.load(Ordering::Relaxed));
    println!("{} documents of {dir}, µs per document on one core:", files.len());
    for (k, d) in [
        ("read", read),
        ("decode", decode),
        ("posting", ns(&t.posting)),
        ("clean", ns(&t.clean)),
        ("(parse)", parse),
        ("extract", ns(&t.extract)),
        ("normalize", ns(&t.normalize)),
        ("emit", emit),
    ] {
        println!("{k:>10}: {:>8.1}", per_doc(d));
    }
}
