//! `rolemap run`: the batch job. Reads the corpus, writes the output folder.
//!
//! Examples:
//!   rolemap run                                   # corpus/ + rules/ -> output/
//!   rolemap run --corpus saved-pages/ --out out/  # a folder of saved pages
//!   rolemap run --corpus a.html b.md --quiet

use super::common::{self, DumpFlags};
use super::{exit, load_rules, CliError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rolemap::ingest::dump::FieldMap;
use rolemap::model::Limits;
use rolemap::pipeline::{self, Observer, Options, RunError};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Run the pipeline on a corpus.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Corpus files or folders (.html .htm .md .markdown .txt; .jsonl .ndjson .csv .tsv dumps of
    /// postings, one document per record; `-` reads standard input, JSON Lines unless
    /// --input-format says otherwise; others are reported as skipped)
    #[arg(long, num_args = 1.., default_value = "corpus")]
    corpus: Vec<PathBuf>,
    /// Dump records: the field holding the posting text (default: description, job_description, body, text, …)
    #[arg(long, value_name = "NAME")]
    text_field: Option<String>,
    /// Dump records: the field holding the job title (default: title, job_title, position, …)
    #[arg(long, value_name = "NAME")]
    title_field: Option<String>,
    /// Dump records: the field holding the company (default: company, company_name, employer, …)
    #[arg(long, value_name = "NAME")]
    company_field: Option<String>,
    /// Dump records: the field holding the record id, used in document ids `file#id` (default: id, job_id, …; else the line)
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Rule folder; default: ./rules if present, else the rules built into the binary.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Output folder (`-` is refused: the output is several files)
    #[arg(short, long, default_value = "output")]
    out: PathBuf,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Threads that process documents (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
    /// Largest file read (bytes, or with a unit: 512K, 8M, 1G, 8MiB); larger files are reported as errors
    #[arg(long, default_value_t = Limits::default().max_bytes, value_parser = common::parse_size, value_name = "SIZE")]
    max_bytes: u64,
    /// Blocks (paragraphs, list items, table rows, headings) kept per document; the rest are cut and reported
    #[arg(long, default_value_t = Limits::default().max_blocks)]
    max_blocks: usize,
    /// Characters kept per block; longer blocks are cut and reported
    #[arg(long, default_value_t = Limits::default().max_block_chars)]
    max_block_chars: usize,
    /// HTML elements nested deeper than this are flattened (tags removed, text kept) and reported
    #[arg(long, default_value_t = Limits::default().max_html_depth)]
    max_html_depth: usize,
    /// Write CSV cells as they are, without neutralising spreadsheet formulas (=, +, -, @).
    #[arg(long)]
    no_csv_guard: bool,
    /// Formats of the tables, comma-separated: csv, jsonl, parquet (default: all three)
    #[arg(long, value_name = "LIST", default_value = "csv,jsonl,parquet", value_parser = rolemap::emit::table::Formats::parse)]
    format: rolemap::emit::table::Formats,
    /// Dump records: also write this input field as a column of documents.csv (repeatable;
    /// every field is in the `extra` map of documents.jsonl and documents.parquet)
    #[arg(long, value_name = "NAME")]
    keep_field: Vec<String>,
    #[command(flatten)]
    dump: DumpFlags,
    /// Process the K-th of N parts of the corpus (by a hash of each document's id); the shards'
    /// outputs are combined with `rolemap merge`
    #[arg(long, value_name = "K/N", value_parser = pipeline::Shard::parse)]
    shard: Option<pipeline::Shard>,
}

struct Bar(ProgressBar);

impl Observer for Bar {
    fn begin(&self, documents: usize, bytes: u64) {
        self.0.set_length(bytes);
        self.0.set_message(format!("0/{documents} documents"));
    }
    fn done(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn end(&self) {
        self.0.finish_and_clear();
    }
}

pub fn run(a: Args) -> Result<u8, CliError> {
    common::check_out(&a.out)?;
    common::set_threads(a.threads)?;
    let rules = load_rules(a.rules.as_deref())?;
    on_interrupt();
    let limits = Limits {
        max_bytes: a.max_bytes,
        max_blocks: a.max_blocks.max(1),
        max_block_chars: a.max_block_chars.max(1),
        max_html_depth: a.max_html_depth.max(1),
    };
    let fields = a.dump.apply(FieldMap {
        text: a.text_field,
        title: a.title_field,
        company: a.company_field,
        id: a.id_field,
        ..FieldMap::default()
    });
    let keep_fields = super::common::keep_fields(&a.keep_field)?;
    if a.shard.is_some() && a.corpus.iter().any(|c| c.as_os_str() == "-") {
        return Err(CliError::usage(anyhow::anyhow!(
            "--shard needs a corpus every shard lists the same way (files or folders), not standard input: split the stream instead, or use `rolemap process`"
        )));
    }
    let opts = Options {
        corpus: a.corpus,
        out: a.out,
        limits,
        fields,
        csv_guard: !a.no_csv_guard,
        formats: a.format,
        keep_fields,
        shard: a.shard.unwrap_or(pipeline::Shard::WHOLE),
    };
    let show = !a.quiet && std::io::stderr().is_terminal();
    let pb = ProgressBar::with_draw_target(
        Some(0),
        if show { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() },
    );
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .expect("progress template")
        .progress_chars("=> "),
    );
    let bar = Bar(pb);
    let sum = pipeline::run(&opts, &rules, &bar).map_err(|e| match e {
        RunError::Ingest(_) | RunError::Output { .. } => CliError::io(e),
        RunError::Interrupted => CliError::interrupted(e),
    })?;
    if pipeline::cancelled() {
        // the interrupt came after the new output was put in place: it is whole
        eprintln!("rolemap: interrupted after the new output was written in full to {}", opts.out.display());
    }
    if !a.quiet {
        let secs = sum.elapsed.as_secs_f64();
        let mb = sum.bytes as f64 / 1e6;
        eprintln!(
            "rolemap: read {} documents ({} ok, {} skipped, {} failed; {:.1} MB) and found {} roles with {} responsibilities in {:.2} s ({:.1} MB/s). Rules: {} ({}). Output: {}.",
            sum.documents,
            sum.ok,
            sum.skipped,
            sum.errors,
            mb,
            sum.roles,
            sum.responsibilities,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 },
            rules.origin,
            &rules.fingerprint[..12],
            opts.out.display()
        );
        if sum.errors > 0 {
            eprintln!("rolemap: {} documents could not be processed; see status=error in documents.csv", sum.errors);
        }
        if sum.truncated > 0 {
            eprintln!(
                "rolemap: {} documents were cut by a limit; see the truncated column of documents.csv",
                sum.truncated
            );
        }
    }
    // something was lost: a document not processed, or not whole
    Ok(if sum.errors > 0 || sum.truncated > 0 { exit::INPUT_ERRORS } else { exit::OK })
}

/// Ctrl-C, SIGTERM, SIGHUP: stop starting documents, write nothing, keep the previous
/// output; a second one ends the process at once (its staging folder removed), saying which
/// output it leaves in place.
pub(super) fn on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if pipeline::cancelled() {
            match rolemap::emit::folder::abandon() {
                rolemap::emit::folder::Abandoned::Before => {
                    eprintln!("rolemap: error: interrupted again: stopped at once; no output was written; the previous output is left as it was")
                }
                rolemap::emit::folder::Abandoned::After => {
                    eprintln!("rolemap: error: interrupted again: stopped at once, after the new output was put in place whole")
                }
            }
            std::process::exit(exit::INTERRUPTED.into());
        }
        pipeline::cancel();
    });
}
