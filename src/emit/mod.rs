//! Stage 5, emit: write the output folder atomically and deterministically.
//!
//! Every file is written into a staging folder inside the output folder and moved over the
//! old one only when all of them were written, so a failed run leaves the previous output
//! whole. Rows are written in document order; nothing in the data files depends on time,
//! machine or thread scheduling (only `manifest.json`'s `timings` do).

use crate::compare::Comparison;
use crate::model::{DocRecord, DocResult, ReqRecord, RespRecord, RoleRecord};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use table::{Cell, Format, Formats, TableWriter};

pub mod cleaned;
pub mod folder;
pub mod partials;
pub mod table;

pub use table::{guard_cell, LIST_SEP};

/// The comparison as one JSON document.
pub const COMPARISON_JSON: &str = "comparison.json";
/// The wide comparison table (CSV only: a column per source).
pub const ROLE_MATRIX: &str = "comparison/role_matrix.csv";
/// Every table's columns and types.
pub const SCHEMA_JSON: &str = "schema.json";
pub const REPORT_HTML: &str = "report.html";
pub const MANIFEST_JSON: &str = "manifest.json";

/// The files of an output folder written in `formats`, relative to it, in the order they are
/// committed (the manifest last).
pub fn files(formats: &Formats) -> Vec<String> {
    let mut v: Vec<String> =
        table::TABLES.iter().flat_map(|t| formats.list().iter().map(move |&f| t.file(f))).collect();
    if formats.has(Format::Csv) {
        v.push(ROLE_MATRIX.to_string());
    }
    v.extend([COMPARISON_JSON, SCHEMA_JSON, REPORT_HTML, partials::FILE, MANIFEST_JSON].map(String::from));
    v
}

/// Every file a run may write, whatever its formats.
pub fn all_files() -> Vec<String> {
    files(&Formats::default())
}

/// An output folder being written.
pub struct Output {
    folder: folder::Folder,
    formats: Formats,
    guard: bool,
    keep: Vec<String>,
    docs: TableWriter,
    roles: TableWriter,
    resp: TableWriter,
    req: TableWriter,
    dups: TableWriter,
    /// files written (and synced) by others into the staging folder
    written: Vec<PathBuf>,
}

impl Output {
    /// Start writing into `out` (created if missing), in `formats`. `guard` neutralises
    /// formula cells in CSV; `keep` names dump fields written as columns of documents.csv.
    /// The folder is locked for the run (another run on it is refused, naming it), and
    /// what runs that were killed left is removed.
    pub fn create(out: &Path, formats: &Formats, guard: bool, keep: &[String]) -> io::Result<Output> {
        if let Some(k) = keep.iter().find(|k| table::DOCUMENTS.columns.iter().any(|c| c.name == k.as_str())) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("--keep-field {k}: documents.csv already has a column {k:?}"),
            ));
        }
        let folder = folder::Folder::open(out)?;
        let st = folder.staging.clone();
        let t = |table| TableWriter::create(&st, table, formats, guard, keep);
        Ok(Output {
            docs: t(&table::DOCUMENTS)?,
            roles: t(&table::ROLES)?,
            resp: t(&table::RESPONSIBILITIES)?,
            req: t(&table::REQUIREMENTS)?,
            dups: t(&table::DUPLICATES)?,
            folder,
            formats: formats.clone(),
            guard,
            keep: keep.to_vec(),
            written: Vec::new(),
        })
    }

    /// The staging folder the new output is written into.
    pub fn staging(&self) -> &Path {
        &self.folder.staging
    }

    /// Files another writer put into the staging folder, synced.
    pub fn add_written(&mut self, files: Vec<PathBuf>) {
        self.written.extend(files);
    }

    /// Write one document's rows.
    pub fn write(&mut self, r: &DocResult) -> io::Result<()> {
        self.docs.row(&doc_cells(&r.doc))?;
        for role in &r.roles {
            self.roles.row(&role_cells(role))?;
        }
        for resp in &r.responsibilities {
            self.resp.row(&resp_cells(resp))?;
        }
        for req in &r.requirements {
            self.req.row(&req_cells(req))?;
        }
        Ok(())
    }

    /// One near-duplicate: the document, the earlier one it repeats, their similarity.
    pub fn write_duplicate(&mut self, d: &crate::compare::dedup::Duplicate) -> io::Result<()> {
        self.dups.row(&[
            Cell::str(&d.doc),
            Cell::str(&d.duplicate_of),
            Cell::ratio(d.similarity),
            Cell::int(d.shingles),
        ])
    }

    /// Write the comparisons, the report, the schema and the manifest, then put the new
    /// output in place of the old one in one step. `stop` is asked before each table is
    /// encoded and just before the output is put in place: when it says so, nothing is put
    /// in place and `Ok(false)` is returned.
    pub fn finish(
        self,
        cmp: &Comparison,
        manifest: &serde_json::Value,
        report: &str,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> io::Result<bool> {
        self.finish_syncing(cmp, manifest, report, stop, &|p: &Path| File::open(p)?.sync_all())
    }

    /// `finish`, each file and folder put on disk by `sync` before the swap.
    fn finish_syncing(
        self,
        cmp: &Comparison,
        manifest: &serde_json::Value,
        report: &str,
        stop: &(dyn Fn() -> bool + Sync),
        sync: &(dyn Fn(&Path) -> io::Result<()> + Sync),
    ) -> io::Result<bool> {
        let Output { mut folder, formats, guard, keep, docs, roles, resp, req, dups, written } = self;
        let st = folder.staging.clone();
        let mut tables = [docs, roles, resp, req, dups];
        // Files are synced to disk on a thread of their own as they are done, while the
        // cores encode and write the rest (one fsync after another, in line, took a third
        // of the time of the end of a run of 2,000 full pages).
        let synced = std::thread::scope(|s| -> io::Result<Option<Vec<PathBuf>>> {
            let (done, to_sync) = std::sync::mpsc::channel::<PathBuf>();
            // once a stop is asked for, the output will not be put in place: the files
            // still to sync are left unsynced (`None`), with the staging folder
            let syncer = s.spawn(move || -> io::Result<Option<Vec<PathBuf>>> {
                let mut synced = Some(Vec::new());
                for path in to_sync {
                    if synced.is_some() && stop() {
                        synced = None;
                    }
                    if let Some(synced) = &mut synced {
                        sync(&path)?;
                        synced.push(path);
                    }
                }
                Ok(synced)
            });
            // (a send fails only once the syncer stopped at an error, which its result says)
            let send = |paths: Vec<PathBuf>| paths.into_iter().for_each(|p| drop(done.send(p)));
            // the tables' CSV and JSON Lines files are complete
            for t in &mut tables {
                send(t.flush_text()?);
            }
            // the Parquet files are encoded from their spools while the comparisons are
            // written, each on a core of its own. The five tables one after the other: one
            // of their writers' row groups in memory at a time, beside the comparison table
            // being written on the other core (all five at once raised the peak of 10,000
            // full pages by 3 MB, and took no less time). A stop asked for while they are
            // encoded is heeded before the next table: the tables not yet encoded are left
            // with the staging folder.
            let encode = || -> io::Result<bool> {
                for t in tables {
                    if stop() {
                        return Ok(false);
                    }
                    send(t.encode()?.into_iter().collect());
                }
                Ok(true)
            };
            let (encoded, compared) =
                rayon::join(encode, || write_comparisons(&st, cmp, manifest, report, &formats, guard, &keep, &send));
            let encoded = encoded?;
            compared?;
            drop(done);
            let synced = syncer.join().map_err(|_| io::Error::other("syncing the output's files failed"))??;
            Ok(synced.filter(|_| encoded))
        })?;
        let Some(synced) = synced else {
            return Ok(false);
        };
        let mut written = written;
        written.extend(synced);

        // the data is on disk before the folder that holds it is put in place, and so are
        // the folders' entries
        let names = files(&formats);
        for name in &names {
            if !written.contains(&st.join(name)) {
                sync(&st.join(name))?;
            }
        }
        for sub in folder::SUBFOLDERS.iter().map(|s| st.join(s)).chain([st.clone()]) {
            if sub.is_dir() {
                sync(&sub)?;
            }
        }
        folder.commit(&names, stop)
    }
}

/// comparison.json, the comparison tables, the matrix, the report, the schema and the
/// manifest, written into the staging folder `st`; each file given to `done` once written
/// (to be synced).
#[allow(clippy::too_many_arguments)]
fn write_comparisons(
    st: &Path,
    cmp: &Comparison,
    manifest: &serde_json::Value,
    report: &str,
    formats: &Formats,
    guard: bool,
    keep: &[String],
    done: &(dyn Fn(Vec<PathBuf>) + Sync),
) -> io::Result<()> {
    let cell = |s: &str| if guard { guard_cell(s).into_owned() } else { s.to_string() };

    // comparison.json is written with the tables, a row at a time (they are made one
    // at a time: `Comparison`)
    let mut json = BufWriter::new(File::create(st.join(COMPARISON_JSON))?);
    write!(
        json,
        "{{\n  \"near_identical_threshold\": {},\n  \"max_pair_sources\": {},\n  \"role_categories\": [",
        serde_json::to_string(&cmp.near_identical_threshold).map_err(io::Error::other)?,
        cmp.max_pair_sources
    )?;
    let mut w = TableWriter::create(st, &table::ROLE_CATEGORIES, formats, guard, &[])?;
    let mut rows = JsonArray::default();
    for r in cmp.role_categories.iter() {
        rows.element(&mut json, &r)?;
        w.row(&[
            Cell::str(&r.role_id),
            Cell::str(&r.seniority),
            Cell::str(&r.source),
            Cell::int(r.documents),
            Cell::int(r.responsibilities),
            Cell::str(&r.category),
            Cell::int(r.items),
            Cell::ratio(r.share),
            Cell::str(&r.source_label),
        ])?;
    }
    done(w.close()?);
    let mut w = TableWriter::create(st, &table::ROLE_SIMILARITY, formats, guard, &[])?;
    rows.close(&mut json, "role_similarity")?;
    for r in cmp.role_similarity.iter() {
        rows.element(&mut json, &r)?;
        w.row(&[
            Cell::str(&r.role_id),
            Cell::str(&r.source_a),
            Cell::str(&r.source_b),
            Cell::int(r.responsibilities_a),
            Cell::int(r.responsibilities_b),
            Cell::ratio(r.jaccard),
            Cell::list(&r.shared),
            Cell::list(&r.only_a),
            Cell::list(&r.only_b),
            Cell::int(r.near_identical),
            Cell::str(&r.source_a_label),
            Cell::str(&r.source_b_label),
        ])?;
    }
    done(w.close()?);
    let mut w = TableWriter::create(st, &table::LADDER, formats, guard, &[])?;
    rows.close(&mut json, "ladder")?;
    for r in &cmp.ladder {
        rows.element(&mut json, r)?;
        w.row(&[
            Cell::str(&r.role_id),
            Cell::str(&r.source),
            Cell::str(&r.from_level),
            Cell::str(&r.to_level),
            Cell::list(&r.appeared),
            Cell::list(&r.disappeared),
            Cell::list(&r.kept),
            Cell::str(&r.source_label),
        ])?;
    }
    done(w.close()?);
    rows.close(&mut json, "")?;
    json.write_all(b"}\n")?;
    json.flush()?;
    done(vec![st.join(COMPARISON_JSON)]);
    if formats.has(Format::Csv) {
        write_matrix(&st.join(ROLE_MATRIX), cmp, &cell)?;
        done(vec![st.join(ROLE_MATRIX)]);
    }
    std::fs::write(st.join(REPORT_HTML), report)?;
    let schema = serde_json::to_string_pretty(&table::schema_json(keep)).map_err(io::Error::other)?;
    std::fs::write(st.join(SCHEMA_JSON), schema + "\n")?;
    let mut f = BufWriter::new(File::create(st.join(MANIFEST_JSON))?);
    serde_json::to_writer_pretty(&mut f, manifest).map_err(io::Error::other)?;
    f.write_all(b"\n")?;
    f.flush()?;
    done([REPORT_HTML, SCHEMA_JSON, MANIFEST_JSON].map(|n| st.join(n)).into());
    Ok(())
}

/// A document's row of `documents`.
fn doc_cells(d: &DocRecord) -> Vec<Cell<'_>> {
    let p = &d.posting;
    let sal = p.salary.as_ref();
    let evidence: Vec<String> = p.evidence.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let date = p.date_posted.as_ref();
    vec![
        Cell::str(&d.doc),
        Cell::str(d.status.as_str()),
        Cell::str(&d.reason),
        Cell::str(&d.format),
        Cell::str(&d.encoding),
        Cell::int(d.bytes),
        Cell::opt(d.company.as_deref()),
        Cell::opt(d.company_evidence.as_deref()),
        Cell::int(d.blocks),
        Cell::int(d.dropped_blocks),
        Cell::int(d.roles),
        Cell::int(d.responsibilities),
        Cell::list(&d.repairs),
        Cell::list(&d.truncated),
        Cell::opt(d.duplicate_of.as_deref()),
        Cell::opt(d.language.as_deref()),
        Cell::opt(p.title.as_deref()),
        Cell::opt(p.location.as_deref()),
        Cell::opt(p.workplace.as_deref()),
        Cell::opt(p.employment_type.as_deref()),
        Cell::opt_float(sal.and_then(|s| s.min)),
        Cell::opt_float(sal.and_then(|s| s.max)),
        Cell::opt(sal.and_then(|s| s.currency.as_deref())),
        Cell::opt(sal.and_then(|s| s.period.as_deref())),
        date.and_then(|d| d.iso.as_deref()).map_or(Cell::Null, Cell::Date),
        Cell::List(evidence.into()),
        Cell::str(&d.shape),
        Cell::opt(d.title.as_deref()),
        Cell::opt(date.map(|d| d.raw.as_str())),
        Cell::str(&d.source_file),
        Cell::opt(d.record_id.as_deref()),
        Cell::opt_int(d.position),
        Cell::opt(d.url.as_deref()),
        if d.source_file != d.doc { Cell::Map(&d.extra) } else { Cell::Null },
    ]
}

fn role_cells(r: &RoleRecord) -> Vec<Cell<'_>> {
    vec![
        Cell::str(&r.doc),
        Cell::opt(r.company.as_deref()),
        Cell::str(&r.title),
        Cell::str(&r.role_id),
        Cell::str(&r.role_label),
        Cell::str(&r.family),
        Cell::str(&r.seniority),
        Cell::int(r.seniority_order),
        Cell::list(&r.seniority_cues),
        Cell::list(&r.seniority_rules),
        Cell::str(&r.title_rule),
        Cell::str(&r.found_by),
        Cell::int(r.line),
        Cell::list(&r.departments),
        Cell::int(r.responsibilities),
        Cell::list(&r.categories),
        Cell::list(&r.also_titled),
        Cell::str(&r.title_key),
        Cell::str(&r.title_source),
        Cell::opt(r.note.as_deref()),
        Cell::opt(r.esco_uri.as_deref()),
        Cell::opt(r.esco_label.as_deref()),
        Cell::opt(r.isco08.as_deref()),
        Cell::opt(r.onet_soc.as_deref()),
        Cell::opt(r.onet_title.as_deref()),
        Cell::str(&r.code_evidence),
    ]
}

fn resp_cells(r: &RespRecord) -> Vec<Cell<'_>> {
    vec![
        Cell::str(&r.doc),
        Cell::opt(r.company.as_deref()),
        Cell::str(&r.role_id),
        Cell::str(&r.seniority),
        Cell::str(&r.title),
        Cell::str(&r.text),
        Cell::str(&r.raw),
        Cell::int(r.line),
        Cell::str(&r.rule),
        Cell::opt(r.group.as_deref()),
        Cell::opt(r.detail.as_deref()),
        Cell::list(&r.departments),
        Cell::list(&r.categories),
        Cell::list(&r.category_rules),
        Cell::str(&r.section),
    ]
}

fn req_cells(r: &ReqRecord) -> Vec<Cell<'_>> {
    vec![
        Cell::str(&r.doc),
        Cell::opt(r.company.as_deref()),
        Cell::str(&r.role_id),
        Cell::str(&r.seniority),
        Cell::str(&r.title),
        Cell::str(&r.text),
        Cell::int(r.line),
        Cell::str(&r.kind),
        Cell::opt_int(r.years_min),
        Cell::opt_int(r.years_max),
        Cell::opt(r.degree.as_deref()),
        Cell::list(&r.skills),
        Cell::str("requirement"),
    ]
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An output with a document's rows in every table, its partials written as a run
    /// writes them; the old output beside it holds one file.
    fn an_output(dir: &Path) -> (PathBuf, Output, Comparison) {
        let out = dir.join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("documents.csv"), "old\n").unwrap();
        let mut o = Output::create(&out, &Formats::default(), false, &[]).unwrap();
        let rules = crate::rules::Rules::shipped();
        let text = "# Senior Product Manager\n\n## Responsibilities\n\n- Own the roadmap for the platform\n- Talk to customers every week\n\n## Requirements\n\n- 5+ years of product management\n";
        let r = crate::pipeline::process_text("a.md", text, rules);
        assert!(!r.responsibilities.is_empty() && !r.requirements.is_empty());
        let mut partials = partials::Writer::create(o.staging()).unwrap();
        partials.add(0, "a.md", true, &r).unwrap();
        o.add_written(partials.finish().unwrap());
        o.write(&r).unwrap();
        let mut cmp = crate::compare::Comparer::default();
        cmp.add(&r, "a.md");
        (out, o, cmp.finish(rules))
    }

    /// Every file of the new output, and its folders, are synced before it is put in place
    /// (the partials by their own writer), none of them after.
    #[test]
    fn every_file_is_synced_before_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let (out, o, cmp) = an_output(dir.path());
        let staging = o.staging().to_path_buf();
        let synced = std::sync::Mutex::new(Vec::new());
        let sync = |p: &Path| {
            // the old output is still in place
            assert!(!out.join(MANIFEST_JSON).exists(), "{} synced after the swap", p.display());
            synced.lock().unwrap().push(p.to_path_buf());
            File::open(p)?.sync_all()
        };
        assert!(o.finish_syncing(&cmp, &serde_json::json!({}), "", &|| false, &sync).unwrap());
        let synced = synced.into_inner().unwrap();
        for name in files(&Formats::default()).iter().filter(|n| n.as_str() != partials::FILE) {
            assert!(synced.contains(&staging.join(name)), "{name} not synced");
            assert!(out.join(name).is_file(), "{name} not in the output");
        }
        for d in [staging.join("comparison"), staging.join("partials"), staging.clone()] {
            assert!(synced.contains(&d), "folder {} not synced", d.display());
        }
        assert!(!staging.exists());
    }

    /// A file that cannot be synced fails the end of the run: nothing is put in place, the
    /// old output stays whole and the staging folder goes.
    #[test]
    fn a_failing_sync_leaves_the_old_output() {
        for failing in ["responsibilities.parquet", "documents.csv", "comparison.json", "comparison"] {
            let dir = tempfile::tempdir().unwrap();
            let (out, o, cmp) = an_output(dir.path());
            let sync = |p: &Path| {
                if p.ends_with(failing) {
                    return Err(io::Error::other(format!("no space left for {failing}")));
                }
                File::open(p)?.sync_all()
            };
            let e = o.finish_syncing(&cmp, &serde_json::json!({}), "", &|| false, &sync).unwrap_err();
            assert!(e.to_string().contains(failing), "{e}");
            assert_eq!(std::fs::read_to_string(out.join("documents.csv")).unwrap(), "old\n");
            let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(left, ["documents.csv"], "{failing}");
            let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(beside, ["out"], "{failing}: the staging folder and the lock are removed");
        }
    }

    /// A stop asked for while the tables are encoded (a Ctrl-C at the end of a long run) is
    /// heeded before the next table, not after all of them: nothing is put in place, the
    /// old output stays whole and the staging folder goes. Asked for from the start, no
    /// table is encoded at all.
    #[test]
    fn a_stop_between_the_tables_leaves_the_old_output() {
        for after in [None, Some("roles")] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            std::fs::create_dir(&out).unwrap();
            std::fs::write(out.join("documents.csv"), "old\n").unwrap();
            let o = Output::create(&out, &Formats::default(), false, &[]).unwrap();
            let cmp = crate::compare::Comparer::default().finish(crate::rules::Rules::shipped());
            let staging = o.staging().to_path_buf();
            let encoded = |t: &str| staging.join(format!("{t}.parquet")).exists();
            // every question is asked while no table after the stop is encoded
            let (asked, late) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let next = if after.is_some() { "responsibilities" } else { "documents" };
            let stop = || {
                asked.fetch_add(1, Ordering::SeqCst);
                if encoded(next) {
                    late.fetch_add(1, Ordering::SeqCst);
                }
                after.is_none_or(encoded)
            };
            assert!(!o.finish(&cmp, &serde_json::json!({}), "", &stop).unwrap());
            assert!(asked.load(Ordering::SeqCst) > 0);
            assert_eq!(late.load(Ordering::SeqCst), 0, "{next}.parquet was encoded after the stop ({after:?})");
            assert_eq!(std::fs::read_to_string(out.join("documents.csv")).unwrap(), "old\n");
            let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(left, ["documents.csv"]);
            let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(beside, ["out"], "the staging folder and the lock are removed");
        }
    }
}
