//! Bytes to text: BOMs, UTF-8, UTF-16, Windows-1252 fallback, and mojibake repair.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decoded text, the encoding it came from and the repairs made.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    pub repairs: Vec<String>,
}

/// Decode a file's bytes. Never fails: bytes that are not UTF-8 are read as Windows-1252,
/// which maps every byte; what was done is reported in `encoding` and `repairs`.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut repairs = Vec::new();
    let (mut text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (String::from_utf8_lossy(rest).into_owned(), "utf-8-bom")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), "utf-16le")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), "utf-16be")
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "utf-8"),
            Err(_) => (WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), "windows-1252"),
        }
    };
    if text.contains('\0') {
        let n = text.matches('\0').count();
        text = text.replace('\0', "");
        repairs.push(format!("removed {n} NUL characters"));
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    let (fixed, n) = repair_mojibake(&text);
    if n > 0 {
        repairs.push(format!("repaired {n} mojibake sequences"));
        text = fixed;
    }
    Decoded { text, encoding, repairs }
}

/// Characters that UTF-8 bytes turn into when read as Windows-1252 or Latin-1.
fn is_mojibake_char(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{FF}')
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// The Windows-1252 byte of a character, if it has one.
fn cp1252_byte(c: char) -> Option<u8> {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let (bytes, _, unmappable) = WINDOWS_1252.encode(s);
    if unmappable || bytes.len() != 1 {
        None
    } else {
        Some(bytes[0])
    }
}

/// Undo UTF-8-read-as-Windows-1252: "â€™" → "’", "Ã©" → "é", "Â " → " ". A sequence is
/// replaced only when its bytes form exactly one valid multi-byte UTF-8 character, so real
/// Latin-1 text ("café", "Ångström") is left alone. A stray "Â" left before a space or
/// punctuation (a no-break space that lost its second byte) is removed.
pub fn repair_mojibake(text: &str) -> (String, usize) {
    // every lead character of a two-byte mojibake pair ("Ã", "Â", "â", …) is 0xC3 0x80..0xBF
    // in UTF-8: a byte scan decides whether there is anything to repair
    if !text
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == 0xC3 && matches!(w[1], 0x82 | 0x83 | 0xA2 | 0x90 | 0x91 | 0x98 | 0x99 | 0xB0))
    {
        return (text.to_string(), 0);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_mojibake_char(c) {
            if let Some(lead) = cp1252_byte(c) {
                let need = match lead {
                    0xC2..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF4 => 4,
                    _ => 0,
                };
                if need > 0 && i + need <= chars.len() {
                    let mut bytes = vec![lead];
                    for &d in &chars[i + 1..i + need] {
                        match cp1252_byte(d) {
                            Some(b) if (0x80..=0xBF).contains(&b) => bytes.push(b),
                            _ => break,
                        }
                    }
                    if bytes.len() == need {
                        if let Ok(s) = std::str::from_utf8(&bytes) {
                            out.push_str(s);
                            n += 1;
                            i += need;
                            continue;
                        }
                    }
                }
                // "Â" before a space, punctuation or the end: the rest of a no-break space
                if c == 'Â' {
                    let next = chars.get(i + 1).copied();
                    if next.is_none_or(|d| d.is_whitespace() || d.is_ascii_punctuation()) {
                        n += 1;
                        i += 1;
                        continue;
                    }
                }
            }
        }
        out.push(c);
        i += 1;
    }
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let d = decode("Product Manager – “roadmap”".as_bytes());
        assert_eq!(d.encoding, "utf-8");
        assert_eq!(d.text, "Product Manager – “roadmap”");
        assert!(d.repairs.is_empty());
    }

    #[test]
    fn bom_and_crlf() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb");
        assert_eq!(d.encoding, "utf-8-bom");
        assert_eq!(d.text, "a\nb");
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Héad of Product".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        let d = decode(&b);
        assert_eq!(d.encoding, "utf-16le");
        assert_eq!(d.text, "Héad of Product");
    }

    #[test]
    fn windows_1252_fallback() {
        let d = decode(b"caf\xE9 \x93quoted\x94");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.text, "café “quoted”");
    }

    #[test]
    fn mojibake_is_repaired() {
        let (s, n) = repair_mojibake("Itâ€™s the teamâ€™s job. CafÃ© Â and vital.Â. Then");
        assert_eq!(s, "It’s the team’s job. Café  and vital.. Then");
        assert_eq!(n, 5);
    }

    #[test]
    fn real_latin1_text_is_kept() {
        let (s, n) = repair_mojibake("Âge, café, Ångström, naïve");
        assert_eq!(s, "Âge, café, Ångström, naïve");
        assert_eq!(n, 0);
    }

    #[test]
    fn nul_bytes_removed() {
        let d = decode(b"a\0b");
        assert_eq!(d.text, "ab");
        assert_eq!(d.repairs, vec!["removed 1 NUL characters".to_string()]);
    }
}
