//! The plain data types that flow between the pipeline stages:
//! `ingest -> RawDoc -> clean -> CleanDoc -> extract -> Extraction -> normalize -> DocResult -> emit`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a document's text is structured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Markdown,
    /// reStructuredText (read through Markdown, line for line)
    Rst,
    /// Typst markup (read through Markdown, line for line)
    Typst,
    Text,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Rst => "rst",
            Format::Typst => "typst",
            Format::Text => "text",
        }
    }
}

/// What `sources.csv` beside the corpus says about one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceInfo {
    pub company: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
}

/// Facts about a document that every later stage carries along.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocMeta {
    /// Path relative to the corpus root, with `/` separators: the document id.
    pub id: String,
    pub bytes: u64,
    pub format: Option<Format>,
    /// Encoding the bytes were decoded from (`utf-8`, `utf-8-bom`, `utf-16le`, `windows-1252`).
    pub encoding: String,
    /// Repairs made while decoding (mojibake sequences fixed, NUL bytes removed, …).
    pub repairs: Vec<String>,
    /// Scalar front matter values (YAML), keys lower-cased.
    pub front_matter: BTreeMap<String, String>,
    pub source: Option<SourceInfo>,
    /// What the per-document limits cut (see `Limits`); empty when nothing was cut.
    pub truncated: Vec<String>,
    /// A record of a dump of postings: one posting, one role.
    pub record: bool,
    /// A dump record: the dump and where in it.
    pub origin: Option<Origin>,
    /// A dump record's fields rolemap has no column for (normalized names).
    pub extra: BTreeMap<String, String>,
}

/// Where a dump record stands in its input: what joins an output row back to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The dump's document id (`jobs.csv`, `stdin`).
    pub file: String,
    /// The record's own id (its id field), when it has one.
    pub record_id: Option<String>,
    /// The record's 1-based position among the dump's records.
    pub position: Option<u64>,
}

/// Per-document limits. They bound the time and memory any one document can take; what a
/// limit cuts is reported in the document's `truncated` column, never silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes; a larger file is an error (`--max-bytes`).
    pub max_bytes: u64,
    /// Blocks kept per document; the rest are cut (`--max-blocks`).
    pub max_blocks: usize,
    /// Characters kept per block (one paragraph, list item or table row) (`--max-block-chars`).
    pub max_block_chars: usize,
    /// HTML elements nested deeper than this are flattened: their tags removed, their text
    /// kept (`--max-html-depth`).
    pub max_html_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 8 * 1024 * 1024, max_blocks: 20_000, max_block_chars: 200_000, max_html_depth: 256 }
    }
}

/// A decoded document: the output of ingest.
#[derive(Debug, Clone)]
pub struct RawDoc {
    pub meta: DocMeta,
    pub format: Format,
    /// Full text; front matter lines are blanked so that line numbers stay true.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum BlockKind {
    Heading {
        level: u8,
    },
    Paragraph,
    /// Quoted text (blockquote): read for seniority cues, never taken as a duty.
    Quote,
    ListItem {
        depth: u8,
        ordered: bool,
    },
    TableRow {
        header: bool,
    },
}

/// One structural unit of cleaned text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    pub kind: BlockKind,
    /// Cleaned text (entities decoded, whitespace normalized, mojibake repaired). For a
    /// table row: the cells joined with " | ".
    pub text: String,
    /// Table rows only: each cell's items (a cell is split on `<br>` and line breaks).
    pub cells: Vec<Vec<String>>,
    /// 1-based line in the source file where the block starts.
    pub line: usize,
}

impl Block {
    pub fn new(kind: BlockKind, text: String, line: usize) -> Self {
        Block { kind, text, cells: Vec::new(), line }
    }
    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }
}

/// A block the cleaner removed, with the rule that removed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dropped {
    pub line: usize,
    pub text: String,
    pub rule: String,
}

/// A cleaned document: the output of clean.
#[derive(Debug, Clone)]
pub struct CleanDoc {
    pub meta: DocMeta,
    pub format: Format,
    pub blocks: Vec<Block>,
    pub dropped: Vec<Dropped>,
}

/// A title found in text and mapped to the taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleHit {
    /// Byte range of the whole title (modifiers included) in the searched text.
    pub start: usize,
    pub end: usize,
    /// Index of the role in the taxonomy.
    pub role: usize,
    /// Rule id of the title alias that matched, e.g. `product-manager:head-of-product`.
    pub rule: String,
    /// Seniority from the title: (level index, cue text, rule id).
    pub level: Option<(usize, String, String)>,
}

/// A responsibility as found, before normalization.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundItem {
    pub text: String,
    pub line: usize,
    /// Extraction rule that took it (`table:row`, `list:item`, `subheading`, `prose:subject`).
    pub rule: &'static str,
    /// The sub-heading it stands under, when it is part of a group.
    pub group: Option<String>,
    /// Prose that explains a sub-heading taken as a duty.
    pub detail: Option<String>,
    /// Index of the block it was read from.
    pub block: usize,
    /// Its section path in the document ("Responsibilities > Methodology").
    pub section: String,
}

/// A role a document defines, as found, before normalization.
#[derive(Debug, Clone)]
pub struct FoundRole {
    /// The title as written.
    pub title: String,
    pub line: usize,
    /// None when the title maps to no known role (reported as `unmapped`).
    pub hit: Option<TitleHit>,
    /// Extraction rule that found it (`heading:role`, `heading:level`, `title`, `table:row`,
    /// `table:column`, `prose:subject`).
    pub rule: &'static str,
    /// Where its title was read: `heading`, `title:fields`, `title:json-ld`,
    /// `front-matter:title`, `heading-1`, `table-row`, `table-header`, `prose`.
    pub source: String,
    /// Grouping key of the title (`registered-nurse`), whatever the role.
    pub key: String,
    /// A remark on how the title was read ("several roles in the title: …").
    pub note: Option<String>,
    /// Block of its title, when it stands in the text.
    pub block: Option<usize>,
    pub departments: Vec<String>,
    /// Text of the role's section (duties, summaries, quotes) searched for seniority cues.
    pub context: Vec<String>,
    pub items: Vec<FoundItem>,
    /// Blocks under the role that were not taken as duties: (block index, text, reason).
    pub skipped: Vec<(usize, String, &'static str)>,
    /// Items of the role's requirements sections: (line, text, nice to have).
    pub requirements: Vec<(usize, String, bool)>,
}

/// The organisation a document belongs to, with where that was seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Company {
    pub name: String,
    /// `sources.csv`, `front-matter:KEY`, `front-matter-domain:KEY`, `text:heading`, `text:mentions`.
    pub evidence: String,
}

/// The output of extract.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub doc: CleanDoc,
    pub company: Option<Company>,
    pub roles: Vec<FoundRole>,
    /// `posting`, `several-roles`, `ladder` or `text`.
    pub shape: String,
    /// The document's sections, each with its kind.
    pub tree: crate::extract::sections::Tree,
}

/// One role in the output (`roles.csv/.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleRecord {
    pub doc: String,
    pub company: Option<String>,
    pub title: String,
    pub role_id: String,
    pub role_label: String,
    pub family: String,
    pub seniority: String,
    pub seniority_order: usize,
    pub seniority_cues: Vec<String>,
    pub seniority_rules: Vec<String>,
    pub title_rule: String,
    /// Grouping key of the title ("registered-nurse"): the same for every way a title is
    /// written, also for roles outside the taxonomy (`role_id` = `unmapped`).
    pub title_key: String,
    pub found_by: String,
    /// Where the title was read (`heading`, `title:fields`, `title:json-ld`, `heading-1`, …).
    pub title_source: String,
    /// How the title was read, when that needs saying.
    pub note: Option<String>,
    pub line: usize,
    pub departments: Vec<String>,
    pub responsibilities: usize,
    pub categories: Vec<String>,
    /// Other titles in the document merged into this role (same role id and level).
    pub also_titled: Vec<String>,
    /// Standard codes (`codes::assign`): ESCO occupation URI and preferred label, its ISCO-08
    /// unit group, O*NET-SOC code and title; `code_evidence` says how, or why there is none.
    pub esco_uri: Option<String>,
    pub esco_label: Option<String>,
    pub isco08: Option<String>,
    pub onet_soc: Option<String>,
    pub onet_title: Option<String>,
    pub code_evidence: String,
}

/// One responsibility in the output (`responsibilities.csv/.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RespRecord {
    pub doc: String,
    pub company: Option<String>,
    pub role_id: String,
    pub seniority: String,
    pub title: String,
    /// The cleaned responsibility text.
    pub text: String,
    /// The item as it stood in its block, before numbering and trailing colons were removed.
    pub raw: String,
    pub line: usize,
    pub rule: String,
    /// Section path it stands in ("Responsibilities > Methodology").
    pub section: String,
    pub departments: Vec<String>,
    pub group: Option<String>,
    pub detail: Option<String>,
    pub categories: Vec<String>,
    pub category_rules: Vec<String>,
}

/// One requirement of a role (`requirements.csv/.jsonl`); never counted as a responsibility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReqRecord {
    pub doc: String,
    pub company: Option<String>,
    pub role_id: String,
    pub seniority: String,
    pub title: String,
    pub text: String,
    pub line: usize,
    /// `required` or `nice-to-have` (from the section it stands in).
    pub kind: String,
    /// Years of experience asked for: "5+ years" is 5 and none, "3-5 years" is 3 and 5.
    pub years_min: Option<u32>,
    pub years_max: Option<u32>,
    pub degree: Option<String>,
    pub skills: Vec<String>,
}

/// Outcome of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Skipped,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skipped => "skipped",
            Status::Error => "error",
        }
    }
}

/// One line of `documents.csv/.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRecord {
    pub doc: String,
    pub status: Status,
    pub reason: String,
    pub format: String,
    pub encoding: String,
    pub bytes: u64,
    pub company: Option<String>,
    pub company_evidence: Option<String>,
    /// `posting` (one role), `several-roles`, `ladder` or `text` (roles from sentences).
    pub shape: String,
    pub blocks: usize,
    pub dropped_blocks: usize,
    pub roles: usize,
    pub responsibilities: usize,
    pub repairs: Vec<String>,
    pub truncated: Vec<String>,
    /// The earlier document this one is a near-duplicate of (same duties), if any.
    pub duplicate_of: Option<String>,
    /// ISO 639-3 code of the document's language, when it could be told reliably.
    pub language: Option<String>,
    /// Posting metadata: title, location, workplace, employment type, salary, date.
    pub posting: crate::extract::metadata::PostingMeta,
    /// The document's title: its first top-level heading (what names a source that has no
    /// company in the report).
    pub title: Option<String>,
    /// The input file: the document itself, or the dump that holds the record.
    pub source_file: String,
    /// A dump record's own id (its id field) and 1-based position in the dump.
    pub record_id: Option<String>,
    pub position: Option<u64>,
    /// Where the document was published (`sources.csv`, the record's URL field).
    pub url: Option<String>,
    /// A dump record's fields rolemap has no column for.
    pub extra: BTreeMap<String, String>,
}

/// Everything the pipeline produced for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocResult {
    pub doc: DocRecord,
    pub roles: Vec<RoleRecord>,
    pub responsibilities: Vec<RespRecord>,
    pub requirements: Vec<ReqRecord>,
}
