use super::*;

fn texts_with(name: &str, text: &str) -> Vec<RuleText> {
    let mut t = embedded_texts();
    for r in t.iter_mut() {
        if r.name == name {
            r.text = text.to_string();
        }
    }
    t
}

fn errors(name: &str, text: &str) -> String {
    Rules::from_texts(&texts_with(name, text), "test").unwrap_err().to_string()
}

#[test]
fn shipped_rules_compile() {
    let r = Rules::embedded().unwrap();
    assert!(r.taxonomy.roles.len() >= 13);
    assert_eq!(r.taxonomy.levels[r.taxonomy.default_level].id, "mid");
    assert_eq!(r.fingerprint.len(), 64);
}

#[test]
fn rules_folder_equals_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let a = Rules::from_dir(&dir).unwrap();
    let b = Rules::embedded().unwrap();
    assert_eq!(a.fingerprint, b.fingerprint);
}

#[test]
fn every_shipped_example_passes() {
    let r = Rules::embedded().unwrap();
    let rep = check::run_examples(&r);
    assert!(rep.failures.is_empty(), "{:#?}", rep.failures);
    assert!(rep.passed > 100, "{}", rep.passed);
}

#[test]
fn shipped_rules_have_examples_everywhere() {
    let r = Rules::embedded().unwrap();
    let w = check::warnings(&r);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn never_matching_pattern_is_an_error() {
    let mut text = embedded_texts().into_iter().find(|t| t.name == "categories.toml").unwrap().text;
    text.push_str("\n[[category]]\nid = \"never\"\nlabel = \"N\"\npatterns = ['x[^\\s\\S]']\n");
    let e = errors("categories.toml", &text);
    assert!(e.contains("can never match"), "{e}");
}

/// Titles found in one text never overlap: a seniority word before a title is not taken
/// from the title before it ("Tech Lead, Technical Lead"; found by an attack run, where
/// slicing between overlapping titles panicked).
#[test]
fn titles_found_in_a_text_do_not_overlap() {
    let r = Rules::embedded().unwrap();
    for text in [
        "Design Lead, Design Systems",
        "Tech Lead, Technical Lead",
        "design lead design lead design",
        "engineering lead engineering lead",
        "Senior Product Manager, Senior Product Owner",
        "Lead Designer Lead Product Designer Lead",
    ] {
        let hits = r.taxonomy.find_titles(text);
        assert!(!hits.is_empty(), "{text}");
        for h in &hits {
            assert!(h.start < h.end && h.end <= text.len(), "{text}: {h:?}");
        }
        for w in hits.windows(2) {
            assert!(w[0].end <= w[1].start, "{text}: {:?} overlaps {:?}", w[0], w[1]);
        }
    }
}

#[test]
fn titles_match_whole_words_only() {
    let r = Rules::embedded().unwrap();
    let t = &r.taxonomy;
    let pm = t.roles.iter().position(|x| x.id == "product-manager").unwrap();
    assert!(t.find_titles("Production Manager").iter().all(|h| h.role != pm));
    assert!(t.find_titles("an international product manager").iter().all(|h| h.level.is_none()));
    assert!(t.find_titles("the product managership").is_empty());
    let h = &t.find_titles("Sr. Product Managers")[0];
    assert_eq!((h.role, t.levels[h.level.as_ref().unwrap().0].id.as_str()), (pm, "senior"));
    let h = &t.find_titles("VP/Head of Product")[0];
    assert_eq!(t.levels[h.level.as_ref().unwrap().0].id, "director");
}

#[test]
fn bad_toml_names_file_and_line() {
    let e = errors("roles.toml", "[[role]]\nid = \"x\"\nlabel = \"X\"\ntitles = [\"a\"\n");
    assert!(e.starts_with("roles.toml (built in)") || e.contains("roles.toml"), "{e}");
    assert!(e.contains(":5:") || e.contains(":4:"), "{e}");
}

#[test]
fn unknown_key_is_an_error() {
    let e = errors("roles.toml", "[[role]]\nid = \"x\"\nlabel = \"X\"\ntitels = [\"a\"]\n");
    assert!(e.contains("roles.toml (built in):4:"), "{e}");
    assert!(e.contains("titels"), "{e}");
}

#[test]
fn bad_regex_names_line_and_error() {
    let mut text = embedded_texts().into_iter().find(|t| t.name == "categories.toml").unwrap().text;
    text.push_str("\n[[category]]\nid = \"broken\"\nlabel = \"B\"\npatterns = ['(unclosed']\n");
    let line = text.lines().count();
    let e = errors("categories.toml", &text);
    assert!(e.contains(&format!("categories.toml (built in):{line}:")), "{e}");
    assert!(e.contains("not a valid regular expression"), "{e}");
}

#[test]
fn empty_matching_pattern_is_an_error() {
    let mut text = embedded_texts().into_iter().find(|t| t.name == "categories.toml").unwrap().text;
    text.push_str("\n[[category]]\nid = \"empty\"\nlabel = \"E\"\npatterns = ['x*']\n");
    assert!(errors("categories.toml", &text).contains("matches the empty string"));
}

#[test]
fn unknown_level_and_duplicate_alias_are_errors() {
    let text = "[[role]]\nid = \"a\"\nlabel = \"A\"\ntitles = [\"same title\"]\nleveled-titles = [{ title = \"boss\", level = \"emperor\" }]\n\n[[role]]\nid = \"b\"\nlabel = \"B\"\ntitles = [\"Same Title\"]\n";
    let e = errors("roles.toml", text);
    assert!(e.contains(":5:") && e.contains("\"emperor\" of title \"boss\" is not defined"), "{e}");
    assert!(e.contains(":10:") && e.contains("already mapped to role \"a\" on line 4"), "{e}");
}

#[test]
fn duplicate_ids_are_errors() {
    let text = "[[role]]\nid = \"a\"\nlabel = \"A\"\n\n[[role]]\nid = \"a\"\nlabel = \"A2\"\n";
    let e = errors("roles.toml", text);
    assert!(e.contains(":6:") && e.contains("duplicate role id \"a\" (first defined on line 2)"), "{e}");
}

#[test]
fn missing_rule_file_in_folder() {
    let dir = tempfile::tempdir().unwrap();
    let e = Rules::from_dir(dir.path()).unwrap_err().to_string();
    assert!(e.contains("roles.toml: cannot read"), "{e}");
}

#[test]
fn patterns_too_large_together_are_an_error_not_a_panic() {
    let mut text = embedded_texts().into_iter().find(|t| t.name == "boilerplate.toml").unwrap().text;
    for k in 0..30 {
        text.push_str(&format!(
            "\n[[rule]]\nid = \"big-{k}\"\npattern = '\\w{{{}}}'\nscope = \"block\"\nmax-words = 6\n",
            20 + k
        ));
    }
    let e = errors("boilerplate.toml", &text);
    assert!(e.contains("boilerplate patterns too large together"), "{e}");
}

#[test]
fn title_rule_ids_are_unique() {
    let r = Rules::embedded().unwrap();
    let mut seen = std::collections::HashSet::new();
    for a in &r.taxonomy.aliases {
        assert!(seen.insert(a.rule.clone()), "rule id {} twice", a.rule);
    }
}

#[test]
fn section_example_of_an_unknown_kind_names_its_line() {
    let text = embedded_texts().into_iter().find(|t| t.name == "structure.toml").unwrap().text;
    let text = text.replacen("[sections.examples]\n", "[sections.examples]\nperks = [\"Perks\"]\n", 1);
    let line = text.lines().position(|l| l.starts_with("perks = ")).unwrap() + 1;
    let e = errors("structure.toml", &text);
    assert!(e.contains(&format!("structure.toml (built in):{line}:")), "{e}");
    assert!(e.contains("unknown kind \"perks\""), "{e}");
}

#[test]
fn a_section_example_filed_under_the_wrong_kind_fails_rules_test() {
    let text = embedded_texts().into_iter().find(|t| t.name == "structure.toml").unwrap().text;
    let text =
        text.replacen("legal = [\"Equal opportunity\"", "legal = [\"Responsibilities\", \"Equal opportunity\"", 1);
    let rules = Rules::from_texts(&texts_with("structure.toml", &text), "test").unwrap();
    let rep = check::run_examples(&rules);
    assert!(
        rep.failures.iter().any(|f| f.rule == "section:legal" && f.example == "Responsibilities"),
        "{:?}",
        rep.failures
    );
}

#[test]
fn posting_errors_name_file_and_line() {
    let pack = "language = \"eng\"\n\n[posting.workplace.labels]\nremot = [\"remote\"]\n";
    let e = errors("lang/eng.toml", pack);
    assert!(e.contains("lang/eng.toml (built in):4:10: unknown workplace label kind \"remot\""), "{e}");
    // a word given two kinds, across packs
    let pack = "language = \"eng\"\n[posting.workplace.labels]\nremote = [\"homeoffice\"]\n";
    let e = errors("lang/eng.toml", pack);
    assert!(e.contains("workplace label \"homeoffice\" is remote here but hybrid in rules/lang/deu.toml"), "{e}");
    let posting = embedded_texts().into_iter().find(|t| t.name == "posting.toml").unwrap().text;
    let e = errors("posting.toml", &posting.replace("max-title-words = 5", "max-title-words = \"five\""));
    assert!(e.contains("posting.toml (built in):") && e.contains("invalid type"), "{e}");
    let e = errors("posting.toml", &posting.replace("USD = [\"US$\", \"$\"]", "usd = [\"US$\", \"$\"]"));
    assert!(e.contains("currency \"usd\" must be an ISO 4217 code"), "{e}");
}
