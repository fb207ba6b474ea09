//! YAML front matter: metadata, not body text.

use std::collections::BTreeMap;
use yaml_rust2::{Yaml, YamlLoader};

/// Take the front matter off `text`: its lines are blanked (so line numbers stay true) and
/// its scalar values returned with lower-case keys. Lists of scalars are joined with "; ".
pub fn take(text: &mut String) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.split_inclusive('\n');
    let mut offset = 0;
    // the front matter opens on the first non-blank line
    let mut open = None;
    for l in lines.by_ref() {
        if l.trim().is_empty() {
            offset += l.len();
            continue;
        }
        if l.trim() == "---" {
            open = Some((offset, l.len() - l.trim_start().len()));
        }
        offset += l.len();
        break;
    }
    let Some((start, _indent)) = open else { return out };
    let body_start = offset;
    let mut end = None;
    for (n, l) in lines.enumerate() {
        if n > 500 {
            break;
        }
        let t = l.trim();
        if t == "---" || t == "..." {
            end = Some((offset, offset + l.len()));
            break;
        }
        offset += l.len();
    }
    let Some((yaml_end, fm_end)) = end else { return out };
    let yaml = dedent(&text[body_start..yaml_end]);
    match YamlLoader::load_from_str(&yaml) {
        Ok(docs) => {
            if let Some(Yaml::Hash(h)) = docs.first() {
                for (k, v) in h {
                    if let (Some(k), Some(v)) = (scalar(k), value(v)) {
                        out.insert(k.to_lowercase(), v);
                    }
                }
            }
        }
        Err(_) => {
            for l in yaml.lines() {
                if let Some((k, v)) = l.split_once(':') {
                    let (k, v) = (k.trim(), v.trim().trim_matches(['"', '\'']));
                    if !k.is_empty() && !v.is_empty() && !k.starts_with([' ', '-']) {
                        out.insert(k.to_lowercase(), v.to_string());
                    }
                }
            }
        }
    }
    let blanked: String = text[start..fm_end].chars().filter(|&c| c == '\n').collect();
    text.replace_range(start..fm_end, &blanked);
    out
}

fn dedent(s: &str) -> String {
    let indent = s.lines().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    s.lines().map(|l| if l.len() >= indent { &l[indent..] } else { l.trim_start() }).collect::<Vec<_>>().join("\n")
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.trim().to_string()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn value(y: &Yaml) -> Option<String> {
    match y {
        Yaml::Array(a) => {
            let v: Vec<String> = a.iter().filter_map(scalar).collect();
            (!v.is_empty()).then(|| v.join("; "))
        }
        _ => scalar(y).filter(|s| !s.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_front_matter_and_keeps_lines() {
        let mut t = "---\ntitle : Roles \nemail: mailto:a@acme.io\ntags: [a, b]\n---\n\nBody\n".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["title"], "Roles");
        assert_eq!(fm["email"], "mailto:a@acme.io");
        assert_eq!(fm["tags"], "a; b");
        assert_eq!(t, "\n\n\n\n\n\nBody\n");
    }

    #[test]
    fn indented_front_matter() {
        let mut t = "  ---\n  company: Acme\n  ---\nBody".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["company"], "Acme");
        assert_eq!(t.lines().last(), Some("Body"));
    }

    #[test]
    fn no_front_matter_no_change() {
        let mut t = "Title\n---\nBody".to_string();
        assert!(take(&mut t).is_empty());
        assert_eq!(t, "Title\n---\nBody");
    }

    #[test]
    fn broken_yaml_falls_back_to_lines() {
        let mut t = "---\ntitle: a: b: [\ncompany: Acme\n---\nx".to_string();
        let fm = take(&mut t);
        assert_eq!(fm["company"], "Acme");
    }
}
