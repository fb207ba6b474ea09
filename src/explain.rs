//! Why the pipeline did what it did with one document, block by block: kept or dropped
//! (and by which rule), the section tree with each section's kind, the document's shape,
//! which roles were found and by which rules, which blocks became responsibilities, and
//! why the others did not. It runs the same flow as `run` (`pipeline::analyse`).

use crate::extract::sections::Tree;
use crate::model::{Company, DocResult, Dropped, RespRecord, RoleRecord};
use crate::pipeline::{self, Timings};
use crate::rules::Rules;
use crate::{ingest, normalize};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What happened to one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockNote {
    pub line: usize,
    /// `heading-1`, `paragraph`, `list-item`, `table-row`, `quote`, or `dropped`.
    pub kind: String,
    pub text: String,
    pub kept: bool,
    /// Section path the block stands in.
    pub section: String,
    pub notes: Vec<String>,
}

/// One section of the document's tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionNote {
    pub line: usize,
    pub depth: usize,
    pub label: String,
    /// `duties`, `requirements`, `nice-to-have`, `benefits`, `company`, `process`, `legal`,
    /// `other`, or empty (no kind: what stands in it is read by its content).
    pub kind: String,
    /// `section:<kind>` when its own label set the kind, `inherited` when its parent's did.
    pub rule: String,
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
    /// ISO 639-3 code of the detected language; the rules it was read with follow from it.
    pub language: Option<String>,
    /// Set when the language has no rule pack (what it was read with instead).
    pub language_note: Option<String>,
    pub company: Option<Company>,
    /// `posting`, `several-roles`, `ladder`, `text`, or the reason it was not processed.
    pub shape: String,
    pub sections: Vec<SectionNote>,
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

fn section_notes(tree: &Tree) -> Vec<SectionNote> {
    let mut out = Vec::new();
    for (i, s) in tree.sections.iter().enumerate().skip(1) {
        let mut depth = 0;
        let mut at = s.parent;
        while let Some(p) = at {
            if p == 0 {
                break;
            }
            depth += 1;
            at = tree.sections[p].parent;
        }
        let _ = i;
        out.push(SectionNote {
            line: s.line,
            depth,
            label: s.label.clone(),
            kind: s.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
            rule: match (s.own, s.kind) {
                (Some(k), _) => format!("section:{}", k.as_str()),
                (None, Some(_)) => "inherited".into(),
                _ => String::new(),
            },
        });
    }
    out
}

/// Run the pipeline on one document's bytes and explain it.
pub fn explain(id: &str, bytes: &[u8], rules: &Rules) -> Explanation {
    explain_raw(ingest::decode_doc(id, bytes, &BTreeMap::new()), rules)
}

/// Run the pipeline on one decoded document (a file's, or a record's of a dump) and explain it.
pub fn explain_raw(raw: crate::model::RawDoc, rules: &Rules) -> Explanation {
    let id = raw.meta.id.clone();
    let id = id.as_str();
    let meta = raw.meta.clone();
    let limits = crate::model::Limits::default();
    let a = pipeline::analyse(raw, rules, &limits, &Timings::default());
    let language_note = a.language.as_deref().and_then(|l| pipeline::language_note(l, rules));
    let language = a.language.clone();
    let ex = &a.extraction;
    let found = ex.roles.clone();
    let blocks = ex.doc.blocks.clone();
    let dropped: Vec<Dropped> = ex.doc.dropped.clone();
    let company = ex.company.clone();
    let truncated = ex.doc.meta.truncated.clone();
    let tree = ex.tree.clone();
    let shape = ex.shape.clone();
    // the rows are those `run` writes: the same end of the flow
    let DocResult { roles, responsibilities, .. } = pipeline::finish(a, rules, &Timings::default());
    let rules = rules.for_language(language.as_deref());
    let tax = &rules.taxonomy;

    let taken: HashMap<(usize, String), &[String]> = responsibilities
        .iter()
        .map(|r| ((r.line, crate::clean::text::key(&r.text)), r.categories.as_slice()))
        .collect();
    let mut notes: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let role_name = |fr: &crate::model::FoundRole| match &fr.hit {
        Some(h) => {
            format!("{}/{}", tax.roles[h.role].id, tax.levels[h.level.as_ref().map_or(tax.default_level, |l| l.0)].id)
        }
        None => format!("{}/{} (key {})", normalize::UNMAPPED, tax.levels[tax.default_level].id, fr.key),
    };
    for fr in &found {
        let name = role_name(fr);
        let b = fr.block.unwrap_or(0);
        notes.entry(b).or_default().push(format!(
            "defines role {name} \"{}\" (found by {}; title from {}; title rule {}; seniority {}{})",
            fr.title,
            fr.rule,
            fr.source,
            fr.hit.as_ref().map_or("none", |h| h.rule.as_str()),
            fr.hit.as_ref().and_then(|h| h.level.as_ref()).map_or("default".to_string(), |l| l.2.clone()),
            fr.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
        ));
        for it in &fr.items {
            let key = crate::clean::text::key(crate::extract::strip_numbering(&it.text));
            let n = if let Some(cats) = taken.get(&(it.line, key)) {
                format!(
                    "responsibility of {name} by {}{}: \"{}\" -> {}",
                    it.rule,
                    it.group.as_ref().map(|g| format!(" (group \"{g}\")")).unwrap_or_default(),
                    clip(&it.text),
                    if cats.is_empty() { "no category".to_string() } else { cats.join(", ") }
                )
            } else {
                format!("repeats a responsibility already taken: \"{}\"", clip(&it.text))
            };
            notes.entry(it.block).or_default().push(n);
        }
        for (block, t, why) in &fr.skipped {
            notes.entry(*block).or_default().push(format!("not a responsibility of {name} ({why}): \"{}\"", clip(t)));
        }
    }
    let mut out: Vec<BlockNote> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let s = tree.of_block.get(i).copied().unwrap_or(0);
        let mut n = notes.remove(&i).unwrap_or_default();
        if tree.sections.get(s).is_some_and(|x| x.heading == Some(i)) {
            let sec = &tree.sections[s];
            n.insert(
                0,
                match (sec.own, sec.kind) {
                    (Some(k), _) => format!("section, kind {} (by its label: section:{})", k.as_str(), k.as_str()),
                    (None, Some(k)) => format!("section, kind {} (inherited)", k.as_str()),
                    _ => "section, no kind (read by its content)".into(),
                },
            );
        }
        if n.is_empty() {
            n.push("not under a role, no role as its subject".into());
        }
        out.push(BlockNote {
            line: b.line,
            kind: kind_name(&b.kind),
            text: b.text.clone(),
            kept: true,
            section: tree.path(s),
            notes: n,
        });
    }
    for d in &dropped {
        out.push(BlockNote {
            line: d.line,
            kind: "dropped".into(),
            text: d.text.clone(),
            kept: false,
            section: String::new(),
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
        language,
        language_note,
        company,
        shape,
        sections: section_notes(&tree),
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
