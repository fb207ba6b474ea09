//! `rolemap process`: postings on standard input, one JSON line per posting on standard
//! output (its document row, roles, responsibilities and requirements), for engines that
//! fan a corpus out over processes (Spark's `RDD.pipe`, `xargs -P`, a queue's workers).
//!
//! Examples:
//!   rolemap process < postings.jsonl > results.jsonl
//!   rolemap process --input-format csv --text-field body < jobs.csv

use super::common::{parse_size, set_threads, DumpFlags};
use super::{exit, load_rules, CliError};
use rolemap::ingest::dump::FieldMap;
use rolemap::model::Limits;
use rolemap::pipeline::{self, RunError};
use std::path::PathBuf;

/// Postings on stdin (JSON Lines, CSV or TSV, as `run` reads a dump), a JSON line per posting
/// on stdout: `{"key", "file", "listed", "result": {"doc", "roles", "responsibilities",
/// "requirements"}}`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The field holding the posting text (default: description, job_description, body, text, …)
    #[arg(long, value_name = "NAME")]
    text_field: Option<String>,
    /// The field holding the job title (default: title, job_title, position, …)
    #[arg(long, value_name = "NAME")]
    title_field: Option<String>,
    /// The field holding the company (default: company, company_name, employer, …)
    #[arg(long, value_name = "NAME")]
    company_field: Option<String>,
    /// The field holding the record id, used in document ids `stdin#ID` (default: id, job_id, …; else the line)
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Rule folder; default: ./rules if present, else the rules built into the binary
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Largest posting text read, in bytes or with a unit (8M, 1G)
    #[arg(long, default_value = "8M", value_parser = parse_size, value_name = "SIZE")]
    max_bytes: u64,
    /// Threads that process postings (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    dump: DumpFlags,
}

pub fn run(a: Args) -> Result<u8, CliError> {
    let rules = load_rules(a.rules.as_deref())?;
    set_threads(a.threads)?;
    let limits = Limits { max_bytes: a.max_bytes, ..Limits::default() };
    let fields = a.dump.apply(FieldMap {
        text: a.text_field,
        title: a.title_field,
        company: a.company_field,
        id: a.id_field,
        ..FieldMap::default()
    });
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let sum = pipeline::process_stream(&rules, &limits, &fields, &mut out).map_err(|e| match e {
        RunError::Interrupted => CliError::interrupted(e),
        _ => CliError::io(e),
    })?;
    Ok(if sum.errors > 0 || sum.truncated > 0 { exit::INPUT_ERRORS } else { exit::OK })
}
