//! The DynamoDB and S3 labs as lab QA grades them, live on the emulators: a fresh account scores 0%, a solved one
//! 100%, and each check fails in at least one broken state with a message that names the fault. Each state is a
//! regression case of its lab (`checks/LAB/cases/NAME.expected.toml`: statuses and the words its messages must
//! say); `LABCHECK_BLESS_CASES=1` also writes the state's snapshot beside it (`NAME.json`), which `labcheck test
//! checks` grades offline.

use std::path::PathBuf;

use aws_sdk_dynamodb::types::ScalarAttributeType;
use aws_sdk_s3::types::BucketVersioningStatus;
use serde_json::json;

use crate::common::labs::{BASIC_EXECUTION, DynamoLab, RoleSpec, SiteLab, TableSpec};
use crate::common::{Account, Graded, repo_path};

/// Grades the whole lab on the account and holds the result to the case's expectations.
pub(crate) fn case(lab: &str, name: &str, account: &Account) -> Graded {
    let dir = repo_path(&format!("checks/{lab}"));
    let cases = dir.join("cases");
    let keep: Option<PathBuf> = std::env::var_os("LABCHECK_BLESS_CASES").map(|_| cases.join(format!("{name}.json")));
    let graded = account.grade_lab_keeping(&dir.join("lab.toml"), &[], keep.as_deref());
    let path = cases.join(format!("{name}.expected.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expected: toml::Table = toml::from_str(&text).unwrap();
    let statuses: Vec<(String, String)> = expected["expect"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(id, s)| (id.clone(), s.as_str().unwrap().to_owned()))
        .collect();
    let got: Vec<(String, String)> = {
        let mut got: Vec<_> =
            graded.report.checks.iter().map(|c| (c.id.clone(), c.status.as_str().to_owned())).collect();
        got.sort();
        got
    };
    assert_eq!(got, statuses, "{lab}/{name}: {:#?}", graded.verdicts());
    if let Some(messages) = expected.get("messages").and_then(|m| m.as_table()) {
        for (id, words) in messages {
            let message = graded.message(id);
            assert!(message.contains(words.as_str().unwrap()), "{lab}/{name}: {id}: {message}");
        }
    }
    graded
}

fn assert_score(graded: &Graded, percent: u32) {
    let report = &graded.report;
    assert_eq!(report.score * 100 / report.max_score, percent, "{:#?}", graded.verdicts());
}

#[tokio::test]
async fn dynamodb_lab_fresh_account_scores_nothing() {
    let account = Account::with_lambda();
    DynamoLab::fresh().build(&account).await;
    let graded = case("dynamodb-items", "fresh", &account);
    assert_score(&graded, 0);
    assert_eq!(graded.code, 1);
}

#[tokio::test]
async fn dynamodb_lab_solved_scores_everything_and_never_shows_variable_values() {
    let account = Account::with_lambda();
    DynamoLab::solved().build(&account).await;
    let graded = case("dynamodb-items", "solved", &account);
    assert_score(&graded, 100);
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
    let evidence = &graded.check("table-name-variable").evidence;
    assert_eq!(evidence["environment_names"], json!(["TABLE_NAME"]));
    assert!(!graded.output.stdout.contains("secret-value-never-read"), "a variable's value is never read");
    // One read of each collection: the function's configuration serves the role checks and the variable check.
    let calls = &graded.report.stats.api_calls;
    assert_eq!(calls.get("lambda:GetFunctionConfiguration"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("iam:GetRole"), Some(&1), "{calls:?}");
    // apigateway 2, lambda 1, dynamodb 1, iam 6 (the role, two listings, a managed policy and its version, the
    // inline policy), sts 1.
    assert_eq!(graded.report.stats.api_calls_total, 11, "{calls:?}");
    // The REST API list; its resources; the function the integration names; its role (with the role's policy
    // listings); the managed policy and the inline one; the managed policy's default version.
    assert_eq!(graded.report.stats.round_trips, 6, "{:?}", graded.report.stats);
}

/// Another right answer: the role as the Lambda console makes it (under /service-role/, with its own logs policy
/// for the function's log group instead of AWS's managed one). Every check passes.
#[tokio::test]
async fn dynamodb_lab_solved_by_a_console_made_role() {
    let account = Account::with_lambda();
    let solved = DynamoLab::solved();
    let role = RoleSpec { attached: vec![], console_made: true, ..solved.role.clone().unwrap() };
    DynamoLab { role: Some(role), ..solved }.build(&account).await;
    let graded = case("dynamodb-items", "solved-console-role", &account);
    assert_score(&graded, 100);
}

#[tokio::test]
async fn dynamodb_lab_broad_role_wrong_key_and_misnamed_variable() {
    let account = Account::with_lambda();
    let solved = DynamoLab::solved();
    let lab = DynamoLab {
        open_methods: vec!["/items/{ID}"],
        table: Some(TableSpec { key: "Id", key_type: ScalarAttributeType::S, on_demand: false }),
        role: Some(RoleSpec {
            inline: json!([{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]),
            ..solved.role.clone().unwrap()
        }),
        environment: vec!["TABLE"],
        ..solved
    };
    lab.build(&account).await;
    case("dynamodb-items", "broad-role", &account);
}

#[tokio::test]
async fn dynamodb_lab_role_lambda_cannot_assume() {
    let account = Account::with_lambda();
    let solved = DynamoLab::solved();
    let lab =
        DynamoLab { role: Some(RoleSpec { trusted: "ec2.amazonaws.com", ..solved.role.clone().unwrap() }), ..solved };
    lab.build(&account).await;
    case("dynamodb-items", "role-for-ec2", &account);
}

#[tokio::test]
async fn dynamodb_lab_role_that_reads_one_item_only() {
    let account = Account::with_lambda();
    let solved = DynamoLab::solved();
    let lab = DynamoLab {
        role: Some(RoleSpec {
            inline: json!([{"Effect": "Allow", "Action": "dynamodb:GetItem",
                "Resource": "arn:aws:dynamodb:{region}:123456789012:table/Items"}]),
            attached: vec![BASIC_EXECUTION],
            ..solved.role.clone().unwrap()
        }),
        ..solved
    };
    lab.build(&account).await;
    case("dynamodb-items", "get-item-only", &account);
}

#[tokio::test]
async fn s3_lab_fresh_account_scores_nothing() {
    let account = Account::site();
    SiteLab::fresh().build(&account).await;
    let graded = case("s3-website", "fresh", &account);
    assert_score(&graded, 0);
}

/// A bucket as AWS makes it (SSE-S3 default encryption, Block Public Access on, no lifecycle rule, nothing else)
/// earns the point for making it and nothing more: the lab's old `default-encryption` step passed here for nothing.
#[tokio::test]
async fn s3_lab_a_bucket_as_aws_makes_it_earns_only_its_making() {
    let account = Account::site();
    SiteLab { prefix: Some("website-"), ..SiteLab::fresh() }.build(&account).await;
    let graded = account.grade_lab(&repo_path("checks/s3-website/lab.toml"), &[]);
    let passed: Vec<&str> =
        graded.report.checks.iter().filter(|c| c.status.as_str() == "pass").map(|c| c.id.as_str()).collect();
    assert_eq!(passed, ["bucket-created"], "{:#?}", graded.verdicts());
    assert_eq!(graded.report.score, 1);
}

#[tokio::test]
async fn s3_lab_solved_scores_everything_and_the_website_answers() {
    let account = Account::site();
    let bucket = SiteLab::solved().build(&account).await.unwrap();
    let graded = case("s3-website", "solved", &account);
    assert_score(&graded, 100);
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
    let evidence = &graded.check("website-serves-index").evidence;
    assert_eq!(evidence["url"], format!("http://{bucket}.s3-website.eu-central-1.amazonaws.com/"));
    assert_eq!(graded.report.stats.probes, 1);
    assert_eq!(graded.report.stats.api_calls.get("s3:ListBuckets"), Some(&1));
    // ListBuckets, six reads of the bucket, the account's public access block, sts (once, for it and the report).
    assert_eq!(graded.report.stats.api_calls_total, 9, "{:?}", graded.report.stats);
    // The bucket list (beside the account's block and the account id); then every read of the bucket and the probe.
    assert_eq!(graded.report.stats.round_trips, 2, "{:?}", graded.report.stats);
    assert_eq!(graded.report.stats.api_calls.get("sts:GetCallerIdentity"), Some(&1));
}

#[tokio::test]
async fn s3_lab_suspended_versioning_sse_kms_wrong_error_page_and_public_writes() {
    let account = Account::site();
    let lab = SiteLab {
        versioning: Some(BucketVersioningStatus::Suspended),
        kms: true,
        website: Some(("index.html", "404.html")),
        public_actions: Some(vec!["s3:GetObject", "s3:PutObject"]),
        ..SiteLab::solved()
    };
    lab.build(&account).await;
    case("s3-website", "misconfigured", &account);
}

#[tokio::test]
async fn s3_lab_page_uploaded_into_a_folder_and_old_versions_expired_there_only() {
    let account = Account::site();
    let lab =
        SiteLab { index_key: Some("site/index.html"), noncurrent_expiry: Some((30, "site/")), ..SiteLab::solved() };
    lab.build(&account).await;
    case("s3-website", "page-in-folder", &account);
}

#[tokio::test]
async fn s3_lab_bucket_with_another_name() {
    let account = Account::site();
    SiteLab { prefix: Some("site-"), ..SiteLab::solved() }.build(&account).await;
    case("s3-website", "other-name", &account);
}

/// Students retry: versioning on one bucket, the site on another. Every check judges the same bucket (the one that
/// hosts the website), so the two halves never add up to 100%.
#[tokio::test]
async fn s3_lab_settings_split_over_two_buckets() {
    let account = Account::site();
    let versioned = SiteLab { prefix: Some("website-a-"), ..SiteLab::fresh() };
    let versioned = SiteLab { versioning: Some(BucketVersioningStatus::Enabled), ..versioned };
    versioned.build(&account).await;
    let site = SiteLab { prefix: Some("website-b-"), versioning: None, ..SiteLab::solved() };
    let bucket = site.build(&account).await.unwrap();
    let graded = case("s3-website", "split-buckets", &account);
    assert!(graded.report.score < graded.report.max_score);
    // Every check judged (a skipped one judged nothing) judged the bucket that hosts the site.
    for check in graded.report.checks.iter().filter(|c| c.status.as_str() != "skip") {
        assert_eq!(check.evidence["bucket"], bucket.as_str(), "{}: {}", check.id, check.message);
    }
}

/// The account-wide Block Public Access restricts public buckets: the bucket's public policy gives no one access,
/// whatever the bucket's own block says. (LocalStack's website endpoint still serves the page; AWS answers 403.)
#[tokio::test]
async fn s3_lab_account_restricts_public_buckets() {
    let account = Account::site();
    SiteLab::solved().build(&account).await;
    let block =
        aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder().restrict_public_buckets(true).build();
    let control = account.s3control();
    control
        .put_public_access_block()
        .account_id(&account.id)
        .public_access_block_configuration(block)
        .send()
        .await
        .unwrap();
    let graded = account.grade_lab(&repo_path("checks/s3-website/lab.toml"), &[]);
    assert_eq!(graded.status("public-read-policy"), "fail");
    let message = graded.message("public-read-policy");
    assert!(message.starts_with("the account's public access block restricts public buckets"), "{message}");
}
