use super::*;
use crate::ingest::decode_doc;
use crate::rules::Rules;
use std::collections::BTreeMap;

fn clean_text(id: &str, text: &str) -> CleanDoc {
    let rules = Rules::embedded().unwrap();
    clean(decode_doc(id, text.as_bytes(), &BTreeMap::new()), &rules)
}

fn texts(c: &CleanDoc) -> Vec<&str> {
    c.blocks.iter().map(|b| b.text.as_str()).collect()
}

#[test]
fn flattened_table_copy_is_dropped() {
    let c = clean_text(
        "t.md",
        "| Role | Responsibility |\n|---|---|\n| Product Manager | Own the roadmap<br></br>Talk to users |\n\n\nProduct Manager\n\nOwn the roadmap.\n\nTalk to users\n",
    );
    assert_eq!(c.blocks.len(), 2, "{:?}", texts(&c));
    assert!(c.dropped.iter().filter(|d| d.rule == RULE_TABLE_COPY).count() == 3);
}

#[test]
fn boilerplate_and_tail_are_dropped() {
    let c = clean_text(
        "p.txt",
        "top of page\n\nRoles of a Product Manager\n\nThe product manager owns the roadmap.\n\nDefine the strategy for the product.\n\nRelated Posts\n\nCommon Design Patterns\n\nSomething else entirely here.\n\n© 2025 Someone. All Rights Reserved\n",
    );
    assert_eq!(
        texts(&c),
        ["Roles of a Product Manager", "The product manager owns the roadmap.", "Define the strategy for the product."]
    );
    let rules: Vec<&str> = c.dropped.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, ["nav-page-anchor", "related-posts", "related-posts", "related-posts", "related-posts"]);
}

#[test]
fn related_posts_at_the_top_drops_only_itself() {
    let c =
        clean_text("p.txt", "Recent Posts\n\nThe product manager owns the roadmap.\n\nMore text here.\n\nAnd more.\n");
    assert_eq!(c.blocks.len(), 3);
}

#[test]
fn spam_keyword_tail_is_dropped() {
    let c = clean_text("s.txt", "Product managers own the roadmap.\n\nTry-except Infinite Loop Python, Bmw Service Cost Uk, Nissan Juke Problems, Exterior Door Sill Pan, Ate Abbreviation Legal, Stop This Train Tab,\n");
    assert_eq!(texts(&c), ["Product managers own the roadmap."]);
    assert_eq!(c.dropped[0].rule, "keyword-list");
}

#[test]
fn mojibake_sample_is_repaired() {
    let c = clean_text(
        "m.txt",
        "It’s an entry-level role, or those in other industries.Â, But just because it isnâ€™t easy.\n",
    );
    assert_eq!(texts(&c), ["It’s an entry-level role, or those in other industries. But just because it isn’t easy."]);
    assert!(c.meta.repairs[0].starts_with("repaired 2 mojibake"));
}

#[test]
fn front_matter_is_metadata_not_text() {
    let c = clean_text("f.md", "---\ntitle: Roles\nauthor: A\n---\n\n# Product Manager\n\n- Own it\n");
    assert_eq!(texts(&c), ["Product Manager", "Own it"]);
    assert_eq!(c.blocks[0].line, 6);
    assert_eq!(c.meta.front_matter["author"], "A");
}

#[test]
fn title_lines_promoted_only_without_headings() {
    let c = clean_text("t.txt", "AGILE AT ACME\n\nSome prose that is a sentence.\n\nAida Jugo\n");
    assert!(c.blocks[0].is_heading());
    assert!(!c.blocks[1].is_heading());
    assert!(c.blocks[2].is_heading());
    let c = clean_text("t.md", "# Real heading\n\nAGILE AT ACME\n");
    assert!(!c.blocks[1].is_heading());
}

#[test]
fn byline_lines_are_split_and_dropped() {
    let c = clean_text("b.txt", "Intro sentence here.\n\nAug 1st, 2019\n5 min read\n");
    assert_eq!(texts(&c), ["Intro sentence here."]);
    assert_eq!(c.dropped.len(), 2);
}

#[test]
fn html_page_is_cleaned() {
    let c = clean_text(
        "p.html",
        "<html><body><header><nav>Jobs | About</nav></header><h1>Product Owner</h1><p>Subscribe to our newsletter</p><ul><li>Own the backlog</li></ul><footer>Privacy Policy</footer></body></html>",
    );
    assert_eq!(texts(&c), ["Product Owner", "Own the backlog"]);
}
