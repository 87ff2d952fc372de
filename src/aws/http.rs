//! The transport every AWS call of the process goes through.
//!
//! - **One HTTPS client** ([`shared_https_client`]): one connection pool and one TLS setup (root certificates
//!   loaded once) for every SDK client of every session. Left to themselves, the SDK clients each build their own
//!   on creation, and a session makes one per service: the service would set up TLS and open new connections for
//!   every grading.
//! - **Pacing at the transport** ([`paced`]): an account's pacer is asked before every HTTP request, so pages and
//!   retries wait their turn like first requests do.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::{Builder, ConnectorBuilder, tls};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use super::Pace;

/// The process's HTTPS client for AWS: hyper 1 with rustls on aws-lc (the SDK's default stack), proxies from the
/// environment as the SDK's default client reads them.
pub fn shared_https_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            Builder::new().build_with_connector_fn(|settings, components| {
                let mut connector = ConnectorBuilder::default()
                    .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc));
                connector.set_connector_settings(settings.cloned());
                if let Some(components) = components {
                    connector.set_sleep_impl(components.sleep_impl());
                }
                connector.set_proxy_config(Some(ProxyConfig::from_env()));
                connector.build()
            })
        })
        .clone()
}

/// `inner`, with every request first waiting for `pacer`.
pub fn paced(inner: SharedHttpClient, pacer: Arc<dyn Pace>) -> SharedHttpClient {
    SharedHttpClient::new(PacedClient { inner, pacer })
}

struct PacedClient {
    inner: SharedHttpClient,
    pacer: Arc<dyn Pace>,
}

impl fmt::Debug for PacedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacedClient").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl HttpClient for PacedClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        let inner = self.inner.http_connector(settings, components);
        SharedHttpConnector::new(PacedConnector { inner, pacer: self.pacer.clone() })
    }
}

struct PacedConnector {
    inner: SharedHttpConnector,
    pacer: Arc<dyn Pace>,
}

impl fmt::Debug for PacedConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacedConnector").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, pacer) = (self.inner.clone(), self.pacer.clone());
        HttpConnectorFuture::new(async move {
            pacer.wait_turn().await;
            inner.call(request).await
        })
    }
}
