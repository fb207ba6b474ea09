//! Posting metadata (issue "Postings metadata"): title, company, location, workplace
//! (remote / hybrid / on-site), employment type, salary range and posting date.
//!
//! Three pure sources, combined by [`merge`] in the caller's order of trust:
//! - [`from_json_ld`]: `<script type="application/ld+json">` blocks holding a schema.org
//!   `JobPosting`, the best source when a page has one;
//! - [`from_fields`]: the columns of a scraped record (JobSpy-style names);
//! - [`from_text`]: cues in the cleaned lines of the posting (workplace, employment type,
//!   salary only: title, company and location come from the other sources or stages).
//!
//! Every field that is set records its source in [`PostingMeta::evidence`]. Nothing here
//! panics on malformed input: JSON that does not parse is skipped, odd numbers are dropped.
//!
//! Choices worth knowing:
//! - a single salary figure is stored as `min == max`; "up to X" sets only `max`, "from X"
//!   and "X+" only `min`; the period is only set when the source states it;
//! - a bare `$` is read as USD;
//! - "Werkstudent"/"working student" and "Minijob" are `part-time` (student jobs are capped
//!   at about 20 hours a week), "Praktikum" is `internship`, "befristet"/"fixed-term" is
//!   `temporary`, "freelance" is `contract`;
//! - "Homeoffice", "Home-Office möglich", "mobiles Arbeiten" are `hybrid` (German postings
//!   use them for partial home office); "100% Homeoffice", "Remote möglich" are `remote`.

use crate::clean::text::decode_entities;
use crate::rules::posting::{squash, Cues, PostingRules, HYBRID, IGNORE, NOT_REMOTE, ON_SITE, REMOTE};
use regex::{Captures, Regex};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::LazyLock;

// ---------------------------------------------------------------------------------------
// The words are rules: posting.toml (currencies, record field names, separators, figures)
// and the `[posting]` table of each language pack (labels, phrases, period and salary words,
// months), compiled once into `rules.posting` ([`PostingRules`]). Matching is
// case-insensitive. A *phrase* matches anywhere in a line, with a space, a hyphen or nothing
// between its words ("on site" also matches "on-site" and "onsite"). A *label* must be a
// whole segment of a line, where segments are split at `| · • , ; : ( ) [ ] / + &`, " - ",
// and the packs' connectors (" or ", " und "): "Berlin (Hybrid)", "Full-time · Remote".
// ---------------------------------------------------------------------------------------

/// Source names used in [`PostingMeta::evidence`].
pub const SOURCE_JSON_LD: &str = "json-ld";
pub const SOURCE_FIELDS: &str = "fields";
pub const SOURCE_TEXT: &str = "text";

// ---------------------------------------------------------------------------------------
// Public data
// ---------------------------------------------------------------------------------------

/// A salary range; a single figure has `min == max`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Salary {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// ISO 4217 code when known ("USD", "EUR"), else as written.
    pub currency: Option<String>,
    /// "year" | "month" | "week" | "day" | "hour", when the source states it.
    pub period: Option<String>,
}

/// What a posting says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct PostingMeta {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    /// "remote" | "hybrid" | "on-site"
    pub workplace: Option<String>,
    /// "full-time" | "part-time" | "contract" | "temporary" | "internship" | "volunteer" |
    /// "per-diem" | "other"
    pub employment_type: Option<String>,
    pub salary: Option<Salary>,
    /// When the posting was published: ISO yyyy-mm-dd when parseable, and as written.
    pub date_posted: Option<PostedDate>,
    /// where each field came from, e.g. ("salary", "json-ld"), ("workplace", "text")
    pub evidence: Vec<(String, String)>,
    /// Every organisation name the page head offers, as (source, name), strongest first
    /// (see [`from_html_head`]); read by company detection, not written to the output.
    #[serde(skip)]
    pub names: Vec<(String, String)>,
}

/// A posting date: the calendar date when the text could be read as one, and the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PostedDate {
    /// ISO yyyy-mm-dd, a real calendar date (`2024-02-30` is none).
    pub iso: Option<String>,
    /// The date as written, whitespace collapsed.
    pub raw: String,
}

const F_TITLE: &str = "title";
const F_COMPANY: &str = "company";
const F_LOCATION: &str = "location";
const F_WORKPLACE: &str = "workplace";
const F_EMPLOYMENT: &str = "employment_type";
const F_SALARY: &str = "salary";
const F_DATE: &str = "date_posted";

impl PostingMeta {
    /// The posting date, ISO when it could be read, else as written.
    pub fn date(&self) -> Option<&str> {
        self.date_posted.as_ref().map(|d| d.iso.as_deref().unwrap_or(&d.raw))
    }

    /// The fields whose evidence is one of `sources`; the others are left out.
    pub fn only_from(self, sources: &[&str]) -> PostingMeta {
        let keep = |field: &str| self.evidence.iter().any(|(f, s)| f == field && sources.contains(&s.as_str()));
        PostingMeta {
            title: self.title.clone().filter(|_| keep(F_TITLE)),
            company: self.company.clone().filter(|_| keep(F_COMPANY)),
            location: self.location.clone().filter(|_| keep(F_LOCATION)),
            workplace: self.workplace.clone().filter(|_| keep(F_WORKPLACE)),
            employment_type: self.employment_type.clone().filter(|_| keep(F_EMPLOYMENT)),
            salary: self.salary.clone().filter(|_| keep(F_SALARY)),
            date_posted: self.date_posted.clone().filter(|_| keep(F_DATE)),
            evidence: self.evidence.iter().filter(|(_, s)| sources.contains(&s.as_str())).cloned().collect(),
            names: self.names,
        }
    }

    /// Record `source` as the evidence of every field that is set.
    fn stamp(&mut self, source: &str) {
        let set = [
            (F_TITLE, self.title.is_some()),
            (F_COMPANY, self.company.is_some()),
            (F_LOCATION, self.location.is_some()),
            (F_WORKPLACE, self.workplace.is_some()),
            (F_EMPLOYMENT, self.employment_type.is_some()),
            (F_SALARY, self.salary.is_some()),
            (F_DATE, self.date_posted.is_some()),
        ];
        for (field, is_set) in set {
            if is_set {
                self.evidence.push((field.to_string(), source.to_string()));
            }
        }
    }

    fn source_of(&self, field: &str) -> Option<&str> {
        self.evidence.iter().find(|(f, _)| f == field).map(|(_, s)| s.as_str())
    }
}

// ---------------------------------------------------------------------------------------
// JSON-LD
// ---------------------------------------------------------------------------------------

/// JSON-LD: every `<script type="application/ld+json">` in the HTML (type matched without
/// regard to case; comment and CDATA wrappers, arrays, `@graph` and nesting allowed), the
/// first object whose `@type` is `JobPosting` (string or array). Blocks that do not parse
/// are skipped (one retry with raw control characters blanked, a common publisher error).
/// `None` when no block holds a `JobPosting`; the raw text is scanned for the `ld+json`
/// marker before anything is parsed.
pub fn from_json_ld(html: &str, p: &PostingRules) -> Option<PostingMeta> {
    if !has_ld_json_marker(html) {
        return None;
    }
    ld_json_blocks(html)
        .into_iter()
        .flat_map(parse_ld_block)
        .find_map(|v| find_job_posting(&v, 0).map(|m| map_job_posting(m, p)))
}

fn has_ld_json_marker(s: &str) -> bool {
    let b = s.as_bytes();
    s.match_indices('+').any(|(i, _)| {
        i >= 2
            && b[i - 2..i].eq_ignore_ascii_case(b"ld")
            && b.get(i + 1..i + 5).is_some_and(|w| w.eq_ignore_ascii_case(b"json"))
    })
}

/// Byte offset of an ASCII `needle` in `hay` at or after `from`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || from >= h.len() {
        return None;
    }
    // candidates are the places of the needle's first byte, in either case (memchr: a page's
    // 50 KB in a few microseconds, where comparing at every byte took tens)
    let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    let mut at = from;
    while let Some(p) = memchr::memchr2(lower, upper, &h[at..]) {
        let i = at + p;
        if h.len() - i < n.len() {
            return None;
        }
        if h[i..i + n.len()].eq_ignore_ascii_case(n) {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

static LD_TYPE_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\btype\s*=\s*["']?\s*application/ld\+json"#).expect("valid regex"));

/// The bodies of the `<script>` elements whose type is `application/ld+json`.
fn ld_json_blocks(html: &str) -> Vec<&str> {
    const OPEN: &str = "<script";
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(open) = find_ci(html, OPEN, pos) {
        let attrs_start = open + OPEN.len();
        let Some(gt) = html[attrs_start..].find('>').map(|g| attrs_start + g) else { break };
        let body_start = gt + 1;
        let close = find_ci(html, "</script", body_start).unwrap_or(html.len());
        let is_tag =
            html.as_bytes().get(attrs_start).is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if is_tag && LD_TYPE_ATTR.is_match(&html[attrs_start..gt]) {
            out.push(&html[body_start..close]);
        }
        pos = close.max(body_start);
    }
    out
}

/// The JSON values in one script body, without comment/CDATA wrappers.
fn parse_ld_block(raw: &str) -> Vec<Value> {
    let mut s = raw;
    if let Some(i) = s.find("<![CDATA[") {
        s = &s[i + "<![CDATA[".len()..];
    }
    if let Some(j) = s.rfind("]]>") {
        s = &s[..j];
    }
    let (Some(a), Some(b)) = (s.find(['{', '[']), s.rfind(['}', ']'])) else { return Vec::new() };
    if a > b {
        return Vec::new();
    }
    let payload = &s[a..=b];
    let values = parse_json_stream(payload);
    if !values.is_empty() || !payload.chars().any(char::is_control) {
        return values;
    }
    // raw newlines and tabs inside strings are invalid JSON but common in the wild
    let blanked: String = payload.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    parse_json_stream(&blanked)
}

/// One value or several concatenated ones; parsing stops at the first error.
fn parse_json_stream(s: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(s).into_iter::<Value>().map_while(Result::ok).collect()
}

/// serde_json already limits nesting to 128; this keeps the walk bounded on its own.
const MAX_LD_DEPTH: usize = 64;

fn find_job_posting(v: &Value, depth: usize) -> Option<&Map<String, Value>> {
    if depth > MAX_LD_DEPTH {
        return None;
    }
    match v {
        Value::Object(m) if is_job_posting(m) => Some(m),
        Value::Object(m) => m.values().find_map(|c| find_job_posting(c, depth + 1)),
        Value::Array(a) => a.iter().find_map(|c| find_job_posting(c, depth + 1)),
        _ => None,
    }
}

fn is_job_posting(m: &Map<String, Value>) -> bool {
    let is = |v: &Value| {
        v.as_str().is_some_and(|t| {
            t.rsplit(['/', ':', '#']).next().is_some_and(|n| n.trim().eq_ignore_ascii_case("JobPosting"))
        })
    };
    match m.get("@type") {
        Some(Value::Array(a)) => a.iter().any(is),
        Some(v) => is(v),
        None => false,
    }
}

fn map_job_posting(m: &Map<String, Value>, p: &PostingRules) -> PostingMeta {
    let location = m
        .get("jobLocation")
        .and_then(ld_location)
        .or_else(|| m.get("applicantLocationRequirements").and_then(ld_location));
    let mut meta = PostingMeta {
        title: m.get("title").and_then(ld_text).or_else(|| m.get("name").and_then(ld_text)),
        company: m.get("hiringOrganization").and_then(ld_text),
        location,
        workplace: ld_workplace(m.get("jobLocationType"), p).map(str::to_string),
        employment_type: m.get("employmentType").and_then(|v| {
            ld_strings(v)
                .iter()
                .flat_map(|s| s.split([',', ';', '|', '/']))
                .find_map(|v| normalize_employment(v, p))
                .map(str::to_string)
        }),
        salary: m
            .get("baseSalary")
            .and_then(|v| ld_salary(v, p))
            .or_else(|| m.get("estimatedSalary").and_then(|v| ld_salary(v, p))),
        date_posted: m.get("datePosted").and_then(ld_text).and_then(|d| normalize_date(&d, p)),
        evidence: Vec::new(),
        names: Vec::new(),
    };
    meta.stamp(SOURCE_JSON_LD);
    meta
}

// ---------------------------------------------------------------------------------------
// HTML head
// ---------------------------------------------------------------------------------------

/// Sources of names and titles read from the page head (in [`PostingMeta::evidence`] and
/// [`PostingMeta::names`]).
pub const SOURCE_OG_SITE_NAME: &str = "og:site_name";
pub const SOURCE_APPLICATION_NAME: &str = "application-name";
pub const SOURCE_HTML_TITLE: &str = "html-title";
pub const SOURCE_OG_TITLE: &str = "og:title";

/// Bytes of a page read for its head: enough for heads bloated by inline CSS.
const MAX_HEAD_BYTES: usize = 512 * 1024;

static META_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(property|name|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#).expect("valid regex")
});

/// The page head, read cheaply (no HTML parse; at most 512 KiB, up to `</head>` or
/// `<body`): `<title>`, `og:site_name`, `og:title`, `application-name`.
///
/// - `title`: the `<title>` (else `og:title`) without its site part: "Senior PM | Acme
///   Careers" → "Senior PM";
/// - `company`: `og:site_name`, else `application-name`, else the site part of the title:
///   its last part ("… | Acme Careers"), or its first when the last is no name ("Acme -
///   the best widgets"), else an `og:title` that is a bare name beside a different `<title>`.
///   It is the raw site name: careers words, job boards and the check against the text are
///   left to company detection (`extract::company`, with the rules);
/// - `names`: every candidate name, strongest first, with its source.
///
/// `None` when the head holds none of them.
pub fn from_html_head(html: &str, p: &PostingRules) -> Option<PostingMeta> {
    let mut end = html.len().min(MAX_HEAD_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let mut head = &html[..end];
    if let Some(i) = find_ci(head, "</head", 0).or_else(|| find_ci(head, "<body", 0)) {
        head = &head[..i];
    }
    let title = find_ci(head, "<title", 0).and_then(|i| {
        let gt = head[i..].find('>')? + i + 1;
        let close = find_ci(head, "</title", gt).unwrap_or(head.len());
        clean_text(&head[gt..close])
    });
    let (mut site_name, mut app_name, mut og_title) = (None, None, None);
    let mut pos = 0;
    while let Some(i) = find_ci(head, "<meta", pos) {
        let gt = head[i..].find('>').map_or(head.len(), |g| g + i);
        let (mut key, mut content) = (None, None);
        for c in META_ATTR.captures_iter(&head[i..gt]) {
            let v = c.get(2).or(c.get(3)).or(c.get(4)).map_or("", |m| m.as_str());
            if c[1].eq_ignore_ascii_case("content") {
                content = clean_text(v);
            } else {
                key = Some(v.trim().to_ascii_lowercase());
            }
        }
        if let (Some(k), Some(v)) = (key, content) {
            let slot = match k.as_str() {
                "og:site_name" => &mut site_name,
                "application-name" => &mut app_name,
                "og:title" => &mut og_title,
                _ => &mut None,
            };
            slot.get_or_insert(v);
        }
        pos = gt.max(i + 1);
    }
    let mut meta = PostingMeta::default();
    let mut names: Vec<(String, String)> = Vec::new();
    let mut add = |src: &str, v: &str| {
        let v = v.trim();
        if !v.is_empty() && !names.iter().any(|(_, n)| n.eq_ignore_ascii_case(v)) {
            names.push((src.to_string(), v.to_string()));
        }
    };
    // the company: og:site_name, application-name, the title's site part, a bare og:title
    let mut company: Option<(&str, String)> = None;
    if let Some(s) = &site_name {
        add(SOURCE_OG_SITE_NAME, s);
        company = Some((SOURCE_OG_SITE_NAME, s.clone()));
    }
    if let Some(s) = &app_name {
        add(SOURCE_APPLICATION_NAME, s);
        company = company.or(Some((SOURCE_APPLICATION_NAME, s.clone())));
    }
    let (page_title, title_src) = match (&title, &og_title) {
        (Some(t), _) => (Some(t.as_str()), SOURCE_HTML_TITLE),
        (None, Some(t)) => (Some(t.as_str()), SOURCE_OG_TITLE),
        _ => (None, SOURCE_HTML_TITLE),
    };
    if let Some(t) = page_title {
        let parts = title_parts(t, p);
        let known = |p: &str| {
            [&site_name, &app_name]
                .iter()
                .any(|n| n.as_deref().is_some_and(|n| p.to_lowercase().contains(&n.to_lowercase())))
        };
        // the site part: the one naming a known site name, else the last, else the first
        let site = if parts.len() < 2 {
            None
        } else if let Some(i) = parts.iter().position(|p| known(p)) {
            Some(i)
        } else if looks_like_name(parts[parts.len() - 1], p) {
            Some(parts.len() - 1)
        } else if looks_like_name(parts[0], p) {
            Some(0)
        } else {
            None
        };
        if let Some(i) = site {
            add(title_src, parts[i]);
            company = company.or(Some((title_src, parts[i].to_string())));
            let rest: Vec<&str> = parts.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| *p).collect();
            meta.title = Some(rest.join(" - "));
        } else {
            meta.title = Some(t.to_string());
        }
        // every other part, last first: it may name the site in words only the rules know
        // ("Acme - Jobs: Writer", "Acme hiring Writer in Berlin | LinkedIn")
        for part in parts.iter().rev() {
            add(title_src, part);
        }
        meta.evidence.push((F_TITLE.to_string(), title_src.to_string()));
    }
    // an og:title that is a bare name beside a different <title> names the site; the parts
    // of any other og:title are candidates like the title's
    if let (Some(o), Some(t)) = (&og_title, &title) {
        let parts = title_parts(o, p);
        let in_title = title_parts(t, p).iter().any(|q| q.eq_ignore_ascii_case(o));
        if parts.len() == 1 && !in_title && looks_like_name(o, p) {
            company = company.or(Some((SOURCE_OG_TITLE, o.clone())));
        }
        for part in parts.iter().rev() {
            add(SOURCE_OG_TITLE, part);
        }
    }
    if let Some((src, n)) = company {
        meta.company = Some(n);
        meta.evidence.push((F_COMPANY.to_string(), src.to_string()));
    }
    meta.names = names;
    (meta.title.is_some() || meta.company.is_some()).then_some(meta)
}

/// "Senior PM | Acme Careers" → ["Senior PM", "Acme Careers"].
fn title_parts<'a>(t: &'a str, p: &PostingRules) -> Vec<&'a str> {
    let mut parts = vec![t];
    for sep in &p.title_separators {
        parts = parts.iter().flat_map(|part| part.split(sep.as_str())).collect();
    }
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// At most six words, each capitalised (or a digit, or one of the rules' `name-joiners`:
/// `&`, "of", "und"), once a parenthesis is removed: "Acme Careers", "Future Friendly
/// (Formerly …)", "GO-JEK TECH".
fn looks_like_name(s: &str, p: &PostingRules) -> bool {
    let s = s.split('(').next().unwrap_or("").trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) || p.name_joiners.contains(*w)
        })
}

/// A string, a number, the first usable element of an array, or an object's `name`.
fn ld_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean_text(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(ld_text),
        Value::Object(o) => o.get("name").or_else(|| o.get("legalName")).and_then(ld_text),
        _ => None,
    }
}

/// The strings of a string or an array of strings.
fn ld_strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `jobLocation` (Place, PostalAddress, string, or arrays of them): "locality, region,
/// country" per place, places joined with "; ".
fn ld_location(v: &Value) -> Option<String> {
    let mut places = Vec::new();
    collect_places(v, &mut places, 0);
    join_unique(places, "; ")
}

fn collect_places(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_LD_DEPTH {
        return;
    }
    match v {
        Value::String(s) => out.extend(clean_text(s)),
        Value::Array(a) => a.iter().for_each(|x| collect_places(x, out, depth + 1)),
        Value::Object(o) => {
            let before = out.len();
            if let Some(address) = o.get("address") {
                collect_places(address, out, depth + 1);
            } else {
                let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
                    .iter()
                    .filter_map(|k| o.get(*k).and_then(ld_text))
                    .collect();
                out.extend(join_unique(parts, ", "));
            }
            if out.len() == before {
                out.extend(o.get("name").and_then(ld_text));
            }
        }
        _ => {}
    }
}

/// `jobLocationType`: "TELECOMMUTE" is remote (Google's spelling; `applicantLocationRequirements`
/// only accompanies it). Non-standard "HYBRID" / "ONSITE" values are honoured too (the
/// values are posting.toml's `[json-ld.workplace]`, tried hybrid, remote, on-site).
fn ld_workplace(v: Option<&Value>, p: &PostingRules) -> Option<&'static str> {
    let values: Vec<String> = v.map(ld_strings).unwrap_or_default().into_iter().map(squash).collect();
    p.ld_workplace
        .iter()
        .find(|(_, subs)| values.iter().any(|s| subs.iter().any(|sub| s.contains(sub.as_str()))))
        .map(|(kind, _)| *kind)
}

/// `baseSalary`: MonetaryAmount {currency, value: QuantitativeValue {minValue, maxValue,
/// value, unitText} | number | numeric string}, or a bare number or string.
fn ld_salary(v: &Value, p: &PostingRules) -> Option<Salary> {
    match v {
        Value::Array(a) => a.iter().find_map(|x| ld_salary(x, p)),
        Value::Number(_) => {
            let n = ld_number(v, p);
            build_salary(n, n, None, None, p)
        }
        Value::String(s) => salary_in_line(s, None, true, p),
        Value::Object(o) => {
            let currency = o
                .get("currency")
                .or_else(|| o.get("salaryCurrency"))
                .and_then(ld_text)
                .and_then(|c| normalize_currency(&c, p));
            let inner = match o.get("value") {
                Some(Value::Array(a)) => a.first(),
                other => other,
            };
            let unit = inner
                .and_then(|i| i.get("unitText"))
                .or_else(|| o.get("unitText"))
                .and_then(ld_text)
                .and_then(|u| normalize_period(&u, p));
            let (min, max) = match inner {
                Some(Value::Object(q)) => quantitative_range(q, p),
                Some(Value::String(s)) => {
                    let parsed = salary_in_line(s, None, true, p)?;
                    return build_salary(
                        parsed.min,
                        parsed.max,
                        currency.or(parsed.currency),
                        unit.or(parsed.period),
                        p,
                    );
                }
                Some(x) => (ld_number(x, p), ld_number(x, p)),
                None => quantitative_range(o, p),
            };
            build_salary(min, max, currency, unit, p)
        }
        _ => None,
    }
}

fn quantitative_range(q: &Map<String, Value>, p: &PostingRules) -> (Option<f64>, Option<f64>) {
    let min = q.get("minValue").and_then(|v| ld_number(v, p));
    let max = q.get("maxValue").and_then(|v| ld_number(v, p));
    if min.is_none() && max.is_none() {
        let v = q.get("value").and_then(|v| ld_number(v, p));
        (v, v)
    } else {
        (min, max)
    }
}

fn ld_number(v: &Value, p: &PostingRules) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|x| is_amount(*x, p)),
        Value::String(s) => loose_number(s, p),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------

/// The blocks whose text `from_text` reads: workplace, type and salary stand in the header,
/// and salary also in the benefits at the end, so the first 60 and the last 30.
pub fn cue_lines(blocks: &[crate::model::Block]) -> Vec<&str> {
    let n = blocks.len();
    blocks.iter().enumerate().filter(|(i, _)| *i < 60 || *i + 30 >= n).map(|(_, b)| b.text.as_str()).collect()
}

/// Text cues in the cleaned lines of a posting (headings and paragraph lines).
///
/// - workplace: labels ("Remote", "Berlin (Hybrid)") and phrases ("fully remote",
///   "3 days in the office", "Homeoffice möglich"); hybrid outranks a negated remote cue
///   ("not a remote role" → on-site), which outranks remote, which outranks on-site;
/// - employment type: the first label or phrase in document order ("Full-time",
///   "Vollzeit", "contract position", "Marketing Intern");
/// - salary: the first amount with a currency that passes the checks in `salary_in_line`.
pub fn from_text(lines: &[&str], p: &PostingRules) -> PostingMeta {
    let mut meta = PostingMeta {
        workplace: workplace_in(lines, p).map(str::to_string),
        employment_type: employment_in(lines, p).map(str::to_string),
        salary: lines
            .iter()
            .enumerate()
            .find_map(|(i, line)| salary_in_line(line, i.checked_sub(1).map(|j| lines[j]), false, p)),
        ..PostingMeta::default()
    };
    meta.stamp(SOURCE_TEXT);
    meta
}

/// The cues of one kind (workplace, employment type) in one line as (byte offset, kind), in
/// line order, `IGNORE` removed.
fn find_cues(cues: &Cues, line: &str, p: &PostingRules) -> Vec<(usize, &'static str)> {
    let mut hits = Vec::new();
    let mut spans = Vec::new();
    for m in cues.phrases.iter().flat_map(|re| re.find_iter(line)) {
        if let Some(&kind) = cues.phrase_kinds.get(&squash(m.as_str())) {
            hits.push((m.start(), kind));
        }
        spans.push(m.range());
    }
    let mut buf = String::new();
    for (start, seg) in segments(line, p) {
        let end = start + seg.len();
        if spans.iter().any(|r| r.start < end && start < r.end) {
            continue;
        }
        let kind = cues.labels.kind(seg, &mut buf).or_else(|| {
            if seg.split_whitespace().nth(p.max_title_words).is_some() {
                return None;
            }
            seg.split_whitespace().next_back().and_then(|w| cues.title_suffixes.kind(w, &mut buf))
        });
        hits.extend(kind.map(|k| (start, k)));
    }
    hits.retain(|&(_, k)| k != IGNORE);
    hits.sort_by_key(|&(s, _)| s);
    hits
}

/// A line's segments as (byte offset, text), trimmed of punctuation.
fn segments<'a>(line: &'a str, p: &PostingRules) -> Vec<(usize, &'a str)> {
    let not_word = |c: char| !c.is_alphanumeric() && c != '%';
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &line[from..to];
        let t = piece.trim_start_matches(not_word);
        let start = from + piece.len() - t.len();
        let t = t.trim_end_matches(not_word);
        if !t.is_empty() {
            out.push((start, t));
        }
    };
    let mut last = 0;
    for m in p.segment_split.find_iter(line) {
        push(last, m.start());
        last = m.end();
    }
    push(last, line.len());
    out
}

fn workplace_in(lines: &[&str], p: &PostingRules) -> Option<&'static str> {
    let (mut hybrid, mut not_remote, mut remote, mut on_site) = (false, false, false, false);
    for line in lines {
        for (_, kind) in find_cues(&p.workplace, line, p) {
            match kind {
                HYBRID => hybrid = true,
                NOT_REMOTE => not_remote = true,
                REMOTE => remote = true,
                ON_SITE => on_site = true,
                _ => {}
            }
        }
    }
    if hybrid {
        Some(HYBRID)
    } else if not_remote {
        Some(ON_SITE)
    } else if remote {
        Some(REMOTE)
    } else if on_site {
        Some(ON_SITE)
    } else {
        None
    }
}

fn employment_in(lines: &[&str], p: &PostingRules) -> Option<&'static str> {
    lines.iter().find_map(|line| find_cues(&p.employment, line, p).first().map(|&(_, k)| k))
}

/// A structured employment value ("FULL_TIME", "fulltime", "Part-time", "Vollzeit").
fn normalize_employment(value: &str, p: &PostingRules) -> Option<&'static str> {
    let key = squash(value);
    if key.is_empty() {
        return None;
    }
    p.employment.labels.get(&key).filter(|k| *k != IGNORE).or_else(|| p.employment_values.get(&key).copied())
}

// ---------------------------------------------------------------------------------------
// Salary
// ---------------------------------------------------------------------------------------

/// The first salary in a line. Checks, in order:
/// - a currency (symbol, ISO code, "Euro") on either side of either amount (unless
///   `lenient`, used for salary fields where the context is known);
/// - no letter or digit glued to the figure ("$5M", "401(k)"), no magnitude word after
///   it ("$5 million"), no "stipend"/"bonus"/"budget"/… just before or after it;
/// - a range must ascend; "k" on one side applies to the other ("$120-150k");
/// - the amount (a range's top) needs a period, a salary word on this or the previous
///   line (`prev`), or a size of at least `lone-amount-min`; it may not exceed
///   `text-salary-max` unless the currency is `high-denomination` (posting.toml).
fn salary_in_line(line: &str, prev: Option<&str>, lenient: bool, p: &PostingRules) -> Option<Salary> {
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let is_context = |l: &str| p.salary_context.as_ref().is_some_and(|re| re.is_match(l));
    let context = lenient || is_context(line) || prev.is_some_and(is_context);
    p.salary.captures_iter(line).find_map(|c| salary_candidate(line, &c, lenient, context, p))
}

fn salary_candidate(line: &str, c: &Captures, lenient: bool, context: bool, p: &PostingRules) -> Option<Salary> {
    let whole = c.get(0)?;
    let (before, after) = (&line[..whole.start()], &line[whole.end()..]);
    if before.chars().next_back().is_some_and(char::is_alphanumeric)
        || after.chars().next().is_some_and(|ch| ch.is_alphanumeric() || ch == '%')
        || p.large_magnitude.as_ref().is_some_and(|re| re.is_match(after))
    {
        return None;
    }
    let currency =
        ["pre1", "suf1", "pre2", "suf2"].iter().find_map(|g| c.name(g)).and_then(|m| normalize_currency(m.as_str(), p));
    if currency.is_none() && !lenient {
        return None;
    }
    let figure = |i: u8| -> Option<(f64, bool)> {
        let n = c.name(&format!("n{i}"))?;
        Some((parse_number(n.as_str())?, c.name(&format!("k{i}")).is_some()))
    };
    let (a, a_k) = figure(1)?;
    let second = figure(2);
    if c.name("n2").is_some() && second.is_none() {
        return None;
    }
    let scale = |x: f64, k: bool| if k { x * 1000.0 } else { x };
    let (mut min, mut max) = match second {
        Some((b, b_k)) => {
            // "$120-150k" and "$120k-150": thousands written once apply to both
            let (a_k, b_k) = match (a_k, b_k) {
                (false, true) if a < 1000.0 => (true, true),
                (true, false) if b < 1000.0 => (true, true),
                ks => ks,
            };
            let (lo, hi) = (scale(a, a_k), scale(b, b_k));
            if lo > hi {
                return None;
            }
            (Some(lo), Some(hi))
        }
        None => (Some(scale(a, a_k)), Some(scale(a, a_k))),
    };
    let cap = match currency.as_deref() {
        Some(c) if !p.high_denomination.contains(c) => p.text_salary_max,
        _ => p.amount_max,
    };
    if ![min, max].iter().flatten().all(|x| is_amount(*x, p) && *x <= cap) {
        return None;
    }
    if words_before(before, 2).iter().chain(words_after(after, 4, p).iter()).any(|w| p.not_salary.contains(w.as_str()))
    {
        return None;
    }
    let period = period_after(after, p).or_else(|| period_in_context(line, p));
    if second.is_none() {
        let lead = before.trim_end().trim_end_matches([':', '.']).to_lowercase();
        let led_by = |leads: &[String]| {
            leads.iter().any(|l| {
                lead.strip_suffix(l.as_str())
                    .is_some_and(|rest| rest.chars().next_back().is_none_or(|ch| !ch.is_alphanumeric()))
            })
        };
        if led_by(&p.max_leads) {
            min = None;
        } else if led_by(&p.min_leads) || after.starts_with('+') {
            max = None;
        }
    }
    let size = max.or(min).unwrap_or(0.0);
    if !lenient && period.is_none() && !context && size < p.lone_amount_min {
        return None;
    }
    build_salary(min, max, currency, period.map(str::to_string), p)
}

/// The last `n` words before an amount, lower-cased, punctuation trimmed.
fn words_before(s: &str, n: usize) -> Vec<String> {
    let mut words: Vec<String> = s.split_whitespace().rev().take(n).map(bare_word).filter(|w| !w.is_empty()).collect();
    words.reverse();
    words
}

/// The first `n` words after an amount, up to punctuation or one of the packs'
/// `clause-words` ("$120k + bonus" and "$120k and equity" keep the salary).
fn words_after(s: &str, n: usize, p: &PostingRules) -> Vec<String> {
    let cut = s.find(['+', ',', ';', '(', '|', '&', '.', '!', '?']).unwrap_or(s.len());
    s[..cut]
        .split_whitespace()
        .map(bare_word)
        .filter(|w| !w.is_empty())
        .take_while(|w| !p.clause_words.contains(w.as_str()))
        .take(n)
        .collect()
}

fn bare_word(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// A period stated right after an amount ("a year", "/hr", "brutto pro Jahr", "p.a."),
/// looking no further than the next figure or clause.
fn period_after(after: &str, p: &PostingRules) -> Option<&'static str> {
    let mut end = after.len().min(32);
    while !after.is_char_boundary(end) {
        end -= 1;
    }
    let mut w = &after[..end];
    if let Some(i) = w.find(|c: char| c.is_ascii_digit() || c == ';' || c == '|') {
        w = &w[..i];
    }
    if let Some(i) = w.find(". ") {
        w = &w[..i];
    }
    let c = p.period.captures(w)?;
    if let Some(u) = c.name("unit") {
        p.period_units.get(&u.as_str().to_lowercase()).copied()
    } else {
        p.period_adverbs.get(&squash(c.name("adv")?.as_str())).copied()
    }
}

/// A period word elsewhere in the line ("Annual salary: …", "Stundenlohn …"), the first one.
fn period_in_context(line: &str, p: &PostingRules) -> Option<&'static str> {
    let lower = line.to_lowercase();
    p.period_context
        .iter()
        .filter_map(|(w, period)| lower.find(w.as_str()).map(|i| (i, *period)))
        .min_by_key(|&(i, _)| i)
        .map(|(_, period)| period)
}

/// "120,000" · "120.000" · "120'000" · "120 000" → 120000; "45.50" · "45,5" → 45.5;
/// "1.234,56" · "1,234.56" → 1234.56. A single mark followed by three digits is a
/// thousands mark; one followed by one or two digits is a decimal mark.
fn parse_number(raw: &str) -> Option<f64> {
    let s: String = raw.chars().filter(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
    let (int_part, frac) = match s.rfind([',', '.']) {
        None => (s.as_str(), ""),
        Some(i) => {
            let after = &s[i + 1..];
            let mark = s.as_bytes()[i];
            let marks = s.bytes().filter(|&b| b == mark).count();
            if (1..=2).contains(&after.len()) && marks == 1 {
                (&s[..i], after)
            } else if after.len() == 3 {
                (s.as_str(), "")
            } else {
                return None;
            }
        }
    };
    let groups: Vec<&str> = int_part.split([',', '.']).collect();
    if groups.len() > 1 {
        let (first, rest) = groups.split_first()?;
        let (last, middle) = rest.split_last()?;
        // 3-digit groups; 2-digit middle groups for Indian lakh notation (12,00,000)
        let ok = (1..=3).contains(&first.len()) && last.len() == 3 && middle.iter().all(|g| (2..=3).contains(&g.len()));
        if !ok {
            return None;
        }
    }
    let digits: String = groups.concat();
    if digits.is_empty() {
        return None;
    }
    let n: f64 = if frac.is_empty() { digits.parse().ok()? } else { format!("{digits}.{frac}").parse().ok()? };
    Some(n)
}

/// A number in a structured value: "120000.0", "1e5", "120,000", "120k", "$120,000".
fn loose_number(s: &str, p: &PostingRules) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return is_amount(n, p).then_some(n);
    }
    let c = p.number.captures(s)?;
    let n = parse_number(c.get(1)?.as_str())? * if c.get(2).is_some() { 1000.0 } else { 1.0 };
    is_amount(n, p).then_some(n)
}

fn is_amount(x: f64, p: &PostingRules) -> bool {
    x.is_finite() && x > 0.0 && x <= p.amount_max
}

fn build_salary(
    min: Option<f64>,
    max: Option<f64>,
    currency: Option<String>,
    period: Option<String>,
    p: &PostingRules,
) -> Option<Salary> {
    let (mut min, mut max) = (min.filter(|x| is_amount(*x, p)), max.filter(|x| is_amount(*x, p)));
    if min.is_none() && max.is_none() {
        return None;
    }
    if let (Some(a), Some(b)) = (min, max) {
        if a > b {
            (min, max) = (Some(b), Some(a));
        }
    }
    Some(Salary { min, max, currency, period })
}

/// "$" → "USD", "usd" → "USD", "Euro" → "EUR"; other text is kept as written.
fn normalize_currency(s: &str, p: &PostingRules) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some((_, code)) = p.currency_symbols.iter().find(|(sym, _)| sym.eq_ignore_ascii_case(t)) {
        return Some(code.clone());
    }
    if let Some(code) = p.currency_words.get(&t.to_lowercase()) {
        return Some(code.clone());
    }
    if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(t.to_ascii_uppercase());
    }
    Some(t.to_string())
}

/// "YEAR", "yearly", "per annum", "p.a.", "HOUR", "hourly", "monthly", "Jahr" → a period:
/// a unit, adverb or value of the packs, after a period lead ("per", "pro") or alone.
fn normalize_period(s: &str, p: &PostingRules) -> Option<String> {
    let key = squash(s);
    let key = p
        .period_leads
        .iter()
        .find_map(|l| key.strip_prefix(l.as_str()).filter(|k| p.period_keys.contains_key(*k)))
        .unwrap_or(&key);
    p.period_keys.get(key).map(|x| x.to_string())
}

// ---------------------------------------------------------------------------------------
// Record fields
// ---------------------------------------------------------------------------------------

/// Record fields of a scraped dump (JobSpy-style column names, posting.toml's `[fields]`;
/// keys matched without regard to case): the title, the company, the location (else its
/// parts joined), a remote flag (a true value) or a workplace text column, the employment
/// type (first recognised value of a comma list), min/max amounts with currency and period,
/// else a salary text parsed as text (no currency needed), the posting date. `null-values`
/// ("nan", "null", …) count as missing.
pub fn from_fields(fields: &BTreeMap<String, String>, p: &PostingRules) -> PostingMeta {
    let f = &p.fields;
    let get = |names: &[String]| names.iter().find_map(|n| field(fields, n, p));
    let location = get(&f.location)
        .or_else(|| join_unique(f.location_parts.iter().filter_map(|k| field(fields, k, p)).collect(), ", "));
    let workplace = if get(&f.remote_flag).is_some_and(|v| parse_bool(&v, p) == Some(true)) {
        Some(REMOTE)
    } else {
        get(&f.workplace).and_then(|v| workplace_in(&[v.as_str()], p))
    };
    let employment_type = get(&f.employment_type)
        .and_then(|v| v.split([',', ';', '|', '/']).find_map(|x| normalize_employment(x, p)).map(str::to_string));
    let currency = get(&f.currency).and_then(|c| normalize_currency(&c, p));
    let period = get(&f.period).and_then(|x| normalize_period(&x, p));
    let min = get(&f.min_amount).and_then(|v| loose_number(&v, p));
    let max = get(&f.max_amount).and_then(|v| loose_number(&v, p));
    let salary = if min.is_some() || max.is_some() {
        build_salary(min, max, currency, period, p)
    } else {
        get(&f.salary).and_then(|t| salary_in_line(&t, None, true, p)).map(|s| Salary {
            currency: s.currency.or(currency),
            period: s.period.or(period),
            ..s
        })
    };
    let mut meta = PostingMeta {
        title: get(&f.title),
        company: get(&f.company),
        location,
        workplace: workplace.map(str::to_string),
        employment_type,
        salary,
        date_posted: get(&f.date).and_then(|d| normalize_date(&d, p)),
        evidence: Vec::new(),
        names: Vec::new(),
    };
    meta.stamp(SOURCE_FIELDS);
    meta
}

/// A field by exact key, else by key in any case; cleaned, empty and null-like values dropped.
fn field(fields: &BTreeMap<String, String>, name: &str, p: &PostingRules) -> Option<String> {
    let raw = fields
        .get(name)
        .or_else(|| fields.iter().find(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v))?;
    clean_text(raw).filter(|v| !p.fields.null_values.contains(&v.to_ascii_lowercase()))
}

fn parse_bool(v: &str, p: &PostingRules) -> Option<bool> {
    let v = v.trim().to_ascii_lowercase();
    if p.fields.true_values.contains(&v) {
        Some(true)
    } else if p.fields.false_values.contains(&v) {
        Some(false)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// Merge
// ---------------------------------------------------------------------------------------

/// Take each field from the first source that has it (callers pass json-ld, then fields,
/// then text) with that source's evidence for it. The salary is taken whole from one
/// source, never mixed.
pub fn merge(sources: &[PostingMeta]) -> PostingMeta {
    fn pick<T: Clone>(
        sources: &[PostingMeta],
        field: &str,
        get: impl Fn(&PostingMeta) -> &Option<T>,
        evidence: &mut Vec<(String, String)>,
    ) -> Option<T> {
        sources.iter().enumerate().find_map(|(i, s)| {
            get(s).as_ref().map(|v| {
                let source = s.source_of(field).map_or_else(|| format!("source{i}"), str::to_string);
                evidence.push((field.to_string(), source));
                v.clone()
            })
        })
    }
    let mut ev = Vec::new();
    PostingMeta {
        title: pick(sources, F_TITLE, |s| &s.title, &mut ev),
        company: pick(sources, F_COMPANY, |s| &s.company, &mut ev),
        location: pick(sources, F_LOCATION, |s| &s.location, &mut ev),
        workplace: pick(sources, F_WORKPLACE, |s| &s.workplace, &mut ev),
        employment_type: pick(sources, F_EMPLOYMENT, |s| &s.employment_type, &mut ev),
        salary: pick(sources, F_SALARY, |s| &s.salary, &mut ev),
        date_posted: pick(sources, F_DATE, |s| &s.date_posted, &mut ev),
        evidence: ev,
        names: sources.iter().flat_map(|s| s.names.iter().cloned()).collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

/// Entities decoded, whitespace collapsed; `None` when empty.
fn clean_text(s: &str) -> Option<String> {
    let t = decode_entities(s).split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// Join non-empty parts, dropping repeats (case-insensitive): "Berlin, Berlin, DE" → "Berlin, DE".
fn join_unique(parts: Vec<String>, sep: &str) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    for p in parts {
        let key = p.to_lowercase();
        if !p.is_empty() && !seen.contains(&key) {
            seen.push(key);
            kept.push(p);
        }
    }
    (!kept.is_empty()).then(|| kept.join(sep))
}

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|\D)").expect("valid regex"));
static DMY_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$").expect("valid regex"));

/// "2024-05-01T09:00:00Z", "2024/5/1", "01.05.2024", "May 1, 2024", "1. Mai 2024" →
/// "2024-05-01" (month names and ordinal suffixes are the packs'); anything else
/// (including ambiguous "05/01/2024") as written.
fn normalize_date(s: &str, p: &PostingRules) -> Option<PostedDate> {
    let s = clean_text(s)?;
    let num = |c: &Captures, i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let month = |name: &str| p.months.get(&name.to_lowercase()).copied();
    let parsed = if let Some(c) = ISO_DATE.captures(&s) {
        ymd(num(&c, 1), num(&c, 2), num(&c, 3))
    } else if let Some(c) = DMY_DATE.captures(&s) {
        ymd(num(&c, 3), num(&c, 2), num(&c, 1))
    } else if let Some(c) = p.named_mdy.captures(&s) {
        ymd(num(&c, 3), month(&c[1]), num(&c, 2))
    } else if let Some(c) = p.named_dmy.captures(&s) {
        ymd(num(&c, 3), month(&c[2]), num(&c, 1))
    } else {
        None
    };
    Some(PostedDate { iso: parsed, raw: s })
}

fn ymd(y: Option<u32>, m: Option<u32>, d: Option<u32>) -> Option<String> {
    let (y, m, d) = (y?, m?, d?);
    is_calendar_day(y.into(), m.into(), d.into()).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Whether year `y`, month `m`, day `d` is a day of the Gregorian calendar (leap years
/// counted).
pub fn is_calendar_day(y: i64, m: i64, d: i64) -> bool {
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    d >= 1 && d <= days
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped posting rules.
    fn p() -> &'static PostingRules {
        &crate::rules::Rules::shipped().posting
    }

    fn sal(min: Option<f64>, max: Option<f64>, cur: &str, period: Option<&str>) -> Option<Salary> {
        Some(Salary { min, max, currency: Some(cur.to_string()), period: period.map(str::to_string) })
    }

    fn text_salary(line: &str) -> Option<Salary> {
        from_text(&[line], p()).salary
    }

    fn ev(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Senior Backend Engineer | Acme</title>
<script>window.dataLayer = window.dataLayer || []; var x = 1 + 2;</script>
<script TYPE = 'Application/LD+JSON'>
//<![CDATA[
{
  "@context": "https://schema.org",
  "@graph": [
    {"@type": "Organization", "@id": "https://acme.example/#org", "name": "Acme Robotics"},
    {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1, "name": "Jobs"}]},
    {
      "@type": ["JobPosting"],
      "title": "Senior Backend Engineer &amp; Tech Lead",
      "description": "<p>We run a hybrid cloud. Full-time employees get 30 days off.</p>",
      "datePosted": "2024-05-01T09:30:00+02:00",
      "validThrough": "2024-07-01",
      "employmentType": ["FULL_TIME", "CONTRACTOR"],
      "hiringOrganization": {"@type": "Organization", "name": "Acme Robotics GmbH", "sameAs": "https://acme.example"},
      "jobLocation": [
        {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Berlin",
          "addressRegion": "Berlin", "addressCountry": "DE"}},
        {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Munich",
          "addressRegion": "Bavaria", "addressCountry": {"@type": "Country", "name": "DE"}}}
      ],
      "jobLocationType": "TELECOMMUTE",
      "applicantLocationRequirements": {"@type": "Country", "name": "Germany"},
      "baseSalary": {"@type": "MonetaryAmount", "currency": "eur",
        "value": {"@type": "QuantitativeValue", "minValue": 70000, "maxValue": "90000", "unitText": "YEAR"}}
    }
  ]
}
//]]>
</script>
</head><body><h1>Senior Backend Engineer</h1></body></html>"#;

    #[test]
    fn json_ld_job_posting_page() {
        let m = from_json_ld(PAGE, p()).expect("job posting");
        assert_eq!(m.title.as_deref(), Some("Senior Backend Engineer & Tech Lead"));
        assert_eq!(m.company.as_deref(), Some("Acme Robotics GmbH"));
        assert_eq!(m.location.as_deref(), Some("Berlin, DE; Munich, Bavaria, DE"));
        assert_eq!(m.workplace.as_deref(), Some("remote"));
        assert_eq!(m.employment_type.as_deref(), Some("full-time"));
        assert_eq!(m.salary, sal(Some(70000.0), Some(90000.0), "EUR", Some("year")));
        assert_eq!(m.date(), Some("2024-05-01"));
        assert_eq!(
            m.evidence,
            ev(&[
                ("title", "json-ld"),
                ("company", "json-ld"),
                ("location", "json-ld"),
                ("workplace", "json-ld"),
                ("employment_type", "json-ld"),
                ("salary", "json-ld"),
                ("date_posted", "json-ld"),
            ])
        );
    }

    #[test]
    fn json_ld_malformed_is_skipped_without_panic() {
        let bodies = [
            "{",
            "}{",
            "[",
            "not json at all",
            r#"{"@type": "JobPosting", "title": "Cut off"#,
            r#"{"@type": "JobPosting", "title": "Trailing comma",}"#,
            "<!-- -->",
            "",
            "]]>",
            r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]"#,
            "\u{0}\u{1}{\u{ff}",
            r#"{"@type": "JobPosting", "title": "x", "baseSalary": {"value": {"minValue": "abc", "maxValue": null}}"#,
        ];
        for body in bodies {
            let html = format!(r#"<html><script type="application/ld+json">{body}</script></html>"#);
            assert_eq!(from_json_ld(&html, p()), None, "{body:?}");
        }
        // unterminated tags and markers in odd places
        for html in [
            "<script type=application/ld+json",
            "<script type=application/ld+json>{\"@type\":\"JobPosting\"",
            "ld+json",
            "+json ld+",
            "<scripttype='application/ld+json'>{\"@type\":\"JobPosting\",\"title\":\"x\"}</script>",
            "é+json ld+jsoñ <script type=\"application/ld+json\">ü</script>",
        ] {
            let _ = from_json_ld(html, p());
        }
        assert_eq!(from_json_ld("<scripttype='application/ld+json'>{\"@type\":\"JobPosting\"}</script>", p()), None);
    }

    #[test]
    fn json_ld_second_block_is_the_job_posting() {
        let html = r#"<head>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"Jobs Board",
  "potentialAction":{"@type":"SearchAction","target":"https://jobs.example/?q={q}"}}</script>
<script type="application/json">{"@type":"JobPosting","title":"Not JSON-LD"}</script>
<script type="application/ld+json">
<!--
[{"@context":"https://schema.org","@type":"JobPosting","title":"Data Analyst",
  "hiringOrganization":"Globex","employmentType":"PART_TIME, TEMPORARY",
  "jobLocation":{"@type":"Place","address":"221B Baker Street, London"},
  "baseSalary":{"@type":"MonetaryAmount","currency":"GBP","value":{"@type":"QuantitativeValue","value":"25.50","unitText":"HOUR"}},
  "datePosted":"May 3, 2024"}]
-->
</script></head>"#;
        let m = from_json_ld(html, p()).unwrap();
        assert_eq!(m.title.as_deref(), Some("Data Analyst"));
        assert_eq!(m.company.as_deref(), Some("Globex"));
        assert_eq!(m.location.as_deref(), Some("221B Baker Street, London"));
        assert_eq!(m.workplace, None);
        assert_eq!(m.employment_type.as_deref(), Some("part-time"));
        assert_eq!(m.salary, sal(Some(25.5), Some(25.5), "GBP", Some("hour")));
        assert_eq!(m.date(), Some("2024-05-03"));
    }

    #[test]
    fn json_ld_absent_or_not_a_job_posting() {
        assert_eq!(from_json_ld("<html><body><h1>Engineer</h1><p>Salary $100k</p></body></html>", p()), None);
        assert_eq!(from_json_ld("", p()), None);
        let org = r#"<script type="application/ld+json">{"@type":"Organization","name":"Acme"}</script>"#;
        assert_eq!(from_json_ld(org, p()), None);
        // the marker alone is not a script
        assert_eq!(from_json_ld(r#"<p>we emit application/ld+json {"@type":"JobPosting"}</p>"#, p()), None);
        assert!(!has_ld_json_marker("<p>1+1 json</p>"));
        assert!(has_ld_json_marker("type=\"application/LD+JSON\""));
    }

    #[test]
    fn json_ld_nested_variants() {
        // mainEntity nesting, type as IRI, raw newline inside a string, number salary,
        // hiringOrganization array, applicant location as the only location
        let html = "<script type=\"application/ld+json\">{\"@type\":\"WebPage\",\"mainEntity\":{\"@type\":\"http://schema.org/JobPosting\",\
            \"name\":\"Nurse\nPractitioner\",\"hiringOrganization\":[{\"@type\":\"Organization\",\"legalName\":\"Mercy &#8211; Health\"}],\
            \"jobLocationType\":[\"TELECOMMUTE\"],\"applicantLocationRequirements\":[{\"@type\":\"State\",\"name\":\"Ohio\"},{\"@type\":\"State\",\"name\":\"Indiana\"}],\
            \"employmentType\":\"PER_DIEM\",\"baseSalary\":95000,\"datePosted\":\"2024-13-45\"}}</script>";
        let m = from_json_ld(html, p()).unwrap();
        assert_eq!(m.title.as_deref(), Some("Nurse Practitioner"));
        assert_eq!(m.company.as_deref(), Some("Mercy – Health"));
        assert_eq!(m.location.as_deref(), Some("Ohio; Indiana"));
        assert_eq!(m.workplace.as_deref(), Some("remote"));
        assert_eq!(m.employment_type.as_deref(), Some("per-diem"));
        assert_eq!(m.salary, Some(Salary { min: Some(95000.0), max: Some(95000.0), currency: None, period: None }));
        assert_eq!(m.date(), Some("2024-13-45"), "unparseable dates are kept as written");
    }

    #[test]
    fn json_ld_salary_shapes() {
        let salary = |v: &str| ld_salary(&serde_json::from_str(v).unwrap(), p());
        assert_eq!(
            salary(r#"{"currency":"USD","value":{"minValue":"120,000","maxValue":100000,"unitText":"yearly"}}"#),
            sal(Some(100000.0), Some(120000.0), "USD", Some("year"))
        );
        assert_eq!(
            salary(r#"{"currency":"USD","value":40,"unitText":"HOUR"}"#),
            sal(Some(40.0), Some(40.0), "USD", Some("hour"))
        );
        assert_eq!(
            salary(r#"{"currency":"CHF","minValue":100000,"maxValue":120000}"#),
            sal(Some(100000.0), Some(120000.0), "CHF", None)
        );
        assert_eq!(
            salary(r#"{"currency":"EUR","value":"60.000 - 75.000 € pro Jahr"}"#),
            sal(Some(60000.0), Some(75000.0), "EUR", Some("year"))
        );
        assert_eq!(salary(r#"{"currency":"USD","value":{"minValue":0,"maxValue":0}}"#), None);
        assert_eq!(salary(r#"{"currency":"USD","value":{"value":"competitive"}}"#), None);
        assert_eq!(
            salary(r#"[{"currency":"EUR","value":{"value":"5000","unitText":"MONTH"}}]"#),
            sal(Some(5000.0), Some(5000.0), "EUR", Some("month"))
        );
    }

    #[test]
    fn text_salary_formats() {
        let usd_year = sal(Some(120000.0), Some(150000.0), "USD", Some("year"));
        assert_eq!(text_salary("$120,000 – $150,000 a year"), usd_year);
        assert_eq!(text_salary("Pay: $120,000 - $150,000 per year"), usd_year);
        assert_eq!(text_salary("$120k-$150k"), sal(Some(120000.0), Some(150000.0), "USD", None));
        assert_eq!(text_salary("$120K–$150K/yr"), usd_year);
        assert_eq!(text_salary("$120-150k annually"), usd_year);
        assert_eq!(text_salary("€60.000–€75.000 pro Jahr"), sal(Some(60000.0), Some(75000.0), "EUR", Some("year")));
        assert_eq!(
            text_salary("60.000 € - 75.000 € brutto p.a."),
            sal(Some(60000.0), Some(75000.0), "EUR", Some("year"))
        );
        assert_eq!(text_salary("Jahresgehalt: 65.000 EUR"), sal(Some(65000.0), Some(65000.0), "EUR", Some("year")));
        assert_eq!(text_salary("£45,000 - £55,000 per annum"), sal(Some(45000.0), Some(55000.0), "GBP", Some("year")));
        assert_eq!(text_salary("USD 50/hour"), sal(Some(50.0), Some(50.0), "USD", Some("hour")));
        assert_eq!(text_salary("$45 - $60 an hour"), sal(Some(45.0), Some(60.0), "USD", Some("hour")));
        assert_eq!(text_salary("CHF 120'000"), sal(Some(120000.0), Some(120000.0), "CHF", None));
        assert_eq!(text_salary("CHF 110’000 – 130’000"), sal(Some(110000.0), Some(130000.0), "CHF", None));
        assert_eq!(text_salary("3.500,50 € pro Monat"), sal(Some(3500.5), Some(3500.5), "EUR", Some("month")));
        assert_eq!(text_salary("Stundenlohn: 15,50 €"), sal(Some(15.5), Some(15.5), "EUR", Some("hour")));
        assert_eq!(text_salary("€ 50 000 – 60 000 per year"), sal(Some(50000.0), Some(60000.0), "EUR", Some("year")));
        assert_eq!(
            text_salary("Base salary between $80,000 and $100,000 plus bonus"),
            sal(Some(80000.0), Some(100000.0), "USD", None)
        );
        assert_eq!(text_salary("Salary: $120k + bonus + equity"), sal(Some(120000.0), Some(120000.0), "USD", None));
        assert_eq!(text_salary("Up to $150k base"), sal(None, Some(150000.0), "USD", None));
        assert_eq!(text_salary("$150,000+ DOE"), sal(Some(150000.0), None, "USD", None));
        assert_eq!(text_salary("ab 4.000 € monatlich"), sal(Some(4000.0), None, "EUR", Some("month")));
        assert_eq!(text_salary("Day rate: £500 - £600"), sal(Some(500.0), Some(600.0), "GBP", Some("day")));
        assert_eq!(
            text_salary("₹12,00,000 - ₹18,00,000 per annum"),
            sal(Some(1200000.0), Some(1800000.0), "INR", Some("year"))
        );
        assert_eq!(text_salary("C$85,000 to C$95,000"), sal(Some(85000.0), Some(95000.0), "CAD", None));
        assert_eq!(text_salary("45 USD per hr"), sal(Some(45.0), Some(45.0), "USD", Some("hour")));
        assert_eq!(text_salary("$1,200 a week"), sal(Some(1200.0), Some(1200.0), "USD", Some("week")));
        assert_eq!(text_salary("$70,000/year - $90,000/year"), sal(Some(70000.0), Some(90000.0), "USD", Some("year")));
        assert_eq!(text_salary("¥5,000,000 - ¥8,000,000 per year"), sal(Some(5e6), Some(8e6), "JPY", Some("year")));
        assert_eq!(
            text_salary("Gehalt: 55.000 - 65.000 EUR brutto/Jahr"),
            sal(Some(55000.0), Some(65000.0), "EUR", Some("year"))
        );
        // the first salary wins; lines before it without one are passed over
        let lines = ["We have 10,000 customers in 40 countries.", "Compensation", "$95 - $110 per hour", "$200k"];
        assert_eq!(from_text(&lines, p()).salary, sal(Some(95.0), Some(110.0), "USD", Some("hour")));
        // a salary word on the previous line lets a small lone amount through
        assert_eq!(from_text(&["Salary", "$45"], p()).salary, sal(Some(45.0), Some(45.0), "USD", None));
    }

    #[test]
    fn text_salary_false_positives() {
        for line in [
            "401(k) with 4% match",
            "We raised a $5M Series A in 2024.",
            "Backed by $20 million from top investors",
            "Revenue of €1.2B",
            "Founded in 2024",
            "We serve 10,000 customers",
            "3-5 years of experience",
            "2-3 days per week",
            "Must be able to lift 50 pounds",
            "$1,000 learning budget",
            "$500 home office stipend",
            "Signing bonus: $10,000",
            "$45",
            "Use CAD 3D tools daily",
            "Save 20% on €50 vouchers",
            "Version 2.5.1 released 2024-05-01",
            "Salary: competitive",
            "60k-75k",
            "Company valued at $300,000,000",
            "€1,500 per month housing allowance",
            "$5-10 for coffee",
        ] {
            assert_eq!(text_salary(line), None, "{line:?}");
        }
    }

    #[test]
    fn parse_number_formats() {
        for (raw, want) in [
            ("120000", Some(120000.0)),
            ("120,000", Some(120000.0)),
            ("120.000", Some(120000.0)),
            ("120'000", Some(120000.0)),
            ("120 000", Some(120000.0)),
            ("1,234,567", Some(1234567.0)),
            ("1.234,56", Some(1234.56)),
            ("1,234.56", Some(1234.56)),
            ("45.50", Some(45.5)),
            ("45,5", Some(45.5)),
            ("12,00,000", Some(1200000.0)),
            ("1,2345", None),
            ("12.34.56", None),
            ("1234,567", None),
        ] {
            assert_eq!(parse_number(raw), want, "{raw}");
        }
        assert_eq!(loose_number("NaN", p()), None);
        assert_eq!(loose_number("inf", p()), None);
        assert_eq!(loose_number("-5", p()), None);
        assert_eq!(loose_number("120000.0", p()), Some(120000.0));
        assert_eq!(loose_number("$120k", p()), Some(120000.0));
    }

    #[test]
    fn workplace_cues_english() {
        let wp = |lines: &[&str]| from_text(lines, p()).workplace;
        assert_eq!(wp(&["Senior Engineer", "Remote - US"]), Some("remote".into()));
        assert_eq!(wp(&["Location: Remote (EMEA)"]), Some("remote".into()));
        assert_eq!(wp(&["We are a fully remote team."]), Some("remote".into()));
        assert_eq!(wp(&["We're remote-first and async."]), Some("remote".into()));
        assert_eq!(wp(&["London, UK (Hybrid)"]), Some("hybrid".into()));
        assert_eq!(wp(&["Full-time · Hybrid"]), Some("hybrid".into()));
        assert_eq!(wp(&["You'll spend 3 days a week in the office."]), Some("hybrid".into()));
        assert_eq!(wp(&["Onsite"]), Some("on-site".into()));
        assert_eq!(wp(&["This is an on-site role in Austin, TX."]), Some("on-site".into()));
        assert_eq!(wp(&["Location: In office, Chicago"]), Some("on-site".into()));
        assert_eq!(wp(&["Remote within Germany"]), Some("remote".into()));
        // priorities: hybrid > negated remote > remote > on-site
        assert_eq!(
            wp(&["We are remote-first.", "This role is hybrid: hybrid working from our Paris hub."]),
            Some("hybrid".into())
        );
        assert_eq!(wp(&["Remote (US)", "Occasional on-site visits to customers"]), Some("remote".into()));
        assert_eq!(wp(&["This is not a remote position.", "Remote work tools: Slack"]), Some("on-site".into()));
        assert_eq!(wp(&["Remote or Hybrid"]), Some("hybrid".into()));
        // not cues
        assert_eq!(wp(&["Remote Sensing Analyst"]), None);
        assert_eq!(wp(&["Experience with hybrid cloud and remote monitoring."]), None);
        assert_eq!(wp(&["You will manage remote teams across hybrid apps."]), None);
        assert_eq!(wp(&["Interview process: onsite interview with the team"]), None);
        assert_eq!(wp(&[]), None);
    }

    #[test]
    fn workplace_cues_german() {
        let wp = |lines: &[&str]| from_text(lines, p()).workplace;
        assert_eq!(wp(&["Homeoffice möglich"]), Some("hybrid".into()));
        assert_eq!(wp(&["Flexible Arbeitszeiten und Homeoffice-Möglichkeit"]), Some("hybrid".into()));
        assert_eq!(wp(&["Mobiles Arbeiten an 2 Tagen pro Woche"]), Some("hybrid".into()));
        assert_eq!(wp(&["München, hybrid"]), Some("hybrid".into()));
        assert_eq!(wp(&["Remote möglich"]), Some("remote".into()));
        assert_eq!(wp(&["Wir arbeiten zu 100% Homeoffice"]), Some("remote".into()));
        assert_eq!(wp(&["Arbeitsort: vor Ort in Hamburg"]), Some("on-site".into()));
        assert_eq!(wp(&["Kein Homeoffice möglich, Arbeit im Büro"]), Some("on-site".into()));
    }

    #[test]
    fn employment_cues() {
        let et = |lines: &[&str]| from_text(lines, p()).employment_type;
        assert_eq!(et(&["Full-time"]), Some("full-time".into()));
        assert_eq!(et(&["Berlin · Full time · Remote"]), Some("full-time".into()));
        assert_eq!(et(&["Employment type: Part-time"]), Some("part-time".into()));
        assert_eq!(et(&["This is a 6-month contract position."]), Some("contract".into()));
        assert_eq!(et(&["Type: Contract"]), Some("contract".into()));
        assert_eq!(et(&["Temporary"]), Some("temporary".into()));
        assert_eq!(et(&["Regular Full-Time"]), Some("full-time".into()));
        assert_eq!(et(&["Join our summer internship program!"]), Some("internship".into()));
        assert_eq!(et(&["Software Engineering Intern"]), Some("internship".into()));
        // German
        assert_eq!(et(&["Senior Entwickler (m/w/d) in Vollzeit"]), Some("full-time".into()));
        assert_eq!(et(&["Teilzeit (20 Std./Woche)"]), Some("part-time".into()));
        assert_eq!(et(&["Werkstudent (m/w/d) Marketing"]), Some("part-time".into()));
        assert_eq!(et(&["Praktikum"]), Some("internship".into()));
        assert_eq!(et(&["Praktikant*in im Bereich Design"]), Some("internship".into()));
        assert_eq!(et(&["Befristeter Vertrag für 12 Monate"]), Some("temporary".into()));
        assert_eq!(et(&["Unbefristeter Vertrag"]), None);
        // document order; sentences that merely mention a type are not cues
        assert_eq!(et(&["Full-time / Part-time"]), Some("full-time".into()));
        assert_eq!(et(&["Vollzeit oder Teilzeit"]), Some("full-time".into()));
        assert_eq!(et(&["We have 200 full-time employees.", "Contract"]), Some("contract".into()));
        assert_eq!(et(&["You will handle contract negotiations.", "Previous internship experience is a plus."]), None);
        assert_eq!(et(&["Salary based on full-time equivalent"]), None);
    }

    #[test]
    fn structured_employment_values() {
        for (v, want) in [
            ("FULL_TIME", Some("full-time")),
            ("fulltime", Some("full-time")),
            ("Part-time", Some("part-time")),
            ("CONTRACTOR", Some("contract")),
            ("INTERN", Some("internship")),
            ("VOLUNTEER", Some("volunteer")),
            ("PER_DIEM", Some("per-diem")),
            ("perdiem", Some("per-diem")),
            ("OTHER", Some("other")),
            ("Vollzeit", Some("full-time")),
            ("Permanent", None),
            ("", None),
        ] {
            assert_eq!(normalize_employment(v, p()), want, "{v}");
        }
    }

    #[test]
    fn text_evidence_and_empty() {
        let m = from_text(&["Remote", "Full-time", "$100,000 - $120,000 a year"], p());
        assert_eq!(m.evidence, ev(&[("workplace", "text"), ("employment_type", "text"), ("salary", "text")]));
        assert_eq!(m.title, None);
        assert_eq!(from_text(&["Just a paragraph about our culture."], p()), PostingMeta::default());
    }

    fn record(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn jobspy_fields() {
        let r = record(&[
            ("site", "indeed"),
            ("title", "Data Engineer"),
            ("company", "Initech"),
            ("location", "Austin, TX, US"),
            ("is_remote", "True"),
            ("job_type", "fulltime, contract"),
            ("interval", "yearly"),
            ("min_amount", "110000.0"),
            ("max_amount", "140000.0"),
            ("currency", "USD"),
            ("date_posted", "2024-04-28"),
        ]);
        let m = from_fields(&r, p());
        assert_eq!(m.title.as_deref(), Some("Data Engineer"));
        assert_eq!(m.company.as_deref(), Some("Initech"));
        assert_eq!(m.location.as_deref(), Some("Austin, TX, US"));
        assert_eq!(m.workplace.as_deref(), Some("remote"));
        assert_eq!(m.employment_type.as_deref(), Some("full-time"));
        assert_eq!(m.salary, sal(Some(110000.0), Some(140000.0), "USD", Some("year")));
        assert_eq!(m.date(), Some("2024-04-28"));
        assert_eq!(m.evidence.len(), 7);
        assert!(m.evidence.iter().all(|(_, s)| s == "fields"));
    }

    #[test]
    fn jobspy_fields_variants() {
        let r = record(&[
            ("Company_Name", "Umbrella"),
            ("city", "Berlin"),
            ("state", "Berlin"),
            ("country", "Germany"),
            ("is_remote", "false"),
            ("work_from_home_type", "Hybrid"),
            ("job_type", "parttime"),
            ("min_amount", "nan"),
            ("max_amount", ""),
            ("salary", "€45.000 – €55.000"),
            ("interval", "yearly"),
            ("date_posted", "01.04.2024"),
        ]);
        let m = from_fields(&r, p());
        assert_eq!(m.title, None);
        assert_eq!(m.company.as_deref(), Some("Umbrella"));
        assert_eq!(m.location.as_deref(), Some("Berlin, Germany"));
        assert_eq!(m.workplace.as_deref(), Some("hybrid"));
        assert_eq!(m.employment_type.as_deref(), Some("part-time"));
        assert_eq!(m.salary, sal(Some(45000.0), Some(55000.0), "EUR", Some("year")));
        assert_eq!(m.date(), Some("2024-04-01"));

        let r = record(&[
            ("salary_range", "80000-95000"),
            ("currency", "cad"),
            ("interval", "hourly"),
            ("is_remote", "no"),
        ]);
        let m = from_fields(&r, p());
        assert_eq!(m.salary, sal(Some(80000.0), Some(95000.0), "CAD", Some("hour")));
        assert_eq!(m.workplace, None);

        let r = record(&[("min_amount", "25"), ("interval", "monthly"), ("job_type", "something new")]);
        let m = from_fields(&r, p());
        assert_eq!(m.salary, Some(Salary { min: Some(25.0), max: None, currency: None, period: Some("month".into()) }));
        assert_eq!(m.employment_type, None);
        assert_eq!(from_fields(&BTreeMap::new(), p()), PostingMeta::default());
    }

    #[test]
    fn merge_takes_first_source_per_field() {
        let ld = from_json_ld(
            r#"<script type="application/ld+json">{"@type":"JobPosting","title":"Platform Engineer",
               "baseSalary":{"currency":"USD","value":{"minValue":150000,"maxValue":180000}}}</script>"#,
            p(),
        )
        .unwrap();
        let fields = from_fields(
            &record(&[
                ("title", "platform engineer (remote)"),
                ("company", "Hooli"),
                ("min_amount", "1"),
                ("interval", "hourly"),
                ("date_posted", "2024-02-01"),
            ]),
            p(),
        );
        let text = from_text(&["Hybrid", "Contract", "$90 - $100 per hour"], p());
        let m = merge(&[ld, fields, text]);
        assert_eq!(m.title.as_deref(), Some("Platform Engineer"));
        assert_eq!(m.company.as_deref(), Some("Hooli"));
        assert_eq!(m.location, None);
        assert_eq!(m.workplace.as_deref(), Some("hybrid"));
        assert_eq!(m.employment_type.as_deref(), Some("contract"));
        // the salary is taken whole: json-ld has no period, and none is borrowed
        assert_eq!(
            m.salary,
            Some(Salary { min: Some(150000.0), max: Some(180000.0), currency: Some("USD".into()), period: None })
        );
        assert_eq!(m.date(), Some("2024-02-01"));
        assert_eq!(
            m.evidence,
            ev(&[
                ("title", "json-ld"),
                ("company", "fields"),
                ("workplace", "text"),
                ("employment_type", "text"),
                ("salary", "json-ld"),
                ("date_posted", "fields"),
            ])
        );
        // a source without evidence is named by position; no sources gives nothing
        let bare = PostingMeta { title: Some("X".into()), ..PostingMeta::default() };
        assert_eq!(merge(&[PostingMeta::default(), bare]).evidence, ev(&[("title", "source1")]));
        assert_eq!(merge(&[]), PostingMeta::default());
    }

    #[test]
    fn dates() {
        for (raw, want) in [
            ("2024-05-01", "2024-05-01"),
            ("2024-5-1", "2024-05-01"),
            ("2024-05-01T09:30:00Z", "2024-05-01"),
            ("2024/05/01", "2024-05-01"),
            ("01.05.2024", "2024-05-01"),
            ("May 1, 2024", "2024-05-01"),
            ("1st May 2024", "2024-05-01"),
            ("3. März 2024", "2024-03-03"),
            ("2024-02-29", "2024-02-29"),
            ("2023-02-29", "2023-02-29"),
            ("2024-02-30", "2024-02-30"),
            ("05/01/2024", "05/01/2024"),
            ("3 days ago", "3 days ago"),
        ] {
            let d = normalize_date(raw, p()).unwrap();
            assert_eq!(d.iso.as_deref().unwrap_or(&d.raw), want, "{raw}");
            assert_eq!(d.raw, raw.trim(), "the text as written is kept");
        }
        // a date that is no calendar day is kept as written only
        for raw in ["2023-02-29", "2024-02-30", "05/01/2024", "3 days ago"] {
            assert_eq!(normalize_date(raw, p()).unwrap().iso, None, "{raw}");
        }
        assert_eq!(normalize_date("1900-02-29", p()).unwrap().iso, None);
        assert_eq!(normalize_date("2000-02-29", p()).unwrap().iso.as_deref(), Some("2000-02-29"));
        assert_eq!(normalize_date("  ", p()), None);
    }

    #[test]
    fn helpers() {
        assert_eq!(decode_entities("R&amp;D &lt;b&gt; &#39;x&#x27; & co &bogus;"), "R&D <b> 'x' & co &bogus;");
        assert_eq!(
            segments("Berlin (Hybrid) - Full-time or Remote", p()),
            vec![(0, "Berlin"), (8, "Hybrid"), (18, "Full-time"), (31, "Remote")]
        );
        assert_eq!(normalize_period("per annum", p()).as_deref(), Some("year"));
        assert_eq!(normalize_period("HOUR", p()).as_deref(), Some("hour"));
        assert_eq!(normalize_period("Monthly", p()).as_deref(), Some("month"));
        assert_eq!(normalize_period("fortnight", p()), None);
        assert_eq!(normalize_currency("$", p()).as_deref(), Some("USD"));
        assert_eq!(normalize_currency("usd", p()).as_deref(), Some("USD"));
        assert_eq!(normalize_currency("Euro", p()).as_deref(), Some("EUR"));
    }

    /// The shipped rules hold every kind of cue (a pack left out would show here).
    #[test]
    fn shipped_cue_tables() {
        let kinds = |c: &Cues| {
            let mut k: Vec<&str> = c.labels.values().chain(c.phrase_kinds.values()).copied().collect();
            k.sort();
            k.dedup();
            k
        };
        assert_eq!(kinds(&p().workplace), ["hybrid", "ignore", "not-remote", "on-site", "remote"]);
        assert_eq!(kinds(&p().employment).len(), 8);
        // the months of each pack (names shared by languages are one entry)
        for (name, m) in [("january", 1), ("januar", 1), ("januari", 1), ("märz", 3), ("maart", 3), ("december", 12)] {
            assert_eq!(p().months.get(name), Some(&m), "{name}");
        }
        assert!((1..=12).all(|m| p().months.values().any(|v| *v == m)));
    }
}

#[cfg(test)]
mod find_ci_tests {
    use super::find_ci;
    use proptest::prelude::*;

    /// The plain definition: the first place at or after `from` where the needle is, in any
    /// ASCII case.
    fn naive(hay: &str, needle: &str, from: usize) -> Option<usize> {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        if n.is_empty() || from >= h.len() {
            return None;
        }
        h[from..].windows(n.len()).position(|w| w.eq_ignore_ascii_case(n)).map(|p| p + from)
    }

    #[test]
    fn finds_what_the_plain_definition_finds() {
        for (hay, needle, from) in [
            ("<HTML><Head><TITLE>x</title></HEAD>", "</head", 0),
            ("<script type=application/ld+json>", "<SCRIPT", 0),
            ("aaa", "aaaa", 0),
            ("xx<", "<", 2),
            ("<a<a<A", "<a", 3),
            ("é<TITLE", "<title", 0),
            ("", "<x", 0),
        ] {
            assert_eq!(find_ci(hay, needle, from), naive(hay, needle, from), "{hay:?} {needle:?} {from}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_plain_definition(hay in "[<aAbB/ ée]{0,40}", needle in "[<aAbB/]{1,4}", from in 0usize..45) {
            prop_assert_eq!(find_ci(&hay, &needle, from), naive(&hay, &needle, from));
        }

        // the bounded squash that the cue look-ups use gives up exactly when the squashed
        // text is longer than the longest key (İ lower-cases to two characters, ẞ to ß)
        #[test]
        fn bounded_squash_is_squash_or_too_long(text in "[aZ%İẞé 1.-]{0,12}", max in 0usize..14) {
            let mut buf = String::from("left over");
            let full = crate::rules::posting::squash(&text);
            let within = crate::rules::posting::squash_within(&text, max, &mut buf);
            prop_assert_eq!(within, full.len() <= max);
            if within {
                prop_assert_eq!(buf, full);
            }
        }
    }
}
