use super::*;
use crate::facts::FactErrorKind;
use crate::providers::apigateway::{ApiKey, ApiStage, RestApi, UsagePlan, UsagePlanKey};

fn api(id: &str, name: &str) -> RestApi {
    RestApi { id: id.into(), name: name.into(), description: None }
}

fn plan(id: &str, name: &str, stages: &[(&str, &str)]) -> UsagePlan {
    UsagePlan {
        id: id.into(),
        name: name.into(),
        description: None,
        api_stages: stages.iter().map(|(a, s)| ApiStage { api_id: (*a).into(), stage: (*s).into() }).collect(),
        throttle: None,
        quota: None,
    }
}

fn facts(apis: Vec<RestApi>, plans: Vec<UsagePlan>) -> Facts {
    Facts {
        apigateway: crate::providers::apigateway::Facts {
            rest_apis: Some(Ok(apis)),
            usage_plans: Some(Ok(plans)),
            ..Default::default()
        },
        ..Facts::default()
    }
}

fn plan_check() -> UsagePlanExists {
    UsagePlanExists {
        name: "CloudAcademyPlan".into(),
        api: "ItemsAPI".into(),
        stages: vec!["dev".into(), "prod".into()],
    }
}

#[test]
fn plan_bound_to_both_stages_passes() {
    let f = facts(vec![api("a1", "ItemsAPI")], vec![plan("p1", "CloudAcademyPlan", &[("a1", "dev"), ("a1", "prod")])]);
    let v = plan_check().evaluate(&f).unwrap();
    assert!(v.passed, "{}", v.message);
    assert_eq!(v.evidence["usage_plan_id"], "p1");
}

#[test]
fn missing_plan_fails_and_lists_others() {
    let f = facts(vec![api("a1", "ItemsAPI")], vec![plan("p9", "OtherPlan", &[])]);
    let v = plan_check().evaluate(&f).unwrap();
    assert!(!v.passed);
    assert_eq!(v.message, "no usage plan named CloudAcademyPlan (found: OtherPlan)");
    let v = plan_check().evaluate(&facts(vec![], vec![])).unwrap();
    assert_eq!(v.message, "no usage plan named CloudAcademyPlan (the account has no usage plans)");
}

#[test]
fn plan_bound_to_dev_only_names_prod() {
    let f = facts(vec![api("a1", "ItemsAPI")], vec![plan("p1", "CloudAcademyPlan", &[("a1", "dev")])]);
    let v = plan_check().evaluate(&f).unwrap();
    assert!(!v.passed);
    assert_eq!(v.message, "usage plan CloudAcademyPlan is bound to ItemsAPI/dev only; prod is missing");
}

#[test]
fn plan_bound_to_another_api_says_so() {
    let f = facts(
        vec![api("a1", "ItemsAPI"), api("b2", "PetsAPI")],
        vec![plan("p1", "CloudAcademyPlan", &[("b2", "dev")])],
    );
    let v = plan_check().evaluate(&f).unwrap();
    assert_eq!(v.message, "usage plan CloudAcademyPlan is not bound to ItemsAPI (it is bound to PetsAPI/dev only)");
}

#[test]
fn plan_without_api_fails() {
    let f = facts(vec![], vec![plan("p1", "CloudAcademyPlan", &[])]);
    let v = plan_check().evaluate(&f).unwrap();
    assert_eq!(v.message, "usage plan CloudAcademyPlan exists, but there is no REST API named ItemsAPI to bind it to");
}

#[test]
fn duplicate_plans_pass_if_one_is_complete() {
    let f = facts(
        vec![api("a1", "ItemsAPI")],
        vec![
            plan("p1", "CloudAcademyPlan", &[("a1", "dev")]),
            plan("p2", "CloudAcademyPlan", &[("a1", "dev"), ("a1", "prod")]),
        ],
    );
    assert!(plan_check().evaluate(&f).unwrap().passed);
}

#[test]
fn unreadable_plans_are_an_error_not_a_verdict() {
    let err = FactError::new(FactErrorKind::AccessDenied, "apigateway:GetUsagePlans", "denied");
    let f = Facts {
        apigateway: crate::providers::apigateway::Facts {
            usage_plans: Some(Err(err.clone())),
            rest_apis: Some(Ok(vec![])),
            ..Default::default()
        },
        ..Facts::default()
    };
    assert_eq!(plan_check().evaluate(&f).unwrap_err(), err);
    // A fact that was never collected is an error too, never a pass.
    let e = plan_check().evaluate(&Facts::default()).unwrap_err();
    assert_eq!(e.kind, FactErrorKind::NotCollected);
}

fn key_facts(keys: Vec<ApiKey>, plan_keys: Vec<&str>) -> Facts {
    let mut f = facts(vec![], vec![plan("p1", "CloudAcademyPlan", &[])]);
    f.apigateway.api_keys = Some(Ok(keys));
    let pk = plan_keys.into_iter().map(|id| UsagePlanKey { id: id.into(), name: "LabKey".into(), key_type: None });
    f.apigateway.usage_plan_keys.insert("p1".into(), Ok(pk.collect()));
    f
}

fn key(id: &str, enabled: bool) -> ApiKey {
    ApiKey { id: id.into(), name: "LabKey".into(), enabled }
}

fn key_check() -> UsagePlanKeyExists {
    UsagePlanKeyExists { key: "LabKey".into(), plan: "CloudAcademyPlan".into() }
}

#[test]
fn enabled_key_in_plan_passes() {
    let v = key_check().evaluate(&key_facts(vec![key("k1", true)], vec!["k1"])).unwrap();
    assert!(v.passed, "{}", v.message);
    assert_eq!(v.evidence["api_key_id"], "k1");
}

#[test]
fn key_problems_are_named() {
    let v = key_check().evaluate(&key_facts(vec![], vec![])).unwrap();
    assert_eq!(v.message, "no API key named LabKey");
    let v = key_check().evaluate(&key_facts(vec![key("k1", true)], vec![])).unwrap();
    assert_eq!(v.message, "API key LabKey exists but is not a key of usage plan CloudAcademyPlan");
    let v = key_check().evaluate(&key_facts(vec![key("k1", false)], vec!["k1"])).unwrap();
    assert_eq!(v.message, "API key LabKey is a key of usage plan CloudAcademyPlan but it is disabled");
    let mut f = key_facts(vec![key("k1", true)], vec![]);
    f.apigateway.usage_plans = Some(Ok(vec![]));
    let v = key_check().evaluate(&f).unwrap();
    assert_eq!(v.message, "API key LabKey exists, but there is no usage plan named CloudAcademyPlan to add it to");
}

#[test]
fn second_key_of_same_name_in_plan_passes() {
    let v = key_check().evaluate(&key_facts(vec![key("k1", true), key("k2", true)], vec!["k2"])).unwrap();
    assert!(v.passed);
    assert_eq!(v.evidence["api_key_id"], "k2");
}

#[test]
fn plan_limits() {
    use crate::providers::apigateway::{Quota, Throttle};
    let check = UsagePlanLimitsEnabled { name: "CloudAcademyPlan".into() };
    let mut p = plan("p1", "CloudAcademyPlan", &[]);
    let f = |p: &UsagePlan| facts(vec![], vec![p.clone()]);
    assert_eq!(
        check.evaluate(&f(&p)).unwrap().message,
        "usage plan CloudAcademyPlan has neither throttling nor a quota"
    );
    p.throttle = Some(Throttle { burst_limit: Some(10), rate_limit: Some(5.0) });
    assert_eq!(check.evaluate(&f(&p)).unwrap().message, "usage plan CloudAcademyPlan has throttling but no quota");
    p.quota = Some(Quota { limit: Some(1000), period: Some("MONTH".into()) });
    assert_eq!(
        check.evaluate(&f(&p)).unwrap().message,
        "usage plan CloudAcademyPlan throttles at 5 requests/s (burst 10) with a quota of 1000 per month"
    );
}

#[test]
fn unreadable_plan_keys_are_an_error() {
    let mut f = key_facts(vec![key("k1", true)], vec![]);
    let err = FactError::new(FactErrorKind::Throttled, "apigateway:GetUsagePlanKeys", "slow down");
    f.apigateway.usage_plan_keys.insert("p1".into(), Err(err.clone()));
    assert_eq!(key_check().evaluate(&f).unwrap_err(), err);
}
