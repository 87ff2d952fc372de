//! `labcheck serve`: load the labs, then hand over to the service.

use std::time::Duration;

use super::{CliError, exit};
use crate::cli::ServeArgs;
use crate::inventory::InvokeUrlTemplate;
use crate::lab::{Lab, LabError};
use crate::service::{self, ServiceConfig};

/// Every lab named: a lab folder or file as it is; any other folder gives the lab folders in it (`checks/<lab-id>/`)
/// and the `*.toml` lab files in it.
fn load_labs(paths: &[std::path::PathBuf]) -> Result<Vec<Lab>, CliError> {
    let mut labs = Vec::new();
    for path in paths {
        if !path.is_dir() || path.join(crate::lab::LAB_FILE).is_file() {
            labs.push(Lab::load(path)?);
            continue;
        }
        let mut found: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| LabError { file: path.clone(), line: None, message: format!("cannot read: {e}") })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join(crate::lab::LAB_FILE).is_file() || p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        for lab in found {
            labs.push(Lab::load(&lab)?);
        }
    }
    if labs.is_empty() {
        let file = paths.first().cloned().unwrap_or_default();
        return Err(LabError { file, line: None, message: "no lab files to serve".into() }.into());
    }
    Ok(labs)
}

pub async fn serve(args: ServeArgs) -> Result<u8, CliError> {
    let labs = load_labs(&args.labs)?;
    let invoke = InvokeUrlTemplate::parse(&args.aws.invoke_url_template).map_err(CliError::InvokeUrlTemplate)?;
    let tokens = service::read_tokens(args.tokens_file.as_ref(), std::env::var("LABCHECK_SERVICE_TOKENS").ok())
        .map_err(|e| LabError {
            file: args.tokens_file.clone().unwrap_or_default(),
            line: None,
            message: format!("cannot read the tokens: {e}"),
        })?;
    let config = ServiceConfig {
        listen: args.listen,
        labs,
        tokens,
        allow_own_account: args.allow_own_account,
        max_in_flight: args.max_in_flight,
        max_queue: args.max_queue,
        deadline: Duration::from_secs(args.deadline.max(1)),
        body_limit: args.body_limit,
        account_rate: args.account_rate,
        invoke,
        drain: Duration::from_secs(args.drain),
        profile: args.aws.profile.clone(),
        region: args.aws.region.clone(),
        role_cache: args.role_cache,
        read_timeout: Duration::from_secs(args.read_timeout.max(1)),
        store: args.store.clone(),
        evidence_days: args.evidence_days,
    };
    service::serve(config).await?;
    Ok(exit::PASS)
}
