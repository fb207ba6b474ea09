//! `rolemap rules check`, `rolemap rules test` and `rolemap explain` as a rule author uses
//! them: one broken rule file per kind of error, each message naming the file and line; a
//! failing example; a new role added purely by editing a copy of `rules/`.

mod common;
use common::{rules_copy, run, s};
use std::path::Path;
use std::process::Command;

/// Append `extra` to rule file `file` of a fresh copy; return the copy and the 1-based line
/// of the first line of `extra` that contains `marker`.
fn broken(file: &str, extra: &str, marker: &str) -> (tempfile::TempDir, usize) {
    let d = rules_copy();
    let p = d.path().join(file);
    let mut text = std::fs::read_to_string(&p).unwrap();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let base = text.lines().count();
    text.push_str(extra);
    std::fs::write(&p, &text).unwrap();
    let off = extra.lines().position(|l| l.contains(marker)).expect("marker in extra");
    (d, base + off + 1)
}

/// Run `rules check` on a broken copy: exit code 2, an error naming `file:line:` and `what`.
fn assert_check_error(file: &str, extra: &str, marker: &str, what: &str) {
    let (d, line) = broken(file, extra, marker);
    let o = run(&["rules", "check", "--rules", s(d.path())]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{out}");
    let want = format!("{file}:{line}:");
    let hit = out.lines().find(|l| l.starts_with("error:") && l.contains(&want));
    let hit = hit.unwrap_or_else(|| panic!("no error at {want} in:\n{out}"));
    assert!(hit.contains(what), "expected {what:?} in {hit:?}");
}

#[test]
fn check_passes_on_shipped_rules() {
    let o = run(&["rules", "check"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains(": ok ("), "{out}");
    assert!(out.contains("0 warning(s)"), "{out}");
}

#[test]
fn check_reports_toml_syntax_error() {
    assert_check_error("roles.toml", "\n[[role]\nid = \"x\"\n", "[[role]", "");
}

#[test]
fn check_reports_unknown_key() {
    assert_check_error(
        "roles.toml",
        "\n[[role]]\nid = \"typo-role\"\nlabel = \"T\"\nfamily = \"product\"\naliasez = [\"typo\"]\n",
        "aliasez",
        "unknown field `aliasez`",
    );
}

#[test]
fn check_reports_regex_that_does_not_compile() {
    assert_check_error(
        "categories.toml",
        "\n[[category]]\nid = \"broken\"\nlabel = \"B\"\npatterns = ['\\bship(ping']\n",
        "patterns",
        "not a valid regular expression",
    );
}

#[test]
fn check_reports_unknown_level_reference() {
    assert_check_error(
        "roles.toml",
        "\n[[role]]\nid = \"space-manager\"\nlabel = \"S\"\nfamily = \"product\"\ntitles = [\"space manager\"]\n\
         leveled-titles = [{ title = \"galactic space manager\", level = \"galactic\" }]\n",
        "galactic",
        "level \"galactic\"",
    );
}

#[test]
fn check_reports_duplicate_id() {
    assert_check_error(
        "categories.toml",
        "\n[[category]]\nid = \"roadmap\"\nlabel = \"Again\"\npatterns = ['\\broadmaps?\\b']\n",
        "id = \"roadmap\"",
        "duplicate",
    );
}

#[test]
fn check_reports_alias_mapped_to_two_roles() {
    assert_check_error(
        "roles.toml",
        "\n[[role]]\nid = \"backlog-owner\"\nlabel = \"B\"\nfamily = \"product\"\ntitles = [\"Product Owner\"]\n",
        "Product Owner",
        "already mapped to role \"product-owner\"",
    );
}

#[test]
fn check_reports_pattern_matching_the_empty_string() {
    assert_check_error(
        "categories.toml",
        "\n[[category]]\nid = \"everything\"\nlabel = \"E\"\npatterns = ['(?:roadmap)?']\n",
        "patterns",
        "matches the empty string",
    );
}

#[test]
fn check_reports_pattern_that_can_never_match() {
    assert_check_error(
        "seniority.toml",
        "\n[[level]]\nid = \"cosmic\"\nlabel = \"C\"\ntitle-cues = [\"cosmic\"]\ntext-cues = ['\\bcosmic[^\\s\\S]']\n",
        "text-cues",
        "can never match",
    );
}

#[test]
fn check_reports_every_error_not_just_the_first() {
    let (d, _) = broken(
        "categories.toml",
        "\n[[category]]\nid = \"a\"\nlabel = \"A\"\npatterns = ['(']\n\n[[category]]\nid = \"b\"\nlabel = \"B\"\npatterns = ['x*']\n",
        "id",
    );
    let o = run(&["rules", "check", "--rules", s(d.path())]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().filter(|l| l.starts_with("error:")).count(), 2, "{out}");
    assert!(out.contains("2 error(s)"), "{out}");
    assert!(out.contains("unclosed group (at character 1 of \"(\")"), "{out}");
}

#[test]
fn check_on_a_missing_folder_says_so_once() {
    let o = run(&["rules", "check", "--rules", "/nonexistent/rules"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2));
    assert!(out.contains("error: /nonexistent/rules: does not exist"), "{out}");
    assert!(out.contains("1 error(s)"), "{out}");
}

#[test]
fn warnings_do_not_fail_the_check() {
    let (d, _) = broken(
        "roles.toml",
        "\n[[role]]\nid = \"unnamed-role\"\nlabel = \"U\"\nfamily = \"product\"\n",
        "unnamed-role",
    );
    let o = run(&["rules", "check", "--rules", s(d.path())]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("warning: roles.toml: role \"unnamed-role\" has no titles"), "{out}");
    assert!(out.contains("warning: roles.toml: role \"unnamed-role\" has no examples"), "{out}");
}

#[test]
fn rules_test_passes_on_shipped_rules() {
    let o = run(&["rules", "test"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn rules_test_reports_each_failure_with_rule_and_example() {
    let d = rules_copy();
    let p = d.path().join("roles.toml");
    let text = std::fs::read_to_string(&p).unwrap().replacen(
        "counter-examples = [\"Production Manager\",",
        "counter-examples = [\"Senior Product Manager II\", \"Production Manager\",",
        1,
    );
    std::fs::write(&p, text).unwrap();
    let p = d.path().join("categories.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(
        "\n[[category]]\nid = \"hiring\"\nlabel = \"Hiring\"\npatterns = ['\\bhir(?:e|ing)\\b']\n\
         examples = [\"Hire and onboard engineers\", \"Recruit product managers\"]\n",
    );
    std::fs::write(&p, text).unwrap();
    let o = run(&["rules", "test", "--rules", s(d.path())]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL role:product-manager (roles.toml): counter-example \"Senior Product Manager II\": got product-manager at senior"),
        "{out}"
    );
    assert!(
        out.contains("FAIL category:hiring (categories.toml): example \"Recruit product managers\": got no category"),
        "{out}"
    );
    assert!(!out.contains("Hire and onboard"), "a passing example is not reported: {out}");
    assert!(out.contains(" passed, 2 failed"), "{out}");
}

#[test]
fn rules_test_on_broken_rules_is_a_usage_error() {
    let (d, _) = broken("roles.toml", "\n[[role]\n", "[[role]");
    let o = run(&["rules", "test", "--rules", s(d.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("roles.toml:"));
}

fn sample(name_prefix: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
        .into_iter()
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(name_prefix))
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn explain_shows_kept_and_dropped_blocks_with_rules() {
    let doc = sample("003_");
    let o = run(&["explain", &doc]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(!out.contains('\x1b'), "no colour when stdout is not a terminal");
    assert!(out.contains("repair: repaired"), "mojibake repair is shown: {out}");
    assert!(out.contains("dropped by newsletter"), "{out}");
    assert!(out.contains("dropped by keyword-list"), "{out}");
    assert!(out.contains("defines role product-manager/"), "{out}");
    assert!(out.contains("title rule product-manager:"), "{out}");
    assert!(out.lines().any(|l| l.contains("responsibility of product-manager") && l.contains("->")), "{out}");
    assert!(out.contains("roles,") && out.contains("responsibilities"), "{out}");
}

/// Elements left out before blocks exist are listed with their rule and the opening of
/// their text: navigation by tag, a hidden item, a list of other jobs (teaser cards),
/// what lies outside the page's main content.
#[test]
fn explain_lists_elements_dropped_before_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("job.html");
    let duty = |i: usize| format!("<li>Own the product roadmap for area {i}, with engineering, design, and data</li>");
    let others: String = (0..3)
        .map(|i| {
            format!(
                "<div class=\"job\"><h3><a href=\"/jobs/{i}\">Data Analyst {i}</a></h3><p>Berlin, full time</p></div>"
            )
        })
        .collect();
    std::fs::write(
        &p,
        format!(
            "<html><body><nav><a href=/>Home</a> <a href=/jobs>Jobs</a></nav>\n<h1>Product Manager</h1>\n\
             <div class=\"posting\"><nav><a href=/jobs>All jobs</a> <a href=/jobs/product>Product</a></nav><p>We are looking for a product manager, who will own our roadmap, talk to customers, and ship.</p>\
             <ul>{}<li class=\"sr-only\">Hidden duty</li></ul><div class=\"similar\">{others}</div></div>\n\
             <div class=\"promo-box\"><p>Download our app, rated five stars, in every store, today.</p></div></body></html>",
            (0..6).map(duty).collect::<String>()
        ),
    )
    .unwrap();
    let o = run(&["explain", "--json", s(&p)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dropped: Vec<(String, String)> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kept"] == false)
        .map(|b| (b["notes"][0].as_str().unwrap().to_string(), b["text"].as_str().unwrap().to_string()))
        .collect();
    let has =
        |rule: &str, text: &str| dropped.iter().any(|(r, t)| r == &format!("dropped by {rule}") && t.starts_with(text));
    assert!(has("html:tag:nav", "All jobs Product"), "{dropped:?}");
    assert!(has("html:outside-content", "Home Jobs"), "{dropped:?}");
    assert!(has("html:hidden", "Hidden duty"), "{dropped:?}");
    assert!(has("html:teasers", "Data Analyst 0"), "{dropped:?}");
    assert!(has("html:outside-content", "Download our app"), "{dropped:?}");
    let kept: Vec<&str> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kept"] == true)
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert_eq!(kept.len(), 1 + 1 + 6, "{kept:?}");
}

#[test]
fn explain_sorts_notes_to_blocks_on_one_line_and_names_role_prose() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("po.html");
    std::fs::write(&p, "<h1>Product Owner</h1>\n<p>As Product Owner you will:</p><ul><li>Own and order the product backlog</li><li>Write user stories</li></ul>").unwrap();
    let o = run(&["explain", s(&p)]);
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    let after = |block: &str| {
        let i = lines.iter().position(|l| l.ends_with(block)).unwrap_or_else(|| panic!("{block} in {out}"));
        lines[i + 1].trim().to_string()
    };
    assert!(after("As Product Owner you will:").starts_with("not a responsibility of product-owner/mid"), "{out}");
    assert!(after("Own and order the product backlog").contains("\"Own and order the product backlog\""), "{out}");
    assert!(after("Write user stories").contains("\"Write user stories\""), "{out}");
}

#[test]
fn explain_json_is_machine_readable_and_matches_run() {
    let doc = sample("000_");
    let o = run(&["explain", "--json", &doc]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["company"]["name"], "Reloadly");
    let blocks = v["blocks"].as_array().unwrap();
    assert!(blocks.iter().all(|b| b["line"].as_u64().unwrap() > 0 && b["kind"].is_string()));
    assert!(blocks.iter().any(|b| b["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("not under a role"))));
    // the same document through `run`: the same number of roles and responsibilities
    let corpus = tempfile::tempdir().unwrap();
    std::fs::copy(&doc, corpus.path().join("one.txt")).unwrap();
    let out = tempfile::tempdir().unwrap();
    assert!(run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out.path())]).status.success());
    let lines = |f: &str| std::fs::read_to_string(out.path().join(f)).unwrap().lines().count();
    assert_eq!(v["roles"].as_array().unwrap().len(), lines("roles.jsonl"));
    assert_eq!(v["responsibilities"].as_array().unwrap().len(), lines("responsibilities.jsonl"));
}

/// `explain` reads a dump as `run` does: every record (a JSON array with `--json`), or the
/// one named by `FILE#ID` or `--record ID`, each with the roles `run` gives it; a record
/// that is not there is a usage error naming the number of records.
#[test]
fn explain_reads_the_records_of_a_dump_as_run_does() {
    let d = tempfile::tempdir().unwrap();
    let feed = d.path().join("feed.jsonl");
    std::fs::write(
        &feed,
        "{\"id\": \"in-1\", \"title\": \"Product Owner\", \"company\": \"Acme\", \"description\": \"- Own and order the product backlog\\n- Write user stories with the team\"}\n\
         {\"id\": \"in-2\", \"title\": \"Senior Product Manager\", \"company\": \"Beta\", \"description\": \"- Own the product roadmap\"}\n",
    )
    .unwrap();
    let o = run(&["explain", "--json", s(&feed)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON array");
    let docs: Vec<&str> = v.as_array().unwrap().iter().map(|x| x["doc"].as_str().unwrap()).collect();
    assert_eq!(docs, ["feed.jsonl#in-1", "feed.jsonl#in-2"]);
    assert_eq!(v[0]["company"]["name"], "Acme");
    assert_eq!(v[0]["responsibilities"].as_array().unwrap().len(), 2);
    assert_eq!(v[1]["roles"][0]["seniority"], "senior");
    let one = format!("{}#in-2", s(&feed));
    for args in [vec!["explain", "--json", &one], vec!["explain", "--json", s(&feed), "--record", "in-2"]] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        let x: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
        assert_eq!(x["doc"], "feed.jsonl#in-2", "{args:?}");
    }
    let o = run(&["explain", s(&feed), "--record", "in-9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no record \"in-9\" among its 2 record(s)"));
    // the same dump through `run`: the same roles and responsibilities
    let out = tempfile::tempdir().unwrap();
    assert!(run(&["run", "--quiet", "--corpus", s(&feed), "--out", s(out.path())]).status.success());
    let lines = |f: &str| std::fs::read_to_string(out.path().join(f)).unwrap().lines().count();
    let sum = |k: &str| v.as_array().unwrap().iter().map(|x| x[k].as_array().unwrap().len()).sum::<usize>();
    assert_eq!((sum("roles"), sum("responsibilities")), (lines("roles.jsonl"), lines("responsibilities.jsonl")));
}

#[test]
fn explain_missing_file_is_an_io_error() {
    let o = run(&["explain", "/nonexistent/posting.html"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/posting.html"));
}

/// The walkthrough of rules/README.md: a new role, its aliases, a seniority title and a
/// category, added purely by editing a copy of `rules/`, shows up in the output.
#[test]
fn a_new_role_added_in_rules_appears_in_the_output() {
    let d = rules_copy();
    let p = d.path().join("roles.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(
        "\n[[role]]\nid = \"data-product-manager\"\nlabel = \"Data Product Manager\"\nfamily = \"product\"\n\
         doc = \"Owns data products: datasets, pipelines and analytics platforms as products.\"\n\
         titles = [\"data product manager\", \"data PM\"]\n\
         leveled-titles = [{ title = \"head of data products\", level = \"director\" }]\n\
         examples = [\"Senior Data Product Manager\", \"Head of Data Products\"]\n\
         counter-examples = [\"Data Product Management Guide\"]\n",
    );
    std::fs::write(&p, text).unwrap();
    let p = d.path().join("categories.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(
        "\n[[category]]\nid = \"data-governance\"\nlabel = \"Data governance\"\n\
         patterns = ['\\bdata (?:governance|lineage|contracts?|catalog(?:ue)?s?)\\b']\n\
         examples = [\"Define data contracts with upstream teams\"]\n",
    );
    std::fs::write(&p, text).unwrap();

    let o = run(&["rules", "check", "--rules", s(d.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = run(&["rules", "test", "--rules", s(d.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));

    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("posting.md"),
        "# Senior Data Product Manager\n\n## What you will do\n\n\
         - Define data contracts and data lineage standards with platform teams\n\
         - Own the roadmap for our analytics platform\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--quiet", "--corpus", s(corpus.path()), "--rules", s(d.path()), "--out", s(out.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let roles = std::fs::read_to_string(out.path().join("roles.jsonl")).unwrap();
    let role: serde_json::Value = serde_json::from_str(roles.lines().next().expect("one role")).unwrap();
    assert_eq!(role["role_id"], "data-product-manager", "{roles}");
    assert_eq!(role["seniority"], "senior", "{roles}");
    assert_eq!(role["title_rule"], "data-product-manager:data-product-manager", "{roles}");
    let resp = std::fs::read_to_string(out.path().join("responsibilities.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(resp.lines().next().unwrap()).unwrap();
    assert!(first["categories"].to_string().contains("data-governance"), "{resp}");
    // and with the shipped rules the same posting has no such role
    let out2 = tempfile::tempdir().unwrap();
    run(&["run", "--quiet", "--corpus", s(corpus.path()), "--out", s(out2.path())]);
    assert!(!std::fs::read_to_string(out2.path().join("roles.jsonl")).unwrap().contains("data-product-manager"));
}

/// A `title-cues` list too large to compile is an error at its line, reported once (it
/// compiles into three regexes), refused before compiling (its memory grew with the list:
/// 2.2 GB for 7 MB), and `run` refuses the rules instead of dropping them.
#[test]
fn title_cues_beyond_the_regex_size_limit_are_an_error() {
    let cues: Vec<String> = (0..200_000).map(|i| format!("\"cue{i}xyzw\"")).collect();
    let extra = format!("\n[[level]]\nid = \"huge\"\nlabel = \"H\"\ntitle-cues = [{}]\n", cues.join(", "));
    let (d, line) = broken("seniority.toml", &extra, "title-cues");
    let o = run(&["rules", "check", "--rules", s(d.path())]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{out}");
    let want = format!("seniority.toml:{line}:");
    let hits: Vec<&str> = out.lines().filter(|l| l.starts_with("error:") && l.contains(&want)).collect();
    assert_eq!(hits.len(), 1, "{out}");
    assert!(hits[0].contains("title-cues of level `huge` hold") && hits[0].contains("at most 65536"), "{}", hits[0]);
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("a.md"), "# Senior Product Manager\n\n- Own the roadmap\n").unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let o = run(&["run", "--rules", s(d.path()), "--corpus", s(corpus.path()), "--out", s(&out_dir.path().join("o"))]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("title-cues of level `huge` hold"));
}

/// A named pipe (or device) in place of a rule file is an error, not a read that never ends.
#[cfg(unix)]
#[test]
fn a_pipe_in_place_of_a_rule_file_does_not_hang() {
    let d = rules_copy();
    let p = d.path().join("roles.toml");
    std::fs::remove_file(&p).unwrap();
    assert!(Command::new("mkfifo").arg(&p).status().unwrap().success());
    let start = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolemap"))
        .args(["rules", "check", "--rules", s(d.path())])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("rules check hangs on a pipe named roles.toml");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("roles.toml: is not a regular file"), "{out}");
}

/// Adding a language is a data edit: a pack in `lang/` of a copy of the rules, and a posting
/// in that language gets its titles, its section labels and its duty sentences read.
#[test]
fn a_new_language_pack_is_a_data_edit() {
    let posting = "# Responsabile di prodotto (Senior)\n\n\
        Siamo un'azienda che sviluppa software per la logistica e cerchiamo una persona che guidi la \
        strategia della nostra piattaforma di spedizioni insieme ai team tecnici e commerciali.\n\n\
        ## Cosa farai\n\n\
        - Ti occuperai della roadmap della piattaforma e delle sue priorità\n\
        - Raccoglierai le esigenze dei clienti e le tradurrai in requisiti chiari\n\
        - Lavorerai ogni giorno con sviluppatori e designer\n\n\
        ## Requisiti\n\n\
        - Almeno 5 anni di esperienza nella gestione di prodotti digitali\n\
        - Ottima conoscenza della lingua inglese\n\n\
        ## Cosa offriamo\n\n\
        - Buoni pasto e assicurazione sanitaria integrativa per tutta la famiglia\n";
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("annuncio.md"), posting).unwrap();
    let read = |rules: &Path| {
        let out = tempfile::tempdir().unwrap();
        let o = run(&["run", "--quiet", "--corpus", s(corpus.path()), "--rules", s(rules), "--out", s(out.path())]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let read = |f: &str| std::fs::read_to_string(out.path().join(f)).unwrap();
        (read("roles.jsonl"), read("responsibilities.jsonl"), read("requirements.jsonl"), read("documents.jsonl"))
    };
    // the shipped rules have no Italian: read with the fallback pack, the title not known
    let d = rules_copy();
    let (roles, _, _, docs) = read(d.path());
    assert!(!roles.contains("product-manager"), "{roles}");
    assert!(docs.contains("language Italian (ita) has no rule pack"), "{docs}");

    std::fs::write(
        d.path().join("lang").join("ita.toml"),
        "language = \"ita\"\n\
         [titles]\nproduct-manager = [\"responsabile di prodotto\"]\n\
         [structure.sections]\n\
         duty = '^(?:cosa farai|le tue responsabilità|mansioni)\\b'\n\
         requirements = '^(?:requisiti|il tuo profilo)\\b'\n\
         benefits = '^(?:cosa offriamo|offriamo)\\b'\n\
         [structure.sections.examples]\nduties = [\"Cosa farai\"]\nrequirements = [\"Requisiti\"]\nbenefits = [\"Cosa offriamo\"]\n\
         [structure.requirements]\n\
         years = '\\b(?:almeno )?(?P<min>\\d{1,2})\\s*(?:(?:-|a)\\s*(?P<max>\\d{1,2})\\s*)?anni\\b'\n",
    )
    .unwrap();
    let o = run(&["rules", "test", "--rules", s(d.path())]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let (roles, resp, req, docs) = read(d.path());
    let role: serde_json::Value = serde_json::from_str(roles.lines().next().expect("one role")).unwrap();
    assert_eq!((role["role_id"].as_str(), role["seniority"].as_str()), (Some("product-manager"), Some("senior")));
    assert_eq!(role["title_rule"], "product-manager:responsabile-di-prodotto", "{role}");
    let duties: Vec<serde_json::Value> = resp.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(duties.len(), 3, "{resp}");
    assert!(duties.iter().all(|d| d["section"].as_str().unwrap_or("").ends_with("Cosa farai")), "{resp}");
    let reqs: Vec<serde_json::Value> = req.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(reqs.len(), 2, "{req}");
    assert_eq!(reqs[0]["years_min"], 5, "{req}");
    assert!(!resp.contains("Buoni pasto") && !req.contains("Buoni pasto"), "{resp}{req}");
    assert!(docs.contains("\"language\":\"ita\"") && !docs.contains("no rule pack"), "{docs}");
}
