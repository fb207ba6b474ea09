//! Score results against a gold annotation, in the same sense as `shared/eval/score.py`
//! (same tokenization, matching and counting), so that `rolemap eval` and the scorer agree.

use crate::model::{RespRecord, RoleRecord};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

const STOP: &str = "a an the and or of to in on for with by at from as is are be been being it its
this that these those their our my your his her we i you they them us me who which what when
how all any can will would should must may also into over under than then there here so such
not no do does did has have had per via etc";

#[derive(Debug, Clone, Deserialize)]
pub struct GoldRole {
    pub role_id: String,
    pub seniority: String,
    #[serde(default)]
    pub responsibilities: Vec<String>,
    #[serde(default)]
    pub optional: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldDoc {
    pub doc: String,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub optional_roles: Vec<String>,
    #[serde(default)]
    pub negative: Vec<String>,
    #[serde(default = "yes")]
    pub precision: bool,
    #[serde(default)]
    pub roles: Vec<GoldRole>,
    /// Roles outside the product-team taxonomy (a nurse, a warehouse worker): a predicted
    /// role with an id outside the taxonomy is neither rewarded nor punished there.
    #[serde(default)]
    pub outside_roles: Vec<serde_json::Value>,
}

/// Role ids of the product-team taxonomy the gold uses (`CANON` of score.py).
const CANON: &str = "product-manager product-owner product-designer ux-researcher design-manager
developer-relations-engineer project-manager program-manager delivery-manager service-manager
product-marketing-manager growth-marketer product-strategist production-manager scrum-master
agile-coach engineering-manager software-engineer systems-engineer quality-assurance-engineer
data-scientist data-engineer machine-learning-engineer data-science-manager business-analyst
technical-writer project-sponsor";

fn yes() -> bool {
    true
}

/// Read a gold file (JSON Lines). Errors name the line.
pub fn read_gold(path: &Path) -> Result<Vec<GoldDoc>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(line).map_err(|e| format!("{}:{}: not a gold record: {e}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

fn norm_text(s: &str) -> String {
    let s: String = s.nfkc().collect();
    s.replace('\u{c2}', "").replace(['\u{2019}', '\u{2018}'], "'").to_lowercase()
}

fn raw_tokens(s: &str) -> Vec<String> {
    let n = norm_text(s);
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in n.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn tokens(s: &str, stop: &HashSet<&str>) -> Vec<String> {
    raw_tokens(s).into_iter().filter(|t| !stop.contains(t.as_str())).collect()
}

/// The scorer's similarity of a predicted item to a gold item (0 when they do not match).
pub fn similar(gold: &str, pred: &str) -> f64 {
    let stop: HashSet<&str> = STOP.split_whitespace().collect();
    similar_with(gold, pred, &stop)
}

fn similar_with(gold: &str, pred: &str, stop: &HashSet<&str>) -> f64 {
    let (g, p) = (tokens(gold, stop), tokens(pred, stop));
    if g.is_empty() || p.is_empty() {
        return 0.0;
    }
    let gs: HashSet<&String> = g.iter().collect();
    let ps: HashSet<&String> = p.iter().collect();
    let inter = gs.intersection(&ps).count() as f64;
    let jac = inter / gs.union(&ps).count() as f64;
    if jac >= 0.6 {
        return jac;
    }
    if p.len() >= g.len() && p[..g.len()] == g[..] {
        return 0.9;
    }
    if inter / gs.len() as f64 >= 0.85 && p.len() as f64 <= 3.0 * g.len() as f64 + 4.0 {
        return 0.8;
    }
    if inter / ps.len() as f64 >= 0.85 && p.len() as f64 >= 0.6 * g.len() as f64 {
        return 0.8;
    }
    0.0
}

fn contains(hay: &str, needle: &str) -> bool {
    let n = raw_tokens(needle).join(" ");
    let h = raw_tokens(hay).join(" ");
    !n.is_empty() && h.contains(&n)
}

/// File name of a document id; a record of a dump ("dump.csv#7") counts as its file
/// unless `whole`.
pub fn doc_name(d: &str, whole: bool) -> String {
    let (path, rec) = match d.split_once('#') {
        Some((p, r)) => (p, Some(r)),
        None => (d, None),
    };
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let name = match (whole, rec) {
        (true, Some(r)) => format!("{base}#{r}"),
        _ => base.to_string(),
    };
    if rec.is_none() {
        for ext in [".jsonl", ".ndjson", ".json", ".csv", ".tsv"] {
            if let Some(pos) = name.find(ext) {
                let end = pos + ext.len();
                let rest = &name[end..];
                if rest.is_empty() || rest.starts_with([':', '@', '/']) {
                    return name[..end].to_string();
                }
            }
        }
    }
    name
}

fn f1(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let r = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}

fn greedy(gold: &[String], preds: &[&str], stop: &HashSet<&str>) -> (HashSet<usize>, HashSet<usize>) {
    let mut pairs = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in preds.iter().enumerate() {
            let s = similar_with(g, p, stop);
            if s > 0.0 {
                pairs.push((s, gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
    let (mut mg, mut mp) = (HashSet::new(), HashSet::new());
    for (_, gi, pi) in pairs {
        if mg.contains(&gi) || mp.contains(&pi) {
            continue;
        }
        mg.insert(gi);
        mp.insert(pi);
    }
    (mg, mp)
}

/// The figures of one scoring.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Score {
    pub docs: usize,
    pub role_precision: f64,
    pub role_recall: f64,
    pub role_f1: f64,
    pub resp_precision: f64,
    pub resp_recall: f64,
    pub resp_f1: f64,
    pub leaks: usize,
    pub company_ok: usize,
    pub company_n: usize,
    pub cues_ok: usize,
    pub cues_n: usize,
    /// Documents with outside roles where a role outside the taxonomy was kept, and all of them.
    pub outside_ok: usize,
    pub outside_n: usize,
    /// One line per document, as the scorer prints them.
    pub lines: Vec<String>,
    /// (document, negative string, output text) for every leak.
    pub leak_list: Vec<(String, String, String)>,
}

impl Score {
    /// The scorer's summary line.
    pub fn summary(&self) -> String {
        format!(
            "roles P={:.3} R={:.3} F1={:.3} | responsibilities P={:.3} R={:.3} F1={:.3} | leaks={} company={}/{} cues={}/{}",
            self.role_precision, self.role_recall, self.role_f1, self.resp_precision, self.resp_recall, self.resp_f1,
            self.leaks, self.company_ok, self.company_n, self.cues_ok, self.cues_n
        ) + &if self.outside_n > 0 { format!(" outside={}/{}", self.outside_ok, self.outside_n) } else { String::new() }
    }
}

/// Score roles and responsibilities against gold documents.
pub fn score(gold: &[GoldDoc], roles: &[RoleRecord], resps: &[RespRecord]) -> Score {
    let stop: HashSet<&str> = STOP.split_whitespace().collect();
    let gold: BTreeMap<String, &GoldDoc> = gold.iter().map(|d| (doc_name(&d.doc, true), d)).collect();
    let pred_doc = |d: &str| {
        let whole = doc_name(d, true);
        if gold.contains_key(&whole) {
            whole
        } else {
            doc_name(d, false)
        }
    };
    let mut pred_roles: HashMap<String, BTreeMap<String, &RoleRecord>> = HashMap::new();
    for r in roles {
        pred_roles.entry(pred_doc(&r.doc)).or_default().insert(format!("{}/{}", r.role_id, r.seniority), r);
    }
    let mut pred_resp: HashMap<String, BTreeMap<String, Vec<&str>>> = HashMap::new();
    for r in resps {
        pred_resp
            .entry(pred_doc(&r.doc))
            .or_default()
            .entry(format!("{}/{}", r.role_id, r.seniority))
            .or_default()
            .push(&r.text);
    }
    let mut canon: HashSet<String> = CANON.split_whitespace().map(str::to_string).collect();
    canon.extend(gold.values().flat_map(|g| g.roles.iter().map(|r| r.role_id.clone())));
    let outside = |key: &str| !canon.contains(key.split('/').next().unwrap_or(""));
    let mut s = Score { docs: gold.len(), ..Default::default() };
    let (mut rtp, mut rfp, mut rfn, mut stp_t, mut sfp_t, mut sfn_t) = (0, 0, 0, 0, 0, 0);
    let empty_roles = BTreeMap::new();
    let empty_resp = BTreeMap::new();
    for (doc, g) in &gold {
        let mut gkeys: BTreeMap<String, GoldRole> = BTreeMap::new();
        for x in &g.roles {
            let k = format!("{}/{}", x.role_id, x.seniority);
            match gkeys.get_mut(&k) {
                Some(prev) => {
                    prev.responsibilities.extend(x.responsibilities.iter().cloned());
                    prev.optional.extend(x.optional.iter().cloned());
                }
                None => {
                    gkeys.insert(k, x.clone());
                }
            }
        }
        let opt: HashSet<&str> = g.optional_roles.iter().map(String::as_str).collect();
        let pr = pred_roles.get(doc).unwrap_or(&empty_roles);
        let ps = pred_resp.get(doc).unwrap_or(&empty_resp);
        let has_outside = !g.outside_roles.is_empty();
        if has_outside {
            s.outside_n += 1;
            s.outside_ok += pr.keys().any(|k| outside(k)) as usize;
        }
        // outside roles are neither rewarded nor punished where the gold says the document has one
        let pkeys: HashSet<&str> = pr.keys().map(String::as_str).filter(|k| !(has_outside && outside(k))).collect();
        let gk: HashSet<&str> = gkeys.keys().map(String::as_str).collect();
        let tp = pkeys.intersection(&gk).count();
        let fp = pkeys.iter().filter(|k| !gk.contains(*k) && !opt.contains(*k)).count();
        let fnn = gk.iter().filter(|k| !pkeys.contains(*k)).count();
        rtp += tp;
        rfp += fp;
        rfn += fnn;

        let (mut stp, mut sfp, mut sfn) = (0, 0, 0);
        for (key, gr) in &gkeys {
            let preds: Vec<&str> = ps.get(key).cloned().unwrap_or_default();
            let (mg, mp) = greedy(&gr.responsibilities, &preds, &stop);
            stp += mg.len();
            sfn += gr.responsibilities.len() - mg.len();
            for (i, p) in preds.iter().enumerate() {
                if mp.contains(&i) {
                    continue;
                }
                if gr.optional.iter().chain(&gr.responsibilities).any(|o| similar_with(o, p, &stop) > 0.0) {
                    continue;
                }
                if g.precision {
                    sfp += 1;
                }
            }
        }
        for (key, preds) in ps {
            if gkeys.contains_key(key) || opt.contains(key.as_str()) || (has_outside && outside(key)) {
                continue;
            }
            if g.precision {
                sfp += preds.len();
            }
        }
        stp_t += stp;
        sfp_t += sfp;
        sfn_t += sfn;

        let mut texts: Vec<&str> = ps.values().flatten().copied().collect();
        texts.extend(pr.values().map(|r| r.title.as_str()));
        for neg in &g.negative {
            if let Some(t) = texts.iter().find(|t| contains(t, neg)) {
                s.leak_list.push((doc.clone(), neg.clone(), t.chars().take(80).collect()));
            }
        }

        let mut comp = String::new();
        if let Some(gc) = g.company.as_deref().filter(|c| !c.is_empty()) {
            let ok = pr.values().any(|r| r.company.as_deref().unwrap_or("").trim().to_lowercase() == gc.to_lowercase());
            s.company_n += 1;
            s.company_ok += ok as usize;
            comp = format!(" company {}", if ok { "ok" } else { "wrong" });
        }
        for (key, gr) in &gkeys {
            if gr.seniority != "mid" {
                if let Some(r) = pr.get(key) {
                    s.cues_n += 1;
                    s.cues_ok += (!r.seniority_cues.is_empty()) as usize;
                }
            }
        }
        let mut missing: Vec<&str> = gk.iter().filter(|k| !pkeys.contains(*k)).copied().collect();
        missing.sort_unstable();
        let mut extra: Vec<&str> = pkeys.iter().filter(|k| !gk.contains(*k) && !opt.contains(*k)).copied().collect();
        extra.sort_unstable();
        let mut line =
            format!("{doc}: roles {tp}/{} (+{fp} extra) resp {stp}/{} (+{sfp} extra){comp}", gkeys.len(), stp + sfn);
        if !missing.is_empty() {
            line.push_str(&format!("\n    missing roles: {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            line.push_str(&format!("\n    extra roles: {}", extra.join(", ")));
        }
        s.lines.push(line);
    }
    (s.role_precision, s.role_recall, s.role_f1) = f1(rtp, rfp, rfn);
    (s.resp_precision, s.resp_recall, s.resp_f1) = f1(stp_t, sfp_t, sfn_t);
    s.leaks = s.leak_list.len();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_matches_the_scorer() {
        assert!(similar("Grooming lead", "Grooming lead.") >= 0.6);
        assert_eq!(similar("Manage Backlog", "Manage Backlog: continuing to follow scrum"), 0.9);
        assert_eq!(similar("Own the roadmap", "Talk to customers"), 0.0);
    }

    #[test]
    fn doc_names() {
        assert_eq!(doc_name("a/b/c.txt", false), "c.txt");
        assert_eq!(doc_name("dump.csv#12", true), "dump.csv#12");
        assert_eq!(doc_name("dump.csv#12", false), "dump.csv");
        assert_eq!(doc_name("dump.jsonl:7", false), "dump.jsonl");
    }
}
