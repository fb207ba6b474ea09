//! Stage 4, normalize: map found titles to canonical role ids and seniority levels, gather
//! the cues that show the level, merge roles that share a key within a document, drop
//! repeated responsibilities, and give each responsibility its categories.

use crate::clean::text;
use crate::extract::strip_numbering;
use crate::model::{DocRecord, DocResult, Extraction, RespRecord, RoleRecord, Status};
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
                    found_by: fr.rule.to_string(),
                    line: fr.line,
                    departments: Vec::new(),
                    responsibilities: 0,
                    categories: Vec::new(),
                    also_titled: Vec::new(),
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
        doc: doc_id,
        status: Status::Ok,
        reason: if roles.is_empty() { "no role defined in this document".into() } else { String::new() },
        format: meta.format.map(|f| f.as_str().to_string()).unwrap_or_default(),
        encoding: meta.encoding.clone(),
        bytes: meta.bytes,
        company,
        company_evidence: ex.company.map(|c| c.evidence),
        blocks: ex.doc.blocks.len(),
        dropped_blocks: ex.doc.dropped.len(),
        roles: roles.len(),
        responsibilities: responsibilities.len(),
        repairs: meta.repairs.clone(),
        truncated: meta.truncated.clone(),
        duplicate_of: None,
        posting: Default::default(),
    };
    DocResult { doc, roles, responsibilities }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
    }
}
