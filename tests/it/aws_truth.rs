//! What AWS answers and the emulators do not: each answer shape kept in `tests/fixtures/aws-shapes/` (citing its
//! source), replayed through the real SDK clients, graded, and the verdict held to what AWS would mean. One test per
//! wrong verdict found on real AWS; each failed before its fix.

use std::sync::Arc;

use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use labcheck::aws::{AwsSession, InvokeUrlTemplate};
use labcheck::facts::FactErrorKind;
use labcheck::inventory::{AwsInventory, FactSource};
use labcheck::model::Verdict;
use labcheck::providers::dynamodb;
use labcheck::providers::{Facts, Read};
use labcheck::validators::{self, Validator};

use crate::common::shapes::{answer, parts};
use crate::inventory_mocks::{OtherClients, mocked_at};

/// The mocked answers of each service for one session.
#[derive(Default)]
struct Answers {
    apigateway: Vec<Rule>,
    lambda: Vec<Rule>,
    dynamodb: Vec<Rule>,
    iam: Vec<Rule>,
    s3: Vec<Rule>,
    s3control: Vec<Rule>,
}

impl Answers {
    /// A session grading `region` over these answers, STS naming account 123456789012, probes sent to `invoke`.
    fn session(&self, region: &str, invoke: InvokeUrlTemplate) -> Arc<AwsSession> {
        fn refs(rules: &[Rule]) -> Vec<&Rule> {
            rules.iter().collect()
        }
        let others = OtherClients {
            dynamodb: mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, &refs(&self.dynamodb)),
            iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, &refs(&self.iam)),
            s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, &refs(&self.s3)),
            s3control: mock_client!(aws_sdk_s3control, RuleMode::MatchAny, &refs(&self.s3control)),
        };
        let apigateway = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, &refs(&self.apigateway));
        let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &refs(&self.lambda));
        let sts = mock!(aws_sdk_sts::Client::get_caller_identity).then_http_response(answer("sts-GetCallerIdentity"));
        let sts = mock_client!(aws_sdk_sts, RuleMode::MatchAny, &[&sts]);
        Arc::new(mocked_at(apigateway, lambda, others, region, invoke).with_sts(sts))
    }
}

/// Builds the check a lab entry names.
fn check(validator: &str, params: toml::Table) -> Box<dyn Validator> {
    validators::lookup(validator).unwrap().build(params.into()).unwrap()
}

/// Reads what `check` needs (one fresh round) and judges it.
async fn grade(session: &Arc<AwsSession>, check: &dyn Validator) -> Result<Verdict, labcheck::facts::FactError> {
    let reads = check.reads();
    let facts: Arc<Facts> = AwsInventory::new(session.clone(), &reads).collect(&reads).await;
    check.evaluate(&facts)
}

mod apigateway {
    use axum::http::{HeaderMap, StatusCode};

    use super::*;

    /// An answer shape as a deployed stage sends it.
    fn stage_answer(name: &str) -> (StatusCode, HeaderMap, String) {
        let (status, headers, body) = parts(name);
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(axum::http::HeaderName::try_from(name).unwrap(), value.parse().unwrap());
        }
        (StatusCode::from_u16(status).unwrap(), map, body)
    }

    /// A deployed stage as API Gateway runs it: 200 for the key of the usage plan bound to the stage, 403
    /// `{"message":"Forbidden"}` for any other key, both with API Gateway's request id.
    async fn stage(headers: HeaderMap) -> (StatusCode, HeaderMap, String) {
        let planned = "CORPUSSECRETplannedKEYvalue0123456789ab";
        match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
            Some(key) if key == planned => stage_answer("probe-200-items"),
            _ => stage_answer("probe-403-key-not-in-plan"),
        }
    }

    /// A deployed stage whose Lambda proxy integration gives an answer API Gateway cannot use: 502 "Internal
    /// server error", with API Gateway's request id, for every request.
    async fn failing_stage() -> (StatusCode, HeaderMap, String) {
        stage_answer("probe-502-malformed-lambda-answer")
    }

    /// A session over the Items API's answer shapes (its plan keys and keys from `plan_keys` and `keys`), probes
    /// sent to `stage` served on a port of its own.
    async fn session_with_stage<H, T>(stage: H, plan_keys: &'static str, keys: &'static str) -> Arc<AwsSession>
    where
        H: axum::handler::Handler<T, ()>,
        T: 'static,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(stage)).await });
        use aws_sdk_apigateway::Client;
        let answers = Answers {
            apigateway: vec![
                mock!(Client::get_rest_apis).then_http_response(answer("apigateway-GetRestApis")),
                mock!(Client::get_stages).then_http_response(answer("apigateway-GetStages")),
                mock!(Client::get_usage_plans).then_http_response(answer("apigateway-GetUsagePlans")),
                mock!(Client::get_usage_plan_keys).then_http_response(answer(plan_keys)),
                mock!(Client::get_api_keys).then_http_response(answer(keys)),
            ],
            ..Answers::default()
        };
        let invoke = InvokeUrlTemplate::parse(&format!("http://{address}/{{api_id}}/{{stage}}")).unwrap();
        answers.session("us-east-1", invoke)
    }

    fn authenticated(stages: &[&str]) -> Box<dyn Validator> {
        let mut params = toml::toml! { api = "ItemsAPI"
        requests = ["GET /items"]
        api_key = "LabKey" };
        params.insert("stages".into(), stages.iter().map(|s| toml::Value::from(*s)).collect::<Vec<_>>().into());
        check("authenticated_request_accepted", params)
    }

    /// Students retry: two enabled keys named LabKey, one in the plan bound to the stages, one in none. The probe
    /// carries the key `usage_plan_key_exists` judges, every time (before: the first by id, the stray one).
    #[tokio::test]
    async fn the_probe_carries_the_key_of_the_plan_bound_to_the_stage() {
        let keys = ("apigateway-GetUsagePlanKeys-retried", "apigateway-GetApiKeys-retried");
        let session = session_with_stage(stage, keys.0, keys.1).await;
        let check = authenticated(&["dev", "prod"]);
        for run in 1..=3 {
            let verdict = grade(&session, check.as_ref()).await.unwrap();
            assert!(verdict.passed, "run {run}: {}", verdict.message);
            assert!(!format!("{verdict:?}").contains("CORPUSSECRET"), "no key value in a verdict");
        }
    }

    /// The lab text wants the function's JSON: a key that is taken, behind an integration that fails, is not an
    /// API that works (before: any answer but 403 passed, and the shipped solved case answered 502 everywhere).
    #[tokio::test]
    async fn an_integration_that_fails_behind_a_taken_key_fails_naming_the_status_and_the_stage() {
        let session = session_with_stage(failing_stage, "apigateway-GetUsagePlanKeys", "apigateway-GetApiKeys").await;
        let verdict = grade(&session, authenticated(&["prod"]).as_ref()).await.unwrap();
        assert!(!verdict.passed, "{}", verdict.message);
        assert_eq!(
            verdict.message.to_string(),
            "with key LabKey, GET /items on prod answered 502 {\"message\":\"Internal server error\"}: the key was taken, but the integration behind the method failed"
        );
    }
}

mod lambda {
    use super::*;

    /// Lambda API reference, `EnvironmentResponse`: an environment encrypted with a key the grader may not use is
    /// `Environment.Error` and no `Variables`. Our permission, not the student's work: `error` (before: a fail,
    /// "has no environment variables").
    #[tokio::test]
    async fn an_environment_lambda_cannot_decrypt_for_the_grader_is_an_error() {
        use aws_sdk_apigateway::Client;
        use aws_sdk_lambda::Client as Lambda;
        let answers = Answers {
            apigateway: vec![
                mock!(Client::get_rest_apis).then_http_response(answer("apigateway-GetRestApis")),
                mock!(Client::get_resources).then_http_response(answer("apigateway-GetResources")),
            ],
            lambda: vec![
                mock!(Lambda::get_function_configuration)
                    .then_http_response(answer("lambda-GetFunctionConfiguration-kms-denied")),
            ],
            ..Answers::default()
        };
        let session = answers.session("us-east-1", InvokeUrlTemplate::default());
        let check = check(
            "lambda_environment_has",
            toml::toml! { api = "ItemsAPI"
            method = "GET /items"
            names = ["TABLE_NAME"] },
        );
        let error = grade(&session, check.as_ref()).await.unwrap_err();
        assert_eq!(error.kind, FactErrorKind::AccessDenied);
        assert!(error.message.contains("KMSAccessDeniedException"), "{}", error.message);
        assert!(error.message.contains("environment of ItemsFunction"), "{}", error.message);
    }
}

mod dynamodb_tables {
    use super::*;

    /// While a new table is CREATING, `DescribeTable` shows it and `ListTagsOfResource` answers
    /// `ResourceNotFoundException`. Retried, then `error` (before: "no such table", a fail).
    #[tokio::test]
    async fn tags_of_a_table_being_created_are_retried_then_an_error() {
        use aws_sdk_dynamodb::Client;
        let tags =
            mock!(Client::list_tags_of_resource).then_http_response(answer("dynamodb-ListTagsOfResource-creating"));
        let answers = Answers {
            dynamodb: vec![
                mock!(Client::describe_table).then_http_response(answer("dynamodb-DescribeTable-creating")),
                tags.clone(),
            ],
            ..Answers::default()
        };
        let session = answers.session("us-east-1", InvokeUrlTemplate::default());
        let read = Read::from(dynamodb::Read::Table { name: "Items".into(), part: dynamodb::Part::Tags });
        let facts = AwsInventory::new(session.clone(), std::slice::from_ref(&read)).collect(&[read]).await;
        let table = facts.dynamodb.table("Items").unwrap().unwrap();
        assert_eq!(table.status.as_deref(), Some("CREATING"));
        let error = facts.dynamodb.tags("Items").unwrap_err();
        assert_eq!(error.kind, FactErrorKind::Service);
        assert!(error.message.contains("status CREATING"), "{}", error.message);
        assert_eq!(tags.num_calls(), 4, "asked once and retried three times");
        // A lab author's tag check is `error`, never a fail.
        let check = check(
            "facts_query",
            toml::toml! { reads = ["dynamodb_tags:Items"]
            query = "dynamodb_tags.Items.lab"
            expect = "items"
            message = "the table is not tagged lab=items" },
        );
        assert!(grade(&session, check.as_ref()).await.is_err());
    }
}

mod dynamodb_statuses {
    use super::*;

    fn session(table: &'static str, ttl: &'static str) -> Arc<AwsSession> {
        use aws_sdk_dynamodb::Client;
        let answers = Answers {
            dynamodb: vec![
                mock!(Client::describe_table).then_http_response(answer(table)),
                mock!(Client::describe_time_to_live).then_http_response(answer(ttl)),
            ],
            ..Answers::default()
        };
        answers.session("us-east-1", InvokeUrlTemplate::default())
    }

    fn ttl_check() -> Box<dyn Validator> {
        check(
            "dynamodb_time_to_live",
            toml::toml! { table = "Items"
            attribute = "ttl" },
        )
    }

    /// `ENABLING` lasts up to an hour after the student turned time to live on: on. `DISABLING`: off.
    #[tokio::test]
    async fn time_to_live_being_enabled_is_on_and_being_disabled_is_off() {
        let enabling = session("dynamodb-DescribeTable-creating", "dynamodb-DescribeTimeToLive-enabling");
        let verdict = grade(&enabling, ttl_check().as_ref()).await.unwrap();
        assert!(verdict.passed, "{}", verdict.message);
        let disabling = session("dynamodb-DescribeTable-creating", "dynamodb-DescribeTimeToLive-disabling");
        assert!(!grade(&disabling, ttl_check().as_ref()).await.unwrap().passed);
    }

    /// A table being deleted still answers `DescribeTable` on AWS: it is not a table the lab can count (before: a
    /// pass). One being created is judged as it will be.
    #[tokio::test]
    async fn a_table_being_deleted_fails_and_one_being_created_is_judged() {
        let exists = check(
            "dynamodb_table_exists",
            toml::toml! { table = "Items"
            partition_key = "ID"
            partition_key_type = "S"
            billing_mode = "PAY_PER_REQUEST" },
        );
        let creating = session("dynamodb-DescribeTable-creating", "dynamodb-DescribeTimeToLive-enabling");
        assert!(grade(&creating, exists.as_ref()).await.unwrap().passed);
        let deleting = session("dynamodb-DescribeTable-deleting", "dynamodb-DescribeTimeToLive-disabling");
        let verdict = grade(&deleting, exists.as_ref()).await.unwrap();
        assert!(!verdict.passed);
        assert_eq!(
            verdict.message.to_string(),
            "table Items is DELETING: it is being deleted or archived, or its KMS key cannot be used"
        );
    }
}

mod iam {
    use super::*;

    fn answers() -> Answers {
        use aws_sdk_iam::Client;
        Answers {
            iam: vec![
                mock!(Client::get_role).then_http_response(answer("iam-GetRole-service-role-path")),
                mock!(Client::list_role_policies).then_http_response(answer("iam-ListRolePolicies")),
                mock!(Client::get_role_policy).then_http_response(answer("iam-GetRolePolicy-region-condition")),
                mock!(Client::list_attached_role_policies)
                    .then_http_response(answer("iam-ListAttachedRolePolicies-none")),
            ],
            ..Answers::default()
        }
    }

    /// A console-made execution role: a path in its ARN, URL-encoded documents whose `Statement` is one object,
    /// no managed policy, and an Allow conditioned on `aws:RequestedRegion`, which the grading knows for the
    /// request it judges (before: "condition ... not evaluated", a fail).
    #[tokio::test]
    async fn a_console_made_role_with_a_region_condition_is_judged() {
        let session = answers().session("us-east-1", InvokeUrlTemplate::default());
        let allows = check(
            "iam_role_allows",
            toml::toml! { role = "ItemsFunction-role"
            actions = ["dynamodb:GetItem", "dynamodb:Query"]
            resource = "arn:aws:dynamodb:us-east-1:123456789012:table/Items" },
        );
        let verdict = grade(&session, allows.as_ref()).await.unwrap();
        assert!(verdict.passed, "{}", verdict.message);
        assert_eq!(verdict.evidence["role_arn"], "arn:aws:iam::123456789012:role/service-role/ItemsFunction-role");
        let elsewhere = check(
            "iam_role_allows",
            toml::toml! { role = "ItemsFunction-role"
            actions = ["dynamodb:GetItem"]
            resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/Items" },
        );
        assert!(!grade(&session, elsewhere.as_ref()).await.unwrap().passed, "the condition is known to fail");
        let trusts = check(
            "iam_role_trusts_service",
            toml::toml! { role = "ItemsFunction-role"
            service = "lambda.amazonaws.com" },
        );
        assert!(grade(&session, trusts.as_ref()).await.unwrap().passed);
    }
}

mod s3 {
    use super::*;

    fn answers(account_block: &'static str) -> Answers {
        answers_with(account_block, "s3-GetBucketLifecycleConfiguration")
    }

    fn answers_with(account_block: &'static str, lifecycle: &'static str) -> Answers {
        use aws_sdk_s3::Client;
        Answers {
            s3: vec![
                mock!(Client::list_buckets).then_http_response(answer("s3-ListBuckets-regions")),
                mock!(Client::get_bucket_lifecycle_configuration).then_http_response(answer(lifecycle)),
                mock!(Client::get_bucket_policy).then_http_response(answer("s3-GetBucketPolicy-guard-rails")),
                mock!(Client::get_public_access_block)
                    .then_http_response(answer("s3-GetPublicAccessBlock-block-policy-only")),
                mock!(Client::get_bucket_website).then_http_response(answer("s3-GetBucketWebsite")),
                mock!(Client::get_bucket_versioning).then_http_response(answer("s3-GetBucketVersioning-redirect")),
            ],
            s3control: vec![
                mock!(aws_sdk_s3control::Client::get_public_access_block).then_http_response(answer(account_block)),
            ],
            ..Answers::default()
        }
    }

    fn public_read() -> Box<dyn Validator> {
        check(
            "s3_public_access",
            toml::toml! { bucket = "website-*"
            public_read = true },
        )
    }

    /// `BlockPublicPolicy` alone leaves the existing public policy working; a Deny on uploads and a `NotPrincipal`
    /// Deny on policy changes do not touch the read; `{"AWS": "*"}` is everyone (before: two false fails).
    #[tokio::test]
    async fn a_public_policy_with_guard_rails_under_block_public_policy_is_public() {
        let session = answers("s3control-GetPublicAccessBlock-none").session("eu-central-1", Default::default());
        let verdict = grade(&session, public_read().as_ref()).await.unwrap();
        assert!(verdict.passed, "{}", verdict.message);
        assert_eq!(verdict.evidence["bucket"], "website-ana", "website-old is in us-west-2: not this lab's");
    }

    /// The account's Block Public Access restricts public buckets: S3 ignores the bucket's public policy.
    #[tokio::test]
    async fn the_accounts_block_public_access_counts() {
        let session = answers("s3control-GetPublicAccessBlock-restricted").session("eu-central-1", Default::default());
        let verdict = grade(&session, public_read().as_ref()).await.unwrap();
        assert!(!verdict.passed);
        let message = verdict.message.to_string();
        assert!(message.starts_with("the account's public access block restricts public buckets"), "{message}");
    }

    /// S3's 301 for a bucket of another region names the region only in `x-amz-bucket-region`: `error`, naming it.
    #[tokio::test]
    async fn a_redirect_to_another_region_is_an_error_that_names_it() {
        let session = answers("s3control-GetPublicAccessBlock-none").session("eu-central-1", Default::default());
        let versioning = check("s3_versioning_enabled", toml::toml! { bucket = "website-*" });
        let error = grade(&session, versioning.as_ref()).await.unwrap_err();
        assert!(error.message.contains("PermanentRedirect"), "{}", error.message);
        assert!(error.message.contains("the bucket is in us-west-2"), "{}", error.message);
    }

    fn noncurrent_versions_expire() -> Box<dyn Validator> {
        check(
            "s3_noncurrent_versions_expire",
            toml::toml! { bucket = "website-*"
            within_days = 30 },
        )
    }

    /// A console-made rule for the whole bucket (an empty `Filter`) beside one limited by prefix and tag: the
    /// whole-bucket rule is found and judged.
    #[tokio::test]
    async fn a_lifecycle_rule_for_the_whole_bucket_is_read_from_an_empty_filter() {
        let session = answers("s3control-GetPublicAccessBlock-none").session("eu-central-1", Default::default());
        let verdict = grade(&session, noncurrent_versions_expire().as_ref()).await.unwrap();
        assert!(verdict.passed, "{}", verdict.message);
        assert_eq!(
            verdict.message.to_string(),
            "website-ana deletes noncurrent versions after 30 days (rule old-versions)"
        );
    }

    /// A bucket as AWS makes it has no lifecycle configuration (404): a fail that names it, not an error.
    #[tokio::test]
    async fn a_bucket_with_no_lifecycle_configuration_fails() {
        let answers = answers_with("s3control-GetPublicAccessBlock-none", "s3-GetBucketLifecycleConfiguration-none");
        let session = answers.session("eu-central-1", Default::default());
        let verdict = grade(&session, noncurrent_versions_expire().as_ref()).await.unwrap();
        assert_eq!(verdict.message.to_string(), "website-ana has no lifecycle rule");
    }
}
