use crate::model::DocResult;
use crate::pipeline::process_text;
use crate::rules::Rules;

fn run(id: &str, text: &str) -> DocResult {
    process_text(id, text, Rules::shipped())
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

// ---------------------------------------------------------------------------------------
// Company: evidence from the page head, addresses and the text rules
// ---------------------------------------------------------------------------------------

mod company_evidence {
    use crate::extract::company::{detect, text_rule_name};
    use crate::extract::metadata;
    use crate::model::Company;
    use crate::rules::Rules;
    use std::collections::BTreeMap;

    fn rules() -> &'static Rules {
        Rules::shipped()
    }

    /// What the pipeline will do: head and JSON-LD from the raw page, then detection.
    fn company(id: &str, text: &str) -> Option<Company> {
        let rules = rules();
        let raw = crate::ingest::decode_doc(id, text.as_bytes(), &BTreeMap::new());
        let html = raw.format == crate::model::Format::Html;
        let ld = html.then(|| metadata::from_json_ld(&raw.text, &rules.posting)).flatten().unwrap_or_default();
        let head = html.then(|| metadata::from_html_head(&raw.text, &rules.posting)).flatten().unwrap_or_default();
        let fields = metadata::from_fields(&raw.meta.front_matter, &rules.posting);
        let doc = crate::clean::clean(raw, rules);
        let posting = metadata::merge(&[ld, head, fields]);
        detect(&doc, &posting, rules)
    }

    fn named(c: Option<Company>) -> Option<(String, String)> {
        c.map(|c| (c.name, c.evidence))
    }

    fn pair(name: &str, evidence: &str) -> Option<(String, String)> {
        Some((name.to_string(), evidence.to_string()))
    }

    const BODY: &str = "<h1>Senior Product Manager</h1><p>You will own the roadmap of our checkout.</p>";

    #[test]
    fn og_site_name_beats_the_text() {
        let page = format!(
            "<html><head><title>Senior Product Manager | Acme Careers</title><meta property=\"og:site_name\" content=\"Acme Labs\"></head><body>{BODY}<p>At Other, we care.</p></body></html>"
        );
        assert_eq!(named(company("a.html", &page)), pair("Acme Labs", "og:site_name"));
    }

    #[test]
    fn title_suffix_with_a_careers_word_names_the_site() {
        for (title, want) in [
            ("Senior PM | Acme Careers", "Acme"),
            ("Jobs at Acme", "Acme"),
            ("Acme - Careers", "Acme"),
            ("Careers at Acme - Senior PM", "Acme"),
            ("Senior PM at Acme", "Acme"),
            ("Senior PM @ Acme", "Acme"),
            ("Job Application for Senior PM at Acme Robotics", "Acme Robotics"),
        ] {
            let page = format!("<html><head><title>{title}</title></head><body>{BODY}</body></html>");
            assert_eq!(named(company("t.html", &page)), pair(want, "html-title"), "{title}");
        }
    }

    #[test]
    fn a_bare_title_suffix_needs_the_text_to_write_it() {
        let page = format!("<html><head><title>Senior PM | Northwind</title></head><body>{BODY}</body></html>");
        assert_eq!(company("n.html", &page), None);
        let page = format!(
            "<html><head><title>Senior PM | Northwind</title></head><body>{BODY}<p>Northwind ships groceries.</p></body></html>"
        );
        assert_eq!(named(company("n.html", &page)), pair("Northwind", "html-title"));
    }

    #[test]
    fn job_boards_are_not_the_company() {
        // a LinkedIn page: the hiring organisation, from the title, not LinkedIn
        let page = format!(
            "<html><head><title>Recordly hiring Data Engineer in Tampere, Finland | LinkedIn</title><meta property=\"og:site_name\" content=\"LinkedIn\"></head><body>{BODY}</body></html>"
        );
        assert_eq!(named(company("l.html", &page)), pair("Recordly", "html-title"));
        let page = format!("<html><head><title>Careers | Home</title></head><body>{BODY}</body></html>");
        assert_eq!(company("h.html", &page), None);
        // other parts of a title need a mark: a place the text writes is not the company
        let page = format!(
            "<html><head><title>Senior PM - Berlin - Indeed.com</title></head><body>{BODY}<p>Based in Berlin.</p></body></html>"
        );
        assert_eq!(company("i.html", &page), None);
    }

    #[test]
    fn json_ld_hiring_organization_comes_first() {
        let page = format!(
            "<html><head><title>PM | Indeed</title><script type=\"application/ld+json\">{{\"@type\":\"JobPosting\",\"title\":\"PM\",\"hiringOrganization\":{{\"@type\":\"Organization\",\"name\":\"Hain Celestial\"}}}}</script></head><body>{BODY}</body></html>"
        );
        assert_eq!(named(company("j.html", &page)), pair("Hain Celestial", "json-ld"));
    }

    #[test]
    fn an_address_counts_when_the_text_writes_the_name() {
        let md =
            "# Product Manager\n\n- Own the roadmap\n\nApply at jobs@newscatalyst.org. News Catalyst is a project.\n";
        assert_eq!(named(company("m.md", md)), pair("News Catalyst", "email-domain"));
        let md = "# Product Manager\n\n- Own the roadmap\n\nApply at jobs@acme.com.\n";
        assert_eq!(company("m.md", md), None, "the text never writes the name");
        let md = "# Product Manager\n\n- Own the roadmap\n\nWrite to me@gmail.com, Gmail users welcome.\n";
        assert_eq!(company("m.md", md), None, "free-mail domains name no company");
    }

    #[test]
    fn text_rules_name_the_employer() {
        for (text, want, rule) in [
            ("# Product Manager\n\n## About Acme\n\nWe make widgets.\n", "Acme", "text:about-heading"),
            ("# Product Manager\n\nAt Acme Robotics, we build robots.\n", "Acme Robotics", "text:at-we"),
            ("# Product Manager\n\nJoin Futureplay, we are looking for you!\n", "Futureplay", "text:join"),
            ("# Product Manager\n\nToday Northwind is hiring a PM.\n", "Northwind", "text:is-hiring"),
            ("# Senior PM at News Catalyst\n\n- Own the roadmap\n", "News Catalyst", "text:heading"),
            ("# Senior PM at Acme, Berlin\n\n- Own the roadmap\n", "Acme", "text:heading"),
        ] {
            assert_eq!(named(company("x.md", text)), pair(want, rule), "{text}");
        }
        for text in [
            "# Product Manager\n\n## About the role\n\nJoin our team. We are Hiring!\n",
            "# Product Manager\n\nAt the moment, we are busy.\n",
        ] {
            assert_eq!(company("x.md", text), None, "{text}");
        }
    }

    #[test]
    fn the_text_shortens_and_completes_a_name() {
        // the head says "Melio Consulting", the text says "Melio"
        let page = "<html><head><title>Data Scientist :: Melio Consulting</title></head><body><h1>Data Scientist</h1><p>Melio is seeking a data scientist. Melio believes in you. Melio Consulting.</p><p>Melio grows.</p></body></html>";
        assert_eq!(named(company("m.html", page)), pair("Melio", "html-title"));
        // the legal form as the text writes it
        let md = "# Product Owner\n\n- Own the backlog\n\nSchreib an jobs@renuo.ch.\n\nRenuo AG, Zürich\n";
        assert_eq!(named(company("r.md", md)), pair("Renuo AG", "email-domain"));
    }

    #[test]
    fn common_words_and_people_are_not_companies() {
        let md = "# Data Science Career Ladder\n\nData Science is a field. Data Science is young. Data Science is hard.\n\nLarson's book. Will Larson. Larson, W. (2021).\n\nWork is fun. Work is hard. Work is life, and work matters at work.\n";
        assert_eq!(company("d.md", md), None);
    }

    #[test]
    fn html_head_is_read_without_a_parse() {
        let m = metadata::from_html_head(
            "<html><head><TITLE> Senior PM | Acme Careers </TITLE><meta content='Acme' property='og:site_name'></head><body><title>no</title></body></html>",
            &rules().posting,
        )
        .unwrap();
        assert_eq!(m.title.as_deref(), Some("Senior PM"));
        assert_eq!(m.company.as_deref(), Some("Acme"));
        assert!(m.evidence.contains(&("company".into(), "og:site_name".into())), "{:?}", m.evidence);
        assert!(m.evidence.contains(&("title".into(), "html-title".into())), "{:?}", m.evidence);
        let m = metadata::from_html_head(
            "<html><head><title>Acme - the best widgets</title></head></html>",
            &rules().posting,
        )
        .unwrap();
        assert_eq!((m.title.as_deref(), m.company.as_deref()), (Some("the best widgets"), Some("Acme")));
        let m = metadata::from_html_head(
            "<head><title>Product Manager - Rider Platform</title><meta property=\"og:title\" content=\"GO-JEK TECH\"/></head>",
            &rules().posting,
        )
        .unwrap();
        assert!(m.names.iter().any(|(s, n)| s == "og:title" && n == "GO-JEK TECH"), "{:?}", m.names);
        assert_eq!(metadata::from_html_head("<p>no head</p>", &rules().posting), None);
        // the names are for detection only: not written to documents.jsonl
        let json = serde_json::to_string(&m).unwrap();
        assert!(!json.contains("names"), "{json}");
    }

    #[test]
    fn odd_head_text_does_not_panic() {
        for title in
            ["İSTANBUL CAREERS | İş", "Careers", " | | ", "Jobs at", "ß Careers - ẞ", "Senior PM — 日本 Careers"]
        {
            let page = format!("<html><head><title>{title}</title><meta property=\"og:site_name\" content=\"\"></head><body>{BODY}</body></html>");
            let _ = company("o.html", &page);
        }
        let cut = "<html><head><title>é".repeat(1000);
        let _ = metadata::from_html_head(&cut, &rules().posting);
    }

    #[test]
    fn gojek_style_og_title_names_the_site() {
        let page = format!(
            "<html><head><title>Product Manager - Rider Platform</title><meta property=\"og:title\" content=\"GO-JEK TECH\"/></head><body>{BODY}</body></html>"
        );
        assert_eq!(named(company("g.html", &page)), pair("GO-JEK", "og:title"));
    }

    #[test]
    fn company_text_rule_examples() {
        let rules = rules();
        let cr = &rules.company;
        assert!(!cr.text.is_empty());
        let mut failures = Vec::new();
        for r in &cr.text {
            for e in &r.examples {
                if text_rule_name(r, e, cr).is_none() {
                    failures.push(format!("{}: example {e:?} finds no name", r.id));
                }
            }
            for e in &r.counter_examples {
                if let Some(n) = text_rule_name(r, e, cr) {
                    failures.push(format!("{}: counter-example {e:?} finds {n:?}", r.id));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}

#[test]
fn tables_under_a_role_duty_columns_groups_and_glossaries() {
    // a duty column: only its cells are duties, the first column groups them
    let r = run(
        "a.md",
        "## Product Owner\n\n| Area | Responsibilities |\n|---|---|\n| Backlog | Own the backlog<br>Write user stories |\n| Team | Run the sprint review |\n",
    );
    assert_eq!(items(&r, "product-owner/mid"), ["Own the backlog", "Write user stories", "Run the sprint review"]);
    assert!(
        r.responsibilities.iter().take(2).all(|x| x.group.as_deref() == Some("Backlog")),
        "{:?}",
        r.responsibilities
    );
    // a glossary of other things under the role: only cells phrased as duties count
    let r = run(
        "g.md",
        "## Product Owner\n\n- Own the backlog\n\nThe labels we use:\n\n| Label | Description |\n|---|---|\n| Must-have | Features defined in the roadmap. |\n| Triage | Review new issues every week. |\n",
    );
    assert_eq!(items(&r, "product-owner/mid"), ["Own the backlog", "Review new issues every week."]);
}

#[test]
fn restructured_text_role_guides_are_read() {
    let r = run(
        "guide.rst",
        "Roles\n=====\n\nProduct Owner (PO)\n------------------\n\nResponsibilities\n****************\n#. Own the product backlog.\n#. Coordinate the :doc:`reviews`.\n\n.. image:: roles.png\n    :align: center\n\nScrum Master (SM)\n-----------------\n\n+--------------------------+\n| Responsibilities         |\n+==========================+\n|#. Coach the team on      |\n|   agile practices.       |\n+--------------------------+\n",
    );
    assert_eq!(keys(&r), ["product-owner/mid", "scrum-master/mid"]);
    assert_eq!(items(&r, "product-owner/mid"), ["Own the product backlog.", "Coordinate the reviews."]);
    assert_eq!(items(&r, "scrum-master/mid"), ["Coach the team on agile practices."]);
    assert_eq!(r.responsibilities[0].line, 9);
}

#[test]
fn flattened_pages_label_lines_and_phrase_paragraphs() {
    // a scraper's text: labels as plain lines, one phrase per paragraph under them
    let r = run(
        "f.md",
        "# Scrum Master (m/w/d)\n\nVerantwortlichkeiten\n\nPlanung und Durchführung von PI-Plannings\n\nMediation von agilen Werten im Team\n\nKey Requirements\n\nErfahrung mit Scrum und SAFe\n\nKenntnisse in Jira\n",
    );
    assert_eq!(
        items(&r, "scrum-master/mid"),
        ["Planung und Durchführung von PI-Plannings", "Mediation von agilen Werten im Team"]
    );
    assert_eq!(r.requirements.len(), 2, "{:?}", r.requirements);
}

#[test]
fn typed_bullets_between_line_breaks_are_list_items() {
    let r = run(
        "b.html",
        "<html><body><h1>Ingénieur systèmes H/F</h1><p>Dans ce cadre vous aurez pour missions de :<br>- Rédiger le plan de gestion des exigences<br>- Construire une traçabilité des exigences</p><p>Profil recherché :</p><p>De formation Bac +5, vous justifiez d'une expérience de 5 ans.</p></body></html>",
    );
    let all: Vec<String> = r.responsibilities.iter().map(|x| x.text.clone()).collect();
    assert_eq!(all, ["Rédiger le plan de gestion des exigences", "Construire une traçabilité des exigences"], "{r:#?}");
}

#[test]
fn a_heading_naming_the_employer_after_at_defines_the_role() {
    for h in ["Product Marketing Intern at Apple, Inc.", "Product Designer @ Acme", "Product Owner bei Renuo AG"] {
        let r = run("p.md", &format!("## {h}\n\nYou will:\n\n- Research, refine and pitch a product idea.\n"));
        assert_eq!(r.roles.len(), 1, "{h}: {:?}", r.roles);
    }
    let r = run("p.md", "## Product Marketing Intern at Apple, Inc.\n\n- Research a product idea.\n");
    assert_eq!(keys(&r), ["product-marketing-manager/intern"]);
}

#[test]
fn typst_postings_are_read() {
    let r = run(
        "job.typ",
        "#set page(\n  paper: \"a4\",\n)\n#set text(size: 11pt)\n\n== Product Owner at Acme\n\nYou will:\n\n- Own the product backlog.\n+ Run the sprint review.\n",
    );
    assert_eq!(keys(&r), ["product-owner/mid"]);
    assert_eq!(items(&r, "product-owner/mid"), ["Own the product backlog.", "Run the sprint review."]);
    assert_eq!(r.doc.format, "typst");
}

#[test]
fn prose_right_under_a_rung_is_the_level_a_family_heading_is_not() {
    let r = run(
        "l.md",
        "# Data Science Career Ladder\n\nThis ladder helps us hire and grow people in the data team.\n\n## Levels\n\n### Junior\n\nClose supervision. Spends most of the time learning the pre-defined skills of the team.\n\n### Senior\n\nLimited supervision. Highly reliable in every delivery of the team and its partners.\n",
    );
    assert_eq!(keys(&r), ["data-scientist/entry", "data-scientist/senior"]);
    assert_eq!(
        items(&r, "data-scientist/entry"),
        ["Close supervision.", "Spends most of the time learning the pre-defined skills of the team."]
    );
    assert_eq!(
        items(&r, "data-scientist/senior"),
        ["Limited supervision.", "Highly reliable in every delivery of the team and its partners."]
    );
}

#[test]
fn bold_leads_and_french_infinitives_read_as_duties() {
    let r = run(
        "i.md",
        "# Lead UX Designer\n\n## Where You Can Make an Impact:\n\n- **User Research and Synthesis:** Running open-ended user research in the early phase.\n- Perks: free lunch every day\n",
    );
    assert_eq!(
        items(&r, "ux-designer/lead").len() + items(&r, "product-designer/lead").len(),
        1,
        "{:?}",
        r.responsibilities
    );
    let r = run(
        "f.md",
        "# Chef de produit\n\nLe chef de produit permet :\n\n- D'assurer un pilotage fluide des développements\n- De garantir le respect des standards qualité\n",
    );
    assert_eq!(r.responsibilities.len(), 2, "{:?}", r.responsibilities);
}
