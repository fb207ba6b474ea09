//! Beyond one machine: a corpus run as 3 shards (`run --shard K/3`) and merged (`merge`)
//! gives exactly the output of one run: the same bytes in every file, the manifest's
//! timings aside. On the sample corpus and on 2,000 generated postings (files and dumps,
//! re-posted jobs that are near-duplicates across shards, records that cannot be read).

mod common;

use common::{assert_same_output, bin, s};
use std::path::Path;

fn run_ok(args: &[&str]) -> std::process::Output {
    let o = bin().args(args).output().unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o
}

/// One run, 3 shards and their merge, compared.
fn shards_merge_to_one_run(corpus: &[&str], tmp: &Path) {
    let one = tmp.join("one");
    let mut args = vec!["run", "-q", "-o", s(&one), "--corpus"];
    args.extend(corpus);
    let single = run_ok(&args);
    let mut parts = Vec::new();
    let mut rows = 0;
    for k in 1..=3 {
        let out = tmp.join(format!("shard{k}"));
        let shard = format!("{k}/3");
        let mut args = vec!["run", "-q", "--shard", &shard, "-o", s(&out), "--corpus"];
        args.extend(corpus);
        run_ok(&args);
        rows += std::fs::read_to_string(out.join("documents.csv")).unwrap().lines().count() - 1;
        parts.push(out);
    }
    let merged = tmp.join("merged");
    // any order of the shards
    let o = run_ok(&["merge", s(&parts[2]), s(&parts[0]), s(&parts[1]), "-o", s(&merged), "-q"]);
    assert_eq!(o.status.code(), single.status.code(), "the merge's exit code is the run's");
    let all = std::fs::read_to_string(one.join("documents.csv")).unwrap().lines().count() - 1;
    assert_eq!(rows, all, "every document is in exactly one shard");
    assert_same_output(&one, &merged);
}

#[test]
fn the_sample_corpus_in_three_shards_merges_to_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    shards_merge_to_one_run(&[s(&corpus)], tmp.path());
}

/// 2,000 postings: 1,200 records of a JSON Lines dump, 500 of a CSV dump, 300 Markdown files;
/// every tenth posting re-posted under another id (a near-duplicate, most often in another
/// shard), a few records without text.
fn generated_corpus(dir: &Path) {
    let titles = [
        "Senior Product Manager",
        "Product Owner",
        "Data Analyst",
        "Staff Software Engineer",
        "Product Designer",
        "Head of Product",
    ];
    let duties = [
        "Own the product roadmap and its priorities",
        "Interview customers and turn their problems into requirements",
        "Work with engineering and design to ship features",
        "Define and track the metrics of the product",
        "Write user stories with clear acceptance criteria",
        "Mentor the team and review their work",
        "Present the strategy to leadership and stakeholders",
        "Run experiments and A/B tests",
    ];
    let posting = |i: usize| -> (String, String, String) {
        let title = titles[i % titles.len()].to_string();
        let company = format!("Company {}", i % 23);
        let mut text = "## What you'll do\n\n".to_string();
        for j in 0..4 {
            text.push_str(&format!("- {} for area {}\n", duties[(i + j * 3) % duties.len()], i % 97 + j));
        }
        text.push_str(&format!("\n## What you bring\n\n- {} years of experience\n", 2 + i % 6));
        (title, company, text)
    };
    // a re-post: the text of an earlier posting (i - 7)
    let source = |i: usize| if i % 10 == 9 { i - 7 } else { i };
    let mut jl = String::new();
    for i in 0..1200 {
        let (title, company, text) = posting(source(i));
        if i % 250 == 17 {
            jl.push_str(&format!("{{\"id\": \"j{i}\", \"title\": \"{title}\"}}\n"));
            continue;
        }
        let rec = serde_json::json!({"id": format!("j{i}"), "title": title, "company": company, "description": text, "date_posted": "2026-11-02", "site": "indeed"});
        jl.push_str(&rec.to_string());
        jl.push('\n');
    }
    jl.push_str("not json at all\n");
    std::fs::write(dir.join("feed.jsonl"), jl).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["job_id", "title", "company", "description", "min_amount", "max_amount"]).unwrap();
    for i in 1200..1700 {
        let (title, company, text) = posting(source(i));
        w.write_record([format!("c{i}"), title, company, text, format!("{}", 50_000 + i), format!("{}.5", 70_000 + i)])
            .unwrap();
    }
    std::fs::write(dir.join("jobs.csv"), w.into_inner().unwrap()).unwrap();
    std::fs::create_dir_all(dir.join("pages/sub")).unwrap();
    for i in 1700..2000 {
        let (title, company, text) = posting(source(i));
        let sub = if i % 3 == 0 { "pages/sub" } else { "pages" };
        std::fs::write(
            dir.join(format!("{sub}/p{i}.md")),
            format!("---\ncompany: {company}\n---\n# {title}\n\n{text}"),
        )
        .unwrap();
    }
}

#[test]
fn two_thousand_postings_in_three_shards_merge_to_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    generated_corpus(&corpus);
    shards_merge_to_one_run(&[s(&corpus)], tmp.path());
    // the near-duplicates were found across shards
    let dups = std::fs::read_to_string(tmp.path().join("merged/duplicates.csv")).unwrap();
    assert!(dups.lines().count() > 150, "{}", dups.lines().count());
    let per_shard: usize = (1..=3)
        .map(|k| {
            std::fs::read_to_string(tmp.path().join(format!("shard{k}/duplicates.csv"))).unwrap().lines().count() - 1
        })
        .sum();
    assert!(per_shard < dups.lines().count() - 1, "a shard alone finds only the duplicates within it");
}

#[test]
fn merge_refuses_what_is_not_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let out = |n: &str| tmp.path().join(n);
    for (k, n) in [("1/2", "a"), ("2/2", "b"), ("1/3", "c")] {
        run_ok(&["run", "-q", "--shard", k, "-o", s(&out(n)), "--corpus", s(&corpus)]);
    }
    run_ok(&[
        "run",
        "-q",
        "--shard",
        "2/2",
        "-o",
        s(&out("other")),
        "--corpus",
        s(&corpus.join("001_2d0d4a9b4ccb75f5.txt")),
    ]);
    let refused = |args: &[&str], says: &str| {
        let o = bin().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!out("m").join("documents.csv").exists(), "nothing is written");
    };
    refused(&["merge", s(&out("a")), "-o", s(&out("m"))], "shards missing: 2/2 (of 2)");
    refused(&["merge", s(&out("a")), s(&out("a")), "-o", s(&out("m"))], "shard 1/2 is given twice");
    refused(&["merge", s(&out("a")), s(&out("c")), "-o", s(&out("m"))], "another number of shards (3, not 2)");
    refused(&["merge", s(&out("a")), s(&out("other")), "-o", s(&out("m"))], "a shard of another corpus");
    refused(&["merge", s(&out("a")), s(&corpus), "-o", s(&out("m"))], "not an output folder of `rolemap run`");
    refused(&["merge", s(&out("a")), s(&out("b")), "-o", s(&out("a"))], "is one of the shards");
    let o = bin().args(["run", "--shard", "4/3", "-o", s(&out("m"))]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected K/N with 1 <= K <= N"));
    // and the two halves merge
    run_ok(&["merge", s(&out("a")), s(&out("b")), "-o", s(&out("m")), "-q"]);
    run_ok(&["run", "-q", "-o", s(&out("whole")), "--corpus", s(&corpus)]);
    assert_same_output(&out("whole"), &out("m"));
}

/// `rolemap process`: a line per posting, the same result as `run` gives the record, and no
/// state shared between streams: two halves processed apart give the whole's results.
#[test]
fn process_streams_a_line_per_posting_with_no_shared_state() {
    use std::io::{Read, Write};
    let mut jl = String::new();
    for i in 0..60 {
        let title = ["Product Owner", "Senior Product Manager", "Data Analyst"][i % 3];
        let rec = serde_json::json!({"id": format!("r{i}"), "title": title, "company": format!("Company {}", i % 5),
            "description": format!("## Responsibilities\n\n- Own the backlog of team {i}\n- Work with design on releases\n")});
        jl.push_str(&format!("{rec}\n"));
    }
    jl.push_str("{\"id\": \"empty\", \"title\": \"Product Owner\"}\n");
    let process = |input: &str| -> (Option<i32>, Vec<serde_json::Value>) {
        let mut child = bin()
            .arg("process")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        let lines = String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (o.status.code(), lines)
    };
    let (code, whole) = process(&jl);
    assert_eq!(code, Some(1), "a posting without text is an error row, as in run");
    assert_eq!(whole.len(), 61);
    assert_eq!(whole[60]["result"]["doc"]["status"], "error");
    // the same results `run` collects for the same records (its partials; the stream's row aside)
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut child =
        bin().args(["run", "-q", "--corpus", "-", "-o", s(&out)]).stdin(std::process::Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(jl.as_bytes()).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(out.join("partials/results.jsonl.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let run: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| !l["listed"].as_bool().unwrap())
        .collect();
    assert_eq!(run, whole);
    // halves apart: the same results, each half's keys its own
    let lines: Vec<&str> = jl.lines().collect();
    let half = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    let (_, a) = process(&half(&lines[..30]));
    let (_, b) = process(&half(&lines[30..]));
    // (a record's position and line are its place in its stream)
    let results = |v: &[serde_json::Value]| {
        v.iter()
            .map(|l| {
                let mut r = l["result"].clone();
                r["doc"]["position"] = serde_json::Value::Null;
                r["doc"]["reason"] = serde_json::Value::Null;
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!([results(&a), results(&b)].concat(), results(&whole));
}

/// What the tester found merge let through: shards run with other dump options, a shard
/// whose partials lost lines, a corpus that changed between the shards' runs, shards of
/// standard input.
#[test]
fn merge_refuses_shards_that_disagree_or_lost_lines() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("c");
    std::fs::create_dir_all(&corpus).unwrap();
    let mut jl = String::new();
    for i in 0..30 {
        jl.push_str(&format!(
            "{{\"id\": \"r{i}\", \"title\": \"Product Owner\", \"description\": \"- Own the backlog of team {i}\"}}\n"
        ));
    }
    std::fs::write(corpus.join("feed.jsonl"), &jl).unwrap();
    std::fs::write(corpus.join("page.md"), "# Product Manager\n\n- Own the roadmap\n").unwrap();
    let out = |n: &str| tmp.path().join(n);
    let shard = |k: &str, n: &str, extra: &[&str]| {
        let o = out(n);
        let mut args = vec!["run", "-q", "--shard", k, "-o", s(&o), "--corpus", s(&corpus)];
        args.extend(extra);
        run_ok(&args);
    };
    shard("1/2", "a", &[]);
    shard("2/2", "b", &[]);
    shard("2/2", "text", &["--text-field", "title"]);
    let refused = |a: &str, b: &str, says: &str| {
        let o = bin().args(["merge", s(&out(a)), s(&out(b)), "-o", s(&out("m"))]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    };
    refused("a", "text", "other dump options");
    // a partials file that lost lines (a valid gzip)
    std::fs::create_dir_all(out("cut/partials")).unwrap();
    std::fs::copy(out("b/manifest.json"), out("cut/manifest.json")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"").unwrap();
    std::fs::write(out("cut/partials/results.jsonl.gz"), gz.finish().unwrap()).unwrap();
    refused("a", "cut", "the file is incomplete");
    // the corpus changed before the second shard ran
    std::fs::write(corpus.join("new.md"), "# Product Owner\n\n- Own the backlog\n").unwrap();
    shard("2/2", "later", &[]);
    refused("a", "later", "a corpus that lists other files or sizes");
    let o = bin().args(["run", "--shard", "1/2", "--corpus", "-", "-o", s(&out("stdin"))]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not standard input"));
}

/// A CSV on standard input without a column of posting texts: an error row, said, exit 1
/// (it was read as a file named `-`, and `process` wrote nothing and exited 0).
#[test]
fn a_csv_on_stdin_without_texts_is_an_error_row() {
    use std::io::Write;
    let csv = "title,summary\nProduct Manager,Own the roadmap\n";
    let piped = |args: &[&str]| {
        let mut c = bin()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(csv.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let o = piped(&["process", "--input-format", "csv"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("standard input holds a CSV without a column of posting texts"), "{out}");
    let tmp = tempfile::tempdir().unwrap();
    let o = piped(&["run", "-q", "--corpus", "-", "--input-format", "csv", "-o", s(&tmp.path().join("o"))]);
    assert_eq!(o.status.code(), Some(1));
    let docs = std::fs::read_to_string(tmp.path().join("o/documents.csv")).unwrap();
    assert!(docs.contains("standard input holds a CSV without a column of posting texts"), "{docs}");
}
