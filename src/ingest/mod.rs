//! Stage 1, ingest: find the corpus files, read and decode them, take front matter and
//! `sources.csv` metadata, and sniff each document's format. The only stage besides emit
//! that touches the file system.

pub mod decode;
pub mod dump;
pub mod frontmatter;

use crate::model::{DocMeta, Format, RawDoc, SourceInfo, Status};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File extensions read as documents.
pub const DOC_EXTENSIONS: [&str; 8] = ["html", "htm", "md", "markdown", "rst", "rest", "typ", "txt"];
/// Templates of web frameworks and site generators: read as HTML (their markup is the page).
pub const TEMPLATE_EXTENSIONS: [&str; 10] =
    ["vue", "svelte", "php", "jsx", "tsx", "erb", "hbs", "njk", "liquid", "astro"];
/// File extensions read as dumps of postings (one document per record).
pub const DUMP_EXTENSIONS: [&str; 5] = ["jsonl", "ndjson", "csv", "tsv", "json"];
/// What a skipped extension's reason lists.
const READS: &str =
    "reads .html .htm .md .markdown .rst .typ .txt, templates .vue .svelte .php .jsx .tsx .erb .hbs .njk .liquid .astro, .jsonl .ndjson .csv .tsv dumps and JSON arrays (.json), each also gzipped (.gz)";
/// The extension of a gzipped file: `jobs.csv.gz` is read as `jobs.csv`, decompressed as
/// it is read.
pub const GZIP_EXTENSION: &str = "gz";

/// Whether a path names a gzipped file (`.gz`).
pub fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(GZIP_EXTENSION))
}

/// A file's bytes as a stream, decompressed when its name ends `.gz` (every member of a
/// concatenated gzip file): nothing is held beyond the reader's buffers.
pub fn uncompressed(path: &Path, f: std::fs::File) -> Box<dyn std::io::Read + Send> {
    if is_gzip(path) {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(64 * 1024, f)))
    } else {
        Box::new(f)
    }
}

/// The extension a file is read by (lower case): `jobs.csv.gz` → `csv`.
fn read_extension(path: &Path) -> String {
    let ext = |p: &Path| p.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if is_gzip(path) {
        path.file_stem().map(|stem| ext(Path::new(stem))).unwrap_or_default()
    } else {
        ext(path)
    }
}
/// Name of the optional metadata file beside the corpus.
pub const SOURCES_FILE: &str = "sources.csv";

/// One entry of the corpus listing.
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    /// A file to read.
    Doc { id: String, path: PathBuf },
    /// A dump of postings (`-` as path: standard input).
    Dump { id: String, path: PathBuf, kind: dump::DumpKind },
    /// A file that is not read, with the reason (reported in documents.csv).
    Skip { id: String, reason: String },
    /// A file or folder that could not be listed.
    Fail { id: String, reason: String },
}

impl Listed {
    pub fn id(&self) -> &str {
        match self {
            Listed::Doc { id, .. } | Listed::Dump { id, .. } | Listed::Skip { id, .. } | Listed::Fail { id, .. } => id,
        }
    }
}

/// The corpus: its entries in a stable order, and the sources.csv metadata.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub entries: Vec<Listed>,
    pub sources: BTreeMap<String, SourceInfo>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("corpus path {0} does not exist")]
    Missing(PathBuf),
    #[error("{path}:{line}: {message}")]
    Sources { path: PathBuf, line: u64, message: String },
}

/// List the corpus given as files and folders. Entries are sorted by id.
pub fn list(paths: &[PathBuf]) -> Result<Corpus, IngestError> {
    list_excluding(paths, None)
}

/// `list`, never reading the output folder `out` (a corpus folder may hold it) nor the
/// run's own lock and staging folders. Hidden folders (`.git/`, `.cache/`) are not read:
/// each is one `skipped` entry.
pub fn list_excluding(paths: &[PathBuf], out: Option<&Path>) -> Result<Corpus, IngestError> {
    let out = out.and_then(|o| std::fs::canonicalize(o).ok());
    let mut corpus = Corpus::default();
    // a folder or file given twice (`--corpus x x`) is listed once
    let mut roots_seen = std::collections::HashSet::new();
    let folders: Vec<(PathBuf, PathBuf)> = paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| std::fs::canonicalize(p).ok().map(|c| (c, p.clone())))
        .collect();
    // the name of the root each entry was listed from, to tell two roots' same paths apart
    let mut tags: Vec<String> = Vec::new();
    let mut tag = String::new();
    for root in paths {
        tags.resize(corpus.entries.len(), tag);
        tag = root_name(root);
        // a path inside another corpus folder (`--corpus C C/x`) is read as part of it, once
        if let Ok(c) = std::fs::canonicalize(root) {
            // (unless that walk leaves it out: under a hidden or output folder, it is read alone)
            if let Some((_, outer)) =
                folders.iter().find(|(f, _)| c != *f && c.starts_with(f) && walk_reaches(f, &c, out.as_deref()))
            {
                corpus.entries.push(Listed::Skip {
                    id: path_id(root),
                    reason: format!("inside corpus folder {}, read as part of it", outer.display()),
                });
                continue;
            }
        }
        if root.as_os_str() != "-" && !std::fs::canonicalize(root).map(|c| roots_seen.insert(c)).unwrap_or(true) {
            continue;
        }
        if root.as_os_str() == "-" {
            corpus.entries.push(Listed::Dump { id: "stdin".into(), path: root.clone(), kind: dump::DumpKind::Jsonl });
            continue;
        }
        if std::fs::symlink_metadata(root).is_err() {
            return Err(IngestError::Missing(root.clone()));
        }
        if !root.is_dir() {
            // a file, or a pipe or device (refused when read)
            let id = root.file_name().map(|n| path_id(Path::new(n))).unwrap_or_default();
            corpus.entries.push(classify(id, root.clone()));
            continue;
        }
        let sources = root.join(SOURCES_FILE);
        if sources.is_file() {
            corpus.sources.extend(read_sources(&sources)?);
        }
        let mut walk = walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
        while let Some(entry) = walk.next() {
            match entry {
                Ok(e) => {
                    let name = e.file_name().to_string_lossy();
                    if e.depth() > 0 && crate::emit::folder::is_own_name(&name) {
                        if e.file_type().is_dir() {
                            walk.skip_current_dir();
                        }
                        continue;
                    }
                    let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                    let id = path_id(rel);
                    if e.file_type().is_dir() {
                        if e.depth() == 0 {
                            continue;
                        }
                        if out.is_some() && std::fs::canonicalize(e.path()).ok() == out {
                            // the output folder of this run: ours, not input
                            walk.skip_current_dir();
                        } else if crate::emit::folder::is_output_folder(e.path()) {
                            walk.skip_current_dir();
                            corpus.entries.push(Listed::Skip {
                                id: format!("{id}/"),
                                reason: "an output folder of rolemap (its manifest.json says so), not read".into(),
                            });
                        } else if name.starts_with('.') {
                            walk.skip_current_dir();
                            corpus
                                .entries
                                .push(Listed::Skip { id: format!("{id}/"), reason: "hidden folder, not read".into() });
                        }
                        continue;
                    }
                    if e.path_is_symlink() && !e.path().is_file() {
                        corpus.entries.push(Listed::Skip { id, reason: "symbolic link to no regular file".into() });
                        continue;
                    }
                    if id == SOURCES_FILE {
                        corpus
                            .entries
                            .push(Listed::Skip { id, reason: "metadata: company/url/date of the corpus files".into() });
                        continue;
                    }
                    corpus.entries.push(classify(id, e.path().to_path_buf()));
                }
                Err(err) => {
                    let id = err
                        .path()
                        .map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/"))
                        .unwrap_or_else(|| root.display().to_string());
                    // the row names the path: the reason is what went wrong there
                    let reason = err.io_error().map_or_else(|| err.to_string(), |e| e.to_string());
                    corpus.entries.push(Listed::Fail { id, reason: format!("cannot list: {reason}") });
                }
            }
        }
    }
    tags.resize(corpus.entries.len(), tag);
    prefix_roots(&mut corpus.entries, &tags);
    corpus.entries.sort_by(|a, b| a.id().cmp(b.id()));
    unique_ids(&mut corpus.entries);
    Ok(corpus)
}

/// The name that tells a corpus root apart: a folder's own name, a file's folder's name.
fn root_name(root: &Path) -> String {
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let named = if abs.is_dir() { Some(abs.as_path()) } else { abs.parent() };
    named.and_then(|p| p.file_name()).map(|n| path_id(Path::new(n))).unwrap_or_default()
}

/// Entries of different roots with the same id (`--corpus siteA siteB`, both holding
/// `jobs/pm.md`) are named with their root's name before it (`siteA/jobs/pm.md`,
/// `siteB/jobs/pm.md`); what still collides is told apart by `unique_ids`.
fn prefix_roots(entries: &mut [Listed], tags: &[String]) {
    let mut roots: std::collections::HashMap<String, std::collections::BTreeSet<&str>> = Default::default();
    for (e, t) in entries.iter().zip(tags) {
        roots.entry(e.id().to_string()).or_default().insert(t);
    }
    for (e, t) in entries.iter_mut().zip(tags) {
        if t.is_empty() || roots.get(e.id()).is_none_or(|r| r.len() < 2) {
            continue;
        }
        match e {
            Listed::Doc { id, .. } | Listed::Dump { id, .. } | Listed::Skip { id, .. } | Listed::Fail { id, .. } => {
                *id = format!("{t}/{id}")
            }
        }
    }
}

/// Does the walk of corpus folder `outer` reach `inner` (both canonical), or does it leave
/// it out, under a hidden folder, an output folder or the run's own?
fn walk_reaches(outer: &Path, inner: &Path, out: Option<&Path>) -> bool {
    let Ok(rel) = inner.strip_prefix(outer) else { return false };
    let mut at = outer.to_path_buf();
    rel.components().all(|part| {
        at.push(part);
        let name = part.as_os_str().to_string_lossy();
        let dir = at.is_dir();
        !(name.starts_with('.') && dir
            || crate::emit::folder::is_own_name(&name)
            || dir && (Some(at.as_path()) == out || crate::emit::folder::is_output_folder(&at)))
    })
}

/// A path as a document id: `/` between its parts, and the bytes of a name that are not
/// UTF-8 written as `%XX` (so `\xff.md` and `\xfe.md` stay two documents).
pub fn path_id(rel: &Path) -> String {
    #[cfg(unix)]
    let id = {
        use std::os::unix::ffi::OsStrExt;
        let mut id = String::new();
        for c in rel.as_os_str().as_bytes().utf8_chunks() {
            id.push_str(c.valid());
            for b in c.invalid() {
                id.push_str(&format!("%{b:02X}"));
            }
        }
        id
    };
    #[cfg(not(unix))]
    let id = rel.to_string_lossy().into_owned();
    id.replace('\\', "/")
}

/// Give every entry its own id: a second file with the id of an earlier one (of the same
/// root, or of roots with the same name: `--corpus x/c/a.md y/c/a.md`) becomes `a~2.md`.
fn unique_ids(entries: &mut [Listed]) {
    let mut seen: std::collections::HashSet<String> = entries.iter().map(|e| e.id().to_string()).collect();
    let mut first = std::collections::HashSet::new();
    for e in entries.iter_mut() {
        if first.insert(e.id().to_string()) {
            continue;
        }
        let id = e.id().to_string();
        let (stem, ext) = match id.rfind('.') {
            Some(i) if i > id.rfind('/').map_or(0, |s| s + 1) => (&id[..i], &id[i..]),
            _ => (id.as_str(), ""),
        };
        let new = (2..).map(|n| format!("{stem}~{n}{ext}")).find(|c| !seen.contains(c)).unwrap_or_default();
        seen.insert(new.clone());
        match e {
            Listed::Doc { id, .. } | Listed::Dump { id, .. } | Listed::Skip { id, .. } | Listed::Fail { id, .. } => {
                *id = new
            }
        }
    }
}

fn classify(id: String, path: PathBuf) -> Listed {
    let ext = read_extension(&path);
    if id.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
        return Listed::Skip { id, reason: "hidden file".into() };
    }
    if DOC_EXTENSIONS.contains(&ext.as_str()) || TEMPLATE_EXTENSIONS.contains(&ext.as_str()) {
        Listed::Doc { id, path }
    } else if let Some(kind) = dump::DumpKind::from_ext(&ext) {
        Listed::Dump { id, path, kind }
    } else if ext.is_empty() && is_gzip(&path) {
        Listed::Skip { id, reason: format!("a gzipped file without the extension of what it holds ({READS})") }
    } else if ext.is_empty() {
        Listed::Skip { id, reason: format!("no file extension ({READS})") }
    } else {
        Listed::Skip { id, reason: format!("unsupported extension .{ext} ({READS})") }
    }
}

/// Read `sources.csv`: a `file` column and any of `company`, `url`, `date`.
pub fn read_sources(path: &Path) -> Result<BTreeMap<String, SourceInfo>, IngestError> {
    let err = |line: u64, message: String| IngestError::Sources { path: path.to_path_buf(), line, message };
    // decoded as any document is (a spreadsheet may save it as Windows-1252 or UTF-16)
    let bytes = std::fs::read(path).map_err(|e| err(0, e.to_string()))?;
    let text = decode::decode(&bytes).text;
    // separated as Excel saves it in the user's locale (`;`, a tab), maybe named by a
    // first line `sep=;`
    let delim = dump::sniff_delimiter(text.as_bytes(), dump::DumpKind::Csv);
    let (body, skipped) = match text.strip_prefix("sep=") {
        Some(rest) if rest.lines().next().is_some_and(|l| l.trim_end().len() == 1) => {
            (rest.split_once('\n').map_or("", |(_, b)| b), 1)
        }
        _ => (text.as_str(), 0),
    };
    let err = |line: u64, message: String| err(line + skipped, message);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).delimiter(delim).from_reader(body.as_bytes());
    let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim().to_lowercase().as_str()));
    let file =
        col(&["file", "path", "doc", "document", "filename"]).ok_or_else(|| err(1, "no `file` column".into()))?;
    let (company, url, date) = (
        col(&["company", "organization", "organisation"]),
        col(&["url", "source_url"]),
        col(&["date", "posted", "date_posted"]),
    );
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map(|p| p.line()).unwrap_or(0), e.to_string()))?;
        let get =
            |i: Option<usize>| i.and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        if let Some(f) = get(Some(file)) {
            out.insert(f, SourceInfo { company: get(company), url: get(url), date: get(date) });
        }
    }
    Ok(out)
}

/// Why a listed document was not processed: `Skipped` (not a text document: empty, binary)
/// or `Error` (a document that could not be read, or too large to read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub status: Status,
    pub reason: String,
}

impl Rejected {
    fn error(reason: String) -> Self {
        Rejected { status: Status::Error, reason }
    }
    fn skipped(reason: String) -> Self {
        Rejected { status: Status::Skipped, reason }
    }
}

/// A CSV stream that fails (an I/O error of kind `InvalidData`) once one record runs over
/// `cap` bytes, so that a CSV reader never holds more: an unclosed quote would otherwise
/// make the rest of the file, however large, one record. Records are told apart as the
/// CSV reader does: a quote opens a quoted field only at the start of a field, and a line
/// break inside one does not end the record.
pub struct CsvRecordCap<R> {
    inner: R,
    delimiter: u8,
    /// the byte that escapes the next one inside a quoted field (`\\`), if any
    escape: Option<u8>,
    cap: u64,
    /// bytes since the last record ended
    run: u64,
    state: CsvState,
    /// the line being read (1-based)
    line: u64,
    line_of_last_byte: u64,
    progress: std::sync::Arc<CsvProgress>,
}

/// Where a `CsvRecordCap` stands, for the CSV reader reading through it: the line the
/// record being read began on, and, once the input has ended inside a quoted field, the
/// line that record began on and the last line (the rest of the file was read into it).
#[derive(Default, Debug)]
pub struct CsvProgress {
    pub record_line: std::sync::atomic::AtomicU64,
    pub unclosed_from: std::sync::atomic::AtomicU64,
    pub last_line: std::sync::atomic::AtomicU64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
    EscapeInQuoted,
}

impl<R> CsvRecordCap<R> {
    pub fn new(inner: R, delimiter: u8, cap: u64) -> Self {
        CsvRecordCap {
            inner,
            delimiter,
            escape: None,
            cap,
            run: 0,
            state: CsvState::FieldStart,
            line: 1,
            line_of_last_byte: 1,
            progress: Default::default(),
        }
    }

    /// Inside quoted fields, `escape` makes the next byte literal (the CSV reader's `escape`).
    pub fn with_escape(mut self, escape: Option<u8>) -> Self {
        self.escape = escape;
        self
    }

    /// What the stream has seen so far, shared with its reader.
    pub fn progress(&self) -> std::sync::Arc<CsvProgress> {
        self.progress.clone()
    }
}

impl<R: std::io::Read> std::io::Read for CsvRecordCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && matches!(self.state, CsvState::Quoted | CsvState::EscapeInQuoted) {
            self.progress.unclosed_from.store(self.progress.record_line.load(Relaxed), Relaxed);
            // the last line that holds anything
            self.progress.last_line.store(self.line_of_last_byte, Relaxed);
        }
        for &c in &buf[..n] {
            use CsvState::*;
            let end = matches!(c, b'\n' | b'\r');
            if self.run == 0 && !end {
                self.progress.record_line.store(self.line, Relaxed);
            }
            self.state = match (self.state, c) {
                (EscapeInQuoted, _) => Quoted,
                (Quoted, c) if Some(c) == self.escape => EscapeInQuoted,
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (FieldStart, b'"') => Quoted,
                (QuoteInQuoted, b'"') => Quoted,
                (_, c) if c == self.delimiter => FieldStart,
                (_, _) if end => FieldStart,
                _ => Unquoted,
            };
            self.line_of_last_byte = self.line;
            if c == b'\n' {
                self.line += 1;
            }
            if end && self.state == FieldStart {
                self.run = 0;
            } else {
                self.run += 1;
            }
            if self.run > self.cap {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "a record runs over {} bytes (an unclosed quote?); the rest of the file is not read (raise the limit with --max-bytes)",
                        self.cap
                    ),
                ));
            }
        }
        Ok(n)
    }
}

/// Read and decode one document.
pub fn read(id: &str, path: &Path, sources: &BTreeMap<String, SourceInfo>, max_bytes: u64) -> Result<RawDoc, Rejected> {
    let bytes = read_bytes(path, max_bytes)?;
    check_bytes(&bytes)?;
    Ok(decode_doc_owned(id, bytes, sources))
}

/// Open a regular file for reading; a pipe, device or socket is refused before it is
/// opened (opening a named pipe waits for a writer, for ever), and again from the opened
/// handle, non-blocking, in case the path was swapped in between.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), Rejected> {
    let not_regular = || Rejected::error("not a regular file (device, pipe or socket)".into());
    let meta = std::fs::metadata(path).map_err(|e| Rejected::error(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path).map_err(|e| Rejected::error(format!("cannot read: {e}")))?;
    let meta = f.metadata().map_err(|e| Rejected::error(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    Ok((f, meta))
}

/// Ask the kernel to start reading a file that is about to be read (`posix_fadvise`,
/// `WILLNEED`), so that the worker that reads it finds it in memory instead of waiting on the
/// disk; returns its size. The file is opened as `read_bytes` opens it (`open_regular`: what
/// is not a regular file is not opened, and nothing blocks); what that refuses, a file over
/// `max_bytes` and any error give `None`: the file is then read without help, and its errors
/// reported, by `read_bytes`.
pub fn read_ahead(path: &Path, max_bytes: u64) -> Option<u64> {
    let (f, meta) = open_regular(path).ok()?;
    if meta.len() > max_bytes {
        return None;
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: a plain system call on a descriptor that `f` owns and keeps open
        let rc = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED) };
        if rc != 0 {
            return None;
        }
    }
    #[cfg(not(target_os = "linux"))]
    drop(f);
    Some(meta.len())
}

/// Read a file's bytes, refusing what is not a regular file or is over `max_bytes`; a
/// gzipped file (`.gz`) is decompressed, and `max_bytes` bounds what it holds (a gzip bomb
/// is read no further than the limit).
pub fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, Rejected> {
    let (f, meta) = open_regular(path)?;
    if is_gzip(path) {
        use std::io::Read;
        let mut bytes = Vec::new();
        uncompressed(path, f)
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Rejected::error(format!("cannot read the gzipped file: {e}")))?;
        if bytes.len() as u64 > max_bytes {
            return Err(Rejected::error(format!(
                "gzipped file holds over {max_bytes} bytes, over the limit (raise it with --max-bytes)"
            )));
        }
        return Ok(bytes);
    }
    if meta.len() > max_bytes {
        return Err(Rejected::error(format!(
            "file is {} bytes, over the limit of {max_bytes} (raise it with --max-bytes)",
            meta.len()
        )));
    }
    use std::io::Read;
    // the size may have changed since `metadata`: never read more than the limit
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Rejected::error(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(Rejected::error(format!("file grew over the limit of {max_bytes} bytes while being read")));
    }
    Ok(bytes)
}

/// Refuse bytes that are not a text document: an empty file, a binary file.
pub fn check_bytes(bytes: &[u8]) -> Result<(), Rejected> {
    if bytes.is_empty() {
        return Err(Rejected::skipped("empty file".into()));
    }
    if let Some(kind) = decode::binary_kind(bytes) {
        return Err(Rejected::skipped(format!("binary file ({kind}), not a text document")));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        return Err(Rejected::skipped("no text: only white space".into()));
    }
    Ok(())
}

/// Decode bytes into a document (no file system access).
pub fn decode_doc(id: &str, bytes: &[u8], sources: &BTreeMap<String, SourceInfo>) -> RawDoc {
    decode_doc_owned(id, bytes.to_vec(), sources)
}

/// `decode_doc`, taking the bytes: a UTF-8 file becomes its text without a copy.
pub fn decode_doc_owned(id: &str, bytes: Vec<u8>, sources: &BTreeMap<String, SourceInfo>) -> RawDoc {
    let size = bytes.len() as u64;
    let d = decode::decode_owned(bytes);
    let mut text = d.text;
    let mut truncated = Vec::new();
    let front_matter = frontmatter::take_noting(&mut text, &mut truncated);
    let ext = read_extension(Path::new(id));
    let format = sniff(&ext, &text);
    if TEMPLATE_EXTENSIONS.contains(&ext.as_str()) && text.contains("<template") {
        // a component's markup sits in <template>, whose content an HTML parser keeps apart
        // from the page: read it as an ordinary element (same lines)
        text = text.replace("<template", "<div data-template").replace("</template>", "</div>");
    }
    let name = id.rsplit('/').next().unwrap_or(id);
    let source = sources.get(id).or_else(|| sources.get(name)).cloned();
    RawDoc {
        meta: DocMeta {
            id: id.to_string(),
            bytes: size,
            format: Some(format),
            encoding: d.encoding.to_string(),
            repairs: d.repairs,
            front_matter,
            source,
            truncated,
            record: false,
            ..Default::default()
        },
        format,
        text,
    }
}

/// Typst markup by its look: set/show/let rules at the start of lines and `=` headings.
pub fn looks_like_typst(text: &str) -> bool {
    let mut rules = 0;
    let mut headings = 0;
    for l in text.lines().take(400) {
        let t = l.trim_start();
        if ["#set ", "#show ", "#let ", "#import "].iter().any(|p| t.starts_with(p)) {
            rules += 1;
        } else if t.starts_with("= ") || t.starts_with("== ") {
            headings += 1;
        }
    }
    rules >= 2 && headings >= 1
}

/// The format of a document: by extension for .html/.md, by content otherwise (the samples
/// are `.txt` files holding Markdown or an HTML-ish table).
pub fn sniff(ext: &str, text: &str) -> Format {
    match ext {
        "html" | "htm" => return Format::Html,
        _ if TEMPLATE_EXTENSIONS.contains(&ext) => return Format::Html,
        "md" | "markdown" => return Format::Markdown,
        "rst" | "rest" => return Format::Rst,
        "typ" => return Format::Typst,
        _ => {}
    }
    if looks_like_typst(text) {
        return Format::Typst;
    }
    let head: String = text.trim_start().chars().take(512).collect::<String>().to_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Format::Html;
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(2000).collect();
    let n = lines.len().max(1);
    let tagged = lines
        .iter()
        .filter(|l| {
            let t = l.trim_start().to_lowercase();
            [
                "<p", "<div", "<li", "<ul", "<ol", "<h1", "<h2", "<h3", "<h4", "<table", "<tr", "<td", "<section",
                "<article", "<body", "<span",
            ]
            .iter()
            .any(|p| t.starts_with(p) && t[p.len()..].starts_with([' ', '>']))
        })
        .count();
    if tagged * 3 >= n && tagged >= 3 {
        return Format::Html;
    }
    let md = lines
        .iter()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with('#')
                || t.starts_with("- ")
                || t.starts_with("* ")
                || t.starts_with('|')
                || t.starts_with('>')
                || t.starts_with("---")
                || t.starts_with("===")
                || t.contains("**")
                || t.contains("](")
        })
        .count();
    if md > 0 {
        Format::Markdown
    } else {
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_formats() {
        assert_eq!(sniff("txt", "<!DOCTYPE html><html><body><p>x</p></body></html>"), Format::Html);
        assert_eq!(sniff("txt", "| **Role** | x |\n|---|---|\n| a<br></br>b | c |"), Format::Markdown);
        assert_eq!(sniff("txt", "# Title\n\n- item"), Format::Markdown);
        assert_eq!(sniff("txt", "Just a line.\n\nAnother line."), Format::Text);
        assert_eq!(
            sniff("txt", "#set page(paper: \"a4\")\n#set text(size: 11pt)\n\n== Product Owner\n"),
            Format::Typst
        );
        assert_eq!(sniff("txt", "# Title\n\n= not typst\n"), Format::Markdown);
        assert_eq!(sniff("html", "plain"), Format::Html);
    }

    #[test]
    fn lists_sorted_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("a.md"), "a").unwrap();
        std::fs::write(dir.path().join("c.pdf"), "c").unwrap();
        std::fs::write(dir.path().join("sources.csv"), "file,company\na.md,Acme\n").unwrap();
        let c = list(&[dir.path().to_path_buf()]).unwrap();
        let ids: Vec<&str> = c.entries.iter().map(|e| e.id()).collect();
        assert_eq!(ids, ["a.md", "b.txt", "c.pdf", "sources.csv"]);
        assert!(matches!(&c.entries[2], Listed::Skip { reason, .. } if reason.contains(".pdf")));
        assert_eq!(c.sources["a.md"].company.as_deref(), Some("Acme"));
    }

    #[test]
    fn sources_without_file_column_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sources.csv");
        std::fs::write(&p, "name,company\na,b\n").unwrap();
        let e = read_sources(&p).unwrap_err().to_string();
        assert!(e.contains("sources.csv:1: no `file` column"), "{e}");
        std::fs::write(&p, "sep=;\nname;company\na;b\n").unwrap();
        let e = read_sources(&p).unwrap_err().to_string();
        assert!(e.contains("sources.csv:2: no `file` column"), "{e}");
    }

    /// `sources.csv` as Excel saves it in other locales: `;` or tabs, a BOM, CRLF lines,
    /// a first line `sep=;`.
    #[test]
    fn sources_separated_by_semicolons_or_tabs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sources.csv");
        for text in [
            "\u{feff}file;company\r\nteam.md;Acme; Inc.\r\n",
            "file\tcompany\nteam.md\tAcme\n",
            "sep=;\r\nfile;company\r\nteam.md;Acme\r\n",
            "file,company,url\nteam.md,Acme,https://acme.example/a;b\n",
        ] {
            std::fs::write(&p, text).unwrap();
            let s = read_sources(&p).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(s["team.md"].company.as_deref(), Some("Acme"), "{text:?}");
        }
    }

    /// Two roots with the same paths: each path named with its root's name; a root named
    /// like another (`x/c`, `y/c`) still gets `~2`; a path of one root alone is left as it is.
    #[test]
    fn roots_with_the_same_paths_are_named_by_their_roots() {
        let t = tempfile::tempdir().unwrap();
        for (dir, files) in [
            ("siteA", &["jobs/pm.md", "only-a.md"][..]),
            ("siteB", &["jobs/pm.md"]),
            ("x/c", &["a.md"]),
            ("y/c", &["a.md"]),
        ] {
            for f in files {
                let p = t.path().join(dir).join(f);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, "# Product Manager\n").unwrap();
            }
        }
        let roots: Vec<PathBuf> = ["siteA", "siteB", "x/c", "y/c"].iter().map(|d| t.path().join(d)).collect();
        let ids: Vec<String> = list(&roots).unwrap().entries.iter().map(|e| e.id().to_string()).collect();
        assert_eq!(ids, ["a.md", "a~2.md", "only-a.md", "siteA/jobs/pm.md", "siteB/jobs/pm.md"]);
    }
}
