//! Subcommands, one file each, registered here.

mod clean;
mod code;
mod common;
mod eval;
mod explain;
mod merge;
mod process;
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
    Merge(merge::Args),
    Code(code::Args),
    Process(process::Args),
    Clean(clean::Args),
    Eval(eval::Args),
    Explain(explain::Args),
    Rules(rules::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout
    ///
    /// bash: `rolemap completions bash > ~/.local/share/bash-completion/completions/rolemap`;
    /// zsh: `rolemap completions zsh > ~/.zfunc/_rolemap` (with `fpath+=~/.zfunc` before
    /// `compinit`); fish: `rolemap completions fish > ~/.config/fish/completions/rolemap.fish`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: `rolemap man > ~/.local/share/man/man1/rolemap.1`
    Man,
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
    /// `{:#}`: the error and its causes, each said once: a cause whose text its error
    /// already holds (`io::Error::other(walkdir::Error)`, an error that prints its source)
    /// is not repeated after it ("Permission denied (os error 13): Permission denied (os
    /// error 13)").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.err)?;
        if f.alternate() {
            let mut said = self.err.to_string();
            for cause in self.err.chain().skip(1) {
                let c = cause.to_string();
                if c.is_empty() || said.contains(&c) {
                    continue;
                }
                write!(f, ": {c}")?;
                said.push_str(&c);
            }
        }
        Ok(())
    }
}

pub fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.cmd {
        Cmd::Run(a) => run::run(a),
        Cmd::Merge(a) => merge::run(a),
        Cmd::Code(a) => code::run(a),
        Cmd::Process(a) => process::run(a),
        Cmd::Clean(a) => clean::run(a),
        Cmd::Eval(a) => eval::run(a),
        Cmd::Explain(a) => explain::run(a),
        Cmd::Rules(a) => rules::run(a),
        Cmd::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut cmd, "rolemap", &mut out);
            Ok(exit::OK)
        }
        Cmd::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page).map_err(CliError::io)?;
            // the page opens with its title (`.TH`), as man pages do: the string that
            // clap_mangen defines first (`Aq`, the apostrophe) follows it
            let page = String::from_utf8_lossy(&page);
            let (defs, rest): (Vec<&str>, Vec<&str>) =
                page.lines().partition(|l| l.starts_with(".ie \\n(.g .ds Aq") || l.starts_with(".el .ds Aq"));
            let mut lines = rest.into_iter();
            let mut text: Vec<&str> = lines.by_ref().take(1).collect();
            text.extend(defs);
            text.extend(lines);
            use std::io::Write;
            writeln!(std::io::stdout().lock(), "{}", text.join("\n")).map_err(CliError::io)?;
            Ok(exit::OK)
        }
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
        Some(d) => Rules::from_dir_to_run(&d).map_err(|e| CliError::usage(anyhow::anyhow!("bad rules:\n{e}"))),
        None => Rules::embedded().map_err(|e| CliError::usage(anyhow::anyhow!("bad built-in rules:\n{e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::CliError;

    /// An error that prints its source in its own text, as `walkdir::Error` does.
    #[derive(Debug)]
    struct Walk(std::io::Error);
    impl std::fmt::Display for Walk {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "IO error for operation on c/sub: {}", self.0)
        }
    }
    impl std::error::Error for Walk {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_are_said_once() {
        let denied = || std::io::Error::from_raw_os_error(13);
        let e = CliError::io(std::io::Error::other(Walk(denied())));
        let text = format!("{e:#}");
        assert_eq!(text, format!("IO error for operation on c/sub: {}", denied()));
        assert_eq!(text.matches("os error 13").count(), 1, "{text}");
        // a cause that adds something is kept
        let e = CliError::io(anyhow::Error::new(denied()).context("cannot read x.md"));
        assert_eq!(format!("{e:#}"), format!("cannot read x.md: {}", denied()));
        assert_eq!(format!("{e}"), "cannot read x.md");
    }
}
