//! Whose account a grading reads, and how fast: per role an assumed-role config (credentials cached), per account a
//! pacer keeping AWS calls under API Gateway's control-plane limit. Both are bounded caches: roles come and go by
//! the thousand.

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use axum::http::StatusCode;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{ApiError, AppState, GradeRequest};
use crate::inventory::Pace;

/// How long assumed-role credentials (and their config) are kept: STS gives them for an hour by default, and the
/// provider refreshes them before they expire; past this the entry is made anew.
pub(super) const ROLE_MAX_AGE: Duration = Duration::from_secs(50 * 60);

/// A role not graded for this long is forgotten.
pub(super) const ROLE_MAX_IDLE: Duration = Duration::from_secs(15 * 60);

/// Accounts whose pacers are kept at most; an idle pacer has a full bucket, the same as a new one.
pub(super) const PACER_CAPACITY: usize = 4096;

pub(super) const PACER_MAX_IDLE: Duration = Duration::from_secs(10 * 60);

/// Role ARN, external id, region.
pub(super) type RoleKey = (Option<String>, Option<String>, Option<String>);

/// The SDK config for a grading: the service's own, or one per role assumed with STS (cached, so credentials are
/// fetched once per role until shortly before they expire).
pub(super) async fn config_for(state: &AppState, request: &GradeRequest) -> Result<SdkConfig, ApiError> {
    let key = (request.role_arn.clone(), request.external_id.clone(), request.region.clone());
    if let Some(config) = state.role_configs.get(&key) {
        return Ok(config);
    }
    let mut builder = state.base.to_builder();
    if let Some(region) = &request.region {
        builder.set_region(Some(aws_config::Region::new(region.clone())));
    }
    let regional = builder.build();
    let config = match &request.role_arn {
        None => {
            if !state.config.allow_own_account {
                state.metrics.refused("no_role");
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "missing_role_arn",
                    "role_arn is required (this service does not grade its own account)",
                ));
            }
            regional
        }
        Some(role_arn) => {
            let mut provider = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
                .session_name("labcheck")
                .configure(&regional);
            if let Some(external_id) = &request.external_id {
                provider = provider.external_id(external_id.clone());
            }
            let provider = provider.build().await;
            regional.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build()
        }
    };
    state.role_configs.insert(key, config.clone());
    Ok(config)
}

pub(super) fn pacer_for(state: &AppState, account_key: &str) -> Arc<Pacer> {
    let rate = state.config.account_rate;
    state.pacers.get_or_insert_with(&account_key.to_owned(), || Arc::new(Pacer::new(rate, rate)))
}

/// A token bucket: at most `rate` calls per second on average, `burst` at once.
#[derive(Debug)]
pub(super) struct Pacer {
    rate: f64,
    burst: f64,
    state: tokio::sync::Mutex<(f64, tokio::time::Instant)>,
}

impl Pacer {
    pub(super) fn new(rate: f64, burst: f64) -> Self {
        let burst = burst.max(1.0);
        Self { rate: rate.max(0.1), burst, state: tokio::sync::Mutex::new((burst, tokio::time::Instant::now())) }
    }

    /// Waits until a call may be made.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut state = self.state.lock().await;
                let now = tokio::time::Instant::now();
                let (tokens, last) = *state;
                let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
                if tokens >= 1.0 {
                    *state = (tokens - 1.0, now);
                    return;
                }
                *state = (tokens, now);
                Duration::from_secs_f64((1.0 - tokens) / self.rate)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

impl Pace for Pacer {
    fn wait_turn(&self) -> BoxFuture<'_, ()> {
        self.acquire().boxed()
    }
}
