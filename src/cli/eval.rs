//! `rolemap eval`: run the pipeline in memory and score it against a gold annotation, in
//! the same sense as `shared/eval/score.py`.
//!
//! Example:
//!   rolemap eval --gold tests/seeds.gold.jsonl --corpus corpus/ --min-role-f1 0.95

use super::{exit, load_rules, CliError};
use rolemap::{eval, pipeline};
use std::path::PathBuf;

/// Score the pipeline against a gold annotation (JSON Lines).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gold file, one JSON record per document.
    #[arg(long)]
    gold: PathBuf,
    /// Corpus files or folders.
    #[arg(long, num_args = 1.., default_value = "corpus")]
    corpus: Vec<PathBuf>,
    /// Rule folder; default: ./rules if present, else the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Print only the summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Exit 4 when the roles' F1 is below this (0 to 1, e.g. 0.95)
    #[arg(long, value_name = "X")]
    min_role_f1: Option<f64>,
    /// Exit 4 when the responsibilities' F1 is below this (0 to 1, e.g. 0.90)
    #[arg(long, value_name = "X")]
    min_resp_f1: Option<f64>,
    /// Exit 4 when more than this many leaks are found (a text the gold file marks as no responsibility, in the output)
    #[arg(long, value_name = "N")]
    max_leaks: Option<usize>,
}

pub fn run(a: Args) -> Result<u8, CliError> {
    let rules = load_rules(a.rules.as_deref())?;
    let gold = eval::read_gold(&a.gold).map_err(|e| CliError::usage(anyhow::anyhow!(e)))?;
    let results = pipeline::collect(&a.corpus, &rules).map_err(CliError::io)?;
    let roles: Vec<_> = results.iter().flat_map(|r| r.roles.iter().cloned()).collect();
    let resps: Vec<_> = results.iter().flat_map(|r| r.responsibilities.iter().cloned()).collect();
    let s = eval::score(&gold, &roles, &resps);
    if !a.quiet {
        for l in &s.lines {
            println!("{l}");
        }
        for (doc, neg, t) in &s.leak_list {
            println!("leak: {doc}: {neg:?} in {t:?}");
        }
    }
    println!("{}", s.summary());
    if let Some(p) = a.json {
        let v = serde_json::to_string_pretty(&s).map_err(CliError::io)?;
        std::fs::write(&p, v + "\n").map_err(CliError::io)?;
    }
    let bad = a.min_role_f1.is_some_and(|m| s.role_f1 < m)
        || a.min_resp_f1.is_some_and(|m| s.resp_f1 < m)
        || a.max_leaks.is_some_and(|m| s.leaks > m);
    Ok(if bad { exit::BELOW_THRESHOLD } else { exit::OK })
}
