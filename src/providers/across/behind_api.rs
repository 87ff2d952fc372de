//! The Lambda function behind a method of a REST API: found from the method's integration URI, then the function's
//! configuration, never guessed by name. Lambda's checks and the IAM checks of an execution role both start here.

use crate::facts::FactError;
use crate::i18n::msg;
use crate::model::Verdict;
use crate::providers::apigateway::{LambdaTarget, Resource};
use crate::providers::lambda::{LambdaFunction, Part};
use crate::providers::{Facts, Read};
use crate::providers::{apigateway, lambda};

use crate::providers::apigateway::validators::{MethodRef, find_method, judge_apis_named};

/// The function `method` invokes, or a failed verdict saying why there is none.
pub(crate) fn target_of(resources: &[Resource], api: &str, method: &MethodRef) -> Result<LambdaTarget, Verdict> {
    let m = find_method(resources, method)
        .map_err(|missing| Verdict::fail(msg!("on-api", name = api, problems = missing)))?;
    let method = method.to_string();
    let Some(integration) = &m.integration else {
        return Err(Verdict::fail(msg!("method-on-api-no-integration", method, name = api)));
    };
    integration.lambda_target().ok_or_else(|| {
        let kind = integration.integration_type.as_deref().unwrap_or("unknown");
        Verdict::fail(msg!("method-not-lambda", method, name = api, kind))
    })
}

/// Needs of a check on the function behind `api`.
pub(crate) fn lambda_needs(api: &str, parts: impl IntoIterator<Item = Part>) -> Vec<Read> {
    let mut needs =
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Resources { api: api.to_owned() })];
    needs.extend(parts.into_iter().map(|part| Read::from(lambda::Read::BehindApi { api: api.to_owned(), part })));
    needs
}

/// Runs `judge` on the function behind `method` of each API named `api`.
pub(crate) fn judge_function(
    facts: &Facts,
    api: &str,
    method: &MethodRef,
    mut judge: impl FnMut(&str, &LambdaTarget) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    judge_apis_named(facts, api, |rest_api| {
        let resources = facts.apigateway.resources(&rest_api.id)?;
        match target_of(resources, api, method) {
            Ok(target) => Ok(judge(&rest_api.id, &target)?.with("function", &target.function_name)),
            Err(verdict) => Ok(verdict),
        }
    })
}

/// Runs `judge` on the configuration of the function behind `method` of each API named `api`; fails naming the
/// function when it does not exist.
pub(crate) fn judge_function_configuration(
    facts: &Facts,
    api: &str,
    method: &MethodRef,
    mut judge: impl FnMut(&LambdaFunction) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    judge_function(facts, api, method, |_, target| {
        let function = &target.function_name;
        match facts.lambda.lambda_function(function)? {
            None => Ok(Verdict::fail(msg!("function-missing", method = method.to_string(), api, function))),
            Some(f) => judge(f),
        }
    })
}
