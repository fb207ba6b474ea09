//! Dumps of scraped postings: JSON Lines (`.jsonl`, `.ndjson`, stdin) and CSV/TSV files
//! with one posting per record. Records are read one at a time (a dump may be far larger
//! than memory); each becomes a document `file#record-id` (or `file#line`). The text,
//! title, company and id fields are found by their common names (JobSpy's among them) or
//! named by the user; a record with none of the text fields gives its longest free-text
//! field, and says so in its repairs (`text-field=summary (longest string)`).
//!
//! A CSV is a dump of postings or a table (a career-ladder matrix, a RACI grid), told by
//! its first records, not by its column names alone ([`classify`]): postings have long free
//! text (hundreds of characters) in most rows, or posting columns (title, company, URL, id,
//! date); a table has short cells and level-like headers or first cells ("L3", "Senior").
//! A table is read as one table document. `--text-field` always makes a dump.
//!
//! The field names tried, the level words and codes and what counts as long text are rules:
//! `[dump]` of rules/posting.toml and the packs' `level-words` ([`DumpRules`]).

use super::{decode, Rejected};
use crate::model::{DocMeta, Format, Origin, RawDoc, SourceInfo, Status};
pub use crate::rules::posting::DumpRules;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};

/// Records of a CSV read ahead to tell a postings dump from a table.
const SNIFF_RECORDS: usize = 32;
/// Cells read ahead at most (a CSV of 100,000 columns is told from 10 records, not 32).
const SNIFF_CELLS: usize = 1_000_000;

/// How the user said dump records are read: fields named (`--text-field` and so on), the
/// CSV escape (`--csv-escape`), the format of standard input (`--input-format`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    pub text: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub id: Option<String>,
    /// Backslash escapes inside a CSV's quoted fields.
    pub csv_escape: CsvEscape,
    /// What standard input (`--corpus -`) holds; JSON Lines when not said.
    pub stdin: Option<DumpKind>,
}

/// Backslash escapes inside a CSV's quoted fields (`\"`, `\\`, `\-`), as Python's `csv`
/// writes with `escapechar="\\"` (JobSpy's recommended `to_csv(quoting=csv.QUOTE_NONNUMERIC,
/// escapechar="\\")`): read (`Backslash`), not read (`None`), or read when the file's opening
/// looks written so (`Auto`, [`sniff_escape`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvEscape {
    #[default]
    Auto,
    Backslash,
    None,
}

impl CsvEscape {
    /// The escape byte a CSV reader is given for a file whose opening is `head`.
    pub fn resolve(self, head: &[u8], delimiter: u8) -> Option<u8> {
        match self {
            CsvEscape::Backslash => Some(b'\\'),
            CsvEscape::None => None,
            CsvEscape::Auto => sniff_escape(head, delimiter).then_some(b'\\'),
        }
    }
}

/// Whether a CSV's opening was written with backslash escapes: a header whose every name is
/// quoted (as `QUOTE_NONNUMERIC` and `QUOTE_ALL` write it; the default writers quote no
/// plain name), and inside quoted fields at least one backslash, each before an ASCII
/// character that is not a letter or digit (`\\`, `\"`, `\-`, `\+`: an escape; a Windows
/// path's `C:\Users` or a literal `\n` is not).
pub fn sniff_escape(head: &[u8], delimiter: u8) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let header = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    // every name quoted: `"a","b"` (no quote inside a name)
    let quoted_names = !header.is_empty()
        && header.split(|&b| b == delimiter).all(|f| f.len() >= 2 && f[0] == b'"' && f[f.len() - 1] == b'"');
    if !quoted_names {
        return false;
    }
    let (mut quoted, mut escapes, mut i) = (false, 0usize, 0usize);
    while i < head.len() {
        match head[i] {
            b'\\' if quoted => match head.get(i + 1) {
                Some(c) if c.is_ascii() && !c.is_ascii_alphanumeric() => {
                    escapes += 1;
                    i += 1;
                }
                // the opening ends here
                None => {}
                Some(_) => return false,
            },
            b'"' => quoted = !quoted,
            _ => {}
        }
        i += 1;
    }
    escapes > 0
}

/// The kind of a dump file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpKind {
    Jsonl,
    Csv,
    Tsv,
    /// A JSON array of postings (`[ {...}, {...} ]`), read element by element.
    Json,
}

impl DumpKind {
    pub fn from_ext(ext: &str) -> Option<DumpKind> {
        match ext {
            "jsonl" | "ndjson" => Some(DumpKind::Jsonl),
            "csv" => Some(DumpKind::Csv),
            "tsv" => Some(DumpKind::Tsv),
            "json" => Some(DumpKind::Json),
            _ => None,
        }
    }
}

pub fn norm_key(k: &str) -> String {
    k.trim().to_lowercase().replace(['-', ' '], "_")
}

/// One record of a dump, as field name (normalized) -> value.
pub type Fields = BTreeMap<String, String>;

/// What reading a dump produced, one item at a time.
#[derive(Debug)]
pub enum Item {
    /// A posting to process.
    Doc(Box<RawDoc>),
    /// A record that could not be read or has no text.
    Bad { id: String, status: Status, reason: String, bytes: u64, origin: Origin },
}

/// The outcome of a whole dump, for the dump file's own row in documents.csv.
#[derive(Debug, Clone, Default)]
pub struct DumpSummary {
    pub records: usize,
    pub bad: usize,
    /// Text field used, and the other fields found.
    pub fields: String,
    /// A quote never closed: the first and last line of the record that holds the rest of
    /// the file.
    pub unclosed: Option<(u64, u64)>,
    /// Backslash escapes were read in quoted fields (`--csv-escape`).
    pub escapes: bool,
}

impl DumpSummary {
    /// What a reader of the dump's row should know beyond the counts.
    pub fn notes(&self) -> String {
        let mut notes = String::new();
        if self.escapes {
            notes.push_str("; backslash escapes read in quoted fields (--csv-escape)");
        }
        if let Some((from, to)) = self.unclosed {
            notes.push_str("; ");
            notes.push_str(&unclosed_note(from, to));
        }
        notes
    }
}

fn unclosed_note(from: u64, to: u64) -> String {
    format!("a quote opened on line {from} is never closed: lines {from}-{to} were read as one record")
}

/// An open CSV and its normalized header names.
type CsvState = (csv::Reader<CrlfToLf<crate::ingest::CsvRecordCap<Box<dyn Read + Send>>>>, Vec<String>);

/// The text of one JSON record and the line it begins on, or why it could not be read.
type JsonText = (u64, Result<String, String>);

/// Reads a dump record by record.
pub struct DumpReader {
    id: String,
    kind: DumpKind,
    fields: FieldMap,
    max_bytes: u64,
    /// JSON texts, one per record, with their line: the lines of JSON Lines, the elements
    /// of a JSON array
    lines: Option<Box<dyn Iterator<Item = JsonText> + Send>>,
    csv: Option<CsvState>,
    /// ids already given, to keep record ids unique
    seen: std::collections::HashSet<String>,
    pub summary: DumpSummary,
    chosen_text: Option<String>,
    /// the text field was chosen as the longest free-text column (a CSV)
    text_by_length: bool,
    /// CSV records read ahead by `classify`, handed out first
    pending: std::collections::VecDeque<csv::ByteRecord>,
    /// The error that ended reading ahead: reported when the pending records are used up.
    pending_err: Option<csv::Error>,
    /// where the CSV stream stands (the line of the record being read, an unclosed quote)
    progress: Option<std::sync::Arc<crate::ingest::CsvProgress>>,
    /// field names and what tells postings from a table
    rules: DumpRules,
    /// the id field's value of the record being read, if it has one
    record_id: Option<String>,
}

impl DumpReader {
    /// Open a dump (`delimiter`: a CSV's field separator, see `sniff_delimiter`). For a CSV, `Ok(None)` means "not a dump of postings" (no text field):
    /// read it as a table document instead.
    pub fn open(
        id: &str,
        input: Box<dyn Read + Send>,
        kind: DumpKind,
        delimiter: u8,
        fields: &FieldMap,
        max_bytes: u64,
        rules: &DumpRules,
    ) -> Result<Option<DumpReader>, Rejected> {
        let mut r = DumpReader {
            id: id.to_string(),
            kind,
            fields: fields.clone(),
            max_bytes,
            lines: None,
            csv: None,
            seen: Default::default(),
            summary: DumpSummary::default(),
            chosen_text: None,
            text_by_length: false,
            pending: Default::default(),
            pending_err: None,
            progress: None,
            rules: rules.clone(),
            record_id: None,
        };
        match kind {
            DumpKind::Jsonl => r.lines = Some(Box::new(CappedLines::new(input, max_bytes))),
            DumpKind::Json => r.lines = Some(Box::new(JsonElements::open(input, max_bytes)?)),
            DumpKind::Csv | DumpKind::Tsv => {
                // the csv crate counts a `\r\n` line only once the next record is read, so the
                // line of every record after the first would be one short (rust-csv #395)
                // a record over the limit is refused before the CSV reader holds it whole
                // backslash escapes, named by the user or judged on the opening
                let mut input = BufReader::with_capacity(64 * 1024, input);
                let escape = fields.csv_escape.resolve(input.fill_buf().unwrap_or(&[]), delimiter);
                r.summary.escapes = escape.is_some();
                let input: Box<dyn Read + Send> = Box::new(input);
                let capped = crate::ingest::CsvRecordCap::new(input, delimiter, max_bytes.saturating_add(64 * 1024))
                    .with_escape(escape);
                r.progress = Some(capped.progress());
                let mut rdr = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .escape(escape)
                    .flexible(true)
                    .from_reader(CrlfToLf::new(capped));
                let header_err =
                    |e: csv::Error| Rejected { status: Status::Error, reason: format!("cannot read the header: {e}") };
                let mut headers: Vec<String> = match rdr.byte_headers() {
                    Ok(h) => h.iter().map(|f| norm_key(&String::from_utf8_lossy(f))).collect(),
                    Err(e) => return Err(header_err(e)),
                };
                // Excel's `sep=;` line names the separator (`sniff_delimiter` read it): the
                // header is the next line
                if headers.first().is_some_and(|h| h.starts_with("sep="))
                    && headers.iter().skip(1).all(|h| h.is_empty())
                {
                    let mut rec = csv::ByteRecord::new();
                    match rdr.read_byte_record(&mut rec) {
                        Ok(_) => headers = rec.iter().map(|f| norm_key(&String::from_utf8_lossy(f))).collect(),
                        Err(e) => return Err(header_err(e)),
                    }
                }
                let text = match &fields.text {
                    Some(t) => {
                        let t = norm_key(t);
                        if !headers.contains(&t) {
                            return Err(Rejected {
                                status: Status::Error,
                                reason: format!("--text-field {t:?} is not a column (columns: {})", headers.join(", ")),
                            });
                        }
                        Some((t, false))
                    }
                    None => {
                        // read ahead: the content tells postings from a table
                        let mut rec = csv::ByteRecord::new();
                        let mut cells = 0;
                        while r.pending.len() < SNIFF_RECORDS && cells < SNIFF_CELLS {
                            match rdr.read_byte_record(&mut rec) {
                                Ok(true) => {
                                    cells += rec.len();
                                    r.pending.push_back(rec.clone())
                                }
                                Ok(false) => break,
                                // a bad record is reported when it is reached
                                Err(e) => {
                                    r.pending_err = Some(e);
                                    break;
                                }
                            }
                        }
                        let rows: Vec<Vec<String>> =
                            r.pending.iter().map(|rec| rec.iter().map(text_of).collect()).collect();
                        match classify(&headers, &rows, rules) {
                            Shape::Postings { text, by_length } => Some((text, by_length)),
                            Shape::Table => None,
                        }
                    }
                };
                let Some((text, by_length)) = text else { return Ok(None) };
                r.chosen_text = Some(text);
                r.text_by_length = by_length;
                r.csv = Some((rdr, headers));
            }
        }
        Ok(Some(r))
    }

    /// The key `pick` reads its value from.
    fn pick_key(fields: &Fields, named: &Option<String>, names: &[String]) -> Option<String> {
        match named {
            Some(n) => Some(norm_key(n)).filter(|k| fields.contains_key(k)),
            None => names.iter().find(|n| fields.get(*n).is_some_and(|v| !v.trim().is_empty())).cloned(),
        }
    }

    fn pick<'a>(fields: &'a Fields, named: &Option<String>, names: &[String]) -> Option<&'a str> {
        let v = match named {
            Some(n) => fields.get(&norm_key(n)),
            None => names.iter().find_map(|n| fields.get(n).filter(|v| !v.trim().is_empty())),
        };
        v.map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// Turn one record's fields into a document (or a reason it is not one).
    fn record(&mut self, fields: Fields, line: u64) -> Item {
        let mut by_length = self.text_by_length && self.fields.text.is_none();
        let text_name = match (&self.fields.text, &self.chosen_text) {
            (Some(t), _) => Some(norm_key(t)),
            (None, Some(t)) => Some(t.clone()),
            (None, None) => self.rules.text.iter().find(|f| fields.contains_key(*f)).cloned().or_else(|| {
                by_length = true;
                longest_text_field(&fields, &self.rules)
            }),
        };
        let given = Self::pick(&fields, &self.fields.id, &self.rules.id)
            .map(|v| v.chars().filter(|c| !c.is_control()).take(80).collect::<String>())
            .filter(|v| !v.is_empty());
        self.record_id = given.clone();
        let rid = given.unwrap_or_else(|| format!("line{line}"));
        let mut id = format!("{}#{rid}", self.id);
        if !self.seen.insert(id.clone()) {
            id = format!("{}#{rid}@line{line}", self.id);
            self.seen.insert(id.clone());
        }
        let Some(text_name) = text_name else {
            return Item::Bad {
                id,
                status: Status::Error,
                reason: format!(
                    "line {line}: no text field (looked for {}; name one with --text-field)",
                    self.rules.text.join(", ")
                ),
                bytes: 0,
                origin: Origin::default(),
            };
        };
        let text = fields.get(&text_name).map(String::as_str).unwrap_or("");
        // NUL and other control characters are removed by decoding: they are not text
        if text.chars().all(|c| c.is_whitespace() || c.is_control()) {
            return Item::Bad {
                id,
                status: Status::Error,
                reason: format!("line {line}: field {text_name:?} is missing or empty"),
                bytes: 0,
                origin: Origin::default(),
            };
        }
        if text.len() as u64 > self.max_bytes {
            return Item::Bad {
                id,
                status: Status::Error,
                reason: format!(
                    "line {line}: field {text_name:?} is {} bytes, over the limit of {} (raise it with --max-bytes)",
                    text.len(),
                    self.max_bytes
                ),
                bytes: text.len() as u64,
                origin: Origin::default(),
            };
        }
        let text_note = by_length.then(|| format!("text-field={text_name} (longest string)"));
        if self.summary.fields.is_empty() {
            let mut used = vec![text_note.clone().unwrap_or_else(|| format!("text={text_name}"))];
            for (what, named, names) in [
                ("title", &self.fields.title, &self.rules.title),
                ("company", &self.fields.company, &self.rules.company),
                ("id", &self.fields.id, &self.rules.id),
            ] {
                let key = match named {
                    Some(n) => Some(norm_key(n)).filter(|k| fields.contains_key(k)),
                    None => names.iter().find(|n| fields.contains_key(*n)).cloned(),
                };
                if let Some(k) = key {
                    used.push(format!("{what}={k}"));
                }
            }
            self.summary.fields = used.join(" ");
        }
        let title = Self::pick(&fields, &self.fields.title, &self.rules.title).map(str::to_string);
        let company = Self::pick(&fields, &self.fields.company, &self.rules.company).map(str::to_string);
        let url = Self::pick(&fields, &None, &self.rules.url).map(str::to_string);
        let date = Self::pick(&fields, &None, &self.rules.date).map(str::to_string);
        // what rolemap has no column for is passed through (`extra`)
        let used: Vec<Option<String>> = [
            (&self.fields.title, &self.rules.title),
            (&self.fields.company, &self.rules.company),
            (&self.fields.id, &self.rules.id),
        ]
        .into_iter()
        .map(|(named, names)| Self::pick_key(&fields, named, names))
        .chain([Some(text_name.clone())])
        .collect();
        let (extra, cut) = extra_fields(&fields, &used);
        let text = text.to_string();
        match record_doc(&id, &text, title.as_deref(), SourceInfo { company, url, date }, fields) {
            Some(mut doc) => {
                doc.meta.repairs.extend(text_note);
                doc.meta.extra = extra;
                doc.meta.truncated.extend(cut);
                Item::Doc(Box::new(doc))
            }
            None => Item::Bad {
                id,
                status: Status::Error,
                reason: format!("line {line}: field {text_name:?} holds no text once decoded"),
                bytes: text.len() as u64,
                origin: Origin::default(),
            },
        }
    }
}

/// Fields of a record passed through to the output (`extra`) at most, and their bytes.
pub const MAX_EXTRA_FIELDS: usize = 256;
pub const MAX_EXTRA_BYTES: usize = 64 * 1024;

/// The fields of a record rolemap has no column for (not in `used`), in name order, as many
/// as `MAX_EXTRA_FIELDS` and `MAX_EXTRA_BYTES` allow; what was left out is said.
fn extra_fields(fields: &Fields, used: &[Option<String>]) -> (Fields, Option<String>) {
    let mut extra = Fields::new();
    let (mut bytes, mut left) = (0usize, 0usize);
    for (k, v) in fields.iter().filter(|(k, _)| !used.iter().any(|u| u.as_ref() == Some(*k))) {
        if extra.len() >= MAX_EXTRA_FIELDS || bytes + k.len() + v.len() > MAX_EXTRA_BYTES {
            left += 1;
            continue;
        }
        bytes += k.len() + v.len();
        extra.insert(k.clone(), v.clone());
    }
    let cut = (left > 0).then(|| {
        format!(
            "extra: {left} of the record's {} other fields not passed through (at most {MAX_EXTRA_FIELDS} fields, {} KiB)",
            left + extra.len(),
            MAX_EXTRA_BYTES / 1024
        )
    });
    (extra, cut)
}

/// The longest value of a record that is free text, for a record with none of the text
/// fields: not a title, company, id, URL, date or place, not a link.
fn longest_text_field(fields: &Fields, r: &DumpRules) -> Option<String> {
    fields
        .iter()
        .filter(|(k, v)| is_free_text_column(k, r) && !v.trim().is_empty() && !looks_like_link(v))
        .max_by_key(|(k, v)| (v.chars().count(), std::cmp::Reverse((*k).clone())))
        .map(|(k, _)| k.clone())
}

fn is_free_text_column(k: &str, r: &DumpRules) -> bool {
    ![&r.title, &r.company, &r.id, &r.url, &r.date, &r.not_text].iter().any(|l| l.iter().any(|f| f == k))
}

fn looks_like_link(v: &str) -> bool {
    let v = v.trim();
    !v.contains(char::is_whitespace) && (v.starts_with("http://") || v.starts_with("https://") || v.starts_with("www."))
}

/// What a CSV holds, told from its header and first records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// One posting per record; the text field, and whether it was chosen by length.
    Postings { text: String, by_length: bool },
    /// A table (a ladder matrix, a RACI grid): one document.
    Table,
}

/// A cell that names a level: "L3", "IC4", "Level 2", "Senior", "Senior PM", "Staff" (the
/// packs' `level-words`, posting.toml's `level-codes`).
fn is_level_cell(cell: &str, r: &DumpRules) -> bool {
    let c = cell.trim().to_lowercase();
    let words: Vec<&str> = c.split_whitespace().collect();
    if words.is_empty() || words.len() > 2 {
        return false;
    }
    let coded = |w: &str| {
        let letters = w.trim_end_matches(|ch: char| ch.is_ascii_digit());
        letters.len() < w.len() && w.len() - letters.len() <= 2 && r.level_codes.iter().any(|c| c == letters)
    };
    r.level_words.contains(words[0]) || (words.len() == 1 && coded(words[0]))
}

/// Postings or a table, by content: a text column (one of the text fields, else the column
/// with the most long values) whose values are long (`long-text`, 200 characters) in most
/// rows, or posting columns (two of title, company, URL, id, date) beside a text column
/// (else beside the free-text column with the longest values), make postings; level-like
/// headers or first cells make a table whatever the columns.
pub fn classify(headers: &[String], rows: &[Vec<String>], r: &DumpRules) -> Shape {
    let level_headers = headers.iter().filter(|h| is_level_cell(&h.replace('_', " "), r)).count();
    let first_is_title = headers.first().is_some_and(|h| r.title.contains(h) || r.id.contains(h));
    let level_rows = rows.iter().filter(|row| row.first().is_some_and(|c| is_level_cell(c, r))).count();
    if level_headers >= 2 || (!first_is_title && !rows.is_empty() && level_rows * 2 > rows.len()) {
        return Shape::Table;
    }
    let long_share = |i: usize| {
        if rows.is_empty() {
            return 0.0;
        }
        let long = rows.iter().filter(|row| row.get(i).is_some_and(|v| v.chars().count() >= r.long_text)).count();
        long as f64 / rows.len() as f64
    };
    let has = |names: &[String]| headers.iter().any(|h| names.contains(h));
    let posting_columns = [&r.title, &r.company, &r.url, &r.id, &r.date].iter().filter(|l| has(l)).count();
    let known = r.text.iter().find_map(|f| headers.iter().position(|h| h == f));
    if let Some(i) = known {
        if rows.is_empty() || posting_columns >= 2 || long_share(i) >= 0.5 {
            return Shape::Postings { text: headers[i].clone(), by_length: false };
        }
        return Shape::Table;
    }
    let best = (0..headers.len())
        .filter(|&i| is_free_text_column(&headers[i], r))
        .map(|i| (i, long_share(i)))
        .filter(|&(_, share)| share >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    // posting columns with only short texts: the free-text column with the longest values
    let mean_len = |i: usize| rows.iter().map(|row| row.get(i).map_or(0, |v| v.chars().count())).sum::<usize>();
    let best = best.or_else(|| {
        (posting_columns >= 2)
            .then(|| {
                (0..headers.len())
                    .filter(|&i| is_free_text_column(&headers[i], r) && mean_len(i) > 0)
                    .max_by(|&a, &b| mean_len(a).cmp(&mean_len(b)).then(b.cmp(&a)))
                    .map(|i| (i, 0.0))
            })
            .flatten()
    });
    match best {
        Some((i, _)) => Shape::Postings { text: headers[i].clone(), by_length: true },
        None => Shape::Table,
    }
}

/// A record's text as a document: the title (when the record has one and the text does not
/// open with it) becomes the top heading, so that the posting defines its role. `None` when
/// nothing is left of the text once decoded (NUL bytes, stray mojibake).
pub fn record_doc(id: &str, text: &str, title: Option<&str>, source: SourceInfo, fields: Fields) -> Option<RawDoc> {
    let d = decode::decode(text.as_bytes());
    let body = d.text;
    if body.trim().is_empty() {
        return None;
    }
    let trimmed = body.trim_start();
    let is_html = trimmed.starts_with('<')
        && ["</p>", "<li", "<br", "</div>", "<ul", "<h1", "<h2", "<h3", "<strong"].iter().any(|t| body.contains(t));
    let format = if is_html { Format::Html } else { super::sniff("", &body) };
    // the text already opens with the title as its own line ("# Product Owner", "<h1>…")
    let opens_with_title = title.is_some_and(|t| {
        let first = trimmed.lines().next().unwrap_or("");
        let first = strip_tags(first);
        let first = first.trim_matches(|c: char| c == '#' || c == '*' || c == '_' || c.is_whitespace());
        let (f, t) = (first.to_lowercase(), t.trim().to_lowercase());
        f.starts_with(&t) && f.len() <= t.len() + 24
    });
    let text = match title {
        Some(t) if !opens_with_title => match format {
            Format::Html => format!("<h1>{}</h1>\n{body}", escape_html(t)),
            _ => format!("# {}\n\n{body}", t.replace('\n', " ")),
        },
        _ => body,
    };
    // Markdown headings need a Markdown parse: a plain-text body with a title heading is Markdown
    let format = if format == Format::Text && title.is_some() && !opens_with_title { Format::Markdown } else { format };
    let bytes = text.len() as u64;
    let front_matter = fields
        .into_iter()
        .filter(|(_, v)| v.len() <= 200 && !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect();
    Some(RawDoc {
        meta: DocMeta {
            id: id.to_string(),
            bytes,
            format: Some(format),
            encoding: "utf-8".into(),
            repairs: d.repairs,
            front_matter,
            source: Some(source),
            truncated: Vec::new(),
            record: true,
            ..Default::default()
        },
        format,
        text,
    })
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                // a block end tag ends the first line
                if out.trim().len() > 1 {
                    break;
                }
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// JSON value to the text of a field: strings as they are, numbers and booleans printed,
/// an object's `name` (e.g. `hiringOrganization: {"name": "Acme"}`), arrays joined.
fn json_text(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value::*;
    match v {
        String(s) => Some(s.clone()),
        Number(n) => Some(n.to_string()),
        Bool(b) => Some(b.to_string()),
        Object(o) => o.get("name").and_then(json_text),
        Array(a) => {
            let parts: Vec<std::string::String> = a.iter().filter_map(json_text).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Null => None,
    }
}

impl Iterator for DumpReader {
    type Item = Item;

    /// The next record, with its origin: the dump, the record's own id, its position.
    fn next(&mut self) -> Option<Item> {
        self.record_id = None;
        let mut item = self.read()?;
        let o = Origin {
            file: self.id.clone(),
            record_id: self.record_id.take(),
            position: Some(self.summary.records as u64),
        };
        match &mut item {
            Item::Doc(d) => d.meta.origin = Some(o),
            Item::Bad { origin, .. } => *origin = o,
        }
        Some(item)
    }
}

impl DumpReader {
    fn read(&mut self) -> Option<Item> {
        match self.kind {
            DumpKind::Jsonl | DumpKind::Json => loop {
                let lines = self.lines.as_mut()?;
                let (line_no, res) = lines.next()?;
                let line = match res {
                    Ok(l) => l,
                    Err(reason) => {
                        self.summary.records += 1;
                        self.summary.bad += 1;
                        return Some(Item::Bad {
                            id: format!("{}#line{line_no}", self.id),
                            status: Status::Error,
                            reason: format!("line {line_no}: {reason}"),
                            bytes: 0,
                            origin: Origin::default(),
                        });
                    }
                };
                // a BOM starts each dump that was concatenated into this one
                let t = line.trim().trim_start_matches('\u{feff}').trim_start();
                if t.is_empty() {
                    continue;
                }
                self.summary.records += 1;
                let mut repaired = None;
                let parsed = serde_json::from_str(t).or_else(|e| match fix_lone_surrogates(t) {
                    Some(fixed) => {
                        repaired = Some("lone UTF-16 surrogate escapes (\\ud800) read as U+FFFD".to_string());
                        serde_json::from_str(&fixed).map_err(|_| e)
                    }
                    None => Err(e),
                });
                let v: serde_json::Value = match parsed {
                    Ok(v) => v,
                    Err(e) => {
                        self.summary.bad += 1;
                        return Some(Item::Bad {
                            id: format!("{}#line{line_no}", self.id),
                            status: Status::Error,
                            reason: format!("line {line_no}: not valid JSON: {e}"),
                            bytes: line.len() as u64,
                            origin: Origin::default(),
                        });
                    }
                };
                let serde_json::Value::Object(obj) = v else {
                    self.summary.bad += 1;
                    return Some(Item::Bad {
                        id: format!("{}#line{line_no}", self.id),
                        status: Status::Error,
                        reason: format!("line {line_no}: not a JSON object"),
                        bytes: line.len() as u64,
                        origin: Origin::default(),
                    });
                };
                let fields: Fields = obj.iter().filter_map(|(k, v)| json_text(v).map(|s| (norm_key(k), s))).collect();
                let mut item = self.record(fields, line_no);
                if let (Item::Doc(d), Some(r)) = (&mut item, repaired) {
                    d.meta.repairs.push(r);
                }
                if matches!(item, Item::Bad { .. }) {
                    self.summary.bad += 1;
                }
                return Some(item);
            },
            DumpKind::Csv | DumpKind::Tsv => {
                let (rdr, headers) = self.csv.as_mut()?;
                let mut rec = csv::ByteRecord::new();
                let read = match self.pending.pop_front() {
                    Some(r) => {
                        rec = r;
                        Ok(true)
                    }
                    None => match self.pending_err.take() {
                        Some(e) => Err(e),
                        None => rdr.read_byte_record(&mut rec),
                    },
                };
                match read {
                    Ok(false) => None,
                    Ok(true) => {
                        let line = rec.position().map(|p| p.line()).unwrap_or(0);
                        let fields: Fields =
                            headers.iter().zip(rec.iter()).map(|(h, v)| (h.clone(), text_of(v))).collect();
                        self.summary.records += 1;
                        let mut item = self.record(fields, line);
                        if matches!(item, Item::Bad { .. }) {
                            self.summary.bad += 1;
                        }
                        // the input ended inside this record's quoted field: say so on it
                        let unclosed = self.progress.as_ref().map(|p| {
                            use std::sync::atomic::Ordering::Relaxed;
                            (p.unclosed_from.load(Relaxed), p.last_line.load(Relaxed))
                        });
                        if let Some((from, to)) = unclosed.filter(|&(from, _)| from > 0 && from == line) {
                            self.summary.unclosed = Some((from, to));
                            let note = unclosed_note(from, to);
                            match &mut item {
                                Item::Doc(d) => d.meta.repairs.push(note),
                                Item::Bad { reason, .. } => {
                                    reason.push_str(" (");
                                    reason.push_str(&note);
                                    reason.push(')');
                                }
                            }
                        }
                        Some(item)
                    }
                    Err(e) => {
                        // an error of the stream (a record over the limit) has no position:
                        // the stream knows where the record began
                        let line = e.position().map(|p| p.line()).unwrap_or_else(|| {
                            self.progress
                                .as_ref()
                                .map_or(0, |p| p.record_line.load(std::sync::atomic::Ordering::Relaxed))
                        });
                        self.summary.records += 1;
                        self.summary.bad += 1;
                        // an I/O error ends the file; a malformed record does not
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.csv = None;
                        }
                        Some(Item::Bad {
                            id: format!("{}#line{line}", self.id),
                            status: Status::Error,
                            reason: format!("line {line}: {e}"),
                            bytes: 0,
                            origin: Origin::default(),
                        })
                    }
                }
            }
        }
    }
}

/// A JSON text with every `\\uXXXX` escape of a lone UTF-16 surrogate (as JavaScript's
/// `JSON.stringify` writes for half of an emoji cut in two) replaced by `\\ufffd`; `None`
/// when it has none.
fn fix_lone_surrogates(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        let h = b.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    // the code unit of an escape `\uXXXX` starting at `at` (a backslash not itself escaped)
    let escape_at = |at: usize| -> Option<u32> {
        if b.get(at) != Some(&b'\\') || b.get(at + 1) != Some(&b'u') {
            return None;
        }
        let slashes = b[..at].iter().rev().take_while(|&&c| c == b'\\').count();
        if slashes % 2 == 1 {
            return None;
        }
        hex(at + 2)
    };
    let mut out = String::with_capacity(t.len());
    let (mut i, mut copied, mut changed) = (0, 0, false);
    while let Some(p) = t[i..].find("\\u") {
        let at = i + p;
        let Some(unit) = escape_at(at) else {
            i = at + 2;
            continue;
        };
        let lone = match unit {
            0xD800..=0xDBFF => !escape_at(at + 6).is_some_and(|u| (0xDC00..=0xDFFF).contains(&u)),
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            out.push_str(&t[copied..at]);
            out.push_str("\\ufffd");
            copied = at + 6;
            changed = true;
            i = at + 6;
        } else if (0xD800..=0xDBFF).contains(&unit) {
            i = at + 12;
        } else {
            i = at + 6;
        }
    }
    out.push_str(&t[copied..]);
    changed.then_some(out)
}

/// The elements of a JSON array, one at a time, each as its text and the line it begins on:
/// an element over `cap` bytes is reported (and skipped) without being held, so a file far
/// larger than memory is read like JSON Lines. Strings (and their escapes) are told apart,
/// so a `,` or `]` inside one ends nothing.
struct JsonElements {
    r: BufReader<Box<dyn Read + Send>>,
    cap: u64,
    line: u64,
    /// elements given so far
    n: usize,
    done: bool,
}

impl JsonElements {
    /// Open an array; a file whose first character is not `[` is not read (skipped).
    fn open(r: Box<dyn Read + Send>, cap: u64) -> Result<Self, Rejected> {
        let mut j = JsonElements { r: BufReader::with_capacity(64 * 1024, r), cap, line: 1, n: 0, done: false };
        let read_err = |e: std::io::Error| Rejected { status: Status::Error, reason: format!("cannot read: {e}") };
        match j.skip_space().map_err(read_err)? {
            Some(b'[') => {
                j.r.consume(1);
                Ok(j)
            }
            first => Err(Rejected {
                status: Status::Skipped,
                reason: format!(
                    "a .json file is read as an array of postings ([{{...}}, {{...}}]); this one opens with {}",
                    match first {
                        Some(b'{') => "an object".to_string(),
                        Some(c) => format!("{:?}", c as char),
                        None => "nothing".to_string(),
                    }
                ),
            }),
        }
    }

    /// Skip white space (counting lines) and peek at the next byte.
    fn skip_space(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(None);
            }
            let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.line += buf[..ws].iter().filter(|&&b| b == b'\n').count() as u64;
            let next = buf.get(ws).copied();
            self.r.consume(ws);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// The next element's bytes (at most `cap` of them kept) and whether it ran over; the
    /// `,` or `]` after it is left unread.
    fn element(&mut self) -> std::io::Result<(Vec<u8>, bool, bool)> {
        let (mut out, mut over, mut len) = (Vec::new(), false, 0u64);
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        loop {
            let buf = match self.r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                // the input ended inside the element
                return Ok((out, over, false));
            }
            let mut end = None;
            for (i, &c) in buf.iter().enumerate() {
                if in_str {
                    match c {
                        _ if esc => esc = false,
                        b'\\' => esc = true,
                        b'"' => in_str = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    // an object or array ends the element with its last bracket
                    b'}' | b']' if depth == 1 => {
                        end = Some(i + 1);
                        break;
                    }
                    b'}' | b']' if depth > 1 => depth -= 1,
                    b',' | b']' | b'}' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let take = end.unwrap_or(buf.len());
            self.line += buf[..take].iter().filter(|&&b| b == b'\n').count() as u64;
            len += take as u64;
            if len > self.cap {
                over = true;
                out = Vec::new();
            } else {
                out.extend_from_slice(&buf[..take]);
            }
            self.r.consume(take);
            if end.is_some() {
                return Ok((out, over, true));
            }
        }
    }
}

impl Iterator for JsonElements {
    type Item = JsonText;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let fail = |s: &mut Self, line: u64, reason: String| {
            s.done = true;
            Some((line, Err(reason)))
        };
        // after an element: `,` then the next, or `]`
        if self.n > 0 {
            match self.skip_space() {
                Ok(Some(b',')) => self.r.consume(1),
                Ok(Some(b']')) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(c)) => {
                    let line = self.line;
                    return fail(
                        self,
                        line,
                        format!("expected , or ] after element {}, found {:?}", self.n, c as char),
                    );
                }
                Ok(None) => return fail(self, self.line, "the array is never closed (no ])".into()),
                Err(e) => return fail(self, self.line, format!("cannot read: {e}")),
            }
        }
        let line = match self.skip_space() {
            Ok(Some(b']')) if self.n == 0 => {
                self.done = true;
                return None;
            }
            Ok(Some(_)) => self.line,
            Ok(None) => return fail(self, self.line, "the array is never closed (no ])".into()),
            Err(e) => return fail(self, self.line, format!("cannot read: {e}")),
        };
        self.n += 1;
        match self.element() {
            Err(e) => fail(self, line, format!("cannot read: {e}")),
            Ok((_, _, false)) => {
                fail(self, line, "the file ends inside this element: the array is never closed".into())
            }
            Ok((_, true, _)) => Some((
                line,
                Err(format!(
                    "element {} is over {} bytes; not read (raise the limit with --max-bytes)",
                    self.n, self.cap
                )),
            )),
            Ok((bytes, false, true)) => Some((line, Ok(text_of(&bytes)))),
        }
    }
}

/// Lines of a stream, each at most `cap` bytes: a longer line is reported (and skipped)
/// without being held in memory.
struct CappedLines {
    r: BufReader<Box<dyn Read + Send>>,
    cap: u64,
    line: u64,
    done: bool,
}

impl CappedLines {
    fn new(r: Box<dyn Read + Send>, cap: u64) -> Self {
        CappedLines { r: BufReader::with_capacity(64 * 1024, r), cap, line: 0, done: false }
    }
}

impl Iterator for CappedLines {
    type Item = (u64, Result<String, String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut buf = Vec::new();
        let mut len: u64 = 0;
        loop {
            let chunk = match self.r.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    self.line += 1;
                    return Some((self.line, Err(format!("cannot read: {e}"))));
                }
            };
            if chunk.is_empty() {
                self.done = true;
                if len == 0 {
                    return None;
                }
                break;
            }
            let (take, end) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if len + (take as u64) <= self.cap.saturating_add(1) {
                buf.extend_from_slice(&chunk[..take]);
            }
            len += take as u64;
            self.r.consume(take);
            if end {
                break;
            }
        }
        self.line += 1;
        if len > self.cap.saturating_add(1) {
            return Some((
                self.line,
                Err(format!("record is {len} bytes, over the limit of {} (raise it with --max-bytes)", self.cap)),
            ));
        }
        Some((self.line, Ok(text_of(&buf))))
    }
}

/// A CSV that is not a dump of postings, as a Markdown table document.
/// The field separator of a CSV from its first line (outside quotes): `,`, or `;` as
/// Excel writes in German and French locales, or a tab or `|`, whichever the header holds
/// most of (a comma on a tie).
pub fn sniff_delimiter(head: &[u8], kind: DumpKind) -> u8 {
    if kind == DumpKind::Tsv {
        return b'\t';
    }
    let (mut quoted, mut counts) = (false, [0usize; 4]);
    const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];
    for &b in head.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(k) = SEPARATORS.iter().position(|&c| c == b) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    // Excel's first line `sep=;` names it
    if let Some(rest) = head.strip_prefix(b"sep=") {
        if let Some(&c) = rest.first().filter(|c| !c.is_ascii_alphanumeric() && !matches!(c, b'\n' | b'\r' | b'"')) {
            if rest.get(1).is_none_or(|n| matches!(n, b'\n' | b'\r')) {
                return c;
            }
        }
    }
    let best = (0..4).max_by_key(|&k| (counts[k], std::cmp::Reverse(k))).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        SEPARATORS[best]
    }
}

/// A field's or line's bytes as text: UTF-8, with a stray Windows-1252 letter read as one
/// (`decode::utf8_mixed`).
fn text_of(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => decode::utf8_mixed(b).0,
    }
}

/// A reader that turns each `\r\n` into `\n` (a lone `\r` stays), whatever the chunks.
pub struct CrlfToLf<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
}

impl<R> CrlfToLf<R> {
    pub fn new(inner: R) -> Self {
        CrlfToLf { inner, buf: vec![0; 64 * 1024].into_boxed_slice(), pos: 0, len: 0 }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut w = 0;
        while w < out.len() {
            if self.pos == self.len {
                if w > 0 {
                    break;
                }
                self.len = self.inner.read(&mut self.buf)?;
                self.pos = 0;
                if self.len == 0 {
                    break;
                }
                continue;
            }
            let c = self.buf[self.pos];
            if c == b'\r' && self.pos + 1 == self.len {
                // the byte after a `\r` decides: keep the `\r` alone and read on
                self.buf[0] = b'\r';
                self.pos = 0;
                let n = self.inner.read(&mut self.buf[1..])?;
                self.len = 1 + n;
                if n > 0 {
                    continue;
                }
            } else if c == b'\r' && self.buf[self.pos + 1] == b'\n' {
                self.pos += 1;
                continue;
            }
            out[w] = c;
            w += 1;
            self.pos += 1;
        }
        Ok(w)
    }
}

/// Whether the opening of a `.txt` file (`head`, decoded) is a tab-separated table, as
/// spreadsheets save "Text (Tab delimited)" and "Unicode text" (UTF-16LE): a header line of
/// two or more short cells, and rows that mostly have as many cells as the header. Such a
/// file is read as a dump (of postings, or one table document), not as lines of text.
pub fn looks_like_tab_table(head: &str, whole: bool) -> bool {
    const MAX_HEADER_CELL: usize = 60;
    let first = head.trim_start_matches(['\n', '\r']).lines().next().unwrap_or("");
    if !first.contains('\t') {
        return false;
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(head.trim_start_matches(['\n', '\r']).as_bytes());
    let mut counts: Vec<usize> = Vec::new();
    let mut header_ok = false;
    for (i, rec) in rdr.records().take(SNIFF_RECORDS + 1).enumerate() {
        let Ok(rec) = rec else { break };
        if i == 0 {
            header_ok = rec.len() >= 2
                && rec.iter().all(|c| {
                    let c = c.trim();
                    !c.is_empty() && c.chars().count() <= MAX_HEADER_CELL && !c.contains(". ")
                });
        }
        counts.push(rec.len());
    }
    // the last record of a cut opening may be cut too
    if !whole && counts.len() > 2 {
        counts.pop();
    }
    let Some((&header, rows)) = counts.split_first() else { return false };
    header_ok && !rows.is_empty() && rows.iter().filter(|&&n| n == header).count() * 5 >= rows.len() * 4
}

/// At most `max_rows` rows are read (each becomes a block; `--max-blocks`), the rest noted.
pub fn csv_table_doc(id: &str, bytes: &[u8], delimiter: u8, max_rows: usize) -> RawDoc {
    let d = decode::decode(bytes);
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(d.text.as_bytes());
    let mut md = String::new();
    let mut first = true;
    let mut truncated = Vec::new();
    // Excel's `sep=;` line names the separator (`sniff_delimiter` read it): no row
    let is_sep_line = |rec: &csv::StringRecord| {
        rec.get(0).is_some_and(|c| c.starts_with("sep=")) && rec.iter().skip(1).all(str::is_empty)
    };
    let rows = rdr.records().flatten().enumerate().skip_while(|(n, rec)| *n == 0 && is_sep_line(rec));
    for (n, rec) in rows.map(|(_, r)| r).enumerate() {
        if n >= max_rows {
            let line = rec.position().map_or(0, |p| p.line());
            truncated.push(format!("table cut from line {line} on: more than {max_rows} rows (--max-blocks)"));
            break;
        }
        let cells: Vec<String> = rec.iter().map(|c| c.replace('|', "/").replace('\n', "<br>")).collect();
        md.push_str("| ");
        md.push_str(&cells.join(" | "));
        md.push_str(" |\n");
        if first {
            md.push_str(&"|---".repeat(cells.len().max(1)));
            md.push_str("|\n");
            first = false;
        }
    }
    RawDoc {
        meta: DocMeta {
            id: id.to_string(),
            bytes: bytes.len() as u64,
            format: Some(Format::Markdown),
            encoding: d.encoding.to_string(),
            repairs: std::iter::once(
                "read as one table document, not a dump of postings: no column of long posting texts (or its rows are levels)"
                    .to_string(),
            )
            .chain(d.repairs)
            .collect(),
            truncated,
            ..Default::default()
        },
        format: Format::Markdown,
        text: md,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped dump rules.
    fn dr() -> &'static DumpRules {
        &crate::rules::Rules::shipped().posting.dump
    }

    fn read(kind: DumpKind, text: &str, fields: &FieldMap) -> Vec<Item> {
        let delim = sniff_delimiter(text.as_bytes(), kind);
        let r = DumpReader::open(
            "d",
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            kind,
            delim,
            fields,
            10_000,
            dr(),
        )
        .unwrap()
        .expect("a dump");
        r.collect()
    }

    fn elements(text: &str, cap: u64) -> Result<Vec<JsonText>, Rejected> {
        JsonElements::open(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())), cap).map(|j| j.collect())
    }

    #[test]
    fn json_arrays_are_read_element_by_element() {
        let text = "[\n  {\"id\": \"a\", \"t\": \"x, ] } [ \\\" y\"},\n  {\"id\": \"b\", \"n\": [1, {\"k\": 2}]},\n  \"s\", 3 ,null\n]\n";
        let got = elements(text, 1000).unwrap();
        let texts: Vec<(u64, String)> = got.into_iter().map(|(l, t)| (l, t.unwrap().trim().to_string())).collect();
        assert_eq!(
            texts,
            [
                (2, "{\"id\": \"a\", \"t\": \"x, ] } [ \\\" y\"}".to_string()),
                (3, "{\"id\": \"b\", \"n\": [1, {\"k\": 2}]}".to_string()),
                (4, "\"s\"".to_string()),
                (4, "3".to_string()),
                (4, "null".to_string()),
            ]
        );
        assert!(elements("[]", 10).unwrap().is_empty());
        assert!(elements(" \n[ ]\n", 10).unwrap().is_empty());
        // an element over the limit is reported, the next one read
        let big = format!("[{{\"t\": \"{}\"}}, {{\"t\": \"ok\"}}]", "x".repeat(100));
        let got = elements(&big, 50).unwrap();
        assert!(got[0].1.as_ref().unwrap_err().contains("element 1 is over 50 bytes"), "{got:?}");
        assert_eq!(got[1].1.as_deref(), Ok("{\"t\": \"ok\"}"));
        // cut short, or not an array
        let got = elements("[{\"a\": 1}, {\"b\": ", 100).unwrap();
        assert!(got[1].1.as_ref().unwrap_err().contains("never closed"), "{got:?}");
        let got = elements("[{\"a\": 1} {\"b\": 2}]", 100).unwrap();
        assert!(got[1].1.as_ref().unwrap_err().contains("expected , or ]"), "{got:?}");
        for (text, what) in [("{\"jobs\": []}", "an object"), ("", "nothing"), ("x", "'x'")] {
            let Err(e) = elements(text, 100) else { panic!("{text:?} is not an array") };
            assert_eq!(e.status, Status::Skipped);
            assert!(e.reason.ends_with(what), "{}", e.reason);
        }
        // through the dump reader: records as JSON Lines gives them
        let items = read(
            DumpKind::Json,
            "[{\"id\": \"p1\", \"title\": \"Product Owner\", \"description\": \"- Own the backlog\"},\n 7]",
            &FieldMap::default(),
        );
        assert_eq!(ids(&items), ["d#p1", "d#line2"]);
        let Item::Bad { reason, .. } = &items[1] else { panic!("{items:?}") };
        assert_eq!(reason, "line 2: not a JSON object");
    }

    #[test]
    fn backslash_escapes_are_told_by_the_opening() {
        // Python's csv with QUOTE_NONNUMERIC and escapechar="\\"
        assert!(sniff_escape(b"\"id\",\"text\"\n\"a\",\"end\\\\-to\\\\-end, 3\\\\+ years\"\n", b','));
        assert!(sniff_escape(b"\xEF\xBB\xBF\"id\";\"text\"\r\n\"a\";\"say \\\"hi\\\"\"\r\n", b';'));
        for plain in [
            // the default writers quote no plain header name
            &b"id,text\n\"a\",\"end\\\\-to\\\\-end\"\n"[..],
            // no backslash at all
            b"\"id\",\"text\"\n\"a\",\"b\"\n",
            // a backslash before a letter is no escape: a Windows path
            b"\"id\",\"text\"\n\"a\",\"C:\\Users\\x \\\\-\"\n",
            // outside quotes
            b"\"id\",\"n\"\n\"a\",3\\-\n",
        ] {
            assert!(!sniff_escape(plain, b','), "{}", String::from_utf8_lossy(plain));
        }
        let fields = FieldMap { text: Some("description".into()), ..Default::default() };
        let text = "\"id\",\"description\"\n\"a\",\"Own it end\\\\-to\\\\-end, say \"\"hi\"\" \\\"x\\\"\nnext\"\n\"b\",\"Two\"\n";
        let items = read(DumpKind::Csv, text, &fields);
        let Item::Doc(d) = &items[0] else { panic!("{items:?}") };
        assert_eq!(d.text, "Own it end\\-to\\-end, say \"hi\" \"x\"\nnext");
        assert_eq!(ids(&items), ["d#a", "d#b"]);
        // named off: the backslashes stay (and `\"` ends the quoted field)
        let fields = FieldMap { text: Some("description".into()), csv_escape: CsvEscape::None, ..Default::default() };
        let items = read(DumpKind::Csv, "\"id\",\"description\"\n\"a\",\"end\\\\-to\\\\-end\"\n", &fields);
        let Item::Doc(d) = &items[0] else { panic!("{items:?}") };
        assert_eq!(d.text, "end\\\\-to\\\\-end");
    }

    #[test]
    fn tab_separated_text_is_told_from_prose() {
        let export = "Title\tCompany\tDescription\r\nProduct Owner\tAcme\t\"- Own the backlog\r\n- Run reviews\"\r\nSenior PM\tBeta\t- Own the roadmap\r\n";
        assert!(looks_like_tab_table(export, true));
        assert!(looks_like_tab_table("Level\tExpectations\nL1\tLearns the craft\nL2\tShips features alone\n", true));
        for prose in [
            "# Product Owner\n\n- Own the backlog\n",
            "Title:\tProduct Manager\nCompany:\tAcme\n\nResponsibilities\n- Own the roadmap\n- Talk to customers\n",
            "Title\tCompany\n",
            "We are hiring. Come join us.\tNow\nProduct Manager\tAcme\n",
            "\tOwn the roadmap\n\tTalk to customers\n",
        ] {
            assert!(!looks_like_tab_table(prose, true), "{prose:?}");
        }
    }

    #[test]
    fn crlf_becomes_lf_across_chunks() {
        /// hands out `step` bytes at a time
        struct Drip<'a>(&'a [u8], usize);
        impl Read for Drip<'_> {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(self.0.len()).min(b.len());
                b[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let input = b"a\r\nb\rc\r\r\n\"x\r\ny\"\r";
        for step in 1..=input.len() {
            for out_len in [1, 2, 3, 4096] {
                let mut r = CrlfToLf::new(Drip(input, step));
                let (mut got, mut chunk) = (Vec::new(), vec![0; out_len]);
                loop {
                    let n = r.read(&mut chunk).unwrap();
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&chunk[..n]);
                }
                assert_eq!(got, b"a\nb\rc\r\n\"x\ny\"\r", "step {step}, out {out_len}");
            }
        }
    }

    /// The id of each item, document or not.
    fn ids(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Doc(d) => d.meta.id.clone(),
                Item::Bad { id, .. } => id.clone(),
            })
            .collect()
    }

    #[test]
    fn crlf_csv_records_have_their_own_lines() {
        let text = "title,company,description\r\nProduct Owner,Acme,\"- Own the product backlog and its order\r\n- Write user stories with the team\"\r\nProduct Manager,Beta,- Own the product roadmap and explain it to everyone\r\n";
        let items = read(DumpKind::Csv, text, &FieldMap::default());
        let ids = ids(&items);
        assert_eq!(ids, ["d#line2", "d#line4"]);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(fix_lone_surrogates(r#"{"a": "x\ud800y"}"#).as_deref(), Some(r#"{"a": "x\ufffdy"}"#));
        assert_eq!(fix_lone_surrogates(r#"{"a": "\udc00"}"#).as_deref(), Some(r#"{"a": "\ufffd"}"#));
        // a pair stays, an escaped backslash is no escape
        assert_eq!(fix_lone_surrogates(r#"{"a": "\ud83d\ude00"}"#), None);
        assert_eq!(fix_lone_surrogates(r#"{"a": "\\ud800"}"#), None);
        let items = read(
            DumpKind::Jsonl,
            "\u{feff}{\"id\": \"a\", \"description\": \"Own the roadmap \\ud83d\"}\n\u{feff}{\"id\": \"b\", \"description\": \"Talk to customers\"}\n",
            &FieldMap::default(),
        );
        assert_eq!(ids(&items), ["d#a", "d#b"]);
        let Item::Doc(d) = &items[0] else { panic!("{:?}", items[0]) };
        assert!(d.text.contains("Own the roadmap \u{fffd}"), "{}", d.text);
        assert!(d.meta.repairs.iter().any(|r| r.contains("surrogate")), "{:?}", d.meta.repairs);
    }

    #[test]
    fn jsonl_records_with_common_field_names() {
        let items = read(
            DumpKind::Jsonl,
            "{\"id\": 7, \"title\": \"Senior Product Manager\", \"company\": {\"name\": \"Acme\"}, \"description\": \"- Own the roadmap\"}\n\n\
             {\"title\": \"Product Owner\", \"description\": \"<p>Own the backlog</p><ul><li>Write stories</li></ul>\"}\n\
             {broken\n\
             {\"title\": \"No text\"}\n",
            &FieldMap::default(),
        );
        assert_eq!(items.len(), 4);
        let Item::Doc(a) = &items[0] else { panic!("{:?}", items[0]) };
        assert_eq!(a.meta.id, "d#7");
        assert_eq!(a.meta.source.as_ref().unwrap().company.as_deref(), Some("Acme"));
        assert!(a.text.starts_with("# Senior Product Manager\n\n- Own the roadmap"));
        let Item::Doc(b) = &items[1] else { panic!() };
        assert_eq!((b.meta.id.as_str(), b.format), ("d#line3", Format::Html));
        assert!(b.text.starts_with("<h1>Product Owner</h1>"));
        assert!(
            matches!(&items[2], Item::Bad { id, reason, .. } if id == "d#line4" && reason.contains("not valid JSON"))
        );
        assert!(matches!(&items[3], Item::Bad { reason, .. } if reason.contains("no text field")));
    }

    #[test]
    fn csv_jobspy_columns_and_named_fields() {
        let csv = "id,site,job_url,title,company,location,description\n\
                   in-1,indeed,https://x/1,Product Manager,Acme,Berlin,\"Own the roadmap.\nTalk to customers.\"\n\
                   in-2,indeed,https://x/2,Product Owner,Beta,Köln,\n";
        let items = read(DumpKind::Csv, csv, &FieldMap::default());
        let Item::Doc(a) = &items[0] else { panic!("{:?}", items[0]) };
        assert_eq!(a.meta.id, "d#in-1");
        assert_eq!(a.meta.source.as_ref().unwrap().url.as_deref(), Some("https://x/1"));
        assert!(
            matches!(&items[1], Item::Bad { reason, .. } if reason.contains("\"description\" is missing or empty"))
        );
        let named = FieldMap { text: Some("location".into()), title: Some("company".into()), ..Default::default() };
        let items = read(DumpKind::Csv, csv, &named);
        let Item::Doc(a) = &items[0] else { panic!() };
        assert_eq!(a.text, "# Acme\n\nBerlin");
    }

    #[test]
    fn excel_semicolon_csv_is_read_by_its_separator() {
        assert_eq!(sniff_delimiter(b"title;company;description\nPM;Acme;Own it\n", DumpKind::Csv), b';');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n", DumpKind::Csv), b',');
        assert_eq!(sniff_delimiter(b"title\n", DumpKind::Csv), b',');
        // Excel's separator line wins over counting
        assert_eq!(sniff_delimiter(b"sep=|\r\ntitle;company,description\n", DumpKind::Csv), b'|');
        assert_eq!(sniff_delimiter(b"sep=;\ntitle,company,description\n", DumpKind::Csv), b';');
        assert_eq!(sniff_delimiter(b"sep=abc,d\n", DumpKind::Csv), b',');
        let csv =
            "title;company;description\nProduct Owner;Acme GmbH;\"Own the backlog; write stories, run reviews\"\n";
        let items = read(DumpKind::Csv, csv, &FieldMap::default());
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn csv_without_text_column_is_not_a_dump() {
        let csv = "Level,Associate PM,Senior PM\nScope,Feature,Product area\n";
        let r = DumpReader::open(
            "m.csv",
            Box::new(std::io::Cursor::new(csv.as_bytes().to_vec())),
            DumpKind::Csv,
            b',',
            &FieldMap::default(),
            1000,
            dr(),
        )
        .unwrap();
        assert!(r.is_none());
        let d = csv_table_doc("m.csv", csv.as_bytes(), b',', 20_000);
        assert!(d.text.starts_with("| Level | Associate PM | Senior PM |\n|---|---|---|\n| Scope |"));
        // Excel's `sep=` line is no row; rows past the limit are cut, the limit kept
        let d = csv_table_doc("m.csv", format!("sep=,\r\n{csv}").as_bytes(), b',', 20_000);
        assert!(d.text.starts_with("| Level | Associate PM | Senior PM |\n|---|---|---|\n| Scope |"), "{}", d.text);
        let d = csv_table_doc("m.csv", b"sep=;\na;b\n1;2\n3;4\n5;6\n", b';', 3);
        assert_eq!(d.text, "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n");
        assert_eq!(d.meta.truncated, ["table cut from line 5 on: more than 3 rows (--max-blocks)"]);
    }

    #[test]
    fn long_lines_are_refused_without_being_held() {
        let big = format!("{{\"description\": \"{}\"}}\n{{\"description\": \"ok\"}}\n", "x".repeat(50_000));
        let items = read(DumpKind::Jsonl, &big, &FieldMap::default());
        assert!(matches!(&items[0], Item::Bad { reason, .. } if reason.contains("over the limit of 10000")));
        assert!(matches!(&items[1], Item::Doc(_)));
    }

    #[test]
    fn the_title_heads_the_text_unless_it_already_does() {
        let src = SourceInfo::default;
        let d = record_doc(
            "x",
            "<p>As Product Owner you will:</p><ul><li>a</li></ul>",
            Some("Product Owner"),
            src(),
            Fields::new(),
        )
        .unwrap();
        assert!(d.text.starts_with("<h1>Product Owner</h1>\n<p>As"), "{}", d.text);
        assert!(record_doc("x", "\0\0", Some("Product Owner"), src(), Fields::new()).is_none());
        let d =
            record_doc("x", "<h1>Product Owner</h1><ul><li>a</li></ul>", Some("Product Owner"), src(), Fields::new())
                .unwrap();
        assert!(d.text.starts_with("<h1>Product Owner</h1><ul>"), "{}", d.text);
        let d =
            record_doc("x", "## Product Owner (m/w/d)\n\n- a", Some("Product Owner"), src(), Fields::new()).unwrap();
        assert!(d.text.starts_with("## Product Owner"), "{}", d.text);
        let d = record_doc("x", "Own the backlog.", Some("Product <Owner>"), src(), Fields::new()).unwrap();
        assert_eq!((d.text.as_str(), d.format), ("# Product <Owner>\n\nOwn the backlog.", Format::Markdown));
    }

    #[test]
    fn duplicate_ids_stay_unique() {
        let items = read(
            DumpKind::Jsonl,
            "{\"id\":1,\"text\":\"a b c\"}\n{\"id\":1,\"text\":\"d e f\"}\n",
            &FieldMap::default(),
        );
        let ids = ids(&items);
        assert_eq!(ids, ["d#1", "d#1@line2"]);
    }

    fn shape(csv: &str) -> Shape {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(csv.as_bytes());
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(norm_key).collect();
        let rows: Vec<Vec<String>> = rdr.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        classify(&headers, &rows, dr())
    }

    #[test]
    fn postings_and_tables_are_told_by_content() {
        let long = "Own the roadmap and work with engineering and design. ".repeat(5);
        let postings = |h: &str| {
            format!(
                "{h}
1,PM,\"{long}\"\n2,PO,\"{long}\"\n"
            )
        };
        let by_len = |t: &str| Shape::Postings { text: t.into(), by_length: true };
        let known = |t: &str| Shape::Postings { text: t.into(), by_length: false };
        assert_eq!(shape(&postings("ref,headline,summary")), by_len("summary"));
        assert_eq!(shape(&postings("ref,headline,description")), known("description"));
        // short texts: postings when the columns are a posting's, else a table
        assert_eq!(shape("id,title,description\nc1,PM,Own it\n"), known("description"));
        assert_eq!(shape("Role,Description\nProduct Owner,Owns the backlog\n"), Shape::Table);
        assert_eq!(shape("id,title,company,teaser,blurb\n1,PM,Acme,Own it,Own the roadmap\n"), by_len("blurb"));
        assert_eq!(shape("Role,Responsibility\nProduct Owner,Own the product backlog\n"), Shape::Table);
        // ladders: level rows or level headers, whatever the text column
        assert_eq!(shape("Level,Title,Description\nL1,APM,Ships small features\nL2,PM,Owns an area\n"), Shape::Table);
        assert_eq!(shape("Description,Junior,Senior,Staff\nScope,Task,Feature,Area\n"), Shape::Table);
        assert_eq!(shape(&format!("Level,description\nIC3,\"{long}\"\nIC4,\"{long}\"\n")), Shape::Table);
        // ids that look like codes are not levels; links are not texts
        assert!(is_level_cell("L3", dr()) && is_level_cell("Senior PM", dr()) && is_level_cell("ic4", dr()));
        assert!(!is_level_cell("c1", dr()) && !is_level_cell("17", dr()) && !is_level_cell("Product Manager", dr()));
        let f: Fields = [("url".to_string(), "https://x.org/".repeat(30)), ("blurb".to_string(), "Own it".to_string())]
            .into_iter()
            .collect();
        assert_eq!(longest_text_field(&f, dr()).as_deref(), Some("blurb"));
    }
}
