//! The cleaned main content of a document, as `rolemap clean` writes it: Markdown
//! (headings, nested lists, tables and quotes kept), plain text, or JSON Lines rows of
//! blocks (kept and dropped, each with its line and, when dropped, the rule).

use crate::model::{BlockKind, CleanDoc, Dropped};
use serde::Serialize;
use std::path::{Component, Path, PathBuf};

/// What `clean` writes per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CleanFormat {
    /// Markdown, one `.md` file per document.
    Md,
    /// Plain text, one `.txt` file per document: one block per line.
    Txt,
    /// One `blocks.jsonl` for the whole corpus: every block, kept or dropped.
    Jsonl,
}

/// A cell of a Markdown table: its items on one line.
fn cell(items: &[String]) -> String {
    items.join("<br>").replace('|', "\\|")
}

/// A table row's cells: from the parsed cells, else from its text.
fn row_cells(cells: &[Vec<String>], text: &str) -> Vec<String> {
    if cells.is_empty() {
        text.split(" | ").map(|c| c.replace('|', "\\|")).collect()
    } else {
        cells.iter().map(|c| cell(c)).collect()
    }
}

/// Does the text open with a list number (`2. `, `3) `)?
fn numbered(t: &str) -> bool {
    t.find(['.', ')']).is_some_and(|i| {
        i > 0 && t[..i].bytes().all(|b| b.is_ascii_digit()) && t[i + 1..].chars().next().is_none_or(char::is_whitespace)
    })
}

/// Text that Markdown would read as structure at the start of a paragraph (`# `, `- `,
/// `1. `, `> `, `|`) is escaped.
fn paragraph(text: &str) -> String {
    let t = text.trim_start();
    if t.starts_with(['#', '-', '*', '+', '>', '|']) || numbered(t) {
        format!("\\{t}")
    } else {
        t.to_string()
    }
}

/// The kept blocks as Markdown: a blank line between blocks, none between the items of a
/// list or the rows of a table; a table's first row is its header.
pub fn markdown(doc: &CleanDoc) -> String {
    let mut out = String::new();
    let mut prev: Option<&BlockKind> = None;
    let mut columns = 0;
    for b in &doc.blocks {
        let same_run = matches!(
            (prev, &b.kind),
            (Some(BlockKind::ListItem { .. }), BlockKind::ListItem { .. })
                | (Some(BlockKind::TableRow { .. }), BlockKind::TableRow { .. })
        );
        if prev.is_some() && !same_run {
            out.push('\n');
        }
        match &b.kind {
            BlockKind::Heading { level } => {
                out.push_str(&"#".repeat((*level).clamp(1, 6) as usize));
                out.push(' ');
                out.push_str(&b.text);
            }
            BlockKind::Paragraph => out.push_str(&paragraph(&b.text)),
            BlockKind::Quote => {
                out.push_str("> ");
                out.push_str(&b.text);
            }
            BlockKind::ListItem { depth, ordered } => {
                out.push_str(&"   ".repeat(*depth as usize));
                // an ordered item's text may keep its number ("2. Plan"): not numbered twice
                if !(*ordered && numbered(&b.text)) {
                    out.push_str(if *ordered { "1. " } else { "- " });
                }
                out.push_str(&b.text);
            }
            BlockKind::TableRow { .. } => {
                let cells = row_cells(&b.cells, &b.text);
                if !same_run {
                    columns = cells.len().max(1);
                }
                let mut cells = cells;
                cells.resize(columns.max(cells.len()), String::new());
                out.push_str("| ");
                out.push_str(&cells.join(" | "));
                out.push_str(" |");
                if !same_run {
                    out.push('\n');
                    out.push_str(&"|---".repeat(cells.len()));
                    out.push('|');
                }
            }
        }
        out.push('\n');
        prev = Some(&b.kind);
    }
    out
}

/// The kept blocks as plain text, one per line (a table row's cells joined by " | ").
pub fn text(doc: &CleanDoc) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        out.push_str(&b.text);
        out.push('\n');
    }
    out
}

/// The rule `clean --no-title` gives the title it leaves out.
pub const RULE_TITLE: &str = "clean:title";

/// Leave out the document's title, for tools that hold the title apart from the body
/// (article-extraction benchmarks score the body alone): the level-1 headings before the
/// first block that is not a heading. They become dropped blocks with `RULE_TITLE`.
pub fn drop_title(doc: &mut CleanDoc) {
    let body = doc.blocks.iter().position(|b| !b.is_heading()).unwrap_or(doc.blocks.len());
    let blocks = std::mem::take(&mut doc.blocks);
    for (i, b) in blocks.into_iter().enumerate() {
        if i < body && matches!(b.kind, BlockKind::Heading { level: 1 }) {
            doc.dropped.push(Dropped { line: b.line, text: b.text, rule: RULE_TITLE.to_string() });
        } else {
            doc.blocks.push(b);
        }
    }
}

/// One block in `blocks.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct BlockRow<'a> {
    pub doc: &'a str,
    pub line: usize,
    /// `heading`, `paragraph`, `quote`, `list-item`, `table-row`, or `dropped`.
    pub kind: &'static str,
    /// A heading's level, a list item's depth (0 at the top).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    pub text: &'a str,
    pub kept: bool,
    /// The rule that dropped a dropped block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'a str>,
}

/// Every block of a document, kept and dropped, in line order.
pub fn rows(doc: &CleanDoc) -> Vec<BlockRow<'_>> {
    let id = doc.meta.id.as_str();
    let mut rows: Vec<BlockRow<'_>> = doc
        .blocks
        .iter()
        .map(|b| {
            let (kind, level) = match &b.kind {
                BlockKind::Heading { level } => ("heading", Some(*level)),
                BlockKind::Paragraph => ("paragraph", None),
                BlockKind::Quote => ("quote", None),
                BlockKind::ListItem { depth, .. } => ("list-item", Some(*depth)),
                BlockKind::TableRow { .. } => ("table-row", None),
            };
            BlockRow { doc: id, line: b.line, kind, level, text: &b.text, kept: true, rule: None }
        })
        .chain(doc.dropped.iter().map(|d| BlockRow {
            doc: id,
            line: d.line,
            kind: "dropped",
            level: None,
            text: &d.text,
            kept: false,
            rule: Some(&d.rule),
        }))
        .collect();
    rows.sort_by_key(|r| (r.line, !r.kept));
    rows
}

/// The file a document's cleaned text goes to, relative to the output folder: its id with
/// the extension replaced (`sub/page.html` → `sub/page.md`; a dump's record
/// `feed.jsonl#in-1` → `feed.jsonl#in-1.md`). A record's own id is reduced to safe
/// characters and no part may leave the folder.
pub fn file_name(id: &str, ext: &str) -> PathBuf {
    let (path, record) = match id.split_once('#') {
        Some((p, r)) => (p, Some(r)),
        None => (id, None),
    };
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(p) => out.push(p),
            // never outside the output folder
            _ => out.push("_"),
        }
    }
    match record {
        Some(r) => {
            let safe: String =
                r.chars().map(|c| if c.is_alphanumeric() || "-_.@~".contains(c) { c } else { '_' }).collect();
            let name = format!("{}#{safe}.{ext}", out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
            out.set_file_name(name);
        }
        None => {
            out.set_extension(ext);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, DocMeta, Dropped, Format};

    fn doc(blocks: Vec<Block>) -> CleanDoc {
        CleanDoc {
            meta: DocMeta { id: "page.html".into(), ..Default::default() },
            format: Format::Html,
            blocks,
            dropped: vec![Dropped { line: 2, text: "Cookie settings".into(), rule: "boilerplate:cookie".into() }],
        }
    }

    fn row(text: &str, line: usize, header: bool) -> Block {
        let mut b = Block::new(BlockKind::TableRow { header }, text.into(), line);
        b.cells = text.split(" | ").map(|c| vec![c.to_string()]).collect();
        b
    }

    #[test]
    fn markdown_keeps_headings_nested_lists_and_tables() {
        let d = doc(vec![
            Block::new(BlockKind::Heading { level: 1 }, "Product Manager".into(), 1),
            Block::new(BlockKind::Paragraph, "- not a list: a dash in prose".into(), 3),
            Block::new(BlockKind::ListItem { depth: 0, ordered: false }, "Own the roadmap".into(), 4),
            Block::new(BlockKind::ListItem { depth: 1, ordered: true }, "Quarterly".into(), 5),
            Block::new(BlockKind::Heading { level: 2 }, "Levels".into(), 7),
            row("Level | Scope", 8, true),
            row("L1 | A feature | extra", 9, false),
            Block::new(BlockKind::Quote, "We ship.".into(), 11),
        ]);
        assert_eq!(
            markdown(&d),
            "# Product Manager\n\n\\- not a list: a dash in prose\n\n- Own the roadmap\n   1. Quarterly\n\n## Levels\n\n\
             | Level | Scope |\n|---|---|\n| L1 | A feature | extra |\n\n> We ship.\n"
        );
        let md = markdown(&d);
        let parsed: Vec<_> = pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES).collect();
        assert!(parsed.iter().any(|e| matches!(e, pulldown_cmark::Event::Start(pulldown_cmark::Tag::Table(_)))));
        assert_eq!(text(&d).lines().count(), 8);
    }

    /// `--no-title`: the level-1 headings before the first text go (a headline split in
    /// two `<h1>`s too); a sub-heading before the text and a level-1 heading later stay.
    #[test]
    fn drop_title_leaves_the_body() {
        let mut d = doc(vec![
            Block::new(BlockKind::Heading { level: 1 }, "Acme".into(), 1),
            Block::new(BlockKind::Heading { level: 1 }, "Product Manager".into(), 2),
            Block::new(BlockKind::Heading { level: 2 }, "About the role".into(), 3),
            Block::new(BlockKind::Paragraph, "You lead.".into(), 4),
            Block::new(BlockKind::Heading { level: 1 }, "Benefits".into(), 5),
        ]);
        drop_title(&mut d);
        assert_eq!(markdown(&d), "## About the role\n\nYou lead.\n\n# Benefits\n");
        let titles: Vec<&str> = d.dropped.iter().filter(|x| x.rule == RULE_TITLE).map(|x| x.text.as_str()).collect();
        assert_eq!(titles, ["Acme", "Product Manager"]);
        let mut only = doc(vec![Block::new(BlockKind::Heading { level: 1 }, "Just a title".into(), 1)]);
        drop_title(&mut only);
        assert!(only.blocks.is_empty());
    }

    #[test]
    fn rows_list_dropped_blocks_with_their_rule_in_line_order() {
        let d = doc(vec![
            Block::new(BlockKind::Heading { level: 1 }, "PM".into(), 1),
            Block::new(BlockKind::ListItem { depth: 0, ordered: false }, "Own it".into(), 3),
        ]);
        let r = rows(&d);
        assert_eq!(
            r.iter().map(|r| (r.line, r.kind)).collect::<Vec<_>>(),
            [(1, "heading"), (2, "dropped"), (3, "list-item")]
        );
        assert_eq!(r[1].rule, Some("boilerplate:cookie"));
        let j = serde_json::to_string(&r[0]).unwrap();
        assert_eq!(j, r#"{"doc":"page.html","line":1,"kind":"heading","level":1,"text":"PM","kept":true}"#);
    }

    #[test]
    fn file_names_stay_inside_the_folder() {
        assert_eq!(file_name("sub/page.html", "md"), PathBuf::from("sub/page.md"));
        assert_eq!(file_name("notes", "md"), PathBuf::from("notes.md"));
        assert_eq!(file_name("feed.jsonl#in-1", "md"), PathBuf::from("feed.jsonl#in-1.md"));
        assert_eq!(file_name("feed.jsonl#../../etc/x", "txt"), PathBuf::from("feed.jsonl#.._.._etc_x.txt"));
        assert_eq!(file_name("../a.md", "md"), PathBuf::from("_/a.md"));
        assert_eq!(file_name("/abs/a.md", "md"), PathBuf::from("_/abs/a.md"));
    }
}
