//! `rolemap code`: the MELO benchmark (`usa_q_en_c_en`: 633 O*NET occupation titles ranked
//! against 33,809 ESCO labels), scored by its own scorer (`../shared/taxonomies/melo`): MAP
//! 0.640 today, floor 0.60 (the target 0.40; lexical baselines 0.23-0.24, the best
//! embedding model 0.47). And the command's shapes: JSON lines, a title from a file.

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
