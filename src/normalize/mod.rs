//! Stage 4, normalize: map found titles to canonical role ids and seniority levels, gather
//! the cues that show the level, merge roles that share a key within a document, drop
//! repeated responsibilities, and give each responsibility its categories.

use crate::clean::text;
use crate::extract::strip_numbering;
use crate::model::{DocRecord, DocResult, Extraction, ReqRecord, RespRecord, RoleRecord, Status};
use crate::rules::Rules;
use std::collections::HashSet;

/// Role id given to a title that maps to no role of the taxonomy.
pub const UNMAPPED: &str = "unmapped";
/// Most cues reported per role.
const MAX_CUES: usize = 6;

/// Normalize one document's extraction into output records.
pub fn normalize(ex: Extraction, rules: &Rules) -> DocResult {
    let tax = &rules.taxonomy;
    let doc_id = ex.doc.meta.id.clone();
    let company = ex.company.as_ref().map(|c| c.name.clone());
    let mut roles: Vec<RoleRecord> = Vec::new();
    let mut items: Vec<Vec<RespRecord>> = Vec::new();
    let mut seen: Vec<HashSet<String>> = Vec::new();
    let mut contexts: Vec<Vec<String>> = Vec::new();
    let mut requirements: Vec<ReqRecord> = Vec::new();

    for fr in &ex.roles {
        let (role_id, label, family, level, title_cue) = match &fr.hit {
            Some(h) => {
                let r = &tax.roles[h.role];
                let level = h.level.as_ref().map_or(tax.default_level, |l| l.0);
                (r.id.clone(), r.label.clone(), r.family.clone(), level, h.level.clone())
            }
            None => (UNMAPPED.to_string(), String::new(), String::new(), tax.default_level, None),
        };
        let seniority = tax.levels[level].id.clone();
        let idx = match roles.iter().position(|r| r.role_id == role_id && r.seniority == seniority) {
            Some(i) => {
                if roles[i].title != fr.title && !roles[i].also_titled.contains(&fr.title) {
                    roles[i].also_titled.push(fr.title.clone());
                }
                i
            }
            None => {
                roles.push(RoleRecord {
                    doc: doc_id.clone(),
                    company: company.clone(),
                    title: fr.title.clone(),
                    role_id,
                    role_label: label,
                    family,
                    seniority,
                    seniority_order: level,
                    seniority_cues: Vec::new(),
                    seniority_rules: Vec::new(),
                    title_rule: fr.hit.as_ref().map(|h| h.rule.clone()).unwrap_or_default(),
                    title_key: fr.key.clone(),
                    found_by: fr.rule.to_string(),
                    title_source: fr.source.clone(),
                    note: fr.note.clone(),
                    line: fr.line,
                    departments: Vec::new(),
                    responsibilities: 0,
                    categories: Vec::new(),
                    also_titled: Vec::new(),
                    esco_uri: None,
                    esco_label: None,
                    isco08: None,
                    onet_soc: None,
                    onet_title: None,
                    code_evidence: String::new(),
                });
                items.push(Vec::new());
                seen.push(HashSet::new());
                contexts.push(Vec::new());
                roles.len() - 1
            }
        };
        let rec = &mut roles[idx];
        if let Some((_, cue, rule)) = title_cue {
            push_unique(&mut rec.seniority_cues, cue);
            push_unique(&mut rec.seniority_rules, rule);
        }
        for d in &fr.departments {
            push_unique(&mut rec.departments, d.clone());
        }
        contexts[idx].extend(fr.context.iter().cloned());
        for (line, t, nice) in &fr.requirements {
            requirements.push(requirement(rules, rec, *line, t, *nice));
        }
        let title_key = text::key(&rec.title);
        for it in &fr.items {
            let t = strip_numbering(&it.text).to_string();
            let k = text::key(&t);
            if k.is_empty() || k == title_key || !seen[idx].insert(k) {
                continue;
            }
            let cats = rules.categorize(&t);
            items[idx].push(RespRecord {
                doc: doc_id.clone(),
                company: company.clone(),
                role_id: rec.role_id.clone(),
                seniority: rec.seniority.clone(),
                title: rec.title.clone(),
                text: t,
                raw: it.text.clone(),
                line: it.line,
                departments: Vec::new(),
                rule: it.rule.to_string(),
                section: it.section.clone(),
                group: it.group.clone(),
                detail: it.detail.clone(),
                category_rules: cats.iter().map(|&c| format!("category:{}", rules.categories[c].id)).collect(),
                categories: cats.iter().map(|&c| rules.categories[c].id.clone()).collect(),
            });
        }
    }

    // seniority shown by the text of the role's own section
    for (i, rec) in roles.iter_mut().enumerate() {
        if rec.role_id == UNMAPPED || rec.seniority_order == tax.default_level {
            continue;
        }
        let level = rec.seniority_order;
        let mut found = false;
        for t in contexts[i].iter() {
            for cue in tax.text_cues(level, t) {
                found = true;
                if rec.seniority_cues.len() < MAX_CUES {
                    push_unique(&mut rec.seniority_cues, cue);
                }
            }
        }
        if found {
            push_unique(&mut rec.seniority_rules, format!("seniority:{}:text", tax.levels[level].id));
        }
    }

    let mut responsibilities = Vec::new();
    for (rec, its) in roles.iter_mut().zip(items) {
        rec.responsibilities = its.len();
        let mut cats: Vec<usize> = its
            .iter()
            .flat_map(|r| r.categories.iter().filter_map(|c| rules.categories.iter().position(|k| &k.id == c)))
            .collect();
        cats.sort_unstable();
        cats.dedup();
        rec.categories = cats.into_iter().map(|c| rules.categories[c].id.clone()).collect();
        responsibilities.extend(its.into_iter().map(|mut r| {
            r.departments = rec.departments.clone();
            r
        }));
    }

    let meta = &ex.doc.meta;
    let doc = DocRecord {
        doc: doc_id.clone(),
        status: Status::Ok,
        reason: if roles.is_empty() { "no role defined in this document".into() } else { String::new() },
        format: meta.format.map(|f| f.as_str().to_string()).unwrap_or_default(),
        encoding: meta.encoding.clone(),
        bytes: meta.bytes,
        company,
        company_evidence: ex.company.map(|c| c.evidence),
        shape: ex.shape.clone(),
        blocks: ex.doc.blocks.len(),
        dropped_blocks: ex.doc.dropped.len(),
        roles: roles.len(),
        responsibilities: responsibilities.len(),
        repairs: meta.repairs.clone(),
        truncated: meta.truncated.clone(),
        duplicate_of: None,
        language: None,
        posting: Default::default(),
        title: title(&ex.doc.blocks),
        source_file: meta.origin.as_ref().map_or_else(|| doc_id.clone(), |o| o.file.clone()),
        record_id: meta.origin.as_ref().and_then(|o| o.record_id.clone()),
        position: meta.origin.as_ref().and_then(|o| o.position),
        url: meta.source.as_ref().and_then(|s| s.url.clone()),
        extra: meta.extra.clone(),
    };
    DocResult { doc, roles, responsibilities, requirements }
}

/// Longest document title kept, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// A document's title: its first heading of the highest level it has (`# Product Roles`
/// before `## Product Manager`), cut at `MAX_TITLE_CHARS`.
fn title(blocks: &[crate::model::Block]) -> Option<String> {
    let level = |b: &crate::model::Block| match b.kind {
        crate::model::BlockKind::Heading { level } => Some(level),
        _ => None,
    };
    let top = blocks.iter().filter_map(level).min()?;
    let b = blocks.iter().find(|b| level(b) == Some(top))?;
    let t = b.text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then(|| t.chars().take(MAX_TITLE_CHARS).collect())
}

/// Read a requirement: years of experience, degree and skills (`structure.toml`
/// `[requirements]`).
fn requirement(rules: &Rules, role: &RoleRecord, line: usize, text: &str, nice: bool) -> ReqRecord {
    let st = &rules.structure;
    let (mut years_min, mut years_max) = (None, None);
    if let Some(c) = st.req_years.captures(text) {
        years_min = c.name("min").and_then(|m| m.as_str().parse::<u32>().ok());
        years_max = c.name("max").and_then(|m| m.as_str().parse::<u32>().ok()).filter(|&m| Some(m) >= years_min);
    }
    let degree = st.req_degree.find(text).map(|m| m.as_str().to_string());
    let mut skills = Vec::new();
    for c in st.req_skills.captures_iter(text) {
        let Some(list) = c.name("list") else { continue };
        let mut parts: Vec<String> = list.as_str().split([',', ';']).map(str::to_string).collect();
        for j in &st.list_joiners {
            let sep = format!(" {j} ");
            parts = parts.iter().flat_map(|p| p.split(sep.as_str()).map(str::to_string).collect::<Vec<_>>()).collect();
        }
        for part in &parts {
            let mut p = part.trim();
            for j in &st.list_joiners {
                p = p.strip_prefix(j.as_str()).and_then(|r| r.strip_prefix(' ')).unwrap_or(p);
            }
            let p = p.trim();
            let p = p.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '#');
            if !p.is_empty() && p.split_whitespace().count() <= 6 {
                push_unique(&mut skills, p.to_string());
            }
        }
    }
    ReqRecord {
        doc: role.doc.clone(),
        company: role.company.clone(),
        role_id: role.role_id.clone(),
        seniority: role.seniority.clone(),
        title: role.title.clone(),
        text: text.to_string(),
        line,
        kind: if nice { "nice-to-have" } else { "required" }.to_string(),
        years_min,
        years_max,
        degree,
        skills,
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::process_text;
    use crate::rules::Rules;

    #[test]
    fn requirements_are_read_not_counted_as_duties() {
        let r = process_text(
            "p.md",
            "# Senior Product Manager\n\n## What you'll do\n\n- Own the product roadmap\n\n\
             ## What you bring\n\n- 5+ years of product management experience\n\
             - 3-5 years in B2B SaaS\n- Bachelor's degree in Computer Science or a related field\n\
             - Experience with SQL, Amplitude and A/B testing\n\n## Nice to have\n\n- An MBA\n",
            Rules::shipped(),
        );
        assert_eq!(r.responsibilities.len(), 1);
        let q = &r.requirements;
        assert_eq!(q.len(), 5, "{q:#?}");
        assert_eq!((q[0].years_min, q[0].years_max, q[0].kind.as_str()), (Some(5), None, "required"));
        assert_eq!((q[1].years_min, q[1].years_max), (Some(3), Some(5)));
        assert_eq!(q[2].degree.as_deref(), Some("Bachelor's degree"));
        assert_eq!(q[3].skills, ["SQL", "Amplitude", "A/B testing"]);
        assert_eq!((q[4].kind.as_str(), q[4].degree.as_deref()), ("nice-to-have", Some("MBA")));
        assert!(q.iter().all(|x| x.role_id == "product-manager" && x.seniority == "senior"));
    }
}
