//! Bearer tokens: read once at start, compared in constant time, never logged.

use std::path::PathBuf;

use axum::http::{HeaderMap, StatusCode, header};
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};

pub(super) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compare digests against every token in constant time, so timing tells nothing about which token matched,
    // how much of it, or how long the tokens are (comparing the tokens themselves stops early on a length mismatch).
    let presented_digest = digest(presented);
    let mut ok = subtle::Choice::from(0);
    for token in &state.config.tokens {
        ok |= presented_digest.as_ref().ct_eq(digest(token).as_ref());
    }
    if presented.is_empty() || !bool::from(ok) {
        state.metrics.refused("unauthorized");
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required"));
    }
    Ok(())
}

/// SHA-256 of a token: the same length whatever the token's.
fn digest(token: &str) -> aws_lc_rs::digest::Digest {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes())
}

/// Loads tokens: one per line (blank lines and `#` comments ignored).
pub fn read_tokens(file: Option<&PathBuf>, env: Option<String>) -> Result<Vec<String>, std::io::Error> {
    let mut text = env.unwrap_or_default().replace(',', "\n");
    if let Some(file) = file {
        text.push('\n');
        text.push_str(&std::fs::read_to_string(file)?);
    }
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect())
}
