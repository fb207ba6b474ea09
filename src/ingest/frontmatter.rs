//! YAML front matter: metadata, not body text.

use std::collections::BTreeMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, ScanError};
use yaml_rust2::{Yaml, YamlLoader};

/// Nodes a front matter may hold once its aliases are expanded. Real front matter holds a
/// few dozen; an alias bomb ("billion laughs": anchors nested a few levels deep, each
/// aliased ten times) holds billions in a few hundred bytes.
pub const MAX_YAML_NODES: u64 = 10_000;
/// Collections a front matter may nest (real ones nest two or three): deeper nesting is
/// refused before it is built (dropping and reading it would recurse as deep).
pub const MAX_YAML_DEPTH: usize = 200;
/// Lines a front matter may span before its closing `---`.
const MAX_FRONT_MATTER_LINES: usize = 10_000;

/// Take the front matter off `text`: its lines are blanked (so line numbers stay true) and
/// its scalar values returned with lower-case keys. Lists of scalars are joined with "; ".
pub fn take(text: &mut String) -> BTreeMap<String, String> {
    take_noting(text, &mut Vec::new())
}

/// `take`, noting in `truncated` what a limit cut (front matter whose aliases expand past
/// `MAX_YAML_NODES` is not read).
pub fn take_noting(text: &mut String, truncated: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.split_inclusive('\n');
    let mut offset = 0;
    // the front matter opens on the first non-blank line
    let mut open = None;
    for l in lines.by_ref() {
        if l.trim().is_empty() {
            offset += l.len();
            continue;
        }
        if l.trim() == "---" {
            open = Some((offset, l.len() - l.trim_start().len()));
        }
        offset += l.len();
        break;
    }
    let Some((start, _indent)) = open else { return out };
    let body_start = offset;
    let mut end = None;
    for (n, l) in lines.enumerate() {
        if n > MAX_FRONT_MATTER_LINES {
            break;
        }
        let t = l.trim();
        if t == "---" || t == "..." {
            end = Some((offset, offset + l.len()));
            break;
        }
        offset += l.len();
    }
    let Some((yaml_end, fm_end)) = end else { return out };
    // a zero-width no-break space (U+FEFF, a BOM pasted mid-file) is no YAML: left out,
    // it made the whole front matter unread
    let yaml = text[body_start..yaml_end].replace('\u{feff}', "");
    let yaml = dedent(&yaml);
    match load_bounded(&yaml, MAX_YAML_NODES) {
        Err(Bounded::TooBig { max, aliases: true }) => truncated.push(format!(
            "front matter not read: its YAML aliases expand to over {max} nodes (an alias bomb); the body is read"
        )),
        Err(Bounded::TooBig { max, aliases: false }) => {
            truncated.push(format!("front matter not read: it holds over {max} YAML nodes; the body is read"))
        }
        Err(Bounded::TooDeep(max)) => {
            truncated.push(format!("front matter not read: its YAML nests deeper than {max} levels; the body is read"))
        }
        Ok(docs) => {
            if let Some(Yaml::Hash(h)) = docs.first() {
                for (k, v) in h {
                    if let (Some(k), Some(v)) = (scalar(k), value(v)) {
                        out.insert(k.to_lowercase(), v);
                    }
                }
            }
        }
        Err(Bounded::Scan) => {
            // not YAML (a tab in an indent, a stray bracket): read line by line, `key: value`
            // at the top, a block scalar (`key: >` or `|`) from its indented lines
            truncated.push("front matter is not valid YAML: read line by line (nested values are not read)".into());
            let lines: Vec<&str> = yaml.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if let Some((k, v)) = l.split_once(':') {
                    let (k, v) = (k.trim(), v.trim().trim_matches(['"', '\'']));
                    if k.is_empty() || l.starts_with(char::is_whitespace) || k.starts_with('-') {
                        continue;
                    }
                    let v = if is_block_scalar(v) {
                        lines[i + 1..]
                            .iter()
                            .take_while(|c| c.trim().is_empty() || c.starts_with(char::is_whitespace))
                            .map(|c| c.trim())
                            .filter(|c| !c.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ")
                    } else {
                        v.to_string()
                    };
                    if !v.is_empty() {
                        out.insert(k.to_lowercase(), v);
                    }
                }
            }
        }
    }
    for v in out.values_mut() {
        if v.contains('&') {
            *v = crate::clean::text::decode_entities(v).into_owned();
        }
    }
    let body = &text[fm_end..];
    let body_empty = body.trim().is_empty();
    let has_h1 = body.lines().any(|l| l.starts_with("# ") || l.trim_start().to_ascii_lowercase().starts_with("<h1"));
    let rewritten = as_markdown(&text[start..fm_end], body_empty, has_h1);
    text.replace_range(start..fm_end, &rewritten);
    out
}

/// The front matter's lines turned into Markdown, line for line (so line numbers stay true):
/// a `title` becomes the top heading when the body has none (a static-site posting's title
/// is its role), and when the body is empty (front matter that holds the whole posting)
/// each list becomes a section: `responsibilities:` → `## Responsibilities`, `- item` →
/// `- item`. Every other line is blanked: metadata is not body text.
fn as_markdown(fm: &str, body_empty: bool, has_h1: bool) -> String {
    let mut out = String::with_capacity(fm.len());
    let lines: Vec<&str> = fm.split('\n').collect();
    let ladder = ladder_lines(&lines);
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty() && l.trim() != "---")
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let t = l.trim();
        let top = l.len() - l.trim_start().len() == indent && !t.starts_with('-');
        let unquote = |v: &str| one_line(&crate::clean::text::decode_entities(v.trim().trim_matches(['"', '\''])));
        if let Some(l) = ladder.as_ref().and_then(|m| m.get(&i)) {
            out.push_str(l);
        } else if let Some((k, v)) = t.split_once(':').filter(|_| top) {
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("title") && !v.is_empty() && !has_h1 {
                out.push_str("# ");
                out.push_str(&unquote(v));
            } else if body_empty && v.is_empty() && !k.is_empty() {
                let label = k.replace(['_', '-'], " ");
                let mut c = label.chars();
                let label: String = c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default();
                out.push_str("## ");
                out.push_str(&label);
            }
        } else if body_empty && t.starts_with("- ") && t.len() > 2 {
            out.push_str("- ");
            out.push_str(&unquote(&t[2..]));
        }
    }
    out
}

/// A YAML block scalar's header (`>`, `|`, `>-`, `|+2`): its value is on the lines below.
fn is_block_scalar(v: &str) -> bool {
    let mut c = v.chars();
    matches!(c.next(), Some('>' | '|')) && c.all(|c| matches!(c, '+' | '-') || c.is_ascii_digit())
}

/// A value on one line: an entity that decodes to a line break (`&#10;`) must not add a line
/// (every line keeps its number).
fn one_line(v: &str) -> String {
    v.replace(['\n', '\r', '\u{2028}', '\u{2029}'], " ")
}

/// Keys whose value names a level, in front matter that holds a career framework.
const LEVEL_KEYS: [&str; 5] = ["level", "rung", "grade", "band", "step"];
/// Keys whose value labels a mapping (a competency), best first.
const LABEL_KEYS: [&str; 4] = ["title", "label", "heading", "name"];

/// A career framework kept in front matter (a Monzo-style progression framework: `topics`,
/// each with a `name`/`title` and `content`, a list of `level: N` mappings holding lists of
/// `criteria`): Markdown for its lines, by line index. Each mapping with a level key is a
/// heading "Level N" at its first line, each mapping holding such mappings a heading with
/// its label, and the strings listed under a level are its items, so the body's reader sees
/// competency → level → criteria. `None` when the front matter holds no such thing (fewer
/// than two levels with strings under them).
fn ladder_lines(lines: &[&str]) -> Option<BTreeMap<usize, String>> {
    struct Node {
        start: usize,
        indent: usize,
        parent: Option<usize>,
        label: Option<(usize, String)>,
        level: Option<String>,
        holds_levels: bool,
    }
    let unquote = |v: &str| one_line(&crate::clean::text::decode_entities(v.trim().trim_matches(['"', '\''])));
    let mut nodes: Vec<Node> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut strings: Vec<(usize, usize, String)> = Vec::new(); // (line, owner, text)
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t == "---" {
            continue;
        }
        let n = l.len() - l.trim_start().len();
        let (key_indent, rest, item) = match t.strip_prefix("- ") {
            Some(r) => (n + 2, r.trim_start(), true),
            None => (n, t, false),
        };
        while stack.last().is_some_and(|&s| nodes[s].indent > n || (item && nodes[s].indent >= key_indent)) {
            stack.pop();
        }
        let kv = rest.split_once(':').filter(|(k, v)| {
            !k.is_empty() && !k.contains(' ') && !k.starts_with(['"', '\'']) && (v.is_empty() || v.starts_with(' '))
        });
        let owner = match kv {
            Some(_) if item || stack.last().is_none_or(|&s| nodes[s].indent != key_indent) => {
                nodes.push(Node {
                    start: i,
                    indent: key_indent,
                    parent: stack.last().copied(),
                    label: None,
                    level: None,
                    holds_levels: false,
                });
                stack.push(nodes.len() - 1);
                nodes.len() - 1
            }
            Some(_) => *stack.last().expect("a mapping"),
            None => {
                if item {
                    if let Some(&s) = stack.last() {
                        strings.push((i, s, unquote(rest)));
                    }
                }
                continue;
            }
        };
        let (k, v) = kv.expect("a key");
        let (k, v) = (k.to_ascii_lowercase(), unquote(v));
        if v.is_empty() {
            continue;
        }
        if LEVEL_KEYS.contains(&k.as_str()) {
            nodes[owner].level = Some(v);
        } else if let Some(p) = LABEL_KEYS.iter().position(|x| *x == k) {
            if nodes[owner].label.as_ref().is_none_or(|(q, _)| p < *q) {
                nodes[owner].label = Some((p, v));
            }
        }
    }
    let level_of = |nodes: &[Node], mut s: usize| loop {
        if nodes[s].level.is_some() {
            return Some(s);
        }
        s = nodes[s].parent?;
    };
    let with_items: std::collections::BTreeSet<usize> =
        strings.iter().filter_map(|&(_, o, _)| level_of(&nodes, o)).collect();
    if with_items.len() < 2 {
        return None;
    }
    for k in 0..nodes.len() {
        if nodes[k].level.is_some() {
            let mut p = nodes[k].parent;
            while let Some(q) = p {
                nodes[q].holds_levels = true;
                p = nodes[q].parent;
            }
        }
    }
    let mut out = BTreeMap::new();
    for node in &nodes {
        let headed_above = {
            let (mut d, mut p) = (0, node.parent);
            while let Some(q) = p {
                if nodes[q].level.is_some()
                    || (nodes[q].holds_levels && nodes[q].label.is_some() && nodes[q].parent.is_some())
                {
                    d += 1;
                }
                p = nodes[q].parent;
            }
            d
        };
        let hashes = "#".repeat((2 + headed_above).min(6));
        if let Some(v) = &node.level {
            let v = if v.chars().all(|c| c.is_ascii_digit()) { format!("Level {v}") } else { v.clone() };
            out.insert(node.start, format!("{hashes} {v}"));
        } else if node.holds_levels && node.parent.is_some() {
            if let Some((_, label)) = &node.label {
                out.insert(node.start, format!("{hashes} {label}"));
            }
        }
    }
    for (line, owner, text) in strings {
        if level_of(&nodes, owner).is_some() && !text.is_empty() {
            out.insert(line, format!("- {text}"));
        }
    }
    Some(out)
}

enum Bounded {
    Scan,
    /// The nodes (aliases expanded, if it has any) exceed the bound.
    TooBig {
        max: u64,
        aliases: bool,
    },
    /// Collections nest deeper than the bound.
    TooDeep(usize),
}

/// Load YAML, refusing it when its aliases would expand to more than `max` nodes: the nodes
/// are counted from the parser's events (an alias counts as the size of what it names)
/// before the loader, which expands every alias, is given them.
fn load_bounded(yaml: &str, max: u64) -> Result<Vec<Yaml>, Bounded> {
    struct Counting {
        loader: YamlLoader,
        max: u64,
        total: u64,
        /// size of each anchored node, by anchor id
        anchors: BTreeMap<usize, u64>,
        /// open collections: (anchor id, nodes so far)
        open: Vec<(usize, u64)>,
        over: bool,
        too_deep: bool,
        aliases: bool,
    }
    impl Counting {
        fn add(&mut self, n: u64) {
            self.total = self.total.saturating_add(n);
            if let Some(top) = self.open.last_mut() {
                top.1 = top.1.saturating_add(n);
            }
        }
    }
    impl MarkedEventReceiver for Counting {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            if self.over {
                return;
            }
            match &ev {
                Event::SequenceStart(aid, _) | Event::MappingStart(aid, _) => {
                    self.total = self.total.saturating_add(1);
                    self.open.push((*aid, 1));
                    if self.open.len() > MAX_YAML_DEPTH {
                        self.over = true;
                        self.too_deep = true;
                        return;
                    }
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some((aid, n)) = self.open.pop() {
                        if aid > 0 {
                            self.anchors.insert(aid, n);
                        }
                        if let Some(top) = self.open.last_mut() {
                            top.1 = top.1.saturating_add(n);
                        }
                    }
                }
                Event::Scalar(v, _, aid, _) => {
                    // a long scalar counts for more: an alias copies its text
                    let n = 1 + v.len() as u64 / 64;
                    if *aid > 0 {
                        self.anchors.insert(*aid, n);
                    }
                    self.add(n);
                }
                Event::Alias(aid) => {
                    self.aliases = true;
                    let n = self.anchors.get(aid).copied().unwrap_or(1);
                    self.add(n);
                }
                _ => {}
            }
            // without aliases the nodes are the text's own: a long list of tags is no bomb
            let limit = if self.aliases { self.max } else { self.max.saturating_mul(10) };
            if self.total > limit {
                self.over = true;
                return;
            }
            self.loader.on_event(ev, mark);
        }
    }
    let mut c = Counting {
        loader: YamlLoader::default(),
        max,
        total: 0,
        anchors: BTreeMap::new(),
        open: Vec::new(),
        over: false,
        too_deep: false,
        aliases: false,
    };
    // the parser recurses once per level, whatever the receiver does: refuse deep text first
    if nesting_bound(yaml) > MAX_YAML_DEPTH {
        return Err(Bounded::TooDeep(MAX_YAML_DEPTH));
    }
    Parser::new_from_str(yaml).load(&mut c, true).map_err(|_: ScanError| Bounded::Scan)?;
    if c.too_deep {
        return Err(Bounded::TooDeep(MAX_YAML_DEPTH));
    }
    if c.over {
        let max = if c.aliases { max } else { max.saturating_mul(10) };
        return Err(Bounded::TooBig { max, aliases: c.aliases });
    }
    Ok(c.loader.documents().to_vec())
}

/// An upper bound of how deep YAML text can nest, without parsing it: on each line, its
/// indent (a level takes at least one column) plus the `- `/`? ` that open nested block
/// collections on it, and the depth of flow brackets (outside quotes).
fn nesting_bound(yaml: &str) -> usize {
    let mut most = 0;
    let (mut flow, mut quote) = (0usize, None::<char>);
    for line in yaml.lines() {
        let rest = line.trim_start_matches([' ', '\t']);
        let mut depth = line.len() - rest.len();
        let mut r = rest;
        while let Some(t) = r.strip_prefix("- ").or_else(|| r.strip_prefix("? ")) {
            depth += 1;
            r = t.trim_start_matches(' ');
        }
        for ch in line.chars() {
            match (quote, ch) {
                (None, '"' | '\'') => quote = Some(ch),
                (Some(q), c) if c == q => quote = None,
                (None, '#') => break,
                (None, '[' | '{') => flow += 1,
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
            most = most.max(flow);
        }
        // a quote does not run across lines in front matter we read
        quote = None;
        most = most.max(depth + flow);
    }
    most
}

/// Remove the indent common to the non-blank lines, counted in characters of white space
/// (a line may be indented by a no-break space, two bytes, and another by a space).
fn dedent(s: &str) -> String {
    let lead = |l: &str| l.chars().take_while(|c| c.is_whitespace()).count();
    let indent = s.lines().filter(|l| !l.trim().is_empty()).map(lead).min().unwrap_or(0);
    s.lines()
        .map(|l| match l.char_indices().nth(indent) {
            Some((i, _)) if lead(l) >= indent => &l[i..],
            _ => l.trim_start(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.trim().to_string()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn value(y: &Yaml) -> Option<String> {
    match y {
        Yaml::Array(a) => {
            let v: Vec<String> = a.iter().filter_map(scalar).collect();
            (!v.is_empty()).then(|| v.join("; "))
        }
        _ => scalar(y).filter(|s| !s.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_front_matter_and_keeps_lines() {
        let mut t = "---\ntitle : Roles \nemail: mailto:a@acme.io\ntags: [a, b]\n---\n\nBody\n".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["title"], "Roles");
        assert_eq!(fm["email"], "mailto:a@acme.io");
        assert_eq!(fm["tags"], "a; b");
        // the title heads the body (it has no heading of its own), on its own line
        assert_eq!(t, "\n# Roles\n\n\n\n\nBody\n");
        let mut t = "---\ntitle: Roles\n---\n# Own heading\n".to_string();
        take(&mut t);
        assert_eq!(t, "\n\n\n# Own heading\n");
    }

    #[test]
    fn front_matter_holding_the_whole_posting_becomes_its_body() {
        let mut t = "---\ntitle: Product Owner\ncompany: Beta &amp; Co\nkey_duties:\n  - Own the backlog\n  - 'Write stories'\n---\n".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["company"], "Beta & Co");
        assert_eq!(t, "\n# Product Owner\n\n## Key duties\n- Own the backlog\n- Write stories\n\n");
    }

    #[test]
    fn a_career_framework_in_front_matter_becomes_competency_level_and_criteria() {
        let src = "---\ntitle: \"Design Framework\"\nlevels: 2\ntopics:\n  - name: \"craft\"\n    title:\n    content:\n      - level: 1\n        criteria:\n            - \"You learn the basics\"\n      - level: 2\n        criteria:\n            - \"You master the toolkit\"\n            - 'You teach others'\n  - name: \"ownership\"\n    title: \"Ownership\"\n    content:\n      - level: 1\n        criteria:\n            - \"You own small tasks\"\n---\n\nBody text.\n";
        let mut t = src.to_string();
        take(&mut t);
        assert_eq!(t.lines().count(), src.lines().count(), "{t}");
        let lines: Vec<&str> = t.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "# Design Framework",
                "## craft",
                "### Level 1",
                "- You learn the basics",
                "### Level 2",
                "- You master the toolkit",
                "- You teach others",
                "## Ownership",
                "### Level 1",
                "- You own small tasks",
                "Body text."
            ]
        );
        // a list under one level only, or lists without levels, stay metadata
        let mut t = "---\ntags:\n  - a\n  - b\nitems:\n  - level: 1\n    notes:\n      - x\n---\nBody\n".to_string();
        take(&mut t);
        assert_eq!(t.trim(), "Body");
    }

    #[test]
    fn entities_that_decode_to_line_breaks_keep_the_line_count() {
        for src in [
            "---\ntitle: a&#10;b\n---\nx\n",
            "---\ntopics:\n  - name: \"Craft&#10;Injected\"\n    content:\n      - level: 1\n        criteria:\n          - \"First&#10;second\"\n      - level: 2\n        criteria:\n          - \"Third\"\n---\n\nBody.\n",
        ] {
            let mut t = src.to_string();
            take(&mut t);
            assert_eq!(t.split('\n').count(), src.split('\n').count(), "{t:?}");
        }
    }

    #[test]
    fn indented_front_matter() {
        let mut t = "  ---\n  company: Acme\n  ---\nBody".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["company"], "Acme");
        assert_eq!(t.lines().last(), Some("Body"));
    }

    #[test]
    fn indent_of_mixed_white_space_is_counted_in_characters() {
        // one line indented by a space, another by a no-break space (two bytes)
        assert_eq!(dedent(" a: 1\n\u{a0}b: 2\n"), "a: 1\nb: 2");
        assert_eq!(dedent("\u{a0}\u{a0}a: 1\n b: 2"), "\u{a0}a: 1\nb: 2");
        let mut t = "---\n title: x\n\u{a0}company: Acme\n---\nBody".to_string();
        take(&mut t);
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut y =
            String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            y.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let mut t = format!("---\ntitle: Product Owner\n{y}---\n\n- Own the backlog\n");
        let mut cut = Vec::new();
        let t0 = std::time::Instant::now();
        let fm = take_noting(&mut t, &mut cut);
        assert!(t0.elapsed().as_secs_f64() < 1.0, "{:?}", t0.elapsed());
        assert!(fm.is_empty(), "{fm:?}");
        assert!(cut[0].contains("alias bomb"), "{cut:?}");
        // aliases within bounds are read as before
        let mut t = "---\nbase: &b Acme\ncompany: *b\ntags: &t [a, b]\nmore: *t\n---\nx".to_string();
        let fm = take(&mut t);
        assert_eq!((fm["company"].as_str(), fm["more"].as_str()), ("Acme", "a; b"));
    }

    #[test]
    fn no_front_matter_no_change() {
        let mut t = "Title\n---\nBody".to_string();
        assert!(take(&mut t).is_empty());
        assert_eq!(t, "Title\n---\nBody");
    }

    #[test]
    fn a_zero_width_space_in_an_indent_is_no_error() {
        let mut t = "---\ntitle: Product Owner\n\u{feff}company: Acme\n---\n- Own the backlog\n".to_string();
        let mut notes = Vec::new();
        let fm = take_noting(&mut t, &mut notes);
        assert_eq!((fm["title"].as_str(), fm["company"].as_str()), ("Product Owner", "Acme"));
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn broken_yaml_falls_back_to_lines() {
        let mut t = "---\ntitle: a: b: [\ncompany: Acme\n---\nx".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["company"], "Acme");
        // a block scalar in broken YAML (a tab or a no-break space in its indent): the value
        // is its lines, never the `>` or `|` that opens it
        for indent in ["\t", "\u{a0}", "  \t"] {
            for header in [">", "|", ">-", "|+"] {
                let mut t =
                    format!("---\ntitle: {header}\n{indent}Product Owner\ncompany: [Acme\n---\n- Own the backlog\n");
                let mut notes = Vec::new();
                let fm = take_noting(&mut t, &mut notes);
                assert_eq!(fm.get("title").map(String::as_str), Some("Product Owner"), "{header:?} {indent:?}: {fm:?}");
                assert!(notes.iter().any(|n| n.contains("not valid YAML")), "{notes:?}");
            }
        }
    }
}
