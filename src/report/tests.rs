use super::*;
use crate::compare::Comparer;
use crate::pipeline::process_text;
use crate::rules::Rules;

#[test]
fn escape_makes_text_inert() {
    assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_eq!(escape("\"&'"), "&quot;&amp;&#39;");
    assert_eq!(escape("Café Ltd"), "Café Ltd");
    assert!(matches!(escape("plain"), Cow::Borrowed(_)));
}

#[test]
fn reasons_are_grouped_by_their_opening() {
    assert_eq!(reason_kind("line 3: not valid JSON: expected value at 1:2"), "not valid JSON");
    assert_eq!(reason_kind("unsupported extension .png (reads .html .md)"), "unsupported extension .png");
    assert_eq!(
        reason_kind("no role defined in this document; language Italian (ita) has no rule pack"),
        "no role defined in this document"
    );
    assert_eq!(reason_kind("hidden file"), "hidden file");
}

fn pm(id: &str, company: Option<&str>) -> DocResult {
    let text = "# Product Manager\n\n## Responsibilities\n\n- Own the product roadmap\n- Talk to customers about their needs\n";
    let mut r = process_text(id, text, Rules::shipped());
    r.doc.company = company.map(str::to_string);
    r
}

fn page(cmp: &Comparison, notes: &Notes) -> String {
    render(cmp, notes, &Summary::default(), "rules", "0123456789abcdef")
}

/// Text from the input is text on the page, never markup.
#[test]
fn input_text_is_escaped_everywhere() {
    let hostile = ["<script>alert(1)</script>", "Quote \"&' Co"];
    let mut c = Comparer::default();
    let mut notes = Notes::default();
    for (i, name) in hostile.iter().enumerate() {
        let r = pm(&format!("{i}.md"), Some(name));
        c.add(&r, &r.doc.doc);
        notes.add(&r, None);
    }
    let mut empty = process_text("<img src=x onerror=alert(1)>.md", "Nothing about roles here.", Rules::shipped());
    empty.doc.reason = "<blink>odd</blink>".into();
    c.add(&empty, &empty.doc.doc);
    notes.add(&empty, None);
    let h = page(&c.finish(Rules::shipped()), &notes);
    assert!(!h.contains("<script") && !h.contains("<img") && !h.contains("<blink"), "{h}");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(h.contains("Quote &quot;&amp;&#39; Co"));
    assert!(h.contains("&lt;img src=x onerror=alert(1)&gt;.md"));
    // one self-contained page: nothing fetched
    assert!(!h.contains("http://") && !h.contains("https://") && !h.contains("<link"), "{h}");
}

/// What the notes hold is capped whatever the corpus size; what they count is exact.
#[test]
fn notes_list_a_bounded_number_of_documents() {
    let mut notes = Notes::default();
    let r = process_text("x.md", "Nothing about roles here.", Rules::shipped());
    for i in 0..(MAX_LISTED + 50) {
        let mut r = r.clone();
        r.doc.doc = format!("doc-{i}.md");
        notes.add(&r, None);
    }
    assert_eq!((notes.nothing.len(), notes.nothing_total), (MAX_LISTED, MAX_LISTED + 50));
    assert_eq!(notes.reasons.values().sum::<usize>(), MAX_LISTED + 50);
    let h = page(&Comparer::default().finish(Rules::shipped()), &notes);
    assert!(h.contains("… and 50 more"), "{h}");
}

/// A role's heatmap shows the sources with the most documents; the others are one column,
/// their counts pooled exactly.
#[test]
fn heatmaps_pool_the_sources_over_their_cap() {
    let mut c = Comparer::default();
    for i in 0..(MAX_REPORT_SOURCES + 3) {
        let r = pm(&format!("{i:02}.md"), Some(&format!("Company {i:02}")));
        c.add(&r, &r.doc.doc);
        if i == 7 {
            // a second document for one company: it comes first
            c.add(&pm("07-again.md", Some("Company 07")), "07-again.md");
        }
    }
    let cmp = c.finish(Rules::shipped());
    let v = view_of(&cmp, "product-manager").unwrap();
    assert_eq!(v.sources.len(), MAX_REPORT_SOURCES);
    assert_eq!((v.sources[0].label, v.sources[0].documents), ("Company 07", 2));
    let o = v.others.as_ref().unwrap();
    assert_eq!((o.sources, o.documents, o.responsibilities), (3, 3, 6));
    assert_eq!(v.all.responsibilities, 2 * (MAX_REPORT_SOURCES as u32 + 4));
    let h = page(&cmp, &Notes::default());
    assert!(h.contains("3 other sources"), "{h}");
}

#[test]
fn counts_have_thousands_separated() {
    assert_eq!(
        (num(7u64), num(999u64), num(1000u64), num(20000u64), num(1234567u64)),
        ("7".into(), "999".into(), "1,000".into(), "20,000".into(), "1,234,567".into())
    );
    assert_eq!(plural(1u64, "source", "sources"), "1 source");
}
