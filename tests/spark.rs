//! The Spark example (`examples/spark/run.sh`) in `local[2]` mode, on the sample corpus
//! plus a small dump: its merged output is what one `rolemap run` writes. Needs python3
//! with pyspark and a Java runtime; without them the test says SKIPPED, except in CI
//! (`ROLEMAP_CI`), where it fails (`.ci/run` installs them).

mod common;

use common::{assert_same_output, bin, s};
use std::path::Path;
use std::process::Command;

fn have_spark() -> bool {
    let py = Command::new("python3").args(["-c", "import pyspark"]).output().is_ok_and(|o| o.status.success());
    let java = Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    if !(py && java) {
        let what = if py {
            "no Java runtime (apt-get install default-jre-headless)"
        } else {
            "no pyspark (pip install pyspark)"
        };
        assert!(
            std::env::var_os("ROLEMAP_CI").is_none(),
            "the Spark example cannot run in CI: {what} (.ci/run installs it)"
        );
        eprintln!("\n*** SKIPPED the Spark example: {what} ***\n");
    }
    py && java
}

#[test]
fn the_spark_example_writes_what_one_run_writes() {
    if !have_spark() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for e in std::fs::read_dir(root.join("corpus")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    let mut jl = String::new();
    for i in 0..40 {
        let title = ["Product Owner", "Senior Product Manager", "Data Analyst"][i % 3];
        let rec = serde_json::json!({
            "id": format!("r{i}"), "title": title, "company": format!("Company {}", i % 4),
            "description": format!("## Responsibilities\n\n- Own the backlog of team {i}\n- Work with design on releases\n- Talk to customers every week\n"),
        });
        jl.push_str(&format!("{rec}\n"));
    }
    std::fs::write(corpus.join("jobs.jsonl"), jl).unwrap();

    let one = tmp.path().join("one");
    let o = bin().args(["run", "-q", "--corpus", s(&corpus), "-o", s(&one)]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let spark = tmp.path().join("spark");
    let o = Command::new(root.join("examples/spark/run.sh"))
        .args([s(&corpus), s(&spark)])
        .env("SPARK_MASTER", "local[2]")
        .env("SHARDS", "3")
        .env("ROLEMAP", env!("CARGO_BIN_EXE_rolemap"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_same_output(&one, &spark);
}
