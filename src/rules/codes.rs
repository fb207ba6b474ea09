//! Standard codes of the taxonomy's roles: `codes.toml`, each role's ESCO occupation and
//! O*NET-SOC code (per seniority level where they differ), checked against the pinned
//! taxonomies when the rules are loaded: a URI or code they do not hold is an error at its line.

use super::files::{CodesFile, S};
use super::{Compiler, RuleError, RuleText, Taxonomy};
use crate::codes::{Coder, Concept};
use std::collections::HashMap;

/// The codes of the taxonomy's roles.
#[derive(Debug, Clone)]
pub struct RoleCodes {
    /// By role index of the taxonomy (None: the role has no entry; `rules check` warns).
    pub by_role: Vec<Option<Curated>>,
    /// The examples of codes.toml and of taxonomies/coding.toml.
    pub examples: Vec<CodeExample>,
}

/// The codes of one role.
#[derive(Debug, Clone)]
pub struct Curated {
    pub base: Pick,
    /// Other codes at a seniority level (level index).
    pub levels: Vec<(usize, Pick)>,
}

/// Codes chosen by a rule, with the rule's id (`codes:product-manager`, `codes:product-manager:executive`).
#[derive(Debug, Clone)]
pub struct Pick {
    pub rule: String,
    pub esco: Option<Concept>,
    pub onet: Option<Concept>,
    pub why: String,
}

/// "TITLE => CODE" of a rule file: the title must (or must not) be coded so.
#[derive(Debug, Clone)]
pub struct CodeExample {
    pub file: String,
    /// `codes:<role id>` or `coding` (taxonomies/coding.toml)
    pub rule: String,
    pub title: String,
    pub code: String,
    pub must: bool,
}

impl Curated {
    /// The codes of the role at a seniority level.
    pub fn pick(&self, level: usize) -> &Pick {
        self.levels.iter().find(|(l, _)| *l == level).map_or(&self.base, |(_, p)| p)
    }
}

/// Split "TITLE => CODE".
pub fn split_example(s: &str) -> Option<(&str, &str)> {
    let (t, c) = s.split_once("=>")?;
    let (t, c) = (t.trim(), c.trim());
    (!t.is_empty() && !c.is_empty()).then_some((t, c))
}

impl Compiler {
    pub(super) fn codes(&mut self, t: &RuleText, f: &CodesFile, tax: &Taxonomy) -> Option<RoleCodes> {
        let n_err = self.errors.len();
        let coder = match Coder::shared() {
            Ok(c) => c,
            Err(e) => {
                self.errors.push(RuleError::File { file: t.shown_as.clone(), message: format!("taxonomies: {e}") });
                return None;
            }
        };
        let mut by_role: Vec<Option<Curated>> = vec![None; tax.roles.len()];
        let mut seen = HashMap::new();
        let mut examples = Vec::new();
        for e in &f.role {
            self.check_id(t, &e.id, &mut seen, "codes");
            let id = e.id.get_ref();
            let Some(role) = tax.roles.iter().position(|r| &r.id == id) else {
                self.err_at(t, e.id.span().start, format!("no role {id:?} in roles.toml"));
                continue;
            };
            let rule = format!("codes:{id}");
            let base = self.pick(t, coder, &e.id, &rule, &e.esco, &e.onet, &e.why);
            let mut levels = Vec::new();
            for (level, p) in &e.levels {
                match tax.level_index(level) {
                    Some(l) => {
                        let pick = self.pick(t, coder, &e.id, &format!("{rule}:{level}"), &p.esco, &p.onet, &p.why);
                        levels.push((l, pick))
                    }
                    None => self.err_at(
                        t,
                        e.id.span().start,
                        format!("{rule}: no seniority level {level:?} in seniority.toml"),
                    ),
                }
            }
            for (list, must) in [(&e.examples, true), (&e.counter_examples, false)] {
                examples.extend(self.examples(t, coder, &rule, list, must));
            }
            by_role[role] = Some(Curated { base, levels });
        }
        let coding = coder.coding();
        for (list, must) in [(&coding.examples, true), (&coding.counter_examples, false)] {
            for s in list.iter() {
                match split_example(s) {
                    Some((title, code)) if coder.knows_code(code) => examples.push(CodeExample {
                        file: "taxonomies/coding.toml".into(),
                        rule: "coding".into(),
                        title: title.into(),
                        code: code.into(),
                        must,
                    }),
                    _ => self.errors.push(RuleError::File {
                        file: "taxonomies/coding.toml".into(),
                        message: format!("example {s:?} is not \"TITLE => CODE\" with a code of the taxonomies"),
                    }),
                }
            }
        }
        if self.errors.len() > n_err {
            return None;
        }
        Some(RoleCodes { by_role, examples })
    }

    #[allow(clippy::too_many_arguments)]
    fn pick(
        &mut self,
        t: &RuleText,
        coder: &Coder,
        at: &S,
        rule: &str,
        esco: &Option<S>,
        onet: &Option<S>,
        why: &str,
    ) -> Pick {
        let esco = esco.as_ref().and_then(|u| {
            let c = coder.esco_by_uri(u.get_ref()).filter(|c| c.id.contains("/occupation/"));
            if c.is_none() {
                self.err_at(
                    t,
                    u.span().start,
                    format!("no ESCO occupation {:?} in taxonomies/esco/occupations_en.csv", u.get_ref()),
                );
            }
            c.cloned()
        });
        let onet = onet.as_ref().and_then(|c| {
            let o = coder.onet_by_code(c.get_ref());
            if o.is_none() {
                self.err_at(
                    t,
                    c.span().start,
                    format!("no O*NET-SOC occupation {:?} in taxonomies/onet-27.0/Occupation Data.txt", c.get_ref()),
                );
            }
            o.cloned()
        });
        if why.trim().is_empty() {
            self.err_at(t, at.span().start, format!("{rule} needs a why: it is written to code_evidence"));
        }
        Pick { rule: rule.to_string(), esco, onet, why: why.trim().to_string() }
    }

    fn examples(&mut self, t: &RuleText, coder: &Coder, rule: &str, list: &[S], must: bool) -> Vec<CodeExample> {
        let mut out = Vec::new();
        for s in list {
            match split_example(s.get_ref()) {
                Some((title, code)) if coder.knows_code(code) => out.push(CodeExample {
                    file: t.shown_as.clone(),
                    rule: rule.to_string(),
                    title: title.to_string(),
                    code: code.to_string(),
                    must,
                }),
                Some((_, code)) => self.err_at(
                    t,
                    s.span().start,
                    format!("{code:?} is no ESCO code, ISCO-08 group or O*NET-SOC code of the taxonomies"),
                ),
                None => self.err_at(t, s.span().start, format!("example {:?} is not \"TITLE => CODE\"", s.get_ref())),
            }
        }
        out
    }
}
