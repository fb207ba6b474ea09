use crate::model::DocResult;
use crate::pipeline::process_text;
use crate::rules::Rules;

fn run(id: &str, text: &str) -> DocResult {
    process_text(id, text, &Rules::embedded().unwrap())
}

fn keys(r: &DocResult) -> Vec<String> {
    r.roles.iter().map(|x| format!("{}/{}", x.role_id, x.seniority)).collect()
}

fn items(r: &DocResult, key: &str) -> Vec<String> {
    r.responsibilities
        .iter()
        .filter(|x| format!("{}/{}", x.role_id, x.seniority) == key)
        .map(|x| x.text.clone())
        .collect()
}

#[test]
fn table_rows_define_roles_with_departments() {
    let r = run(
        "t.md",
        "| **Role** | **Responsibility** | **Departments Involved** |\n|---|---|---|\n| Associate Product Manager | Owns pricing<br></br>Scrum master. | SALES<br></br>FINANCE |\n| Chief Product Officer (CPO) | Sets the vision | PRODUCT |\n",
    );
    assert_eq!(keys(&r), ["product-manager/entry", "product-manager/executive"]);
    assert_eq!(items(&r, "product-manager/entry"), ["Owns pricing", "Scrum master."]);
    assert_eq!(r.roles[0].departments, ["sales", "finance"]);
    assert_eq!(r.roles[0].seniority_cues, ["Associate Product Manager"]);
    assert_eq!(r.roles[0].found_by, "table:row");
    assert_eq!(r.roles[1].title, "Chief Product Officer (CPO)");
}

#[test]
fn heading_ladder_with_groups_and_quotes() {
    let r = run(
        "l.md",
        "# Product Roles\n\n## Senior Product Manager\n\n> I lead a stream of work with little guidance.\n\n### I build a trusted network\n\n- I mentor another person\n- I watch operations\n",
    );
    assert_eq!(keys(&r), ["product-manager/senior"]);
    let it = items(&r, "product-manager/senior");
    assert_eq!(it, ["I mentor another person", "I watch operations"]);
    assert_eq!(r.responsibilities[0].group.as_deref(), Some("I build a trusted network"));
    assert!(r.roles[0].seniority_cues.iter().any(|c| c == "with little guidance"), "{:?}", r.roles[0].seniority_cues);
    assert!(r.roles[0].seniority_cues.iter().any(|c| c == "mentor"));
}

#[test]
fn numbered_subheadings_followed_by_prose_are_duties() {
    let r = run(
        "p.txt",
        "5 Product Owner Responsibilities at Acme\n\nThe key values of the manifesto were:\n\n  • Individuals over processes\n  • Working software over documentation\n\n1. Uphold the Vision\n\nA product owner needs a clear understanding of the purpose.\n\n2. Manage Backlog\n\nWe answer these questions:\n\n  • Will customers buy it?\n  • Does it work for our business?\n\nACME AND ITS SYSTEM\n\nAcme releases often.\n",
    );
    assert_eq!(keys(&r), ["product-owner/mid"]);
    let it = items(&r, "product-owner/mid");
    assert!(it.contains(&"Uphold the Vision".to_string()) && it.contains(&"Manage Backlog".to_string()), "{it:?}");
    for bad in ["Individuals over processes", "Will customers buy it?", "Acme releases often."] {
        assert!(!it.iter().any(|t| t.contains(bad)), "{bad} leaked: {it:?}");
    }
    assert_eq!(r.doc.company.as_deref(), Some("Acme"));
}

#[test]
fn numbered_subheadings_followed_by_lists_are_groups() {
    let r = run(
        "g.txt",
        "Roles and Responsibilities of a Product Manager\n\nIntro text without a subject here.\n\n1. Product Strategy:\n\n- Develop the product vision.\n- Define the target market.\n\n2. Metrics:\n\n- Define KPIs.\n",
    );
    assert_eq!(
        items(&r, "product-manager/mid"),
        ["Develop the product vision.", "Define the target market.", "Define KPIs."]
    );
    assert_eq!(r.responsibilities[2].group.as_deref(), Some("Metrics"));
}

#[test]
fn prose_subjects_define_roles_mentions_do_not() {
    let r = run(
        "s.txt",
        "Generally, a Senior Product Manager will manage a group of products. The roles and responsibilities of product manager interns can change drastically. Each product manager internship can have varying duties. They report to the CEO. A Head of Product in the US could receive a salary of $180,000. But just because a Junior Product Manager is product management on a smaller scale doesn't mean it is easy.\n",
    );
    assert_eq!(keys(&r), ["product-manager/senior", "product-manager/entry"]);
    assert_eq!(items(&r, "product-manager/senior").len(), 1);
    assert!(items(&r, "product-manager/entry").is_empty());
    assert!(
        r.roles[0].seniority_cues.iter().any(|c| c == "manage a group of products"),
        "{:?}",
        r.roles[0].seniority_cues
    );
}

#[test]
fn lookalike_titles_do_not_merge() {
    let r = run("x.md", "## Production Manager\n\n- Run the plant\n\n## Project Manager\n\n- Run the project\n\n## Product Marketing Manager\n\n- Run launches\n");
    assert_eq!(keys(&r), ["production-manager/mid", "project-manager/mid", "product-marketing-manager/mid"]);
}

#[test]
fn non_duty_sections_under_a_role_are_not_duties() {
    let r = run(
        "j.md",
        "# Senior Product Manager\n\n## Responsibilities\n\n- Own the roadmap\n\n## Requirements\n\n- 5+ years of experience\n\n## Benefits\n\n- Free lunch\n",
    );
    assert_eq!(items(&r, "product-manager/senior"), ["Own the roadmap"]);
}

#[test]
fn section_headings_that_are_not_roles_end_the_role() {
    let r = run("e.md", "## Product Manager\n\n- Own it\n\n## Our Company Story\n\n- Founded in 1999\n");
    assert_eq!(items(&r, "product-manager/mid"), ["Own it"]);
}

#[test]
fn repeated_duties_are_emitted_once_per_role() {
    let r = run(
        "d.md",
        "## Product Manager\n\n- Own the roadmap.\n- own the roadmap\n\n## Product Owner\n\n- Own the roadmap.\n",
    );
    assert_eq!(items(&r, "product-manager/mid").len(), 1);
    assert_eq!(items(&r, "product-owner/mid").len(), 1);
}

#[test]
fn company_from_front_matter_domain() {
    let r = run("c.md", "---\nemail: mailto:jo@acmecorp.io\n---\n\n## Product Manager\n\n- Work with Acmecorp teams\n");
    assert_eq!(r.doc.company.as_deref(), Some("Acmecorp"));
    assert_eq!(r.doc.company_evidence.as_deref(), Some("front-matter-domain:email"));
}

#[test]
fn about_the_company_is_not_a_duty_but_about_the_role_holds_duties() {
    let r = run(
        "a.html",
        "<h1>Senior Product Manager</h1><h2>About Acme</h2><p>Acme builds tools.</p><h2>About the role</h2><ul><li>Own the roadmap</li></ul><h2>What you bring</h2><ul><li>SQL</li></ul>",
    );
    assert_eq!(items(&r, "product-manager/senior"), ["Own the roadmap"]);
}

#[test]
fn posting_headings_with_a_location_or_team_qualifier_define_the_role() {
    for h in ["Senior Product Manager – Berlin", "Product Owner | Payments", "Product Manager, Growth (Remote)"] {
        let r = run("p.md", &format!("# {h}\n\n- Own the product roadmap\n"));
        assert_eq!(r.roles.len(), 1, "{h}");
        assert_eq!(items(&r, &keys(&r)[0]), ["Own the product roadmap"], "{h}");
    }
    // a sentence after the dash is not a qualifier: the heading is a section
    let r = run("p.md", "# Product Manager – why the role matters. And more!\n\n- Own the product roadmap\n");
    assert!(r.roles.is_empty(), "{:?}", keys(&r));
}
