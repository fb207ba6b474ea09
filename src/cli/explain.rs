//! `rolemap explain FILE`: show, block by block, what the pipeline did with one document,
//! or with each record of a dump (JSON Lines, CSV, a spreadsheet saved as text), read as
//! `run` reads them.
//!
//! Examples:
//!   rolemap explain corpus/001_2d0d4a9b4ccb75f5.txt
//!   rolemap explain posting.html --json | jq '.roles'
//!   rolemap explain jobs.csv --record in-42      (or: rolemap explain 'jobs.csv#in-42')

use super::common::Escape;
use super::{exit, load_rules, CliError};
use rolemap::ingest::dump::FieldMap;
use rolemap::model::{Limits, Status};
use rolemap::pipeline::{self, Input};
use rolemap::{explain, ingest};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Explain what the pipeline does with one document.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document, or a dump of postings (every record is explained; `FILE#ID` or
    /// `--record ID` picks one, by the id documents.csv gives it).
    file: PathBuf,
    /// The record of a dump to explain: its id in documents.csv (`in-42`, `line7`), with
    /// or without the `FILE#` before it.
    #[arg(long)]
    record: Option<String>,
    /// Rule folder; default: ./rules if present, else the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Print JSON (for tools) instead of text.
    #[arg(long)]
    json: bool,
    /// CSV dumps: backslash escapes in quoted fields, as `run --csv-escape` reads them
    #[arg(long, value_enum, default_value = "auto", value_name = "MODE")]
    csv_escape: Escape,
}

struct Paint(bool);
impl Paint {
    fn c(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

pub fn run(a: Args) -> Result<u8, CliError> {
    let rules = load_rules(a.rules.as_deref())?;
    // `jobs.csv#in-42`, as documents.csv names a record
    let (file, record) = match (a.record, a.file.to_str().and_then(|f| f.rsplit_once('#'))) {
        (None, Some((f, r))) if !a.file.exists() && std::path::Path::new(f).is_file() => {
            (PathBuf::from(f), Some(r.to_string()))
        }
        (r, _) => (a.file, r),
    };
    if !file.exists() {
        return Err(CliError::io(anyhow::anyhow!("{}: does not exist", file.display())));
    }
    if file.is_dir() {
        return Err(CliError::usage(anyhow::anyhow!("{}: is a folder; explain takes one file", file.display())));
    }
    let corpus = ingest::list(std::slice::from_ref(&file)).map_err(CliError::io)?;
    let limits = Limits::default();
    let fields = FieldMap { csv_escape: a.csv_escape.mode(), ..FieldMap::default() };
    let wanted =
        |id: &str| record.as_deref().is_none_or(|r| id == r || id.rsplit_once('#').is_some_and(|(_, own)| own == r));
    let mut shown = 0usize;
    let mut records = 0usize;
    let mut failed: Option<(Status, String)> = None;
    let entry_id = corpus.entries.first().map_or(String::new(), |e| e.id().to_string());
    // JSON: one object for a document, an array for the records of a dump
    let mut array = false;
    for input in pipeline::inputs(&corpus, &rules, &limits, &fields) {
        match input {
            Input::Doc(raw) => {
                records += 1;
                if !wanted(&raw.meta.id) {
                    continue;
                }
                if shown == 0 && a.json && record.is_none() && raw.meta.id != entry_id {
                    array = true;
                    println!("[");
                }
                let x = explain::explain_raw(*raw, &rules);
                if a.json {
                    let j = serde_json::to_string_pretty(&x).map_err(CliError::io)?;
                    println!("{}{j}", if shown > 0 { "," } else { "" });
                } else {
                    if shown > 0 {
                        println!();
                    }
                    print_text(&x);
                }
                shown += 1;
            }
            Input::Done(r) => {
                let d = &r.doc;
                if d.doc == entry_id && d.status == Status::Ok {
                    // a dump's own row
                    if !a.json {
                        eprintln!("{}: {}", d.doc, d.reason);
                    }
                } else if d.status == Status::Ok || !wanted(&d.doc) {
                } else if d.doc == entry_id {
                    failed = Some((d.status, d.reason.clone()));
                } else {
                    records += 1;
                    shown += 1;
                    eprintln!("{}: {}: {}", d.doc, d.status.as_str(), d.reason);
                }
            }
        }
    }
    if array {
        println!("]");
    }
    if let Some((status, reason)) = failed {
        let e = anyhow::anyhow!("{}: {reason}", file.display());
        return Err(if status == Status::Skipped { CliError::usage(e) } else { CliError::io(e) });
    }
    if shown == 0 {
        let what = record.map_or_else(|| "no record".to_string(), |r| format!("no record {r:?}"));
        return Err(CliError::usage(anyhow::anyhow!("{}: {what} among its {records} record(s)", file.display())));
    }
    Ok(exit::OK)
}

fn print_text(x: &explain::Explanation) {
    let p = Paint(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()));
    println!("{} ({}, {})", p.c("1", &x.doc), x.format, x.encoding);
    for r in &x.repairs {
        println!("  repair: {r}");
    }
    for t in &x.truncated {
        println!("  {}: {t}", p.c("31", "truncated"));
    }
    for (k, v) in &x.front_matter {
        println!("  front matter {k}: {v}");
    }
    match &x.company {
        Some(c) => println!("  company: {} (from {})", c.name, c.evidence),
        None => println!("  company: none found"),
    }
    println!("  shape: {}", x.shape);
    if !x.sections.is_empty() {
        println!("  sections:");
        for s in &x.sections {
            let kind = if s.kind.is_empty() { "-".to_string() } else { format!("{} ({})", s.kind, s.rule) };
            println!(
                "  {:>5} {}{}  [{}]",
                s.line,
                "  ".repeat(s.depth),
                s.label.chars().take(70).collect::<String>(),
                kind
            );
        }
    }
    println!();
    for b in &x.blocks {
        let text: String = b.text.chars().take(90).collect();
        let head = format!("{:>5} {:<14}", b.line, b.kind);
        if b.kept {
            println!("{} {}", p.c("2", &head), text);
        } else {
            println!("{} {}", p.c("2;9", &head), p.c("2", &text));
        }
        for n in &b.notes {
            let code = if n.starts_with("defines") {
                "1;32"
            } else if n.starts_with("responsibility") {
                "36"
            } else if n.starts_with("dropped") {
                "31"
            } else {
                "33"
            };
            println!("      {}", p.c(code, n));
        }
    }
    println!();
    println!("{} roles, {} responsibilities", x.roles.len(), x.responsibilities.len());
    for r in &x.roles {
        println!(
            "  {} {}/{} \"{}\": {} responsibilities; categories: {}",
            p.c("32", "role"),
            r.role_id,
            r.seniority,
            r.title,
            r.responsibilities,
            if r.categories.is_empty() { "none".to_string() } else { r.categories.join(", ") }
        );
        let codes = [
            r.isco08.as_ref().zip(r.esco_label.as_ref()).map(|(g, l)| format!("ESCO {l} (ISCO-08 {g})")),
            r.onet_soc.as_ref().zip(r.onet_title.as_ref()).map(|(c, t)| format!("O*NET {c} {t}")),
        ];
        let codes: Vec<String> = codes.into_iter().flatten().collect();
        let codes = if codes.is_empty() { "none".to_string() } else { codes.join("; ") };
        println!("      codes: {codes} [{}]", r.code_evidence);
    }
}
