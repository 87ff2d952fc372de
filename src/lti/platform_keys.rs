//! The platforms' public keys: each registration's JWKS, fetched when first needed, cached for an hour, and fetched
//! again when a token names a `kid` the cache does not hold (a platform rotated its keys), at most once per
//! [`REFETCH_AT_MOST_EVERY`] so that tokens with made-up kids cannot make labcheck hammer the platform: one fetch
//! of a URL at a time (launches that need it meanwhile wait for it), its time recorded before it starts.
//!
//! A key set is read up to [`MAX_BYTES`]: a `Content-Length` above it is refused before the body, and a body that
//! runs on is cut off there, so a platform cannot make the service hold more than that in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;

/// How long a fetched key set is trusted without asking again.
const KEEP_FOR: Duration = Duration::from_secs(3600);
/// Fetched again for an unknown kid at most this often.
pub const REFETCH_AT_MOST_EVERY: Duration = Duration::from_secs(10);
/// A key set larger than this is refused.
pub const MAX_BYTES: usize = 256 * 1024;

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

/// One URL's state: its key set (once fetched), when a fetch last started, and the lock one fetch holds.
#[derive(Default)]
struct Source {
    cached: Option<Cached>,
    attempted: Option<Instant>,
    fetching: Arc<tokio::sync::Mutex<()>>,
}

pub struct PlatformKeys {
    http: reqwest::Client,
    sources: Mutex<HashMap<String, Source>>,
    refetch_every: Duration,
}

impl std::fmt::Debug for PlatformKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlatformKeys")
    }
}

/// What the cache says of a kid: found (and whether the set is old), or not, and whether a fetch may start.
struct Look {
    held: Option<Result<DecodingKey, KeyError>>,
    stale: bool,
    may_fetch: bool,
}

impl PlatformKeys {
    pub fn new(http: reqwest::Client) -> Self {
        Self { http, sources: Mutex::new(HashMap::new()), refetch_every: REFETCH_AT_MOST_EVERY }
    }

    fn look(&self, url: &str, kid: &str) -> Look {
        let sources = self.sources.lock().expect("platform keys lock");
        let Some(source) = sources.get(url) else { return Look { held: None, stale: true, may_fetch: true } };
        let held = source.cached.as_ref().and_then(|c| Self::find(&c.keys, kid));
        let stale = source.cached.as_ref().is_none_or(|c| c.fetched.elapsed() >= KEEP_FOR);
        let may_fetch = source.attempted.is_none_or(|at| at.elapsed() >= self.refetch_every);
        Look { held, stale, may_fetch }
    }

    /// The key `kid` of the key set at `url`.
    pub async fn key(&self, url: &str, kid: &str) -> Result<DecodingKey, KeyError> {
        // A key held answers at once; a kid not held waits for a fetch in flight (the first one, say) and looks again.
        let look = self.look(url, kid);
        if look.held.is_some()
            && let Some(answer) = self.answer(look, kid)
        {
            return answer;
        }
        // One fetch of a URL at a time: the others wait for it, then read what it brought.
        let lock = self.sources.lock().expect("platform keys lock").entry(url.to_owned()).or_default().fetching.clone();
        let _fetching = lock.lock().await;
        if let Some(answer) = self.answer(self.look(url, kid), kid) {
            return answer;
        }
        self.sources.lock().expect("platform keys lock").entry(url.to_owned()).or_default().attempted =
            Some(Instant::now());
        let keys = self.fetch(url).await?;
        let found = Self::find(&keys, kid);
        let cached = Cached { keys, fetched: Instant::now() };
        self.sources.lock().expect("platform keys lock").entry(url.to_owned()).or_default().cached = Some(cached);
        found.unwrap_or_else(|| Err(KeyError::UnknownKid { kid: kid.to_owned() }))
    }

    /// The answer the cache gives without a fetch, or `None` when a fetch should be made.
    fn answer(&self, look: Look, kid: &str) -> Option<Result<DecodingKey, KeyError>> {
        match look.held {
            Some(found) if !look.stale || !look.may_fetch => Some(found),
            None if !look.may_fetch => Some(Err(KeyError::UnknownKid { kid: kid.to_owned() })),
            Some(_) | None => None,
        }
    }

    fn find(keys: &JwkSet, kid: &str) -> Option<Result<DecodingKey, KeyError>> {
        let jwk = keys.find(kid)?;
        Some(DecodingKey::from_jwk(jwk).map_err(|e| KeyError::Unusable { kid: kid.to_owned(), why: e.to_string() }))
    }

    async fn fetch(&self, url: &str) -> Result<JwkSet, KeyError> {
        let unreadable = |why: String| KeyError::Unreadable { url: url.to_owned(), why: crate::one_line(why) };
        let too_large = || unreadable(format!("larger than {MAX_BYTES} bytes"));
        let mut answer =
            self.http.get(url).timeout(Duration::from_secs(5)).send().await.map_err(|e| unreadable(e.to_string()))?;
        if !answer.status().is_success() {
            return Err(unreadable(format!("HTTP {}", answer.status().as_u16())));
        }
        if answer.content_length().is_some_and(|length| length > MAX_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = answer.chunk().await.map_err(|e| unreadable(e.to_string()))? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|e| unreadable(format!("not a JWKS: {e}")))
    }
}

#[cfg(test)]
mod tests {

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

    /// A key set served with kid `kid` at a new address; how many times it was asked for.
    async fn counting_server(body: String) -> (String, Arc<Mutex<u32>>) {
        let asked = Arc::new(Mutex::new(0u32));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        let counter = asked.clone();
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let (counter, body) = (counter.clone(), body.clone());
                async move {
                    *counter.lock().unwrap() += 1;
                    // Slow enough that launches arriving together overlap.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    body
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, asked)
    }

    /// Thirty launches at once with made-up kids made thirty fetches: now one, while the others wait for it.
    #[tokio::test(flavor = "multi_thread")]
    async fn launches_at_once_with_made_up_kids_make_one_fetch() {
        let (url, asked) = counting_server(key_set("real")).await;
        let keys = Arc::new(PlatformKeys::new(reqwest::Client::new()));
        let launches = (0..30).map(|n| {
            let (keys, url) = (keys.clone(), url.clone());
            tokio::spawn(async move { keys.key(&url, &format!("made-up-{n}")).await })
        });
        for launch in futures::future::join_all(launches).await {
            assert!(matches!(launch.unwrap(), Err(KeyError::UnknownKid { .. })));
        }
        assert_eq!(*asked.lock().unwrap(), 1, "one fetch for thirty launches");
        assert!(keys.key(&url, "real").await.is_ok(), "the real key is in what that fetch brought");
    }

    /// A class launching together before the key set was ever fetched: every launch with the platform's real kid
    /// gets its key from the one fetch (before: those arriving while it ran were refused, "no key in the platform's
    /// key set", found by the rush benchmark).
    #[tokio::test(flavor = "multi_thread")]
    async fn launches_during_the_first_fetch_wait_for_it_and_get_the_key() {
        let (url, asked) = counting_server(key_set("real")).await;
        let keys = Arc::new(PlatformKeys::new(reqwest::Client::new()));
        let launches = (0..30).map(|_| {
            let (keys, url) = (keys.clone(), url.clone());
            tokio::spawn(async move { keys.key(&url, "real").await })
        });
        for launch in futures::future::join_all(launches).await {
            assert!(launch.unwrap().is_ok(), "every launch gets the key");
        }
        assert_eq!(*asked.lock().unwrap(), 1, "one fetch for thirty launches");
    }

    /// A key set that runs on (no length, 64 MiB) is cut off at the cap, not read into memory whole; one that
    /// announces a length above the cap is refused before its body.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_key_set_larger_than_the_cap_is_cut_off_there() {
        let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = sent.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route(
                "/stream",
                axum::routing::get(move || {
                    let counter = counter.clone();
                    async move {
                        let chunks = futures::StreamExt::map(futures::stream::iter(0..1024), move |_| {
                            counter.fetch_add(64 * 1024, std::sync::atomic::Ordering::Relaxed);
                            Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(vec![b' '; 64 * 1024]))
                        });
                        axum::body::Body::from_stream(chunks)
                    }
                }),
            )
            .route("/long", axum::routing::get(|| async { vec![b' '; 2 * MAX_BYTES] }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let keys = PlatformKeys::new(reqwest::Client::new());
        let error = keys.key(&format!("http://{address}/stream"), "k").await.unwrap_err();
        assert!(error.to_string().contains("larger than 262144 bytes"), "{error}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let read = sent.load(std::sync::atomic::Ordering::Relaxed);
        assert!(read < 16 * 1024 * 1024, "{read} bytes were produced: the reading stopped near the cap");
        let error = keys.key(&format!("http://{address}/long"), "k").await.unwrap_err();
        assert!(error.to_string().contains("larger than"), "{error}");
    }
}
