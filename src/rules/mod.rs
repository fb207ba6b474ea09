//! Rules are data: the TOML files under `rules/` (also embedded in the binary) are loaded in
//! two phases, parse ([`files`], serde with unknown keys denied) and compile (this module:
//! Aho-Corasick for title literals, sets of patterns ([`ReSet`]) for categories and
//! boilerplate, each pattern compiled once). A bad file stops loading with the file, line
//! and what is wrong.

pub mod check;
pub mod codes;
pub mod files;
pub mod posting;

use crate::model::TitleHit;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use files::*;

/// The rule files, in load order.
pub const FILE_NAMES: [&str; 8] = [
    "roles.toml",
    "seniority.toml",
    "categories.toml",
    "boilerplate.toml",
    "structure.toml",
    "company.toml",
    "posting.toml",
    "codes.toml",
];

const EMBEDDED: [(&str, &str); 8] = [
    ("roles.toml", include_str!("../../rules/roles.toml")),
    ("seniority.toml", include_str!("../../rules/seniority.toml")),
    ("categories.toml", include_str!("../../rules/categories.toml")),
    ("boilerplate.toml", include_str!("../../rules/boilerplate.toml")),
    ("structure.toml", include_str!("../../rules/structure.toml")),
    ("company.toml", include_str!("../../rules/company.toml")),
    ("posting.toml", include_str!("../../rules/posting.toml")),
    ("codes.toml", include_str!("../../rules/codes.toml")),
];

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// The folder of the language packs, under the rules folder.
pub const PACK_DIR: &str = "lang";

/// Rule patterns are compiled with ASCII word boundaries: `\b` in a rule means
/// `(?-u:\b)`. Unicode boundaries make the regex engines fall back to slow paths on any
/// non-ASCII text; the difference only shows next to non-ASCII letters (documented in
/// rules/README.md).
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some('B') => out.push_str("(?-u:\\B)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Compiled size cap for one pattern (the `regex` crate is linear-time; this bounds memory).
const REGEX_SIZE_LIMIT: usize = 4 << 20;
/// The title cues of one level, in bytes, past which they are refused before compiling
/// (about 1,800 cues of 35 bytes; 36 KB compile in 0.6 s and 97 MB, 108 KB no longer fit
/// `REGEX_SIZE_LIMIT`).
const MAX_TITLE_CUE_BYTES: usize = 64 << 10;

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}:{column}: {message}")]
    At { file: String, line: usize, column: usize, message: String },
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// Every problem found while loading a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
impl std::error::Error for RuleErrors {}

/// The text of one rule file and the name to report it by.
#[derive(Debug, Clone)]
pub struct RuleText {
    /// The file's name under the rules folder: `roles.toml`, `lang/fra.toml`.
    pub name: String,
    pub shown_as: String,
    pub text: String,
}

/// The rule files shipped inside the binary.
pub fn embedded_texts() -> Vec<RuleText> {
    EMBEDDED
        .iter()
        .chain(EMBEDDED_PACKS)
        .map(|(n, t)| RuleText { name: n.to_string(), shown_as: format!("rules/{n} (built in)"), text: t.to_string() })
        .collect()
}

/// The largest rule file read (the shipped ones are a few kilobytes each).
const MAX_RULE_FILE_BYTES: u64 = 64 << 20;

/// Read the rule files from a folder; a missing file is an error.
pub fn dir_texts(dir: &Path) -> Result<Vec<RuleText>, RuleErrors> {
    if !dir.is_dir() {
        let message = if dir.exists() { "is not a folder" } else { "does not exist" };
        return Err(RuleErrors(vec![RuleError::File { file: dir.display().to_string(), message: message.into() }]));
    }
    let mut out = Vec::new();
    let mut errs = Vec::new();
    // the packs: every `.toml` file of `lang/`, by name (a missing folder is no pack)
    let mut packs: Vec<String> = std::fs::read_dir(dir.join(PACK_DIR))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .map(|n| format!("{PACK_DIR}/{n}"))
                .collect()
        })
        .unwrap_or_default();
    packs.sort();
    for name in FILE_NAMES.iter().map(|n| n.to_string()).chain(packs) {
        let p = dir.join(&name);
        // A pipe or device named like a rule file would block the read for ever, and a
        // huge file is not a rule file: look before reading.
        match std::fs::metadata(&p) {
            Ok(m) if !m.is_file() => {
                errs.push(RuleError::File { file: p.display().to_string(), message: "is not a regular file".into() });
                continue;
            }
            Ok(m) if m.len() > MAX_RULE_FILE_BYTES => {
                errs.push(RuleError::File {
                    file: p.display().to_string(),
                    message: format!("is {} bytes; a rule file may hold at most {MAX_RULE_FILE_BYTES}", m.len()),
                });
                continue;
            }
            _ => {}
        }
        match std::fs::read_to_string(&p) {
            Ok(text) => out.push(RuleText { name: name.clone(), shown_as: p.display().to_string(), text }),
            Err(e) => {
                errs.push(RuleError::File { file: p.display().to_string(), message: format!("cannot read: {e}") })
            }
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(RuleErrors(errs))
    }
}

/// A canonical role.
#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub label: String,
    pub family: String,
    pub doc: String,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

/// A rung of the seniority ladder.
#[derive(Debug, Clone)]
pub struct Level {
    pub id: String,
    pub label: String,
    prefix: Option<Regex>,
    suffix: Option<Regex>,
    /// The level's title cues alone ("Junior", "Senior:"): a rung heading.
    bare: Option<Regex>,
    text_cues: Vec<Re>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

#[derive(Debug, Clone)]
struct Alias {
    role: usize,
    level: Option<usize>,
    rule: String,
    /// A practice area ("product design"): a title only with a level code or word after it.
    needs_level: bool,
}

/// Role index of the titles listed as `outside` the taxonomy.
const OUTSIDE: usize = usize::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AliasKind {
    Listed,
    Lead,
    Practice,
}

#[derive(Default)]
struct Pats {
    ci: Vec<String>,
    ci_alias: Vec<usize>,
    cs: Vec<String>,
    cs_alias: Vec<usize>,
}

/// Roles, titles and the seniority ladder.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub roles: Vec<Role>,
    pub levels: Vec<Level>,
    pub default_level: usize,
    aliases: Vec<Alias>,
    ac_ci: AhoCorasick,
    ci_alias: Vec<usize>,
    ac_cs: AhoCorasick,
    cs_alias: Vec<usize>,
    /// Level codes (lower case) to level index.
    codes: HashMap<String, usize>,
    /// The words that introduce a code ("level"), anchored, without spaces.
    code_word_re: Option<Regex>,
    code_suffix: Option<Regex>,
    code_prefix: Option<Regex>,
}

/// A title read by the grammar (`Taxonomy::parse_title`).
#[derive(Debug, Clone, PartialEq)]
pub struct TitleParse {
    /// The first title of the taxonomy in the text; None: a role outside the taxonomy.
    pub hit: Option<TitleHit>,
    /// Grouping key ("registered-nurse").
    pub key: String,
    /// The text names more than one role ("Product Owner / Business Analyst"): the first
    /// was taken.
    pub several: bool,
}

/// A responsibility category.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub doc: String,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct BoilerRule {
    pub id: String,
    pub doc: String,
    pub re: Re,
    pub scope: Scope,
    pub min_position: f64,
    pub max_words: usize,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct KeywordList {
    pub id: String,
    pub min_segments: usize,
    pub max_segment_words: usize,
    pub min_capitalized: f64,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct HtmlRules {
    pub drop_tags: HashSet<String>,
    pub drop_id_class: Re,
    pub drop_roles: HashSet<String>,
    /// id/class words of content containers (`content-id-class`)
    pub content_id_class: Option<Re>,
    /// id/class words that keep a dropped-by-name container a candidate (`keep-id-class`)
    pub keep_id_class: Option<Re>,
    /// the boilerplate rules of scope `tail` or `links` (a "Related posts" heading): a
    /// container whose first text is a heading they match is left out whole, and so is a
    /// run of one-link paragraphs after a line they match
    pub section_ends: Vec<BoilerRule>,
}

#[derive(Debug, Clone)]
pub struct Boilerplate {
    pub rules: Vec<BoilerRule>,
    set: ReSet,
    max_words: usize,
    pub keyword_list: KeywordList,
    pub html: HtmlRules,
}

/// A rule's regex. The shipped rules compile each regex on its first use: a run needs a
/// fraction of them (its documents' languages, the company evidence it reaches), and
/// compiling them all was most of a run's start. `rules check` and the tests compile the
/// same files eagerly, which is where their errors are found. Rules from a folder compile at
/// once, so that every error is reported at load with its file and line. Clones share the
/// compiled regex.
#[derive(Clone)]
pub struct Re(Arc<ReInner>);

struct ReInner {
    pattern: String,
    case_insensitive: bool,
    size_limit: usize,
    compiled: std::sync::OnceLock<Regex>,
}

impl Re {
    fn build(pattern: &str, case_insensitive: bool, size_limit: usize) -> Result<Regex, regex::Error> {
        RegexBuilder::new(pattern).case_insensitive(case_insensitive).size_limit(size_limit).build()
    }

    /// A regex compiled now; its error otherwise.
    fn now(pattern: String, case_insensitive: bool, size_limit: usize) -> Result<Re, regex::Error> {
        let re = Re::build(&pattern, case_insensitive, size_limit)?;
        Ok(Re(Arc::new(ReInner { pattern, case_insensitive, size_limit, compiled: re.into() })))
    }

    /// A regex of the shipped rules, compiled on its first use.
    fn deferred(pattern: String, case_insensitive: bool, size_limit: usize) -> Re {
        Re(Arc::new(ReInner { pattern, case_insensitive, size_limit, compiled: std::sync::OnceLock::new() }))
    }

    /// The pattern, without compiling it.
    pub fn as_str(&self) -> &str {
        &self.0.pattern
    }

    /// Whether it has been compiled.
    #[cfg(test)]
    pub(crate) fn is_compiled(&self) -> bool {
        self.0.compiled.get().is_some()
    }

    pub fn regex(&self) -> &Regex {
        let i = &self.0;
        i.compiled.get_or_init(|| {
            Re::build(&i.pattern, i.case_insensitive, i.size_limit)
                .unwrap_or_else(|e| panic!("a shipped rule does not compile (`rules check` reports it): {e}"))
        })
    }
}

impl std::ops::Deref for Re {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
}

impl std::fmt::Debug for Re {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Re").field(&self.0.pattern).finish()
    }
}

/// Patterns searched together: which of them match a text (the categories, the boilerplate
/// rules). Built as `regex::RegexSet` builds its automaton (every pattern case-insensitive,
/// all matches, no capture groups), without the literal prefilter: for sets of many
/// case-insensitive words, extracting their literals was most of building the set (the
/// categories' set: 21 ms with it, 2.4 ms without) and the prefilter it gave made the search
/// slower, not faster.
#[derive(Debug, Clone)]
pub struct ReSet(regex_automata::meta::Regex);

impl ReSet {
    fn build<S: AsRef<str>>(patterns: &[S], size_limit: usize) -> Result<ReSet, String> {
        use regex_automata::{meta, nfa::thompson::WhichCaptures, util::syntax};
        let config = meta::Config::new()
            .match_kind(regex_automata::MatchKind::All)
            .utf8_empty(true)
            .which_captures(WhichCaptures::None)
            .auto_prefilter(false)
            .nfa_size_limit(Some(size_limit))
            .hybrid_cache_capacity(2 << 20);
        meta::Builder::new()
            .configure(config)
            .syntax(syntax::Config::new().case_insensitive(true).utf8(true))
            .build_many(patterns)
            .map(ReSet)
            .map_err(|e| match (e.size_limit(), e.syntax_error()) {
                (Some(limit), _) => format!("Compiled regex exceeds size limit of {limit} bytes."),
                (None, Some(syntax)) => syntax.to_string(),
                (None, None) => e.to_string(),
            })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }

    /// The indices of the patterns that match somewhere in `text`, ascending.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        let mut found = regex_automata::PatternSet::new(self.0.pattern_len());
        self.0.which_overlapping_matches(&regex_automata::Input::new(text), &mut found);
        found.iter().map(|p| p.as_usize()).collect()
    }
}

/// A pattern of the structure rules: structure.toml's regex and those of the language packs
/// that apply to a document. It matches when one of them does; each is compiled once.
#[derive(Debug, Clone, Default)]
pub struct Pat(Vec<Re>);

impl Pat {
    pub fn is_match(&self, text: &str) -> bool {
        self.0.iter().any(|r| r.is_match(text))
    }

    /// The captures of the leftmost match of its regexes (the first regex's on a tie), as
    /// one regex of alternatives would give.
    pub fn captures<'a>(&self, text: &'a str) -> Option<regex::Captures<'a>> {
        self.0.iter().filter_map(|r| r.captures(text)).min_by_key(|c| c.get(0).map_or(usize::MAX, |m| m.start()))
    }

    /// The match of the first regex that matches.
    pub fn find<'a>(&self, text: &'a str) -> Option<regex::Match<'a>> {
        self.0.iter().find_map(|r| r.find(text))
    }

    /// The captures of every regex in turn.
    pub fn captures_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = regex::Captures<'a>> + 'a {
        self.0.iter().flat_map(move |r| r.captures_iter(text))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn extend(&mut self, other: &Pat) {
        self.0.extend(other.0.iter().cloned());
    }
}

macro_rules! structure_patterns {
    ($($field:ident),* $(,)?) => {
        /// The patterns of structure.toml, one [`Pat`] each (see the file for what each decides).
        #[derive(Debug, Clone, Default)]
        pub struct StructurePats {
            $(pub $field: Pat,)*
            /// Words that end with a period without ending a sentence (lower case).
            pub abbreviations: Vec<String>,
            /// Words that join the skills of a requirement's list ("and", "or").
            pub list_joiners: Vec<String>,
        }

        impl StructurePats {
            fn extend(&mut self, other: &StructurePats) {
                $(self.$field.extend(&other.$field);)*
                for a in &other.abbreviations {
                    if !self.abbreviations.contains(a) {
                        self.abbreviations.push(a.clone());
                    }
                }
                for j in &other.list_joiners {
                    if !self.list_joiners.contains(j) {
                        self.list_joiners.push(j.clone());
                    }
                }
            }
        }
    };
}

structure_patterns!(
    heading_filler,
    heading_not_title,
    table_role_columns,
    table_duty_columns,
    table_department_columns,
    non_duty_lead_in,
    duty_lead_in,
    requirements_lead_in,
    prose_lead,
    prose_verbs,
    prose_duty,
    prose_non_duty,
    section_duty,
    section_non_duty,
    section_requirements,
    section_nice_to_have,
    section_skills,
    section_benefits,
    section_company,
    section_process,
    section_legal,
    item_duty_verbs,
    item_hire_duty,
    item_ladder_subject,
    item_first_person,
    item_team_title,
    item_team_duty,
    item_not_duty,
    req_years,
    req_degree,
    req_skills,
);

/// The examples of structure.toml or of one language pack, run by `rolemap rules test` on
/// the rules of that language.
#[derive(Debug, Clone, Default)]
pub struct StructureExamples {
    /// The file they come from, as shown in messages.
    pub file: String,
    /// The pack's language; `None` for structure.toml (run on the rules of every language).
    pub language: Option<String>,
    pub items: Vec<String>,
    pub item_counter_examples: Vec<String>,
    /// (kind name or "none", label) pairs of `[sections] examples`.
    pub sections: Vec<(String, String)>,
    /// (kind name or "none", lead-in) pairs of `[lists] examples`.
    pub lead_ins: Vec<(String, String)>,
    pub requirements: Vec<String>,
}

/// The structure rules for one language (or, before a document's language is known, for all).
#[derive(Debug, Clone)]
pub struct Structure {
    pats: StructurePats,
    pub heading_max_words: usize,
    pub subheading_max_words: usize,
    pub examples: Vec<StructureExamples>,
}

impl std::ops::Deref for Structure {
    type Target = StructurePats;
    fn deref(&self) -> &StructurePats {
        &self.pats
    }
}

/// The languages of the rules: a pack per language, the detector that tells them apart.
#[derive(Debug, Clone)]
pub struct Languages {
    /// ISO 639-3 codes of the packs (`rules/lang/<code>.toml`), in file order.
    pub packs: Vec<String>,
    /// The pack a document in a language without one is read with.
    pub fallback: Option<String>,
    /// Told apart by the detector: the packs' languages and structure.toml `detect`.
    pub detected: Vec<String>,
    detector: whatlang::Detector,
    /// Each pack's common words (structure.toml `[common-words]`): a sample they dominate is
    /// that pack's language without the detector.
    common: CommonWords,
}

/// Language detection by common words: cheap, and only where one pack's words make up a
/// large share of the sample and no other pack's come close.
#[derive(Debug, Clone, Default)]
pub struct CommonWords {
    /// (pack's language, its words), lower case.
    pub packs: Vec<(String, rustc_hash::FxHashSet<String>)>,
    pub share: f64,
    pub rival: f64,
    pub min_words: usize,
}

impl CommonWords {
    /// The language whose common words dominate the sample, if one does. Only samples whose
    /// letters are all Latin script are read (the packs' languages are written in it).
    pub fn language(&self, sample: &str) -> Option<&str> {
        if self.packs.is_empty() || self.share <= 0.0 {
            return None;
        }
        let mut hits = vec![0usize; self.packs.len()];
        let (mut words, mut lower) = (0usize, String::new());
        for w in sample.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
            lower.clear();
            if w.is_ascii() {
                // (its letters are Latin: the words are split at every other character)
                lower.push_str(w);
                lower.make_ascii_lowercase();
            } else if w.chars().all(latin) {
                lower.extend(w.chars().flat_map(char::to_lowercase));
            } else {
                return None;
            }
            words += 1;
            for (h, (_, set)) in hits.iter_mut().zip(&self.packs) {
                *h += usize::from(set.contains(&lower));
            }
        }
        if words < self.min_words.max(1) {
            return None;
        }
        let best = (0..hits.len()).max_by_key(|&i| (hits[i], std::cmp::Reverse(i)))?;
        let top = hits[best] as f64;
        let rival = hits.iter().enumerate().filter(|&(i, _)| i != best).map(|(_, &h)| h).max().unwrap_or(0) as f64;
        (top >= self.share * words as f64 && rival <= self.rival * top).then(|| self.packs[best].0.as_str())
    }
}

/// A letter of the Latin script (Basic Latin, Latin-1, Latin Extended-A/B and Additional).
fn latin(c: char) -> bool {
    // (× and ÷ in the Latin-1 block are no letters: the words were split at them)
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

impl Languages {
    /// The document's language (ISO 639-3): by common words where they decide, else by the
    /// detector, when it is sure.
    pub fn detect(&self, sample: &str) -> Option<String> {
        match self.common.language(sample) {
            Some(code) => Some(code.to_string()),
            None => self.by_trigrams(sample),
        }
    }

    /// The language by common words alone (see [`CommonWords`]).
    pub fn by_common_words(&self, sample: &str) -> Option<&str> {
        self.common.language(sample)
    }

    /// The language by the detector alone (whatlang's script and trigram scoring), when it
    /// is sure of it.
    pub fn by_trigrams(&self, sample: &str) -> Option<String> {
        let info = self.detector.detect(sample)?;
        info.is_reliable().then(|| info.lang().code().to_string())
    }

    pub fn has_pack(&self, code: &str) -> bool {
        self.packs.iter().any(|p| p == code)
    }
}

#[derive(Debug, Clone)]
pub struct CompanyRules {
    pub front_matter_keys: Vec<String>,
    pub contact_keys: Vec<String>,
    pub generic_domains: HashSet<String>,
    pub min_mentions: usize,
    /// Lower-cased: words before and after a capitalised name that use it as an organisation.
    pub org_use_before: HashSet<String>,
    pub org_use_after: HashSet<String>,
    pub stop_names: HashSet<String>,
    /// Lower-cased.
    pub generic_names: HashSet<String>,
    /// Lower-cased, longest first.
    pub section_words: Vec<String>,
    pub legal_forms: Vec<String>,
    /// Anchored on a whole title part; group `name`.
    pub site_patterns: Vec<PhraseRegex>,
    pub text: Vec<CompanyText>,
}

/// One `[[text]]` rule of `company.toml`: phrases with a `{name}` that name the employer.
#[derive(Debug, Clone)]
pub struct CompanyText {
    pub id: String,
    /// The pattern must be the whole block (a heading or a line of its own).
    pub whole_block: bool,
    /// Group `name`.
    pub patterns: Vec<PhraseRegex>,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
}

/// Most words of a company name in a phrase.
const NAME_WORDS: usize = 5;

/// A company-name phrase, compiled twice: with a name of any number of words (`fast`: two
/// copies of the Unicode word classes, where five copies made 60 phrases weigh 40 MB), and
/// with one to five words (`exact`, compiled on first need). A match whose names all have at
/// most five words is the match the exact form gives (the language is a superset and both
/// prefer the longest name, leftmost first); otherwise the exact form is asked.
#[derive(Debug, Clone)]
pub struct PhraseRegex {
    fast: Re,
    exact_pattern: String,
    exact: std::sync::OnceLock<Option<Regex>>,
    /// The phrase's longest word written in ASCII (`None` when it has none): a text without
    /// it in any ASCII case cannot match, so the regex is neither run nor compiled for it.
    anchor: Option<AhoCorasick>,
}

impl PhraseRegex {
    /// Whether `text` may hold a match. Case-insensitive regexes match an ASCII letter also
    /// by the two non-ASCII characters that fold to one (KELVIN SIGN to k, LONG S to s):
    /// a text holding either is always tried.
    fn may_match(&self, text: &str) -> bool {
        self.anchor.as_ref().is_none_or(|a| a.is_match(text) || text.contains(['\u{212A}', '\u{17F}']))
    }

    fn within(c: &regex::Captures<'_>) -> bool {
        c.name("name")
            .is_none_or(|m| m.as_str().split([' ', '\t']).filter(|w| !w.is_empty() && *w != "&").count() <= NAME_WORDS)
    }

    fn exact(&self) -> Option<&Regex> {
        self.exact
            .get_or_init(|| {
                RegexBuilder::new(&self.exact_pattern).case_insensitive(true).size_limit(REGEX_SIZE_LIMIT).build().ok()
            })
            .as_ref()
    }

    /// The first match, group `name`.
    pub fn captures<'h>(&self, text: &'h str) -> Option<regex::Captures<'h>> {
        if !self.may_match(text) {
            return None;
        }
        let c = self.fast.captures(text)?;
        // the exact form is compiled only when a name runs longer than it allows
        if Self::within(&c) {
            return Some(c);
        }
        match self.exact() {
            Some(exact) => exact.captures(text),
            None => Some(c),
        }
    }

    /// Every match, in order.
    pub fn captures_iter<'h>(&self, text: &'h str) -> Vec<regex::Captures<'h>> {
        if !self.may_match(text) {
            return Vec::new();
        }
        let all: Vec<regex::Captures<'h>> = self.fast.captures_iter(text).collect();
        if all.iter().all(Self::within) {
            return all;
        }
        match self.exact() {
            Some(exact) => exact.captures_iter(text).collect(),
            None => all,
        }
    }

    /// Whether the exact form has been compiled (by a name longer than the fast form's).
    #[cfg(test)]
    pub(crate) fn exact_compiled(&self) -> bool {
        self.exact.get().is_some()
    }
}

/// A company-name phrase as a regex: the words literal (any case, any run of spaces),
/// `{name}` one to five capitalised words (case-sensitive), `*` at either end anything.
/// `whole` anchors it on the whole text.
pub fn company_phrase_regex(phrase: &str, whole: bool) -> Result<PhraseRegex, String> {
    company_phrase(phrase, whole, false)
}

/// `company_phrase_regex`, compiled on first use when `deferred` (the shipped rules).
fn company_phrase(phrase: &str, whole: bool, deferred: bool) -> Result<PhraseRegex, String> {
    const WORD: &str = r"[\p{Lu}\p{N}][\p{L}\p{N}&'’.\-]*";
    let Some((before, after)) = phrase.split_once("{name}") else {
        return Err(format!("phrase {phrase:?} has no {{name}}"));
    };
    if after.contains("{name}") {
        return Err(format!("phrase {phrase:?} has {{name}} twice"));
    }
    let lit = |s: &str| -> String {
        let parts: Vec<String> = s.split_whitespace().map(regex::escape).collect();
        let mut out = parts.join(r"\s+");
        if s.starts_with(char::is_whitespace) && !out.is_empty() {
            out.insert_str(0, r"\s+");
        }
        if s.ends_with(char::is_whitespace) && !out.is_empty() {
            out.push_str(r"\s+");
        }
        out
    };
    let (lead_any, before) = match before.trim_start().strip_prefix('*') {
        Some(b) => (true, b),
        None => (false, before),
    };
    let (tail_any, after) = match after.trim_end().strip_suffix('*') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let name = |most: &str| format!(r"(?P<name>(?-i:{WORD}(?:[ \t]+(?:&[ \t]+)?{WORD}){most}))");
    let start = match (whole, lead_any) {
        (true, true) => r"^.*".to_string(),
        (true, false) => r"^\s*".to_string(),
        (false, true) => String::new(),
        (false, false) if before.trim_start().starts_with(char::is_alphanumeric) => r"\b".to_string(),
        _ => String::new(),
    };
    let end = match (whole, tail_any) {
        (true, true) => r"\b.*$".to_string(),
        (true, false) => r"\s*[.!?:]?\s*$".to_string(),
        (false, _) if after.trim_end().ends_with(char::is_alphanumeric) => r"\b".to_string(),
        _ => String::new(),
    };
    let pat = |most: &str| format!("{start}{}{}{}{end}", lit(before), name(most), lit(after));
    let fast = match deferred {
        true => Re::deferred(pat("*"), true, REGEX_SIZE_LIMIT),
        false => Re::now(pat("*"), true, REGEX_SIZE_LIMIT).map_err(|e| e.to_string())?,
    };
    let exact_pattern = pat(&format!("{{0,{}}}", NAME_WORDS - 1));
    let anchor = before
        .split_whitespace()
        .chain(after.split_whitespace())
        .filter(|w| w.is_ascii())
        .max_by_key(|w| w.len())
        .map(|w| AhoCorasickBuilder::new().ascii_case_insensitive(true).build([w]).map_err(|e| e.to_string()))
        .transpose()?;
    Ok(PhraseRegex { fast, exact_pattern, exact: std::sync::OnceLock::new(), anchor })
}

/// A compiled rule set: everything the pipeline stages need, built once per run.
#[derive(Debug, Clone)]
pub struct Rules {
    /// SHA-256 over the rule files' names and contents.
    pub fingerprint: String,
    /// Where the rules came from (a folder or "built in").
    pub origin: String,
    // (shared by the variants: a regex's cache is its own, so a clone would fill a second one)
    pub taxonomy: Arc<Taxonomy>,
    pub categories: Arc<Vec<Category>>,
    category_set: Arc<ReSet>,
    category_of_pattern: Arc<Vec<usize>>,
    pub boilerplate: Arc<Boilerplate>,
    pub structure: Structure,
    pub company: Arc<CompanyRules>,
    pub languages: Arc<Languages>,
    /// Posting metadata and dump reading (posting.toml and every pack's `[posting]` words).
    pub posting: Arc<posting::PostingRules>,
    /// The standard codes of the taxonomy's roles (codes.toml).
    pub codes: Arc<codes::RoleCodes>,
    /// The same rules with the structure of one language: structure.toml's patterns and its
    /// pack's (the base rules hold every pack's, for documents of unknown language).
    variants: Vec<(String, Rules)>,
}

impl Rules {
    /// The rules to read a document in `language` with: its pack, the fallback pack for a
    /// language without one, every pack when the language is not known.
    pub fn for_language(&self, language: Option<&str>) -> &Rules {
        let Some(code) = language else { return self };
        let code = if self.languages.has_pack(code) { Some(code) } else { self.languages.fallback.as_deref() };
        code.and_then(|c| self.variants.iter().find(|(l, _)| l == c)).map_or(self, |(_, r)| r)
    }

    /// The rules shipped in the binary, compiled once for all the unit tests.
    #[cfg(test)]
    pub(crate) fn shipped() -> &'static Rules {
        static SHIPPED: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| Rules::embedded().expect("shipped rules compile"))
    }

    /// The rules shipped in the binary, their regexes compiled on first use (see `Re`).
    pub fn embedded() -> Result<Rules, RuleErrors> {
        Rules::compile(&embedded_texts(), "built in", true)
    }

    /// The rules shipped in the binary, every regex compiled and checked now, as for a folder.
    pub fn embedded_checked() -> Result<Rules, RuleErrors> {
        Rules::compile(&embedded_texts(), "built in", false)
    }

    /// Load and compile the rule files of a folder.
    pub fn from_dir(dir: &Path) -> Result<Rules, RuleErrors> {
        Rules::from_texts(&dir_texts(dir)?, &dir.display().to_string())
    }

    /// Load a rule folder to run with. A folder holding exactly the built-in rules (the
    /// `rules/` of a checkout, or a copy) compiles as the built-in rules do, each regex on
    /// its first use: the tests compile and check every one of them (`rules check` still
    /// checks a folder whole, whatever it holds). Any other folder is compiled and checked
    /// now, its errors given at file and line.
    pub fn from_dir_to_run(dir: &Path) -> Result<Rules, RuleErrors> {
        let texts = dir_texts(dir)?;
        let shipped = embedded_texts();
        let same = texts.len() == shipped.len()
            && texts.iter().all(|t| shipped.iter().any(|s| s.name == t.name && s.text == t.text));
        Rules::compile(&texts, &dir.display().to_string(), same)
    }

    /// Compile rule texts; every problem found is reported, not only the first.
    pub fn from_texts(texts: &[RuleText], origin: &str) -> Result<Rules, RuleErrors> {
        Rules::compile(texts, origin, false)
    }

    fn compile(texts: &[RuleText], origin: &str, deferred: bool) -> Result<Rules, RuleErrors> {
        let mut c = Compiler::new(deferred);
        let get = |name: &str| texts.iter().find(|t| t.name == name);
        let mut missing = Vec::new();
        for n in FILE_NAMES {
            if get(n).is_none() {
                missing.push(RuleError::File { file: n.to_string(), message: "rule file missing".into() });
            }
        }
        if !missing.is_empty() {
            return Err(RuleErrors(missing));
        }
        let roles_t = get("roles.toml").unwrap();
        let sen_t = get("seniority.toml").unwrap();
        let cat_t = get("categories.toml").unwrap();
        let bp_t = get("boilerplate.toml").unwrap();
        let st_t = get("structure.toml").unwrap();
        let co_t = get("company.toml").unwrap();
        let po_t = get("posting.toml").unwrap();
        let codes_t = get("codes.toml").unwrap();

        let roles_f: Option<RolesFile> = c.parse(roles_t);
        let sen_f: Option<SeniorityFile> = c.parse(sen_t);
        let cat_f: Option<CategoriesFile> = c.parse(cat_t);
        let bp_f: Option<BoilerplateFile> = c.parse(bp_t);
        let st_f: Option<StructureFile> = c.parse(st_t);
        let co_f: Option<CompanyFile> = c.parse(co_t);
        let po_f: Option<PostingFile> = c.parse(po_t);
        let codes_f: Option<CodesFile> = c.parse(codes_t);

        let pack_texts: Vec<&RuleText> = texts.iter().filter(|t| t.name.starts_with("lang/")).collect();
        let mut packs: Vec<(&RuleText, PackFile)> = Vec::new();
        for t in pack_texts {
            if let Some(p) = c.parse::<PackFile>(t) {
                packs.push((t, p));
            }
        }
        // Compiling the rules is most of a run's start (about 100 ms on one core for the
        // shipped rules, 200 ms for a folder, whose every regex compiles now): each part
        // compiles on a thread of its own (scoped threads, not rayon's pool, whose size
        // `--threads` sets after the rules are loaded), so the start takes about the largest
        // part or the sum over the cores, whichever is longer. Each part has its own
        // compiler: errors keep the files' order whichever thread found them.
        let packs = &packs;
        let parallel = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        type Out<T> = (Option<T>, Vec<RuleError>);
        fn run<T>(deferred: bool, f: impl FnOnce(&mut Compiler) -> Option<T>) -> Out<T> {
            let mut c = Compiler::new(deferred);
            let out = f(&mut c);
            (out, c.errors)
        }
        let (taxonomy, codes, cats, boiler, company, languages, structures, posting) = std::thread::scope(|scope| {
            // the taxonomies' tables, which the codes need, are read meanwhile
            let coder = Part::start(scope, parallel, || {
                let _ = crate::codes::Coder::shared();
            });
            let tax_codes = Part::start(scope, parallel, || {
                let tax = run(deferred, |c| match (&roles_f, &sen_f) {
                    (Some(r), Some(s)) => c.taxonomy(roles_t, r, sen_t, s, packs),
                    _ => None,
                });
                let codes = run(deferred, |c| match (&codes_f, &tax.0) {
                    (Some(f), Some(t)) => c.codes(codes_t, f, t),
                    _ => None,
                });
                (tax, codes)
            });
            let cats = Part::start(scope, parallel, || run(deferred, |c| c.categories(cat_t, cat_f.as_ref()?)));
            let boiler = Part::start(scope, parallel, || run(deferred, |c| c.boilerplate(bp_t, bp_f.as_ref()?)));
            let company = Part::start(scope, parallel, || run(deferred, |c| c.company(co_t, co_f.as_ref()?)));
            let structure = Part::start(scope, parallel, || {
                let languages = run(deferred, |c| c.languages(st_t, st_f.as_ref()?, packs));
                (languages, run(deferred, |c| c.structure(st_t, st_f.as_ref()?, packs)))
            });
            let posting = Part::start(scope, parallel, || run(deferred, |c| c.posting(po_t, po_f.as_ref()?, packs)));
            let (taxonomy, codes) = tax_codes.join();
            coder.join();
            let (languages, structures) = structure.join();
            (taxonomy, codes, cats.join(), boiler.join(), company.join(), languages, structures, posting.join())
        });
        // the order the files are checked in
        for errors in [taxonomy.1, cats.1, boiler.1, company.1, languages.1, structures.1, posting.1, codes.1] {
            c.errors.extend(errors);
        }
        let (taxonomy, codes, cats, boiler, company, languages, structures, posting) =
            (taxonomy.0, codes.0, cats.0, boiler.0, company.0, languages.0, structures.0, posting.0);
        if !c.errors.is_empty() {
            return Err(RuleErrors(c.errors));
        }
        let (
            Some(taxonomy),
            Some(cats),
            Some(boiler),
            Some((structure, by_language)),
            Some(company),
            Some(languages),
            Some(posting),
            Some(codes),
        ) = (taxonomy, cats, boiler, structures, company, languages, posting, codes)
        else {
            // every path that gives None records an error; this is a guard against a new one
            return Err(RuleErrors(vec![RuleError::File {
                file: origin.to_string(),
                message: "rules could not be compiled (no error recorded: please report)".into(),
            }]));
        };
        let (categories, category_set, category_of_pattern) = cats;
        let mut h = Sha256::new();
        for t in texts {
            h.update(t.name.as_bytes());
            h.update([0u8]);
            h.update(t.text.as_bytes());
            h.update([0u8]);
        }
        let fingerprint: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let mut rules = Rules {
            fingerprint,
            origin: origin.to_string(),
            taxonomy: Arc::new(taxonomy),
            categories: Arc::new(categories),
            category_set: Arc::new(category_set),
            category_of_pattern: Arc::new(category_of_pattern),
            boilerplate: Arc::new(boiler),
            structure,
            company: Arc::new(company),
            languages: Arc::new(languages),
            posting: Arc::new(posting),
            codes: Arc::new(codes),
            variants: Vec::new(),
        };
        rules.variants = by_language
            .into_iter()
            .map(|(code, structure)| (code, Rules { structure, variants: Vec::new(), ..rules.clone() }))
            .collect();
        Ok(rules)
    }

    /// Indices of the categories whose patterns match `text`, ascending.
    pub fn categorize(&self, text: &str) -> Vec<usize> {
        let mut out: Vec<usize> =
            self.category_set.matches(text).into_iter().map(|p| self.category_of_pattern[p]).collect();
        out.dedup();
        out
    }
}

impl Boilerplate {
    /// The first block rule that drops a block of this text, if any.
    pub fn matching_rule(&self, text: &str) -> Option<&BoilerRule> {
        if !self.set.is_match(text) {
            return None;
        }
        let words = text.split_whitespace().count();
        if words > self.max_words {
            return None;
        }
        self.set.matches(text).into_iter().map(|i| &self.rules[i]).find(|r| words <= r.max_words)
    }

    /// True when the text is a keyword list (SEO tail, tag cloud).
    pub fn is_keyword_list(&self, text: &str) -> bool {
        let k = &self.keyword_list;
        if text.bytes().filter(|b| matches!(b, b',' | b'|' | b';')).count() + 1 < k.min_segments {
            return false;
        }
        // a sentence of duties has lower-case words; a keyword list has almost none
        let (mut lower, mut total) = (0usize, 0usize);
        for w in text.split_whitespace() {
            total += 1;
            lower += w.chars().next().is_some_and(char::is_lowercase) as usize;
        }
        if lower * 10 >= total * 3 {
            return false;
        }
        let segs: Vec<&str> = text.split([',', '|', ';']).map(str::trim).filter(|s| !s.is_empty()).collect();
        if segs.len() < k.min_segments {
            return false;
        }
        let short = segs.iter().all(|s| s.split_whitespace().count() <= k.max_segment_words);
        let caps =
            segs.iter().filter(|s| s.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())).count();
        short && caps as f64 >= k.min_capitalized * segs.len() as f64
    }
}

impl Level {
    pub fn has_title_cues(&self) -> bool {
        self.prefix.is_some()
    }
}

impl Taxonomy {
    /// Does any title map to this role?
    pub fn has_titles(&self, role: usize) -> bool {
        self.aliases.iter().any(|a| a.role == role)
    }

    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == id)
    }

    /// Every title in `text`, mapped to its role, with seniority words and level codes
    /// around it (the title grammar: see rules/README.md).
    pub fn find_titles(&self, text: &str) -> Vec<TitleHit> {
        let mut cands: Vec<(usize, usize, usize)> = Vec::new(); // start, end, alias
        for m in self.ac_ci.find_iter(text) {
            cands.push((m.start(), m.end(), self.ci_alias[m.pattern().as_usize()]));
        }
        for m in self.ac_cs.find_iter(text) {
            cands.push((m.start(), m.end(), self.cs_alias[m.pattern().as_usize()]));
        }
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        let mut last_end = 0;
        for (s, e, a) in cands {
            if s < last_end {
                continue;
            }
            if s > 0 && is_word_byte(text, s, true) {
                continue;
            }
            let mut end = e;
            if end < bytes.len() && is_word_byte(text, end, false) {
                // a plural: "managers", "owners"
                if bytes[end] == b's' && (end + 1 == bytes.len() || !is_word_byte(text, end + 1, false)) {
                    end += 1;
                } else {
                    continue;
                }
            }
            let alias = &self.aliases[a];
            let mut start = s;
            let mut level = alias.level.map(|l| (l, text[s..e].to_string(), alias.rule.clone()));
            // seniority words and level codes before the title, nearest first, after the
            // title before it ("Tech Lead, Technical Lead": the second does not take "Lead")
            let base = last_end;
            let mut before = &text[base..s];
            for _ in 0..3 {
                if let Some((li, m)) = self.levels.iter().enumerate().find_map(|(li, lv)| {
                    lv.prefix.as_ref().and_then(|re| re.captures(before)).map(|c| (li, c.get(1).unwrap()))
                }) {
                    if level.is_none() {
                        level = Some((li, m.as_str().to_string(), format!("seniority:{}:title", self.levels[li].id)));
                    }
                    start = base + m.start();
                    before = &text[base..start];
                } else if let Some((li, m)) = self.code_before(before) {
                    if level.is_none() {
                        level = Some((li, m.0, format!("seniority:{}:code", self.levels[li].id)));
                    }
                    start = base + m.1;
                    before = &text[base..start];
                } else {
                    break;
                }
            }
            let mut suffix_level = None;
            if let Some((li, code, len)) = self.code_after(&text[end..]) {
                suffix_level = Some((li, code, format!("seniority:{}:code", self.levels[li].id)));
                end += len;
            } else {
                let after = &text[end..];
                if let Some((li, m)) = self.levels.iter().enumerate().find_map(|(li, lv)| {
                    lv.suffix.as_ref().and_then(|re| re.captures(after)).map(|c| (li, c.get(1).unwrap()))
                }) {
                    suffix_level =
                        Some((li, m.as_str().to_string(), format!("seniority:{}:title", self.levels[li].id)));
                    end += m.end();
                }
            }
            if alias.needs_level && suffix_level.is_none() && level.is_none() {
                continue;
            }
            if alias.role == OUTSIDE {
                last_end = end;
                continue;
            }
            if level.is_none() {
                level = suffix_level;
            }
            last_end = end;
            hits.push(TitleHit { start, end, role: alias.role, rule: alias.rule.clone(), level });
        }
        hits
    }

    /// A level code right after a title: "II", ", Level 2", "(IC3)". The code, its level and
    /// the bytes it takes.
    fn code_after(&self, after: &str) -> Option<(usize, String, usize)> {
        let re = self.code_suffix.as_ref()?;
        let c = re.captures(after)?;
        let m = c.get(1)?;
        // "Product Manager I work with": a roman numeral must end the title
        let rest = &after[m.end()..];
        let next = rest.trim_start_matches([' ', ')']).chars().next();
        if next.is_some_and(|ch| ch.is_lowercase()) {
            return None;
        }
        let li = self.code_level(m.as_str())?;
        let len = c.get(0)?.as_str().trim_end_matches(|ch: char| !ch.is_alphanumeric() && ch != ')').len();
        Some((li, m.as_str().to_string(), len.max(m.end())))
    }

    /// A level code right before a title: "IC3 Technical Program Manager", "L5 ...".
    fn code_before(&self, before: &str) -> Option<(usize, (String, usize))> {
        let c = self.code_prefix.as_ref()?.captures(before)?;
        let m = c.get(1)?;
        Some((self.code_level(m.as_str())?, (m.as_str().to_string(), m.start())))
    }

    /// The level a code stands for: "II" -> mid, "Level 3" -> senior, "IC3" -> mid.
    pub fn code_level(&self, code: &str) -> Option<usize> {
        let k: String = code.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
        let k = match self.code_word_re.as_ref().and_then(|re| re.find(&k)) {
            Some(m) => &k[m.end()..],
            None => &k[..],
        };
        self.codes.get(k).copied()
    }

    /// A bare level as a heading: "Junior", "Senior", "Level 2", "IC3", "L5" (a ladder's
    /// rungs in a document about one role). The level and the rule that read it.
    pub fn bare_level(&self, text: &str) -> Option<(usize, String)> {
        let t = text.trim().trim_end_matches(':').trim();
        if t.is_empty() || t.split_whitespace().count() > 3 {
            return None;
        }
        let one = |w: &str| {
            for (li, lv) in self.levels.iter().enumerate() {
                if lv.bare.as_ref().is_some_and(|re| re.is_match(w)) {
                    return Some((li, format!("seniority:{}:title", lv.id)));
                }
            }
            None
        };
        if let Some(x) = one(t) {
            return Some(x);
        }
        // "Senior Staff": every word a cue, the last one (nearest the missing title) counts
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.len() > 1 && words.iter().all(|w| one(w).is_some()) {
            return one(words[words.len() - 1]);
        }
        let li = self.code_level(t)?;
        Some((li, format!("seniority:{}:code", self.levels[li].id)))
    }

    /// The role whose practice or lead area a document's title names, without a level
    /// ("The Data Science Career Ladder" -> data-scientist): the role of a ladder's rungs.
    pub fn find_area(&self, text: &str) -> Option<TitleHit> {
        if let Some(h) = self.find_titles(text).into_iter().next() {
            return Some(h);
        }
        for m in self.ac_ci.find_iter(text) {
            let a = &self.aliases[self.ci_alias[m.pattern().as_usize()]];
            if a.needs_level && a.role != OUTSIDE {
                if m.start() > 0 && is_word_byte(text, m.start(), true) {
                    continue;
                }
                if m.end() < text.len() && is_word_byte(text, m.end(), false) {
                    continue;
                }
                return Some(TitleHit {
                    start: m.start(),
                    end: m.end(),
                    role: a.role,
                    rule: a.rule.clone(),
                    level: None,
                });
            }
        }
        None
    }

    /// Read a title as written (a posting's title, a heading): its role when a title of the
    /// taxonomy is in it, its level, and a key to group by whatever the role. Qualifiers
    /// ("(m/f/d)", "– Berlin", ", Payments") are kept in the title but not in the key.
    pub fn parse_title(&self, text: &str) -> TitleParse {
        let hits = self.find_titles(text);
        let several = hits.iter().any(|h| hits.first().is_some_and(|f| f.role != h.role));
        let hit = hits.into_iter().next();
        let key = self.title_key(text);
        TitleParse { hit, key, several }
    }

    /// The grouping key of a title: qualifiers, seniority words and level codes removed,
    /// kebab-case ("Registered Nurse, Night Shift" -> `registered-nurse`).
    pub fn title_key(&self, text: &str) -> String {
        let mut t = String::new();
        let mut depth = 0usize;
        for ch in text.chars() {
            match ch {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => t.push(ch),
                _ => {}
            }
        }
        let first = t
            .split([',', '|', '–', '—', '/', ':'])
            .flat_map(|p| p.split(" - "))
            .map(str::trim)
            .find(|p| p.chars().any(char::is_alphabetic))
            .unwrap_or("");
        let mut words: Vec<&str> = first.split_whitespace().collect();
        let is_level = |w: &str| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            self.bare_level(w).is_some() || self.code_level(w).is_some()
        };
        while words.len() > 1 && is_level(words[0]) {
            words.remove(0);
        }
        while words.len() > 1 && is_level(words[words.len() - 1]) {
            words.pop();
        }
        slug(&words.join(" "))
    }

    /// Text cues of one level found in `text`: (cue text, rule id).
    pub fn text_cues(&self, level: usize, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for re in &self.levels[level].text_cues {
            for m in re.find_iter(text) {
                out.push(m.as_str().to_string());
            }
        }
        out
    }
}

/// Is the character at byte `i` (or just before it, when `before`) part of a word?
fn is_word_byte(text: &str, i: usize, before: bool) -> bool {
    let c = if before { text[..i].chars().next_back() } else { text[i..].chars().next() };
    c.is_some_and(|c| c.is_alphanumeric())
}

/// A pattern that no text can match (e.g. `[^\s\S]`, `a\bz\B`-style contradictions the
/// parser can see): its syntax tree has no minimum length.
pub fn never_matches(pattern: &str) -> bool {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern)
        .map(|hir| hir.properties().minimum_len().is_none())
        .unwrap_or(false)
}

/// The names of a pattern's capture groups, read from its syntax: checking them must not
/// compile a regex the shipped rules compile on first use (another language's skills
/// pattern took 17 ms to compile at every start). Empty for a pattern that does not parse
/// (compiling it reports why). Read from the syntax tree, a group repeated `{0}` times is
/// still named (the compiled regex drops it); only the shipped rules are checked this way
/// without being compiled, and their test compiles them all (`embedded_checked`).
fn group_names(pattern: &str) -> Vec<String> {
    use regex_syntax::ast::{self, Ast, GroupKind};
    struct Names(Vec<String>);
    impl ast::Visitor for Names {
        type Output = Vec<String>;
        type Err = ();
        fn finish(self) -> Result<Vec<String>, ()> {
            Ok(self.0)
        }
        fn visit_pre(&mut self, a: &Ast) -> Result<(), ()> {
            if let Ast::Group(g) = a {
                if let GroupKind::CaptureName { name, .. } = &g.kind {
                    self.0.push(name.name.clone());
                }
            }
            Ok(())
        }
    }
    ast::parse::Parser::new()
        .parse(pattern)
        .ok()
        .and_then(|a| ast::visit(&a, Names(Vec::new())).ok())
        .unwrap_or_default()
}

/// A regex error on one line: the parser's reason and where in the pattern, instead of the
/// multi-line picture `regex::Error` draws.
fn regex_error(pattern: &str, err: &regex::Error) -> String {
    let parsed = regex_syntax::ParserBuilder::new().build().parse(pattern);
    match parsed {
        Err(regex_syntax::Error::Parse(e)) => {
            format!(
                "{} (at character {} of {pattern:?})",
                e.kind(),
                pattern[..e.span().start.offset].chars().count() + 1
            )
        }
        Err(regex_syntax::Error::Translate(e)) => {
            format!(
                "{} (at character {} of {pattern:?})",
                e.kind(),
                pattern[..e.span().start.offset].chars().count() + 1
            )
        }
        _ => err.to_string().split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Kebab-case of a title: the stable part of a title rule id.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A part of a job (of the rules compiling) running on a scoped thread
/// of its own, or done already: on one core, or where no thread could be started.
pub(crate) enum Part<'s, T> {
    /// (`None` only if the thread found its work gone, which cannot happen)
    Running(std::thread::ScopedJoinHandle<'s, Option<T>>),
    Done(T),
}

impl<'s, T: Send + 's> Part<'s, T> {
    pub(crate) fn start<'e, F: FnOnce() -> T + Send + 's>(
        scope: &'s std::thread::Scope<'s, 'e>,
        parallel: bool,
        f: F,
    ) -> Self {
        if !parallel {
            return Part::Done(f());
        }
        // the work stays here until the thread takes it, so it is done here if none starts
        let work = std::sync::Arc::new(std::sync::Mutex::new(Some(f)));
        let taken = work.clone();
        let take = move || taken.lock().unwrap_or_else(|p| p.into_inner()).take();
        match std::thread::Builder::new().spawn_scoped(scope, move || take().map(|f| f())) {
            Ok(h) => Part::Running(h),
            Err(_) => {
                let f = work.lock().unwrap_or_else(|p| p.into_inner()).take();
                Part::Done(f.map(|f| f()).expect("a part not started is still here"))
            }
        }
    }

    pub(crate) fn join(self) -> T {
        match self {
            Part::Running(h) => h
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
                .expect("a started part's thread takes its work"),
            Part::Done(t) => t,
        }
    }
}

#[derive(Default)]
struct Compiler {
    errors: Vec<RuleError>,
    /// The shipped rules: regexes compile on first use (`Re`), and the checks that need a
    /// compiled regex are left to `rules check` and the tests.
    deferred: bool,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = offset - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

fn vals(v: &[S]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().clone()).collect()
}

impl Compiler {
    fn new(deferred: bool) -> Compiler {
        Compiler { errors: Vec::new(), deferred }
    }

    fn err_at(&mut self, file: &RuleText, offset: usize, message: String) {
        let (line, column) = line_col(&file.text, offset);
        let e = RuleError::At { file: file.shown_as.clone(), line, column, message };
        // One mistake compiled into several regexes is reported once.
        if !self.errors.contains(&e) {
            self.errors.push(e);
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: &RuleText) -> Option<T> {
        match toml::from_str::<T>(&file.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let off = e.span().map(|s| s.start).unwrap_or(0);
                let msg = e.message().trim().to_string();
                self.err_at(file, off, msg);
                None
            }
        }
    }

    fn regex(&mut self, file: &RuleText, s: &S, what: &str, allow_empty: bool) -> Option<Re> {
        let pattern = ascii_boundaries(s.get_ref());
        if self.deferred {
            return Some(Re::deferred(pattern, true, REGEX_SIZE_LIMIT));
        }
        match Re::now(pattern, true, REGEX_SIZE_LIMIT) {
            Ok(re) => {
                if never_matches(re.as_str()) {
                    self.err_at(file, s.span().start, format!("{what} can never match anything: {:?}", s.get_ref()));
                    return None;
                }
                if !allow_empty && re.is_match("") {
                    self.err_at(file, s.span().start, format!("{what} matches the empty string: {:?}", s.get_ref()));
                    return None;
                }
                Some(re)
            }
            Err(e) => {
                self.err_at(
                    file,
                    s.span().start,
                    format!("{what} is not a valid regular expression: {}", regex_error(s.get_ref(), &e)),
                );
                None
            }
        }
    }

    fn check_id(&mut self, file: &RuleText, id: &S, seen: &mut HashMap<String, usize>, what: &str) {
        let v = id.get_ref();
        if v.is_empty() || v.chars().any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')) {
            self.err_at(file, id.span().start, format!("{what} id {v:?} must be kebab-case (a-z, 0-9, -)"));
        }
        if let Some(prev) = seen.insert(v.clone(), id.span().start) {
            let (line, _) = line_col(&file.text, prev);
            self.err_at(file, id.span().start, format!("duplicate {what} id {v:?} (first defined on line {line})"));
        }
    }

    fn company(&mut self, t: &RuleText, f: &CompanyFile) -> Option<CompanyRules> {
        let n_err = self.errors.len();
        let phrase = |c: &mut Self, s: &S, whole: bool| match company_phrase(s.get_ref(), whole, c.deferred) {
            Ok(re) => Some(re),
            Err(e) => {
                c.err_at(t, s.span().start, e);
                None
            }
        };
        let site_patterns: Vec<PhraseRegex> = f.site_patterns.iter().filter_map(|p| phrase(self, p, true)).collect();
        let mut seen = HashMap::new();
        let mut text = Vec::new();
        for r in &f.text {
            self.check_id(t, &r.id, &mut seen, "company text rule");
            let whole_block = match r.scope.get_ref().as_str() {
                "block" => true,
                "text" => false,
                other => {
                    self.err_at(t, r.scope.span().start, format!("scope must be \"block\" or \"text\", not {other:?}"));
                    false
                }
            };
            if r.patterns.is_empty() {
                self.err_at(t, r.id.span().start, format!("company text rule {:?} has no patterns", r.id.get_ref()));
            }
            let patterns = r.patterns.iter().filter_map(|p| phrase(self, p, whole_block)).collect();
            text.push(CompanyText {
                id: r.id.get_ref().clone(),
                whole_block,
                patterns,
                examples: vals(&r.examples),
                counter_examples: vals(&r.counter_examples),
            });
        }
        let mut section_words: Vec<String> = f.section_words.iter().map(|w| w.trim().to_lowercase()).collect();
        section_words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        (self.errors.len() == n_err).then(|| CompanyRules {
            front_matter_keys: f.front_matter_keys.iter().map(|k| k.to_lowercase()).collect(),
            contact_keys: f.contact_keys.iter().map(|k| k.to_lowercase()).collect(),
            generic_domains: f.generic_domains.iter().map(|k| k.to_lowercase()).collect(),
            min_mentions: f.min_mentions.max(1),
            org_use_before: f.org_use_before.iter().map(|w| w.trim().to_lowercase()).collect(),
            org_use_after: f.org_use_after.iter().map(|w| w.trim().to_lowercase()).collect(),
            stop_names: f.stop_names.iter().cloned().collect(),
            generic_names: f.generic_names.iter().map(|k| k.trim().to_lowercase()).collect(),
            section_words,
            legal_forms: f.legal_forms.clone(),
            site_patterns,
            text,
        })
    }

    fn taxonomy(
        &mut self,
        rt: &RuleText,
        rf: &RolesFile,
        st: &RuleText,
        sf: &SeniorityFile,
        packs: &[(&RuleText, PackFile)],
    ) -> Option<Taxonomy> {
        let n_err = self.errors.len();
        let mut seen = HashMap::new();
        let mut levels = Vec::new();
        // the packs' words for a level (unknown level ids are an error in the pack)
        for (pt, p) in packs {
            for (id, pl) in &p.seniority.level {
                if !sf.level.iter().any(|l| l.id.get_ref() == id) {
                    let at = pl.title_cues.iter().chain(&pl.lead_patterns).next().map_or(0, |c| c.span().start);
                    self.err_at(pt, at, format!("[seniority.level.{id}]: {id:?} is not a level of seniority.toml"));
                }
            }
        }
        let pack_level = |id: &str| -> Vec<(&RuleText, &files::PackLevel)> {
            packs.iter().filter_map(|(pt, p)| p.seniority.level.get(id).map(|l| (*pt, l))).collect()
        };
        let followers: Vec<String> = sf
            .suffix_followers
            .iter()
            .chain(packs.iter().flat_map(|(_, p)| &p.seniority.suffix_followers))
            .map(|w| w.get_ref().trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .map(|w| regex::escape(&w))
            .collect();
        let followers =
            if followers.is_empty() { String::new() } else { format!(r"|\s+(?:{})(?:\s|$)", followers.join("|")) };
        for l in &sf.level {
            self.check_id(st, &l.id, &mut seen, "level");
            let own = l.title_cues.iter().map(|c| (st, c));
            let all_cues: Vec<(&RuleText, &S)> = own
                .chain(
                    pack_level(l.id.get_ref())
                        .into_iter()
                        .flat_map(|(pt, pl)| pl.title_cues.iter().map(move |c| (pt, c))),
                )
                .collect();
            let cues: Vec<String> = all_cues.iter().map(|(_, c)| c.get_ref().trim().to_lowercase()).collect();
            for (ct, c) in &all_cues {
                if c.get_ref().trim().is_empty() {
                    self.err_at(ct, c.span().start, "empty title cue".into());
                }
            }
            let cue_bytes: usize = cues.iter().map(|c| c.len() + 1).sum();
            let (prefix, suffix, bare) = if cues.is_empty() {
                (None, None, None)
            } else if cue_bytes > MAX_TITLE_CUE_BYTES {
                // refused before compiling: the regex compiler's memory grows with the list
                // long before its size limit says no (7 MB of cues took 2.2 GB)
                let at = l.title_cues.first().map_or(l.id.span().start, |c| c.span().start);
                self.err_at(
                    st,
                    at,
                    format!(
                        "title-cues of level `{}` hold {cue_bytes} bytes; at most {MAX_TITLE_CUE_BYTES} can be compiled (use fewer or shorter cues)",
                        l.id.get_ref()
                    ),
                );
                (None, None, None)
            } else {
                let mut sorted = cues.clone();
                sorted.sort_by_key(|c| std::cmp::Reverse(c.len()));
                let alt = sorted.iter().map(|c| regex::escape(c)).collect::<Vec<_>>().join("|");
                let mut build = |pat: String| match RegexBuilder::new(&pat).size_limit(REGEX_SIZE_LIMIT).build() {
                    Ok(re) => Some(re),
                    Err(e) => {
                        let at = l.title_cues.first().map_or(l.id.span().start, |c| c.span().start);
                        self.err_at(st, at, format!("title-cues cannot be compiled: {}", regex_error(&pat, &e)));
                        None
                    }
                };
                let pre = build(format!(r"(?i)(?:^|[^\w.])((?:{alt}))[\s/,]+$"));
                let suf = build(format!(r"(?i)^[\s,]+(?:-\s+|–\s+)?((?:{alt}))(?:\s*$|\s*[(),.;:|/\]]{followers})"));
                let bare = build(format!(r"(?i)^(?:{alt})$"));
                (pre, suf, bare)
            };
            let mut text_cues = Vec::new();
            for c in &l.text_cues {
                if let Some(re) = self.regex(st, c, "text cue", false) {
                    text_cues.push(re);
                }
            }
            levels.push(Level {
                id: l.id.get_ref().clone(),
                label: l.label.clone(),
                prefix,
                suffix,
                bare,
                text_cues,
                examples: vals(&l.examples),
                counter_examples: vals(&l.counter_examples),
            });
        }
        let default_level = match levels.iter().position(|l| &l.id == sf.default.get_ref()) {
            Some(i) => i,
            None => {
                self.err_at(
                    st,
                    sf.default.span().start,
                    format!("default level {:?} is not a defined level", sf.default.get_ref()),
                );
                0
            }
        };
        let mut roles = Vec::new();
        let mut aliases: Vec<Alias> = Vec::new();
        let mut seen_roles = HashMap::new();
        let mut alias_owner: HashMap<(String, bool), (String, usize, String)> = HashMap::new();
        let mut rule_ids: HashSet<String> = HashSet::new();
        let mut pats = Pats::default();
        // an alias: explicit titles first (a clash is an error), then the titles the grammar
        // generates from `leads` and `practices` (a clash with an earlier title is skipped)
        #[allow(clippy::too_many_arguments)]
        fn add_alias(
            this: &mut Compiler,
            rt: &RuleText,
            t: &S,
            text: &str,
            ri: usize,
            role_id: &str,
            level: Option<usize>,
            kind: AliasKind,
            alias_owner: &mut HashMap<(String, bool), (String, usize, String)>,
            rule_ids: &mut HashSet<String>,
            aliases: &mut Vec<Alias>,
            pats: &mut Pats,
        ) {
            let text = text.trim();
            if text.is_empty() {
                this.err_at(rt, t.span().start, "empty title".into());
                return;
            }
            let cs = text.chars().any(|c| c.is_alphabetic()) && !text.chars().any(|c| c.is_lowercase());
            let key = (if cs { text.to_string() } else { text.to_lowercase() }, cs);
            if let Some((owner, off, file)) = alias_owner.get(&key) {
                if kind == AliasKind::Listed {
                    let at = if *file == rt.shown_as {
                        format!("line {}", line_col(&rt.text, *off).0)
                    } else {
                        file.clone()
                    };
                    this.err_at(
                        rt,
                        t.span().start,
                        format!("title {text:?} is already mapped to role {owner:?} on {at}"),
                    );
                }
                return;
            }
            alias_owner.insert(key, (role_id.to_string(), t.span().start, rt.shown_as.clone()));
            let ai = aliases.len();
            // titles that differ only in punctuation ("ux/ui designer", "ux ui designer")
            // get the same slug: number the later ones so every rule id stays unique
            let prefix = match kind {
                AliasKind::Listed => "",
                AliasKind::Lead => "lead:",
                AliasKind::Practice => "practice:",
            };
            let base = format!("{role_id}:{prefix}{}", slug(text));
            let mut rule = base.clone();
            let mut n = 1;
            while !rule_ids.insert(rule.clone()) {
                n += 1;
                rule = format!("{base}-{n}");
            }
            aliases.push(Alias { role: ri, level, rule, needs_level: kind == AliasKind::Practice });
            if cs {
                pats.cs.push(text.to_string());
                pats.cs_alias.push(ai);
            } else {
                pats.ci.push(text.to_lowercase());
                pats.ci_alias.push(ai);
            }
        }
        for r in &rf.role {
            self.check_id(rt, &r.id, &mut seen_roles, "role");
            let ri = roles.len();
            let id = r.id.get_ref().clone();
            for t in &r.titles {
                add_alias(
                    self,
                    rt,
                    t,
                    t.get_ref(),
                    ri,
                    &id,
                    None,
                    AliasKind::Listed,
                    &mut alias_owner,
                    &mut rule_ids,
                    &mut aliases,
                    &mut pats,
                );
            }
            for lt in &r.leveled_titles {
                match levels.iter().position(|l| &l.id == lt.level.get_ref()) {
                    Some(li) => add_alias(
                        self,
                        rt,
                        &lt.title,
                        lt.title.get_ref(),
                        ri,
                        &id,
                        Some(li),
                        AliasKind::Listed,
                        &mut alias_owner,
                        &mut rule_ids,
                        &mut aliases,
                        &mut pats,
                    ),
                    None => self.err_at(
                        rt,
                        lt.level.span().start,
                        format!(
                            "level {:?} of title {:?} is not defined in seniority.toml",
                            lt.level.get_ref(),
                            lt.title.get_ref()
                        ),
                    ),
                }
            }
            roles.push(Role {
                id,
                label: r.label.clone(),
                family: r.family.clone(),
                doc: r.doc.clone(),
                examples: vals(&r.examples),
                counter_examples: vals(&r.counter_examples),
            });
        }
        // the titles of the language packs, after roles.toml's
        for (pt, p) in packs {
            for (role_id, titles) in &p.titles {
                let Some(ri) = rf.role.iter().position(|r| r.id.get_ref() == role_id) else {
                    let at = titles.first().map_or(p.language.span().start, |t| t.span().start);
                    self.err_at(pt, at, format!("[titles]: {role_id:?} is not a role of roles.toml"));
                    continue;
                };
                for t in titles {
                    add_alias(
                        self,
                        pt,
                        t,
                        t.get_ref(),
                        ri,
                        role_id,
                        None,
                        AliasKind::Listed,
                        &mut alias_owner,
                        &mut rule_ids,
                        &mut aliases,
                        &mut pats,
                    );
                }
            }
        }
        // the title grammar: "{area}" patterns of each level over each role's lead areas
        // (the packs' areas and patterns after the files' own)
        for (pt, p) in packs {
            for (what, map) in [("leads", &p.leads), ("practices", &p.practices)] {
                for (role_id, areas) in map {
                    if !rf.role.iter().any(|r| r.id.get_ref() == role_id) {
                        let at = areas.first().map_or(p.language.span().start, |t| t.span().start);
                        self.err_at(pt, at, format!("[{what}]: {role_id:?} is not a role of roles.toml"));
                    }
                }
            }
        }
        let level_patterns: Vec<Vec<(&RuleText, &S)>> = sf
            .level
            .iter()
            .map(|l| {
                let own = l.lead_patterns.iter().map(|p| (st, p));
                own.chain(
                    pack_level(l.id.get_ref())
                        .into_iter()
                        .flat_map(|(pt, pl)| pl.lead_patterns.iter().map(move |p| (pt, p))),
                )
                .collect()
            })
            .collect();
        for (pats_of_level, l) in level_patterns.iter().zip(&sf.level) {
            for (pt, p) in pats_of_level {
                if !p.get_ref().contains("{area}") {
                    self.err_at(
                        pt,
                        p.span().start,
                        format!("lead pattern {:?} of level {:?} has no {{area}}", p.get_ref(), l.id.get_ref()),
                    );
                }
            }
        }
        let pack_areas = |role_id: &str, practices: bool| {
            packs
                .iter()
                .filter_map(move |(pt, p)| {
                    if practices { &p.practices } else { &p.leads }.get(role_id).map(|v| (*pt, v))
                })
                .flat_map(|(pt, v)| v.iter().map(move |a| (pt, a)))
                .collect::<Vec<_>>()
        };
        for (ri, r) in rf.role.iter().enumerate() {
            let id = r.id.get_ref().clone();
            let leads: Vec<(&RuleText, &S)> = r.leads.iter().map(|a| (rt, a)).chain(pack_areas(&id, false)).collect();
            for (at, area) in leads {
                for (li, pats_of_level) in level_patterns.iter().enumerate() {
                    for (_, p) in pats_of_level {
                        if !p.get_ref().contains("{area}") {
                            continue;
                        }
                        let text = p.get_ref().replace("{area}", area.get_ref().trim());
                        add_alias(
                            self,
                            at,
                            area,
                            &text,
                            ri,
                            &id,
                            Some(li),
                            AliasKind::Lead,
                            &mut alias_owner,
                            &mut rule_ids,
                            &mut aliases,
                            &mut pats,
                        );
                    }
                }
            }
            let practices: Vec<(&RuleText, &S)> =
                r.practices.iter().map(|a| (rt, a)).chain(pack_areas(&id, true)).collect();
            for (at, area) in practices {
                add_alias(
                    self,
                    at,
                    area,
                    area.get_ref(),
                    ri,
                    &id,
                    None,
                    AliasKind::Practice,
                    &mut alias_owner,
                    &mut rule_ids,
                    &mut aliases,
                    &mut pats,
                );
            }
        }
        // titles outside the taxonomy: they take their text, so no shorter title inside them
        // matches ("Production Designer" is no "Designer")
        for t in &rf.outside {
            add_alias(
                self,
                rt,
                t,
                t.get_ref(),
                OUTSIDE,
                "outside",
                None,
                AliasKind::Listed,
                &mut alias_owner,
                &mut rule_ids,
                &mut aliases,
                &mut pats,
            );
        }
        // level codes: "II", "IC3", "Level 2"
        let mut codes = HashMap::new();
        let mut code_words = Vec::new();
        if let Some(cd) = &sf.codes {
            for (code, lvl) in &cd.levels {
                match levels.iter().position(|l| &l.id == lvl.get_ref()) {
                    Some(li) => {
                        codes.insert(code.to_lowercase(), li);
                    }
                    None => self.err_at(
                        st,
                        lvl.span().start,
                        format!("level {:?} of code {code:?} is not a defined level", lvl.get_ref()),
                    ),
                }
            }
            code_words = cd
                .words
                .iter()
                .chain(packs.iter().flat_map(|(_, p)| &p.seniority.code_words))
                .map(|w| regex::escape(w.get_ref().trim()))
                .collect();
        }
        let words =
            if code_words.is_empty() { String::new() } else { format!("(?:(?:{})\\s*)?", code_words.join("|")) };
        let code_suffix = Regex::new(&format!(
            r"(?i)^\s*(?:,\s*|-\s+|–\s+)?\(?({words}(?:[ivx]{{1,4}}|\d{{1,2}}|[a-z]{{1,2}}\d{{1,2}}))\)?(?:$|[\s,.;:|/()\]–-])"
        ))
        .ok();
        let code_prefix = Regex::new(r"(?i)(?:^|[\s(\[])([a-z]{1,2} ?\d{1,2})[\s/,]+$").ok();
        if self.errors.len() > n_err {
            return None;
        }
        let build = |pats: &[String], ci: bool| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(ci)
                .match_kind(MatchKind::LeftmostLongest)
                .build(pats)
                .expect("title automaton")
        };
        Some(Taxonomy {
            roles,
            levels,
            default_level,
            aliases,
            ac_ci: build(&pats.ci, true),
            ci_alias: pats.ci_alias,
            ac_cs: build(&pats.cs, false),
            cs_alias: pats.cs_alias,
            codes,
            code_word_re: (!code_words.is_empty())
                .then(|| Regex::new(&format!("^(?:{})", code_words.join("|").replace(' ', ""))).ok())
                .flatten(),
            code_suffix,
            code_prefix,
        })
    }

    #[allow(clippy::type_complexity)]
    fn categories(&mut self, ct: &RuleText, f: &CategoriesFile) -> Option<(Vec<Category>, ReSet, Vec<usize>)> {
        let n_err = self.errors.len();
        let mut seen = HashMap::new();
        let mut cats = Vec::new();
        let mut pats = Vec::new();
        let mut of = Vec::new();
        for (i, c) in f.category.iter().enumerate() {
            self.check_id(ct, &c.id, &mut seen, "category");
            if c.patterns.is_empty() {
                self.err_at(ct, c.id.span().start, format!("category {:?} has no patterns", c.id.get_ref()));
            }
            for p in &c.patterns {
                if self.regex(ct, p, "pattern", false).is_some() {
                    pats.push(ascii_boundaries(p.get_ref()));
                    of.push(i);
                }
            }
            cats.push(Category {
                id: c.id.get_ref().clone(),
                label: c.label.clone(),
                doc: c.doc.clone(),
                examples: vals(&c.examples),
                counter_examples: vals(&c.counter_examples),
            });
        }
        if self.errors.len() > n_err {
            return None;
        }
        let set = ReSet::build(&pats, REGEX_SIZE_LIMIT * 8);
        match set {
            Ok(s) => Some((cats, s, of)),
            Err(e) => {
                self.err_at(ct, 0, format!("category patterns too large together: {e}"));
                None
            }
        }
    }

    fn boilerplate(&mut self, bt: &RuleText, f: &BoilerplateFile) -> Option<Boilerplate> {
        let n_err = self.errors.len();
        let mut seen = HashMap::new();
        let mut rules = Vec::new();
        for r in &f.rule {
            self.check_id(bt, &r.id, &mut seen, "boilerplate rule");
            if !(0.0..=1.0).contains(&r.min_position) {
                self.err_at(bt, r.id.span().start, "min-position must be between 0 and 1".into());
            }
            if let Some(re) = self.regex(bt, &r.pattern, "pattern", false) {
                rules.push(BoilerRule {
                    id: r.id.get_ref().clone(),
                    doc: r.doc.clone(),
                    re,
                    scope: r.scope,
                    min_position: r.min_position,
                    max_words: r.max_words,
                    examples: vals(&r.examples),
                    counter_examples: vals(&r.counter_examples),
                });
            }
        }
        let kl = &f.keyword_list;
        self.check_id(bt, &kl.id, &mut seen, "boilerplate rule");
        let drop_id_class = self.regex(bt, &f.html.drop_id_class, "drop-id-class", false);
        let content_id_class = f.html.content_id_class.as_ref().map(|c| self.regex(bt, c, "content-id-class", false));
        let keep_id_class = f.html.keep_id_class.as_ref().map(|c| self.regex(bt, c, "keep-id-class", false));
        if self.errors.len() > n_err {
            return None;
        }
        let set = match ReSet::build(&rules.iter().map(|r| r.re.as_str()).collect::<Vec<_>>(), REGEX_SIZE_LIMIT * 8) {
            Ok(s) => s,
            Err(e) => {
                let msg = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
                self.err_at(bt, 0, format!("boilerplate patterns too large together: {msg}"));
                return None;
            }
        };
        let section_ends = rules.iter().filter(|r| matches!(r.scope, Scope::Tail | Scope::Links)).cloned().collect();
        Some(Boilerplate {
            max_words: rules.iter().map(|r| r.max_words).max().unwrap_or(0),
            rules,
            set,
            keyword_list: KeywordList {
                id: kl.id.get_ref().clone(),
                min_segments: kl.min_segments.max(2),
                max_segment_words: kl.max_segment_words,
                min_capitalized: kl.min_capitalized,
                examples: vals(&kl.examples),
                counter_examples: vals(&kl.counter_examples),
            },
            html: HtmlRules {
                drop_tags: f.html.drop_tags.iter().map(|t| t.to_lowercase()).collect(),
                drop_id_class: drop_id_class?,
                drop_roles: f.html.drop_roles.iter().map(|t| t.to_lowercase()).collect(),
                content_id_class: match content_id_class {
                    Some(re) => Some(re?),
                    None => None,
                },
                keep_id_class: match keep_id_class {
                    Some(re) => Some(re?),
                    None => None,
                },
                section_ends,
            },
        })
    }

    /// The duty verbs as one pattern: each base form with its inflections ("manage":
    /// manage, manages, managed, managing; "identify": identifies, identified; "plan":
    /// plans, planned, planning), after optional lead words.
    fn duty_verbs(&mut self, t: &RuleText, f: &ItemsDef, lead: Option<&S>) -> Pat {
        let mut alts = Vec::new();
        for v in &f.duty_verbs {
            let v = v.get_ref().trim().to_lowercase();
            if v.is_empty() {
                continue;
            }
            let (first, rest) = match v.split_once(' ') {
                Some((a, b)) => (a.to_string(), format!(r"\s+{}", regex::escape(b))),
                None => (v.clone(), String::new()),
            };
            let chars: Vec<char> = first.chars().collect();
            let n = chars.len();
            let stem: String = chars[..n.saturating_sub(1)].iter().collect();
            let last = chars[n - 1];
            let vowel = |c: char| "aeiou".contains(c);
            let forms = if last == 'e' {
                format!("{}(?:e|es|ed|ing)", regex::escape(&stem))
            } else if last == 'y' && n > 1 && !vowel(chars[n - 2]) {
                format!("{}(?:y|ies|ied|ying)", regex::escape(&stem))
            } else {
                let e = regex::escape(&first);
                format!("{e}(?:{}?(?:ed|ing))?(?:s|es)?", regex::escape(&last.to_string()))
            };
            alts.push(format!("{forms}{rest}"));
        }
        if alts.is_empty() {
            return Pat::default();
        }
        let Some(lead) = f.duty_verb_lead.as_ref().or(lead) else {
            let at = f.duty_verbs.first().map_or(0, |v| v.span().start);
            self.err_at(t, at, "duty-verbs need a duty-verb-lead (here or in structure.toml)".into());
            return Pat::default();
        };
        // (a lead ending in an apostrophe binds without a space: "d'assurer")
        let pat = format!(r"^(?:(?:{})(?:\s+|\b))*(?:{})\b", lead.get_ref(), alts.join("|"));
        let spanned = toml::Spanned::new(lead.span(), pat);
        Pat(self.regex(t, &spanned, "duty-verbs", false).into_iter().collect())
    }

    /// One optional pattern of a structure file.
    fn pat(&mut self, t: &RuleText, s: &Option<S>, what: &str, allow_empty: bool) -> Pat {
        Pat(s.iter().filter_map(|s| self.regex(t, s, what, allow_empty)).collect())
    }

    /// A list of column patterns, as one pattern.
    fn columns(&mut self, t: &RuleText, pats: &[S], what: &str) -> Pat {
        if pats.is_empty() {
            return Pat::default();
        }
        let mut ok = true;
        for p in pats {
            ok &= self.regex(t, p, what, false).is_some();
        }
        if !ok {
            return Pat::default();
        }
        let joined = pats.iter().map(|p| format!("(?:{})", p.get_ref())).collect::<Vec<_>>().join("|");
        let at = pats[0].span();
        Pat(self.regex(t, &toml::Spanned::new(at, joined), what, false).into_iter().collect())
    }

    /// The patterns of structure.toml or of a pack's `[structure]`.
    fn structure_pats(&mut self, t: &RuleText, f: &StructureFile, lead: Option<&S>) -> StructurePats {
        let p = StructurePats {
            heading_filler: self.pat(t, &f.heading.filler, "heading filler", true),
            heading_not_title: self.pat(t, &f.heading.not_title, "not-title", false),
            table_role_columns: self.columns(t, &f.table.role_columns, "role column pattern"),
            table_duty_columns: self.columns(t, &f.table.duty_columns, "duty column pattern"),
            table_department_columns: self.columns(t, &f.table.department_columns, "department column pattern"),
            non_duty_lead_in: self.pat(t, &f.lists.non_duty_lead_in, "non-duty-lead-in", false),
            duty_lead_in: self.pat(t, &f.lists.duty_lead_in, "duty-lead-in", false),
            requirements_lead_in: self.pat(t, &f.lists.requirements_lead_in, "requirements-lead-in", false),
            prose_lead: self.pat(t, &f.prose.lead, "prose lead", true),
            prose_verbs: self.pat(t, &f.prose.verbs, "prose verbs", false),
            prose_duty: self.pat(t, &f.prose.duty, "prose duty", false),
            prose_non_duty: self.pat(t, &f.prose.non_duty, "prose non-duty", false),
            section_duty: self.pat(t, &f.sections.duty, "duty section", false),
            section_non_duty: self.pat(t, &f.sections.non_duty, "non-duty section", false),
            section_requirements: self.pat(t, &f.sections.requirements, "requirements section", false),
            section_nice_to_have: self.pat(t, &f.sections.nice_to_have, "nice-to-have section", false),
            section_skills: self.pat(t, &f.sections.skills, "skills section", false),
            section_benefits: self.pat(t, &f.sections.benefits, "benefits section", false),
            section_company: self.pat(t, &f.sections.company, "company section", false),
            section_process: self.pat(t, &f.sections.process, "process section", false),
            section_legal: self.pat(t, &f.sections.legal, "legal section", false),
            item_duty_verbs: self.duty_verbs(t, &f.items, lead),
            item_hire_duty: self.pat(t, &f.items.hire_duty, "hire-duty", false),
            item_ladder_subject: self.pat(t, &f.items.ladder_subject, "ladder-subject", false),
            item_first_person: self.pat(t, &f.items.first_person, "first-person", false),
            item_team_title: self.pat(t, &f.items.team_title, "team-title", false),
            item_team_duty: self.pat(t, &f.items.team_duty, "team-duty", false),
            item_not_duty: self.pat(t, &f.items.not_duty, "not-duty", false),
            req_years: self.pat(t, &f.requirements.years, "years", false),
            req_degree: self.pat(t, &f.requirements.degree, "degree", false),
            req_skills: self.pat(t, &f.requirements.skills, "skills", false),
            abbreviations: f
                .abbreviations
                .iter()
                .map(|a| a.get_ref().trim().trim_end_matches('.').to_lowercase())
                .filter(|a| !a.is_empty())
                .collect(),
            list_joiners: f
                .requirements
                .list_joiners
                .iter()
                .map(|j| j.get_ref().trim().to_lowercase())
                .filter(|j| !j.is_empty())
                .collect(),
        };
        for a in &f.abbreviations {
            if a.get_ref().trim().trim_end_matches('.').is_empty() {
                self.err_at(t, a.span().start, "empty abbreviation".into());
            }
        }
        for (re, s, names) in [
            (&p.req_years, &f.requirements.years, &["min", "max"][..]),
            (&p.req_skills, &f.requirements.skills, &["list"][..]),
        ] {
            for r in &re.0 {
                let groups = group_names(r.as_str());
                for name in names {
                    if !groups.iter().any(|n| n == name) {
                        let at = s.as_ref().map_or(0, |s| s.span().start);
                        self.err_at(
                            t,
                            at,
                            format!(
                                "{} pattern needs a group named {name:?}",
                                if names.len() == 2 { "years" } else { "skills" }
                            ),
                        );
                    }
                }
            }
        }
        p
    }

    /// The examples of structure.toml or of a pack.
    fn structure_examples(&mut self, t: &RuleText, f: &StructureFile, language: Option<&str>) -> StructureExamples {
        let mut kind_examples = |map: &BTreeMap<String, Vec<S>>, kinds: &[&str], what: &str| {
            let mut v = Vec::new();
            for (kind, labels) in map {
                if !kinds.contains(&kind.as_str()) {
                    let at = labels.first().map_or(0, |l| l.span().start);
                    self.err_at(t, at, format!("{what} examples: unknown kind {kind:?} (one of {})", kinds.join(", ")));
                }
                v.extend(labels.iter().map(|l| (kind.clone(), l.get_ref().clone())));
            }
            v
        };
        let sections = kind_examples(
            &f.sections.examples,
            &[
                "duties",
                "requirements",
                "nice-to-have",
                "skills",
                "benefits",
                "company",
                "process",
                "legal",
                "other",
                "none",
            ],
            "[sections]",
        );
        let lead_ins = kind_examples(&f.lists.examples, &["duties", "requirements", "other", "none"], "[lists]");
        StructureExamples {
            file: t.name.clone(),
            language: language.map(str::to_string),
            items: vals(&f.items.examples),
            item_counter_examples: vals(&f.items.counter_examples),
            sections,
            lead_ins,
            requirements: vals(&f.requirements.examples),
        }
    }

    /// The languages: a pack per file of `rules/lang/`, named by its file; structure.toml's
    /// `detect` and `fallback`.
    fn languages(&mut self, st: &RuleText, f: &StructureFile, packs: &[(&RuleText, PackFile)]) -> Option<Languages> {
        let n_err = self.errors.len();
        let code = |this: &mut Compiler, t: &RuleText, s: &S| match whatlang::Lang::from_code(s.get_ref().as_str()) {
            Some(l) => Some(l),
            None => {
                this.err_at(
                    t,
                    s.span().start,
                    format!(
                        "{:?} is not an ISO 639-3 language code whatlang knows (e.g. \"eng\", \"deu\")",
                        s.get_ref()
                    ),
                );
                None
            }
        };
        let mut langs = Vec::new();
        let mut names = Vec::new();
        for (t, p) in packs {
            let want = t.name.trim_start_matches("lang/").trim_end_matches(".toml");
            if p.language.get_ref() != want {
                self.err_at(t, p.language.span().start, format!("language must be {want:?}, the file's name"));
            }
            if names.contains(p.language.get_ref()) {
                self.err_at(t, p.language.span().start, format!("a second pack for {:?}", p.language.get_ref()));
            }
            if let Some(l) = code(self, t, &p.language) {
                langs.push(l);
                names.push(l.code().to_string());
            }
            // the ids and sizes of the extractor's steps are structure.toml's
            let s = &p.structure;
            for id in [&s.heading.id, &s.table.id, &s.lists.id, &s.subheading.id, &s.prose.id, &s.sections.id]
                .into_iter()
                .chain([&s.items.id, &s.requirements.id])
                .flatten()
            {
                self.err_at(t, id.span().start, "ids are set in structure.toml, not in a pack".into());
            }
            for n in [&s.heading.max_words, &s.subheading.max_words].into_iter().flatten() {
                self.err_at(t, n.span().start, "max-words is set in structure.toml, not in a pack".into());
            }
            if !s.detect.is_empty() || s.fallback.is_some() {
                self.err_at(t, p.language.span().start, "detect and fallback are set in structure.toml".into());
            }
        }
        let mut detected = names.clone();
        let mut all = langs.clone();
        for d in &f.detect {
            if let Some(l) = code(self, st, d) {
                if !all.contains(&l) {
                    all.push(l);
                    detected.push(l.code().to_string());
                }
            }
        }
        let fallback = f.fallback.as_ref().and_then(|fb| {
            if names.contains(fb.get_ref()) {
                Some(fb.get_ref().clone())
            } else {
                self.err_at(st, fb.span().start, format!("fallback {:?} has no pack in lang/", fb.get_ref()));
                None
            }
        });
        if self.errors.len() > n_err {
            return None;
        }
        let detector = if all.is_empty() { whatlang::Detector::new() } else { whatlang::Detector::with_allowlist(all) };
        let common = self.common_words(st, f, packs)?;
        Some(Languages { packs: names, fallback, detected, detector, common })
    }

    /// structure.toml `[common-words]` and the packs' words.
    fn common_words(
        &mut self,
        st: &RuleText,
        f: &StructureFile,
        packs: &[(&RuleText, PackFile)],
    ) -> Option<CommonWords> {
        let n_err = self.errors.len();
        let cw = &f.common_words;
        if let Some(w) = cw.words.first() {
            self.err_at(st, w.span().start, "common words belong to a language: set them in its pack".into());
        }
        let frac = |this: &mut Self, v: &Option<toml::Spanned<f64>>, what: &str| match v {
            Some(x) if !(0.0..=1.0).contains(x.get_ref()) => {
                this.err_at(st, x.span().start, format!("{what} must be between 0 and 1"));
                0.0
            }
            Some(x) => *x.get_ref(),
            None => 0.0,
        };
        let share = frac(self, &cw.share, "share");
        let rival = frac(self, &cw.rival, "rival");
        let mut out = CommonWords {
            packs: Vec::new(),
            share,
            rival,
            min_words: cw.min_words.as_ref().map_or(0, |n| *n.get_ref()),
        };
        for (t, p) in packs {
            let c = &p.structure.common_words;
            for x in [
                c.share.as_ref().map(|s| s.span().start),
                c.rival.as_ref().map(|s| s.span().start),
                c.min_words.as_ref().map(|s| s.span().start),
            ]
            .into_iter()
            .flatten()
            {
                self.err_at(t, x, "share, rival and min-words are set in structure.toml".into());
            }
            if c.words.is_empty() {
                continue;
            }
            let mut set = rustc_hash::FxHashSet::default();
            for w in &c.words {
                let v = w.get_ref();
                if v.is_empty() || !v.chars().all(char::is_alphabetic) || v.chars().any(char::is_uppercase) {
                    self.err_at(t, w.span().start, format!("common word {v:?} must be one lower-case word of letters"));
                } else if !set.insert(v.clone()) {
                    self.err_at(t, w.span().start, format!("common word {v:?} is listed twice"));
                }
            }
            out.packs.push((p.language.get_ref().clone(), set));
        }
        if !out.packs.is_empty() && cw.share.is_none() {
            self.err_at(st, 0, "packs list common words: structure.toml needs [common-words] share".into());
        }
        (self.errors.len() == n_err).then_some(out)
    }

    /// structure.toml and the packs' structure: the rules for every language, and for each pack's.
    #[allow(clippy::type_complexity)]
    fn structure(
        &mut self,
        t: &RuleText,
        f: &StructureFile,
        packs: &[(&RuleText, PackFile)],
    ) -> Option<(Structure, Vec<(String, Structure)>)> {
        let n_err = self.errors.len();
        // the ids in structure.toml name the extractor's steps; they must be the ones it writes
        for (id, want) in [
            (&f.heading.id, "heading:role"),
            (&f.table.id, "table:row"),
            (&f.lists.id, "list:item"),
            (&f.subheading.id, "subheading"),
            (&f.prose.id, "prose:subject"),
            (&f.sections.id, "section"),
            (&f.items.id, "item"),
            (&f.requirements.id, "requirement"),
        ] {
            match id {
                Some(id) if id.get_ref() == want => {}
                Some(id) => {
                    self.err_at(t, id.span().start, format!("id must be {want:?} (the extractor step it configures)"))
                }
                None => self.err_at(t, 0, format!("missing id = {want:?} (the extractor step a table configures)")),
            }
        }
        let max_words = |this: &mut Compiler, n: &Option<toml::Spanned<usize>>, table: &str| match n {
            Some(n) => *n.get_ref(),
            None => {
                this.err_at(t, 0, format!("[{table}] needs max-words"));
                0
            }
        };
        let heading_max_words = max_words(self, &f.heading.max_words, "heading");
        let subheading_max_words = max_words(self, &f.subheading.max_words, "subheading");
        let lead = f.items.duty_verb_lead.as_ref();
        let neutral = self.structure_pats(t, f, None);
        let mut examples = vec![self.structure_examples(t, f, None)];
        let mut all = neutral.clone();
        let mut owns = Vec::new();
        for (pt, p) in packs {
            let own = self.structure_pats(pt, &p.structure, lead);
            all.extend(&own);
            examples.push(self.structure_examples(pt, &p.structure, Some(p.language.get_ref())));
            owns.push(own);
        }
        // a pack's variant: structure.toml's patterns, its own, those of the packs it names in `also`
        let mut per_pack = Vec::new();
        for (i, (pt, p)) in packs.iter().enumerate() {
            let mut pats = neutral.clone();
            pats.extend(&owns[i]);
            for a in &p.also {
                match packs.iter().position(|(_, q)| q.language.get_ref() == a.get_ref()) {
                    Some(j) if j != i => pats.extend(&owns[j]),
                    _ => {
                        self.err_at(pt, a.span().start, format!("also: {:?} is not another pack of lang/", a.get_ref()))
                    }
                }
            }
            per_pack.push((p.language.get_ref().clone(), pats));
        }
        if self.errors.len() > n_err {
            return None;
        }
        let make = |pats: StructurePats| Structure {
            pats,
            heading_max_words,
            subheading_max_words,
            examples: examples.clone(),
        };
        let variants = per_pack.into_iter().map(|(code, pats)| (code, make(pats))).collect();
        Some((make(all), variants))
    }
}

/// Category ids by index, for output.
pub fn category_ids(rules: &Rules, idx: &[usize]) -> Vec<String> {
    idx.iter().map(|&i| rules.categories[i].id.clone()).collect()
}

/// A stable, sorted view of role ids to labels (for docs and comparisons).
pub fn role_labels(rules: &Rules) -> BTreeMap<String, String> {
    rules.taxonomy.roles.iter().map(|r| (r.id.clone(), r.label.clone())).collect()
}

#[cfg(test)]
mod tests;
