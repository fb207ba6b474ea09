//! `rolemap clean`: the cleaned main content of every document, as Markdown (headings,
//! nested lists, tables kept), text, or blocks.jsonl; and the cleaner's floor on the Zyte
//! article-extraction benchmark (`../shared/cleanbench`, scored by its own scorer).

mod common;
use common::{run, s};
use std::path::Path;
use std::process::Command;

const PAGE: &str = "<html><head><title>T</title></head><body>\n<nav><a href=/>Home</a> <a href=/jobs>Jobs</a></nav>\n\
<main><h1>Senior Product Manager</h1>\n<p>You will lead a team.</p>\n<h2>Responsibilities</h2>\n\
<ul><li>Own the roadmap<ul><li>Plan each quarter</li></ul></li><li>Talk to customers</li></ul>\n\
<table><tr><th>Level</th><th>Scope</th></tr><tr><td>L1</td><td>A feature</td></tr></table>\n</main>\n\
<footer>© 2026 Acme</footer></body></html>\n";

#[test]
fn clean_writes_markdown_text_and_blocks() {
    let c = tempfile::tempdir().unwrap();
    std::fs::create_dir(c.path().join("sub")).unwrap();
    std::fs::write(c.path().join("sub/page.html"), PAGE).unwrap();
    std::fs::write(c.path().join("notes.md"), "# Product Owner\n\n1. Order the backlog\n   - with the team\n").unwrap();
    std::fs::write(
        c.path().join("feed.jsonl"),
        "{\"id\": \"in-1\", \"title\": \"Product Owner\", \"description\": \"- Own and order the product backlog\"}\n",
    )
    .unwrap();
    std::fs::write(c.path().join("logo.png"), b"\x89PNG").unwrap();
    let out = tempfile::tempdir().unwrap();
    let md = out.path().join("md");
    let o = run(&["clean", "--corpus", s(c.path()), "--out", s(&md)]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(md.join("sub/page.md")).unwrap();
    assert_eq!(
        page,
        "# Senior Product Manager\n\nYou will lead a team.\n\n## Responsibilities\n\n- Own the roadmap\n   - Plan each quarter\n- Talk to customers\n\n| Level | Scope |\n|---|---|\n| L1 | A feature |\n"
    );
    assert!(!page.contains("Home") && !page.contains("2026"), "navigation and footer dropped");
    let notes = std::fs::read_to_string(md.join("notes.md")).unwrap();
    assert!(notes.starts_with("# Product Owner\n\n1. Order the backlog\n   - with the team"), "{notes}");
    assert!(std::fs::read_to_string(md.join("feed.jsonl#in-1.md"))
        .unwrap()
        .contains("- Own and order the product backlog"));
    assert!(!md.join("logo.md").exists());
    assert!(String::from_utf8_lossy(&o.stderr).contains("logo.png: skipped"));

    let txt = out.path().join("txt");
    assert!(run(&["clean", "--quiet", "--corpus", s(c.path()), "--out", s(&txt), "--format", "txt"]).status.success());
    let t = std::fs::read_to_string(txt.join("sub/page.txt")).unwrap();
    assert_eq!(t.lines().next(), Some("Senior Product Manager"));
    assert!(t.contains("Level | Scope"));

    // --no-title: the body alone; the title is a dropped block of the JSON Lines
    let body = out.path().join("body");
    assert!(run(&["clean", "--quiet", "--no-title", "--corpus", s(c.path()), "--out", s(&body)]).status.success());
    let page_body = std::fs::read_to_string(body.join("sub/page.md")).unwrap();
    assert!(page_body.starts_with("You will lead a team.\n\n## Responsibilities\n"), "{page_body}");
    assert!(std::fs::read_to_string(body.join("notes.md")).unwrap().starts_with("1. Order the backlog\n"));
    let jt = out.path().join("jt");
    assert!(run(&["clean", "--quiet", "--no-title", "--format", "jsonl", "--corpus", s(c.path()), "--out", s(&jt)])
        .status
        .success());
    let title = std::fs::read_to_string(jt.join("blocks.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["doc"] == "sub/page.html" && r["rule"] == "clean:title")
        .expect("the title is a dropped row");
    assert_eq!(title["text"], "Senior Product Manager");

    let jl = out.path().join("jl");
    assert!(run(&["clean", "--quiet", "--corpus", s(c.path()), "--out", s(&jl), "--format", "jsonl"]).status.success());
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(jl.join("blocks.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let page_rows: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["doc"] == "sub/page.html" && r["kept"] == true).collect();
    assert_eq!(page_rows[0]["kind"], "heading");
    assert_eq!(page_rows[0]["line"], 3);
    // the elements left out are rows too, with their rule
    let left_out: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["doc"] == "sub/page.html" && r["kept"] == false).collect();
    assert!(
        left_out.iter().any(|r| r["text"] == "© 2026 Acme" && r["rule"].as_str().unwrap().starts_with("html:")),
        "{left_out:?}"
    );
    assert!(page_rows.iter().any(|r| r["kind"] == "list-item" && r["level"] == 1 && r["text"] == "Plan each quarter"));
    assert!(rows.iter().any(|r| r["doc"] == "feed.jsonl#in-1"));
    assert!(rows.iter().all(|r| r["kept"] == true || r["rule"].is_string()));
}

/// The cleaner on the Zyte benchmark's 181 pages, scored by the benchmark's scorer. The
/// benchmark's truth is the article's body without its headline, so the figure to compare
/// with other extractors is that of `--no-title` (0.973 today, floor 0.965, above the
/// issue's target 0.96); the Markdown with the title kept (0.961, floor 0.955) is held
/// too. A change that loses main content fails here.
#[test]
fn cleaning_benchmark_floor() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cleanbench/score.py");
    if !bench.is_file() || Command::new("python3").arg("--version").output().is_err() {
        // CI has both: there a missing benchmark is a failure, not a skip
        assert!(std::env::var_os("ROLEMAP_CI").is_none(), "{} or python3 missing in CI", bench.display());
        eprintln!(
            "SKIPPED cleaning_benchmark_floor: needs python3 and {} (the shared folder beside the checkout)",
            bench.display()
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let html = d.path().join("html");
    let o = Command::new("python3").arg(&bench).args(["unpack", s(&html)]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (extra, floor) in [(&["--no-title"][..], 0.965), (&[][..], 0.955)] {
        let clean = d.path().join(format!("clean{}", extra.len()));
        let t = std::time::Instant::now();
        let mut args = vec!["clean", "--quiet", "--corpus", s(&html), "--out", s(&clean)];
        args.extend_from_slice(extra);
        let o = run(&args);
        let took = t.elapsed();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = Command::new("python3").arg(&bench).args(["score", s(&clean)]).output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        let line = out.lines().find(|l| l.starts_with("zyte: F1=")).unwrap_or_else(|| panic!("no score in:\n{out}"));
        eprintln!("clean {extra:?}: {line} ({} pages/s)", (181.0 / took.as_secs_f64()).round());
        let f1: f64 = line["zyte: F1=".len()..].split_whitespace().next().unwrap().parse().unwrap();
        assert!(f1 >= floor, "Zyte F1 {f1} of clean {extra:?} below the floor {floor}: {line}");
        assert!(line.contains("without output=0"), "{line}");
    }
}

/// `clean` never overwrites what it did not write: into the corpus folder itself it is
/// refused and the sources stay as they were; a second clean into its own earlier output
/// replaces it (no stale file of the earlier corpus stays); and `run` does not read a
/// clean output inside its corpus back as documents (found by an attack run).
#[test]
fn clean_writes_only_into_its_own_folder() {
    let c = tempfile::tempdir().unwrap();
    let page = "---\ntitle: Product Owner\n---\n# Product Owner\n\n- Own the product backlog\n";
    std::fs::write(c.path().join("posting.md"), page).unwrap();
    std::fs::write(c.path().join("page.html"), "<h1>Product Manager</h1><ul><li>Own the roadmap</li></ul>").unwrap();
    let o = run(&["clean", "--quiet", "--corpus", s(c.path()), "--out", s(c.path())]);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds what rolemap clean did not write"));
    assert_eq!(std::fs::read_to_string(c.path().join("posting.md")).unwrap(), page);
    assert!(!c.path().join("page.md").exists());

    let out = c.path().join("cleaned");
    assert!(run(&["clean", "--quiet", "--corpus", s(c.path()), "--out", s(&out)]).status.success());
    assert!(out.join("posting.md").is_file() && out.join("page.md").is_file());
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("team.md"), "# Product Designer\n").unwrap();
    assert!(run(&["clean", "--quiet", "--corpus", s(other.path()), "--out", s(&out)]).status.success());
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["manifest.json", "team.md"]);
    // a clean killed while writing (its manifest says it did not end) left files no list
    // names: the next clean into the folder replaces them, it does not refuse the folder
    std::fs::write(
        out.join("manifest.json"),
        r#"{"tool": "rolemap", "command": "clean", "complete": false, "files": []}"#,
    )
    .unwrap();
    std::fs::write(out.join("half-written.md"), "# Prod").unwrap();
    std::fs::write(out.join("manifest.json.writing"), "team.md\nhalf-written.md\n").unwrap();
    std::fs::write(out.join("manifest.json.tmp"), "{").unwrap();
    // … but what it did not name is not its own: the folder is refused, nothing removed
    std::fs::create_dir(out.join("notes")).unwrap();
    std::fs::write(out.join("notes/mine.md"), "# Mine\n").unwrap();
    let o = run(&["clean", "--quiet", "--corpus", s(other.path()), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("notes/mine.md"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("half-written.md").is_file() && out.join("notes/mine.md").is_file());
    std::fs::remove_dir_all(out.join("notes")).unwrap();
    let o = run(&["clean", "--quiet", "--corpus", s(other.path()), "--out", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["manifest.json", "team.md"]);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!((m["complete"].as_bool(), m["files"].as_array().map(Vec::len)), (Some(true), Some(1)), "{m}");

    let ro = tempfile::tempdir().unwrap();
    let o = run(&["run", "--quiet", "--corpus", s(c.path()), "--out", s(ro.path())]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = std::fs::read_to_string(ro.path().join("documents.csv")).unwrap();
    assert!(docs.lines().any(|l| l.starts_with("cleaned/,skipped,")), "{docs}");
    assert!(!docs.contains("cleaned/team.md"), "{docs}");
}
