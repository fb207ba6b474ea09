//! Stage 3, extract: find the roles a document defines and what it says each does.
//!
//! One flow per document:
//! 1. the section tree (`sections`): every block knows its section and the section's kind
//!    (duties, requirements, benefits, company, process, legal, other) from its label;
//! 2. anchors: headings that are titles ("## Senior Product Manager"), rungs of a ladder
//!    ("### Junior" in a document about one role), and the document's own title (a dump
//!    record's or JSON-LD title, front matter, the first `<h1>`), read by the title grammar;
//! 3. the shape: a *posting* (one role: every duty section of the document is its own), or a
//!    document defining *several roles* (each role heading owns the sections under it), or
//!    free *text* (roles from sentences whose subject is a title);
//! 4. items: list items, table cells and sentences in the role's sections, by the section's
//!    kind and the rules of structure.toml `[items]`; requirements go to requirements.csv.
//!
//! Every choice names its rule; `FoundRole::skipped` keeps what was passed over.

pub mod company;
pub mod metadata;
pub mod sections;

use crate::clean::text;
use crate::model::{Block, BlockKind, CleanDoc, Extraction, FoundItem, FoundRole, TitleHit};
use crate::rules::Rules;
use metadata::PostingMeta;
pub use sections::strip_numbering;
use sections::{Kind, Tree};

pub const RULE_HEADING: &str = "heading:role";
pub const RULE_LEVEL: &str = "heading:level";
pub const RULE_TITLE: &str = "title";
pub const RULE_TABLE: &str = "table:row";
pub const RULE_COLUMN: &str = "table:column";
pub const RULE_LIST: &str = "list:item";
pub const RULE_SUBHEADING: &str = "subheading";
pub const RULE_SENTENCE: &str = "prose:sentence";
pub const RULE_PROSE: &str = "prose:subject";

/// The shape of a document, written to `documents.csv`.
pub const SHAPE_POSTING: &str = "posting";
pub const SHAPE_ROLES: &str = "several-roles";
pub const SHAPE_LADDER: &str = "ladder";
pub const SHAPE_TEXT: &str = "text";

/// Fewest words of text under a heading for it to define a role.
const MIN_ROLE_WORDS: usize = 12;

/// Extract one document.
pub fn extract(doc: CleanDoc, posting: &PostingMeta, rules: &Rules) -> Extraction {
    let company = company::detect(&doc, posting, rules);
    let tree = sections::build(&doc.blocks, rules);
    let mut x = Extractor {
        rules,
        blocks: &doc.blocks,
        tree: &tree,
        roles: Vec::new(),
        anchor_of: Vec::new(),
        duty_heads: Vec::new(),
        labelled: false,
        posting_head: None,
        activities: Default::default(),
    };
    let shape = x.run(&doc, posting);
    let roles = x.roles;
    Extraction { doc, company, roles, shape: shape.to_string(), tree }
}

/// A role heading, a ladder rung or the document's title: where a role is defined.
#[derive(Debug, Clone)]
struct Anchor {
    /// The section the role owns (None: the whole document).
    section: Option<usize>,
    block: Option<usize>,
    title: String,
    line: usize,
    hit: Option<TitleHit>,
    rule: &'static str,
    source: String,
    key: String,
    note: Option<String>,
}

struct Extractor<'a> {
    rules: &'a Rules,
    blocks: &'a [Block],
    tree: &'a Tree,
    roles: Vec<FoundRole>,
    /// For each role of `roles` made from an anchor, the anchor's section.
    anchor_of: Vec<Option<usize>>,
    /// Role headings whose other words label duties ("6 Product Owner Responsibilities").
    duty_heads: Vec<usize>,
    /// Does any section label a kind?
    labelled: bool,
    /// Requirements-labelled sections whose content is a list of activities.
    activities: std::collections::HashSet<usize>,
    /// A posting's title heading: without any labelled section in the document, the list
    /// right under it is the role's ("# Product Manager" then a list).
    posting_head: Option<usize>,
}

/// How the items of a block are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A posting or role page: unlabelled sections give only what reads as a duty.
    Posting,
    /// Under a role heading or ladder rung: unlabelled content is the role's.
    Rung,
}

impl<'a> Extractor<'a> {
    fn run(&mut self, doc: &CleanDoc, posting: &PostingMeta) -> &'static str {
        let tax = &self.rules.taxonomy;
        self.find_activities();
        // words of text (not headings) under each section, its sub-sections included
        let mut words = vec![0usize; self.tree.sections.len()];
        for (i, b) in self.blocks.iter().enumerate() {
            if b.is_heading() || self.tree.sections[self.tree.of_block[i]].heading == Some(i) {
                continue;
            }
            let n = text::word_count(&b.text);
            let mut at = Some(self.tree.of_block[i]);
            while let Some(x) = at {
                words[x] += n;
                at = self.tree.sections[x].parent;
            }
        }
        // 1. role headings and bare rungs
        let mut heads: Vec<Anchor> = Vec::new();
        let mut rungs: Vec<(usize, usize, String)> = Vec::new(); // section, level, rule
        for (si, s) in self.tree.sections.iter().enumerate() {
            let Some(h) = s.heading else { continue };
            if s.own.is_some_and(|k| k != Kind::Duties) {
                continue;
            }
            let b = &self.blocks[h];
            let t = strip_numbering(&b.text);
            // a heading with (next to) nothing under it defines no role: a side menu of
            // tracks, a card in a list of other jobs ("System Engineer", its company, a place)
            if words[si] < MIN_ROLE_WORDS && !self.holds_a_duty(si) {
                continue;
            }
            if let Some(hit) = self.role_heading(t) {
                let rest = format!("{} {}", &t[..hit.start], &t[hit.end..]);
                let rest = rest.trim_matches(|c: char| !c.is_alphanumeric());
                if sections::classify(rest, self.rules) == Some(Kind::Duties) {
                    self.duty_heads.push(si);
                }
                heads.push(Anchor {
                    section: Some(si),
                    block: Some(h),
                    title: title_text(t, &hit),
                    line: b.line,
                    key: tax.title_key(&t[hit.start..hit.end]),
                    hit: Some(hit),
                    rule: RULE_HEADING,
                    source: "heading".into(),
                    note: None,
                });
            } else if let Some((li, rule)) = tax.bare_level(strip_numbering(&b.text)) {
                rungs.push((si, li, rule));
            }
        }
        // 2. the document's own title
        let primary = self.primary(doc, posting);

        // 3. the shape
        let distinct = {
            let mut k: Vec<(usize, Option<usize>)> =
                heads.iter().filter_map(|a| a.hit.as_ref().map(|h| (h.role, h.level.as_ref().map(|l| l.0)))).collect();
            k.sort_unstable();
            k.dedup();
            k.len()
        };
        // a ladder's title may name only the area: "Data Science Career Ladder" (the area
        // then titles its levels: "Data Science (Level 2)")
        let area = || {
            self.title_texts(doc, posting)
                .iter()
                .find_map(|t| tax.find_area(t).map(|h| (t[h.start..h.end].to_string(), h)))
        };
        let ladder_role =
            heads.first().and_then(|a| a.hit.clone()).or_else(|| primary.as_ref().and_then(|p| p.hit.clone()));
        let (ladder_role, area_title) = match ladder_role {
            Some(h) => (Some(h), None),
            None => area().map_or((None, None), |(t, h)| (Some(h), Some(t))),
        };
        let mut shape = SHAPE_TEXT;
        if rungs.len() >= 2 && distinct <= 1 {
            if let Some(hit) = ladder_role {
                // a ladder of one role: "### Junior", "### Senior", "### Level 3"
                shape = SHAPE_LADDER;
                let role_title = heads
                    .first()
                    .map(|a| a.title.clone())
                    .or_else(|| primary.as_ref().map(|p| p.title.clone()))
                    .or(area_title)
                    .unwrap_or_default();
                for (si, li, rule) in &rungs {
                    let h = self.tree.sections[*si].heading.unwrap_or(0);
                    let b = &self.blocks[h];
                    let mut hit = hit.clone();
                    hit.level = Some((*li, strip_numbering(&b.text).to_string(), rule.clone()));
                    heads.push(Anchor {
                        section: Some(*si),
                        block: Some(h),
                        title: format!("{} ({})", role_title, strip_numbering(&b.text)),
                        line: b.line,
                        key: tax.title_key(&role_title),
                        hit: Some(hit),
                        rule: RULE_LEVEL,
                        source: "heading".into(),
                        note: None,
                    });
                }
                // the role heading itself only introduces the rungs
                heads.retain(|a| a.rule == RULE_LEVEL);
                heads.sort_by_key(|a| a.block);
            }
        }
        // a dump record or a page with a JobPosting is one posting: other titles on it (a list
        // of similar jobs) define nothing
        let one_posting = doc.meta.record || posting.evidence.iter().any(|(f, e)| f == "title" && e == "json-ld");
        if shape == SHAPE_TEXT && distinct >= 2 && one_posting && primary.as_ref().is_some_and(|p| p.hit.is_some()) {
            let p = primary.clone().unwrap_or_else(|| heads[0].clone());
            let role = p.hit.as_ref().map(|h| h.role);
            heads = heads.into_iter().filter(|a| a.hit.as_ref().map(|h| h.role) == role).take(1).collect();
            if heads.is_empty() {
                heads.push(p);
            }
        }
        let distinct = if one_posting { distinct.min(heads.len()) } else { distinct };
        if shape == SHAPE_TEXT && distinct >= 2 {
            shape = SHAPE_ROLES;
        } else if shape == SHAPE_TEXT {
            let one = heads.first().cloned().or(primary.clone());
            if let Some(mut a) = one {
                shape = SHAPE_POSTING;
                if a.rule == RULE_HEADING {
                    // the role heading of a page about one role: the whole page is the role's
                    if let Some(p) = &primary {
                        if p.hit.as_ref().map(|h| h.role) == a.hit.as_ref().map(|h| h.role) {
                            a.source = p.source.clone();
                        }
                    }
                }
                self.posting_head = a.section;
                a.section = None;
                heads = vec![a];
            }
        }
        // 4. roles and items
        for a in &heads {
            self.new_role(a);
        }
        self.anchor_of = heads.iter().map(|a| a.section).collect();
        self.labelled = self.tree.sections.iter().any(|s| s.own.is_some_and(|k| k != Kind::Other));
        let mode = if shape == SHAPE_POSTING { Mode::Posting } else { Mode::Rung };
        self.items(mode);
        if shape != SHAPE_POSTING {
            self.prose();
        }
        if !self.roles.is_empty() && shape == SHAPE_TEXT {
            shape = SHAPE_ROLES;
        }
        shape
    }

    /// The document's title as a role: a record's or JSON-LD title, front matter, the first
    /// top heading; the first that names a role of the taxonomy, else the first that reads
    /// as a title (a role outside the taxonomy).
    fn primary(&self, doc: &CleanDoc, posting: &PostingMeta) -> Option<Anchor> {
        let tax = &self.rules.taxonomy;
        let mut cands: Vec<(String, String, usize, Option<usize>)> = Vec::new(); // text, source, line, block
        if let Some(t) = &posting.title {
            let src = posting.evidence.iter().find(|(f, _)| f == "title").map_or("posting", |(_, s)| s.as_str());
            cands.push((t.clone(), format!("title:{src}"), 1, None));
        }
        for k in ["title", "job_title", "jobtitle", "position", "role"] {
            if let Some(v) = doc.meta.front_matter.get(k) {
                cands.push((v.clone(), format!("front-matter:{k}"), 1, None));
            }
        }
        // a slug that carries the title: "/jobs/2063/ux-researcher" (used only if it names a role)
        let mut slugs = Vec::new();
        for k in ["permalink", "slug", "url", "path"] {
            if let Some(v) = doc.meta.front_matter.get(k) {
                let seg = v.trim_end_matches('/').rsplit('/').find(|x| x.chars().any(char::is_alphabetic));
                if let Some(seg) = seg {
                    slugs.push((seg.replace(['-', '_'], " "), format!("front-matter:{k}")));
                }
            }
        }
        let top = self.blocks.iter().take(40).filter_map(|b| match b.kind {
            BlockKind::Heading { level } => Some(level),
            _ => None,
        });
        if let Some(min) = top.min() {
            // the first top heading with something under it (not a side menu's entry)
            let holds = |i: usize| {
                let s = self.tree.of_block[i];
                !self.tree.is_empty(s) || self.tree.children[s] > 0
            };
            if let Some((i, b)) = self
                .blocks
                .iter()
                .enumerate()
                .take(40)
                .find(|(i, b)| b.kind == BlockKind::Heading { level: min } && holds(*i))
            {
                cands.push((b.text.clone(), format!("heading-{min}"), b.line, Some(i)));
            }
        }
        let mut first_plain: Option<Anchor> = None;
        let n_cands = cands.len();
        for (t, source, line, block) in cands {
            let t = t.trim();
            if t.is_empty() || text::word_count(t) > 16 || t.ends_with(['.', '?', '!']) {
                continue;
            }
            if sections::classify(t, self.rules).is_some() {
                continue;
            }
            let p = tax.parse_title(t);
            let note = p.several.then(|| "several roles in the title: the first was taken".to_string());
            let anchor = Anchor {
                section: None,
                block,
                title: t.to_string(),
                line,
                key: p.key.clone(),
                hit: p.hit.clone(),
                rule: RULE_TITLE,
                source,
                note,
            };
            if p.hit.is_some() {
                return Some(anchor);
            }
            if first_plain.is_none() && self.looks_like_job_title(t) {
                first_plain = Some(anchor);
            }
        }
        // a page titled by its subject ("Ownership", "Delivery") whose introduction names one
        // role: "… owned by the developer relations team"
        if n_cands > 0 && first_plain.as_ref().is_none_or(|a| text::word_count(&a.title) <= 2) {
            let mut found: Option<(TitleHit, usize, usize, String)> = None;
            for (i, b) in self.blocks.iter().enumerate().filter(|(_, b)| b.kind == BlockKind::Paragraph).take(3) {
                for h in tax.find_titles(&b.text) {
                    match &found {
                        Some((f, ..)) if f.role != h.role => return first_plain,
                        Some(_) => {}
                        None => found = Some((h.clone(), i, b.line, b.text[h.start..h.end].to_string())),
                    }
                }
            }
            if let Some((hit, block, line, title)) = found {
                return Some(Anchor {
                    section: None,
                    block: Some(block),
                    key: tax.title_key(&title),
                    title,
                    line,
                    hit: Some(hit),
                    rule: RULE_TITLE,
                    source: "text:introduction".into(),
                    note: None,
                });
            }
        }
        if first_plain.is_none() {
            for (t, source) in slugs {
                if let Some(hit) = tax.find_titles(&t).into_iter().next() {
                    return Some(Anchor {
                        section: None,
                        block: None,
                        key: tax.title_key(&t[hit.start..hit.end]),
                        title: t[hit.start..hit.end].to_string(),
                        line: 1,
                        hit: Some(hit),
                        rule: RULE_TITLE,
                        source,
                        note: None,
                    });
                }
            }
        }
        first_plain
    }

    /// Does a line under section `s` (its sub-sections included) read as a duty?
    fn holds_a_duty(&self, s: usize) -> bool {
        let from = self.tree.sections[s].heading.map_or(0, |h| h + 1);
        (from..self.blocks.len())
            .take_while(|&j| self.tree.within(self.tree.of_block[j], s))
            .any(|j| !self.blocks[j].is_heading() && self.is_duty_line(strip_numbering(&self.blocks[j].text)))
    }

    /// The texts that may name the document: its titles and its first headings.
    fn title_texts(&self, doc: &CleanDoc, posting: &PostingMeta) -> Vec<String> {
        let mut v: Vec<String> = posting.title.iter().cloned().collect();
        v.extend(doc.meta.front_matter.get("title").cloned());
        v.extend(self.blocks.iter().take(40).filter(|b| b.is_heading()).take(3).map(|b| b.text.clone()));
        v
    }

    /// A title outside the taxonomy: short, mostly capitalised words or a job word, no verb
    /// phrase, no word that names a document ("Practice Nurse", not "Career Ladder").
    fn looks_like_job_title(&self, t: &str) -> bool {
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.is_empty() || words.len() > 12 || self.rules.structure.heading_not_title.is_match(t) {
            return false;
        }
        let caps =
            words.iter().filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())).count();
        caps * 2 >= words.len() && !self.rules.structure.item_duty_verbs.is_match(&t.to_lowercase())
    }

    /// The title a heading defines, if its other words are filler, qualifiers or a few
    /// capitalised specialisation words before it ("Machine Learning Product Manager").
    fn role_heading(&self, text: &str) -> Option<TitleHit> {
        let st = &self.rules.structure;
        if text::word_count(text) > st.heading_max_words {
            return None;
        }
        let text = strip_numbering(text);
        let hits = self.rules.taxonomy.find_titles(text);
        let mut first = hits.first()?.clone();
        if hits.iter().any(|h| h.role != first.role) && !is_alternative(text, &hits) {
            return None;
        }
        let tax = &self.rules.taxonomy;
        let is_code = |w: &str| tax.code_level(w.trim_matches(|c: char| !c.is_alphanumeric())).is_some();
        // a level code among the words before the title: "IC 3 Technical Program Manager"
        if first.level.is_none() {
            let gap = &text[..first.start];
            let words: Vec<&str> = gap.split_whitespace().collect();
            let joined: Vec<String> = (0..words.len()).map(|i| words[i..(i + 2).min(words.len())].join("")).collect();
            if let Some(code) =
                joined.iter().chain(words.iter().map(|w| w.to_string()).collect::<Vec<_>>().iter()).find(|c| {
                    // a letter code ("IC3", "L5"): a bare number before a title counts things
                    c.chars().any(|ch| ch.is_ascii_digit()) && c.chars().any(|ch| ch.is_alphabetic()) && is_code(c)
                })
            {
                if let Some(li) = tax.code_level(code) {
                    first.level = Some((li, code.clone(), format!("seniority:{}:code", tax.levels[li].id)));
                }
            }
        }
        let mut rest = String::new();
        let mut at = 0;
        for h in &hits {
            let gap = &text[at..h.start];
            // specialisation words right before the first title: capitalised, at most three
            if at == 0 && !gap.trim().is_empty() {
                let w: Vec<&str> = gap.split_whitespace().collect();
                let spec = w.len() <= 4
                    && w.iter().all(|x| x.chars().next().is_some_and(|c| c.is_uppercase()) || is_code(x))
                    && !st.heading_filler.is_match(gap.trim());
                if !spec {
                    rest.push_str(gap);
                }
            } else {
                rest.push_str(gap);
            }
            rest.push(' ');
            at = h.end;
        }
        rest.push_str(&text[at..]);
        (rest.trim().is_empty() || st.heading_filler.is_match(rest.trim())).then_some(first)
    }

    fn new_role(&mut self, a: &Anchor) -> usize {
        self.roles.push(FoundRole {
            title: a.title.clone(),
            line: a.line,
            hit: a.hit.clone(),
            rule: a.rule,
            source: a.source.clone(),
            key: a.key.clone(),
            note: a.note.clone(),
            block: a.block,
            departments: Vec::new(),
            context: Vec::new(),
            items: Vec::new(),
            skipped: Vec::new(),
            requirements: Vec::new(),
        });
        self.roles.len() - 1
    }

    /// The kind in force in section `s`: its label's or its parent's, else duties under a
    /// role heading that labels duties ("Product Owner Responsibilities"). Content overrules
    /// a requirements label: a section whose items mostly open with duty verbs
    /// ("Setting up the project …", "Planning workshops …") is an activity list.
    fn kind_of(&self, s: usize) -> Option<Kind> {
        let k = self.tree.sections[s]
            .kind
            .or_else(|| self.duty_heads.iter().any(|&d| self.tree.within(s, d)).then_some(Kind::Duties));
        if matches!(k, Some(Kind::Requirements)) && self.activities.contains(&s) {
            return Some(Kind::Duties);
        }
        k
    }

    /// Sections (own blocks) of at least three items or sentences, two thirds of which open
    /// with a duty verb and ask for no years, degree or experience.
    fn find_activities(&mut self) {
        let st = &self.rules.structure;
        let mut counts: std::collections::HashMap<usize, (usize, usize)> = Default::default();
        for (i, b) in self.blocks.iter().enumerate() {
            if !matches!(b.kind, BlockKind::ListItem { .. } | BlockKind::Paragraph) || b.text.trim_end().ends_with(':')
            {
                continue;
            }
            let s = self.tree.of_block[i];
            if self.tree.sections[s].kind != Some(Kind::Requirements) {
                continue;
            }
            let t = strip_numbering(&b.text).to_lowercase();
            let verb = st.item_duty_verbs.is_match(&t)
                && !st.req_years.is_match(&t)
                && !st.req_skills.is_match(&t)
                && !st.req_degree.is_match(&t);
            let c = counts.entry(s).or_default();
            c.0 += 1;
            c.1 += verb as usize;
        }
        self.activities = counts.into_iter().filter(|(_, (n, v))| *n >= 3 && v * 3 >= n * 2).map(|(s, _)| s).collect();
    }

    /// The role a block belongs to: the nearest role section above it, else the role of
    /// the whole document.
    fn role_of(&self, block: usize) -> Option<usize> {
        let s = self.tree.of_block[block];
        let mut best: Option<(usize, u8)> = None;
        let mut whole = None;
        for (ri, sec) in self.anchor_of.iter().enumerate() {
            match sec {
                Some(sec) if self.tree.within(s, *sec) => {
                    let lv = self.tree.sections[*sec].level;
                    if best.is_none_or(|(_, l)| lv > l) {
                        best = Some((ri, lv));
                    }
                }
                None => whole = Some(ri),
                _ => {}
            }
        }
        best.map(|b| b.0).or(whole)
    }

    fn push_item(&mut self, role: usize, text: &str, block: usize, rule: &'static str, group: Option<String>) {
        let text = strip_checkbox(text);
        let b = &self.blocks[block];
        let section = self.tree.path(self.tree.of_block[block]);
        let r = &mut self.roles[role];
        r.context.push(text.to_string());
        r.items.push(FoundItem { text: text.to_string(), line: b.line, rule, group, detail: None, block, section });
    }

    fn skip(&mut self, role: usize, block: usize, text: &str, why: &'static str) {
        self.roles[role].skipped.push((block, text.to_string(), why));
    }

    /// The group label of a block: the unlabelled sub-heading it stands under, between it
    /// and its role's section.
    fn group_of(&self, block: usize, role: usize) -> Option<usize> {
        let top = self.anchor_of.get(role).copied().flatten();
        let mut at = Some(self.tree.of_block[block]);
        while let Some(s) = at {
            if Some(s) == top || s == 0 {
                return None;
            }
            let sec = &self.tree.sections[s];
            if sec.heading.is_some() && sec.own.is_none() && sec.heading != Some(block) {
                // a ladder rung or role heading is no group
                if self.anchor_of.contains(&Some(s)) {
                    return None;
                }
                return Some(s);
            }
            at = sec.parent;
        }
        None
    }

    /// Walk every block and give its items to its role.
    fn items(&mut self, mode: Mode) {
        if self.roles.is_empty() {
            // tables may still define roles
            let mut i = 0;
            while i < self.blocks.len() {
                if matches!(self.blocks[i].kind, BlockKind::TableRow { .. }) {
                    let end = self.table_end(i);
                    self.table(i, end, None, mode);
                    i = end;
                } else {
                    i += 1;
                }
            }
            return;
        }
        // the kind a lead-in paragraph ("Your role will include:") gives the list after it
        let mut lead_in: Option<Kind> = None;
        let mut i = 0;
        while i < self.blocks.len() {
            let b = &self.blocks[i];
            let Some(role) = self.role_of(i) else {
                if matches!(b.kind, BlockKind::TableRow { .. }) {
                    let end = self.table_end(i);
                    self.table(i, end, None, mode);
                    i = end;
                    continue;
                }
                i += 1;
                continue;
            };
            let sec = self.tree.of_block[i];
            let mut kind = self.kind_of(sec);
            let rung = self.anchor_of.get(role).copied().flatten().is_some();
            if kind == Some(Kind::Company) && rung {
                // "Culture", "Values" under a role heading are competencies, not the company
                kind = None;
            }
            if kind == Some(Kind::Skills) {
                // skills asked of a posting's hire; expected of the person at a rung
                kind = Some(if rung && mode == Mode::Rung { Kind::Duties } else { Kind::Requirements });
            }
            match b.kind {
                BlockKind::Heading { .. } => {
                    lead_in = None;
                    self.heading_item(i, role, mode);
                }
                BlockKind::TableRow { .. } => {
                    let end = self.table_end(i);
                    self.table(i, end, Some(role), mode);
                    i = end;
                    continue;
                }
                BlockKind::Quote => {
                    lead_in = None;
                    self.roles[role].context.push(b.text.clone());
                    self.skip(role, i, &b.text.clone(), "quoted text is not a duty");
                }
                BlockKind::ListItem { depth, ordered } => {
                    if heading_level_here(self, i) {
                        lead_in = None;
                        self.heading_item(i, role, mode);
                    } else {
                        let kind = match (lead_in, kind) {
                            (Some(l), None | Some(Kind::Duties)) => Some(l),
                            (Some(Kind::Duties), Some(Kind::Other)) => Some(Kind::Duties),
                            _ => kind,
                        };
                        self.list_item(i, role, kind, mode, depth, ordered);
                    }
                }
                BlockKind::Paragraph => {
                    lead_in = sections::lead_in_kind(&b.text, self.rules);
                    self.paragraph(i, role, kind, mode);
                }
            }
            i += 1;
        }
    }

    /// A sub-heading under a role with nothing under it is itself a duty ("Uphold the
    /// vision"); one opening with a duty verb is a duty and the prose under it its detail.
    fn heading_item(&mut self, i: usize, role: usize, mode: Mode) {
        let s = self.tree.of_block[i];
        let sec = &self.tree.sections[s];
        if sec.heading != Some(i) || self.anchor_of.contains(&Some(s)) || sec.own.is_some() {
            return;
        }
        let kind = self.kind_of(s);
        if kind.is_some_and(|k| k != Kind::Duties) {
            return;
        }
        if mode == Mode::Posting && kind != Some(Kind::Duties) {
            return;
        }
        let label = sec.label.clone();
        if label.ends_with('?') || text::word_count(&label) > self.rules.structure.subheading_max_words {
            return;
        }
        let empty = self.tree.is_empty(s);
        let has_children = self.tree.children[s] > 0;
        if (empty && !has_children) || self.opens_with_duty_verb(&label) {
            let detail = self.detail_of(s);
            self.push_item(role, &label, i, RULE_SUBHEADING, None);
            if let Some(it) = self.roles[role].items.last_mut() {
                it.detail = detail;
            }
        }
    }

    fn detail_of(&self, s: usize) -> Option<String> {
        // a section's own blocks follow its heading, before its first sub-section
        let from = self.tree.sections[s].heading.map_or(0, |h| h + 1);
        let d: Vec<&str> = (from..self.blocks.len())
            .take_while(|&j| self.tree.of_block[j] == s)
            .filter(|&j| self.blocks[j].kind == BlockKind::Paragraph)
            .map(|j| self.blocks[j].text.as_str())
            .collect();
        (!d.is_empty()).then(|| d.join(" "))
    }

    fn opens_with_duty_verb(&self, t: &str) -> bool {
        let t = strip_numbering(t).trim_start_matches(|c: char| !c.is_alphanumeric());
        let first = t.split_whitespace().next().unwrap_or("");
        // a verb in the imperative starts with a capital but is no proper noun or "-ing"
        // noun phrase ("Research", "Planning")
        !first.ends_with("ing")
            && t.split_whitespace().count() >= 2
            && self.rules.structure.item_duty_verbs.is_match(&t.to_lowercase())
    }

    /// Is the sub-heading `s` the subject of an imperative duty (then its prose is detail)?
    /// (Unless the prose under it states the duties itself: "Design Leadership" over
    /// "Assumes a design leadership role …" is a label.)
    fn sub_is_duty(&self, s: usize) -> bool {
        let sec = &self.tree.sections[s];
        if !(sec.heading.is_some() && sec.own.is_none() && self.opens_with_duty_verb(&sec.label)) {
            return false;
        }
        // under a role heading or ladder rung, sub-headings are competencies: labels
        if self.anchor_of.iter().flatten().any(|&a| a != usize::MAX && a != s && self.tree.within(s, a)) {
            return false;
        }
        match self.tree.first_paragraph[s] {
            Some(j) => {
                let t = &self.blocks[j].text;
                let first_sentence =
                    text::sentences(t, &self.rules.structure.abbreviations).into_iter().next().unwrap_or(t);
                !self.is_duty_line(first_sentence)
            }
            None => true,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn list_item(&mut self, i: usize, role: usize, kind: Option<Kind>, mode: Mode, depth: u8, _ordered: bool) {
        let b = &self.blocks[i];
        let t = strip_checkbox(strip_numbering(&b.text)).to_string();
        let st = &self.rules.structure;
        // a content rule: "N+ years" items are requirements wherever they stand
        let kind = match kind {
            Some(Kind::Duties) | None
                if st.req_years.is_match(&t) && !st.item_duty_verbs.is_match(&t.to_lowercase()) =>
            {
                Some(Kind::Requirements)
            }
            k => k,
        };
        match kind {
            Some(Kind::Requirements) | Some(Kind::NiceToHave) => {
                let nice = kind == Some(Kind::NiceToHave);
                self.roles[role].requirements.push((b.line, t.clone(), nice));
                self.skip(role, i, &t, "a requirement (requirements.csv), not a duty");
                return;
            }
            Some(Kind::Duties) | None => {}
            Some(_) => {
                self.skip(role, i, &t, "in a section that is not duties, or introduced as values or benefits");
                return;
            }
        }
        if self.sub_is_duty(self.tree.of_block[i]) {
            self.skip(role, i, &t, "detail of a sub-heading taken as the duty");
            return;
        }
        // a list item with deeper items under it labels them
        let next_deeper = matches!(self.blocks.get(i + 1).map(|n| n.kind),
            Some(BlockKind::ListItem { depth: d, .. }) if d > depth);
        if next_deeper && (t.ends_with(':') || b.text.trim_end().ends_with(':') || text::word_count(&t) <= 6) {
            self.skip(role, i, &t, "labels the items under it");
            return;
        }
        if text::word_count(&t) < 2 {
            self.skip(role, i, &t, "a single word is not a duty");
            return;
        }
        if self.is_key_value(&t) {
            self.skip(role, i, &t, "a label and its value (job facts), not a duty");
            return;
        }
        if self.role_heading(&t).is_some() && text::word_count(&t) <= 10 {
            self.skip(role, i, &t, "a job title (a list of other jobs), not a duty");
            return;
        }
        if t.ends_with('?') {
            self.skip(role, i, &t, "a question is not a duty");
            return;
        }
        if st.item_not_duty.is_match(&t) && kind != Some(Kind::Duties) {
            self.skip(role, i, &t, "states no duty (structure.toml items.not-duty)");
            return;
        }
        let under_title = !self.labelled && self.posting_head == Some(self.tree.of_block[i]);
        if kind.is_none() && mode == Mode::Posting && !under_title && !self.is_duty_line(&t) {
            self.skip(role, i, &t, "in a section without a duty label, and not phrased as a duty");
            return;
        }
        let group =
            self.list_group(i, depth).or_else(|| self.group_of(i, role).map(|s| self.tree.sections[s].label.clone()));
        self.push_item(role, &t, i, RULE_LIST, group);
    }

    /// The label of the list item this one is nested under ("Methodology:").
    fn list_group(&self, i: usize, depth: u8) -> Option<String> {
        if depth == 0 {
            return None;
        }
        self.blocks[..i]
            .iter()
            .rev()
            .take(200)
            .find_map(|b| match b.kind {
                BlockKind::ListItem { depth: d, .. } if d < depth => {
                    Some(strip_numbering(&b.text).trim_end_matches(':').trim().to_string())
                }
                BlockKind::ListItem { .. } => None,
                _ => Some(String::new()),
            })
            .filter(|s| !s.is_empty())
    }

    /// "Nombre: Juan Pérez", "Location: Berlin": a short label and a short value.
    fn is_key_value(&self, t: &str) -> bool {
        let Some((k, v)) = t.split_once(':') else { return false };
        let (kw, vw) = (text::word_count(k), text::word_count(v));
        let label = k.trim().chars().next().is_some_and(char::is_alphabetic)
            && k.chars().all(|c| c.is_alphanumeric() || " &-'’./".contains(c))
            && !v.starts_with("//");
        // the value: a few words, or a list of names ("Carlos Ruiz, Ana Martínez (SM)")
        let names = v.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c == '('));
        label
            && (1..=6).contains(&kw)
            && (vw >= 1 && (vw <= 6 || (names && vw <= 24)))
            && !v.trim_end().ends_with('.')
            && !self.is_duty_line(v.trim())
    }

    /// Does a line read as a duty: a duty verb first, or the hire as the subject?
    fn is_duty_line(&self, t: &str) -> bool {
        let st = &self.rules.structure;
        // a bold lead names the area ("User Research: Running open-ended research …"): the
        // duty is what follows it
        let t = match t.split_once(':') {
            Some((lead, rest)) if (1..=6).contains(&text::word_count(lead)) && text::word_count(rest) >= 3 => rest,
            _ => t,
        };
        let l = t.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        (st.item_duty_verbs.is_match(&l)
            || st.item_hire_duty.is_match(&l)
            || st.item_first_person.is_match(&l)
            || (!self.labelled && st.item_ladder_subject.is_match(&l)))
            && !st.item_not_duty.is_match(&l)
    }

    fn paragraph(&mut self, i: usize, role: usize, kind: Option<Kind>, mode: Mode) {
        let b = &self.blocks[i];
        let st = &self.rules.structure;
        if self.tree.sections[self.tree.of_block[i]].heading == Some(i) {
            // a line that is a label ("Key Requirements") opens its section
            self.skip(role, i, &b.text.clone(), "a section label, not a duty");
            return;
        }
        self.roles[role].context.push(b.text.clone());
        match kind {
            Some(Kind::Requirements) | Some(Kind::NiceToHave) => {
                let nice = kind == Some(Kind::NiceToHave);
                for s in text::sentences(&b.text, &self.rules.structure.abbreviations) {
                    let s = s.trim();
                    if !s.is_empty() && !s.ends_with(':') {
                        self.roles[role].requirements.push((b.line, s.to_string(), nice));
                    }
                }
                return;
            }
            Some(Kind::Duties) | None => {}
            Some(_) => return,
        }
        let sec = self.tree.of_block[i];
        if self.sub_is_duty(sec) {
            // the prose explains a sub-heading taken as the duty
            self.skip(role, i, &b.text.clone(), "detail of a sub-heading taken as the duty");
            return;
        }
        let group = self.group_of(i, role);
        let under_rung = self.anchor_of.get(role).copied().flatten().is_some();
        let team = st.item_team_title.is_match(self.roles[role].title.trim());
        let text_ = b.text.clone();
        let mut took = false;
        // a rung's own prose is terse ("Close supervision."); elsewhere a duty has a verb
        let rung_prose = mode == Mode::Rung && under_rung && self.rung_prose(i, role);
        let min_words = if rung_prose { 2 } else { 3 };
        for s in text::sentences(&text_, &self.rules.structure.abbreviations) {
            let s = s.trim();
            if s.is_empty() || s.ends_with(':') || s.ends_with('?') || text::word_count(s) < min_words {
                continue;
            }
            let l = s.to_lowercase();
            let l = l.trim_start_matches(|c: char| !c.is_alphanumeric());
            if st.item_not_duty.is_match(l) {
                continue;
            }
            let take = team && st.item_team_duty.is_match(l)
                || match (kind, mode) {
                    (Some(Kind::Duties), Mode::Rung) => true,
                    (Some(Kind::Duties), Mode::Posting) => {
                        st.item_hire_duty.is_match(l)
                            || self.is_duty_line(s)
                            || self.role_subject(s)
                            || self.is_flat_list_line(i)
                    }
                    // a ladder rung's competency prose: every statement about the person
                    // a rung's competency: every statement under its sub-heading is an expectation
                    (None, Mode::Rung) if under_rung && group.is_some() => true,
                    // prose right under a rung heading describes the level: every statement
                    (None, Mode::Rung) if rung_prose => true,
                    (None, Mode::Rung) if under_rung => {
                        st.item_ladder_subject.is_match(l) || st.item_hire_duty.is_match(l) || self.is_duty_line(s)
                    }
                    _ => st.item_hire_duty.is_match(l) || st.item_first_person.is_match(l) || self.role_subject(s),
                };
            if take {
                took = true;
                let g = group.map(|g| self.tree.sections[g].label.clone());
                self.push_item(role, s, i, RULE_SENTENCE, g);
            }
        }
        if !took {
            self.skip(role, i, &text_, "prose that states no duty");
        }
    }

    /// A paragraph in the rung's own section (not under a sub-heading) of a ladder, when
    /// the rung holds no other role (a heading over the levels introduces the family).
    fn rung_prose(&self, i: usize, role: usize) -> bool {
        let s = self.tree.of_block[i];
        self.anchor_of.get(role).copied().flatten() == Some(s)
            && !self
                .anchor_of
                .iter()
                .enumerate()
                .any(|(r, a)| r != role && a.is_some_and(|a| a != s && a != usize::MAX && self.tree.within(a, s)))
    }

    /// A paragraph that is one short phrase next to another in the same section: a list
    /// whose markup a scraper flattened to lines ("Verantwortlichkeiten" and a phrase per
    /// paragraph under it).
    fn is_flat_list_line(&self, i: usize) -> bool {
        let short = |j: usize| {
            self.blocks.get(j).is_some_and(|b| {
                b.kind == BlockKind::Paragraph
                    && self.tree.of_block[j] == self.tree.of_block[i]
                    && text::sentences(&b.text, &self.rules.structure.abbreviations).len() == 1
                    && (2..=25).contains(&text::word_count(&b.text))
                    && !b.text.trim_end().ends_with([':', '?'])
            })
        };
        short(i) && ((i > 0 && short(i - 1)) || short(i + 1))
    }

    /// A sentence whose subject is a title of the taxonomy ("Skilled delivery managers
    /// remove obstacles"), with a duty predicate.
    fn role_subject(&self, sent: &str) -> bool {
        let st = &self.rules.structure;
        self.rules
            .taxonomy
            .find_titles(sent)
            .into_iter()
            .take(2)
            .any(|hit| self.is_subject(sent, &hit, true) && !st.prose_non_duty.is_match(sent))
    }

    /// Is the title `hit` the subject of `sent`: only `prose.lead` words before it in its
    /// clause (or, when `loose`, one capitalised word: "Skilled delivery managers …"), and a
    /// `prose.verbs` predicate after it?
    fn is_subject(&self, sent: &str, hit: &TitleHit, loose: bool) -> bool {
        let st = &self.rules.structure;
        let before = &sent[..hit.start];
        let clause = before.rsplit([',', ';', ':', '(', '–', '—']).next().unwrap_or(before);
        let lead = clause.trim_start();
        let ok_lead = st.prose_lead.is_match(lead)
            || (loose && text::word_count(lead) <= 1 && lead.chars().next().is_none_or(|c| c.is_uppercase()));
        ok_lead && st.prose_verbs.is_match(sent[hit.end..].trim_start())
    }

    fn table_end(&self, i: usize) -> usize {
        self.blocks[i..]
            .iter()
            .position(|b| !matches!(b.kind, BlockKind::TableRow { .. }))
            .map_or(self.blocks.len(), |p| i + p)
    }

    /// A table: a role per row (a role column, or first cells that are titles), a role per
    /// column (header cells that are titles or levels: a ladder matrix), or, under a role,
    /// duties in its cells.
    fn table(&mut self, from: usize, to: usize, role: Option<usize>, mode: Mode) {
        let rules = self.rules;
        let st = &rules.structure;
        let tax = &rules.taxonomy;
        let rows = &self.blocks[from..to];
        let first = &rows[0];
        let kind = self.kind_of(self.tree.of_block[from]);
        let header_like = |cells: &[Vec<String>]| {
            cells.iter().any(|c| {
                let t = c.join(" ");
                st.table_role_columns.is_match(t.trim()) || st.table_duty_columns.is_match(t.trim())
            })
        };
        let has_header = matches!(first.kind, BlockKind::TableRow { header: true }) || header_like(&first.cells);
        let header: Vec<String> =
            if has_header { first.cells.iter().map(|c| c.join(" ").trim().to_string()).collect() } else { vec![] };
        // a ladder matrix: header cells after the first are titles or levels
        let col_roles: Vec<(usize, TitleHit, String)> = header
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(ci, h)| {
                if let Some(hit) = self.role_heading(h) {
                    return Some((ci, hit, h.clone()));
                }
                let (li, rule) = tax.bare_level(h)?;
                let mut hit = role.and_then(|r| self.roles[r].hit.clone())?;
                hit.level = Some((li, h.clone(), rule));
                Some((ci, hit, h.clone()))
            })
            .collect();
        if col_roles.len() >= 2 {
            for (ci, hit, title) in col_roles {
                let a = Anchor {
                    section: Some(usize::MAX),
                    block: Some(from),
                    key: tax.title_key(&title),
                    title,
                    line: first.line,
                    hit: Some(hit),
                    rule: RULE_COLUMN,
                    source: "table-header".into(),
                    note: None,
                };
                let r = self.new_role(&a);
                self.anchor_of.push(Some(usize::MAX));
                for (ri, row) in rows.iter().enumerate().skip(1) {
                    let group = row.cells.first().map(|c| c.join(" ").trim().to_string()).filter(|g| !g.is_empty());
                    for item in row.cells.get(ci).into_iter().flatten() {
                        if !item.trim().is_empty() {
                            self.push_item(r, item, from + ri, RULE_COLUMN, group.clone());
                        }
                    }
                }
            }
            return;
        }
        let find = |set: &crate::rules::Pat| {
            header.iter().enumerate().filter(|(_, h)| set.is_match(h)).map(|(i, _)| i).collect::<Vec<_>>()
        };
        let role_col = find(&st.table_role_columns).first().copied();
        let dept_cols = find(&st.table_department_columns);
        let mut duty_cols = find(&st.table_duty_columns);
        let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        if duty_cols.is_empty() {
            duty_cols = (0..width).filter(|c| Some(*c) != role_col.or(Some(0)) && !dept_cols.contains(c)).collect();
        }
        // a first row of short labels over rows of sentences is a header, even unmarked
        let short =
            |r: &Block| r.cells.iter().flatten().all(|c| text::word_count(c) <= 10 && !c.trim_end().ends_with('.'));
        let long = |r: &Block| r.cells.iter().flatten().any(|c| text::word_count(c) > 10);
        let label_row = rows.len() > 1 && short(first) && rows[1..].iter().any(long);
        let body_from = if has_header || (role_col.is_none() && label_row) { 1 } else { 0 };
        for (ri, row) in rows.iter().enumerate().skip(body_from) {
            let at = from + ri;
            let title = row.cells.get(role_col.unwrap_or(0)).map(|c| c.join(" ")).unwrap_or_default();
            let title = title.trim().to_string();
            if title.is_empty() {
                continue;
            }
            let hit =
                if role_col.is_some() { tax.find_titles(&title).into_iter().next() } else { self.role_heading(&title) };
            if role_col.is_none() && hit.is_none() {
                // a table of duties under a role: every cell item is a duty
                // With a header naming duty columns, only those columns are duties and the
                // first column groups them ("Area | Responsibilities"). Cells must read as
                // duties in a posting's unlabelled table, and in a table with a header under
                // no duty label (a glossary: "Label | Description" of other things).
                if let Some(r) = role {
                    if matches!(kind, Some(Kind::Duties) | None) {
                        // (a duty word over the first column names the groups: "Responsibility |
                        // Key Behaviors"; every cell is read then)
                        let named: Vec<usize> = if has_header { find(&st.table_duty_columns) } else { Vec::new() };
                        let named = if named.contains(&0) { Vec::new() } else { named };
                        let labelled = self.tree.sections[self.tree.of_block[from]].kind == Some(Kind::Duties);
                        let group = row
                            .cells
                            .first()
                            .filter(|_| !named.is_empty())
                            .map(|c| c.join(" ").trim().to_string())
                            .filter(|g| !g.is_empty());
                        for (ci, cell) in row.cells.iter().enumerate() {
                            if !named.is_empty() && !named.contains(&ci) {
                                continue;
                            }
                            for item in cell {
                                let must_read = (mode == Mode::Posting && kind.is_none()) || (has_header && !labelled);
                                if must_read && !self.is_duty_line(item) {
                                    continue;
                                }
                                self.push_item(r, item, at, RULE_TABLE, group.clone());
                            }
                        }
                    }
                }
                continue;
            }
            if role_col.is_some() && hit.is_none() && title.split_whitespace().count() > 6 {
                continue;
            }
            let a = Anchor {
                section: Some(usize::MAX),
                block: Some(at),
                key: tax.title_key(&title),
                title: title.clone(),
                line: row.line,
                hit,
                rule: RULE_TABLE,
                source: "table-row".into(),
                note: None,
            };
            let r = self.new_role(&a);
            self.anchor_of.push(Some(usize::MAX));
            for c in &duty_cols {
                for item in row.cells.get(*c).into_iter().flatten() {
                    self.push_item(r, item, at, RULE_TABLE, None);
                }
            }
            for c in &dept_cols {
                for d in row.cells.get(*c).into_iter().flatten() {
                    let d = d.trim().to_lowercase();
                    if !d.is_empty() && !self.roles[r].departments.contains(&d) {
                        self.roles[r].departments.push(d);
                    }
                }
            }
        }
    }

    /// Sentences whose subject is a title define that role; those whose predicate states a
    /// duty are responsibilities of it. Read only in prose that no role owns.
    fn prose(&mut self) {
        let rules = self.rules;
        let st = &rules.structure;
        for (bi, b) in self.blocks.iter().enumerate() {
            if b.kind != BlockKind::Paragraph || self.role_of(bi).is_some() {
                continue;
            }
            if self.tree.sections[self.tree.of_block[bi]].kind.is_some_and(|k| k != Kind::Duties) {
                continue;
            }
            for sent in text::sentences(&b.text, &self.rules.structure.abbreviations) {
                for hit in rules.taxonomy.find_titles(sent) {
                    if !self.is_subject(sent, &hit, false) {
                        continue;
                    }
                    let before = &sent[..hit.start];
                    let after = sent[hit.end..].trim_start();
                    let level = hit.level.as_ref().map(|l| l.0);
                    let existing = self.roles.iter().position(|r| {
                        r.hit.as_ref().is_some_and(|h| h.role == hit.role && h.level.as_ref().map(|l| l.0) == level)
                    });
                    let role = match existing {
                        Some(r) => r,
                        None => {
                            let title = sent[hit.start..hit.end].to_string();
                            let a = Anchor {
                                section: Some(usize::MAX),
                                block: Some(bi),
                                key: rules.taxonomy.title_key(&title),
                                title,
                                line: b.line,
                                hit: Some(hit.clone()),
                                rule: RULE_PROSE,
                                source: "prose".into(),
                                note: None,
                            };
                            let r = self.new_role(&a);
                            self.anchor_of.push(Some(usize::MAX));
                            r
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
                        let section = self.tree.path(self.tree.of_block[bi]);
                        let r = &mut self.roles[role];
                        r.context.push(sent.to_string());
                        r.items.push(FoundItem {
                            text: sent.to_string(),
                            line: b.line,
                            rule: RULE_PROSE,
                            group: None,
                            detail: None,
                            block: bi,
                            section,
                        });
                    } else {
                        self.roles[role].context.push(sent.to_string());
                    }
                    break;
                }
            }
        }
    }
}

/// Is block `i` a numbered sub-heading (it opens a section)?
fn heading_level_here(x: &Extractor<'_>, i: usize) -> bool {
    x.tree.sections[x.tree.of_block[i]].heading == Some(i)
}

/// "Product Owner / Product Manager", "Product Owner or Business Analyst": one title with
/// alternatives (the first is taken).
fn is_alternative(text: &str, hits: &[TitleHit]) -> bool {
    hits.windows(2).all(|w| {
        let gap = text[w[0].end..w[1].start].trim();
        matches!(gap, "/" | "or" | "|" | "&" | "and" | "oder" | "ou" | "o")
    })
}

/// "[ ] Do the thing" and "[x] Done" → the item text.
fn strip_checkbox(s: &str) -> &str {
    let t = s.trim_start();
    for p in ["[ ]", "[x]", "[X]", "☐", "☑", "✅", "✔"] {
        if let Some(r) = t.strip_prefix(p) {
            return r.trim_start();
        }
    }
    s
}

/// The title as a heading writes it: specialisation words before the matched title
/// ("Machine Learning Product Manager"), the title, and a following "(PM)".
fn title_text(text: &str, hit: &TitleHit) -> String {
    let gap = &text[..hit.start];
    let spec = gap.split_whitespace().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            || (w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(char::is_alphabetic))
    });
    let start = if !gap.trim().is_empty() && spec && !gap.contains(['-', '–', '—', '|', ',', ':', '/', '(']) {
        0
    } else {
        hit.start
    };
    let mut end = hit.end;
    let rest = &text[end..];
    let trimmed = rest.trim_start();
    if trimmed.starts_with('(') {
        if let Some(close) = trimmed.find(')') {
            end += rest.len() - trimmed.len() + close + 1;
        }
    }
    text[start..end].trim().to_string()
}

#[cfg(test)]
mod tests;
