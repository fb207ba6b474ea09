//! Codes on role rows. A role of the taxonomy gets the codes `rules/codes.toml` gives it (at
//! its seniority level); a role outside it is coded from its title's core phrase against the
//! taxonomies' labels and alternate titles, when its document is in the labels' language and
//! the best match scores at least `min_score` (taxonomies/coding.toml). Every row says how in
//! `code_evidence`, and why when it has no code.

use super::Coder;
use crate::model::RoleRecord;
use crate::rules::Rules;

/// The prefix of the evidence of a row without a code.
pub const NO_CODE: &str = "no code";
/// The rule id of codes coded from the taxonomies' labels (a role outside the taxonomy).
pub const CODES_RULE: &str = "coding";

/// The standard codes of one role.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Codes {
    pub esco_uri: Option<String>,
    pub esco_label: Option<String>,
    /// ESCO's own code ("1223.1").
    pub esco_code: Option<String>,
    pub isco08: Option<String>,
    pub onet_soc: Option<String>,
    pub onet_title: Option<String>,
    pub evidence: String,
}

impl Codes {
    /// Does this code ("1223.1", an ISCO-08 group "1223" or "12", "11-2021.00") describe the role?
    pub fn has(&self, code: &str) -> bool {
        let isco = code.bytes().all(|b| b.is_ascii_digit());
        self.esco_code.as_deref() == Some(code)
            || self.onet_soc.as_deref() == Some(code)
            || (isco && self.isco08.as_deref().is_some_and(|g| g.starts_with(code)))
    }

    /// What the codes are, short: "1223.1 product manager; 11-2021.00 Marketing Managers".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let (Some(c), Some(l)) = (&self.esco_code, &self.esco_label) {
            parts.push(format!("ESCO {c} {l}"));
        }
        if let (Some(c), Some(l)) = (&self.onet_soc, &self.onet_title) {
            parts.push(format!("O*NET {c} {l}"));
        }
        if parts.is_empty() {
            parts.push(NO_CODE.to_string());
        }
        parts.join("; ")
    }
}

/// A title as the title grammar read it.
#[derive(Debug, Clone, Copy)]
pub struct Title<'a> {
    /// As written ("Senior Video Game Designer (m/w/d)").
    pub text: &'a str,
    /// Its role index in the taxonomy (None: outside it) and seniority level.
    pub role: Option<usize>,
    pub level: usize,
    /// The title rule that matched (`software-engineer:developer`).
    pub rule: &'a str,
    /// The grammar's core phrase (the grouping key in words).
    pub core: &'a str,
    /// Seniority cues read in it ("Senior"): no specialisation.
    pub cues: &'a [String],
}

/// An occupation label made of the role's title and the specialisation written before it
/// ("video games designer" for "Senior Video Game Designer", a `product-designer:designer`): the
/// longest phrase of the title, before its qualifiers, that holds the title rule's words and
/// more, and that is exactly one ESCO occupation's label.
fn specialised<'c>(coder: &'c Coder, t: &Title) -> Option<(&'c super::Concept, &'c str, Option<&'c super::Concept>)> {
    let coding = coder.coding();
    let alias = t.rule.rsplit(':').next().unwrap_or_default().replace('-', " ");
    let alias = coding.words(&alias);
    let mut head = t.text;
    for m in &coding.qualifier_marks {
        if let Some(i) = head.find(m.as_str()) {
            head = &head[..i];
        }
    }
    let lower = head.to_lowercase();
    let tokens: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    // nothing written beyond the title and its seniority: no look-up (it costs memory)
    let cue_words: Vec<String> = t.cues.iter().flat_map(|c| coding.words(c)).collect();
    let beyond = coding.words(&lower).into_iter().any(|w| !alias.contains(&w) && !cue_words.contains(&w));
    if !beyond {
        return None;
    }
    // a specialisation is a few words before the title: the phrases that end the title and
    // are at most `specialisation_words` longer than its rule's words (a title of 10,000
    // words made this loop quadratic)
    let first = tokens.len().saturating_sub(alias.len() + coding.specialisation_words);
    for start in first..tokens.len() {
        let words = coding.words(&tokens[start..].join(" "));
        if words.len() <= alias.len() || !alias.iter().all(|a| words.contains(a)) {
            continue;
        }
        if let (Some((esco, label)), onet) = coder.exact(&words) {
            return Some((esco, label, onet));
        }
    }
    None
}

/// Codes for a title, in a document of `language`.
pub fn for_title(rules: &Rules, t: &Title, language: Option<&str>) -> Codes {
    let mut c = Codes::default();
    let core = t.core;
    if let Some(curated) = t.role.and_then(|r| rules.codes.by_role[r].as_ref()) {
        let pick = curated.pick(t.level);
        let english = Coder::shared().ok().filter(|k| language.is_none_or(|l| l == k.coding().label_language));
        // a specialisation keeps the role's ISCO-08 major group (a manager stays a manager)
        let major = |c: &super::Concept| c.group.chars().next();
        let same_kind = |e: &super::Concept| pick.esco.as_ref().is_some_and(|p| major(p) == major(e));
        if let Some((esco, label, onet)) = english.and_then(|k| specialised(k, t)).filter(|s| same_kind(s.0)) {
            c.esco_uri = Some(esco.id.clone());
            c.esco_label = Some(esco.label.clone());
            c.esco_code = Some(esco.code.clone());
            c.isco08 = Some(esco.group.clone());
            let onet = onet.or(pick.onet.as_ref());
            c.onet_soc = onet.map(|o| o.id.clone());
            c.onet_title = onet.map(|o| o.label.clone());
            c.evidence = format!("{}: specialised, ESCO label {label:?}", pick.rule);
            return c;
        }
        if let Some(e) = &pick.esco {
            c.esco_uri = Some(e.id.clone());
            c.esco_label = Some(e.label.clone());
            c.esco_code = Some(e.code.clone());
            c.isco08 = Some(e.group.clone());
        }
        if let Some(o) = &pick.onet {
            c.onet_soc = Some(o.id.clone());
            c.onet_title = Some(o.label.clone());
        }
        c.evidence = if pick.esco.is_none() && pick.onet.is_none() {
            format!("{NO_CODE} ({}): {}", pick.rule, pick.why)
        } else {
            pick.rule.clone()
        };
        return c;
    }
    let coder = match Coder::shared() {
        Ok(k) => k,
        Err(e) => {
            c.evidence = format!("{NO_CODE}: taxonomies: {e}");
            return c;
        }
    };
    let coding = coder.coding();
    if let Some(l) = language.filter(|l| *l != coding.label_language) {
        c.evidence =
            format!("{NO_CODE}: the document is in {l}; the taxonomies' labels are in {}", coding.label_language);
        return c;
    }
    if coding.words(core).is_empty() {
        c.evidence = format!("{NO_CODE}: the title has no words to code");
        return c;
    }
    let (esco, onet) = coder.code(core, coding.head_candidates.max(1));
    // a head no label has ("linkworker") cannot be asked for: a better score is
    let head = coding.head(core).filter(|h| coder.knows_word(h));
    let min = if head.is_some() { coding.min_score } else { coding.min_score_unknown_head };
    let has_head = |texts: &[&str]| head.as_ref().is_none_or(|h| texts.iter().any(|t| coding.words(t).contains(h)));
    let head = head.clone().unwrap_or_default();
    let choose = |hits: Vec<(f64, &str, &str)>, taxonomy: &str, noun: &str| -> (Option<usize>, String) {
        if let Some(i) = hits.iter().position(|&(score, ev, name)| score >= min && has_head(&[ev, name])) {
            return (Some(i), format!("{taxonomy} {noun} {:?} ({})", hits[i].1, hits[i].0));
        }
        let said = match hits.first() {
            Some(&(score, ev, _)) if score >= min => {
                format!("no {taxonomy} code: no good match has the head word {head:?} (best: {ev:?})")
            }
            Some(&(score, ev, _)) => format!("no {taxonomy} code: best {noun} {ev:?} scored {score}, below {min}"),
            None => format!("no {taxonomy} {noun} shares a word"),
        };
        (None, said)
    };
    // occupations, not the ISCO-08 groups the ranking also holds
    let esco: Vec<&super::EscoHit> =
        esco.iter().filter(|h| coder.esco_by_uri(&h.uri).is_some_and(|k| k.is_occupation())).collect();
    let (pick, said_esco) =
        choose(esco.iter().map(|h| (h.score, h.evidence.as_str(), h.label.as_str())).collect(), "ESCO", "label");
    if let Some(h) = pick.map(|i| esco[i]) {
        c.esco_uri = Some(h.uri.clone());
        c.esco_label = Some(h.label.clone());
        c.esco_code = coder.esco_by_uri(&h.uri).map(|k| k.code.clone());
        c.isco08 = Some(h.isco08.clone());
    }
    let (pick, said_onet) =
        choose(onet.iter().map(|h| (h.score, h.evidence.as_str(), h.title.as_str())).collect(), "O*NET", "title");
    if let Some(h) = pick.map(|i| &onet[i]) {
        c.onet_soc = Some(h.code.clone());
        c.onet_title = Some(h.title.clone());
    }
    let said = [said_esco, said_onet];
    let none = c.esco_uri.is_none() && c.onet_soc.is_none();
    c.evidence = format!("{}{CODES_RULE} {core:?}: {}", if none { "no code: " } else { "" }, said.join("; "));
    c
}

/// Give every role row its codes.
pub fn assign(roles: &mut [RoleRecord], rules: &Rules, language: Option<&str>) {
    let tax = &rules.taxonomy;
    for r in roles {
        let role = tax.roles.iter().position(|k| k.id == r.role_id);
        let core = key_words(&r.title_key);
        // the cues the title itself writes
        let lower = r.title.to_lowercase();
        let cues: Vec<String> =
            r.seniority_cues.iter().filter(|c| lower.contains(&c.to_lowercase())).cloned().collect();
        let t = Title { text: &r.title, role, level: r.seniority_order, rule: &r.title_rule, core: &core, cues: &cues };
        let c = for_title(rules, &t, language);
        r.esco_uri = c.esco_uri;
        r.esco_label = c.esco_label;
        r.isco08 = c.isco08;
        r.onet_soc = c.onet_soc;
        r.onet_title = c.onet_title;
        r.code_evidence = c.evidence;
    }
}

/// A grouping key in words: the title grammar's core phrase ("registered-nurse" → "registered nurse").
pub fn key_words(key: &str) -> String {
    key.replace('-', " ")
}

/// Codes for a title as the title grammar reads it (a role of the taxonomy, or its core phrase).
pub fn for_text(rules: &Rules, title: &str, language: Option<&str>) -> Codes {
    let tax = &rules.taxonomy;
    let p = tax.parse_title(title);
    let (role, level, rule, cues) = match &p.hit {
        Some(h) => (
            Some(h.role),
            h.level.as_ref().map_or(tax.default_level, |l| l.0),
            h.rule.as_str(),
            h.level.iter().map(|l| l.1.clone()).collect(),
        ),
        None => (None, tax.default_level, "", Vec::new()),
    };
    let core = key_words(&p.key);
    for_title(rules, &Title { text: title, role, level, rule, core: &core, cues: &cues }, language)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> &'static Rules {
        Rules::shipped()
    }

    #[test]
    fn a_role_of_the_taxonomy_gets_its_rules_codes_at_its_level() {
        let c = for_text(rules(), "Senior Product Manager", Some("eng"));
        assert_eq!((c.esco_code.as_deref(), c.isco08.as_deref()), (Some("1223.1"), Some("1223")));
        assert_eq!(c.onet_soc.as_deref(), Some("11-2021.00"));
        assert_eq!(c.evidence, "codes:product-manager");
        let c = for_text(rules(), "Chief Product Officer (CPO)", Some("eng"));
        assert_eq!(c.esco_code.as_deref(), Some("1223.3"));
        assert_eq!(c.evidence, "codes:product-manager:executive");
        // a French title of a role of the taxonomy: the rules' codes, whatever the language
        let c = for_text(rules(), "Chef de produit", Some("fra"));
        assert_eq!(c.esco_code.as_deref(), Some("1223.1"), "{c:?}");
    }

    #[test]
    fn a_role_without_an_occupation_says_why() {
        let c = for_text(rules(), "Project Sponsor", Some("eng"));
        assert_eq!((c.esco_uri.as_ref(), c.onet_soc.as_ref()), (None, None));
        assert!(c.evidence.starts_with("no code (codes:project-sponsor): "), "{c:?}");
        assert!(c.summary() == NO_CODE);
    }

    #[test]
    fn a_role_outside_the_taxonomy_is_coded_from_its_core_phrase() {
        let c = for_text(rules(), "Senior Registered Nurse (Night Shift)", Some("eng"));
        assert!(c.isco08.as_deref().is_some_and(|g| g.starts_with("222")), "{c:?}");
        assert_eq!(c.onet_soc.as_deref(), Some("29-1141.00"));
        assert!(c.evidence.starts_with("coding \"registered nurse\": ESCO label "), "{c:?}");
        // not in the labels' language: not coded, and said
        let c = for_text(rules(), "Krankenpfleger", Some("deu"));
        assert_eq!((c.esco_uri, c.onet_soc), (None, None));
        assert!(c.evidence.starts_with("no code: the document is in deu"), "{}", c.evidence);
        // nothing to match
        let c = for_text(rules(), "Xqzzyv Blorft", None);
        assert_eq!((c.esco_uri.as_ref(), c.onet_soc.as_ref()), (None, None));
        assert!(c.evidence.starts_with("no code: coding \"xqzzyv blorft\": no ESCO label shares a word"), "{c:?}");
    }

    #[test]
    fn the_head_of_the_core_phrase_must_be_in_the_label() {
        let coding = Coder::shared().unwrap().coding();
        assert_eq!(coding.head("children s science presenter in manchester").as_deref(), Some("presenter"));
        assert_eq!(coding.head("practice nurses").as_deref(), Some("nurse"));
        assert_eq!(coding.head("of").as_deref(), None);
        // "Practice Manager" is O*NET's best title for "practice nurse" by score; it has no nurse
        let c = for_text(rules(), "Practice Nurse", Some("eng"));
        assert!(c.onet_title.as_deref().is_none_or(|t| t.contains("Nurse")), "{c:?}");
        assert!(c.has("2221"), "{c:?}");
    }
}

#[cfg(test)]
mod specialisation_tests {
    use super::*;

    #[test]
    fn a_specialisation_that_is_an_occupation_of_the_same_kind_is_coded_as_it() {
        let r = Rules::shipped();
        // "video games designer" is an ESCO label; the role is product-designer
        let c = for_text(r, "Senior Video Game Designer (m/w/d)", Some("eng"));
        assert_eq!(c.esco_label.as_deref(), Some("digital games designer"), "{c:?}");
        assert!(c.evidence.starts_with("codes:product-designer: specialised"), "{c:?}");
        // a label of another major group is no specialisation: the role's own codes
        let c = for_text(r, "Engineering Project Manager", Some("eng"));
        assert_eq!((c.esco_code.as_deref(), c.evidence.as_str()), (Some("1219.6"), "codes:project-manager"));
        // the role's own title, however it is a label elsewhere, keeps the role's codes
        let c = for_text(r, "Service Manager", Some("eng"));
        assert_eq!(c.esco_code.as_deref(), Some("1349.21"));
        // not in the labels' language: the role's codes
        let c = for_text(r, "Senior Video Game Designer", Some("deu"));
        assert_eq!(c.evidence, "codes:product-designer");
    }

    /// The specialisation is looked for in the few words before the title: a title of
    /// 10,000 words is not read quadratically (it took 3.3 s in `rolemap code`).
    #[test]
    fn a_long_title_is_coded_in_linear_time() {
        let title = format!("Senior {} Product Designer", vec!["Alpha"; 10_000].join(" "));
        let t = std::time::Instant::now();
        let c = for_text(Rules::shipped(), &title, Some("eng"));
        assert!(t.elapsed() < std::time::Duration::from_millis(500), "{:?}", t.elapsed());
        assert_eq!(c.evidence, "codes:product-designer", "{c:?}");
    }
}
