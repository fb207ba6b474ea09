//! End-to-end benchmark: `cargo bench --bench pipeline`.
//!
//! Generates a synthetic corpus of HTML job postings (full pages: head, styles, scripts,
//! navigation, mobile menu, cookie banner, header, footer, JSON-LD) and times
//! `rolemap run` on it, reporting documents/s, MB/s and peak memory (max RSS of the run).
//!
//! Pages come in two shapes (ROLEMAP_BENCH_PAGE): `full` (default, about 35 KB: what a
//! saved careers page carries, a mega-menu with utility-class attributes, inline SVG icons,
//! a JSON state blob, styles and scripts around 3-4 KB of posting) and `compact` (about
//! 6.5 KB: the posting with a thin page around it, the worst case for text-heavy work).
//!
//! Environment: ROLEMAP_BENCH_DOCS (default 10000), ROLEMAP_BENCH_PAGE (full|compact),
//! ROLEMAP_BENCH_DIR (default target/bench-corpus-PAGE; reused when it already holds that
//! many documents).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() as usize) % v.len()]
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() as usize) % (hi - lo + 1)
    }
}

const TITLES: &[&str] = &[
    "Product Manager",
    "Senior Product Manager",
    "Associate Product Manager",
    "Principal Product Manager",
    "Head of Product",
    "Product Owner",
    "Technical Program Manager",
    "Project Manager",
    "Senior UX Designer",
    "Engineering Manager",
    "Software Engineer",
    "Data Scientist",
    "Technical Writer",
    "Developer Advocate",
    "Scrum Master",
    "Product Marketing Manager",
    "VP of Product",
    "Director of Engineering",
    "Staff Engineer",
];
const COMPANIES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
];
const DUTIES: &[&str] = &[
    "Own the product roadmap and align it with company strategy",
    "Talk to customers every week to understand their needs and pain points",
    "Prioritize the backlog with engineering and design",
    "Write clear requirements, user stories and acceptance criteria",
    "Define and track KPIs for your product area",
    "Plan and execute product launches with marketing and sales",
    "Run discovery experiments to test assumptions",
    "Coordinate releases across several teams and remove impediments",
    "Mentor junior team members and share what you learn",
    "Analyse usage data to decide what to build next",
    "Partner with support to resolve escalated customer issues",
    "Design prototypes and run usability tests",
    "Build and maintain relationships with external partners",
    "Manage the budget and report progress to stakeholders",
    "Write documentation and tutorials for developers using our APIs",
];
const REQS: &[&str] = &[
    "5+ years of experience in product management",
    "A degree in computer science or a related field",
    "Excellent written and verbal communication",
    "Experience with SQL and analytics tools",
    "Comfort working with ambiguity",
    "Experience in B2B SaaS",
];
const FILLER: &str = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ";

/// What a real careers site wraps around a posting: menus, icons, app state.
fn chrome(s: &mut String, i: usize, rng: &mut Lcg, company: &str) {
    let cls = "class=\"flex items-center gap-2 px-3 py-2 text-sm font-medium text-gray-700 hover:text-gray-900 hover:bg-gray-50 rounded-md transition-colors duration-150\"";
    s.push_str("<div class=\"megamenu hidden lg:block\" aria-label=\"Main\"><nav>");
    for col in ["Products", "Solutions", "Resources", "Company", "Careers", "Partners"] {
        let _ =
            write!(s, "<div class=\"megamenu-column\"><h4 class=\"text-xs uppercase tracking-wide\">{col}</h4><ul>");
        for k in 0..12 {
            let _ = write!(s, "<li><a {cls} href=\"/{}/{k}?utm_source=nav&amp;utm_medium=menu\" data-track=\"nav-{col}-{k}\"><svg class=\"h-4 w-4\" viewBox=\"0 0 24 24\"><path d=\"M12 2L2 7l10 5 10-5-10-5zm0 13l-10-5v6l10 5 10-5v-6l-10 5z\"/></svg><span>{col} item {k}</span></a></li>", col.to_lowercase());
        }
        s.push_str("</ul></div>");
    }
    s.push_str("</nav></div>\n");
    let _ = write!(s, "<script id=\"__APP_STATE__\" type=\"application/json\">{{\"company\":\"{company}\",\"build\":\"{i}\",\"flags\":[");
    for k in 0..rng.range(120, 220) {
        let _ = write!(
            s,
            "{{\"key\":\"feature_{k}\",\"enabled\":{},\"variant\":\"v{}\",\"rollout\":0.{k}}},",
            k % 2 == 0,
            k % 3
        );
    }
    s.push_str("{}]}</script>\n");
    s.push_str("<style>");
    for k in 0..60 {
        let _ = write!(s, ".c{k}{{margin:{k}px;padding:{}px;color:#{:06x}}}", k % 7, k * 4099);
    }
    s.push_str("</style>\n");
}

fn page(i: usize, rng: &mut Lcg, full: bool) -> String {
    let title = rng.pick(TITLES);
    let company = rng.pick(COMPANIES);
    let mut s = String::with_capacity(16 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} at {company} | Careers</title>\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"stylesheet\" href=\"/assets/site.{i}.css\">\n\
<style>body{{font-family:sans-serif;margin:0}}.nav{{display:flex}}.hero{{padding:2rem}}.btn{{border-radius:4px}}</style>\n\
<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"JobPosting\",\"title\":\"{title}\",\"hiringOrganization\":{{\"@type\":\"Organization\",\"name\":\"{company}\"}},\"datePosted\":\"2024-0{}-1{}\"}}</script>\n\
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}};gtag('js',new Date());gtag('config','G-XXXX');</script>\n\
</head>\n<body class=\"page-job\">\n",
        1 + i % 9,
        i % 10
    );
    if full {
        chrome(&mut s, i, rng, company);
    }
    s.push_str("<div class=\"cookie-banner\" role=\"dialog\"><p>We use cookies to improve your experience.</p><button>Accept all cookies</button></div>\n");
    s.push_str("<header class=\"site-header\"><a class=\"logo\" href=\"/\">Logo</a><nav class=\"nav\"><ul>");
    for l in ["Jobs", "Teams", "Locations", "Benefits", "Students", "Blog", "About us"] {
        let _ = write!(s, "<li><a href=\"/{}\">{l}</a></li>", l.to_lowercase());
    }
    s.push_str("</ul></nav><div class=\"mobile-menu\" aria-hidden=\"true\"><ul><li>Jobs</li><li>Teams</li><li>Blog</li></ul></div></header>\n");
    let _ = write!(s, "<main id=\"content\">\n<article class=\"job\">\n<h1>{title}</h1>\n<p class=\"meta\">{company} · Berlin or Remote · Full-time</p>\n");
    let _ = write!(
        s,
        "<h2>About {company}</h2>\n<p>{company} builds tools for teams. {}</p>\n",
        FILLER.repeat(rng.range(2, 5))
    );
    let _ = write!(
        s,
        "<h2>About the role</h2>\n<p>As a {title} at {company}, you will shape how our customers work. {}</p>\n",
        FILLER.repeat(2)
    );
    s.push_str("<h2>What you'll do</h2>\n<ul>\n");
    for _ in 0..rng.range(5, 9) {
        let _ = writeln!(s, "  <li>{}</li>", rng.pick(DUTIES));
    }
    s.push_str("</ul>\n<h2>What you bring</h2>\n<ul>\n");
    for _ in 0..rng.range(3, 6) {
        let _ = writeln!(s, "  <li>{}</li>", rng.pick(REQS));
    }
    s.push_str("</ul>\n<h2>Benefits</h2>\n<ul><li>Remote-friendly</li><li>Learning budget</li><li>30 days of holiday</li></ul>\n");
    let _ = writeln!(s, "<p>{company} is an equal opportunity employer. {}</p>", FILLER);
    s.push_str("<a class=\"btn apply\" href=\"#apply\">Apply now</a>\n</article>\n");
    s.push_str("<aside class=\"related-jobs\"><h3>Similar jobs</h3><ul><li>Designer</li><li>Engineer</li><li>Analyst</li></ul></aside>\n</main>\n");
    s.push_str("<div class=\"newsletter\"><h3>Subscribe to our newsletter</h3><form><input type=\"email\"><button>Sign up</button></form></div>\n");
    s.push_str("<footer class=\"site-footer\"><ul>");
    for l in ["Privacy Policy", "Terms of Use", "Imprint", "Sitemap", "Contact us"] {
        let _ = write!(s, "<li><a href=\"#\">{l}</a></li>");
    }
    let _ = writeln!(s, "</ul><p>© 2024 {company}. All rights reserved.</p></footer>");
    for k in 0..rng.range(2, 5) {
        let _ = write!(s, "<script src=\"/assets/chunk.{k}.{i}.js\" defer></script>\n<script>(function(){{var x={k};{}}})();</script>\n", "console.log(x);".repeat(40));
    }
    s.push_str(
        "<svg style=\"display:none\"><symbol id=\"i\"><path d=\"M0 0h24v24H0z\"/></symbol></svg>\n</body>\n</html>\n",
    );
    s
}

fn generate(dir: &Path, n: usize, full: bool) -> u64 {
    let marker = dir.join(".complete");
    if std::fs::read_to_string(&marker).ok().and_then(|s| s.trim().parse::<usize>().ok()) == Some(n) {
        return walk_size(dir);
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Lcg(42);
    let mut total = 0u64;
    for i in 0..n {
        let sub = dir.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&sub).unwrap();
        let p = page(i, &mut rng, full);
        total += p.len() as u64;
        std::fs::write(sub.join(format!("posting-{i:05}.html")), p).unwrap();
    }
    std::fs::write(marker, n.to_string()).unwrap();
    total
}

fn walk_size(dir: &Path) -> u64 {
    let mut t = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let m = e.metadata().unwrap();
        if m.is_dir() {
            t += walk_size(&e.path());
        } else if e.path().extension().is_some_and(|x| x == "html") {
            t += m.len();
        }
    }
    t
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("ROLEMAP_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let shape = std::env::var("ROLEMAP_BENCH_PAGE").unwrap_or_else(|_| "full".into());
    let full = match shape.as_str() {
        "full" => true,
        "compact" => false,
        other => panic!("ROLEMAP_BENCH_PAGE must be full or compact, not {other:?}"),
    };
    let dir = std::env::var("ROLEMAP_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-corpus-{shape}")));
    let t = Instant::now();
    let bytes = generate(&dir, n, full);
    eprintln!(
        "corpus: {n} {shape} HTML postings, {:.1} MB ({:.1} KB each) in {} ({:.1} s to prepare)",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64 / 1e3,
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    let out = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_rolemap"))
        .args(["run", "--quiet", "--corpus"])
        .arg(&dir)
        .arg("--out")
        .arg(out.path())
        .arg("--rules")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .status()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(status.success(), "rolemap run failed: {status}");
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let peak_mb = ru.ru_maxrss as f64 / 1024.0;
    let roles = std::fs::read_to_string(out.path().join("roles.csv")).unwrap().lines().count() - 1;
    let mb = bytes as f64 / 1e6;
    println!(
        "rolemap run ({shape} pages): {n} documents, {mb:.1} MB in {secs:.2} s: {:.0} documents/s, {:.1} MB/s, peak memory {peak_mb:.0} MB, {roles} roles",
        n as f64 / secs,
        mb / secs
    );
}
