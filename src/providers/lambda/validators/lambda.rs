//! The Lambda function behind the API: found from the integration URI of a method, never guessed by name. Its
//! versions, aliases, role and environment here; how the API reaches it in `lambda/wiring.rs`.

use crate::facts::{FactError, FactErrorKind};
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::across::behind_api::{judge_function, judge_function_configuration, lambda_needs};
use crate::providers::across::roles::{RoleRef, judge_role, trust_verdict};
use crate::providers::apigateway::validators::MethodRef;
use crate::providers::lambda::EnvironmentError;
use crate::providers::lambda::Part;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

fn published(versions: &[crate::providers::lambda::LambdaVersion]) -> Vec<&str> {
    versions.iter().map(|v| v.version.as_str()).filter(|v| *v != "$LATEST").collect()
}

validator! {
    /// The Lambda function that a method of the REST API integrates with exists; its runtime and handler are
    /// reported as evidence.
    ///
    /// Why: the backend is found from the API itself (the integration URI of `method`),
    /// so the check holds whatever the student named the function; an integration pointing at a deleted or
    /// misspelled function fails here.
    ///
    /// ```toml
    /// validator = "lambda_function_exists"
    /// params = { api = "ItemsAPI", method = "GET /items" }
    /// ```
    pub struct LambdaFunctionExists {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
    }
}

impl Validator for LambdaFunctionExists {
    fn reads(&self) -> Vec<Read> {
        lambda_needs(&self.api, [Part::Configuration])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("resources[].methods.*.integration"), Judged::field("resources[].methods.*.integration.uri")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_function_configuration(facts, &self.api, &self.method, |f| {
            let runtime = f.runtime.as_deref().unwrap_or("unknown");
            let handler = f.handler.as_deref().unwrap_or("unknown");
            Ok(Verdict::pass(msg!(
                "function-invoked",
                method = self.method.to_string(),
                api = &self.api,
                function = &f.name,
                runtime,
                handler
            ))
            .with("function_arn", &f.arn)
            .with("runtime", runtime)
            .with("handler", handler))
        })
    }
}

validator! {
    /// The function behind the API has at least `min` published versions (besides `$LATEST`).
    ///
    /// Why: a published version is an immutable snapshot that an alias such as `prod` can point at; without one,
    /// every alias runs whatever code was saved last.
    ///
    /// ```toml
    /// validator = "lambda_versions_published"
    /// params = { api = "ItemsAPI", method = "GET /items", min = 1 }
    /// ```
    pub struct LambdaVersionsPublished {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
        /// How many published versions are required.
        #[serde(default = "one")]
        pub min: usize,
    }
}

fn one() -> usize {
    1
}

impl Validator for LambdaVersionsPublished {
    fn reads(&self) -> Vec<Read> {
        lambda_needs(&self.api, [Part::Versions])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("lambda_versions"), Judged::field("lambda_versions[].version")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_function(facts, &self.api, &self.method, |_, target| {
            let name = &target.function_name;
            let versions = published(facts.lambda.lambda_versions(name)?);
            Ok(if versions.len() >= self.min {
                Verdict::pass(msg!("versions-published", function = name, versions = and(&versions)))
            } else if versions.is_empty() {
                Verdict::fail(msg!("versions-none", function = name))
            } else {
                Verdict::fail(msg!(
                    "versions-too-few",
                    function = name,
                    count = versions.len(),
                    versions = and(&versions),
                    min = self.min
                ))
            }
            .with("published_versions", &versions))
        })
    }
}

validator! {
    /// The function behind the API has every listed alias.
    ///
    /// Why: aliases (`dev`, `prod`) give each stage a stable name to invoke while versions change underneath.
    ///
    /// ```toml
    /// validator = "lambda_aliases_exist"
    /// params = { api = "ItemsAPI", method = "GET /items", aliases = ["dev", "prod"] }
    /// ```
    pub struct LambdaAliasesExist {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
        /// Alias names.
        pub aliases: Vec<String>,
    }
}

impl Validator for LambdaAliasesExist {
    fn reads(&self) -> Vec<Read> {
        lambda_needs(&self.api, [Part::Aliases])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("lambda_aliases"), Judged::field("lambda_aliases[].name")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_function(facts, &self.api, &self.method, |_, target| {
            let name = &target.function_name;
            let existing: Vec<&str> = facts.lambda.lambda_aliases(name)?.iter().map(|a| a.name.as_str()).collect();
            let missing: Vec<&str> =
                self.aliases.iter().map(String::as_str).filter(|a| !existing.contains(a)).collect();
            Ok(if missing.is_empty() {
                Verdict::pass(msg!("aliases-exist", function = name, aliases = and(&self.aliases)))
            } else {
                let count = missing.len();
                Verdict::fail(if existing.is_empty() {
                    msg!("aliases-missing-none", function = name, count, aliases = and(&missing))
                } else {
                    msg!("aliases-missing", function = name, count, aliases = and(&missing), found = and(&existing))
                })
            }
            .with("aliases", &existing))
        })
    }
}

validator! {
    /// The named alias of the function behind the API points at a published version, not at `$LATEST`.
    ///
    /// Why: `prod` pointing at `$LATEST` ships every unpublished edit straight to production; pointing it at a
    /// version is the lab's best practice.
    ///
    /// ```toml
    /// validator = "lambda_alias_targets_published_version"
    /// params = { api = "ItemsAPI", method = "GET /items", alias = "prod" }
    /// ```
    pub struct LambdaAliasTargetsPublishedVersion {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
        /// Alias name.
        pub alias: String,
    }
}

impl Validator for LambdaAliasTargetsPublishedVersion {
    fn reads(&self) -> Vec<Read> {
        lambda_needs(&self.api, [Part::Aliases, Part::Versions])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("lambda_aliases[].function_version"), Judged::items("lambda_versions")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_function(facts, &self.api, &self.method, |_, target| {
            let name = &target.function_name;
            let alias = &self.alias;
            let Some(found) = facts.lambda.lambda_aliases(name)?.iter().find(|a| &a.name == alias) else {
                return Ok(Verdict::fail(msg!("alias-missing", function = name, alias)));
            };
            let version = found.function_version.as_str();
            let versions = published(facts.lambda.lambda_versions(name)?);
            Ok(if version == "$LATEST" {
                Verdict::fail(msg!("alias-at-latest", alias, function = name))
            } else if versions.contains(&version) {
                Verdict::pass(msg!("alias-at-published", alias, function = name, version))
            } else {
                Verdict::fail(msg!("alias-at-unpublished", alias, function = name, version))
            }
            .with("function_version", version))
        })
    }
}

validator! {
    /// The function behind the API has an execution role that exists and that the Lambda service may assume.
    ///
    /// Why: a function runs with the permissions of its execution role; a role deleted after the function was
    /// created, or one whose trust policy names another service, leaves the function unable to run or to reach
    /// anything. The role is found from the function's configuration, whatever it is called.
    ///
    /// ```toml
    /// validator = "lambda_execution_role"
    /// params = { api = "ItemsAPI", method = "GET /items" }
    /// ```
    pub struct LambdaExecutionRole {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
    }
}

impl Validator for LambdaExecutionRole {
    fn reads(&self) -> Vec<Read> {
        let role = RoleRef::BehindMethod { api: self.api.clone(), method: self.method.clone() };
        role.reads(crate::providers::iam::Part::Trust)
    }

    fn judges(&self) -> Vec<Judged> {
        let mut judged = vec![Judged::field("lambda_functions.role")];
        judged.extend(crate::providers::across::roles::trust_statements());
        judged
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let role = RoleRef::BehindMethod { api: self.api.clone(), method: self.method.clone() };
        judge_role(facts, &role, |judged| Ok(trust_verdict(judged.role, "lambda.amazonaws.com")))
    }
}

/// The environment Lambda could not decrypt for the grader: our permissions (`kms:Decrypt` on the student's key),
/// never the student's fault, so the check is `error`.
fn unreadable_environment(function: &str, error: &EnvironmentError) -> FactError {
    let kind = if error.code.contains("AccessDenied") { FactErrorKind::AccessDenied } else { FactErrorKind::Service };
    let detail = format!("the environment of {function} could not be read: {}: {}", error.code, error.message);
    FactError::new(kind, "lambda:GetFunctionConfiguration", detail)
}

validator! {
    /// The function behind the API has each listed environment variable. Only names are read: values are never
    /// stored, shown or compared (they are often secrets).
    ///
    /// Why: code that finds its table through `TABLE_NAME` fails on every request when the variable is missing
    /// or misspelled, though the console shows a healthy function. An environment encrypted with a customer
    /// managed KMS key the grader may not use comes back as Lambda's `Environment.Error`: the check is `error`,
    /// naming it, never a fail.
    ///
    /// ```toml
    /// validator = "lambda_environment_has"
    /// params = { api = "ItemsAPI", method = "GET /items", names = ["TABLE_NAME"] }
    /// ```
    pub struct LambdaEnvironmentHas {
        /// REST API name.
        pub api: String,
        /// The method whose integration names the function.
        pub method: MethodRef,
        /// Variable names (case-sensitive, as Lambda keeps them).
        pub names: Vec<String>,
    }
}

impl Validator for LambdaEnvironmentHas {
    fn reads(&self) -> Vec<Read> {
        lambda_needs(&self.api, [Part::Configuration])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("lambda_functions.environment_names"),
            Judged::items("lambda_functions.environment_names"),
            Judged::field("lambda_functions.environment_error"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_function_configuration(facts, &self.api, &self.method, |f| {
            let function = &f.name;
            if let Some(error) = &f.environment_error {
                return Err(unreadable_environment(function, error));
            }
            let missing: Vec<&String> = self.names.iter().filter(|n| !f.environment_names.contains(n)).collect();
            Ok(if missing.is_empty() {
                Verdict::pass(msg!("environment-has", function, count = self.names.len(), names = and(&self.names)))
            } else if f.environment_names.is_empty() {
                Verdict::fail(msg!("environment-empty", function, names = and(missing)))
            } else {
                let found = and(&f.environment_names);
                Verdict::fail(msg!("environment-missing", function, count = missing.len(), names = and(missing), found))
            }
            .with("environment_names", &f.environment_names))
        })
    }
}

mod wiring;
pub use wiring::{LambdaInvokePermission, LambdaProxyIntegration};

#[cfg(test)]
mod tests;
