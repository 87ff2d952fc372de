//! The clients a session reads through: what they are made from ([`ClientSettings`]), a cache of them by kind, each
//! made on its first use ([`ClientCache`]), and the helpers every reader shares.
//!
//! A kind of client is a type that says how to make it ([`MakeClient`]): each provider is one. The cache names none
//! of them, so a new provider needs nothing here.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;

use super::round_trips::Once;

/// What a session's clients are made from.
pub struct ClientSettings {
    /// The AWS config of the session (credentials, region, endpoints, retries, timeouts).
    pub config: SdkConfig,
    /// Interceptors every AWS client gets (call counting).
    pub interceptors: Vec<SharedInterceptor>,
    /// How long one HTTP probe may take.
    pub probe_timeout: Duration,
}

/// A kind of client a session holds one of (a provider's SDK client, the probes' HTTP client).
pub trait MakeClient: 'static {
    /// The client; cloning it shares it (SDK and HTTP clients are handles).
    type Client: Clone + Send + Sync + 'static;

    /// The client over `settings` (the session's AWS config, interceptors and probe timeout).
    fn client(settings: &ClientSettings) -> Self::Client;
    /// A ready-made client (tests: aws-smithy-mocks) with the session's interceptors added.
    fn instrument(client: Self::Client, settings: &ClientSettings) -> Self::Client;
}

/// One client of each kind, made on first use: a grading builds only the clients of the services its lab reads
/// (making an SDK client is a large share of a grading's CPU).
pub struct ClientCache {
    settings: ClientSettings,
    made: RwLock<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl ClientCache {
    pub fn new(settings: ClientSettings) -> Self {
        Self { settings, made: RwLock::new(HashMap::new()) }
    }

    /// What the clients are made from.
    pub fn settings(&self) -> &ClientSettings {
        &self.settings
    }

    /// The client of kind `K`, made now if it is the first asked for.
    pub fn get<K: MakeClient>(&self) -> K::Client {
        if let Some(client) = self.made.read().expect("clients lock").get(&TypeId::of::<K>()) {
            return Self::of::<K>(client.as_ref()).clone();
        }
        let mut made = self.made.write().expect("clients lock");
        let client = made.entry(TypeId::of::<K>()).or_insert_with(|| Box::new(K::client(&self.settings)));
        Self::of::<K>(client.as_ref()).clone()
    }

    /// Puts a ready-made client of kind `K` in the cache, with the session's interceptors (tests).
    pub fn insert<K: MakeClient>(&self, client: K::Client) {
        let client = K::instrument(client, &self.settings);
        self.made.write().expect("clients lock").insert(TypeId::of::<K>(), Box::new(client));
    }

    /// How many kinds of client have been made.
    pub fn made(&self) -> usize {
        self.made.read().expect("clients lock").len()
    }

    fn of<K: MakeClient>(client: &(dyn Any + Send + Sync)) -> &K::Client {
        client.downcast_ref::<K::Client>().expect("the cache holds each kind's client under its own type id")
    }
}

/// Lazily-filled cells keyed by id: each key is fetched at most once, concurrent askers wait for the same read.
pub(crate) struct Keyed<T> {
    cells: Mutex<HashMap<String, Arc<Once<T>>>>,
}

impl<T: Clone> Keyed<T> {
    pub(crate) fn new() -> Self {
        Self { cells: Mutex::new(HashMap::new()) }
    }

    pub(crate) async fn get_or_fetch<F: Future<Output = T>>(&self, key: &str, fetch: impl FnOnce() -> F) -> T {
        let cell = self.cells.lock().expect("cells lock").entry(key.to_owned()).or_default().clone();
        cell.get_or_init(fetch).await.clone()
    }
}

/// An SDK client made from a config builder with the provider's own interceptors (given after the builder) and
/// then the session's: `instrumented!(aws_sdk_lambda, Builder::from(&settings.config), settings, TolerantJson)`.
macro_rules! instrumented {
    ($sdk:ident, $builder:expr, $settings:expr $(, $own:expr)* $(,)?) => {{
        let mut config = $builder $(.interceptor($own))*;
        for interceptor in &$settings.interceptors {
            config.push_interceptor(interceptor.clone());
        }
        $sdk::Client::from_conf(config.build())
    }};
}
pub(crate) use instrumented;

/// Makes `$kind` a kind of client that is one SDK client, made from the session's config with its own interceptors
/// and then the session's: `sdk_client!(Lambda, aws_sdk_lambda, TolerantJson)`.
macro_rules! sdk_client {
    ($kind:ty, $sdk:ident $(, $own:expr)* $(,)?) => {
        impl $crate::aws::MakeClient for $kind {
            type Client = $sdk::Client;

            fn client(settings: &$crate::aws::ClientSettings) -> Self::Client {
                $crate::aws::instrumented!($sdk, $sdk::config::Builder::from(&settings.config), settings $(, $own)*)
            }

            fn instrument(client: Self::Client, settings: &$crate::aws::ClientSettings) -> Self::Client {
                $crate::aws::instrumented!($sdk, client.config().to_builder(), settings $(, $own)*)
            }
        }
    };
}
pub(crate) use sdk_client;

/// Whether the service answered with one of these error codes (`NoSuchEntity`, `NoSuchBucketPolicy`).
pub(crate) fn has_code<E, R>(err: &aws_smithy_runtime_api::client::result::SdkError<E, R>, codes: &[&str]) -> bool
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    err.as_service_error().and_then(|e| e.code()).is_some_and(|code| codes.contains(&code))
}

/// A string field of an SDK type, empty when absent.
pub(crate) fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use aws_config::{BehaviorVersion, Region};

    use super::*;

    struct Counted;

    static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    impl MakeClient for Counted {
        type Client = Arc<String>;

        fn client(settings: &ClientSettings) -> Self::Client {
            MADE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Arc::new(settings.config.region().map(ToString::to_string).unwrap_or_default())
        }

        fn instrument(client: Self::Client, _settings: &ClientSettings) -> Self::Client {
            client
        }
    }

    #[test]
    fn a_client_is_made_on_its_first_use_only() {
        let config =
            SdkConfig::builder().behavior_version(BehaviorVersion::latest()).region(Region::new("us-east-1")).build();
        let clients =
            ClientCache::new(ClientSettings { config, interceptors: vec![], probe_timeout: Duration::from_secs(1) });
        assert_eq!(clients.made(), 0);
        let first = clients.get::<Counted>();
        assert_eq!(*first, "us-east-1");
        assert!(Arc::ptr_eq(&first, &clients.get::<Counted>()), "made once, shared");
        assert_eq!((clients.made(), MADE.load(std::sync::atomic::Ordering::SeqCst)), (1, 1));
    }
}
