//! `partials/results.jsonl.gz`: every document's result with its place in the corpus, as
//! the run collected it (before near-duplicates were marked). `rolemap merge` reads the
//! partials of the shards of a run (`--shard K/N`) and collects them again in corpus order:
//! near-duplicates across shards, comparisons, counts and the report come out as one run
//! over the whole corpus makes them. One JSON object per line:
//! `{"key": N, "file": "jobs.csv", "listed": false, "result": {"doc": {…}, "roles": […],
//! "responsibilities": […], "requirements": […]}}`.

use crate::model::DocResult;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The partials file, relative to the output folder.
pub const FILE: &str = "partials/results.jsonl.gz";

/// One document's line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Its place among all the documents of the corpus (the same in every shard).
    pub key: u64,
    /// The listed input it comes from (a dump for its records).
    pub file: String,
    /// Whether it is that input itself (its bytes are the run's).
    pub listed: bool,
    pub result: DocResult,
}

#[derive(Serialize)]
struct LineRef<'a> {
    key: u64,
    file: &'a str,
    listed: bool,
    result: &'a DocResult,
}

/// One document's line, ending with a newline.
pub fn write_line(out: &mut Vec<u8>, key: u64, file: &str, listed: bool, result: &DocResult) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &LineRef { key, file, listed, result }).map_err(io::Error::other)?;
    out.push(b'\n');
    Ok(())
}

/// Writes the partials of a run, a line per document.
pub struct Writer {
    gz: GzEncoder<BufWriter<File>>,
    path: PathBuf,
    buf: Vec<u8>,
}

impl Writer {
    pub fn create(dir: &Path) -> io::Result<Writer> {
        let path = dir.join(FILE);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        let file = BufWriter::with_capacity(1 << 16, File::create(&path)?);
        // the fastest level: the partials are read once, by `merge`
        Ok(Writer { gz: GzEncoder::new(file, flate2::Compression::fast()), path, buf: Vec::new() })
    }

    pub fn add(&mut self, key: u64, file: &str, listed: bool, result: &DocResult) -> io::Result<()> {
        self.buf.clear();
        write_line(&mut self.buf, key, file, listed, result)?;
        self.gz.write_all(&self.buf)
    }

    /// Close the file, synced to disk; its path is returned.
    pub fn finish(self) -> io::Result<Vec<PathBuf>> {
        let mut f = self.gz.finish()?;
        f.flush()?;
        f.get_ref().sync_all()?;
        Ok(vec![self.path])
    }
}

/// Reads the partials of an output folder, a line at a time.
pub struct Reader {
    lines: BufReader<MultiGzDecoder<File>>,
    line: String,
    number: usize,
}

impl Reader {
    pub fn open(out: &Path) -> io::Result<Reader> {
        let path = out.join(FILE);
        let f = File::open(&path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot open {FILE} ({e}): an output of an earlier version, or not of `run`"),
            )
        })?;
        Ok(Reader { lines: BufReader::with_capacity(1 << 16, MultiGzDecoder::new(f)), line: String::new(), number: 0 })
    }

    /// The next document's line; `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        self.line.clear();
        self.number += 1;
        if self.lines.read_line(&mut self.line)? == 0 {
            return Ok(None);
        }
        serde_json::from_str(&self.line)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{FILE} line {}: {e}", self.number)))
    }
}
