//! Text helpers shared by the stages: whitespace normalization, comparison keys, sentences.

use std::borrow::Cow;
/// Collapse all whitespace (no-break and zero-width spaces included) to single spaces and
/// trim; tidy punctuation left over from scraping (" ," and ".," joins).
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => continue,
            c if c.is_whitespace() => ' ',
            c if c.is_control() => continue,
            c => c,
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            // no space before closing punctuation
            if !matches!(c, ',' | ';' | '.' | ':' | '!' | '?' | ')') || out.ends_with(['.', ',', ';', ':']) {
                out.push(' ');
            }
        }
        space = false;
        // ".," and ".." left where a scraper joined snippets
        if c == ',' && out.ends_with(['.', '!', '?']) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Lower-case alphanumeric tokens joined by spaces: the key used to find repeated text.
pub fn key(s: &str) -> String {
    if s.is_ascii() {
        // byte by byte: a word's first byte after other bytes is preceded by a space
        let mut out = String::with_capacity(s.len());
        let mut gap = false;
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                gap = true;
            }
        }
        return out;
    }
    key_of_any(s)
}

/// `key` for any text (on ASCII, what `key`'s byte loop gives).
fn key_of_any(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Split prose into sentences: at `.`, `!`, `?` followed by a space and an upper-case
/// letter, digit or quote, skipping `abbreviations` (lower case, without their last period:
/// "e.g", the rules' `abbreviations`) and initials.
pub fn sentences<'a>(s: &'a str, abbreviations: &[String]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b')' | b'\'') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b' ' {
                let next = s[j + 1..].chars().next();
                let opens = next.is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(')
                });
                let word = s[start..i].rsplit([' ', '(']).next().unwrap_or("").to_lowercase();
                let abbrev = b == b'.'
                    && (abbreviations.contains(&word)
                        || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic)));
                if opens && !abbrev {
                    let sent = s[start..j].trim();
                    if !sent.is_empty() {
                        out.push(sent);
                    }
                    start = j + 1;
                    i = j + 1;
                    continue;
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    let rest = s[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&nbsp;` `&ndash;` `&mdash;` `&#NN;` `&#xHH;`.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let semi = tail.bytes().take(12).position(|b| b == b';');
        match semi.and_then(|j| entity(&tail[1..j]).map(|c| (j, c))) {
            Some((j, c)) => {
                out.push(c);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "ndash" => Some('–'),
        "mdash" => Some('—'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_whitespace_and_joins() {
        assert_eq!(normalize("  a\u{a0}\u{a0}b \n c\u{200B}d "), "a b cd");
        assert_eq!(normalize("industries., But"), "industries. But");
        assert_eq!(normalize("end .Next"), "end.Next");
        assert_eq!(normalize("word , next"), "word, next");
    }

    #[test]
    fn keys_ignore_case_and_punctuation() {
        assert_eq!(key("Work with internal customers."), key("work with Internal customers"));
        assert_eq!(key("(a) b—c"), "a b c");
        assert_eq!(key("  --Own the P&L, 2x!  "), "own the p l 2x");
    }

    proptest::proptest! {
        /// On ASCII text the byte loop gives what the general path gives.
        #[test]
        fn the_ascii_key_is_the_general_one(s in "[ -~\t\n]{0,60}") {
            proptest::prop_assert_eq!(key(&s), key_of_any(&s));
        }
    }

    #[test]
    fn splits_sentences() {
        let ab: Vec<String> = ["e.g", "sr"].map(String::from).into();
        let s = "The PM owns it. Product managers work, e.g. with Sr. engineers. Why? 3 reasons.";
        assert_eq!(
            sentences(s, &ab),
            vec!["The PM owns it.", "Product managers work, e.g. with Sr. engineers.", "Why?", "3 reasons."]
        );
        let dr = "Ask Dr. Smith. Then go.";
        assert_eq!(sentences(dr, &[]).len(), 3);
        assert_eq!(sentences(dr, &["dr".to_string()]), vec!["Ask Dr. Smith.", "Then go."]);
        assert_eq!(sentences("no end", &ab), vec!["no end"]);
        assert_eq!(sentences("J. R. Smith leads.", &ab), vec!["J. R. Smith leads."]);
    }
}
