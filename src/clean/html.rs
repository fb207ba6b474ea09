//! HTML to blocks, with scraper. Walks the tree with an explicit stack (no recursion, so
//! deeply nested pages cannot overflow), drops non-content elements by the rules in
//! `boilerplate.toml` ([html]), and maps headings, paragraphs, list items, table rows and
//! quotes to blocks. Source lines are found by locating each block's first words in the
//! page, moving forward.

use super::markdown::HARD;
use crate::model::{Block, BlockKind};
use crate::rules::HtmlRules;
use scraper::node::Element;
use scraper::{Html, Node};
use std::collections::HashMap;

/// Finds the source line of a block by searching its first words after the last block.
struct LineFinder<'a> {
    src: &'a str,
    cursor: usize,
    line: usize,
}

const SEARCH_WINDOW: usize = 256 * 1024;

impl<'a> LineFinder<'a> {
    fn find(&mut self, text: &str) -> usize {
        let probe: String =
            text.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == ' ').take(24).collect();
        let probe = probe.trim_end();
        if probe.chars().count() >= 3 {
            let end = (self.cursor + SEARCH_WINDOW).min(self.src.len());
            let end = (end..=self.src.len()).find(|&i| self.src.is_char_boundary(i)).unwrap_or(self.src.len());
            if let Some(pos) = self.src[self.cursor..end].find(probe) {
                let at = self.cursor + pos;
                self.line += self.src[self.cursor..at].matches('\n').count();
                self.cursor = at;
            }
        }
        self.line
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Block(BlockKind),
    Container,
}

struct Walker<'a> {
    rules: &'a HtmlRules,
    out: Vec<Block>,
    buf: String,
    kinds: Vec<Kind>,
    lists: Vec<bool>,
    quote: usize,
    /// open table row: (line, header, cells)
    row: Option<(usize, bool, Vec<Vec<String>>)>,
    /// open cell: its items
    cell: Option<Vec<String>>,
    in_thead: usize,
    lines: LineFinder<'a>,
    /// text and link-text bytes under each element
    sizes: HashMap<ego_tree::NodeId, (u32, u32)>,
    /// text bytes of the whole page
    page_text: u32,
    /// classes the page's own `<style>` rules hide
    hidden_classes: std::collections::HashSet<String>,
}

/// Elements whose text no reader sees as page text.
const NO_TEXT: &[&str] = &["script", "style", "noscript", "template", "head", "title", "svg", "math"];
/// An element holding at least this share of the page's text is the page's content.
const CONTENT_SHARE: f64 = 0.5;
/// … unless links make up at least this share of its text (a mega-menu).
const LINK_SHARE: f64 = 0.5;
/// A container whose links hold this share of its text is link-dense …
const LINK_DENSE: f64 = 0.9;
/// … when it holds at least this much text.
const LINK_DENSE_MIN: u32 = 20;
/// Pages with less text than this are too small to tell content by its share.
const MIN_PAGE_TEXT: u32 = 500;

/// The text and link-text bytes under each element (`NO_TEXT` elements hold none): one
/// pass over the nodes in reverse document order, where every node comes after all of
/// its descendants.
fn text_sizes(root: ego_tree::NodeRef<'_, Node>) -> HashMap<ego_tree::NodeId, (u32, u32)> {
    let nodes: Vec<ego_tree::NodeRef<'_, Node>> = root.descendants().collect();
    let mut size: HashMap<ego_tree::NodeId, (u32, u32)> = HashMap::with_capacity(nodes.len() / 2);
    for n in nodes.iter().rev() {
        let own = match n.value() {
            Node::Text(t) => (t.trim().len() as u32, 0),
            Node::Element(e) if NO_TEXT.contains(&e.name()) => continue,
            Node::Element(e) => {
                let s = size.get(&n.id()).copied().unwrap_or_default();
                if e.name() == "a" {
                    let s = (s.0, s.0);
                    size.insert(n.id(), s);
                    s
                } else {
                    s
                }
            }
            _ => continue,
        };
        if let Some(p) = n.parent() {
            let e = size.entry(p.id()).or_default();
            e.0 = e.0.saturating_add(own.0);
            e.1 = e.1.saturating_add(own.1);
        }
    }
    size
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "html"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "td"
            | "th"
            | "tr"
            | "ul"
            | "ui"
            | "caption"
            | "menu"
    )
}

impl<'a> Walker<'a> {
    fn top(&self) -> BlockKind {
        for k in self.kinds.iter().rev() {
            if let Kind::Block(b) = k {
                return *b;
            }
        }
        if self.quote > 0 {
            BlockKind::Quote
        } else {
            BlockKind::Paragraph
        }
    }

    fn flush(&mut self) {
        if self.buf.trim().is_empty() {
            self.buf.clear();
            return;
        }
        let text = std::mem::take(&mut self.buf);
        if let Some(cell) = self.cell.as_mut() {
            cell.push(text);
            return;
        }
        let kind = self.top();
        let line = self.lines.find(&text);
        self.out.push(Block::new(kind, text, line));
    }

    fn open(&mut self, name: &str) {
        self.flush();
        let kind = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                Kind::Block(BlockKind::Heading { level: name[1..].parse().unwrap_or(6) })
            }
            "li" => Kind::Block(BlockKind::ListItem {
                depth: self.lists.len().saturating_sub(1).min(255) as u8,
                ordered: self.lists.last().copied().unwrap_or(false),
            }),
            "ul" | "ol" | "ui" | "dir" | "menu" => {
                self.lists.push(name == "ol");
                Kind::Container
            }
            "blockquote" => {
                self.quote += 1;
                Kind::Block(BlockKind::Quote)
            }
            "p" | "dd" | "dt" | "pre" | "figcaption" | "summary" | "caption" => {
                Kind::Block(if self.quote > 0 { BlockKind::Quote } else { BlockKind::Paragraph })
            }
            "thead" => {
                self.in_thead += 1;
                Kind::Container
            }
            "tr" => {
                self.row = Some((0, self.in_thead > 0, Vec::new()));
                Kind::Container
            }
            "td" | "th" => {
                if self.row.is_none() {
                    self.row = Some((0, false, Vec::new()));
                }
                if let Some(row) = self.row.as_mut() {
                    if name == "td" && row.2.is_empty() {
                        row.1 = self.in_thead > 0;
                    }
                }
                self.cell = Some(Vec::new());
                Kind::Container
            }
            _ => Kind::Container,
        };
        self.kinds.push(kind);
    }

    fn close(&mut self, name: &str) {
        self.flush();
        self.kinds.pop();
        match name {
            "ul" | "ol" | "ui" | "dir" | "menu" => {
                self.lists.pop();
            }
            "blockquote" => self.quote = self.quote.saturating_sub(1),
            "thead" => self.in_thead = self.in_thead.saturating_sub(1),
            "td" | "th" => {
                if let (Some(items), Some(row)) = (self.cell.take(), self.row.as_mut()) {
                    let all_th = name == "th";
                    if row.2.is_empty() {
                        row.1 = row.1 || all_th;
                    } else if !all_th {
                        row.1 = row.1 && self.in_thead > 0;
                    }
                    row.2.push(items);
                }
            }
            "tr" => {
                if let Some((_, header, cells)) = self.row.take() {
                    if cells.iter().any(|c| !c.is_empty()) {
                        let text = cells.iter().map(|c| c.join(" / ")).collect::<Vec<_>>().join(" | ");
                        let line = self.lines.find(&text);
                        let mut b = Block::new(BlockKind::TableRow { header }, text, line);
                        b.cells = cells;
                        self.out.push(b);
                    }
                }
            }
            _ => {}
        }
    }

    fn br(&mut self) {
        if self.cell.is_some() {
            let t = std::mem::take(&mut self.buf);
            if let Some(cell) = self.cell.as_mut() {
                if !t.trim().is_empty() {
                    cell.push(t);
                }
            }
        } else {
            self.buf.push(HARD);
        }
    }

    /// Does the element hold most of the page's text, and not as links? Then it is the
    /// content, whatever its tag, role, id or class say (`<form>` around a whole page,
    /// `class="no-sidebar"` on the `<body>`, `class="widget Blog"` around the article).
    fn holds_the_page(&self, node: &ego_tree::NodeRef<'_, Node>) -> bool {
        let (text, links) = self.sizes.get(&node.id()).copied().unwrap_or_default();
        self.page_text >= MIN_PAGE_TEXT
            && f64::from(text) >= CONTENT_SHARE * f64::from(self.page_text)
            && f64::from(links) < LINK_SHARE * f64::from(text)
    }

    /// A container whose text is mostly links: a menu, a teaser list, links to other pages.
    fn link_dense(&self, node: &ego_tree::NodeRef<'_, Node>, name: &str) -> bool {
        if !matches!(name, "div" | "section" | "ul" | "ol" | "aside" | "table" | "dl") {
            return false;
        }
        let (text, links) = self.sizes.get(&node.id()).copied().unwrap_or_default();
        text >= LINK_DENSE_MIN && f64::from(links) >= LINK_DENSE * f64::from(text)
    }

    /// Is this element left out with everything inside it?
    fn dropped(&self, node: &ego_tree::NodeRef<'_, Node>, e: &Element) -> bool {
        let name = e.name();
        if hidden(e) || e.classes().any(|c| self.hidden_classes.contains(&c.to_ascii_lowercase())) {
            return true;
        }
        if !NO_TEXT.contains(&name) && self.holds_the_page(node) {
            return false;
        }
        if self.link_dense(node, name) {
            return true;
        }
        if let Some(role) = e.attr("role") {
            if self.rules.drop_roles.contains(&role.to_ascii_lowercase()) && !has_h1(node) {
                return true;
            }
        }
        if self.rules.drop_tags.contains(name) {
            // an article's own <header> holds its title
            return !(name == "header" && has_h1(node));
        }
        if matches!(name, "html" | "body" | "main" | "article") {
            return false;
        }
        let re = &self.rules.drop_id_class;
        let hit = |v: Option<&str>| v.is_some_and(|v| !v.is_empty() && re.is_match(v));
        (hit(e.id()) || hit(e.attr("class"))) && !has_h1(node)
    }
}

/// Is the element hidden from readers of the page: the `hidden` attribute,
/// `aria-hidden="true"` (any case), an inline style that hides it (`display: none`,
/// `visibility: hidden` or `collapse`, `opacity: 0`), or a class that CSS frameworks
/// hide with (`d-none`, `hidden`, `invisible`, `sr-only`, `visually-hidden`, …) unless
/// another class shows it again at some screen size (`d-none d-md-block`, `hidden md:flex`).
/// HTML and CSS semantics, not words of any domain.
fn hidden(e: &Element) -> bool {
    if e.attr("hidden").is_some() || e.attr("aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return true;
    }
    if e.attr("style").is_some_and(style_hides) {
        return true;
    }
    let Some(class) = e.attr("class") else { return false };
    const HIDING: &[&str] = &[
        "d-none",
        "hidden",
        "is-hidden",
        "invisible",
        "sr-only",
        "visually-hidden",
        "visually-hidden-focusable",
        "visuallyhidden",
        "screen-reader-text",
        "hide",
    ];
    const SHOWN: &[&str] = &[
        "block",
        "inline",
        "inline-block",
        "flex",
        "inline-flex",
        "grid",
        "inline-grid",
        "table",
        "table-row",
        "table-cell",
        "contents",
        "flow-root",
        "list-item",
        "visible",
        "not-sr-only",
    ];
    let tokens: Vec<String> = class.split_ascii_whitespace().map(str::to_ascii_lowercase).collect();
    let hides = tokens.iter().any(|t| HIDING.contains(&t.as_str()));
    // `d-md-block` (Bootstrap), `md:flex` (Tailwind): shown again at some size
    let shown_again = tokens.iter().any(|t| {
        let (prefix, value) = match t.rsplit_once(':') {
            Some((p, v)) => (Some(p), v),
            None => (None, t.as_str()),
        };
        prefix.is_some() && SHOWN.contains(&value)
            || value.strip_prefix("d-").is_some_and(|v| SHOWN.iter().any(|s| v.ends_with(&format!("-{s}")) || v == *s))
    });
    hides && !shown_again
}

/// A length in pixels (`-9999px`, `-100em` at 16 px, `0`); `None` for other units.
fn pixels(v: &str) -> Option<f64> {
    let v = v.trim();
    if let Some(n) = v.strip_suffix("px") {
        return n.trim().parse().ok();
    }
    if let Some(n) = v.strip_suffix("rem").or_else(|| v.strip_suffix("em")) {
        return n.trim().parse::<f64>().ok().map(|x| x * 16.0);
    }
    v.parse::<f64>().ok().filter(|x| *x == 0.0)
}

/// Do these CSS declarations (`display: none; …`) hide the element from a reader of the
/// page: not displayed, invisible, transparent, or moved off screen (`left: -9999px`,
/// `text-indent: -9999px`, a translate far to the left), clipped to nothing, or shrunk to
/// nothing with its overflow hidden (the "screen reader only" recipe)?
fn style_hides(style: &str) -> bool {
    const FAR: f64 = -999.0;
    let (mut zero_box, mut overflow_hidden, mut positioned) = (false, false, false);
    let mut far_offset = false;
    for decl in style.split(';') {
        let Some((prop, val)) = decl.split_once(':') else { continue };
        let prop = prop.trim().to_ascii_lowercase();
        let val = val.to_ascii_lowercase().replace("!important", "");
        let val = val.trim();
        let hides = match prop.as_str() {
            "display" => val == "none",
            "visibility" => val == "hidden" || val == "collapse",
            "opacity" => val.trim_end_matches('%').trim().parse::<f64>().is_ok_and(|o| o <= 0.0),
            "font-size" => pixels(val).is_some_and(|x| x <= 0.0),
            "color" => val == "transparent",
            "text-indent" => pixels(val).is_some_and(|x| x <= FAR),
            "clip" => val.replace(' ', "").starts_with("rect(0") || val.replace(' ', "") == "rect(1px,1px,1px,1px)",
            "clip-path" => val.replace(' ', "").starts_with("inset(50%") || val.replace(' ', "") == "circle(0)",
            "transform" => {
                val.split(['(', ')', ',']).skip(1).take(2).any(|n| {
                    pixels(n).is_some_and(|x| x <= FAR)
                        || n.trim().trim_end_matches('%').parse::<f64>().is_ok_and(|x| x <= -100.0)
                }) && val.starts_with("translate")
            }
            _ => false,
        };
        if hides {
            return true;
        }
        match prop.as_str() {
            "left" | "right" | "top" | "margin-left" => far_offset |= pixels(val).is_some_and(|x| x <= FAR),
            "position" => positioned |= val == "absolute" || val == "fixed",
            "height" | "max-height" | "width" | "max-width" => zero_box |= pixels(val).is_some_and(|x| x <= 1.0),
            "overflow" => overflow_hidden |= val == "hidden" || val == "clip",
            _ => {}
        }
    }
    far_offset && (positioned || style.to_ascii_lowercase().contains("margin-left")) || zero_box && overflow_hidden
}

/// The classes the page's own `<style>` rules hide: a rule of one or two declarations that
/// hide (see `style_hides`) whose every selector is one class (`.promo-secret`, `li.s3`): a
/// page's own hiding rule. Rules inside `@media` and other at-rules apply only sometimes and
/// are not read, nor rules with combinators, pseudo-classes or attributes: CSS frameworks
/// hide tab panes, collapsed sections and carousel slides that way until a script shows
/// them.
fn style_hidden_classes(root: ego_tree::NodeRef<'_, Node>) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for n in root.descendants() {
        let Node::Element(e) = n.value() else { continue };
        if e.name() != "style" {
            continue;
        }
        let css: String = n.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
        // comments out, then `selectors { declarations }` at the top level
        let mut css_clean = String::with_capacity(css.len());
        let mut rest = css.as_str();
        while let Some(i) = rest.find("/*") {
            css_clean.push_str(&rest[..i]);
            rest = rest[i + 2..].find("*/").map_or("", |j| &rest[i + 2 + j + 2..]);
        }
        css_clean.push_str(rest);
        let (mut depth, mut start, mut at_rule) = (0usize, 0usize, false);
        let mut selectors = "";
        for (i, c) in css_clean.char_indices() {
            match c {
                '{' => {
                    if depth == 0 {
                        selectors = css_clean[start..i].trim();
                        at_rule = selectors.starts_with('@');
                        start = i + 1;
                    }
                    depth += 1;
                }
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let body = &css_clean[start..i];
                        let declarations = body.split(';').filter(|d| !d.trim().is_empty()).count();
                        if !at_rule && declarations <= 2 && style_hides(body) {
                            let classes: Option<Vec<String>> = selectors
                                .split(',')
                                .map(|sel| {
                                    // `.x` or `li.x` alone: a rule with combinators or more
                                    // declarations is a component's (`.tab-content > .tab-pane`,
                                    // `.carousel-item { position: …; display: none }`), shown by
                                    // its script
                                    // (bare tag names before it are fine: `ul li.x`)
                                    let plain = |t: &str| {
                                        t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                                    };
                                    let mut parts = sel.split_ascii_whitespace().rev();
                                    let (tag, class) = parts.next()?.split_once('.')?;
                                    let context = parts.all(&plain);
                                    (context && plain(tag) && !class.is_empty() && plain(class))
                                        .then(|| class.to_ascii_lowercase())
                                })
                                .collect();
                            out.extend(classes.unwrap_or_default());
                        }
                        start = i + 1;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Does the element hold an `<h1>` (the page's title)? Bounded, so it stays cheap.
fn has_h1(node: &ego_tree::NodeRef<'_, Node>) -> bool {
    node.descendants().take(2000).any(|d| matches!(d.value(), Node::Element(e) if e.name() == "h1"))
}

/// Elements without content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track",
    "wbr",
];
/// Elements whose end tag may be left out: they do not nest (`<li>a<li>b`), so they do not
/// count towards the depth.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "colgroup", "caption",
    "rb", "rt", "rp", "rtc", "html", "head", "body",
];
/// Elements that carry a document's structure, kept past the depth limit for a while.
const CONTENT: &[&str] =
    &["h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "ui", "dl", "table", "blockquote", "section", "article", "main"];
const CONTENT_SLACK: usize = 64;
/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];

/// Formatting elements: the HTML parser keeps a list of those left open and re-opens every
/// one of them in each following paragraph (only three identical ones are kept, but
/// `<b id=1>`, `<b id=2>`, … are all different).
const FORMATTING: &[&str] =
    &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];
/// Formatting elements open at once past which further ones are dropped. Real pages leave
/// a handful open; 200 open `<b>`s before 20,000 paragraphs make 4 million elements.
pub const MAX_OPEN_FORMATTING: usize = 16;
/// Parts of a `<ruby>`: their end tags may be left out inside one, but outside a `<ruby>`
/// they are ordinary elements that nest.
const RUBY_PARTS: &[&str] = &["rb", "rt", "rp", "rtc"];

/// What `limit_html` removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// tags nested past the depth limit
    pub deep: usize,
    /// formatting tags open past `MAX_OPEN_FORMATTING`, and their end tags
    pub formatting: usize,
    /// attributes of a tag past its first `MAX_ATTRIBUTES`
    pub attributes: usize,
    /// the page was cut here (a byte offset of the input): past it, more paragraphs,
    /// items, rows and headings than blocks are kept
    pub cut_at: Option<usize>,
}

/// Elements that make one block each (when they hold text): counted to cut a page that
/// holds more of them than blocks are kept, before the parser builds a tree of all of them.
const LEAF_BLOCKS: &[&str] =
    &["p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre", "blockquote", "figcaption", "caption"];

/// The attributes of one tag that are kept: the parser checks every new attribute against
/// the tag's others (time grows as their square), and real tags carry a few dozen at most.
pub const MAX_ATTRIBUTES: usize = 256;

/// Where `tag_end` found a tag to end.
struct TagEnd {
    /// the index past its `>`
    end: usize,
    /// it closes itself (`/>`)
    closes_itself: bool,
    /// the number of attributes
    attributes: usize,
    /// the index past its `MAX_ATTRIBUTES`-th attribute, when it has more
    keep_to: Option<usize>,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The end of a tag whose name ends at `j`, read as the HTML tokenizer does: a quote starts
/// a value only after `=` (`<div x">` is an attribute named `x"`), an unquoted value runs to
/// white space or `>` (`<a href=x/>` does not close itself).
fn tag_end(b: &[u8], mut j: usize) -> TagEnd {
    let n = b.len();
    let skip_space = |j: &mut usize| {
        while *j < n && is_space(b[*j]) {
            *j += 1;
        }
    };
    let (mut attributes, mut keep_to) = (0, None);
    loop {
        if attributes == MAX_ATTRIBUTES && keep_to.is_none() {
            keep_to = Some(j);
        }
        skip_space(&mut j);
        match b.get(j) {
            None => return TagEnd { end: n, closes_itself: false, attributes, keep_to },
            Some(b'>') => return TagEnd { end: j + 1, closes_itself: false, attributes, keep_to },
            Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                return TagEnd { end: j + 2, closes_itself: true, attributes, keep_to }
            }
            Some(b'/') => {
                j += 1;
                continue;
            }
            _ => {}
        }
        // an attribute name: its first character may be anything (`=` and quotes too)
        attributes += 1;
        j += 1;
        while j < n && !is_space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        skip_space(&mut j);
        if b.get(j) == Some(&b'=') {
            j += 1;
            skip_space(&mut j);
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => j = b[j + 1..].iter().position(|&c| c == q).map_or(n, |p| j + 2 + p),
                _ => {
                    while j < n && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                }
            }
        }
    }
}

/// `limit_html`, with the tags it removed counted together.
pub fn limit_depth(html: &str, max: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let (h, cut) = limit_html(html, max);
    (h, cut.deep + cut.formatting)
}

/// Bound the work the HTML parser does on a page, before it parses it. Two things make
/// the parser's time grow faster than the page:
///
/// - nesting: it spends time proportional to the depth on every element, so 100,000
///   nested `<div>`s would take minutes (real pages nest well under 100 deep). Tags past
///   `max` elements deep are removed (line breaks inside them kept, so lines stay true),
///   their text stays.
/// - formatting elements left open: each is re-opened in every following paragraph.
///   Formatting tags open past `MAX_OPEN_FORMATTING` are removed with their end tags.
///
/// Returns the HTML (borrowed when nothing was removed) and what was removed. A light scan
/// that follows the HTML tokenizer where it matters for counting: comments (`<!-->` is a
/// whole one), bogus comments (`<!x>`, `<?x>`), raw-text elements (`<script>`), attributes
/// (quoted only after `=`), `/>` (ignored on HTML elements: `<div/>` opens a `<div>`;
/// honoured inside `<svg>` and `<math>`).
pub fn limit_html(html: &str, max: usize) -> (std::borrow::Cow<'_, str>, Cut) {
    limit_html_blocks(html, max, usize::MAX)
}

/// `limit_html`, and the page cut before its `max_blocks + 1`-th paragraph, list item,
/// table row or heading: the parser's tree costs about 80 bytes per byte of a page of small
/// elements (an 8 MiB page: 680 MB), and the walk keeps no more than `max_blocks` blocks.
pub fn limit_html_blocks(html: &str, max: usize, max_blocks: usize) -> (std::borrow::Cow<'_, str>, Cut) {
    let b = html.as_bytes();
    let mut leaves = 0usize;
    let mut depth = 0usize;
    let mut cut = Cut::default();
    // counted elements open past the limit: was each one removed?
    let mut past: Vec<bool> = Vec::new();
    let mut kept_past = 0usize;
    // formatting elements open (kept, dropped) by name, and kept in all
    let mut fmt_open = [(0usize, 0usize); 14];
    let mut fmt_kept = 0usize;
    let (mut foreign, mut ruby) = (0usize, 0usize);
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    let find =
        |from: usize, pat: &[u8]| -> usize { memfind(&b[from.min(b.len())..], pat).map_or(b.len(), |p| from + p) };
    while i < b.len() {
        let Some(p) = memchr_lt(&b[i..]) else { break };
        let start = i + p;
        let rest = &b[start..];
        if rest.starts_with(b"<!--") {
            let after = start + 4;
            i = if b[after..].starts_with(b">") {
                after + 1
            } else if b[after..].starts_with(b"->") {
                after + 2
            } else {
                let (a, e) = (find(after, b"-->"), find(after, b"--!>"));
                if a <= e {
                    a.saturating_add(3)
                } else {
                    e + 4
                }
            };
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_at = start + 1 + closing as usize;
        if matches!(rest.get(1), Some(b'!' | b'?')) || closing && rest.get(2).is_some_and(|c| !c.is_ascii_alphabetic())
        {
            // a bogus comment (`<!DOCTYPE …>`, `<?xml …?>`, `</ x>`) runs to the next `>`
            i = find(start + 2, b">").saturating_add(1);
            continue;
        }
        if !b.get(name_at).is_some_and(|c| c.is_ascii_alphabetic()) {
            i = start + 1;
            continue;
        }
        let name_len = b[name_at..].iter().take_while(|c| !is_space(**c) && !matches!(c, b'/' | b'>')).count();
        let TagEnd { end, closes_itself, attributes, keep_to } = tag_end(b, name_at + name_len);
        let keep_to = keep_to.filter(|_| attributes > MAX_ATTRIBUTES);
        let name = html[name_at..name_at + name_len].to_ascii_lowercase();
        let name = name.as_str();
        if !closing && LEAF_BLOCKS.contains(&name) {
            leaves += 1;
            if leaves > max_blocks {
                cut.cut_at = Some(start);
                let o = out.get_or_insert_with(|| String::with_capacity(start));
                o.push_str(&html[copied..start]);
                return (std::borrow::Cow::Owned(std::mem::take(o)), cut);
            }
        }
        let self_closing = closes_itself && (foreign > 0 || matches!(name, "svg" | "math"));
        let optional = OPTIONAL_END.contains(&name) && !(RUBY_PARTS.contains(&name) && ruby == 0);
        let mut counts = !VOID.contains(&name) && !optional && !self_closing;
        let mut remove = false;
        if let Some(f) = FORMATTING.iter().position(|f| *f == name) {
            let (kept, dropped) = &mut fmt_open[f];
            if closing && *dropped > 0 {
                *dropped -= 1;
                remove = true;
            } else if closing {
                if *kept > 0 {
                    *kept -= 1;
                    fmt_kept -= 1;
                }
            } else {
                if matches!(name, "a" | "nobr") && *kept > 0 {
                    // a new `<a>` closes the open one
                    *kept -= 1;
                    fmt_kept -= 1;
                }
                if fmt_kept >= MAX_OPEN_FORMATTING {
                    *dropped += 1;
                    remove = true;
                } else {
                    *kept += 1;
                    fmt_kept += 1;
                }
            }
            if remove {
                cut.formatting += 1;
                counts = false;
            }
        }
        if counts && closing {
            match past.pop() {
                Some(was_removed) => {
                    remove = was_removed;
                    kept_past -= usize::from(!was_removed);
                }
                None => depth = depth.saturating_sub(1),
            }
            cut.deep += usize::from(remove);
        } else if counts {
            if depth < max {
                depth += 1;
            } else {
                // past the limit, containers go first; content elements (headings, lists,
                // tables) are kept a little longer so that deep page-builder markup keeps them.
                // A raw-text element (`<script>`, `<xmp>`) holds no elements and is always
                // kept: removed, its text would be read as markup by the parser.
                remove = !(RAW_TEXT.contains(&name) || CONTENT.contains(&name) && kept_past < CONTENT_SLACK);
                kept_past += usize::from(!remove);
                past.push(remove);
                cut.deep += usize::from(remove);
            }
        }
        // a removed tag is never seen by the parser: it changes no mode of the scan
        if !remove && !self_closing && matches!(name, "svg" | "math") {
            foreign = if closing { foreign.saturating_sub(1) } else { foreign + 1 };
        }
        if !remove && !self_closing && name == "ruby" {
            ruby = if closing { ruby.saturating_sub(1) } else { ruby + 1 };
        }
        if remove {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..start]);
            let breaks = html[start..end].matches('\n').count();
            if breaks == 0 {
                o.push(' ');
            }
            o.extend(std::iter::repeat_n('\n', breaks));
            copied = end;
        } else if let Some(keep_to) = keep_to {
            // the tag stays with its first attributes; the rest go, their line breaks kept
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..keep_to]);
            o.extend(std::iter::repeat_n('\n', html[keep_to..end].matches('\n').count()));
            o.push_str(if closes_itself {
                "/>"
            } else if end > keep_to && b[end - 1] == b'>' {
                ">"
            } else {
                ""
            });
            copied = end;
            cut.attributes += attributes - MAX_ATTRIBUTES;
        }
        i = end;
        if !closing && RAW_TEXT.contains(&name) && !self_closing {
            // skip to the end tag, whatever the case of its name
            let close = format!("</{name}");
            let mut k = i;
            loop {
                let at = find(k, b"</");
                // compared as bytes: `at + close.len()` may fall inside a character
                if at >= b.len() || b[at..].get(..close.len()).is_some_and(|t| t.eq_ignore_ascii_case(close.as_bytes()))
                {
                    i = at;
                    break;
                }
                k = at + 2;
            }
        }
    }
    match out {
        None => (std::borrow::Cow::Borrowed(html), cut),
        Some(mut o) => {
            o.push_str(&html[copied.min(html.len())..]);
            (std::borrow::Cow::Owned(o), cut)
        }
    }
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

fn memfind(hay: &[u8], pat: &[u8]) -> Option<usize> {
    hay.windows(pat.len()).position(|w| w == pat)
}

/// Parse a page (or, with `fragment`, a piece of HTML inside Markdown starting at
/// `base_line`) into blocks, stopping once there are more than `max_blocks`.
pub fn blocks(html: &str, rules: &HtmlRules, base_line: usize, fragment: bool, max_blocks: usize) -> Vec<Block> {
    let doc = if fragment { Html::parse_fragment(html) } else { Html::parse_document(html) };
    let mut w = Walker {
        rules,
        out: Vec::new(),
        buf: String::new(),
        kinds: Vec::new(),
        lists: Vec::new(),
        quote: 0,
        row: None,
        cell: None,
        in_thead: 0,
        lines: LineFinder { src: html, cursor: 0, line: base_line },
        sizes: HashMap::new(),
        page_text: 0,
        hidden_classes: Default::default(),
    };
    w.sizes = text_sizes(doc.tree.root());
    w.hidden_classes = style_hidden_classes(doc.tree.root());
    w.page_text = w.sizes.get(&doc.tree.root().id()).map_or(0, |s| s.0);
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Exit(&'a str),
    }
    let mut stack = vec![Step::Enter(doc.tree.root())];
    while let Some(step) = stack.pop() {
        if w.out.len() > max_blocks {
            break;
        }
        match step {
            Step::Exit(name) => w.close(name),
            Step::Enter(node) => match node.value() {
                Node::Text(t) => {
                    w.buf.push_str(t);
                }
                Node::Element(e) => {
                    let name = e.name();
                    if w.dropped(&node, e) {
                        continue;
                    }
                    if name == "br" {
                        w.br();
                        continue;
                    }
                    if is_block(name) {
                        w.open(name);
                        stack.push(Step::Exit(name));
                    } else if matches!(name, "img" | "input" | "wbr") {
                        continue;
                    }
                    // inline elements still separate words ("<span>a</span><span>b</span>")
                    if !is_block(name) && !w.buf.ends_with(' ') && matches!(name, "span" | "a" | "label" | "time") {
                        w.buf.push(' ');
                    }
                    for child in node.children().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                Node::Document | Node::Fragment => {
                    for child in node.children().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                _ => {}
            },
        }
    }
    w.flush();
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    fn parse(s: &str) -> Vec<Block> {
        let rules = Rules::embedded().unwrap();
        blocks(s, &rules.boilerplate.html, 1, false, usize::MAX)
    }

    /// The content model: an element holding most of the page's text (not as links) is
    /// kept whatever its tag or class says; a container of links alone is dropped.
    #[test]
    fn the_element_holding_the_page_is_kept_and_link_lists_dropped() {
        let article =
            "<p>Product managers own the roadmap of their area and explain it to everyone who builds it.</p>".repeat(8);
        let teasers: String = (0..6)
            .map(|i| format!("<li><a href=\"/a{i}\">Another article about something else {i}</a></li>"))
            .collect();
        for wrap in [
            "<form action=/x>{}</form>",
            "<div class=\"l-sidebar-fixed l-article-body\">{}</div>",
            "<div class=\"widget Blog\">{}</div>",
        ] {
            let page = format!(
                "<html><body class=\"no-sidebar nav-below-header\">{}<div class=\"more\"><ul>{teasers}</ul></div></body></html>",
                wrap.replace("{}", &article)
            );
            let b = parse(&page);
            assert_eq!(b.len(), 8, "{wrap}: {:?}", b.iter().map(|b| &b.text).collect::<Vec<_>>());
            assert!(b.iter().all(|b| b.text.starts_with("Product managers")), "{wrap}");
        }
        // a mega-menu holding most of a thin page's text is still navigation
        let menu: String = (0..40).map(|i| format!("<li><a href=/{i}>Menu entry number {i}</a></li>")).collect();
        let page = format!("<html><body><nav><ul>{menu}</ul></nav><p>Own the roadmap.</p></body></html>");
        assert_eq!(parse(&page).iter().map(|b| b.text.as_str()).collect::<Vec<_>>(), ["Own the roadmap."]);
        // a duty list with a link in each item is not link-dense
        let page = "<ul><li>Own the <a href=/r>roadmap</a> of the product and its releases</li><li>Talk to <a href=/c>customers</a> every single week</li></ul>";
        assert_eq!(parse(page).len(), 2);
    }

    #[test]
    fn keeps_content_drops_chrome() {
        let b = parse(
            "<html><head><title>T</title><style>p{}</style></head><body>\n<nav><a>Home</a></nav>\n<div class=\"cookie-banner\">We use cookies</div>\n<main><h1>Senior Product Manager</h1>\n<p>Intro &amp; more</p>\n<ul><li>Own the roadmap</li><li>Talk to customers</li></ul>\n<script>var duties = 'Own everything';</script></main>\n<footer>© 2024</footer></body></html>",
        );
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Senior Product Manager", "Intro & more", "Own the roadmap", "Talk to customers"]);
        assert_eq!(b[0].kind, BlockKind::Heading { level: 1 });
        assert_eq!(b[0].line, 4);
        assert_eq!(b[3].line, 6);
        assert_eq!(b[2].kind, BlockKind::ListItem { depth: 0, ordered: false });
    }

    #[test]
    fn hidden_elements_are_dropped() {
        let b = parse(
            "<h1>Product Manager</h1><ul>\
             <li>Own the roadmap</li>\
             <li class=\"d-none\">h1</li><li class=\"x sr-only\">h2</li><li class=\"visually-hidden\">h3</li>\
             <li aria-hidden=\"TRUE\">h4</li><li style=\"DISPLAY: none !important\">h5</li>\
             <li style=\"color:red; visibility:collapse\">h6</li><li style=\"opacity:0\">h7</li>\
             <li style=\"opacity: 0.0%\">h8</li><li hidden>h9</li>\
             <li style=\"opacity:0.5\">shown 1</li><li class=\"d-none d-md-block\">shown 2</li>\
             <li class=\"hidden md:flex\">shown 3</li><li aria-hidden=\"false\">shown 4</li>\
             <li class=\"hidden-xs-up-not-a-token\">shown 5</li></ul>",
        );
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Product Manager", "Own the roadmap", "shown 1", "shown 2", "shown 3", "shown 4", "shown 5"]
        );
    }

    #[test]
    fn tables_and_br_cells() {
        let b = parse("<table><tr><th>Role</th><th>Duties</th></tr><tr><td>PM</td><td>a<br>b<br/>c</td></tr></table>");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].kind, BlockKind::TableRow { header: true });
        assert_eq!(b[1].cells, vec![vec!["PM".to_string()], vec!["a".into(), "b".into(), "c".into()]]);
    }

    #[test]
    fn invalid_ui_tag_is_a_list() {
        let b = parse("<ui><li>one</li></ui>");
        assert_eq!(b[0].kind, BlockKind::ListItem { depth: 0, ordered: false });
    }

    #[test]
    fn limit_depth_flattens_only_past_the_limit() {
        let page = "<html><body><div><ul><li>a<li>b</ul><p>x<p>y<script>if (a<b) {}</div></script></div></body></html>";
        let (h, n) = limit_depth(page, 2);
        assert_eq!((h.as_ref(), n), (page, 0), "a normal page is not touched");
        let deep = format!(
            "{}<h1>Product Manager</h1>\n<ul><li>Own it</ul>{}",
            "<div class='a>b'>\n".repeat(10),
            "</div>".repeat(10)
        );
        let (h, n) = limit_depth(&deep, 4);
        assert_eq!(n, 12, "6 <div>s past depth 4 and their end tags; <h1> and <ul> are kept");
        assert_eq!(h.matches('\n').count(), deep.matches('\n').count(), "line breaks are kept");
        assert!(h.contains("Product Manager") && h.contains("Own it"));
        let b = parse(&h);
        assert!(b.iter().any(|b| b.text == "Product Manager"));
    }

    #[test]
    fn limit_depth_raw_text_end_tag_probe_inside_a_character() {
        // `</abcde` is probed for `</script` (8 bytes), whose end falls inside the `“`
        let page = "<p>a</p><script>var s = \"</abcde\u{201c}\";</script><p>b</p>";
        assert_eq!(limit_depth(page, 4).1, 0);
        let page = "<style>x</st\u{e9}</style><div>y</div>";
        assert_eq!(limit_depth(page, 4).1, 0);
    }

    #[test]
    fn depth_counts_what_the_parser_nests() {
        // each of these nests in the parser; each must count towards the depth
        for (open, close) in [
            ("<div/>", ""),
            ("<div x\">", "</div>"),
            ("<!--><div>", "</div>"),
            ("<!---><div>", "</div>"),
            ("<rt>", "</rt>"),
            ("<li.>", "</li.>"),
            ("<a href=x/><span>", "</span>"),
        ] {
            let page = format!("{}<p>x</p>{}", open.repeat(100), close.repeat(100));
            let (_, cut) = limit_html(&page, 10);
            assert!(cut.deep >= 90, "{open}: {cut:?}");
        }
        // … and these do not nest
        for page in [
            "<svg><path/><path/><path/><path/><path/><path/></svg><p>x</p>",
            "<ruby>a<rt>b<rt>c<rt>d<rt>e<rt>f</ruby>",
            "<p>a<p>b<p>c<p>d<p>e<p>f<p>g",
            "<!-- <div><div><div><div><div><div> --> x",
            "<!DOCTYPE html><?xml version='1.0'?></ x><div></div><div x=\"<div><div><div><div><div>\"></div>",
        ] {
            assert_eq!(limit_html(page, 4).1, Cut::default(), "{page}");
        }
    }

    #[test]
    fn formatting_elements_left_open_are_bounded() {
        let open: String = (0..200).map(|i| format!("<b id={i}>")).collect();
        let page = format!("<p>{open}x</p>{}", "<p>x</p>".repeat(1000));
        let (h, cut) = limit_html(&page, 256);
        assert_eq!(cut, Cut { formatting: 200 - MAX_OPEN_FORMATTING, ..Cut::default() });
        let t = std::time::Instant::now();
        let b = parse(&h);
        assert_eq!(b.len(), 1001);
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
        // closed formatting elements, and links that close each other, are never touched
        let page = format!("{}{}", "<p><b>x</b> <i>y</i></p>".repeat(100), "<a href=1>a <a href=2>b ".repeat(100));
        assert_eq!(limit_html(&page, 256).1, Cut::default());
    }

    /// Found by the `limit_html` fuzz target: an `<xmp>` past the limit was removed, but
    /// its text was still skipped as raw text, so the tags in it were never counted (and a
    /// second pass cut them).
    #[test]
    fn raw_text_elements_past_the_limit_are_kept() {
        let page = "<J><'<>x<xmp><<A/\u{1},xx<";
        let (h, cut) = limit_html(page, 1);
        assert!(h.contains("<xmp>"), "{h}");
        assert_eq!(limit_html(&h, 1).1, Cut::default());
        assert_eq!(cut, Cut::default());
        let page = format!("{}<script>if (a<b) {{ x = '<div>'; }}</script><p>duty</p>", "<div>".repeat(10));
        let (h, _) = limit_html(&page, 4);
        assert!(h.contains("<script>if (a<b) { x = '<div>'; }</script>"), "{h}");
        assert_eq!(limit_html(&h, 4).1, Cut::default());
        // nor does a removed `<svg>` make what follows foreign (where `/>` closes a tag)
        let (h, _) = limit_html("<q><svg><v/></svg><v/>x", 1);
        assert_eq!(limit_html(&h, 1).1, Cut::default(), "{h}");
    }

    #[test]
    fn a_page_is_cut_before_more_leaf_blocks_than_are_kept() {
        let page = format!("<h1>PM</h1>\n{}", "<div><p>x</p></div>\n".repeat(10));
        let (h, cut) = limit_html_blocks(&page, 256, 4);
        assert_eq!(cut.cut_at, Some(page.match_indices("<p>").nth(3).unwrap().0));
        assert_eq!(parse(&h).len(), 4);
        assert_eq!(limit_html_blocks(&page, 256, 11).1.cut_at, None);
        assert_eq!(limit_html(&page, 256).0, page.as_str());
    }

    #[test]
    fn attributes_past_the_limit_are_removed_lines_kept() {
        let many: String = (0..MAX_ATTRIBUTES + 10).map(|i| format!(" a{i}=\"v\"\n")).collect();
        for (close, end) in [(">", ">"), ("/>", "/>")] {
            let page = format!("<p>x</p><div{many}{close}y</div>\n<p>z</p>");
            let (h, cut) = limit_html(&page, 256);
            assert_eq!(cut, Cut { attributes: 10, ..Cut::default() });
            assert_eq!(h.matches('\n').count(), page.matches('\n').count(), "lines stay true");
            assert!(
                h.contains(&format!("a{}=\"v\"", MAX_ATTRIBUTES - 1)) && !h.contains(&format!(" a{}=", MAX_ATTRIBUTES))
            );
            assert!(h.contains(&format!("\n{end}y</div>")), "{}", &h[h.len() - 40..]);
        }
        // exactly the limit: untouched
        let few: String = (0..MAX_ATTRIBUTES).map(|i| format!(" a{i}")).collect();
        let page = format!("<div{few}>y</div>");
        assert_eq!(limit_html(&page, 256), (std::borrow::Cow::Borrowed(page.as_str()), Cut::default()));
        // 200,000 attribute names on one tag parse in well under a second
        let page = format!("<div{}>x</div><h1>Product Manager</h1>", " a".repeat(200_000));
        let t = std::time::Instant::now();
        let (h, cut) = limit_html(&page, 256);
        assert_eq!(cut.attributes, 200_000 - MAX_ATTRIBUTES);
        assert_eq!(parse(&h).len(), 2);
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    }

    #[test]
    fn limit_depth_is_fast_on_100k_nested_elements() {
        let depth = 100_000;
        let html = format!(
            "{}<h1>Product Manager</h1><ul><li>Own the roadmap</li></ul>{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let t = std::time::Instant::now();
        let (h, n) = limit_depth(&html, 256);
        assert_eq!(n, 2 * (depth - 256));
        let b = parse(&h);
        assert!(b.iter().any(|b| b.text == "Product Manager" && b.is_heading()));
        assert!(b.iter().any(|b| b.text == "Own the roadmap"));
        assert!(t.elapsed().as_secs_f64() < 5.0, "took {:?}", t.elapsed());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 20_000;
        let html = format!("{}<p>deep</p>{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let b = parse(&html);
        assert!(b.iter().any(|b| b.text == "deep"));
    }
}
