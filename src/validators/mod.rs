//! Validators: pure functions from [`Facts`] and params to a verdict.
//!
//! One file per family; [`REGISTRY`] is the one table that maps a lab file's `validator = "..."` to a type.
//! A validator never calls AWS: it declares the facts it reads ([`Validator::reads`]) and the inventory reads them
//! once per run for all checks together.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::facts::FactError;
use crate::providers::{Facts, Read};

use crate::i18n::{Message, msg};
use crate::model::Verdict;
use crate::providers::apigateway::{Method, Resource, RestApi};
pub use judged::{Change, Judged};

pub(crate) mod behind_api;
pub mod cleanup;
pub mod cors;
pub mod dynamodb;
pub mod iam;
mod judged;
pub mod lambda;
pub mod methods;
pub mod probes;
pub mod query;
pub mod resources;
pub mod roles;
pub mod s3;
pub mod stages;
#[cfg(test)]
pub(crate) mod testing;
pub mod usage_plans;

/// A configured check (a validator with its params).
pub trait Validator: fmt::Debug + Send + Sync {
    /// The facts this check reads. Everything `evaluate` touches must be covered.
    fn reads(&self) -> Vec<Read>;

    /// Judges the facts. `Err` means a needed fact could not be read: the check is `error`, never `pass`.
    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError>;

    /// What of the facts it judges (not what it only finds things by): a mutant that fails it counts as its own
    /// kill only when it changes one of these.
    fn judges(&self) -> Vec<Judged>;

    /// Refuses params that deserialize but cannot be judged (one line naming the param), when the lab is loaded.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// One row of the registry.
pub struct ValidatorSpec {
    pub name: &'static str,
    /// The family file it lives in.
    pub family: &'static str,
    /// The validator's doc comment: what it checks, why it matters, an example lab entry.
    pub doc: &'static str,
    /// Its params, in the order its struct declares them.
    pub params: &'static [ParamDoc],
    build: fn(toml::Value) -> Result<Box<dyn Validator>, String>,
}

impl ValidatorSpec {
    /// The first paragraph of the doc comment, on one line.
    pub fn summary(&self) -> String {
        let lines = self.doc.lines().map(str::trim).skip_while(|l| l.is_empty());
        lines.take_while(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    }

    /// The doc comment with the one leading space of each `///` line removed.
    pub fn doc_text(&self) -> String {
        let lines: Vec<&str> = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
        lines.join("\n").trim().to_owned()
    }

    /// Builds the validator from the check's `params` table.
    pub fn build(&self, params: toml::Value) -> Result<Box<dyn Validator>, String> {
        (self.build)(params)
    }
}

/// One param of a validator, as its struct declares it: what the validators reference lists.
#[derive(Debug)]
pub struct ParamDoc {
    /// The key in the check's `params` table.
    pub name: &'static str,
    /// The field's doc comment.
    pub doc: &'static str,
    /// The field's Rust type, as written (`Option<String>`).
    pub rust_type: &'static str,
    /// The field's `#[serde(...)]` attributes, as written.
    pub serde: &'static str,
}

impl ParamDoc {
    /// A lab entry may leave it out: an `Option`, or a serde default.
    pub fn optional(&self) -> bool {
        self.rust_type.starts_with("Option") || self.serde.contains("default")
    }

    /// The doc comment on one line.
    pub fn text(&self) -> String {
        self.doc.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Debug for ValidatorSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidatorSpec").field("name", &self.name).finish()
    }
}

fn build<V: Validator + DeserializeOwned + 'static>(params: toml::Value) -> Result<Box<dyn Validator>, String> {
    let validator = V::deserialize(params).map_err(|e| e.message().trim().to_owned())?;
    validator.validate()?;
    Ok(Box::new(validator))
}

macro_rules! spec {
    ($family:ident :: $ty:ident, $name:literal) => {
        ValidatorSpec {
            name: $name,
            family: stringify!($family),
            doc: $family::$ty::DOC,
            params: $family::$ty::PARAMS,
            build: build::<$family::$ty>,
        }
    };
}

/// Every validator a lab file can name, in the order `labcheck validators` lists them.
pub static REGISTRY: &[ValidatorSpec] = &[
    spec!(resources::RestApiExists, "rest_api_exists"),
    spec!(resources::ResourcesExist, "resources_exist"),
    spec!(methods::MethodsExist, "methods_exist"),
    spec!(lambda::LambdaFunctionExists, "lambda_function_exists"),
    spec!(lambda::LambdaVersionsPublished, "lambda_versions_published"),
    spec!(lambda::LambdaAliasesExist, "lambda_aliases_exist"),
    spec!(lambda::LambdaAliasTargetsPublishedVersion, "lambda_alias_targets_published_version"),
    spec!(lambda::LambdaProxyIntegration, "lambda_proxy_integration"),
    spec!(lambda::LambdaInvokePermission, "lambda_invoke_permission"),
    spec!(stages::StagesDeployed, "stages_deployed"),
    spec!(stages::StageVariablesSelectAliases, "stage_variables_select_aliases"),
    spec!(usage_plans::UsagePlanExists, "usage_plan_exists"),
    spec!(usage_plans::UsagePlanKeyExists, "usage_plan_key_exists"),
    spec!(methods::MethodsRequireApiKey, "methods_require_api_key"),
    spec!(probes::UnauthenticatedRequestForbidden, "unauthenticated_request_forbidden"),
    spec!(probes::AuthenticatedRequestAccepted, "authenticated_request_accepted"),
    spec!(cors::CorsConfigured, "cors_configured"),
    spec!(probes::CorsPreflightAllowsOrigin, "cors_preflight_allows_origin"),
    spec!(stages::StageCacheEnabled, "stage_cache_enabled"),
    spec!(stages::StageMethodCachingEnabled, "stage_method_caching_enabled"),
    spec!(stages::ThrottlingConfigured, "throttling_configured"),
    spec!(usage_plans::UsagePlanLimitsEnabled, "usage_plan_limits_enabled"),
    spec!(lambda::LambdaExecutionRole, "lambda_execution_role"),
    spec!(lambda::LambdaEnvironmentHas, "lambda_environment_has"),
    spec!(dynamodb::DynamodbTableExists, "dynamodb_table_exists"),
    spec!(dynamodb::DynamodbPointInTimeRecovery, "dynamodb_point_in_time_recovery"),
    spec!(dynamodb::DynamodbTimeToLive, "dynamodb_time_to_live"),
    spec!(iam::IamRoleTrustsService, "iam_role_trusts_service"),
    spec!(iam::IamRoleAllows, "iam_role_allows"),
    spec!(iam::IamRoleLeastPrivilege, "iam_role_least_privilege"),
    spec!(s3::S3BucketExists, "s3_bucket_exists"),
    spec!(s3::S3VersioningEnabled, "s3_versioning_enabled"),
    spec!(s3::S3DefaultEncryption, "s3_default_encryption"),
    spec!(s3::S3NoncurrentVersionsExpire, "s3_noncurrent_versions_expire"),
    spec!(s3::S3PublicAccess, "s3_public_access"),
    spec!(s3::S3WebsiteConfigured, "s3_website_configured"),
    spec!(s3::S3ObjectExists, "s3_object_exists"),
    spec!(s3::S3WebsiteServes, "s3_website_serves"),
    spec!(cleanup::RestApiAbsent, "rest_api_absent"),
    spec!(cleanup::LambdaFunctionAbsent, "lambda_function_absent"),
    spec!(cleanup::UsagePlanAbsent, "usage_plan_absent"),
    spec!(cleanup::ApiKeyAbsent, "api_key_absent"),
    spec!(query::FactsQuery, "facts_query"),
];

pub fn lookup(name: &str) -> Option<&'static ValidatorSpec> {
    REGISTRY.iter().find(|spec| spec.name == name)
}

/// Declares a validator's params struct (serde, unknown fields denied) and keeps its doc comment as `DOC`, so the
/// text `labcheck validators` prints is the doc comment itself.
macro_rules! validator {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $( $(#[doc = $param_doc:literal])* $(#[serde $serde:tt])* pub $param:ident : $param_type:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $( $(#[doc = $param_doc])* $(#[serde $serde])* pub $param: $param_type ),* }

        impl $name {
            pub const DOC: &'static str = concat!($($doc, "\n"),*);
            pub const PARAMS: &'static [$crate::validators::ParamDoc] = &[$(
                $crate::validators::ParamDoc {
                    name: stringify!($param),
                    doc: concat!("" $(, $param_doc, "\n")*),
                    rust_type: stringify!($param_type),
                    serde: concat!("" $(, stringify!($serde))*),
                }
            ),*];
        }
    };
}
pub(crate) use validator;

/// Judges each REST API named `name` with `judge`; passes if any passes. Students sometimes create an API twice:
/// the message then says how many there are.
pub(crate) fn judge_apis_named(
    facts: &Facts,
    name: &str,
    mut judge: impl FnMut(&RestApi) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    let apis = facts.apigateway.apis_named(name)?;
    let Some(first) = apis.first() else {
        return Ok(Verdict::fail(msg!("rest-api-missing", name)));
    };
    if apis.len() == 1 {
        return judge(first);
    }
    let mut first_failure = None;
    for api in &apis {
        let verdict = judge(api)?;
        if verdict.passed {
            return Ok(verdict);
        }
        first_failure.get_or_insert((api.id.clone(), verdict));
    }
    let (id, mut verdict) = first_failure.expect("at least one API was judged");
    verdict.message = msg!("rest-apis-none-passes", count = apis.len(), name, id, problem = verdict.message);
    Ok(verdict)
}

/// The method `wanted` among an API's resources, or what is missing ("GET /items does not exist (no GET method)").
pub(crate) fn find_method<'a>(resources: &'a [Resource], wanted: &MethodRef) -> Result<&'a Method, Message> {
    let method = wanted.to_string();
    let Some(resource) = resources.iter().find(|r| r.path == wanted.path) else {
        let path = &wanted.path;
        return Err(match resources.iter().find(|r| r.path.eq_ignore_ascii_case(path)) {
            Some(similar) => msg!("method-missing-resource-similar", method, path, found = &similar.path),
            None => msg!("method-missing-resource", method, path),
        });
    };
    let verb = &wanted.method;
    resource.methods.get(verb).ok_or_else(|| msg!("method-missing-verb", method, verb))
}

/// Method refs as the texts a message lists.
pub(crate) fn method_names(methods: &[MethodRef]) -> Vec<String> {
    methods.iter().map(ToString::to_string).collect()
}

/// `"GET /items/{ID}"` in a lab file: an HTTP verb and a resource path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MethodRef {
    pub method: String,
    pub path: String,
}

impl fmt::Display for MethodRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

impl std::str::FromStr for MethodRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not of the form \"GET /path\"");
        let (method, path) = s.trim().split_once(' ').ok_or_else(bad)?;
        let path = path.trim();
        if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic()) || !path.starts_with('/') {
            return Err(bad());
        }
        Ok(Self { method: method.to_ascii_uppercase(), path: path.to_owned() })
    }
}

impl<'de> serde::Deserialize<'de> for MethodRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_documented() {
        let mut names: Vec<_> = REGISTRY.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), REGISTRY.len());
        for spec in REGISTRY {
            assert!(!spec.summary().is_empty(), "{} has no doc", spec.name);
            assert!(spec.doc_text().contains("```toml"), "{} doc has no example lab entry", spec.name);
        }
    }

    /// Each documented example is a lab entry that builds: the docs cannot drift from the params.
    #[test]
    fn every_documented_example_builds() {
        for spec in REGISTRY {
            let doc = spec.doc_text();
            let example = doc.split("```toml").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
            let entry: toml::Table = toml::from_str(example).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(entry["validator"].as_str(), Some(spec.name), "{} example names another validator", spec.name);
            let params = entry.get("params").cloned().unwrap_or(toml::Value::Table(toml::Table::new()));
            if let Err(e) = spec.build(params) {
                panic!("{}: the documented example does not build: {e}", spec.name);
            }
        }
    }

    #[test]
    fn method_ref_parses_and_rejects() {
        let m: MethodRef = "get /items/{ID}".parse().unwrap();
        assert_eq!(m, MethodRef { method: "GET".into(), path: "/items/{ID}".into() });
        assert!("GET items".parse::<MethodRef>().is_err());
        assert!("/items".parse::<MethodRef>().is_err());
    }
}
