//! Facts: the plain-data picture of an account that validators judge.
//!
//! The inventory fills the providers' `Facts` from AWS (or a snapshot stands in for it); validators only ever read
//! them. Each provider owns its part and its fact types; this module has what they share, and names none of them. Every
//! collection is a [`Fact`]: either the data or the [`FactError`] that kept it from being read, so a validator that
//! touches an unreadable collection can only report `error`, never `pass`.
//!
//! Nothing here holds a secret: API key values are not part of any fact type.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::i18n::{Message, msg};

/// A collection as read from the account, or why it could not be read.
pub type Fact<T> = Result<T, FactError>;

/// Why a fact could not be read. Always turns the checks that need it into `error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactError {
    pub kind: FactErrorKind,
    /// The AWS operation or probe that failed, e.g. `apigateway:GetUsagePlans`.
    pub operation: String,
    /// One line, safe to show (no secrets).
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactErrorKind {
    /// The credentials lack a permission (AccessDenied, Unauthorized, 403 from the control plane).
    AccessDenied,
    /// AWS throttled the reads and retries did not get through.
    Throttled,
    /// The request did not complete in time.
    Timeout,
    /// The endpoint could not be reached (connection refused/reset, DNS).
    Network,
    /// The service answered something that is not a valid response.
    Malformed,
    /// Any other service error.
    Service,
    /// The engine did not collect a fact a validator asked for (a bug in the validator's `reads`).
    NotCollected,
}

impl FactError {
    pub fn new(kind: FactErrorKind, operation: impl Into<String>, message: impl Into<String>) -> Self {
        Self { kind, operation: operation.into(), message: message.into() }
    }

    pub fn not_collected(what: impl Into<String>) -> Self {
        let what = what.into();
        Self::new(
            FactErrorKind::NotCollected,
            what.clone(),
            format!("{what} was not collected (validator did not declare it in reads)"),
        )
    }
}

impl FactErrorKind {
    /// Its name in the JSON report and in the catalogue's `read-error`.
    pub fn as_str(self) -> &'static str {
        match self {
            FactErrorKind::AccessDenied => "access_denied",
            FactErrorKind::Throttled => "throttled",
            FactErrorKind::Timeout => "timeout",
            FactErrorKind::Network => "network",
            FactErrorKind::Malformed => "malformed",
            FactErrorKind::Service => "service",
            FactErrorKind::NotCollected => "not_collected",
        }
    }
}

impl FactError {
    /// What the check shows: "could not read apigateway:GetRestApis (access denied): ..." in the learner's
    /// language (the detail is AWS's own words).
    pub fn describe(&self) -> Message {
        msg!("read-error", operation = &self.operation, kind = self.kind.as_str(), detail = &self.message)
    }
}

impl fmt::Display for FactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe().fmt(f)
    }
}

impl std::error::Error for FactError {}

/// The value of a collection that was asked for, or why not: unreadable, or never collected (a validator that does
/// not declare what it reads).
pub fn collected<'a, T>(fact: Option<&'a Fact<T>>, what: &str) -> Result<&'a T, FactError> {
    match fact {
        Some(Ok(value)) => Ok(value),
        Some(Err(err)) => Err(err.clone()),
        None => Err(FactError::not_collected(what)),
    }
}
