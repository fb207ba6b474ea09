//! Checks on a compiled rule set that go beyond loading: warnings for rules that are legal
//! but likely mistakes, and the examples every rule carries, run as tests.

use super::Rules;

/// A rule's example that did not behave as the rule says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExampleFailure {
    /// File the rule lives in.
    pub file: String,
    /// Rule id (`role:product-manager`, `level:senior`, `category:roadmap`, `boilerplate:newsletter`).
    pub rule: String,
    pub example: String,
    /// True for an example that must match, false for a counter-example.
    pub must_match: bool,
    /// What happened instead.
    pub got: String,
}

/// Outcome of running every example.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ExampleReport {
    pub passed: usize,
    pub failures: Vec<ExampleFailure>,
}

impl ExampleReport {
    fn check(
        &mut self,
        file: &str,
        rule: String,
        example: &str,
        must_match: bool,
        ok: bool,
        got: impl FnOnce() -> String,
    ) {
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(ExampleFailure {
                file: file.to_string(),
                rule,
                example: example.to_string(),
                must_match,
                got: got(),
            });
        }
    }
}

/// Run the examples and counter-examples of every role, level, category and boilerplate rule.
pub fn run_examples(rules: &Rules) -> ExampleReport {
    let mut rep = ExampleReport::default();
    let t = &rules.taxonomy;
    let describe = |text: &str| {
        let hits = t.find_titles(text);
        if hits.is_empty() {
            return "no title found".to_string();
        }
        hits.iter()
            .map(|h| {
                let level =
                    h.level.as_ref().map_or(t.levels[t.default_level].id.as_str(), |l| t.levels[l.0].id.as_str());
                format!("{} at {} (rule {})", t.roles[h.role].id, level, h.rule)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, role) in t.roles.iter().enumerate() {
        for e in &role.examples {
            // "VP, Product => vp": the example names the level it must read
            let (title, want) = match e.split_once(" => ") {
                Some((title, level)) => (title, Some(level.trim())),
                None => (e.as_str(), None),
            };
            let p = t.parse_title(title);
            let ok = p.hit.as_ref().is_some_and(|h| {
                h.role == i && want.is_none_or(|w| t.levels[h.level.as_ref().map_or(t.default_level, |l| l.0)].id == w)
            });
            rep.check("roles.toml", format!("role:{}", role.id), e, true, ok, || describe(title));
        }
        for e in &role.counter_examples {
            let ok = t.parse_title(e).hit.is_none_or(|h| h.role != i);
            rep.check("roles.toml", format!("role:{}", role.id), e, false, ok, || describe(e));
        }
    }
    for (li, level) in t.levels.iter().enumerate() {
        let has = |e: &str| t.find_titles(e).iter().any(|h| h.level.as_ref().map(|l| l.0) == Some(li));
        for e in &level.examples {
            rep.check(
                "seniority.toml",
                format!("level:{}", level.id),
                e,
                true,
                has(e) || (li == t.default_level && !t.find_titles(e).is_empty()),
                || describe(e),
            );
        }
        for e in &level.counter_examples {
            rep.check("seniority.toml", format!("level:{}", level.id), e, false, !has(e), || describe(e));
        }
    }
    let cats = |e: &str| {
        let c = rules.categorize(e);
        if c.is_empty() {
            "no category".to_string()
        } else {
            c.iter().map(|&i| rules.categories[i].id.as_str()).collect::<Vec<_>>().join(", ")
        }
    };
    for (i, c) in rules.categories.iter().enumerate() {
        for e in &c.examples {
            rep.check(
                "categories.toml",
                format!("category:{}", c.id),
                e,
                true,
                rules.categorize(e).contains(&i),
                || cats(e),
            );
        }
        for e in &c.counter_examples {
            rep.check(
                "categories.toml",
                format!("category:{}", c.id),
                e,
                false,
                !rules.categorize(e).contains(&i),
                || cats(e),
            );
        }
    }
    for r in &rules.company.text {
        for e in &r.examples {
            let ok = crate::extract::company::text_rule_name(r, e, &rules.company).is_some();
            rep.check("company.toml", format!("company:{}", r.id), e, true, ok, || "no company read".into());
        }
        for e in &r.counter_examples {
            let got = crate::extract::company::text_rule_name(r, e, &rules.company);
            let ok = got.is_none();
            rep.check("company.toml", format!("company:{}", r.id), e, false, ok, || {
                format!("read company {:?}", got.unwrap_or_default())
            });
        }
    }
    let bp = &rules.boilerplate;
    let dropped_by = |e: &str| bp.matching_rule(e).map_or("kept".to_string(), |r| format!("dropped by {}", r.id));
    for r in &bp.rules {
        for e in &r.examples {
            let ok = bp.matching_rule(e).is_some_and(|m| m.id == r.id);
            rep.check("boilerplate.toml", format!("boilerplate:{}", r.id), e, true, ok, || dropped_by(e));
        }
        for e in &r.counter_examples {
            let ok = bp.matching_rule(e).is_none_or(|m| m.id != r.id);
            rep.check("boilerplate.toml", format!("boilerplate:{}", r.id), e, false, ok, || dropped_by(e));
        }
    }
    // structure.toml's examples on the rules of every language, each pack's on its own
    for ex in &rules.structure.examples {
        structure_examples(&mut rep, ex, rules.for_language(ex.language.as_deref()));
    }
    // codes.toml and taxonomies/coding.toml: "TITLE => CODE", through the title grammar
    for ex in &rules.codes.examples {
        let c = crate::codes::assign::for_text(rules, &ex.title, None);
        let shown = format!("{} => {}", ex.title, ex.code);
        rep.check(&ex.file, ex.rule.clone(), &shown, ex.must, c.has(&ex.code) == ex.must, || {
            format!("{} ({})", c.summary(), c.evidence)
        });
    }
    let kl = &bp.keyword_list;
    for e in &kl.examples {
        rep.check("boilerplate.toml", format!("boilerplate:{}", kl.id), e, true, bp.is_keyword_list(e), || {
            "kept".into()
        });
    }
    for e in &kl.counter_examples {
        rep.check("boilerplate.toml", format!("boilerplate:{}", kl.id), e, false, !bp.is_keyword_list(e), || {
            "dropped as a keyword list".into()
        });
    }
    rep
}

/// The examples of structure.toml or of one pack, on the rules they are read with.
fn structure_examples(rep: &mut ExampleReport, ex: &super::StructureExamples, rules: &Rules) {
    let st = &rules.structure;
    let file = ex.file.as_str();
    // requirement examples: each must yield years, a degree or skills
    for e in &ex.requirements {
        let ok = st.req_years.is_match(e) || st.req_degree.is_match(e) || st.req_skills.is_match(e);
        rep.check(file, "requirement".into(), e, true, ok, || "no years, degree or skills found".into());
    }
    // section labels and lead-ins: each must get the kind it is filed under
    let kind_name = |k: Option<crate::extract::sections::Kind>| k.map_or("none", |k| k.as_str());
    for (want, label) in &ex.sections {
        let got = kind_name(crate::extract::sections::classify(label, rules));
        rep.check(file, format!("section:{want}"), label, true, got == want, || format!("kind {got}"));
    }
    for (want, t) in &ex.lead_ins {
        let got = kind_name(crate::extract::sections::lead_in_kind(t, rules));
        rep.check(file, format!("list:lead-in:{want}"), t, true, got == want, || format!("kind {got}"));
    }
    // item examples read as duties (a duty verb, the hire or the person at the level as
    // subject); counter-examples match `not-duty`
    for e in &ex.items {
        let l = e.to_lowercase();
        let duty = st.item_duty_verbs.is_match(&l)
            || st.item_hire_duty.is_match(&l)
            || st.item_ladder_subject.is_match(&l)
            || st.item_first_person.is_match(&l);
        let not = st.item_not_duty.is_match(e);
        rep.check(file, "item".into(), e, true, duty && !not, || {
            if not {
                "matches not-duty".into()
            } else {
                "no duty verb or subject".into()
            }
        });
    }
    for e in &ex.item_counter_examples {
        let ok = st.item_not_duty.is_match(e);
        rep.check(file, "item:not-duty".into(), e, false, ok, || "does not match not-duty".into());
    }
}

/// Legal rules that are probably mistakes: (file, message).
pub fn warnings(rules: &Rules) -> Vec<(&'static str, String)> {
    let mut w = Vec::new();
    let t = &rules.taxonomy;
    for (i, r) in t.roles.iter().enumerate() {
        if !t.has_titles(i) {
            w.push(("roles.toml", format!("role {:?} has no titles: nothing can map to it", r.id)));
        }
        if r.examples.is_empty() {
            w.push(("roles.toml", format!("role {:?} has no examples", r.id)));
        }
        if rules.codes.by_role[i].is_none() {
            w.push((
                "codes.toml",
                format!(
                    "role {:?} has no codes: its rows are coded from their titles, as roles outside the taxonomy",
                    r.id
                ),
            ));
        }
    }
    for (i, l) in t.levels.iter().enumerate() {
        if i != t.default_level && !l.has_title_cues() {
            w.push((
                "seniority.toml",
                format!("level {:?} has no title cues: only titles that carry it can reach it", l.id),
            ));
        }
        if l.examples.is_empty() {
            w.push(("seniority.toml", format!("level {:?} has no examples", l.id)));
        }
    }
    for c in rules.categories.iter() {
        if c.examples.is_empty() {
            w.push(("categories.toml", format!("category {:?} has no examples", c.id)));
        }
    }
    for r in &rules.boilerplate.rules {
        if r.examples.is_empty() {
            w.push(("boilerplate.toml", format!("boilerplate rule {:?} has no examples", r.id)));
        }
    }
    w
}
