//! `labcheck serve`: load the labs, then hand over to the service.

use std::time::Duration;

use super::{CliError, exit};
use crate::cli::ServeArgs;
use crate::inventory::InvokeUrlTemplate;
use crate::lab::LabError;
use crate::service::{self, ServiceConfig};

pub async fn serve(args: ServeArgs) -> Result<u8, CliError> {
    let labs = crate::lab::load_labs(&args.labs)?;
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
        max_connections: args.max_connections,
        max_connections_per_peer: args.max_connections_per_peer,
        trusted_proxies: args.trusted_proxies.clone(),
        store: args.store.clone(),
        evidence_days: args.evidence_days,
        public_url: args.public_url.clone(),
        frame_ancestors: args.frame_ancestors.clone(),
        lti_config: args.lti_config.clone(),
        lti_retry: Duration::from_secs(args.lti_retry_seconds),
    };
    service::serve(config).await?;
    Ok(exit::PASS)
}
