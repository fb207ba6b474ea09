//! Standard occupation codes: job titles ranked against the labels of ESCO (with its ISCO-08
//! groups) and the titles of O*NET-SOC, from the pinned official files in `taxonomies/`
//! (embedded in the binary). Lexical and deterministic: TF-IDF weights computed from the
//! taxonomies themselves, cosine similarity of a title's words with each label, a concept
//! ranked by its best label; ESCO concepts also ranked through O*NET's alternate titles.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

pub mod assign;
// (what makes the tables runs in the build script and the tests)
#[cfg_attr(not(test), allow(dead_code))]
mod keys;
pub use assign::{assign, CODES_RULE};
#[cfg(test)]
use keys::WordScratch;
use keys::{tsv_rows, words_hash, Reduce};

/// The title keys `build.rs` made (`keys`).
static TABLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/title_keys.bin"));

const ESCO_OCCUPATIONS: &str = include_str!("../../taxonomies/esco/occupations_en.csv");
const ESCO_ISCO_GROUPS: &str = include_str!("../../taxonomies/esco/ISCOGroups_en.csv");
const ONET_OCCUPATIONS: &str = include_str!("../../taxonomies/onet-27.0/Occupation Data.txt");
const ONET_ALTERNATE_TITLES: &str = include_str!("../../taxonomies/onet-27.0/Alternate Titles.txt");
const CODING: &str = include_str!("../../taxonomies/coding.toml");

/// `taxonomies/coding.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Coding {
    pub stop_words: Vec<String>,
    pub min_plural_len: usize,
    pub plurals: Vec<(String, String)>,
    pub keep_s: Vec<String>,
    pub onet_vote_weight: f64,
    pub onet_vote_titles: usize,
    pub group_vote_top: usize,
    pub group_vote_power: f64,
    /// A role outside the taxonomy gets no code from a best match scoring less than this.
    pub min_score: f64,
    pub head_before: Vec<String>,
    pub head_candidates: usize,
    pub qualifier_marks: Vec<String>,
    pub specialisation_words: usize,
    pub min_score_unknown_head: f64,
    /// Titles in documents of other languages are not coded: the labels are English.
    pub label_language: String,
    /// "TITLE => CODE": what a title outside the taxonomy must (not) be coded to.
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default, rename = "counter-examples")]
    pub counter_examples: Vec<String>,
}

/// A ranked ESCO concept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscoHit {
    pub uri: String,
    pub label: String,
    /// ISCO-08 unit group (4 digits; fewer for an ISCO group itself).
    pub isco08: String,
    pub score: f64,
    /// The label that matched best, or `onet:<code>` when O*NET's titles ranked it.
    pub evidence: String,
}

/// A ranked O*NET-SOC occupation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnetHit {
    pub code: String,
    pub title: String,
    pub score: f64,
    /// The title or alternate title that matched best.
    pub evidence: String,
}

/// Labels of one taxonomy, indexed by their words.
struct Index {
    /// (concept, label text, weight norm)
    labels: Vec<(usize, String, f64)>,
    postings: HashMap<String, Vec<u32>>,
    idf: HashMap<String, f64>,
    /// idf of a word no label has
    unseen: f64,
}

/// An occupation of a taxonomy.
#[derive(Debug, Clone)]
pub struct Concept {
    /// ESCO concept URI, or O*NET-SOC code.
    pub id: String,
    pub label: String,
    /// ESCO: the ISCO-08 unit group (4 digits); O*NET: empty.
    pub group: String,
    /// ESCO: its code below the ISCO group ("1223.1"); O*NET: the O*NET-SOC code.
    pub code: String,
}

/// The coder: both taxonomies' occupations, and their labels indexed (on first use: the
/// rules need only the occupations, and a run whose roles are all of the taxonomy no index).
pub struct Coder {
    coding: Coding,
    esco: Vec<Concept>,
    /// (concept, preferred or alternative label)
    esco_labels: Vec<(usize, String)>,
    onet: Vec<Concept>,
    esco_by_uri: HashMap<String, usize>,
    onet_by_code: HashMap<String, usize>,
    titles: Titles,
    lexical: OnceLock<Lexical>,
    /// Rankings already made, by the title's words and `top`: a dump of a thousand postings
    /// titled "Teacher" ranks it once (a title O*NET files under many occupations makes up to
    /// `onet_vote_titles` rankings). Emptied when it holds `CACHE` entries.
    cache: std::sync::Mutex<HashMap<(String, usize), Ranking>>,
}

/// Ranked ESCO concepts and O*NET-SOC occupations, best first.
pub type Ranking = (Vec<EscoHit>, Vec<OnetHit>);

/// Most rankings kept by the coder.
const CACHE: usize = 4096;

/// Every label and title of both taxonomies, by its words (the exact look-ups): the sorted
/// tables the build made (`keys`), read in place.
struct Titles {
    /// (hash of the normalized O*NET title or alternate title, occupation)
    onet: &'static [u8],
    /// (hash of the normalized ESCO label, concept, label index)
    esco: &'static [u8],
}

/// The entries of an encoded table whose key is `h`: their bytes after the key.
fn entries(table: &[u8], size: usize, h: u64) -> impl Iterator<Item = &[u8]> {
    let key = |i: usize| u64::from_le_bytes(table[i * size..i * size + 8].try_into().expect("8 bytes"));
    let (mut lo, mut hi) = (0, table.len() / size);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if key(mid) < h {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    table[lo * size..].chunks_exact(size).take_while(move |e| e[..8] == h.to_le_bytes()).map(|e| &e[8..])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

impl Titles {
    fn embedded() -> Titles {
        let n = u64::from_le_bytes(TABLES[..8].try_into().expect("8 bytes")) as usize;
        let (onet, esco) = TABLES[8..].split_at(n * keys::ONET_ENTRY);
        Titles { onet, esco }
    }

    /// O*NET occupations with a title of these words.
    fn onet(&self, words: &str) -> impl Iterator<Item = usize> + '_ {
        entries(self.onet, keys::ONET_ENTRY, words_hash(words)).map(|e| u32_at(e, 0) as usize)
    }

    /// ESCO concepts (and one of their labels) with a label of these words.
    fn esco(&self, words: &str) -> impl Iterator<Item = (usize, u32)> + '_ {
        entries(self.esco, keys::ESCO_ENTRY, words_hash(words)).map(|e| (u32_at(e, 0) as usize, u32_at(e, 4)))
    }
}

/// The labels of both taxonomies, indexed by their words (the ranking; built on the first
/// title that needs ranking, as it takes most of the coder's memory).
struct Lexical {
    esco_index: Index,
    onet_index: Index,
    /// each O*NET occupation's titles (its title first)
    onet_titles: Vec<Vec<String>>,
}

impl Lexical {
    fn build(c: &Coder) -> Lexical {
        let mut onet_titles: Vec<Vec<String>> = c.onet.iter().map(|o| vec![o.label.clone()]).collect();
        for row in tsv_rows(ONET_ALTERNATE_TITLES) {
            let (Some(code), Some(title)) = row else { continue };
            if let Some(&i) = c.onet_by_code.get(code) {
                onet_titles[i].push(title.to_string());
            }
        }
        let onet_labels: Vec<(usize, String)> =
            onet_titles.iter().enumerate().flat_map(|(i, ts)| ts.iter().map(move |t| (i, t.clone()))).collect();
        Lexical {
            esco_index: Index::build(c.esco_labels.clone(), &c.coding),
            onet_index: Index::build(onet_labels, &c.coding),
            onet_titles,
        }
    }
}

impl Concept {
    /// An ESCO occupation (not an ISCO-08 group of ESCO's).
    pub fn is_occupation(&self) -> bool {
        self.id.contains("/esco/occupation/")
    }
}

impl Coding {
    /// How its words are reduced.
    fn reduce(&self) -> Reduce<'_> {
        Reduce {
            stop_words: &self.stop_words,
            min_plural_len: self.min_plural_len,
            plurals: &self.plurals,
            keep_s: &self.keep_s,
        }
    }

    /// `words_hash(&self.words(title).join(" "))`, without a string per word.
    #[cfg(test)]
    fn key_hash(&self, title: &str, s: &mut WordScratch) -> u64 {
        self.reduce().key_hash(title, s)
    }

    fn word(&self, w: &str) -> String {
        let mut out = String::with_capacity(w.len() + 1);
        self.reduce().word_into(w, &mut out);
        out
    }

    /// A title's words: lower-cased, letters and digits, stop words out, plurals singular.
    pub fn words(&self, title: &str) -> Vec<String> {
        let lower = title.to_lowercase();
        let mut v: Vec<String> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !self.reduce().is_stop_word(w))
            .map(|w| self.word(w))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The head of a title's core phrase: its last word before a word of `head_before`,
    /// reduced as `words` does ("presenter" in "science presenter in manchester").
    pub fn head(&self, core: &str) -> Option<String> {
        let lower = core.to_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let end = words.iter().position(|w| self.head_before.iter().any(|h| h == w)).unwrap_or(words.len());
        words[..end].iter().rev().find(|w| !self.reduce().is_stop_word(w)).map(|w| self.word(w))
    }
}

impl Index {
    fn build(labels: Vec<(usize, String)>, coding: &Coding) -> Index {
        let words: Vec<Vec<String>> = labels.iter().map(|(_, t)| coding.words(t)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for ws in &words {
            for w in ws {
                *df.entry(w).or_default() += 1;
            }
        }
        let n = labels.len().max(1) as f64;
        let idf: HashMap<String, f64> =
            df.iter().map(|(w, c)| (w.to_string(), (n / (1.0 + *c as f64)).ln() + 1.0)).collect();
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut out = Vec::with_capacity(labels.len());
        for (i, ((concept, text), ws)) in labels.into_iter().zip(&words).enumerate() {
            let norm = ws.iter().map(|w| idf[w].powi(2)).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
            for w in ws {
                postings.entry(w.clone()).or_default().push(i as u32);
            }
            out.push((concept, text, norm));
        }
        Index { labels: out, postings, idf, unseen: n.ln() + 1.0 }
    }

    /// Concepts by the cosine of their best label with `words`: concept -> (score, label).
    fn rank(&self, words: &[String]) -> HashMap<usize, (f64, u32)> {
        let qn = words.iter().map(|w| self.idf.get(w).copied().unwrap_or(self.unseen).powi(2)).sum::<f64>().sqrt();
        let mut dot: HashMap<u32, f64> = HashMap::new();
        for w in words {
            if let (Some(p), Some(idf)) = (self.postings.get(w), self.idf.get(w)) {
                for &l in p {
                    *dot.entry(l).or_default() += idf * idf;
                }
            }
        }
        let mut best: HashMap<usize, (f64, u32)> = HashMap::new();
        for (l, d) in dot {
            let (concept, _, norm) = &self.labels[l as usize];
            let s = d / (qn * norm);
            let e = best.entry(*concept).or_insert((0.0, l));
            if s > e.0 || (s == e.0 && l < e.1) {
                *e = (s, l);
            }
        }
        best
    }
}

impl Coder {
    /// The coder of the embedded taxonomies, built once, on first use.
    pub fn shared() -> Result<&'static Coder, String> {
        static SHARED: OnceLock<Result<Coder, String>> = OnceLock::new();
        SHARED.get_or_init(Coder::embedded).as_ref().map_err(Clone::clone)
    }

    pub fn coding(&self) -> &Coding {
        &self.coding
    }

    /// Is `word` (as `Coding::words` gives it) in any ESCO label or O*NET title?
    pub fn knows_word(&self, word: &str) -> bool {
        let x = self.lexical();
        x.esco_index.idf.contains_key(word) || x.onet_index.idf.contains_key(word)
    }

    /// The ESCO occupation of a concept URI.
    pub fn esco_by_uri(&self, uri: &str) -> Option<&Concept> {
        self.esco_by_uri.get(uri).map(|&i| &self.esco[i])
    }

    /// Is `code` an ESCO code ("1223.1"), an ISCO-08 group ("1223", "12") or an O*NET-SOC
    /// code of the taxonomies?
    pub fn knows_code(&self, code: &str) -> bool {
        self.onet_by_code.contains_key(code) || self.esco.iter().any(|c| c.code == code || c.group == code)
    }

    /// The O*NET-SOC occupation of a code.
    pub fn onet_by_code(&self, code: &str) -> Option<&Concept> {
        self.onet_by_code.get(code).map(|&i| &self.onet[i])
    }

    /// The coder of the embedded taxonomies.
    pub fn embedded() -> Result<Coder, String> {
        let coding: Coding = toml::from_str(CODING).map_err(|e| format!("taxonomies/coding.toml: {e}"))?;
        let mut records = keys::esco_records("occupations_en.csv", ESCO_OCCUPATIONS, "iscoGroup")?;
        records.extend(keys::esco_records("ISCOGroups_en.csv", ESCO_ISCO_GROUPS, "code")?);
        // numbered as the build numbered them for the title keys
        let esco_labels: Vec<(usize, String)> =
            keys::labels_of(&records).into_iter().map(|(i, l)| (i, l.to_string())).collect();
        let esco: Vec<Concept> =
            records.into_iter().map(|r| Concept { id: r.uri, label: r.label, group: r.group, code: r.code }).collect();
        let onet: Vec<Concept> = keys::onet_occupations(ONET_OCCUPATIONS)
            .map(|(code, title)| Concept {
                id: code.to_string(),
                label: title.to_string(),
                group: String::new(),
                code: code.to_string(),
            })
            .collect();
        let esco_by_uri = esco.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        let onet_by_code = onet.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        Ok(Coder {
            esco_by_uri,
            onet_by_code,
            coding,
            esco,
            esco_labels,
            onet,
            titles: Titles::embedded(),
            lexical: OnceLock::new(),
            cache: Default::default(),
        })
    }

    /// The one ESCO occupation and the one O*NET occupation that have a label made of exactly
    /// these words (as `Coding::words` gives them), with the label; where several have, the
    /// one whose preferred label it is, or none.
    pub fn exact(&self, words: &[String]) -> (Option<(&Concept, &str)>, Option<&Concept>) {
        let x = self.titles();
        let key = words.join(" ");
        let label = |(c, l): (usize, u32)| (&self.esco[c], self.esco_labels[l as usize].1.as_str());
        // occupations only (not ISCO groups), and the words checked: a hash may collide
        let many: Vec<(usize, u32)> = x
            .esco(&key)
            .filter(|&(c, l)| {
                self.esco[c].is_occupation() && self.coding.words(&self.esco_labels[l as usize].1) == words
            })
            .collect();
        let esco = match many.as_slice() {
            [one] => Some(label(*one)),
            [] => None,
            // several: the one whose preferred label it is, if one is
            _ => {
                let pref: Vec<&(usize, u32)> =
                    many.iter().filter(|(c, _)| self.coding.words(&self.esco[*c].label) == words).collect();
                match pref.as_slice() {
                    [one] => Some(label(**one)),
                    _ => None,
                }
            }
        };
        let occs: Vec<usize> = x.onet(&key).collect();
        let onet = match occs.as_slice() {
            [o] => Some(&self.onet[*o]),
            _ => None,
        };
        (esco, onet)
    }

    fn titles(&self) -> &Titles {
        &self.titles
    }

    fn lexical(&self) -> &Lexical {
        self.lexical.get_or_init(|| Lexical::build(self))
    }

    /// The best concepts vote for their ISCO-08 group, each with (score / best score) ^
    /// `group_vote_power`; the best concept of the winning group goes first. Near-equal
    /// labels of one group outvote a lone label of another ("registered nurse").
    fn group_first(&self, esco: &mut [EscoHit]) {
        let (n, power) = (self.coding.group_vote_top, self.coding.group_vote_power);
        let Some(best) = esco.first().map(|h| h.score).filter(|&b| b > 0.0 && n > 1) else { return };
        let mut votes: Vec<(&str, f64)> = Vec::new();
        for h in esco.iter().take(n) {
            let v = (h.score / best).powf(power);
            match votes.iter_mut().find(|(g, _)| *g == h.isco08) {
                Some(e) => e.1 += v,
                None => votes.push((&h.isco08, v)),
            }
        }
        // the first group to reach the most votes wins (ties: the better concept's group)
        let mut win = votes[0];
        for v in &votes[1..] {
            if v.1 > win.1 {
                win = *v;
            }
        }
        let win = win.0.to_string();
        if let Some(i) = esco.iter().position(|h| h.isco08 == win) {
            esco[..=i].rotate_right(1);
        }
    }

    /// The `top` best ESCO concepts and O*NET-SOC occupations for `title`, best first (ties
    /// by URI or code).
    pub fn code(&self, title: &str, top: usize) -> Ranking {
        let words = self.coding.words(title);
        let key = (words.join(" "), top);
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return hit;
        }
        let ranked = self.rank(&words, top);
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= CACHE {
                c.clear();
            }
            c.insert(key, ranked.clone());
        }
        ranked
    }

    fn rank(&self, words: &[String], top: usize) -> Ranking {
        let words = words.to_vec();
        let x = self.lexical();
        let label = |i: u32| x.esco_index.labels[i as usize].1.clone();
        let mut esco: HashMap<usize, (f64, String)> =
            x.esco_index.rank(&words).into_iter().map(|(c, (s, l))| (c, (s, label(l)))).collect();
        // O*NET occupations this very title names: their other titles vote
        if self.coding.onet_vote_weight > 0.0 {
            let occs: Vec<usize> = self.titles().onet(&words.join(" ")).collect();
            if !occs.is_empty() {
                let titles: Vec<(&String, &Concept)> = occs
                    .iter()
                    .flat_map(|&o| x.onet_titles[o].iter().map(move |t| (t, &self.onet[o])))
                    .take(self.coding.onet_vote_titles)
                    .collect();
                let n = titles.len().max(1) as f64;
                let mut votes: HashMap<usize, (f64, &str)> = HashMap::new();
                for (t, occ) in &titles {
                    for (c, (s, _)) in x.esco_index.rank(&self.coding.words(t)) {
                        let v = votes.entry(c).or_insert((0.0, occ.id.as_str()));
                        v.0 += s;
                    }
                }
                for (c, (v, code)) in votes {
                    let e = esco.entry(c).or_insert((0.0, format!("onet:{code}")));
                    e.0 += self.coding.onet_vote_weight * v / n;
                }
            }
        }
        let mut esco: Vec<EscoHit> = esco
            .into_iter()
            .map(|(c, (score, evidence))| {
                let k = &self.esco[c];
                EscoHit {
                    uri: k.id.clone(),
                    label: k.label.clone(),
                    isco08: k.group.clone(),
                    score: round(score),
                    evidence,
                }
            })
            .collect();
        esco.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.uri.cmp(&b.uri)));
        self.group_first(&mut esco);
        esco.truncate(top);
        let mut onet: Vec<OnetHit> = x
            .onet_index
            .rank(&words)
            .into_iter()
            .map(|(o, (score, l))| {
                let k = &self.onet[o];
                OnetHit {
                    code: k.id.clone(),
                    title: k.label.clone(),
                    score: round(score),
                    evidence: x.onet_index.labels[l as usize].1.clone(),
                }
            })
            .collect();
        onet.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.code.cmp(&b.code)));
        onet.truncate(top);
        (esco, onet)
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The key of a title hashed without making its words is the hash of its words
        /// joined, whatever the title: case, plurals, stop words, repeats, other scripts.
        #[test]
        fn a_titles_key_is_the_hash_of_its_words(t in "((Chief|executives?|and|OF|the|Ärzte|İstanbul|analyses|Sales|boxes|US|s|x|ß|ΣΊΣΥΦΟΣ|-|,|’|2)[ /]?){0,9}") {
            let c: Coding = toml::from_str(CODING).unwrap();
            let mut scratch = WordScratch::default();
            proptest::prop_assert_eq!(c.key_hash(&t, &mut scratch), words_hash(&c.words(&t).join(" ")));
        }
    }

    /// The keys of every O*NET title and ESCO label are those of their words joined.
    #[test]
    fn every_label_key_is_the_hash_of_its_words() {
        let coder = Coder::shared().unwrap();
        let mut scratch = WordScratch::default();
        for (_, t) in &coder.esco_labels {
            assert_eq!(coder.coding.key_hash(t, &mut scratch), words_hash(&coder.coding.words(t).join(" ")), "{t}");
        }
        for row in tsv_rows(ONET_ALTERNATE_TITLES) {
            let t = row.1.unwrap_or("");
            assert_eq!(coder.coding.key_hash(t, &mut scratch), words_hash(&coder.coding.words(t).join(" ")), "{t}");
        }
    }

    /// The title keys the build embedded are those of the taxonomies and `coding.toml`
    /// embedded with them: made again here, byte for byte.
    #[test]
    fn the_embedded_title_keys_are_the_taxonomies() {
        let coder = Coder::shared().unwrap();
        let labels: Vec<(usize, &str)> = coder.esco_labels.iter().map(|(i, l)| (*i, l.as_str())).collect();
        let tables = keys::make_tables(&coder.coding.reduce(), ONET_OCCUPATIONS, ONET_ALTERNATE_TITLES, &labels);
        assert!(tables.0.len() > 50_000 && tables.1.len() > 30_000, "{} and {}", tables.0.len(), tables.1.len());
        assert!(keys::encode(&tables) == TABLES, "the embedded title keys are stale: rebuild");
        // and a look-up finds what the tables hold
        let (k, o) = tables.0[tables.0.len() / 2];
        let t = coder.titles();
        let found: Vec<usize> = entries(t.onet, keys::ONET_ENTRY, k).map(|e| u32_at(e, 0) as usize).collect();
        assert!(found.contains(&(o as usize)));
        assert!(t.onet(&coder.coding.words("Registered Nurses").join(" ")).any(|o| coder.onet[o].id == "29-1141.00"));
    }

    #[test]
    fn plurals_and_stop_words() {
        let c: Coding = toml::from_str(CODING).unwrap();
        assert_eq!(c.words("Chief Executives"), ["chief", "executive"]);
        assert_eq!(
            c.words("Secretaries and Administrative Assistants, Except Legal"),
            ["administrative", "assistant", "legal", "secretary"]
        );
        assert_eq!(c.words("Firefighters"), ["firefighter"]);
        assert_eq!(c.words("Business Analysis"), ["analysis", "business"]);
        // a possessive leaves no word "s"
        assert_eq!(c.words("Lecturer’s Assistant"), ["assistant", "lecturer"]);
    }

    #[test]
    fn titles_are_coded() {
        let coder = Coder::embedded().unwrap();
        let (esco, onet) = coder.code("Chief Executives", 5);
        assert_eq!(onet[0].code, "11-1011.00", "{onet:?}");
        assert!(esco.iter().any(|h| h.label == "chief executive officer"), "{esco:?}");
        let (esco, _) = coder.code("Registered Nurses", 3);
        assert!(esco[0].isco08.starts_with("222"), "{esco:?}");
    }
}
