//! End-to-end benchmark: `cargo bench --bench pipeline`.
//!
//! Generates a synthetic corpus of job postings and times `rolemap run` on it (the median
//! of ROLEMAP_BENCH_RUNS runs after a warm-up), reporting documents/s, MB/s and the run's
//! peak resident memory.
//!
//! Three shapes (ROLEMAP_BENCH_PAGE, `all` for each in turn):
//! - `full` (default, about 50 KB a page): what a saved careers page carries, a mega-menu
//!   with utility-class attributes, inline SVG icons, a JSON state blob, styles, scripts,
//!   cookie banner, header and footer around 3-4 KB of posting, JSON-LD in the head;
//! - `compact` (about 6.5 KB): the posting with a thin page around it, the text-heavy case
//!   where the cost per document, not per byte, rules;
//! - `dump`: JobSpy-style CSV files of 1,000 records each (Markdown descriptions).
//!
//! Environment: ROLEMAP_BENCH_DOCS (default 10000), ROLEMAP_BENCH_PAGE, ROLEMAP_BENCH_RUNS
//! (default 1), ROLEMAP_BENCH_DIR (default target; the corpus goes to DIR/bench-corpus-PAGE
//! and is reused when it already holds that many documents of this generator), ROLEMAP_BENCH_PYTHON (a Python with trafilatura and
//! find-job-titles: the HTML shapes are then also run through benches/chain.py, two
//! processes on halves of the corpus, and the ratio of wall times is printed),
//! ROLEMAP_BENCH_COLD=1 (the corpus is dropped from the page cache before each run, as a new
//! download or a folder not read for a while is: root only, through /proc/sys/vm/drop_caches;
//! the binary, the rules and the chain's Python are read back first, so only the corpus comes
//! from the disk; the drop is for the whole machine, and does nothing to a corpus on tmpfs).

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
/// Prose as a careers page writes it (real postings are English prose, not lorem ipsum:
/// language detection and the prose rules read it as they read a real page).
const FILLER: &[&str] = &[
    "We are a small team with a big mission, and we care about the people who use what we build. ",
    "Our customers range from startups to some of the largest companies in the world. ",
    "You will work closely with colleagues across the business and learn from each of them. ",
    "We believe that the best work happens when people have the time and the space to think. ",
    "Since our founding we have grown quickly, and we are still looking for curious people. ",
    "We offer flexible working hours, a generous learning budget and a friendly office. ",
];

/// Between `lo` and `hi` lines picked from `list`, each between the two marks.
fn items(s: &mut String, rng: &mut Lcg, list: &[&str], (lo, hi): (usize, usize), (open, close): (&str, &str)) {
    for _ in 0..rng.range(lo, hi) {
        let _ = writeln!(s, "{open}{}{close}", rng.pick(list));
    }
}

/// Between `lo` and `hi` sentences of prose.
fn prose(rng: &mut Lcg, lo: usize, hi: usize) -> String {
    let n = rng.range(lo, hi);
    (0..n).map(|_| rng.pick(FILLER)).collect()
}

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
    let _ = write!(s, "<h2>About {company}</h2>\n<p>{company} builds tools for teams. {}</p>\n", prose(rng, 4, 10));
    let _ = write!(
        s,
        "<h2>About the role</h2>\n<p>As a {title} at {company}, you will shape how our customers work. {}</p>\n",
        prose(rng, 4, 4)
    );
    s.push_str("<h2>What you'll do</h2>\n<ul>\n");
    items(&mut s, rng, DUTIES, (5, 9), ("  <li>", "</li>"));
    s.push_str("</ul>\n<h2>What you bring</h2>\n<ul>\n");
    items(&mut s, rng, REQS, (3, 6), ("  <li>", "</li>"));
    s.push_str("</ul>\n<h2>Benefits</h2>\n<ul><li>Remote-friendly</li><li>Learning budget</li><li>30 days of holiday</li></ul>\n");
    let _ = writeln!(s, "<p>{company} is an equal opportunity employer. {}</p>", prose(rng, 2, 2));
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

/// A JobSpy-style CSV record (the columns JobSpy writes; the description in Markdown).
fn dump_record(i: usize, rng: &mut Lcg, out: &mut csv::Writer<Vec<u8>>) {
    let title = rng.pick(TITLES);
    let company = rng.pick(COMPANIES);
    let mut d = String::new();
    let _ = write!(d, "**About {company}**\n\n{company} builds tools for teams. {}\n\n", prose(rng, 3, 8));
    let _ = write!(
        d,
        "**The role**\n\nAs a {title} at {company}, you will shape how our customers work. {}\n\n",
        prose(rng, 2, 2)
    );
    d.push_str("**What you'll do**\n\n");
    items(&mut d, rng, DUTIES, (5, 9), ("* ", ""));
    d.push_str("\n**What you bring**\n\n");
    items(&mut d, rng, REQS, (3, 6), ("* ", ""));
    let _ = write!(d, "\n{company} is an equal opportunity employer.");
    let id = format!("{:016x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let url = format!("https://www.indeed.com/viewjob?jk={id}");
    let date = format!("2025-0{}-1{}", 1 + i % 9, i % 10);
    let min = 40_000 + 1_000 * rng.range(0, 60);
    let (min_s, max_s) = (min.to_string(), (min + 20_000).to_string());
    let fields: [&str; 21] = [
        &id,
        "indeed",
        &url,
        "",
        title,
        company,
        "Berlin, BE, DE",
        "fulltime",
        &date,
        "direct_data",
        "yearly",
        &min_s,
        &max_s,
        "EUR",
        "False",
        "",
        "",
        "Software Development",
        "",
        "",
        &d,
    ];
    out.write_record(fields).unwrap();
}

const DUMP_HEADER: [&str; 21] = [
    "id",
    "site",
    "job_url",
    "job_url_direct",
    "title",
    "company",
    "location",
    "job_type",
    "date_posted",
    "salary_source",
    "interval",
    "min_amount",
    "max_amount",
    "currency",
    "is_remote",
    "job_level",
    "job_function",
    "company_industry",
    "listing_type",
    "emails",
    "description",
];
/// Bump when the pages change.
const GENERATOR: u32 = 2;

/// Records per dump file (a JobSpy scrape writes one CSV per search).
const DUMP_RECORDS: usize = 1000;

fn generate(dir: &Path, n: usize, shape: Shape) -> u64 {
    let marker = dir.join(".complete");
    // the marker names the generator's version: a corpus of an older generator is rebuilt
    let stamp = format!("{n} {shape:?} documents, generator {GENERATOR}");
    if std::fs::read_to_string(&marker).is_ok_and(|s| s.trim() == stamp) {
        return walk_size(dir);
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Lcg(42);
    let mut total = 0u64;
    if shape == Shape::Dump {
        for f in 0..n.div_ceil(DUMP_RECORDS) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(DUMP_HEADER).unwrap();
            for i in f * DUMP_RECORDS..((f + 1) * DUMP_RECORDS).min(n) {
                dump_record(i, &mut rng, &mut w);
            }
            let bytes = w.into_inner().unwrap();
            total += bytes.len() as u64;
            std::fs::write(dir.join(format!("jobspy-{f:03}.csv")), bytes).unwrap();
        }
    } else {
        for i in 0..n {
            let sub = dir.join(format!("{:03}", i / 1000));
            std::fs::create_dir_all(&sub).unwrap();
            let p = page(i, &mut rng, shape == Shape::Full);
            total += p.len() as u64;
            std::fs::write(sub.join(format!("posting-{i:05}.html")), p).unwrap();
        }
    }
    std::fs::write(marker, stamp).unwrap();
    total
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            corpus_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html" || x == "csv") {
            out.push(p);
        }
    }
}

fn walk_size(dir: &Path) -> u64 {
    let mut files = Vec::new();
    corpus_files(dir, &mut files);
    files.iter().map(|p| p.metadata().unwrap().len()).sum()
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Shape {
    Full,
    Compact,
    Dump,
}

/// The Python chain a user would otherwise glue together (benches/chain.py: trafilatura,
/// then find-job-titles), two processes on halves of the corpus; its wall time.
fn python_chain(python: &str, files: &[PathBuf]) -> f64 {
    let half = files.len() / 2;
    let out = tempfile::tempdir().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/chain.py");
    let t = Instant::now();
    let children: Vec<_> = [&files[..half], &files[half..]]
        .iter()
        .enumerate()
        .map(|(k, part)| {
            Command::new(python).arg(&script).arg(out.path().join(format!("{k}.jsonl"))).args(*part).spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "the Python chain failed");
    }
    t.elapsed().as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("ROLEMAP_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let name = std::env::var("ROLEMAP_BENCH_PAGE").unwrap_or_else(|_| "full".into());
    let shapes: Vec<(&str, Shape)> = match name.as_str() {
        "full" => vec![("full", Shape::Full)],
        "compact" => vec![("compact", Shape::Compact)],
        "dump" => vec![("dump", Shape::Dump)],
        "all" => vec![("full", Shape::Full), ("compact", Shape::Compact), ("dump", Shape::Dump)],
        other => panic!("ROLEMAP_BENCH_PAGE must be full, compact, dump or all, not {other:?}"),
    };
    let runs: usize = std::env::var("ROLEMAP_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let chain = std::env::var("ROLEMAP_BENCH_PYTHON").ok();
    for (shape_name, shape) in shapes {
        bench_shape(n, shape_name, shape, runs, chain.as_deref());
    }
}

fn bench_shape(n: usize, shape_name: &str, shape: Shape, runs: usize, chain: Option<&str>) {
    let root = std::env::var("ROLEMAP_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = root.join(format!("bench-corpus-{shape_name}"));
    let t = Instant::now();
    let bytes = generate(&dir, n, shape);
    eprintln!(
        "corpus: {n} {shape_name} postings, {:.1} MB ({:.1} KB each) in {} ({:.1} s to prepare)",
        bytes as f64 / 1e6,
        bytes as f64 / n as f64 / 1e3,
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    // the median of `runs` runs after a warm-up run (which fills the page cache, unless cold)
    let cold = std::env::var("ROLEMAP_BENCH_COLD").is_ok_and(|v| v == "1");
    let mut times = Vec::new();
    let mut peak_mb = 0.0f64;
    let mut roles = 0;
    for k in 0..=runs {
        let out = tempfile::tempdir().unwrap();
        if cold {
            drop_page_cache();
        }
        let t = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_rolemap"))
            .args(["run", "--quiet", "--corpus"])
            .arg(&dir)
            .arg("--out")
            .arg(out.path())
            .arg("--rules")
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules"))
            .spawn()
            .unwrap();
        let (ok, peak) = wait_with_peak(&mut child);
        let secs = t.elapsed().as_secs_f64();
        assert!(ok, "rolemap run failed");
        if k > 0 {
            times.push(secs);
        }
        peak_mb = peak_mb.max(peak);
        roles = std::fs::read_to_string(out.path().join("roles.csv")).unwrap().lines().count() - 1;
    }
    times.sort_by(f64::total_cmp);
    let secs = times[times.len() / 2];
    let mb = bytes as f64 / 1e6;
    println!(
        "rolemap run ({shape_name}{}): {n} documents, {mb:.1} MB in {secs:.2} s (median of {}): {:.0} documents/s, {:.1} MB/s, peak memory {peak_mb:.0} MB, {roles} roles",
        if cold { ", cold" } else { "" },
        times.len(),
        n as f64 / secs,
        mb / secs
    );
    if let (Some(python), true) = (chain, shape != Shape::Dump) {
        // the files are listed before the cache is dropped: rolemap lists its corpus inside
        // its time, the chain is given its files
        let mut files = Vec::new();
        corpus_files(&dir, &mut files);
        files.sort();
        let mut chain_times: Vec<f64> = (0..runs.min(3))
            .map(|_| {
                if cold {
                    drop_page_cache();
                    // the chain's Python and libraries are read back too: only the corpus is cold
                    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/chain.py");
                    let _ = Command::new(python).arg(&script).arg("/dev/null").status();
                }
                python_chain(python, &files)
            })
            .collect();
        chain_times.sort_by(f64::total_cmp);
        let c = chain_times[chain_times.len() / 2];
        println!(
            "python chain ({shape_name}, trafilatura + find-job-titles, 2 processes): {c:.2} s: rolemap takes 1/{:.1} of its wall time",
            c / secs
        );
    }
}

/// Empty the page cache (`ROLEMAP_BENCH_COLD`), then read back the binary and the rules, so
/// that only the corpus is read from the disk.
fn drop_page_cache() {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3")
        .expect("ROLEMAP_BENCH_COLD=1 needs root: it writes /proc/sys/vm/drop_caches");
    let _ = std::fs::read(env!("CARGO_BIN_EXE_rolemap"));
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    for e in walkdir::WalkDir::new(rules).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let _ = std::fs::read(e.path());
    }
}

/// Wait for a child and read its own peak resident memory (wait4's rusage), in MB.
fn wait_with_peak(child: &mut std::process::Child) -> (bool, f64) {
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut ru) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    (libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, ru.ru_maxrss as f64 / 1024.0)
}
