//! Markdown and plain text to blocks, with pulldown-cmark. Plain text is read as Markdown
//! too (a blank line separates paragraphs, "1." and "-" start lists); bullets typed as
//! characters ("•", "▪", emoji) are read as list markers.

use crate::model::{Block, BlockKind};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Line-start offsets of a text, to turn byte offsets into 1-based line numbers.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(v)
    }
    pub fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Separator kept inside block text until lines are split: a hard break or `<br>`.
pub const HARD: char = '\u{2028}';
/// A soft line break.
pub const SOFT: char = '\n';

/// Characters people type as bullets.
pub(crate) fn bullet_len(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let c = t.chars().next()?;
    let is_bullet = matches!(
        c,
        '•' | '·'
            | '▪'
            | '▫'
            | '◦'
            | '‣'
            | '●'
            | '○'
            | '■'
            | '□'
            | '➢'
            | '➤'
            | '►'
            | '▶'
            | '✓'
            | '✔'
            | '✅'
            | '☑'
            | '👉'
            | '🔹'
            | '🔸'
            | '🔷'
            | '🔶'
            | '⭐'
            | '🚀'
            | '💡'
            | '📌'
            | '✨'
            | '⁃'
            | '–'
            | '—'
    );
    if !is_bullet {
        return None;
    }
    let rest = &t[c.len_utf8()..];
    let rest = rest.strip_prefix('\u{FE0F}').unwrap_or(rest);
    if rest.starts_with([' ', '\t', '\u{a0}']) {
        Some(line.len() - rest.len())
    } else {
        None
    }
}

/// Rewrite typed bullets as Markdown list markers, keeping every line where it was.
/// An opening tag alone on its line that asks for Markdown inside it (kramdown and Markdown
/// Extra: `<div class="note" markdown="1">`). Without this, CommonMark reads the lines up to
/// the next blank line as raw HTML and a heading there comes out as text ("## References").
static MARKDOWN_INSIDE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?i)^\s{0,3}<[a-z][a-z0-9]*\b[^<>]*\smarkdown\s*=\s*["']?(?:1|block|span)\b["']?[^<>]*>\s*$"#)
        .expect("valid regex")
});

/// A kramdown block attribute list alone on its line: `{: .class #id key="v" }`.
fn is_attribute_list(t: &str) -> bool {
    t.starts_with("{:") && t.ends_with('}') && !t[2..t.len() - 1].contains(['{', '}'])
}

/// A Liquid, Jinja or Handlebars tag alone on its line: `{% include x.html %}`, `{{ page.title }}`.
fn is_template_tag(t: &str) -> bool {
    (t.starts_with("{%") && t.ends_with("%}")) || (t.starts_with("{{") && t.ends_with("}}"))
}

/// Cells of a Markdown table row read (the parser holds every cell of a table: 100,000
/// columns in 2 MB took 210 MB).
pub const MAX_TABLE_CELLS: usize = 256;

/// The lines of a text with more than `MAX_TABLE_CELLS` cells (`|`s) that `narrow_row` cuts:
/// how many, and the first (1-based), for the document's `truncated` note.
pub fn wide_rows(text: &str) -> (usize, usize) {
    let (mut n, mut first) = (0, 0);
    for (i, l) in text.lines().enumerate() {
        if l.len() > MAX_TABLE_CELLS && l.bytes().filter(|&b| b == b'|').count() > MAX_TABLE_CELLS {
            n += 1;
            if first == 0 {
                first = i + 1;
            }
        }
    }
    (n, first)
}

/// A table row of more than `MAX_TABLE_CELLS` cells: the rest of a row goes into its last
/// cell (its `|` read as `/`); a delimiter row (`|---|:-:|`) is cut to as many cells.
fn narrow_row(l: &str) -> String {
    let (body, end) = match l.strip_suffix('\n') {
        Some(b) => (b, "\n"),
        None => (l, ""),
    };
    let Some((cut, _)) = body.match_indices('|').nth(MAX_TABLE_CELLS) else { return l.to_string() };
    let delimiter = body.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t' | b'\r'));
    if delimiter {
        format!("{}|{end}", &body[..cut])
    } else {
        format!("{}{}{end}", &body[..cut], body[cut..].replace('|', "/"))
    }
}

fn prepare(text: &str) -> std::borrow::Cow<'_, str> {
    let markdown_inside = text.contains("markdown=") || text.contains("markdown =");
    let attributes = text.contains("{:") || text.contains("{%") || text.contains("{{");
    let wide =
        text.lines().any(|l| l.len() > MAX_TABLE_CELLS && l.bytes().filter(|&b| b == b'|').count() > MAX_TABLE_CELLS);
    if !markdown_inside && !attributes && !wide && !text.lines().any(|l| bullet_len(l).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for l in text.split_inclusive('\n') {
        if attributes && (is_attribute_list(l.trim()) || is_template_tag(l.trim())) {
            // a kramdown attribute list ("{: .no_toc }") styles the block above, a template
            // tag alone on its line ("{% include level.html %}") is site code: no text
            out.push('\n');
            continue;
        }
        if markdown_inside && MARKDOWN_INSIDE.is_match(l.trim_end_matches(['\r', '\n'])) {
            // the tag becomes a blank line: its content is Markdown, every line stays in place
            out.push('\n');
            continue;
        }
        if wide && l.bytes().filter(|&b| b == b'|').count() > MAX_TABLE_CELLS {
            out.push_str(&narrow_row(l));
            continue;
        }
        match bullet_len(l) {
            Some(n) => {
                let indent = l.len() - l.trim_start().len();
                out.push_str(&l[..indent]);
                out.push_str("- ");
                out.push_str(l[n..].trim_start());
            }
            None => out.push_str(l),
        }
    }
    std::borrow::Cow::Owned(out)
}

struct Open {
    kind: BlockKind,
    line: usize,
    text: String,
    /// paragraph that is entirely bold: a pseudo-heading
    all_strong: Option<bool>,
}

#[derive(Default)]
struct TableState {
    rows: Vec<(usize, bool, Vec<Vec<String>>)>,
    cells: Vec<Vec<String>>,
    item: String,
    items: Vec<String>,
    line: usize,
}

/// Parse Markdown (or plain text) into blocks, stopping once there are more than
/// `max_blocks`. HTML blocks inside are handed to `html`.
pub fn blocks(text: &str, max_blocks: usize, html: &mut dyn FnMut(&str, usize) -> Vec<Block>) -> Vec<Block> {
    let prepared = prepare(text);
    let src: &str = &prepared;
    let lines = Lines::new(src);
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    let mut lists: Vec<bool> = Vec::new();
    let mut quote = 0usize;
    let mut table: Option<TableState> = None;
    let mut in_head = false;
    let mut skip = 0usize; // inside images and fenced code
    let mut strong = 0usize;
    let mut html_block: Option<(String, usize)> = None;

    let flush = |open: &mut Option<Open>, out: &mut Vec<Block>| {
        if let Some(o) = open.take() {
            let kind = match (o.kind, o.all_strong) {
                (BlockKind::Paragraph, Some(true)) => BlockKind::Heading { level: 6 },
                (k, _) => k,
            };
            if !o.text.trim().is_empty() {
                out.push(Block::new(kind, o.text, o.line));
            }
        }
    };

    for (ev, range) in Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).into_offset_iter() {
        if out.len() > max_blocks {
            break;
        }
        let line = lines.line(range.start);
        match ev {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    flush(&mut open, &mut out);
                    let level = match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        HeadingLevel::H4 => 4,
                        HeadingLevel::H5 => 5,
                        HeadingLevel::H6 => 6,
                    };
                    open =
                        Some(Open { kind: BlockKind::Heading { level }, line, text: String::new(), all_strong: None });
                }
                Tag::Paragraph => {
                    if table.is_some() {
                        continue;
                    }
                    let in_item = open.as_ref().is_some_and(|o| matches!(o.kind, BlockKind::ListItem { .. }));
                    if in_item {
                        if let Some(o) = open.as_mut() {
                            if !o.text.is_empty() {
                                o.text.push(' ');
                            }
                        }
                    } else {
                        flush(&mut open, &mut out);
                        let kind = if quote > 0 { BlockKind::Quote } else { BlockKind::Paragraph };
                        open = Some(Open { kind, line, text: String::new(), all_strong: Some(true) });
                    }
                }
                Tag::List(start) => {
                    flush(&mut open, &mut out);
                    lists.push(start.is_some());
                }
                Tag::Item => {
                    flush(&mut open, &mut out);
                    let depth = lists.len().saturating_sub(1).min(255) as u8;
                    let ordered = lists.last().copied().unwrap_or(false);
                    let mut text = String::new();
                    if ordered {
                        // keep the number: "1. Product Strategy:" is read as a numbered sub-heading
                        let raw = &src[range.clone()];
                        let num: String = raw.trim_start().chars().take_while(|c| c.is_ascii_digit()).collect();
                        if !num.is_empty() {
                            text = format!("{num}. ");
                        }
                    }
                    open = Some(Open { kind: BlockKind::ListItem { depth, ordered }, line, text, all_strong: None });
                }
                Tag::BlockQuote(_) => {
                    flush(&mut open, &mut out);
                    quote += 1;
                }
                Tag::CodeBlock(kind) => {
                    flush(&mut open, &mut out);
                    match kind {
                        CodeBlockKind::Fenced(_) => skip += 1,
                        CodeBlockKind::Indented => {
                            open =
                                Some(Open { kind: BlockKind::Paragraph, line, text: String::new(), all_strong: None })
                        }
                    }
                }
                Tag::Table(_) => {
                    flush(&mut open, &mut out);
                    table = Some(TableState::default());
                }
                Tag::TableHead => {
                    in_head = true;
                    if let Some(t) = table.as_mut() {
                        t.cells.clear();
                        t.line = line;
                    }
                }
                Tag::TableRow => {
                    if let Some(t) = table.as_mut() {
                        t.cells.clear();
                        t.line = line;
                    }
                }
                Tag::TableCell => {
                    if let Some(t) = table.as_mut() {
                        t.items.clear();
                        t.item.clear();
                    }
                }
                Tag::Image { .. } => skip += 1,
                Tag::Strong => {
                    strong += 1;
                    if let Some(o) = open.as_mut() {
                        if !o.text.trim().is_empty() && o.all_strong == Some(true) {
                            o.all_strong = Some(false);
                        }
                    }
                }
                Tag::HtmlBlock => {
                    flush(&mut open, &mut out);
                    html_block = Some((String::new(), line));
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(_) | TagEnd::Paragraph
                    if table.is_none()
                        && !open.as_ref().is_some_and(|o| matches!(o.kind, BlockKind::ListItem { .. })) =>
                {
                    flush(&mut open, &mut out);
                }
                TagEnd::Item => flush(&mut open, &mut out),
                TagEnd::List(_) => {
                    flush(&mut open, &mut out);
                    lists.pop();
                }
                TagEnd::BlockQuote(_) => {
                    flush(&mut open, &mut out);
                    quote = quote.saturating_sub(1);
                }
                TagEnd::CodeBlock => {
                    if skip > 0 && open.is_none() {
                        skip -= 1;
                    } else {
                        flush(&mut open, &mut out);
                    }
                }
                TagEnd::HtmlBlock => {
                    if let Some((h, l)) = html_block.take() {
                        let t = h.trim();
                        if !(t.is_empty() || t.starts_with("<!--") && t.ends_with("-->")) {
                            out.extend(html(&h, l));
                        }
                    }
                }
                TagEnd::Image => skip = skip.saturating_sub(1),
                TagEnd::Strong => strong = strong.saturating_sub(1),
                TagEnd::TableCell => {
                    if let Some(t) = table.as_mut() {
                        let item = std::mem::take(&mut t.item);
                        t.items.push(item);
                        let items: Vec<String> = t.items.drain(..).filter(|s| !s.trim().is_empty()).collect();
                        t.cells.push(items);
                    }
                }
                TagEnd::TableHead => {
                    in_head = false;
                    if let Some(t) = table.as_mut() {
                        let cells = std::mem::take(&mut t.cells);
                        t.rows.push((t.line, true, cells));
                    }
                }
                TagEnd::TableRow => {
                    if let Some(t) = table.as_mut() {
                        let cells = std::mem::take(&mut t.cells);
                        t.rows.push((t.line, in_head, cells));
                    }
                }
                TagEnd::Table => {
                    if let Some(t) = table.take() {
                        for (line, header, cells) in t.rows {
                            if cells.iter().all(|c| c.is_empty()) {
                                continue;
                            }
                            let text = cells.iter().map(|c| c.join(" / ")).collect::<Vec<_>>().join(" | ");
                            let mut b = Block::new(BlockKind::TableRow { header }, text, line);
                            b.cells = cells;
                            out.push(b);
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => {
                if skip > 0 && open.is_none() {
                    continue;
                }
                if let Some(tb) = table.as_mut() {
                    tb.item.push_str(&t);
                    continue;
                }
                match open.as_mut() {
                    Some(o) => {
                        if strong == 0 && !t.trim().is_empty() && o.all_strong == Some(true) {
                            o.all_strong = Some(false);
                        }
                        o.text.push_str(&t)
                    }
                    None => {
                        let kind = if quote > 0 { BlockKind::Quote } else { BlockKind::Paragraph };
                        open = Some(Open { kind, line, text: t.to_string(), all_strong: None });
                    }
                }
            }
            Event::SoftBreak => {
                if let Some(tb) = table.as_mut() {
                    tb.item.push(' ');
                } else if let Some(o) = open.as_mut() {
                    o.text.push(SOFT);
                }
            }
            Event::HardBreak => {
                if let Some(tb) = table.as_mut() {
                    let item = std::mem::take(&mut tb.item);
                    tb.items.push(item);
                } else if let Some(o) = open.as_mut() {
                    o.text.push(HARD);
                }
            }
            Event::InlineHtml(h) => {
                let tag = h.trim().to_ascii_lowercase();
                let is_br = tag.starts_with("<br") || tag.starts_with("</br");
                if let Some(tb) = table.as_mut() {
                    if is_br {
                        let item = std::mem::take(&mut tb.item);
                        tb.items.push(item);
                    }
                } else if let Some(o) = open.as_mut() {
                    if is_br {
                        o.text.push(HARD);
                    }
                }
            }
            Event::Html(h) => match html_block.as_mut() {
                Some((buf, _)) => buf.push_str(&h),
                None => out.extend(html(&h, line)),
            },
            _ => {}
        }
    }
    flush(&mut open, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Vec<Block> {
        blocks(s, usize::MAX, &mut |_, _| Vec::new())
    }

    #[test]
    fn kramdown_attribute_lists_are_no_text() {
        let b = parse("### Senior\n{: .no_toc }\n\n{% include level.html level='II' %}\nLimited supervision.\n");
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Senior", "Limited supervision."]);
        assert_eq!(b[1].line, 5);
    }

    #[test]
    fn markdown_inside_an_html_block_is_read_as_markdown() {
        let b =
            parse("Intro\n\n<div class=\"note\" markdown='1'>\n## References\n\n- [A link](https://x.org)\n</div>\n");
        let kinds: Vec<_> = b.iter().map(|b| (b.kind, b.text.as_str(), b.line)).collect();
        assert_eq!(kinds[1], (BlockKind::Heading { level: 2 }, "References", 4), "{kinds:?}");
        assert_eq!(kinds[2].1, "A link");
        // without the attribute the block stays raw HTML, as CommonMark says
        let b = parse("<div class=\"note\">\n## Not a heading\n</div>\n");
        assert!(b.iter().all(|b| !b.is_heading()), "{b:?}");
    }

    #[test]
    fn headings_lists_and_lines() {
        let b = parse("# Roles\n\n## Product Manager\n\n- one\n- two\n\n1. first\n");
        assert_eq!(b[0].kind, BlockKind::Heading { level: 1 });
        assert_eq!((b[1].text.as_str(), b[1].line), ("Product Manager", 3));
        assert_eq!(b[2].kind, BlockKind::ListItem { depth: 0, ordered: false });
        assert_eq!((b[3].text.as_str(), b[3].line), ("two", 6));
        assert_eq!(b[4].text, "1. first");
        assert_eq!(b[4].kind, BlockKind::ListItem { depth: 0, ordered: true });
    }

    #[test]
    fn tables_wider_than_the_limit_are_narrowed() {
        let n = MAX_TABLE_CELLS + 50;
        let md = format!("# PM\n\n|{}\n|{}\n|{}\n", " h |".repeat(n), "---|".repeat(n), " v |".repeat(n));
        let b = blocks(&md, 10_000, &mut |_, _| Vec::new());
        let rows: Vec<_> = b.iter().filter(|b| matches!(b.kind, BlockKind::TableRow { .. })).collect();
        assert_eq!(rows.len(), 2, "{b:?}");
        assert_eq!(rows[0].cells.len(), MAX_TABLE_CELLS);
        assert_eq!(b.last().unwrap().line, 5);
    }

    #[test]
    fn table_cells_split_on_br() {
        let b = parse("| **Role** | **Duty** |\n|---|---|\n| PM | a<br></br>b &amp; c<br/>d |\n");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].kind, BlockKind::TableRow { header: true });
        assert_eq!(b[0].cells, vec![vec!["Role".to_string()], vec!["Duty".to_string()]]);
        assert_eq!(b[1].cells[1], vec!["a", "b & c", "d"]);
        assert_eq!(b[1].line, 3);
    }

    #[test]
    fn quotes_setext_and_bold_headings() {
        let b = parse("Leaders\n-------\n\n> I am curious.\n\n**What you'll do**\n\ntext");
        assert_eq!(b[0].kind, BlockKind::Heading { level: 2 });
        assert_eq!(b[1].kind, BlockKind::Quote);
        assert_eq!(b[2].kind, BlockKind::Heading { level: 6 });
        assert_eq!(b[3].kind, BlockKind::Paragraph);
    }

    #[test]
    fn typed_bullets_are_list_items() {
        let b = parse("Values:\n\n  • one \n  • two\n");
        assert_eq!(b[1].kind, BlockKind::ListItem { depth: 0, ordered: false });
        assert_eq!(b[1].text.trim(), "one");
        assert_eq!(b[2].line, 4);
    }

    #[test]
    fn hard_breaks_are_kept_as_separators() {
        let b = parse("one.  \ntwo");
        assert_eq!(b[0].text, format!("one.{HARD}two"));
    }
}
