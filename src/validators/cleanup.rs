//! The last step: what the lab created is gone. These pass on an empty account.

use super::{Judged, Validator, validator};
use crate::facts::FactError;
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::{Facts, Read};
use crate::providers::{apigateway, lambda};

/// Shared verdict of the "X is gone" checks.
/// `kind` selects the noun in the catalogue: `rest-api`, `usage-plan` or `api-key`.
fn absent(kind: &'static str, name: &str, left: &[&str]) -> Verdict {
    match left {
        [] => Verdict::pass(msg!("resource-gone", kind, name)),
        ids => Verdict::fail(msg!("resource-left", kind, name, count = ids.len(), ids = and(ids))).with("left", left),
    }
}

validator! {
    /// No REST API with this name is left.
    ///
    /// Why: a forgotten API keeps its stages (and any cache cluster, which is billed by the hour) running.
    ///
    /// ```toml
    /// validator = "rest_api_absent"
    /// params = { api = "ItemsAPI" }
    /// ```
    pub struct RestApiAbsent {
        /// REST API name.
        pub api: String,
    }
}

impl Validator for RestApiAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("rest_apis"), Judged::field("rest_apis[].name")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let left: Vec<&str> =
            facts.apigateway.rest_apis()?.iter().filter(|a| a.name == self.api).map(|a| a.id.as_str()).collect();
        Ok(absent("rest-api", &self.api, &left))
    }
}

validator! {
    /// No usage plan with this name is left.
    ///
    /// ```toml
    /// validator = "usage_plan_absent"
    /// params = { name = "CloudAcademyPlan" }
    /// ```
    pub struct UsagePlanAbsent {
        /// Usage plan name.
        pub name: String,
    }
}

impl Validator for UsagePlanAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::UsagePlans)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("usage_plans"), Judged::field("usage_plans[].name")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let left: Vec<&str> =
            facts.apigateway.usage_plans()?.iter().filter(|p| p.name == self.name).map(|p| p.id.as_str()).collect();
        Ok(absent("usage-plan", &self.name, &left))
    }
}

validator! {
    /// No API key with this name is left.
    ///
    /// ```toml
    /// validator = "api_key_absent"
    /// params = { name = "LabKey" }
    /// ```
    pub struct ApiKeyAbsent {
        /// API key name.
        pub name: String,
    }
}

impl Validator for ApiKeyAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::ApiKeys)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("api_keys"), Judged::field("api_keys[].name")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let left: Vec<&str> =
            facts.apigateway.api_keys()?.iter().filter(|k| k.name == self.name).map(|k| k.id.as_str()).collect();
        Ok(absent("api-key", &self.name, &left))
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

validator! {
    /// No Lambda function whose name matches one of `names` (`*` is a wildcard) is left in the region.
    ///
    /// Why: the API is gone by now, so the function cannot be found through it; the lab names what the
    /// student's function may be called.
    ///
    /// ```toml
    /// validator = "lambda_function_absent"
    /// params = { names = ["*Items*", "*items*"] }
    /// ```
    pub struct LambdaFunctionAbsent {
        /// Name patterns.
        pub names: Vec<String>,
    }
}

impl Validator for LambdaFunctionAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(lambda::Read::FunctionNames)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("lambda_function_names"), Judged::field("lambda_function_names[]")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let left: Vec<&str> = facts
            .lambda
            .lambda_function_names()?
            .iter()
            .filter(|name| self.names.iter().any(|p| glob_match(p, name)))
            .map(String::as_str)
            .collect();
        Ok(if left.is_empty() {
            Verdict::pass(msg!("functions-gone", patterns = and(&self.names)))
        } else {
            Verdict::fail(msg!("functions-left", count = left.len(), names = and(&left))).with("left", &left)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::apigateway::{ApiKey, RestApi};

    #[test]
    fn glob() {
        assert!(glob_match("*Items*", "ItemsFunction"));
        assert!(glob_match("Items*", "ItemsFunction"));
        assert!(glob_match("*Function", "ItemsFunction"));
        assert!(glob_match("ItemsFunction", "ItemsFunction"));
        assert!(!glob_match("Items", "ItemsFunction"));
        assert!(!glob_match("*Pets*", "ItemsFunction"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }

    #[test]
    fn cleaned_and_uncleaned() {
        let empty = Facts {
            apigateway: crate::providers::apigateway::Facts {
                rest_apis: Some(Ok(vec![])),
                api_keys: Some(Ok(vec![])),
                ..Default::default()
            },
            lambda: crate::providers::lambda::Facts {
                lambda_function_names: Some(Ok(vec!["Other".into()])),
                ..Default::default()
            },
            ..Facts::default()
        };
        assert_eq!(
            RestApiAbsent { api: "ItemsAPI".into() }.evaluate(&empty).unwrap().message,
            "no REST API named ItemsAPI is left"
        );
        let functions = LambdaFunctionAbsent { names: vec!["*Items*".into()] };
        assert!(functions.evaluate(&empty).unwrap().passed);
        let left = Facts {
            apigateway: crate::providers::apigateway::Facts {
                rest_apis: Some(Ok(vec![RestApi { id: "a1".into(), name: "ItemsAPI".into(), description: None }])),
                api_keys: Some(Ok(vec![ApiKey { id: "k1".into(), name: "LabKey".into(), enabled: true }])),
                ..Default::default()
            },
            lambda: crate::providers::lambda::Facts {
                lambda_function_names: Some(Ok(vec!["ItemsFunction".into()])),
                ..Default::default()
            },
            ..Facts::default()
        };
        assert_eq!(
            RestApiAbsent { api: "ItemsAPI".into() }.evaluate(&left).unwrap().message,
            "REST API ItemsAPI still exists (a1)"
        );
        assert_eq!(
            ApiKeyAbsent { name: "LabKey".into() }.evaluate(&left).unwrap().message,
            "API key LabKey still exists (k1)"
        );
        assert_eq!(functions.evaluate(&left).unwrap().message, "Lambda function ItemsFunction still exists");
    }
}
