//! Whose account a grading reads, and how fast: per role an assumed-role config (credentials cached), per account a
//! pacer keeping AWS calls under API Gateway's control-plane limit. Both are bounded caches: roles come and go by
//! the thousand.

use std::sync::Arc;
use std::time::Duration;

use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_config::identity::IdentityCache;
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future::ProvideCredentials as ProvideCredentialsFuture};
use axum::http::StatusCode;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{ApiError, AppState, GradeRequest};
use crate::aws::Pace;

/// Assumed-role credentials are renewed this long before they end: longer than a grading may take.
pub(super) const RENEW_BEFORE: Duration = Duration::from_secs(3 * 60);

/// A role's credentials are kept at most this long (STS gives them for an hour by default).
pub(super) const ROLE_MAX_AGE: Duration = Duration::from_secs(3600);

/// Accounts whose pacers are kept at most; an idle pacer has a full bucket, the same as a new one.
pub(super) const PACER_CAPACITY: usize = 4096;

pub(super) const PACER_MAX_IDLE: Duration = Duration::from_secs(10 * 60);

/// Role ARN, external id, region.
pub(super) type RoleKey = (Option<String>, Option<String>, Option<String>);

/// One role's credentials, shared by its gradings: fetched by one of them, the others waiting for it.
pub(super) type RoleSlot = Arc<tokio::sync::Mutex<Option<Credentials>>>;

/// The SDK config for a grading: the service's own, or one assuming the request's role. Only the role's credentials
/// are kept between gradings (a few hundred bytes a role, in `role_credentials`): a class of thousands each in
/// their own account has each role assumed once per credentials' lifetime (an hour by default), not once per
/// grading, and the service's memory does not grow with them.
pub(super) async fn config_for(state: &AppState, request: &GradeRequest) -> Result<SdkConfig, ApiError> {
    let mut builder = state.base.to_builder();
    if let Some(region) = &request.region {
        builder.set_region(Some(aws_config::Region::new(region.clone())));
    }
    let regional = builder.build();
    let Some(role_arn) = &request.role_arn else {
        if !state.config.allow_own_account {
            state.metrics.refused("no_role");
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "missing_role_arn",
                "role_arn is required (this service does not grade its own account)",
            ));
        }
        return Ok(regional);
    };
    let key = (request.role_arn.clone(), request.external_id.clone(), request.region.clone());
    let slot = state.role_credentials.get_or_insert_with(&key, RoleSlot::default);
    let role = AssumedRole {
        role_arn: role_arn.clone(),
        external_id: request.external_id.clone(),
        regional: regional.clone(),
        slot,
    };
    // The role's slot is the cache: the SDK's own identity cache would keep a partition per provider for ever.
    Ok(regional
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(role))
        .identity_cache(IdentityCache::no_cache())
        .build())
}

/// Credentials of one role: the slot's while they last, else assumed with STS (once, the others waiting).
#[derive(Debug)]
struct AssumedRole {
    role_arn: String,
    external_id: Option<String>,
    regional: SdkConfig,
    slot: RoleSlot,
}

impl AssumedRole {
    async fn credentials(&self) -> aws_credential_types::provider::Result {
        let mut slot = self.slot.lock().await;
        let lasting = |c: &Credentials| c.expiry().is_none_or(|end| end > SystemTime::now() + RENEW_BEFORE);
        if let Some(credentials) = slot.as_ref().filter(|c| lasting(c)) {
            return Ok(credentials.clone());
        }
        let mut provider = aws_config::sts::AssumeRoleProvider::builder(self.role_arn.clone())
            .session_name("labcheck")
            .configure(&self.regional);
        if let Some(external_id) = &self.external_id {
            provider = provider.external_id(external_id.clone());
        }
        let credentials = provider.build().await.provide_credentials().await?;
        *slot = Some(credentials.clone());
        Ok(credentials)
    }
}

impl ProvideCredentials for AssumedRole {
    fn provide_credentials<'a>(&'a self) -> ProvideCredentialsFuture<'a>
    where
        Self: 'a,
    {
        ProvideCredentialsFuture::new(self.credentials())
    }
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
