//! Standard occupation codes: job titles ranked against the labels of ESCO (with its ISCO-08
//! groups) and the titles of O*NET-SOC, from the pinned official files in `taxonomies/`
//! (embedded in the binary). Lexical and deterministic: TF-IDF weights computed from the
//! taxonomies themselves, cosine similarity of a title's words with each label, a concept
//! ranked by its best label; ESCO concepts also ranked through O*NET's alternate titles.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

pub mod assign;
pub use assign::{assign, CODES_RULE};

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
    titles: OnceLock<Titles>,
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

/// Every label and title of both taxonomies, by its words (the exact look-ups): sorted
/// (hash of the words, concept, label) triples, small enough to build for every run.
struct Titles {
    /// (hash of the normalized O*NET title or alternate title, occupation)
    onet: Vec<(u64, u32)>,
    /// (hash of the normalized ESCO label, concept, label index)
    esco: Vec<(u64, u32, u32)>,
}

fn words_hash(words: &str) -> u64 {
    use std::hash::Hasher;
    // deterministic (no random seed): the same hash in every run. The bytes, then 0xff (as
    // `str`'s `Hash` ends a string): `Coding::key_hash` writes the same bytes in pieces
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(words.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

impl Titles {
    fn build(c: &Coder) -> Titles {
        let coding = &c.coding;
        // 90,000 titles and labels: their words are hashed without being made (`key_hash`),
        // O*NET's and ESCO's on two threads (scoped threads: this runs inside a `OnceLock`,
        // where a rayon task could start a document that waits for it)
        let onet = || {
            let mut scratch = WordScratch::default();
            let mut key = |t: &str| coding.key_hash(t, &mut scratch);
            let mut onet: Vec<(u64, u32)> = c.onet.iter().enumerate().map(|(i, o)| (key(&o.label), i as u32)).collect();
            for row in tsv_rows(ONET_ALTERNATE_TITLES) {
                let (Some(code), Some(title)) = row else { continue };
                if let Some(&i) = c.onet_by_code.get(code) {
                    onet.push((key(title), i as u32));
                }
            }
            onet.sort_unstable();
            onet.dedup();
            onet
        };
        let esco = || {
            let mut scratch = WordScratch::default();
            let mut key = |t: &str| coding.key_hash(t, &mut scratch);
            c.esco_labels.iter().enumerate().map(|(l, (i, t))| (key(t), *i as u32, l as u32)).collect::<Vec<_>>()
        };
        let (onet, mut esco) = if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
            std::thread::scope(|s| {
                let o = crate::rules::Part::start(s, true, onet);
                let e = esco();
                (o.join(), e)
            })
        } else {
            (onet(), esco())
        };
        esco.sort_unstable();
        esco.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        Titles { onet, esco }
    }

    /// O*NET occupations with a title of these words.
    fn onet(&self, words: &str) -> impl Iterator<Item = usize> + '_ {
        let h = words_hash(words);
        let at = self.onet.partition_point(|e| e.0 < h);
        self.onet[at..].iter().take_while(move |e| e.0 == h).map(|e| e.1 as usize)
    }

    /// ESCO concepts (and one of their labels) with a label of these words.
    fn esco(&self, words: &str) -> impl Iterator<Item = (usize, u32)> + '_ {
        let h = words_hash(words);
        let at = self.esco.partition_point(|e| e.0 < h);
        self.esco[at..].iter().take_while(move |e| e.0 == h).map(|e| (e.1 as usize, e.2))
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

/// Buffers reused by `Coding::key_hash`.
#[derive(Default)]
struct WordScratch {
    lower: String,
    /// the reduced words, one after the other
    words: String,
    spans: Vec<(usize, usize)>,
}

impl Coding {
    /// `words_hash(&self.words(title).join(" "))`, without a string per word: the words are
    /// reduced into one buffer, sorted and deduplicated as spans of it, and hashed in turn
    /// (the hasher reads its input as one stream of bytes, however it is split).
    fn key_hash(&self, title: &str, s: &mut WordScratch) -> u64 {
        use std::hash::Hasher;
        let WordScratch { lower, words, spans } = s;
        lower.clear();
        if title.is_ascii() {
            lower.push_str(title);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&title.to_lowercase());
        }
        words.clear();
        spans.clear();
        let mut add = |w: &str| {
            if w.is_empty() || self.stop_words.iter().any(|s| s == w) {
                return;
            }
            let start = words.len();
            self.word_into(w, words);
            spans.push((start, words.len()));
        };
        if lower.is_ascii() {
            // (an ASCII character is alphanumeric as a `char` exactly when as a byte)
            let mut from = 0;
            for (i, b) in lower.bytes().enumerate() {
                if !b.is_ascii_alphanumeric() {
                    add(&lower[from..i]);
                    from = i + 1;
                }
            }
            add(&lower[from..]);
        } else {
            lower.split(|c: char| !c.is_alphanumeric()).for_each(add);
        }
        let text = |&(a, b): &(usize, usize)| &words[a..b];
        spans.sort_unstable_by(|a, b| text(a).cmp(text(b)));
        spans.dedup_by(|a, b| text(a) == text(b));
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (i, span) in spans.iter().enumerate() {
            if i > 0 {
                h.write(b" ");
            }
            h.write(text(span).as_bytes());
        }
        // how `str`'s `Hash` ends a string
        h.write_u8(0xff);
        h.finish()
    }

    /// `word`, written at the end of `out`.
    fn word_into(&self, w: &str, out: &mut String) {
        if w.chars().count() <= self.min_plural_len {
            out.push_str(w);
            return;
        }
        for (from, to) in &self.plurals {
            if let Some(stem) = w.strip_suffix(from.as_str()) {
                out.push_str(stem);
                out.push_str(to);
                return;
            }
        }
        if w.ends_with('s') && !self.keep_s.iter().any(|k| w.ends_with(k.as_str())) {
            out.push_str(&w[..w.len() - 1]);
        } else {
            out.push_str(w);
        }
    }

    fn word(&self, w: &str) -> String {
        let mut out = String::with_capacity(w.len() + 1);
        self.word_into(w, &mut out);
        out
    }

    /// A title's words: lower-cased, letters and digits, stop words out, plurals singular.
    pub fn words(&self, title: &str) -> Vec<String> {
        let lower = title.to_lowercase();
        let mut v: Vec<String> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !self.stop_words.iter().any(|s| s == w))
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
        words[..end].iter().rev().find(|w| !self.stop_words.iter().any(|s| s == *w)).map(|w| self.word(w))
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

/// The first two fields of each row of a tab-separated table, its header left out (no
/// vector per row: 57,000 rows are read at every start).
fn tsv_rows(text: &str) -> impl Iterator<Item = (Option<&str>, Option<&str>)> {
    text.lines().skip(1).filter(|l| !l.trim().is_empty()).map(|l| {
        let mut fields = l.split('\t');
        (fields.next(), fields.next())
    })
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
        let mut esco = Vec::new();
        let mut esco_labels = Vec::new();
        for (file, text, group_col) in
            [("occupations_en.csv", ESCO_OCCUPATIONS, "iscoGroup"), ("ISCOGroups_en.csv", ESCO_ISCO_GROUPS, "code")]
        {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let h = r.headers().map_err(|e| format!("taxonomies/esco/{file}: {e}"))?.clone();
            let col = |name: &str| {
                h.iter().position(|c| c == name).ok_or(format!("taxonomies/esco/{file}: no column {name}"))
            };
            let (uri, pref, alt, group) =
                (col("conceptUri")?, col("preferredLabel")?, col("altLabels")?, col(group_col)?);
            let code = col("code")?;
            for rec in r.records() {
                let rec = rec.map_err(|e| format!("taxonomies/esco/{file}: {e}"))?;
                let i = esco.len();
                let label = rec.get(pref).unwrap_or("").to_string();
                esco_labels.push((i, label.clone()));
                for a in rec.get(alt).unwrap_or("").lines().map(str::trim).filter(|a| !a.is_empty()) {
                    esco_labels.push((i, a.to_string()));
                }
                esco.push(Concept {
                    id: rec.get(uri).unwrap_or("").to_string(),
                    label,
                    group: rec.get(group).unwrap_or("").to_string(),
                    code: rec.get(code).unwrap_or("").to_string(),
                });
            }
        }
        let mut onet = Vec::new();
        for row in tsv_rows(ONET_OCCUPATIONS) {
            let (Some(code), Some(title)) = row else { continue };
            onet.push(Concept {
                id: code.to_string(),
                label: title.to_string(),
                group: String::new(),
                code: code.to_string(),
            });
        }
        let esco_by_uri = esco.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        let onet_by_code = onet.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        Ok(Coder {
            esco_by_uri,
            onet_by_code,
            coding,
            esco,
            esco_labels,
            onet,
            titles: OnceLock::new(),
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

    /// Build now what coding the first title needs (the keys of every title and label), so
    /// that no document waits for it.
    pub fn prepare(&self) {
        self.titles();
    }

    fn titles(&self) -> &Titles {
        self.titles.get_or_init(|| Titles::build(self))
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
