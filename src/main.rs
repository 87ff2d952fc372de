use std::process::ExitCode;

use clap::Parser;
use labcheck::cli;
use labcheck::cli::Cli;
use labcheck::commands::{self, exit};
use tracing_subscriber::EnvFilter;

/// mimalloc: a grading allocates and frees many small objects (JSON, SDK types, facts) across threads, where
/// glibc's malloc spent most of the service's CPU (the book's "What a grading costs", docs/src/design/costs.md: 4.6 ms of CPU per grading
/// instead of 8.0 ms at 64 in flight).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging(verbose: u8) {
    // The SDK's own logs stay at warn/info at most: its debug and trace output can show response bodies.
    let default = match verbose {
        0 => "error,labcheck=warn",
        1 => "warn,labcheck=info",
        _ => "info,labcheck=debug",
    };
    let filter = EnvFilter::try_from_env("LABCHECK_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_level());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("labcheck: error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    match runtime.block_on(cli::dispatch(cli)) {
        Ok(code) => code,
        // A closed pipe (`labcheck ... | head`) is not an error worth a message.
        Err(commands::CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(exit::PASS),
        Err(err) => {
            eprintln!("labcheck: error: {err}");
            ExitCode::from(exit::USAGE)
        }
    }
}
