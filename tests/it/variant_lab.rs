//! A second lab (checks/apigw-pets/lab.toml) reuses the validators with other names and stages: graded live.

use crate::common::{Account, Graded};
use aws_sdk_apigateway::types::{ApiStage, IntegrationType};

/// PetsAPI with /pets and /pets/{petId} (GET, MOCK), deployed to `stages`, key required; plan and key.
async fn build_pets(account: &Account, stages: &[&str], plan_stages: &[&str]) {
    let c = account.apigw();
    let api = c.create_rest_api().name("PetsAPI").send().await.unwrap().id.unwrap();
    let root = c.get_resources().rest_api_id(&api).send().await.unwrap().items()[0].id().unwrap().to_owned();
    let pets =
        c.create_resource().rest_api_id(&api).parent_id(&root).path_part("pets").send().await.unwrap().id.unwrap();
    let pet =
        c.create_resource().rest_api_id(&api).parent_id(&pets).path_part("{petId}").send().await.unwrap().id.unwrap();
    for resource in [&pets, &pet] {
        let m = c.put_method().rest_api_id(&api).resource_id(resource).http_method("GET").authorization_type("NONE");
        m.api_key_required(true).send().await.unwrap();
        let i = c
            .put_integration()
            .rest_api_id(&api)
            .resource_id(resource)
            .http_method("GET")
            .r#type(IntegrationType::Mock);
        i.request_templates("application/json", "{\"statusCode\": 200}").send().await.unwrap();
        let mr = c.put_method_response().rest_api_id(&api).resource_id(resource).http_method("GET").status_code("200");
        mr.send().await.unwrap();
        let ir =
            c.put_integration_response().rest_api_id(&api).resource_id(resource).http_method("GET").status_code("200");
        ir.response_templates("application/json", "{\"pets\": []}").send().await.unwrap();
    }
    for stage in stages {
        c.create_deployment().rest_api_id(&api).stage_name(*stage).send().await.unwrap();
    }
    let mut plan = c.create_usage_plan().name("PetsBasicPlan");
    for stage in plan_stages {
        plan = plan.api_stages(ApiStage::builder().api_id(&api).stage(*stage).build());
    }
    let plan = plan.send().await.unwrap().id.unwrap();
    let key = c.create_api_key().name("PetsPartnerKey").enabled(true).send().await.unwrap().id.unwrap();
    c.create_usage_plan_key().usage_plan_id(plan).key_id(key).key_type("API_KEY").send().await.unwrap();
}

/// Grades the whole lab and holds it to its case in `checks/apigw-pets/cases/` (`LABCHECK_BLESS_CASES=1` writes
/// the case's snapshot from this account).
fn grade(account: &Account, case: &str) -> Graded {
    crate::new_labs::case("apigw-pets", case, account)
}

#[tokio::test]
async fn variant_lab_fresh_account_scores_nothing() {
    let account = Account::localstack();
    let graded = grade(&account, "fresh");
    assert_eq!(graded.report.score, 0);
}

#[tokio::test]
async fn variant_lab_passes_on_its_own_names() {
    let account = Account::localstack();
    build_pets(&account, &["test", "live"], &["test", "live"]).await;
    let graded = grade(&account, "solved");
    graded.assert_statuses(&[
        ("pets-api-created", "pass"),
        ("pets-resources", "pass"),
        ("pets-stages", "pass"),
        ("pets-plan", "pass"),
        ("pets-key", "pass"),
        ("pets-live-locked", "pass"),
        ("pets-live-open-with-key", "pass"),
    ]);
    assert_eq!((graded.report.score, graded.report.max_score), (9, 9));
    assert_eq!(
        graded.message("pets-live-locked"),
        "without an API key, GET /pets and GET /pets/{petId} on live answered 403 Forbidden"
    );
    assert_eq!(graded.code, 0);
}

#[tokio::test]
async fn variant_lab_names_its_own_mistakes() {
    let account = Account::localstack();
    build_pets(&account, &["test"], &["test"]).await;
    let graded = grade(&account, "test-stage-only");
    assert_eq!(graded.status("pets-stages"), "fail");
    assert_eq!(graded.message("pets-stages"), "PetsAPI has no stage live (stages: test)");
    assert_eq!(graded.message("pets-plan"), "usage plan PetsBasicPlan is bound to PetsAPI/test only; live is missing");
    assert_eq!(graded.message("pets-live-locked"), "stage live of PetsAPI is not deployed");
    assert_eq!(graded.code, 1);
}
