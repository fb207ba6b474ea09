//! The `rolemap` command: parse flags, dispatch to a subcommand, map the outcome to an
//! exit code. The work is done by the library.

mod cli;

// many small strings per document: a faster allocator pays off on the hot path
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use std::process::ExitCode;

/// `mi_option_purge_delay` in mimalloc.h (v2): how long freed memory is kept before it is
/// returned to the system, in ms (default 10). A run's documents come and go in less than
/// that, so a big document's memory would stay until the next one; 0 returns it at once
/// (no measurable cost on the benchmark, half the peak memory on big documents).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
    // `rolemap explain doc | head` must end quietly, as other Unix tools do, not panic on
    // a closed pipe: restore the default SIGPIPE action that Rust's runtime ignores.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    rolemap::pipeline::report_document_panics_on_their_rows();
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("rolemap: error: {e:#}");
            ExitCode::from(e.code())
        }
    }
}
