//! Plain-data fixtures shared by the validators' unit tests.

use std::collections::BTreeMap;

use crate::providers::Facts;

use crate::providers::apigateway::{Integration, Method, Resource, RestApi, UsagePlan};

/// Facts with one REST API, `ItemsAPI` (id `a1`), and these resources.
pub fn items_api(resources: Vec<Resource>) -> Facts {
    let mut facts = Facts {
        apigateway: crate::providers::apigateway::Facts {
            rest_apis: Some(Ok(vec![RestApi { id: "a1".into(), name: "ItemsAPI".into(), description: None }])),
            ..Default::default()
        },
        ..Facts::default()
    };
    facts.apigateway.resources.insert("a1".into(), Ok(resources));
    facts
}

/// A resource at `path` with one method.
pub fn resource_with(path: &str, verb: &str, api_key_required: bool, integration: Option<Integration>) -> Resource {
    let method = Method { http_method: verb.into(), authorization_type: None, api_key_required, integration };
    Resource {
        id: path.into(),
        path: path.into(),
        parent_id: None,
        methods: BTreeMap::from([(verb.to_owned(), method)]),
    }
}

/// Facts with one bare usage plan per name (id `id-NAME`).
pub fn usage_plans(names: &[&str]) -> Facts {
    let plans = names
        .iter()
        .map(|n| UsagePlan {
            id: format!("id-{n}"),
            name: (*n).into(),
            description: None,
            api_stages: vec![],
            throttle: None,
            quota: None,
        })
        .collect();
    Facts {
        apigateway: crate::providers::apigateway::Facts { usage_plans: Some(Ok(plans)), ..Default::default() },
        ..Facts::default()
    }
}
