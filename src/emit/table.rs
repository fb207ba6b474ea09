//! The output tables: one schema per table, fixed whatever the data, and one writer that
//! writes the same cells as CSV, JSON Lines and Parquet.
//!
//! A column's type never depends on what the rows hold: dates are `DATE` (the text as
//! written is beside them in a `*_raw` column), money and shares `DOUBLE`, counts `BIGINT`,
//! lists `LIST<VARCHAR>` (joined with `"; "` in CSV), the dump fields rolemap does not use
//! a `MAP<VARCHAR, VARCHAR>` (JSON Lines and Parquet only). An empty table is still typed.

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, MapBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A column's type, the same in every format (DuckDB's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Float,
    Bool,
    Date,
    List,
    Map,
}

impl Ty {
    /// The SQL name of the type, as DuckDB reads the Parquet file.
    pub fn sql(self) -> &'static str {
        match self {
            Ty::Str => "VARCHAR",
            Ty::Int => "BIGINT",
            Ty::Float => "DOUBLE",
            Ty::Bool => "BOOLEAN",
            Ty::Date => "DATE",
            Ty::List => "VARCHAR[]",
            Ty::Map => "MAP(VARCHAR, VARCHAR)",
        }
    }

    fn arrow(self) -> DataType {
        // the builders' own types, so that the schema is what they build
        match self {
            Ty::Str => DataType::Utf8,
            Ty::Int => DataType::Int64,
            Ty::Float => DataType::Float64,
            Ty::Bool => DataType::Boolean,
            Ty::Date => DataType::Date32,
            Ty::List | Ty::Map => Builder::new(self).finish().data_type().clone(),
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: Ty,
    /// Not written to CSV (a map: its chosen keys are, with `--keep-field`).
    pub csv: bool,
}

const fn col(name: &'static str, ty: Ty) -> Column {
    Column { name, ty, csv: true }
}

/// A table of the output folder: `NAME.csv`, `NAME.jsonl`, `NAME.parquet`.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Path without extension, relative to the output folder (`roles`, `comparison/ladder`).
    pub name: &'static str,
    pub columns: &'static [Column],
}

impl Table {
    pub fn file(&self, f: Format) -> String {
        format!("{}.{}", self.name, f.ext())
    }
}

use Ty::{Date, Float, Int, List, Map, Str};

pub const DOCUMENTS: Table = Table {
    name: "documents",
    columns: &[
        col("doc", Str),
        col("status", Str),
        col("reason", Str),
        col("format", Str),
        col("encoding", Str),
        col("bytes", Int),
        col("company", Str),
        col("company_evidence", Str),
        col("blocks", Int),
        col("dropped_blocks", Int),
        col("roles", Int),
        col("responsibilities", Int),
        col("repairs", List),
        col("truncated", List),
        col("duplicate_of", Str),
        col("language", Str),
        col("posting_title", Str),
        col("location", Str),
        col("workplace", Str),
        col("employment_type", Str),
        col("salary_min", Float),
        col("salary_max", Float),
        col("salary_currency", Str),
        col("salary_period", Str),
        col("date_posted", Date),
        col("posting_evidence", List),
        col("shape", Str),
        col("title", Str),
        col("date_posted_raw", Str),
        col("source_file", Str),
        col("record_id", Str),
        col("position", Int),
        col("url", Str),
        Column { name: "extra", ty: Map, csv: false },
    ],
};

pub const ROLES: Table = Table {
    name: "roles",
    columns: &[
        col("doc", Str),
        col("company", Str),
        col("title", Str),
        col("role_id", Str),
        col("role_label", Str),
        col("family", Str),
        col("seniority", Str),
        col("seniority_order", Int),
        col("seniority_cues", List),
        col("seniority_rules", List),
        col("title_rule", Str),
        col("found_by", Str),
        col("line", Int),
        col("departments", List),
        col("responsibilities", Int),
        col("categories", List),
        col("also_titled", List),
        col("title_key", Str),
        col("title_source", Str),
        col("note", Str),
        col("esco_uri", Str),
        col("esco_label", Str),
        col("isco08", Str),
        col("onet_soc", Str),
        col("onet_title", Str),
        col("code_evidence", Str),
    ],
};

pub const RESPONSIBILITIES: Table = Table {
    name: "responsibilities",
    columns: &[
        col("doc", Str),
        col("company", Str),
        col("role_id", Str),
        col("seniority", Str),
        col("title", Str),
        col("text", Str),
        col("raw", Str),
        col("line", Int),
        col("rule", Str),
        col("group", Str),
        col("detail", Str),
        col("departments", List),
        col("categories", List),
        col("category_rules", List),
        col("section", Str),
    ],
};

pub const REQUIREMENTS: Table = Table {
    name: "requirements",
    columns: &[
        col("doc", Str),
        col("company", Str),
        col("role_id", Str),
        col("seniority", Str),
        col("title", Str),
        col("text", Str),
        col("line", Int),
        col("kind", Str),
        col("years_min", Int),
        col("years_max", Int),
        col("degree", Str),
        col("skills", List),
        col("rule", Str),
    ],
};

pub const DUPLICATES: Table = Table {
    name: "duplicates",
    columns: &[col("doc", Str), col("duplicate_of", Str), col("similarity", Float), col("shingles", Int)],
};

pub const ROLE_CATEGORIES: Table = Table {
    name: "comparison/role_categories",
    columns: &[
        col("role_id", Str),
        col("seniority", Str),
        col("source", Str),
        col("documents", Int),
        col("responsibilities", Int),
        col("category", Str),
        col("items", Int),
        col("share", Float),
        col("source_label", Str),
    ],
};

pub const ROLE_SIMILARITY: Table = Table {
    name: "comparison/role_similarity",
    columns: &[
        col("role_id", Str),
        col("source_a", Str),
        col("source_b", Str),
        col("responsibilities_a", Int),
        col("responsibilities_b", Int),
        col("jaccard", Float),
        col("shared", List),
        col("only_a", List),
        col("only_b", List),
        col("near_identical", Int),
        col("source_a_label", Str),
        col("source_b_label", Str),
    ],
};

pub const LADDER: Table = Table {
    name: "comparison/ladder",
    columns: &[
        col("role_id", Str),
        col("source", Str),
        col("from_level", Str),
        col("to_level", Str),
        col("appeared", List),
        col("disappeared", List),
        col("kept", List),
        col("source_label", Str),
    ],
};

/// Every table, in the order they are written.
pub const TABLES: [&Table; 8] =
    [&DOCUMENTS, &ROLES, &RESPONSIBILITIES, &REQUIREMENTS, &DUPLICATES, &ROLE_CATEGORIES, &ROLE_SIMILARITY, &LADDER];

/// An output format of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Csv,
    Jsonl,
    Parquet,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Csv, Format::Jsonl, Format::Parquet];

    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }
}

/// The formats a run writes (`--format csv,jsonl,parquet`): at least one, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formats(Vec<Format>);

impl Default for Formats {
    fn default() -> Self {
        Formats(Format::ALL.to_vec())
    }
}

impl Formats {
    /// `csv,jsonl,parquet` (any order, any subset, `all`).
    pub fn parse(s: &str) -> Result<Formats, String> {
        let mut v = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let part = part.to_ascii_lowercase();
            if part == "all" {
                v.extend(Format::ALL);
                continue;
            }
            match Format::ALL.iter().find(|f| f.ext() == part || (part == "json" && **f == Format::Jsonl)) {
                Some(f) => v.push(*f),
                None => return Err(format!("unknown format {part:?}: expected csv, jsonl, parquet or all")),
            }
        }
        v.sort();
        v.dedup();
        if v.is_empty() {
            return Err("no format given: expected csv, jsonl, parquet or all".into());
        }
        Ok(Formats(v))
    }

    pub fn list(&self) -> &[Format] {
        &self.0
    }

    pub fn has(&self, f: Format) -> bool {
        self.0.contains(&f)
    }
}

/// One cell of a row, typed as its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A calendar date, ISO yyyy-mm-dd (checked when the cell is written).
    Date(&'a str),
    List(Cow<'a, [String]>),
    Map(&'a BTreeMap<String, String>),
}

impl<'a> Cell<'a> {
    pub fn str(s: &'a str) -> Cell<'a> {
        Cell::Str(Cow::Borrowed(s))
    }
    pub fn opt(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Null, Cell::str)
    }
    pub fn list(v: &'a [String]) -> Cell<'a> {
        Cell::List(Cow::Borrowed(v))
    }
    pub fn int(v: impl TryInto<i64>) -> Cell<'a> {
        v.try_into().map_or(Cell::Null, Cell::Int)
    }
    pub fn opt_int(v: Option<impl TryInto<i64>>) -> Cell<'a> {
        v.map_or(Cell::Null, Cell::int)
    }
    pub fn opt_float(v: Option<f64>) -> Cell<'a> {
        v.filter(|x| x.is_finite()).map_or(Cell::Null, Cell::Float)
    }
    /// The bytes of text it holds (8 for a number).
    fn text_len(&self) -> usize {
        match self {
            Cell::Str(s) => s.len(),
            Cell::List(v) => v.iter().map(|s| s.len() + 4).sum(),
            Cell::Map(m) => m.iter().map(|(k, v)| k.len() + v.len() + 8).sum(),
            _ => 8,
        }
    }

    /// A share or a similarity: rounded to 3 decimals in every format.
    pub fn ratio(v: f64) -> Cell<'a> {
        Cell::opt_float(Some((v * 1000.0).round() / 1000.0))
    }
}

/// Days since 1970-01-01 of an ISO `yyyy-mm-dd` that is a calendar date.
pub fn days_since_epoch(iso: &str) -> Option<i32> {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| iso.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    // year 0 is no year of the calendars readers use (polars, Python's datetime)
    if y < 1 {
        return None;
    }
    if !crate::extract::metadata::is_calendar_day(y, m, d) {
        return None;
    }
    // days from civil (Howard Hinnant's algorithm)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// Lists inside a CSV cell are joined with this.
pub const LIST_SEP: &str = "; ";

/// Make a spreadsheet read a cell as text, not a formula: a leading `= + - @`, tab or
/// carriage return gets a `'` before it.
pub fn guard_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// `schema.json`: every table's columns and their types.
pub fn schema_json(keep: &[String]) -> serde_json::Value {
    #[derive(Serialize)]
    struct Col<'a> {
        name: &'a str,
        #[serde(rename = "type")]
        ty: &'a str,
        /// the formats that have the column
        formats: &'a [&'a str],
    }
    const EVERY: &[&str] = &["csv", "jsonl", "parquet"];
    const NOT_CSV: &[&str] = &["jsonl", "parquet"];
    const CSV: &[&str] = &["csv"];
    let mut tables = serde_json::Map::new();
    for t in TABLES {
        let mut cols: Vec<Col> = t
            .columns
            .iter()
            .map(|c| Col { name: c.name, ty: c.ty.sql(), formats: if c.csv { EVERY } else { NOT_CSV } })
            .collect();
        if t.columns.iter().any(|c| c.ty == Map) {
            cols.extend(keep.iter().map(|k| Col { name: k, ty: Str.sql(), formats: CSV }));
        }
        tables.insert(t.name.to_string(), serde_json::to_value(cols).unwrap_or_default());
    }
    serde_json::json!({ "list_separator_in_csv": LIST_SEP, "tables": tables })
}

/// A column's values being collected for Parquet.
enum Builder {
    Str(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    List(ListBuilder<StringBuilder>),
    Map(MapBuilder<StringBuilder, StringBuilder>),
}

impl Builder {
    fn new(ty: Ty) -> Builder {
        match ty {
            Ty::Str => Builder::Str(StringBuilder::new()),
            Ty::Int => Builder::Int(Int64Builder::new()),
            Ty::Float => Builder::Float(Float64Builder::new()),
            Ty::Bool => Builder::Bool(BooleanBuilder::new()),
            Ty::Date => Builder::Date(Date32Builder::new()),
            Ty::List => Builder::List(ListBuilder::new(StringBuilder::new())),
            Ty::Map => Builder::Map(MapBuilder::new(None, StringBuilder::new(), StringBuilder::new())),
        }
    }

    fn push(&mut self, c: &Cell) {
        match (self, c) {
            (Builder::Str(b), Cell::Str(s)) => b.append_value(s),
            (Builder::Int(b), Cell::Int(v)) => b.append_value(*v),
            (Builder::Float(b), Cell::Float(v)) => b.append_value(*v),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_value(*v),
            (Builder::Date(b), Cell::Date(s)) => b.append_option(days_since_epoch(s)),
            (Builder::List(b), Cell::List(v)) => {
                for s in v.iter() {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            (Builder::Map(b), Cell::Map(m)) => {
                for (k, v) in m.iter() {
                    b.keys().append_value(k);
                    b.values().append_value(v);
                }
                // an empty map is a map, not a null
                let _ = b.append(true);
            }
            (Builder::Str(b), _) => b.append_null(),
            (Builder::Int(b), _) => b.append_null(),
            (Builder::Float(b), _) => b.append_null(),
            (Builder::Bool(b), _) => b.append_null(),
            (Builder::Date(b), _) => b.append_null(),
            (Builder::List(b), _) => b.append(false),
            (Builder::Map(b), _) => {
                let _ = b.append(false);
            }
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Str(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
            Builder::Map(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Str(b) => b.len(),
            Builder::Int(b) => b.len(),
            Builder::Float(b) => b.len(),
            Builder::Bool(b) => b.len(),
            Builder::Date(b) => b.len(),
            Builder::List(b) => b.len(),
            Builder::Map(b) => b.len(),
        }
    }
}

/// Rows collected per Parquet batch, and their text at most: bound the memory a table takes
/// while it is written, whatever its rows hold.
const BATCH_ROWS: usize = 1024;
const BATCH_BYTES: usize = 256 << 10;
/// Rows per Parquet row group, and its encoded size at most.
const ROW_GROUP_ROWS: usize = 8 * 1024;
const ROW_GROUP_BYTES: usize = 4 << 20;
/// … and the memory its columns take while it is written, at most (`Parquet::flush_batch`).
/// The tables are encoded when the run ends (`Spool`), the largest writer's row group on
/// top of what the run held: with 2 MiB the peak of 10,000 full pages was 5 MB above that
/// of 1,000 (62.9 → 68.0 MB), with 1 MiB 4 MB (63.3 → 67.2; compact pages 64.4 → 67.0,
/// dump records 66.2 → 69.1), with 512 KiB 3 MB, for files 0–20 % larger (each row group
/// has its dictionaries) and 12–47 % at 512 KiB.
const ROW_GROUP_MEMORY: usize = 1 << 20;

struct Parquet {
    writer: ArrowWriter<BufWriter<File>>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    /// text in the builders
    bytes: usize,
    /// the most memory the writer held, before it ended a row group
    peak: usize,
}

impl Parquet {
    fn create(path: &Path, table: &Table) -> io::Result<Parquet> {
        let fields: Vec<Field> = table.columns.iter().map(|c| Field::new(c.name, c.ty.arrow(), true)).collect();
        let schema = Arc::new(Schema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .set_created_by(format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")))
            .build();
        let file = BufWriter::with_capacity(1 << 16, File::create(path)?);
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(io::Error::other)?;
        let builders = table.columns.iter().map(|c| Builder::new(c.ty)).collect();
        Ok(Parquet { writer, schema, builders, bytes: 0, peak: 0 })
    }

    fn flush_batch(&mut self) -> io::Result<()> {
        if self.builders.first().is_none_or(|b| b.len() == 0) {
            return Ok(());
        }
        self.bytes = 0;
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(io::Error::other)?;
        self.writer.write(&batch).map_err(io::Error::other)?;
        self.peak = self.peak.max(self.writer.memory_size());
        // a row group ends once its columns hold this much memory (encoded pages and
        // dictionaries), whatever the rows hold: the writer's memory is the same for a
        // thousand rows as for a million
        if self.writer.memory_size() >= ROW_GROUP_MEMORY {
            self.writer.flush().map_err(io::Error::other)?;
        }
        Ok(())
    }
}

/// A table's rows for Parquet, waiting in a temporary file until the table is finished.
///
/// A Parquet file is written a row group at a time, every column's pages held in memory
/// until the group ends. Written while the run went on, the five tables' writers held up
/// to 2 MiB each, and the allocator more as their buffers came and went between the
/// documents' own: the peak grew by 15 MB from 1,000 to 10,000 full pages (66.5 → 81.6
/// MB), 7 MB of it the writers'. Spooled, a row costs its bytes on disk; the tables are
/// encoded when the run ends, one after the other, once the documents' memory is free,
/// in the same batches and row groups as row by row.
///
/// The file has no name (`O_TMPFILE` where the system has it, else unlinked at once), so
/// a killed run leaves nothing behind. A row is its length (8 bytes) then its cells, each
/// a tag byte and its value (`spool_cell`).
struct Spool {
    file: BufWriter<File>,
    /// the Parquet file it becomes
    path: PathBuf,
    rows: usize,
    /// bytes written, lengths included: no row read back is longer than what is left
    bytes: u64,
    /// reused between rows
    row: Vec<u8>,
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    // LEB128: most lengths take a byte
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn spool_cell(out: &mut Vec<u8>, c: &Cell) {
    match c {
        Cell::Null => out.push(0),
        Cell::Str(s) => {
            out.push(1);
            put_str(out, s);
        }
        Cell::Int(v) => {
            out.push(2);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Cell::Float(v) => {
            out.push(3);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        Cell::Bool(v) => out.extend_from_slice(&[4, *v as u8]),
        Cell::Date(s) => {
            out.push(5);
            put_str(out, s);
        }
        Cell::List(v) => {
            out.push(6);
            put_len(out, v.len());
            for s in v.iter() {
                put_str(out, s);
            }
        }
        Cell::Map(m) => {
            out.push(7);
            put_len(out, m.len());
            for (k, v) in m.iter() {
                put_str(out, k);
                put_str(out, v);
            }
        }
    }
}

/// A spooled row being read back.
struct Spooled<'a>(&'a [u8]);

impl<'a> Spooled<'a> {
    fn damaged() -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, "a table's Parquet spool is damaged")
    }

    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if n > self.0.len() {
            return Err(Self::damaged());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> io::Result<u8> {
        self.take(1).map(|b| b[0])
    }

    fn eight(&mut self) -> io::Result<[u8; 8]> {
        self.take(8).map(|b| b.try_into().expect("8 bytes"))
    }

    /// A LEB128 length: read as 64 bits whatever the target, refused when it does not fit
    /// them or a `usize`.
    fn len(&mut self) -> io::Result<usize> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = (b & 0x7f) as u64;
            if bits << shift >> shift != bits {
                return Err(Self::damaged());
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return usize::try_from(n).map_err(|_| Self::damaged());
            }
        }
        Err(Self::damaged())
    }

    fn str(&mut self) -> io::Result<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| Self::damaged())
    }

    /// The next cell, given to `f` as the cell that was spooled.
    fn cell<T>(&mut self, f: impl FnOnce(&Cell<'_>) -> T) -> io::Result<T> {
        let tag = self.byte()?;
        Ok(match tag {
            0 => f(&Cell::Null),
            1 => f(&Cell::str(self.str()?)),
            2 => f(&Cell::Int(i64::from_le_bytes(self.eight()?))),
            3 => f(&Cell::Float(f64::from_bits(u64::from_le_bytes(self.eight()?)))),
            4 => f(&Cell::Bool(self.byte()? != 0)),
            5 => f(&Cell::Date(self.str()?)),
            6 => {
                let n = self.len()?;
                let v = (0..n).map(|_| self.str().map(String::from)).collect::<io::Result<Vec<_>>>()?;
                f(&Cell::List(Cow::Owned(v)))
            }
            7 => {
                let n = self.len()?;
                let m = (0..n)
                    .map(|_| Ok((self.str()?.to_string(), self.str()?.to_string())))
                    .collect::<io::Result<BTreeMap<_, _>>>()?;
                f(&Cell::Map(&m))
            }
            _ => return Err(Self::damaged()),
        })
    }
}

impl Spool {
    fn create(dir: &Path, path: PathBuf) -> io::Result<Spool> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Spool { file: BufWriter::with_capacity(1 << 16, file), path, rows: 0, bytes: 0, row: Vec::new() })
    }

    fn add(&mut self, cells: &[Cell]) -> io::Result<()> {
        self.row.clear();
        for c in cells {
            spool_cell(&mut self.row, c);
        }
        self.file.write_all(&(self.row.len() as u64).to_le_bytes())?;
        self.file.write_all(&self.row)?;
        self.rows += 1;
        self.bytes += 8 + self.row.len() as u64;
        Ok(())
    }

    /// Write the Parquet file from the rows spooled, in batches and row groups as they
    /// would have been made row by row; the most memory its writer held is returned.
    fn encode(self, table: &Table) -> io::Result<usize> {
        let mut file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        let mut input = BufReader::with_capacity(1 << 16, file);
        let mut p = Parquet::create(&self.path, table)?;
        let mut row = self.row;
        let mut left = self.bytes;
        // a spool cut short or damaged is an error naming the table, never a misread row
        // nor a length taken on trust
        let damaged = |e: io::Error| match e.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData => io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: the rows waiting for it are damaged ({e})", self.path.display()),
            ),
            _ => e,
        };
        for _ in 0..self.rows {
            let mut len = [0; 8];
            input.read_exact(&mut len).map_err(damaged)?;
            let len = u64::from_le_bytes(len);
            left = len.checked_add(8).and_then(|n| left.checked_sub(n)).ok_or_else(|| damaged(Spooled::damaged()))?;
            row.resize(len as usize, 0);
            input.read_exact(&mut row).map_err(damaged)?;
            let mut cells = Spooled(&row);
            for b in p.builders.iter_mut() {
                p.bytes += cells
                    .cell(|c| {
                        b.push(c);
                        c.text_len()
                    })
                    .map_err(damaged)?;
            }
            if !cells.0.is_empty() {
                return Err(damaged(Spooled::damaged()));
            }
            if p.builders[0].len() >= BATCH_ROWS || p.bytes >= BATCH_BYTES {
                p.flush_batch()?;
            }
        }
        p.flush_batch()?;
        let peak = p.peak;
        let mut out = p.writer.into_inner().map_err(io::Error::other)?;
        out.flush()?;
        Ok(peak)
    }
}

/// Writes one table in the chosen formats, a row at a time.
pub struct TableWriter {
    table: &'static Table,
    guard: bool,
    /// Keys of the map column written as CSV columns of their own (`--keep-field`).
    keep: Vec<String>,
    csv: Option<csv::Writer<BufWriter<File>>>,
    jsonl: Option<BufWriter<File>>,
    parquet: Option<Spool>,
    paths: Vec<PathBuf>,
    /// Reused between rows.
    line: Vec<u8>,
    /// a CSV field being made (numbers, lists)
    scratch: String,
}

impl TableWriter {
    /// Create the table's files under `dir`. `guard` neutralises spreadsheet formulas in CSV
    /// cells; `keep` names map keys written as CSV columns.
    pub fn create(
        dir: &Path,
        table: &'static Table,
        formats: &Formats,
        guard: bool,
        keep: &[String],
    ) -> io::Result<TableWriter> {
        let mut w = TableWriter {
            table,
            guard,
            keep: if table.columns.iter().any(|c| c.ty == Map) { keep.to_vec() } else { Vec::new() },
            csv: None,
            jsonl: None,
            parquet: None,
            paths: Vec::new(),
            line: Vec::new(),
            scratch: String::new(),
        };
        for &f in formats.list() {
            let path = dir.join(table.file(f));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match f {
                Format::Csv => {
                    let mut c = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, File::create(&path)?));
                    let header = table.columns.iter().filter(|c| c.csv).map(|c| c.name);
                    c.write_record(header.chain(w.keep.iter().map(String::as_str))).map_err(io::Error::other)?;
                    w.csv = Some(c);
                }
                Format::Jsonl => w.jsonl = Some(BufWriter::with_capacity(1 << 16, File::create(&path)?)),
                Format::Parquet => w.parquet = Some(Spool::create(dir, path.clone())?),
            }
            w.paths.push(path);
        }
        Ok(w)
    }

    /// Write one row: a cell per column, in the table's order.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        if cells.len() != self.table.columns.len() {
            // a cell too few or too many would shift every later column (and the spool's
            // rows would not read back): a bug in the caller, refused in every build
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: a row of {} cells for {} columns", self.table.name, cells.len(), self.table.columns.len()),
            ));
        }
        if let Some(w) = &mut self.csv {
            // each field written as it is made, through one reused buffer (a row is the
            // same bytes as `write_record` of the fields would give)
            let field = |w: &mut csv::Writer<_>, text: &str, guard: bool| {
                w.write_field(if guard { guard_cell(text) } else { Cow::Borrowed(text) }.as_bytes())
                    .map_err(io::Error::other)
            };
            let scratch = &mut self.scratch;
            let mut map = None;
            for (c, cell) in self.table.columns.iter().zip(cells) {
                if !c.csv {
                    if let Cell::Map(m) = cell {
                        map = Some(*m);
                    }
                    continue;
                }
                let guard = self.guard && matches!(cell, Cell::Str(_) | Cell::List(_));
                use std::fmt::Write as _;
                scratch.clear();
                let text: &str = match cell {
                    Cell::Null | Cell::Map(_) => "",
                    Cell::Str(s) => s.as_ref(),
                    Cell::Int(v) => {
                        let _ = write!(scratch, "{v}");
                        scratch
                    }
                    // always with a decimal point, so that a column reads as one type
                    Cell::Float(v) => {
                        let _ = write!(scratch, "{v:?}");
                        scratch
                    }
                    Cell::Bool(v) => {
                        if *v {
                            "true"
                        } else {
                            "false"
                        }
                    }
                    Cell::Date(s) => {
                        if days_since_epoch(s).is_some() {
                            s
                        } else {
                            ""
                        }
                    }
                    Cell::List(v) => {
                        for (i, item) in v.iter().enumerate() {
                            if i > 0 {
                                scratch.push_str(LIST_SEP);
                            }
                            scratch.push_str(item);
                        }
                        scratch
                    }
                };
                field(w, text, guard)?;
            }
            for k in &self.keep {
                field(w, map.and_then(|m| m.get(k)).map_or("", String::as_str), self.guard)?;
            }
            w.write_record(std::iter::empty::<&[u8]>()).map_err(io::Error::other)?;
        }
        if let Some(w) = &mut self.jsonl {
            self.line.clear();
            self.line.push(b'{');
            for (i, (c, cell)) in self.table.columns.iter().zip(cells).enumerate() {
                if i > 0 {
                    self.line.push(b',');
                }
                json_str(&mut self.line, c.name)?;
                self.line.push(b':');
                match cell {
                    Cell::Null => self.line.extend_from_slice(b"null"),
                    Cell::Str(s) => json_str(&mut self.line, s)?,
                    Cell::Int(v) => self.line.extend_from_slice(v.to_string().as_bytes()),
                    Cell::Float(v) => serde_json::to_writer(&mut self.line, v).map_err(io::Error::other)?,
                    Cell::Bool(v) => self.line.extend_from_slice(if *v { b"true" } else { b"false" }),
                    Cell::Date(s) if days_since_epoch(s).is_some() => json_str(&mut self.line, s)?,
                    Cell::Date(_) => self.line.extend_from_slice(b"null"),
                    Cell::List(v) => serde_json::to_writer(&mut self.line, v.as_ref()).map_err(io::Error::other)?,
                    Cell::Map(m) => serde_json::to_writer(&mut self.line, m).map_err(io::Error::other)?,
                }
            }
            self.line.extend_from_slice(b"}\n");
            w.write_all(&self.line)?;
        }
        if let Some(p) = &mut self.parquet {
            p.add(cells)?;
        }
        Ok(())
    }

    /// Flush and close every file, the Parquet file encoded; the files written are
    /// returned, not yet synced.
    pub fn close(mut self) -> io::Result<Vec<PathBuf>> {
        let mut paths = self.flush_text()?;
        paths.extend(self.encode()?);
        Ok(paths)
    }

    /// Flush and close the CSV and JSON Lines files, complete once the last row is given:
    /// their paths, not yet synced.
    pub fn flush_text(&mut self) -> io::Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        if let Some(mut w) = self.csv.take() {
            w.flush()?;
            paths.extend(self.path(Format::Csv));
        }
        if let Some(mut w) = self.jsonl.take() {
            w.flush()?;
            paths.extend(self.path(Format::Jsonl));
        }
        Ok(paths)
    }

    /// Encode the Parquet file from the rows spooled (the other files are closed first):
    /// its path, not yet synced.
    pub fn encode(self) -> io::Result<Option<PathBuf>> {
        self.encode_measured().map(|(path, _)| path)
    }

    /// `encode`, and the most memory the Parquet writer held.
    fn encode_measured(mut self) -> io::Result<(Option<PathBuf>, usize)> {
        self.flush_text()?;
        match self.parquet.take() {
            Some(p) => {
                let peak = p.encode(self.table)?;
                Ok((self.path(Format::Parquet), peak))
            }
            None => Ok((None, 0)),
        }
    }

    /// The file of format `f` (every format written has one).
    fn path(&self, f: Format) -> Option<PathBuf> {
        let name = self.table.file(f);
        self.paths.iter().find(|p| p.ends_with(&name)).cloned()
    }
}

fn json_str(out: &mut Vec<u8>, s: &str) -> io::Result<()> {
    serde_json::to_writer(out, s).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    #[test]
    fn dates_are_counted_from_the_epoch() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("1970-01-02"), Some(1));
        assert_eq!(days_since_epoch("1969-12-31"), Some(-1));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
        assert_eq!(days_since_epoch("2024-02-29"), Some(19_782));
        for bad in [
            "0000-01-01",
            "2023-02-29",
            "2024-02-30",
            "2024-13-01",
            "2024-00-10",
            "05/03/2024",
            "2024-5-1",
            "",
            "2024-05-01T",
        ] {
            assert_eq!(days_since_epoch(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Formats::parse("parquet,csv").unwrap().list(), [Format::Csv, Format::Parquet]);
        assert_eq!(Formats::parse("all").unwrap(), Formats::default());
        assert_eq!(Formats::parse("CSV, csv").unwrap().list(), [Format::Csv]);
        assert!(Formats::parse("xlsx").unwrap_err().contains("xlsx"));
        assert!(Formats::parse(",").is_err());
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("-1"), "'-1");
        assert_eq!(guard_cell("@cmd"), "'@cmd");
        assert_eq!(guard_cell("Own the roadmap"), "Own the roadmap");
    }

    #[test]
    fn every_table_has_unique_columns_and_a_schema() {
        for t in TABLES {
            let mut names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), t.columns.len(), "{}", t.name);
        }
        let s = schema_json(&["site".into()]);
        assert_eq!(s["tables"]["documents"].as_array().unwrap().last().unwrap()["name"], "site");
        assert_eq!(s["tables"]["roles"][7]["type"], "BIGINT");
    }

    /// Any row read back from the spool is the row that was written, cell for cell.
    mod spool {
        use super::*;
        use proptest::prelude::*;

        fn cell() -> impl Strategy<Value = (u8, String, i64, f64, Vec<String>, BTreeMap<String, String>)> {
            (
                0u8..8,
                ".{0,40}",
                any::<i64>(),
                any::<f64>(),
                proptest::collection::vec(".{0,12}", 0..5),
                proptest::collection::btree_map(".{0,8}", ".{0,8}", 0..4),
            )
        }

        fn as_cell<'a>(c: &'a (u8, String, i64, f64, Vec<String>, BTreeMap<String, String>)) -> Cell<'a> {
            match c.0 {
                0 => Cell::Null,
                1 => Cell::str(&c.1),
                2 => Cell::Int(c.2),
                3 => Cell::Float(c.3),
                4 => Cell::Bool(c.2 % 2 == 0),
                5 => Cell::Date(&c.1),
                6 => Cell::list(&c.4),
                _ => Cell::Map(&c.5),
            }
        }

        fn same(a: &Cell, b: &Cell) -> bool {
            match (a, b) {
                // NaN too: the bits are kept
                (Cell::Float(x), Cell::Float(y)) => x.to_bits() == y.to_bits(),
                _ => a == b,
            }
        }

        proptest! {
            #[test]
            fn rows_read_back_as_written(row in proptest::collection::vec(cell(), 0..12)) {
                let cells: Vec<Cell> = row.iter().map(as_cell).collect();
                let mut bytes = Vec::new();
                for c in &cells {
                    spool_cell(&mut bytes, c);
                }
                let mut back = Spooled(&bytes);
                for c in &cells {
                    prop_assert!(back.cell(|b| same(b, c)).unwrap(), "{c:?}");
                }
                prop_assert!(back.0.is_empty());
                // cut anywhere, the row is refused, never misread past its end
                for cut in 0..bytes.len() {
                    let mut part = Spooled(&bytes[..cut]);
                    let read: io::Result<Vec<()>> = cells.iter().map(|_| part.cell(|_| ())).collect();
                    prop_assert!(read.is_err());
                }
            }
        }

        #[test]
        fn long_lengths_take_more_bytes() {
            for n in [0, 127, 128, 16_383, 16_384, usize::MAX >> 1] {
                let mut b = Vec::new();
                put_len(&mut b, n);
                assert_eq!(Spooled(&b).len().unwrap(), n);
            }
            // a length that never ends is damage
            assert!(Spooled(&[0x80; 11]).len().is_err());
            // 64 bits at most, whatever the target's usize
            let mut most = vec![0xff; 9];
            most.push(0x01);
            assert_eq!(Spooled(&most).len().map(|n| n as u64).ok(), usize::try_from(u64::MAX).ok().map(|n| n as u64));
            *most.last_mut().unwrap() = 0x02;
            assert!(Spooled(&most).len().is_err());
        }

        /// A row of too few or too many cells is refused in every build, naming the
        /// table: it would shift the later columns and spool a row that does not read back.
        #[test]
        fn a_row_of_the_wrong_width_is_refused() {
            let dir = tempfile::tempdir().unwrap();
            let mut w = TableWriter::create(dir.path(), &DUPLICATES, &Formats::default(), false, &[]).unwrap();
            for n in [3, 5] {
                let cells = vec![Cell::int(1); n];
                let e = w.row(&cells).unwrap_err();
                assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
                assert!(e.to_string().contains("duplicates"), "{e}");
            }
            w.row(&[Cell::str("d"), Cell::str("d0"), Cell::ratio(0.9), Cell::int(1)]).unwrap();
            w.close().unwrap();
        }

        /// A spool cut short, or with a row length past its end, is an error naming the
        /// table's file: never a panic, an allocation taken on trust or a misread row.
        #[test]
        fn a_damaged_spool_is_an_error_naming_the_table() {
            for damage in ["cut", "length"] {
                let dir = tempfile::tempdir().unwrap();
                let mut w =
                    TableWriter::create(dir.path(), &DUPLICATES, &Formats::parse("parquet").unwrap(), false, &[])
                        .unwrap();
                for i in 0..10 {
                    w.row(&[Cell::str("d"), Cell::str("d0"), Cell::ratio(0.9), Cell::int(i)]).unwrap();
                }
                let spool = w.parquet.as_mut().unwrap();
                spool.file.flush().unwrap();
                let f = spool.file.get_mut();
                match damage {
                    "cut" => f.set_len(spool.bytes - 3).unwrap(),
                    _ => {
                        f.seek(SeekFrom::Start(0)).unwrap();
                        f.write_all(&u64::MAX.to_le_bytes()).unwrap();
                        f.seek(SeekFrom::End(0)).unwrap();
                    }
                }
                let e = w.close().unwrap_err();
                assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{damage}: {e}");
                assert!(e.to_string().contains("duplicates.parquet"), "{damage}: {e}");
            }
        }

        /// The rows wait in a file with no name: while they are written the folder holds
        /// the CSV and JSON Lines files alone, and after them the Parquet file too.
        #[test]
        fn nothing_is_left_but_the_tables() {
            let dir = tempfile::tempdir().unwrap();
            let mut w = TableWriter::create(dir.path(), &DUPLICATES, &Formats::default(), false, &[]).unwrap();
            for i in 0..5_000 {
                let doc = format!("d{i}");
                w.row(&[Cell::str(&doc), Cell::str("d0"), Cell::ratio(0.9), Cell::int(i)]).unwrap();
            }
            let names = |d: &Path| {
                let mut v: Vec<String> =
                    std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
                v.sort();
                v
            };
            assert_eq!(names(dir.path()), ["duplicates.csv", "duplicates.jsonl"]);
            w.close().unwrap();
            assert_eq!(names(dir.path()), ["duplicates.csv", "duplicates.jsonl", "duplicates.parquet"]);
        }
    }

    /// The same row in the three formats: CSV text, JSON values, Parquet types.
    #[test]
    fn one_row_three_formats() {
        let dir = tempfile::tempdir().unwrap();
        let extra: BTreeMap<String, String> = [("site".to_string(), "=cmd".to_string())].into();
        let mut w = TableWriter::create(dir.path(), &DOCUMENTS, &Formats::default(), true, &["site".into()]).unwrap();
        let list = ["a".to_string(), "b".to_string()];
        let mut cells: Vec<Cell> = DOCUMENTS
            .columns
            .iter()
            .map(|c| match c.ty {
                Str => Cell::str("-x"),
                Int => Cell::Int(3),
                Float => Cell::Float(120_000.0),
                Ty::Bool => Cell::Bool(true),
                Date => Cell::Date("2024-02-29"),
                List => Cell::list(&list),
                Map => Cell::Map(&extra),
            })
            .collect();
        w.row(&cells).unwrap();
        cells.iter_mut().for_each(|c| {
            if !matches!(c, Cell::Map(_)) {
                *c = Cell::Null
            }
        });
        w.row(&cells).unwrap();
        let files = w.close().unwrap();
        assert_eq!(files.len(), 3);
        let csv = std::fs::read_to_string(dir.path().join("documents.csv")).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].ends_with(",url,site"), "{}", lines[0]);
        assert!(lines[1].starts_with("'-x,'-x,'-x,'-x,'-x,3,"), "{}", lines[1]);
        assert!(lines[1].contains(",120000.0,") && lines[1].contains(",2024-02-29,") && lines[1].contains(",a; b,"));
        assert!(lines[1].ends_with(",'=cmd"));
        let json: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("documents.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(json[0]["doc"], "-x", "JSON is not guarded");
        assert_eq!(json[0]["salary_min"], 120_000.0);
        assert_eq!(json[0]["repairs"], serde_json::json!(["a", "b"]));
        assert_eq!(json[0]["extra"], serde_json::json!({"site": "=cmd"}));
        assert_eq!(json[1]["date_posted"], serde_json::Value::Null);
        let keys: Vec<&String> = json[0].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), DOCUMENTS.columns.len());

        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let f = File::open(dir.path().join("documents.parquet")).unwrap();
        let r = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        let schema = r.schema().clone();
        for c in DOCUMENTS.columns {
            assert_eq!(schema.field_with_name(c.name).unwrap().data_type(), &c.ty.arrow(), "{}", c.name);
        }
        let batches: Vec<RecordBatch> = r.build().unwrap().map(|b| b.unwrap()).collect();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
        let date = batches[0].column_by_name("date_posted").unwrap();
        let date = date.as_any().downcast_ref::<arrow_array::Date32Array>().unwrap();
        assert_eq!((date.value(0), date.is_null(1)), (19_782, true));
    }

    #[test]
    fn an_empty_table_is_typed() {
        let dir = tempfile::tempdir().unwrap();
        let w = TableWriter::create(dir.path(), &LADDER, &Formats::default(), true, &[]).unwrap();
        w.close().unwrap();
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let f = File::open(dir.path().join("comparison/ladder.parquet")).unwrap();
        let r = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        assert_eq!(r.schema().fields().len(), LADDER.columns.len());
        assert_eq!(r.metadata().file_metadata().num_rows(), 0);
        assert_eq!(std::fs::read_to_string(dir.path().join("comparison/ladder.jsonl")).unwrap(), "");
    }

    /// More rows than a batch: every row arrives, in order.
    #[test]
    fn rows_beyond_a_batch() {
        let dir = tempfile::tempdir().unwrap();
        let mut w =
            TableWriter::create(dir.path(), &DUPLICATES, &Formats::parse("parquet").unwrap(), false, &[]).unwrap();
        for i in 0..(BATCH_ROWS * 2 + 7) {
            let doc = format!("d{i}");
            w.row(&[Cell::str(&doc), Cell::Null, Cell::ratio(0.91234), Cell::int(i)]).unwrap();
        }
        assert_eq!(w.close().unwrap().len(), 1);
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let f = File::open(dir.path().join("duplicates.parquet")).unwrap();
        let r = ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap();
        let mut n = 0;
        for b in r {
            let b = b.unwrap();
            let s = b.column(3).as_any().downcast_ref::<arrow_array::Int64Array>().unwrap();
            let sim = b.column(2).as_any().downcast_ref::<arrow_array::Float64Array>().unwrap();
            for k in 0..b.num_rows() {
                assert_eq!((s.value(k), sim.value(k)), (n as i64, 0.912));
                n += 1;
            }
        }
        assert_eq!(n, BATCH_ROWS * 2 + 7);
    }

    /// A table's Parquet writer holds about `ROW_GROUP_MEMORY` at most, however many rows
    /// it is given: `documents`, whose forty columns each keep a dictionary of their values
    /// while a row group is written, given rows whose values repeat now and then (as
    /// locations and companies do). It ends row groups as it goes; every row is read back,
    /// in order.
    #[test]
    fn parquet_memory_is_bounded_by_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let mut w =
            TableWriter::create(dir.path(), &DOCUMENTS, &Formats::parse("parquet").unwrap(), false, &[]).unwrap();
        let rows = 30_000;
        let list = vec!["a duty of its own".to_string()];
        for i in 0..rows {
            let text: Vec<String> =
                (0..DOCUMENTS.columns.len()).map(|c| format!("value {c} of row {}", i % 5_000 + c)).collect();
            let cells: Vec<Cell<'_>> = DOCUMENTS
                .columns
                .iter()
                .zip(&text)
                .map(|(col, t)| match col.ty {
                    Ty::Str => Cell::str(t),
                    Ty::Int => Cell::int(i),
                    Ty::Float => Cell::ratio(0.5),
                    Ty::List => Cell::list(&list),
                    _ => Cell::Null,
                })
                .collect();
            w.row(&cells).unwrap();
        }
        // while the rows come, the writer holds a row and its file's buffer
        let spool = w.parquet.as_ref().unwrap();
        assert!(spool.row.capacity() < 4096 && spool.file.capacity() == 1 << 16);
        // measured after each batch, before the row group it fills is ended
        let (_, most) = w.encode_measured().unwrap();
        assert!(most < ROW_GROUP_MEMORY + (1 << 20), "{most} bytes held");
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let f = File::open(dir.path().join("documents.parquet")).unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        // the memory ends them, long before the rows do
        let groups = b.metadata().row_groups();
        assert!(groups.iter().all(|g| g.num_rows() < ROW_GROUP_ROWS as i64 / 2), "{} row groups", groups.len());
        let bytes = DOCUMENTS.columns.iter().position(|c| c.ty == Ty::Int).unwrap();
        let mut n = 0;
        for batch in b.build().unwrap() {
            let batch = batch.unwrap();
            let v = batch.column(bytes).as_any().downcast_ref::<arrow_array::Int64Array>().unwrap();
            for k in 0..batch.num_rows() {
                assert_eq!(v.value(k), n as i64);
                n += 1;
            }
        }
        assert_eq!(n, rows);
    }
}
