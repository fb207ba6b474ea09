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
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (String::from_utf8_lossy(rest).into_owned(), "utf-8-bom")
    } else if let Some((text, name)) = utf32_with_bom(bytes) {
        (text, name)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), "utf-16le")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), "utf-16be")
    } else if let Some(enc) = utf16_without_bom(bytes) {
        let name = if enc == UTF_16LE { "utf-16le (no BOM)" } else { "utf-16be (no BOM)" };
        (enc.decode_without_bom_handling(bytes).0.into_owned(), name)
    } else {
        // a page that says what it is and whose bytes are all valid in it: a few
        // characters of GBK in English text are no invalid UTF-8 to repair
        let utf8 = std::str::from_utf8(bytes);
        let declared = utf8.is_err().then(|| declared_decodes(bytes)).flatten();
        match utf8 {
            Ok(s) => (s.to_string(), "utf-8"),
            Err(_) if declared.is_some() => {
                let (enc, text) = declared.unwrap_or((WINDOWS_1252, String::new()));
                repairs.push(format!("decoded as {}, the charset the document declares", enc.name()));
                (text, enc.name())
            }
            Err(e) if mostly_utf8(bytes) => {
                let (text, latin, bad) = utf8_mixed(bytes);
                if latin > 0 {
                    repairs.push(format!(
                        "read {latin} byte(s) that are not UTF-8 as Windows-1252 (a letter or mark between ASCII text: \"Caf\\xE9\" is \"Café\"; first invalid UTF-8 at byte {})",
                        e.valid_up_to()
                    ));
                }
                if bad > 0 {
                    repairs.push(format!(
                        "replaced {bad} invalid UTF-8 sequence(s) with U+FFFD (first at byte {})",
                        e.valid_up_to()
                    ));
                }
                (text, "utf-8")
            }
            Err(_) => match declared_charset(bytes) {
                // a page that says what it is (`<meta charset="gbk">`, `encoding="koi8-r"`)
                Some(enc) if enc != WINDOWS_1252 => {
                    repairs.push(format!("decoded as {}, the charset the document declares", enc.name()));
                    (enc.decode_without_bom_handling(bytes).0.into_owned(), enc.name())
                }
                _ => (WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), "windows-1252"),
            },
        }
    };
    finish(text, encoding, repairs)
}

/// `decode`, taking the bytes: UTF-8 without a byte order mark (most files) becomes the
/// text as it is, without a copy; anything else is decoded as `decode` decodes it.
pub fn decode_owned(bytes: Vec<u8>) -> Decoded {
    // what `decode` reads first: a byte order mark (UTF-8, UTF-32, UTF-16), UTF-16 without
    let marked =
        [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF", b"\x00\x00\xFE\xFF"].iter().any(|m| bytes.starts_with(m));
    if marked || utf16_without_bom(&bytes).is_some() {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => finish(text, "utf-8", Vec::new()),
        Err(e) => decode(e.as_bytes()),
    }
}

/// The repairs every decoded text gets: NULs removed, line breaks made `\n`, mojibake
/// repaired.
fn finish(mut text: String, encoding: &'static str, mut repairs: Vec<String>) -> Decoded {
    // (one scan for both, as most texts hold neither)
    if memchr::memchr2(0, b'\r', text.as_bytes()).is_some() {
        if text.contains('\0') {
            let n = text.matches('\0').count();
            text = text.replace('\0', "");
            repairs.push(format!("removed {n} NUL characters"));
        }
        if text.contains('\r') {
            text = text.replace("\r\n", "\n").replace('\r', "\n");
        }
    }
    if may_hold_mojibake(&text) {
        let (fixed, n) = repair_mojibake(&text);
        if n > 0 {
            repairs.push(format!("repaired {n} mojibake sequences"));
            text = fixed;
        }
    }
    Decoded { text, encoding, repairs }
}

/// The text of a document in the charset it declares (not Windows-1252, which every byte
/// decodes in), when all its bytes are valid in it.
/// A single-byte charset decodes any byte, so it is taken over UTF-8 with a few bad bytes
/// only when the text holds no UTF-8 character of two bytes or more (a page that declares
/// ISO-8859-2 but is written in UTF-8 keeps its UTF-8).
fn declared_decodes(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, String)> {
    let enc = declared_charset(bytes).filter(|e| *e != WINDOWS_1252)?;
    if enc.is_single_byte() && has_utf8_sequence(bytes) {
        return None;
    }
    let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some((enc, text.into_owned()))
}

/// UTF-32 with its byte order mark (`FF FE 00 00` little-endian, `00 00 FE FF` big-endian;
/// the first would otherwise read as UTF-16LE): a code point that is none becomes U+FFFD.
fn utf32_with_bom(bytes: &[u8]) -> Option<(String, &'static str)> {
    let (rest, le, name) = if let Some(r) = bytes.strip_prefix(b"\xFF\xFE\x00\x00") {
        (r, true, "utf-32le")
    } else if let Some(r) = bytes.strip_prefix(b"\x00\x00\xFE\xFF") {
        (r, false, "utf-32be")
    } else {
        return None;
    };
    let text = rest
        .chunks(4)
        .map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            let n = if le { u32::from_le_bytes(w) } else { u32::from_be_bytes(w) };
            char::from_u32(n).unwrap_or('\u{FFFD}')
        })
        .collect();
    Some((text, name))
}

/// Does the text hold a valid UTF-8 sequence of two bytes or more?
fn has_utf8_sequence(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|c| !c.valid().is_ascii())
}

/// The encoding a document that is not UTF-8 declares in its first 4 KiB, as browsers look
/// for it: `charset=NAME` (a `<meta>` tag or its `http-equiv` content) or an XML
/// declaration's `encoding="NAME"`, any label the Encoding Standard knows (`gbk`,
/// `shift_jis`, `koi8-r`, `iso-8859-2`, …). UTF-8 and UTF-16 labels are not taken: the bytes
/// are not those.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    for key in [&b"charset="[..], &b"encoding="[..]] {
        let mut from = 0;
        while let Some(p) = lower[from..].windows(key.len()).position(|w| w == key) {
            let at = from + p + key.len();
            let rest = &lower[at..];
            let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
            let len =
                rest.iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')).count();
            // a label of the replacement encoding (iso-2022-kr, hz-gb-2312: decoding gives one
            // U+FFFD for the whole file) is no usable declaration
            if let Some(enc) = encoding_rs::Encoding::for_label_no_replacement(&rest[..len]) {
                if enc != encoding_rs::UTF_8 && enc != UTF_16LE && enc != UTF_16BE {
                    return Some(enc);
                }
            }
            from = at;
        }
    }
    None
}

/// A dump read as a stream of UTF-8, whatever its encoding: a BOM is taken off, UTF-16
/// (with or without BOM) and Windows-1252 are decoded on the fly, as `decode` reads a whole
/// file. Whether a file without BOM is Windows-1252 is judged on the whole file when
/// `whole` (a second reader of the same file) is given, else on its first 64 KiB.
/// Returns the stream and the encoding's name.
pub fn stream(
    mut input: Box<dyn std::io::Read + Send>,
    whole: Option<Box<dyn std::io::Read + Send>>,
) -> std::io::Result<(Box<dyn std::io::Read + Send>, &'static str)> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut input).take(64 * 1024).read_to_end(&mut head)?;
    let rest = |mut head: Vec<u8>, skip: usize, input| -> Box<dyn Read + Send> {
        head.drain(..skip);
        Box::new(std::io::Cursor::new(head).chain(input))
    };
    let transcode = |head: Vec<u8>, skip: usize, enc: &'static encoding_rs::Encoding, input| -> Box<dyn Read + Send> {
        Box::new(Transcode {
            inner: rest(head, skip, input),
            dec: enc.new_decoder_without_bom_handling(),
            out: Vec::new(),
            at: 0,
            done: false,
        })
    };
    Ok(if head.starts_with(b"\xEF\xBB\xBF") {
        (rest(head, 3, input), "utf-8-bom")
    } else if head.starts_with(b"\xFF\xFE") {
        (transcode(head, 2, UTF_16LE, input), "utf-16le")
    } else if head.starts_with(b"\xFE\xFF") {
        (transcode(head, 2, UTF_16BE, input), "utf-16be")
    } else if let Some(enc) = utf16_without_bom(&head) {
        let name = if enc == UTF_16LE { "utf-16le (no BOM)" } else { "utf-16be (no BOM)" };
        (transcode(head, 0, enc, input), name)
    } else {
        let (valid_multi, invalid) = match whole {
            Some(w) => utf8_counts(w)?,
            None => utf8_counts(Box::new(std::io::Cursor::new(head.clone())))?,
        };
        if invalid == 0 || valid_multi > 0 && valid_multi * 4 >= invalid {
            (rest(head, 0, input), "utf-8")
        } else {
            (transcode(head, 0, WINDOWS_1252, input), "windows-1252")
        }
    })
}

/// Valid non-ASCII characters and invalid UTF-8 sequences of a stream (as `mostly_utf8`
/// counts them), read in pieces.
fn utf8_counts(mut r: Box<dyn std::io::Read + Send>) -> std::io::Result<(usize, usize)> {
    let (mut valid_multi, mut invalid) = (0, 0);
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = 0;
    loop {
        let n = match r.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let len = carry + n;
        let mut next_carry = 0;
        let chunks: Vec<_> = buf[..len].utf8_chunks().collect();
        for (i, c) in chunks.iter().enumerate() {
            valid_multi += c.valid().chars().filter(|c| !c.is_ascii()).count();
            if !c.invalid().is_empty() {
                // a sequence cut by the end of the piece is read with the next piece
                if n > 0
                    && i + 1 == chunks.len()
                    && c.invalid().len() < 4
                    && std::str::from_utf8(c.invalid()).is_err_and(|e| e.error_len().is_none())
                {
                    next_carry = c.invalid().len();
                } else {
                    invalid += 1;
                }
            }
        }
        if n == 0 {
            return Ok((valid_multi, invalid));
        }
        buf.copy_within(len - next_carry..len, 0);
        carry = next_carry;
    }
}

/// A reader decoding another one to UTF-8.
struct Transcode {
    inner: Box<dyn std::io::Read + Send>,
    dec: encoding_rs::Decoder,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl std::io::Read for Transcode {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let mut raw = [0u8; 64 * 1024];
            let n = loop {
                match self.inner.read(&mut raw) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            let last = n == 0;
            let mut s = String::with_capacity(self.dec.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16));
            let _ = self.dec.decode_to_string(&raw[..n], &mut s, last);
            self.done = last;
            self.out = s.into_bytes();
            self.at = 0;
        }
        let k = buf.len().min(self.out.len() - self.at);
        buf[..k].copy_from_slice(&self.out[self.at..self.at + k]);
        self.at += k;
        Ok(k)
    }
}

/// What a file that is not text is, from its first bytes: `Some("PNG image")`. Checks the
/// signatures of the binary formats that end up in scraped folders, then the share of
/// control bytes in the first 8 KiB (text has next to none; UTF-16 is recognised first).
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"%PDF-", "PDF document"),
        (b"PK\x03\x04", "zip archive (or .docx/.xlsx)"),
        (b"PK\x05\x06", "zip archive (empty)"),
        (b"\x1F\x8B", "gzip archive"),
        (b"BZh", "bzip2 archive"),
        (b"\xFD7zXZ\x00", "xz archive"),
        (b"7z\xBC\xAF\x27\x1C", "7-zip archive"),
        (b"Rar!\x1A\x07", "RAR archive"),
        (b"\x28\xB5\x2F\xFD", "zstd archive"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE document (.doc/.xls)"),
        (b"\x7FELF", "ELF executable"),
        (b"MZ", "Windows executable"),
        (b"SQLite format 3\x00", "SQLite database"),
        (b"wOFF", "web font"),
        (b"wOF2", "web font"),
        (b"\x00\x00\x01\x00", "icon"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        // "MZ" and "BZh" also begin ordinary words; require a control byte soon after
        if bytes.len() < 2 || !matches!(*kind, "Windows executable" | "bzip2 archive") || control_share(bytes) > 0.05 {
            return Some(kind);
        }
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && matches!(&bytes[8..12], b"WEBP" | b"WAVE" | b"AVI ") {
        return Some("RIFF media file");
    }
    if bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || utf16_without_bom(bytes).is_some()
    {
        return None;
    }
    if control_share(bytes) > 0.10 {
        return Some("binary data");
    }
    None
}

/// Share of bytes in the first 8 KiB that no text file holds (C0 controls other than tab,
/// newline, form feed, carriage return and escape).
fn control_share(bytes: &[u8]) -> f64 {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return 0.0;
    }
    let n = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | 0x1B)).count();
    n as f64 / head.len() as f64
}

/// UTF-16 text without a byte-order mark: in the first 4 KiB, the high byte of nearly every
/// code unit is zero (Latin-script text) on one side and almost never on the other.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    let pairs = head.len() / 2;
    // (every test below needs zero bytes: most files have none, and are done at once)
    if pairs < 4 || memchr::memchr(0, head).is_none() {
        return None;
    }
    let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let (p, few) = (pairs as f64 * 0.6, pairs as f64 * 0.02);
    if odd as f64 >= p && (even as f64) <= few {
        return Some(UTF_16LE);
    } else if even as f64 >= p && (odd as f64) <= few {
        return Some(UTF_16BE);
    }
    // a script whose code units have no zero byte (Chinese, Japanese, Korean): its spaces,
    // line ends and ASCII digits still have one (which no Windows-1252 text has), the bytes
    // are no UTF-8, and in one byte order they are text alone
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if utf8 {
        return None;
    }
    [(UTF_16LE, odd, even), (UTF_16BE, even, odd)]
        .into_iter()
        .find(|&(enc, high, low)| high >= 2 && high as f64 >= pairs as f64 * 0.005 && low <= high && is_text(enc, head))
        .map(|(enc, _, _)| enc)
}

/// Does `head` decode as `enc` to text alone: no malformed unit (a pair cut at the end
/// aside), no control but tab and line ends, and nearly all letters, digits, spaces and
/// punctuation (what random bytes decoded as UTF-16 are not)?
fn is_text(enc: &'static encoding_rs::Encoding, head: &[u8]) -> bool {
    // a surrogate pair cut at the end of the head
    let unit = |i: usize| {
        if enc == UTF_16LE {
            u16::from_le_bytes([head[i], head[i + 1]])
        } else {
            u16::from_be_bytes([head[i], head[i + 1]])
        }
    };
    let mut end = head.len() & !1;
    if end >= 2 && (0xD800..0xDC00).contains(&unit(end - 2)) {
        end -= 2;
    }
    let Some(text) = enc.decode_without_bom_handling_and_without_replacement(&head[..end]) else { return false };
    let (mut chars, mut texty) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return false;
        }
        chars += 1;
        if c.is_alphanumeric()
            || c.is_whitespace()
            || c.is_ascii_punctuation()
            || matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
        {
            texty += 1;
        }
    }
    chars >= 4 && texty as f64 >= chars as f64 * 0.97
}

/// A UTF-8 file with a few bad bytes (a paste gone wrong), not a Windows-1252 file: valid
/// multi-byte sequences are at least a quarter as many as invalid ones (Windows-1252 text
/// has next to no valid multi-byte UTF-8 sequences: an accented letter is one byte).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multi = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_multi > 0 && valid_multi * 4 >= invalid
}

/// Text that is UTF-8 but for some bytes: a single byte between ASCII text (a Windows-1252
/// letter or mark pasted into a UTF-8 file: `Caf\xE9 Ltd`) is read as Windows-1252; any
/// other invalid sequence becomes U+FFFD. Returns the text and the counts of each.
pub fn utf8_mixed(bytes: &[u8]) -> (String, usize, usize) {
    let chunks: Vec<std::str::Utf8Chunk<'_>> = bytes.utf8_chunks().collect();
    let mut out = String::with_capacity(bytes.len());
    let (mut latin, mut bad) = (0, 0);
    for (i, c) in chunks.iter().enumerate() {
        out.push_str(c.valid());
        let inv = c.invalid();
        if inv.is_empty() {
            continue;
        }
        let before = c.valid().chars().next_back().or_else(|| (i == 0).then_some(' '));
        let after =
            chunks.get(i + 1).and_then(|n| n.valid().chars().next()).or_else(|| (i + 1 == chunks.len()).then_some(' '));
        let ascii = |ch: Option<char>| ch.is_some_and(|ch| ch.is_ascii() && !ch.is_ascii_control() || ch == '\n');
        let decoded = WINDOWS_1252.decode_without_bom_handling(inv).0;
        if inv.len() == 1
            && ascii(before)
            && ascii(after)
            && decoded.chars().all(|ch| ch.is_alphabetic() || "’‘“”–—…€".contains(ch))
        {
            out.push_str(&decoded);
            latin += 1;
        } else {
            out.push('\u{FFFD}');
            bad += 1;
        }
    }
    (out, latin, bad)
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

/// Every lead character of a two-byte mojibake pair ("Ã", "Â", "â", …) is 0xC3 0x80..0xBF
/// in UTF-8: a byte scan (memchr for 0xC3) decides whether there is anything to repair.
fn may_hold_mojibake(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(0xC3, b)
        .any(|i| b.get(i + 1).is_some_and(|c| matches!(c, 0x82 | 0x83 | 0xA2 | 0x90 | 0x91 | 0x98 | 0x99 | 0xB0)))
}

/// Undo UTF-8-read-as-Windows-1252: "â€™" → "’", "Ã©" → "é", "Â " → " ". A sequence is
/// replaced only when its bytes form exactly one valid multi-byte UTF-8 character, so real
/// Latin-1 text ("café", "Ångström") is left alone. A stray "Â" left before a space or
/// punctuation (a no-break space that lost its second byte) is removed.
pub fn repair_mojibake(text: &str) -> (String, usize) {
    if !may_hold_mojibake(text) {
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

    proptest::proptest! {
        /// The memchr scan finds what a scan of every pair of bytes finds.
        #[test]
        fn the_mojibake_check_scans_every_pair(text in "[a ÃÂâéÅ€™©\u{80}-\u{3ff}]{0,40}") {
            let pairs = text.as_bytes().windows(2)
                .any(|w| w[0] == 0xC3 && matches!(w[1], 0x82 | 0x83 | 0xA2 | 0x90 | 0x91 | 0x98 | 0x99 | 0xB0));
            proptest::prop_assert_eq!(may_hold_mojibake(&text), pairs);
        }

        /// Taking the bytes decodes them as reading them does, whatever they are: byte
        /// order marks, UTF-16 without one, invalid UTF-8, NULs, CRs, mojibake.
        #[test]
        fn decoding_owned_bytes_is_decoding_them(
            head in proptest::sample::select(vec![
                &b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\xFF\xFE\x00\x00", b"\x00\x00\xFE\xFF",
            ]),
            body in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b' ', 0, b'\r', b'\n', 0xC3, 0xA9, 0x83, 0xE2, 0x80, 0x99, 0xFF, b'<',
            ]), 0..64),
        ) {
            let bytes = [head, &body[..]].concat();
            proptest::prop_assert_eq!(decode_owned(bytes.clone()), decode(&bytes));
        }
    }

    #[test]
    fn owned_utf16_without_a_bom_is_decoded_as_such() {
        let le: Vec<u8> = "Senior Product Manager".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode_owned(le.clone()), decode(&le));
        assert_eq!(decode_owned(le).encoding, "utf-16le (no BOM)");
    }

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
    fn binary_files_are_recognised() {
        assert_eq!(binary_kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("PNG image"));
        assert_eq!(binary_kind(b"%PDF-1.7\n%\xe2\xe3"), Some("PDF document"));
        assert_eq!(binary_kind(b"PK\x03\x04\x14\0\x06\0"), Some("zip archive (or .docx/.xlsx)"));
        assert_eq!(binary_kind(&[0u8, 1, 2, 3, 4, 5, 6, 7, 200, 201, 3, 3]), Some("binary data"));
        // text that merely starts like a signature, and UTF-16 text, are not binary
        assert_eq!(binary_kind(b"MZ Product Manager at Mozilla"), None);
        assert_eq!(binary_kind(b"BZh is not a title"), None);
        let utf16: Vec<u8> = "Product Manager".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(binary_kind(&utf16), None);
        assert_eq!(binary_kind(b""), None);
    }

    #[test]
    fn streams_are_decoded_like_files() {
        use std::io::Read;
        let read = |b: Vec<u8>, whole: bool| {
            let w = whole.then(|| Box::new(std::io::Cursor::new(b.clone())) as Box<dyn Read + Send>);
            let (mut r, enc) = stream(Box::new(std::io::Cursor::new(b)), w).unwrap();
            let mut s = String::new();
            r.read_to_string(&mut s).unwrap();
            (s, enc)
        };
        assert_eq!(read(b"\xEF\xBB\xBF{\"a\":1}\n".to_vec(), true), ("{\"a\":1}\n".into(), "utf-8-bom"));
        let le: Vec<u8> = "\u{feff}a\tb\nZ\u{fc}rich\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(read(le, false), ("a\tb\nZ\u{fc}rich\n".into(), "utf-16le"));
        // one Windows-1252 byte after 100 KiB of ASCII: judged on the whole file
        let mut b = "x".repeat(100_000).into_bytes();
        b.extend(b"Z\xfcrich\n");
        assert_eq!(read(b.clone(), true).1, "windows-1252");
        assert!(read(b, true).0.ends_with("Z\u{fc}rich\n"));
        // a character cut by the end of a 1 MiB piece is not an invalid sequence
        let mut b = "x".repeat((1 << 20) - 1).into_bytes();
        b.extend("é\n".as_bytes());
        assert_eq!(utf8_counts(Box::new(std::io::Cursor::new(b))).unwrap(), (1, 0));
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let text = "Senior Product Manager – Zürich";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode(&le);
        assert_eq!((d.text.as_str(), d.encoding), (text, "utf-16le (no BOM)"));
        let d = decode(&be);
        assert_eq!((d.text.as_str(), d.encoding), (text, "utf-16be (no BOM)"));
    }

    /// UTF-16 without BOM of a script with no zero byte in its code units (Chinese,
    /// Korean, Japanese) is read as such, not as binary data; Windows-1252 text, UTF-8 text
    /// and random bytes are not taken for it.
    #[test]
    fn utf16_without_bom_of_cjk_text_is_detected() {
        let text = "高级产品经理（上海）\n职责：\n1. 负责产品路线图的制定与执行，与研发团队紧密合作。\n2. 每周与客户沟通，收集需求 2024 年。\n시니어 프로덕트 매니저\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(binary_kind(&le), None);
        let d = decode(&le);
        assert_eq!((d.text.as_str(), d.encoding), (text, "utf-16le (no BOM)"));
        let d = decode(&be);
        assert_eq!((d.text.as_str(), d.encoding), (text, "utf-16be (no BOM)"));
        // a head cut inside a surrogate pair
        let emoji = format!("{}😀 done", text.repeat(30));
        let le: Vec<u8> = emoji.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(utf16_without_bom(&le), Some(UTF_16LE));
        // not UTF-16: Windows-1252 text, UTF-8 text, random bytes
        let cp1252 = encoding_rs::WINDOWS_1252.encode("Café résumé, naïve façade – Zürich\n").0.repeat(20);
        assert_eq!(decode(&cp1252).encoding, "windows-1252");
        assert_eq!(decode(text.as_bytes()).encoding, "utf-8");
        let mut x: u32 = 7;
        let random: Vec<u8> = (0..8192)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        assert_eq!(utf16_without_bom(&random), None);
        assert_eq!(binary_kind(&random), Some("binary data"));
    }

    #[test]
    fn invalid_utf8_in_a_utf8_file_is_replaced_not_misread() {
        let mut b = "Product Manager – “roadmap” – café\n".as_bytes().to_vec();
        b.extend(b"\xff\xfe\xc3(\n");
        b.extend("Zürich – naïve\n".as_bytes());
        let d = decode(&b);
        assert_eq!(d.encoding, "utf-8");
        assert!(d.text.starts_with("Product Manager – “roadmap” – café\n"));
        assert!(d.text.ends_with("Zürich – naïve\n"));
        assert_eq!(d.repairs, vec!["replaced 3 invalid UTF-8 sequence(s) with U+FFFD (first at byte 44)".to_string()]);
    }

    #[test]
    fn a_windows_1252_letter_in_a_utf8_file_is_read_as_one() {
        let d = decode("Société Générale\nCaf\u{0}".as_bytes());
        assert!(d.repairs.iter().all(|r| !r.contains("Windows-1252")));
        let mut b = "Société Générale\n".as_bytes().to_vec();
        b.extend(b"Caf\xe9 Ltd \x93quoted\x94\n");
        let d = decode(&b);
        assert_eq!(d.text, "Société Générale\nCafé Ltd “quoted”\n");
        assert!(d.repairs[0].starts_with("read 3 byte(s) that are not UTF-8 as Windows-1252"), "{:?}", d.repairs);
    }

    #[test]
    fn a_declared_charset_is_used_for_bytes_that_are_not_utf8() {
        let (bytes, _, _) =
            encoding_rs::KOI8_R.encode("<html><head><meta charset=\"koi8-r\"></head><body><p>Менеджер продукта</p>");
        let d = decode(&bytes);
        assert_eq!(d.encoding, "KOI8-R");
        assert!(d.text.contains("Менеджер продукта"), "{}", d.text);
        assert!(d.repairs.iter().any(|r| r.contains("the charset the document declares")));
        let (bytes, _, _) = encoding_rs::GBK
            .encode("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"><p>产品经理</p>");
        assert!(decode(&bytes).text.contains("产品经理"));
        // two GBK characters in English text: decoded as declared, not repaired as UTF-8
        let (bytes, _, _) = encoding_rs::GBK
            .encode("<meta charset=\"gbk\"><h1>Product Manager</h1><ul><li>Own the product roadmap 产品</li></ul>");
        let d = decode(&bytes);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains("roadmap 产品"), "{}", d.text);
        // a page declaring a single-byte charset but written in UTF-8 keeps its UTF-8
        let d = decode("<meta charset=iso-8859-2><p>Zażółć gęślą jaźń \u{fffd}</p>".as_bytes());
        assert_eq!(d.encoding, "utf-8");
        let mut bytes = "<meta charset=iso-8859-2><p>Zażółć gęślą jaźń</p>".as_bytes().to_vec();
        bytes.push(0xff);
        assert!(decode(&bytes).text.contains("Zażółć"), "{}", decode(&bytes).text);
        // no declaration (or one naming UTF-8 for bytes that are not): Windows-1252 as before
        assert_eq!(decode(b"<meta charset=utf-8><p>Caf\xe9 \xe0 la carte \xe9t\xe9</p>").encoding, "windows-1252");
        // a label of the replacement encoding would make the whole page one U+FFFD
        for label in ["iso-2022-kr", "hz-gb-2312", "csiso2022kr"] {
            let page = format!("<meta charset={label}><p>Caf\u{e9} \u{e0} la carte</p>");
            let bytes = encoding_rs::WINDOWS_1252.encode(&page).0;
            let d = decode(&bytes);
            assert_eq!(d.encoding, "windows-1252", "{label}");
            assert!(d.text.contains("Café à la carte"), "{label}: {}", d.text);
        }
    }

    #[test]
    fn utf32_with_a_bom_is_decoded() {
        let text = "# Product Manager\n\n- Own the roadmap é\n";
        let le: Vec<u8> =
            [0xFF, 0xFE, 0, 0].into_iter().chain(text.chars().flat_map(|c| (c as u32).to_le_bytes())).collect();
        let be: Vec<u8> =
            [0, 0, 0xFE, 0xFF].into_iter().chain(text.chars().flat_map(|c| (c as u32).to_be_bytes())).collect();
        for (bytes, name) in [(le, "utf-32le"), (be, "utf-32be")] {
            let d = decode(&bytes);
            assert_eq!((d.text.as_str(), d.encoding), (text, name));
        }
    }

    #[test]
    fn nul_bytes_removed() {
        let d = decode(b"a\0b");
        assert_eq!(d.text, "ab");
        assert_eq!(d.repairs, vec!["removed 1 NUL characters".to_string()]);
    }
}
