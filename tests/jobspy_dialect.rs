//! JobSpy's recommended CSV, `jobs.to_csv("jobs.csv", quoting=csv.QUOTE_NONNUMERIC,
//! escapechar="\\", index=False)`, reads exactly like the same postings written plainly
//! (`jobs.to_csv("jobs.csv", index=False)`): the same documents, roles, responsibilities
//! and requirements. Both files are written here byte for byte as pandas and Python's `csv`
//! module write them (checked against Python's `csv` when `python3` is present).

use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{bin, s};

/// A cell of a JobSpy data frame.
#[derive(Clone, Debug)]
enum Cell {
    Str(String),
    Float(f64),
    Bool(bool),
    /// NaN / None: pandas writes `na_rep`, an empty string
    Na,
}

const COLUMNS: [&str; 18] = [
    "id",
    "site",
    "job_url",
    "title",
    "company",
    "location",
    "date_posted",
    "job_type",
    "interval",
    "min_amount",
    "max_amount",
    "currency",
    "is_remote",
    "job_level",
    "job_function",
    "emails",
    "description",
    "company_industry",
];

/// About fifty postings as JobSpy scrapes them: descriptions in Markdown as markdownify
/// writes it (`end\-to\-end`, `3\+ years`, `\*`), quotes, commas, line breaks, backslashes,
/// amounts missing or not, a few records with an empty description.
fn records() -> Vec<Vec<Cell>> {
    let titles = [
        ("Senior Product Manager", "Acme Payments"),
        ("Product Owner", "Beta \"Logistics\" GmbH"),
        ("Staff Software Engineer", "Gamma, Inc."),
        ("Data Analyst", "Delta Analytics"),
        ("Engineering Manager", "Epsilon \\ Zeta"),
        ("UX Designer", "Eta Studio"),
        ("Junior Product Manager", "Theta"),
    ];
    let duties = [
        "Own the product roadmap for card payments end\\-to\\-end",
        "Interview merchants and turn their problems into requirements",
        "Work with engineering and design to ship and measure features",
        "Write user stories with clear acceptance criteria",
        "Lead a team of 6\\+ engineers and grow them",
        "Build dashboards for the \"growth\" team, and explain them",
        "Review designs with C:\\\\Tools\\\\export paths in mind",
        "Run A/B tests \\(with the data team\\) and report results",
    ];
    let mut out = Vec::new();
    for i in 0..50usize {
        let (title, company) = titles[i % titles.len()];
        let mut d = String::new();
        d.push_str("**About the role**\n\nWe are growing our team in a \"fast\\-paced\" environment, one of many.\n\n");
        d.push_str("**What you'll do**\n\n");
        for k in 0..3 {
            d.push_str("\\* ");
            d.push_str(duties[(i + k * 3) % duties.len()]);
            d.push('\n');
        }
        d.push_str("\n**What you bring**\n\n");
        d.push_str(&format!("\\* {}\\+ years of experience in a similar role\n", 2 + i % 5));
        d.push_str("\\* Fluent English; German is a plus \\- \"nice to have\"\n");
        if i % 9 == 4 {
            d.push_str("\nBackslash at the end \\\\");
        }
        let description = if i % 17 == 16 { Cell::Na } else { Cell::Str(d) };
        let (min, max) = if i % 3 == 0 {
            (Cell::Na, Cell::Na)
        } else {
            (Cell::Float(80000.0 + 1000.0 * i as f64), Cell::Float(95000.5 + 1000.0 * i as f64))
        };
        let st = |s: &str| Cell::Str(s.to_string());
        out.push(vec![
            st(&format!("in-{:04x}", 0x7f30 + i)),
            st(["indeed", "linkedin", "glassdoor"][i % 3]),
            st(&format!("https://www.indeed.com/viewjob?jk={i:04}&from=serp,vjs")),
            st(title),
            st(company),
            st(["Berlin, BE, DE", "Remote", "Paris, IDF, FR", "New York, NY, US"][i % 4]),
            st(&format!("2026-11-{:02}", 1 + i % 28)),
            st(if i % 5 == 0 { "contract" } else { "fulltime" }),
            if i % 3 == 0 { Cell::Na } else { st("yearly") },
            min,
            max,
            if i % 3 == 0 { Cell::Na } else { st("EUR") },
            Cell::Bool(i % 2 == 0),
            if i % 4 == 0 { Cell::Na } else { st("mid-senior level") },
            st("Product Management, Engineering"),
            if i % 6 == 0 { st("jobs@example.com, hr@example.com") } else { Cell::Na },
            description,
            st("Software Development; Financial Services"),
        ]);
    }
    out
}

/// A float as Python's `repr` writes it (the values above are whole or halves).
fn py_float(f: f64) -> String {
    if f.fract() == 0.0 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// `to_csv(index=False)`: `csv.QUOTE_MINIMAL`, quotes doubled, `\n` line ends.
fn plain(rows: &[Vec<Cell>]) -> String {
    let field = |c: &Cell| match c {
        Cell::Str(s) if s.contains([',', '"', '\n', '\r']) => format!("\"{}\"", s.replace('"', "\"\"")),
        Cell::Str(s) => s.clone(),
        Cell::Float(f) => py_float(*f),
        Cell::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Cell::Na => String::new(),
    };
    let mut out = COLUMNS.join(",") + "\n";
    for r in rows {
        out += &r.iter().map(field).collect::<Vec<_>>().join(",");
        out.push('\n');
    }
    out
}

/// `to_csv(quoting=csv.QUOTE_NONNUMERIC, escapechar="\\", index=False)`: every string
/// quoted (the header too, and `na_rep`, an empty string), numbers and booleans not; a
/// quote doubled, the escape character escaped (`\\`).
fn jobspy(rows: &[Vec<Cell>]) -> String {
    let quoted = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\"\""));
    let field = |c: &Cell| match c {
        Cell::Str(s) => quoted(s),
        Cell::Float(f) => py_float(*f),
        Cell::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Cell::Na => quoted(""),
    };
    let mut out = COLUMNS.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(",") + "\n";
    for r in rows {
        out += &r.iter().map(field).collect::<Vec<_>>().join(",");
        out.push('\n');
    }
    out
}

/// Python's `csv` module writing the same rows both ways, when `python3` is present.
fn python_writes(rows: &[Vec<Cell>]) -> Option<(String, String)> {
    let json: Vec<Vec<serde_json::Value>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Str(s) => serde_json::json!(s),
                    Cell::Float(f) => serde_json::json!(f),
                    Cell::Bool(b) => serde_json::json!(b),
                    Cell::Na => serde_json::Value::Null,
                })
                .collect()
        })
        .collect();
    let script = r#"
import csv, io, json, sys
cols, rows = json.load(sys.stdin)
# as pandas hands the rows to csv.writer: NaN as na_rep, an empty string
rows = [["" if v is None else v for v in r] for r in rows]
out = []
for kw in ({}, {"quoting": csv.QUOTE_NONNUMERIC, "escapechar": "\\"}):
    b = io.StringIO()
    w = csv.writer(b, lineterminator="\n", **kw)
    w.writerow(cols)
    w.writerows(rows)
    out.append(b.getvalue())
json.dump(out, sys.stdout)
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let input = serde_json::to_vec(&(COLUMNS, json)).unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &input).unwrap();
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b): (String, String) = serde_json::from_slice(&o.stdout).unwrap();
    Some((a, b))
}

fn lines(out: &Path, file: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join(file)).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn run(csv: &str, extra: &[&str]) -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("jobs.csv");
    std::fs::write(&p, csv).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "--quiet", "--out", s(out.path()), "--corpus", s(&p)];
    args.extend(extra);
    let o = bin().args(&args).output().unwrap();
    // records without a description are error rows: exit 1
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, out)
}

#[test]
fn the_generators_write_as_python_does() {
    let rows = records();
    let Some((py_plain, py_jobspy)) = python_writes(&rows) else {
        eprintln!("SKIPPED: no python3");
        return;
    };
    assert_eq!(plain(&rows), py_plain);
    assert_eq!(jobspy(&rows), py_jobspy);
}

#[test]
fn jobspy_recommended_csv_reads_like_the_plain_one() {
    let rows = records();
    let (plain_csv, jobspy_csv) = (plain(&rows), jobspy(&rows));
    assert!(jobspy_csv.contains(r#""end\\-to\\-end"#) || jobspy_csv.contains(r"end\\-to\\-end"));
    let (_d1, a) = run(&plain_csv, &[]);
    let (_d2, b) = run(&jobspy_csv, &[]);
    let files = ["documents.jsonl", "roles.jsonl", "responsibilities.jsonl", "requirements.jsonl"];
    for f in files {
        let (mut x, mut y) = (lines(a.path(), f), lines(b.path(), f));
        if f == "documents.jsonl" {
            // the dump's own row: its size differs, and it says the escapes were read
            let own = |v: &mut Vec<serde_json::Value>| {
                let i = v.iter().position(|d| d["doc"] == "jobs.csv").unwrap();
                v.remove(i)
            };
            let (ox, oy) = (own(&mut x), own(&mut y));
            let (rx, ry) = (ox["reason"].as_str().unwrap(), oy["reason"].as_str().unwrap());
            assert!(!rx.contains("backslash escapes"), "{rx}");
            assert!(ry.contains("backslash escapes read in quoted fields"), "{ry}");
            assert!(rx.starts_with("dump of 50 record(s)"), "{rx}");
            assert_eq!(ry.replace("; backslash escapes read in quoted fields (--csv-escape)", ""), rx);
            assert_eq!(x.len(), 50);
        }
        assert!(!x.is_empty(), "{f}");
        assert_eq!(x.len(), y.len(), "{f}");
        for (r1, r2) in x.iter().zip(&y) {
            assert_eq!(r1, r2, "{f}");
        }
    }
    // what the plain file holds, and the escaped one too: Markdown escapes, read as Markdown
    let resps = lines(b.path(), "responsibilities.jsonl");
    let texts: Vec<&str> = resps.iter().filter_map(|r| r["text"].as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("end-to-end")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("\\-") || t.contains("\\\\")), "{texts:?}");
    // `3\+ years` in the file's Markdown: the years are read
    let reqs = lines(b.path(), "requirements.jsonl");
    assert!(reqs.iter().any(|r| r["years_min"].as_u64().is_some()), "{reqs:?}");
    let docs: BTreeMap<String, serde_json::Value> =
        lines(b.path(), "documents.jsonl").into_iter().map(|d| (d["doc"].as_str().unwrap().to_string(), d)).collect();
    assert_eq!(docs["jobs.csv#in-7f30"]["company"], "Acme Payments");
    assert_eq!(docs["jobs.csv#in-7f31"]["company"], "Beta \"Logistics\" GmbH");
    assert_eq!(docs["jobs.csv#in-7f34"]["company"], "Epsilon \\ Zeta");
}

/// `--csv-escape none` reads backslashes as they are; `backslash` reads them as escapes in a
/// file the detection would not take (a header not quoted).
#[test]
fn csv_escape_can_be_named() {
    let rows = records();
    let (_d, none) = run(&jobspy(&rows), &["--csv-escape", "none"]);
    let docs = lines(none.path(), "documents.jsonl");
    let own = docs.iter().find(|d| d["doc"] == "jobs.csv").unwrap();
    assert!(!own["reason"].as_str().unwrap().contains("backslash escapes"), "{own}");
    let acme = docs.iter().find(|d| d["doc"] == "jobs.csv#in-7f34").unwrap();
    assert_eq!(acme["company"], "Epsilon \\\\ Zeta");
    // an unquoted header: not detected, unless named
    let unquoted = jobspy(&rows).replacen('"', "", 2 * COLUMNS.len());
    let (_d, auto) = run(&unquoted, &[]);
    let acme = lines(auto.path(), "documents.jsonl").into_iter().find(|d| d["doc"] == "jobs.csv#in-7f34").unwrap();
    assert_eq!(acme["company"], "Epsilon \\\\ Zeta");
    let (_d, named) = run(&unquoted, &["--csv-escape", "backslash"]);
    let acme = lines(named.path(), "documents.jsonl").into_iter().find(|d| d["doc"] == "jobs.csv#in-7f34").unwrap();
    assert_eq!(acme["company"], "Epsilon \\ Zeta");
}
