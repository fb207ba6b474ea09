//! HTML to blocks, with scraper. Walks the tree with an explicit stack (no recursion, so
//! deeply nested pages cannot overflow), drops non-content elements by the rules in
//! `boilerplate.toml` ([html]), and maps headings, paragraphs, list items, table rows and
//! quotes to blocks. Source lines are found by locating each block's first words in the
//! page, moving forward.

use super::markdown::HARD;
use crate::model::{Block, BlockKind, Dropped};
use crate::rules::HtmlRules;
use scraper::node::Element;
use scraper::Node;

/// Maps and sets keyed by node: a node id is an index into the tree, so a multiplying hash
/// (`FxHash`) spreads them as well as SipHash does, at a fraction of its cost.
type NodeMap<V> = rustc_hash::FxHashMap<ego_tree::NodeId, V>;
type NodeSet = rustc_hash::FxHashSet<ego_tree::NodeId>;

/// Finds the source line of a block by searching its first words after the last block.
struct LineFinder<'a> {
    src: &'a str,
    cursor: usize,
    line: usize,
}

const SEARCH_WINDOW: usize = 256 * 1024;

impl<'a> LineFinder<'a> {
    fn find(&mut self, text: &str) -> usize {
        // the first 24 characters that are letters, digits or spaces
        let t = text.trim_start();
        let len = t
            .char_indices()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == ' ')
            .take(24)
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let probe = t[..len].trim_end();
        if probe.chars().count() >= 3 {
            let end = (self.cursor + SEARCH_WINDOW).min(self.src.len());
            let end = (end..=self.src.len()).find(|&i| self.src.is_char_boundary(i)).unwrap_or(self.src.len());
            if let Some(pos) = memchr::memmem::find(&self.src.as_bytes()[self.cursor..end], probe.as_bytes()) {
                let at = self.cursor + pos;
                self.line += memchr::memchr_iter(b'\n', &self.src.as_bytes()[self.cursor..at]).count();
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
    /// text, link-text bytes and commas under each element
    sizes: NodeMap<Size>,
    /// the page's main content, when it can be told (`main_content`)
    content: Option<Content>,
    /// how many content containers (or the page's `<h1>`) the walk is inside
    inside: usize,
    /// the containers are being scored (`main_content`), not walked
    scoring: bool,
    /// what elements left out held, with the rule
    removed: Vec<Dropped>,
    /// text bytes of the whole page
    page_text: u32,
    /// classes (`.x`) and ids (`#x`) the page's own `<style>` rules hide
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
/// After a label of links ("Don't miss"), a paragraph whose links hold this share of its
/// text is one of them ("Title of another article [VIDEO]").
const RUN_LINKS: f64 = 0.75;
/// A container holding this many headings that are each a link (and more of them than
/// other headings) lists other pages.
const MIN_TEASERS: u32 = 2;
/// … with at most this many bytes of text for each.
const TEASER_TEXT: u32 = 600;
/// Pages with less text than this are too small to tell content by its share.
const MIN_PAGE_TEXT: u32 = 500;

/// The text and link-text bytes under each element (`NO_TEXT` elements hold none): one
/// pass over the nodes in reverse document order, where every node comes after all of
/// its descendants.
fn text_sizes(root: ego_tree::NodeRef<'_, Node>) -> NodeMap<Size> {
    let nodes: Vec<ego_tree::NodeRef<'_, Node>> = root.descendants().collect();
    let mut size: NodeMap<Size> = NodeMap::with_capacity_and_hasher(nodes.len() / 2, Default::default());
    for n in nodes.iter().rev() {
        let own = match n.value() {
            Node::Text(t) => {
                let t = t.trim();
                Size { text: t.len() as u32, links: 0, commas: commas(t), ..Size::default() }
            }
            Node::Element(e) if NO_TEXT.contains(&e.name()) => continue,
            Node::Element(e) => {
                let s = size.get(&n.id()).copied().unwrap_or_default();
                if e.name() == "a" {
                    let s = Size { links: s.text, ..s };
                    size.insert(n.id(), s);
                    s
                } else if matches!(e.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && s.text > 0 {
                    // a heading that is one link to another page (not an anchor on this one)
                    let linked = f64::from(s.links) >= LINK_DENSE * f64::from(s.text)
                        && n.descendants().any(|d| {
                            matches!(d.value(), Node::Element(a) if a.name() == "a"
                                && a.attr("href").is_some_and(|h| !h.trim_start().starts_with('#')))
                        });
                    let s = Size { headings: 1, linked_headings: u32::from(linked), ..s };
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
            e.text = e.text.saturating_add(own.text);
            e.links = e.links.saturating_add(own.links);
            e.commas = e.commas.saturating_add(own.commas);
            e.headings = e.headings.saturating_add(own.headings);
            e.linked_headings = e.linked_headings.saturating_add(own.linked_headings);
        }
    }
    size
}

/// Text bytes, link-text bytes and commas under an element.
#[derive(Clone, Copy, Default, Debug)]
struct Size {
    text: u32,
    links: u32,
    commas: u32,
    /// headings inside (not nested in one another), and those that are one link
    headings: u32,
    linked_headings: u32,
}

impl Size {
    fn link_density(&self) -> f64 {
        if self.text == 0 {
            0.0
        } else {
            f64::from(self.links) / f64::from(self.text)
        }
    }
}

/// Commas of the scripts we read: they mark sentences of prose.
const COMMAS: [char; 4] = [',', '，', '、', '،'];

/// The `COMMAS` in a text: the ASCII one counted bytewise, the others only where the text
/// has characters outside ASCII.
fn commas(t: &str) -> u32 {
    let ascii = memchr::memchr_iter(b',', t.as_bytes()).count();
    let other = if t.is_ascii() { 0 } else { t.matches(&COMMAS[1..]).count() };
    (ascii + other) as u32
}

/// Elements that hold a paragraph of text, scored for the content they show.
const PARAGRAPHS: &[&str] = &["p", "pre", "td", "li", "dd", "blockquote"];
/// A paragraph shorter than this (bytes of text outside links) is not scored.
const MIN_PARAGRAPH: u32 = 25;
/// A page whose paragraphs score less than this has no main content to tell.
const MIN_CONTENT_SCORE: f64 = 20.0;
/// Containers scoring this share of the best one are alternatives to it.
const ALTERNATIVE_SHARE: f64 = 0.75;
/// A list item's paragraph points count this much.
const LIST_ITEM_WEIGHT: f64 = 0.5;
/// The content chosen holds at least this share of the page's paragraph points.
const MIN_CONTENT_SHARE: f64 = 0.5;
/// Points for a container whose id or class says it is content (`content-id-class`).
const CONTENT_HINT: f64 = 25.0;
/// Siblings of the best container scoring this share of it are content too.
const SIBLING_SHARE: f64 = 0.2;

/// The page's main content: the containers its paragraphs are in, as readers of web
/// pages find it (Readability's scoring). Each paragraph of at least `MIN_PARAGRAPH`
/// bytes outside links scores 1, one per comma and one per 100 bytes (at most 3); its
/// parent gets the score, its grandparent half, the next three a sixth, ninth and twelfth.
/// A container's score is scaled by the share of its text outside links. The best
/// container (climbing to a parent that scores higher, or that is its only child) and its
/// siblings scoring a fifth of it are the content; everything else but the page's `<h1>`
/// is left out.
struct Content {
    /// the containers of the content
    nodes: NodeSet,
    /// their ancestors: kept open, whatever their tag or class
    path: NodeSet,
}

fn main_content(w: &Walker<'_>, root: ego_tree::NodeRef<'_, Node>) -> Option<Content> {
    let sizes = &w.sizes;
    let mut score: NodeMap<f64> = NodeMap::default();
    // the points of the paragraphs inside each element, and of the whole page
    let mut inside: NodeMap<f64> = NodeMap::default();
    let mut total = 0.0;
    let size = |n: &ego_tree::NodeRef<'_, Node>| sizes.get(&n.id()).copied().unwrap_or_default();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let Node::Element(e) = n.value() else {
            if matches!(n.value(), Node::Document | Node::Fragment) {
                stack.extend(n.children());
            }
            continue;
        };
        // what the rules drop (navigation, comments, hidden text) is no candidate
        if NO_TEXT.contains(&e.name()) || w.dropped(&n, e) {
            continue;
        }
        stack.extend(n.children());
        if !PARAGRAPHS.contains(&e.name()) {
            continue;
        }
        let s = size(&n);
        let own = s.text.saturating_sub(s.links);
        if own < MIN_PARAGRAPH {
            continue;
        }
        let mut points = 1.0 + f64::from(s.commas) + f64::from((own / 100).min(3));
        if e.name() == "li" {
            // list items are as often links to other pages as duties: they count half
            points *= LIST_ITEM_WEIGHT;
        }
        total += points;
        for a in n.ancestors() {
            *inside.entry(a.id()).or_default() += points;
        }
        for (level, a) in n.ancestors().filter(|a| a.value().is_element()).take(5).enumerate() {
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            *score.entry(a.id()).or_insert_with(|| initial_score(&a)) += points / divider;
        }
    }
    // a container named as content counts more, at most twice its paragraphs' points
    for (id, sc) in score.iter_mut() {
        if let Some(Node::Element(e)) = root.tree().get(*id).map(|n| n.value()) {
            if content_hint(e, w.rules) {
                *sc += sc.clamp(0.0, CONTENT_HINT);
            }
        }
    }
    let doc = root.tree();
    let final_score = |id: ego_tree::NodeId| {
        let n = doc.get(id)?;
        Some(score.get(&id)? * (1.0 - size(&n).link_density()))
    };
    let (mut top, mut best) = score
        .keys()
        .filter_map(|&id| Some((id, final_score(id)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    if best < MIN_CONTENT_SCORE {
        return None;
    }
    let first = doc_node(root, top)?;
    let is_top =
        |n: &ego_tree::NodeRef<'_, Node>| matches!(n.value(), Node::Element(e) if matches!(e.name(), "body" | "html"));
    // containers scoring nearly as high elsewhere (an article in chunks): their common
    // ancestor with the best one is the content
    let near: Vec<ego_tree::NodeId> = score
        .keys()
        .filter(|&&id| id != top && final_score(id).is_some_and(|s| s >= ALTERNATIVE_SHARE * best))
        .copied()
        .collect();
    if !near.is_empty() {
        let top_path: Vec<ego_tree::NodeId> = doc.get(top)?.ancestors().map(|a| a.id()).collect();
        let unrelated = |id: ego_tree::NodeId| {
            let n = doc.get(id);
            !top_path.contains(&id) && !n.is_some_and(|n| n.ancestors().any(|a| a.id() == top))
        };
        let mut common: Option<usize> = None; // index into top_path
        for id in near.into_iter().filter(|&id| unrelated(id)) {
            let anc: NodeSet = doc.get(id)?.ancestors().map(|a| a.id()).collect();
            if let Some(i) = top_path.iter().position(|a| anc.contains(a)) {
                common = Some(common.map_or(i, |c: usize| c.max(i)));
            }
        }
        if let Some(i) = common {
            let a = doc.get(top_path[i])?;
            if !is_top(&a) && a.value().is_element() {
                top = a.id();
                best = final_score(top).unwrap_or(best).max(best);
            }
        }
    }
    // climb while the parent scores higher (the paragraphs are spread over its children),
    // or while the container is its parent's only child
    let mut threshold = best / 3.0;
    let mut node = doc.get(top)?;
    while let Some(p) = node.parent().filter(|p| p.value().is_element() && !is_top(p)) {
        match final_score(p.id()) {
            Some(ps) if ps > best => {
                top = p.id();
                best = ps;
                break;
            }
            Some(ps) if ps >= threshold => threshold = ps / 3.0,
            Some(_) => break,
            None => {}
        }
        node = p;
    }
    let mut node = doc.get(top)?;
    // (never past `<body>`/`<html>` to the document itself, which the walk never enters)
    while let Some(p) = node.parent().filter(|p| {
        p.value().is_element() && !is_top(p) && p.children().filter(|c| c.value().is_element()).count() == 1
    }) {
        node = p;
    }
    let mut top_node = node;
    // the content of a page spread over many containers (tables, sections): climb until
    // the chosen part holds enough of the page's paragraphs
    let share = |n: &ego_tree::NodeRef<'_, Node>| inside.get(&n.id()).copied().unwrap_or(0.0) / total;
    while share(&top_node) < MIN_CONTENT_SHARE {
        match top_node.parent().filter(|p| p.value().is_element() && !is_top(p)) {
            Some(p) => top_node = p,
            None => break,
        }
    }
    let mut nodes = NodeSet::from_iter([top_node.id()]);
    if let Some(parent) = top_node.parent() {
        let min = (best * SIBLING_SHARE).max(10.0);
        for sib in parent.children().filter(|c| c.id() != top_node.id()) {
            let Node::Element(e) = sib.value() else { continue };
            let keep = final_score(sib.id()).is_some_and(|s| s >= min) || {
                let s = size(&sib);
                e.name() == "p"
                    && ((s.text > 80 && s.link_density() < 0.25)
                        || (s.text > 0 && s.links == 0 && ends_a_sentence(&sib)))
            };
            if keep {
                nodes.insert(sib.id());
            }
        }
    }
    // the other chunks of an article cut in parts: containers of the same tag and class
    // as the chosen one, wherever they are
    let same_kind = |a: &ego_tree::NodeRef<'_, Node>, b: &ego_tree::NodeRef<'_, Node>| match (a.value(), b.value()) {
        (Node::Element(x), Node::Element(y)) => {
            x.name() == y.name() && x.attr("class").is_some_and(|c| !c.trim().is_empty() && Some(c) == y.attr("class"))
        }
        _ => false,
    };
    let min = (best * SIBLING_SHARE).max(10.0);
    let chunks: Vec<ego_tree::NodeId> = score
        .keys()
        .filter(|&&id| !nodes.contains(&id) && final_score(id).is_some_and(|s| s >= min))
        .filter(|&&id| {
            doc.get(id).is_some_and(|n| {
                (same_kind(&n, &top_node) || same_kind(&n, &first)) && !n.ancestors().any(|a| nodes.contains(&a.id()))
            })
        })
        .copied()
        .collect();
    nodes.extend(chunks);
    let mut path: NodeSet =
        nodes.iter().filter_map(|&id| doc.get(id)).flat_map(|n| n.ancestors().map(|a| a.id())).collect();
    path.insert(top_node.id());
    Some(Content { nodes, path })
}

/// The starting score of a container by its tag (Readability's): a `<div>` usually holds
/// prose, a list or form less often, a heading or table header never.
fn initial_score(n: &ego_tree::NodeRef<'_, Node>) -> f64 {
    match n.value() {
        Node::Element(e) => match e.name() {
            "div" | "article" | "main" | "section" => 5.0,
            "pre" | "td" | "blockquote" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

fn doc_node<'a>(root: ego_tree::NodeRef<'a, Node>, id: ego_tree::NodeId) -> Option<ego_tree::NodeRef<'a, Node>> {
    root.tree().get(id)
}

/// Do the element's id or class say it holds the content (`content-id-class`)?
fn content_hint(e: &Element, rules: &HtmlRules) -> bool {
    rules
        .content_id_class
        .as_ref()
        .is_some_and(|re| e.id().is_some_and(|v| re.is_match(v)) || e.attr("class").is_some_and(|v| re.is_match(v)))
}

/// Does the text of a short paragraph end a sentence?
fn ends_a_sentence(n: &ego_tree::NodeRef<'_, Node>) -> bool {
    let text: String = n.descendants().filter_map(|d| d.value().as_text().map(|t| t.to_string())).collect();
    let t = text.trim_end();
    t.ends_with('.') || t.contains(". ")
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
        let Size { text, links, .. } = self.sizes.get(&node.id()).copied().unwrap_or_default();
        self.page_text >= MIN_PAGE_TEXT
            && f64::from(text) >= CONTENT_SHARE * f64::from(self.page_text)
            && f64::from(links) < LINK_SHARE * f64::from(text)
    }

    /// Does the element hold at least half of the page's text (links or not)?
    fn holds_share(&self, node: &ego_tree::NodeRef<'_, Node>) -> bool {
        let text = self.sizes.get(&node.id()).map_or(0, |s| s.text);
        f64::from(text) >= CONTENT_SHARE * f64::from(self.page_text)
    }

    /// A container whose text is mostly links: a menu, a teaser list, links to other pages.
    fn link_dense(&self, node: &ego_tree::NodeRef<'_, Node>, name: &str) -> bool {
        if !matches!(name, "div" | "section" | "ul" | "ol" | "aside" | "table" | "dl") {
            return false;
        }
        let s = self.sizes.get(&node.id()).copied().unwrap_or_default();
        s.text >= LINK_DENSE_MIN && f64::from(s.links) >= LINK_DENSE * f64::from(s.text)
    }

    /// A list of other pages: cards of other articles or jobs, each a heading that is one
    /// link with little more (a byline, an excerpt). At least two of the container's parts
    /// holding text, and most of them, hold such a heading, and the text is short for each.
    fn teasers(&self, node: &ego_tree::NodeRef<'_, Node>, name: &str) -> bool {
        if !matches!(name, "div" | "section" | "ul" | "ol" | "aside" | "table" | "dl") {
            return false;
        }
        let s = self.sizes.get(&node.id()).copied().unwrap_or_default();
        if s.linked_headings < MIN_TEASERS || s.text > TEASER_TEXT * s.linked_headings {
            return false;
        }
        let (mut parts, mut cards) = (0u32, 0u32);
        for c in node.children().take(1000) {
            let Some(cs) = self.sizes.get(&c.id()).filter(|cs| cs.text > 0) else { continue };
            parts += 1;
            cards += u32::from(cs.linked_headings > 0);
        }
        cards >= MIN_TEASERS && 10 * cards >= 6 * parts
    }

    /// A box of other pages under its own heading ("Related posts", "Você pode gostar…",
    /// "Mehr zum Thema"): a container whose first text is a heading that a boilerplate rule
    /// of scope `tail` matches. The id of that rule.
    fn section_end(&self, node: &ego_tree::NodeRef<'_, Node>, name: &str) -> Option<&str> {
        if self.rules.section_ends.is_empty() || !matches!(name, "div" | "section" | "article" | "aside") {
            return None;
        }
        // the first child holding text, through at most two wrappers (`<div class=head><h3>`)
        let mut at = *node;
        for _ in 0..3 {
            let first = at.children().find(|c| match c.value() {
                Node::Text(t) => !t.trim().is_empty(),
                Node::Element(_) => self.sizes.get(&c.id()).is_some_and(|s| s.text > 0),
                _ => false,
            })?;
            let Node::Element(e) = first.value() else { return None };
            match e.name() {
                "h2" | "h3" | "h4" | "h5" | "h6" => return self.section_end_label(&first),
                "div" | "header" | "span" | "strong" | "b" => at = first,
                _ => return None,
            }
        }
        None
    }

    /// A link to another page on its own (a paragraph or item that is one link) in a run
    /// of them right after a line a `tail` rule matches ("You may also like…", then one
    /// title link per paragraph): the id of that rule. At most `RUN_BACK` siblings back.
    fn after_section_end(&self, node: &ego_tree::NodeRef<'_, Node>, name: &str) -> Option<&str> {
        const RUN_BACK: usize = 50;
        let linked = |n: &ego_tree::NodeRef<'_, Node>| {
            self.sizes.get(&n.id()).is_some_and(|s| s.text > 0 && f64::from(s.links) >= RUN_LINKS * f64::from(s.text))
        };
        if self.rules.section_ends.is_empty() || !matches!(name, "p" | "li" | "div") || !linked(node) {
            return None;
        }
        for sib in node.prev_siblings().filter(|c| self.sizes.get(&c.id()).is_some_and(|s| s.text > 0)).take(RUN_BACK) {
            if !sib.value().is_element() {
                return None;
            }
            if linked(&sib) {
                continue;
            }
            return self.section_end_label(&sib);
        }
        None
    }

    /// The id of the `tail` or `links` rule that the element's text (a heading, a label)
    /// matches, within the rule's words.
    fn section_end_label(&self, n: &ego_tree::NodeRef<'_, Node>) -> Option<&str> {
        let text = n
            .descendants()
            .filter_map(|d| d.value().as_text().map(|t| &**t))
            .flat_map(str::split_whitespace)
            .take(64)
            .collect::<Vec<_>>()
            .join(" ");
        let words = text.split(' ').count();
        self.rules.section_ends.iter().find(|r| words <= r.max_words && r.re.is_match(&text)).map(|r| r.id.as_str())
    }

    /// Is this element left out with everything inside it?
    fn dropped(&self, node: &ego_tree::NodeRef<'_, Node>, e: &Element) -> bool {
        self.drop_rule(node, e).is_some()
    }

    /// The rule that leaves this element out with everything inside it, if one does:
    /// `html:hidden`, `html:outside-content`, `html:teasers`, `html:link-dense`,
    /// `html:role:NAME`, `html:tag:NAME` or `html:id-class`.
    fn drop_rule(&self, node: &ego_tree::NodeRef<'_, Node>, e: &Element) -> Option<String> {
        let name = e.name();
        let rule = |r: &str| Some(r.to_string());
        if hidden(e)
            || !self.hidden_classes.is_empty()
                && (e.classes().any(|c| self.hidden_classes.contains(&format!(".{}", c.to_ascii_lowercase())))
                    || e.id().is_some_and(|id| self.hidden_classes.contains(&format!("#{}", id.to_ascii_lowercase()))))
        {
            return rule(RULE_HIDDEN);
        }
        if let Some(c) = &self.content {
            // the best container and its ancestors are kept open; outside the content only
            // the page's title
            if c.path.contains(&node.id()) {
                return None;
            }
            if self.inside == 0 && !c.nodes.contains(&node.id()) && name != "h1" && !has_h1(node) {
                return rule(RULE_OUTSIDE);
            }
            if self.teasers(node, name) {
                return rule(RULE_TEASERS);
            }
        }
        // links marked as the page's tags (`rel="tag"`, the rel-tag microformat WordPress
        // and most blog engines write) in a row of links: an index of other pages (a tag
        // linked inside a sentence stays)
        if name == "a"
            && e.attr("rel").is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("tag")))
            && node.parent().and_then(|p| self.sizes.get(&p.id())).is_some_and(|s| s.link_density() >= LINK_SHARE)
        {
            return rule(RULE_REL_TAG);
        }
        if let Some(id) = self.section_end(node, name).or_else(|| self.after_section_end(node, name)) {
            return Some(format!("{RULE_HEADED}:{id}"));
        }
        // scoring, a wrapper of half the page's text is looked into whatever it is called
        // (a `<form>` around the page): only the text outside links scores
        if self.scoring && !NO_TEXT.contains(&name) && self.holds_share(node) {
            return None;
        }
        // (other containers of the content answer to the rules like any element)
        let in_content = self.content.is_none() || self.inside > 0;
        if in_content && !NO_TEXT.contains(&name) && self.holds_the_page(node) {
            return None;
        }
        if self.link_dense(node, name) {
            return rule(RULE_LINK_DENSE);
        }
        if let Some(role) = e.attr("role") {
            let role = role.to_ascii_lowercase();
            if self.rules.drop_roles.contains(&role) && !has_h1(node) {
                return Some(format!("html:role:{role}"));
            }
        }
        if self.rules.drop_tags.contains(name) {
            // an article's own <header> holds its title
            return (!(name == "header" && has_h1(node))).then(|| format!("html:tag:{name}"));
        }
        if matches!(name, "html" | "body" | "main" | "article") {
            return None;
        }
        let hit = |re: &crate::rules::Re| {
            [e.id(), e.attr("class")].iter().any(|v| v.is_some_and(|v| !v.is_empty() && re.is_match(&camel_words(v))))
        };
        if !hit(&self.rules.drop_id_class) || has_h1(node) {
            return None;
        }
        // scoring, a container named both ways (`content-with-sidebar`) may be the content
        (!(self.scoring && self.rules.keep_id_class.as_ref().is_some_and(hit))).then(|| RULE_ID_CLASS.to_string())
    }

    /// Keep what an element left out held, with its rule, for `explain` and `clean
    /// --format jsonl` (the opening of its text, at most `MAX_REMOVED` elements a page).
    fn removed(&mut self, node: &ego_tree::NodeRef<'_, Node>, rule: String) {
        if self.removed.len() >= MAX_REMOVED || self.sizes.get(&node.id()).is_none_or(|s| s.text == 0) {
            return;
        }
        let mut text = String::new();
        let mut stack = vec![*node];
        while let Some(n) = stack.pop() {
            if text.len() >= REMOVED_TEXT {
                break;
            }
            match n.value() {
                Node::Text(t) => {
                    for w in t.split_whitespace() {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(w);
                    }
                }
                Node::Element(e) if NO_TEXT.contains(&e.name()) => {}
                _ => stack.extend(n.children().rev()),
            }
        }
        if text.is_empty() {
            return;
        }
        if text.len() > REMOVED_TEXT {
            let mut cut = REMOVED_TEXT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        let line = self.lines.find(&text);
        self.removed.push(Dropped { line, text, rule });
    }
}

/// An id or class with its camelCase words apart (`newsCaption` → `news-Caption`,
/// `relatedPosts` → `related-Posts`), so that the id/class rules, which read `-`, `_` and
/// spaces as word edges, see them as words too.
fn camel_words(v: &str) -> std::borrow::Cow<'_, str> {
    let b = v.as_bytes();
    if !b.windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase()) {
        return std::borrow::Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len() + 8);
    let mut prev_lower = false;
    for c in v.chars() {
        if prev_lower && c.is_ascii_uppercase() {
            out.push('-');
        }
        prev_lower = c.is_ascii_lowercase();
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
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
    // a comment is no part of a value (`display:/**/none`)
    let uncommented;
    let style = if style.contains("/*") {
        uncommented = strip_css_comments(style);
        uncommented.as_str()
    } else {
        style
    };
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
            "color" => val == "transparent" || transparent_colour(val),
            "text-indent" => pixels(val).is_some_and(|x| x <= FAR),
            "clip" => val.replace(' ', "").starts_with("rect(0") || val.replace(' ', "") == "rect(1px,1px,1px,1px)",
            "clip-path" => val.replace(' ', "").starts_with("inset(50%") || val.replace(' ', "") == "circle(0)",
            "transform" => {
                val.split(['(', ')', ',']).skip(1).take(2).any(|n| {
                    pixels(n).is_some_and(|x| x <= FAR)
                        || n.trim().trim_end_matches('%').parse::<f64>().is_ok_and(|x| x <= -100.0)
                }) && val.starts_with("translate")
                    // `scale(0)`, `scalex(0)`: drawn at no size
                    || val.starts_with("scale")
                        && val.split(['(', ')', ',']).skip(1).take(2).any(|n| n.trim().parse::<f64>().is_ok_and(|x| x == 0.0))
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

/// CSS without its comments.
fn strip_css_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i + 2..].find("*/").map_or("", |j| &rest[i + 2 + j + 2..]);
    }
    out.push_str(rest);
    out
}

/// A colour of alpha 0: `rgba(0,0,0,0)`, `hsla(…, 0)`, `rgb(0 0 0 / 0%)`, `#0000`,
/// `#00000000`.
fn transparent_colour(val: &str) -> bool {
    let v = val.replace(' ', "");
    if let Some(hex) = v.strip_prefix('#') {
        return hex.bytes().all(|b| b.is_ascii_hexdigit())
            && matches!(hex.len(), 4 | 8)
            && hex[hex.len() - hex.len() / 4..].bytes().all(|b| b == b'0');
    }
    let Some(args) = v.strip_suffix(')').and_then(|v| v.split_once('(')).map(|(_, a)| a) else { return false };
    let parts: Vec<&str> = args.split([',', '/']).collect();
    parts.len() == 4 && parts[3].trim_end_matches('%').parse::<f64>().is_ok_and(|a| a == 0.0)
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
        let css_clean = strip_css_comments(&css);
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
                                    // (`#id`, `[class="x"]` and `[id=x]` name one element or
                                    // class as well)
                                    let mut parts = sel.split_ascii_whitespace().rev();
                                    let last = parts.next()?;
                                    let (tag, key) = if let Some((tag, attr)) =
                                        last.strip_suffix(']').and_then(|l| l.split_once('['))
                                    {
                                        let (name, value) = attr.split_once(['=', '~'])?;
                                        let value = value.trim_start_matches('=').trim_matches(['"', '\'']);
                                        match name.trim().to_ascii_lowercase().as_str() {
                                            "class" => (tag, format!(".{value}")),
                                            "id" => (tag, format!("#{value}")),
                                            _ => return None,
                                        }
                                    } else if let Some((tag, id)) = last.split_once('#') {
                                        (tag, format!("#{id}"))
                                    } else {
                                        let (tag, class) = last.split_once('.')?;
                                        (tag, format!(".{class}"))
                                    };
                                    let context = parts.all(&plain);
                                    (context && plain(tag) && key.len() > 1 && plain(&key[1..]))
                                        .then(|| key.to_ascii_lowercase())
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

/// Does the element hold an `<h1>` (the page's title)? Bounded, so it stays cheap: the
/// first 2,000 nodes in document order, not looking into elements that hold no text
/// (`NO_TEXT`: an icon's shapes, left out before parsing or not, take none of the budget).
fn has_h1(node: &ego_tree::NodeRef<'_, Node>) -> bool {
    let is_h1 = |n: &ego_tree::NodeRef<'_, Node>| matches!(n.value(), Node::Element(e) if e.name() == "h1");
    if is_h1(node) {
        return true;
    }
    let mut budget = 2000usize - 1;
    let mut stack = vec![node.children()];
    while let Some(top) = stack.last_mut() {
        let Some(c) = top.next() else {
            stack.pop();
            continue;
        };
        if budget == 0 {
            return false;
        }
        budget -= 1;
        match c.value() {
            Node::Element(e) if e.name() == "h1" => return true,
            Node::Element(e) if NO_TEXT.contains(&e.name()) => {}
            _ => stack.push(c.children()),
        }
    }
    false
}

/// Elements without content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track",
    "wbr",
];
/// Elements whose end tag may be left out: they do not nest (`<li>a<li>b`), so they do not
/// count towards the depth.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "colgroup", "caption", "rb", "rt",
    "rp", "rtc", "html", "head", "body",
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
    /// … because it holds more than `ELEMENTS_PER_BLOCK` elements per block kept
    pub by_elements: bool,
}

/// A page is cut before its element past this many per block kept (`--max-blocks`): the
/// tree costs a few hundred bytes per element (1.6 million `<br>` in one paragraph: 635 MB).
pub const ELEMENTS_PER_BLOCK: usize = 8;

/// Elements that make one block each (when they hold text): counted to cut a page that
/// holds more of them than blocks are kept, before the parser builds a tree of all of them.
const LEAF_BLOCKS: &[&str] =
    &["p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre", "blockquote", "figcaption", "caption"];

/// The attributes of one tag that are kept: the parser checks every new attribute against
/// the tag's others (time grows as their square), and real tags carry a few dozen at most.
pub const MAX_ATTRIBUTES: usize = 256;

/// What the lists above say of one tag name, looked up once per tag (the scan meets a
/// few thousand tags per page; going through seven lists for each was a tenth of it).
#[derive(Clone, Copy, Default)]
struct TagClass {
    void: bool,
    optional_end: bool,
    content: bool,
    raw_text: bool,
    /// its place in `FORMATTING`
    formatting: Option<usize>,
    ruby_part: bool,
    leaf: bool,
}

impl TagClass {
    /// The class of a lower-case tag name.
    fn of(name: &str) -> TagClass {
        static CLASSES: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, TagClass>> = std::sync::OnceLock::new();
        let classes = CLASSES.get_or_init(|| {
            let mut m = rustc_hash::FxHashMap::<&'static str, TagClass>::default();
            type Mark = fn(&mut TagClass);
            let lists: [(&[&'static str], Mark); 6] = [
                (VOID, |c| c.void = true),
                (OPTIONAL_END, |c| c.optional_end = true),
                (CONTENT, |c| c.content = true),
                (RAW_TEXT, |c| c.raw_text = true),
                (RUBY_PARTS, |c| c.ruby_part = true),
                (LEAF_BLOCKS, |c| c.leaf = true),
            ];
            for (list, set) in lists {
                for name in list {
                    set(m.entry(name).or_default());
                }
            }
            for (i, name) in FORMATTING.iter().enumerate() {
                m.entry(name).or_default().formatting = Some(i);
            }
            m
        });
        classes.get(name).copied().unwrap_or_default()
    }
}

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
                Some(&q @ (b'"' | b'\'')) => j = memchr::memchr(q, &b[j + 1..]).map_or(n, |p| j + 2 + p),
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

/// HTML comments a page keeps; the rest are removed before parsing.
const MAX_COMMENTS: usize = 1000;

/// `limit_html`, and the page cut before its `max_blocks + 1`-th paragraph, list item,
/// table row or heading: the parser's tree costs about 80 bytes per byte of a page of small
/// elements (an 8 MiB page: 680 MB), and the walk keeps no more than `max_blocks` blocks.
pub fn limit_html_blocks(html: &str, max: usize, max_blocks: usize) -> (std::borrow::Cow<'_, str>, Cut) {
    let b = html.as_bytes();
    let mut leaves = 0usize;
    let mut elements = 0usize;
    let mut depth = 0usize;
    let mut cut = Cut::default();
    // counted elements open past the limit: was each one removed?
    let mut past: Vec<bool> = Vec::new();
    let mut kept_past = 0usize;
    // formatting elements open (kept, dropped) by name, and kept in all
    let mut fmt_open = [(0usize, 0usize); 14];
    let mut fmt_kept = 0usize;
    let (mut foreign, mut ruby) = (0usize, 0usize);
    // attributes given to `<html>` and to `<body>` by all their start tags
    let mut merged_attributes = (0usize, 0usize);
    let mut in_select = false;
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut comments = 0usize;
    let mut i = 0;
    let find =
        |from: usize, pat: &[u8]| -> usize { memfind(&b[from.min(b.len())..], pat).map_or(b.len(), |p| from + p) };
    while i < b.len() {
        let Some(p) = memchr_lt(&b[i..]) else { break };
        let start = i + p;
        let rest = &b[start..];
        if rest.starts_with(b"<!--") {
            let after = start + 4;
            comments += 1;
            i = if b[after..].starts_with(b">") {
                after + 1
            } else if b[after..].starts_with(b"->") {
                after + 2
            } else {
                // the first `-->` or `--!>`: the second is looked for only before the first
                // (looking through the rest of the page for each comment took the square
                // of their number)
                let a = find(after, b"-->");
                match memfind(&b[after..a.min(b.len())], b"--!>") {
                    Some(e) => after + e + 4,
                    None => a.saturating_add(3),
                }
            };
            // comments are no content: past `MAX_COMMENTS` they are removed before the
            // parser holds each as a node (700,000 separators: 300 MB), line breaks kept
            if comments > MAX_COMMENTS {
                let end = i.min(html.len());
                let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
                o.push_str(&html[copied..start]);
                o.extend(std::iter::repeat_n('\n', html[start..end].matches('\n').count()));
                copied = end;
            }
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
        let lower;
        let name = match &html[name_at..name_at + name_len] {
            n if n.bytes().any(|c| c.is_ascii_uppercase()) => {
                lower = n.to_ascii_lowercase();
                lower.as_str()
            }
            n => n,
        };
        let class = TagClass::of(name);
        if !closing {
            elements += 1;
            // the parser re-opens every formatting element left open in each new block
            // (`<p><b id=1>…<b id=16>x</p>` then 100,000 `<div>x</div>`): each costs them all
            if fmt_kept > 0 && (class.leaf || matches!(name, "div" | "section")) {
                elements += fmt_kept;
            }
        }
        let too_many = !closing && elements > max_blocks.saturating_mul(ELEMENTS_PER_BLOCK);
        if too_many || !closing && class.leaf {
            leaves += usize::from(!too_many);
            if leaves > max_blocks || too_many {
                cut.by_elements = too_many;
                cut.cut_at = Some(start);
                let o = out.get_or_insert_with(|| String::with_capacity(start));
                o.push_str(&html[copied..start]);
                return (std::borrow::Cow::Owned(std::mem::take(o)), cut);
            }
        }
        let self_closing = closes_itself && (foreign > 0 || matches!(name, "svg" | "math"));
        // (an `<optgroup>` ends the one before inside a `<select>`; elsewhere they nest)
        let optional = class.optional_end && !(class.ruby_part && ruby == 0) || name == "optgroup" && in_select;
        if name == "select" {
            in_select = !closing;
        }
        let mut counts = !class.void && !optional && !self_closing;
        let mut remove = false;
        if !closing && matches!(name, "html" | "body") {
            // a repeated `<html>` or `<body>` adds its attributes to the first one's, each
            // checked against all the others: past `MAX_ATTRIBUTES` in all, the tag goes
            let merged = if name == "html" { &mut merged_attributes.0 } else { &mut merged_attributes.1 };
            if *merged > 0 && *merged + attributes > MAX_ATTRIBUTES {
                remove = true;
                cut.attributes += attributes;
            }
            *merged += attributes.clamp(1, MAX_ATTRIBUTES);
        }
        if let Some(f) = class.formatting {
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
                remove = !(class.raw_text || class.content && kept_past < CONTENT_SLACK);
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
        // an icon or a drawing: its shapes are left out, line breaks kept, when the parser
        // and this scan would read nothing else from them
        if !closing && name == "svg" && !self_closing && !remove && foreign == 1 && keep_to.is_none() {
            if let Some(s) = shapes_only(b, end) {
                if s.deepest + depth <= max && elements + s.elements <= max_blocks.saturating_mul(ELEMENTS_PER_BLOCK) {
                    elements += s.elements;
                    let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
                    o.push_str(&html[copied..end]);
                    o.extend(std::iter::repeat_n('\n', memchr::memchr_iter(b'\n', &b[end..s.close]).count()));
                    copied = s.close;
                    i = s.close;
                    continue;
                }
            }
        }
        if !closing && class.raw_text && !self_closing {
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

/// The drawing elements of SVG. An `<svg>` that holds nothing else, and no text, comments
/// or CDATA, is drawn and never read (`NO_TEXT`): its shapes are left out before parsing.
/// The parser reads foreign content slowly: a page's 73 icons were a third of its parse.
const SVG_SHAPES: &[&[u8]] = &[
    b"path",
    b"g",
    b"circle",
    b"rect",
    b"line",
    b"polyline",
    b"polygon",
    b"ellipse",
    b"defs",
    b"use",
    b"symbol",
    b"lineargradient",
    b"radialgradient",
    b"stop",
    b"clippath",
    b"mask",
    b"pattern",
];

/// What an `<svg>` holds when it is shapes alone (`SVG_SHAPES`, nested properly, between
/// white space only).
struct Shapes {
    /// where its `</svg` starts
    close: usize,
    /// start tags
    elements: usize,
    /// the deepest nesting of shapes not closing themselves
    deepest: usize,
}

/// `Shapes` of the `<svg>` whose start tag ends at `from`; `None` when it holds anything
/// else, or does not end.
fn shapes_only(b: &[u8], from: usize) -> Option<Shapes> {
    let mut open: Vec<&[u8]> = Vec::new();
    let (mut i, mut elements, mut deepest) = (from, 0usize, 0usize);
    loop {
        let start = i + memchr_lt(&b[i..])?;
        if !b[i..start].iter().all(|c| is_space(*c)) {
            return None;
        }
        let closing = b.get(start + 1) == Some(&b'/');
        let name_at = start + 1 + usize::from(closing);
        let name_len = b[name_at..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        // the name ends where the tokenizer ends it
        if name_len == 0 || !b.get(name_at + name_len).is_some_and(|c| is_space(*c) || matches!(c, b'/' | b'>')) {
            return None;
        }
        let name = &b[name_at..name_at + name_len];
        let t = tag_end(b, name_at + name_len);
        // (a tag the input ends inside has no `>`)
        if b[t.end - 1] != b'>' || t.keep_to.is_some() {
            return None;
        }
        if closing && name.eq_ignore_ascii_case(b"svg") {
            return open.is_empty().then_some(Shapes { close: start, elements, deepest });
        }
        if !SVG_SHAPES.iter().any(|s| name.eq_ignore_ascii_case(s)) {
            return None;
        }
        if closing {
            // (`</g/>`: the scan counts a self-closing end tag apart)
            if t.closes_itself || !open.pop().is_some_and(|o| o.eq_ignore_ascii_case(name)) {
                return None;
            }
        } else {
            elements += 1;
            if !t.closes_itself {
                open.push(name);
                deepest = deepest.max(open.len());
            }
        }
        i = t.end;
    }
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    memchr::memchr(b'<', b)
}

fn memfind(hay: &[u8], pat: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, pat)
}

/// Parse a page (or, with `fragment`, a piece of HTML inside Markdown starting at
/// `base_line`) into blocks, stopping once there are more than `max_blocks`.
/// Rule ids of elements left out before blocks exist (`drop_rule`).
pub const RULE_HIDDEN: &str = "html:hidden";
pub const RULE_OUTSIDE: &str = "html:outside-content";
pub const RULE_TEASERS: &str = "html:teasers";
pub const RULE_LINK_DENSE: &str = "html:link-dense";
pub const RULE_REL_TAG: &str = "html:rel-tag";
/// (followed by `:` and the id of the boilerplate rule its heading matched)
pub const RULE_HEADED: &str = "html:headed";
pub const RULE_ID_CLASS: &str = "html:id-class";
/// At most this many left-out elements are kept per page, each with this much text.
const MAX_REMOVED: usize = 2000;
const REMOVED_TEXT: usize = 200;

/// The blocks of a page (or fragment), and what its elements left out held (`removed`).
pub fn blocks(
    html: &str,
    rules: &HtmlRules,
    base_line: usize,
    fragment: bool,
    max_blocks: usize,
    removed: &mut Vec<Dropped>,
) -> Vec<Block> {
    let doc = if fragment { super::parse::fragment(html) } else { super::parse::document(html) };
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
        sizes: NodeMap::default(),
        content: None,
        inside: 0,
        scoring: false,
        removed: Vec::new(),
        page_text: 0,
        hidden_classes: Default::default(),
    };
    w.sizes = text_sizes(doc.tree.root());
    w.hidden_classes = style_hidden_classes(doc.tree.root());
    w.page_text = w.sizes.get(&doc.tree.root().id()).map_or(0, |s| s.text);
    if !fragment && w.page_text >= MIN_PAGE_TEXT {
        w.scoring = true;
        w.content = main_content(&w, doc.tree.root());
        w.scoring = false;
    }
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Exit(&'a str),
        /// leaving a content container
        Leave,
    }
    let mut stack = vec![Step::Enter(doc.tree.root())];
    while let Some(step) = stack.pop() {
        if w.out.len() > max_blocks {
            break;
        }
        match step {
            Step::Exit(name) => w.close(name),
            Step::Leave => w.inside -= 1,
            Step::Enter(node) => match node.value() {
                // text outside the content (in the content's ancestors) is left out
                Node::Text(t) if w.inside > 0 || w.content.is_none() => {
                    w.buf.push_str(t);
                }
                Node::Element(e) => {
                    let name = e.name();
                    if let Some(rule) = w.drop_rule(&node, e) {
                        w.removed(&node, rule);
                        continue;
                    }
                    if w.content.as_ref().is_some_and(|c| c.nodes.contains(&node.id())) || name == "h1" {
                        w.inside += 1;
                        stack.push(Step::Leave);
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
    removed.append(&mut w.removed);
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    #[test]
    fn a_tag_class_says_what_the_lists_say() {
        let all = [VOID, OPTIONAL_END, CONTENT, RAW_TEXT, FORMATTING, RUBY_PARTS, LEAF_BLOCKS].concat();
        for name in all.iter().copied().chain(["div", "span", "x-widget", "svg", ""]) {
            let c = TagClass::of(name);
            assert_eq!(c.void, VOID.contains(&name), "{name}");
            assert_eq!(c.optional_end, OPTIONAL_END.contains(&name), "{name}");
            assert_eq!(c.content, CONTENT.contains(&name), "{name}");
            assert_eq!(c.raw_text, RAW_TEXT.contains(&name), "{name}");
            assert_eq!(c.formatting, FORMATTING.iter().position(|f| *f == name), "{name}");
            assert_eq!(c.ruby_part, RUBY_PARTS.contains(&name), "{name}");
            assert_eq!(c.leaf, LEAF_BLOCKS.contains(&name), "{name}");
        }
    }

    fn parse(s: &str) -> Vec<Block> {
        let rules = Rules::shipped();
        blocks(s, &rules.boilerplate.html, 1, false, usize::MAX, &mut Vec::new())
    }

    proptest::proptest! {
        /// Counting commas bytewise (and the others only in non-ASCII text) counts what
        /// matching every character of `COMMAS` counts.
        #[test]
        fn commas_are_counted_as_matching_counts_them(t in "[a-z ,，、،é\u{2c}\u{ff0c}x]{0,40}") {
            proptest::prop_assert_eq!(commas(&t), t.matches(COMMAS).count() as u32);
        }
    }

    /// The content model: an element holding most of the page's text (not as links) is
    /// kept whatever its tag or class says; a container of links alone is dropped.
    /// After a label of links ("DON'T MISS", "You may also like…"), the run of paragraphs
    /// that are each (mostly) a link to another page goes; the prose after the run stays.
    #[test]
    fn links_after_a_label_of_links_are_left_out() {
        for label in ["<p><strong>DON'T MISS</strong></p>", "<p>You may also like...</p>"] {
            let page = format!(
                "<html><body><article><p>Product managers own the roadmap of their area, with the team.</p>{label}\
                 <p><a href=/a>China furious at Macron for a protest jibe</a> [INSIGHT]</p>\
                 <p><a href=/b>Lakers vs Nets: a final decision on the game</a></p>\
                 <p>They explain the roadmap to everyone who builds it, every quarter.</p>\
                 <p>They listen to customers and turn what they hear into plans.</p>\
                 <p>They measure what shipped and say what they learned from it.</p></article></body></html>"
            );
            let texts: Vec<String> = parse(&page).into_iter().map(|b| b.text).collect();
            assert!(!texts.iter().any(|t| t.contains("Macron") || t.contains("Lakers")), "{label}: {texts:?}");
            assert_eq!(texts.iter().filter(|t| t.starts_with("They")).count(), 3, "{label}: {texts:?}");
        }
    }

    /// camelCase ids and classes are read word by word: `newsCaption` and `shareBar` are
    /// dropped like `news-caption`; `headerless` or `Ads` alone are not split.
    #[test]
    fn camel_case_classes_are_words() {
        assert_eq!(camel_words("newsCaption relatedPosts"), "news-Caption related-Posts");
        assert_eq!(camel_words("headerless HTML"), "headerless HTML");
        let page = "<html><body><div class=articleBody><p>Product managers own the roadmap of their area.</p>\
                    <span class=newsCaption>Protesters in the street</span><div class=shareBar>Share on X</div>\
                    <p>They explain the roadmap to everyone who builds it.</p></div></body></html>";
        let texts: Vec<String> = parse(page).into_iter().map(|b| b.text).collect();
        assert_eq!(
            texts,
            ["Product managers own the roadmap of their area.", "They explain the roadmap to everyone who builds it."]
        );
    }

    /// Tag links (`rel="tag"`) in a row of links go; one inside a sentence stays.
    #[test]
    fn rows_of_tag_links_are_left_out_and_tags_in_prose_kept() {
        let page = "<html><body><article><p>Hibernation would need smaller spacecraft for \
                    <a href=/t/deep-space rel=tag>deep space travel</a>, the study says.</p>\
                    <p><strong>Tags<br><a href=/t/a rel=\"category tag\">space</a>, <a href=/t/b rel=tag>hibernation</a>, \
                    <a href=/t/c rel=tag>astronauts</a></strong></p></article></body></html>";
        let rules = Rules::shipped();
        let mut removed = Vec::new();
        let b = blocks(page, &rules.boilerplate.html, 1, false, usize::MAX, &mut removed);
        let text: String = b.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
        assert!(text.contains("for deep space travel, the study says"), "{text}");
        assert!(!text.contains("hibernation,") && !text.contains("astronauts"), "{text}");
        assert_eq!(removed.iter().filter(|d| d.rule == RULE_REL_TAG).count(), 3, "{removed:?}");
    }

    /// A box of other pages under a heading a `tail` boilerplate rule names ("Related
    /// posts", in any language the rule lists) goes whole, even when its excerpts hold more
    /// text than the article (so that the scoring would have chosen them); a section under
    /// another heading stays.
    #[test]
    fn a_box_headed_related_is_left_out_whole() {
        let article = "<p>Quem se ama encontra na vida um amor de verdade, e isso depende de cada um de nós.</p>";
        let teaser = |i: usize| {
            format!(
                "<article class=\"post post-{i}\"><p>{}</p></article>",
                "Outro texto longo de outra página do mesmo sítio, com vírgulas, frases e ideias. ".repeat(4)
            )
        };
        for heading in ["<h3>Você pode gostar...</h3>", "<div class=\"box-head\"><h2>Related posts</h2></div>"] {
            let page = format!(
                "<html><body><article class=\"post post-1\"><h1>Só quem se ama</h1>{article}\
                 <section><h2>Responsibilities</h2><p>Own the roadmap, and explain it to everyone who builds it.</p></section>\
                 </article><div class=\"box\">{heading}{}</div></body></html>",
                (2..6).map(teaser).collect::<String>()
            );
            let rules = Rules::shipped();
            let mut removed = Vec::new();
            let b = blocks(&page, &rules.boilerplate.html, 1, false, usize::MAX, &mut removed);
            let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
            assert!(texts.iter().any(|t| t.starts_with("Quem se ama")), "{texts:?}");
            assert!(texts.contains(&"Responsibilities"), "{texts:?}");
            assert!(!texts.iter().any(|t| t.contains("Outro texto")), "{heading}: {texts:?}");
            assert!(removed.iter().any(|d| d.rule == "html:headed:related-posts"), "{removed:?}");
        }
    }

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

    /// The page's main content is found by scoring its containers: teaser cards of other
    /// articles (a linked heading, a byline, an excerpt: not link-dense) are left out; an
    /// article cut into chunks of the same class is kept whole; a posting whose sections sit
    /// in containers of their own is kept whole; the page's `<h1>` stays.
    #[test]
    fn the_main_content_is_told_by_scoring_containers() {
        let para = |i: usize| {
            format!("<p>Paragraph {i} of the article, with a clause, another clause, and a full stop at its end.</p>")
        };
        let article: String = (0..6).map(para).collect();
        let card = |i: usize| {
            format!(
                "<div class=\"card\"><h5><a href=\"/o{i}\">Other story {i}</a></h5><span>Some Author</span>\
                 <p>An excerpt of another story, with its own clause, that ends in an ellipsis, like this…</p></div>"
            )
        };
        let cards: String = (0..5).map(card).collect();
        let page = format!(
            "<html><body><header><h1>The headline</h1></header><div class=\"story\">{article}</div>\
             <div class=\"more\">{cards}</div></body></html>"
        );
        let texts: Vec<String> = parse(&page).into_iter().map(|b| b.text).collect();
        assert_eq!(texts.len(), 7, "{texts:?}");
        assert_eq!(texts[0], "The headline");
        assert!(texts[1..].iter().all(|t| t.starts_with("Paragraph")), "{texts:?}");
        // chunks of one article under different parents, with teasers between them
        let (a, b): (String, String) = ((0..5).map(para).collect(), (5..9).map(para).collect());
        let page = format!(
            "<html><body><div><div class=\"body\">{a}</div></div><div class=\"more\">{}</div>\
             <div><div class=\"body\">{b}</div></div></body></html>",
            (0..2).map(card).collect::<String>()
        );
        let texts: Vec<String> = parse(&page).into_iter().map(|b| b.text).collect();
        assert_eq!(texts.len(), 9, "{texts:?}");
        // a posting's sections, each in a container of its own, are one content
        let section = |h: &str, n: usize| {
            let items: String = (0..n)
                .map(|i| format!("<li>{h} item {i}: work with the team, the customers, and the data</li>"))
                .collect();
            format!("<section><div><h2>{h}</h2><p>What the {h} part says, in a sentence, with commas.</p><ul>{items}</ul></div></section>")
        };
        let page = format!(
            "<html><body><nav><a href=/>Home</a></nav><h1>Product Manager</h1>{}{}{}</body></html>",
            section("About", 1),
            section("Responsibilities", 6),
            section("Requirements", 5)
        );
        let texts: Vec<String> = parse(&page).into_iter().map(|b| b.text).collect();
        assert_eq!(texts.len(), 1 + 3 * 2 + 12, "{texts:?}");
    }

    /// The content is an element of the page: a root named as content (`<html class=page>`)
    /// holding one `<body>` is not climbed past to the document itself (which left nothing).
    #[test]
    fn content_named_on_the_root_keeps_the_page() {
        let para =
            |i: usize| format!("<p>Paragraph {i}, with a clause, another clause, and a full stop at its end.</p>");
        let article: String = (0..10).map(para).collect();
        for open in
            ["<html class=\"page\"><body>", "<html id=\"content\"><body class=\"main\">", "<html class=\"page\">"]
        {
            let texts: Vec<String> = parse(&format!("{open}{article}")).into_iter().map(|b| b.text).collect();
            assert_eq!(texts.len(), 10, "{open}: {texts:?}");
        }
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

    /// Comments past `MAX_COMMENTS` are removed before parsing, their line breaks kept; the
    /// text is what it was.
    #[test]
    fn many_comments_are_removed_before_parsing() {
        let page = format!("<p>a{}b</p>\n<!-- one\ntwo --><p>c</p>", "<!-- x -->".repeat(MAX_COMMENTS + 5));
        let (h, _) = limit_html(&page, 256);
        assert_eq!(h.matches("<!--").count(), MAX_COMMENTS, "{}", &h[..200]);
        assert_eq!(h.matches('\n').count(), page.matches('\n').count(), "lines stay true");
        assert!(h.ends_with("\n\n<p>c</p>"), "{}", &h[h.len() - 40..]);
        let few = "<p>a<!-- x -->b</p>";
        assert!(
            matches!(limit_html(few, 256).0, std::borrow::Cow::Borrowed(_)),
            "a page of few comments is not copied"
        );
    }
}
