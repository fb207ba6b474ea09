//! `report.html`: the run for a reader, in one self-contained page (inline CSS, no script,
//! nothing fetched). Per role, a heatmap of categories × sources (what share of each
//! source's responsibilities for the role falls in each category) and the ladder (the
//! categories that appear or disappear as seniority rises); the near-duplicates; the
//! documents that yielded nothing, and why; titles outside the taxonomy; the run's counts.
//!
//! Built from the comparison (already in memory) and from `Notes` taken while documents
//! stream past, which hold a bounded number of lines whatever the corpus size: what is
//! listed is capped (`MAX_LISTED`, `MAX_REASONS`, `MAX_TITLES`), what is counted is counted
//! in full. Nothing in the page depends on time, machine or paths outside the corpus.
//! Every text taken from the input (or the rules) goes through `escape`.

use crate::compare::dedup::Duplicate;
use crate::compare::Comparison;
use crate::model::{DocResult, Status};
use crate::normalize::UNMAPPED;
use crate::pipeline::Summary;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// Documents listed by name in a section (the first in corpus order); the rest are counted.
pub const MAX_LISTED: usize = 200;
/// Distinct reasons counted one by one; further reasons are counted together.
pub const MAX_REASONS: usize = 100;
/// Distinct titles outside the taxonomy counted one by one (the first seen), and shown.
pub const MAX_TITLES: usize = 1000;
const SHOWN_TITLES: usize = 50;
/// Sources shown as columns of a role's heatmap (those with the most documents for it);
/// the others are pooled in one column.
pub const MAX_REPORT_SOURCES: usize = 12;
/// Longest reason or title shown, in characters.
const MAX_TEXT: usize = 300;

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` cut at `max` characters, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($h:expr, $($t:tt)*) => {
        let _ = write!($h, $($t)*);
    };
}

/// A document that yielded no role of the taxonomy.
#[derive(Debug, Clone, PartialEq)]
struct Nothing {
    doc: String,
    status: Status,
    reason: String,
}

/// What the report needs of the documents, taken as they stream past; bounded in size.
#[derive(Debug, Default)]
pub struct Notes {
    nothing: Vec<Nothing>,
    nothing_total: usize,
    /// (status, reason kind) → documents; at most `MAX_REASONS` kinds, then `other_reasons`
    reasons: BTreeMap<(&'static str, String), usize>,
    other_reasons: usize,
    duplicates: Vec<Duplicate>,
    duplicates_total: usize,
    /// the documents that near-duplicates repeat (hashed: their number is what is shown)
    originals: HashSet<u64>,
    /// title key → (roles, the title as first written); at most `MAX_TITLES` keys
    titles: HashMap<String, (usize, String)>,
    other_titles: usize,
    unmapped_roles: usize,
}

/// A reason as a kind of reason: its opening, before any detail (`line 3: not valid JSON:
/// expected value` → `not valid JSON`; `unsupported extension .png (reads …)` →
/// `unsupported extension .png`).
fn reason_kind(reason: &str) -> String {
    let mut r = reason.trim();
    // a dump record's line number
    if let Some(rest) = r.strip_prefix("line ") {
        if let Some((n, tail)) = rest.split_once(": ") {
            if n.chars().all(|c| c.is_ascii_digit()) {
                r = tail;
            }
        }
    }
    let end = r.find([':', '(', ';']).unwrap_or(r.len());
    let kind = r[..end].trim();
    cut(if kind.is_empty() { r } else { kind }, 120).into_owned()
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable, and enough to count distinct ids
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

impl Notes {
    /// Take what the report needs of one document's result (`duplicate`: the earlier
    /// document it repeats, if any).
    pub fn add(&mut self, r: &DocResult, duplicate: Option<&Duplicate>) {
        if let Some(d) = duplicate {
            self.duplicates_total += 1;
            self.originals.insert(hash(&d.duplicate_of));
            if self.duplicates.len() < MAX_LISTED {
                self.duplicates.push(d.clone());
            }
        }
        for role in r.roles.iter().filter(|x| x.role_id == UNMAPPED) {
            self.unmapped_roles += 1;
            let full = self.titles.len() >= MAX_TITLES;
            match self.titles.get_mut(&role.title_key) {
                Some(t) => t.0 += 1,
                None if !full => {
                    self.titles.insert(role.title_key.clone(), (1, cut(&role.title, MAX_TEXT).into_owned()));
                }
                None => self.other_titles += 1,
            }
        }
        let d = &r.doc;
        // a dump's own row is no document: its records are
        let dump_row = d.status == Status::Ok && d.shape.is_empty();
        if dump_row || r.roles.iter().any(|x| x.role_id != UNMAPPED) {
            return;
        }
        let reason = if d.status == Status::Ok && !r.roles.is_empty() {
            let titles: Vec<&str> = r.roles.iter().map(|x| x.title.as_str()).collect();
            format!("only titles outside the taxonomy: {}", titles.join("; "))
        } else if d.reason.is_empty() {
            "no role defined in this document".to_string()
        } else {
            d.reason.clone()
        };
        self.nothing_total += 1;
        let key = (d.status.as_str(), reason_kind(&reason));
        let full = self.reasons.len() >= MAX_REASONS;
        match self.reasons.get_mut(&key) {
            Some(n) => *n += 1,
            None if !full => {
                self.reasons.insert(key, 1);
            }
            None => self.other_reasons += 1,
        }
        if self.nothing.len() < MAX_LISTED {
            let reason = cut(&reason, MAX_TEXT).into_owned();
            self.nothing.push(Nothing { doc: cut(&d.doc, MAX_TEXT).into_owned(), status: d.status, reason });
        }
    }
}

/// Aggregates of one role: per source (all levels together) and per level (all sources).
#[derive(Default)]
struct RoleView<'a> {
    id: &'a str,
    /// shown sources, in column order, then the pooled others (if any)
    sources: Vec<Column<'a>>,
    others: Option<Column<'a>>,
    all: Column<'a>,
    levels: Vec<(usize, &'a str, Column<'a>)>,
    documents: u32,
}

/// Counts of a column of a heatmap: documents, responsibilities, items per category (by
/// the category's place in the rules).
#[derive(Default, Clone)]
struct Column<'a> {
    label: &'a str,
    source: &'a str,
    documents: u32,
    sources: u32,
    responsibilities: u32,
    items: Vec<u32>,
    /// levels this source defines the role at
    levels: Vec<&'a str>,
}

impl Column<'_> {
    fn add(&mut self, category: usize, items: u32, width: usize) {
        if self.items.len() < width {
            self.items.resize(width, 0);
        }
        self.items[category] += items;
    }

    fn share(&self, category: usize) -> Option<f64> {
        (self.responsibilities > 0)
            .then(|| f64::from(self.items.get(category).copied().unwrap_or(0)) / f64::from(self.responsibilities))
    }
}

/// The roles of the comparison, each with its sources' and levels' counts. Two passes over
/// the rows: the first counts each source's documents and responsibilities per role (to
/// choose the shown sources), the second the items of the shown ones.
fn role_views<'a>(cmp: &'a Comparison, categories: &HashMap<&str, usize>) -> Vec<RoleView<'a>> {
    let width = categories.len();
    let rows = &cmp.role_categories;
    // (role, source) → (documents, responsibilities, label)
    let mut per: HashMap<(&str, &str), (u32, u32, &str)> = HashMap::new();
    let mut last: Option<(&str, usize, &str)> = None;
    for r in rows.refs() {
        let e = per.entry((r.role_id, r.source)).or_insert((r.role_documents, 0, r.source_label));
        if last != Some((r.role_id, r.level, r.source)) {
            e.1 += r.responsibilities;
            last = Some((r.role_id, r.level, r.source));
        }
    }
    let mut by_role: BTreeMap<&str, Vec<(&str, u32, u32, &str)>> = BTreeMap::new();
    for ((role, source), (d, n, l)) in per {
        by_role.entry(role).or_default().push((source, d, n, l));
    }
    let mut shown: HashMap<(&str, &str), usize> = HashMap::new();
    let mut views: Vec<RoleView<'a>> = Vec::new();
    for (role, mut list) in by_role.into_iter() {
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.3.cmp(b.3)).then(a.0.cmp(b.0)));
        let mut v = RoleView { id: role, ..Default::default() };
        for (i, &(source, d, n, label)) in list.iter().enumerate() {
            v.documents += d;
            if i < MAX_REPORT_SOURCES {
                shown.insert((role, source), i);
                v.sources.push(Column {
                    label,
                    source,
                    documents: d,
                    sources: 1,
                    responsibilities: n,
                    ..Default::default()
                });
            } else {
                let o = v.others.get_or_insert_with(Column::default);
                o.documents += d;
                o.sources += 1;
                o.responsibilities += n;
            }
        }
        v.all = Column { documents: v.documents, sources: list.len() as u32, ..Default::default() };
        v.all.responsibilities = list.iter().map(|x| x.2).sum();
        views.push(v);
    }
    let index: HashMap<&str, usize> = views.iter().enumerate().map(|(i, v)| (v.id, i)).collect();
    let mut last: Option<(&str, usize, &str)> = None;
    for r in rows.refs() {
        let v = &mut views[index[r.role_id]];
        let first_of_cell = last != Some((r.role_id, r.level, r.source));
        last = Some((r.role_id, r.level, r.source));
        let col = shown.get(&(r.role_id, r.source)).copied();
        // the level's column: all sources at this level
        let at = match v.levels.iter().position(|l| l.0 == r.level) {
            Some(i) => i,
            None => {
                v.levels.push((r.level, r.seniority, Column::default()));
                v.levels.len() - 1
            }
        };
        if first_of_cell {
            let l = &mut v.levels[at].2;
            l.responsibilities += r.responsibilities;
            l.documents += r.documents;
            l.sources += 1;
            if let Some(c) = col {
                v.sources[c].levels.push(r.seniority);
            }
        }
        let Some(k) = r.category.and_then(|c| categories.get(c).copied()) else { continue };
        v.levels[at].2.add(k, r.items, width);
        v.all.add(k, r.items, width);
        match col {
            Some(c) => v.sources[c].add(k, r.items, width),
            None => v.others.get_or_insert_with(Column::default).add(k, r.items, width),
        }
    }
    for v in &mut views {
        v.levels.sort_by_key(|l| l.0);
    }
    // the roles most compared first
    views.sort_by(|a, b| b.all.sources.cmp(&a.all.sources).then(b.documents.cmp(&a.documents)).then(a.id.cmp(b.id)));
    views
}

/// A heatmap cell: the share as a percentage on a background as dark as the share is large.
fn heat(h: &mut String, share: Option<f64>, items: u32, class: &str) {
    match share {
        None => {
            w!(h, "<td class=\"na {class}\" title=\"no responsibilities\"></td>");
        }
        Some(_) if items == 0 => {
            w!(h, "<td class=\"zero {class}\">·</td>");
        }
        Some(s) => {
            let light = lightness(s);
            let ink = if light < 58.0 { " dark" } else { "" };
            w!(
                h,
                "<td class=\"heat{ink} {class}\" style=\"background:hsl(204 70% {light:.0}%)\" title=\"{items} item(s)\">{}%</td>",
                (s * 100.0).round()
            );
        }
    }
}

/// The background's lightness for a share: darker as it grows, most quickly among small
/// shares (which are the most common).
fn lightness(share: f64) -> f64 {
    96.0 - 58.0 * share.clamp(0.0, 1.0).sqrt()
}

fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", num(n), if n == 1 { one } else { many })
}

/// A count with thousands separated: `20,000`.
fn num(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const STYLE: &str = "
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#dde3ea;--bg:#f6f8fa;--accent:#1f6fb2}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI','DejaVu Sans',sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:24px 28px 48px}
header.top{background:#17324d;color:#fff;padding:22px 28px}
header.top div{max-width:1240px;margin:0 auto}
header.top h1{margin:0 0 4px;font-size:24px;font-weight:650}
header.top p{margin:0;color:#c7d6e6}
h2{font-size:19px;margin:0 0 2px}
h3{font-size:14px;margin:18px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
section.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:18px 0;overflow-x:auto}
.meta{color:var(--muted);margin:0 0 8px}
.stats{display:grid;grid-template-columns:repeat(6,1fr);gap:12px;margin:18px 0}
.stat{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.stat b{display:block;font-size:24px;font-weight:650}
.stat span{color:var(--muted);font-size:12.5px}
table{border-collapse:collapse}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600}
table.list td.n,table.list th.n{text-align:right}
table.heat th.cat{min-width:250px;max-width:300px}
table.heat td,table.heat th.src{min-width:76px;max-width:110px;text-align:center;border:2px solid #fff}
table.heat th.src{font-size:12px;font-weight:600;vertical-align:bottom;overflow-wrap:anywhere;border-bottom:1px solid var(--line)}
table.heat th.src small{display:block;font-weight:400;color:var(--muted)}
table.heat th.cat,table.heat td.cat{text-align:left;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
td.heat{font-variant-numeric:tabular-nums;color:var(--ink)}
td.heat.dark{color:#fff}
td.zero{color:#b3bcc6}
td.na{background:repeating-linear-gradient(45deg,#f3f5f7,#f3f5f7 4px,#e9edf1 4px,#e9edf1 8px)}
td.all,th.all{border-right:3px solid var(--line)!important}
td.new{box-shadow:inset 0 0 0 2px #e08a1e}
.steps{margin:8px 0 0;padding:0;list-style:none}
.steps li{margin:3px 0}
.up{color:#1b7f3b;font-weight:600}.down{color:#b3261e;font-weight:600}
.legend{color:var(--muted);font-size:12.5px;margin:6px 0 0}
.swatch{display:inline-block;width:26px;height:12px;vertical-align:-1px;border-radius:2px}
code{font:12.5px ui-monospace,'DejaVu Sans Mono',monospace;color:#3a4756}
a{color:var(--accent);text-decoration:none}
.pill{display:inline-block;background:#eef3f8;border-radius:9px;padding:0 7px;margin:1px 2px;font-size:12.5px}
footer{color:var(--muted);font-size:12.5px;margin-top:24px}
";

/// The page.
pub fn render(cmp: &Comparison, notes: &Notes, sum: &Summary, rules_origin: &str, rules_fingerprint: &str) -> String {
    let labels = &cmp.labels;
    let cat_ids: Vec<&str> = cmp.role_categories.categories().collect();
    let categories: HashMap<&str, usize> = cat_ids.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let views = role_views(cmp, &categories);
    let cat_label = |c: &str| -> String {
        if c == UNMAPPED {
            "No category (unmapped)".to_string()
        } else {
            labels.category(c).to_string()
        }
    };
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>rolemap report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    let roles_n = views.len();
    let sources_n = cmp.role_categories.sources();
    w!(
        h,
        "<header class=\"top\"><div><h1>How {} define{} {}</h1><p>rolemap {} · rules: {} ({}) · {} read</p></div></header>\n<main>\n",
        plural(sources_n as u64, "source", "sources"),
        if sources_n == 1 { "s" } else { "" },
        plural(roles_n as u64, "role", "roles"),
        env!("CARGO_PKG_VERSION"),
        escape(rules_origin),
        escape(&rules_fingerprint[..rules_fingerprint.len().min(12)]),
        plural(sum.documents as u64, "document", "documents"),
    );

    // the run in figures
    let stat = |h: &mut String, n: String, what: &str, note: String| {
        w!(h, "<div class=\"stat\"><b>{n}</b><span>{what}<br>{note}</span></div>");
    };
    h.push_str("<div class=\"stats\" id=\"summary\">");
    let cut_note =
        if sum.truncated > 0 { format!(" · {} cut by a limit", num(sum.truncated as u64)) } else { String::new() };
    stat(
        &mut h,
        num(sum.documents as u64),
        "documents",
        format!(
            "{} ok · {} skipped · {} failed{cut_note}",
            num(sum.ok as u64),
            num(sum.skipped as u64),
            num(sum.errors as u64)
        ),
    );
    stat(
        &mut h,
        num(sum.roles as u64),
        "roles found",
        format!("{} of the taxonomy", plural(roles_n as u64, "distinct role", "distinct roles")),
    );
    stat(&mut h, num(sum.responsibilities as u64), "responsibilities", "sorted into categories".into());
    stat(&mut h, num(sources_n as u64), "sources compared", "a company, else a document".into());
    let dup_note = if sum.duplicates == 0 {
        "none found".to_string()
    } else {
        format!("of {}", plural(notes.originals.len() as u64, "document", "documents"))
    };
    stat(&mut h, num(sum.duplicates as u64), "near-duplicates", dup_note);
    stat(&mut h, num(notes.nothing_total as u64), "yielded nothing", "no role of the taxonomy".into());
    h.push_str("</div>\n");

    // the roles
    h.push_str("<section class=\"card\" id=\"roles\"><h2>Roles</h2><p class=\"meta\">Each role of the taxonomy that a source defines; a source is the company, else the document (or the dump its record came from).</p>");
    h.push_str("<table class=\"list\"><tr><th>role</th><th>family</th><th class=\"n\">sources</th><th class=\"n\">documents</th><th class=\"n\">responsibilities</th><th>levels</th></tr>");
    for v in &views {
        w!(
            h,
            "<tr><td><a href=\"#role-{id}\">{}</a></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>",
            escape(labels.role(v.id)),
            escape(labels.family(v.id)),
            num(v.all.sources),
            num(v.documents),
            num(v.all.responsibilities),
            id = escape(v.id),
        );
        for (_, level, _) in &v.levels {
            w!(h, "<span class=\"pill\">{}</span>", escape(labels.level(level)));
        }
        h.push_str("</td></tr>");
    }
    if views.is_empty() {
        h.push_str("<tr><td colspan=\"6\">No document defined a role of the taxonomy.</td></tr>");
    }
    h.push_str("</table></section>\n");

    for v in &views {
        role_section(&mut h, v, &cat_ids, &cat_label, cmp);
    }

    duplicates_section(&mut h, notes);
    nothing_section(&mut h, notes);
    titles_section(&mut h, notes);

    w!(
        h,
        "<footer>Written by rolemap {} from the same run as the CSV files beside it: <code>comparison/role_categories.csv</code> (the counts behind each heatmap), <code>comparison/role_matrix.csv</code> (the same, one column per source), <code>comparison/ladder.csv</code>, <code>duplicates.csv</code>, <code>documents.csv</code> (every document and why it yielded what it did).</footer>\n",
        env!("CARGO_PKG_VERSION")
    );
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn role_section(h: &mut String, v: &RoleView<'_>, cats: &[&str], cat_label: &dyn Fn(&str) -> String, cmp: &Comparison) {
    let labels = &cmp.labels;
    w!(
        h,
        "<section class=\"card role\" id=\"role-{}\"><h2>{}</h2><p class=\"meta\">{} · {} · {} · {}</p>",
        escape(v.id),
        escape(labels.role(v.id)),
        escape(labels.family(v.id)),
        plural(v.all.sources, "source", "sources"),
        plural(v.documents, "document", "documents"),
        plural(v.all.responsibilities, "responsibility", "responsibilities"),
    );
    let used: Vec<usize> = (0..cats.len()).filter(|&k| v.all.items.get(k).is_some_and(|&n| n > 0)).collect();
    if used.is_empty() {
        h.push_str("<p>No responsibilities were listed for this role.</p></section>\n");
        return;
    }
    h.push_str("<h3>What each source puts in the role</h3>");
    // one source: its column is all sources
    let pooled = v.sources.len() > 1 || v.others.is_some();
    h.push_str("<table class=\"heat\"><tr><th class=\"cat\">category</th>");
    if pooled {
        w!(
            h,
            "<th class=\"src all\">All sources<small>{}</small></th>",
            plural(v.all.responsibilities, "duty", "duties")
        );
    }
    for s in &v.sources {
        let levels: Vec<Cow<'_, str>> = s.levels.iter().map(|l| escape(labels.level(l))).collect();
        let level =
            if levels.len() == 1 { levels[0].to_string() } else { plural(levels.len() as u64, "level", "levels") };
        w!(
            h,
            "<th class=\"src\" title=\"{} · {}\">{}<small>{} · {level}</small></th>",
            escape(s.source),
            levels.join(", "),
            escape(&cut(s.label, 60)),
            plural(s.responsibilities, "duty", "duties"),
        );
    }
    if let Some(o) = &v.others {
        w!(
            h,
            "<th class=\"src\">{}<small>{}</small></th>",
            plural(o.sources, "other source", "other sources"),
            plural(o.responsibilities, "duty", "duties")
        );
    }
    h.push_str("</tr>");
    for &k in &used {
        w!(h, "<tr><td class=\"cat\" title=\"{}\">{}</td>", escape(cats[k]), escape(&cat_label(cats[k])));
        let items = |c: &Column<'_>| c.items.get(k).copied().unwrap_or(0);
        if pooled {
            heat(h, v.all.share(k), items(&v.all), "all");
        }
        for s in v.sources.iter().chain(v.others.iter()) {
            heat(h, s.share(k), items(s), "");
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    w!(
        h,
        "<p class=\"legend\">Share of the source's responsibilities for this role in each category (one responsibility can be in several): <span class=\"swatch\" style=\"background:hsl(204 70% {:.0}%)\"></span> 5% <span class=\"swatch\" style=\"background:hsl(204 70% {:.0}%)\"></span> 25% <span class=\"swatch\" style=\"background:hsl(204 70% {:.0}%)\"></span> 100%; · none; hatched: no responsibilities listed.</p>",
        lightness(0.05),
        lightness(0.25),
        lightness(1.0)
    );

    // the ladder
    if v.levels.len() > 1 {
        h.push_str("<h3>Up the ladder</h3><table class=\"heat\"><tr><th class=\"cat\">category</th>");
        for (_, level, c) in &v.levels {
            w!(
                h,
                "<th class=\"src\">{}<small>{} · {}</small></th>",
                escape(labels.level(level)),
                plural(c.sources, "source", "sources"),
                plural(c.responsibilities, "duty", "duties")
            );
        }
        h.push_str("</tr>");
        let present = |c: &Column<'_>, k: usize| c.items.get(k).is_some_and(|&n| n > 0);
        for &k in &used {
            w!(h, "<tr><td class=\"cat\" title=\"{}\">{}</td>", escape(cats[k]), escape(&cat_label(cats[k])));
            for (i, (_, _, c)) in v.levels.iter().enumerate() {
                let new = i > 0 && present(c, k) && !present(&v.levels[i - 1].2, k) && cats[k] != UNMAPPED;
                heat(h, c.share(k), c.items.get(k).copied().unwrap_or(0), if new { "new" } else { "" });
            }
            h.push_str("</tr>");
        }
        h.push_str("</table><ul class=\"steps\">");
        for pair in v.levels.windows(2) {
            let ((_, la, a), (_, lb, b)) = (&pair[0], &pair[1]);
            let names = |f: &dyn Fn(usize) -> bool| -> String {
                let list: Vec<String> = used
                    .iter()
                    .filter(|&&k| cats[k] != UNMAPPED && f(k))
                    .map(|&k| escape(&cat_label(cats[k])).into_owned())
                    .collect();
                list.join(", ")
            };
            let up = names(&|k| present(b, k) && !present(a, k));
            let down = names(&|k| present(a, k) && !present(b, k));
            w!(h, "<li>{} → {}: ", escape(labels.level(la)), escape(labels.level(lb)));
            if up.is_empty() && down.is_empty() {
                h.push_str("the same categories");
            }
            if !up.is_empty() {
                w!(h, "<span class=\"up\">+</span> {up}");
            }
            if !down.is_empty() {
                w!(h, "{}<span class=\"down\">−</span> {down}", if up.is_empty() { "" } else { "; " });
            }
            h.push_str("</li>");
        }
        h.push_str("</ul><p class=\"legend\">All sources at each level pooled; an outlined cell is a category that appears at that level. Per source: <code>comparison/ladder.csv</code>.</p>");
    }
    h.push_str("</section>\n");
}

fn duplicates_section(h: &mut String, notes: &Notes) {
    h.push_str("<section class=\"card\" id=\"duplicates\"><h2>Near-duplicates</h2>");
    if notes.duplicates_total == 0 {
        h.push_str(
            "<p class=\"meta\">No document repeats another (same duties, estimated Jaccard ≥ 0.8).</p></section>\n",
        );
        return;
    }
    w!(
        h,
        "<p class=\"meta\">{} repeat{} {} (same duties, estimated Jaccard ≥ 0.8); each is counted once, as the first.</p>",
        plural(notes.duplicates_total as u64, "document", "documents"),
        if notes.duplicates_total == 1 { "s" } else { "" },
        plural(notes.originals.len() as u64, "earlier document", "earlier documents"),
    );
    let mut clusters: BTreeMap<&str, Vec<&Duplicate>> = BTreeMap::new();
    for d in &notes.duplicates {
        clusters.entry(d.duplicate_of.as_str()).or_default().push(d);
    }
    h.push_str("<table class=\"list\"><tr><th>kept</th><th>its near-duplicates (similarity)</th></tr>");
    for (of, list) in &clusters {
        w!(h, "<tr><td><code>{}</code></td><td>", escape(of));
        let items: Vec<String> =
            list.iter().map(|d| format!("<code>{}</code> ({:.2})", escape(&d.doc), d.similarity)).collect();
        h.push_str(&items.join("<br>"));
        h.push_str("</td></tr>");
    }
    h.push_str("</table>");
    if notes.duplicates_total > notes.duplicates.len() {
        w!(
            h,
            "<p class=\"meta\">… and {} more in <code>duplicates.csv</code>.</p>",
            notes.duplicates_total - notes.duplicates.len()
        );
    }
    h.push_str("</section>\n");
}

fn nothing_section(h: &mut String, notes: &Notes) {
    h.push_str("<section class=\"card\" id=\"nothing\"><h2>Documents that yielded nothing</h2>");
    if notes.nothing_total == 0 {
        h.push_str("<p class=\"meta\">Every document defined at least one role of the taxonomy.</p></section>\n");
        return;
    }
    w!(
        h,
        "<p class=\"meta\">{} gave no role of the taxonomy. By reason:</p>",
        plural(notes.nothing_total as u64, "document", "documents")
    );
    let mut reasons: Vec<(&(&str, String), &usize)> = notes.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    h.push_str("<table class=\"list\"><tr><th>status</th><th>reason</th><th class=\"n\">documents</th></tr>");
    for ((status, kind), n) in reasons {
        w!(h, "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>", escape(status), escape(kind), num(*n as u64));
    }
    if notes.other_reasons > 0 {
        w!(h, "<tr><td></td><td>other reasons</td><td class=\"n\">{}</td></tr>", num(notes.other_reasons as u64));
    }
    h.push_str(
        "</table><h3>The documents</h3><table class=\"list\"><tr><th>document</th><th>status</th><th>reason</th></tr>",
    );
    for d in &notes.nothing {
        w!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&d.doc),
            d.status.as_str(),
            escape(&d.reason)
        );
    }
    h.push_str("</table>");
    if notes.nothing_total > notes.nothing.len() {
        w!(
            h,
            "<p class=\"meta\">… and {} more: see <code>documents.csv</code>.</p>",
            notes.nothing_total - notes.nothing.len()
        );
    }
    h.push_str("</section>\n");
}

fn titles_section(h: &mut String, notes: &Notes) {
    if notes.unmapped_roles == 0 {
        return;
    }
    w!(
        h,
        "<section class=\"card\" id=\"unmapped\"><h2>Titles outside the taxonomy</h2><p class=\"meta\">{} found with a title that maps to no role of <code>rules/roles.toml</code> (role id <code>unmapped</code>); the most frequent:</p>",
        plural(notes.unmapped_roles as u64, "role was", "roles were"),
    );
    let mut titles: Vec<(&String, &(usize, String))> = notes.titles.iter().collect();
    titles.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    h.push_str("<table class=\"list\"><tr><th>title</th><th>key</th><th class=\"n\">roles</th></tr>");
    for (key, (n, title)) in titles.iter().take(SHOWN_TITLES) {
        w!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
            escape(title),
            escape(key),
            num(*n as u64)
        );
    }
    h.push_str("</table>");
    let rest = titles.len().saturating_sub(SHOWN_TITLES);
    if rest > 0 || notes.other_titles > 0 {
        w!(
            h,
            "<p class=\"meta\">… and {} more distinct titles{}: see <code>roles.csv</code>.</p>",
            rest,
            if notes.other_titles > 0 {
                format!(" (and {} roles of titles not counted one by one)", notes.other_titles)
            } else {
                String::new()
            }
        );
    }
    h.push_str("</section>\n");
}

/// For tests: the counts of a role's view.
#[cfg(test)]
fn view_of<'a>(cmp: &'a Comparison, role: &str) -> Option<RoleView<'a>> {
    let cats: Vec<&str> = cmp.role_categories.categories().collect();
    let categories: HashMap<&str, usize> = cats.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    role_views(cmp, &categories).into_iter().find(|v| v.id == role)
}

#[cfg(test)]
mod tests;
