//! `rolemap code`: the MELO benchmark (`usa_q_en_c_en`: 633 O*NET occupation titles ranked
//! against 33,809 ESCO labels), scored by its own scorer (`../shared/taxonomies/melo`): MAP
//! 0.645 today, floor 0.60 (the target 0.40; lexical baselines 0.23-0.24, the best
//! embedding model 0.47). The command's shapes: JSON lines, a title from a file. And the codes
//! on role rows: every row of the samples and of the development set has codes or says why
//! not; the traps of the taxonomies (a developer advocate is no urban planner, a product
//! manager no product and services manager) hold end to end.

mod common;

use common::{bin, s};
use std::path::Path;
use std::process::Command;

#[test]
fn melo_map_floor() {
    let score = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/taxonomies/melo/score.py");
    if !score.is_file() || Command::new("python3").arg("--version").output().is_err() {
        assert!(std::env::var_os("ROLEMAP_CI").is_none(), "{} or python3 missing in CI", score.display());
        eprintln!(
            "SKIPPED melo_map_floor: needs python3 and {} (the shared folder beside the checkout)",
            score.display()
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let o = Command::new("python3").arg(&score).arg("queries").output().unwrap();
    assert!(o.status.success());
    let queries = d.path().join("queries.txt");
    std::fs::write(&queries, &o.stdout).unwrap();
    let o = bin().args(["code", "--from", s(&queries), "--top", "100", "--json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ranks = d.path().join("ranks.jsonl");
    std::fs::write(&ranks, &o.stdout).unwrap();
    let o =
        Command::new("python3").arg(&score).arg(&ranks).args(["--json", s(&d.path().join("m.json"))]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("m.json")).unwrap()).unwrap();
    let map = m["map"].as_f64().unwrap();
    eprintln!("MELO usa_q_en_c_en MAP {map}");
    assert!(map >= 0.60, "MELO MAP {map} under the floor 0.60");
    assert_eq!(m["answered"], 633);
}

#[test]
fn code_writes_a_json_line_per_title() {
    let o =
        bin().args(["code", "Chief Product Officer", "Registered Nurses", "--top", "3", "--json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["title"], "Chief Product Officer");
    // ESCO has a chief product officer (1223.3)
    assert_eq!(rows[0]["esco"][0]["label"], "chief product officer");
    assert_eq!(rows[0]["esco"][0]["isco08"], "1223");
    assert_eq!(rows[1]["onet"][0]["code"], "29-1141.00");
    for r in &rows {
        assert_eq!(r["esco"].as_array().unwrap().len(), 3);
        assert!(r["esco"][0]["uri"].as_str().unwrap().starts_with("http://data.europa.eu/esco/"));
        assert!(
            r["esco"][0]["score"].as_f64().unwrap() > 0.0 && !r["esco"][0]["evidence"].as_str().unwrap().is_empty()
        );
    }
    let o = bin().arg("code").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "no title is a usage error");
}

/// Every role row has codes, or `code_evidence` says why it has none.
fn check_role_codes(out: &Path) -> usize {
    let mut r = csv::Reader::from_path(out.join("roles.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap_or_else(|| panic!("no column {n}"));
    let (id, uri, label, isco, soc, title, ev) = (
        col("role_id"),
        col("esco_uri"),
        col("esco_label"),
        col("isco08"),
        col("onet_soc"),
        col("onet_title"),
        col("code_evidence"),
    );
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        n += 1;
        let row = format!("{rec:?}");
        assert!(!rec[ev].is_empty(), "no code_evidence: {row}");
        if rec[uri].is_empty() && rec[soc].is_empty() {
            assert!(rec[ev].starts_with("no code"), "no codes and no reason: {row}");
        }
        if !rec[uri].is_empty() {
            assert!(rec[uri].starts_with("http://data.europa.eu/esco/occupation/"), "{row}");
            assert!(!rec[label].is_empty(), "{row}");
            assert!(rec[isco].len() == 4 && rec[isco].bytes().all(|b| b.is_ascii_digit()), "{row}");
        }
        if !rec[soc].is_empty() {
            assert!(rec[soc].len() == 10 && rec[soc].as_bytes()[2] == b'-' && !rec[title].is_empty(), "{row}");
        }
        if &rec[id] != "unmapped" {
            assert!(rec[ev].starts_with("codes:") || rec[ev].starts_with("no code (codes:"), "{row}");
        }
    }
    n
}

#[test]
fn every_role_row_of_the_samples_has_codes_or_a_reason() {
    let d = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let o = bin().args(["run", "--corpus", s(&corpus), "--out", s(d.path()), "--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(check_role_codes(d.path()) > 10);
}

#[test]
fn every_role_row_of_the_development_set_has_codes_or_a_reason() {
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev/docs");
    if !dev.is_dir() {
        assert!(std::env::var_os("ROLEMAP_CI").is_none(), "{} missing in CI", dev.display());
        eprintln!("SKIPPED every_role_row_of_the_development_set_has_codes_or_a_reason: no {}", dev.display());
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let o = bin().args(["run", "--corpus", s(&dev), "--out", s(d.path()), "--quiet"]).output().unwrap();
    assert!(o.status.code() == Some(0) || o.status.code() == Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(check_role_codes(d.path()) > 50);
}

/// The traps, end to end: roles read from a document, coded on their rows.
#[test]
fn traps_hold_on_role_rows() {
    let d = tempfile::tempdir().unwrap();
    let corpus = d.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("ladder.md"),
        "# Our product and developer roles\n\n\
         ## Product Manager\n\n- Own the roadmap of a product area\n- Talk to customers every week\n\n\
         ## Chief Product Officer\n\n- Set the product strategy of the company\n- Lead the product managers\n\n\
         ## Developer Advocate\n\n- Write guides and sample code for our APIs\n- Speak at developer conferences\n",
    )
    .unwrap();
    // a posting outside the taxonomy
    let rec = serde_json::json!({"id": "1", "title": "Registered Nurse", "company": "Ward Co",
        "description": "## Responsibilities\n\n- Care for patients on the ward\n- Give medication as prescribed\n"});
    std::fs::write(corpus.join("postings.jsonl"), format!("{rec}\n")).unwrap();
    let out = d.path().join("out");
    let o = bin().args(["run", "--corpus", s(&corpus), "--out", s(&out), "--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_role_codes(&out);
    let mut r = csv::Reader::from_path(out.join("roles.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let rows: Vec<std::collections::HashMap<String, String>> = r
        .records()
        .map(|rec| h.iter().zip(rec.unwrap().iter()).map(|(k, v)| (k.to_string(), v.to_string())).collect())
        .collect();
    let row = |title: &str| rows.iter().find(|r| r["title"] == title).unwrap_or_else(|| panic!("no {title}: {rows:?}"));
    let pm = row("Product Manager");
    assert_eq!(pm["esco_label"], "product manager");
    assert_eq!(pm["isco08"], "1223");
    assert!(!pm["esco_uri"].ends_with("e5a63940-57d3-4065-8713-74b4e2c93063"), "product and services manager");
    let cpo = row("Chief Product Officer");
    assert_eq!(cpo["esco_label"], "chief product officer");
    assert_eq!(cpo["code_evidence"], "codes:product-manager:executive");
    let da = row("Developer Advocate");
    assert_ne!(da["onet_soc"], "19-3051.00", "a developer advocate is no urban planner");
    assert_eq!(da["isco08"], "2512");
    let rn = row("Registered Nurse");
    assert_eq!(rn["role_id"], "unmapped");
    assert!(rn["isco08"].starts_with("222"), "{rn:?}");
    assert_eq!(rn["onet_soc"], "29-1141.00");
    assert!(rn["code_evidence"].starts_with("coding "), "{rn:?}");
}

#[test]
fn code_puts_the_rules_codes_first() {
    let first = |args: &[&str]| -> serde_json::Value {
        let o = bin().args(["code", "--json", "--top", "3"]).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_str(String::from_utf8(o.stdout).unwrap().lines().next().unwrap()).unwrap()
    };
    let r = first(&["Developer Advocate"]);
    assert_eq!(r["onet"][0]["code"], "15-1252.00");
    assert_eq!(r["onet"][0]["evidence"], "codes:developer-relations-engineer");
    // the labels alone fall into the trap the rules avoid
    let r = first(&["Developer Advocate", "--labels-only"]);
    assert_eq!(r["onet"][0]["code"], "19-3051.00");
    let r = first(&["Product Manager"]);
    assert_eq!(r["esco"][0]["label"], "product manager");
    assert_eq!(r["esco"][0]["isco08"], "1223");
}

/// ISCO-08 of the first ESCO concept, on MELO's queries: its group is among the groups of the
/// concepts (occupations and ISCO-08 groups) MELO holds relevant for 75.4 % of the 633 titles
/// today; floor 0.72.
#[test]
fn melo_isco_group_of_the_first_concept() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/taxonomies/melo/usa_q_en_c_en");
    if !data.is_dir() {
        assert!(std::env::var_os("ROLEMAP_CI").is_none(), "{} missing in CI", data.display());
        eprintln!("SKIPPED melo_isco_group_of_the_first_concept: no {}", data.display());
        return;
    }
    let tsv = |name: &str| -> Vec<Vec<String>> {
        std::fs::read_to_string(data.join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect()
    };
    let queries = tsv("queries.tsv");
    let element_uri: std::collections::HashMap<String, String> =
        tsv("concept_mapping.tsv").into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let mut group_of: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let esco = Path::new(env!("CARGO_MANIFEST_DIR")).join("taxonomies/esco/occupations_en.csv");
    let mut r = csv::Reader::from_path(esco).unwrap();
    let h = r.headers().unwrap().clone();
    let (u, g) = (h.iter().position(|c| c == "conceptUri").unwrap(), h.iter().position(|c| c == "iscoGroup").unwrap());
    for rec in r.records() {
        let rec = rec.unwrap();
        group_of.insert(rec[u].to_string(), rec[g].to_string());
    }
    let group = |uri: &str| match uri.rsplit_once("/isco/C") {
        Some((_, code)) => code.to_string(),
        None => group_of.get(uri).cloned().unwrap_or_default(),
    };
    let mut relevant: std::collections::HashMap<String, std::collections::HashSet<String>> = Default::default();
    for a in tsv("annotations.tsv") {
        if a.len() >= 4 && a[3] != "0" {
            if let Some(uri) = element_uri.get(&a[2]) {
                let g = group(uri);
                assert!(!g.is_empty(), "no ISCO-08 group for {uri}");
                relevant.entry(a[0].clone()).or_default().insert(g);
            }
        }
    }
    let d = tempfile::tempdir().unwrap();
    let titles = d.path().join("titles.txt");
    std::fs::write(&titles, queries.iter().map(|q| format!("{}\n", q[1])).collect::<String>()).unwrap();
    let o = bin().args(["code", "--from", s(&titles), "--top", "1", "--json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), queries.len());
    let right = queries
        .iter()
        .zip(&rows)
        .filter(|(q, r)| {
            let got = r["esco"][0]["isco08"].as_str().unwrap_or_default();
            relevant.get(&q[0]).is_some_and(|g| g.contains(got))
        })
        .count();
    let share = right as f64 / queries.len() as f64;
    eprintln!("MELO: ISCO-08 group of the first concept right for {right}/{} ({share:.3})", queries.len());
    assert!(share >= 0.72, "ISCO-08 group right for {share:.3}, under the floor 0.72");
}

/// The taxonomies are shipped unchanged: their SHA-256 are those taxonomies/README.md lists.
#[test]
fn shipped_taxonomies_are_unchanged() {
    use sha2::{Digest, Sha256};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("taxonomies");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut n = 0;
    for line in readme.lines().filter(|l| l.starts_with("| `") && l.matches('`').count() == 4) {
        let parts: Vec<&str> = line.split('`').collect();
        let (file, want) = (parts[1], parts[3]);
        let got: String =
            Sha256::digest(std::fs::read(root.join(file)).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, want, "taxonomies/{file} changed");
        n += 1;
    }
    assert_eq!(n, 5, "taxonomies/README.md lists {n} checksums");
}

/// `--core`: a posting's title, its seniority words and qualifiers left out, as role rows do.
#[test]
fn code_core_ranks_the_title_grammars_core_phrase() {
    let first = |args: &[&str]| -> serde_json::Value {
        let o = bin().args(["code", "--json", "--top", "1"]).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_str(String::from_utf8(o.stdout).unwrap().lines().next().unwrap()).unwrap()
    };
    let title = "Junior Electrician (Remote)";
    assert_ne!(first(&[title])["esco"][0]["isco08"], "7411", "the whole title ranks a junior engineer first");
    let r = first(&[title, "--core"]);
    assert_eq!((r["title"].as_str(), r["esco"][0]["isco08"].as_str()), (Some(title), Some("7411")), "{r}");
    let r = first(&["Senior Accountant (m/f/d) - Berlin", "--core", "--labels-only"]);
    assert_eq!(r["esco"][0]["label"], "accountant");
}

/// A dump of a thousand postings with one title outside the taxonomy that O*NET files under
/// many occupations ranks it once (each ranking asks up to 1,000 titles' votes), and no role
/// row is coded to an ISCO-08 group: groups are ranked (MELO holds them relevant) but rows
/// name occupations.
#[test]
fn repeated_titles_are_ranked_once_and_rows_name_occupations() {
    let d = tempfile::tempdir().unwrap();
    let corpus = d.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let mut jl = String::new();
    let titles = ["Graphic and Multimedia Designer", "Professional Services Manager", "Managers"];
    for i in 0..1000 {
        let title = titles.get(i).copied().unwrap_or("Teacher");
        let rec = serde_json::json!({"id": i.to_string(), "title": title, "company": "School Co",
            "description": "## Responsibilities\n\n- Plan the lessons of the week\n- Talk to parents\n"});
        jl.push_str(&format!("{rec}\n"));
    }
    std::fs::write(corpus.join("postings.jsonl"), jl).unwrap();
    let out = d.path().join("out");
    let t = std::time::Instant::now();
    let o = bin().args(["run", "--corpus", s(&corpus), "--out", s(&out), "--quiet"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(t.elapsed() < std::time::Duration::from_secs(20), "took {:?} (30 s before the cache)", t.elapsed());
    assert_eq!(check_role_codes(&out), 1000);
    let roles = std::fs::read_to_string(out.join("roles.csv")).unwrap();
    assert!(!roles.contains("/esco/isco/"), "a row coded to an ISCO-08 group");
}
