// Show how the prose rule reads each sentence that mentions a title (developer aid).
fn main() {
    let path = std::env::args().nth(1).expect("file");
    let filter = std::env::args().nth(2).unwrap_or_default().to_lowercase();
    let rules = rolemap::rules::Rules::embedded().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let raw = rolemap::ingest::decode_doc(&path, &bytes, &Default::default());
    let c = rolemap::clean::clean(raw, &rules);
    let st = &rules.structure;
    for b in &c.blocks {
        for s in rolemap::clean::text::sentences(&b.text, &rules.structure.abbreviations) {
            if !s.to_lowercase().contains(&filter) {
                continue;
            }
            for h in rules.taxonomy.find_titles(s) {
                let before = &s[..h.start];
                let clause = before.rsplit([',', ';', ':', '(', '–', '—']).next().unwrap_or(before);
                let after = s[h.end..].trim_start();
                println!(
                    "[{}|{:?}] lead={} verb={} duty={} nond={} :: {}",
                    &s[h.start..h.end],
                    h.level.as_ref().map(|l| l.0),
                    st.prose_lead.is_match(clause.trim_start()),
                    st.prose_verbs.is_match(after),
                    st.prose_duty.is_match(after),
                    st.prose_non_duty.is_match(s),
                    s.chars().take(140).collect::<String>()
                );
            }
        }
    }
}
