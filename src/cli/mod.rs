//! Subcommands, one file each, registered here.

mod clean;
mod common;
mod eval;
mod explain;
mod rules;
mod run;

use clap::{Parser, Subcommand};
use rolemap::rules::Rules;
use std::fmt;
use std::path::{Path, PathBuf};

/// Exit codes (documented in the README).
pub mod exit {
    /// Every input was processed (some may be skipped by policy, e.g. an unsupported extension).
    pub const OK: u8 = 0;
    /// The run finished and wrote its output, but some input could not be processed or was
    /// cut by a limit (`rules test`: an example failed).
    pub const INPUT_ERRORS: u8 = 1;
    /// Bad flags or bad rule files: nothing was run.
    pub const USAGE: u8 = 2;
    /// The corpus could not be listed or the output could not be written; the previous
    /// output is left as it was.
    pub const IO: u8 = 3;
    /// `eval` thresholds not met.
    pub const BELOW_THRESHOLD: u8 = 4;
    /// Interrupted (Ctrl-C, SIGINT): nothing was written; the previous output is intact.
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug, Parser)]
#[command(
    name = "rolemap",
    version,
    about = "Job documents in, normalized roles, responsibilities and comparisons out"
)]
pub struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    Run(run::Args),
    Clean(clean::Args),
    Eval(eval::Args),
    Explain(explain::Args),
    Rules(rules::Args),
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    code: u8,
    err: anyhow::Error,
}

impl CliError {
    pub fn code(&self) -> u8 {
        self.code
    }
    pub fn usage(err: impl Into<anyhow::Error>) -> Self {
        CliError { code: exit::USAGE, err: err.into() }
    }
    pub fn io(err: impl Into<anyhow::Error>) -> Self {
        CliError { code: exit::IO, err: err.into() }
    }
    pub fn interrupted(err: impl Into<anyhow::Error>) -> Self {
        CliError { code: exit::INTERRUPTED, err: err.into() }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "{:#}", self.err)
        } else {
            write!(f, "{}", self.err)
        }
    }
}

pub fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.cmd {
        Cmd::Run(a) => run::run(a),
        Cmd::Clean(a) => clean::run(a),
        Cmd::Eval(a) => eval::run(a),
        Cmd::Explain(a) => explain::run(a),
        Cmd::Rules(a) => rules::run(a),
    }
}

/// `--rules DIR`, else `./rules` when it exists, else the rules built into the binary.
pub fn load_rules(dir: Option<&Path>) -> Result<Rules, CliError> {
    let default = PathBuf::from("rules");
    let dir = match dir {
        Some(d) => Some(d.to_path_buf()),
        None => default.join("roles.toml").is_file().then_some(default),
    };
    match dir {
        Some(d) => Rules::from_dir(&d).map_err(|e| CliError::usage(anyhow::anyhow!("bad rules:\n{e}"))),
        None => Rules::embedded().map_err(|e| CliError::usage(anyhow::anyhow!("bad built-in rules:\n{e}"))),
    }
}
