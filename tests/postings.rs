//! Postings as people collect them: dumps of scraped postings (JSON Lines, a JobSpy-style
//! CSV, stdin), with field names found or given, and a CSV that is not a dump.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

mod common;
use common::{bin, s};

fn run(corpus: &[&str], extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "--quiet", "--out", s(out.path()), "--corpus"];
    args.extend(corpus);
    args.extend(extra);
    (bin().args(&args).output().unwrap(), out)
}

fn jsonl(out: &Path, file: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join(file)).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn docs(out: &Path) -> BTreeMap<String, serde_json::Value> {
    jsonl(out, "documents.jsonl").into_iter().map(|d| (d["doc"].as_str().unwrap().to_string(), d)).collect()
}

const JOBSPY_CSV: &str = "id,site,job_url,job_url_direct,title,company,location,date_posted,job_type,salary_source,interval,min_amount,max_amount,currency,is_remote,description\n\
in-7f3a,indeed,https://www.indeed.com/viewjob?jk=7f3a,,Senior Product Manager,Acme Payments,\"Berlin, BE, DE\",2026-11-02,fulltime,direct_data,yearly,85000,105000,EUR,False,\"**About the role**\n\nWe are growing our payments team.\n\n**What you'll do**\n\n- Own the product roadmap for card payments\n- Interview merchants and turn their problems into requirements\n- Work with engineering and design to ship and measure features\n\n**What you bring**\n\n- 5+ years of product management experience\n\"\n\
li-991,linkedin,https://www.linkedin.com/jobs/view/991,,Product Owner,Beta Logistics,\"Köln, NRW, DE\",2026-11-03,fulltime,,,,,,True,\"<p><strong>Your tasks</strong></p><ul><li>Own and order the product backlog</li><li>Write user stories with clear acceptance criteria</li></ul>\"\n\
in-55,indeed,https://www.indeed.com/viewjob?jk=55,,Product Engineer,Gamma,Remote,2026-11-04,contract,,,,,,True,\"- Build product features end to end in TypeScript\n- Own the quality of what you ship\"\n\
in-56,indeed,https://www.indeed.com/viewjob?jk=56,,Data Analyst,Delta,Paris,2026-11-04,fulltime,,,,,,False,\n";

#[test]
fn jobspy_csv_gives_one_document_per_posting() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("jobs.csv");
    std::fs::write(&p, JOBSPY_CSV).unwrap();
    let (o, out) = run(&[s(&p)], &[]);
    assert_eq!(o.status.code(), Some(1), "one posting has no description: {}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert_eq!(
        d.keys().collect::<Vec<_>>(),
        ["jobs.csv", "jobs.csv#in-55", "jobs.csv#in-56", "jobs.csv#in-7f3a", "jobs.csv#li-991"]
    );
    assert_eq!(d["jobs.csv"]["format"], "csv");
    assert!(d["jobs.csv"]["reason"].as_str().unwrap().contains("dump of 4 record(s)"), "{}", d["jobs.csv"]);
    assert!(d["jobs.csv"]["reason"].as_str().unwrap().contains("text=description title=title company=company id=id"));
    assert_eq!(d["jobs.csv#in-56"]["status"], "error");
    assert!(d["jobs.csv#in-56"]["reason"].as_str().unwrap().contains("\"description\" is missing or empty"));
    assert_eq!(d["jobs.csv#li-991"]["format"], "html");

    let roles = jsonl(out.path(), "roles.jsonl");
    let by_doc: BTreeMap<&str, &serde_json::Value> = roles.iter().map(|r| (r["doc"].as_str().unwrap(), r)).collect();
    assert_eq!(roles.len(), 3, "{roles:?}");
    let pm = by_doc["jobs.csv#in-7f3a"];
    assert_eq!(
        (pm["role_id"].as_str(), pm["seniority"].as_str(), pm["company"].as_str()),
        (Some("product-manager"), Some("senior"), Some("Acme Payments"))
    );
    let po = by_doc["jobs.csv#li-991"];
    assert_eq!((po["role_id"].as_str(), po["company"].as_str()), (Some("product-owner"), Some("Beta Logistics")));
    // a Product Engineer posting is an engineering role
    assert_eq!(by_doc["jobs.csv#in-55"]["family"], "engineering");

    let resp = jsonl(out.path(), "responsibilities.jsonl");
    let texts = |doc: &str| -> Vec<String> {
        resp.iter().filter(|r| r["doc"] == doc).map(|r| r["text"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(
        texts("jobs.csv#in-7f3a"),
        [
            "Own the product roadmap for card payments",
            "Interview merchants and turn their problems into requirements",
            "Work with engineering and design to ship and measure features"
        ]
    );
    assert_eq!(
        texts("jobs.csv#li-991"),
        ["Own and order the product backlog", "Write user stories with clear acceptance criteria"]
    );

    // the requirement went to requirements.jsonl, with its years as a number range
    let req = jsonl(out.path(), "requirements.jsonl");
    assert_eq!(req.len(), 1, "{req:?}");
    assert_eq!(req[0]["doc"], "jobs.csv#in-7f3a");
    assert_eq!((req[0]["years_min"].as_u64(), req[0]["years_max"].as_u64()), (Some(5), None));
    assert_eq!(req[0]["kind"], "required");
}

#[test]
fn jsonl_from_stdin_with_named_fields_and_broken_lines() {
    let feed = "{\"uid\": \"p-1\", \"headline\": \"Head of Product\", \"org\": {\"name\": \"Epsilon\"}, \"body_md\": \"## Responsibilities\\n- Set the product vision and strategy\\n- Hire and mentor product managers\"}\n\
                {\"uid\": \"p-2\", broken json\n\
                [1, 2, 3]\n\
                {\"uid\": \"p-3\", \"headline\": \"Product Manager\"}\n";
    let out = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args(["run", "--quiet", "--out", s(out.path()), "--corpus", "-"])
        .args(["--text-field", "body_md", "--title-field", "headline", "--company-field", "org", "--id-field", "uid"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(feed.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let d = docs(out.path());
    assert_eq!(d.keys().collect::<Vec<_>>(), ["stdin", "stdin#line2", "stdin#line3", "stdin#p-1", "stdin#p-3"]);
    assert!(d["stdin#line2"]["reason"].as_str().unwrap().starts_with("line 2: not valid JSON"));
    assert!(d["stdin#line3"]["reason"].as_str().unwrap().contains("not a JSON object"));
    assert!(d["stdin#p-3"]["reason"].as_str().unwrap().contains("\"body_md\" is missing or empty"));
    assert_eq!(d["stdin"]["format"], "jsonl");
    // the dump's row counts what was read from standard input (no file size to ask)
    assert_eq!(d["stdin"]["bytes"].as_u64(), Some(feed.len() as u64));
    let roles = jsonl(out.path(), "roles.jsonl");
    assert_eq!(roles.len(), 1);
    assert_eq!(
        (roles[0]["role_id"].as_str(), roles[0]["seniority"].as_str()),
        (Some("product-manager"), Some("director"))
    );
    assert_eq!(roles[0]["company"], "Epsilon");
    assert_eq!(roles[0]["responsibilities"], 2);
}

#[test]
fn a_csv_without_posting_text_is_one_table_document() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("roles.csv");
    std::fs::write(
        &p,
        "Role,Responsibility\nProduct Owner,Own the product backlog\nProduct Designer,Run usability tests\n",
    )
    .unwrap();
    let (o, out) = run(&[s(&p)], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert_eq!(d.len(), 1);
    assert!(d["roles.csv"]["repairs"].to_string().contains("read as one table document"), "{}", d["roles.csv"]);
    let roles = jsonl(out.path(), "roles.jsonl");
    let ids: Vec<&str> = roles.iter().map(|r| r["role_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["product-owner", "product-designer"]);
}

#[test]
fn a_text_field_that_is_not_a_column_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("jobs.csv");
    std::fs::write(&p, JOBSPY_CSV).unwrap();
    let (o, out) = run(&[s(&p)], &["--text-field", "body"]);
    assert_eq!(o.status.code(), Some(1));
    let d = docs(out.path());
    assert_eq!(d["jobs.csv"]["status"], "error");
    assert!(d["jobs.csv"]["reason"].as_str().unwrap().contains("--text-field \"body\" is not a column"));
}

fn page(banner: &str, canonical: &str) -> String {
    format!(
        r#"<!doctype html><html><head><title>Senior Product Manager, Payments | Acme Careers</title>
<link rel="canonical" href="{canonical}">
<style>.nav{{display:flex}} /* Own the roadmap */</style>
<script>window.__STATE__ = {{"jobs": ["Own the pricing strategy"]}};</script>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "JobPosting", "title": "Senior Product Manager, Payments",
  "hiringOrganization": {{"@type": "Organization", "name": "Acme Payments GmbH"}},
  "jobLocation": {{"@type": "Place", "address": {{"@type": "PostalAddress", "addressLocality": "Berlin", "addressCountry": "DE"}}}},
  "employmentType": ["FULL_TIME"], "datePosted": "2026-11-02T09:00:00+01:00",
  "baseSalary": {{"@type": "MonetaryAmount", "currency": "EUR", "value": {{"@type": "QuantitativeValue", "minValue": 85000, "maxValue": 105000, "unitText": "YEAR"}}}}}}
</script></head>
<body><header><nav class="nav"><a href="/">Home</a><a href="/jobs">Jobs</a><a href="/about">About us</a></nav></header>
<div id="cookie-banner">{banner}</div>
<main><h1>Senior Product Manager, Payments</h1>
<p>Berlin · Hybrid · Full-time</p>
<h2>What you'll do</h2>
<ul><li>Own the product roadmap for card payments across Europe</li>
<li>Interview merchants every week and turn their problems into requirements</li>
<li>Work with engineering and design to ship and measure new features</li>
<li>Define success metrics and report on them to leadership</li>
<li>Write clear specifications with acceptance criteria for each release</li></ul>
<h2>What you bring</h2>
<ul><li>5+ years of product management experience in payments</li></ul>
<h2>Benefits</h2><ul><li>30 days of holiday</li></ul></main>
<footer><p>© 2026 Acme Payments GmbH. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"#
    )
}

#[test]
fn saved_pages_give_metadata_and_the_same_posting_twice_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.html"), page("We use cookies. Accept all", "https://acme.example/jobs/42"))
        .unwrap();
    std::fs::write(
        dir.path().join("b.html"),
        page(
            "This site uses cookies to improve your experience. Accept",
            "https://acme.example/jobs/42?utm_source=linkedin",
        ),
    )
    .unwrap();
    let (o, out) = run(&[s(dir.path())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    let a = &d["a.html"];
    // documents.jsonl is flat: the columns of documents.csv
    let p = a;
    assert_eq!(p["posting_title"], "Senior Product Manager, Payments");
    assert_eq!(p["employment_type"], "full-time");
    assert_eq!(p["date_posted"], "2026-11-02");
    assert_eq!(p["salary_min"], 85000.0);
    assert_eq!(p["salary_max"], 105000.0);
    assert_eq!(p["salary_currency"], "EUR");
    assert_eq!(p["salary_period"], "year");
    assert!(p["location"].as_str().unwrap().contains("Berlin"), "{p}");
    assert_eq!(p["workplace"], "hybrid", "{p}");
    assert_eq!(a["duplicate_of"], serde_json::Value::Null);
    assert_eq!(d["b.html"]["duplicate_of"], "a.html");
    let dups = std::fs::read_to_string(out.path().join("duplicates.csv")).unwrap();
    assert!(dups.lines().nth(1).unwrap().starts_with("b.html,a.html,"), "{dups}");
    // both are listed, the duplicate is counted once in the comparisons
    let cmp = std::fs::read_to_string(out.path().join("comparison/role_categories.csv")).unwrap();
    assert!(cmp.lines().skip(1).all(|l| l.contains(",1,")), "documents = 1 on every row:\n{cmp}");
    let resp = jsonl(out.path(), "responsibilities.jsonl");
    let texts: Vec<&str> = resp.iter().filter(|r| r["doc"] == "a.html").map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 5, "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("years") || t.contains("holiday") || t.contains("pricing")), "{texts:?}");
}

const GERMAN: &str = "---\ntitle: (Senior) Produktmanager (m/w/d) – Berlin\n---\n\n\
# (Senior) Produktmanager (m/w/d) – Berlin\n\n\
Wir sind ein schnell wachsendes Unternehmen im Bereich Zahlungsverkehr und suchen Verstärkung für unser Produktteam in Berlin.\n\n\
## Deine Aufgaben\n\n\
- Du verantwortest die Produkt-Roadmap für unsere Zahlungsplattform\n\
- Du führst regelmäßig Interviews mit Händlern und leitest daraus Anforderungen ab\n\
- Du arbeitest eng mit Entwicklung und Design zusammen und priorisierst das Backlog\n\n\
## Dein Profil\n\n\
- Mindestens 5 Jahre Erfahrung im Produktmanagement\n\
- Abgeschlossenes Studium der Informatik oder eine vergleichbare Ausbildung\n\n\
## Wir bieten\n\n\
- 30 Tage Urlaub und flexible Arbeitszeiten\n\
- Homeoffice möglich\n";

#[test]
fn german_postings_yield_roles_and_other_languages_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("de.md"), GERMAN).unwrap();
    std::fs::write(
        dir.path().join("werkstudent.md"),
        "# Werkstudent Produktmanagement (m/w/d)\n\n## Deine Aufgaben\n\n\
         - Du unterstützt unser Produktteam bei der Analyse von Nutzerdaten und Marktrecherchen\n\
         - Du bereitest Workshops mit Kundinnen und Kunden vor und dokumentierst die Ergebnisse\n\
         - Du pflegst das Backlog gemeinsam mit unseren Product Ownern und Entwicklern\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("it.md"),
        "# Responsabile di prodotto\n\nCerchiamo una persona che guidi la roadmap della nostra piattaforma di pagamento. \
         Lavorerai con i team tecnici e commerciali per definire la visione del prodotto e le sue priorità.\n\n\
         - Definire la visione e la strategia del prodotto\n- Guidare la roadmap con il team\n",
    )
    .unwrap();
    let (o, out) = run(&[s(dir.path())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert_eq!(d["de.md"]["language"], "deu");
    // no document is skipped for its language: one without a pack is read with the
    // language-neutral rules and the fallback pack, and says so
    assert_eq!(d["it.md"]["status"], "ok");
    assert!(
        d["it.md"]["reason"].as_str().unwrap().contains("language Italian (ita) has no rule pack: read with"),
        "{}",
        d["it.md"]
    );
    let roles = jsonl(out.path(), "roles.jsonl");
    let by_doc: BTreeMap<&str, &serde_json::Value> = roles.iter().map(|r| (r["doc"].as_str().unwrap(), r)).collect();
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert_eq!(
        (by_doc["de.md"]["role_id"].as_str(), by_doc["de.md"]["seniority"].as_str()),
        (Some("product-manager"), Some("senior"))
    );
    assert_eq!(by_doc["de.md"]["responsibilities"], 3);
    assert_eq!(
        (by_doc["werkstudent.md"]["role_id"].as_str(), by_doc["werkstudent.md"]["seniority"].as_str()),
        (Some("product-manager"), Some("intern"))
    );
    let req = jsonl(out.path(), "requirements.jsonl");
    let de: Vec<&serde_json::Value> = req.iter().filter(|r| r["doc"] == "de.md").collect();
    assert_eq!(de.len(), 2, "{req:?}");
    assert_eq!(de[0]["years_min"], 5);
    assert_eq!(de[1]["degree"], "Abgeschlossenes Studium");
    let resp = std::fs::read_to_string(out.path().join("responsibilities.csv")).unwrap();
    assert!(!resp.contains("Urlaub") && !resp.contains("Mindestens"), "{resp}");
}

#[test]
fn static_site_markdown_and_templates() {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // indented front matter with an entity, its title the role, a heading without a space
    w("indented.md", "  ---\n  title: Senior Product Manager\n  company: Acme &amp; Co\n  ---\n\n###What you will do\n\n- Own the product roadmap\n- Talk to customers every week\n");
    // front matter that holds the whole posting
    w(
        "yaml-only.md",
        "---\ntitle: Product Owner\ncompany: Beta\nresponsibilities:\n  - Own and order the product backlog\n  - Write user stories with acceptance criteria\nrequirements:\n  - 3+ years as a product owner\n---\n",
    );
    // bold pseudo-headings and emoji bullets
    w("bold.md", "# Product Designer\n\n**What you'll do**\n\n✅ Run usability tests with customers\n✅ Design flows and prototypes\n\n**What you bring**\n\n✅ A portfolio of shipped work\n");
    w("job.vue", "<template>\n  <div class=\"job\">\n    <h1>Product Manager</h1>\n    <ul>\n      <li>Own the product roadmap</li>\n    </ul>\n  </div>\n</template>\n<script>export default { name: \"Job\" }</script>\n");
    w("job.php", "<?php include \"header.php\"; ?>\n<div class=\"job\">\n<h2>Product Owner</h2>\n<ul>\n<li>Own the product backlog</li>\n</ul>\n</div>\n");
    // a time split is not a role
    w("split.md", "# Senior Software Engineer\n\nYour time: 50% coding, 25% project management, 25% mentoring.\n\n## Responsibilities\n\n- Build and ship backend services\n");
    let (o, out) = run(&[s(dir.path())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert_eq!(d["indented.md"]["company"], "Acme & Co");
    let roles = jsonl(out.path(), "roles.jsonl");
    let got: BTreeMap<&str, (String, u64)> = roles
        .iter()
        .map(|r| {
            let key = format!("{}/{}", r["role_id"].as_str().unwrap(), r["seniority"].as_str().unwrap());
            (r["doc"].as_str().unwrap(), (key, r["responsibilities"].as_u64().unwrap()))
        })
        .collect();
    let want: BTreeMap<&str, (String, u64)> = [
        ("bold.md", ("product-designer/mid", 2)),
        ("indented.md", ("product-manager/senior", 2)),
        ("job.php", ("product-owner/mid", 1)),
        ("job.vue", ("product-manager/mid", 1)),
        ("split.md", ("software-engineer/senior", 1)),
        ("yaml-only.md", ("product-owner/mid", 2)),
    ]
    .into_iter()
    .map(|(k, (r, n))| (k, (r.to_string(), n)))
    .collect();
    assert_eq!(got, want);
    let req = jsonl(out.path(), "requirements.jsonl");
    let docs_with_req: Vec<&str> = req.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(docs_with_req, ["bold.md", "yaml-only.md"]);
}

/// A posting text of several hundred characters, as scraped descriptions are.
fn long_posting(duty: &str) -> String {
    format!(
        "## Responsibilities\n\n- {duty}\n- Work with engineering and design to ship and measure features\n\n{}",
        "We are a friendly team that ships often and learns from customers every week. ".repeat(4)
    )
}

#[test]
fn a_record_without_a_known_text_field_gives_its_longest_string() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("feed.jsonl");
    let rec = |id: &str, duty: &str| {
        serde_json::json!({"id": id, "title": "Product Owner", "company": "Acme", "location": "Berlin, Germany",
            "job_url": "https://jobs.example.org/a-very-long-link-that-is-not-the-text-of-the-posting-at-all",
            "teaser": "Own the backlog", "summary": long_posting(duty)})
        .to_string()
    };
    std::fs::write(
        &p,
        format!(
            "{}\n{}\n{{\"id\": \"t\", \"title\": \"Product Manager\"}}\n",
            rec("a", "Own and order the product backlog"),
            rec("b", "Write user stories with clear acceptance criteria")
        ),
    )
    .unwrap();
    let (o, out) = run(&[s(&p)], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    for id in ["feed.jsonl#a", "feed.jsonl#b"] {
        assert_eq!(d[id]["status"], "ok", "{}", d[id]);
        assert!(d[id]["repairs"].to_string().contains("text-field=summary (longest string)"), "{}", d[id]);
    }
    // a record with only a title, a company and an id has no text to take
    assert!(d["feed.jsonl#t"]["reason"].as_str().unwrap().contains("no text field"), "{}", d["feed.jsonl#t"]);
    assert!(
        d["feed.jsonl"]["reason"].as_str().unwrap().contains("text-field=summary (longest string)"),
        "{}",
        d["feed.jsonl"]
    );
    let resps = jsonl(out.path(), "responsibilities.jsonl");
    assert!(resps.iter().any(|r| r["text"] == "Own and order the product backlog"), "{resps:?}");
}

#[test]
fn a_csv_is_told_by_its_content_not_only_its_column_names() {
    let dir = tempfile::tempdir().unwrap();
    // postings with no known text column: the long free-text column is the text
    let mut postings = String::from("posting_id,position,employer,city,summary_text\n");
    for (i, duty) in
        ["Own the product roadmap for card payments", "Own and order the product backlog"].iter().enumerate()
    {
        postings.push_str(&format!("p{i},Product Manager,Acme,Berlin,\"{}\"\n", long_posting(duty)));
    }
    std::fs::write(dir.path().join("scraped.csv"), postings).unwrap();
    // a ladder matrix with a Description column: short cells, level rows
    std::fs::write(
        dir.path().join("ladder.csv"),
        "Level,Title,Description\nL1,Associate Product Manager,Ships small features with guidance\nL2,Product Manager,Owns a feature area\nL3,Senior Product Manager,Owns a product area and mentors\n",
    )
    .unwrap();
    // a matrix whose headers are the levels
    std::fs::write(
        dir.path().join("matrix.csv"),
        "Description,Associate PM,Senior PM,Staff PM\nScope,A feature,A product area,Several products\nImpact,Team,Group,Company\n",
    )
    .unwrap();
    let (o, out) = run(&[s(dir.path())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert_eq!(
        d.keys().collect::<Vec<_>>(),
        ["ladder.csv", "matrix.csv", "scraped.csv", "scraped.csv#p0", "scraped.csv#p1"],
        "{d:?}"
    );
    for table in ["ladder.csv", "matrix.csv"] {
        assert!(d[table]["repairs"].to_string().contains("read as one table document"), "{}", d[table]);
    }
    assert!(d["scraped.csv#p0"]["repairs"].to_string().contains("text-field=summary_text (longest string)"));
    assert_eq!(d["scraped.csv#p0"]["company"], "Acme");

    // --text-field still makes a dump of any CSV
    let (o, out) = run(&[s(&dir.path().join("ladder.csv"))], &["--text-field", "Description"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert!(d.contains_key("ladder.csv#line2"), "{:?}", d.keys().collect::<Vec<_>>());
    assert!(!d["ladder.csv#line2"]["repairs"].to_string().contains("longest string"));
}

/// A Dutch posting (the shape of one on a Dutch job board: "Wat ga je doen?", "Wat vragen
/// wij?", "Wat bieden wij?") is read with the Dutch pack: its role, its duties (list items and
/// "je …" sentences), its requirements; benefits and the application are no duties.
#[test]
fn dutch_postings_yield_roles_duties_and_requirements() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vacature.md"),
        "# Medior Product Owner (32-40 uur)\n\n\
         Utrecht | Hybride | Fulltime | € 4.000 - € 5.200 bruto per maand\n\n\
         Bij Fietsdienst bouwen we aan het platform waarmee duizenden fietsenmakers in Nederland hun \
         afspraken, onderdelen en klanten beheren. Ons team van twaalf ontwikkelaars zoekt een collega \
         die richting geeft aan het product.\n\n\
         ## Wat ga je doen?\n\n\
         Je vertaalt de wensen van klanten en collega's naar heldere user stories. \
         Daarnaast werk je nauw samen met onze designers.\n\n\
         - Opstellen en prioriteren van de backlog samen met het ontwikkelteam\n\
         - Je bewaakt de voortgang van de sprints en stemt af met stakeholders\n\
         - Analyseren van gebruiksdata om verbeteringen te onderbouwen\n\n\
         ## Wat vragen wij?\n\n\
         - Minimaal 3 jaar ervaring als Product Owner\n\
         - Een afgeronde hbo-opleiding\n\
         - Ervaring met Scrum, Jira en Confluence\n\n\
         ## Wat bieden wij?\n\n\
         - Een goed salaris en 25 vakantiedagen\n\
         - Een reiskostenvergoeding en een laptop van de zaak\n\n\
         ## Solliciteren\n\n\
         Stuur je cv en motivatie naar werken@fietsdienst.example.\n",
    )
    .unwrap();
    let (o, out) = run(&[s(dir.path())], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = docs(out.path());
    assert_eq!(d["vacature.md"]["language"], "nld", "{}", d["vacature.md"]);
    assert_eq!(d["vacature.md"]["reason"], "", "{}", d["vacature.md"]);
    let posting = &d["vacature.md"];
    assert_eq!(
        (posting["workplace"].as_str(), posting["employment_type"].as_str()),
        (Some("hybrid"), Some("full-time"))
    );
    assert_eq!(
        (posting["salary_min"].as_f64(), posting["salary_max"].as_f64(), posting["salary_period"].as_str()),
        (Some(4000.0), Some(5200.0), Some("month")),
        "{posting}"
    );
    let roles = jsonl(out.path(), "roles.jsonl");
    assert_eq!(roles.len(), 1, "{roles:?}");
    assert_eq!((roles[0]["role_id"].as_str(), roles[0]["seniority"].as_str()), (Some("product-owner"), Some("mid")));
    let resp = jsonl(out.path(), "responsibilities.jsonl");
    let texts: Vec<&str> = resp.iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("Je vertaalt")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Opstellen en prioriteren")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Je bewaakt")), "{texts:?}");
    assert!(
        texts.iter().all(|t| !t.contains("salaris") && !t.contains("Stuur je cv") && !t.contains("jaar ervaring")),
        "{texts:?}"
    );
    let req = jsonl(out.path(), "requirements.jsonl");
    assert_eq!(req.len(), 3, "{req:?}");
    assert_eq!(req[0]["years_min"], 3, "{req:?}");
    assert!(req[1]["degree"].as_str().is_some_and(|d| d.to_lowercase().starts_with("hbo")), "{req:?}");
    // the pack's list joiners ("en") split the skills
    assert_eq!(req[2]["skills"], serde_json::json!(["Scrum", "Jira", "Confluence"]), "{req:?}");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The records of a dump, with the file's name taken out of their ids.
fn records(out: &Path, file: &str) -> Vec<serde_json::Value> {
    let mut v: Vec<serde_json::Value> = jsonl(out, "documents.jsonl")
        .into_iter()
        .filter(|d| d["doc"].as_str().unwrap().starts_with(&format!("{file}#")))
        .collect();
    for d in &mut v {
        d["doc"] = d["doc"].as_str().unwrap().replacen(file, "", 1).into();
        assert_eq!(d["source_file"], file);
        d["source_file"] = serde_json::Value::Null;
        // the copies are near-duplicates of the first file's records
        d["duplicate_of"] = serde_json::Value::Null;
    }
    v
}

/// `.csv.gz`, `.jsonl.gz`, `.md.gz` read as the file they hold; a `.json` array of
/// postings reads like the same records in JSON Lines; a `.json` that is no array is
/// skipped, saying why.
#[test]
fn gzipped_inputs_and_json_arrays_read_as_what_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("jobs.csv"), JOBSPY_CSV).unwrap();
    std::fs::write(d.join("jobs2.csv.gz"), gzip(JOBSPY_CSV.as_bytes())).unwrap();
    let records_json = [
        serde_json::json!({"id": "p-1", "title": "Product Owner", "company": "Acme", "description": "- Own and order the product backlog\n- Write user stories with the team"}),
        serde_json::json!({"id": "p-2", "title": "Senior Product Manager", "company": {"name": "Beta"}, "description": "## What you'll do\n\n- Own the product roadmap\n- Talk to customers every week"}),
    ];
    let jl: String = records_json.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(d.join("feed.jsonl"), &jl).unwrap();
    std::fs::write(d.join("feed2.jsonl.gz"), gzip(jl.as_bytes())).unwrap();
    std::fs::write(d.join("feed3.json"), serde_json::to_string_pretty(&records_json).unwrap()).unwrap();
    let page = "# Product Owner\n\n## Responsibilities\n\n- Own and order the product backlog\n- Write user stories with the team\n";
    std::fs::write(d.join("page.md"), page).unwrap();
    std::fs::write(d.join("page2.md.gz"), gzip(page.as_bytes())).unwrap();
    std::fs::write(d.join("config.json"), "{\"jobs\": []}").unwrap();
    std::fs::write(d.join("broken.csv.gz"), &gzip(JOBSPY_CSV.as_bytes())[..60]).unwrap();
    let (o, out) = run(&[s(d)], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = docs(out.path());
    assert_eq!(records(out.path(), "jobs.csv"), records(out.path(), "jobs2.csv.gz"));
    assert_eq!(records(out.path(), "jobs.csv").len(), 4);
    assert_eq!(docs["jobs2.csv.gz"]["format"], "csv");
    let feed = records(out.path(), "feed.jsonl");
    assert_eq!(feed.len(), 2);
    assert_eq!(feed, records(out.path(), "feed2.jsonl.gz"));
    // a pretty-printed array: the same records (their line numbers are the array's)
    assert_eq!(feed, records(out.path(), "feed3.json"));
    assert_eq!(docs["feed3.json"]["format"], "json");
    assert!(
        docs["feed3.json"]["reason"].as_str().unwrap().starts_with("dump of 2 record(s)"),
        "{}",
        docs["feed3.json"]
    );
    let (p1, p2) = (&docs["page.md"], &docs["page2.md.gz"]);
    assert_eq!((p2["status"].as_str(), p2["format"].as_str()), (Some("ok"), Some("markdown")), "{p2}");
    assert_eq!(
        (p1["roles"].clone(), p1["responsibilities"].clone()),
        (p2["roles"].clone(), p2["responsibilities"].clone())
    );
    let cfg = &docs["config.json"];
    assert_eq!(cfg["status"], "skipped", "{cfg}");
    assert!(cfg["reason"].as_str().unwrap().contains("opens with an object"), "{cfg}");
    // a gzipped file cut short: what it held is read, the rest is an error row
    assert!(docs.iter().any(|(k, v)| k.starts_with("broken.csv.gz") && v["status"] == "error"), "{docs:?}");
}
