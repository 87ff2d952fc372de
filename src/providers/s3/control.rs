//! S3 Control's endpoints. AWS puts the account id in the host name (`123456789012.s3-control.REGION.amazonaws.com`,
//! and `123456789012.` before a custom endpoint's host). An endpoint URL on an IP address or `localhost` (an
//! emulator) cannot take a subdomain: requests go to it as given, the account id in the `x-amz-account-id` header
//! the SDK always sends.

use aws_sdk_s3control::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_smithy_runtime_api::client::endpoint::EndpointFuture;

#[derive(Debug, Default)]
pub(super) struct EmulatorFriendlyResolver {
    aws: DefaultResolver,
}

impl ResolveEndpoint for EmulatorFriendlyResolver {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::new(async move {
            let endpoint = self.aws.resolve_endpoint(params).await?;
            Ok(match (params.endpoint(), params.account_id()) {
                (Some(custom), Some(account)) if takes_no_subdomain(custom) => {
                    let url = endpoint.url().replacen(&format!("://{account}."), "://", 1);
                    endpoint.into_builder().url(url).build()
                }
                _ => endpoint,
            })
        })
    }
}

/// Whether the URL's host is an IP address or `localhost`.
fn takes_no_subdomain(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(endpoint: Option<&str>) -> String {
        let mut params = Params::builder().account_id("123456789012").region("eu-central-1").requires_account_id(true);
        if let Some(endpoint) = endpoint {
            params = params.endpoint(endpoint);
        }
        let resolver = EmulatorFriendlyResolver::default();
        let endpoint = futures::executor::block_on(resolver.resolve_endpoint(&params.build().unwrap())).unwrap();
        endpoint.url().to_owned()
    }

    #[test]
    fn aws_hosts_keep_the_account_and_emulators_do_without() {
        assert_eq!(resolved(None), "https://123456789012.s3-control.eu-central-1.amazonaws.com");
        assert_eq!(resolved(Some("https://vpce.example.com")), "https://123456789012.vpce.example.com");
        assert_eq!(resolved(Some("http://127.0.0.1:4566")), "http://127.0.0.1:4566");
        assert_eq!(resolved(Some("http://localhost:4566")), "http://localhost:4566");
    }
}
