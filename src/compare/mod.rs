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

/// Accumulates per-document results in a few hundred bytes per role × level × source.
#[derive(Debug, Default)]
pub struct Comparer {
    /// (role, level, source) by name number
    cells: std::collections::HashMap<(u32, usize, u32), Cell>,
    names: Names,
    levels: BTreeMap<usize, String>,
    /// distinct word sets of the responsibilities per (role, source), as word numbers
    /// (`vocab`): a word is held once, however many sets hold it
    texts: std::collections::HashMap<(u32, u32), Vec<Box<[u32]>>>,
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
}

/// Everything in `comparison/` and `comparison.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub near_identical_threshold: f64,
    pub max_pair_sources: usize,
    pub role_categories: CategoryRows,
    pub role_similarity: SimilarityRows,
    pub ladder: Vec<LadderRow>,
}

/// The rows of `role_categories`, held as numbers (a few dozen bytes a row, not a few
/// hundred: a corpus of many sources has hundreds of thousands) and made one at a time
/// when written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CategoryRows {
    rows: Vec<CategoryRow>,
    names: Vec<Box<str>>,
    levels: BTreeMap<usize, String>,
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
        let name = |n: u32| if n == NO_CATEGORY { String::new() } else { self.names[n as usize].to_string() };
        self.rows.iter().map(move |r| RoleCategoryRow {
            role_id: name(r.role),
            seniority: self.levels[&r.level].clone(),
            source: name(r.source),
            documents: r.documents as usize,
            responsibilities: r.responsibilities as usize,
            category: name(r.category),
            items: r.items as usize,
            share: if r.responsibilities > 0 {
                round3(f64::from(r.items) / f64::from(r.responsibilities))
            } else {
                0.0
            },
        })
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
        let source = self.names.number(r.doc.company.as_deref().unwrap_or(file));
        let mut counted = BTreeSet::new();
        for role in r.roles.iter().filter(|x| x.role_id != UNMAPPED) {
            self.levels.insert(role.seniority_order, role.seniority.clone());
            let key = (self.names.number(&role.role_id), role.seniority_order, source);
            if counted.insert(key) {
                self.cells.entry(key).or_default().docs += 1;
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
                });
            }
        };
        for ((role, source), levels) in &per {
            emit(role, source, levels);
        }
        for (role, levels) in &across {
            let sources = per.keys().filter(|(r, _)| r == role).count();
            if sources > 1 {
                emit(role, "*", levels);
            }
        }
        drop(cells);
        let role_categories = CategoryRows { rows, names: self.names.names, levels: self.levels };
        Comparison {
            near_identical_threshold: NEAR_IDENTICAL,
            max_pair_sources: MAX_PAIR_SOURCES,
            role_categories,
            role_similarity,
            ladder,
        }
    }
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
