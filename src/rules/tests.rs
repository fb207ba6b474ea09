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
    let r = Rules::shipped();
    assert!(r.taxonomy.roles.len() >= 13);
    assert_eq!(r.taxonomy.levels[r.taxonomy.default_level].id, "mid");
    assert_eq!(r.fingerprint.len(), 64);
}

#[test]
fn rules_folder_equals_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let a = Rules::from_dir(&dir).unwrap();
    let b = Rules::shipped();
    assert_eq!(a.fingerprint, b.fingerprint);
}

#[test]
fn every_shipped_example_passes() {
    let r = Rules::shipped();
    let rep = check::run_examples(r);
    assert!(rep.failures.is_empty(), "{:#?}", rep.failures);
    assert!(rep.passed > 100, "{}", rep.passed);
}

#[test]
fn shipped_rules_have_examples_everywhere() {
    let r = Rules::shipped();
    let w = check::warnings(r);
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
    let r = Rules::shipped();
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
    let r = Rules::shipped();
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
    let r = Rules::shipped();
    let mut seen = std::collections::HashSet::new();
    for a in &r.taxonomy.aliases {
        assert!(seen.insert(a.rule.clone()), "rule id {} twice", a.rule);
    }
}

#[test]
fn section_example_of_an_unknown_kind_names_its_line() {
    let text = embedded_texts().into_iter().find(|t| t.name == "lang/eng.toml").unwrap().text;
    let text =
        text.replacen("[structure.sections.examples]\n", "[structure.sections.examples]\nperks = [\"Perks\"]\n", 1);
    let line = text.lines().position(|l| l.starts_with("perks = ")).unwrap() + 1;
    let e = errors("lang/eng.toml", &text);
    assert!(e.contains(&format!("lang/eng.toml (built in):{line}:")), "{e}");
    assert!(e.contains("unknown kind \"perks\""), "{e}");
}

#[test]
fn a_section_example_filed_under_the_wrong_kind_fails_rules_test() {
    let text = embedded_texts().into_iter().find(|t| t.name == "lang/eng.toml").unwrap().text;
    let text =
        text.replacen("legal = [\"Equal opportunity\"", "legal = [\"Responsibilities\", \"Equal opportunity\"", 1);
    let rules = Rules::from_texts(&texts_with("lang/eng.toml", &text), "test").unwrap();
    let rep = check::run_examples(&rules);
    assert!(
        rep.failures.iter().any(|f| f.rule == "section:legal" && f.example == "Responsibilities"),
        "{:?}",
        rep.failures
    );
}

#[test]
fn a_packs_structure_words_apply_to_its_language_and_those_that_name_it() {
    let r = Rules::shipped();
    let label = |lang: Option<&str>, l: &str| r.for_language(lang).structure.section_duty.is_match(l);
    // an English document does not read German labels; a German one reads both (also = eng)
    assert!(label(Some("eng"), "Responsibilities") && !label(Some("eng"), "Deine Aufgaben"));
    assert!(label(Some("deu"), "Deine Aufgaben") && label(Some("deu"), "Responsibilities"));
    assert!(!label(Some("deu"), "Vos missions") && label(Some("fra"), "Vos missions"));
    // a language without a pack: the fallback pack; an unknown language: every pack
    assert!(label(Some("ita"), "Responsibilities") && !label(Some("ita"), "Deine Aufgaben"));
    assert!(label(None, "Deine Aufgaben") && label(None, "Wat ga je doen?") && label(None, "Responsabilidades"));
    // a pack's abbreviations end no sentence in its language
    let s = "Du leitest z.B. Workshops mit Kunden. Du planst Releases.";
    assert_eq!(crate::clean::text::sentences(s, &r.for_language(Some("deu")).structure.abbreviations).len(), 2);
    assert_eq!(crate::clean::text::sentences(s, &r.for_language(Some("eng")).structure.abbreviations).len(), 3);
    // titles and seniority words are names: read in every language
    let hits = r.for_language(Some("eng")).taxonomy.find_titles("Werkstudent Produktmanagement (m/w/d)");
    assert_eq!(hits.len(), 1, "{hits:?}");
}

#[test]
fn pack_errors_name_the_pack_and_line() {
    let text = embedded_texts().into_iter().find(|t| t.name == "lang/deu.toml").unwrap().text;
    for (bad, needle) in [
        ("\nalso = [\"eng\"]", "\nalso = [\"xyz\"]"),
        ("[leads]\n", "[leads]\nno-such-role = [\"x\"]\n"),
        ("[seniority.level.intern]\n", "[seniority.level.nope]\ntitle-cues = [\"y\"]\n[seniority.level.intern]\n"),
    ] {
        let t2 = text.replacen(bad, needle, 1);
        assert_ne!(t2, text, "{bad}");
        let first = needle.lines().find(|l| l.contains("xyz") || l.contains("no-such") || l.contains("\"y\"")).unwrap();
        let line = t2.lines().position(|l| l == first).unwrap_or_else(|| panic!("{first:?} not in {t2}")) + 1;
        let e = errors("lang/deu.toml", &t2);
        assert!(e.contains(&format!("lang/deu.toml (built in):{line}:")), "{needle}: {e}");
    }
}

/// Tokens of Rust source that matter to the scans below: identifiers, string literals (their
/// contents) and single punctuation characters; comments are dropped.
#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

fn rust_tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if (ch == 'r' || (ch == 'b' && at(i + 1) == 'r')) && {
            let j = if ch == 'b' { i + 2 } else { i + 1 };
            let mut k = j;
            while at(k) == '#' {
                k += 1;
            }
            at(k) == '"' && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        } {
            // raw string: r"…", r#"…"#, br"…"
            let mut k = if ch == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while at(k) == '#' {
                hashes += 1;
                k += 1;
            }
            k += 1;
            let start = k;
            loop {
                if k >= c.len() {
                    break;
                }
                if c[k] == '"' && (1..=hashes).all(|h| at(k + h) == '#') {
                    break;
                }
                k += 1;
            }
            out.push(Tok::Str(c[start..k.min(c.len())].iter().collect()));
            i = k + 1 + hashes;
        } else if ch == '"' || (ch == 'b' && at(i + 1) == '"') {
            let mut k = if ch == 'b' { i + 2 } else { i + 1 };
            let start = k;
            while k < c.len() && c[k] != '"' {
                if c[k] == '\\' {
                    k += 1;
                }
                k += 1;
            }
            out.push(Tok::Str(c[start..k.min(c.len())].iter().collect()));
            i = k + 1;
        } else if ch == '\'' {
            // a char literal ('x', '\n', '\u{2019}') or a lifetime ('a)
            if at(i + 1) == '\\' {
                let mut k = i + 2;
                while k < c.len() && c[k] != '\'' {
                    k += 1;
                }
                i = k + 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // a lifetime: its name is no identifier ('static)
                i += 1;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else {
            if !ch.is_whitespace() {
                out.push(Tok::Punct(ch));
            }
            i += 1;
        }
    }
    out
}

/// The library's Rust sources without their tests: (path, source).
fn library_sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") && p.file_name().is_some_and(|n| n != "tests.rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                // the unit tests of a module stand at its end
                let text = match text.find("#[cfg(test)]\nmod ") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
                out.push((p.strip_prefix(root).unwrap().display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// `const`/`static` items of a token stream holding more than `max` string literals: (name, count).
fn string_tables(toks: &[Tok], max: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let (Tok::Ident(kw), Some(Tok::Ident(name)), Some(Tok::Punct(':'))) = (t, toks.get(i + 1), toks.get(i + 2))
        else {
            continue;
        };
        if kw != "const" && kw != "static" {
            continue;
        }
        let (mut depth, mut n) = (0i32, 0usize);
        for t in &toks[i + 3..] {
            match t {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => depth -= 1,
                Tok::Punct(';') if depth <= 0 => break,
                Tok::Str(_) => n += 1,
                _ => {}
            }
        }
        if n > max {
            out.push((name.clone(), n));
        }
    }
    out
}

#[test]
fn the_source_scanner_reads_rust_tokens() {
    let toks = rust_tokens("const A: &[&str] = &[\"a\", r#\"b\"c\"#, /* \"d\" */ 'x', '\\'', \"e\\\"f\"]; // \"g\"\nfn f(e: &'static T: \"h\", \"i\") {}");
    let strs: Vec<&Tok> = toks.iter().filter(|t| matches!(t, Tok::Str(_))).collect();
    assert_eq!(strs[..3], [&Tok::Str("a".into()), &Tok::Str("b\"c".into()), &Tok::Str("e\\\"f".into())]);
    assert_eq!(strs.len(), 5);
    assert_eq!(string_tables(&toks, 2), [("A".to_string(), 3)]);
    assert_eq!(string_tables(&toks, 3), []);
}

/// Every domain word lives in rules/: no table of more than 8 strings in the library's
/// Rust code. Tables of a format's own vocabulary (HTML tag names, file signatures, reST
/// directives) and of the output schema (file and column names) are not domain words.
#[test]
fn no_word_tables_in_rust_code() {
    const SCHEMA_AND_FORMATS: &[(&str, &str)] = &[
        ("src/emit/table.rs", "DOCUMENTS"),
        ("src/emit/table.rs", "ROLES"),
        ("src/emit/table.rs", "RESPONSIBILITIES"),
        ("src/emit/table.rs", "REQUIREMENTS"),
        ("src/emit/table.rs", "ROLE_CATEGORIES"),
        ("src/emit/table.rs", "ROLE_SIMILARITY"),
        ("src/emit/table.rs", "LADDER"),
        ("src/clean/html.rs", "HIDING"),
        ("src/clean/html.rs", "SHOWN"),
        ("src/clean/html.rs", "VOID"),
        ("src/clean/html.rs", "OPTIONAL_END"),
        ("src/clean/html.rs", "CONTENT"),
        ("src/clean/html.rs", "RAW_TEXT"),
        ("src/clean/html.rs", "FORMATTING"),
        ("src/clean/html.rs", "LEAF_BLOCKS"),
        ("src/clean/html.rs", "SVG_SHAPES"),
        ("src/clean/mod.rs", "PAIRS"),
        ("src/clean/rst.rs", "ADMONITIONS"),
        ("src/ingest/decode.rs", "MAGIC"),
        ("src/ingest/mod.rs", "TEMPLATE_EXTENSIONS"),
        ("src/rules/mod.rs", "EMBEDDED"),
    ];
    let mut found = Vec::new();
    for (path, text) in library_sources() {
        for (name, n) in string_tables(&rust_tokens(&text), 8) {
            if !SCHEMA_AND_FORMATS.contains(&(path.as_str(), name.as_str())) {
                found.push(format!("{path}: {name} ({n} strings)"));
            }
        }
    }
    assert!(found.is_empty(), "word tables in Rust code (move them to rules/):\n{}", found.join("\n"));
}

/// No word of another language's pack (its titles and the labels of its examples) is a
/// string in the library's Rust code: the words of a language are in its pack.
#[test]
fn no_pack_word_in_rust_code() {
    let texts = embedded_texts();
    let english: String = texts
        .iter()
        .filter(|t| !t.name.starts_with("lang/") || t.name == "lang/eng.toml")
        .map(|t| t.text.to_lowercase())
        .collect();
    let mut words = std::collections::BTreeSet::new();
    for t in texts.iter().filter(|t| t.name.starts_with("lang/") && t.name != "lang/eng.toml") {
        let v: toml::Value = toml::from_str(&t.text).unwrap();
        let mut strings = Vec::new();
        fn collect(v: &toml::Value, key: &str, out: &mut Vec<String>) {
            match v {
                toml::Value::String(s) if key != "regex" => out.push(s.clone()),
                toml::Value::Array(a) => a.iter().for_each(|x| collect(x, key, out)),
                toml::Value::Table(m) => {
                    for (k, x) in m {
                        // patterns are regexes, not words; examples, titles, cues are words
                        let kind = if x.is_str() && k != "language" { "regex" } else { k.as_str() };
                        collect(x, kind, out);
                    }
                }
                _ => {}
            }
        }
        collect(&v, "", &mut strings);
        for s in strings {
            for w in s.to_lowercase().split(|c: char| !c.is_alphabetic()) {
                if w.chars().count() >= 6 && !english.contains(w) {
                    words.insert(w.to_string());
                }
            }
        }
    }
    assert!(words.len() > 50, "{words:?}");
    let mut found = Vec::new();
    for (path, text) in library_sources() {
        for t in rust_tokens(&text) {
            let Tok::Str(s) = t else { continue };
            let lower = s.to_lowercase();
            for w in lower.split(|c: char| !c.is_alphabetic()) {
                if words.contains(w) {
                    found.push(format!("{path}: {w:?} in {s:?}"));
                }
            }
        }
    }
    found.dedup();
    assert!(found.is_empty(), "words of a language pack in Rust code:\n{}", found.join("\n"));
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

#[test]
fn codes_the_taxonomies_do_not_hold_are_errors_at_their_line() {
    let text = embedded_texts().into_iter().find(|t| t.name == "codes.toml").unwrap().text;
    let bad = text
        .replacen("9f508305-80ce-4111-8722-f2c9b4a44890\"", "9f508305-80ce-4111-8722-f2c9b4a44899\"", 1)
        .replacen("onet = \"11-9199.00\"", "onet = \"11-9199.99\"", 1)
        .replacen(
            "levels.executive = { esco = \"http://data.europa.eu/esco/occupation/7b1b",
            "levels.exec = { esco = \"http://data.europa.eu/esco/occupation/7b1b",
            1,
        )
        .replacen("\"Product Manager => 1223.1\"", "\"Product Manager => 9999.9\"", 1)
        .replacen("id = \"agile-coach\"", "id = \"agile-coachx\"", 1);
    let e = errors("codes.toml", &bad);
    let line = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (needle, what) in [
        ("4a44899", "no ESCO occupation"),
        ("11-9199.99", "no O*NET-SOC occupation"),
        ("id = \"engineering-manager\"", "no seniority level \"exec\""),
        ("9999.9", "is no ESCO code"),
        ("agile-coachx", "no role \"agile-coachx\""),
    ] {
        let said = e.lines().find(|l| l.contains(what)).unwrap_or_else(|| panic!("{what}: {e}"));
        assert!(said.contains(&format!("codes.toml (built in):{}:", line(needle))), "{what}: {e}");
    }
    // a role left without codes is a warning, not an error
    let without = text;
    let start = without.find("[[role]]\nid = \"agile-coach\"").unwrap();
    let end = start + without[start..].find("\n\n[[role]]").unwrap();
    let mut texts = embedded_texts();
    texts.iter_mut().find(|t| t.name == "codes.toml").unwrap().text =
        format!("{}{}", &without[..start], &without[end..]);
    let r = Rules::from_texts(&texts, "test").unwrap();
    assert!(check::warnings(&r).iter().any(|(f, m)| *f == "codes.toml" && m.contains("agile-coach")));
}

/// A company phrase's fast form (a name of any length, checked) finds what its exact form
/// (one to five words) finds, on names of 1 to 8 words, with the cue words on either side,
/// several matches in one text, and a lower-case word inside.
#[test]
fn company_phrases_fast_form_matches_the_exact_form() {
    let r = Rules::shipped();
    let cr = &r.company;
    let words = ["Acme", "Blue", "&", "Co.", "Delta", "Émile", "Fox", "Gamma", "Höhe", "Iris"];
    let names: Vec<String> = (1..=8).map(|n| words[..n.min(words.len())].join(" ")).collect();
    let mut texts = Vec::new();
    for n in &names {
        for shape in [
            "Join {} today",
            "Jobs at {}",
            "{} is hiring a Product Manager",
            "About {}",
            "At {}, we build things. Join {} and grow. {} is hiring",
            "why join {} - the team",
            "we are {}, a company of builders",
            "Karriere bei {}",
            "{} and friends is hiring",
        ] {
            texts.push(shape.replace("{}", n));
        }
    }
    let name_of = |c: Option<regex::Captures<'_>>| c.and_then(|c| c.name("name").map(|m| (m.start(), m.end())));
    let (mut compared, mut fell_back) = (0, 0);
    for p in cr.site_patterns.iter().chain(cr.text.iter().flat_map(|t| t.patterns.iter())) {
        let exact = RegexBuilder::new(&p.exact_pattern).case_insensitive(true).build().unwrap();
        for t in &texts {
            assert_eq!(name_of(p.captures(t)), name_of(exact.captures(t)), "{} on {t:?}", p.exact_pattern);
            let fast: Vec<_> = p.captures_iter(t).into_iter().map(|c| name_of(Some(c))).collect();
            let slow: Vec<_> = exact.captures_iter(t).map(|c| name_of(Some(c))).collect();
            assert_eq!(fast, slow, "{} on {t:?}", p.exact_pattern);
            // the claim itself: where the fast form's names have at most five words, its own
            // matches (no fallback) are the exact form's
            let own: Vec<_> = p.fast.captures_iter(t).collect();
            if own.iter().all(PhraseRegex::within) {
                let own: Vec<_> = own.into_iter().map(|c| name_of(Some(c))).collect();
                assert_eq!(own, slow, "{} on {t:?}", p.exact_pattern);
                compared += 1;
            } else {
                fell_back += 1;
            }
        }
    }
    assert!(compared > 1000 && fell_back > 10, "{compared} compared, {fell_back} fell back");
}

/// The exact form of a company phrase is compiled only for a name longer than five words
/// (compiling every phrase's exact form cost a run 60 ms and 25 MB before its first
/// document).
#[test]
fn company_phrase_exact_form_compiles_only_when_needed() {
    let p = company_phrase_regex("join {name} today", false).unwrap();
    assert_eq!(
        p.captures("Join Acme Labs today").and_then(|c| c.name("name").map(|m| m.as_str().to_string())),
        Some("Acme Labs".into())
    );
    assert_eq!(p.captures_iter("join Acme today, join Blue today").len(), 2);
    assert!(p.captures("nothing to see").is_none());
    assert!(!p.exact_compiled(), "a short name compiled the exact form");
    // a name of seven words: the exact form decides
    let long = "join Acme Blue Co Delta Fox Gamma Iris today";
    assert!(p.captures(long).is_none());
    assert!(p.exact_compiled());
}

/// A phrase's regex runs (and, for the shipped rules, compiles) only on a text holding its
/// longest ASCII word in some case; a text that writes the word with the characters that
/// fold to ASCII letters (KELVIN SIGN for k, LONG S for s) is still tried, and matched.
#[test]
fn company_phrase_is_tried_only_where_its_word_is() {
    let p = company_phrase("karriere bei {name}", false, true).unwrap();
    assert!(p.captures("Jobs in Berlin at Acme").is_none());
    assert!(p.captures_iter("Arbeiten bei Acme").is_empty());
    assert!(!p.fast.is_compiled(), "compiled for texts without its word");
    let name = |t: &str| p.captures(t).and_then(|c| c.name("name").map(|m| m.as_str().to_string()));
    assert_eq!(name("KARRIERE bei Acme"), Some("Acme".into()));
    assert!(p.fast.is_compiled());
    assert_eq!(name("\u{212A}arriere bei Acme"), Some("Acme".into()));
    let s = company_phrase("careers at {name}", false, true).unwrap();
    assert!(s.captures("Career\u{17F} at Acme").is_some());
    assert!(s.captures("careers at Acme").is_some());
    // a phrase without an ASCII word is always tried
    let u = company_phrase("über {name}", false, true).unwrap();
    assert!(u.captures("ÜBER Renuo").is_some());
}

/// Common words decide a plainly English sample, and nothing else: other languages (of the
/// packs and of `detect`), other scripts, too few words, a sample whose English words are
/// too few.
#[test]
fn common_words_decide_only_plain_samples() {
    let l = &Rules::shipped().languages;
    let english = "We are looking for a product manager who will work with our engineers and designers to \
        build the tools that our customers use every day. You will own the roadmap, talk to the people who use \
        what we build, and decide with the team what to do next and why it matters for the business.";
    assert_eq!(l.by_common_words(english), Some("eng"));
    assert_eq!(l.by_trigrams(english).as_deref(), Some("eng"));
    for other in [
        "Nous recherchons un chef de produit qui travaillera avec nos ingénieurs et nos designers pour construire \
         les outils que nos clients utilisent chaque jour. Vous serez responsable de la feuille de route et des \
         priorités de l'équipe, en lien avec les utilisateurs.",
        "Wir suchen einen Produktmanager, der mit unseren Entwicklern und Designern die Werkzeuge baut, die unsere \
         Kunden jeden Tag nutzen. Du verantwortest die Roadmap, sprichst mit den Menschen, die unsere Produkte \
         verwenden, und entscheidest im Team, was als Nächstes kommt.",
        "We zoeken een productmanager die met onze ontwikkelaars en ontwerpers de hulpmiddelen bouwt die onze \
         klanten elke dag gebruiken. Je bent verantwoordelijk voor de roadmap, praat met de mensen die onze \
         producten gebruiken en beslist in het team wat er als volgende komt.",
        "Cerchiamo un product manager che lavori con i nostri ingegneri e designer per costruire gli strumenti che \
         i nostri clienti usano ogni giorno. Sarai responsabile della roadmap, parlerai con le persone che usano i \
         nostri prodotti e deciderai con il team cosa fare dopo.",
        "Busquem un gestor de producte que treballi amb els nostres enginyers i dissenyadors per construir les \
         eines que els nostres clients fan servir cada dia. Seràs responsable del full de ruta i parlaràs amb les \
         persones que fan servir els nostres productes.",
    ] {
        assert_eq!(l.by_common_words(other), None, "{other}");
    }
    // another script, even with English words among it
    let mixed = format!("{english} Мы ищем менеджера продукта");
    assert_eq!(l.by_common_words(&mixed), None);
    // too few words
    assert_eq!(l.by_common_words("We are looking for a product manager who will work with our team."), None);
    // English words, but too few of them: names, numbers and titles
    let names = "Granollers and Lopez defeated Karen Khachanov and Andrey Rublev to seal the victory for Spain \
        in a marathon series. Nadal earlier defeated Khachanov to level the series after Rublev had rallied to \
        beat Roberto Bautista Agut in the first match. Canada beat Australia; Serbia beat France and Japan.";
    assert_eq!(l.by_common_words(names), None);
}

#[test]
fn common_words_errors_name_file_and_line() {
    let st = embedded_texts().into_iter().find(|t| t.name == "structure.toml").unwrap().text;
    let e = errors("structure.toml", &st.replacen("share = 0.3", "share = 1.5", 1));
    assert!(e.contains("structure.toml") && e.contains("share must be between 0 and 1"), "{e}");
    let e = errors("structure.toml", &st.replacen("share = 0.3", "share = 0.3\nwords = [\"the\"]", 1));
    assert!(e.contains("common words belong to a language"), "{e}");
    let eng = embedded_texts().into_iter().find(|t| t.name == "lang/eng.toml").unwrap().text;
    let e = errors("lang/eng.toml", &eng.replacen("words = [\"the\",", "words = [\"The\", \"the\",", 1));
    assert!(e.contains("lang/eng.toml") && e.contains("\"The\" must be one lower-case word"), "{e}");
    let line = eng.lines().position(|l| l.starts_with("words = [\"the\"")).unwrap() + 1;
    assert!(e.contains(&format!(":{line}:")), "{e}");
    let e = errors("lang/eng.toml", &eng.replacen("words = [\"the\",", "share = 0.5\nwords = [\"the\",", 1));
    assert!(e.contains("set in structure.toml"), "{e}");
}

/// The shipped rules compile their regexes on first use; compiled and checked at once (as
/// `rules check` does) they have no error, so no first use can fail.
#[test]
fn shipped_rules_compile_and_check_eagerly() {
    if let Err(e) = Rules::embedded_checked() {
        panic!("the shipped rules fail their checks:\n{e}");
    }
}

/// A folder holding exactly the shipped rules (a checkout's `rules/`) runs them as the
/// built-in ones run, each regex compiled on its first use; a folder that differs by one
/// byte is compiled and checked at once, its errors at file and line; `rules check` on the
/// folder (`from_dir`) always checks it whole.
#[test]
fn a_folder_of_the_shipped_rules_compiles_on_first_use_and_an_edited_one_now() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let cue = |r: &Rules| r.taxonomy.levels.iter().flat_map(|l| &l.text_cues).next().unwrap().is_compiled();
    let run = Rules::from_dir_to_run(&shipped).unwrap();
    assert!(!cue(&run), "the shipped folder compiled a cue at load");
    assert_eq!(run.fingerprint, Rules::shipped().fingerprint);
    assert!(cue(&Rules::from_dir(&shipped).unwrap()), "`rules check`'s load compiles everything");
    let dir = tempfile::tempdir().unwrap();
    for t in dir_texts(&shipped).unwrap() {
        let p = dir.path().join(&t.name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &t.text).unwrap();
    }
    let posting = dir.path().join("posting.toml");
    let text = std::fs::read_to_string(&posting).unwrap();
    std::fs::write(&posting, format!("{text}\n")).unwrap();
    let edited = Rules::from_dir_to_run(dir.path()).unwrap();
    assert!(cue(&edited), "an edited folder was not compiled at load");
    assert_ne!(edited.fingerprint, run.fingerprint);
    // a bad regex in an edited folder is an error at its line, not a panic at first use
    let seniority = dir.path().join("seniority.toml");
    let text = std::fs::read_to_string(&seniority).unwrap();
    let at = text.find("text-cues = [").expect("a level with text cues");
    let bad = format!("{}text-cues = ['(unclosed', {}", &text[..at], &text[at + "text-cues = [".len()..]);
    std::fs::write(&seniority, &bad).unwrap();
    let line = bad[..at].matches('\n').count() + 1;
    let e = Rules::from_dir_to_run(dir.path()).unwrap_err().to_string();
    assert!(e.contains(&format!("seniority.toml:{line}:")), "{e}");
}

/// A `ReSet` (built without the literal prefilter) finds the patterns `regex::RegexSet`
/// finds, for the shipped categories and boilerplate rules, on every line of the samples and
/// of the development copy and on the rules' examples, as written and upper-cased.
#[test]
fn a_pattern_set_finds_what_a_regex_set_finds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let patterns = |file: &str, table: &str, key: &str| -> Vec<String> {
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(root.join("rules").join(file)).unwrap()).unwrap();
        v[table]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| match &t[key] {
                toml::Value::Array(a) => a.iter().map(|p| p.as_str().unwrap().to_string()).collect(),
                p => vec![p.as_str().unwrap().to_string()],
            })
            .map(|p| ascii_boundaries(&p))
            .collect()
    };
    let mut lines = Vec::new();
    for dir in ["corpus", "tests/devset/docs"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            lines.extend(text.lines().map(str::to_string));
            lines.extend(text.lines().map(str::to_uppercase));
        }
    }
    assert!(lines.len() > 10_000, "{}", lines.len());
    for (file, table) in [("categories.toml", "category"), ("boilerplate.toml", "rule")] {
        for key in ["examples", "counter-examples"] {
            lines.extend(patterns(file, table, key).into_iter().flat_map(|e| [e.to_uppercase(), e]));
        }
    }
    for pats in [patterns("categories.toml", "category", "patterns"), patterns("boilerplate.toml", "rule", "pattern")] {
        let ours = ReSet::build(&pats, REGEX_SIZE_LIMIT * 8).unwrap();
        let theirs = regex::RegexSetBuilder::new(&pats).case_insensitive(true).build().unwrap();
        let mut found = 0;
        for line in &lines {
            let want: Vec<usize> = theirs.matches(line).into_iter().collect();
            assert_eq!(ours.matches(line), want, "{line:?}");
            assert_eq!(ours.is_match(line), !want.is_empty(), "{line:?}");
            found += want.len();
        }
        assert!(found > 200, "the lines match too few patterns to compare: {found}");
    }
}

/// The names of a pattern's groups read from its syntax are the compiled regex's; checking
/// the years and skills patterns' groups at load compiles none of them (each language's
/// are compiled when a document of it needs them).
#[test]
fn group_names_are_read_without_compiling() {
    for p in [r"(?P<min>\d+)-(?<max>\d+)", r"(?:a|(?P<list>[^.;:]{2,160}))+", r"(x)(?i:(?P<a>y))", r"\(?P<no>\)"] {
        let named: Vec<String> = regex::Regex::new(p).unwrap().capture_names().flatten().map(str::to_string).collect();
        assert_eq!(group_names(p), named, "{p}");
    }
    assert!(group_names("(?P<list>unclosed").is_empty());
    let fresh = Rules::embedded().unwrap();
    let pats = [&fresh.structure.req_years, &fresh.structure.req_skills];
    assert!(pats.iter().all(|p| !p.0.is_empty()), "the shipped rules have years and skills patterns");
    for re in pats.iter().flat_map(|p| &p.0) {
        assert!(!re.is_compiled(), "compiled at load: {}", re.as_str());
        let named: Vec<String> = re.regex().capture_names().flatten().map(str::to_string).collect();
        assert_eq!(group_names(re.as_str()), named, "{}", re.as_str());
    }
}
