//! `rolemap code`: job titles coded to ESCO (with ISCO-08) and O*NET-SOC, from the pinned
//! taxonomies built into the binary.
//!
//! Examples:
//!   rolemap code "Head of Product" "Registered Nurse"
//!   rolemap code --from titles.txt --top 10 --json > codes.jsonl

use super::CliError;
use rolemap::codes::Coder;
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// Rank ESCO occupations (URI, label, ISCO-08) and O*NET-SOC occupations for job titles
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Titles to code (with --from, those of the file come after these)
    titles: Vec<String>,
    /// A file of titles, one a line (`-`: standard input)
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Codes listed per title and taxonomy
    #[arg(long, default_value_t = 5, value_name = "N")]
    top: usize,
    /// One JSON line per title: {"title", "esco": [{"uri", "label", "isco08", "score", "evidence"}], "onet": [{"code", "title", "score", "evidence"}]}
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<u8, CliError> {
    let mut titles = a.titles;
    if let Some(f) = &a.from {
        let read: Box<dyn BufRead> = if f.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(f).map_err(|e| CliError::io(anyhow::anyhow!("{}: {e}", f.display())))?,
            ))
        };
        for line in read.lines() {
            let line = line.map_err(|e| CliError::io(anyhow::anyhow!("{}: {e}", f.display())))?;
            if !line.trim().is_empty() {
                titles.push(line.trim().to_string());
            }
        }
    }
    if titles.is_empty() {
        return Err(CliError::usage(anyhow::anyhow!("no title given: rolemap code TITLE… or --from FILE")));
    }
    let coder = Coder::embedded().map_err(|e| CliError::usage(anyhow::anyhow!("bad built-in taxonomies: {e}")))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let io = |e: std::io::Error| CliError::io(anyhow::anyhow!("standard output: {e}"));
    for t in &titles {
        let (esco, onet) = coder.code(t, a.top);
        if a.json {
            let row = serde_json::json!({"title": t, "esco": esco, "onet": onet});
            writeln!(out, "{row}").map_err(io)?;
        } else {
            writeln!(out, "{t}").map_err(io)?;
            for h in &esco {
                writeln!(
                    out,
                    "  ESCO  {:.3}  {}  {} (ISCO-08 {})  [{}]",
                    h.score, h.uri, h.label, h.isco08, h.evidence
                )
                .map_err(io)?;
            }
            for h in &onet {
                writeln!(out, "  O*NET {:.3}  {}  {}  [{}]", h.score, h.code, h.title, h.evidence).map_err(io)?;
            }
        }
    }
    out.flush().map_err(io)?;
    Ok(super::exit::OK)
}
