//! What users of command-line tools expect (issue 13): short flags, `-j`, sizes with
//! units, CSV on standard input, `--out -` refused, errors said once with their path,
//! completions and a man page, `explain FILE#ID`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

mod common;
use common::{bin, run, s};

fn docs(out: &Path) -> BTreeMap<String, serde_json::Value> {
    std::fs::read_to_string(out.join("documents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|d| (d["doc"].as_str().unwrap().to_string(), d))
        .collect()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const POSTING: &str = "# Product Owner\n\n## Responsibilities\n\n- Own and order the product backlog\n- Write user stories with the team\n";

#[test]
fn short_flags_threads_and_sizes_with_units() {
    let c = tempfile::tempdir().unwrap();
    std::fs::write(c.path().join("a.md"), POSTING).unwrap();
    std::fs::write(c.path().join("big.md"), format!("{POSTING}\n{}\n", "x".repeat(2000))).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "-q", "-o", s(out.path()), "-j", "1", "--max-bytes", "1K", "--corpus", s(c.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(o.stderr.is_empty(), "-q: {}", err(&o));
    let d = docs(out.path());
    assert_eq!(d["a.md"]["status"], "ok");
    let reason = d["big.md"]["reason"].as_str().unwrap();
    assert!(reason.contains("over the limit of 1024"), "{reason}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["limits"]["max_bytes"], 1024);
    for (size, ok) in [("8M", true), ("8MiB", true), ("1G", true), ("512k", true), ("90000", true), ("8X", false)] {
        let out = tempfile::tempdir().unwrap();
        let o = run(&["run", "--threads", "2", "-q", "--out", s(out.path()), "--max-bytes", size]);
        assert_eq!(o.status.success(), ok, "{size}: {}", err(&o));
        if !ok {
            assert_eq!(o.status.code(), Some(2));
            assert!(err(&o).contains("\"8X\" is not a size") && err(&o).contains("--max-bytes"), "{}", err(&o));
        }
    }
    // clean takes them too
    let out = tempfile::tempdir().unwrap();
    let o = run(&["clean", "-q", "-j", "1", "-o", s(out.path()), "--max-bytes", "1K", "--corpus", s(c.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(out.path().join("a.md").is_file());
}

#[test]
fn out_dash_is_refused_and_makes_no_folder() {
    let cwd = tempfile::tempdir().unwrap();
    for cmd in [&["run", "--out", "-"][..], &["run", "-o", "-"], &["clean", "--out", "-"]] {
        let o =
            bin().current_dir(cwd.path()).args(cmd).args(["--corpus", env!("CARGO_MANIFEST_DIR")]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", err(&o));
        assert!(err(&o).contains("--out - is not supported"), "{}", err(&o));
        assert!(!cwd.path().join("-").exists());
    }
}

fn stdin_run(input: &str, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args(["run", "-q", "-o", s(out.path()), "--corpus", "-"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    (child.wait_with_output().unwrap(), out)
}

#[test]
fn csv_and_tsv_on_standard_input() {
    let csv = "id,title,company,description\n\
               p-1,Product Owner,Acme,\"- Own and order the product backlog\n- Write user stories with the team\"\n\
               p-2,Data Analyst,Beta,\"- Build dashboards for the sales team\"\n";
    let (o, out) = stdin_run(csv, &["--input-format", "csv"]);
    assert!(o.status.success(), "{}", err(&o));
    let d = docs(out.path());
    assert_eq!(d.keys().collect::<Vec<_>>(), ["stdin", "stdin#p-1", "stdin#p-2"]);
    assert_eq!(d["stdin"]["format"], "csv");
    assert_eq!(d["stdin"]["bytes"].as_u64(), Some(csv.len() as u64));
    assert_eq!(d["stdin#p-1"]["company"], "Acme");
    let tsv = "id\ttitle\tdescription\np-1\tProduct Owner\t- Own and order the product backlog\n";
    let (o, out) = stdin_run(tsv, &["--input-format", "tsv"]);
    assert!(o.status.success(), "{}", err(&o));
    let d = docs(out.path());
    assert_eq!(d["stdin"]["format"], "tsv");
    assert_eq!(d["stdin#p-1"]["roles"], 1);
    // JSON Lines stays the default
    let (o, out) =
        stdin_run("{\"id\": \"j\", \"title\": \"Product Owner\", \"description\": \"- Own the backlog\"}\n", &[]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(docs(out.path())["stdin"]["format"], "jsonl");
    let (o, _) = stdin_run("", &["--input-format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Each error is said once, with its path: failures that happen to root too (CI runs as
/// root): an output folder under a file, a dangling link, a folder named like a document.
#[test]
fn errors_are_said_once_with_their_path() {
    let c = tempfile::tempdir().unwrap();
    let file = c.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let under = file.join("out");
    for cmd in ["run", "clean"] {
        let o = run(&[cmd, "-q", "--corpus", s(c.path()), "--out", s(&under)]);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(3), "{cmd}: {e}");
        assert_eq!(e.matches("os error").count(), 1, "{cmd}: {e}");
        assert!(e.contains(s(&under)), "{cmd}: {e}");
        assert_eq!(e.lines().count(), 1, "{cmd}: {e}");
    }
    #[cfg(unix)]
    {
        let d = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", d.path().join("dangling.md")).unwrap();
        std::fs::create_dir(d.path().join("x.md")).unwrap();
        let o = run(&["explain", s(&d.path().join("dangling.md"))]);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(3), "{e}");
        assert!(e.contains("dangling.md") && e.lines().count() == 1, "{e}");
        let o = run(&["explain", s(&d.path().join("x.md"))]);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains("x.md: is a folder"), "{e}");
        // a link to a file that cannot be read, even by root
        std::os::unix::fs::symlink("/proc/self/mem", d.path().join("mem.md")).unwrap();
        let o = run(&["explain", s(&d.path().join("mem.md"))]);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(3), "{e}");
        assert_eq!(e.matches("os error").count(), 1, "{e}");
        assert!(e.contains("mem.md: cannot read"), "{e}");
    }
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", err(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(!text.trim().is_empty() && text.contains("run"), "{shell}: {text}");
        assert!(text.contains("max-bytes") && text.contains("csv-escape"), "{shell}");
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
    let o = run(&["man"]);
    assert!(o.status.success(), "{}", err(&o));
    let man = String::from_utf8_lossy(&o.stdout);
    assert!(man.starts_with(".TH rolemap 1"), "{man}");
    // the apostrophe's string is still defined, after the title
    assert!(man.lines().nth(1).is_some_and(|l| l.starts_with(".ie \\n(.g .ds Aq")), "{man}");
    assert!(man.contains(".SH NAME") && man.contains("completions"), "{man}");
}

/// Every flag of every subcommand says what it does in `-h`.
#[test]
fn every_flag_has_help_text() {
    for cmd in ["run", "clean", "eval", "explain", "completions"] {
        let o = run(&[cmd, "-h"]);
        assert!(o.status.success(), "{cmd}: {}", err(&o));
        let help = String::from_utf8_lossy(&o.stdout);
        let lines: Vec<&str> = help.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            if !(t.starts_with("--") || (t.starts_with('-') && t.get(2..4) == Some(", "))) {
                continue;
            }
            // `--flag <X>  text`, or the text on the next line (clap's layout for long texts)
            let same = t.split_once("  ").is_some_and(|(_, d)| !d.trim().is_empty());
            let next = lines.get(i + 1).is_some_and(|n| {
                let n = n.trim_start();
                !n.is_empty() && !n.starts_with('-')
            });
            assert!(same || next, "{cmd}: {l:?} has no help text\n{help}");
        }
    }
}

/// `explain 'jobs.csv#ID'` explains one record of a CSV dump (JobSpy's dialect included);
/// an id that is not there is a usage error naming the file and the id.
#[test]
fn explain_one_record_of_a_csv() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("jobs.csv");
    std::fs::write(
        &p,
        "\"id\",\"title\",\"company\",\"description\"\n\
         \"in-1\",\"Product Owner\",\"Acme\",\"- Own and order the product backlog end\\\\-to\\\\-end\n- Write user stories with the team\"\n\
         \"in-2\",\"Data Analyst\",\"Beta\",\"- Build dashboards for the sales team\"\n",
    )
    .unwrap();
    let one = format!("{}#in-1", s(&p));
    let o = run(&["explain", "--json", &one]);
    assert!(o.status.success(), "{}", err(&o));
    let x: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(x["doc"], "jobs.csv#in-1");
    let resp = x["responsibilities"].to_string();
    assert!(resp.contains("end-to-end") && !resp.contains("\\\\-"), "{resp}");
    // read as it is, the backslashes stay
    let o = run(&["explain", "--json", &one, "--csv-escape", "none"]);
    assert!(o.status.success(), "{}", err(&o));
    let x: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert!(x["responsibilities"].to_string().contains("end\\\\-to"), "{}", x["responsibilities"]);
    let missing = format!("{}#in-9", s(&p));
    let o = run(&["explain", &missing]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("jobs.csv") && e.contains("no record \"in-9\" among its 2 record(s)"), "{e}");
}
