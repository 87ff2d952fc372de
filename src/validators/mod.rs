//! The registry: the one table ([`REGISTRY`]) that maps a lab file's `validator = "..."` to a validator, as ruff's
//! `codes.rs` maps its codes to rules. Each validator lives with its service (`src/providers/<service>/validators/`)
//! as a pure function from the facts and its params to a verdict; `facts_query`, which judges any provider's
//! facts, lives here ([`query`]).
//!
//! A validator never calls AWS: it declares the facts it reads ([`Validator::reads`]) and the inventory reads them
//! once per run for all checks together.

use std::fmt;

use serde::de::DeserializeOwned;

pub use crate::providers::{Change, Judged, ParamDoc, Validator};
use crate::providers::{apigateway, dynamodb, ec2, iam, lambda, probes, s3};

pub mod query;

/// One row of the registry.
pub struct ValidatorSpec {
    pub name: &'static str,
    /// The family file it lives in (its stem: `stages`).
    pub family: &'static str,
    /// That file, from the repository's root.
    pub source: &'static str,
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

/// A row: `spec!(apigateway::stages::StagesDeployed, "stages_deployed")` for a validator of a provider's
/// `validators/stages.rs` (`s3::s3/lifecycle::...` for one in `validators/s3/lifecycle.rs`, of the `s3` family);
/// `spec!(query::FactsQuery, "facts_query")` for one of this folder's.
macro_rules! spec {
    ($service:ident :: $family:ident / $file:ident :: $ty:ident, $name:literal) => {
        ValidatorSpec {
            source: concat!(
                "src/providers/",
                stringify!($service),
                "/validators/",
                stringify!($family),
                "/",
                stringify!($file),
                ".rs"
            ),
            ..spec!($service::$family::$ty, $name)
        }
    };
    ($service:ident :: $family:ident :: $ty:ident, $name:literal) => {
        ValidatorSpec {
            name: $name,
            family: stringify!($family),
            source: concat!("src/providers/", stringify!($service), "/validators/", stringify!($family), ".rs"),
            doc: $service::validators::$family::$ty::DOC,
            params: $service::validators::$family::$ty::PARAMS,
            build: build::<$service::validators::$family::$ty>,
        }
    };
    ($family:ident :: $ty:ident, $name:literal) => {
        ValidatorSpec {
            name: $name,
            family: stringify!($family),
            source: concat!("src/validators/", stringify!($family), ".rs"),
            doc: $family::$ty::DOC,
            params: $family::$ty::PARAMS,
            build: build::<$family::$ty>,
        }
    };
}

/// Every validator a lab file can name, in the order `labcheck validators` lists them.
pub static REGISTRY: &[ValidatorSpec] = &[
    spec!(apigateway::resources::RestApiExists, "rest_api_exists"),
    spec!(apigateway::resources::ResourcesExist, "resources_exist"),
    spec!(apigateway::methods::MethodsExist, "methods_exist"),
    spec!(lambda::lambda::LambdaFunctionExists, "lambda_function_exists"),
    spec!(lambda::lambda::LambdaVersionsPublished, "lambda_versions_published"),
    spec!(lambda::lambda::LambdaAliasesExist, "lambda_aliases_exist"),
    spec!(lambda::lambda::LambdaAliasTargetsPublishedVersion, "lambda_alias_targets_published_version"),
    spec!(lambda::lambda / wiring::LambdaProxyIntegration, "lambda_proxy_integration"),
    spec!(lambda::lambda / wiring::LambdaInvokePermission, "lambda_invoke_permission"),
    spec!(apigateway::stages::StagesDeployed, "stages_deployed"),
    spec!(apigateway::stages::StageVariablesSelectAliases, "stage_variables_select_aliases"),
    spec!(apigateway::usage_plans::UsagePlanExists, "usage_plan_exists"),
    spec!(apigateway::usage_plans::UsagePlanKeyExists, "usage_plan_key_exists"),
    spec!(apigateway::methods::MethodsRequireApiKey, "methods_require_api_key"),
    spec!(probes::probes::UnauthenticatedRequestForbidden, "unauthenticated_request_forbidden"),
    spec!(probes::probes::AuthenticatedRequestAccepted, "authenticated_request_accepted"),
    spec!(apigateway::cors::CorsConfigured, "cors_configured"),
    spec!(probes::probes::CorsPreflightAllowsOrigin, "cors_preflight_allows_origin"),
    spec!(apigateway::stages::StageCacheEnabled, "stage_cache_enabled"),
    spec!(apigateway::stages::StageMethodCachingEnabled, "stage_method_caching_enabled"),
    spec!(apigateway::stages::ThrottlingConfigured, "throttling_configured"),
    spec!(apigateway::usage_plans::UsagePlanLimitsEnabled, "usage_plan_limits_enabled"),
    spec!(lambda::lambda::LambdaExecutionRole, "lambda_execution_role"),
    spec!(lambda::lambda::LambdaEnvironmentHas, "lambda_environment_has"),
    spec!(dynamodb::dynamodb::DynamodbTableExists, "dynamodb_table_exists"),
    spec!(dynamodb::dynamodb::DynamodbPointInTimeRecovery, "dynamodb_point_in_time_recovery"),
    spec!(dynamodb::dynamodb::DynamodbTimeToLive, "dynamodb_time_to_live"),
    spec!(ec2::vpc::VpcExists, "vpc_exists"),
    spec!(ec2::vpc::VpcSubnets, "vpc_subnets"),
    spec!(ec2::vpc::VpcInternetGateway, "vpc_internet_gateway"),
    spec!(ec2::vpc::VpcNatGateway, "vpc_nat_gateway"),
    spec!(ec2::security_groups::SecurityGroupAllows, "security_group_allows"),
    spec!(ec2::security_groups::SecurityGroupNotOpen, "security_group_not_open"),
    spec!(ec2::instances::InstanceRunning, "instance_running"),
    spec!(iam::iam::IamRoleTrustsService, "iam_role_trusts_service"),
    spec!(iam::iam::IamRoleAllows, "iam_role_allows"),
    spec!(iam::iam::IamRoleLeastPrivilege, "iam_role_least_privilege"),
    spec!(s3::s3::S3BucketExists, "s3_bucket_exists"),
    spec!(s3::s3::S3VersioningEnabled, "s3_versioning_enabled"),
    spec!(s3::s3::S3DefaultEncryption, "s3_default_encryption"),
    spec!(s3::s3 / lifecycle::S3NoncurrentVersionsExpire, "s3_noncurrent_versions_expire"),
    spec!(s3::s3::S3PublicAccess, "s3_public_access"),
    spec!(s3::s3::S3WebsiteConfigured, "s3_website_configured"),
    spec!(s3::s3::S3ObjectExists, "s3_object_exists"),
    spec!(s3::s3::S3WebsiteServes, "s3_website_serves"),
    spec!(apigateway::cleanup::RestApiAbsent, "rest_api_absent"),
    spec!(lambda::cleanup::LambdaFunctionAbsent, "lambda_function_absent"),
    spec!(apigateway::cleanup::UsagePlanAbsent, "usage_plan_absent"),
    spec!(apigateway::cleanup::ApiKeyAbsent, "api_key_absent"),
    spec!(ec2::cleanup::InstanceAbsent, "instance_absent"),
    spec!(ec2::cleanup::NatGatewayAbsent, "nat_gateway_absent"),
    spec!(ec2::cleanup::VpcAbsent, "vpc_absent"),
    spec!(query::FactsQuery, "facts_query"),
];

pub fn lookup(name: &str) -> Option<&'static ValidatorSpec> {
    REGISTRY.iter().find(|spec| spec.name == name)
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

    /// Each row names the file its validator lives in (the book's reference shows it).
    #[test]
    fn every_row_names_its_validators_file() {
        for spec in REGISTRY {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(spec.source);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {}: {e}", spec.name, spec.source));
            let first_line = spec.doc.lines().next().unwrap().trim();
            assert!(text.contains(first_line), "{}: {} has no `{first_line}`", spec.name, spec.source);
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
}
