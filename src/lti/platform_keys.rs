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
    refetch_every: Duration,
}

impl std::fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlatformKeys")
    }
}

impl PlatformKeys {
    pub fn new(http: reqwest::Client) -> Self {
        Self { http, cache: Mutex::new(HashMap::new()), refetch_every: REFETCH_AT_MOST_EVERY }
    }

    /// The key `kid` of the key set at `url`.
    pub async fn key(&self, url: &str, kid: &str) -> Result<DecodingKey, KeyError> {
        let (held, stale_or_missing, may_fetch) = {
            let cache = self.cache.lock().expect("platform keys lock");
            match cache.get(url) {
                Some(cached) => {
                    let age = cached.fetched.elapsed();
                    (Self::find(&cached.keys, kid), age >= KEEP_FOR, age >= self.refetch_every)
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn key_set(kid: &str) -> String {
        let (pem, _) = crate::lti::keys::generate().unwrap();
        let der = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>(),
        )
        .unwrap();
        let key = crate::lti::keys::SigningKey::from_pkcs8(&der, std::path::Path::new("k")).unwrap();
        let mut jwks = serde_json::to_value(crate::lti::ToolKeys::from_keys(vec![key]).unwrap().jwks()).unwrap();
        jwks["keys"][0]["kid"] = kid.into();
        jwks.to_string()
    }

    /// A platform rotates its key: a token with the new kid makes one fetch (not one per token), and a made-up kid
    /// within the refetch interval makes none.
    #[tokio::test]
    async fn an_unknown_kid_fetches_the_key_set_again_at_most_once_an_interval() {
        // Both key sets made first: making an RSA key takes a while in a debug build.
        let (old, new) = (key_set("old"), key_set("new"));
        let served = Arc::new(Mutex::new((old, 0u32)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        let shared = served.clone();
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let shared = shared.clone();
                async move {
                    let mut served = shared.lock().unwrap();
                    served.1 += 1;
                    served.0.clone()
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let mut keys = PlatformKeys::new(reqwest::Client::new());
        keys.refetch_every = Duration::from_secs(1);
        assert!(keys.key(&url, "old").await.is_ok());
        served.lock().unwrap().0 = new;
        assert_eq!(keys.key(&url, "new").await.err(), Some(KeyError::UnknownKid { kid: "new".into() }), "too soon");
        assert_eq!(served.lock().unwrap().1, 1, "no fetch within the interval");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(keys.key(&url, "new").await.is_ok(), "fetched again for the new kid");
        assert!(keys.key(&url, "new").await.is_ok());
        assert_eq!(served.lock().unwrap().1, 2, "then cached");
    }
}
