//! `rolemap rules check|test`: validate rule files and run the examples they carry.
//!
//! Examples:
//!   rolemap rules check --rules my-rules/
//!   rolemap rules test

use super::{exit, CliError};
use rolemap::rules::{self, check, Rules};
use std::path::{Path, PathBuf};

/// Check or test the rule files.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Load and validate every rule file without running the pipeline.
    Check {
        /// Rule folder; default: ./rules if present, else the built-in rules.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Run every rule's examples and counter-examples.
    Test {
        /// Rule folder; default: ./rules if present, else the built-in rules.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

fn load(dir: Option<&Path>) -> (Result<Rules, rules::RuleErrors>, String) {
    let default = PathBuf::from("rules");
    let dir = dir.map(Path::to_path_buf).or_else(|| default.join("roles.toml").is_file().then_some(default));
    match dir {
        Some(d) => (Rules::from_dir(&d), d.display().to_string()),
        None => (Rules::embedded_checked(), "built-in rules".into()),
    }
}

pub fn run(a: Args) -> Result<u8, CliError> {
    match a.cmd {
        Cmd::Check { rules } => {
            let (r, origin) = load(rules.as_deref());
            match r {
                Err(errs) => {
                    for e in &errs.0 {
                        println!("error: {e}");
                    }
                    println!("{origin}: {} error(s)", errs.0.len());
                    Ok(exit::USAGE)
                }
                Ok(r) => {
                    let w = check::warnings(&r);
                    for (file, msg) in &w {
                        println!("warning: {file}: {msg}");
                    }
                    println!(
                        "{origin}: ok ({} roles, {} levels, {} categories, {} boilerplate rules; {} warning(s)); fingerprint {}",
                        r.taxonomy.roles.len(),
                        r.taxonomy.levels.len(),
                        r.categories.len(),
                        r.boilerplate.rules.len() + 1,
                        w.len(),
                        &r.fingerprint[..12]
                    );
                    Ok(exit::OK)
                }
            }
        }
        Cmd::Test { rules } => {
            let (r, origin) = load(rules.as_deref());
            let r = r.map_err(|e| CliError::usage(anyhow::anyhow!("bad rules:\n{e}")))?;
            let rep = check::run_examples(&r);
            for f in &rep.failures {
                println!(
                    "FAIL {} ({}): {} {:?}: got {}",
                    f.rule,
                    f.file,
                    if f.must_match { "example" } else { "counter-example" },
                    f.example,
                    f.got
                );
            }
            println!("{origin}: {} passed, {} failed", rep.passed, rep.failures.len());
            Ok(if rep.failures.is_empty() { exit::OK } else { exit::INPUT_ERRORS })
        }
    }
}
