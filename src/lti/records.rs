//! What LTI keeps in the progress store, so that replicas (and the function on Lambda) share it:
//! - logins in flight: the `state` and `nonce` of each OIDC login, single-use (taken, never read twice) and
//!   short-lived ([`LOGIN_SECONDS`]);
//! - scores not delivered yet: the latest per learner session, retried until the platform takes it.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use super::ags::Score;
use super::launch::ScoreEndpoint;
use crate::db::StoreError;

/// How long a login may take from `/lti/login` to `/lti/launch`.
pub const LOGIN_SECONDS: i64 = 300;

/// A login in flight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub state: String,
    pub nonce: String,
    /// The registration's name.
    pub platform: String,
    /// Epoch seconds.
    pub expires_at: i64,
    /// SHA-256 (hex) of the key the browser that started this login holds ([`super::browser`]).
    #[serde(default)]
    pub browser_digest: String,
    /// The platform's storage, when it offered one: the key is kept there too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<super::browser::PlatformStorage>,
}

/// A score the platform has not taken yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingScore {
    pub session_id: String,
    /// The registration's name.
    pub platform: String,
    pub endpoint: ScoreEndpoint,
    pub score: Score,
    pub attempts: u32,
    pub last_error: String,
}

pub trait LtiRecords: Send + Sync {
    fn put_login<'a>(&'a self, login: &'a Login) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The login of `state`, removed as it is read: a second take finds nothing. An expired one is `None`.
    fn take_login<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<Option<Login>, StoreError>>;

    /// Keeps `pending` in place of the session's earlier one (a newer score supersedes it).
    fn put_pending_score<'a>(&'a self, pending: &'a PendingScore) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Every score not delivered yet.
    fn pending_scores(&self) -> BoxFuture<'_, Result<Vec<PendingScore>, StoreError>>;

    /// Forgets the session's pending score if it is still the one stamped `timestamp` (a newer one stays).
    fn drop_pending_score<'a>(
        &'a self,
        session_id: &'a str,
        timestamp: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}
