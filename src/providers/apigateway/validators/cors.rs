//! CORS as configured on the API (the OPTIONS methods the console's "Enable CORS" creates).

use super::{MethodRef, find_method, judge_apis_named};
use crate::facts::FactError;
use crate::i18n::{and, clauses, msg};
use crate::model::Verdict;
use crate::providers::apigateway;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

fn default_headers() -> Vec<String> {
    ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"]
        .map(str::to_owned)
        .to_vec()
}

validator! {
    /// Each listed resource has an OPTIONS method with a MOCK integration whose response sets the CORS headers
    /// (`Access-Control-Allow-Origin`, `-Methods` and `-Headers` unless `headers` says otherwise).
    ///
    /// Why: browsers send a preflight OPTIONS request before a cross-origin call; without these headers in the
    /// answer, a web page cannot call the API. Browsers send the preflight without the page's headers or
    /// credentials, so an OPTIONS method that requires an API key, or any authorization (`AWS_IAM`, a Cognito
    /// or Lambda authorizer), answers every preflight 403 (`labcheck mutate` found both faults went unnoticed).
    ///
    /// ```toml
    /// validator = "cors_configured"
    /// params = { api = "ItemsAPI", paths = ["/items", "/items/{ID}"] }
    /// ```
    pub struct CorsConfigured {
        /// REST API name.
        pub api: String,
        /// Resource paths.
        pub paths: Vec<String>,
        /// Response headers the OPTIONS integration response must set.
        #[serde(default = "default_headers")]
        pub headers: Vec<String>,
    }
}

impl Validator for CorsConfigured {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Resources { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("resources[].methods.OPTIONS"),
            Judged::field("resources[].methods.OPTIONS.api_key_required"),
            Judged::field("resources[].methods.OPTIONS.authorization_type"),
            Judged::field("resources[].methods.OPTIONS.integration"),
            Judged::field("resources[].methods.OPTIONS.integration.type"),
            Judged::field("resources[].methods.OPTIONS.integration.responses"),
            Judged::field("resources[].methods.OPTIONS.integration.responses.*"),
            Judged::field("resources[].methods.OPTIONS.integration.responses.*.*"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |api| {
            let resources = facts.apigateway.resources(&api.id)?;
            let mut problems = Vec::new();
            for path in &self.paths {
                let options = MethodRef { method: "OPTIONS".into(), path: path.clone() };
                let method = match find_method(resources, &options) {
                    Ok(m) => m,
                    Err(missing) => {
                        problems.push(missing);
                        continue;
                    }
                };
                let method_name = options.to_string();
                if method.api_key_required {
                    problems.push(msg!("cors-key-required", method = &method_name));
                    continue;
                }
                // AWS always gives a method's authorization type (`NONE` when open).
                if let Some(authorization) = method.authorization_type.as_deref().filter(|a| *a != "NONE") {
                    problems.push(msg!("cors-authorized", method = &method_name, authorization));
                    continue;
                }
                let Some(integration) = &method.integration else {
                    problems.push(msg!("method-no-integration", method = method_name));
                    continue;
                };
                let kind = integration.integration_type.as_deref().unwrap_or("no");
                if kind != "MOCK" {
                    problems.push(msg!("cors-not-mock", method = method_name, kind));
                    continue;
                }
                let set: Vec<String> = integration
                    .responses
                    .values()
                    .flat_map(|params| params.keys())
                    .filter_map(|k| k.strip_prefix("method.response.header."))
                    .map(str::to_ascii_lowercase)
                    .collect();
                let missing: Vec<&str> = self
                    .headers
                    .iter()
                    .filter(|h| !set.contains(&h.to_ascii_lowercase()))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    problems.push(msg!("cors-headers-missing", method = method_name, headers = and(missing)));
                }
            }
            let name = &self.api;
            Ok(if problems.is_empty() {
                let options: Vec<String> = self.paths.iter().map(|p| format!("OPTIONS {p}")).collect();
                let (count, headers) = (options.len(), and(&self.headers));
                Verdict::pass(msg!("cors-configured", count, methods = and(options), name, headers))
            } else {
                Verdict::fail(msg!("on-api", name, problems = clauses(problems)))
            }
            .with("api_id", &api.id))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::providers::apigateway::{Integration, Resource};

    fn options(path: &str, kind: &str, headers: &[&str]) -> Resource {
        let params = headers.iter().map(|h| (format!("method.response.header.{h}"), "'*'".to_owned())).collect();
        let integration = Integration {
            integration_type: Some(kind.into()),
            uri: None,
            http_method: None,
            responses: BTreeMap::from([("200".to_owned(), params)]),
        };
        crate::providers::testing::resource_with(path, "OPTIONS", false, Some(integration))
    }

    fn facts(resources: Vec<Resource>) -> Facts {
        crate::providers::testing::items_api(resources)
    }

    #[test]
    fn cors_needs_options_with_all_three_headers() {
        let check = CorsConfigured {
            api: "ItemsAPI".into(),
            paths: vec!["/items".into(), "/items/{ID}".into()],
            headers: default_headers(),
        };
        let all = ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"];
        assert!(
            check
                .evaluate(&facts(vec![options("/items", "MOCK", &all), options("/items/{ID}", "MOCK", &all)]))
                .unwrap()
                .passed
        );
        let v = check.evaluate(&facts(vec![options("/items", "MOCK", &all[..1])])).unwrap();
        assert_eq!(
            v.message,
            "on ItemsAPI: OPTIONS /items does not set Access-Control-Allow-Methods and Access-Control-Allow-Headers; OPTIONS /items/{ID} does not exist (no resource /items/{ID})"
        );
    }

    /// Found by `labcheck mutate checks/apigw-items`: a preflight method that requires a key went unnoticed.
    #[test]
    fn a_preflight_that_requires_a_key_fails() {
        let check = CorsConfigured { api: "ItemsAPI".into(), paths: vec!["/items".into()], headers: default_headers() };
        let all = ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"];
        let mut locked = options("/items", "MOCK", &all);
        locked.methods.get_mut("OPTIONS").unwrap().api_key_required = true;
        let verdict = check.evaluate(&facts(vec![locked])).unwrap();
        assert!(!verdict.passed);
        assert!(verdict.message.to_string().contains("OPTIONS /items requires an API key"), "{}", verdict.message);
    }

    /// Found by `labcheck mutate checks/apigw-items`: a preflight method with IAM authorization went unnoticed.
    #[test]
    fn a_preflight_that_needs_authorization_fails() {
        let check = CorsConfigured { api: "ItemsAPI".into(), paths: vec!["/items".into()], headers: default_headers() };
        let all = ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"];
        let mut signed = options("/items", "MOCK", &all);
        signed.methods.get_mut("OPTIONS").unwrap().authorization_type = Some("AWS_IAM".into());
        let verdict = check.evaluate(&facts(vec![signed])).unwrap();
        assert_eq!(
            verdict.message,
            "on ItemsAPI: OPTIONS /items requires AWS_IAM authorization, which a browser's preflight never carries (it answers 403)"
        );
    }
}
