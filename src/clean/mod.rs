//! Stage 2, clean: turn a document's text into blocks (headings, paragraphs, list items,
//! table rows, quotes) with source lines, normalized text, boilerplate removed (rules in
//! `boilerplate.toml`) and repeated content removed. Every removed block is kept in
//! `CleanDoc::dropped` with the rule that removed it.

pub mod html;
pub mod markdown;
pub mod parse;
pub mod rst;
pub mod text;
pub mod typst;

use crate::model::{Block, BlockKind, CleanDoc, Dropped, Format, Limits, RawDoc};
use crate::rules::{files::Scope, Rules};
use markdown::{HARD, SOFT};
use std::collections::HashSet;

/// Rule ids of the cleaner's own steps (boilerplate rules have the ids of their files).
pub const RULE_REPEATED_BLOCK: &str = "duplicate:repeated-block";
pub const RULE_TABLE_COPY: &str = "duplicate:table-copy";
pub const RULE_REPEATED_TEXT: &str = "duplicate:repeated-text";
/// A block of nothing but separators (the commas left between tag links that were dropped).
pub const RULE_NO_WORDS: &str = "clean:no-words";
const SEPARATORS: &[char] = &[',', ';', '|', '/', '·', '•', '-', '–', '—', '、', '，'];

/// Clean one document with the default limits.
pub fn clean(raw: RawDoc, rules: &Rules) -> CleanDoc {
    clean_with(raw, rules, &Limits::default())
}

/// Clean one document within `limits`; what they cut is listed in `meta.truncated`.
pub fn clean_with(mut raw: RawDoc, rules: &Rules, limits: &Limits) -> CleanDoc {
    let html_rules = &rules.boilerplate.html;
    let (mut flattened, mut formatting, mut attributes) = (0, 0, 0);
    let mut cut_html: Option<usize> = None;
    let mut by_elements = false;
    let mut removed = Vec::new();
    let mut parse_html = |src: &str, line: usize, fragment: bool| {
        let (h, cut) = html::limit_html_blocks(src, limits.max_html_depth, limits.max_blocks);
        if let Some(at) = cut.cut_at {
            if cut_html.is_none() {
                by_elements = cut.by_elements;
            }
            cut_html.get_or_insert(line + src[..at].matches('\n').count());
        }
        flattened += cut.deep;
        formatting += cut.formatting;
        attributes += cut.attributes;
        html::blocks(&h, html_rules, line, fragment, limits.max_blocks, &mut removed)
    };
    let mut cut_md: Option<(usize, bool)> = None;
    // lines cut before parsing: how many, and the first
    let mut long_lines: (usize, usize) = (0, 0);
    // Markdown table rows past `MAX_TABLE_CELLS` cells: how many, and the first line
    let mut wide: (usize, usize) = (0, 0);
    let mut parsed = match raw.format {
        Format::Html => parse_html(&raw.text, 1, false),
        Format::Markdown | Format::Text => {
            let (md, cut) = cut_markdown(&raw.text, limits.max_blocks);
            cut_md = cut;
            let md = cut_long_lines(md, limits.max_block_chars, &mut long_lines);
            wide = markdown::wide_rows(&md);
            markdown::blocks(&md, limits.max_blocks, &mut |h, line| parse_html(h, line, true))
        }
        Format::Rst | Format::Typst => {
            let md =
                if raw.format == Format::Rst { rst::to_markdown(&raw.text) } else { typst::to_markdown(&raw.text) };
            let (md, cut) = cut_markdown(&md, limits.max_blocks);
            cut_md = cut;
            let md = cut_long_lines(md, limits.max_block_chars, &mut long_lines);
            markdown::blocks(&md, limits.max_blocks, &mut |h, line| parse_html(h, line, true))
        }
    };
    let truncated = &mut raw.meta.truncated;
    if wide.0 > 0 {
        truncated.push(format!(
            "{} table row(s) with more than {} cells, from line {}: the rest of each row went into its last cell",
            wide.0,
            markdown::MAX_TABLE_CELLS,
            wide.1
        ));
    }
    if flattened > 0 {
        truncated.push(format!(
            "flattened {flattened} HTML tags nested deeper than {} elements (--max-html-depth); their text is kept",
            limits.max_html_depth
        ));
    }
    if let Some(from) = cut_html {
        truncated.push(if by_elements {
            format!(
                "HTML cut from line {from} on: more than {} elements ({} for each of --max-blocks {})",
                limits.max_blocks.saturating_mul(html::ELEMENTS_PER_BLOCK),
                html::ELEMENTS_PER_BLOCK,
                limits.max_blocks
            )
        } else {
            format!(
                "HTML cut from line {from} on: more than {} paragraphs, list items, rows and headings (--max-blocks)",
                limits.max_blocks
            )
        });
    }
    if long_lines.0 > 0 {
        truncated.push(format!(
            "cut {} line(s) to {} characters before parsing, the first at line {} (--max-block-chars)",
            long_lines.0,
            LONG_LINE * limits.max_block_chars,
            long_lines.1
        ));
    }
    if let Some((from, by_guard)) = cut_md {
        truncated.push(if by_guard {
            format!(
                "text cut from line {from} on: more than {} lines that may begin a block, or {} lines, before it ({}, {} for each of --max-blocks {})",
                GUARD_STARTS * limits.max_blocks + GUARD_SLACK,
                GUARD_LINES * limits.max_blocks + GUARD_SLACK,
                GUARD_STARTS,
                GUARD_LINES,
                limits.max_blocks
            )
        } else {
            format!("text cut from line {from} on: more than {} blocks begin before it (--max-blocks)", limits.max_blocks)
        });
    }
    if attributes > 0 {
        truncated
            .push(format!("removed {attributes} HTML attributes past the first {} of their tag (of all `<html>` or `<body>` tags for theirs)", html::MAX_ATTRIBUTES));
    }
    if formatting > 0 {
        truncated.push(format!(
            "removed {formatting} formatting tags (<b>, <i>, <a>, …) opened while {} were open already; their text is kept",
            html::MAX_OPEN_FORMATTING
        ));
    }
    cap_blocks(&mut parsed, limits.max_blocks, truncated);
    cap_block_chars(&mut parsed, limits.max_block_chars, truncated);
    let mut blocks = split_lines(parsed);
    cap_blocks(&mut blocks, limits.max_blocks, truncated);
    if !blocks.iter().any(Block::is_heading) {
        promote_title_lines(&mut blocks);
    }
    let mut dropped = removed;
    let blocks = drop_boilerplate(blocks, rules, &mut dropped);
    let blocks = drop_repeats(blocks, &mut dropped);
    CleanDoc { meta: raw.meta, format: raw.format, blocks, dropped }
}

/// Markdown (or text) cut before the line where its `max_blocks + 1`-th block begins, so
/// that the parser never holds more (a table of a million rows took 794 MB). A block begins
/// on a line after a blank one, or on a line that opens a heading (`# `), a quote, a list
/// item (`- `, `1. `), or a table row (a table's header row and the rows after its
/// delimiter row, which is no block). A line that continues a paragraph (`*emphasis*`,
/// `#hashtag`, a setext underline, `2024. was`, `| x`), a quote, an HTML block or indented
/// code begins none; fenced code and a line of HTML tags alone (`<div>`) are none. So the
/// count stays at or under the blocks the parser finds (but for HTML the cleaner drops,
/// `<nav>…</nav>`), and the text is not cut before the limit would cut it. Shapes this
/// count misses are cut by a guard (`GUARD_STARTS`). The cut text, and the line it begins on.
/// Whatever the shape of a text, it is cut past `GUARD_STARTS × max_blocks` lines that
/// may begin a block (a heading, quote, row, item or HTML line, or one after a blank line)
/// or `GUARD_LINES × max_blocks` lines that are not blank (plus `GUARD_SLACK`): the parser
/// never holds many more blocks than the limit keeps.
const GUARD_STARTS: usize = 4;
const GUARD_LINES: usize = 8;
const GUARD_SLACK: usize = 1000;

fn cut_markdown(text: &str, max_blocks: usize) -> (&str, Option<(usize, bool)>) {
    let (mut starts, mut may_begin_n, mut nonblank) = (0usize, 0usize, 0usize);
    // the line before was blank, a quote line, a table's delimiter row or one of its rows
    let (mut blank, mut quote, mut table, mut after_header) = (true, false, false, false);
    // a fence open (its character and length), an indented code block open, a list open
    let mut fence: Option<(u8, usize)> = None;
    let (mut code, mut list, mut ordered_list, mut html) = (false, false, false, false);
    let mut at = 0;
    let is_delimiter_row = |t: &str| {
        t.contains('-') && t.contains('|') && t.bytes().all(|c| matches!(c, b'|' | b'-' | b':' | b' ' | b'\t'))
    };
    let mut lines = text.split_inclusive('\n').enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let body = line.trim_end();
        let t = body.trim_start();
        let indent: usize = body[..body.len() - t.len()].chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
        at += line.len();
        // the guard on memory, whatever this count misses (rows of a table that follows a
        // heading, items in a quote, lines of an HTML block or of fenced code): lines that
        // may begin a block, and lines
        if !t.is_empty() {
            nonblank += 1;
            let may_begin = blank
                || t.starts_with(['#', '>', '|', '-', '*', '+', '<', '`', '~'])
                || t.split_once(['.', ')'])
                    .is_some_and(|(d, _)| !d.is_empty() && d.len() <= 9 && d.bytes().all(|c| c.is_ascii_digit()));
            may_begin_n += usize::from(may_begin);
            if may_begin_n > GUARD_STARTS * max_blocks + GUARD_SLACK
                || nonblank > GUARD_LINES * max_blocks + GUARD_SLACK
            {
                return (&text[..at - line.len()], Some((n + 1, true)));
            }
        }
        if let Some((c, len)) = fence {
            let run = t.bytes().take_while(|&b| b == c).count();
            if indent < 4 && run >= len && t.bytes().all(|b| b == c) {
                fence = None;
            }
            continue;
        }
        if t.is_empty() {
            (blank, quote, table, html, after_header) = (true, false, false, false, false);
            continue;
        }
        if html {
            // an HTML block runs to a blank line
            continue;
        }
        if indent >= 4 && (code || blank && !list) {
            // indented code: one block, whatever its lines hold
            if !code {
                starts += 1;
            }
            (code, blank) = (true, false);
            if starts > max_blocks {
                return (&text[..at - line.len()], Some((n + 1, false)));
            }
            continue;
        }
        code = false;
        let b = t.as_bytes();
        let marker_then_space = |m: usize| b.get(m).is_none_or(|c| matches!(c, b' ' | b'\t'));
        // a list item (an empty one cannot interrupt a paragraph; a number but 1 cannot start
        // a list there)
        let bullet = matches!(b[0], b'-' | b'*' | b'+') && marker_then_space(1) && (blank || b.len() > 2);
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let ordered = (1..=9).contains(&digits)
            && matches!(b.get(digits), Some(b'.' | b')'))
            && marker_then_space(digits + 1)
            && (blank || b.len() > digits + 2 && (&t[..digits] == "1" || ordered_list));
        let hashes = b.iter().take_while(|&&c| c == b'#').count();
        let heading = (1..=6).contains(&hashes) && marker_then_space(hashes);
        let delimiter_row = is_delimiter_row(t);
        let bullet = bullet && !is_thematic(t);
        let item = bullet || ordered;
        // a table's header row: the next line is its delimiter row
        // (after a blank line: a table does not interrupt a paragraph)
        let header_row = blank && t.contains('|') && lines.peek().is_some_and(|(_, l)| is_delimiter_row(l.trim()));
        let run = |c: u8| b.iter().take_while(|&&x| x == c).count();
        let opens_fence = indent < 4 && (run(b'`') >= 3 || run(b'~') >= 3);
        let opens = if delimiter_row && after_header || is_thematic(t) {
            table = delimiter_row;
            false
        } else {
            // fenced code is no block, nor an HTML line of tags alone (`<div>`), nor an
            // indented paragraph of a list item (its text is the item's)
            (blank && !opens_fence && (b[0] != b'<' || text_outside_tags(t)) && !(list && indent > 0))
                || heading
                || item
                || b[0] == b'>' && !quote
                || header_row
                || table && t.contains('|')
        };
        if opens {
            starts += 1;
            if starts > max_blocks {
                return (&text[..at - line.len()], Some((n + 1, false)));
            }
        }
        if opens_fence {
            let c = b[0];
            fence = Some((c, run(c)));
        }
        // an HTML block (which may interrupt a paragraph) runs to a blank line; if the line
        // is a paragraph's, not counting its next lines only counts fewer
        if b[0] == b'<' && indent < 4 {
            html = true;
        }
        if item {
            (list, ordered_list) = (true, ordered);
        } else if indent == 0 && (blank || opens || opens_fence || is_thematic(t)) {
            // a block at the margin (a paragraph after a blank line, a heading, a break) ends a list
            (list, ordered_list) = (false, false);
        }
        // (a line continuing a quote's paragraph lazily keeps it open)
        quote = b[0] == b'>' || quote && !opens;
        after_header = header_row;
        table = table && t.contains('|');
        blank = false;
    }
    (text, None)
}

/// Is a Markdown line a thematic break (`---`, `* * *`, `___`)? It is no block.
fn is_thematic(t: &str) -> bool {
    let b = t.as_bytes();
    matches!(b.first(), Some(b'-' | b'*' | b'_'))
        && t.bytes().filter(|&c| c == b[0]).count() >= 3
        && t.bytes().all(|c| c == b[0] || c == b' ' || c == b'\t')
}

/// Does an HTML line hold text outside its tags (`<p>Own the roadmap</p>`, not `<div>`)?
fn text_outside_tags(line: &str) -> bool {
    let mut inside = false;
    line.chars().any(|c| match c {
        '<' => {
            inside = true;
            false
        }
        '>' => {
            inside = false;
            false
        }
        c => !inside && !c.is_whitespace(),
    })
}

/// A source line may be this many times `--max-block-chars` before it is cut.
const LONG_LINE: usize = 2;

/// Markdown with every line longer than `LONG_LINE × max_chars` bytes cut there, before the
/// parser sees it: a block is cut to `max_chars` anyway, and a line of six million `*` or
/// `[a](<` made the parser hold 500–660 MB. `cut` counts the lines cut and names the first.
fn cut_long_lines<'a>(text: &'a str, max_chars: usize, cut: &mut (usize, usize)) -> std::borrow::Cow<'a, str> {
    let cap = max_chars.saturating_mul(LONG_LINE);
    if text.len() <= cap || !text.split('\n').any(|l| l.len() > cap) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(cap * 4));
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.len() > cap {
            let mut at = cap;
            while !body.is_char_boundary(at) {
                at -= 1;
            }
            out.push_str(&body[..at]);
            // an end marker in the part cut off (`</script>`, `-->`) still ends what it
            // ended, when that is open: without it, the rest of the text would be read as
            // script or comment
            let open = open_raw_text(&out);
            for m in end_markers(&body[at..]).into_iter().filter(|m| open.contains(m)) {
                out.push(' ');
                out.push_str(m);
            }
            if line.ends_with('\n') {
                out.push('\n');
            }
            if cut.0 == 0 {
                cut.1 = n + 1;
            }
            cut.0 += 1;
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What ends Markdown's HTML blocks of raw text, comments and the like (`</script>`, `-->`):
/// those in `cut`, each once, in the order they first appear there.
fn end_markers(cut: &str) -> Vec<&'static str> {
    const MARKERS: [&str; 7] = ["</script>", "</style>", "</pre>", "</textarea>", "-->", "?>", "]]>"];
    static FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(MARKERS).expect("fixed markers")
    });
    let mut found: Vec<&'static str> = Vec::new();
    for m in FINDER.find_iter(cut) {
        let marker = MARKERS[m.pattern().as_usize()];
        if !found.contains(&marker) {
            found.push(marker);
            if found.len() == MARKERS.len() {
                break;
            }
        }
    }
    found
}

/// The end markers of what is open at the end of `kept` (a `<script>` not yet closed, a
/// comment): each opener whose last one comes after its end marker's last one.
fn open_raw_text(kept: &str) -> Vec<&'static str> {
    const PAIRS: [(&str, &str); 7] = [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<pre", "</pre>"),
        ("<textarea", "</textarea>"),
        ("<!--", "-->"),
        ("<?", "?>"),
        ("<![cdata[", "]]>"),
    ];
    static FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        let patterns: Vec<&str> = PAIRS.iter().flat_map(|(o, c)| [*c, *o]).collect();
        aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(patterns).expect("fixed markers")
    });
    // per pair, where its opener and its end marker were last seen
    let mut last = [(None::<usize>, None::<usize>); 7];
    for m in FINDER.find_iter(kept) {
        let (pair, is_open) = (m.pattern().as_usize() / 2, m.pattern().as_usize() % 2 == 1);
        if is_open {
            last[pair].0 = Some(m.start());
        } else {
            last[pair].1 = Some(m.start());
        }
    }
    PAIRS
        .iter()
        .zip(last)
        .filter(|(_, (o, c))| o.is_some() && (c.is_none() || o > c))
        .map(|((_, close), _)| *close)
        .collect()
}

/// The language of a cleaned document (ISO 639-3), from about 500 characters of its
/// longer blocks (prose tells a language best; more text costs time and barely changes the
/// guess); `None` when the text is too short or the guess is not reliable.
pub fn language(doc: &CleanDoc, languages: &crate::rules::Languages) -> Option<String> {
    languages.detect(&language_sample(doc)?)
}

/// The text a document's language is told from (see [`language`]); `None` when it is too
/// short to tell.
pub fn language_sample(doc: &CleanDoc) -> Option<String> {
    let mut sample = String::new();
    for b in doc.blocks.iter().filter(|b| b.text.len() >= 40) {
        if sample.len() >= 500 {
            break;
        }
        sample.push_str(&b.text);
        sample.push('\n');
    }
    (sample.chars().filter(|c| c.is_alphabetic()).count() >= 120).then_some(sample)
}

/// Keep the first `max` blocks.
fn cap_blocks(blocks: &mut Vec<Block>, max: usize, truncated: &mut Vec<String>) {
    if blocks.len() > max {
        let from = blocks[max].line;
        truncated.push(format!("kept the first {max} blocks; cut from line {from} on (--max-blocks)"));
        blocks.truncate(max);
    }
}

/// Cut `s` to at most `max` characters; true when something was cut.
fn cut(s: &mut String, max: usize) -> bool {
    // a string of at most `max` bytes has at most `max` characters
    if s.len() <= max {
        return false;
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => {
            s.truncate(i);
            true
        }
        None => false,
    }
}

/// Cut each block's text to `max` characters; a table row keeps its cells up to `max`
/// characters in all (10,000 columns become the first few hundred).
fn cap_block_chars(blocks: &mut [Block], max: usize, truncated: &mut Vec<String>) {
    let (mut n, mut first) = (0, None);
    for b in blocks.iter_mut() {
        let mut hit = cut(&mut b.text, max);
        let mut left = max;
        for ci in 0..b.cells.len() {
            if left == 0 {
                b.cells.truncate(ci);
                hit = true;
                break;
            }
            let cell = &mut b.cells[ci];
            let mut keep = cell.len();
            for (ii, item) in cell.iter_mut().enumerate() {
                if left == 0 {
                    keep = ii;
                    break;
                }
                hit |= cut(item, left);
                left -= item.chars().count().min(left);
            }
            hit |= keep < cell.len();
            cell.truncate(keep);
        }
        if hit {
            n += 1;
            first.get_or_insert(b.line);
        }
    }
    if let Some(line) = first {
        truncated.push(format!("cut {n} block(s) to {max} characters, the first at line {line} (--max-block-chars)"));
    }
}

/// Normalize each block's text; split paragraphs on hard breaks, and on soft breaks when
/// the lines are short or each is a sentence (lines of a plain-text file), not wrapped prose.
/// A line of a paragraph: a list item when it opens with a typed bullet or number
/// ("- Rédiger le plan", "• Own the roadmap", "2) Ship it"), as pages that write lists as
/// lines between `<br>` do.
fn line_block(kind: BlockKind, t: String, line: usize) -> Block {
    if kind != BlockKind::Paragraph {
        return Block::new(kind, t, line);
    }
    let bullet = markdown::bullet_len(&t).or_else(|| {
        let c = t.chars().next()?;
        (matches!(c, '-' | '*' | '+') && t[1..].starts_with([' ', '\u{a0}'])).then_some(1)
    });
    if let Some(n) = bullet {
        let rest = t[n..].trim_start();
        if text::word_count(rest) >= 2 {
            return Block::new(BlockKind::ListItem { depth: 0, ordered: false }, rest.to_string(), line);
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) && t[digits..].starts_with(['.', ')']) && t[digits + 1..].starts_with(' ') {
        return Block::new(BlockKind::ListItem { depth: 0, ordered: true }, t, line);
    }
    Block::new(kind, t, line)
}

fn split_lines(blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for mut b in blocks {
        match b.kind {
            BlockKind::TableRow { .. } => {
                for cell in &mut b.cells {
                    let items: Vec<String> = cell
                        .iter()
                        .flat_map(|i| i.split([HARD, SOFT]).map(text::normalize).collect::<Vec<_>>())
                        .filter(|s| !s.is_empty())
                        .collect();
                    *cell = items;
                }
                b.text = b.cells.iter().map(|c| c.join(" / ")).collect::<Vec<_>>().join(" | ");
                out.push(b);
            }
            BlockKind::Paragraph | BlockKind::Quote => {
                let mut line = b.line;
                for part in b.text.split(HARD) {
                    let lines: Vec<&str> = part.split(SOFT).filter(|l| !l.trim().is_empty()).collect();
                    let short = lines.iter().all(|l| text::word_count(l) <= 10);
                    let sentences = lines.iter().all(|l| l.trim_end().ends_with(['.', '!', '?', ':', ';']));
                    if lines.len() > 1 && (short || sentences) {
                        for l in part.split(SOFT) {
                            let t = text::normalize(l);
                            if !t.is_empty() {
                                out.push(line_block(b.kind, t, line));
                            }
                            line += 1;
                        }
                        line -= 1;
                    } else {
                        let t = text::normalize(part);
                        if !t.is_empty() {
                            out.push(line_block(b.kind, t, line));
                        }
                        line += part.matches(SOFT).count();
                    }
                    line += 1;
                }
            }
            _ => {
                let t = text::normalize(&b.text.replace([HARD, SOFT], " "));
                if !t.is_empty() {
                    b.text = t;
                    out.push(b);
                }
            }
        }
    }
    out
}

/// In a document without headings, a short stand-alone line in capitals or Title Case
/// ("AGILE DEVELOPMENT AT INFOBIP", "Roles and Responsibilities of a Product Manager") is
/// a heading. All such headings are siblings (level 1): plain text has no hierarchy.
fn promote_title_lines(blocks: &mut [Block]) {
    for b in blocks.iter_mut() {
        if b.kind == BlockKind::Paragraph && looks_like_title(&b.text) {
            b.kind = BlockKind::Heading { level: 1 };
        }
    }
}

pub fn looks_like_title(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 12 || t.ends_with(['.', '!', '?', ',', ';', ':']) {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 3 {
        return false;
    }
    if letters.iter().all(|c| !c.is_lowercase()) {
        return true;
    }
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4).collect();
    !long.is_empty()
        && long.iter().filter(|w| w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)).count() * 10
            >= long.len() * 8
}

fn clip(s: &str) -> String {
    if s.chars().count() <= 200 {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(199).collect();
        t.push('…');
        t
    }
}

fn drop_boilerplate(blocks: Vec<Block>, rules: &Rules, dropped: &mut Vec<Dropped>) -> Vec<Block> {
    let bp = &rules.boilerplate;
    let n = blocks.len().max(1);
    let mut out = Vec::with_capacity(blocks.len());
    let mut tail: Option<String> = None;
    for (i, b) in blocks.into_iter().enumerate() {
        if let Some(rule) = &tail {
            dropped.push(Dropped { line: b.line, text: clip(&b.text), rule: rule.clone() });
            continue;
        }
        if matches!(b.kind, BlockKind::TableRow { .. }) {
            out.push(b);
            continue;
        }
        if b.text.contains(SEPARATORS) && b.text.chars().all(|c| c.is_whitespace() || SEPARATORS.contains(&c)) {
            dropped.push(Dropped { line: b.line, text: clip(&b.text), rule: RULE_NO_WORDS.to_string() });
            continue;
        }
        if bp.is_keyword_list(&b.text) {
            dropped.push(Dropped { line: b.line, text: clip(&b.text), rule: bp.keyword_list.id.clone() });
            continue;
        }
        if let Some(r) = bp.matching_rule(&b.text) {
            if r.scope == Scope::Tail && (i as f64) / (n as f64) >= r.min_position {
                tail = Some(r.id.clone());
            }
            dropped.push(Dropped { line: b.line, text: clip(&b.text), rule: r.id.clone() });
            continue;
        }
        out.push(b);
    }
    out
}

/// Remove repeated content: a block equal to the one before it, a block that repeats a
/// table cell (a table followed by a flattened copy of itself), and a paragraph or list
/// item of five words or more that repeats an earlier one.
fn drop_repeats(blocks: Vec<Block>, dropped: &mut Vec<Dropped>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut cells: HashSet<String> = HashSet::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut prev = String::new();
    for b in blocks {
        let k = text::key(&b.text);
        if let BlockKind::TableRow { .. } = b.kind {
            for item in b.cells.iter().flatten() {
                cells.insert(text::key(item));
            }
            prev = k;
            out.push(b);
            continue;
        }
        let rule = if k.is_empty() {
            None
        } else if k == prev {
            Some(RULE_REPEATED_BLOCK)
        } else if cells.contains(&k) {
            Some(RULE_TABLE_COPY)
        } else if !b.is_heading() && memchr::memchr_iter(b' ', k.as_bytes()).nth(3).is_some() && seen.contains(&k) {
            Some(RULE_REPEATED_TEXT)
        } else {
            None
        };
        prev = k.clone();
        match rule {
            Some(r) => dropped.push(Dropped { line: b.line, text: clip(&b.text), rule: r.to_string() }),
            None => {
                if !b.is_heading() {
                    seen.insert(k);
                }
                out.push(b);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
