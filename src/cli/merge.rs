//! `rolemap merge`: the outputs of the shards of a run (`run --shard K/N`) combined into
//! what one run over the whole corpus writes.
//!
//! Examples:
//!   rolemap run --corpus big/ --shard 1/3 -o out1    # on three machines, or one after another
//!   rolemap run --corpus big/ --shard 2/3 -o out2
//!   rolemap run --corpus big/ --shard 3/3 -o out3
//!   rolemap merge out1 out2 out3 -o out

use super::{exit, load_rules, CliError};
use rolemap::pipeline::{self, MergeError, Options, RunError};
use std::path::PathBuf;

/// Combine the outputs of `run --shard K/N` (every K once) into the output of one run.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folders of the shards (any order)
    #[arg(required = true, num_args = 1..)]
    shards: Vec<PathBuf>,
    /// Output folder of the merged run (`-` is refused: the output is several files)
    #[arg(short, long)]
    out: PathBuf,
    /// Rule folder: the rules the shards ran with (their fingerprints are checked); default:
    /// ./rules if present, else the rules built into the binary
    #[arg(long)]
    rules: Option<PathBuf>,
    /// No summary
    #[arg(short, long)]
    quiet: bool,
    /// Formats of the tables, comma-separated: csv, jsonl, parquet (default: all three)
    #[arg(long, value_name = "LIST", default_value = "csv,jsonl,parquet", value_parser = rolemap::emit::table::Formats::parse)]
    format: rolemap::emit::table::Formats,
    /// Also write this dump field as a column of documents.csv (repeatable), as `run` does
    #[arg(long, value_name = "NAME")]
    keep_field: Vec<String>,
    /// Write CSV cells as they are, without neutralising spreadsheet formulas (=, +, -, @)
    #[arg(long)]
    no_csv_guard: bool,
}

pub fn run(a: Args) -> Result<u8, CliError> {
    super::common::check_out(&a.out)?;
    let rules = load_rules(a.rules.as_deref())?;
    super::run::on_interrupt();
    let keep_fields = super::common::keep_fields(&a.keep_field)?;
    // the merged output is never one of the shards'
    for s in &a.shards {
        if std::fs::canonicalize(s).ok().is_some_and(|c| std::fs::canonicalize(&a.out).ok() == Some(c)) {
            return Err(CliError::usage(anyhow::anyhow!(
                "--out {} is one of the shards: give another folder",
                a.out.display()
            )));
        }
    }
    let mut opts = Options::new(Vec::new(), a.out);
    opts.formats = a.format;
    opts.keep_fields = keep_fields;
    opts.csv_guard = !a.no_csv_guard;
    let sum = pipeline::merge(&a.shards, &opts, &rules).map_err(|e| match e {
        MergeError::Shard { .. } | MergeError::Mismatch(_) => CliError::usage(e),
        MergeError::Run(RunError::Interrupted) => CliError::interrupted(e),
        MergeError::Run(_) => CliError::io(e),
    })?;
    if !a.quiet {
        eprintln!(
            "rolemap: merged {} shards: {} documents ({} ok, {} skipped, {} failed), {} roles with {} responsibilities, {} near-duplicates, in {:.2} s. Output: {}.",
            a.shards.len(),
            sum.documents,
            sum.ok,
            sum.skipped,
            sum.errors,
            sum.roles,
            sum.responsibilities,
            sum.duplicates,
            sum.elapsed.as_secs_f64(),
            opts.out.display()
        );
    }
    // as the single run would: something was lost
    Ok(if sum.errors > 0 || sum.truncated > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
