//! Typst markup to Markdown, line for line (every source line keeps its number).
//!
//! What is read: headings (`= Title`, `== Section`), bullet (`- `) and numbered (`+ `) lists,
//! strong (`*bold*`) and emphasis (`_text_`), links (`#link("…")[text]` is "text"), line
//! breaks (`\` at the end of a line). Set, show, let and import rules, with the lines their
//! parentheses or braces span, are layout and become blank lines; so do comments.

/// Convert Typst to Markdown with the same number of lines.
pub fn to_markdown(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut depth: i64 = 0; // open ( [ { of a code line still running
    let mut in_comment = false;
    for l in text.lines() {
        let t = l.trim();
        if in_comment {
            in_comment = !t.contains("*/");
            out.push(String::new());
            continue;
        }
        if depth > 0 {
            depth += balance(t);
            out.push(String::new());
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.contains("*/");
            out.push(String::new());
            continue;
        }
        if t.starts_with("//") {
            out.push(String::new());
            continue;
        }
        if let Some(code) = t.strip_prefix('#').filter(|c| c.starts_with(|ch: char| ch.is_ascii_lowercase())) {
            let word: String = code.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
            if matches!(word.as_str(), "set" | "show" | "let" | "import" | "include" | "pagebreak" | "v" | "h" | "line")
            {
                depth = balance(code).max(0);
                out.push(String::new());
                continue;
            }
        }
        let level = t.chars().take_while(|&c| c == '=').count();
        if level > 0 && t[level..].starts_with(' ') {
            out.push(format!("{} {}", "#".repeat(level.min(6)), inline(t[level..].trim())));
            continue;
        }
        let indent = &l[..l.len() - l.trim_start().len()];
        if let Some(rest) = t.strip_prefix("+ ") {
            out.push(format!("{indent}1. {}", inline(rest)));
            continue;
        }
        if let Some(rest) = t.strip_prefix("- ") {
            out.push(format!("{indent}- {}", inline(rest)));
            continue;
        }
        let mut line = inline(t);
        if let Some(s) = line.strip_suffix('\\') {
            // a forced line break
            line = format!("{}  ", s.trim_end());
        }
        out.push(line);
    }
    let mut s = out.join("\n");
    if text.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Brackets opened minus brackets closed, outside strings.
fn balance(t: &str) -> i64 {
    let (mut d, mut in_str, mut esc) = (0i64, false, false);
    for c in t.chars() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => d += 1,
            ')' | ']' | '}' => d -= 1,
            _ => {}
        }
    }
    d
}

/// Inline markup: `*strong*` is Markdown's `**strong**`, links keep their text, other
/// `#fn(...)[content]` calls keep their content. One pass, no recursion: a call's `[` is
/// dropped and remembered, and so is the `]` that closes it.
fn inline(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let cs: Vec<char> = t.chars().collect();
    // for each open `[`: whether it opened a call's content (its `]` is dropped)
    let mut brackets: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            '\\' if i + 1 < cs.len() => {
                out.push(cs[i + 1]);
                i += 2;
                continue;
            }
            '*' => out.push_str("**"),
            '[' => {
                brackets.push(false);
                out.push(c);
            }
            ']' => {
                if !brackets.pop().unwrap_or(false) {
                    out.push(c);
                }
            }
            '#' if cs.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()) => {
                let mut j = i + 1;
                while j < cs.len() && (cs[j].is_ascii_alphanumeric() || cs[j] == '.' || cs[j] == '-') {
                    j += 1;
                }
                let mut arg = String::new();
                if cs.get(j) == Some(&'(') {
                    let from = j + 1;
                    let mut d = 0;
                    while j < cs.len() {
                        match cs[j] {
                            '(' => d += 1,
                            ')' => {
                                d -= 1;
                                if d == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    arg = cs[from..j.min(cs.len())].iter().collect();
                    j += 1;
                }
                if cs.get(j) == Some(&'[') {
                    brackets.push(true);
                    i = j + 1;
                    continue;
                }
                // no content: a quoted first argument is the text ("#link(\"https://x\")")
                let quoted = arg.trim().strip_prefix('"').and_then(|a| a.split('"').next()).unwrap_or("");
                out.push_str(quoted);
                i = j;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_layout_rules() {
        let src = "#set page(\n  paper: \"a4\",\n)\n#set text(size: 11pt)\n\n== Product Marketing Intern at *Apple*\n\nYou will:\n\n- Research a #link(\"https://x.org\")[product idea]\n+ Pitch it\n// a comment\n";
        let md = to_markdown(src);
        assert_eq!(md.lines().count(), src.lines().count());
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(&lines[..4], ["", "", "", ""]);
        assert_eq!(lines[5], "## Product Marketing Intern at **Apple**");
        assert_eq!(lines[9], "- Research a product idea");
        assert_eq!(lines[10], "1. Pitch it");
        assert_eq!(lines[11], "");
    }

    #[test]
    fn nested_calls_are_linear_and_keep_their_content() {
        assert_eq!(inline("#strong[#emph[deep] text] and [plain]"), "deep text and [plain]");
        let src = format!("{}x{}", "#f[".repeat(50_000), "]".repeat(50_000));
        let t = std::time::Instant::now();
        assert_eq!(to_markdown(&src), "x");
        assert!(t.elapsed().as_secs_f64() < 1.0);
        assert_eq!(to_markdown(&"#f[".repeat(20_000)), "");
    }
}
