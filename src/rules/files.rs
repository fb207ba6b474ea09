//! Phase one of loading rules: the TOML files as serde types. Unknown keys are errors
//! (`deny_unknown_fields`), so a misspelled key is reported with its file and line.

use serde::Deserialize;
use toml::Spanned;

pub type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RolesFile {
    /// Titles outside the taxonomy that end in one of its titles ("production designer").
    #[serde(default)]
    pub outside: Vec<S>,
    #[serde(default)]
    pub role: Vec<RoleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RoleDef {
    pub id: S,
    pub label: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub titles: Vec<S>,
    #[serde(default)]
    pub leveled_titles: Vec<LeveledTitle>,
    /// Areas a leader of this role heads ("product" in "Head of Product", "VP, Product"):
    /// combined with the `lead-patterns` of seniority.toml.
    #[serde(default)]
    pub leads: Vec<S>,
    /// Areas this role practises ("product design" in "Product Design level 2"): a title
    /// only when a level code or a level word follows.
    #[serde(default)]
    pub practices: Vec<S>,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LeveledTitle {
    pub title: S,
    pub level: S,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SeniorityFile {
    pub default: S,
    /// Words that may follow a seniority word written after a title, the title going on
    /// with a qualifier: "Product Marketing Intern at Apple".
    #[serde(default)]
    pub suffix_followers: Vec<S>,
    #[serde(default)]
    pub codes: Option<CodesDef>,
    #[serde(default)]
    pub level: Vec<LevelDef>,
}

/// Level codes written in titles: "Product Manager II", "IC3", "L5", "Level 2".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CodesDef {
    /// Words that introduce a number: "level", "band", "grade".
    #[serde(default)]
    pub words: Vec<S>,
    /// Code (lower case, no spaces: "ii", "3", "ic3", "l5") to level id.
    pub levels: std::collections::BTreeMap<String, S>,
    #[serde(default)]
    pub examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LevelDef {
    pub id: S,
    pub label: String,
    #[serde(default)]
    pub title_cues: Vec<S>,
    #[serde(default)]
    pub text_cues: Vec<S>,
    /// Title patterns over a role's `leads` areas, `{area}` standing for the area:
    /// "head of {area}", "vp, {area}", "chief {area} officer".
    #[serde(default)]
    pub lead_patterns: Vec<S>,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CategoriesFile {
    #[serde(default)]
    pub category: Vec<CategoryDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CategoryDef {
    pub id: S,
    pub label: String,
    #[serde(default)]
    pub doc: String,
    pub patterns: Vec<S>,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BoilerplateFile {
    #[serde(default)]
    pub rule: Vec<BoilerRuleDef>,
    pub keyword_list: KeywordListDef,
    pub html: HtmlDef,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// drop the block
    Block,
    /// drop the block and everything after it (past `min-position`)
    Tail,
    /// a label of links to other pages: drop the block, and in HTML the box it heads or
    /// the run of one-link paragraphs after it
    Links,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BoilerRuleDef {
    pub id: S,
    #[serde(default)]
    pub doc: String,
    pub pattern: S,
    pub scope: Scope,
    #[serde(default)]
    pub min_position: f64,
    pub max_words: usize,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KeywordListDef {
    pub id: S,
    #[serde(default)]
    pub doc: String,
    pub min_segments: usize,
    pub max_segment_words: usize,
    pub min_capitalized: f64,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HtmlDef {
    pub drop_tags: Vec<String>,
    pub drop_id_class: S,
    #[serde(default)]
    pub drop_roles: Vec<String>,
    /// id/class words that mark an element as the page's content (a hint for scoring)
    pub content_id_class: Option<S>,
    /// id/class words that keep a `drop-id-class` element a candidate for the content
    pub keep_id_class: Option<S>,
}

/// structure.toml, and the `[structure]` table of a language pack (`rules/lang/*.toml`).
/// Every pattern may be left out (it then never matches); a pack sets only patterns, the
/// ids and sizes are structure.toml's. A pack's patterns are tried on documents of its
/// language, next to structure.toml's (which hold what no language owns).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct StructureFile {
    /// Languages told apart by the language detector besides those of the packs (ISO 639-3):
    /// a document in one of them is named in documents.csv and read with the fallback pack.
    pub detect: Vec<S>,
    /// The pack a document in a language without a pack is read with (next to the
    /// language-neutral rules): "eng", as job titles and headings are often English.
    pub fallback: Option<S>,
    /// Words that end with a period without ending a sentence ("e.g", "z.b"), lower case,
    /// without their last period.
    pub abbreviations: Vec<S>,
    /// Language detection by common words before whatlang's trigrams: the thresholds in
    /// structure.toml, the words in each pack.
    pub common_words: CommonWordsDef,
    pub heading: HeadingDef,
    pub table: TableDef,
    pub lists: ListsDef,
    pub subheading: SubheadingDef,
    pub prose: ProseDef,
    pub sections: SectionsDef,
    pub items: ItemsDef,
    pub requirements: RequirementsDef,
}

/// A language pack, `rules/lang/<code>.toml`: the words of one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackFile {
    /// ISO 639-3 code (the file's name without `.toml`).
    pub language: S,
    /// Other packs whose structure patterns are tried on documents of this language too
    /// ("eng": German postings often have English headings).
    #[serde(default)]
    pub also: Vec<S>,
    /// Titles in this language, by role id (roles.toml): read in documents of every
    /// language, as a title is a name ("Chef de produit" in an English posting).
    #[serde(default)]
    pub titles: std::collections::BTreeMap<String, Vec<S>>,
    /// Lead areas in this language, by role id: with the lead patterns they give
    /// "Leitung Produktmanagement" (read in every language, as titles are).
    #[serde(default)]
    pub leads: std::collections::BTreeMap<String, Vec<S>>,
    /// Practised areas in this language, by role id (as roles.toml `practices`).
    #[serde(default)]
    pub practices: std::collections::BTreeMap<String, Vec<S>>,
    /// Seniority words of this language (added to seniority.toml's; read in every language).
    #[serde(default)]
    pub seniority: PackSeniority,
    /// Patterns of structure.toml's tables, tried only on documents of this language.
    #[serde(default)]
    pub structure: StructureFile,
    /// Words of posting metadata (workplace, employment type, salary, dates, level words):
    /// the union of every pack's is applied to every document.
    #[serde(default)]
    pub posting: PackPosting,
}

/// The `[seniority]` table of a pack: words added to seniority.toml's.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackSeniority {
    /// As seniority.toml `suffix-followers` ("bei", "chez").
    pub suffix_followers: Vec<S>,
    /// As seniority.toml `[codes] words` ("stufe", "niveau").
    pub code_words: Vec<S>,
    /// Level id (seniority.toml) to its words in this language.
    pub level: std::collections::BTreeMap<String, PackLevel>,
}

/// The words of one level in a pack.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackLevel {
    pub title_cues: Vec<S>,
    pub lead_patterns: Vec<S>,
}

/// Kind (or code, or number) to the words or patterns that give it.
pub type Kinds = std::collections::BTreeMap<String, Vec<S>>;

/// posting.toml: what posting metadata and dump reading need that belongs to no language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PostingFile {
    pub title_separators: Vec<S>,
    #[serde(default)]
    pub name_joiners: Vec<S>,
    pub max_title_words: Spanned<usize>,
    #[serde(default)]
    pub employment_values: Kinds,
    pub currency: CurrencyDef,
    pub salary: SalaryDef,
    #[serde(default)]
    pub json_ld: JsonLdDef,
    pub fields: RecordFieldsDef,
    pub dump: DumpDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CurrencyDef {
    pub codes: Vec<S>,
    #[serde(default)]
    pub high_denomination: Vec<S>,
    /// ISO code to symbols.
    #[serde(default)]
    pub symbols: Kinds,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SalaryDef {
    pub lone_amount_min: Spanned<f64>,
    pub amount_max: Spanned<f64>,
    pub text_salary_max: Spanned<f64>,
    #[serde(default)]
    pub magnitudes: Vec<S>,
    #[serde(default)]
    pub thousands: Vec<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct JsonLdDef {
    /// Workplace (hybrid, remote, on-site) to `jobLocationType` substrings.
    pub workplace: Kinds,
}

/// The fields of a scraped record read for posting metadata.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RecordFieldsDef {
    pub title: Vec<S>,
    pub company: Vec<S>,
    pub location: Vec<S>,
    pub location_parts: Vec<S>,
    pub remote_flag: Vec<S>,
    pub workplace: Vec<S>,
    pub employment_type: Vec<S>,
    pub currency: Vec<S>,
    pub period: Vec<S>,
    pub min_amount: Vec<S>,
    pub max_amount: Vec<S>,
    pub salary: Vec<S>,
    pub date: Vec<S>,
    pub null_values: Vec<S>,
    pub true_values: Vec<S>,
    pub false_values: Vec<S>,
}

/// The fields of a dump's records, and what tells a postings CSV from a table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DumpDef {
    pub text: Vec<S>,
    pub title: Vec<S>,
    pub company: Vec<S>,
    pub id: Vec<S>,
    pub url: Vec<S>,
    pub date: Vec<S>,
    #[serde(default)]
    pub not_text: Vec<S>,
    #[serde(default)]
    pub level_codes: Vec<S>,
    pub long_text: Spanned<usize>,
}

/// The `[posting]` table of a language pack: the words of its language.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackPosting {
    pub connectors: Vec<S>,
    pub range_words: Vec<S>,
    pub clause_words: Vec<S>,
    pub name_joiners: Vec<S>,
    pub ordinal_suffixes: Vec<S>,
    pub period_leads: Vec<S>,
    pub level_words: Vec<S>,
    pub workplace: CueWordsDef,
    pub employment: CueWordsDef,
    pub currency_words: Kinds,
    pub periods: PeriodWordsDef,
    pub salary: SalaryWordsDef,
    pub months: Kinds,
}

/// Labels (whole segments), phrases (anywhere in a line) and title suffixes, by kind.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CueWordsDef {
    pub labels: Kinds,
    pub phrases: Kinds,
    pub title_suffixes: Kinds,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PeriodWordsDef {
    pub units: Kinds,
    pub adverbs: Kinds,
    pub context: Kinds,
    pub values: Kinds,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SalaryWordsDef {
    pub context_words: Vec<S>,
    pub context_stems: Vec<S>,
    pub not_salary: Vec<S>,
    pub magnitudes: Vec<S>,
    pub min_leads: Vec<S>,
    pub max_leads: Vec<S>,
    pub thousands: Vec<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ItemsDef {
    pub id: Option<S>,
    pub duty_verbs: Vec<S>,
    pub duty_verb_lead: Option<S>,
    pub hire_duty: Option<S>,
    pub ladder_subject: Option<S>,
    pub first_person: Option<S>,
    pub team_title: Option<S>,
    pub team_duty: Option<S>,
    pub not_duty: Option<S>,
    pub examples: Vec<S>,
    /// Lines that must match `not-duty`.
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SectionsDef {
    pub id: Option<S>,
    pub duty: Option<S>,
    pub non_duty: Option<S>,
    pub requirements: Option<S>,
    pub nice_to_have: Option<S>,
    pub skills: Option<S>,
    pub benefits: Option<S>,
    pub company: Option<S>,
    pub process: Option<S>,
    pub legal: Option<S>,
    /// Labels and the kind each must get: kind name (`duties`, `requirements`, …, `other`,
    /// or `none` for a label that names no section) to labels.
    pub examples: Kinds,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RequirementsDef {
    pub id: Option<S>,
    pub years: Option<S>,
    pub degree: Option<S>,
    pub skills: Option<S>,
    /// Words that join the skills of a list ("and", "or"), besides commas and semicolons.
    pub list_joiners: Vec<S>,
    pub examples: Vec<S>,
}

/// `[common-words]` of structure.toml (the thresholds) and `[structure.common-words]` of a
/// pack (its language's most common words, lower case).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CommonWordsDef {
    pub words: Vec<S>,
    /// The least share of a sample's words that are one pack's common words.
    pub share: Option<Spanned<f64>>,
    /// The most another pack's share may reach, as a fraction of the first's.
    pub rival: Option<Spanned<f64>>,
    /// The fewest words a sample must have.
    pub min_words: Option<Spanned<usize>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct HeadingDef {
    pub id: Option<S>,
    pub filler: Option<S>,
    pub max_words: Option<Spanned<usize>>,
    pub not_title: Option<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TableDef {
    pub id: Option<S>,
    pub role_columns: Vec<S>,
    pub duty_columns: Vec<S>,
    pub department_columns: Vec<S>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ListsDef {
    pub id: Option<S>,
    pub non_duty_lead_in: Option<S>,
    pub duty_lead_in: Option<S>,
    pub requirements_lead_in: Option<S>,
    /// Lead-ins and the kind each gives the list after it (`duties`, `requirements`,
    /// `other`, or `none`).
    pub examples: Kinds,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SubheadingDef {
    pub id: Option<S>,
    pub max_words: Option<Spanned<usize>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProseDef {
    pub id: Option<S>,
    pub lead: Option<S>,
    pub verbs: Option<S>,
    pub duty: Option<S>,
    pub non_duty: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CompanyFile {
    pub id: S,
    pub front_matter_keys: Vec<String>,
    pub contact_keys: Vec<String>,
    pub generic_domains: Vec<String>,
    pub min_mentions: usize,
    /// Words right before a capitalised name that use it as an organisation ("at", "join").
    #[serde(default)]
    pub org_use_before: Vec<String>,
    /// Words right after it that do ("is", "offers").
    #[serde(default)]
    pub org_use_after: Vec<String>,
    pub stop_names: Vec<String>,
    /// Names that are never the employer: job boards, applicant-tracking hosts, site parts.
    #[serde(default)]
    pub generic_names: Vec<String>,
    /// Words naming a careers section of a site, stripped from the ends of a site name.
    #[serde(default)]
    pub section_words: Vec<String>,
    /// Legal forms ("GmbH", "AG", "Ltd") kept after a name when the text writes them.
    #[serde(default)]
    pub legal_forms: Vec<String>,
    /// Page-title parts that name the site: "jobs at {name}", "{name} hiring *".
    #[serde(default)]
    pub site_patterns: Vec<S>,
    /// Sentences and headings that name the employer, tried in file order.
    #[serde(default)]
    pub text: Vec<CompanyTextDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CompanyTextDef {
    pub id: S,
    #[serde(default)]
    pub doc: String,
    /// `"block"`: the pattern is a whole block (a heading or a line of its own); `"text"`:
    /// anywhere in a block.
    pub scope: S,
    pub patterns: Vec<S>,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

/// `codes.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodesFile {
    #[serde(default)]
    pub role: Vec<RoleCodesDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RoleCodesDef {
    pub id: S,
    pub esco: Option<S>,
    pub onet: Option<S>,
    pub why: String,
    /// seniority level id -> other codes
    #[serde(default)]
    pub levels: std::collections::BTreeMap<String, LevelCodesDef>,
    #[serde(default)]
    pub examples: Vec<S>,
    #[serde(default)]
    pub counter_examples: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelCodesDef {
    pub esco: Option<S>,
    pub onet: Option<S>,
    pub why: String,
}
