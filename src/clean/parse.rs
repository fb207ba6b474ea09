//! HTML text to scraper's tree: html5gum's tokenizer feeding html5ever's tree builder.
//!
//! `scraper::Html::parse_document` runs html5ever's own tokenizer, which reads a page one
//! character at a time through a queue of string buffers: on full pages it was three
//! quarters of the parse and a third of the whole run. html5gum tokenizes the same
//! WHATWG grammar over bytes (it passes html5lib's tokenizer tests) at about half the
//! cost. Its tokens go to the very tree builder and tree sink scraper uses, so the tree is
//! scraper's: the tests compare both on generated tag soup and on every page we have
//! (`same_tree_as_scraper_*`), node for node, attribute for attribute.
//!
//! What the glue has to reproduce of html5ever's tokenizer, beyond the grammar:
//! - the tree builder switches the tokenizer's state (`<script>`, `<title>`,
//!   `<plaintext>`) and says whether `<![CDATA[` opens a section (in SVG and MathML);
//! - a repeated attribute is dropped (the first one stays), and the tag says so;
//! - a byte order mark is dropped at the start, and again right after a `</script>` or a
//!   `<meta charset>` (html5ever's parser pauses there and starts again as at the start),
//!   when the input holds one there (not when a character reference makes one);
//! - the tree builder drops a line feed right after `<pre>`, `<listing>` or `<textarea>`
//!   unless a parse error token comes first (`<pre>&#10x`, `<pre></>` then a line feed);
//!   the one error token that decides something is sent;
//! - parse errors are not collected (nothing reads them; html5gum does not look for them).
//!
//! The emitter builds html5ever's tokens from html5gum's calls directly; html5gum's own
//! callback emitter buffers each piece once more (6 % more instructions for the parse).

use html5ever::interface::{create_element, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Doctype, Tag, TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::tree_builder::TreeBuilder;
use html5ever::{local_name, ns, Attribute, LocalName, QualName};
use html5gum::{Emitter, Error, State, Tokenizer};
use scraper::{Html, HtmlTreeSink};
use std::convert::Infallible;

const BOM: &[u8] = "\u{feff}".as_bytes();

/// Most nodes a page's tree is sized for before it is parsed (about 10 MB).
const NODES_AHEAD: usize = 1 << 16;

/// A whole page, as `Html::parse_document` parses it.
pub fn document(html: &str) -> Html {
    let mut doc = Html::new_document();
    // the tree's nodes are held in one vector: sized once for about an element and a text
    // per `<`, rather than grown (and copied) a dozen times; at most `NODES_AHEAD` (a `<`
    // need not open a tag: a page of them grows its tree as it goes)
    let nodes = (2 * memchr::memchr_iter(b'<', html.as_bytes()).count() + 8).min(NODES_AHEAD);
    doc.tree = ego_tree::Tree::with_capacity(scraper::Node::Document, nodes);
    let builder = TreeBuilder::new(HtmlTreeSink::new(doc), Default::default());
    tokenize(&builder, html);
    builder.sink.finish()
}

/// A piece of HTML inside a `<body>`, as `Html::parse_fragment` parses it.
pub fn fragment(html: &str) -> Html {
    let sink = HtmlTreeSink::new(Html::new_fragment());
    let context = create_element(&sink, QualName::new(None, ns!(html), local_name!("body")), Vec::new());
    // (the tokenizer starts in its data state, as it does for a `<body>`)
    let builder = TreeBuilder::new_for_fragment(sink, context, None, Default::default());
    tokenize(&builder, html);
    builder.sink.finish()
}

fn tokenize<S: TreeSink>(builder: &TreeBuilder<S::Handle, S>, html: &str) {
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let Ok(()) = Tokenizer::new_with_emitter(html.as_bytes(), ToTree::new(builder, html)).finish();
}

/// Whether html5ever's tokenizer reads a parse error first in `rest`, the input after a
/// start tag, before a line feed: `</>` (nothing but the error), or a numeric character
/// reference to U+000A without its `;`. The error token ends the tree builder's "drop a
/// line feed right after `<pre>`, `<listing>`, `<textarea>`": the line feed stays.
fn error_before_line_feed(rest: &[u8]) -> bool {
    if rest.starts_with(b"</>") {
        return true;
    }
    let Some(r) = rest.strip_prefix(b"&#") else { return false };
    let (hex, r) = match r.first() {
        Some(b'x' | b'X') => (true, &r[1..]),
        _ => (false, r),
    };
    let n = r.iter().take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() }).count();
    if n == 0 || r.get(n) == Some(&b';') {
        return false;
    }
    let digits = &r[r[..n].iter().take_while(|&&b| b == b'0').count()..n];
    if hex {
        digits.eq_ignore_ascii_case(b"a")
    } else {
        digits == b"10"
    }
}

/// html5gum's pieces of a `&str` are UTF-8; checked (a third of the cost of a lossy
/// conversion), with the lossy one kept for a piece that is not.
fn utf8(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => s.into(),
        Err(_) => String::from_utf8_lossy(b),
    }
}

fn text(b: &[u8]) -> StrTendril {
    StrTendril::from_slice(&utf8(b))
}

/// Text gathered from html5gum's pieces. They are mostly slices of the page itself, one
/// right after the other: while they are, the text is that span of the page, neither copied
/// nor checked again (a `&str`'s span at character boundaries is UTF-8). A piece from
/// elsewhere (a character reference, a replaced NUL, the `<` of `a<b` in a script) turns it
/// into bytes of its own; so does a carriage return, which html5gum hands over as a line
/// feed of its own (text after one is copied as before).
#[derive(Default)]
struct Gathered {
    span: Option<(usize, usize)>,
    bytes: Vec<u8>,
    owned: bool,
}

impl Gathered {
    fn push(&mut self, page: &str, piece: &[u8]) {
        if !self.owned {
            // where `piece` lies in `page`, if it does: compared as addresses, safely
            let (base, at) = (page.as_ptr() as usize, piece.as_ptr() as usize);
            let inside = at >= base && at - base + piece.len() <= page.len();
            match self.span {
                _ if !inside => {}
                None => {
                    self.span = Some((at - base, at - base + piece.len()));
                    return;
                }
                Some((a, b)) if b == at - base => {
                    self.span = Some((a, b + piece.len()));
                    return;
                }
                Some(_) => {}
            }
            self.owned = true;
            self.bytes.clear();
            if let Some((a, b)) = self.span.take() {
                self.bytes.extend_from_slice(&page.as_bytes()[a..b]);
            }
        }
        self.bytes.extend_from_slice(piece);
    }

    fn is_empty(&self) -> bool {
        if self.owned {
            self.bytes.is_empty()
        } else {
            self.span.is_none_or(|(a, b)| a == b)
        }
    }

    /// The text, lossily where its bytes are not UTF-8 (a span split inside a character).
    fn get<'p>(&'p self, page: &'p str) -> std::borrow::Cow<'p, str> {
        match self.span {
            _ if self.owned => utf8(&self.bytes),
            None => "".into(),
            Some((a, b)) => page.get(a..b).map_or_else(|| utf8(&page.as_bytes()[a..b]), Into::into),
        }
    }

    fn clear(&mut self) {
        self.span = None;
        self.owned = false;
        self.bytes.clear();
    }
}

fn name(b: &[u8]) -> LocalName {
    LocalName::from(&*utf8(b))
}

/// html5gum's emitter: gathers each token as html5ever's tokenizer would make it and hands
/// it to the tree builder, whose answers (the tokenizer's next state) go back to html5gum.
struct ToTree<'a, S> {
    sink: &'a S,
    /// the page, and how far html5gum has read it
    input: &'a str,
    pos: isize,
    /// characters not yet handed over
    chars: Gathered,
    /// html5ever would drop a byte order mark at the start of `chars`
    bom: bool,
    /// the tag being read: an end tag, its name, `/>`
    end_tag: bool,
    tag_name: Vec<u8>,
    self_closing: bool,
    /// its attributes so far; the one being read repeats an earlier one; some did
    attrs: Vec<Attribute>,
    repeated: bool,
    had_repeated: bool,
    /// the attribute being read
    in_attr: bool,
    attr_name: Vec<u8>,
    attr_value: Gathered,
    /// the name of the last start tag (an end tag of it ends `<script>` and the like)
    last_start_tag: Vec<u8>,
    comment: Vec<u8>,
    doctype_name: Vec<u8>,
    public_id: Option<Vec<u8>>,
    system_id: Option<Vec<u8>>,
    force_quirks: bool,
}

impl<'a, S: TokenSink> ToTree<'a, S> {
    fn new(sink: &'a S, input: &'a str) -> Self {
        ToTree {
            sink,
            input,
            pos: 0,
            chars: Gathered::default(),
            bom: false,
            end_tag: false,
            tag_name: Vec::new(),
            self_closing: false,
            attrs: Vec::new(),
            repeated: false,
            had_repeated: false,
            in_attr: false,
            attr_name: Vec::new(),
            attr_value: Gathered::default(),
            last_start_tag: Vec::new(),
            comment: Vec::new(),
            doctype_name: Vec::new(),
            public_id: None,
            system_id: None,
            force_quirks: false,
        }
    }

    /// The input not yet read.
    fn rest(&self) -> &[u8] {
        usize::try_from(self.pos).ok().and_then(|p| self.input.as_bytes().get(p..)).unwrap_or_default()
    }

    fn send(&self, token: Token) -> TokenSinkResult<S::Handle> {
        self.sink.process_token(token, 1)
    }

    /// Hand the characters read over, before any other token.
    fn flush_chars(&mut self) {
        let bom = std::mem::take(&mut self.bom);
        if self.chars.is_empty() {
            return;
        }
        let chars = self.chars.get(self.input);
        let value = if bom { chars.strip_prefix('\u{feff}').unwrap_or(&chars) } else { &chars };
        // html5ever's tokenizer hands a NUL in text over as a token of its own (most text
        // holds none: looked for at once)
        if memchr::memchr(0, value.as_bytes()).is_none() {
            if !value.is_empty() {
                let _ = self.send(Token::CharacterTokens(StrTendril::from_slice(value)));
            }
            self.chars.clear();
            return;
        }
        for (i, part) in value.split('\0').enumerate() {
            if i > 0 {
                let _ = self.send(Token::NullCharacterToken);
            }
            if !part.is_empty() {
                let _ = self.send(Token::CharacterTokens(StrTendril::from_slice(part)));
            }
        }
        self.chars.clear();
    }

    /// The attribute read joins the start tag's, unless it repeats one (the first stays).
    fn finish_attr(&mut self) {
        if !std::mem::take(&mut self.in_attr) || self.end_tag {
            return;
        }
        let name = name(&self.attr_name);
        self.repeated = self.attrs.iter().any(|a| a.name.local == name);
        self.had_repeated |= self.repeated;
        if !self.repeated {
            self.attrs.push(Attribute {
                name: QualName::new(None, ns!(), name),
                value: StrTendril::from_slice(&self.attr_value.get(self.input)),
            });
        }
    }

    fn init_tag(&mut self, end_tag: bool) {
        self.flush_chars();
        self.end_tag = end_tag;
        self.tag_name.clear();
        self.self_closing = false;
        self.attrs = Vec::new();
        self.in_attr = false;
        self.repeated = false;
        self.had_repeated = false;
    }
}

impl<S: TokenSink> Emitter for ToTree<'_, S> {
    type Token = Infallible;

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start_tag.clear();
        self.last_start_tag.extend_from_slice(last_start_tag.unwrap_or_default());
    }

    fn emit_eof(&mut self) {
        self.flush_chars();
        let _ = self.send(Token::EOFToken);
        self.sink.end();
    }

    fn emit_error(&mut self, _: Error) {}

    /// Nothing reads parse errors: html5gum need not look for them.
    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn pop_token(&mut self) -> Option<Infallible> {
        None
    }

    fn emit_string(&mut self, c: &[u8]) {
        self.chars.push(self.input, c);
    }

    fn init_start_tag(&mut self) {
        self.init_tag(false);
    }

    fn init_end_tag(&mut self) {
        self.init_tag(true);
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        self.finish_attr();
        self.flush_chars();
        let tag = Tag {
            kind: if self.end_tag { TagKind::EndTag } else { TagKind::StartTag },
            name: name(&self.tag_name),
            self_closing: self.self_closing,
            had_duplicate_attributes: self.had_repeated,
            attrs: std::mem::take(&mut self.attrs),
        };
        self.last_start_tag.clear();
        if !self.end_tag {
            self.last_start_tag.extend_from_slice(&self.tag_name);
        }
        let start_tag = !self.end_tag;
        let answer = self.send(Token::TagToken(tag));
        if start_tag && error_before_line_feed(self.rest()) {
            let _ = self.send(Token::ParseError("".into()));
        }
        match answer {
            TokenSinkResult::Continue => None,
            // html5ever's parser pauses after these and starts again as at the start, where
            // it drops a byte order mark of the input (not one a character reference makes)
            TokenSinkResult::EncodingIndicator(_) => {
                self.bom = self.rest().starts_with(BOM);
                None
            }
            TokenSinkResult::Script(_) => {
                self.bom = self.rest().starts_with(BOM);
                Some(State::Data)
            }
            TokenSinkResult::Plaintext => Some(State::PlainText),
            TokenSinkResult::RawData(RawKind::Rcdata) => Some(State::RcData),
            TokenSinkResult::RawData(RawKind::Rawtext) => Some(State::RawText),
            // (the tree builder never asks for the escaped states: the tokenizer enters them)
            TokenSinkResult::RawData(RawKind::ScriptData | RawKind::ScriptDataEscaped(_)) => Some(State::ScriptData),
        }
    }

    fn init_comment(&mut self) {
        self.flush_chars();
        self.comment.clear();
    }

    fn push_comment(&mut self, s: &[u8]) {
        self.comment.extend_from_slice(s);
    }

    fn emit_current_comment(&mut self) {
        let _ = self.send(Token::CommentToken(text(&self.comment)));
    }

    fn init_doctype(&mut self) {
        self.flush_chars();
        self.doctype_name.clear();
        self.public_id = None;
        self.system_id = None;
        self.force_quirks = false;
    }

    fn emit_current_doctype(&mut self) {
        let _ = self.send(Token::DoctypeToken(Doctype {
            name: Some(&self.doctype_name).filter(|n| !n.is_empty()).map(|n| text(n)),
            public_id: self.public_id.as_deref().map(text),
            system_id: self.system_id.as_deref().map(text),
            force_quirks: self.force_quirks,
        }));
    }

    fn set_self_closing(&mut self) {
        // (`</br/>` is an end tag all the same)
        self.self_closing = !self.end_tag;
    }

    fn set_force_quirks(&mut self) {
        self.force_quirks = true;
    }

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag_name.extend_from_slice(s);
    }

    fn push_doctype_name(&mut self, s: &[u8]) {
        self.doctype_name.extend_from_slice(s);
    }

    fn init_attribute(&mut self) {
        self.finish_attr();
        self.in_attr = true;
        self.attr_name.clear();
        self.attr_value.clear();
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        self.attr_name.extend_from_slice(s);
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        self.attr_value.push(self.input, s);
    }

    fn set_doctype_public_identifier(&mut self, value: &[u8]) {
        self.public_id = Some(value.to_vec());
    }

    fn set_doctype_system_identifier(&mut self, value: &[u8]) {
        self.system_id = Some(value.to_vec());
    }

    fn push_doctype_public_identifier(&mut self, s: &[u8]) {
        if let Some(p) = self.public_id.as_mut() {
            p.extend_from_slice(s);
        }
    }

    fn push_doctype_system_identifier(&mut self, s: &[u8]) {
        if let Some(p) = self.system_id.as_mut() {
            p.extend_from_slice(s);
        }
    }

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        self.end_tag && !self.last_start_tag.is_empty() && self.last_start_tag == self.tag_name
    }

    fn move_position(&mut self, offset: isize) {
        self.pos += offset;
    }

    /// `<![CDATA[` opens a section only in SVG and MathML.
    fn adjusted_current_node_present_but_not_in_html_namespace(&mut self) -> bool {
        self.sink.adjusted_current_node_present_but_not_in_html_namespace()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use scraper::Node;
    use std::fmt::Write;

    /// Every node of a tree with everything scraper keeps of it, one per line.
    fn dump(h: &Html) -> String {
        let mut s = format!("quirks: {:?}\n", h.quirks_mode);
        let mut stack = vec![(h.tree.root(), 0)];
        while let Some((n, depth)) = stack.pop() {
            let pad = " ".repeat(depth);
            let _ = match n.value() {
                Node::Document => writeln!(s, "{pad}#document"),
                Node::Fragment => writeln!(s, "{pad}#fragment"),
                Node::Doctype(d) => writeln!(s, "{pad}<!{:?} {:?} {:?}>", d.name(), d.public_id(), d.system_id()),
                Node::Comment(c) => writeln!(s, "{pad}<!--{:?}-->", &**c),
                Node::Text(t) => writeln!(s, "{pad}{:?}", &**t),
                Node::ProcessingInstruction(p) => writeln!(s, "{pad}<?{:?} {:?}>", p.target, &*p.data),
                Node::Element(e) => {
                    let _ = write!(s, "{pad}<{:?} {}", e.name.ns, e.name.local);
                    for (k, v) in e.attrs.iter() {
                        let _ = write!(s, " {:?}:{:?}:{}={:?}", k.prefix, k.ns, k.local, &**v);
                    }
                    writeln!(s, ">")
                }
            };
            let children: Vec<_> = n.children().collect();
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
        s
    }

    /// Both parsers build the same tree of `html`, as a page and as a fragment.
    fn assert_same_tree(html: &str) {
        assert_eq!(dump(&document(html)), dump(&Html::parse_document(html)), "page {html:?}");
        assert_eq!(dump(&fragment(html)), dump(&Html::parse_fragment(html)), "fragment {html:?}");
    }

    #[test]
    fn same_tree_as_scraper_on_the_cases_the_glue_reproduces() {
        for html in [
            "",
            "<p>a",
            "\u{feff}<p>a",
            "\u{feff}\u{feff}<p>a",
            "<meta charset=utf-8>\u{feff}a",
            "<script>x</script>\u{feff}a",
            "<script>x</script>b\u{feff}a",
            "<div a=1 a=2 b=3 b>x",
            "<p>a\0b\0</p>",
            "<svg><![CDATA[a<b>c]]></svg><![CDATA[d]]>",
            "<math><mtext><![CDATA[x]]></mtext></math>",
            "<title>a<b>c</title><textarea>\nx</textarea><pre>\ny</pre>",
            "<script><!--<script></script>x</script>y",
            "<noscript><p>a</p></noscript>",
            "<plaintext></plaintext><p>",
            "<table><tr><td>a<input type=hidden><b>c</table>",
            "<b class=x><b class=x><b class=x><b class=x><p>y",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><table><p>a",
            "<!doctype><?xml x?></ x><!-->",
            "a&amp;b&notin;c&noti;d&#0;e&#x110000;f&#128;g<a href='?a=1&copy=2'>",
            "<select><option>a<optgroup><svg><p>",
            "<template><tr><td>a</template>",
            "a\r\nb\rc",
            // (found by a reviewer's differential fuzzing)
            "<script></script>&#xfeff;a",
            "<meta charset=x>&#65279;a",
            "<meta charset></>\u{feff}a",
            "<link charset=x>\u{feff}a",
            "<meta http-equiv=content-type content='text/html; charset=x'>\u{feff}a",
            "<pre>&#10x",
            "<pre>&#xa",
            "<pre>&#x0A;x",
            "<listing>&#xA",
            "<textarea>&#0010x</textarea>",
            "<pre></>\nx",
            "<pre></>\rx",
            "<pre>\n\u{1}",
        ] {
            assert_same_tree(html);
        }
    }

    /// Every page we have: the samples, the tests' fixtures and development set (HTML as
    /// pages, Markdown as the fragments its HTML is parsed as), the fuzz regressions, and
    /// the 181 pages of the cleaning benchmark when the shared folder is beside the checkout.
    #[test]
    fn same_tree_as_scraper_on_every_page_we_have() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pages = 0;
        for dir in ["corpus", "tests"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
                let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or_default();
                if !matches!(ext, "html" | "htm" | "md" | "markdown" | "bin") {
                    continue;
                }
                let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
                assert_same_tree(&text);
                pages += 1;
            }
        }
        assert!(pages >= 50, "{pages} pages found under corpus/ and tests/");
        let bench = root.join("../shared/cleanbench/zyte/html");
        let Ok(listing) = std::fs::read_dir(&bench) else {
            eprintln!("SKIPPED same_tree_as_scraper on the cleaning benchmark: {} not found", bench.display());
            return;
        };
        let mut zyte = 0;
        for e in listing.filter_map(Result::ok) {
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(std::fs::File::open(e.path()).unwrap()),
                &mut text,
            )
            .unwrap();
            assert_eq!(dump(&document(&text)), dump(&Html::parse_document(&text)), "{}", e.path().display());
            zyte += 1;
        }
        assert_eq!(zyte, 181, "pages of the cleaning benchmark");
    }

    /// Tag soup: pieces that switch the tokenizer's states, the tree builder's modes and the
    /// foreign namespaces, and end or break each other at random.
    fn soup() -> impl Strategy<Value = String> {
        let pieces = vec![
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<i class=x>",
            "<a href='#x'>",
            "</a>",
            "<table>",
            "</table>",
            "<tr>",
            "<td>",
            "</td>",
            "<select>",
            "<option>",
            "</select>",
            "<optgroup>",
            "<template>",
            "</template>",
            "<svg>",
            "</svg>",
            "<math>",
            "</math>",
            "<foreignObject>",
            "<mi>",
            "<annotation-xml encoding='text/html'>",
            "<![CDATA[x]]>",
            "<![CDATA[",
            "]]>",
            "<script>",
            "</script>",
            "<!--",
            "-->",
            "--!>",
            "<!-->",
            "<style>",
            "</style>",
            "<textarea>",
            "</textarea>",
            "<title>",
            "</title>",
            "<plaintext>",
            "<xmp>",
            "</xmp>",
            "<noscript>",
            "</noscript>",
            "<iframe>",
            "<pre>",
            "\n",
            "\r\n",
            "\r",
            "\0",
            "&amp;",
            "&amp",
            "&notin;",
            "&noti",
            "&#0;",
            "&#x110000;",
            "&#128;",
            "&",
            "&#",
            "text",
            " ",
            "<br/>",
            "</br>",
            "<img src=x>",
            "<input type=hidden>",
            "<form>",
            "</form>",
            "<li>",
            "<ul>",
            "<h1>",
            "</h2>",
            "<body class=z>",
            "<html lang=en>",
            "<head>",
            "</head>",
            "<frameset>",
            "<!DOCTYPE html>",
            "<!doctype html public \"-//W3C//DTD HTML 4.01//EN\">",
            "<?xml x?>",
            "</ x>",
            "<div x\">",
            "<div a=1 a=2>",
            "<DIV ClAsS=Up>",
            "<font color=red>",
            "<nobr>",
            "<ruby>",
            "<rt>",
            "<caption>",
            "<colgroup>",
            "<th>",
            "<button>",
            "<image>",
            "<dd>",
            "</body>",
            "</html>",
            "<meta charset=x>",
            "<script><!--<script>",
            "</script >",
            "</scriptx>",
            "é",
            "\u{feff}",
            "\u{1}",
            "<a",
            " b",
            "=",
            "'",
            "\"",
            ">",
            "/>",
            "<svg><font size=3>",
            "<math><mtext><div>",
            "<textarea>\n",
            "<listing>\n",
            "&#10",
            "&#xA",
            "&#65279;",
            "<link charset=x>",
            "<div\0>",
            "</\0>",
            "<a b= c>",
            "&lt;",
            "&gt",
            "&#x41;",
            "&#65",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn same_tree_as_scraper_on_tag_soup(html in soup()) {
            assert_same_tree(&html);
        }

        #[test]
        fn same_tree_as_scraper_on_markup_characters(html in "[<>/!=&#;\"' abpx\\-\\[\\]\0\r\n?\u{feff}é]{0,60}") {
            assert_same_tree(&html);
        }
    }
}
