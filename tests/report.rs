//! `report.html` as a browser reads it: rolemap runs on a corpus, headless Chromium loads the
//! report and dumps its DOM, and the roles and companies of the run's own CSV files must be
//! on the page, the input's markup as text. Without Chromium the tests say SKIPPED, except
//! in CI (`ROLEMAP_CI`), where they fail (`.ci/run` installs Debian's `chromium`).

mod common;
use common::{run, s};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        let ok = std::process::Command::new(name)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| PathBuf::from(name))
    })
}

/// The DOM of `page` after Chromium loaded it; `None` (test skipped) without Chromium.
fn dump_dom(test: &str, page: &Path) -> Option<String> {
    let Some(bin) = chromium() else {
        assert!(std::env::var_os("ROLEMAP_CI").is_none(), "{test}: chromium is missing in CI (.ci/run installs it)");
        eprintln!("\n*** SKIPPED {test}: no chromium on this machine (apt-get install chromium) ***\n");
        return None;
    };
    let profile = tempfile::tempdir().unwrap();
    let dom = tempfile::NamedTempFile::new().unwrap();
    let mut child = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", s(profile.path())),
            "--dump-dom",
            &format!("file://{}", s(&page.canonicalize().unwrap())),
        ])
        .stdout(dom.reopen().unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{test}: chromium did not end within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{test}: chromium failed: {status}");
    let text = std::fs::read_to_string(dom.path()).unwrap();
    assert!(text.contains("</html>"), "{test}: no DOM dumped: {text:.500}");
    Some(text)
}

/// The text of a DOM: tags removed, the entities a serialised DOM holds decoded.
fn text_of(dom: &str) -> String {
    let mut out = String::with_capacity(dom.len());
    let mut in_tag = false;
    for c in dom.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    out.replace("&nbsp;", " ").replace('\u{a0}', " ").replace("&amp;", "&")
}

/// The values of `column` in a CSV file of the run, non-empty, without repeats.
fn column(path: &Path, name: &str, keep: impl Fn(&csv::StringRecord, &csv::StringRecord) -> bool) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    let i = headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {path:?}"));
    let mut out: Vec<String> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let v = rec[i].trim_start_matches('\'').to_string();
        if !v.is_empty() && keep(&headers, &rec) && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[test]
fn the_sample_report_shows_every_role_and_company() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--quiet", "--corpus", "corpus", "--out", s(out.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let Some(dom) = dump_dom("the_sample_report_shows_every_role_and_company", &out.path().join("report.html")) else {
        return;
    };
    let text = text_of(&dom);
    let mapped = |h: &csv::StringRecord, r: &csv::StringRecord| {
        h.iter().position(|x| x == "role_id").is_some_and(|i| &r[i] != "unmapped")
    };
    let roles = column(&out.path().join("roles.csv"), "role_label", mapped);
    let companies = column(&out.path().join("documents.csv"), "company", |_, _| true);
    assert!(!roles.is_empty() && !companies.is_empty(), "{roles:?} {companies:?}");
    for name in roles.iter().chain(&companies) {
        assert!(text.contains(name.as_str()), "{name:?} is not on the page");
    }
    // the sections a reader looks for
    for section in [
        "Roles",
        "What each source puts in the role",
        "Up the ladder",
        "Near-duplicates",
        "Documents that yielded nothing",
    ] {
        assert!(text.contains(section), "no {section:?} on the page");
    }
    // a page that fetches nothing
    assert!(!dom.contains("<script") && !dom.contains("<link") && !dom.contains("http"), "{dom:.2000}");
}

#[test]
fn markup_in_the_input_is_text_on_the_page() {
    let corpus = tempfile::tempdir().unwrap();
    // (other duties each: a near-duplicate would be counted as the first)
    let duties = [
        "<li>Own the product roadmap and release plans</li><li>Talk to customers about their needs</li>",
        "<li>Define pricing and packaging</li><li>Write requirements with engineering</li>",
    ];
    let companies = ["<script>alert(1)</script>", "Quote \"&' Co"];
    let lines: Vec<String> = companies
        .iter()
        .zip(duties)
        .map(|(c, d)| {
            let description = format!("<h2>Responsibilities</h2><ul>{d}</ul>");
            serde_json::json!({"title": "Product Manager", "company": c, "description": description}).to_string()
        })
        .collect();
    std::fs::write(corpus.path().join("feed.jsonl"), lines.join("\n") + "\n").unwrap();
    // a document named as markup, that yields nothing
    std::fs::write(corpus.path().join("<i>x.md"), "Nothing about roles here.\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let Some(dom) = dump_dom("markup_in_the_input_is_text_on_the_page", &out.path().join("report.html")) else {
        return;
    };
    // no element came from the input: its markup is text, escaped as the DOM serialises text
    assert!(!dom.contains("<script") && !dom.contains("<i>"), "{dom}");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{dom}");
    assert!(dom.contains("&lt;i&gt;x.md"), "{dom}");
    let text = text_of(&dom);
    for c in companies {
        assert!(text.contains(c), "{c:?} is not on the page as text: {text}");
    }
}
