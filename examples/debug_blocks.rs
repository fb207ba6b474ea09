// Print the cleaned blocks and dropped blocks of one file (developer aid).
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let rules = rolemap::rules::Rules::embedded().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let raw = rolemap::ingest::decode_doc(&path, &bytes, &Default::default());
    let c = rolemap::clean::clean(raw, &rules);
    for b in &c.blocks {
        println!("{:>4} {:?} {}", b.line, b.kind, b.text.chars().take(100).collect::<String>());
    }
    for d in &c.dropped {
        println!("DROP {:>4} {} {}", d.line, d.rule, d.text.chars().take(80).collect::<String>());
    }
}
