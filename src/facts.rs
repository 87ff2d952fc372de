//! Facts: the plain-data picture of an account that validators judge.
//!
//! The inventory fills a [`Facts`] from AWS (or, later, from a snapshot); validators only ever read it. Every
//! collection is a [`Fact`]: either the data or the [`FactError`] that kept it from being read, so a validator that
//! touches an unreadable collection can only report `error`, never `pass`.
//!
//! Nothing here holds a secret: API key values are not part of any fact type.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A collection as read from the account, or why it could not be read.
pub type Fact<T> = Result<T, FactError>;

/// Why a fact could not be read. Always turns the checks that need it into `error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactError {
    pub kind: FactErrorKind,
    /// The AWS operation or probe that failed, e.g. `apigateway:GetUsagePlans`.
    pub operation: String,
    /// One line, safe to show (no secrets).
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactErrorKind {
    /// The credentials lack a permission (AccessDenied, Unauthorized, 403 from the control plane).
    AccessDenied,
    /// AWS throttled the reads and retries did not get through.
    Throttled,
    /// The request did not complete in time.
    Timeout,
    /// The endpoint could not be reached (connection refused/reset, DNS).
    Network,
    /// The service answered something that is not a valid response.
    Malformed,
    /// Any other service error.
    Service,
    /// The engine did not collect a fact a validator asked for (a bug in the validator's `reads`).
    NotCollected,
}

impl FactError {
    pub fn new(kind: FactErrorKind, operation: impl Into<String>, message: impl Into<String>) -> Self {
        Self { kind, operation: operation.into(), message: message.into() }
    }

    pub fn not_collected(what: impl Into<String>) -> Self {
        let what = what.into();
        Self::new(
            FactErrorKind::NotCollected,
            what.clone(),
            format!("{what} was not collected (validator did not declare it in reads)"),
        )
    }
}

impl fmt::Display for FactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.kind {
            FactErrorKind::AccessDenied => "access denied",
            FactErrorKind::Throttled => "throttled by AWS",
            FactErrorKind::Timeout => "timed out",
            FactErrorKind::Network => "could not connect",
            FactErrorKind::Malformed => "malformed response",
            FactErrorKind::Service => "service error",
            FactErrorKind::NotCollected => "internal error",
        };
        write!(f, "could not read {} ({reason}): {}", self.operation, self.message)
    }
}

impl std::error::Error for FactError {}

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

/// A Lambda function's configuration (`GetFunctionConfiguration`). Environment variables are deliberately absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A version of a function (`ListVersionsByFunction`), `$LATEST` included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaVersion {
    pub version: String,
}

/// An alias (`ListAliases`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaAlias {
    pub name: String,
    pub function_version: String,
}

/// What of a Lambda function a check reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LambdaPart {
    Configuration,
    Versions,
    Aliases,
    /// The resource policy of this alias or version (`GetPolicy` with `Qualifier`).
    Policy(String),
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

/// An HTTP request labcheck sends to a deployed stage to see how API Gateway answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProbeSpec {
    /// Name of the REST API; the inventory probes every API of that name.
    pub api: String,
    pub stage: String,
    /// HTTP verb, upper case.
    pub method: String,
    /// Concrete path (path parameters already filled in), starting with `/`.
    pub path: String,
    /// Name of the API key whose value goes into `x-api-key`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// What a probe found, per API id it was sent to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeRecord {
    pub spec: ProbeSpec,
    pub api_id: String,
    /// The URL that was requested (never contains a secret).
    pub url: String,
    pub outcome: Fact<ProbeOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProbeOutcome {
    /// API Gateway answered.
    Response(ProbeResponse),
    /// The probe needed an API key and none by that name exists, so nothing was sent.
    NoSuchApiKey { name: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResponse {
    pub status: u16,
    /// Body, cut at 4 KiB.
    pub body: String,
    /// Response headers that matter for grading, lower-case names.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl ProbeResponse {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// A read a validator declares: a collection (or probe) it judges. The inventory resolves names to ids itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    RestApis,
    /// Resources (with methods) of every REST API with this name.
    Resources {
        api: String,
    },
    /// Stages of every REST API with this name.
    Stages {
        api: String,
    },
    UsagePlans,
    /// Keys of every usage plan with this name.
    UsagePlanKeys {
        plan: String,
    },
    ApiKeys,
    Probe(ProbeSpec),
    /// A part of every Lambda function that a method of the REST API with this name integrates with.
    LambdaBehindApi {
        api: String,
        part: LambdaPart,
    },
    /// The names of every Lambda function in the region (`ListFunctions`).
    LambdaFunctionNames,
}

/// Everything the inventory read for a set of reads. `None`/absent means "not asked for".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_apis: Option<Fact<Vec<RestApi>>>,
    /// By REST API id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Fact<Vec<Resource>>>,
    /// By REST API id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stages: BTreeMap<String, Fact<Vec<Stage>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_plans: Option<Fact<Vec<UsagePlan>>>,
    /// By usage plan id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usage_plan_keys: BTreeMap<String, Fact<Vec<UsagePlanKey>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_keys: Option<Fact<Vec<ApiKey>>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeRecord>,
    /// By function name; `None`: there is no such function.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_functions: BTreeMap<String, Fact<Option<LambdaFunction>>>,
    /// By function name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_versions: BTreeMap<String, Fact<Vec<LambdaVersion>>>,
    /// By function name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_aliases: BTreeMap<String, Fact<Vec<LambdaAlias>>>,
    /// By `NAME:QUALIFIER`; the policy document, `None` when the function or alias has no policy.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_policies: BTreeMap<String, Fact<Option<serde_json::Value>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_function_names: Option<Fact<Vec<String>>>,
}

fn collected<'a, T>(fact: Option<&'a Fact<T>>, what: &str) -> Result<&'a T, FactError> {
    match fact {
        Some(Ok(value)) => Ok(value),
        Some(Err(err)) => Err(err.clone()),
        None => Err(FactError::not_collected(what)),
    }
}

impl Facts {
    pub fn rest_apis(&self) -> Result<&[RestApi], FactError> {
        collected(self.rest_apis.as_ref(), "rest APIs").map(Vec::as_slice)
    }

    /// Every REST API with this exact name (students sometimes create one twice).
    pub fn apis_named(&self, name: &str) -> Result<Vec<&RestApi>, FactError> {
        Ok(self.rest_apis()?.iter().filter(|api| api.name == name).collect())
    }

    pub fn api_name(&self, api_id: &str) -> Option<&str> {
        let apis = self.rest_apis.as_ref()?.as_ref().ok()?;
        apis.iter().find(|api| api.id == api_id).map(|api| api.name.as_str())
    }

    pub fn resources(&self, api_id: &str) -> Result<&[Resource], FactError> {
        collected(self.resources.get(api_id), &format!("resources of API {api_id}")).map(Vec::as_slice)
    }

    pub fn stages(&self, api_id: &str) -> Result<&[Stage], FactError> {
        collected(self.stages.get(api_id), &format!("stages of API {api_id}")).map(Vec::as_slice)
    }

    pub fn usage_plans(&self) -> Result<&[UsagePlan], FactError> {
        collected(self.usage_plans.as_ref(), "usage plans").map(Vec::as_slice)
    }

    pub fn usage_plan_keys(&self, plan_id: &str) -> Result<&[UsagePlanKey], FactError> {
        collected(self.usage_plan_keys.get(plan_id), &format!("keys of usage plan {plan_id}")).map(Vec::as_slice)
    }

    pub fn api_keys(&self) -> Result<&[ApiKey], FactError> {
        collected(self.api_keys.as_ref(), "API keys").map(Vec::as_slice)
    }

    /// The probe sent for `spec` to API `api_id`.
    pub fn probe(&self, spec: &ProbeSpec, api_id: &str) -> Result<&Fact<ProbeOutcome>, FactError> {
        self.probes
            .iter()
            .find(|record| &record.spec == spec && record.api_id == api_id)
            .map(|record| &record.outcome)
            .ok_or_else(|| {
                FactError::not_collected(format!("probe {} {} on {api_id}/{}", spec.method, spec.path, spec.stage))
            })
    }

    pub fn lambda_function(&self, name: &str) -> Result<Option<&LambdaFunction>, FactError> {
        collected(self.lambda_functions.get(name), &format!("Lambda function {name}")).map(Option::as_ref)
    }

    pub fn lambda_versions(&self, name: &str) -> Result<&[LambdaVersion], FactError> {
        collected(self.lambda_versions.get(name), &format!("versions of Lambda function {name}")).map(Vec::as_slice)
    }

    pub fn lambda_aliases(&self, name: &str) -> Result<&[LambdaAlias], FactError> {
        collected(self.lambda_aliases.get(name), &format!("aliases of Lambda function {name}")).map(Vec::as_slice)
    }

    pub fn lambda_policy(&self, name: &str, qualifier: &str) -> Result<Option<&serde_json::Value>, FactError> {
        let key = format!("{name}:{qualifier}");
        collected(self.lambda_policies.get(&key), &format!("resource policy of {key}")).map(Option::as_ref)
    }

    pub fn lambda_function_names(&self) -> Result<&[String], FactError> {
        collected(self.lambda_function_names.as_ref(), "Lambda functions").map(Vec::as_slice)
    }

    /// Merges facts read by another part of the same run (later reads of the same key win).
    pub fn merge(&mut self, other: Facts) {
        if other.rest_apis.is_some() {
            self.rest_apis = other.rest_apis;
        }
        self.resources.extend(other.resources);
        self.stages.extend(other.stages);
        if other.usage_plans.is_some() {
            self.usage_plans = other.usage_plans;
        }
        self.usage_plan_keys.extend(other.usage_plan_keys);
        if other.api_keys.is_some() {
            self.api_keys = other.api_keys;
        }
        self.lambda_functions.extend(other.lambda_functions);
        self.lambda_versions.extend(other.lambda_versions);
        self.lambda_aliases.extend(other.lambda_aliases);
        self.lambda_policies.extend(other.lambda_policies);
        if other.lambda_function_names.is_some() {
            self.lambda_function_names = other.lambda_function_names;
        }
        for record in other.probes {
            self.probes.retain(|r| !(r.spec == record.spec && r.api_id == record.api_id));
            self.probes.push(record);
        }
    }
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
