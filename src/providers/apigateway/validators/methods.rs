//! Methods of a REST API as configured in the control plane (what the console shows, deployed or not).

use super::{MethodRef, find_method, judge_apis_named, method_names};
use crate::facts::FactError;
use crate::i18n::{and, clauses, msg};
use crate::model::Verdict;
use crate::providers::apigateway;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// Each listed method of the named REST API has "API Key Required" set (`apiKeyRequired = true`).
    ///
    /// Why: a usage plan alone does not protect anything; API Gateway only demands `x-api-key` on methods that
    /// require a key. This reads the API's configuration, not the deployed stage: pair it with
    /// `unauthenticated_request_forbidden` to prove the change was deployed. The message lists each method that
    /// does not require a key, or does not exist.
    ///
    /// ```toml
    /// validator = "methods_require_api_key"
    /// params = { api = "ItemsAPI", methods = ["GET /items", "GET /items/{ID}"] }
    /// ```
    pub struct MethodsRequireApiKey {
        /// REST API name.
        pub api: String,
        /// Methods as `"VERB /resource/path"`, path parameters in braces as in the console.
        pub methods: Vec<MethodRef>,
    }
}

impl Validator for MethodsRequireApiKey {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Resources { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("resources[].methods.*.api_key_required")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |api| {
            let resources = facts.apigateway.resources(&api.id)?;
            let mut open = Vec::new();
            let mut problems = Vec::new();
            for wanted in &self.methods {
                match find_method(resources, wanted) {
                    Ok(method) if method.api_key_required => {}
                    Ok(_) => open.push(wanted.to_string()),
                    Err(missing) => problems.push(missing),
                }
            }
            let name = &self.api;
            if open.is_empty() && problems.is_empty() {
                let (count, methods) = (self.methods.len(), and(method_names(&self.methods)));
                return Ok(Verdict::pass(msg!("api-key-required", count, methods, name)).with("api_id", &api.id));
            }
            if !open.is_empty() {
                problems.insert(0, msg!("api-key-not-required", count = open.len(), methods = and(&open)));
            }
            Ok(Verdict::fail(msg!("on-api", name, problems = clauses(problems)))
                .with("api_id", &api.id)
                .with("methods_without_api_key", &open))
        })
    }
}

validator! {
    /// Each listed method exists on the named REST API (e.g. a GET on `/items` and on `/items/{ID}`).
    ///
    /// Why: a resource without a method answers nothing; the lab's backend is reached through these methods.
    /// A path that differs only in case (`/items/{id}`) is named in the message.
    ///
    /// ```toml
    /// validator = "methods_exist"
    /// params = { api = "ItemsAPI", methods = ["GET /items", "GET /items/{ID}"] }
    /// ```
    pub struct MethodsExist {
        /// REST API name.
        pub api: String,
        /// Methods as `"VERB /resource/path"`.
        pub methods: Vec<MethodRef>,
    }
}

impl Validator for MethodsExist {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Resources { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("resources[].methods.*"), Judged::field("resources[].path")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |api| {
            let resources = facts.apigateway.resources(&api.id)?;
            let missing: Vec<_> = self.methods.iter().filter_map(|m| find_method(resources, m).err()).collect();
            let name = &self.api;
            Ok(if missing.is_empty() {
                let (count, methods) = (self.methods.len(), and(method_names(&self.methods)));
                Verdict::pass(msg!("methods-exist", count, methods, name))
            } else {
                Verdict::fail(msg!("on-api", name, problems = clauses(missing)))
            }
            .with("api_id", &api.id))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::facts::FactErrorKind;
    use crate::providers::apigateway::{Method, Resource, RestApi};

    fn resource(path: &str, methods: &[(&str, bool)]) -> Resource {
        let methods: BTreeMap<String, Method> = methods
            .iter()
            .map(|(verb, key)| {
                let m = Method {
                    http_method: (*verb).into(),
                    authorization_type: Some("NONE".into()),
                    api_key_required: *key,
                    integration: None,
                };
                ((*verb).to_owned(), m)
            })
            .collect();
        Resource { id: path.into(), path: path.into(), parent_id: None, methods }
    }

    fn facts(resources: Vec<Resource>) -> Facts {
        crate::providers::testing::items_api(resources)
    }

    fn check() -> MethodsRequireApiKey {
        MethodsRequireApiKey {
            api: "ItemsAPI".into(),
            methods: vec!["GET /items".parse().unwrap(), "GET /items/{ID}".parse().unwrap()],
        }
    }

    #[test]
    fn both_methods_requiring_a_key_pass() {
        let f = facts(vec![
            resource("/", &[]),
            resource("/items", &[("GET", true)]),
            resource("/items/{ID}", &[("GET", true)]),
        ]);
        let v = check().evaluate(&f).unwrap();
        assert!(v.passed, "{}", v.message);
        assert_eq!(v.message, "GET /items and GET /items/{ID} on ItemsAPI require an API key");
    }

    #[test]
    fn open_method_is_named() {
        let f = facts(vec![resource("/items", &[("GET", true)]), resource("/items/{ID}", &[("GET", false)])]);
        let v = check().evaluate(&f).unwrap();
        assert!(!v.passed);
        assert_eq!(v.message, "on ItemsAPI: GET /items/{ID} does not require an API key");
        assert_eq!(v.evidence["methods_without_api_key"], serde_json::json!(["GET /items/{ID}"]));
    }

    #[test]
    fn missing_resource_and_method_are_named() {
        let f = facts(vec![resource("/items", &[("POST", true)])]);
        let v = check().evaluate(&f).unwrap();
        assert_eq!(
            v.message,
            "on ItemsAPI: GET /items does not exist (no GET method); GET /items/{ID} does not exist (no resource /items/{ID})"
        );
    }

    #[test]
    fn missing_api_fails() {
        let f = Facts {
            apigateway: crate::providers::apigateway::Facts { rest_apis: Some(Ok(vec![])), ..Default::default() },
            ..Facts::default()
        };
        assert_eq!(check().evaluate(&f).unwrap().message, "there is no REST API named ItemsAPI");
    }

    #[test]
    fn duplicate_apis_pass_if_one_is_right_and_say_so_if_none() {
        let mut f = facts(vec![resource("/items", &[("GET", false)]), resource("/items/{ID}", &[("GET", false)])]);
        let apis = vec![
            RestApi { id: "a1".into(), name: "ItemsAPI".into(), description: None },
            RestApi { id: "a2".into(), name: "ItemsAPI".into(), description: None },
        ];
        f.apigateway.rest_apis = Some(Ok(apis));
        f.apigateway.resources.insert("a2".into(), Ok(vec![resource("/items", &[("GET", false)])]));
        let v = check().evaluate(&f).unwrap();
        assert!(
            v.message.to_string().starts_with("2 REST APIs are named ItemsAPI and none passes; a1: "),
            "{}",
            v.message
        );
        f.apigateway.resources.insert(
            "a2".into(),
            Ok(vec![resource("/items", &[("GET", true)]), resource("/items/{ID}", &[("GET", true)])]),
        );
        assert!(check().evaluate(&f).unwrap().passed);
    }

    #[test]
    fn methods_exist_names_the_missing_one_and_a_case_slip() {
        let check = MethodsExist {
            api: "ItemsAPI".into(),
            methods: vec!["GET /items".parse().unwrap(), "GET /items/{ID}".parse().unwrap()],
        };
        let f = facts(vec![resource("/items", &[("GET", false)]), resource("/items/{id}", &[("GET", false)])]);
        let v = check.evaluate(&f).unwrap();
        assert_eq!(
            v.message,
            "on ItemsAPI: GET /items/{ID} does not exist (no resource /items/{ID}; found /items/{id})"
        );
        let f = facts(vec![resource("/items", &[("GET", false)]), resource("/items/{ID}", &[("GET", false)])]);
        assert_eq!(check.evaluate(&f).unwrap().message, "GET /items and GET /items/{ID} exist on ItemsAPI");
    }

    #[test]
    fn unreadable_resources_are_an_error() {
        let mut f = facts(vec![]);
        f.apigateway
            .resources
            .insert("a1".into(), Err(FactError::new(FactErrorKind::Timeout, "apigateway:GetResources", "slow")));
        assert_eq!(check().evaluate(&f).unwrap_err().kind, FactErrorKind::Timeout);
    }
}
