//! # rolemap
//!
//! A batch pipeline for documents about jobs: it reads folders of HTML, Markdown and plain
//! text, cleans them into blocks, extracts the roles each document defines with their
//! responsibilities, seniority and departments, normalizes them into the taxonomy kept in
//! `rules/`, and writes CSV/JSONL/JSON with provenance and cross-source comparisons.
//!
//! ```text
//! ingest  -> RawDoc     (decode, mojibake repair, front matter, format)
//! clean   -> CleanDoc   (blocks with lines; boilerplate and repeats dropped)
//! extract -> Extraction (roles, items, company; rules: structure.toml, roles.toml)
//! normalize -> DocResult (role ids, seniority + cues, categories)
//! compare + emit        (comparison/, documents/roles/responsibilities, manifest)
//! report                (report.html: the comparison for a reader)
//! ```
//!
//! ```
//! let rules = rolemap::rules::Rules::embedded().unwrap();
//! let r = rolemap::pipeline::process_text("pm.md", "## Senior Product Manager\n\n- Own the roadmap\n", &rules);
//! assert_eq!(r.roles[0].role_id, "product-manager");
//! assert_eq!(r.roles[0].seniority, "senior");
//! assert_eq!(r.responsibilities[0].text, "Own the roadmap");
//! ```

pub mod clean;
pub mod codes;
pub mod compare;
pub mod emit;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod report;
pub mod rules;
