//! DynamoDB, IAM and S3 reads where the emulators cannot show them: several pages, access denied, throttling,
//! malformed documents, and what AWS leaves out. Real SDK clients, answers from `aws-smithy-mocks`.

use std::sync::Arc;

use aws_sdk_dynamodb::operation::describe_table::DescribeTableOutput;
use aws_sdk_dynamodb::operation::list_tables::ListTablesOutput;
use aws_sdk_dynamodb::operation::list_tags_of_resource::ListTagsOfResourceOutput;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, ScalarAttributeType, TableDescription, Tag,
};
use aws_sdk_iam::operation::get_policy::GetPolicyOutput;
use aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput;
use aws_sdk_iam::operation::get_role::GetRoleOutput;
use aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput;
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::types::{AttachedPolicy, Policy, PolicyVersion, Role};
use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
use aws_sdk_s3::types::Bucket;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use labcheck::facts::FactErrorKind;
use labcheck::inventory::{AwsInventory, FactSource};
use labcheck::providers::{Facts, Read};
use labcheck::providers::{dynamodb, iam, s3};

use crate::inventory_mocks::{OtherClients, mocked_with};

fn session(dynamodb: &[&Rule], iam: &[&Rule], s3: &[&Rule]) -> Arc<labcheck::aws::AwsSession> {
    let others = OtherClients {
        dynamodb: mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, dynamodb),
        iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, iam),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, s3),
        s3control: mock_client!(aws_sdk_s3control, RuleMode::MatchAny, &[]),
    };
    let apigateway = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, &[]);
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &[]);
    Arc::new(mocked_with(apigateway, lambda, others))
}

async fn collect(session: &Arc<labcheck::aws::AwsSession>, needs: &[Read]) -> Facts {
    Arc::unwrap_or_clone(AwsInventory::new(session.clone(), needs).collect(needs).await)
}

/// A JSON-protocol error answer (DynamoDB).
fn json_error(status: u16, code: &str) -> HttpResponse {
    let body = format!("{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{code}\",\"message\":\"{code}\"}}");
    let mut response = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
    response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
    response
}

/// A query-protocol error answer (IAM).
fn query_error(status: u16, code: &str) -> HttpResponse {
    let body = format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

/// A REST-XML error answer (S3).
fn s3_error(status: u16, code: &str) -> HttpResponse {
    let body = format!("<Error><Code>{code}</Code><Message>{code}</Message><RequestId>r</RequestId></Error>");
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

fn items_table() -> TableDescription {
    TableDescription::builder()
        .table_name("Items")
        .table_arn("arn:aws:dynamodb:us-east-1:123456789012:table/Items")
        .key_schema(KeySchemaElement::builder().attribute_name("ID").key_type(KeyType::Hash).build().unwrap())
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("ID").attribute_type(ScalarAttributeType::S).build().unwrap(),
        )
        .build()
}

#[tokio::test]
async fn dynamodb_tables_and_tags_are_read_over_every_page() {
    let names1 = mock!(aws_sdk_dynamodb::Client::list_tables)
        .match_requests(|r| r.exclusive_start_table_name().is_none())
        .then_output(|| ListTablesOutput::builder().table_names("A").last_evaluated_table_name("A").build());
    let names2 = mock!(aws_sdk_dynamodb::Client::list_tables)
        .match_requests(|r| r.exclusive_start_table_name() == Some("A"))
        .then_output(|| ListTablesOutput::builder().table_names("Items").build());
    let describe = mock!(aws_sdk_dynamodb::Client::describe_table)
        .then_output(|| DescribeTableOutput::builder().table(items_table()).build());
    let tags1 = mock!(aws_sdk_dynamodb::Client::list_tags_of_resource)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            let tag = Tag::builder().key("lab").value("items").build().unwrap();
            ListTagsOfResourceOutput::builder().tags(tag).next_token("t2").build()
        });
    let tags2 = mock!(aws_sdk_dynamodb::Client::list_tags_of_resource)
        .match_requests(|r| r.next_token() == Some("t2"))
        .then_output(|| {
            let tag = Tag::builder().key("owner").value("ana").build().unwrap();
            ListTagsOfResourceOutput::builder().tags(tag).build()
        });
    let session = session(&[&names1, &names2, &describe, &tags1, &tags2], &[], &[]);
    let tags = Read::from(dynamodb::Read::Table { name: "Items".into(), part: dynamodb::Part::Tags });
    let facts = collect(&session, &[Read::from(dynamodb::Read::TableNames), tags]).await;
    assert_eq!(facts.dynamodb.table_names().unwrap(), ["A", "Items"]);
    let table = facts.dynamodb.table("Items").unwrap().unwrap();
    // AWS leaves out the billing summary of tables created provisioned before it existed.
    assert_eq!(table.billing_mode, "PROVISIONED");
    assert_eq!(table.attribute_types["ID"], "S");
    let tags = facts.dynamodb.tags("Items").unwrap().unwrap();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_eq!(session.stats().snapshot(1).api_calls.get("dynamodb:DescribeTable"), Some(&1));
}

#[tokio::test]
async fn a_missing_table_is_a_fact_and_a_denied_one_an_error() {
    let missing = mock!(aws_sdk_dynamodb::Client::describe_table)
        .match_requests(|r| r.table_name() == Some("Items"))
        .then_http_response(|| json_error(400, "ResourceNotFoundException"));
    let denied = mock!(aws_sdk_dynamodb::Client::describe_table)
        .match_requests(|r| r.table_name() == Some("Secret"))
        .then_http_response(|| json_error(400, "AccessDeniedException"));
    let session = session(&[&missing, &denied], &[], &[]);
    let read = |name: &str| Read::from(dynamodb::Read::Table { name: name.into(), part: dynamodb::Part::Description });
    let facts = collect(&session, &[read("Items"), read("Secret")]).await;
    assert_eq!(facts.dynamodb.table("Items").unwrap(), None);
    assert_eq!(facts.dynamodb.table("Secret").unwrap_err().kind, FactErrorKind::AccessDenied);
}

fn role() -> Role {
    let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    Role::builder()
        .role_name("ItemsRole")
        .arn("arn:aws:iam::123456789012:role/ItemsRole")
        .path("/")
        .role_id("AROA")
        .create_date(aws_smithy_types::DateTime::from_secs(0))
        .assume_role_policy_document(trust)
        .build()
        .unwrap()
}

#[tokio::test]
async fn iam_policies_are_read_over_every_page_and_decoded() {
    let get_role = mock!(aws_sdk_iam::Client::get_role).then_output(|| GetRoleOutput::builder().role(role()).build());
    let attached1 = mock!(aws_sdk_iam::Client::list_attached_role_policies)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            let p = AttachedPolicy::builder()
                .policy_name("AWSLambdaBasicExecutionRole")
                .policy_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
                .build();
            ListAttachedRolePoliciesOutput::builder().attached_policies(p).is_truncated(true).marker("m2").build()
        });
    let attached2 = mock!(aws_sdk_iam::Client::list_attached_role_policies)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| {
            let p = AttachedPolicy::builder()
                .policy_name("Reads")
                .policy_arn("arn:aws:iam::123456789012:policy/Reads")
                .build();
            ListAttachedRolePoliciesOutput::builder().attached_policies(p).is_truncated(false).build()
        });
    let get_policy = mock!(aws_sdk_iam::Client::get_policy)
        .then_output(|| GetPolicyOutput::builder().policy(Policy::builder().default_version_id("v3").build()).build());
    let version = mock!(aws_sdk_iam::Client::get_policy_version)
        .match_requests(|r| r.version_id() == Some("v3"))
        .then_output(|| {
            let document = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22logs%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
            GetPolicyVersionOutput::builder().policy_version(PolicyVersion::builder().document(document).build()).build()
        });
    let inline_names = mock!(aws_sdk_iam::Client::list_role_policies).then_output(|| {
        ListRolePoliciesOutput::builder().policy_names("ReadItems").is_truncated(false).build().unwrap()
    });
    let inline = mock!(aws_sdk_iam::Client::get_role_policy).then_output(|| {
        GetRolePolicyOutput::builder()
            .role_name("ItemsRole")
            .policy_name("ReadItems")
            .policy_document(r#"{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}"#)
            .build()
            .unwrap()
    });
    let session =
        session(&[], &[&get_role, &attached1, &attached2, &get_policy, &version, &inline_names, &inline], &[]);
    let read = Read::from(iam::Read::Role { name: "ItemsRole".into(), part: iam::Part::Permissions });
    let facts = collect(&session, &[read]).await;
    let role = facts.iam.role("ItemsRole").unwrap().unwrap();
    assert_eq!(role.trust_policy["Statement"][0]["Principal"]["Service"], "lambda.amazonaws.com");
    let policies = facts.iam.role_policies("ItemsRole").unwrap().unwrap();
    let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["AWSLambdaBasicExecutionRole", "Reads", "ReadItems"]);
    assert_eq!(policies[0].document["Statement"][0]["Action"], "logs:*");
    assert_eq!(session.stats().snapshot(1).api_calls.get("iam:ListAttachedRolePolicies"), Some(&2));
}

#[tokio::test]
async fn a_missing_role_is_a_fact_and_a_denied_listing_an_error() {
    let missing = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() == Some("Gone"))
        .then_http_response(|| query_error(404, "NoSuchEntity"));
    let found = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() == Some("ItemsRole"))
        .then_output(|| GetRoleOutput::builder().role(role()).build());
    let denied =
        mock!(aws_sdk_iam::Client::list_attached_role_policies).then_http_response(|| query_error(403, "AccessDenied"));
    let inline_names = mock!(aws_sdk_iam::Client::list_role_policies)
        .then_output(|| ListRolePoliciesOutput::builder().set_policy_names(Some(vec![])).build().unwrap());
    let session = session(&[], &[&missing, &found, &denied, &inline_names], &[]);
    let read = |name: &str| Read::from(iam::Read::Role { name: name.into(), part: iam::Part::Permissions });
    let facts = collect(&session, &[read("Gone"), read("ItemsRole")]).await;
    assert_eq!(facts.iam.role("Gone").unwrap(), None);
    assert_eq!(facts.iam.role_policies("Gone").unwrap(), None);
    assert_eq!(facts.iam.role_policies("ItemsRole").unwrap_err().kind, FactErrorKind::AccessDenied);
}

fn bucket(name: &str, region: &str) -> Bucket {
    Bucket::builder().name(name).bucket_region(region).build()
}

#[tokio::test]
async fn s3_buckets_of_other_regions_are_left_out_and_every_page_read() {
    let page1 = mock!(aws_sdk_s3::Client::list_buckets)
        .match_requests(|r| r.continuation_token().is_none() && r.bucket_region() == Some("us-east-1"))
        .then_output(|| {
            ListBucketsOutput::builder()
                .buckets(bucket("website-1", "us-east-1"))
                .buckets(bucket("website-eu", "eu-west-1"))
                .continuation_token("c2")
                .build()
        });
    let page2 = mock!(aws_sdk_s3::Client::list_buckets)
        .match_requests(|r| r.continuation_token() == Some("c2"))
        .then_output(|| ListBucketsOutput::builder().buckets(bucket("logs", "us-east-1")).build());
    let versioning = mock!(aws_sdk_s3::Client::get_bucket_versioning)
        .match_requests(|r| r.bucket() == Some("website-1"))
        .then_output(|| aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput::builder().build());
    let session = session(&[], &[], &[&page1, &page2, &versioning]);
    let read = Read::from(s3::Read::Bucket { bucket: "website-*".into(), part: s3::Part::Versioning });
    let facts = collect(&session, &[read]).await;
    let names: Vec<&str> = facts.s3.buckets().unwrap().iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["website-1", "logs"]);
    // Never enabled: GetBucketVersioning has no Status at all.
    assert_eq!(facts.s3.versioning("website-1").unwrap(), "Off");
    assert!(!facts.s3.s3_versioning.contains_key("website-eu"), "a bucket of another region is not read");
}

#[tokio::test]
async fn s3_slow_down_is_throttling_and_a_malformed_policy_document_an_error() {
    let list = mock!(aws_sdk_s3::Client::list_buckets)
        .then_output(|| ListBucketsOutput::builder().buckets(bucket("site", "us-east-1")).build());
    let slow = mock!(aws_sdk_s3::Client::get_bucket_versioning)
        .sequence()
        .http_response(|| s3_error(503, "SlowDown"))
        .repeatedly()
        .build();
    let get_role = mock!(aws_sdk_iam::Client::get_role).then_output(|| {
        let mut role = role();
        role.assume_role_policy_document = Some("%7Bnot json".into());
        GetRoleOutput::builder().role(role).build()
    });
    let session = session(&[], &[&get_role], &[&list, &slow]);
    let versioning = Read::from(s3::Read::Bucket { bucket: "site".into(), part: s3::Part::Versioning });
    let trust = Read::from(iam::Read::Role { name: "ItemsRole".into(), part: iam::Part::Trust });
    let facts = collect(&session, &[versioning, trust]).await;
    assert_eq!(facts.s3.versioning("site").unwrap_err().kind, FactErrorKind::Throttled);
    let err = facts.iam.role("ItemsRole").unwrap_err();
    assert_eq!(err.kind, FactErrorKind::Malformed);
    assert!(err.message.contains("not JSON"), "{}", err.message);
}

#[tokio::test]
async fn s3_settings_that_are_absent_are_facts_and_denials_errors() {
    let list = mock!(aws_sdk_s3::Client::list_buckets)
        .then_output(|| ListBucketsOutput::builder().buckets(bucket("site", "us-east-1")).build());
    let no_policy =
        mock!(aws_sdk_s3::Client::get_bucket_policy).then_http_response(|| s3_error(404, "NoSuchBucketPolicy"));
    let no_website = mock!(aws_sdk_s3::Client::get_bucket_website)
        .then_http_response(|| s3_error(404, "NoSuchWebsiteConfiguration"));
    let no_block = mock!(aws_sdk_s3::Client::get_public_access_block)
        .then_http_response(|| s3_error(404, "NoSuchPublicAccessBlockConfiguration"));
    let denied = mock!(aws_sdk_s3::Client::get_bucket_encryption).then_http_response(|| s3_error(403, "AccessDenied"));
    let session = session(&[], &[], &[&list, &no_policy, &no_website, &no_block, &denied]);
    let read = |part| Read::from(s3::Read::Bucket { bucket: "site".into(), part });
    let needs = [
        read(s3::Part::Policy),
        read(s3::Part::Website),
        read(s3::Part::PublicAccessBlock),
        read(s3::Part::Encryption),
    ];
    let facts = collect(&session, &needs).await;
    assert_eq!(facts.s3.policy("site").unwrap(), None);
    assert_eq!(facts.s3.website("site").unwrap(), None);
    assert_eq!(*facts.s3.public_access_block("site").unwrap(), s3::PublicAccessBlock::default());
    assert_eq!(facts.s3.encryption("site").unwrap_err().kind, FactErrorKind::AccessDenied);
    assert_eq!(session.stats().snapshot(1).api_calls.get("s3:ListBuckets"), Some(&1), "the bucket list is read once");
}
