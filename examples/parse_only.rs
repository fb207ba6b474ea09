// Parse every .html file under a folder, one thread, as the cleaner parses it and as scraper
// alone does (developer aid).
fn main() {
    let dir = std::env::args().nth(1).expect("dir");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            files.push(std::fs::read_to_string(e.path()).unwrap());
        }
    }
    let bytes: usize = files.iter().map(|f| f.len()).sum();
    type Parse = fn(&str) -> scraper::Html;
    let parsers: [(&str, Parse); 2] =
        [("rolemap", rolemap::clean::parse::document), ("scraper", scraper::Html::parse_document)];
    for (name, parse) in parsers {
        let t = std::time::Instant::now();
        let mut n = 0;
        for f in &files {
            n += parse(f).tree.nodes().count();
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: {} files, {:.1} MB, {n} nodes, parse {:.2} s = {:.1} MB/s on one core",
            files.len(),
            bytes as f64 / 1e6,
            s,
            bytes as f64 / 1e6 / s
        );
    }
}
