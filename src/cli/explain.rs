//! `rolemap explain FILE`: show, block by block, what the pipeline did with one document.
//!
//! Examples:
//!   rolemap explain corpus/001_2d0d4a9b4ccb75f5.txt
//!   rolemap explain posting.html --json | jq '.roles'

use super::{exit, load_rules, CliError};
use rolemap::model::{Limits, Status};
use rolemap::{explain, ingest};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Explain what the pipeline does with one document.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document.
    file: PathBuf,
    /// Rule folder; default: ./rules if present, else the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Print JSON (for tools) instead of text.
    #[arg(long)]
    json: bool,
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
    let bytes = ingest::read_bytes(&a.file, Limits::default().max_bytes)
        .and_then(|b| ingest::check_bytes(&b).map(|()| b))
        .map_err(|r| {
            let e = anyhow::anyhow!("{}: {}", a.file.display(), r.reason);
            if r.status == Status::Skipped {
                CliError::usage(e)
            } else {
                CliError::io(e)
            }
        })?;
    let id = a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let x = explain::explain(&id, &bytes, &rules);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&x).map_err(CliError::io)?);
        return Ok(exit::OK);
    }
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
    }
    Ok(exit::OK)
}
