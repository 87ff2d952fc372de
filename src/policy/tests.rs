use serde_json::{Value, json};

use super::*;

const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:prod";
const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/Items";
const ITEMS: &str = "arn:aws:execute-api:us-east-1:123456789012:a1/prod/GET/items";
const ITEM: &str = "arn:aws:execute-api:us-east-1:123456789012:a1/prod/GET/items/1";
const PAGE: &str = "arn:aws:s3:::website-ana/index.html";

fn one(document: &Value) -> [Policy<'_>; 1] {
    [Policy { label: "the policy", document }]
}

/// API Gateway invoking the function for a call whose execute-api ARN is `source_arn`.
fn invoke(document: &Value, source_arn: &str) -> Decision {
    let context = [("aws:SourceArn", source_arn), ("aws:SourceAccount", "123456789012")];
    let request = Request {
        caller: Caller::Service("apigateway.amazonaws.com"),
        action: "lambda:InvokeFunction",
        resource: Some(FUNCTION),
        context: &context,
    };
    decide(&one(document), &request)
}

fn allow_invoke(condition: Value) -> Value {
    json!({"Statement": [{"Sid": "s1", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": FUNCTION, "Condition": condition}]})
}

fn allowed() -> Decision {
    Decision::Allowed { by: "the policy".into() }
}

#[test]
fn wildcard_source_arns_cover_this_api() {
    let policy =
        allow_invoke(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:*/*/GET/items"}}));
    assert_eq!(invoke(&policy, ITEMS), allowed());
    assert_eq!(invoke(&policy, ITEM), Decision::NotAllowed, "GET/items does not cover GET /items/{{ID}}");
    let any_region = allow_invoke(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:a1/*"}}));
    assert_eq!(invoke(&any_region, ITEM), allowed());
    let other_stage =
        allow_invoke(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:a1/dev/*"}}));
    assert_eq!(invoke(&other_stage, ITEMS), Decision::NotAllowed);
    // ArnLike keeps wildcards inside one part: `*` in the region does not swallow the account.
    let colon = allow_invoke(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:a1/*"}}));
    assert_eq!(invoke(&colon, ITEMS), Decision::NotAllowed);
    let string_like = allow_invoke(json!({"StringLike": {"aws:SourceArn": "arn:aws:execute-api:*:a1/*"}}));
    assert_eq!(invoke(&string_like, ITEMS), allowed());
    let account = allow_invoke(json!({"StringEquals": {"AWS:SourceAccount": "999999999999"}}));
    assert_eq!(invoke(&account, ITEMS), Decision::NotAllowed);
}

#[test]
fn deny_wins_and_unknown_conditions_are_said() {
    let mut policy = allow_invoke(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:a1/*"}}));
    policy["Statement"].as_array_mut().unwrap().push(json!({"Sid": "no-prod", "Effect": "Deny", "Principal": "*",
        "Action": "lambda:InvokeFunction", "Resource": FUNCTION,
        "Condition": {"StringLike": {"AWS:SourceArn": "*/prod/*"}}}));
    assert_eq!(invoke(&policy, ITEMS), Decision::Denied { by: "the policy".into(), sid: Some("no-prod".into()) });
    let unknown = allow_invoke(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}));
    assert_eq!(
        invoke(&unknown, ITEMS),
        Decision::Unjudged { what: msg!("policy-condition-unknown", operator = "IpAddress", key = "aws:SourceIp") }
    );
    // A known condition that fails decides, whatever else the statement has.
    let mixed = allow_invoke(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
        "ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:zz9/*"}}));
    assert_eq!(invoke(&mixed, ITEMS), Decision::NotAllowed);
    let set = allow_invoke(json!({"ForAnyValue:StringEquals": {"aws:SourceArn": ITEMS}}));
    assert!(matches!(invoke(&set, ITEMS), Decision::Unjudged { .. }));
}

#[test]
fn principals_everyone_services_and_not_principal() {
    let statement = |principal: Value| {
        let mut s = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::website-ana/*"});
        s.as_object_mut().unwrap().extend(principal.as_object().unwrap().clone());
        json!({"Statement": s})
    };
    let anonymous = |document: &Value| {
        let request = Request { caller: Caller::Anonymous, action: "s3:GetObject", resource: Some(PAGE), context: &[] };
        decide(&one(document), &request)
    };
    // S3 API reference and IAM's Principal element: "*" and {"AWS": "*"} both mean everyone.
    assert_eq!(anonymous(&statement(json!({"Principal": "*"}))), allowed());
    assert_eq!(anonymous(&statement(json!({"Principal": {"AWS": "*"}}))), allowed());
    assert_eq!(anonymous(&statement(json!({"Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}}))), {
        Decision::NotAllowed
    });
    // NotPrincipal names who is left out: an anonymous caller is not an account's root.
    let not_root = json!({"NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}});
    assert_eq!(anonymous(&statement(not_root)), allowed());
    assert_eq!(anonymous(&statement(json!({"NotPrincipal": "*"}))), Decision::NotAllowed);
    assert!(matches!(anonymous(&statement(json!({}))), Decision::Unjudged { .. }));
}

#[test]
fn identity_policies_actions_resources_and_negations() {
    let reads = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE}]});
    let ask = |document: &Value, action: &str, resource: &str| {
        let context = [("aws:RequestedRegion", "us-east-1")];
        let request = Request { caller: Caller::Identity, action, resource: Some(resource), context: &context };
        decide(&one(document), &request)
    };
    assert_eq!(ask(&reads, "dynamodb:getitem", TABLE), allowed());
    assert_eq!(ask(&reads, "dynamodb:PutItem", TABLE), Decision::NotAllowed);
    assert_eq!(ask(&reads, "dynamodb:GetItem", &TABLE.replace("Items", "items")), Decision::NotAllowed);
    let not_action = json!({"Statement": {"Effect": "Allow", "NotAction": "dynamodb:Delete*", "Resource": "*"}});
    assert_eq!(ask(&not_action, "dynamodb:Scan", TABLE), allowed());
    assert_eq!(ask(&not_action, "dynamodb:DeleteItem", TABLE), Decision::NotAllowed);
    let not_resource = json!({"Statement": {"Effect": "Allow", "Action": "dynamodb:Scan", "NotResource": TABLE}});
    assert_eq!(ask(&not_resource, "dynamodb:Scan", TABLE), Decision::NotAllowed);
    let variable = json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/${aws:username}/*"}});
    assert!(matches!(ask(&variable, "s3:GetObject", "arn:aws:s3:::b/ana/x"), Decision::Unjudged { .. }));
    // A condition on a key whose value the grading knows for the request is evaluated.
    let region = |value: &str| {
        json!({"Statement": {"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": TABLE,
            "Condition": {"StringEquals": {"aws:RequestedRegion": value}}}})
    };
    assert_eq!(ask(&region("us-east-1"), "dynamodb:Scan", TABLE), allowed());
    assert_eq!(ask(&region("eu-west-1"), "dynamodb:Scan", TABLE), Decision::NotAllowed);
}

#[test]
fn a_deny_on_another_action_neither_grants_nor_removes() {
    // The standard guard rail: deny uploads without SSE. It says nothing about reading.
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::website-ana/*"},
        {"Sid": "DenyUnencrypted", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::website-ana/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}}]});
    let context = [("aws:SecureTransport", "false")];
    let read = Request { caller: Caller::Anonymous, action: "s3:GetObject", resource: Some(PAGE), context: &context };
    assert_eq!(decide(&one(&policy), &read), allowed());
    let write = Request { action: "s3:PutObject", ..read.clone() };
    assert!(matches!(decide(&one(&policy), &write), Decision::Unjudged { .. }), "the write is what it judges");
    // Deny everything over plain HTTP: a website GET (HTTP only) is denied, as on AWS.
    let mut https_only = policy.clone();
    https_only["Statement"].as_array_mut().unwrap().push(json!({"Sid": "HttpsOnly", "Effect": "Deny",
        "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::website-ana", "arn:aws:s3:::website-ana/*"],
        "Condition": {"Bool": {"aws:SecureTransport": false}}}));
    assert_eq!(
        decide(&one(&https_only), &read),
        Decision::Denied { by: "the policy".into(), sid: Some("HttpsOnly".into()) }
    );
}

#[test]
fn trust_policies_have_no_resource_and_unknown_effects_never_pass() {
    let trust = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": {"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}});
    let assume = |document: &Value, service: &str| {
        let request =
            Request { caller: Caller::Service(service), action: "sts:AssumeRole", resource: None, context: &[] };
        decide(&one(document), &request)
    };
    assert_eq!(assume(&trust, "lambda.amazonaws.com"), allowed());
    assert_eq!(assume(&trust, "ec2.amazonaws.com"), Decision::NotAllowed);
    let odd = json!({"Statement": {"Effect": "Maybe", "Principal": "*", "Action": "sts:AssumeRole"}});
    assert!(matches!(assume(&odd, "lambda.amazonaws.com"), Decision::Unjudged { .. }));
}

#[test]
fn glob_matches_like_iam() {
    assert!(glob("*", ""));
    assert!(glob("a*c", "abbbc"));
    assert!(glob("a?c", "abc"));
    assert!(!glob("a?c", "ac"));
    assert!(glob("*/GET/items/*", "a1/prod/GET/items/1"));
    assert!(!glob("*/GET/items", "a1/prod/GET/items/1"));
    // Many stars on a long text stay fast.
    let long = "a".repeat(5000);
    assert!(!glob(&format!("{}b", "*a".repeat(50)), &long));
}
