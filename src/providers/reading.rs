//! How providers read (with the `aws` feature): the [`Reading`] half of a provider, the settings its client is
//! made from, and the helpers every reader shares.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use futures::future::BoxFuture;

use super::{Facts, Provider, Read};
use crate::inventory::round_trips::Once;
use crate::inventory::{AwsInventory, AwsSession};

/// What a provider reads with: its client, its state for a round, and how it reads.
pub trait Reading: Provider {
    /// The client it reads through (an SDK client, an HTTP client), made once per session.
    type Client: Clone + Send + Sync;
    /// Its state for one round of reads: each collection read at most once.
    type Reader: Send + Sync;

    /// The string fields of its facts that hold one of the values an AWS API allows: (collection, field, values),
    /// the values from the SDK's enum types. `labcheck mutate` swaps each for every other.
    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])];

    /// Its client over `settings` (the session's AWS config, interceptors and probe timeout).
    fn client(settings: &ClientSettings) -> Self::Client;
    /// A ready-made client (tests: aws-smithy-mocks) with the session's interceptors added.
    fn instrument(client: Self::Client, settings: &ClientSettings) -> Self::Client;
    /// A reader for one round; `plan` is every read of the round, so a collection can be read in the one call
    /// shape every check needs.
    fn reader(session: &Arc<AwsSession>, plan: &[Read]) -> Self::Reader;
    /// Cuts `facts` down to what a regrading needs, before they are kept as a grading's evidence: evidence is a
    /// record of the learner's account, and whatever it holds may be a secret (a stage variable, an API's answer).
    fn for_evidence(facts: &mut Self::Facts);
    /// Reads `read` (and what finding it takes, e.g. the REST API list for resources) into facts.
    fn read<'a>(reader: &'a Self::Reader, read: &'a Self::Read, inventory: &'a AwsInventory) -> BoxFuture<'a, Facts>;
}

/// What a provider's client is made from.
pub struct ClientSettings {
    /// The AWS config of the session (credentials, region, endpoints, retries, timeouts).
    pub config: SdkConfig,
    /// Interceptors every AWS client gets (call counting).
    pub interceptors: Vec<SharedInterceptor>,
    /// How long one HTTP probe may take.
    pub probe_timeout: Duration,
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

/// A provider's SDK client made from the session's config, with its own interceptors and then the session's:
/// `sdk_client!(aws_sdk_lambda, settings, TolerantJson)`.
macro_rules! sdk_client {
    ($sdk:ident, $settings:expr $(, $own:expr)* $(,)?) => {
        $crate::providers::instrumented!($sdk, $sdk::config::Builder::from(&$settings.config), $settings $(, $own)*)
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
