//! Helpers shared by the integration tests (each test binary includes this module).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The built `rolemap` binary, run from the crate root.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rolemap"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Run `rolemap` with `args` and collect its output.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// A path as the `&str` a command line takes.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The shipped `rules/` folder.
pub fn rules_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// A temporary copy of the shipped rules: every rule file and the language packs of `lang/`.
pub fn rules_copy() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_tree(&rules_dir(), d.path());
    d
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file of `a` and `b` (the same list), byte for byte; the manifests without timings.
pub fn assert_same_output(a: &Path, b: &Path) {
    let list = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> =
            walk(d).into_iter().map(|p| p.strip_prefix(d).unwrap().display().to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(list(a), list(b), "the same files");
    for f in list(a) {
        let (x, y) = (std::fs::read(a.join(&f)).unwrap(), std::fs::read(b.join(&f)).unwrap());
        if f == "manifest.json" {
            let strip = |b: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
                v.as_object_mut().unwrap().remove("timings");
                v
            };
            assert_eq!(strip(&x), strip(&y), "manifest.json differs");
        } else {
            assert!(
                x == y,
                "{f} differs:\n{}\n---\n{}",
                String::from_utf8_lossy(&x).chars().take(3000).collect::<String>(),
                String::from_utf8_lossy(&y).chars().take(3000).collect::<String>()
            );
        }
    }
}

pub fn walk(d: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
