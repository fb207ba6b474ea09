//! reStructuredText to Markdown, line for line, for the Markdown parser: every source line
//! keeps its number, so provenance points into the `.rst` file.
//!
//! What is read: section titles (underlined, optionally overlined; the level is the order in
//! which each adornment style first appears, as docutils does), `#.` auto-numbered lists,
//! grid tables and simple tables (a table with one column is a box: its content is a list
//! of the section around it; otherwise a Markdown table whose cells hold one item per
//! list entry), directives (admonitions keep their content, others such as `image` and
//! `toctree` are dropped), comments, block quotes, and inline roles and links
//! (`` :doc:`Events` `` is "Events", `` `Acme <https://acme.example>`_ `` is "Acme").

use regex::Regex;
use std::sync::LazyLock;

/// Characters docutils accepts for section adornments.
const ADORNMENT: &str = "=-`:'\"~^_*+#<>.";

/// Directives whose content is prose a reader sees.
const ADMONITIONS: [&str; 11] =
    ["note", "tip", "hint", "important", "attention", "caution", "warning", "danger", "error", "admonition", "topic"];

static ROLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?::[A-Za-z][\w:+.-]*:)?`([^`<]*?)\s*(?:<[^`>]*>)?`(?:__?)?").expect("valid regex"));
static FOOTNOTE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s?\[(?:#\w*|\*|\d+)\]_").expect("valid regex"));
static LIST_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[-*+•]\s|#\.\s|\d+[.)]\s|\(\d+\)\s|[a-zA-Z][.)]\s)").expect("valid regex"));

/// Convert reStructuredText to Markdown with the same number of lines.
pub fn to_markdown(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut styles: Vec<(char, bool)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        if is_grid_border(l) {
            let end = grid_end(&lines, i);
            out.extend(grid_table(&lines[i..end]));
            i = end;
            continue;
        }
        // a title with an overline: adornment, text, the same adornment
        if is_adornment(t) && i + 2 < lines.len() {
            let (title, under) = (lines[i + 1].trim(), lines[i + 2].trim());
            if !title.is_empty() && !is_adornment(title) && under == t {
                let level = level_of(&mut styles, t, true);
                out.push(String::new());
                out.push(heading(level, title));
                out.push(String::new());
                i += 3;
                continue;
            }
        }
        if is_simple_border(t) && starts_simple_table(&lines, i) {
            if let Some(end) = simple_end(&lines, i) {
                out.extend(simple_table(&lines[i..end]));
                i = end;
                continue;
            }
        }
        // a title: text at the margin, then an adornment at least as long as the text is
        // wide (or a short one under a short title)
        if !t.is_empty() && !l.starts_with([' ', '\t']) && !is_adornment(t) && i + 1 < lines.len() {
            let under = lines[i + 1].trim_end();
            let width = t.chars().count();
            if is_adornment(under) && !under.starts_with(' ') && (under.len() >= width || under.len() >= 4) {
                let level = level_of(&mut styles, under, false);
                out.push(heading(level, t));
                out.push(String::new());
                i += 2;
                continue;
            }
        }
        // a transition: a lone adornment line between blank lines
        if is_adornment(t) && t.len() >= 4 {
            out.push(String::new());
            i += 1;
            continue;
        }
        if let Some(rest) = t.strip_prefix("..").filter(|_| !l.starts_with([' ', '\t'])) {
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                i = directive(&lines, i, rest.trim(), &mut out);
                continue;
            }
        }
        out.push(body_line(&lines, i));
        i += 1;
    }
    let mut s = out.join("\n");
    // (a last line left blank must still end: `" "` is one line, `""` none)
    if text.ends_with('\n') || out.last().is_some_and(String::is_empty) {
        s.push('\n');
    }
    s
}

fn heading(level: usize, title: &str) -> String {
    format!("{} {}", "#".repeat(level.clamp(1, 6)), inline(title))
}

fn level_of(styles: &mut Vec<(char, bool)>, adornment: &str, overline: bool) -> usize {
    let c = adornment.chars().next().unwrap_or('=');
    match styles.iter().position(|&s| s == (c, overline)) {
        Some(p) => p + 1,
        None => {
            styles.push((c, overline));
            styles.len()
        }
    }
}

/// A line of one repeated adornment character, three or more.
fn is_adornment(t: &str) -> bool {
    let mut cs = t.chars();
    let Some(c) = cs.next() else { return false };
    ADORNMENT.contains(c) && t.len() >= 3 && cs.all(|d| d == c)
}

/// `+-----+----+` or `+=====+`.
fn is_grid_border(l: &str) -> bool {
    let t = l.trim();
    t.len() >= 3
        && t.starts_with('+')
        && t.ends_with('+')
        && t.contains(['-', '='])
        && t.chars().all(|c| "+-=".contains(c))
}

fn grid_end(lines: &[&str], start: usize) -> usize {
    let mut end = start + 1;
    while end < lines.len() && lines[end].trim_start().starts_with(['+', '|']) {
        end += 1;
    }
    end
}

/// `=====  =======`: runs of `=` separated by spaces.
fn is_simple_border(t: &str) -> bool {
    t.len() >= 3 && t.starts_with('=') && t.chars().all(|c| c == '=' || c == ' ')
}

/// A border with more than one column, or a one-column border with a second border below
/// before the next blank line.
fn starts_simple_table(lines: &[&str], i: usize) -> bool {
    lines[i].split_whitespace().count() > 1
        || lines[i + 1..].iter().take_while(|l| !l.trim().is_empty()).any(|l| is_simple_border(l.trim()))
}

/// The end of a simple table starting at border `start`: after its last border.
fn simple_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut last = None;
    let mut j = start + 1;
    while j < lines.len() {
        let t = lines[j].trim();
        if is_simple_border(t) {
            last = Some(j + 1);
            // a border followed by a blank line (or the end) closes the table
            if lines.get(j + 1).is_none_or(|n| n.trim().is_empty()) {
                break;
            }
        } else if t.is_empty() && last.is_some_and(|e| e == j) {
            break;
        }
        j += 1;
    }
    last.filter(|&e| e > start + 1)
}

/// Column spans of a border line, in characters: `(from, to)` with `to` exclusive.
fn spans(border: &str, sep: char) -> Vec<(usize, usize)> {
    let cs: Vec<char> = border.chars().collect();
    match sep {
        '+' => {
            let pos: Vec<usize> = cs.iter().enumerate().filter(|(_, &c)| c == '+').map(|(k, _)| k).collect();
            pos.windows(2).map(|w| (w[0] + 1, w[1])).collect()
        }
        _ => {
            let mut v = Vec::new();
            let mut k = 0;
            while k < cs.len() {
                if cs[k] == '=' {
                    let from = k;
                    while k < cs.len() && cs[k] == '=' {
                        k += 1;
                    }
                    v.push((from, k));
                } else {
                    k += 1;
                }
            }
            v
        }
    }
}

fn slice(cs: &[char], from: usize, to: usize) -> String {
    if from >= cs.len() {
        return String::new();
    }
    cs[from..to.min(cs.len())].iter().collect()
}

/// The items of a cell's lines: one per list entry (continuation lines joined), or one per
/// paragraph.
fn cell_items(cell: &[String]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut open = false;
    for l in cell {
        let t = l.trim();
        if t.is_empty() {
            open = false;
            continue;
        }
        if let Some(m) = LIST_MARKER.find(t) {
            items.push(inline(t[m.end()..].trim()));
            open = true;
        } else if open {
            let last = items.last_mut().expect("an open item");
            last.push(' ');
            last.push_str(&inline(t));
        } else {
            items.push(inline(t));
            open = true;
        }
    }
    items.retain(|s| !s.is_empty());
    items
}

/// Tables wider than this are read as text: real tables have a handful of columns, and the
/// work of a table is columns × lines.
const MAX_COLUMNS: usize = 64;

/// A table too wide to be one, as its text lines (borders blank).
fn plain(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let t = l.trim();
            if is_grid_border(t) || is_simple_border(t) {
                String::new()
            } else {
                inline(&t.replace('|', " "))
            }
        })
        .collect()
}

/// Rows of a table: each row is its cells, each cell its lines.
type Rows = Vec<Vec<Vec<String>>>;

/// A grid table as Markdown lines, as many as it had.
fn grid_table(lines: &[&str]) -> Vec<String> {
    let lead = lines[0].len() - lines[0].trim_start().len();
    let cols = spans(lines[0][lead..].trim_end(), '+');
    if cols.len() > MAX_COLUMNS {
        return plain(lines);
    }
    let mut rows: Rows = Vec::new();
    let mut header_rows = 0;
    let mut current: Vec<Vec<String>> = vec![Vec::new(); cols.len()];
    for l in &lines[1..] {
        let l = l.get(lead..).unwrap_or("");
        if is_grid_border(l) {
            if current.iter().any(|c| c.iter().any(|s| !s.trim().is_empty())) {
                rows.push(std::mem::replace(&mut current, vec![Vec::new(); cols.len()]));
            }
            if l.contains('=') {
                header_rows = rows.len();
            }
            continue;
        }
        let cs: Vec<char> = l.chars().collect();
        for (k, &(from, to)) in cols.iter().enumerate() {
            current[k].push(slice(&cs, from, to).replace('|', " ").trim_end().to_string());
        }
    }
    if current.iter().any(|c| c.iter().any(|s| !s.trim().is_empty())) {
        rows.push(current);
    }
    emit_table(rows, header_rows, lines.len())
}

/// A simple table as Markdown lines, as many as it had.
fn simple_table(lines: &[&str]) -> Vec<String> {
    let cols = spans(lines[0].trim_end(), '=');
    if cols.len() > MAX_COLUMNS {
        return plain(lines);
    }
    let mut rows: Rows = Vec::new();
    let mut borders = 0;
    let mut header_rows = 0;
    for l in &lines[1..] {
        if is_simple_border(l.trim()) {
            borders += 1;
            if borders == 1 {
                header_rows = rows.len();
            }
            continue;
        }
        if l.trim().is_empty() {
            continue;
        }
        let cs: Vec<char> = l.chars().collect();
        let mut cells: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(k, &(from, to))| {
                let to = if k + 1 == cols.len() { cs.len() } else { to };
                slice(&cs, from, to).trim_end().to_string()
            })
            .collect();
        // the first column empty: the line continues the row above
        if cells[0].trim().is_empty() && !rows.is_empty() {
            let last = rows.last_mut().expect("a row");
            for (k, c) in cells.drain(..).enumerate() {
                last[k].push(c);
            }
        } else {
            rows.push(cells.into_iter().map(|c| vec![c]).collect());
        }
    }
    // one border after the header and one closing: the rows before the second border are
    // the header; a table with two borders has none
    if borders < 2 {
        header_rows = 0;
    }
    emit_table(rows, header_rows, lines.len())
}

fn emit_table(rows: Rows, header_rows: usize, n: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let cells: Vec<Vec<Vec<String>>> = rows.iter().map(|r| r.iter().map(|c| cell_items(c)).collect()).collect();
    let ncols = cells.first().map_or(0, Vec::len);
    if ncols == 1 {
        // a box: its content is a list of the section it stands in; its header is dropped
        // (as a heading or label it would also claim what follows the box)
        for (r, row) in cells.iter().enumerate() {
            let items = &row[0];
            if r < header_rows {
                out.push(String::new());
            } else {
                out.extend(items.iter().map(|it| format!("- {it}")));
            }
        }
    } else if !cells.is_empty() {
        let row = |r: &Vec<Vec<String>>| {
            let c: Vec<String> = r.iter().map(|items| items.join("<br>").replace('|', "\\|")).collect();
            format!("| {} |", c.join(" | "))
        };
        let head = header_rows.max(1).min(cells.len());
        let mut header: Vec<Vec<String>> = vec![Vec::new(); ncols];
        for r in &cells[..head] {
            for (k, c) in r.iter().enumerate() {
                header[k].extend(c.iter().cloned());
            }
        }
        out.push(row(&header));
        out.push(format!("|{}", "---|".repeat(ncols)));
        out.extend(cells[head..].iter().map(row));
    }
    out.push(String::new());
    out.truncate(n.max(1));
    out.resize(n, String::new());
    out
}

/// A directive or comment at line `i`: admonitions keep their content (dedented); anything
/// else, with its indented block, becomes blank lines. Returns the next line to read.
fn directive(lines: &[&str], i: usize, rest: &str, out: &mut Vec<String>) -> usize {
    let name = rest.split_once("::").map(|(n, _)| n.trim().to_ascii_lowercase());
    let keep = name.as_deref().is_some_and(|n| ADMONITIONS.contains(&n));
    // the directive's argument on its own line ("topic:: Title", "admonition:: Title")
    let arg = rest.split_once("::").map(|(_, a)| a.trim()).unwrap_or("");
    out.push(if keep && !arg.is_empty() { format!("**{}**", inline(arg)) } else { String::new() });
    let mut j = i + 1;
    while j < lines.len() {
        let l = lines[j];
        if !l.trim().is_empty() && !l.starts_with([' ', '\t']) {
            break;
        }
        let t = l.trim();
        // directive options (":align: center") are never content
        let option = t.starts_with(':') && t[1..].contains(':') && !t.starts_with("::");
        out.push(if keep && !option { inline(t) } else { String::new() });
        j += 1;
    }
    j
}

/// A body line: `#.` becomes `1.`, a block quote's indentation is dropped (Markdown would
/// read it as code), list nesting and literal blocks keep theirs, inline markup is read.
fn body_line(lines: &[&str], i: usize) -> String {
    let l = lines[i];
    let indent = l.len() - l.trim_start().len();
    let mut t = l.trim_start().to_string();
    if let Some(r) = t.strip_prefix("#.").filter(|r| r.is_empty() || r.starts_with(' ')) {
        t = format!("1.{r}");
    }
    if t.ends_with("::") {
        t.pop();
    }
    let t = inline(&t);
    if indent == 0 || t.is_empty() {
        return t;
    }
    // the nearest line above with less indentation says what this indentation is
    let owner = lines[..i]
        .iter()
        .rev()
        .take(200)
        .filter(|p| !p.trim().is_empty())
        .find(|p| p.len() - p.trim_start().len() < indent)
        .map(|p| p.trim());
    match owner {
        Some(p) if LIST_MARKER.is_match(p) || p.ends_with("::") => format!("{}{t}", &l[..indent]),
        // a definition or a block quote: its text at the owner's margin
        _ => t,
    }
}

/// Inline markup: roles and links keep their text, footnote references go.
fn inline(t: &str) -> String {
    if !t.contains('`') && !t.contains("]_") {
        return t.to_string();
    }
    let t = FOOTNOTE_REF.replace_all(t, "");
    // ``literal`` stays a Markdown code span
    if t.contains("``") {
        return t.into_owned();
    }
    ROLE.replace_all(&t, "$1").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_get_levels_in_order_of_appearance_and_keep_lines() {
        let src = "=====\nGuide\n=====\n\nIntro.\n\nLead\n----\n\nText.\n\nSub\n***\n\nOther\n-----\n";
        let md = to_markdown(src);
        assert_eq!(md.lines().count(), src.lines().count());
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[1], "# Guide");
        assert_eq!(lines[6], "## Lead");
        assert_eq!(lines[11], "### Sub");
        assert_eq!(lines[14], "## Other");
    }

    #[test]
    fn auto_numbered_lists_directives_and_roles() {
        let src = ".. image:: x.png\n    :align: center\n\n#. Participate in the :doc:`Events`.\n    #. Nested `Acme <https://acme.example>`_ item\n\n.. note::\n   Keep this.\n";
        let md = to_markdown(src);
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "");
        assert_eq!(lines[1], "");
        assert_eq!(lines[3], "1. Participate in the Events.");
        assert_eq!(lines[4], "    1. Nested Acme item");
        assert_eq!(lines[7], "Keep this.");
    }

    #[test]
    fn a_one_column_grid_table_is_a_label_and_a_list() {
        let src = "+--------------------+\n| Responsibilities   |\n+====================+\n|#. Own the backlog, |\n|   every sprint.    |\n|    * Nested task   |\n+--------------------+\n";
        let md = to_markdown(src);
        assert_eq!(md.lines().count(), 7);
        assert!(!md.contains("Responsibilities"), "{md}");
        assert!(md.contains("- Own the backlog, every sprint.\n- Nested task"), "{md}");
    }

    #[test]
    fn grid_and_simple_tables_become_markdown_tables() {
        let src = "+------+-------+\n| Role | Duty  |\n+======+=======+\n| PM   | - Own |\n|      | - Run |\n+------+-------+\n";
        let md = to_markdown(src);
        assert!(md.contains("| Role | Duty |\n|---|---|\n| PM | Own<br>Run |"), "{md}");
        let src = "=====  ===========\nLabel  Description\n=====  ===========\nMust   - Features.\n       - Bugs.\nWon't  Others.\n=====  ===========\n";
        let md = to_markdown(src);
        assert_eq!(md.lines().count(), 7);
        assert!(
            md.contains("| Label | Description |\n|---|---|\n| Must | Features.<br>Bugs. |\n| Won't | Others. |"),
            "{md}"
        );
    }

    #[test]
    fn indented_and_too_wide_tables() {
        let src = "    +----+----+\n    | ab | cd |\n    +----+----+\n    | ef | gh |\n    +----+----+\n";
        let md = to_markdown(src);
        assert!(md.contains("| ab | cd |\n|---|---|\n| ef | gh |"), "{md}");
        // 50,000 columns: text, in linear time
        let src = format!("+{}\n{}", "-+".repeat(50_000), "|x\n+-+\n".repeat(400));
        let t = std::time::Instant::now();
        let md = to_markdown(&src);
        assert_eq!(md.lines().count(), src.lines().count());
        assert!(md.len() < 2 * src.len());
        assert!(t.elapsed().as_secs_f64() < 2.0);
        let src = format!("{}\n{}===\n", "= ".repeat(50_000), "x\n".repeat(400));
        assert!(to_markdown(&src).len() < 2 * src.len());
    }

    #[test]
    fn block_quotes_lose_their_indentation_lists_keep_it() {
        let src = "Para.\n\n    Quoted text.\n\n- item\n\n  continued\n";
        let md = to_markdown(src);
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[2], "Quoted text.");
        assert_eq!(lines[6], "  continued");
    }
}
