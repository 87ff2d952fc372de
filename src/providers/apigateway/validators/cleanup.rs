//! The last step: what the lab created in API Gateway is gone. These pass on an empty account.

use crate::facts::FactError;
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::apigateway;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::apigateway::{ApiKey, RestApi};

    #[test]
    fn cleaned_and_uncleaned() {
        let empty = Facts {
            apigateway: crate::providers::apigateway::Facts {
                rest_apis: Some(Ok(vec![])),
                api_keys: Some(Ok(vec![])),
                ..Default::default()
            },
            ..Facts::default()
        };
        assert_eq!(
            RestApiAbsent { api: "ItemsAPI".into() }.evaluate(&empty).unwrap().message,
            "no REST API named ItemsAPI is left"
        );
        let left = Facts {
            apigateway: crate::providers::apigateway::Facts {
                rest_apis: Some(Ok(vec![RestApi { id: "a1".into(), name: "ItemsAPI".into(), description: None }])),
                api_keys: Some(Ok(vec![ApiKey { id: "k1".into(), name: "LabKey".into(), enabled: true }])),
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
    }
}
