//! Which organisation a document belongs to, and the evidence for it.
//!
//! Evidence is tried from the strongest to the weakest; the first that gives a name wins
//! (the order and every word list are in `rules/company.toml`):
//!
//! | evidence | where |
//! | --- | --- |
//! | `sources.csv`, `record-field` | the corpus's `sources.csv`, a dump record's company field |
//! | `json-ld` | the page's JSON-LD `JobPosting.hiringOrganization` ([`PostingMeta`]) |
//! | `front-matter:KEY` | front matter keys (`front-matter-keys`) |
//! | `front-matter-domain:KEY` | the domain of a front-matter e-mail or URL (`contact-keys`) |
//! | `og:site_name`, `application-name`, `html-title`, `og:title` | the page head ([`PostingMeta::names`]) |
//! | `email-domain`, `url-domain` | an address in the text whose domain the text writes as a name |
//! | `text:ID` | the `[[text]]` rules: "About Acme", "At Acme, we", "Join Acme", "Acme is hiring" |
//! | `text:heading`, `text:mentions` | "… at Acme" in a heading; a name the text uses often |
//!
//! A name in `generic-names` (LinkedIn, Indeed, "Careers", …) is never taken.

use crate::extract::metadata::{
    PostingMeta, SOURCE_APPLICATION_NAME, SOURCE_HTML_TITLE, SOURCE_JSON_LD, SOURCE_OG_SITE_NAME, SOURCE_OG_TITLE,
};
use crate::model::{BlockKind, CleanDoc, Company};
use crate::rules::{CompanyRules, Rules};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Detect the company of a cleaned document, with the posting metadata read from its raw
/// form (`extract::metadata::merge` of `from_json_ld`, `from_html_head`, `from_fields`,
/// `from_text`) as extra evidence. See the module documentation for the order.
pub fn detect(doc: &CleanDoc, posting: &PostingMeta, rules: &Rules) -> Option<Company> {
    let cr = &rules.company;
    let found = |name: String, evidence: &str| Some(Company { name, evidence: evidence.to_string() });
    if let Some(name) = doc.meta.source.as_ref().and_then(|s| s.company.clone()) {
        // a dump record's id is `file#record`: its company came from the record's fields
        let evidence = if doc.meta.id.contains('#') { "record-field" } else { "sources.csv" };
        return found(name, evidence);
    }
    let company_source = posting.evidence.iter().find(|(f, _)| f == "company").map(|(_, s)| s.as_str());
    if let (Some(name), Some(SOURCE_JSON_LD)) = (posting.company.as_deref(), company_source) {
        if let Some(name) = clean_name(name, cr) {
            return found(name, SOURCE_JSON_LD);
        }
    }
    for k in &cr.front_matter_keys {
        if let Some(v) = doc.meta.front_matter.get(k).and_then(|v| clean_name(v, cr)) {
            return found(v, &format!("front-matter:{k}"));
        }
    }
    for k in &cr.contact_keys {
        let Some(v) = doc.meta.front_matter.get(k) else { continue };
        if let Some(label) = domain_label(v).filter(|l| !cr.generic_domains.contains(l)) {
            let name = spelled_in_text(doc, &label).unwrap_or_else(|| capitalize(&label));
            if !is_generic(&name, cr) {
                return found(name, &format!("front-matter-domain:{k}"));
            }
        }
    }
    let text = Text::new(doc, posting);
    if let Some(c) = from_head(&text, posting, rules) {
        return Some(c);
    }
    if let Some(c) = from_addresses(&text, cr) {
        return Some(c);
    }
    if let Some(c) = from_text_rules(&text, rules) {
        return Some(c);
    }
    from_text(doc, &text, rules)
}

/// Blocks read for names: the kept ones, bounded; the organisation shows itself early.
const MAX_SCANNED_BLOCKS: usize = 400;

/// The text the name evidence is checked against.
struct Text<'a> {
    /// kept blocks, bounded, without those that only repeat the page title
    blocks: Vec<&'a str>,
    /// every block, dropped ones too (footers write the legal name: "© Renuo AG")
    all: Vec<&'a str>,
}

impl<'a> Text<'a> {
    fn new(doc: &'a CleanDoc, posting: &PostingMeta) -> Self {
        // a block that is the page title again ("Senior PM - Acme Robotics") proves nothing
        let title = posting.title.as_deref().map(str::to_lowercase).filter(|t| t.len() >= 4);
        let repeats_title = |t: &str| {
            title.as_ref().is_some_and(|title| t.len() <= title.len() + 40 && t.to_lowercase().contains(title.as_str()))
        };
        let blocks: Vec<&str> =
            doc.blocks.iter().take(MAX_SCANNED_BLOCKS).map(|b| b.text.as_str()).filter(|t| !repeats_title(t)).collect();
        let all = doc
            .blocks
            .iter()
            .take(MAX_SCANNED_BLOCKS)
            .map(|b| b.text.as_str())
            .chain(doc.dropped.iter().take(MAX_SCANNED_BLOCKS).map(|d| d.text.as_str()))
            .collect();
        Text { blocks, all }
    }

    /// Whole-word, case-sensitive occurrences of `name` in the kept blocks, and how many of
    /// them are not followed by `next` (the name's next word, when shortening).
    fn count(&self, name: &str, next: Option<&str>) -> (usize, usize) {
        let (mut n, mut alone) = (0, 0);
        for b in &self.blocks {
            for (i, _) in b.match_indices(name) {
                if !word_edge(b, i, i + name.len()) {
                    continue;
                }
                n += 1;
                let rest = b[i + name.len()..].trim_start();
                if next.is_none_or(|w| !rest.starts_with(w)) {
                    alone += 1;
                }
            }
        }
        (n, alone)
    }

    /// The text writes `name` (ignoring case): whole words.
    fn writes(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.blocks.iter().any(|b| {
            let bl = b.to_lowercase();
            bl.match_indices(&lower).any(|(i, _)| word_edge(&bl, i, i + lower.len()))
        })
    }
}

/// `s[start..end]` is not inside a longer word.
fn word_edge(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Trimmed of quotes, punctuation and a possessive; `None` when empty or generic.
fn clean_name(v: &str, cr: &CompanyRules) -> Option<String> {
    let v = v.trim();
    let v = v.strip_suffix("’s").or_else(|| v.strip_suffix("'s")).unwrap_or(v);
    let v = v
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '“' | '”' | ',' | ';' | ':' | '!' | '?'));
    // a final full stop ends the sentence unless the name ends in an abbreviation ("Inc.")
    let v = match v.strip_suffix('.') {
        Some(s) if !cr.legal_forms.iter().any(|l| l.ends_with('.') && v.ends_with(l.as_str())) => s,
        _ => v,
    };
    (!v.is_empty() && !is_generic(v, cr)).then(|| v.to_string())
}

fn legal_form(w: &str, cr: &CompanyRules) -> bool {
    cr.legal_forms.iter().any(|l| l == w)
}

/// A job board, site part or section word; a host name is judged by its first label
/// ("Indeed.com" is "Indeed").
fn is_generic(name: &str, cr: &CompanyRules) -> bool {
    let l = name.trim().to_lowercase();
    let host = l.strip_prefix("www.").unwrap_or(&l);
    let label = match host.split_once('.') {
        Some((a, b)) if !host.contains(char::is_whitespace) && b.len() >= 2 => a,
        _ => host,
    };
    [l.as_str(), label].iter().any(|n| cr.generic_names.contains(*n) || cr.section_words.iter().any(|w| w == n))
}

// ---------------------------------------------------------------------------------------
// Page head
// ---------------------------------------------------------------------------------------

/// A site name from the page head: `og:site_name` and `application-name` as given; a
/// title part once cleaned (`site-patterns`, `section-words`), and only when the cleaning
/// marked it, the text writes it, or it stands alone in `og:title`.
fn from_head(text: &Text, posting: &PostingMeta, rules: &Rules) -> Option<Company> {
    let cr = &rules.company;
    let mut candidates: Vec<(&str, &str)> = posting.names.iter().map(|(s, n)| (s.as_str(), n.as_str())).collect();
    let company_source = posting.evidence.iter().find(|(f, _)| f == "company").map(|(_, s)| s.as_str());
    if let (Some(n), Some(src)) = (posting.company.as_deref(), company_source) {
        if is_head_source(src) && !candidates.iter().any(|(_, c)| *c == n) {
            candidates.insert(0, (src, n));
        }
    }
    // a part that is only a section word marks the others as the site ("Acme - Careers")
    let section_part = |src: &str| {
        candidates.iter().any(|(s, raw)| *s == src && cr.section_words.contains(&raw.trim().to_lowercase()))
    };
    let mut sources_seen: Vec<&str> = Vec::new();
    for &(src, raw) in &candidates {
        if !is_head_source(src) {
            continue;
        }
        // the text may confirm the site part of a title (its first candidate); the other
        // parts ("Senior PM - Berlin - Indeed.com") count only when the rules mark them
        let site_part = !sources_seen.contains(&src);
        sources_seen.push(src);
        let explicit = src == SOURCE_OG_SITE_NAME || src == SOURCE_APPLICATION_NAME;
        let Some((name, marked)) = site_name(raw, cr) else { continue };
        if !explicit && (!rules.taxonomy.find_titles(&name).is_empty() || !name_shaped(&name, cr)) {
            continue;
        }
        // a bare og:title beside a different <title> (the only og:title that is the company)
        let bare_og = src == SOURCE_OG_TITLE && posting.company.as_deref() == Some(raw);
        let refined = refine(&name, text, cr);
        let confirmed = site_part && (text.writes(&name) || text.writes(&refined));
        if explicit || marked || bare_og || section_part(src) || confirmed {
            return Some(Company { name: refined, evidence: src.to_string() });
        }
    }
    None
}

fn is_head_source(s: &str) -> bool {
    [SOURCE_OG_SITE_NAME, SOURCE_APPLICATION_NAME, SOURCE_HTML_TITLE, SOURCE_OG_TITLE].contains(&s)
}

/// A site name cleaned: the parenthesis dropped ("Future Friendly (Formerly …)"), a site
/// pattern applied ("Jobs at Acme" → "Acme"), section words stripped from both ends ("Acme
/// Careers" → "Acme"). `true` when a pattern or a section word marked it as the site.
fn site_name(raw: &str, cr: &CompanyRules) -> Option<(String, bool)> {
    let mut s = raw.split(['(', '[']).next().unwrap_or("").trim().to_string();
    let mut marked = false;
    for re in &cr.site_patterns {
        if let Some(m) = re.captures(&s).and_then(|c| c.name("name")) {
            s = m.as_str().to_string();
            marked = true;
            break;
        }
    }
    loop {
        let lower = s.to_lowercase();
        let before = s.len();
        // the section words are cut by byte offsets found in the lower-cased copy
        if lower.len() != s.len() {
            break;
        }
        for w in &cr.section_words {
            if lower.len() > w.len() && lower.ends_with(w.as_str()) && !word_char_before(&lower, lower.len() - w.len())
            {
                s.truncate(s.len() - w.len());
            } else if lower.len() > w.len() && lower.starts_with(w.as_str()) && !word_char_at(&lower, w.len()) {
                s.drain(..w.len());
            } else {
                continue;
            }
            s = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | ':' | '|' | ',' | '·')).to_string();
            marked = true;
            break;
        }
        if s.len() == before || s.is_empty() {
            break;
        }
    }
    clean_name(&s, cr).map(|n| (n, marked))
}

fn word_char_before(s: &str, i: usize) -> bool {
    s[..i].chars().next_back().is_some_and(char::is_alphanumeric)
}

fn word_char_at(s: &str, i: usize) -> bool {
    s[i..].chars().next().is_some_and(char::is_alphanumeric)
}

/// One to six words, the first capitalised (or a digit), none a stop name alone.
fn name_shaped(name: &str, cr: &CompanyRules) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && words[0].chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && !(words.len() == 1 && is_stop(words[0], cr))
}

/// The name as the text uses it: a shorter form when the text uses it alone more often than
/// the whole ("Melio Consulting" written "Melio" → "Melio"), then its legal form when the
/// document writes one after it ("Renuo" and "© Renuo AG" → "Renuo AG").
fn refine(name: &str, text: &Text, cr: &CompanyRules) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut best = name.to_string();
    if words.len() > 1 && !cr.legal_forms.iter().any(|l| l == words[words.len() - 1]) {
        let (full, _) = text.count(name, None);
        for k in (1..words.len()).rev() {
            let prefix = words[..k].join(" ");
            if is_stop(&prefix, cr) {
                continue;
            }
            let (_, alone) = text.count(&prefix, Some(words[k]));
            if alone > full.max(1) {
                best = prefix;
                break;
            }
        }
    }
    with_legal_form(&best, text, cr)
}

/// "Renuo" → "Renuo AG" when the document (dropped blocks too) writes "Renuo AG".
fn with_legal_form(name: &str, text: &Text, cr: &CompanyRules) -> String {
    if cr.legal_forms.iter().any(|l| name.ends_with(&format!(" {l}"))) {
        return name.to_string();
    }
    let mut forms: Vec<&String> = cr.legal_forms.iter().collect();
    forms.sort_by_key(|l| std::cmp::Reverse(l.len()));
    for b in &text.all {
        for (i, _) in b.match_indices(name) {
            if !word_edge(b, i, i + name.len()) {
                continue;
            }
            let rest = &b[i + name.len()..];
            let Some(rest) = rest.strip_prefix(' ') else { continue };
            for l in &forms {
                if rest.starts_with(l.as_str()) && word_edge(rest, 0, l.len()) {
                    return format!("{name} {l}");
                }
            }
        }
    }
    name.to_string()
}

// ---------------------------------------------------------------------------------------
// Addresses in the text
// ---------------------------------------------------------------------------------------

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[a-z0-9._%+-]+@(?P<mail>[a-z0-9-]+(?:\.[a-z0-9-]+)+)|(?:https?://|\bwww\.)(?P<url>[a-z0-9-]+(?:\.[a-z0-9-]+)+))")
        .expect("valid regex")
});

/// An e-mail address (else a URL) in the text whose domain the text also writes as a name
/// with its own capitals: "jobs@acme.com" and "ACME" → "ACME"; "jobs@newscatalyst.org" and
/// "News Catalyst" → "News Catalyst". The most frequent domain wins.
fn from_addresses(text: &Text, cr: &CompanyRules) -> Option<Company> {
    let mut seen: Vec<(String, &str, usize)> = Vec::new();
    for b in &text.blocks {
        for c in ADDRESS.captures_iter(b) {
            let (host, kind) = match (c.name("mail"), c.name("url")) {
                (Some(m), _) => (m.as_str(), "email-domain"),
                (_, Some(u)) => (u.as_str(), "url-domain"),
                _ => continue,
            };
            let Some(label) = domain_label(&format!("x@{host}")) else { continue };
            if cr.generic_domains.contains(&label) {
                continue;
            }
            match seen.iter_mut().find(|(l, k, _)| *l == label && *k == kind) {
                Some(e) => e.2 += 1,
                None => seen.push((label, kind, 1)),
            }
        }
    }
    // e-mail addresses first, then the most frequent
    seen.sort_by_key(|(_, k, n)| (*k != "email-domain", std::cmp::Reverse(*n)));
    for (label, kind, _) in seen {
        if let Some(name) = written_as_name(text, &label, cr) {
            return Some(Company { name: with_legal_form(&name, text, cr), evidence: kind.to_string() });
        }
    }
    None
}

/// The text's own spelling of a domain label, one to three capitalised words whose letters
/// are the label's: "newscatalyst" → "News Catalyst", "go-jek" → "GO-JEK".
fn written_as_name(text: &Text, label: &str, cr: &CompanyRules) -> Option<String> {
    let key: String = label.chars().filter(|c| c.is_alphanumeric()).collect();
    for b in &text.blocks {
        let words: Vec<&str> = b.split_whitespace().collect();
        for i in 0..words.len() {
            for n in 1..=3.min(words.len() - i) {
                let cand = words[i..i + n].join(" ");
                let cand = cand.trim_matches(|c: char| !c.is_alphanumeric());
                let cand = cand.strip_suffix("’s").or_else(|| cand.strip_suffix("'s")).unwrap_or(cand);
                let squashed: String =
                    cand.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
                if squashed != key {
                    if squashed.len() > key.len() {
                        break;
                    }
                    continue;
                }
                let capitalised = cand.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase));
                if capitalised && !is_stop(cand, cr) && !is_generic(cand, cr) && cand.contains(char::is_alphabetic) {
                    return Some(cand.to_string());
                }
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Text rules
// ---------------------------------------------------------------------------------------

/// The `[[text]]` rules of `company.toml`, in file order; a rule's first match in document
/// order that leaves a name wins.
fn from_text_rules(text: &Text, rules: &Rules) -> Option<Company> {
    let cr = &rules.company;
    for r in &cr.text {
        for b in &text.blocks {
            if r.whole_block && b.split_whitespace().count() > 8 {
                continue;
            }
            if let Some(name) = text_rule_name(r, b, cr) {
                let name = if name.chars().any(char::is_lowercase) { name } else { restore_case_in(text, &name) };
                return Some(Company { name: with_legal_form(&name, text, cr), evidence: format!("text:{}", r.id) });
            }
        }
    }
    None
}

/// The name a `[[text]]` rule finds in one text, if any (also used by the rule examples).
pub fn text_rule_name(r: &crate::rules::CompanyText, text: &str, cr: &CompanyRules) -> Option<String> {
    for re in &r.patterns {
        for c in re.captures_iter(text) {
            let (Some(m), Some(all)) = (c.name("name"), c.get(0)) else { continue };
            // the cue words sit before the name ("Join Acme") or after it ("Acme is hiring")
            let cue_before = m.start() > all.start();
            if let Some(n) = cut_stop_words(m.as_str(), cue_before, cr).and_then(|n| clean_name(&n, cr)) {
                if !is_common_word(&n, text) {
                    return Some(n);
                }
            }
        }
    }
    None
}

/// The run of non-stop words next to the cue: "Acme Product Team" after "Join" → "Acme";
/// "Today Acme" before "is hiring" → "Acme". `None` when the word next to the cue is a stop
/// name ("Join Our Team").
fn cut_stop_words(name: &str, cue_before: bool, cr: &CompanyRules) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let stop = |w: &str| is_stop(w.trim_matches(|c: char| !c.is_alphanumeric()), cr);
    let run: Vec<&str> = if cue_before {
        words.iter().take_while(|w| !stop(w)).copied().collect()
    } else {
        let mut r: Vec<&str> = words.iter().rev().take_while(|w| !stop(w)).copied().collect();
        r.reverse();
        r
    };
    let mut n = run.join(" ");
    if let Some((a, _)) = n.split_once(['’', '\'']).filter(|(_, b)| *b == "s" || b.starts_with("s ")) {
        n = a.to_string();
    }
    (!run.is_empty()).then_some(n)
}

/// A capitalised common word: the text writes it in lower case as well ("Work", "Science").
fn is_common_word(name: &str, text: &str) -> bool {
    !name.contains(' ') && name.chars().any(char::is_lowercase) && {
        let lower = name.to_lowercase();
        text.match_indices(&lower).any(|(i, _)| word_edge(text, i, i + lower.len()))
    }
}

fn is_stop(w: &str, cr: &CompanyRules) -> bool {
    cr.stop_names.contains(w)
        || (w.chars().all(|c| !c.is_lowercase()) && cr.stop_names.contains(&capitalize(&w.to_lowercase())))
}

// ---------------------------------------------------------------------------------------
// Mentions
// ---------------------------------------------------------------------------------------

/// "mailto:a@mail.reloadly.com" → "reloadly"; "https://www.acme.co.uk/x" → "acme".
fn domain_label(v: &str) -> Option<String> {
    let v = v.trim().to_lowercase();
    let host = if let Some((_, d)) = v.rsplit_once('@') {
        d.to_string()
    } else {
        let rest = v.split_once("://").map(|(_, r)| r)?;
        rest.split(['/', '?', '#', ':']).next()?.to_string()
    };
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() < 2 {
        return None;
    }
    let mut i = labels.len() - 2;
    // second-level public suffixes: co.uk, com.au, …
    if i > 0 && matches!(labels[i], "co" | "com" | "org" | "net" | "ac" | "gov" | "edu") && labels[i + 1].len() == 2 {
        i -= 1;
    }
    let l = labels[i];
    (l.len() >= 2 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')).then(|| l.to_string())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The text's own spelling of a name ("reloadly" → "Reloadly").
fn spelled_in_text(doc: &CleanDoc, label: &str) -> Option<String> {
    for b in &doc.blocks {
        for w in b.text.split(|c: char| !c.is_alphanumeric() && c != '-') {
            if w.eq_ignore_ascii_case(label) && w.chars().next().is_some_and(char::is_uppercase) {
                return Some(w.to_string());
            }
        }
    }
    None
}

fn is_name(w: &str, rules: &Rules) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(|c| c.is_uppercase())
        && w.chars().count() >= 3
        && w.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '&')
        && !is_stop(w, &rules.company)
}

/// A name after "at" in a heading, else the most frequent capitalised name that the text
/// also uses as an organisation ("at NAME", "join NAME", "NAME is/has/uses"), does not write
/// in lower case more often, and mostly writes on its own (not "Data Science").
fn from_text(doc: &CleanDoc, text: &Text, rules: &Rules) -> Option<Company> {
    for b in doc.blocks.iter().filter(|b| b.is_heading()).take(5) {
        let words: Vec<&str> = b.text.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if !w.eq_ignore_ascii_case("at") {
                continue;
            }
            // the name runs over the capitalised words after "at": "PM at News Catalyst"
            let mut parts: Vec<String> = Vec::new();
            for raw in words.iter().skip(i + 1).take(4) {
                let name = raw.trim_matches(|c: char| !c.is_alphanumeric());
                let name =
                    if name.chars().all(|c| !c.is_lowercase()) { restore_case(doc, name) } else { name.to_string() };
                // a legal form may follow the name ("at Renuo AG")
                let legal = !parts.is_empty() && legal_form(&name, &rules.company);
                if !is_name(&name, rules) && !legal {
                    break;
                }
                parts.push(name);
                // punctuation after a word ends the name ("at Acme, Berlin")
                if raw.ends_with(|c: char| !c.is_alphanumeric()) {
                    break;
                }
            }
            let name = parts.join(" ");
            if !name.is_empty() && !is_generic(&name, &rules.company) {
                return Some(Company {
                    name: with_legal_form(&name, text, &rules.company),
                    evidence: "text:heading".into(),
                });
            }
        }
    }
    let mut count: HashMap<&str, usize> = HashMap::new();
    let mut lower: HashMap<String, usize> = HashMap::new();
    let mut org_use: HashMap<&str, usize> = HashMap::new();
    let mut after_cap: HashMap<&str, usize> = HashMap::new();
    for b in doc.blocks.iter().filter(|b| !matches!(b.kind, BlockKind::Quote)).take(MAX_SCANNED_BLOCKS) {
        let words: Vec<&str> = b.text.split_whitespace().collect();
        for (i, raw) in words.iter().enumerate() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            let base = w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")).unwrap_or(w);
            if base.chars().next().is_some_and(char::is_lowercase) {
                *lower.entry(base.to_string()).or_default() += 1;
            }
            if !is_name(base, rules) || base.chars().all(|c| !c.is_lowercase()) {
                continue;
            }
            *count.entry(base).or_default() += 1;
            // "Data Science": the word is the end of a longer capitalised term
            let prev_raw = if i > 0 { words[i - 1] } else { "" };
            if prev_raw.chars().next().is_some_and(char::is_uppercase) && !prev_raw.ends_with(['.', ':', '!', '?']) {
                *after_cap.entry(base).or_default() += 1;
            }
            let prev = prev_raw.to_lowercase();
            let next = words.get(i + 1).map(|w| w.to_lowercase()).unwrap_or_default();
            // a possessive is no cue: people's names take it too ("Larson's book")
            if rules.company.org_use_before.contains(&prev) || rules.company.org_use_after.contains(&next) {
                *org_use.entry(base).or_default() += 1;
            }
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for (name, n) in count {
        if n >= rules.company.min_mentions
            && org_use.contains_key(name)
            && lower.get(&name.to_lowercase()).copied().unwrap_or(0) < n
            && after_cap.get(name).copied().unwrap_or(0) * 2 <= n
            && !is_generic(name, &rules.company)
            && best.is_none_or(|(b, bn)| n > bn || (n == bn && name < b))
        {
            best = Some((name, n));
        }
    }
    best.map(|(name, _)| Company {
        name: with_legal_form(name, text, &rules.company),
        evidence: "text:mentions".into(),
    })
}

/// "INFOBIP" in a capitalised heading → "Infobip" as the body writes it.
fn restore_case(doc: &CleanDoc, upper: &str) -> String {
    spelled_in_text(doc, upper).filter(|s| s.chars().any(char::is_lowercase)).unwrap_or_else(|| upper.to_string())
}

/// "ACME" found in a heading → "Acme" when the text writes it so.
fn restore_case_in(text: &Text, upper: &str) -> String {
    for b in &text.blocks {
        for (i, _) in b.to_lowercase().match_indices(&upper.to_lowercase()) {
            if let Some(w) = b.get(i..i + upper.len()) {
                if word_edge(b, i, i + upper.len()) && w.chars().any(char::is_lowercase) {
                    return w.to_string();
                }
            }
        }
    }
    upper.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_labels() {
        assert_eq!(domain_label("mailto:tnadda@reloadly.com").as_deref(), Some("reloadly"));
        assert_eq!(domain_label("https://www.acme.co.uk/jobs").as_deref(), Some("acme"));
        assert_eq!(domain_label("https://ca.slack-edge.com/x").as_deref(), Some("slack-edge"));
        assert_eq!(domain_label("not a url"), None);
    }
}
