//! The tables as users load them: DuckDB and polars read every table of the sample output
//! and of a 300-record JobSpy dump (dates in several spellings, amounts whole and not,
//! fields rolemap has no column for) in CSV, JSON Lines and Parquet, with the documented
//! types (`tests/tables/check.py`). Without python3, duckdb or polars the tests say SKIPPED,
//! except in CI (`ROLEMAP_CI`), where they fail (`.ci/run` installs them).

mod common;

use common::{bin, s};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn have_python_tables(test: &str) -> bool {
    let ok = Command::new("python3").args(["-c", "import duckdb, polars"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("ROLEMAP_CI").is_none(),
            "{test}: python3 with duckdb and polars is missing in CI (.ci/run installs them)"
        );
        eprintln!("\n*** SKIPPED {test}: no python3 with duckdb and polars (pip install duckdb polars) ***\n");
    }
    ok
}

fn check(out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tables/check.py");
    let o = Command::new("python3").arg(script).arg(out).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}\n{}", String::from_utf8_lossy(&o.stderr));
    // every table was read
    assert_eq!(text.lines().filter(|l| l.starts_with("ok ")).count(), 8, "{text}");
}

/// A JobSpy dump of `n` postings: what `jobspy.scrape_jobs(...).to_csv(...)` writes.
fn jobspy_dump(n: usize) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
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
        "company_industry",
        "emails",
        "description",
    ])
    .unwrap();
    let dates = ["2024-05-03", "05/03/2024", "", "2024-02-30", "3 days ago", "2024-02-29"];
    let amounts = [("85000", "105000"), ("85000.5", "99999.99"), ("", ""), ("40", "55.5")];
    let titles = ["Senior Product Manager", "Product Owner", "Data Analyst", "Staff Engineer"];
    for i in 0..n {
        let (lo, hi) = amounts[i % amounts.len()];
        let desc = format!(
            "**What you'll do**\n\n- Own the roadmap for product line {i}\n- Work with design and engineering to ship features\n\n**What you bring**\n\n- {} years of experience\n",
            3 + i % 5
        );
        w.write_record([
            format!("in-{i}").as_str(),
            if i % 2 == 0 { "indeed" } else { "linkedin" },
            &format!("https://example.com/jobs/{i}"),
            titles[i % titles.len()],
            &format!("Company {}", i % 17),
            "Berlin, BE, DE",
            dates[i % dates.len()],
            "fulltime",
            "yearly",
            lo,
            hi,
            "EUR",
            if i % 3 == 0 { "True" } else { "False" },
            "mid-senior level",
            "Product Management",
            "Software Development",
            &format!("jobs{i}@example.com"),
            &desc,
        ])
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn jsonl(out: &Path, file: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join(file)).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn duckdb_and_polars_read_the_sample_output() {
    if !have_python_tables("duckdb_and_polars_read_the_sample_output") {
        return;
    }
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("output"));
}

#[test]
fn duckdb_and_polars_read_a_jobspy_dump_output() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("jobs.csv");
    std::fs::write(&dump, jobspy_dump(300)).unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .args([
            "run",
            "--quiet",
            "--corpus",
            s(&dump),
            "--out",
            s(&out),
            "--keep-field",
            "job_url",
            "--keep-field",
            "Site",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));

    // join keys and typed values, whatever the formats say
    let docs: BTreeMap<String, serde_json::Value> =
        jsonl(&out, "documents.jsonl").into_iter().map(|d| (d["doc"].as_str().unwrap().to_string(), d)).collect();
    assert_eq!(docs.len(), 301);
    let d = &docs["jobs.csv#in-1"];
    assert_eq!(
        (d["source_file"].as_str(), d["record_id"].as_str(), d["position"].as_u64()),
        (Some("jobs.csv"), Some("in-1"), Some(2))
    );
    assert_eq!(d["date_posted"], serde_json::Value::Null, "05/03/2024 is not read as a date: {d}");
    assert_eq!(d["date_posted_raw"], "05/03/2024");
    assert_eq!(d["salary_min"], 85000.5);
    assert_eq!(docs["jobs.csv#in-0"]["date_posted"], "2024-05-03");
    assert_eq!(docs["jobs.csv#in-0"]["salary_min"], 85000.0);
    assert_eq!(docs["jobs.csv#in-3"]["date_posted"], serde_json::Value::Null, "2024-02-30 is no day");
    assert_eq!(docs["jobs.csv#in-5"]["date_posted"], "2024-02-29");
    let extra = &docs["jobs.csv#in-7"]["extra"];
    for (k, v) in [
        ("site", "linkedin"),
        ("job_level", "mid-senior level"),
        ("emails", "jobs7@example.com"),
        ("job_url", "https://example.com/jobs/7"),
    ] {
        assert_eq!(extra[k], v, "{extra}");
    }
    assert!(extra.get("description").is_none() && extra.get("title").is_none(), "used fields are columns: {extra}");
    assert_eq!(docs["jobs.csv"]["extra"], serde_json::Value::Null, "the dump's own row has no record fields");
    let csv = std::fs::read_to_string(out.join("documents.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",url,job_url,site"), "--keep-field adds CSV columns");
    assert!(csv.contains(",https://example.com/jobs/7,linkedin\n"));

    if !have_python_tables("duckdb_and_polars_read_a_jobspy_dump_output") {
        return;
    }
    check(&out);
}

#[test]
fn one_format_only_and_a_keep_field_that_is_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("jobs.csv");
    std::fs::write(&dump, jobspy_dump(3)).unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--quiet", "--corpus", s(&dump), "--out", s(&out)];
        args.extend(extra);
        bin().args(&args).output().unwrap()
    };
    assert!(run(&[]).status.success());
    assert!(out.join("roles.jsonl").is_file() && out.join("roles.parquet").is_file());
    let o = run(&["--format", "parquet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("roles.parquet").is_file() && out.join("schema.json").is_file());
    for gone in ["roles.csv", "roles.jsonl", "comparison/role_matrix.csv", "documents.csv"] {
        assert!(!out.join(gone).exists(), "{gone} of the earlier run is left beside the new output");
    }
    let o = run(&["--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format \"xlsx\""));
    let o = run(&["--keep-field", "company"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("already has a column \"company\""),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("roles.parquet").is_file(), "the refused run left the output as it was");
}

/// Every column of every table is documented in the README.
#[test]
fn every_column_is_in_the_readme() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let words: std::collections::HashSet<&str> =
        readme.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    let mut missing = Vec::new();
    for t in rolemap::emit::table::TABLES {
        for c in t.columns {
            if !words.contains(c.name) {
                missing.push(format!("{}.{}", t.name, c.name));
            }
        }
        if !readme.contains(&format!("{}.csv", t.name.rsplit('/').next().unwrap())) {
            missing.push(format!("{}.csv", t.name));
        }
    }
    assert!(missing.is_empty(), "columns not in the README: {missing:?}");
}
