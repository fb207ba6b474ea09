//! Which organisation a document belongs to, and the evidence for it.

use crate::model::{BlockKind, CleanDoc, Company};
use crate::rules::Rules;
use std::collections::HashMap;

/// Detect the company: sources.csv (or a dump record's company field), then front matter, then the domain of a front-matter
/// e-mail or URL, then the text (see `company.toml`).
pub fn detect(doc: &CleanDoc, rules: &Rules) -> Option<Company> {
    let cr = &rules.company;
    if let Some(name) = doc.meta.source.as_ref().and_then(|s| s.company.clone()) {
        // a dump record's id is `file#record`: its company came from the record's fields
        let evidence = if doc.meta.id.contains('#') { "record-field" } else { "sources.csv" };
        return Some(Company { name, evidence: evidence.into() });
    }
    for k in &cr.front_matter_keys {
        if let Some(v) = doc.meta.front_matter.get(k).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            return Some(Company { name: v.to_string(), evidence: format!("front-matter:{k}") });
        }
    }
    for k in &cr.contact_keys {
        let Some(v) = doc.meta.front_matter.get(k) else { continue };
        if let Some(label) = domain_label(v).filter(|l| !cr.generic_domains.contains(l)) {
            let name = spelled_in_text(doc, &label).unwrap_or_else(|| capitalize(&label));
            return Some(Company { name, evidence: format!("front-matter-domain:{k}") });
        }
    }
    from_text(doc, rules)
}

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
        && !rules.company.stop_names.contains(w)
        && !(w.chars().all(|c| !c.is_lowercase()) && rules.company.stop_names.contains(&capitalize(&w.to_lowercase())))
}

const MAX_SCANNED_BLOCKS: usize = 400;

/// A name after "at" in a heading, else the most frequent capitalised name that the text
/// also uses as an organisation ("at NAME", "NAME's", "NAME is/has/uses").
fn from_text(doc: &CleanDoc, rules: &Rules) -> Option<Company> {
    for b in doc.blocks.iter().filter(|b| b.is_heading()).take(5) {
        let words: Vec<&str> = b.text.split_whitespace().collect();
        for w in words.windows(2) {
            if w[0].eq_ignore_ascii_case("at") {
                let name = w[1].trim_matches(|c: char| !c.is_alphanumeric());
                let name =
                    if name.chars().all(|c| !c.is_lowercase()) { restore_case(doc, name) } else { name.to_string() };
                if is_name(&name, rules) {
                    return Some(Company { name, evidence: "text:heading".into() });
                }
            }
        }
    }
    let mut count: HashMap<&str, usize> = HashMap::new();
    let mut org_use: HashMap<&str, usize> = HashMap::new();
    // the organisation shows itself early; a bounded scan keeps long documents cheap
    for b in doc.blocks.iter().filter(|b| !matches!(b.kind, BlockKind::Quote)).take(MAX_SCANNED_BLOCKS) {
        let words: Vec<&str> = b.text.split_whitespace().collect();
        for (i, raw) in words.iter().enumerate() {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            let base = w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")).unwrap_or(w);
            if !is_name(base, rules) || base.chars().all(|c| !c.is_lowercase()) {
                continue;
            }
            *count.entry(base).or_default() += 1;
            let prev = if i > 0 { words[i - 1].to_lowercase() } else { String::new() };
            let next = words.get(i + 1).map(|w| w.to_lowercase()).unwrap_or_default();
            let possessive = raw.contains("’s") || raw.contains("'s");
            if matches!(prev.as_str(), "at" | "join" | "joining" | "@")
                || possessive
                || matches!(next.as_str(), "is" | "has" | "uses" | "decided" | "offers" | "builds")
            {
                *org_use.entry(base).or_default() += 1;
            }
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for (name, n) in count {
        if n >= rules.company.min_mentions
            && org_use.contains_key(name)
            && best.is_none_or(|(b, bn)| n > bn || (n == bn && name < b))
        {
            best = Some((name, n));
        }
    }
    best.map(|(name, _)| Company { name: name.to_string(), evidence: "text:mentions".into() })
}

/// "INFOBIP" in a capitalised heading → "Infobip" as the body writes it.
fn restore_case(doc: &CleanDoc, upper: &str) -> String {
    spelled_in_text(doc, upper).filter(|s| s.chars().any(char::is_lowercase)).unwrap_or_else(|| upper.to_string())
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
