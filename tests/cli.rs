//! The `rolemap` command end to end: exit codes, messages, atomic and deterministic output.

mod common;
use common::{rules_copy, run, s};
use std::path::PathBuf;

fn corpus_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    d
}

#[test]
fn run_writes_every_output_file() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--out", s(out.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in rolemap::emit::all_files() {
        assert!(out.path().join(&f).is_file(), "{f} missing");
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("read 5 documents (5 ok, 0 skipped, 0 failed"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn output_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(run(&["run", "--quiet", "--out", s(a.path())]).status.success());
    assert!(run(&["run", "--quiet", "--out", s(b.path())]).status.success());
    for f in rolemap::emit::all_files().iter().filter(|f| *f != "manifest.json") {
        assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f} differs");
    }
}

#[test]
fn bad_rules_stop_the_run_with_file_and_line() {
    let rules = rules_copy();
    let p = rules.path().join("categories.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n[[category]]\nid = \"bad\"\nlabel = \"Bad\"\npatterns = ['(?P<x']\n");
    let line = text.lines().count();
    std::fs::write(&p, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--rules", s(rules.path()), "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("categories.toml:{line}:")), "{err}");
    assert!(err.contains("not a valid regular expression"), "{err}");
    assert!(!out.path().join("roles.csv").exists());
}

#[test]
fn missing_corpus_is_exit_3() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--corpus", "/nonexistent/corpus", "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/corpus does not exist"));
}

#[test]
fn unwritable_output_keeps_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let o = run(&["run", "--quiet", "--out", s(&file)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write output folder"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn failed_write_leaves_previous_output_intact() {
    let out = tempfile::tempdir().unwrap();
    assert!(run(&["run", "--quiet", "--out", s(out.path())]).status.success());
    let before = std::fs::read(out.path().join("roles.csv")).unwrap();
    // a folder where a file must go makes the final move fail half way
    std::fs::remove_file(out.path().join("manifest.json")).unwrap();
    std::fs::create_dir_all(out.path().join("manifest.json/blocker")).unwrap();
    let corpus = corpus_with(&[("a.md", b"## Product Owner\n\n- Own the backlog\n")]);
    let o = run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out.path())]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("manifest.json/ (a folder)") && err.contains("choose another --out"), "{err}");
    let entries: Vec<String> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!entries.iter().any(|e| e.contains(".staging")), "{entries:?}");
    let name = out.path().file_name().unwrap().to_string_lossy().into_owned();
    let beside: Vec<String> = std::fs::read_dir(out.path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
    // the folder is replaced as a whole or not at all: here not at all
    assert_eq!(std::fs::read(out.path().join("roles.csv")).unwrap(), before);
    assert!(out.path().join("manifest.json/blocker").is_dir());
}

#[test]
fn skipped_and_failed_inputs_are_reported() {
    let corpus = corpus_with(&[
        ("ok.md", b"## Product Owner\n\n- Own the backlog\n"),
        ("notes.pdf", b"%PDF-1.4"),
        ("sub/deeper.txt", b"Plain text without any role."),
    ]);
    let fifo = corpus.path().join("pipe.txt");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = std::fs::read_to_string(out.path().join("documents.csv")).unwrap();
    let lines: Vec<&str> = docs.lines().collect();
    assert_eq!(lines.len(), 5, "{docs}");
    assert!(lines[1].starts_with("notes.pdf,skipped,\"unsupported extension .pdf"), "{docs}");
    assert!(lines[2].starts_with("ok.md,ok,"), "{docs}");
    assert!(lines[3].starts_with("pipe.txt,error,\"not a regular file"), "{docs}");
    assert!(lines[4].starts_with("sub/deeper.txt,ok,no role defined"), "{docs}");
}

#[test]
fn sources_csv_gives_company() {
    let corpus = corpus_with(&[
        ("a.md", b"## Product Owner\n\n- Own the backlog\n"),
        ("sources.csv", b"file,company,url\na.md,Acme Corp,https://acme.example/jobs/1\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    assert!(run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out.path())]).status.success());
    let roles = std::fs::read_to_string(out.path().join("roles.jsonl")).unwrap();
    assert!(roles.contains("\"company\":\"Acme Corp\""), "{roles}");
    let docs = std::fs::read_to_string(out.path().join("documents.csv")).unwrap();
    assert!(docs.contains("sources.csv,skipped,metadata"), "{docs}");
}

#[test]
fn formula_cells_are_neutralised_unless_asked() {
    let corpus = corpus_with(&[(
        "a.md",
        b"## Product Owner\n\n### Responsibilities\n\n- =HYPERLINK(\"http://x\",\"own the roadmap\")\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    assert!(run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out.path())]).status.success());
    let csv = std::fs::read_to_string(out.path().join("responsibilities.csv")).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(run(&["run", "--quiet", "--no-csv-guard", "--corpus", s(corpus.path()), "--out", s(out.path())])
        .status
        .success());
    let csv = std::fs::read_to_string(out.path().join("responsibilities.csv")).unwrap();
    assert!(csv.contains(",\"=HYPERLINK") || csv.contains(",=HYPERLINK"), "{csv}");
}

#[test]
fn eval_reports_the_gold_figures() {
    let gold: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "seeds.gold.jsonl"].iter().collect();
    let o = run(&["eval", "--gold", s(&gold), "--min-role-f1", "0.95", "--min-resp-f1", "0.9", "--max-leaks", "0"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().last().unwrap().starts_with("roles P="), "{out}");
    let o = run(&["eval", "--gold", s(&gold), "--min-role-f1", "1.01"]);
    assert_eq!(o.status.code(), Some(4));
}
