use super::*;
use std::collections::BTreeMap;

use crate::providers::apigateway::{Integration, Resource, Stage};
use crate::providers::lambda::{LambdaAlias, LambdaFunction, LambdaVersion};

const URI: &str = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:${stageVariables.alias}/invocations";

fn get(path: &str, kind: &str, uri: Option<&str>) -> Resource {
    let integration = Integration {
        integration_type: Some(kind.into()),
        uri: uri.map(str::to_owned),
        http_method: Some("POST".into()),
        responses: BTreeMap::new(),
    };
    crate::providers::testing::resource_with(path, "GET", false, Some(integration))
}

fn facts(resources: Vec<Resource>) -> Facts {
    crate::providers::testing::items_api(resources)
}

fn complete() -> Facts {
    let mut f = facts(vec![get("/items", "AWS_PROXY", Some(URI)), get("/items/{ID}", "AWS_PROXY", Some(URI))]);
    f.lambda.lambda_functions.insert(
        "ItemsFunction".into(),
        Ok(Some(LambdaFunction {
            name: "ItemsFunction".into(),
            arn: "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction".into(),
            runtime: Some("python3.12".into()),
            handler: Some("index.handler".into()),
            state: Some("Active".into()),
            role: Some("arn:aws:iam::123456789012:role/service-role/ItemsRole".into()),
            environment_names: vec!["TABLE_NAME".into()],
            environment_error: None,
        })),
    );
    let versions = ["$LATEST", "1"].iter().map(|v| LambdaVersion { version: (*v).into() }).collect();
    f.lambda.lambda_versions.insert("ItemsFunction".into(), Ok(versions));
    let aliases = vec![
        LambdaAlias { name: "dev".into(), function_version: "$LATEST".into() },
        LambdaAlias { name: "prod".into(), function_version: "1".into() },
    ];
    f.lambda.lambda_aliases.insert("ItemsFunction".into(), Ok(aliases));
    for alias in ["dev", "prod"] {
        f.lambda
            .lambda_policies
            .insert(format!("ItemsFunction:{alias}"), Ok(Some(policy(alias, &["GET/items", "GET/items/*"]))));
    }
    let stages = ["dev", "prod"]
        .iter()
        .map(|s| Stage {
            name: (*s).into(),
            deployment_id: None,
            variables: BTreeMap::from([("alias".to_owned(), (*s).to_owned())]),
            cache_cluster_enabled: false,
            cache_cluster_size: None,
            method_settings: BTreeMap::new(),
        })
        .collect();
    f.apigateway.stages.insert("a1".into(), Ok(stages));
    f
}

/// The policy the console's `add-permission` commands leave: one statement per method, any stage.
fn policy(alias: &str, methods: &[&str]) -> serde_json::Value {
    let statements: Vec<serde_json::Value> = methods
        .iter()
        .map(|m| {
            serde_json::json!({
                "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
                "Resource": format!("arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:{alias}"),
                "Condition": {"ArnLike": {"AWS:SourceArn": format!("arn:aws:execute-api:us-east-1:123456789012:a1/*/{m}")}}
            })
        })
        .collect();
    serde_json::json!({ "Version": "2012-10-17", "Statement": statements })
}

fn items() -> MethodRef {
    MethodRef { method: "GET".into(), path: "/items".into() }
}

#[test]
fn function_found_from_the_integration() {
    let check = LambdaFunctionExists { api: "ItemsAPI".into(), method: items() };
    let v = check.evaluate(&complete()).unwrap();
    assert_eq!(
        v.message,
        "GET /items on ItemsAPI invokes Lambda function ItemsFunction (runtime python3.12, handler index.handler)"
    );
    assert_eq!(v.evidence["runtime"], "python3.12");
    let mut f = complete();
    f.lambda.lambda_functions.insert("ItemsFunction".into(), Ok(None));
    assert_eq!(
        check.evaluate(&f).unwrap().message,
        "GET /items on ItemsAPI integrates with Lambda function ItemsFunction, which does not exist"
    );
    let f = facts(vec![get("/items", "MOCK", None)]);
    assert_eq!(
        check.evaluate(&f).unwrap().message,
        "GET /items on ItemsAPI does not invoke a Lambda function (MOCK integration)"
    );
}

#[test]
fn versions_and_aliases() {
    let versions = LambdaVersionsPublished { api: "ItemsAPI".into(), method: items(), min: 1 };
    assert!(versions.evaluate(&complete()).unwrap().passed);
    let mut f = complete();
    f.lambda.lambda_versions.insert("ItemsFunction".into(), Ok(vec![LambdaVersion { version: "$LATEST".into() }]));
    assert_eq!(
        versions.evaluate(&f).unwrap().message,
        "Lambda function ItemsFunction has no published version (only $LATEST)"
    );

    let aliases =
        LambdaAliasesExist { api: "ItemsAPI".into(), method: items(), aliases: vec!["dev".into(), "prod".into()] };
    assert!(aliases.evaluate(&complete()).unwrap().passed);
    let mut f = complete();
    f.lambda
        .lambda_aliases
        .insert("ItemsFunction".into(), Ok(vec![LambdaAlias { name: "dev".into(), function_version: "1".into() }]));
    assert_eq!(aliases.evaluate(&f).unwrap().message, "Lambda function ItemsFunction has no alias prod (aliases: dev)");
}

#[test]
fn prod_must_point_at_a_published_version() {
    let check = LambdaAliasTargetsPublishedVersion { api: "ItemsAPI".into(), method: items(), alias: "prod".into() };
    assert_eq!(
        check.evaluate(&complete()).unwrap().message,
        "alias prod of ItemsFunction points at published version 1"
    );
    let mut f = complete();
    f.lambda.lambda_aliases.insert(
        "ItemsFunction".into(),
        Ok(vec![LambdaAlias { name: "prod".into(), function_version: "$LATEST".into() }]),
    );
    assert_eq!(
        check.evaluate(&f).unwrap().message,
        "alias prod of ItemsFunction points at $LATEST, not a published version"
    );
}

#[test]
fn proxy_integration_by_stage_variable() {
    let methods = vec!["GET /items".parse().unwrap(), "GET /items/{ID}".parse().unwrap()];
    let check = LambdaProxyIntegration { api: "ItemsAPI".into(), methods, stage_variable: None };
    let v = check.evaluate(&complete()).unwrap();
    assert_eq!(
        v.message,
        "GET /items and GET /items/{ID} on ItemsAPI are Lambda proxy integrations with ItemsFunction:${stageVariables.alias}"
    );
    let fixed = URI.replace("${stageVariables.alias}", "prod");
    let f = facts(vec![get("/items", "AWS_PROXY", Some(&fixed)), get("/items/{ID}", "MOCK", None)]);
    assert_eq!(
        check.evaluate(&f).unwrap().message,
        "on ItemsAPI: GET /items invokes ItemsFunction:prod, not an alias chosen by a stage variable; GET /items/{ID} is a MOCK integration, not a Lambda proxy integration (AWS_PROXY)"
    );
    let strict = LambdaProxyIntegration { stage_variable: Some("lambdaAlias".into()), ..check };
    assert!(
        strict
            .evaluate(&complete())
            .unwrap()
            .message
            .to_string()
            .contains("selects the alias with ${stageVariables.alias}, not ${stageVariables.lambdaAlias}")
    );
}

fn invoke_check() -> LambdaInvokePermission {
    LambdaInvokePermission {
        api: "ItemsAPI".into(),
        method: items(),
        aliases: vec!["dev".into(), "prod".into()],
        methods: None,
    }
}

#[test]
fn invoke_permission_per_alias_and_for_this_api() {
    let check = invoke_check();
    assert_eq!(
        check.evaluate(&complete()).unwrap().message,
        "API Gateway may invoke ItemsFunction:dev and ItemsFunction:prod for GET /items and GET /items/{ID}"
    );
    let mut f = complete();
    f.lambda.lambda_policies.insert("ItemsFunction:prod".into(), Ok(None));
    assert_eq!(check.evaluate(&f).unwrap().message, "ItemsFunction:prod has no resource policy");
    let mut f = complete();
    let other_api = serde_json::json!({"Statement": {
        "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:dev",
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:zz9/*/GET/items"}}
    }});
    f.lambda.lambda_policies.insert("ItemsFunction:dev".into(), Ok(Some(other_api)));
    assert_eq!(
        check.evaluate(&f).unwrap().message,
        "the resource policy of ItemsFunction:dev does not let API Gateway invoke it for GET /items on dev and GET /items/{ID} on dev"
    );
}

#[test]
fn invoke_permission_covers_each_method_and_accepts_wildcards() {
    let check = invoke_check();
    // A statement for GET/items alone: API Gateway answers 500 for GET /items/{ID}.
    let mut f = complete();
    f.lambda.lambda_policies.insert("ItemsFunction:prod".into(), Ok(Some(policy("prod", &["GET/items"]))));
    assert_eq!(
        check.evaluate(&f).unwrap().message,
        "the resource policy of ItemsFunction:prod does not let API Gateway invoke it for GET /items/{ID} on prod"
    );
    // Wildcards anywhere in the source ARN, as AWS matches them.
    let mut f = complete();
    let wide = serde_json::json!({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:prod",
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:*/*/GET/*"}}
    }]});
    f.lambda.lambda_policies.insert("ItemsFunction:prod".into(), Ok(Some(wide)));
    assert!(check.evaluate(&f).unwrap().passed);
    // A permission for the dev stage only does not let the prod stage invoke the prod alias.
    let mut f = complete();
    let dev_only =
        serde_json::to_string(&policy("prod", &["GET/items", "GET/items/*"])).unwrap().replace("a1/*/", "a1/dev/");
    f.lambda.lambda_policies.insert("ItemsFunction:prod".into(), Ok(Some(serde_json::from_str(&dev_only).unwrap())));
    assert!(!check.evaluate(&f).unwrap().passed);
    // The listed methods only.
    let listed = LambdaInvokePermission { methods: Some(vec![items()]), ..invoke_check() };
    let mut f = complete();
    f.lambda.lambda_policies.insert("ItemsFunction:prod".into(), Ok(Some(policy("prod", &["GET/items"]))));
    assert!(listed.evaluate(&f).unwrap().passed);
}

#[test]
fn invoke_permission_names_a_condition_it_cannot_judge() {
    let mut f = complete();
    let mut p = policy("dev", &["GET/items", "GET/items/*"]);
    for statement in p["Statement"].as_array_mut().unwrap() {
        statement["Condition"]["IpAddress"] = serde_json::json!({"aws:SourceIp": "10.0.0.0/8"});
    }
    f.lambda.lambda_policies.insert("ItemsFunction:dev".into(), Ok(Some(p)));
    let v = invoke_check().evaluate(&f).unwrap();
    assert!(!v.passed);
    assert!(
        v.message.to_string().contains(
            "GET /items on dev (the policy has a condition IpAddress on aws:SourceIp, which labcheck does not evaluate)"
        ),
        "{}",
        v.message
    );
}

#[test]
fn unreadable_lambda_facts_are_errors() {
    let mut f = complete();
    let denied = FactError::new(crate::facts::FactErrorKind::AccessDenied, "lambda:GetPolicy", "denied");
    f.lambda.lambda_policies.insert("ItemsFunction:dev".into(), Err(denied.clone()));
    let check = LambdaInvokePermission { aliases: vec!["dev".into()], ..invoke_check() };
    assert_eq!(check.evaluate(&f).unwrap_err(), denied);
}

/// Lambda API reference, `EnvironmentResponse`: with a customer managed key the grader may not use,
/// `Environment` holds `Error` and no `Variables`. Our permissions, not the student's work: `error`.
#[test]
fn an_environment_lambda_could_not_decrypt_is_an_error_not_a_fail() {
    let check = LambdaEnvironmentHas { api: "ItemsAPI".into(), method: items(), names: vec!["TABLE_NAME".into()] };
    assert!(check.evaluate(&complete()).unwrap().passed);
    let mut f = complete();
    if let Some(Ok(Some(function))) = f.lambda.lambda_functions.get_mut("ItemsFunction") {
        function.environment_names.clear();
        function.environment_error = Some(EnvironmentError {
            code: "KMSAccessDeniedException".into(),
            message: "Lambda was unable to decrypt the environment variables because KMS access was denied.".into(),
        });
    }
    let error = check.evaluate(&f).unwrap_err();
    assert_eq!(error.kind, FactErrorKind::AccessDenied);
    assert_eq!(error.operation, "lambda:GetFunctionConfiguration");
    assert!(error.message.contains("environment of ItemsFunction") && error.message.contains("KMSAccessDenied"));
}

/// A Lambda proxy integration that calls Lambda with GET answers 500 to every request: `labcheck mutate` accepted
/// the change before this check judged it.
#[test]
fn a_proxy_integration_must_call_lambda_with_post() {
    let methods = vec!["GET /items".parse().unwrap()];
    let check = LambdaProxyIntegration { api: "ItemsAPI".into(), methods, stage_variable: None };
    let mut with_get = get("/items", "AWS_PROXY", Some(URI));
    with_get.methods.get_mut("GET").unwrap().integration.as_mut().unwrap().http_method = Some("GET".into());
    let v = check.evaluate(&facts(vec![with_get])).unwrap();
    assert!(!v.passed);
    assert_eq!(
        v.message,
        "on ItemsAPI: GET /items calls Lambda with GET, not POST (Lambda is invoked with POST only; any other method answers 500)"
    );
}
