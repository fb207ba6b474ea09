//! Posting metadata rules: `posting.toml` (what belongs to no language: currencies, record
//! and dump field names, separators, figures) and the `[posting]` tables of the language
//! packs (the words), compiled once into [`PostingRules`]. The words of every pack are
//! applied to every document, as a German posting may write "Remote" or "Full-time".
//!
//! The kinds the words map to (`remote`, `full-time`, `year`, …) are the values written to
//! the output; they are fixed here and checked when a file is loaded.

use super::files::{CueWordsDef, Kinds, PackFile, PostingFile, S};
use super::{ascii_boundaries, Compiler, RuleText};
use regex::Regex;
use std::collections::{HashMap, HashSet};

/// Workplace kinds (the `workplace` output values, and two that steer the reading).
pub const REMOTE: &str = "remote";
pub const HYBRID: &str = "hybrid";
pub const ON_SITE: &str = "on-site";
/// A negated remote cue ("not a remote role"): on-site, and it outranks remote cues.
pub const NOT_REMOTE: &str = "not-remote";
/// Looks like a cue but is not one ("remote sensing"); a match hides the cues inside it.
pub const IGNORE: &str = "ignore";

/// Employment types (the `employment_type` output values).
pub const FULL_TIME: &str = "full-time";
pub const PART_TIME: &str = "part-time";
pub const CONTRACT: &str = "contract";
pub const TEMPORARY: &str = "temporary";
pub const INTERNSHIP: &str = "internship";
pub const VOLUNTEER: &str = "volunteer";
pub const PER_DIEM: &str = "per-diem";
pub const OTHER: &str = "other";

/// Salary periods (the `salary_period` output values).
pub const YEAR: &str = "year";
pub const MONTH: &str = "month";
pub const WEEK: &str = "week";
pub const DAY: &str = "day";
pub const HOUR: &str = "hour";

const WORKPLACE_KINDS: [&str; 5] = [REMOTE, HYBRID, ON_SITE, NOT_REMOTE, IGNORE];
const EMPLOYMENT_KINDS: [&str; 9] =
    [FULL_TIME, PART_TIME, CONTRACT, TEMPORARY, INTERNSHIP, VOLUNTEER, PER_DIEM, OTHER, IGNORE];
const PERIODS: [&str; 5] = [YEAR, MONTH, WEEK, DAY, HOUR];

/// Lower-cased letters, digits and `%` only: "On-Site" → "onsite", "100% Remote" → "100%remote".
pub fn squash(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric() || *c == '%').collect()
}

/// `squash` into `out` (cleared first), given up as soon as it is longer than `max` bytes:
/// `false` then (no key of a table whose keys are at most `max` long can be it).
pub fn squash_within(s: &str, max: usize, out: &mut String) -> bool {
    out.clear();
    for c in s.chars() {
        if c.is_ascii() {
            // (what `to_lowercase` and `is_alphanumeric` say of it, without their tables)
            if c.is_ascii_alphanumeric() || c == '%' {
                if out.len() >= max {
                    return false;
                }
                out.push(c.to_ascii_lowercase());
            }
            continue;
        }
        for c in c.to_lowercase().filter(|c| c.is_alphanumeric()) {
            if out.len() + c.len_utf8() > max {
                return false;
            }
            out.push(c);
        }
    }
    true
}

/// Squashed keys to kinds, with the length of the longest key.
#[derive(Debug, Clone, Default)]
pub struct KindMap {
    map: rustc_hash::FxHashMap<String, &'static str>,
    longest: usize,
}

impl KindMap {
    pub fn new(map: HashMap<String, &'static str>) -> KindMap {
        let longest = map.keys().map(String::len).max().unwrap_or(0);
        KindMap { map: map.into_iter().collect(), longest }
    }

    /// The kind of an already squashed key.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.map.get(key).copied()
    }

    pub fn values(&self) -> impl Iterator<Item = &&'static str> {
        self.map.values()
    }

    /// The kind of `text` once squashed; `buf` is scratch space.
    pub fn kind(&self, text: &str, buf: &mut String) -> Option<&'static str> {
        if !squash_within(text, self.longest, buf) {
            return None;
        }
        self.map.get(buf.as_str()).copied()
    }
}

/// Phrase and label tables compiled for one kind of cue (workplace, employment type).
#[derive(Debug, Clone, Default)]
pub struct Cues {
    /// Every phrase, longest first, whole words; `None` when there is none.
    pub phrases: Option<Regex>,
    /// Squashed phrase to kind.
    pub phrase_kinds: HashMap<String, &'static str>,
    /// Squashed label to kind.
    pub labels: KindMap,
    /// Squashed last word of a short segment to kind.
    pub title_suffixes: KindMap,
}

/// Field names of a scraped record, in the order they are tried.
#[derive(Debug, Clone, Default)]
pub struct RecordFields {
    pub title: Vec<String>,
    pub company: Vec<String>,
    pub location: Vec<String>,
    pub location_parts: Vec<String>,
    pub remote_flag: Vec<String>,
    pub workplace: Vec<String>,
    pub employment_type: Vec<String>,
    pub currency: Vec<String>,
    pub period: Vec<String>,
    pub min_amount: Vec<String>,
    pub max_amount: Vec<String>,
    pub salary: Vec<String>,
    pub date: Vec<String>,
    /// Lower case.
    pub null_values: HashSet<String>,
    pub true_values: HashSet<String>,
    pub false_values: HashSet<String>,
}

/// How dumps of postings are read: their field names, what makes a CSV a table.
#[derive(Debug, Clone, Default)]
pub struct DumpRules {
    pub text: Vec<String>,
    pub title: Vec<String>,
    pub company: Vec<String>,
    pub id: Vec<String>,
    pub url: Vec<String>,
    pub date: Vec<String>,
    pub not_text: Vec<String>,
    /// Lower case, every pack's.
    pub level_words: HashSet<String>,
    pub level_codes: Vec<String>,
    pub long_text: usize,
}

/// posting.toml and the packs' `[posting]` tables, compiled.
#[derive(Debug, Clone)]
pub struct PostingRules {
    pub workplace: Cues,
    pub employment: Cues,
    /// Squashed structured value to employment type.
    pub employment_values: HashMap<String, &'static str>,
    pub max_title_words: usize,
    /// Where a line splits into label segments.
    pub segment_split: Regex,
    pub title_separators: Vec<String>,
    /// Lower-case tokens allowed in a site name.
    pub name_joiners: HashSet<String>,
    /// (symbol, ISO code).
    pub currency_symbols: Vec<(String, String)>,
    /// Lower-cased currency word to ISO code.
    pub currency_words: HashMap<String, String>,
    /// An amount or a range of two, with currencies around them.
    pub salary: Regex,
    /// A figure with its thousands word.
    pub number: Regex,
    /// A period after an amount: group `unit` or `adv`.
    pub period: Regex,
    /// Lower-cased unit to period.
    pub period_units: HashMap<String, &'static str>,
    /// Squashed adverb to period.
    pub period_adverbs: HashMap<String, &'static str>,
    /// Lower-cased context substring to period, in file order.
    pub period_context: Vec<(String, &'static str)>,
    /// Squashed structured period value (units, adverbs, values) to period.
    pub period_keys: HashMap<String, &'static str>,
    /// Squashed period leads, longest first ("per", "pro", "an", "a").
    pub period_leads: Vec<String>,
    pub salary_context: Option<Regex>,
    pub not_salary: HashSet<String>,
    pub large_magnitude: Option<Regex>,
    /// Lower case.
    pub min_leads: Vec<String>,
    pub max_leads: Vec<String>,
    /// Lower case: words that end what is read after an amount.
    pub clause_words: HashSet<String>,
    pub high_denomination: HashSet<String>,
    pub lone_amount_min: f64,
    pub amount_max: f64,
    pub text_salary_max: f64,
    /// Lower-cased month name to number.
    pub months: HashMap<String, u32>,
    pub named_mdy: Regex,
    pub named_dmy: Regex,
    /// `jobLocationType` substrings by workplace, in the order tried.
    pub ld_workplace: Vec<(&'static str, Vec<String>)>,
    pub fields: RecordFields,
    pub dump: DumpRules,
}

/// Digits with `,` `.` `'` `’` group or decimal marks, or a space before exactly three digits.
const NUM: &str = r"\d+(?:[,.'’]\d+|[\x20\u{a0}\u{202f}]\d{3}\b)*";

/// `words` escaped and joined as an alternation, longest first; `None` when there is none.
fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut ws: Vec<&str> = words.into_iter().collect();
    if ws.is_empty() {
        return None;
    }
    ws.sort_by_key(|w| std::cmp::Reverse(w.len()));
    ws.dedup();
    Some(ws.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|"))
}

/// "on site" → `on[\s\-_‐‑]*site`: any of space, hyphen, underscore or nothing between words.
fn phrase_pattern(p: &str) -> String {
    p.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"[\s\-_‐‑]*")
}

fn vals(v: &[S]) -> impl Iterator<Item = &str> {
    v.iter().map(|s| s.get_ref().as_str())
}

fn lower(v: &[S]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().to_lowercase()).collect()
}

fn owned(v: &[S]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().clone()).collect()
}

/// The first that matches `k` among `known`, as the static value.
fn known(k: &str, known: &[&'static str]) -> Option<&'static str> {
    known.iter().copied().find(|x| *x == k)
}

impl Compiler {
    /// Words that must not be empty.
    fn words_ok(&mut self, t: &RuleText, words: &[S], what: &str) {
        for w in words {
            if w.get_ref().trim().is_empty() {
                self.err_at(t, w.span().start, format!("empty {what}"));
            }
        }
    }

    /// A table of kind → words, the kinds checked against `kinds`; the words (as given) with
    /// their kind and where they stand.
    fn kinds<'f>(
        &mut self,
        t: &'f RuleText,
        table: &'f Kinds,
        kinds: &[&'static str],
        what: &str,
    ) -> Vec<(&'f RuleText, &'f S, &'static str)> {
        let mut out = Vec::new();
        for (k, words) in table {
            let Some(kind) = known(k, kinds) else {
                let at = words.first().map_or(0, |w| w.span().start);
                self.err_at(t, at, format!("unknown {what} kind {k:?} (kinds: {})", kinds.join(", ")));
                continue;
            };
            self.words_ok(t, words, what);
            out.extend(words.iter().map(|w| (t, w, kind)));
        }
        out
    }

    /// Squashed word → kind; a word given two kinds is an error.
    fn kind_map(
        &mut self,
        words: &[(&RuleText, &S, &'static str)],
        what: &str,
        key: fn(&str) -> String,
    ) -> HashMap<String, &'static str> {
        let mut map: HashMap<String, (&'static str, String)> = HashMap::new();
        for (t, w, kind) in words {
            let k = key(w.get_ref());
            let (line, _) = super::line_col(&t.text, w.span().start);
            match map.get(&k) {
                Some((prev, at)) if prev != kind => {
                    let message = format!("{what} {:?} is {kind} here but {prev} in {at}", w.get_ref());
                    self.err_at(t, w.span().start, message);
                }
                Some(_) => {}
                None => {
                    map.insert(k, (kind, format!("{}:{line}", t.shown_as)));
                }
            }
        }
        map.into_iter().map(|(k, (v, _))| (k, v)).collect()
    }

    fn cues(&mut self, defs: &[(&RuleText, &CueWordsDef)], kinds: &[&'static str], what: &str) -> Option<Cues> {
        let (mut labels, mut phrases, mut suffixes) = (Vec::new(), Vec::new(), Vec::new());
        for (t, d) in defs {
            labels.extend(self.kinds(t, &d.labels, kinds, &format!("{what} label")));
            phrases.extend(self.kinds(t, &d.phrases, kinds, &format!("{what} phrase")));
            suffixes.extend(self.kinds(t, &d.title_suffixes, kinds, &format!("{what} title suffix")));
        }
        let mut sorted: Vec<&str> = phrases.iter().map(|(_, w, _)| w.get_ref().as_str()).collect();
        // longest first: at one position "100% homeoffice" wins over "homeoffice"
        sorted.sort_by_key(|p| std::cmp::Reverse(p.len()));
        sorted.dedup();
        let re = if sorted.is_empty() {
            None
        } else {
            let alternation: Vec<String> = sorted.iter().map(|p| phrase_pattern(p)).collect();
            let pat = ascii_boundaries(&format!(r"(?i)\b(?:{})\b", alternation.join("|")));
            let at = phrases.first().map(|(t, w, _)| (*t, w.span().start));
            Some(self.built(at, &pat, &format!("{what} phrases"))?)
        };
        Some(Cues {
            phrases: re,
            phrase_kinds: self.kind_map(&phrases, &format!("{what} phrase"), squash),
            labels: KindMap::new(self.kind_map(&labels, &format!("{what} label"), squash)),
            title_suffixes: KindMap::new(self.kind_map(&suffixes, &format!("{what} title suffix"), squash)),
        })
    }

    /// A regex built from rule words (escaped by the caller); an error (too large, say) is
    /// reported at `at`.
    fn built(&mut self, at: Option<(&RuleText, usize)>, pattern: &str, what: &str) -> Option<Regex> {
        match regex::RegexBuilder::new(pattern).size_limit(super::REGEX_SIZE_LIMIT * 4).build() {
            Ok(re) => Some(re),
            Err(e) => {
                let msg = format!(
                    "{what} do not compile: {}",
                    e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
                );
                match at {
                    Some((t, off)) => self.err_at(t, off, msg),
                    None => self.errors.push(super::RuleError::File { file: "posting.toml".into(), message: msg }),
                }
                None
            }
        }
    }

    fn positive(&mut self, t: &RuleText, v: &toml::Spanned<f64>, what: &str) -> f64 {
        let x = *v.get_ref();
        if !(x.is_finite() && x > 0.0) {
            self.err_at(t, v.span().start, format!("{what} must be a positive number"));
        }
        x
    }

    /// Compile posting.toml and the packs' `[posting]` tables.
    pub(super) fn posting(
        &mut self,
        t: &RuleText,
        f: &PostingFile,
        packs: &[(&RuleText, PackFile)],
    ) -> Option<PostingRules> {
        let n_err = self.errors.len();
        let pp: Vec<(&RuleText, &super::files::PackPosting)> = packs.iter().map(|(pt, p)| (*pt, &p.posting)).collect();
        let all = |get: fn(&super::files::PackPosting) -> &Vec<S>| -> Vec<&S> {
            pp.iter().flat_map(|(_, p)| get(p).iter()).collect()
        };
        for (pt, p) in &pp {
            for (words, what) in [
                (&p.connectors, "connector"),
                (&p.range_words, "range word"),
                (&p.clause_words, "clause word"),
                (&p.name_joiners, "name joiner"),
                (&p.ordinal_suffixes, "ordinal suffix"),
                (&p.period_leads, "period lead"),
                (&p.level_words, "level word"),
                (&p.salary.context_words, "salary context word"),
                (&p.salary.context_stems, "salary context stem"),
                (&p.salary.not_salary, "not-salary word"),
                (&p.salary.magnitudes, "magnitude"),
                (&p.salary.min_leads, "min lead"),
                (&p.salary.max_leads, "max lead"),
                (&p.salary.thousands, "thousands word"),
            ] {
                self.words_ok(pt, words, what);
            }
        }
        for (words, what) in [
            (&f.title_separators, "title separator"),
            (&f.name_joiners, "name joiner"),
            (&f.currency.codes, "currency code"),
            (&f.salary.magnitudes, "magnitude"),
            (&f.salary.thousands, "thousands word"),
        ] {
            self.words_ok(t, words, what);
        }
        for w in f.title_separators.iter() {
            if w.get_ref().is_empty() {
                self.err_at(t, w.span().start, "empty title separator".into());
            }
        }

        // workplace and employment cues
        let wp_defs: Vec<(&RuleText, &CueWordsDef)> = pp.iter().map(|(pt, p)| (*pt, &p.workplace)).collect();
        let em_defs: Vec<(&RuleText, &CueWordsDef)> = pp.iter().map(|(pt, p)| (*pt, &p.employment)).collect();
        let workplace = self.cues(&wp_defs, &WORKPLACE_KINDS, "workplace");
        let employment = self.cues(&em_defs, &EMPLOYMENT_KINDS, "employment");
        let values = self.kinds(t, &f.employment_values, &EMPLOYMENT_KINDS, "employment value");
        let employment_values = self.kind_map(&values, "employment value", squash);

        let connectors = alternation(all(|p| &p.connectors).into_iter().map(|s| s.get_ref().as_str()));
        let mut split = r#"(?i)[|·•,;:()\[\]{}/\\!?–—+&"“”]|\s-\s"#.to_string();
        if let Some(c) = connectors {
            split.push_str(&format!(r"|\s(?:{c})\s"));
        }
        let segment_split = self.built(None, &split, "connectors");

        // currencies
        let mut currency_symbols = Vec::new();
        for (code, syms) in &f.currency.symbols {
            if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                let at = syms.first().map_or(0, |s| s.span().start);
                self.err_at(t, at, format!("currency {code:?} must be an ISO 4217 code (three capital letters)"));
            }
            self.words_ok(t, syms, "currency symbol");
            currency_symbols.extend(syms.iter().map(|s| (s.get_ref().clone(), code.clone())));
        }
        let mut currency_words = HashMap::new();
        let mut word_list: Vec<&str> = Vec::new();
        for (pt, p) in &pp {
            for (code, words) in &p.currency_words {
                if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                    let at = words.first().map_or(0, |s| s.span().start);
                    self.err_at(pt, at, format!("currency {code:?} must be an ISO 4217 code (three capital letters)"));
                }
                self.words_ok(pt, words, "currency word");
                for w in words.iter() {
                    currency_words.entry(w.get_ref().to_lowercase()).or_insert_with(|| code.to_string());
                    word_list.push(w.get_ref());
                }
            }
        }
        for c in &f.currency.codes {
            if c.get_ref().len() != 3 || !c.get_ref().chars().all(|ch| ch.is_ascii_uppercase()) {
                self.err_at(
                    t,
                    c.span().start,
                    format!("currency code {:?} must be three capital letters", c.get_ref()),
                );
            }
        }

        // thousands: posting.toml's and the packs'; one ending in "." is matched with it
        let thousands: Vec<String> = {
            let mut ws: Vec<&str> = vals(&f.salary.thousands)
                .chain(all(|p| &p.salary.thousands).into_iter().map(|s| s.get_ref().as_str()))
                .collect();
            ws.sort_by_key(|w| std::cmp::Reverse(w.len()));
            ws.dedup();
            ws.iter()
                .map(|w| {
                    let flags = if w.is_ascii() { "i-u" } else { "i" };
                    let e = regex::escape(w);
                    if w.ends_with(char::is_alphanumeric) {
                        format!(r"(?{flags}:{e})\b")
                    } else {
                        format!(r"(?{flags}:{e})")
                    }
                })
                .collect()
        };
        let thousands = if thousands.is_empty() { r"[^\s\S]".to_string() } else { thousands.join("|") };
        let symbols = alternation(currency_symbols.iter().map(|(s, _)| s.as_str()));
        let codes = alternation(vals(&f.currency.codes));
        let words = alternation(word_list.iter().copied());
        let mut pre: Vec<String> = Vec::new();
        pre.extend(symbols.clone());
        pre.extend(codes.map(|c| format!(r"\b(?:{c})\b")));
        let mut suf = pre.clone();
        suf.extend(words.map(|w| format!(r"\b(?i:{w})\b")));
        let or_never = |v: Vec<String>| if v.is_empty() { r"[^\s\S]".to_string() } else { v.join("|") };
        let (pre, suf) = (or_never(pre), or_never(suf));
        let amount = |i: u8| {
            format!(r"(?:(?P<pre{i}>{pre})\s?)?(?P<n{i}>{NUM})(?:\s?(?P<k{i}>{thousands}))?(?:\s?(?P<suf{i}>{suf}))?")
        };
        let range = alternation(all(|p| &p.range_words).into_iter().map(|s| s.get_ref().as_str()));
        let sep = match range {
            Some(r) => format!(r"\s*(?:[-–—−~]|\b(?:{r})\b)\s*"),
            None => r"\s*[-–—−~]\s*".to_string(),
        };
        // "$70,000/year - $90,000/year": a unit after the first amount does not end the range
        let unit = r"(?:\s?/\s?\p{L}+)?";
        let salary =
            self.built(None, &ascii_boundaries(&format!("{}(?:{unit}{sep}{})?", amount(1), amount(2))), "currencies");
        let number = self.built(None, &ascii_boundaries(&format!(r"({NUM})(?:\s?({thousands}))?")), "thousands words");

        // periods
        let (mut units, mut adverbs, mut context, mut pvalues) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (pt, p) in &pp {
            units.extend(self.kinds(pt, &p.periods.units, &PERIODS, "period unit"));
            adverbs.extend(self.kinds(pt, &p.periods.adverbs, &PERIODS, "period adverb"));
            context.extend(self.kinds(pt, &p.periods.context, &PERIODS, "period context word"));
            pvalues.extend(self.kinds(pt, &p.periods.values, &PERIODS, "period value"));
        }
        let period_units = self.kind_map(&units, "period unit", str::to_lowercase);
        let period_adverbs = self.kind_map(&adverbs, "period adverb", squash);
        let period_context: Vec<(String, &'static str)> =
            context.iter().map(|(_, w, k)| (w.get_ref().to_lowercase(), *k)).collect();
        let mut period_keys: HashMap<String, &'static str> = HashMap::new();
        for (_, w, k) in units.iter().chain(&adverbs).chain(&pvalues) {
            period_keys.entry(squash(w.get_ref())).or_insert(k);
        }
        let leads_alt = alternation(all(|p| &p.period_leads).into_iter().map(|s| s.get_ref().as_str()));
        let units_alt = alternation(units.iter().map(|(_, w, _)| w.get_ref().as_str()));
        let mut advs: Vec<&str> = adverbs.iter().map(|(_, w, _)| w.get_ref().as_str()).collect();
        advs.sort_by_key(|a| std::cmp::Reverse(a.len()));
        advs.dedup();
        let advs: Vec<String> = advs
            .iter()
            .map(|a| {
                let e = regex::escape(a);
                if a.ends_with(char::is_alphanumeric) {
                    format!(r"{e}\b")
                } else {
                    e
                }
            })
            .collect();
        let mut branches = Vec::new();
        if let Some(u) = units_alt {
            let lead = match leads_alt {
                Some(l) => format!(r"\b(?:{l})\s+|/\s*"),
                None => r"/\s*".to_string(),
            };
            branches.push(format!(r"(?:{lead})(?P<unit>{u})\b"));
        }
        if !advs.is_empty() {
            branches.push(format!(r"\b(?P<adv>{})", advs.join("|")));
        }
        let period_pat = if branches.is_empty() {
            r"(?P<unit>[^\s\S])|(?P<adv>[^\s\S])".to_string()
        } else {
            format!("(?i)(?:{})", branches.join("|"))
        };
        let period = self.built(None, &ascii_boundaries(&period_pat), "period words");
        let mut period_leads: Vec<String> = all(|p| &p.period_leads).iter().map(|s| squash(s.get_ref())).collect();
        period_leads.sort_by_key(|l| std::cmp::Reverse(l.len()));
        period_leads.dedup();

        // salary words
        let ctx_words = alternation(all(|p| &p.salary.context_words).into_iter().map(|s| s.get_ref().as_str()));
        let ctx_stems = alternation(all(|p| &p.salary.context_stems).into_iter().map(|s| s.get_ref().as_str()));
        let ctx: Vec<String> = ctx_words.map(|w| format!(r"\b(?:{w})\b")).into_iter().chain(ctx_stems).collect();
        let salary_context = if ctx.is_empty() {
            None
        } else {
            self.built(None, &ascii_boundaries(&format!("(?i){}", ctx.join("|"))), "salary context words")
        };
        let mags = alternation(
            vals(&f.salary.magnitudes).chain(all(|p| &p.salary.magnitudes).into_iter().map(|s| s.get_ref().as_str())),
        );
        let large_magnitude = match mags {
            Some(m) => self.built(None, &ascii_boundaries(&format!(r"(?i)^\s?(?:{m})\b")), "magnitudes"),
            None => None,
        };
        let lone_amount_min = self.positive(t, &f.salary.lone_amount_min, "lone-amount-min");
        let amount_max = self.positive(t, &f.salary.amount_max, "amount-max");
        let text_salary_max = self.positive(t, &f.salary.text_salary_max, "text-salary-max");

        // months and dates
        let mut months = HashMap::new();
        for (pt, p) in &pp {
            for (k, names) in &p.months {
                let n = k.parse::<u32>().ok().filter(|n| (1..=12).contains(n));
                let Some(n) = n else {
                    let at = names.first().map_or(0, |s| s.span().start);
                    self.err_at(pt, at, format!("month {k:?} must be a number from 1 to 12"));
                    continue;
                };
                self.words_ok(pt, names, "month name");
                for name in names {
                    months.entry(name.get_ref().to_lowercase()).or_insert(n);
                }
            }
        }
        let ords = alternation(all(|p| &p.ordinal_suffixes).into_iter().map(|s| s.get_ref().as_str()));
        let mdy_ord = ords.as_ref().map_or(String::new(), |o| format!("(?:{o})?"));
        let dmy_ord = ords.as_ref().map_or(r"\.?".to_string(), |o| format!(r"(?:{o}|\.)?"));
        let named_mdy =
            self.built(None, &format!(r"^([^\W\d_]+)\.?\s+(\d{{1,2}}){mdy_ord},?\s+(\d{{4}})$"), "ordinal suffixes");
        let named_dmy =
            self.built(None, &format!(r"^(\d{{1,2}}){dmy_ord}\s+([^\W\d_]+)\.?,?\s+(\d{{4}})$"), "ordinal suffixes");

        // JSON-LD workplace values
        let ld = self.kinds(t, &f.json_ld.workplace, &[HYBRID, REMOTE, ON_SITE], "json-ld workplace");
        let ld_workplace = [HYBRID, REMOTE, ON_SITE]
            .iter()
            .map(|k| (*k, ld.iter().filter(|(_, _, kind)| kind == k).map(|(_, w, _)| squash(w.get_ref())).collect()))
            .collect();

        let r = &f.fields;
        let set = |v: &[S]| lower(v).into_iter().collect::<HashSet<_>>();
        let fields = RecordFields {
            title: owned(&r.title),
            company: owned(&r.company),
            location: owned(&r.location),
            location_parts: owned(&r.location_parts),
            remote_flag: owned(&r.remote_flag),
            workplace: owned(&r.workplace),
            employment_type: owned(&r.employment_type),
            currency: owned(&r.currency),
            period: owned(&r.period),
            min_amount: owned(&r.min_amount),
            max_amount: owned(&r.max_amount),
            salary: owned(&r.salary),
            date: owned(&r.date),
            null_values: set(&r.null_values),
            true_values: set(&r.true_values),
            false_values: set(&r.false_values),
        };
        let d = &f.dump;
        if *d.long_text.get_ref() == 0 {
            self.err_at(t, d.long_text.span().start, "long-text must be at least 1".into());
        }
        let dump = DumpRules {
            text: owned(&d.text),
            title: owned(&d.title),
            company: owned(&d.company),
            id: owned(&d.id),
            url: owned(&d.url),
            date: owned(&d.date),
            not_text: owned(&d.not_text),
            level_words: all(|p| &p.level_words).iter().map(|s| s.get_ref().to_lowercase()).collect(),
            level_codes: lower(&d.level_codes),
            long_text: *d.long_text.get_ref(),
        };
        let name_joiners = vals(&f.name_joiners)
            .chain(all(|p| &p.name_joiners).into_iter().map(|s| s.get_ref().as_str()))
            .map(str::to_string)
            .collect();
        if self.errors.len() > n_err {
            return None;
        }
        Some(PostingRules {
            workplace: workplace?,
            employment: employment?,
            employment_values,
            max_title_words: *f.max_title_words.get_ref(),
            segment_split: segment_split?,
            title_separators: owned(&f.title_separators),
            name_joiners,
            currency_symbols,
            currency_words,
            salary: salary?,
            number: number?,
            period: period?,
            period_units,
            period_adverbs,
            period_context,
            period_keys,
            period_leads,
            salary_context,
            not_salary: all(|p| &p.salary.not_salary).iter().map(|s| s.get_ref().to_lowercase()).collect(),
            large_magnitude,
            min_leads: all(|p| &p.salary.min_leads).iter().map(|s| s.get_ref().to_lowercase()).collect(),
            max_leads: all(|p| &p.salary.max_leads).iter().map(|s| s.get_ref().to_lowercase()).collect(),
            clause_words: all(|p| &p.clause_words).iter().map(|s| s.get_ref().to_lowercase()).collect(),
            high_denomination: vals(&f.currency.high_denomination).map(str::to_string).collect(),
            lone_amount_min,
            amount_max,
            text_salary_max,
            months,
            named_mdy: named_mdy?,
            named_dmy: named_dmy?,
            ld_workplace,
            fields,
            dump,
        })
    }
}
