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

#[derive(Debug, Default)]
struct Cell {
    docs: usize,
    responsibilities: usize,
    categories: BTreeMap<String, usize>,
}

/// Accumulates per-document results.
#[derive(Debug, Default)]
pub struct Comparer {
    cells: BTreeMap<(String, usize, String), Cell>,
    levels: BTreeMap<usize, String>,
    /// distinct word sets of the responsibilities per (role, source), as word numbers
    /// (`vocab`): a word is held once, however many sets hold it
    texts: BTreeMap<(String, String), BTreeSet<Vec<u32>>>,
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
    pub role_categories: Vec<RoleCategoryRow>,
    pub role_similarity: Vec<SimilarityRow>,
    pub ladder: Vec<LadderRow>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Comparer {
    /// Add one document's results; `file` is its source when it names no company (the
    /// document's own id, or the id of the dump its record came from).
    pub fn add(&mut self, r: &DocResult, file: &str) {
        let source = r.doc.company.as_deref().unwrap_or(file);
        let mut counted = BTreeSet::new();
        for role in r.roles.iter().filter(|x| x.role_id != UNMAPPED) {
            self.levels.insert(role.seniority_order, role.seniority.clone());
            let key = (role.role_id.clone(), role.seniority_order, source.to_string());
            if counted.insert(key.clone()) {
                self.cells.entry(key).or_default().docs += 1;
            }
        }
        for resp in r.responsibilities.iter().filter(|x| x.role_id != UNMAPPED) {
            let Some(role) = r.roles.iter().find(|x| x.role_id == resp.role_id && x.seniority == resp.seniority) else {
                continue;
            };
            let cell = self.cells.entry((resp.role_id.clone(), role.seniority_order, source.to_string())).or_default();
            cell.responsibilities += 1;
            if resp.categories.is_empty() {
                *cell.categories.entry(UNMAPPED.to_string()).or_default() += 1;
            }
            for c in &resp.categories {
                *cell.categories.entry(c.clone()).or_default() += 1;
            }
            if self.held >= MAX_TEXTS_TOTAL {
                continue;
            }
            let texts = self.texts.entry((resp.role_id.clone(), source.to_string())).or_default();
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
                if !set.is_empty() && texts.insert(set) {
                    self.held += 1;
                }
            }
        }
    }

    pub fn finish(self, rules: &Rules) -> Comparison {
        let mut cats: Vec<String> = rules.categories.iter().map(|c| c.id.clone()).collect();
        cats.push(UNMAPPED.to_string());
        let mut role_categories = Vec::new();
        for ((role, level, source), cell) in &self.cells {
            for c in &cats {
                let items = cell.categories.get(c).copied().unwrap_or(0);
                let share =
                    if cell.responsibilities > 0 { round3(items as f64 / cell.responsibilities as f64) } else { 0.0 };
                role_categories.push(RoleCategoryRow {
                    role_id: role.clone(),
                    seniority: self.levels[level].clone(),
                    source: source.clone(),
                    documents: cell.docs,
                    responsibilities: cell.responsibilities,
                    category: c.clone(),
                    items,
                    share,
                });
            }
        }

        // per role and source, all levels together
        let mut by_role: BTreeMap<&str, BTreeMap<&str, (usize, BTreeSet<&str>)>> = BTreeMap::new();
        for ((role, _, source), cell) in &self.cells {
            let e = by_role.entry(role).or_default().entry(source).or_default();
            e.0 += cell.responsibilities;
            e.1.extend(cell.categories.keys().map(String::as_str).filter(|c| *c != UNMAPPED));
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
        let ids: BTreeMap<&(String, String), Vec<Vec<u32>>> = self
            .texts
            .iter()
            .map(|(k, sets)| {
                let v = sets
                    .iter()
                    .map(|set| {
                        let mut ids: Vec<u32> = set.iter().map(|&w| rank[w as usize]).collect();
                        ids.sort_unstable();
                        ids
                    })
                    .collect();
                (k, v)
            })
            .collect();
        let mut role_similarity = Vec::new();
        for (role, sources) in &by_role {
            let mut list: Vec<(&str, &(usize, BTreeSet<&str>))> = sources.iter().map(|(s, v)| (*s, v)).collect();
            list.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
            list.truncate(MAX_PAIR_SOURCES);
            list.sort_by(|a, b| a.0.cmp(b.0));
            for (i, (sa, (na, ca))) in list.iter().enumerate() {
                for (sb, (nb, cb)) in &list[i + 1..] {
                    let shared: Vec<String> = ca.intersection(cb).map(|s| s.to_string()).collect();
                    let union = ca.union(cb).count();
                    let ta = ids.get(&(role.to_string(), sa.to_string()));
                    let tb = ids.get(&(role.to_string(), sb.to_string()));
                    role_similarity.push(SimilarityRow {
                        role_id: role.to_string(),
                        source_a: sa.to_string(),
                        source_b: sb.to_string(),
                        responsibilities_a: *na,
                        responsibilities_b: *nb,
                        jaccard: if union > 0 { round3(shared.len() as f64 / union as f64) } else { 0.0 },
                        shared,
                        only_a: ca.difference(cb).map(|s| s.to_string()).collect(),
                        only_b: cb.difference(ca).map(|s| s.to_string()).collect(),
                        near_identical: near_identical(ta.map_or(&[][..], |v| v), tb.map_or(&[][..], |v| v)),
                    });
                }
            }
        }

        // ladders: per source, and across all sources ("*")
        let mut ladder = Vec::new();
        let mut all: BTreeMap<(&str, usize), BTreeSet<&str>> = BTreeMap::new();
        let mut per: BTreeMap<(&str, &str), BTreeMap<usize, BTreeSet<&str>>> = BTreeMap::new();
        for ((role, level, source), cell) in &self.cells {
            let cs: BTreeSet<&str> = cell.categories.keys().map(String::as_str).filter(|c| *c != UNMAPPED).collect();
            all.entry((role, *level)).or_default().extend(cs.iter().copied());
            per.entry((role, source)).or_default().insert(*level, cs);
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
