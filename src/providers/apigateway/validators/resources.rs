//! REST APIs and their resources.

use super::judge_apis_named;
use crate::facts::FactError;
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::apigateway;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// A REST API with this name exists.
    ///
    /// Why: every other API Gateway check starts from the API; the message lists the APIs that do exist, which
    /// catches typos in the name.
    ///
    /// ```toml
    /// validator = "rest_api_exists"
    /// params = { api = "ItemsAPI" }
    /// ```
    pub struct RestApiExists {
        /// REST API name.
        pub api: String,
    }
}

impl Validator for RestApiExists {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("rest_apis[].name")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let all = facts.apigateway.rest_apis()?;
        let named: Vec<&str> = all.iter().filter(|a| a.name == self.api).map(|a| a.id.as_str()).collect();
        Ok(match named.as_slice() {
            [] => {
                let name = &self.api;
                match all.iter().map(|a| a.name.as_str()).collect::<Vec<_>>() {
                    others if others.is_empty() => Verdict::fail(msg!("rest-api-missing-none-in-account", name)),
                    others => Verdict::fail(msg!("rest-api-missing-found", name, found = and(others))),
                }
            }
            [id] => Verdict::pass(msg!("rest-api-exists", name = &self.api, id)).with("api_id", id),
            ids => Verdict::pass(msg!("rest-apis-named", count = ids.len(), name = &self.api, ids = and(ids)))
                .with("api_ids", ids),
        })
    }
}

validator! {
    /// Each listed resource path exists on the named REST API.
    ///
    /// Why: the lab's routes (`/items`, `/items/{ID}`) are resources; a path parameter spelled differently
    /// (`{id}`) is a different resource, and the message says so.
    ///
    /// ```toml
    /// validator = "resources_exist"
    /// params = { api = "ItemsAPI", paths = ["/items", "/items/{ID}"] }
    /// ```
    pub struct ResourcesExist {
        /// REST API name.
        pub api: String,
        /// Resource paths, path parameters in braces.
        pub paths: Vec<String>,
    }
}

impl Validator for ResourcesExist {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Resources { api: self.api.clone() })]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("resources[].path"), Judged::items("resources")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_apis_named(facts, &self.api, |api| {
            let resources = facts.apigateway.resources(&api.id)?;
            let missing: Vec<_> = self
                .paths
                .iter()
                .filter(|p| !resources.iter().any(|r| &r.path == *p))
                .map(|path| match resources.iter().find(|r| r.path.eq_ignore_ascii_case(path)) {
                    Some(similar) => msg!("path-found-instead", path, found = &similar.path),
                    None => msg!("path", path),
                })
                .collect();
            let name = &self.api;
            Ok(if missing.is_empty() {
                Verdict::pass(msg!("resources-exist", name, paths = and(&self.paths)))
            } else {
                Verdict::fail(msg!("resources-missing", name, count = missing.len(), paths = and(missing)))
            }
            .with("api_id", &api.id))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::providers::apigateway::{Resource, RestApi};

    fn facts(apis: &[(&str, &str)], paths: &[&str]) -> Facts {
        let apis = apis.iter().map(|(id, name)| RestApi { id: (*id).into(), name: (*name).into(), description: None });
        let mut f = Facts {
            apigateway: crate::providers::apigateway::Facts {
                rest_apis: Some(Ok(apis.collect())),
                ..Default::default()
            },
            ..Facts::default()
        };
        let resources = paths
            .iter()
            .map(|p| Resource { id: (*p).into(), path: (*p).into(), parent_id: None, methods: BTreeMap::new() })
            .collect();
        f.apigateway.resources.insert("a1".into(), Ok(resources));
        f
    }

    #[test]
    fn rest_api_exists_or_lists_what_does() {
        let check = RestApiExists { api: "ItemsAPI".into() };
        assert_eq!(
            check.evaluate(&facts(&[("a1", "ItemsAPI")], &[])).unwrap().message,
            "REST API ItemsAPI exists (a1)"
        );
        let v = check.evaluate(&facts(&[("a1", "ItemAPI")], &[])).unwrap();
        assert_eq!(
            (v.passed, v.message.to_string().as_str()),
            (false, "there is no REST API named ItemsAPI (found: ItemAPI)")
        );
        assert_eq!(
            check.evaluate(&facts(&[], &[])).unwrap().message,
            "there is no REST API named ItemsAPI (the account has no REST APIs)"
        );
    }

    #[test]
    fn resources_exist_names_missing_and_near_misses() {
        let check = ResourcesExist { api: "ItemsAPI".into(), paths: vec!["/items".into(), "/items/{ID}".into()] };
        let f = facts(&[("a1", "ItemsAPI")], &["/", "/items", "/items/{ID}"]);
        assert!(check.evaluate(&f).unwrap().passed);
        let f = facts(&[("a1", "ItemsAPI")], &["/", "/items", "/items/{id}"]);
        assert_eq!(check.evaluate(&f).unwrap().message, "ItemsAPI has no resource /items/{ID} (found /items/{id})");
        let f = facts(&[("a1", "ItemsAPI")], &["/"]);
        assert_eq!(check.evaluate(&f).unwrap().message, "ItemsAPI has no resources /items and /items/{ID}");
    }
}
