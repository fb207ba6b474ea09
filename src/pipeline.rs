//! The plan and the parallel run: list the corpus, process documents in parallel chunks
//! (rayon, order kept), stream each chunk's rows to the output, accumulate comparisons.
//! Only one chunk of documents is in memory at a time.

use crate::compare::Comparer;
use crate::emit::Output;
use crate::ingest::dump::{self, DumpKind, DumpReader, FieldMap};
use crate::ingest::{self, Corpus, IngestError, Listed};
use crate::model::{DocRecord, DocResult, Limits, SourceInfo, Status};
use crate::rules::Rules;
use crate::{clean, extract, normalize};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Documents processed together; bounds memory whatever the corpus size.
pub const CHUNK: usize = 256;

/// The last chunk of a corpus is processed in pieces of this many documents, or of two per
/// core where there are more cores (see `for_each`).
const LAST_PIECE: usize = 16;

/// Input bytes (dump records, files) in one chunk: a chunk's results, several times its
/// input, are held until written, so large documents make small chunks.
pub const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// Documents (files, dump records) of at least this many bytes are processed one at a
/// time, each in a chunk of its own: a parsed page takes up to a hundred bytes per byte of
/// tags, which every core taking at once would multiply.
const BIG_DOC: usize = 1024 * 1024;

/// What a run does.
#[derive(Debug, Clone)]
pub struct Options {
    pub corpus: Vec<PathBuf>,
    pub out: PathBuf,
    pub limits: Limits,
    /// Fields of dump records named by the user (`--text-field` and so on).
    pub fields: FieldMap,
    /// Neutralise spreadsheet formulas in CSV cells.
    pub csv_guard: bool,
    /// The formats of the tables (`--format`).
    pub formats: crate::emit::table::Formats,
    /// Dump fields written as columns of documents.csv (`--keep-field`), normalized names.
    pub keep_fields: Vec<String>,
    /// The part of the corpus processed (`--shard K/N`).
    pub shard: Shard,
}

impl Options {
    pub fn new(corpus: Vec<PathBuf>, out: PathBuf) -> Self {
        Options {
            corpus,
            out,
            limits: Limits::default(),
            fields: FieldMap::default(),
            csv_guard: true,
            formats: Default::default(),
            keep_fields: Vec::new(),
            shard: Shard::WHOLE,
        }
    }
}

/// Progress of a run, reported to whoever drives it (the CLI draws a bar).
pub trait Observer: Sync {
    fn begin(&self, _documents: usize, _bytes: u64) {}
    fn done(&self, _bytes: u64) {}
    fn end(&self) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// Figures of a finished run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub documents: usize,
    pub ok: usize,
    pub skipped: usize,
    pub errors: usize,
    /// Documents that a limit cut (processed, but not whole).
    pub truncated: usize,
    /// Near-duplicates of an earlier document.
    pub duplicates: usize,
    pub roles: usize,
    pub responsibilities: usize,
    pub bytes: u64,
    pub elapsed: Duration,
}

static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Ask a running pipeline to stop (from a signal handler): documents not yet started are
/// not started, and the run returns `RunError::Interrupted` without touching the output.
pub fn cancel() {
    CANCELLED.store(true, Ordering::SeqCst);
}

/// Whether `cancel` was called.
pub fn cancelled() -> bool {
    CANCELLED.load(Ordering::Relaxed)
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("interrupted: no output was written; the previous output is left as it was")]
    Interrupted,
    #[error(transparent)]
    Ingest(#[from] IngestError),
    // `error`, not `source`: the message holds it already (else it is printed twice)
    #[error("cannot write output folder {path}: {error}")]
    Output { path: PathBuf, error: std::io::Error },
}

/// Time spent per stage, summed over threads.
#[derive(Debug, Default)]
pub struct Timings {
    pub ingest: AtomicU64,
    /// Posting metadata (JSON-LD, the page head, record fields, cue lines).
    pub posting: AtomicU64,
    pub clean: AtomicU64,
    pub extract: AtomicU64,
    pub normalize: AtomicU64,
}

fn timed<T>(slot: &AtomicU64, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let v = f();
    slot.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    v
}

/// A result for a document that was not processed.
pub fn not_processed(id: &str, status: Status, reason: String, bytes: u64) -> DocResult {
    DocResult {
        doc: DocRecord {
            doc: id.to_string(),
            status,
            reason,
            format: String::new(),
            encoding: String::new(),
            bytes,
            company: None,
            company_evidence: None,
            shape: String::new(),
            blocks: 0,
            dropped_blocks: 0,
            roles: 0,
            responsibilities: 0,
            repairs: Vec::new(),
            truncated: Vec::new(),
            duplicate_of: None,
            language: None,
            posting: Default::default(),
            title: None,
            source_file: id.to_string(),
            record_id: None,
            position: None,
            url: None,
            extra: Default::default(),
        },
        roles: Vec::new(),
        responsibilities: Vec::new(),
        requirements: Vec::new(),
    }
}

/// A document read as far as extraction: what `run`, `explain` and `eval` share.
pub struct Analysed {
    pub extraction: crate::model::Extraction,
    pub posting: extract::metadata::PostingMeta,
    pub language: Option<String>,
}

/// Clean a decoded document, read its posting metadata and language, and extract its roles
/// with the rules of its language (`Rules::for_language`).
pub fn analyse(raw: crate::model::RawDoc, rules: &Rules, limits: &Limits, t: &Timings) -> Analysed {
    // posting metadata: JSON-LD of the page, then record fields / front matter, then text
    let html = raw.format == crate::model::Format::Html;
    let (ld, head, fields) = timed(&t.posting, || {
        let ld = html.then(|| extract::metadata::from_json_ld(&raw.text, &rules.posting)).flatten();
        let head = html.then(|| extract::metadata::from_html_head(&raw.text, &rules.posting)).flatten();
        (
            ld.unwrap_or_default(),
            head.unwrap_or_default(),
            extract::metadata::from_fields(&raw.meta.front_matter, &rules.posting),
        )
    });
    let c = timed(&t.clean, || clean::clean_with(raw, rules, limits));
    let posting = timed(&t.posting, || {
        let text = extract::metadata::from_text(&extract::metadata::cue_lines(&c.blocks), &rules.posting);
        extract::metadata::merge(&[ld, fields, head, text])
    });
    let language = clean::language(&c, &rules.languages);
    let rules = rules.for_language(language.as_deref());
    let extraction = timed(&t.extract, || extract::extract(c, &posting, rules));
    Analysed { extraction, posting, language }
}

/// Run clean, extract and normalize on a decoded document. A panic in any stage becomes an
/// `error` status for this document; the batch goes on.
pub fn process_raw(raw: crate::model::RawDoc, rules: &Rules, limits: &Limits, t: &Timings) -> DocResult {
    let id = raw.meta.id.clone();
    let bytes = raw.meta.bytes;
    guarded(&id, bytes, || finish(analyse(raw, rules, limits, t), rules, t))
}

/// Normalize an analysed document into its rows, with the rules of its language: the end of
/// every document's flow (`run`, `explain`, `eval`).
pub fn finish(a: Analysed, rules: &Rules, t: &Timings) -> DocResult {
    let own = rules.for_language(a.language.as_deref());
    let record = a.extraction.doc.meta.record;
    let mut r = timed(&t.normalize, || normalize::normalize(a.extraction, own));
    // A ladder or a guide to several roles is no posting: its prose, page title and front
    // matter tell no posting's title, pay or terms ("a Head of Product could earn $180,000").
    // What a JobPosting's markup or a dump's record states is kept.
    r.doc.posting = if matches!(r.doc.shape.as_str(), extract::SHAPE_LADDER | extract::SHAPE_ROLES) {
        let (ld, fields) = (extract::metadata::SOURCE_JSON_LD, extract::metadata::SOURCE_FIELDS);
        let keep = [ld, fields];
        a.posting.only_from(if record { &keep } else { &keep[..1] })
    } else {
        a.posting
    };
    if let Some(note) = a.language.as_deref().and_then(|l| language_note(l, rules)) {
        r.doc.reason = if r.doc.reason.is_empty() { note } else { format!("{}; {note}", r.doc.reason) };
    }
    timed(&t.normalize, || crate::codes::assign(&mut r.roles, own, a.language.as_deref()));
    r.doc.language = a.language;
    r
}

/// What documents.csv says of a document in a language without a rule pack.
pub fn language_note(code: &str, rules: &Rules) -> Option<String> {
    if rules.languages.has_pack(code) {
        return None;
    }
    let name = whatlang::Lang::from_code(code).map_or(code, |l| l.eng_name());
    Some(match &rules.languages.fallback {
        Some(f) => format!("language {name} ({code}) has no rule pack: read with structure.toml and lang/{f}.toml"),
        None => format!("language {name} ({code}) has no rule pack: read with structure.toml only"),
    })
}

/// The text of a caught panic.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default()
}

thread_local! {
    /// Is this thread inside `guarded`? Where did its last panic there happen?
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static PANICKED_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// A panic inside one document's work (`guarded`) is told on its `error` row, with where it
/// happened, instead of a message and backtrace on stderr amid the run's own lines; any
/// other panic is printed as before. For the command-line tool; call once.
pub fn report_document_panics_on_their_rows() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if GUARDED.with(std::cell::Cell::get) {
            let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
            PANICKED_AT.with(|p| *p.borrow_mut() = at);
        } else {
            default(info);
        }
    }));
}

/// Run `f`, catching a panic: its message and where it happened ("index out of range (at
/// src/x.rs:12)"), reported on its document's row, never printed amid the run's lines.
fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = GUARDED.with(|g| g.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    r.map_err(|p| {
        let at = PANICKED_AT.with(|p| p.borrow_mut().take()).map(|a| format!(" (at {a})")).unwrap_or_default();
        format!("{}{at}", panic_message(&*p))
    })
}

/// Run one entry's whole work (read, decode, front matter, clean, …) so that a panic
/// anywhere in it becomes an `error` row for that document, never the end of the batch.
fn guarded(id: &str, bytes: u64, f: impl FnOnce() -> DocResult) -> DocResult {
    caught(f)
        .unwrap_or_else(|msg| not_processed(id, Status::Error, format!("internal error (please report): {msg}"), bytes))
}

/// Process one listed entry.
pub fn process(
    entry: &Listed,
    sources: &BTreeMap<String, SourceInfo>,
    rules: &Rules,
    limits: &Limits,
    t: &Timings,
) -> DocResult {
    match entry {
        Listed::Skip { id, reason } => not_processed(id, Status::Skipped, reason.clone(), 0),
        Listed::Fail { id, reason } => not_processed(id, Status::Error, reason.clone(), 0),
        // dumps are opened by `Works`, which hands their records over one by one
        Listed::Dump { id, .. } => not_processed(id, Status::Error, "internal error: dump not opened".into(), 0),
        Listed::Doc { id, path } => match timed(&t.ingest, || ingest::read(id, path, sources, limits.max_bytes)) {
            Ok(raw) => process_raw(raw, rules, limits, t),
            Err(rejected) => {
                let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                not_processed(id, rejected.status, rejected.reason, bytes)
            }
        },
    }
}

/// Process a decoded text as one document (tests, tools).
pub fn process_text(id: &str, text: &str, rules: &Rules) -> DocResult {
    let raw = ingest::decode_doc(id, text.as_bytes(), &BTreeMap::new());
    process_raw(raw, rules, &Limits::default(), &Timings::default())
}

fn size(e: &Listed) -> u64 {
    match e {
        Listed::Doc { path, .. } | Listed::Dump { path, .. } => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        _ => 0,
    }
}

/// One unit of work: a listed entry, a record of a dump, or a result known without work.
enum Work<'a> {
    Entry(&'a Listed),
    Record(Box<crate::model::RawDoc>),
    Done(Box<DocResult>),
}

/// Whether a text file is a spreadsheet saved as tab-separated text (judged on its opening).
fn is_tab_text(path: &std::path::Path) -> bool {
    const HEAD: usize = 64 * 1024;
    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
        return false;
    }
    // a pipe or device is left to the document reader, which refuses it
    let Ok((f, meta)) = ingest::open_regular(path) else { return false };
    let mut head = Vec::with_capacity(HEAD.min(meta.len() as usize));
    if std::io::Read::read_to_end(&mut std::io::Read::take(f, HEAD as u64), &mut head).is_err() {
        return false;
    }
    // an odd cut would split a UTF-16 unit
    let whole = (head.len() as u64) == meta.len();
    if !whole && head.len() % 2 == 1 {
        head.pop();
    }
    dump::looks_like_tab_table(&ingest::decode::decode(&head).text, whole)
}

/// The corpus as a stream of work, opening dumps and reading their records lazily, so a
/// dump larger than memory is processed chunk by chunk like a folder.
struct Works<'a> {
    corpus: &'a Corpus,
    /// how dumps are read (`rules.posting.dump`)
    dump_rules: &'a dump::DumpRules,
    next: usize,
    fields: &'a FieldMap,
    limits: &'a Limits,
    /// the dump being read: its reader, its entry, its size
    dump: Option<(DumpReader, &'a Listed, u64, DumpKind)>,
    /// the encoding of the dump being read
    encoding: &'static str,
    /// the ids given to dump records
    ids: Ids,
    /// bytes read so far from standard input, when the open dump is read from it (its size
    /// is known only at its end)
    stdin_bytes: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// the part of the corpus this run processes (`--shard K/N`); every shard reads the
    /// corpus' listing and its dumps whole, so ids and order keys are the same in all
    shard: Shard,
    /// the order key of the next work: its place among all the corpus' documents
    seq: u64,
}

/// A reader that counts the bytes it gives.
struct Counting<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Ids already given (as hashes, so that memory stays small for any number of records):
/// a record id that repeats one (ids `1`, `1@line3`, `1`) gets `~2`, `~3`, …
#[derive(Default)]
struct Ids(std::collections::HashSet<u64>);

impl Ids {
    fn hash(id: &str) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(id)
    }
    fn unique(&mut self, id: String) -> String {
        if self.0.insert(Self::hash(&id)) {
            return id;
        }
        let new = (2..).map(|n| format!("{id}~{n}")).find(|c| !self.0.contains(&Self::hash(c))).unwrap_or(id);
        self.0.insert(Self::hash(&new));
        new
    }
}

impl<'a> Works<'a> {
    fn new(corpus: &'a Corpus, fields: &'a FieldMap, limits: &'a Limits, dump_rules: &'a dump::DumpRules) -> Self {
        let mut ids = Ids::default();
        for e in &corpus.entries {
            ids.0.insert(Ids::hash(e.id()));
        }
        Works {
            corpus,
            dump_rules,
            next: 0,
            fields,
            limits,
            dump: None,
            encoding: "utf-8",
            ids,
            stdin_bytes: None,
            shard: Shard::WHOLE,
            seq: 0,
        }
    }

    /// The next work of this shard, with its order key.
    fn next_keyed(&mut self) -> Option<(u64, Work<'a>)> {
        loop {
            let w = self.next()?;
            let key = self.seq;
            self.seq += 1;
            let id = match &w {
                Work::Entry(e) => e.id(),
                Work::Record(raw) => raw.meta.id.as_str(),
                Work::Done(r) => r.doc.doc.as_str(),
            };
            if self.shard.has(id) {
                return Some((key, w));
            }
        }
    }

    /// The work of an entry; `None` when it is a dump that is now open for reading.
    fn open(&mut self, entry: &'a Listed) -> Option<Work<'a>> {
        let (id, path, kind) = match entry {
            // standard input holds what `--input-format` says
            Listed::Dump { id, path, kind } if path.as_os_str() == "-" => {
                (id, path, self.fields.stdin.unwrap_or(*kind))
            }
            Listed::Dump { id, path, kind } => (id, path, *kind),
            // a spreadsheet saved as tab-separated text is a table, not lines of prose
            Listed::Doc { id, path } if is_tab_text(path) => (id, path, DumpKind::Tsv),
            _ => return Some(Work::Entry(entry)),
        };
        let kind = &kind;
        let bytes = size(entry);
        let input: Result<Box<dyn std::io::Read + Send>, ingest::Rejected> = if path.as_os_str() == "-" {
            let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            self.stdin_bytes = Some(read.clone());
            Ok(Box::new(Counting { inner: std::io::stdin(), read }))
        } else {
            self.stdin_bytes = None;
            // a named pipe or device called `feed.jsonl` is refused, not waited on
            ingest::open_regular(path).map(|(f, _)| ingest::uncompressed(path, f))
        };
        let input = match input {
            Ok(i) => i,
            Err(r) => return Some(Work::Done(Box::new(not_processed(id, r.status, r.reason, bytes)))),
        };
        // a BOM, UTF-16 or Windows-1252 (judged on the whole file) is decoded as the dump is read
        let whole = (path.as_os_str() != "-")
            .then(|| ingest::open_regular(path).ok())
            .flatten()
            .map(|(f, _)| ingest::uncompressed(path, f));
        let input = match ingest::decode::stream(input, whole) {
            Ok((i, encoding)) => {
                self.encoding = encoding;
                i
            }
            Err(e) => {
                return Some(Work::Done(Box::new(not_processed(id, Status::Error, format!("cannot read: {e}"), bytes))))
            }
        };
        // a CSV's separator from its header line (Excel writes `;` in some locales)
        let mut delim = b',';
        let input: Box<dyn std::io::Read + Send> = match kind {
            DumpKind::Jsonl | DumpKind::Json => input,
            DumpKind::Csv | DumpKind::Tsv => {
                let mut buffered = std::io::BufReader::with_capacity(64 * 1024, input);
                delim = dump::sniff_delimiter(std::io::BufRead::fill_buf(&mut buffered).unwrap_or(&[]), *kind);
                Box::new(buffered)
            }
        };
        Some(match DumpReader::open(id, input, *kind, delim, self.fields, self.limits.max_bytes, self.dump_rules) {
            Ok(Some(r)) => {
                self.dump = Some((r, entry, bytes, *kind));
                return None;
            }
            // standard input is read once: a CSV on it without a text column is no dump
            Ok(None) if path.as_os_str() == "-" => Work::Done(Box::new(not_processed(
                id,
                Status::Error,
                "standard input holds a CSV without a column of posting texts: name it with --text-field".into(),
                bytes,
            ))),
            Ok(None) => {
                // a CSV without a text column: one table document
                match ingest::read_bytes(path, self.limits.max_bytes) {
                    Ok(b) => {
                        let mut raw = dump::csv_table_doc(id, &b, delim, self.limits.max_blocks);
                        raw.meta.source = self.corpus.sources.get(id.as_str()).cloned();
                        Work::Record(Box::new(raw))
                    }
                    Err(r) => Work::Done(Box::new(not_processed(id, r.status, r.reason, bytes))),
                }
            }
            Err(r) => Work::Done(Box::new(not_processed(id, r.status, r.reason, bytes))),
        })
    }
}

impl<'a> Iterator for Works<'a> {
    type Item = Work<'a>;

    fn next(&mut self) -> Option<Work<'a>> {
        loop {
            if let Some((reader, entry, bytes, kind)) = &mut self.dump {
                // a panic while reading a record ends the dump with an error row, not the run
                let next = match caught(|| reader.next()) {
                    Ok(n) => n,
                    Err(msg) => {
                        let reason = format!(
                            "internal error (please report) after {} record(s); the rest of the dump was not read: {msg}",
                            reader.summary.records,
                        );
                        let r = not_processed(entry.id(), Status::Error, reason, *bytes);
                        self.dump = None;
                        return Some(Work::Done(Box::new(r)));
                    }
                };
                match next {
                    Some(dump::Item::Doc(mut raw)) => {
                        raw.meta.id = self.ids.unique(std::mem::take(&mut raw.meta.id));
                        let file_company = self.corpus.sources.get(entry.id()).and_then(|s| s.company.clone());
                        if let (Some(src), Some(c)) = (raw.meta.source.as_mut(), file_company) {
                            src.company.get_or_insert(c);
                        }
                        return Some(Work::Record(raw));
                    }
                    Some(dump::Item::Bad { id, status, reason, bytes, origin }) => {
                        let id = self.ids.unique(id);
                        let mut r = not_processed(&id, status, reason, bytes);
                        r.doc.source_file = origin.file;
                        r.doc.record_id = origin.record_id;
                        r.doc.position = origin.position;
                        return Some(Work::Done(Box::new(r)));
                    }
                    None => {
                        // the dump file's own row, after its records: what was read
                        let s = &reader.summary;
                        let bytes = match self.stdin_bytes.take() {
                            Some(read) => read.load(std::sync::atomic::Ordering::Relaxed),
                            None => *bytes,
                        };
                        let mut r = not_processed(
                            entry.id(),
                            Status::Ok,
                            format!(
                                "dump of {} record(s), one document each{}; fields: {}",
                                s.records,
                                if s.bad > 0 { format!(" ({} could not be read)", s.bad) } else { String::new() },
                                if s.fields.is_empty() { "none found in a readable record" } else { &s.fields }
                            ) + &s.notes(),
                            bytes,
                        );
                        r.doc.encoding = self.encoding.to_string();
                        if self.encoding != "utf-8" {
                            r.doc.repairs.push(format!("records decoded from {}", self.encoding));
                        }
                        r.doc.format = match kind {
                            DumpKind::Jsonl => "jsonl",
                            DumpKind::Json => "json",
                            DumpKind::Tsv => "tsv",
                            DumpKind::Csv => "csv",
                        }
                        .to_string();
                        self.dump = None;
                        return Some(Work::Done(Box::new(r)));
                    }
                }
            }
            let entry = self.corpus.entries.get(self.next)?;
            self.next += 1;
            // `None`: a dump was opened; go round and read its first record
            match caught(|| self.open(entry)) {
                Ok(Some(w)) => return Some(w),
                Ok(None) => {}
                Err(msg) => {
                    self.dump = None;
                    let reason = format!("internal error (please report): {msg}");
                    return Some(Work::Done(Box::new(not_processed(entry.id(), Status::Error, reason, size(entry)))));
                }
            }
        }
    }
}

/// One input as `run` reads it: a document (a file, or one record of a dump) to analyse,
/// or a result known without analysis (skipped, unreadable, a dump's own row).
pub enum Input {
    Doc(Box<crate::model::RawDoc>),
    Done(Box<DocResult>),
}

/// The inputs of a listed corpus in order, read as `run` reads them (dumps opened and read
/// record by record, spreadsheets saved as text told from prose); for `explain`.
pub fn inputs<'a>(
    corpus: &'a Corpus,
    rules: &'a Rules,
    limits: &'a Limits,
    fields: &'a FieldMap,
) -> impl Iterator<Item = Input> + 'a {
    Works::new(corpus, fields, limits, &rules.posting.dump).map(move |w| match w {
        Work::Record(raw) => Input::Doc(raw),
        Work::Done(r) => Input::Done(r),
        Work::Entry(Listed::Doc { id, path }) => match ingest::read(id, path, &corpus.sources, limits.max_bytes) {
            Ok(raw) => Input::Doc(Box::new(raw)),
            Err(r) => {
                let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                Input::Done(Box::new(not_processed(id, r.status, r.reason, bytes)))
            }
        },
        Work::Entry(Listed::Skip { id, reason }) => {
            Input::Done(Box::new(not_processed(id, Status::Skipped, reason.clone(), 0)))
        }
        Work::Entry(Listed::Fail { id, reason }) => {
            Input::Done(Box::new(not_processed(id, Status::Error, reason.clone(), 0)))
        }
        // `Works` opens every dump itself
        Work::Entry(e @ Listed::Dump { .. }) => {
            Input::Done(Box::new(not_processed(e.id(), Status::Error, "internal error: dump not opened".into(), 0)))
        }
    })
}

/// Process a listed corpus chunk by chunk, calling `sink` with each document's result in
/// corpus order.
// the inputs of the flow, each its own: a struct of them would be built for this call alone
#[allow(clippy::too_many_arguments)]
pub fn for_each(
    corpus: &Corpus,
    rules: &Rules,
    limits: &Limits,
    fields: &FieldMap,
    shard: Shard,
    t: &Timings,
    obs: &dyn Observer,
    mut sink: impl FnMut(u64, DocResult) -> std::io::Result<()> + Send,
) -> std::io::Result<()> {
    // the listed inputs (files, dumps), not the records of dumps: their bytes are the dump's
    let listed: std::collections::HashSet<&str> = corpus.entries.iter().map(Listed::id).collect();
    let work = |chunk: Vec<(u64, Work<'_>)>| -> Vec<(u64, DocResult)> {
        chunk
            .into_par_iter()
            .map(|(key, w)| {
                let r = match w {
                    Work::Done(r) => *r,
                    // the run is being abandoned; this result is never written
                    _ if cancelled() => not_processed("", Status::Error, "interrupted".into(), 0),
                    Work::Entry(e) => guarded(e.id(), 0, || process(e, &corpus.sources, rules, limits, t)),
                    Work::Record(raw) => {
                        let (id, bytes) = (raw.meta.id.clone(), raw.meta.bytes);
                        guarded(&id, bytes, || process_raw(*raw, rules, limits, t))
                    }
                };
                if listed.contains(r.doc.doc.as_str()) {
                    obs.done(r.doc.bytes);
                }
                (key, r)
            })
            .collect()
    };
    let mut works = Works::new(corpus, fields, limits, &rules.posting.dump);
    works.shard = shard;
    let ahead = ReadAhead::default();
    let max_bytes = limits.max_bytes;
    std::thread::scope(|s| {
        // (a thread that cannot be started, at a limit of threads, leaves the workers to
        // read without help)
        let reader = std::thread::Builder::new()
            .name("read-ahead".into())
            .spawn_scoped(s, || ahead.run(corpus, shard, |p| ingest::read_ahead(p, max_bytes)))
            .ok();
        if let Some(r) = &reader {
            let _ = ahead.reader.set(r.thread().clone());
        }
        // stops the reader however the loop ends
        let _stop = StopReader(&ahead);
        chunks(&mut works, &ahead, work, &mut sink)
    })
}

/// The chunk loop of `for_each`: build a chunk, process it in pieces while the last piece's
/// results are written.
fn chunks<'a>(
    works: &mut Works<'a>,
    ahead: &ReadAhead,
    work: impl Fn(Vec<(u64, Work<'a>)>) -> Vec<(u64, DocResult)> + Sync,
    sink: &mut (impl FnMut(u64, DocResult) -> std::io::Result<()> + Send),
) -> std::io::Result<()> {
    // the results of one chunk are written while the next chunk is processed
    let mut pending: Vec<(u64, DocResult)> = Vec::new();
    // the document that did not fit the last chunk
    let mut carried: Option<(u64, Work<'_>)> = None;
    loop {
        if cancelled() {
            return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
        }
        // at most CHUNK documents, and records of dumps (held decoded until processed) of at
        // most CHUNK_BYTES in all: 256 records of a megabyte, or of 100,000 columns, are not
        // held at once
        let mut chunk: Vec<(u64, Work<'_>)> = Vec::with_capacity(CHUNK);
        let mut held = 0usize;
        while chunk.len() < CHUNK && held < CHUNK_BYTES {
            let Some(w) = carried.take().or_else(|| works.next_keyed()) else { break };
            // a document's results (rows of its responsibilities) run to several times its
            // size, and a chunk's are held until written: files count by their size too
            let bytes = match &w.1 {
                Work::Record(raw) => {
                    raw.text.len() + raw.meta.front_matter.iter().map(|(k, v)| k.len() + v.len() + 64).sum::<usize>()
                }
                Work::Entry(e) => size(e) as usize,
                Work::Done(_) => 0,
            };
            // a large document is processed alone (`BIG_DOC`)
            if bytes >= BIG_DOC && !chunk.is_empty() {
                carried = Some(w);
                break;
            }
            held += bytes;
            chunk.push(w);
            if bytes >= BIG_DOC {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        // the last chunk's results are written after every core is done: it goes in pieces,
        // each written while the next is processed, so little is left to write alone
        if carried.is_none() {
            carried = works.next_keyed();
        }
        ahead.reached(works.next);
        let piece = if carried.is_none() { LAST_PIECE.max(2 * rayon::current_num_threads()) } else { chunk.len() };
        let mut chunk = chunk.into_iter().peekable();
        while chunk.peek().is_some() {
            let part: Vec<(u64, Work<'_>)> = chunk.by_ref().take(piece).collect();
            let (written, next) = rayon::join(|| pending.drain(..).try_for_each(|(k, r)| sink(k, r)), || work(part));
            written?;
            pending = next;
        }
    }
    pending.into_iter().try_for_each(|(k, r)| sink(k, r))
}

/// Files asked for ahead of the chunk being processed: at most a chunk's count of this
/// shard's files beyond it, and at most this many bytes (page cache, not the run's memory).
const AHEAD_BYTES: u64 = 2 * CHUNK_BYTES as u64;

/// Reading ahead of the workers. A corpus that is not in the page cache (a new download, a
/// folder not read for a while) made each core wait on the disk for every file it read, one
/// file at a time. A thread of its own asks the kernel for the listed files of the next chunk
/// while this one is processed (`ingest::read_ahead`), so that the disk reads many at once
/// and a worker finds its file in memory. It stays within a chunk's count of this shard's
/// files (and `AHEAD_BYTES`) of where the chunks have reached (`Works::next`), skips other
/// shards' files and the dumps (read in order, which the kernel reads ahead of by itself),
/// and stops with the run. Outputs are the same with
/// it or without it: it reads nothing itself.
#[derive(Default)]
struct ReadAhead {
    /// the index of the entry after the last chunk built
    reached: std::sync::atomic::AtomicUsize,
    stop: AtomicBool,
    /// the reader's thread, woken when the chunks move on
    reader: std::sync::OnceLock<std::thread::Thread>,
}

/// Stops the reader when dropped: on every way out of the chunk loop.
struct StopReader<'a>(&'a ReadAhead);

impl Drop for StopReader<'_> {
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::Release);
        self.0.wake();
    }
}

impl ReadAhead {
    /// The chunks have reached entry `next`.
    fn reached(&self, next: usize) {
        self.reached.store(next, Ordering::Release);
        self.wake();
    }

    fn wake(&self) {
        if let Some(t) = self.reader.get() {
            t.unpark();
        }
    }

    /// The reader's loop: `ask` each file in turn (`ingest::read_ahead`: its size, or
    /// `None`), and `park` until the chunks move on (or the stop). A chunk's files that the
    /// workers read first are asked for all the same: they are then read in a batch rather
    /// than one by one.
    fn run(&self, corpus: &Corpus, shard: Shard, mut ask: impl FnMut(&Path) -> Option<u64>) {
        let (entries, mut i) = (&corpus.entries, 0);
        // the files asked for at or after `reached`, with their sizes
        let mut asked: std::collections::VecDeque<(usize, u64)> = Default::default();
        let mut bytes = 0u64;
        while i < entries.len() {
            if self.stop.load(Ordering::Acquire) || cancelled() {
                return;
            }
            let reached = self.reached.load(Ordering::Acquire);
            while asked.front().is_some_and(|&(j, _)| j < reached) {
                bytes -= asked.pop_front().map_or(0, |(_, b)| b);
            }
            if asked.len() >= CHUNK || bytes >= AHEAD_BYTES {
                std::thread::park();
                continue;
            }
            if let Listed::Doc { id, path } = &entries[i] {
                if shard.has(id) {
                    let b = ask(path).unwrap_or(0);
                    bytes += b;
                    asked.push_back((i, b));
                }
            }
            i += 1;
        }
    }
}

/// The listed file a document id belongs to: itself, or the dump its record came from
/// (`feed.jsonl#in-1` → `feed.jsonl`; file names may hold `#` too).
fn file_of<'a>(listed: &std::collections::HashSet<&str>, id: &'a str) -> &'a str {
    if listed.contains(id) {
        return id;
    }
    id.rmatch_indices('#').map(|(i, _)| &id[..i]).find(|p| listed.contains(p)).unwrap_or(id)
}

/// Run the whole pipeline: corpus in, output folder out.
pub fn run(opts: &Options, rules: &Rules, obs: &dyn Observer) -> Result<Summary, RunError> {
    let start = Instant::now();
    let corpus = ingest::list_excluding(&opts.corpus, Some(&opts.out))?;
    let total: u64 = corpus.entries.par_iter().map(size).sum();
    obs.begin(corpus.entries.len(), total);
    let out_err = |error| RunError::Output { path: opts.out.clone(), error };
    let mut c = Collector::create(opts).map_err(out_err)?;
    let t = Timings::default();
    // a dump's bytes are counted once, on its own row (its records hold the same bytes)
    let listed: std::collections::HashSet<&str> = corpus.entries.iter().map(Listed::id).collect();
    for_each(&corpus, rules, &opts.limits, &opts.fields, opts.shard, &t, obs, |key, r| {
        let file = file_of(&listed, &r.doc.doc).to_string();
        let is_listed = listed.contains(r.doc.doc.as_str());
        c.add(key, &file, is_listed, r)
    })
    .map_err(|e| if cancelled() { RunError::Interrupted } else { out_err(e) })?;
    let ms = |a: &AtomicU64| a.load(Ordering::Relaxed) / 1_000_000;
    let timings = serde_json::json!({
        "ingest_cpu_ms": ms(&t.ingest), "clean_cpu_ms": ms(&t.clean),
        "extract_cpu_ms": ms(&t.extract), "normalize_cpu_ms": ms(&t.normalize),
    });
    let run = RunFacts {
        corpus: opts.corpus.iter().map(|p| p.display().to_string()).collect(),
        limits: serde_json::json!({
            "max_bytes": opts.limits.max_bytes, "max_blocks": opts.limits.max_blocks,
            "max_block_chars": opts.limits.max_block_chars, "max_html_depth": opts.limits.max_html_depth,
        }),
        shard: (opts.shard != Shard::WHOLE).then_some(opts.shard),
        fields: fields_json(&opts.fields),
        listing: listing_digest(&corpus),
    };
    // the listing's memory is free for the tables' Parquet files, written at the end
    drop(listed);
    drop(corpus);
    let sum = c.finish(rules, opts, &run, timings, start)?;
    obs.end();
    Ok(sum)
}

/// What the manifest says of the run besides its counts: the corpus, the limits, the shard.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFacts {
    pub corpus: Vec<String>,
    pub limits: serde_json::Value,
    pub shard: Option<Shard>,
    /// How dump records were read (`--text-field`, …, `--csv-escape`, `--input-format`).
    pub fields: serde_json::Value,
    /// SHA-256 of the corpus' listing (every input's id and size): the same in every shard.
    pub listing: String,
}

/// The manifest's account of the dump options.
fn fields_json(f: &FieldMap) -> serde_json::Value {
    serde_json::json!({
        "text_field": f.text, "title_field": f.title, "company_field": f.company, "id_field": f.id,
        "csv_escape": format!("{:?}", f.csv_escape).to_lowercase(),
        "input_format": format!("{:?}", f.stdin.unwrap_or(DumpKind::Jsonl)).to_lowercase(),
    })
}

/// A digest of what a run lists: every input's id and size, in order.
fn listing_digest(corpus: &Corpus) -> String {
    let mut h = Sha256::new();
    for e in &corpus.entries {
        h.update(format!("{}\t{}\n", e.id(), size(e)));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `--shard K/N`: the documents of the corpus this run processes, by a hash of their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based
    pub k: u64,
    pub n: u64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// `K/N`, 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s:?}: expected K/N with 1 <= K <= N (e.g. 2/3)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Whether the document `id` is this shard's: the first 8 bytes of its SHA-256, modulo N.
    pub fn has(&self, id: &str) -> bool {
        if self.n == 1 {
            return true;
        }
        let h = Sha256::digest(id.as_bytes());
        let v = u64::from_be_bytes(h[..8].try_into().unwrap_or_default());
        v % self.n == self.k - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// What a run makes of its documents' results, taken in corpus order: the tables, the
/// near-duplicates, the comparisons, the report's notes, the counts and the partials that
/// `merge` reads. `run` feeds it from the corpus, `merge` from shards' partials: the same
/// results in the same order give the same output.
struct Collector {
    output: Output,
    partials: crate::emit::partials::Writer,
    cmp: Comparer,
    sum: Summary,
    // a digest of every input's id, status and size, not a list: the manifest stays small
    // whatever the corpus size (documents.csv has the list)
    inputs: Sha256,
    dedup: crate::compare::dedup::Deduper,
    notes: crate::report::Notes,
}

impl Collector {
    fn create(opts: &Options) -> std::io::Result<Collector> {
        let output = Output::create(&opts.out, &opts.formats, opts.csv_guard, &opts.keep_fields)?;
        let partials = crate::emit::partials::Writer::create(output.staging())?;
        Ok(Collector {
            output,
            partials,
            cmp: Comparer::default(),
            sum: Summary::default(),
            inputs: Sha256::new(),
            dedup: Default::default(),
            notes: Default::default(),
        })
    }

    /// One document's result: `key` is its place in the corpus, `file` the listed input it
    /// belongs to, `listed` whether it is that input itself (its bytes are counted).
    fn add(&mut self, key: u64, file: &str, listed: bool, mut r: DocResult) -> std::io::Result<()> {
        self.partials.add(key, file, listed, &r)?;
        let sum = &mut self.sum;
        sum.documents += 1;
        match r.doc.status {
            Status::Ok => sum.ok += 1,
            Status::Skipped => sum.skipped += 1,
            Status::Error => sum.errors += 1,
        }
        if !r.doc.truncated.is_empty() {
            sum.truncated += 1;
        }
        sum.roles += r.roles.len();
        sum.responsibilities += r.responsibilities.len();
        if listed {
            sum.bytes += r.doc.bytes;
        }
        self.inputs.update(format!("{}\t{}\t{}\n", r.doc.doc, r.doc.status.as_str(), r.doc.bytes));
        // a near-duplicate is listed, written and counted once in comparisons: as its original
        match self.dedup.add(&r) {
            Some(d) => {
                r.doc.duplicate_of = Some(d.duplicate_of.clone());
                sum.duplicates += 1;
                self.output.write_duplicate(&d)?;
                self.notes.add(&r, Some(&d));
            }
            None => {
                self.cmp.add(&r, file);
                self.notes.add(&r, None);
            }
        }
        self.output.write(&r)
    }

    /// The comparisons, the report and the manifest; then the output is put in place.
    fn finish(
        self,
        rules: &Rules,
        opts: &Options,
        run: &RunFacts,
        cpu: serde_json::Value,
        start: Instant,
    ) -> Result<Summary, RunError> {
        let out_err = |error| RunError::Output { path: opts.out.clone(), error };
        let Collector { mut output, partials, cmp, mut sum, inputs, notes, dedup } = self;
        // no document comes after the last: the near-duplicates' index is free for the
        // tables' Parquet files, written at the end
        drop(dedup);
        output.add_written(partials.finish().map_err(out_err)?);
        let t_cmp = Instant::now();
        let comparison = cmp.finish(rules);
        let cmp_ms = t_cmp.elapsed().as_millis() as u64;
        sum.elapsed = start.elapsed();
        let mut timings = serde_json::json!({
            "note": "the only part of the output that changes between identical runs",
            "wall_ms": sum.elapsed.as_millis() as u64,
            "compare_ms": cmp_ms,
        });
        if let (Some(t), Some(cpu)) = (timings.as_object_mut(), cpu.as_object()) {
            t.extend(cpu.clone());
        }
        let mut manifest = serde_json::json!({
            "tool": "rolemap",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": {"origin": rules.origin, "fingerprint": rules.fingerprint},
            "corpus": run.corpus,
            "inputs": {
                "documents": sum.documents,
                "bytes": sum.bytes,
                "sha256_of_doc_status_bytes": inputs.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>(),
            },
            "limits": run.limits,
            "dump_fields": run.fields,
            "listing_sha256": run.listing,
            "counts": {
                "documents": sum.documents, "ok": sum.ok, "skipped": sum.skipped, "error": sum.errors,
                "truncated": sum.truncated, "duplicates": sum.duplicates,
                "roles": sum.roles, "responsibilities": sum.responsibilities, "bytes": sum.bytes,
            },
            "outputs": crate::emit::files(&opts.formats),
            "timings": timings,
        });
        if let (Some(shard), Some(m)) = (run.shard, manifest.as_object_mut()) {
            // a shard's output: `rolemap merge` combines the shards' partials
            m.insert("shard".into(), serde_json::json!({"k": shard.k, "n": shard.n}));
        }
        if cancelled() {
            return Err(RunError::Interrupted);
        }
        let report = crate::report::render(&comparison, &notes, &sum, &rules.origin, &rules.fingerprint);
        if !output.finish(&comparison, &manifest, &report, &cancelled).map_err(out_err)? {
            return Err(RunError::Interrupted);
        }
        Ok(sum)
    }
}

/// Why shard outputs cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: {reason}")]
    Shard { path: PathBuf, reason: String },
    #[error("{0}")]
    Mismatch(String),
    #[error(transparent)]
    Run(#[from] RunError),
}

/// `rolemap merge`: the outputs of the shards of one run (`--shard K/N`, every K once)
/// combined into what one run over the whole corpus writes (the manifest's timings aside).
pub fn merge(shards: &[PathBuf], opts: &Options, rules: &Rules) -> Result<Summary, MergeError> {
    use crate::emit::partials;
    let start = Instant::now();
    let mut readers = Vec::new();
    let mut facts: Option<(RunFacts, String)> = None;
    let mut seen = std::collections::BTreeSet::new();
    for dir in shards {
        let bad = |reason: String| MergeError::Shard { path: dir.clone(), reason };
        let m = crate::emit::folder::own_manifest(dir)
            .filter(|m| m.get("command").is_none())
            .ok_or_else(|| bad("not an output folder of `rolemap run` (no manifest.json of rolemap run)".into()))?;
        let shard = match m.get("shard") {
            Some(s) => Shard {
                k: s.get("k").and_then(|v| v.as_u64()).unwrap_or(0),
                n: s.get("n").and_then(|v| v.as_u64()).unwrap_or(0),
            },
            None => Shard::WHOLE,
        };
        if shard.k == 0 || shard.k > shard.n {
            return Err(bad("its manifest names no valid shard".into()));
        }
        let corpus: Vec<String> = m
            .get("corpus")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let fingerprint = m.pointer("/rules/fingerprint").and_then(|v| v.as_str()).unwrap_or("").to_string();
        let f = RunFacts {
            corpus,
            limits: m.get("limits").cloned().unwrap_or_default(),
            shard: Some(shard),
            fields: m.get("dump_fields").cloned().unwrap_or_default(),
            listing: m.get("listing_sha256").and_then(|v| v.as_str()).unwrap_or("").to_string(),
        };
        let documents = m.pointer("/counts/documents").and_then(|v| v.as_u64()).unwrap_or(u64::MAX);
        match &facts {
            None => facts = Some((f.clone(), fingerprint.clone())),
            Some((first, fp)) => {
                let what = if first.corpus != f.corpus {
                    Some(format!("another corpus ({:?}, not {:?})", f.corpus, first.corpus))
                } else if first.shard.map(|s| s.n) != Some(shard.n) {
                    Some(format!("another number of shards ({}, not {})", shard.n, first.shard.map_or(1, |s| s.n)))
                } else if first.listing != f.listing {
                    Some("a corpus that lists other files or sizes (it changed between the shards' runs)".to_string())
                } else if first.limits != f.limits {
                    Some("other limits (--max-bytes, --max-blocks, …)".to_string())
                } else if first.fields != f.fields {
                    Some("other dump options (--text-field, --title-field, --company-field, --id-field, --csv-escape, --input-format)".to_string())
                } else if *fp != fingerprint {
                    Some("other rules (their fingerprints differ)".to_string())
                } else {
                    None
                };
                if let Some(what) = what {
                    return Err(bad(format!("a shard of {what} than {}", shards[0].display())));
                }
            }
        }
        if !seen.insert(shard.k) {
            return Err(bad(format!("shard {shard} is given twice")));
        }
        readers.push((partials::Reader::open(dir).map_err(|e| bad(e.to_string()))?, documents, 0u64));
    }
    let Some((facts, fingerprint)) = facts else {
        return Err(MergeError::Mismatch("no shard output given".into()));
    };
    let n = facts.shard.map_or(1, |s| s.n);
    let missing: Vec<String> = (1..=n).filter(|k| !seen.contains(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        return Err(MergeError::Mismatch(format!("shards missing: {} (of {n})", missing.join(", "))));
    }
    if fingerprint != rules.fingerprint {
        return Err(MergeError::Mismatch(format!(
            "the shards were made with other rules (fingerprint {}, these rules {}): merge with the same --rules",
            &fingerprint[..fingerprint.len().min(12)],
            &rules.fingerprint[..12]
        )));
    }
    let out_err = |error| RunError::Output { path: opts.out.clone(), error };
    let mut c = Collector::create(opts).map_err(out_err)?;
    // the shards' partials, each in corpus order, merged by their order keys
    let mut heads: Vec<Option<partials::Line>> = Vec::with_capacity(readers.len());
    for (i, (r, _, n)) in readers.iter_mut().enumerate() {
        let line = r.next_line().map_err(|e| MergeError::Shard { path: shards[i].clone(), reason: e.to_string() })?;
        *n += u64::from(line.is_some());
        heads.push(line);
    }
    let mut last: Option<u64> = None;
    loop {
        if cancelled() {
            return Err(RunError::Interrupted.into());
        }
        let Some(i) =
            (0..heads.len()).filter(|&i| heads[i].is_some()).min_by_key(|&i| heads[i].as_ref().map(|l| l.key))
        else {
            break;
        };
        let line = heads[i].take().unwrap_or_else(|| unreachable!());
        if last.is_some_and(|k| k >= line.key) {
            return Err(MergeError::Shard {
                path: shards[i].clone(),
                reason: format!("document {:?} repeats or comes out of order (key {})", line.result.doc.doc, line.key),
            });
        }
        last = Some(line.key);
        let (r, _, n) = &mut readers[i];
        heads[i] = r.next_line().map_err(|e| MergeError::Shard { path: shards[i].clone(), reason: e.to_string() })?;
        *n += u64::from(heads[i].is_some());
        c.add(line.key, &line.file, line.listed, line.result).map_err(out_err)?;
    }
    // every shard's partials whole: as many documents as its manifest counts
    for (i, (_, want, got)) in readers.iter().enumerate() {
        if want != got {
            return Err(MergeError::Shard {
                path: shards[i].clone(),
                reason: format!(
                    "{} holds {got} documents, its manifest counts {want}: the file is incomplete",
                    partials::FILE
                ),
            });
        }
    }
    let run = RunFacts { shard: None, ..facts };
    Ok(c.finish(rules, opts, &run, serde_json::json!({}), start)?)
}

/// `rolemap process`: the documents of a stream of postings (standard input, as a dump is
/// read: JSON Lines, CSV or TSV as `fields.stdin` says) written as they are done, one line
/// each in the partials format (`emit::partials::Line`), with no state shared between
/// streams: an engine fans a corpus out over as many processes as it likes. The stream's
/// own row (what a dump's row says in documents.csv) is not written.
pub fn process_stream(
    rules: &Rules,
    limits: &Limits,
    fields: &FieldMap,
    out: &mut (dyn std::io::Write + Send),
) -> Result<Summary, RunError> {
    let start = Instant::now();
    let corpus = ingest::list(&[PathBuf::from("-")])?;
    let mut sum = Summary::default();
    let mut line = Vec::new();
    let t = Timings::default();
    for_each(&corpus, rules, limits, fields, Shard::WHOLE, &t, &Silent, |key, r| {
        // the stream's own row, unless it says the stream could not be read
        if r.doc.source_file == r.doc.doc && r.doc.status != Status::Error {
            return Ok(());
        }
        sum.documents += 1;
        match r.doc.status {
            Status::Ok => sum.ok += 1,
            Status::Skipped => sum.skipped += 1,
            Status::Error => sum.errors += 1,
        }
        sum.truncated += usize::from(!r.doc.truncated.is_empty());
        sum.roles += r.roles.len();
        sum.responsibilities += r.responsibilities.len();
        line.clear();
        crate::emit::partials::write_line(&mut line, key, &r.doc.source_file, false, &r)?;
        out.write_all(&line)
    })
    .map_err(|error| {
        if cancelled() {
            RunError::Interrupted
        } else {
            RunError::Output { path: Path::new("-").to_path_buf(), error }
        }
    })?;
    out.flush().map_err(|error| RunError::Output { path: Path::new("-").to_path_buf(), error })?;
    sum.elapsed = start.elapsed();
    Ok(sum)
}

/// Process a corpus in memory and return every result (for `eval` and tests).
pub fn collect(corpus: &[PathBuf], rules: &Rules) -> Result<Vec<DocResult>, RunError> {
    let corpus = ingest::list(corpus)?;
    let mut out = Vec::new();
    let t = Timings::default();
    for_each(&corpus, rules, &Limits::default(), &FieldMap::default(), Shard::WHOLE, &t, &Silent, |_, r| {
        out.push(r);
        Ok(())
    })
    .map_err(|error| RunError::Output { path: Path::new("-").to_path_buf(), error })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader asks for the files in order, no more than a chunk of this shard's files
    /// beyond where the chunks have reached nor more than `AHEAD_BYTES`, skips dumps and
    /// other shards' files, and returns once stopped.
    #[test]
    fn reading_ahead_keeps_within_a_chunk_and_stops() {
        use std::sync::{Arc, Mutex};
        let doc = |i: usize| Listed::Doc { id: format!("d{i:04}.html"), path: PathBuf::from(format!("d{i:04}.html")) };
        let mut entries: Vec<Listed> = (0..1000).map(doc).collect();
        entries[3] = Listed::Dump { id: "feed.csv".into(), path: "feed.csv".into(), kind: DumpKind::Csv };
        let corpus = Arc::new(Corpus { entries, sources: Default::default() });
        // a file of more than a megabyte from the 600th on
        let size = |p: &Path| -> u64 {
            let n: u64 = p.to_string_lossy()[1..5].parse().unwrap();
            if n >= 600 {
                1 << 20
            } else {
                1000
            }
        };
        // the reader on a thread of its own (not scoped: a reader that does not stop fails
        // the test instead of hanging it), asking into `asked`
        let start = |shard: Shard| {
            let asked: Arc<Mutex<Vec<String>>> = Default::default();
            let ahead = Arc::new(ReadAhead::default());
            let (a, r, c) = (asked.clone(), ahead.clone(), corpus.clone());
            let h = std::thread::spawn(move || {
                r.run(&c, shard, move |p| {
                    a.lock().unwrap().push(p.to_string_lossy().into_owned());
                    Some(size(p))
                })
            });
            let _ = ahead.reader.set(h.thread().clone());
            (asked, ahead, h)
        };
        // waits for `n` asks (10 s at most), then a little more: none should follow
        let count = |asked: &Mutex<Vec<String>>, n: usize| {
            let t = Instant::now();
            while asked.lock().unwrap().len() < n && t.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(2));
            }
            std::thread::sleep(Duration::from_millis(50));
            asked.lock().unwrap().len()
        };
        let stops = |ahead: &ReadAhead, h: std::thread::JoinHandle<()>| {
            drop(StopReader(ahead));
            let t = Instant::now();
            while !h.is_finished() && t.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(2));
            }
            assert!(h.is_finished(), "the reader did not stop");
        };

        let (asked, ahead, h) = start(Shard::WHOLE);
        // before the first chunk: the first CHUNK files (the dump is not one)
        assert_eq!(count(&asked, CHUNK), CHUNK);
        ahead.reached(300);
        assert_eq!(count(&asked, 300 + CHUNK - 1), 300 + CHUNK - 1);
        // the large files: no more than AHEAD_BYTES beyond entry 600
        ahead.reached(600);
        let want = 599 + (AHEAD_BYTES >> 20) as usize;
        assert_eq!(count(&asked, want), want);
        stops(&ahead, h);
        let asked = asked.lock().unwrap();
        assert!(!asked.iter().any(|p| p == "feed.csv"));
        assert!(asked.windows(2).all(|w| w[0] < w[1]), "in order, each once");

        // with a third of the files this shard's, its files are asked for up to the first
        // 16 large ones (entries far beyond a chunk: the window counts this shard's files),
        // and no other shard's
        let shard = Shard { k: 1, n: 3 };
        let ours = |below: usize| {
            corpus.entries[..below].iter().filter(|e| matches!(e, Listed::Doc { id, .. } if shard.has(id))).count()
        };
        let (asked, ahead, h) = start(shard);
        let want = ours(600) + (AHEAD_BYTES >> 20) as usize;
        assert!(want < CHUNK && ours(600) > 150, "{want}");
        assert_eq!(count(&asked, want), want);
        ahead.reached(1000);
        let all = ours(1000);
        assert_eq!(count(&asked, all), all);
        assert!(h.is_finished(), "the reader ends with the corpus");
        assert!(asked.lock().unwrap().iter().all(|p| shard.has(p)));

        // a stopped reader returns at once
        let stopped = ReadAhead::default();
        stopped.stop.store(true, Ordering::Release);
        stopped.run(&corpus, Shard::WHOLE, |_| panic!("asked after the stop"));
    }

    /// `read_ahead` gives a regular file's size, and nothing, without blocking, for a file
    /// over the limit, a folder, a missing file, a device or a named pipe with no writer.
    #[test]
    fn read_ahead_opens_only_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.html");
        std::fs::write(&f, "<p>hello</p>").unwrap();
        assert_eq!(ingest::read_ahead(&f, 100), Some(12));
        // over the limit: `read_bytes` refuses it, so it is not read ahead
        assert_eq!(ingest::read_ahead(&f, 11), None);
        assert_eq!(ingest::read_ahead(dir.path(), 100), None);
        assert_eq!(ingest::read_ahead(&dir.path().join("missing.html"), 100), None);
        // a device is not opened (`posix_fadvise` would accept it)
        assert_eq!(ingest::read_ahead(Path::new("/dev/null"), 100), None);
        #[cfg(unix)]
        {
            let fifo = dir.path().join("pipe.html");
            let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
            // SAFETY: a plain system call on a valid path
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert_eq!(ingest::read_ahead(&fifo, 100), None);
        }
    }

    /// A panic in one document's work is its row's reason, with where it happened.
    #[test]
    fn a_panic_inside_a_document_is_told_on_its_row() {
        report_document_panics_on_their_rows();
        let r = guarded("bad.md", 7, || panic!("index out of range"));
        assert_eq!((r.doc.status, r.doc.bytes), (Status::Error, 7));
        assert!(
            r.doc.reason.starts_with("internal error (please report): index out of range (at src/pipeline.rs:"),
            "{}",
            r.doc.reason
        );
        // a guard inside a guard (a document's stages inside its whole work) tells it too
        let r = guarded("outer.md", 0, || guarded("inner.md", 0, || panic!("nested")));
        assert!(r.doc.reason.contains("nested (at src/pipeline.rs:"), "{}", r.doc.reason);
        // the next document is processed as before
        let ok = guarded("good.md", 0, || {
            process_text("good.md", "# Product Owner\n\n- Own the backlog\n", Rules::shipped())
        });
        assert_eq!(ok.doc.status, Status::Ok);
        let _ = std::panic::take_hook();
    }

    /// A guide to several roles is no posting: what its prose says of pay is no posting's
    /// salary; a posting's own line is.
    #[test]
    fn posting_terms_are_read_only_from_postings() {
        let guide = "---\ntitle: Product roles explained\n---\n# Product roles\n\n## Product Manager\n\n\
            The Product Manager owns the roadmap. A product manager in the US may earn a salary of $150,000.\n\n\
            ## Product Owner\n\nThe Product Owner manages the backlog and works with the team every day.\n";
        let r = process_text("guide.md", guide, Rules::shipped());
        assert_eq!(r.doc.shape, crate::extract::SHAPE_ROLES, "{:?}", r.doc);
        assert_eq!(
            (r.doc.posting.salary.as_ref(), r.doc.posting.title.as_deref()),
            (None, None),
            "{:?}",
            r.doc.posting
        );
        assert!(r.doc.posting.evidence.is_empty(), "{:?}", r.doc.posting);
        let posting = "# Senior Product Manager\n\nRemote | Full-time | $150,000 - $180,000 per year\n\n\
            ## What you'll do\n\n- Own the roadmap of our payments platform\n- Work with engineering and design\n";
        let r = process_text("posting.md", posting, Rules::shipped());
        assert_eq!(r.doc.shape, crate::extract::SHAPE_POSTING);
        let s = r.doc.posting.salary.as_ref().expect("a posting's salary");
        assert_eq!((s.min, s.max), (Some(150_000.0), Some(180_000.0)));
        assert_eq!(r.doc.posting.workplace.as_deref(), Some("remote"));
    }
}
