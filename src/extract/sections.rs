//! The section tree of a document. Every heading (ATX or setext, HTML `h1`–`h6`, a bold-only
//! line, a short numbered line standing alone) opens a section nested under the nearest
//! shallower one; every block knows its section. A section's kind comes from its own label
//! (structure.toml `[sections]`) or, without one, from its parent.

use crate::clean::text;
use crate::model::{Block, BlockKind};
use crate::rules::Rules;
use serde::Serialize;

/// What a section holds, from its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Duties,
    Requirements,
    NiceToHave,
    /// Skills or competencies: requirements in a posting, expectations (duties) under a
    /// ladder rung or role heading ("Skills needed for this level").
    Skills,
    Benefits,
    Company,
    Process,
    Legal,
    /// Labelled, but none of the above ("Our values", "Location").
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Duties => "duties",
            Kind::Requirements => "requirements",
            Kind::NiceToHave => "nice-to-have",
            Kind::Skills => "skills",
            Kind::Benefits => "benefits",
            Kind::Company => "company",
            Kind::Process => "process",
            Kind::Legal => "legal",
            Kind::Other => "other",
        }
    }
}

/// One section: a heading and what stands under it until a heading as high or higher.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Index of its heading block; None for the document itself (section 0).
    pub heading: Option<usize>,
    /// Heading depth: 1–6 for headings, 7 for numbered sub-headings, 0 for the document.
    pub level: u8,
    pub parent: Option<usize>,
    pub label: String,
    pub line: usize,
    /// The kind its own label gives.
    pub own: Option<Kind>,
    /// The kind in force: its own, else its parent's.
    pub kind: Option<Kind>,
}

/// The sections of a document and the section of each block.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tree {
    pub sections: Vec<Section>,
    /// For every block, the section it stands in (a heading: the section it opens).
    pub of_block: Vec<usize>,
    /// For every section, how many blocks stand in it (its heading included).
    pub sizes: Vec<usize>,
    /// For every section, how many sections it holds directly.
    pub children: Vec<usize>,
    /// For every section, its first paragraph of its own.
    pub first_paragraph: Vec<Option<usize>>,
}

impl Tree {
    /// Labels from the top section down to `s`: "Responsibilities > Methodology".
    pub fn path(&self, s: usize) -> String {
        let mut parts = Vec::new();
        let mut at = Some(s);
        while let Some(i) = at {
            if self.sections[i].heading.is_some() {
                parts.push(self.sections[i].label.as_str());
            }
            at = self.sections[i].parent;
        }
        parts.reverse();
        parts.join(" > ")
    }

    /// Is section `s` the section `anc` or inside it?
    pub fn within(&self, s: usize, anc: usize) -> bool {
        let mut at = Some(s);
        while let Some(i) = at {
            if i == anc {
                return true;
            }
            at = self.sections[i].parent;
        }
        false
    }

    /// Does section `s` hold no block of its own (the next block opens another section)?
    pub fn is_empty(&self, s: usize) -> bool {
        self.sizes.get(s).copied().unwrap_or(0) <= 1
    }
}

/// "1. Product Strategy:" → "Product Strategy"; "- item" stays.
pub fn strip_numbering(s: &str) -> &str {
    let t = s.trim();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    let t =
        if digits > 0 && digits <= 3 && t[digits..].starts_with(['.', ')']) { t[digits + 1..].trim_start() } else { t };
    t.trim_end_matches(':').trim_end()
}

/// The kind a section label names, if any (duty labels are tried first: "About the role"
/// is one).
pub fn classify(label: &str, rules: &Rules) -> Option<Kind> {
    let t = strip_numbering(label).trim_end_matches(['?', '!', '.']).trim();
    let t = t.trim_start_matches(|c: char| !c.is_alphabetic()).trim();
    if t.is_empty() || text::word_count(t) > 10 {
        return None;
    }
    let st = &rules.structure;
    if st.section_duty.is_match(t) {
        Some(Kind::Duties)
    } else if st.section_skills.is_match(t) {
        Some(Kind::Skills)
    } else if st.section_requirements.is_match(t) {
        Some(if st.section_nice_to_have.is_match(t) { Kind::NiceToHave } else { Kind::Requirements })
    } else if st.section_benefits.is_match(t) {
        Some(Kind::Benefits)
    } else if st.section_process.is_match(t) {
        Some(Kind::Process)
    } else if st.section_legal.is_match(t) {
        Some(Kind::Legal)
    } else if st.section_company.is_match(t) {
        Some(Kind::Company)
    } else if st.section_non_duty.is_match(t) {
        Some(Kind::Other)
    } else {
        None
    }
}

/// The kind a paragraph ending in ":" gives the list after it (structure.toml `[lists]`):
/// quoted material (values, examples: `Other`), requirements or duties. A question before
/// a list ("… you should become one, but how?") introduces answers: only the quoted-material
/// lead-ins apply to it.
pub fn lead_in_kind(t: &str, rules: &Rules) -> Option<Kind> {
    let st = &rules.structure;
    let t = t.trim_end();
    let question = t.ends_with('?');
    if !t.ends_with(':') && !question {
        return None;
    }
    let last = text::sentences(t, &st.abbreviations).into_iter().last().unwrap_or(t);
    if st.non_duty_lead_in.is_match(last) {
        Some(Kind::Other)
    } else if question {
        None
    } else if st.requirements_lead_in.is_match(last) {
        Some(Kind::Requirements)
    } else if st.duty_lead_in.is_match(last) {
        Some(Kind::Duties)
    } else {
        None
    }
}

/// The heading depth of block `i`, if it opens a section.
pub fn heading_level(blocks: &[Block], i: usize, rules: &Rules) -> Option<u8> {
    match blocks[i].kind {
        BlockKind::Heading { level } => Some(level.clamp(1, 6)),
        BlockKind::ListItem { ordered: true, depth: 0 } if is_numbered_subheading(blocks, i, rules) => Some(7),
        BlockKind::Paragraph if is_title_line(blocks, i, rules) || is_label_line(blocks, i, rules) => Some(7),
        _ => None,
    }
}

/// A line that is only a title, with prose after it ("*Senior Product Designer*" above its
/// text in a skills-by-level page): a label for that role.
fn is_title_line(blocks: &[Block], i: usize, rules: &Rules) -> bool {
    let t = blocks[i].text.trim();
    if text::word_count(t) > 8 || t.ends_with(['.', '!', '?', ':', ';', ',']) {
        return false;
    }
    if !matches!(blocks.get(i + 1).map(|b| b.kind), Some(BlockKind::Paragraph)) {
        return false;
    }
    let hits = rules.taxonomy.find_titles(t);
    if hits.len() != 1 || !t[hits[0].end..].trim_start_matches([')', ' ']).is_empty() {
        return false;
    }
    // specialisation words before the title: capitalised, at most three
    let before: Vec<&str> = t[..hits[0].start].split_whitespace().collect();
    before.len() <= 3 && before.iter().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
}

/// A plain line that is only a section label ("Verantwortlichkeiten", "Profil recherché :")
/// with something other than a heading after it: a page whose headings were flattened to
/// text by a scraper. It opens a section of its kind.
fn is_label_line(blocks: &[Block], i: usize, rules: &Rules) -> bool {
    let t = blocks[i].text.trim();
    if text::word_count(t) > 6 || t.ends_with(['.', '!', ';', ',']) {
        return false;
    }
    let next = blocks.get(i + 1).map(|b| b.kind);
    matches!(next, Some(BlockKind::Paragraph | BlockKind::ListItem { .. } | BlockKind::TableRow { .. }))
        && classify(t, rules).is_some()
}

/// An ordered item is a numbered sub-heading ("1. Product Strategy:") when it is short,
/// is not a sentence, and the blocks around it are not items of the same numbered list.
fn is_numbered_subheading(blocks: &[Block], i: usize, rules: &Rules) -> bool {
    let b = &blocks[i];
    let t = strip_numbering(&b.text);
    if text::word_count(t) > rules.structure.subheading_max_words || b.text.trim_end().ends_with(['.', '!', '?', ';']) {
        return false;
    }
    let numbered =
        |j: usize| matches!(blocks.get(j).map(|b| b.kind), Some(BlockKind::ListItem { ordered: true, depth: 0 }));
    !(numbered(i + 1) || i > 0 && numbered(i - 1)) && i + 1 < blocks.len()
}

/// Build the tree.
pub fn build(blocks: &[Block], rules: &Rules) -> Tree {
    let mut sections =
        vec![Section { heading: None, level: 0, parent: None, label: String::new(), line: 1, own: None, kind: None }];
    let mut of_block = Vec::with_capacity(blocks.len());
    let mut stack = vec![0usize];
    for (i, b) in blocks.iter().enumerate() {
        let Some(level) = heading_level(blocks, i, rules) else {
            of_block.push(*stack.last().unwrap_or(&0));
            continue;
        };
        while stack.len() > 1 && sections[*stack.last().unwrap()].level >= level {
            stack.pop();
        }
        let parent = *stack.last().unwrap_or(&0);
        let label = strip_numbering(&b.text).to_string();
        let own = classify(&label, rules);
        let kind = own.or(sections[parent].kind);
        sections.push(Section { heading: Some(i), level, parent: Some(parent), label, line: b.line, own, kind });
        let s = sections.len() - 1;
        stack.push(s);
        of_block.push(s);
    }
    let mut sizes = vec![0; sections.len()];
    let mut first_paragraph = vec![None; sections.len()];
    for (i, &s) in of_block.iter().enumerate() {
        sizes[s] += 1;
        if first_paragraph[s].is_none() && blocks[i].kind == BlockKind::Paragraph && sections[s].heading != Some(i) {
            first_paragraph[s] = Some(i);
        }
    }
    let mut children = vec![0; sections.len()];
    for x in &sections {
        if let Some(p) = x.parent {
            children[p] += 1;
        }
    }
    Tree { sections, of_block, sizes, children, first_paragraph }
}
