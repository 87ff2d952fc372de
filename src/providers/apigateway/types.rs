//! API Gateway's facts: REST APIs, their resources with methods and integrations, stages, usage plans and their
//! keys, API keys. No type holds a secret: API key values are deliberately absent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A REST API (`GetRestApis`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A resource of a REST API with its methods embedded (`GetResources?embed=methods`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Keyed by HTTP verb (`GET`, `OPTIONS`, ...).
    #[serde(default)]
    pub methods: BTreeMap<String, Method>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    pub http_method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_type: Option<String>,
    pub api_key_required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Integration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub integration_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_method: Option<String>,
    /// Integration responses by status code: the response parameters each one maps
    /// (`method.response.header.Access-Control-Allow-Origin` -> `'*'`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub responses: BTreeMap<String, BTreeMap<String, String>>,
}

impl Integration {
    /// The Lambda function an AWS/AWS_PROXY integration invokes, from its URI
    /// (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`).
    pub fn lambda_target(&self) -> Option<LambdaTarget> {
        LambdaTarget::from_integration_uri(self.uri.as_deref()?)
    }
}

/// A Lambda function named in an integration URI, with the qualifier part as written (`${stageVariables.alias}`,
/// `prod`, or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaTarget {
    pub function_name: String,
    pub qualifier: Option<String>,
    /// Region and account of the function's ARN.
    pub region: String,
    pub account: String,
}

impl LambdaTarget {
    pub fn from_integration_uri(uri: &str) -> Option<Self> {
        let (_, rest) = uri.split_once(":lambda:path/")?;
        let arn = rest.split_once("/functions/")?.1;
        let arn = arn.strip_suffix("/invocations").unwrap_or(arn);
        // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        let parts: Vec<&str> = arn.splitn(8, ':').collect();
        if parts.len() < 7 || parts[2] != "lambda" || parts[5] != "function" || parts[6].is_empty() {
            return None;
        }
        Some(Self {
            function_name: parts[6].to_owned(),
            qualifier: parts.get(7).map(|q| (*q).to_owned()),
            region: parts[3].to_owned(),
            account: parts[4].to_owned(),
        })
    }

    /// The stage variable the qualifier selects, for `${stageVariables.NAME}`.
    pub fn stage_variable(&self) -> Option<&str> {
        self.qualifier.as_deref()?.strip_prefix("${stageVariables.")?.strip_suffix('}')
    }
}

/// A deployed stage of a REST API (`GetStages`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub cache_cluster_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_cluster_size: Option<String>,
    /// By method path: `*/*` for all methods, `~1items/GET` for one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_settings: BTreeMap<String, MethodSetting>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodSetting {
    #[serde(default)]
    pub caching_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_ttl_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttling_rate_limit: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttling_burst_limit: Option<i32>,
}

/// A usage plan (`GetUsagePlans`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsagePlan {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub api_stages: Vec<ApiStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<Throttle>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiStage {
    pub api_id: String,
    pub stage: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throttle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// A key attached to a usage plan (`GetUsagePlanKeys`). The key's value is deliberately absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePlanKey {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
}

/// An API key (`GetApiKeys`). The key's value is deliberately absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub enabled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_target_from_integration_uris() {
        let uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:${stageVariables.alias}/invocations";
        let t = LambdaTarget::from_integration_uri(uri).unwrap();
        assert_eq!(t.function_name, "ItemsFunction");
        assert_eq!(t.stage_variable(), Some("alias"));
        let plain = uri.replace(":${stageVariables.alias}", "");
        let t = LambdaTarget::from_integration_uri(&plain).unwrap();
        assert_eq!((t.function_name.as_str(), t.qualifier), ("ItemsFunction", None));
        assert_eq!((t.region.as_str(), t.account.as_str()), ("us-east-1", "123456789012"));
        let prod = uri.replace("${stageVariables.alias}", "prod");
        assert_eq!(LambdaTarget::from_integration_uri(&prod).unwrap().stage_variable(), None);
        assert_eq!(LambdaTarget::from_integration_uri("https://example.com/items"), None);
        assert_eq!(LambdaTarget::from_integration_uri("arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"), None);
    }
}
