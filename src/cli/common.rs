//! Flags and checks that several subcommands share: sizes with units, the thread pool,
//! how dumps are read, the output folder.

use super::CliError;
use rolemap::ingest::dump::{CsvEscape, DumpKind, FieldMap};
use std::path::Path;

/// A size in bytes: `8388608`, or a number with a unit, `512K`, `8M`, `1G`, `8MiB`, `1.5G`
/// (K, M, G, T are powers of 1024, with or without `iB`/`B`; `KB`, `MB`, … are read the
/// same: a limit, not a disk label). Case does not matter.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = (&t[..split], t[split..].trim());
    let bad = || {
        format!("{s:?} is not a size: give bytes (8388608) or a number with a unit K, M, G or T (512K, 8M, 1G, 8MiB)")
    };
    if num.is_empty() {
        return Err(bad());
    }
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    if let Ok(n) = num.parse::<u64>() {
        return n.checked_mul(1u64 << shift).ok_or_else(|| format!("{s:?} is too large"));
    }
    // a fraction (`1.5G`) needs a unit: bytes are whole
    let f: f64 = num.parse().map_err(|_| bad())?;
    if shift == 0 || !f.is_finite() {
        return Err(bad());
    }
    let v = f * (1u64 << shift) as f64;
    if v >= u64::MAX as f64 {
        return Err(format!("{s:?} is too large"));
    }
    Ok(v.round() as u64)
}

/// `-j/--threads N`: the size of the pool that processes documents (rayon's global pool);
/// 0 or not given: one thread per core.
pub fn set_threads(n: Option<usize>) -> Result<(), CliError> {
    let Some(n) = n.filter(|&n| n > 0) else { return Ok(()) };
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| CliError::usage(anyhow::anyhow!("--threads {n}: {e}")))
}

/// `--out -`: output is a folder of several files, not a stream.
pub fn check_out(out: &Path) -> Result<(), CliError> {
    if out.as_os_str() == "-" {
        return Err(CliError::usage(anyhow::anyhow!(
            "--out - is not supported: the output is a folder of several files (documents.csv, roles.csv, …); give a folder name"
        )));
    }
    Ok(())
}

/// `--csv-escape`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Escape {
    /// Backslash escapes when the file looks written with them (a quoted header, and each
    /// backslash in quoted fields before punctuation)
    Auto,
    /// `\"`, `\\`, `\-` in quoted fields are escapes (Python's csv with escapechar="\\")
    Backslash,
    /// A backslash is a backslash
    None,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StdinFormat {
    Jsonl,
    Csv,
    Tsv,
}

/// How dumps are read: flags shared by `run`, `clean` and `explain`.
#[derive(Debug, Clone, clap::Args)]
pub struct DumpFlags {
    /// CSV dumps: backslash escapes in quoted fields, as JobSpy's recommended
    /// `to_csv(quoting=csv.QUOTE_NONNUMERIC, escapechar="\\")` writes them
    #[arg(long, value_enum, default_value = "auto", value_name = "MODE")]
    pub csv_escape: Escape,
    /// What standard input (`--corpus -`) holds: JSON Lines, CSV or TSV
    #[arg(long, value_enum, default_value = "jsonl", value_name = "FORMAT")]
    pub input_format: StdinFormat,
}

impl Escape {
    pub fn mode(self) -> CsvEscape {
        match self {
            Escape::Auto => CsvEscape::Auto,
            Escape::Backslash => CsvEscape::Backslash,
            Escape::None => CsvEscape::None,
        }
    }
}

impl DumpFlags {
    /// The field map with these flags set.
    pub fn apply(&self, mut f: FieldMap) -> FieldMap {
        f.csv_escape = self.csv_escape.mode();
        f.stdin = Some(match self.input_format {
            StdinFormat::Jsonl => DumpKind::Jsonl,
            StdinFormat::Csv => DumpKind::Csv,
            StdinFormat::Tsv => DumpKind::Tsv,
        });
        f
    }
}

/// `--keep-field NAME…`: the names normalized as dump fields are; a name documents.csv
/// already has as a column is refused.
pub fn keep_fields(names: &[String]) -> Result<Vec<String>, CliError> {
    let keep: Vec<String> = names.iter().map(|k| rolemap::ingest::dump::norm_key(k)).collect();
    if let Some(k) = keep.iter().find(|k| rolemap::emit::table::DOCUMENTS.columns.iter().any(|c| c.name == *k)) {
        return Err(CliError::usage(anyhow::anyhow!("--keep-field {k}: documents.csv already has a column {k:?}")));
    }
    Ok(keep)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_with_units() {
        for (s, n) in [
            ("8388608", 8_388_608),
            ("0", 0),
            ("512K", 512 * 1024),
            ("512k", 512 * 1024),
            ("8M", 8 << 20),
            ("8MiB", 8 << 20),
            ("8 MB", 8 << 20),
            ("1G", 1 << 30),
            ("1gib", 1 << 30),
            ("2T", 2 << 40),
            ("1.5G", 3 << 29),
            ("100B", 100),
        ] {
            assert_eq!(parse_size(s), Ok(n), "{s}");
        }
        for s in ["8X", "", "M", "1.5", "-1", "8MX", "1e3", "99999999999T"] {
            assert!(parse_size(s).is_err(), "{s}");
        }
        let e = parse_size("8X").unwrap_err();
        assert!(e.contains("\"8X\" is not a size") && e.contains("8M"), "{e}");
    }
}
