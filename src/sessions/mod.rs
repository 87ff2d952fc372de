//! Learner sessions: what a platform hands a student's browser so that it can grade one lab against one account,
//! and read that learner's progress in it, and nothing else.
//!
//! A session is made by the platform (`POST /v1/sessions`, or `labcheck session create` against the store). It
//! names the learner, the lab, the account (role, external id, region) and when it expires. Its token is
//! `lcs.<session id>.<64 hex digits>`: 256 random bits from the system's generator (aws-lc), given once and never
//! kept. The store keeps the token's SHA-256 only, so sessions survive a restart and are shared by replicas
//! (DynamoDB) while a copy of the store grants nothing. A session is revoked by the platform or expires; either way
//! its token is refused from then on.

#[cfg(feature = "aws")]
mod dynamodb;
mod sqlite;

use std::fmt;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::db::StoreError;

/// The shortest and longest life a session may be given, in seconds (a minute; thirty days).
pub const MIN_EXPIRES_IN: u64 = 60;
pub const MAX_EXPIRES_IN: u64 = 30 * 86_400;

/// What a session allows: grading `lab` against this account for `learner`, and reading their progress in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerSession {
    /// `s` and 32 hex digits.
    pub id: String,
    pub learner: String,
    pub lab: String,
    /// The account it grades and the learner's language, for the page (kept flat: `role_arn`, ... beside `lab`).
    #[serde(flatten)]
    pub account: crate::ids::AccountRef,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC: refused from then on.
    pub expires_at: String,
    /// RFC 3339, UTC, once revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// A session an LMS launched (LTI 1.3): where its scores go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lti: Option<crate::lti::LtiLink>,
}

/// What a platform asks for. Checked field by field before a session is made.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    pub learner: String,
    pub lab: String,
    pub account: crate::ids::AccountRef,
    pub expires_in: u64,
    /// An LMS launch's link, for the scores.
    pub lti: Option<crate::lti::LtiLink>,
}

impl SessionRequest {
    /// Checks each field; the error is one line naming it.
    pub fn check(&self) -> Result<(), String> {
        crate::ids::check_learner(&self.learner).map_err(|e| format!("learner: {e}"))?;
        self.account.check()?;
        check_expires_in(self.expires_in)
    }
}

/// A session's token: a secret, shown once to the platform. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token itself, for the one answer that hands it over.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// A new session and its token; the store is given the session and the token's digest.
#[derive(Debug)]
pub struct Minted {
    pub session: LearnerSession,
    pub token: Token,
    /// Hex SHA-256 of the token: all that is kept of it.
    pub digest: String,
}

/// Why a token is refused (each answered 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the session token is not valid")]
    Invalid,
    #[error("the session has expired")]
    Expired,
    #[error("the session was revoked")]
    Revoked,
}

/// Where sessions are kept: the progress store's file or table.
pub trait Sessions: Send + Sync {
    /// Keeps a new session with its token's digest.
    fn put_session<'a>(&'a self, session: &'a LearnerSession, digest: &'a str)
    -> BoxFuture<'a, Result<(), StoreError>>;

    /// A session and its token's digest, if it was ever made (revoked and expired ones included).
    fn session<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<(LearnerSession, String)>, StoreError>>;

    /// Marks a session revoked at `at` (RFC 3339). `false` when there is no such session.
    fn revoke_session<'a>(&'a self, id: &'a str, at: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// A new session for `request`, made now: its id and token from the system's random generator.
pub fn mint(request: SessionRequest) -> Minted {
    let now = time::OffsetDateTime::now_utc();
    let expires = now + time::Duration::seconds(i64::try_from(request.expires_in).unwrap_or(i64::MAX));
    let id = format!("s{}", crate::ids::random_hex(16));
    let token = Token(format!("lcs.{id}.{}", crate::ids::random_hex(32)));
    let digest = crate::ids::digest_hex(token.reveal());
    let session = LearnerSession {
        id,
        learner: request.learner,
        lab: request.lab,
        account: request.account,
        created_at: crate::clock::rfc3339(now),
        expires_at: crate::clock::rfc3339(expires),
        revoked_at: None,
        lti: request.lti,
    };
    Minted { session, token, digest }
}

/// The session a token names, if it has a session token's shape (`lcs.<id>.<secret>`).
pub fn session_id_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("lcs.")?;
    let (id, secret) = rest.split_once('.')?;
    (check_session_id(id).is_ok() && secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// The session `token` opens, checked against the store: the digest (in constant time), then revocation and expiry.
pub async fn verify(store: &dyn Sessions, token: &str) -> Result<Result<LearnerSession, Refusal>, StoreError> {
    let Some(id) = session_id_of(token) else { return Ok(Err(Refusal::Invalid)) };
    let Some((session, digest)) = store.session(id).await? else { return Ok(Err(Refusal::Invalid)) };
    if !bool::from(crate::ids::digest_hex(token).as_bytes().ct_eq(digest.as_bytes())) {
        return Ok(Err(Refusal::Invalid));
    }
    if session.revoked_at.is_some() {
        return Ok(Err(Refusal::Revoked));
    }
    if session.expired_at(time::OffsetDateTime::now_utc()) {
        return Ok(Err(Refusal::Expired));
    }
    Ok(Ok(session))
}

impl LearnerSession {
    /// Whether the session has expired at `now` (an expiry that does not read back counts as expired).
    pub fn expired_at(&self, now: time::OffsetDateTime) -> bool {
        crate::clock::parse(&self.expires_at).is_none_or(|expires| now >= expires)
    }

    /// Epoch seconds of the expiry (DynamoDB's TTL).
    pub fn expires_epoch(&self) -> i64 {
        crate::clock::parse(&self.expires_at).map_or(0, time::OffsetDateTime::unix_timestamp)
    }
}

/// A session id as [`mint`] makes them: `s` and 32 lowercase hex digits.
pub fn check_session_id(id: &str) -> Result<(), String> {
    let valid = id.len() == 33
        && id.starts_with('s')
        && id[1..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if valid {
        Ok(())
    } else {
        let shown: String = id.chars().take(64).flat_map(char::escape_debug).collect();
        Err(format!("`{shown}` is not a session id (s and 32 hex digits)"))
    }
}

/// `expires_in`, checked: a minute to thirty days.
pub fn check_expires_in(seconds: u64) -> Result<(), String> {
    if (MIN_EXPIRES_IN..=MAX_EXPIRES_IN).contains(&seconds) {
        Ok(())
    } else {
        Err(format!("expires_in: {MIN_EXPIRES_IN} to {MAX_EXPIRES_IN} seconds"))
    }
}

#[cfg(test)]
mod tests;
