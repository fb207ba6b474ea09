//! The plan and the parallel run: list the corpus, process documents in parallel chunks
//! (rayon, order kept), stream each chunk's rows to the output, accumulate comparisons.
//! Only one chunk of documents is in memory at a time.

use crate::compare::Comparer;
use crate::emit::Output;
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

/// Documents larger than this are processed one at a time (bounds peak memory).
const BIG_DOC: u64 = 1024 * 1024;

/// What a run does.
#[derive(Debug, Clone)]
pub struct Options {
    pub corpus: Vec<PathBuf>,
    pub out: PathBuf,
    pub limits: Limits,
    /// Neutralise spreadsheet formulas in CSV cells.
    pub csv_guard: bool,
}

impl Options {
    pub fn new(corpus: Vec<PathBuf>, out: PathBuf) -> Self {
        Options { corpus, out, limits: Limits::default(), csv_guard: true }
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
    #[error("cannot write output folder {path}: {source}")]
    Output { path: PathBuf, source: std::io::Error },
}

/// Time spent per stage, summed over threads.
#[derive(Debug, Default)]
pub struct Timings {
    pub ingest: AtomicU64,
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
            blocks: 0,
            dropped_blocks: 0,
            roles: 0,
            responsibilities: 0,
            repairs: Vec::new(),
            truncated: Vec::new(),
        },
        roles: Vec::new(),
        responsibilities: Vec::new(),
    }
}

/// Run clean, extract and normalize on a decoded document. A panic in any stage becomes an
/// `error` status for this document; the batch goes on.
pub fn process_raw(raw: crate::model::RawDoc, rules: &Rules, limits: &Limits, t: &Timings) -> DocResult {
    let id = raw.meta.id.clone();
    let bytes = raw.meta.bytes;
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let c = timed(&t.clean, || clean::clean_with(raw, rules, limits));
        let x = timed(&t.extract, || extract::extract(c, rules));
        timed(&t.normalize, || normalize::normalize(x, rules))
    }));
    r.unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        not_processed(&id, Status::Error, format!("internal error (please report): {msg}"), bytes)
    })
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
        Listed::Doc { id, path } => match timed(&t.ingest, || ingest::read(id, path, sources, limits.max_bytes)) {
            Ok(raw) if raw.meta.bytes > BIG_DOC => {
                // a parsed page takes up to ~20 times its size: one big document at a time
                static BIG: std::sync::Mutex<()> = std::sync::Mutex::new(());
                let _one = BIG.lock().unwrap_or_else(|e| e.into_inner());
                process_raw(raw, rules, limits, t)
            }
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
        Listed::Doc { path, .. } => std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        _ => 0,
    }
}

/// Process a listed corpus chunk by chunk, calling `sink` with each document's result in
/// corpus order.
pub fn for_each(
    corpus: &Corpus,
    rules: &Rules,
    limits: &Limits,
    t: &Timings,
    obs: &dyn Observer,
    mut sink: impl FnMut(DocResult) -> std::io::Result<()> + Send,
) -> std::io::Result<()> {
    let work = |chunk: &[Listed]| -> Vec<DocResult> {
        chunk
            .par_iter()
            .map(|e| {
                if cancelled() {
                    // the run is being abandoned; this result is never written
                    return not_processed(e.id(), Status::Error, "interrupted".into(), 0);
                }
                let r = process(e, &corpus.sources, rules, limits, t);
                obs.done(r.doc.bytes);
                r
            })
            .collect()
    };
    // the results of one chunk are written while the next chunk is processed
    let mut pending: Vec<DocResult> = Vec::new();
    for chunk in corpus.entries.chunks(CHUNK) {
        if cancelled() {
            return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
        }
        let (written, next) = rayon::join(|| pending.drain(..).try_for_each(&mut sink), || work(chunk));
        written?;
        pending = next;
    }
    pending.into_iter().try_for_each(sink)
}

/// Run the whole pipeline: corpus in, output folder out.
pub fn run(opts: &Options, rules: &Rules, obs: &dyn Observer) -> Result<Summary, RunError> {
    let start = Instant::now();
    let corpus = ingest::list(&opts.corpus)?;
    let total: u64 = corpus.entries.par_iter().map(size).sum();
    obs.begin(corpus.entries.len(), total);
    let out_err = |source| RunError::Output { path: opts.out.clone(), source };
    let mut output = Output::create(&opts.out, opts.csv_guard).map_err(out_err)?;
    let mut cmp = Comparer::default();
    let mut sum = Summary::default();
    // a digest of every input's id, status and size, not a list: the manifest stays small
    // whatever the corpus size (documents.csv has the list)
    let mut inputs = Sha256::new();
    let t = Timings::default();
    for_each(&corpus, rules, &opts.limits, &t, obs, |r| {
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
        sum.bytes += r.doc.bytes;
        inputs.update(format!("{}\t{}\t{}\n", r.doc.doc, r.doc.status.as_str(), r.doc.bytes));
        cmp.add(&r);
        output.write(&r)
    })
    .map_err(|e| if cancelled() { RunError::Interrupted } else { out_err(e) })?;
    let t_cmp = Instant::now();
    let comparison = cmp.finish(rules);
    let cmp_ms = t_cmp.elapsed().as_millis() as u64;
    sum.elapsed = start.elapsed();
    let ms = |a: &AtomicU64| a.load(Ordering::Relaxed) / 1_000_000;
    let manifest = serde_json::json!({
        "tool": "rolemap",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": {"origin": rules.origin, "fingerprint": rules.fingerprint},
        "corpus": opts.corpus.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "inputs": {
            "documents": sum.documents,
            "bytes": sum.bytes,
            "sha256_of_doc_status_bytes": inputs.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>(),
        },
        "limits": {
            "max_bytes": opts.limits.max_bytes, "max_blocks": opts.limits.max_blocks,
            "max_block_chars": opts.limits.max_block_chars, "max_html_depth": opts.limits.max_html_depth,
        },
        "counts": {
            "documents": sum.documents, "ok": sum.ok, "skipped": sum.skipped, "error": sum.errors,
            "truncated": sum.truncated,
            "roles": sum.roles, "responsibilities": sum.responsibilities, "bytes": sum.bytes,
        },
        "outputs": crate::emit::FILES,
        "timings": {
            "note": "the only part of the output that changes between identical runs",
            "wall_ms": sum.elapsed.as_millis() as u64,
            "ingest_cpu_ms": ms(&t.ingest), "clean_cpu_ms": ms(&t.clean),
            "extract_cpu_ms": ms(&t.extract), "normalize_cpu_ms": ms(&t.normalize),
            "compare_ms": cmp_ms,
        },
    });
    if cancelled() {
        return Err(RunError::Interrupted);
    }
    output.finish(&comparison, &manifest).map_err(out_err)?;
    obs.end();
    Ok(sum)
}

/// Process a corpus in memory and return every result (for `eval` and tests).
pub fn collect(corpus: &[PathBuf], rules: &Rules) -> Result<Vec<DocResult>, RunError> {
    let corpus = ingest::list(corpus)?;
    let mut out = Vec::new();
    for_each(&corpus, rules, &Limits::default(), &Timings::default(), &Silent, |r| {
        out.push(r);
        Ok(())
    })
    .map_err(|source| RunError::Output { path: Path::new("-").to_path_buf(), source })?;
    Ok(out)
}
