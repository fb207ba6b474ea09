//! The `rolemap` command: parse flags, dispatch to a subcommand, map the outcome to an
//! exit code. The work is done by the library.

mod cli;

// many small strings per document: a faster allocator pays off on the hot path
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `rolemap explain doc | head` must end quietly, as other Unix tools do, not panic on
    // a closed pipe: restore the default SIGPIPE action that Rust's runtime ignores.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("rolemap: error: {e:#}");
            ExitCode::from(e.code())
        }
    }
}
