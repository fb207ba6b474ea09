//! Stage 5, emit: write the output folder atomically and deterministically.
//!
//! Every file is written into a staging folder inside the output folder and moved over the
//! old one only when all of them were written, so a failed run leaves the previous output
//! whole. Rows are written in document order; nothing in the data files depends on time,
//! machine or thread scheduling (only `manifest.json`'s `timings` do).

use crate::compare::Comparison;
use crate::model::{DocRecord, DocResult, ReqRecord, RespRecord, RoleRecord};
use serde::Serialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

pub mod cleaned;
pub mod folder;

/// The files of an output folder, relative to it, in the order they are committed.
pub const FILES: [&str; 16] = [
    "documents.csv",
    "documents.jsonl",
    "roles.csv",
    "roles.jsonl",
    "responsibilities.csv",
    "responsibilities.jsonl",
    "requirements.csv",
    "requirements.jsonl",
    "duplicates.csv",
    "comparison/role_categories.csv",
    "comparison/role_similarity.csv",
    "comparison/ladder.csv",
    "comparison/role_matrix.csv",
    "comparison.json",
    "report.html",
    "manifest.json",
];

pub const DOCUMENT_COLUMNS: [&str; 28] = [
    "doc",
    "status",
    "reason",
    "format",
    "encoding",
    "bytes",
    "company",
    "company_evidence",
    "blocks",
    "dropped_blocks",
    "roles",
    "responsibilities",
    "repairs",
    "truncated",
    "duplicate_of",
    "language",
    "posting_title",
    "location",
    "workplace",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "date_posted",
    "posting_evidence",
    "shape",
    "title",
];
pub const ROLE_COLUMNS: [&str; 20] = [
    "doc",
    "company",
    "title",
    "role_id",
    "role_label",
    "family",
    "seniority",
    "seniority_order",
    "seniority_cues",
    "seniority_rules",
    "title_rule",
    "found_by",
    "line",
    "departments",
    "responsibilities",
    "categories",
    "also_titled",
    "title_key",
    "title_source",
    "note",
];
pub const REQUIREMENT_COLUMNS: [&str; 13] = [
    "doc",
    "company",
    "role_id",
    "seniority",
    "title",
    "text",
    "line",
    "kind",
    "years_min",
    "years_max",
    "degree",
    "skills",
    "rule",
];
pub const RESPONSIBILITY_COLUMNS: [&str; 15] = [
    "doc",
    "company",
    "role_id",
    "seniority",
    "title",
    "text",
    "raw",
    "line",
    "rule",
    "group",
    "detail",
    "departments",
    "categories",
    "category_rules",
    "section",
];

/// Lists inside a CSV cell are joined with this.
pub const LIST_SEP: &str = "; ";

type Csv = csv::Writer<BufWriter<File>>;

/// An output folder being written.
pub struct Output {
    folder: folder::Folder,
    guard: bool,
    docs_csv: Csv,
    docs_jsonl: BufWriter<File>,
    roles_csv: Csv,
    roles_jsonl: BufWriter<File>,
    resp_csv: Csv,
    resp_jsonl: BufWriter<File>,
    dups_csv: Csv,
    req_csv: Csv,
    req_jsonl: BufWriter<File>,
}

fn csv_writer(path: &Path, header: &[&str]) -> io::Result<Csv> {
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, File::create(path)?));
    w.write_record(header).map_err(io::Error::other)?;
    Ok(w)
}

fn jsonl(path: &Path) -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 16, File::create(path)?))
}

/// Make a spreadsheet read a cell as text, not a formula: a leading `= + - @`, tab or
/// carriage return gets a `'` before it.
pub fn guard_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn write_json_line<T: Serialize>(w: &mut BufWriter<File>, v: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v).map_err(io::Error::other)?;
    w.write_all(b"\n")
}

impl Output {
    /// Start writing into `out` (created if missing). `guard` neutralises formula cells.
    /// The folder is locked for the run (another run on it is refused, naming it), and
    /// what runs that were killed left is removed.
    pub fn create(out: &Path, guard: bool) -> io::Result<Output> {
        let folder = folder::Folder::open(out)?;
        let staging = folder.staging.clone();
        Ok(Output {
            folder,
            guard,
            docs_csv: csv_writer(&staging.join("documents.csv"), &DOCUMENT_COLUMNS)?,
            docs_jsonl: jsonl(&staging.join("documents.jsonl"))?,
            dups_csv: csv_writer(&staging.join("duplicates.csv"), &["doc", "duplicate_of", "similarity", "shingles"])?,
            roles_csv: csv_writer(&staging.join("roles.csv"), &ROLE_COLUMNS)?,
            roles_jsonl: jsonl(&staging.join("roles.jsonl"))?,
            resp_csv: csv_writer(&staging.join("responsibilities.csv"), &RESPONSIBILITY_COLUMNS)?,
            req_csv: csv_writer(&staging.join("requirements.csv"), &REQUIREMENT_COLUMNS)?,
            req_jsonl: jsonl(&staging.join("requirements.jsonl"))?,
            resp_jsonl: jsonl(&staging.join("responsibilities.jsonl"))?,
        })
    }

    fn c<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.guard {
            guard_cell(s)
        } else {
            Cow::Borrowed(s)
        }
    }

    /// Write one document's rows.
    pub fn write(&mut self, r: &DocResult) -> io::Result<()> {
        self.write_doc(&r.doc)?;
        for role in &r.roles {
            self.write_role(role)?;
        }
        for resp in &r.responsibilities {
            self.write_resp(resp)?;
        }
        for req in &r.requirements {
            self.write_req(req)?;
        }
        Ok(())
    }

    /// One near-duplicate: the document, the earlier one it repeats, their similarity.
    pub fn write_duplicate(&mut self, d: &crate::compare::dedup::Duplicate) -> io::Result<()> {
        let rec = [
            self.c(&d.doc).into_owned(),
            self.c(&d.duplicate_of).into_owned(),
            format!("{:.3}", d.similarity),
            d.shingles.to_string(),
        ];
        self.dups_csv.write_record(&rec).map_err(io::Error::other)
    }

    fn write_doc(&mut self, d: &DocRecord) -> io::Result<()> {
        let p = &d.posting;
        let sal = p.salary.as_ref();
        let num = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
        let rec = [
            self.c(&d.doc).into_owned(),
            d.status.as_str().to_string(),
            self.c(&d.reason).into_owned(),
            d.format.clone(),
            d.encoding.clone(),
            d.bytes.to_string(),
            self.c(d.company.as_deref().unwrap_or("")).into_owned(),
            d.company_evidence.clone().unwrap_or_default(),
            d.blocks.to_string(),
            d.dropped_blocks.to_string(),
            d.roles.to_string(),
            d.responsibilities.to_string(),
            d.repairs.join(LIST_SEP),
            d.truncated.join(LIST_SEP),
            self.c(d.duplicate_of.as_deref().unwrap_or("")).into_owned(),
            d.language.clone().unwrap_or_default(),
            self.c(p.title.as_deref().unwrap_or("")).into_owned(),
            self.c(p.location.as_deref().unwrap_or("")).into_owned(),
            p.workplace.clone().unwrap_or_default(),
            p.employment_type.clone().unwrap_or_default(),
            num(sal.and_then(|s| s.min)),
            num(sal.and_then(|s| s.max)),
            self.c(sal.and_then(|s| s.currency.as_deref()).unwrap_or("")).into_owned(),
            sal.and_then(|s| s.period.clone()).unwrap_or_default(),
            self.c(p.date_posted.as_deref().unwrap_or("")).into_owned(),
            p.evidence.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(LIST_SEP),
            d.shape.clone(),
            self.c(d.title.as_deref().unwrap_or("")).into_owned(),
        ];
        self.docs_csv.write_record(&rec).map_err(io::Error::other)?;
        write_json_line(&mut self.docs_jsonl, d)
    }

    fn write_role(&mut self, r: &RoleRecord) -> io::Result<()> {
        let rec = [
            self.c(&r.doc).into_owned(),
            self.c(r.company.as_deref().unwrap_or("")).into_owned(),
            self.c(&r.title).into_owned(),
            r.role_id.clone(),
            r.role_label.clone(),
            r.family.clone(),
            r.seniority.clone(),
            r.seniority_order.to_string(),
            self.c(&r.seniority_cues.join(LIST_SEP)).into_owned(),
            r.seniority_rules.join(LIST_SEP),
            r.title_rule.clone(),
            r.found_by.clone(),
            r.line.to_string(),
            self.c(&r.departments.join(LIST_SEP)).into_owned(),
            r.responsibilities.to_string(),
            r.categories.join(LIST_SEP),
            self.c(&r.also_titled.join(LIST_SEP)).into_owned(),
            r.title_key.clone(),
            r.title_source.clone(),
            self.c(r.note.as_deref().unwrap_or("")).into_owned(),
        ];
        self.roles_csv.write_record(&rec).map_err(io::Error::other)?;
        write_json_line(&mut self.roles_jsonl, r)
    }

    fn write_req(&mut self, r: &ReqRecord) -> io::Result<()> {
        let num = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
        let rec = [
            self.c(&r.doc).into_owned(),
            self.c(r.company.as_deref().unwrap_or("")).into_owned(),
            r.role_id.clone(),
            r.seniority.clone(),
            self.c(&r.title).into_owned(),
            self.c(&r.text).into_owned(),
            r.line.to_string(),
            r.kind.clone(),
            num(r.years_min),
            num(r.years_max),
            self.c(r.degree.as_deref().unwrap_or("")).into_owned(),
            self.c(&r.skills.join(LIST_SEP)).into_owned(),
            "requirement".to_string(),
        ];
        self.req_csv.write_record(&rec).map_err(io::Error::other)?;
        write_json_line(&mut self.req_jsonl, r)
    }

    fn write_resp(&mut self, r: &RespRecord) -> io::Result<()> {
        let rec = [
            self.c(&r.doc).into_owned(),
            self.c(r.company.as_deref().unwrap_or("")).into_owned(),
            r.role_id.clone(),
            r.seniority.clone(),
            self.c(&r.title).into_owned(),
            self.c(&r.text).into_owned(),
            self.c(&r.raw).into_owned(),
            r.line.to_string(),
            r.rule.clone(),
            self.c(r.group.as_deref().unwrap_or("")).into_owned(),
            self.c(r.detail.as_deref().unwrap_or("")).into_owned(),
            self.c(&r.departments.join(LIST_SEP)).into_owned(),
            r.categories.join(LIST_SEP),
            r.category_rules.join(LIST_SEP),
            self.c(&r.section).into_owned(),
        ];
        self.resp_csv.write_record(&rec).map_err(io::Error::other)?;
        write_json_line(&mut self.resp_jsonl, r)
    }

    /// Write the comparisons and the manifest, then put the new output in place of the old
    /// one in one step. `stop` is asked just before: when it says so, nothing is put in place
    /// and `Ok(false)` is returned.
    pub fn finish(
        mut self,
        cmp: &Comparison,
        manifest: &serde_json::Value,
        report: &str,
        stop: &dyn Fn() -> bool,
    ) -> io::Result<bool> {
        self.docs_csv.flush()?;
        self.roles_csv.flush()?;
        self.resp_csv.flush()?;
        self.docs_jsonl.flush()?;
        self.roles_jsonl.flush()?;
        self.resp_jsonl.flush()?;
        self.dups_csv.flush()?;
        self.req_csv.flush()?;
        self.req_jsonl.flush()?;
        let st = self.folder.staging.clone();
        let g = self.guard;
        let cell = |s: &str| if g { guard_cell(s).into_owned() } else { s.to_string() };

        // comparison.json is written with the tables, a row at a time (they are made one
        // at a time: `Comparison`)
        let mut json = BufWriter::new(File::create(st.join("comparison.json"))?);
        write!(
            json,
            "{{\n  \"near_identical_threshold\": {},\n  \"max_pair_sources\": {},\n  \"role_categories\": [",
            serde_json::to_string(&cmp.near_identical_threshold).map_err(io::Error::other)?,
            cmp.max_pair_sources
        )?;
        let mut w = csv_writer(
            &st.join("comparison/role_categories.csv"),
            &[
                "role_id",
                "seniority",
                "source",
                "documents",
                "responsibilities",
                "category",
                "items",
                "share",
                "source_label",
            ],
        )?;
        let mut rows = JsonArray::default();
        for r in cmp.role_categories.iter() {
            rows.element(&mut json, &r)?;
            w.write_record([
                r.role_id.clone(),
                r.seniority.clone(),
                cell(&r.source),
                r.documents.to_string(),
                r.responsibilities.to_string(),
                r.category.clone(),
                r.items.to_string(),
                format!("{:.3}", r.share),
                cell(&r.source_label),
            ])
            .map_err(io::Error::other)?;
        }
        w.flush()?;
        let mut w = csv_writer(
            &st.join("comparison/role_similarity.csv"),
            &[
                "role_id",
                "source_a",
                "source_b",
                "responsibilities_a",
                "responsibilities_b",
                "jaccard",
                "shared",
                "only_a",
                "only_b",
                "near_identical",
                "source_a_label",
                "source_b_label",
            ],
        )?;
        rows.close(&mut json, "role_similarity")?;
        for r in cmp.role_similarity.iter() {
            rows.element(&mut json, &r)?;
            w.write_record([
                r.role_id.clone(),
                cell(&r.source_a),
                cell(&r.source_b),
                r.responsibilities_a.to_string(),
                r.responsibilities_b.to_string(),
                format!("{:.3}", r.jaccard),
                r.shared.join(LIST_SEP),
                r.only_a.join(LIST_SEP),
                r.only_b.join(LIST_SEP),
                r.near_identical.to_string(),
                cell(&r.source_a_label),
                cell(&r.source_b_label),
            ])
            .map_err(io::Error::other)?;
        }
        w.flush()?;
        let mut w = csv_writer(
            &st.join("comparison/ladder.csv"),
            &["role_id", "source", "from_level", "to_level", "appeared", "disappeared", "kept", "source_label"],
        )?;
        rows.close(&mut json, "ladder")?;
        for r in &cmp.ladder {
            rows.element(&mut json, r)?;
            w.write_record([
                r.role_id.clone(),
                cell(&r.source),
                r.from_level.clone(),
                r.to_level.clone(),
                r.appeared.join(LIST_SEP),
                r.disappeared.join(LIST_SEP),
                r.kept.join(LIST_SEP),
                cell(&r.source_label),
            ])
            .map_err(io::Error::other)?;
        }
        w.flush()?;
        rows.close(&mut json, "")?;
        json.write_all(b"}\n")?;
        json.flush()?;
        write_matrix(&st.join("comparison/role_matrix.csv"), cmp, &cell)?;
        std::fs::write(st.join("report.html"), report)?;
        let mut f = BufWriter::new(File::create(st.join("manifest.json"))?);
        serde_json::to_writer_pretty(&mut f, manifest).map_err(io::Error::other)?;
        f.write_all(b"\n")?;
        f.flush()?;

        // the data is on disk before the folder that holds it is put in place
        for name in FILES {
            File::open(st.join(name))?.sync_all()?;
        }
        self.folder.commit(stop)
    }
}

/// The fixed columns of `comparison/role_matrix.csv`; the sources' columns follow
/// `all_sources`, and `other_sources` ends a table of more than `MAX_MATRIX_SOURCES` sources.
pub const MATRIX_COLUMNS: [&str; 7] =
    ["role_id", "role_label", "seniority", "seniority_label", "category", "category_label", "all_sources"];
/// The last column of a matrix that pools some sources.
pub const MATRIX_OTHERS: &str = "other_sources";

/// `comparison/role_matrix.csv`: `role_categories` pivoted, a column per source.
fn write_matrix(path: &Path, cmp: &Comparison, cell: &dyn Fn(&str) -> String) -> io::Result<()> {
    let m = cmp.role_categories.matrix(crate::compare::MAX_MATRIX_SOURCES);
    let mut header: Vec<String> = MATRIX_COLUMNS.iter().map(|c| c.to_string()).collect();
    for source in &m.columns {
        // a source called as a column is (`role_id`) is told apart
        let taken = MATRIX_COLUMNS.contains(source) || *source == MATRIX_OTHERS;
        header.push(cell(&if taken { format!("{source} (source)") } else { source.to_string() }));
    }
    if m.others > 0 {
        header.push(MATRIX_OTHERS.to_string());
    }
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, File::create(path)?));
    w.write_record(&header).map_err(io::Error::other)?;
    let l = &cmp.labels;
    let num = |v: Option<f64>| v.map(|x| format!("{x:.3}")).unwrap_or_default();
    m.for_each(|r| {
        let mut rec = vec![
            r.role_id.to_string(),
            l.role(r.role_id).to_string(),
            r.seniority.to_string(),
            l.level(r.seniority).to_string(),
            r.category.to_string(),
            l.category(r.category).to_string(),
            format!("{:.3}", r.all),
        ];
        rec.extend(r.sources.iter().map(|&v| num(v)));
        if m.others > 0 {
            rec.push(num(r.other));
        }
        w.write_record(&rec).map_err(io::Error::other)
    })?;
    w.flush()
}

/// A JSON array written an element at a time, one element per line.
#[derive(Default)]
struct JsonArray {
    elements: usize,
}

impl JsonArray {
    fn element(&mut self, w: &mut impl Write, v: &impl serde::Serialize) -> io::Result<()> {
        w.write_all(if self.elements == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *w, v).map_err(io::Error::other)?;
        self.elements += 1;
        Ok(())
    }

    /// End the array; open the next one, named `next`, unless it is empty.
    fn close(&mut self, w: &mut impl Write, next: &str) -> io::Result<()> {
        w.write_all(if self.elements == 0 { b"]" } else { b"\n  ]" })?;
        if next.is_empty() {
            w.write_all(b"\n")?;
        } else {
            write!(w, ",\n  \"{next}\": [")?;
        }
        self.elements = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("-1"), "'-1");
        assert_eq!(guard_cell("@cmd"), "'@cmd");
        assert_eq!(guard_cell("Own the roadmap"), "Own the roadmap");
    }
}
