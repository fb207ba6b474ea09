//! The taxonomies' titles keyed by their words, made at build time. Every O*NET title and
//! ESCO label has a key: the hash of its words (`Coding::words`, joined by spaces). The
//! sorted tables of these keys are what a title is looked up in (`Coder::exact`). Making
//! them took 300 M instructions, a third of a run's start. `build.rs` includes this file,
//! makes them from the pinned files and `coding.toml`, and the binary embeds them
//! (`TABLES`); the test `the_embedded_title_keys_are_the_taxonomies` makes them again and
//! compares. Only `csv` is used here (a dependency of both the crate and the build script).

/// How a title's words are reduced: `coding.toml`'s `stop_words`, `min_plural_len`,
/// `plurals` and `keep_s`.
pub struct Reduce<'a> {
    pub stop_words: &'a [String],
    pub min_plural_len: usize,
    pub plurals: &'a [(String, String)],
    pub keep_s: &'a [String],
}

/// Buffers reused by `Reduce::key_hash`.
#[derive(Default)]
pub struct WordScratch {
    lower: String,
    /// the reduced words, one after the other
    words: String,
    spans: Vec<(usize, usize)>,
}

/// The hash of a title's words, joined by spaces. Deterministic (no random seed): the same
/// in every run and in the build script. The bytes, then 0xff (as `str`'s `Hash` ends a
/// string): `Reduce::key_hash` writes the same bytes in pieces.
pub fn words_hash(words: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(words.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

impl Reduce<'_> {
    /// `word`, made singular, written at the end of `out`.
    pub fn word_into(&self, w: &str, out: &mut String) {
        if w.chars().count() <= self.min_plural_len {
            out.push_str(w);
            return;
        }
        for (from, to) in self.plurals {
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

    /// Whether a lower-case word is a stop word.
    pub fn is_stop_word(&self, w: &str) -> bool {
        self.stop_words.iter().any(|s| s == w)
    }

    /// `words_hash(&coding.words(title).join(" "))`, without a string per word: the words
    /// are reduced into one buffer, sorted and deduplicated as spans of it, and hashed in
    /// turn (the hasher reads its input as one stream of bytes, however it is split).
    pub fn key_hash(&self, title: &str, s: &mut WordScratch) -> u64 {
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
        for w in lower.split(|c: char| !c.is_alphanumeric()) {
            if w.is_empty() || self.is_stop_word(w) {
                continue;
            }
            let start = words.len();
            self.word_into(w, words);
            spans.push((start, words.len()));
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
        h.write_u8(0xff);
        h.finish()
    }
}

/// The first two fields of each row of a tab-separated table, its header left out.
pub fn tsv_rows(text: &str) -> impl Iterator<Item = (Option<&str>, Option<&str>)> {
    text.lines().skip(1).filter(|l| !l.trim().is_empty()).map(|l| {
        let mut fields = l.split('\t');
        (fields.next(), fields.next())
    })
}

/// The O*NET occupations, in the file's order: (code, title).
pub fn onet_occupations(text: &str) -> impl Iterator<Item = (&str, &str)> {
    tsv_rows(text).filter_map(|row| match row {
        (Some(code), Some(title)) => Some((code, title)),
        _ => None,
    })
}

/// A record of ESCO's occupations or ISCO groups.
pub struct EscoRecord {
    pub uri: String,
    pub label: String,
    /// the alternative labels, trimmed, none empty
    pub alt: Vec<String>,
    pub group: String,
    pub code: String,
}

/// The records of one ESCO file (`file` names it in errors; `group_col` is the column of
/// the ISCO group).
pub fn esco_records(file: &str, text: &str, group_col: &str) -> Result<Vec<EscoRecord>, String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().map_err(|e| format!("taxonomies/esco/{file}: {e}"))?.clone();
    let col = |name: &str| h.iter().position(|c| c == name).ok_or(format!("taxonomies/esco/{file}: no column {name}"));
    let (uri, pref, alt, group, code) =
        (col("conceptUri")?, col("preferredLabel")?, col("altLabels")?, col(group_col)?, col("code")?);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("taxonomies/esco/{file}: {e}"))?;
        let field = |i: usize| rec.get(i).unwrap_or("").to_string();
        out.push(EscoRecord {
            uri: field(uri),
            label: field(pref),
            alt: rec
                .get(alt)
                .unwrap_or("")
                .lines()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect(),
            group: field(group),
            code: field(code),
        });
    }
    Ok(out)
}

/// The labels of ESCO's records (both files' records, in order): (concept, label), each
/// record's preferred label first, then its alternative ones.
pub fn labels_of(records: &[EscoRecord]) -> Vec<(usize, &str)> {
    records
        .iter()
        .enumerate()
        .flat_map(|(i, r)| std::iter::once((i, r.label.as_str())).chain(r.alt.iter().map(move |a| (i, a.as_str()))))
        .collect()
}

/// Both tables: (key, O*NET occupation) over every occupation's title and alternate title;
/// (key, ESCO concept, label) over every concept's labels, as `esco_labels` numbers them
/// (each record's preferred label, then its alternative ones). Sorted, repeats removed.
pub type Tables = (Vec<(u64, u32)>, Vec<(u64, u32, u32)>);

/// Make the tables: the O*NET files, the ESCO labels (concept, label) in order.
pub fn make_tables(
    reduce: &Reduce<'_>,
    onet_occupations_text: &str,
    onet_alternates: &str,
    esco_labels: &[(usize, &str)],
) -> Tables {
    let mut scratch = WordScratch::default();
    let mut key = |t: &str| reduce.key_hash(t, &mut scratch);
    let codes: std::collections::HashMap<&str, u32> =
        onet_occupations(onet_occupations_text).enumerate().map(|(i, (code, _))| (code, i as u32)).collect();
    let mut onet: Vec<(u64, u32)> =
        onet_occupations(onet_occupations_text).enumerate().map(|(i, (_, title))| (key(title), i as u32)).collect();
    for row in tsv_rows(onet_alternates) {
        let (Some(code), Some(title)) = row else { continue };
        if let Some(&i) = codes.get(code) {
            onet.push((key(title), i));
        }
    }
    onet.sort_unstable();
    onet.dedup();
    let mut esco: Vec<(u64, u32, u32)> =
        esco_labels.iter().enumerate().map(|(l, (i, t))| (key(t), *i as u32, l as u32)).collect();
    esco.sort_unstable();
    esco.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    (onet, esco)
}

/// The bytes of the tables: the number of O*NET entries (8 bytes), the entries (key 8,
/// occupation 4), then ESCO's (key 8, concept 4, label 4); little-endian.
pub fn encode((onet, esco): &Tables) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + onet.len() * ONET_ENTRY + esco.len() * ESCO_ENTRY);
    out.extend_from_slice(&(onet.len() as u64).to_le_bytes());
    for (k, o) in onet {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&o.to_le_bytes());
    }
    for (k, c, l) in esco {
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&c.to_le_bytes());
        out.extend_from_slice(&l.to_le_bytes());
    }
    out
}

/// Bytes of an O*NET entry and of an ESCO entry in `encode`'s bytes.
pub const ONET_ENTRY: usize = 12;
pub const ESCO_ENTRY: usize = 16;
