//! labcheck's grading service as an AWS Lambda function (`cargo lambda build --release --arm64 --bin
//! labcheck-lambda --include checks`): the router of `labcheck serve` for HTTP events, and direct invocations
//! (see `labcheck::service::lambda`). Configured by its environment; logs one JSON line per event to CloudWatch.

use std::path::PathBuf;

use labcheck::service::{self, lambda};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("LABCHECK_LOG").unwrap_or_else(|_| "info".into()))
        .with_current_span(false)
        .without_time()
        .init();
    let labs = std::env::var_os("LABCHECK_LABS").map_or_else(default_labs, PathBuf::from);
    let labs = labcheck::lab::load_labs(&[labs])?;
    let tokens_file = std::env::var_os("LABCHECK_TOKENS_FILE").map(PathBuf::from);
    let tokens = service::read_tokens(tokens_file.as_ref(), std::env::var("LABCHECK_SERVICE_TOKENS").ok())?;
    let config = lambda::config_from_env(labs, tokens)?;
    lambda::run(config).await
}

/// `checks` beside the binary (`/var/task/checks` in the deployed zip), else in the working folder.
fn default_labs() -> PathBuf {
    let beside = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("checks")));
    beside.filter(|dir| dir.is_dir()).unwrap_or_else(|| PathBuf::from("checks"))
}
