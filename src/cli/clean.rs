//! `rolemap clean`: the cleaned main content of every document, as the pipeline's cleaner
//! keeps it (the same stage `run` uses), without extracting roles.
//!
//! Examples:
//!   rolemap clean --corpus saved-pages/ --out clean/          # page.html -> clean/page.md
//!   rolemap clean --corpus a.html --out clean/ --format txt
//!   rolemap clean --corpus feed.jsonl --out clean/ --format jsonl   # clean/blocks.jsonl

use super::common::{self, DumpFlags};
use super::{exit, load_rules, CliError};
use rayon::prelude::*;
use rolemap::emit::cleaned::{self, CleanFormat};
use rolemap::ingest::{self, dump::FieldMap};
use rolemap::model::{Limits, Status};
use rolemap::pipeline::{self, Input};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write the cleaned main content of every document (Markdown by default).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Corpus files or folders, read as `run` reads them (dumps: one document per record)
    #[arg(long, num_args = 1.., default_value = "corpus")]
    corpus: Vec<PathBuf>,
    /// Output folder: one file per document named after it (page.html -> page.md), or
    /// blocks.jsonl with --format jsonl
    #[arg(short, long)]
    out: PathBuf,
    /// md: Markdown (headings, nested lists, tables kept); txt: one block per line; jsonl:
    /// every block, kept or dropped (with the rule), in one blocks.jsonl
    #[arg(long, value_enum, default_value = "md")]
    format: CleanFormat,
    /// Leave out each document's title (the level-1 headings before its first text): the
    /// body alone, as article-extraction benchmarks score it (dropped with rule
    /// `clean:title` in --format jsonl)
    #[arg(long)]
    no_title: bool,
    /// Rule folder; default: ./rules if present, else the rules built into the binary.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Largest file read (bytes, or with a unit: 512K, 8M, 1G, 8MiB); larger files are reported as errors
    #[arg(long, default_value_t = Limits::default().max_bytes, value_parser = common::parse_size, value_name = "SIZE")]
    max_bytes: u64,
    /// No summary on standard error.
    #[arg(short, long)]
    quiet: bool,
    /// Threads that clean documents (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    dump: DumpFlags,
}

/// Documents cleaned at once.
const CHUNK: usize = 64;

/// Create `path`'s file, never writing through a symbolic link planted in its place.
fn create(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(path)?;
    }
    Ok(std::io::BufWriter::new(std::fs::File::create(path)?))
}

/// Write `manifest.json` whole: to a temporary name first, then renamed over the old one.
fn write_manifest(path: &Path, manifest: &serde_json::Value) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    let mut f = create(&tmp)?;
    serde_json::to_writer_pretty(&mut f, manifest)?;
    f.write_all(b"\n")?;
    f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn ext_name(f: CleanFormat) -> &'static str {
    match f {
        CleanFormat::Md => "md",
        CleanFormat::Txt => "txt",
        CleanFormat::Jsonl => "jsonl",
    }
}

/// The names of the files a clean writes, each added before the file is written, while
/// it runs (removed when it ends): what an interrupted clean wrote, for the next one.
const WRITING: &str = "manifest.json.writing";

/// Make the output folder ready: empty, or an earlier `clean`'s output, whose files (listed
/// in its manifest) are removed so that none is left stale. A folder holding anything else
/// (the corpus itself, another program's files) is refused: cleaning never overwrites what
/// it did not write.
fn clear_earlier(out: &Path) -> std::io::Result<()> {
    let earlier =
        rolemap::emit::folder::own_manifest(out).filter(|m| m.get("command").and_then(|c| c.as_str()) == Some("clean"));
    // a clean that did not end (killed, a full disk) named each file in `WRITING` before
    // writing it: those are its own
    let interrupted = earlier.as_ref().is_some_and(|m| m.get("complete").and_then(|c| c.as_bool()) == Some(false));
    let mut listed: Option<std::collections::HashSet<String>> = earlier
        .and_then(|m| m.get("files").and_then(|f| f.as_array()).cloned())
        .map(|fs| fs.iter().filter_map(|f| f.as_str().map(str::to_string)).collect());
    if interrupted {
        if let (Some(l), Ok(names)) = (listed.as_mut(), std::fs::read_to_string(out.join(WRITING))) {
            l.extend(names.lines().map(str::to_string));
            l.insert(WRITING.to_string());
        }
    }
    let mut foreign = Vec::new();
    let mut ours = Vec::new();
    for e in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let e = e.map_err(std::io::Error::other)?;
        if e.file_type().is_dir() {
            continue;
        }
        let rel = ingest::path_id(e.path().strip_prefix(out).unwrap_or(e.path()));
        if rel == "manifest.json" && listed.is_some() {
            continue;
        }
        // a manifest being written when the clean was killed
        if rel == "manifest.json.tmp" && listed.is_some() {
            ours.push(e.path().to_path_buf());
            continue;
        }
        match &listed {
            Some(l) if l.contains(&rel) => ours.push(e.path().to_path_buf()),
            _ => foreign.push(rel),
        }
    }
    if !foreign.is_empty() {
        let more = if foreign.len() > 5 { format!(" and {} more", foreign.len() - 5) } else { String::new() };
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} holds what rolemap clean did not write ({}{more}); choose an empty or new --out",
                out.display(),
                foreign.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    for p in ours {
        std::fs::remove_file(p)?;
    }
    Ok(())
}

pub fn run(a: Args) -> Result<u8, CliError> {
    common::check_out(&a.out)?;
    common::set_threads(a.threads)?;
    let rules = load_rules(a.rules.as_deref())?;
    let limits = Limits { max_bytes: a.max_bytes, ..Limits::default() };
    let corpus = ingest::list_excluding(&a.corpus, Some(&a.out)).map_err(CliError::io)?;
    let io = |p: &Path, e: std::io::Error| CliError::io(anyhow::anyhow!("{}: {e}", p.display()));
    // said with the folder, unless the message names it already
    let named = |e: std::io::Error| {
        let (m, p) = (e.to_string(), a.out.display().to_string());
        CliError::io(if m.contains(&p) { anyhow::anyhow!("{m}") } else { anyhow::anyhow!("{p}: {m}") })
    };
    let _lock = rolemap::emit::folder::Lock::take(&a.out).map_err(named)?;
    clear_earlier(&a.out).map_err(named)?;
    // the folder is empty now: said so before the first document is written, so that the
    // files of a clean that does not end are known as its own by the next one
    let mp = a.out.join("manifest.json");
    write_manifest(
        &mp,
        &serde_json::json!({ "tool": env!("CARGO_PKG_NAME"), "command": "clean", "complete": false, "files": [] }),
    )
    .map_err(|e| io(&mp, e))?;
    let writing_path = a.out.join(WRITING);
    let mut writing = create(&writing_path).map_err(|e| io(&writing_path, e))?;
    let mut name_it = |name: &str| writeln!(writing, "{name}").and_then(|()| writing.flush());
    let blocks_path = a.out.join("blocks.jsonl");
    let mut blocks = match a.format {
        CleanFormat::Jsonl => {
            name_it("blocks.jsonl").map_err(|e| io(&writing_path, e))?;
            Some(create(&blocks_path).map_err(|e| io(&blocks_path, e))?)
        }
        _ => None,
    };
    let ext = if a.format == CleanFormat::Txt { "txt" } else { "md" };
    let fields = a.dump.apply(FieldMap::default());
    let mut used = std::collections::HashSet::new();
    let (mut written, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    let mut inputs = pipeline::inputs(&corpus, &rules, &limits, &fields).peekable();
    let start = std::time::Instant::now();
    while inputs.peek().is_some() {
        let chunk: Vec<Input> = inputs.by_ref().take(CHUNK).collect();
        let done: Vec<Result<rolemap::model::CleanDoc, (String, Status, String)>> = chunk
            .into_par_iter()
            .map(|i| match i {
                Input::Doc(raw) => Ok(rolemap::clean::clean_with(*raw, &rules, &limits)),
                Input::Done(r) => Err((r.doc.doc.clone(), r.doc.status, r.doc.reason.clone())),
            })
            .collect();
        for d in done {
            match d {
                Ok(mut doc) => {
                    if a.no_title {
                        cleaned::drop_title(&mut doc);
                    }
                    if let Some(w) = blocks.as_mut() {
                        for r in cleaned::rows(&doc) {
                            serde_json::to_writer(&mut *w, &r).map_err(|e| io(&blocks_path, e.into()))?;
                            w.write_all(b"\n").map_err(|e| io(&blocks_path, e))?;
                        }
                    } else {
                        // two ids may map to one name (page.html, page.md): the later gets the full id
                        let mut name = cleaned::file_name(&doc.meta.id, ext);
                        if !used.insert(name.clone()) {
                            name = cleaned::file_name(&format!("{}.{ext}", doc.meta.id), ext);
                            used.insert(name.clone());
                        }
                        let body =
                            if a.format == CleanFormat::Txt { cleaned::text(&doc) } else { cleaned::markdown(&doc) };
                        let path = a.out.join(&name);
                        name_it(&ingest::path_id(&name)).map_err(|e| io(&writing_path, e))?;
                        let mut f = create(&path).map_err(|e| io(&path, e))?;
                        f.write_all(body.as_bytes()).and_then(|()| f.flush()).map_err(|e| io(&path, e))?;
                    }
                    for t in &doc.meta.truncated {
                        eprintln!("rolemap: {}: truncated: {t}", doc.meta.id);
                    }
                    written += 1;
                }
                // a dump's own row: its records follow as documents
                Err((_, Status::Ok, _)) => {}
                Err((id, Status::Skipped, reason)) => {
                    skipped += 1;
                    if !a.quiet {
                        eprintln!("rolemap: {id}: skipped: {reason}");
                    }
                }
                Err((id, _, reason)) => {
                    failed += 1;
                    eprintln!("rolemap: {id}: error: {reason}");
                }
            }
        }
    }
    if let Some(mut w) = blocks {
        w.flush().map_err(|e| io(&blocks_path, e))?;
        used.insert(PathBuf::from("blocks.jsonl"));
    }
    // what this clean wrote, so that the next one into the same folder replaces it
    let mut files: Vec<String> = used.iter().map(|p| ingest::path_id(p)).collect();
    files.sort();
    let manifest = serde_json::json!({
        "tool": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "clean",
        "format": ext_name(a.format),
        "title": !a.no_title,
        "corpus": a.corpus.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "documents": written,
        "complete": true,
        "files": files,
    });
    write_manifest(&mp, &manifest).map_err(|e| io(&mp, e))?;
    std::fs::remove_file(&writing_path).map_err(|e| io(&writing_path, e))?;
    if !a.quiet {
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "rolemap: cleaned {written} documents ({skipped} skipped, {failed} failed) in {secs:.2} s ({:.0} documents/s) into {}",
            written as f64 / secs.max(1e-9),
            a.out.display()
        );
    }
    Ok(if failed > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
