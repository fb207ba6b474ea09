//! Stage 3, extract: find the roles a document defines and what it says each does.
//!
//! Roles are defined by a heading whose words are a title plus filler ("Roles and
//! Responsibilities of a Product Manager"), by a table row (the role column, or a first
//! cell that is a known title), or by a sentence whose subject is a title ("The Product
//! Director will …"). Their duties are the list items, table cells, sub-headings and duty
//! sentences that stand under them; quotes, lists introduced as values or questions, and
//! non-duty sections (requirements, benefits) are not duties. Every choice names the rule
//! (see `structure.toml`) in the output; `FoundRole::skipped` keeps what was passed over.

pub mod company;
pub mod metadata;

use crate::clean::text;
use crate::model::{Block, BlockKind, CleanDoc, Extraction, FoundItem, FoundRole, TitleHit};
use crate::rules::Rules;

pub const RULE_HEADING: &str = "heading:role";
pub const RULE_TABLE: &str = "table:row";
pub const RULE_LIST: &str = "list:item";
pub const RULE_SUBHEADING: &str = "subheading";
pub const RULE_PROSE: &str = "prose:subject";

/// Extract one document.
pub fn extract(doc: CleanDoc, rules: &Rules) -> Extraction {
    let company = company::detect(&doc, rules);
    let mut x = Extractor { rules, roles: Vec::new(), ctx: None, non_duty_lead_in: false };
    x.walk(&doc.blocks);
    x.prose(&doc.blocks);
    Extraction { doc, company, roles: x.roles }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// nothing under the sub-heading yet
    Pending,
    /// a list follows: the sub-heading labels a group of duties
    Group,
    /// prose follows: the sub-heading is a duty and the prose its detail
    Itself,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Duty,
    /// Requirements or qualifications; `true` for nice-to-have.
    Requirements(bool),
    Other,
}

#[derive(Debug)]
struct Sub {
    text: String,
    line: usize,
    mode: Mode,
    section: Option<Section>,
    detail: Vec<String>,
}

#[derive(Debug)]
struct Ctx {
    role: usize,
    level: u8,
    sub: Option<Sub>,
}

struct Extractor<'r> {
    rules: &'r Rules,
    roles: Vec<FoundRole>,
    ctx: Option<Ctx>,
    non_duty_lead_in: bool,
}

/// "1. Product Strategy:" → "Product Strategy"; "- item" stays.
pub fn strip_numbering(s: &str) -> &str {
    let t = s.trim();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    let t =
        if digits > 0 && digits <= 3 && t[digits..].starts_with(['.', ')']) { t[digits + 1..].trim_start() } else { t };
    t.trim_end_matches(':').trim_end()
}

impl<'r> Extractor<'r> {
    fn section_of(&self, text: &str) -> Option<Section> {
        let t = strip_numbering(text);
        let st = &self.rules.structure;
        if text::word_count(t) > 8 {
            return None;
        }
        if st.section_duty.is_match(t) {
            Some(Section::Duty)
        } else if st.section_requirements.is_match(t) {
            Some(Section::Requirements(st.section_nice_to_have.is_match(t)))
        } else if st.section_non_duty.is_match(t) {
            Some(Section::Other)
        } else {
            None
        }
    }

    /// The title a heading (or title line) defines, if its other words are filler.
    fn role_heading(&self, text: &str) -> Option<TitleHit> {
        let st = &self.rules.structure;
        if text::word_count(text) > st.heading_max_words {
            return None;
        }
        let hits = self.rules.taxonomy.find_titles(text);
        let first = hits.first()?.clone();
        if hits.iter().any(|h| h.role != first.role) {
            return None;
        }
        let mut rest = String::new();
        let mut at = 0;
        for h in &hits {
            rest.push_str(&text[at..h.start]);
            rest.push(' ');
            at = h.end;
        }
        rest.push_str(&text[at..]);
        (rest.trim().is_empty() || st.heading_filler.is_match(rest.trim())).then_some(first)
    }

    fn new_role(&mut self, title: String, line: usize, hit: Option<TitleHit>, rule: &'static str) -> usize {
        self.roles.push(FoundRole {
            title,
            line,
            hit,
            rule,
            departments: Vec::new(),
            context: Vec::new(),
            items: Vec::new(),
            skipped: Vec::new(),
            requirements: Vec::new(),
        });
        self.roles.len() - 1
    }

    fn push_item(
        &mut self,
        role: usize,
        text: &str,
        line: usize,
        rule: &'static str,
        group: Option<String>,
        detail: Option<String>,
    ) {
        let r = &mut self.roles[role];
        r.context.push(text.to_string());
        r.items.push(FoundItem { text: text.to_string(), line, rule, group, detail });
    }

    fn skip(&mut self, line: usize, text: &str, why: &'static str) {
        if let Some(ctx) = &self.ctx {
            self.roles[ctx.role].skipped.push((line, text.to_string(), why));
        }
    }

    fn walk(&mut self, blocks: &[Block]) {
        let mut i = 0;
        while i < blocks.len() {
            let b = &blocks[i];
            match b.kind {
                BlockKind::Heading { level } => self.heading(b, level),
                BlockKind::TableRow { .. } => {
                    let end = blocks[i..]
                        .iter()
                        .position(|b| !matches!(b.kind, BlockKind::TableRow { .. }))
                        .map_or(blocks.len(), |p| i + p);
                    self.table(&blocks[i..end]);
                    i = end;
                    continue;
                }
                BlockKind::ListItem { ordered, depth } => {
                    if ordered && depth == 0 && self.is_numbered_subheading(blocks, i) {
                        self.subheading(b);
                    } else {
                        self.list_item(b);
                    }
                }
                BlockKind::Paragraph => self.paragraph(b),
                BlockKind::Quote => {
                    if let Some(ctx) = &self.ctx {
                        self.roles[ctx.role].context.push(b.text.clone());
                    }
                    self.skip(b.line, &b.text, "quoted text is not a duty");
                }
            }
            i += 1;
        }
        self.close_sub();
    }

    /// An ordered item is a numbered sub-heading ("1. Product Strategy:") when it is short,
    /// is not a sentence, and the blocks around it are not items of the same numbered list.
    fn is_numbered_subheading(&self, blocks: &[Block], i: usize) -> bool {
        let b = &blocks[i];
        let t = strip_numbering(&b.text);
        if text::word_count(t) > self.rules.structure.subheading_max_words
            || b.text.trim_end().ends_with(['.', '!', '?', ';'])
        {
            return false;
        }
        let numbered =
            |j: usize| matches!(blocks.get(j).map(|b| b.kind), Some(BlockKind::ListItem { ordered: true, depth: 0 }));
        let next_numbered = numbered(i + 1);
        let prev_numbered = i > 0 && numbered(i - 1);
        !next_numbered && !prev_numbered && i + 1 < blocks.len()
    }

    fn heading(&mut self, b: &Block, level: u8) {
        self.close_sub();
        self.non_duty_lead_in = false;
        if let Some(hit) = self.role_heading(&b.text) {
            let title = title_text(&b.text, &hit);
            let role = self.new_role(title, b.line, Some(hit), RULE_HEADING);
            self.ctx = Some(Ctx { role, level, sub: None });
            return;
        }
        let section = self.section_of(&b.text);
        let Some(ctx) = self.ctx.as_mut() else { return };
        if section.is_some()
            || (level > ctx.level && text::word_count(&b.text) <= self.rules.structure.subheading_max_words)
        {
            ctx.sub = Some(Sub {
                text: strip_numbering(&b.text).to_string(),
                line: b.line,
                mode: Mode::Pending,
                section,
                detail: vec![],
            });
        } else {
            self.ctx = None;
        }
    }

    fn subheading(&mut self, b: &Block) {
        self.close_sub();
        self.non_duty_lead_in = false;
        let section = self.section_of(&b.text);
        if let Some(ctx) = self.ctx.as_mut() {
            ctx.sub = Some(Sub {
                text: strip_numbering(&b.text).to_string(),
                line: b.line,
                mode: Mode::Pending,
                section,
                detail: vec![],
            });
        }
    }

    /// End the current sub-heading: one followed by prose (or by nothing) is itself a duty.
    fn close_sub(&mut self) {
        let Some(ctx) = self.ctx.as_mut() else { return };
        let Some(sub) = ctx.sub.take() else { return };
        let role = ctx.role;
        if sub.section.is_none() && matches!(sub.mode, Mode::Pending | Mode::Itself) {
            let detail = (!sub.detail.is_empty()).then(|| sub.detail.join(" "));
            self.push_item(role, &sub.text, sub.line, RULE_SUBHEADING, None, detail);
        }
    }

    fn list_item(&mut self, b: &Block) {
        let Some(ctx) = self.ctx.as_mut() else { return };
        let role = ctx.role;
        let mut group = None;
        let mut why = None;
        if let Some(sub) = ctx.sub.as_mut() {
            if sub.mode == Mode::Pending {
                sub.mode = Mode::Group;
            }
            match (sub.section, sub.mode) {
                (Some(Section::Requirements(nice)), _) => {
                    self.roles[role].requirements.push((b.line, strip_numbering(&b.text).to_string(), nice));
                    why = Some("a requirement (requirements.csv), not a duty");
                }
                (Some(Section::Other), _) => why = Some("in a section that is not duties"),
                (_, Mode::Itself) => {
                    sub.detail.push(b.text.clone());
                    why = Some("detail of a sub-heading taken as the duty");
                }
                (None, Mode::Group) => group = Some(sub.text.clone()),
                _ => {}
            }
        }
        if why.is_none() && self.non_duty_lead_in {
            why = Some("list introduced as values, questions or examples");
        }
        if why.is_none() && b.text.trim_end().ends_with('?') {
            why = Some("a question is not a duty");
        }
        match why {
            Some(why) => self.skip(b.line, &b.text, why),
            None => {
                let t = strip_numbering(&b.text).to_string();
                self.push_item(role, &t, b.line, RULE_LIST, group, None);
            }
        }
    }

    fn paragraph(&mut self, b: &Block) {
        self.non_duty_lead_in =
            b.text.trim_end().ends_with(':') && self.rules.structure.non_duty_lead_in.is_match(&b.text);
        let Some(ctx) = self.ctx.as_mut() else { return };
        self.roles[ctx.role].context.push(b.text.clone());
        match ctx.sub.as_mut() {
            Some(sub) if matches!(sub.section, Some(Section::Requirements(_))) => {
                let Some(Section::Requirements(nice)) = sub.section else { unreachable!() };
                // prose under a requirements label: each sentence that asks for something
                for s in text::sentences(&b.text) {
                    let s = s.trim();
                    if !s.is_empty() && !s.ends_with(':') {
                        self.roles[ctx.role].requirements.push((b.line, s.to_string(), nice));
                    }
                }
            }
            Some(sub) if sub.mode == Mode::Pending || sub.mode == Mode::Itself => {
                if sub.section.is_none() {
                    sub.mode = Mode::Itself;
                }
                sub.detail.push(b.text.clone());
            }
            _ => {}
        }
    }

    fn table(&mut self, rows: &[Block]) {
        let rules = self.rules;
        let st = &rules.structure;
        let first = &rows[0];
        let header_like = |cells: &[Vec<String>]| {
            cells.iter().any(|c| {
                let t = c.join(" ");
                st.table_role_columns.is_match(t.trim()) || st.table_duty_columns.is_match(t.trim())
            })
        };
        let has_header = matches!(first.kind, BlockKind::TableRow { header: true }) || header_like(&first.cells);
        let header: Vec<String> =
            if has_header { first.cells.iter().map(|c| c.join(" ").trim().to_string()).collect() } else { vec![] };
        let find = |set: &regex::RegexSet| {
            header.iter().enumerate().filter(|(_, h)| set.is_match(h)).map(|(i, _)| i).collect::<Vec<_>>()
        };
        let role_col = find(&st.table_role_columns).first().copied();
        let dept_cols = find(&st.table_department_columns);
        let mut duty_cols = find(&st.table_duty_columns);
        let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        if duty_cols.is_empty() {
            duty_cols = (0..width).filter(|c| Some(*c) != role_col.or(Some(0)) && !dept_cols.contains(c)).collect();
        }
        let body = if has_header { &rows[1..] } else { rows };
        let mut defined_roles = false;
        for row in body {
            let title = row.cells.get(role_col.unwrap_or(0)).map(|c| c.join(" ")).unwrap_or_default();
            let title = title.trim();
            if title.is_empty() {
                continue;
            }
            let hit = self.rules.taxonomy.find_titles(title).into_iter().next();
            if role_col.is_none() && hit.is_none() {
                // a table of duties under a role: every cell item is a duty
                if let Some(ctx) = &self.ctx {
                    let role = ctx.role;
                    for item in row.cells.iter().flatten() {
                        self.push_item(role, item, row.line, RULE_TABLE, None, None);
                    }
                }
                continue;
            }
            defined_roles = true;
            let role = self.new_role(title.to_string(), row.line, hit, RULE_TABLE);
            for c in &duty_cols {
                for item in row.cells.get(*c).into_iter().flatten() {
                    self.push_item(role, item, row.line, RULE_TABLE, None, None);
                }
            }
            for c in &dept_cols {
                for d in row.cells.get(*c).into_iter().flatten() {
                    let d = d.trim().to_lowercase();
                    if !d.is_empty() && !self.roles[role].departments.contains(&d) {
                        self.roles[role].departments.push(d);
                    }
                }
            }
        }
        if defined_roles {
            self.close_sub();
            self.ctx = None;
        }
    }

    /// Sentences whose subject is a title define that role; those whose predicate states a
    /// duty are responsibilities of it.
    fn prose(&mut self, blocks: &[Block]) {
        let rules = self.rules;
        let st = &rules.structure;
        for b in blocks.iter().filter(|b| b.kind == BlockKind::Paragraph) {
            for sent in text::sentences(&b.text) {
                for hit in rules.taxonomy.find_titles(sent) {
                    let before = &sent[..hit.start];
                    let clause = before.rsplit([',', ';', ':', '(', '–', '—']).next().unwrap_or(before);
                    if !st.prose_lead.is_match(clause.trim_start()) {
                        continue;
                    }
                    let after = sent[hit.end..].trim_start();
                    if !st.prose_verbs.is_match(after) {
                        continue;
                    }
                    let level = hit.level.as_ref().map(|l| l.0);
                    let existing = self.roles.iter().position(|r| {
                        r.hit.as_ref().is_some_and(|h| h.role == hit.role && h.level.as_ref().map(|l| l.0) == level)
                    });
                    let role = match existing {
                        Some(r) => r,
                        None => {
                            self.new_role(sent[hit.start..hit.end].to_string(), b.line, Some(hit.clone()), RULE_PROSE)
                        }
                    };
                    let duty = st.prose_duty.is_match(after) && !st.prose_non_duty.is_match(sent);
                    // a colon introduces the sentence: "Here is what they do: The PM owns …"
                    let sent = match before.rfind(':') {
                        Some(c) if before[c + 1..].rfind([',', ';', '(', '–', '—']).is_none() => {
                            sent[c + 1..].trim_start()
                        }
                        _ => sent,
                    };
                    if duty {
                        self.push_item(role, sent, b.line, RULE_PROSE, None, None);
                    } else {
                        self.roles[role].context.push(sent.to_string());
                    }
                    break;
                }
            }
        }
    }
}

/// The title as a heading writes it: the matched title and a following "(PM)".
fn title_text(text: &str, hit: &TitleHit) -> String {
    let mut end = hit.end;
    let rest = &text[end..];
    let trimmed = rest.trim_start();
    if trimmed.starts_with('(') {
        if let Some(close) = trimmed.find(')') {
            end += rest.len() - trimmed.len() + close + 1;
        }
    }
    text[hit.start..end].trim().to_string()
}

#[cfg(test)]
mod tests;
