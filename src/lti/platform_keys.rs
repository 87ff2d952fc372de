//! The platforms' public keys: each registration's JWKS, fetched when first needed, cached for an hour, and fetched
//! again when a token names a `kid` the cache does not hold (a platform rotated its keys), at most once per
//! [`REFETCH_AT_MOST_EVERY`] so that tokens with made-up kids cannot make labcheck hammer the platform.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;

/// How long a fetched key set is trusted without asking again.
const KEEP_FOR: Duration = Duration::from_secs(3600);
/// Fetched again for an unknown kid at most this often.
pub const REFETCH_AT_MOST_EVERY: Duration = Duration::from_secs(10);
/// A key set larger than this is refused.
const MAX_BYTES: usize = 256 * 1024;

struct Cached {
    keys: JwkSet,
    fetched: Instant,
}

/// Why a key could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the platform's key set at {url} could not be read: {why}")]
    Unreadable { url: String, why: String },
    #[error("no key {kid:?} in the platform's key set")]
    UnknownKid { kid: String },
    #[error("key {kid:?} of the platform is not an RSA signing key: {why}")]
    Unusable { kid: String, why: String },
}

pub struct PlatformKeys {
    http: reqwest::Client,
    cache: Mutex<HashMap<String, Cached>>,
}

impl std::fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlatformKeys")
    }
}

impl PlatformKeys {
    pub fn new(http: reqwest::Client) -> Self {
        Self { http, cache: Mutex::new(HashMap::new()) }
    }

    /// The key `kid` of the key set at `url`.
    pub async fn key(&self, url: &str, kid: &str) -> Result<DecodingKey, KeyError> {
        let (held, stale_or_missing, may_fetch) = {
            let cache = self.cache.lock().expect("platform keys lock");
            match cache.get(url) {
                Some(cached) => {
                    let age = cached.fetched.elapsed();
                    (Self::find(&cached.keys, kid), age >= KEEP_FOR, age >= REFETCH_AT_MOST_EVERY)
                }
                None => (None, true, true),
            }
        };
        match held {
            Some(found) if !stale_or_missing || !may_fetch => return found,
            None if !may_fetch => return Err(KeyError::UnknownKid { kid: kid.to_owned() }),
            _ => {}
        }
        let keys = self.fetch(url).await?;
        let found = Self::find(&keys, kid);
        self.cache.lock().expect("platform keys lock").insert(url.to_owned(), Cached { keys, fetched: Instant::now() });
        found.unwrap_or_else(|| Err(KeyError::UnknownKid { kid: kid.to_owned() }))
    }

    fn find(keys: &JwkSet, kid: &str) -> Option<Result<DecodingKey, KeyError>> {
        let jwk = keys.find(kid)?;
        Some(DecodingKey::from_jwk(jwk).map_err(|e| KeyError::Unusable { kid: kid.to_owned(), why: e.to_string() }))
    }

    async fn fetch(&self, url: &str) -> Result<JwkSet, KeyError> {
        let unreadable = |why: String| KeyError::Unreadable { url: url.to_owned(), why: crate::one_line(why) };
        let answer =
            self.http.get(url).timeout(Duration::from_secs(5)).send().await.map_err(|e| unreadable(e.to_string()))?;
        if !answer.status().is_success() {
            return Err(unreadable(format!("HTTP {}", answer.status().as_u16())));
        }
        let body = answer.bytes().await.map_err(|e| unreadable(e.to_string()))?;
        if body.len() > MAX_BYTES {
            return Err(unreadable(format!("larger than {MAX_BYTES} bytes")));
        }
        serde_json::from_slice(&body).map_err(|e| unreadable(format!("not a JWKS: {e}")))
    }
}
