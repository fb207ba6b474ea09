//! Near-duplicate postings: the same posting collected twice (other URL, tracking
//! parameters, other boilerplate, whitespace) has (nearly) the same duties. Each document's
//! cleaned duties become word 3-shingles, summarized by a MinHash signature; locality-
//! sensitive hashing (bands of the signature) finds candidates among the documents seen so
//! far, and the estimated Jaccard similarity decides. The first document in corpus order is
//! the one kept; later ones name it.
//!
//! Memory per document remembered (one with duties, not itself a near-duplicate): its
//! signature (64 × 4 bytes, in blocks that never move), its id end to end with the others,
//! and a slot of 4 bytes in each band's table, whose keys are not stored (they are the
//! signature's own values): 480 bytes for an id of 45 (`a_remembered_document_takes_a_few_
//! hundred_bytes`). A vector of (boxed id, signature) and a map of 64-bit band keys held
//! 3 MB more on 40,000 text-heavy pages (live bytes at the end of the run).

use crate::model::DocResult;
use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHashSet};

const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;
/// Estimated Jaccard similarity of duty shingles at or above which two postings are the same.
pub const THRESHOLD: f64 = 0.8;
/// Fewer shingles than this say too little to call two postings the same.
const MIN_SHINGLES: usize = 8;
/// Documents kept per LSH bucket. Templated postings (the same boilerplate duties, a few
/// of their own) land in the same buckets by the thousand, and comparing each one with all
/// before it is quadratic. A bucket keeps its first documents (the originals a later copy
/// would name); a copy of a later one is found through its other bands, whose buckets are
/// not crowded. Work per document is at most `BANDS × BUCKET_CAP` comparisons.
pub const BUCKET_CAP: usize = 64;

/// A document found to be a near-duplicate of an earlier one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Duplicate {
    pub doc: String,
    pub duplicate_of: String,
    /// Estimated Jaccard similarity of the two documents' duty shingles.
    pub similarity: f64,
    pub shingles: usize,
}

/// Signatures per block: blocks of a fixed size never move (one vector of 40,000 of them
/// would double to 20 MB, holding both while it copied).
const BLOCK: usize = 4096;

/// Finds near-duplicates among the documents it is shown, in order.
#[derive(Default)]
pub struct Deduper {
    /// the signatures of the documents remembered, `BLOCK` to a block
    sigs: Vec<Vec<[u32; HASHES]>>,
    /// their ids end to end, and where each one ends
    ids: String,
    ends: Vec<usize>,
    /// per band, the first document of each of its buckets (most buckets hold one). The
    /// table holds document numbers alone: a slot is found by the band's key and matched
    /// against the band's values in that document's signature.
    first: [HashTable<u32>; BANDS],
    /// the others of buckets holding more, keyed by the band's key
    more: FxHashMap<u64, Vec<u32>>,
    /// the candidates of the document being looked at (kept between documents: a
    /// templated posting has hundreds)
    tried: FxHashSet<u32>,
}

// `agreeing` compares sixteen values at a time
const _: () = assert!(HASHES.is_multiple_of(16));

/// The fewest values two signatures must share to be near-duplicates.
fn agreeing_needed() -> usize {
    (0..=HASHES).find(|&s| s as f64 / HASHES as f64 >= THRESHOLD).unwrap_or(HASHES + 1)
}

/// The values two signatures share, or `None` once fewer than `need` can: templated
/// postings are candidates of each other by the hundred and most differ early.
fn agreeing(a: &[u32; HASHES], b: &[u32; HASHES], need: usize) -> Option<usize> {
    let mut differ = 0;
    for (x, y) in a.chunks_exact(16).zip(b.chunks_exact(16)) {
        differ += x.iter().zip(y).filter(|(p, q)| p != q).count();
        if differ + need > HASHES {
            return None;
        }
    }
    Some(HASHES - differ)
}

/// FNV-1a (shingles, band keys), then a 64-bit mix with a seed per hash function: fast
/// and stable across runs and platforms (std's hasher is randomly seeded).
fn fnv(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf29ce484222325, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

/// FNV-1a of words with a space between them, as if joined.
fn fnv_words<'a>(words: impl IntoIterator<Item = &'a str>) -> u64 {
    fnv(words.into_iter().enumerate().flat_map(|(i, w)| (i > 0).then_some(b' ').into_iter().chain(w.bytes())))
}

fn mix(mut x: u64, seed: u64) -> u32 {
    x ^= seed.wrapping_mul(0x9E3779B97F4A7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    x as u32
}

/// Word 3-shingles of a document's duties, hashed (lower-case words, punctuation ignored).
pub fn shingles(r: &DocResult) -> Vec<u64> {
    let mut out = Vec::new();
    // a duty's words in lower case end to end, and where each ends: one buffer for all
    let mut lower = String::new();
    let mut ends: Vec<usize> = Vec::new();
    for resp in &r.responsibilities {
        lower.clear();
        ends.clear();
        for w in resp.text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            if w.is_ascii() {
                lower.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else {
                // a word on its own, as `str::to_lowercase` reads it (a final sigma)
                lower.push_str(&w.to_lowercase());
            }
            ends.push(lower.len());
        }
        let word = |i: usize| &lower[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        if ends.len() < 3 {
            if !ends.is_empty() {
                out.push(fnv_words((0..ends.len()).map(word)));
            }
            continue;
        }
        for i in 0..ends.len() - 2 {
            out.push(fnv_words((i..i + 3).map(word)));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn signature(sh: &[u64]) -> [u32; HASHES] {
    let mut sig = [u32::MAX; HASHES];
    for &s in sh {
        for (i, slot) in sig.iter_mut().enumerate() {
            let v = mix(s, i as u64 + 1);
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

/// A band's key: the band's number and values, hashed.
fn band_key(b: usize, band: &[u32]) -> u64 {
    fnv(std::iter::once(b as u8).chain(band.iter().flat_map(|v| v.to_le_bytes())))
}

/// The slot hash of a band's key in its table (FNV's low bits are its weakest).
fn slot_hash(key: u64) -> u64 {
    let x = (key ^ (key >> 31)).wrapping_mul(0xbf58476d1ce4e5b9);
    x ^ (x >> 29)
}

fn band_of(sig: &[u32; HASHES], b: usize) -> &[u32] {
    &sig[b * ROWS..(b + 1) * ROWS]
}

impl Deduper {
    fn sig(&self, idx: u32) -> &[u32; HASHES] {
        sig_in(&self.sigs, idx)
    }

    fn id(&self, idx: u32) -> &str {
        let i = idx as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.ids[start..self.ends[i]]
    }

    /// Look at the next document: `Some` when it duplicates one seen before (it is then
    /// not remembered), else it is remembered as a possible original.
    pub fn add(&mut self, r: &DocResult) -> Option<Duplicate> {
        self.add_shingles(&r.doc.doc, shingles(r))
    }

    /// `add`, given the document's id and shingles.
    pub fn add_shingles(&mut self, id: &str, sh: Vec<u64>) -> Option<Duplicate> {
        if sh.len() < MIN_SHINGLES {
            return None;
        }
        let sig = signature(&sh);
        let keys: [u64; BANDS] = std::array::from_fn(|b| band_key(b, band_of(&sig, b)));
        let mut best: Option<(u32, f64)> = None;
        let mut tried = std::mem::take(&mut self.tried);
        tried.clear();
        let need = agreeing_needed();
        for (b, k) in keys.iter().enumerate() {
            let band = band_of(&sig, b);
            let head = self.first[b].find(slot_hash(*k), |&d| band_of(self.sig(d), b) == band);
            for &cand in head.into_iter().chain(self.more.get(k).into_iter().flatten()) {
                if !tried.insert(cand) {
                    continue;
                }
                let Some(same) = agreeing(&sig, self.sig(cand), need) else {
                    continue;
                };
                let sim = same as f64 / HASHES as f64;
                // the earliest of the most similar
                if sim >= THRESHOLD && best.is_none_or(|(c, s)| sim > s || (sim == s && cand < c)) {
                    best = Some((cand, sim));
                }
            }
        }
        self.tried = tried;
        if let Some((cand, sim)) = best {
            return Some(Duplicate {
                doc: id.to_string(),
                duplicate_of: self.id(cand).to_string(),
                similarity: (sim * 1000.0).round() / 1000.0,
                shingles: sh.len(),
            });
        }
        let idx = self.ends.len() as u32;
        if self.sigs.last().is_none_or(|block| block.len() == BLOCK) {
            self.sigs.push(Vec::with_capacity(BLOCK));
        }
        if let Some(block) = self.sigs.last_mut() {
            block.push(sig);
        }
        self.ids.push_str(id);
        self.ends.push(self.ids.len());
        let sigs = &self.sigs;
        for (b, k) in keys.into_iter().enumerate() {
            let band = band_of(&sig, b);
            let entry = self.first[b].entry(
                slot_hash(k),
                |&d| band_of(sig_in(sigs, d), b) == band,
                |&d| slot_hash(band_key(b, band_of(sig_in(sigs, d), b))),
            );
            match entry {
                hashbrown::hash_table::Entry::Vacant(v) => {
                    v.insert(idx);
                }
                hashbrown::hash_table::Entry::Occupied(_) => {
                    let rest = self.more.entry(k).or_default();
                    if rest.len() + 1 < BUCKET_CAP {
                        rest.push(idx);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
impl Deduper {
    /// The bytes it holds on the heap (capacities, not lengths).
    fn heap_bytes(&self) -> usize {
        let sigs: usize = self.sigs.iter().map(|b| b.capacity() * std::mem::size_of::<[u32; HASHES]>()).sum();
        let more: usize = self.more.values().map(|v| v.capacity() * 4 + 40).sum();
        sigs + self.sigs.capacity() * 24
            + self.ids.capacity()
            + self.ends.capacity() * 8
            + self.first.iter().map(HashTable::allocation_size).sum::<usize>()
            + more
            + self.tried.capacity() * 5
    }
}

fn sig_in(sigs: &[Vec<[u32; HASHES]>], idx: u32) -> &[u32; HASHES] {
    let i = idx as usize;
    &sigs[i / BLOCK][i % BLOCK]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::process_text;
    use crate::rules::Rules;

    fn doc(id: &str, text: &str) -> DocResult {
        process_text(id, text, Rules::shipped())
    }

    const POSTING: &str = "# Senior Product Manager\n\n## What you'll do\n\n\
        - Own the product roadmap for card payments across Europe\n\
        - Interview merchants every week and turn their problems into requirements\n\
        - Work with engineering and design to ship and measure new features\n\
        - Define success metrics and report on them to leadership\n\
        - Write clear specifications with acceptance criteria for each release\n\
        - Plan launches with marketing, sales and customer support teams\n\
        - Keep a prioritized backlog that the whole team understands\n\
        - Coach junior product managers and share what you learn with the team\n";

    #[test]
    fn the_same_posting_with_other_boilerplate_is_a_duplicate() {
        let mut d = Deduper::default();
        assert_eq!(d.add(&doc("a.md", POSTING)), None);
        let copy = format!(
            "Apply now! Share on LinkedIn\n\n{}\n\nCookie settings\n© 2026 Acme",
            POSTING.replace("every week", "every  week")
        );
        let dup = d.add(&doc("b.md", &copy)).expect("a duplicate");
        assert_eq!((dup.doc.as_str(), dup.duplicate_of.as_str()), ("b.md", "a.md"));
        assert!(dup.similarity >= 0.95, "{dup:?}");
    }

    #[test]
    fn a_posting_with_a_duty_reworded_is_still_near_and_a_different_one_is_not() {
        let mut d = Deduper::default();
        d.add(&doc("a.md", POSTING));
        let edited = POSTING.replace(
            "Define success metrics and report on them to leadership",
            "Define success metrics and report them to the leadership team",
        );
        let (a, b) = (shingles(&doc("a.md", POSTING)), shingles(&doc("b.md", &edited)));
        let inter = a.iter().filter(|x| b.contains(x)).count();
        let exact = inter as f64 / (a.len() + b.len() - inter) as f64;
        let got = d.add(&doc("b.md", &edited));
        assert!(got.is_some(), "exact Jaccard {exact:.3} of {} and {} shingles: {got:?}", a.len(), b.len());
        let other = "# Product Owner\n\n- Own and order the product backlog for the logistics team\n\
                     - Write user stories with clear acceptance criteria and examples\n\
                     - Run sprint reviews with stakeholders from operations\n";
        assert_eq!(d.add(&doc("c.md", other)), None);
    }

    #[test]
    fn templated_postings_take_linear_time() {
        // 12 shared duty shingles and 4 of each document's own: similar (Jaccard 0.6, so
        // many shared buckets), never duplicates; then an exact copy of document 7
        let doc = |i: u64| -> Vec<u64> {
            let mut v: Vec<u64> =
                (0..12).chain((0..4).map(|k| 1_000 + i * 4 + k)).map(|x| fnv(x.to_le_bytes())).collect();
            v.sort_unstable();
            v
        };
        let mut d = Deduper::default();
        let t = std::time::Instant::now();
        for i in 0..30_000 {
            assert_eq!(d.add_shingles(&format!("d{i}"), doc(i)), None);
        }
        let dup = d.add_shingles("copy", doc(7)).expect("a duplicate");
        assert_eq!(dup.duplicate_of, "d7");
        let dup = d.add_shingles("copy", doc(29_000)).expect("a duplicate");
        assert_eq!(dup.duplicate_of, "d29000");
        // the first of a bucket, and the others
        assert!(d.more.values().all(|b| b.len() < BUCKET_CAP));
        assert!(d.more.values().any(|b| 1 + b.len() == BUCKET_CAP));
        assert!(t.elapsed().as_secs_f64() < 10.0, "{:?}", t.elapsed());
    }

    #[test]
    fn a_remembered_document_takes_a_few_hundred_bytes() {
        // 20,000 different postings with ids as long as a crawl's paths: the signature
        // (256 bytes), the id and a slot per band, with the tables' and vectors' spare room
        let mut d = Deduper::default();
        for i in 0..20_000u64 {
            let sh: Vec<u64> = (0..12).map(|k| fnv((i * 12 + k).to_le_bytes())).collect();
            assert_eq!(d.add_shingles(&format!("careers/acme-corporation/postings/{i:06}.html"), sh), None);
        }
        let per_doc = d.heap_bytes() / 20_000;
        assert!(per_doc <= 560, "{per_doc} bytes per document");
        // and each is found again by its id
        let sh: Vec<u64> = (0..12).map(|k| fnv((12_345u64 * 12 + k).to_le_bytes())).collect();
        let dup = d.add_shingles("copy.html", sh).expect("a duplicate");
        assert_eq!(dup.duplicate_of, "careers/acme-corporation/postings/012345.html");
    }

    /// Stopping early gives the count in full or nothing: the same as counting every value
    /// and comparing with what is needed.
    #[test]
    fn agreeing_stops_early_without_changing_the_answer() {
        let need = agreeing_needed();
        assert_eq!(need, 52, "0.8 of 64 values, rounded up");
        let mut x = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let a: [u32; HASHES] = std::array::from_fn(|_| next() as u32);
            // a share of the values the same, in runs or scattered
            let keep = next() % 65;
            let b: [u32; HASHES] = std::array::from_fn(|i| if next() % 64 < keep { a[i] } else { a[i] ^ 1 });
            let same = a.iter().zip(&b).filter(|(p, q)| p == q).count();
            for need in [need, 1, HASHES] {
                assert_eq!(agreeing(&a, &b, need), (same >= need).then_some(same));
            }
        }
    }

    #[test]
    fn words_hash_as_joined_by_spaces() {
        let words = ["own", "the", "roadmap"];
        assert_eq!(fnv_words(words), fnv("own the roadmap".bytes()));
        assert_eq!(fnv_words(words[..1].iter().copied()), fnv("own".bytes()));
    }

    /// The shingles of a duty are its lower-case words three by three, whatever the case,
    /// the punctuation between them and the script: each word lower-cased on its own, as
    /// `str::to_lowercase` does it (a Greek word's final sigma is its own).
    #[test]
    fn shingles_are_lower_case_words_three_by_three() {
        let r = doc("a.md", "# Product Manager\n\n## Responsibilities\n\n- Own the ROADMAP, end-to-end\n- Ship it\n- ΟΔΟΣ'Α Über ΣΟΦΟΣ\n");
        let texts: Vec<&str> = r.responsibilities.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts, ["Own the ROADMAP, end-to-end", "Ship it", "ΟΔΟΣ'Α Über ΣΟΦΟΣ"]);
        let mut want: Vec<u64> = [
            "own the roadmap",
            "the roadmap end",
            "roadmap end to",
            "end to end",
            "ship it",
            "οδος α über",
            "α über σοφος",
        ]
        .iter()
        .map(|s| fnv(s.bytes()))
        .collect();
        want.sort_unstable();
        assert_eq!(shingles(&r), want);
    }

    #[test]
    fn short_documents_are_never_called_duplicates() {
        let mut d = Deduper::default();
        let short = "# Product Owner\n\n- Own the backlog\n";
        assert_eq!(d.add(&doc("a.md", short)), None);
        assert_eq!(d.add(&doc("b.md", short)), None);
    }
}
