//! Comparisons across documents: how each source (company, else the file: a document, or
//! the dump its record came from) defines each role. Built incrementally from
//! per-document results, so the corpus is never held.

pub mod dedup;

use crate::clean::text;
use crate::model::DocResult;
use crate::normalize::UNMAPPED;
use crate::rules::Rules;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Two responsibilities whose word sets overlap this much (Jaccard) are near-identical.
pub const NEAR_IDENTICAL: f64 = 0.6;
/// Sources compared pairwise per role, at most (those with the most responsibilities).
pub const MAX_PAIR_SOURCES: usize = 100;
/// Responsibilities kept per role and source for near-identical counts.
const MAX_TEXTS: usize = 400;
/// Responsibilities kept for near-identical counts in all (~100 bytes each): sources that
/// come after are paired by their categories alone.
const MAX_TEXTS_TOTAL: usize = 250_000;

/// Counts of one role × level × source: categories as (name number, items), in the
/// order first seen.
#[derive(Debug, Default)]
struct Cell {
    docs: u32,
    responsibilities: u32,
    categories: Vec<(u32, u32)>,
}

/// Strings held once, by number: role ids, sources, categories (a corpus of a hundred
/// thousand files without a company has as many sources, each named in several cells).
#[derive(Debug, Default)]
struct Names {
    numbers: std::collections::HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Names {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.into());
        self.numbers.insert(name.into(), n);
        n
    }

    fn name(&self, n: u32) -> &str {
        &self.names[n as usize]
    }
}

/// What is known of a source: its documents with a role of the taxonomy, and the name it
/// is shown by when that is not its id (`label`).
#[derive(Debug, Default)]
struct SourceStat {
    docs: u32,
    label: Option<Box<str>>,
}

/// Accumulates per-document results in a few hundred bytes per role × level × source.
/// (The maps keyed by numbers hash them by multiplying, `FxHashMap`; those keyed by a
/// document's strings keep std's seeded hasher, which no document can make collide.)
#[derive(Debug, Default)]
pub struct Comparer {
    /// (role, level, source) by name number
    cells: rustc_hash::FxHashMap<(u32, usize, u32), Cell>,
    names: Names,
    /// by the source's name number
    sources: rustc_hash::FxHashMap<u32, SourceStat>,
    /// documents per (role, source), all levels together
    role_docs: rustc_hash::FxHashMap<(u32, u32), u32>,
    levels: BTreeMap<usize, String>,
    /// distinct word sets of the responsibilities per (role, source), as word numbers
    /// (`vocab`): a word is held once, however many sets hold it
    texts: rustc_hash::FxHashMap<(u32, u32), Vec<Box<[u32]>>>,
    vocab: std::collections::HashMap<String, u32>,
    words: Vec<String>,
    /// word sets in `texts`
    held: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleCategoryRow {
    pub role_id: String,
    pub seniority: String,
    pub source: String,
    pub documents: usize,
    pub responsibilities: usize,
    pub category: String,
    pub items: usize,
    pub share: f64,
    /// What the source is called for a reader (`Sources`).
    pub source_label: String,
}

/// One row of `role_categories` as it is held, its strings borrowed: for tables built from
/// it (`RoleMatrix`, the report).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CategoryRef<'a> {
    pub role_id: &'a str,
    /// the level's rank and id
    pub level: usize,
    pub seniority: &'a str,
    pub source: &'a str,
    pub source_label: &'a str,
    /// documents of the source defining the role at this level, at any level, and any role
    pub documents: u32,
    pub role_documents: u32,
    pub source_documents: u32,
    pub responsibilities: u32,
    /// `None` on the row of a cell without responsibilities
    pub category: Option<&'a str>,
    pub items: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarityRow {
    pub role_id: String,
    pub source_a: String,
    pub source_b: String,
    pub responsibilities_a: usize,
    pub responsibilities_b: usize,
    pub jaccard: f64,
    pub shared: Vec<String>,
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
    pub near_identical: usize,
    pub source_a_label: String,
    pub source_b_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderRow {
    pub role_id: String,
    pub source: String,
    pub from_level: String,
    pub to_level: String,
    pub appeared: Vec<String>,
    pub disappeared: Vec<String>,
    pub kept: Vec<String>,
    pub source_label: String,
}

/// The source of a ladder across all sources.
pub const ALL_SOURCES: &str = "*";
/// What `ALL_SOURCES` is called for a reader.
pub const ALL_SOURCES_LABEL: &str = "all sources";

/// Everything in `comparison/` and `comparison.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub near_identical_threshold: f64,
    pub max_pair_sources: usize,
    pub role_categories: CategoryRows,
    pub role_similarity: SimilarityRows,
    pub ladder: Vec<LadderRow>,
    /// The rules' names of the roles, levels and categories of the rows.
    #[serde(skip)]
    pub labels: Labels,
}

/// The labels of role, level and category ids (`rules/roles.toml`, `seniority.toml`,
/// `categories.toml`); an id the rules do not name is its own label.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Labels {
    roles: std::collections::HashMap<String, (String, String)>,
    levels: std::collections::HashMap<String, String>,
    categories: std::collections::HashMap<String, String>,
}

impl Labels {
    pub fn from_rules(rules: &Rules) -> Labels {
        let tax = &rules.taxonomy;
        Labels {
            roles: tax.roles.iter().map(|r| (r.id.clone(), (r.label.clone(), r.family.clone()))).collect(),
            levels: tax.levels.iter().map(|l| (l.id.clone(), l.label.clone())).collect(),
            categories: rules.categories.iter().map(|c| (c.id.clone(), c.label.clone())).collect(),
        }
    }

    pub fn role<'a>(&'a self, id: &'a str) -> &'a str {
        self.roles.get(id).map_or(id, |r| r.0.as_str())
    }

    /// The role's family (`product`, `design`), empty when unknown.
    pub fn family(&self, id: &str) -> &str {
        self.roles.get(id).map_or("", |r| r.1.as_str())
    }

    pub fn level<'a>(&'a self, id: &'a str) -> &'a str {
        self.levels.get(id).map_or(id, String::as_str)
    }

    pub fn category<'a>(&'a self, id: &'a str) -> &'a str {
        self.categories.get(id).map_or(id, String::as_str)
    }
}

/// The rows of `role_categories`, held as numbers (a few dozen bytes a row, not a few
/// hundred: a corpus of many sources has hundreds of thousands) and made one at a time
/// when written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoryRows {
    rows: Vec<CategoryRow>,
    names: Vec<Box<str>>,
    levels: BTreeMap<usize, String>,
    /// the category numbers in the order of the rules, `unmapped` last
    categories: Vec<u32>,
    /// per source: its label when that is not its name, its documents
    labels: std::collections::HashMap<u32, Box<str>>,
    source_docs: std::collections::HashMap<u32, u32>,
    /// documents per (role, source)
    role_docs: rustc_hash::FxHashMap<(u32, u32), u32>,
}

/// role, level, source and category (`NO_CATEGORY` for a cell without responsibilities) by
/// number, and the counts.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CategoryRow {
    role: u32,
    level: usize,
    source: u32,
    category: u32,
    documents: u32,
    responsibilities: u32,
    items: u32,
}

const NO_CATEGORY: u32 = u32::MAX;

/// A source's responsibilities for a role (all levels) and their categories.
type SourceCategories<'a> = (usize, BTreeSet<&'a str>);

/// The rows of `role_similarity`, made one at a time when written (a pair's near-identical
/// count is work, and a taxonomy of many roles paired across 100 sources each has
/// thousands of pairs per role): per role, its paired sources.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimilarityRows {
    roles: Vec<(String, Vec<PairedSource>)>,
}

#[derive(Debug, Clone, PartialEq)]
struct PairedSource {
    source: String,
    label: String,
    responsibilities: usize,
    categories: BTreeSet<String>,
    /// word sets of its responsibilities (`near_identical`)
    sets: Vec<Vec<u32>>,
}

impl SimilarityRows {
    pub fn len(&self) -> usize {
        self.roles.iter().map(|(_, l)| l.len() * l.len().saturating_sub(1) / 2).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = SimilarityRow> + '_ {
        self.roles.iter().flat_map(|(role, list)| {
            list.iter().enumerate().flat_map(move |(i, a)| {
                list[i + 1..].iter().map(move |b| {
                    let (ca, cb) = (&a.categories, &b.categories);
                    let shared: Vec<String> = ca.intersection(cb).cloned().collect();
                    let union = ca.union(cb).count();
                    SimilarityRow {
                        role_id: role.clone(),
                        source_a: a.source.clone(),
                        source_b: b.source.clone(),
                        responsibilities_a: a.responsibilities,
                        responsibilities_b: b.responsibilities,
                        jaccard: if union > 0 { round3(shared.len() as f64 / union as f64) } else { 0.0 },
                        shared,
                        only_a: ca.difference(cb).cloned().collect(),
                        only_b: cb.difference(ca).cloned().collect(),
                        near_identical: near_identical(&a.sets, &b.sets),
                        source_a_label: a.label.clone(),
                        source_b_label: b.label.clone(),
                    }
                })
            })
        })
    }
}

impl Serialize for SimilarityRows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl CategoryRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = RoleCategoryRow> + '_ {
        self.refs().map(|r| RoleCategoryRow {
            role_id: r.role_id.to_string(),
            seniority: r.seniority.to_string(),
            source: r.source.to_string(),
            documents: r.documents as usize,
            responsibilities: r.responsibilities as usize,
            category: r.category.unwrap_or_default().to_string(),
            items: r.items as usize,
            share: share(r.items, r.responsibilities),
            source_label: r.source_label.to_string(),
        })
    }

    /// The rows, borrowed: in the order of their role, level and source, and in each cell
    /// of its categories in the order of the rules (`unmapped` last).
    pub fn refs(&self) -> impl Iterator<Item = CategoryRef<'_>> + '_ {
        let name = |n: u32| &*self.names[n as usize];
        self.rows.iter().map(move |r| CategoryRef {
            role_id: name(r.role),
            level: r.level,
            seniority: &self.levels[&r.level],
            source: name(r.source),
            source_label: self.label(r.source),
            documents: r.documents,
            role_documents: self.role_docs.get(&(r.role, r.source)).copied().unwrap_or(r.documents),
            source_documents: self.source_docs.get(&r.source).copied().unwrap_or(r.documents),
            responsibilities: r.responsibilities,
            category: (r.category != NO_CATEGORY).then(|| name(r.category)),
            items: r.items,
        })
    }

    fn label(&self, source: u32) -> &str {
        self.labels.get(&source).map_or(&*self.names[source as usize], |l| &**l)
    }

    /// Sources with a role of the taxonomy.
    pub fn sources(&self) -> usize {
        self.source_docs.len()
    }

    /// The categories of the rows, in the order of the rules (`unmapped` last).
    pub fn categories(&self) -> impl Iterator<Item = &str> + '_ {
        self.categories.iter().map(|&n| &*self.names[n as usize])
    }

    /// The wide table: one row per role × level × category, a column per source (at most
    /// `max_sources`, the ones with the most documents; the others pooled).
    pub fn matrix(&self, max_sources: usize) -> RoleMatrix<'_> {
        let mut sources: Vec<(u32, u32)> = self.source_docs.iter().map(|(&s, &d)| (s, d)).collect();
        sources.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| self.label(a.0).cmp(self.label(b.0))));
        let others = sources.len().saturating_sub(max_sources);
        sources.truncate(max_sources);
        let column = sources.iter().enumerate().map(|(i, &(s, _))| (s, i)).collect();
        RoleMatrix { rows: self, columns: sources.iter().map(|&(s, _)| self.label(s)).collect(), column, others }
    }
}

/// Items / responsibilities, 3 decimals; 0 without responsibilities.
pub fn share(items: u32, responsibilities: u32) -> f64 {
    if responsibilities > 0 {
        round3(f64::from(items) / f64::from(responsibilities))
    } else {
        0.0
    }
}

/// Sources shown as columns of `comparison/role_matrix.csv`, at most (the ones with the
/// most documents); the others are pooled in `other_sources`.
pub const MAX_MATRIX_SOURCES: usize = 100;

/// `role_categories` pivoted: a row per role × level × category that some source has an
/// item in, a column per source (`CategoryRows::matrix`).
#[derive(Debug)]
pub struct RoleMatrix<'a> {
    rows: &'a CategoryRows,
    /// the sources' labels, in column order
    pub columns: Vec<&'a str>,
    /// a source's column, by its name number
    column: std::collections::HashMap<u32, usize>,
    /// sources pooled in `other_sources`
    pub others: usize,
}

/// One row of the wide table. A share is the category's items over the responsibilities of
/// the role at that level: in one source, in the sources pooled (`other`), in all (`all`);
/// `None` where there are no responsibilities.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow<'a> {
    pub role_id: &'a str,
    pub seniority: &'a str,
    pub category: &'a str,
    pub all: f64,
    pub sources: Vec<Option<f64>>,
    pub other: Option<f64>,
}

impl<'a> RoleMatrix<'a> {
    /// Call `f` with every row, in the order of role, level and category (that of the rules).
    pub fn for_each<E>(&self, mut f: impl FnMut(MatrixRow<'a>) -> Result<(), E>) -> Result<(), E> {
        let width = self.columns.len();
        let rows = &self.rows.rows;
        let mut i = 0;
        while i < rows.len() {
            let (role, level) = (rows[i].role, rows[i].level);
            let end = i + rows[i..].iter().take_while(|r| (r.role, r.level) == (role, level)).count();
            // the group's responsibilities and items per column (`width`: the others)
            let mut resps = vec![0u32; width + 1];
            let mut items: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
            let mut last = None;
            for r in &rows[i..end] {
                let col = self.column.get(&r.source).copied().unwrap_or(width);
                // a cell's rows (one per category) share its responsibilities
                if last != Some(r.source) {
                    resps[col] += r.responsibilities;
                    last = Some(r.source);
                }
                if r.category != NO_CATEGORY {
                    items.entry(r.category).or_insert_with(|| vec![0; width + 1])[col] += r.items;
                }
            }
            let total: u32 = resps.iter().sum();
            for c in &self.rows.categories {
                let Some(counts) = items.get(c) else { continue };
                let at = |col: usize| (resps[col] > 0).then(|| share(counts[col], resps[col]));
                f(MatrixRow {
                    role_id: &self.rows.names[role as usize],
                    seniority: &self.rows.levels[&level],
                    category: &self.rows.names[*c as usize],
                    all: share(counts.iter().sum(), total),
                    sources: (0..width).map(at).collect(),
                    other: if self.others > 0 { at(width) } else { None },
                })?;
            }
            i = end;
        }
        Ok(())
    }
}

impl Serialize for CategoryRows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Comparer {
    /// Add one document's results; `file` is its source when it names no company (the
    /// document's own id, or the id of the dump its record came from).
    pub fn add(&mut self, r: &DocResult, file: &str) {
        if r.roles.iter().all(|x| x.role_id == UNMAPPED) {
            return;
        }
        let company = r.doc.company.as_deref();
        let source = self.names.number(company.unwrap_or(file));
        let stat = self.sources.entry(source).or_default();
        stat.docs += 1;
        if company.is_none() && stat.label.is_none() {
            let label = source_label(r, file);
            if label != file {
                stat.label = Some(label.into());
            }
        }
        let mut counted = BTreeSet::new();
        let mut roles = BTreeSet::new();
        for role in r.roles.iter().filter(|x| x.role_id != UNMAPPED) {
            self.levels.insert(role.seniority_order, role.seniority.clone());
            let key = (self.names.number(&role.role_id), role.seniority_order, source);
            if counted.insert(key) {
                self.cells.entry(key).or_default().docs += 1;
            }
            if roles.insert(key.0) {
                *self.role_docs.entry((key.0, source)).or_default() += 1;
            }
        }
        let unmapped = self.names.number(UNMAPPED);
        for resp in r.responsibilities.iter().filter(|x| x.role_id != UNMAPPED) {
            let Some(role) = r.roles.iter().find(|x| x.role_id == resp.role_id && x.seniority == resp.seniority) else {
                continue;
            };
            let role_n = self.names.number(&resp.role_id);
            let cats: Vec<u32> = if resp.categories.is_empty() {
                vec![unmapped]
            } else {
                resp.categories.iter().map(|c| self.names.number(c)).collect()
            };
            let cell = self.cells.entry((role_n, role.seniority_order, source)).or_default();
            cell.responsibilities += 1;
            for c in cats {
                match cell.categories.iter_mut().find(|(k, _)| *k == c) {
                    Some((_, n)) => *n += 1,
                    None => cell.categories.push((c, 1)),
                }
            }
            if self.held >= MAX_TEXTS_TOTAL {
                continue;
            }
            let texts = self.texts.entry((role_n, source)).or_default();
            if texts.len() < MAX_TEXTS {
                let mut set: Vec<u32> = Vec::new();
                for w in text::key(&resp.text).split(' ').filter(|w| w.len() > 2) {
                    let id = match self.vocab.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = self.words.len() as u32;
                            self.vocab.insert(w.to_string(), id);
                            self.words.push(w.to_string());
                            id
                        }
                    };
                    set.push(id);
                }
                set.sort_unstable();
                set.dedup();
                if !set.is_empty() && !texts.iter().any(|t| **t == *set) {
                    texts.push(set.into_boxed_slice());
                    self.held += 1;
                }
            }
        }
    }

    pub fn finish(self, rules: &Rules) -> Comparison {
        let mut cats: Vec<String> = rules.categories.iter().map(|c| c.id.clone()).collect();
        cats.push(UNMAPPED.to_string());
        let name = |n: u32| self.names.name(n);
        let labels = unique_labels(&self.sources, &self.names);
        let label = |source: &str| -> String {
            let n = self.names.numbers.get(source);
            n.and_then(|n| labels.get(n)).map_or(source, |l| &**l).to_string()
        };
        // the cells in the order of their role, level and source
        let mut cells: Vec<(&(u32, usize, u32), &Cell)> = self.cells.iter().collect();
        cells.sort_unstable_by(|a, b| {
            let key = |k: &(u32, usize, u32)| (name(k.0), k.1, name(k.2));
            key(a.0).cmp(&key(b.0))
        });
        // the categories of a cell's responsibilities but `unmapped`
        let mapped = |cell: &Cell| -> BTreeSet<&str> {
            cell.categories.iter().map(|&(k, _)| name(k)).filter(|c| *c != UNMAPPED).collect()
        };
        // a row per category a cell's responsibilities are in (in the order of the rules),
        // and one with no category for a cell without responsibilities
        let cat_numbers: Vec<u32> = cats.iter().filter_map(|c| self.names.numbers.get(c.as_str()).copied()).collect();
        let mut rows = Vec::new();
        for &(&(role, level, source), cell) in &cells {
            let row = |category: u32, items: u32| CategoryRow {
                role,
                level,
                source,
                category,
                documents: cell.docs,
                responsibilities: cell.responsibilities,
                items,
            };
            if cell.responsibilities == 0 {
                rows.push(row(NO_CATEGORY, 0));
            }
            for &c in &cat_numbers {
                if let Some(&(_, items)) = cell.categories.iter().find(|(k, _)| *k == c) {
                    rows.push(row(c, items));
                }
            }
        }

        // per role and source, all levels together
        let mut by_role: BTreeMap<&str, BTreeMap<&str, SourceCategories<'_>>> = BTreeMap::new();
        for &(&(role, _, source), cell) in &cells {
            let e = by_role.entry(name(role)).or_default().entry(name(source)).or_default();
            e.0 += cell.responsibilities as usize;
            e.1.extend(mapped(cell));
        }
        // word ids by ascending frequency: the rarest words form the prefixes of the join
        let mut freq: Vec<usize> = vec![0; self.words.len()];
        for sets in self.texts.values() {
            for &w in sets.iter().flatten() {
                freq[w as usize] += 1;
            }
        }
        let mut order: Vec<u32> = (0..self.words.len() as u32).filter(|&w| freq[w as usize] > 0).collect();
        order.sort_by(|&a, &b| {
            freq[a as usize].cmp(&freq[b as usize]).then(self.words[a as usize].cmp(&self.words[b as usize]))
        });
        let mut rank: Vec<u32> = vec![0; self.words.len()];
        for (i, &w) in order.iter().enumerate() {
            rank[w as usize] = i as u32;
        }
        // (only of the sources paired: `MAX_PAIR_SOURCES` per role)
        let mut paired: std::collections::HashMap<&str, Vec<(&str, &SourceCategories<'_>)>> =
            std::collections::HashMap::new();
        for (role, sources) in &by_role {
            let mut list: Vec<(&str, &SourceCategories<'_>)> = sources.iter().map(|(s, v)| (*s, v)).collect();
            list.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
            list.truncate(MAX_PAIR_SOURCES);
            list.sort_by(|a, b| a.0.cmp(b.0));
            paired.insert(role, list);
        }
        let is_paired = |role: &str, source: &str| {
            paired.get(role).is_some_and(|l| l.binary_search_by(|(s, _)| s.cmp(&source)).is_ok())
        };
        let mut ids: std::collections::HashMap<(&str, &str), Vec<Vec<u32>>> = self
            .texts
            .iter()
            .filter(|(&(role, source), _)| is_paired(name(role), name(source)))
            .map(|(&(role, source), sets)| {
                // (in the order of their word numbers, as they were paired before: ties of
                // the greedy pairing fall the same way)
                let mut sets: Vec<&[u32]> = sets.iter().map(|s| &s[..]).collect();
                sets.sort_unstable();
                let v = sets
                    .iter()
                    .map(|set| {
                        let mut ids: Vec<u32> = set.iter().map(|&w| rank[w as usize]).collect();
                        ids.sort_unstable();
                        ids
                    })
                    .collect();
                ((name(role), name(source)), v)
            })
            .collect();
        let role_similarity = SimilarityRows {
            roles: by_role
                .keys()
                .map(|role| {
                    let list = paired[role]
                        .iter()
                        .map(|(source, (n, cats))| PairedSource {
                            source: source.to_string(),
                            label: label(source),
                            responsibilities: *n,
                            categories: cats.iter().map(|c| c.to_string()).collect(),
                            sets: ids.remove(&(*role, *source)).unwrap_or_default(),
                        })
                        .collect();
                    (role.to_string(), list)
                })
                .collect(),
        };

        // ladders: per source, and across all sources ("*")
        let mut ladder = Vec::new();
        let mut all: BTreeMap<(&str, usize), BTreeSet<&str>> = BTreeMap::new();
        let mut per: BTreeMap<(&str, &str), BTreeMap<usize, BTreeSet<&str>>> = BTreeMap::new();
        for &(&(role, level, source), cell) in &cells {
            let cs = mapped(cell);
            all.entry((name(role), level)).or_default().extend(cs.iter().copied());
            per.entry((name(role), name(source))).or_default().insert(level, cs);
        }
        let mut across: BTreeMap<&str, BTreeMap<usize, BTreeSet<&str>>> = BTreeMap::new();
        for ((role, level), cs) in all {
            across.entry(role).or_default().insert(level, cs);
        }
        let mut emit = |role: &str, source: &str, levels: &BTreeMap<usize, BTreeSet<&str>>| {
            let v: Vec<(&usize, &BTreeSet<&str>)> = levels.iter().collect();
            for w in v.windows(2) {
                let ((la, a), (lb, b)) = (w[0], w[1]);
                ladder.push(LadderRow {
                    role_id: role.to_string(),
                    source: source.to_string(),
                    from_level: self.levels[la].clone(),
                    to_level: self.levels[lb].clone(),
                    appeared: b.difference(a).map(|s| s.to_string()).collect(),
                    disappeared: a.difference(b).map(|s| s.to_string()).collect(),
                    kept: a.intersection(b).map(|s| s.to_string()).collect(),
                    source_label: if source == ALL_SOURCES { ALL_SOURCES_LABEL.to_string() } else { label(source) },
                });
            }
        };
        for ((role, source), levels) in &per {
            emit(role, source, levels);
        }
        for (role, levels) in &across {
            let sources = per.keys().filter(|(r, _)| r == role).count();
            if sources > 1 {
                emit(role, ALL_SOURCES, levels);
            }
        }
        drop(cells);
        let role_categories = CategoryRows {
            rows,
            names: self.names.names,
            levels: self.levels,
            categories: cat_numbers,
            labels,
            source_docs: self.sources.iter().map(|(&s, st)| (s, st.docs)).collect(),
            role_docs: self.role_docs,
        };
        Comparison {
            near_identical_threshold: NEAR_IDENTICAL,
            max_pair_sources: MAX_PAIR_SOURCES,
            role_categories,
            role_similarity,
            ladder,
            labels: Labels::from_rules(rules),
        }
    }
}

/// What a source without a company is called: for a document, its posting title or its own
/// title, else its file name; for the records of a dump, the dump's file name.
fn source_label<'a>(r: &'a DocResult, file: &'a str) -> &'a str {
    let file_name = file.rsplit(['/', '\\']).find(|p| !p.is_empty()).unwrap_or(file);
    if r.doc.doc != file {
        return file_name;
    }
    let title = r.doc.posting.title.as_deref().or(r.doc.title.as_deref()).map(str::trim);
    title.filter(|t| !t.is_empty()).unwrap_or(file_name)
}

/// The sources' labels that are not their names, each told apart: a label that two sources
/// would share (two pages titled "Product Manager", a page titled as a company is named)
/// gets its source's id after it; a company is always its name.
fn unique_labels(
    sources: &rustc_hash::FxHashMap<u32, SourceStat>,
    names: &Names,
) -> std::collections::HashMap<u32, Box<str>> {
    let shown = |n: &u32, st: &SourceStat| st.label.as_deref().map_or(names.name(*n), |l| l).to_string();
    let mut uses: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for (n, st) in sources {
        *uses.entry(shown(n, st)).or_default() += 1;
    }
    sources
        .iter()
        .filter_map(|(n, st)| {
            let l = st.label.as_deref()?;
            Some((*n, if uses[l] > 1 { format!("{l} ({})", names.name(*n)).into() } else { l.into() }))
        })
        .collect()
}

/// Words of a set that any set at least `NEAR_IDENTICAL` similar must share one of.
fn prefix(x: &[u32]) -> &[u32] {
    let keep = x.len() - (NEAR_IDENTICAL * x.len() as f64).ceil() as usize + 1;
    &x[..keep.min(x.len())]
}

fn jaccard(x: &[u32], y: &[u32]) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (x.len() + y.len() - inter) as f64
}

/// One-to-one count of near-identical pairs (greedy, most similar first). Word ids are
/// sorted rarest first, so candidates come from an index of the sets' short prefixes
/// (prefix filtering) instead of comparing every pair.
fn near_identical(a: &[Vec<u32>], b: &[Vec<u32>]) -> usize {
    let mut index: std::collections::HashMap<u32, Vec<usize>> = std::collections::HashMap::new();
    for (j, y) in b.iter().enumerate() {
        for w in prefix(y) {
            index.entry(*w).or_default().push(j);
        }
    }
    let mut pairs = Vec::new();
    let mut cand = BTreeSet::new();
    for (i, x) in a.iter().enumerate() {
        cand.clear();
        for w in prefix(x) {
            if let Some(js) = index.get(w) {
                cand.extend(js.iter().copied());
            }
        }
        for &j in &cand {
            let jac = jaccard(x, &b[j]);
            if jac >= NEAR_IDENTICAL {
                pairs.push((jac, i, j));
            }
        }
    }
    pairs.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let (mut ua, mut ub) = (BTreeSet::new(), BTreeSet::new());
    let mut n = 0;
    for (_, i, j) in pairs {
        if ua.contains(&i) || ub.contains(&j) {
            continue;
        }
        ua.insert(i);
        ub.insert(j);
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pipeline::process_text;

    const ROADMAP: &str = "- Own the product roadmap and release plans\n";
    const CUSTOMERS: &str = "- Talk to customers about their needs\n";

    fn doc(id: &str, title: &str, duties: &[&str]) -> DocResult {
        let text = format!("# {title}\n\n## Responsibilities\n\n{}", duties.concat());
        process_text(id, &text, Rules::shipped())
    }

    fn matrix_rows<'a>(m: &RoleMatrix<'a>) -> Vec<MatrixRow<'a>> {
        let mut out = Vec::new();
        m.for_each(|r| -> Result<(), ()> {
            out.push(r);
            Ok(())
        })
        .unwrap();
        out
    }

    /// The wide table is role_categories pivoted: a share per source, empty where a source
    /// does not define the role at that level, the pooled share of all sources beside.
    #[test]
    fn the_matrix_pivots_role_categories() {
        let mut c = Comparer::default();
        c.add(&doc("a.md", "Product Manager", &[ROADMAP, CUSTOMERS]), "a.md");
        c.add(&doc("b.md", "Senior Product Manager", &[ROADMAP]), "b.md");
        c.add(&doc("c.md", "Product Manager", &[CUSTOMERS, CUSTOMERS.replace("needs", "goals").as_str()]), "c.md");
        let cmp = c.finish(Rules::shipped());
        let m = cmp.role_categories.matrix(MAX_MATRIX_SOURCES);
        // sources by documents (one each), then by label; two pages of one title are told
        // apart by their ids
        assert_eq!(m.columns, ["Product Manager (a.md)", "Product Manager (c.md)", "Senior Product Manager"]);
        assert_eq!(m.others, 0);
        let rows = matrix_rows(&m);
        let at = |level: &str, cat: &str| rows.iter().find(|r| r.seniority == level && r.category == cat).cloned();
        let r = at("mid", "roadmap").unwrap();
        assert_eq!((r.all, r.sources, r.other), (0.25, vec![Some(0.5), Some(0.0), None], None));
        let r = at("mid", "customer-discovery").unwrap();
        assert_eq!((r.all, r.sources), (0.75, vec![Some(0.5), Some(1.0), None]));
        let r = at("senior", "roadmap").unwrap();
        assert_eq!(r.sources, vec![None, None, Some(1.0)]);
        // no row of a category no source has an item in
        assert!(at("senior", "customer-discovery").is_none());
        assert!(rows.iter().all(|r| r.role_id == "product-manager"));
        // the long table names the same sources
        let labels: BTreeSet<String> = cmp.role_categories.iter().map(|r| r.source_label).collect();
        assert_eq!(labels.len(), 3, "{labels:?}");
    }

    /// Over the column cap, the sources with the fewest documents are pooled, exactly.
    #[test]
    fn the_matrix_pools_the_sources_over_its_cap() {
        let mut c = Comparer::default();
        c.add(&doc("a.md", "Product Manager", &[ROADMAP, CUSTOMERS]), "feed.jsonl");
        c.add(&doc("b.md", "Product Manager", &[ROADMAP]), "feed.jsonl");
        c.add(&doc("c.md", "Product Manager", &[CUSTOMERS]), "c.md");
        c.add(&doc("d.md", "Product Manager", &[CUSTOMERS, ROADMAP]), "d.md");
        let cmp = c.finish(Rules::shipped());
        let m = cmp.role_categories.matrix(1);
        // the dump's two documents first; it is called by its file name
        assert_eq!((m.columns.clone(), m.others), (vec!["feed.jsonl"], 2));
        let rows = matrix_rows(&m);
        let roadmap = rows.iter().find(|r| r.category == "roadmap").unwrap();
        // feed: 2 of 3; c and d pooled: 1 of 3
        assert_eq!((roadmap.all, roadmap.sources.clone(), roadmap.other), (0.5, vec![Some(0.667)], Some(0.333)));
    }

    #[test]
    fn near_identical_is_one_to_one() {
        let a = vec![vec![1, 2, 3], vec![7, 8, 9]];
        let b = vec![vec![1, 2, 3], vec![1, 2, 3, 4]];
        assert_eq!(near_identical(&a, &b), 1);
    }

    #[test]
    fn prefix_filter_finds_what_all_pairs_finds() {
        // every pair of small sets over a few words: the join and brute force agree
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for mask in 1u32..256 {
            sets.push((0..8).filter(|b| mask & (1 << b) != 0).collect());
        }
        for x in sets.iter().step_by(7) {
            let brute = sets.iter().filter(|y| jaccard(x, y) >= NEAR_IDENTICAL).count();
            let found = near_identical(std::slice::from_ref(x), &sets);
            assert_eq!(found, usize::from(brute > 0));
            let cands: BTreeSet<u32> = prefix(x).iter().copied().collect();
            for y in sets.iter().filter(|y| jaccard(x, y) >= NEAR_IDENTICAL) {
                assert!(prefix(y).iter().any(|w| cands.contains(w)), "{x:?} {y:?}");
            }
        }
    }
}
