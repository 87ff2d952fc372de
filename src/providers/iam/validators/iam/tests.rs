use serde_json::json;

use super::*;
use crate::providers::iam::Role;
use crate::providers::iam::RolePolicy;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/service-role/ItemsRole";
const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/Items";

fn trust(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    ]})
}

/// Facts with the Items API whose GET /items runs ItemsFunction, whose role is ItemsRole with these policies.
fn facts(trust_policy: Value, policies: Vec<RolePolicy>) -> Facts {
    use crate::providers::apigateway::Integration;
    use crate::providers::lambda::LambdaFunction;
    let uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction/invocations";
    let integration = Integration {
        integration_type: Some("AWS_PROXY".into()),
        uri: Some(uri.into()),
        http_method: Some("POST".into()),
        responses: Default::default(),
    };
    let resource = crate::providers::testing::resource_with("/items", "GET", true, Some(integration));
    let mut facts = crate::providers::testing::items_api(vec![resource]);
    let function = LambdaFunction {
        name: "ItemsFunction".into(),
        arn: "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction".into(),
        runtime: None,
        handler: None,
        state: None,
        role: Some(ROLE_ARN.into()),
        environment_names: vec![],
        environment_error: None,
    };
    facts.lambda.lambda_functions.insert("ItemsFunction".into(), Ok(Some(function)));
    let role = Role { name: "ItemsRole".into(), arn: ROLE_ARN.into(), trust_policy };
    facts.iam.iam_roles.insert("ItemsRole".into(), Ok(Some(role)));
    facts.iam.iam_role_policies.insert("ItemsRole".into(), Ok(Some(policies)));
    facts
}

fn behind() -> RoleRef {
    RoleRef::BehindMethod { api: "ItemsAPI".into(), method: "GET /items".parse().unwrap() }
}

fn inline(name: &str, statements: Value) -> RolePolicy {
    RolePolicy { name: name.into(), arn: None, document: json!({"Version": "2012-10-17", "Statement": statements}) }
}

fn basic_execution() -> RolePolicy {
    RolePolicy {
        name: "AWSLambdaBasicExecutionRole".into(),
        arn: Some("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".into()),
        document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}),
    }
}

fn reads_items() -> RolePolicy {
    inline(
        "ReadItems",
        json!([{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query"], "Resource": TABLE}]),
    )
}

fn allows() -> IamRoleAllows {
    IamRoleAllows {
        role: behind(),
        actions: vec!["dynamodb:GetItem".into(), "dynamodb:Scan".into(), "dynamodb:Query".into()],
        resource: "arn:aws:dynamodb:{region}:{account}:table/Items".into(),
    }
}

fn least() -> IamRoleLeastPrivilege {
    let grants = vec![
        Grant {
            actions: vec!["dynamodb:GetItem".into(), "dynamodb:Scan".into(), "dynamodb:Query".into()],
            resources: vec!["arn:aws:dynamodb:{region}:{account}:table/Items".into()],
        },
        Grant {
            actions: vec!["logs:CreateLogGroup".into(), "logs:CreateLogStream".into(), "logs:PutLogEvents".into()],
            resources: vec!["*".into()],
        },
    ];
    IamRoleLeastPrivilege { role: behind(), allowed: grants }
}

#[test]
fn the_role_is_found_from_the_function_behind_the_method() {
    let f = facts(trust("lambda.amazonaws.com"), vec![basic_execution(), reads_items()]);
    let verdict = IamRoleTrustsService { role: behind(), service: "lambda.amazonaws.com".into() }.evaluate(&f).unwrap();
    assert!(verdict.passed, "{}", verdict.message);
    assert_eq!(verdict.message, "ItemsRole may be assumed by lambda.amazonaws.com");
    assert_eq!(verdict.evidence["function"], "ItemsFunction");
    let named = IamRoleTrustsService { role: RoleRef::Named("ItemsRole".into()), service: "ec2.amazonaws.com".into() };
    assert_eq!(
        named.evaluate(&f).unwrap().message,
        "the trust policy of ItemsRole does not let ec2.amazonaws.com assume it"
    );
    let missing = IamRoleTrustsService { role: RoleRef::Named("Other".into()), service: "x".into() };
    let mut f2 = f.clone();
    f2.iam.iam_roles.insert("Other".into(), Ok(None));
    assert_eq!(missing.evaluate(&f2).unwrap().message, "there is no IAM role named Other");
}

#[test]
fn a_deleted_execution_role_is_named() {
    let mut f = facts(trust("lambda.amazonaws.com"), vec![]);
    f.iam.iam_roles.insert("ItemsRole".into(), Ok(None));
    let verdict = execution_role(&f);
    assert_eq!(verdict.message, "the execution role of ItemsFunction, ItemsRole, does not exist");
}

/// The Lambda validator that names the execution role, through the same path.
fn execution_role(facts: &Facts) -> Verdict {
    let method = "GET /items".parse().unwrap();
    let check = crate::providers::lambda::validators::lambda::LambdaExecutionRole { api: "ItemsAPI".into(), method };
    check.evaluate(facts).unwrap()
}

#[test]
fn a_conditional_trust_is_not_taken_as_trust() {
    let mut policy = trust("lambda.amazonaws.com");
    policy["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:SourceAccount": "123456789012"}});
    let f = facts(policy, vec![]);
    let verdict = execution_role(&f);
    assert!(!verdict.passed);
    assert_eq!(
        verdict.message,
        "the trust policy of ItemsRole has a condition StringEquals on aws:SourceAccount, which labcheck does not evaluate, so trust in lambda.amazonaws.com is not proven"
    );
}

#[test]
fn allows_each_action_on_the_table_with_placeholders_filled() {
    let f = facts(trust("lambda.amazonaws.com"), vec![basic_execution(), reads_items()]);
    let verdict = allows().evaluate(&f).unwrap();
    assert!(verdict.passed, "{}", verdict.message);
    assert_eq!(
        verdict.message,
        format!("ItemsRole allows dynamodb:GetItem, dynamodb:Scan and dynamodb:Query on {TABLE}").as_str()
    );

    let only_get = inline("GetOnly", json!([{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE}]));
    let deny = inline("NoScan", json!([{"Effect": "Deny", "Action": "dynamodb:Scan", "Resource": "*"}]));
    let f = facts(trust("lambda.amazonaws.com"), vec![only_get, deny]);
    assert_eq!(
        allows().evaluate(&f).unwrap().message,
        format!(
            "ItemsRole on {TABLE}: dynamodb:Scan is denied by inline policy NoScan; no statement allows dynamodb:Query"
        )
        .as_str()
    );
}

#[test]
fn region_placeholders_need_a_function() {
    let named = IamRoleAllows { role: RoleRef::Named("ItemsRole".into()), ..allows() };
    assert!(named.validate().unwrap_err().contains("{region}"), "{:?}", named.validate());
    assert!(allows().validate().is_ok());
}

#[test]
fn least_privilege_names_what_is_beyond_the_grants() {
    let f = facts(trust("lambda.amazonaws.com"), vec![basic_execution(), reads_items()]);
    let verdict = least().evaluate(&f).unwrap();
    assert!(verdict.passed, "{}", verdict.message);

    let full = RolePolicy {
        name: "AmazonDynamoDBFullAccess".into(),
        arn: Some("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess".into()),
        document: json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}),
    };
    let f = facts(trust("lambda.amazonaws.com"), vec![basic_execution(), full]);
    assert_eq!(
        least().evaluate(&f).unwrap().message,
        "ItemsRole allows more than the lab lists (one grant too many): managed policy AmazonDynamoDBFullAccess allows dynamodb:* on *"
    );

    let star_resource = inline("Reads", json!([{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]));
    let f = facts(trust("lambda.amazonaws.com"), vec![star_resource]);
    assert_eq!(
        least().evaluate(&f).unwrap().message,
        "ItemsRole allows more than the lab lists (one grant too many): inline policy Reads allows dynamodb:GetItem on *"
    );

    let not_action = inline("Everything", json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]));
    let f = facts(trust("lambda.amazonaws.com"), vec![not_action]);
    assert!(
        least().evaluate(&f).unwrap().message.to_string().contains("allows everything but what its NotAction lists")
    );
}

#[test]
fn a_wildcard_is_covered_only_by_a_pattern_that_covers_it() {
    assert!(covers("dynamodb:get*", "dynamodb:getitem"));
    assert!(covers("dynamodb:get*", "dynamodb:get*"));
    assert!(!covers("dynamodb:getitem", "dynamodb:get*"));
    assert!(!covers("dynamodb:getite?", "dynamodb:getite*"));
    assert!(covers("*", "*"));
    assert!(!covers("arn:aws:dynamodb:us-east-1:1:table/Items", "arn:aws:dynamodb:us-east-1:1:table/*"));
    assert!(covers(
        "arn:aws:dynamodb:us-east-1:1:table/Items/index/*",
        "arn:aws:dynamodb:us-east-1:1:table/Items/index/*"
    ));
}

#[test]
fn unreadable_policies_are_errors() {
    let mut f = facts(trust("lambda.amazonaws.com"), vec![]);
    let denied = crate::facts::FactError::new(crate::facts::FactErrorKind::AccessDenied, "iam:ListRolePolicies", "no");
    f.iam.iam_role_policies.insert("ItemsRole".into(), Err(denied));
    assert!(allows().evaluate(&f).is_err());
    assert!(least().evaluate(&f).is_err());
}
