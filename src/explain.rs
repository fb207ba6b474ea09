//! Why the pipeline did what it did with one document, block by block: kept or dropped
//! (and by which rule), which roles were found and by which rules, which blocks became
//! responsibilities, and why the others did not.

use crate::clean::text;
use crate::model::{Company, DocResult, Dropped, RespRecord, RoleRecord};
use crate::rules::Rules;
use crate::{clean, extract, ingest, normalize};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What happened to one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockNote {
    pub line: usize,
    /// `heading-1`, `paragraph`, `list-item`, `table-row`, `quote`, or `dropped`.
    pub kind: String,
    pub text: String,
    pub kept: bool,
    pub notes: Vec<String>,
}

/// The explanation of one document.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub doc: String,
    pub format: String,
    pub encoding: String,
    pub repairs: Vec<String>,
    /// What the per-document limits cut.
    pub truncated: Vec<String>,
    pub front_matter: BTreeMap<String, String>,
    pub company: Option<Company>,
    pub blocks: Vec<BlockNote>,
    pub roles: Vec<RoleRecord>,
    pub responsibilities: Vec<RespRecord>,
}

fn kind_name(k: &crate::model::BlockKind) -> String {
    use crate::model::BlockKind::*;
    match k {
        Heading { level } => format!("heading-{level}"),
        Paragraph => "paragraph".into(),
        Quote => "quote".into(),
        ListItem { ordered: true, .. } => "numbered-item".into(),
        ListItem { .. } => "list-item".into(),
        TableRow { header: true } => "table-header".into(),
        TableRow { .. } => "table-row".into(),
    }
}

/// Run the pipeline on one document's bytes and explain it.
pub fn explain(id: &str, bytes: &[u8], rules: &Rules) -> Explanation {
    let raw = ingest::decode_doc(id, bytes, &BTreeMap::new());
    let meta = raw.meta.clone();
    let cleaned = clean::clean(raw, rules);
    let ex = extract::extract(cleaned, rules);
    let found = ex.roles.clone();
    let blocks = ex.doc.blocks.clone();
    let dropped: Vec<Dropped> = ex.doc.dropped.clone();
    let company = ex.company.clone();
    let truncated = ex.doc.meta.truncated.clone();
    let DocResult { roles, responsibilities, .. } = normalize::normalize(ex, rules);

    let taken: HashSet<(usize, String)> = responsibilities.iter().map(|r| (r.line, text::key(&r.text))).collect();
    let mut notes: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for r in &roles {
        notes.entry(r.line).or_default().push(format!(
            "defines role {}/{} \"{}\" (found by {}; title rule {}; seniority {}{})",
            r.role_id,
            r.seniority,
            r.title,
            r.found_by,
            if r.title_rule.is_empty() { "none" } else { &r.title_rule },
            if r.seniority_rules.is_empty() { "default".to_string() } else { r.seniority_rules.join(", ") },
            if r.seniority_cues.is_empty() {
                String::new()
            } else {
                format!(", cues: {}", r.seniority_cues.join("; "))
            }
        ));
    }
    for r in &responsibilities {
        notes.entry(r.line).or_default().push(format!(
            "responsibility of {}/{} by {}: \"{}\" -> {}",
            r.role_id,
            r.seniority,
            r.rule,
            r.text,
            if r.categories.is_empty() { "no category (unmapped)".to_string() } else { r.categories.join(", ") }
        ));
    }
    for fr in &found {
        for it in &fr.items {
            if !taken.contains(&(it.line, text::key(extract::strip_numbering(&it.text)))) {
                notes
                    .entry(it.line)
                    .or_default()
                    .push(format!("repeats a responsibility already taken: \"{}\"", it.text));
            }
        }
        for (line, t, why) in &fr.skipped {
            notes.entry(*line).or_default().push(format!("not a responsibility ({why}): \"{}\"", clip(t)));
        }
    }
    // prose in a role's section that states no duty is still read for seniority cues
    let context: HashMap<&str, &str> =
        found.iter().flat_map(|fr| fr.context.iter().map(move |c| (c.as_str(), fr.title.as_str()))).collect();
    let mut per_line: HashMap<usize, usize> = HashMap::new();
    for b in &blocks {
        *per_line.entry(b.line).or_default() += 1;
    }
    let mut out: Vec<BlockNote> = Vec::new();
    for b in &blocks {
        let mut n = notes.get(&b.line).cloned().unwrap_or_default();
        if per_line[&b.line] > 1 {
            // several blocks on one source line (a one-line HTML page): keep the notes that
            // quote this block's text, or name the role it defines
            let key = text::key(&b.text);
            n.retain(|note| {
                let quotes_this = note.split('"').skip(1).step_by(2).any(|q| {
                    let q = text::key(q);
                    q.len() > 3 && (key.contains(&q) || q.contains(&key))
                });
                quotes_this
                    || (note.starts_with("defines") && !matches!(b.kind, crate::model::BlockKind::ListItem { .. }))
            });
        }
        if n.is_empty() {
            n.push(if b.is_heading() {
                "section heading, no role".into()
            } else if let Some(title) = context.get(b.text.as_str()) {
                format!("prose in the section of \"{title}\": read for seniority cues, states no duty")
            } else {
                "not under a role, no role as its subject".into()
            });
        }
        out.push(BlockNote { line: b.line, kind: kind_name(&b.kind), text: b.text.clone(), kept: true, notes: n });
    }
    for d in &dropped {
        out.push(BlockNote {
            line: d.line,
            kind: "dropped".into(),
            text: d.text.clone(),
            kept: false,
            notes: vec![format!("dropped by {}", d.rule)],
        });
    }
    out.sort_by_key(|b| (b.line, !b.kept));
    Explanation {
        doc: id.to_string(),
        format: meta.format.map(|f| f.as_str().to_string()).unwrap_or_default(),
        encoding: meta.encoding,
        repairs: meta.repairs,
        truncated,
        front_matter: meta.front_matter,
        company,
        blocks: out,
        roles,
        responsibilities,
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 100 {
        format!("{}…", s.chars().take(99).collect::<String>())
    } else {
        s.to_string()
    }
}
