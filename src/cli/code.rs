//! `rolemap code`: job titles coded to ESCO (with ISCO-08) and O*NET-SOC, from the pinned
//! taxonomies built into the binary. A title the title grammar reads as a role of the taxonomy
//! gets the codes `rules/codes.toml` gives that role first (evidence `codes:<role id>`), then
//! the ranking of the taxonomies' labels; a role row of `rolemap run` gets the same first codes.
//!
//! Examples:
//!   rolemap code "Head of Product" "Registered Nurse"
//!   rolemap code --from titles.txt --top 10 --json > codes.jsonl

use super::CliError;
use rolemap::codes::{Coder, EscoHit, OnetHit};
use rolemap::rules::Rules;
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
    /// Only the ranking of the taxonomies' labels: no codes from the rules' roles
    #[arg(long)]
    labels_only: bool,
    /// Rank the title grammar's core phrase, not the whole title: seniority words ("Senior")
    /// and qualifiers ("(m/f/d)", "- Berlin", ", Payments") left out, as on role rows (for
    /// titles of postings; MELO's clean O*NET titles rank better whole)
    #[arg(long)]
    core: bool,
    /// Rules folder (default: the rules built into the binary)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
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
    let coder = Coder::shared().map_err(|e| CliError::usage(anyhow::anyhow!("bad built-in taxonomies: {e}")))?;
    let grammar = if a.core || !a.labels_only { Some(super::load_rules(a.rules.as_deref())?) } else { None };
    let rules = if a.labels_only { None } else { grammar.clone() };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let io = |e: std::io::Error| CliError::io(anyhow::anyhow!("standard output: {e}"));
    for t in &titles {
        // the title grammar's core phrase: seniority words and qualifiers out
        let core = match &grammar {
            Some(r) if a.core => core_phrase(r, t),
            _ => t.clone(),
        };
        let (mut esco, mut onet) = coder.code(&core, a.top);
        if let Some(r) = &rules {
            curated_first(r, t, &mut esco, &mut onet, a.top);
        }
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

/// The codes a role row would get first, when the title names a role of the rules (ahead of
/// the best score).
fn curated_first(rules: &Rules, title: &str, esco: &mut Vec<EscoHit>, onet: &mut Vec<OnetHit>, top: usize) {
    let c = rolemap::codes::assign::for_text(rules, title, None);
    if !c.evidence.starts_with("codes:") {
        return;
    }
    if let (Some(uri), Some(label), Some(isco08)) = (&c.esco_uri, &c.esco_label, &c.isco08) {
        let score = esco.first().map_or(1.0, |h| h.score);
        esco.retain(|h| &h.uri != uri);
        let (uri, label, isco08, evidence) = (uri.clone(), label.clone(), isco08.clone(), c.evidence.clone());
        esco.insert(0, EscoHit { uri, label, isco08, score, evidence });
        esco.truncate(top);
    }
    if let (Some(code), Some(t)) = (&c.onet_soc, &c.onet_title) {
        let score = onet.first().map_or(1.0, |h| h.score);
        onet.retain(|h| &h.code != code);
        onet.insert(0, OnetHit { code: code.clone(), title: t.clone(), score, evidence: c.evidence.clone() });
        onet.truncate(top);
    }
}

/// The title grammar's core phrase of a title, in words ("Senior Accountant (m/f/d) - Berlin"
/// → "accountant"); the title itself when the grammar leaves nothing.
fn core_phrase(rules: &Rules, title: &str) -> String {
    let key = rolemap::codes::assign::key_words(&rules.taxonomy.parse_title(title).key);
    if key.trim().is_empty() {
        title.to_string()
    } else {
        key
    }
}
