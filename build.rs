//! Embeds the language packs (`rules/lang/*.toml`): a pack added to the folder is built in
//! at the next build, with no change to the code. Makes the keys of the taxonomies' titles
//! (`src/codes/keys.rs`), which the binary embeds.

use std::fmt::Write;
use std::path::Path;

// (the crate uses all of it; the build, what makes the tables)
#[allow(dead_code)]
#[path = "src/codes/keys.rs"]
mod keys;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    title_keys(Path::new(&root));
    let dir = Path::new(&root).join("rules").join("lang");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// The language packs built in: (name under rules/, text).\n");
    out.push_str("pub const EMBEDDED_PACKS: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(out, "    (\"lang/{n}\", include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("packs.rs");
    std::fs::write(dest, out).expect("write packs.rs");
}

/// `title_keys.bin`: the keys of every O*NET title and ESCO label (`keys::make_tables`).
fn title_keys(root: &Path) {
    let tax = root.join("taxonomies");
    let read = |p: &str| {
        let path = tax.join(p);
        println!("cargo:rerun-if-changed={}", path.display());
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    println!("cargo:rerun-if-changed=src/codes/keys.rs");
    let coding: toml::Table = toml::from_str(&read("coding.toml")).expect("taxonomies/coding.toml");
    let strings = |key: &str| -> Vec<String> {
        coding[key].as_array().expect(key).iter().map(|v| v.as_str().expect(key).to_string()).collect()
    };
    let plurals: Vec<(String, String)> = coding["plurals"]
        .as_array()
        .expect("plurals")
        .iter()
        .map(|p| {
            let p = p.as_array().expect("a plural is [from, to]");
            (p[0].as_str().expect("from").to_string(), p[1].as_str().expect("to").to_string())
        })
        .collect();
    let (stop_words, keep_s) = (strings("stop_words"), strings("keep_s"));
    let reduce = keys::Reduce {
        stop_words: &stop_words,
        min_plural_len: coding["min_plural_len"].as_integer().expect("min_plural_len") as usize,
        plurals: &plurals,
        keep_s: &keep_s,
    };
    let mut records =
        keys::esco_records("occupations_en.csv", &read("esco/occupations_en.csv"), "iscoGroup").expect("ESCO");
    records.extend(keys::esco_records("ISCOGroups_en.csv", &read("esco/ISCOGroups_en.csv"), "code").expect("ESCO"));
    let tables = keys::make_tables(
        &reduce,
        &read("onet-27.0/Occupation Data.txt"),
        &read("onet-27.0/Alternate Titles.txt"),
        &keys::labels_of(&records),
    );
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("title_keys.bin");
    std::fs::write(dest, keys::encode(&tables)).expect("write title_keys.bin");
}
