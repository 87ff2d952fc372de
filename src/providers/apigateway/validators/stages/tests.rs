use super::*;
use crate::providers::apigateway::{Integration, Method, MethodSetting, Resource, Throttle, UsagePlan};

const URI: &str = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:F:${stageVariables.alias}/invocations";

fn stage(name: &str, vars: &[(&str, &str)]) -> Stage {
    Stage {
        name: name.into(),
        deployment_id: Some(format!("d-{name}")),
        variables: vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        cache_cluster_enabled: false,
        cache_cluster_size: None,
        method_settings: BTreeMap::new(),
    }
}

fn facts(stages: Vec<Stage>) -> Facts {
    let mut f = Facts {
        apigateway: crate::providers::apigateway::Facts {
            rest_apis: Some(Ok(vec![RestApi { id: "a1".into(), name: "ItemsAPI".into(), description: None }])),
            ..Default::default()
        },
        ..Facts::default()
    };
    f.apigateway.stages.insert("a1".into(), Ok(stages));
    let integration = Integration {
        integration_type: Some("AWS_PROXY".into()),
        uri: Some(URI.into()),
        http_method: None,
        responses: BTreeMap::new(),
    };
    let get = Method {
        http_method: "GET".into(),
        authorization_type: None,
        api_key_required: false,
        integration: Some(integration),
    };
    let items = Resource {
        id: "r".into(),
        path: "/items".into(),
        parent_id: None,
        methods: BTreeMap::from([("GET".into(), get)]),
    };
    f.apigateway.resources.insert("a1".into(), Ok(vec![items]));
    f
}

#[test]
fn stages_deployed_names_missing() {
    let check = StagesDeployed { api: "ItemsAPI".into(), stages: vec!["dev".into(), "prod".into()] };
    assert!(check.evaluate(&facts(vec![stage("dev", &[]), stage("prod", &[])])).unwrap().passed);
    assert_eq!(
        check.evaluate(&facts(vec![stage("dev", &[])])).unwrap().message,
        "ItemsAPI has no stage prod (stages: dev)"
    );
}

#[test]
fn stage_variables_must_match_the_stage() {
    let check = StageVariablesSelectAliases {
        api: "ItemsAPI".into(),
        stages: vec!["dev".into(), "prod".into()],
        method: MethodRef { method: "GET".into(), path: "/items".into() },
        aliases: BTreeMap::new(),
    };
    let good = facts(vec![stage("dev", &[("alias", "dev")]), stage("prod", &[("alias", "prod")])]);
    assert_eq!(
        check.evaluate(&good).unwrap().message,
        "stage variable alias selects the alias per stage: dev -> dev and prod -> prod"
    );
    let bad = facts(vec![stage("dev", &[("alias", "dev")]), stage("prod", &[("alias", "dev")])]);
    assert_eq!(check.evaluate(&bad).unwrap().message, "stage prod sets alias = dev, not prod");
    let unset = facts(vec![stage("dev", &[]), stage("prod", &[("alias", "prod")])]);
    assert_eq!(check.evaluate(&unset).unwrap().message, "stage dev does not set the stage variable alias");
}

#[test]
fn caching_and_throttling() {
    let mut prod = stage("prod", &[]);
    let cache = StageCacheEnabled { api: "ItemsAPI".into(), stage: "prod".into() };
    let methods = StageMethodCachingEnabled { api: "ItemsAPI".into(), stage: "prod".into() };
    let throttle = ThrottlingConfigured {
        api: "ItemsAPI".into(),
        stage: "prod".into(),
        plan: Some("P".into()),
        account_default_rate: 10_000.0,
    };
    let f = |s: &Stage| {
        let mut f = facts(vec![s.clone()]);
        f.apigateway.usage_plans = Some(Ok(vec![]));
        f
    };
    assert_eq!(cache.evaluate(&f(&prod)).unwrap().message, "stage prod of ItemsAPI has no cache cluster enabled");
    assert_eq!(
        methods.evaluate(&f(&prod)).unwrap().message,
        "no method setting of stage prod of ItemsAPI enables caching"
    );
    assert_eq!(
        throttle.evaluate(&f(&prod)).unwrap().message,
        "stage prod of ItemsAPI has no throttling below the account default, and usage plan P has no throttle"
    );
    prod.cache_cluster_enabled = true;
    prod.cache_cluster_size = Some("0.5".into());
    // What the console writes when caching is enabled: the account default throttling comes along.
    let defaults = MethodSetting {
        caching_enabled: true,
        cache_ttl_seconds: Some(300),
        throttling_rate_limit: Some(10_000.0),
        throttling_burst_limit: Some(5000),
    };
    prod.method_settings.insert("*/*".into(), defaults);
    assert_eq!(cache.evaluate(&f(&prod)).unwrap().message, "stage prod of ItemsAPI has a cache cluster (0.5 GB)");
    assert_eq!(methods.evaluate(&f(&prod)).unwrap().message, "stage prod of ItemsAPI caches */* (TTL 300 s)");
    // A TTL of 0 turns caching off: `labcheck mutate` accepted it before this check judged it.
    let mut zero = prod.clone();
    zero.method_settings.get_mut("*/*").unwrap().cache_ttl_seconds = Some(0);
    assert_eq!(
        methods.evaluate(&f(&zero)).unwrap().message,
        "caching is on for */* of stage prod of ItemsAPI, but with a time to live of 0 s, which caches nothing"
    );
    assert!(!throttle.evaluate(&f(&prod)).unwrap().passed, "the account default is not throttling");
    prod.method_settings.get_mut("*/*").unwrap().throttling_rate_limit = Some(5.0);
    assert_eq!(
        throttle.evaluate(&f(&prod)).unwrap().message,
        "stage prod of ItemsAPI throttles */* at 5 requests/s, burst 5000"
    );
    let mut plain = stage("prod", &[]);
    plain.method_settings.clear();
    let mut with_plan = f(&plain);
    with_plan.apigateway.usage_plans = Some(Ok(vec![UsagePlan {
        id: "p".into(),
        name: "P".into(),
        description: None,
        api_stages: vec![],
        throttle: Some(Throttle { burst_limit: Some(10), rate_limit: Some(5.0) }),
        quota: None,
    }]));
    assert_eq!(throttle.evaluate(&with_plan).unwrap().message, "usage plan P throttles at 5 requests/s");
}
