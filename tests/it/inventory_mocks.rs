//! What the emulators cannot show: multi-page collections, access denied and throttling. The real inventory
//! runs over a real SDK client whose HTTP answers come from `aws-smithy-mocks`.

use std::sync::Arc;

use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::config::retry::RetryConfig;
use aws_sdk_apigateway::operation::get_api_keys::GetApiKeysOutput;
use aws_sdk_apigateway::operation::get_resources::GetResourcesOutput;
use aws_sdk_apigateway::operation::get_rest_apis::GetRestApisOutput;
use aws_sdk_apigateway::operation::get_usage_plan_keys::GetUsagePlanKeysOutput;
use aws_sdk_apigateway::operation::get_usage_plans::GetUsagePlansOutput;
use aws_sdk_apigateway::types::{ApiKey, Method, Resource, RestApi, UsagePlan, UsagePlanKey};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use labcheck::aws::{AwsSession, InvokeUrlTemplate};
use labcheck::facts::FactErrorKind;
use labcheck::inventory::{AwsInventory, FactSource};
use labcheck::providers::{Facts, Read};
use labcheck::providers::{apigateway, dynamodb, iam, lambda, probes, s3};
use labcheck::validators::{self, Validator};

fn client(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, rules, |c| c.retry_config(
        RetryConfig::standard().with_max_attempts(3).with_initial_backoff(std::time::Duration::from_millis(1))
    ))
}

fn lambda_client(rules: &[&Rule]) -> aws_sdk_lambda::Client {
    mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules)
}

/// A session over mocked API Gateway and Lambda clients (probes go nowhere; the other services answer nothing).
fn mocked(apigateway: Client, lambda: aws_sdk_lambda::Client) -> AwsSession {
    let others = OtherClients {
        dynamodb: mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, &[]),
        iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[]),
        s3: mock_client!(aws_sdk_s3, RuleMode::MatchAny, &[]),
        s3control: mock_client!(aws_sdk_s3control, RuleMode::MatchAny, &[]),
    };
    mocked_with(apigateway, lambda, others)
}

/// Mocked clients of the services beyond API Gateway and Lambda.
pub(crate) struct OtherClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
}

/// A session over these mocked clients.
pub(crate) fn mocked_with(apigateway: Client, lambda: aws_sdk_lambda::Client, others: OtherClients) -> AwsSession {
    mocked_at(apigateway, lambda, others, "us-east-1", InvokeUrlTemplate::default())
}

/// A session over these mocked clients, grading `region`, its probes sent to `invoke`.
pub(crate) fn mocked_at(
    apigateway: Client,
    lambda: aws_sdk_lambda::Client,
    others: OtherClients,
    region: &str,
    invoke: InvokeUrlTemplate,
) -> AwsSession {
    let website = s3::WebsiteClient::new(std::time::Duration::from_secs(1));
    let s3 = s3::Client { sdk: others.s3, control: others.s3control, website };
    AwsSession::for_clients(region, invoke)
        .with_client::<apigateway::ApiGateway>(apigateway)
        .with_client::<lambda::Lambda>(lambda)
        .with_client::<probes::Probes>(reqwest::Client::new())
        .with_client::<dynamodb::DynamoDb>(others.dynamodb)
        .with_client::<iam::Iam>(others.iam)
        .with_client::<s3::S3>(s3)
}

fn session(rules: &[&Rule]) -> Arc<AwsSession> {
    Arc::new(mocked(client(rules), lambda_client(&[])))
}

async fn collect(session: &Arc<AwsSession>, needs: &[Read]) -> Facts {
    Arc::unwrap_or_clone(AwsInventory::new(session.clone(), needs).collect(needs).await)
}

fn api(id: &str, name: &str) -> RestApi {
    RestApi::builder().id(id).name(name).build()
}

/// An error answer as API Gateway sends it: status, `x-amzn-ErrorType`, JSON message.
fn aws_error(status: u16, code: &'static str, message: &'static str) -> HttpResponse {
    let mut response = HttpResponse::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(format!("{{\"message\":\"{message}\"}}")),
    );
    response.headers_mut().insert("x-amzn-ErrorType", code);
    response.headers_mut().insert("content-type", "application/json");
    response
}

#[tokio::test]
async fn every_page_of_every_collection_is_read() {
    let apis_page1 = mock!(Client::get_rest_apis)
        .match_requests(|r| r.position().is_none())
        .then_output(|| GetRestApisOutput::builder().items(api("a1", "Other")).position("p2").build());
    let apis_page2 = mock!(Client::get_rest_apis)
        .match_requests(|r| r.position() == Some("p2"))
        .then_output(|| GetRestApisOutput::builder().items(api("a2", "ItemsAPI")).build());
    let resources_page1 = mock!(Client::get_resources)
        .match_requests(|r| r.rest_api_id() == Some("a2") && r.position().is_none())
        .then_output(|| {
            let resource = Resource::builder()
                .id("r1")
                .path("/items")
                .resource_methods("GET", Method::builder().http_method("GET").api_key_required(true).build());
            GetResourcesOutput::builder().items(resource.build()).position("next").build()
        });
    let resources_page2 = mock!(Client::get_resources)
        .match_requests(|r| r.rest_api_id() == Some("a2") && r.position() == Some("next"))
        .then_output(|| {
            let resource = Resource::builder()
                .id("r2")
                .path("/items/{ID}")
                .resource_methods("GET", Method::builder().http_method("GET").api_key_required(false).build());
            GetResourcesOutput::builder().items(resource.build()).build()
        });
    let plans_page1 = mock!(Client::get_usage_plans).match_requests(|r| r.position().is_none()).then_output(|| {
        GetUsagePlansOutput::builder().items(UsagePlan::builder().id("p1").name("Other").build()).position("x").build()
    });
    let plans_page2 = mock!(Client::get_usage_plans).match_requests(|r| r.position() == Some("x")).then_output(|| {
        GetUsagePlansOutput::builder().items(UsagePlan::builder().id("p2").name("CloudAcademyPlan").build()).build()
    });
    let plan_keys_page1 = mock!(Client::get_usage_plan_keys)
        .match_requests(|r| r.usage_plan_id() == Some("p2") && r.position().is_none())
        .then_output(|| {
            let key = UsagePlanKey::builder().id("k0").name("Old").value("secret-0").build();
            GetUsagePlanKeysOutput::builder().items(key).position("y").build()
        });
    let plan_keys_page2 = mock!(Client::get_usage_plan_keys)
        .match_requests(|r| r.usage_plan_id() == Some("p2") && r.position() == Some("y"))
        .then_output(|| {
            let key = UsagePlanKey::builder().id("k1").name("LabKey").value("secret-1").build();
            GetUsagePlanKeysOutput::builder().items(key).build()
        });
    let keys_page1 = mock!(Client::get_api_keys).match_requests(|r| r.position().is_none()).then_output(|| {
        GetApiKeysOutput::builder()
            .items(ApiKey::builder().id("k0").name("Old").enabled(true).build())
            .position("z")
            .build()
    });
    let keys_page2 = mock!(Client::get_api_keys).match_requests(|r| r.position() == Some("z")).then_output(|| {
        GetApiKeysOutput::builder().items(ApiKey::builder().id("k1").name("LabKey").enabled(true).build()).build()
    });
    let session = session(&[
        &apis_page1,
        &apis_page2,
        &resources_page1,
        &resources_page2,
        &plans_page1,
        &plans_page2,
        &plan_keys_page1,
        &plan_keys_page2,
        &keys_page1,
        &keys_page2,
    ]);

    let needs = [
        Read::from(apigateway::Read::RestApis),
        Read::from(apigateway::Read::Resources { api: "ItemsAPI".into() }),
        Read::from(apigateway::Read::UsagePlans),
        Read::from(apigateway::Read::UsagePlanKeys { plan: "CloudAcademyPlan".into() }),
        Read::from(apigateway::Read::ApiKeys),
    ];
    let facts = collect(&session, &needs).await;
    assert_eq!(facts.apigateway.rest_apis().unwrap().len(), 2);
    let paths: Vec<&str> = facts.apigateway.resources("a2").unwrap().iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/items", "/items/{ID}"]);
    assert_eq!(facts.apigateway.usage_plans().unwrap().len(), 2);
    assert_eq!(facts.apigateway.usage_plan_keys("p2").unwrap().len(), 2);
    assert_eq!(facts.apigateway.api_keys().unwrap().len(), 2);
    assert!(!serde_json::to_string(&facts).unwrap().contains("secret-"), "usage plan key values are dropped");

    // The validators judge across page boundaries: the open method is on page 2, the key on page 2.
    let methods = labcheck::providers::apigateway::validators::methods::MethodsRequireApiKey {
        api: "ItemsAPI".into(),
        methods: vec!["GET /items".parse().unwrap(), "GET /items/{ID}".parse().unwrap()],
    };
    assert_eq!(methods.evaluate(&facts).unwrap().message, "on ItemsAPI: GET /items/{ID} does not require an API key");
    let key = labcheck::providers::apigateway::validators::usage_plans::UsagePlanKeyExists {
        key: "LabKey".into(),
        plan: "CloudAcademyPlan".into(),
    };
    assert!(key.evaluate(&facts).unwrap().passed);

    let stats = session.stats().snapshot(1);
    for op in ["GetRestApis", "GetResources", "GetUsagePlans", "GetUsagePlanKeys", "GetApiKeys"] {
        assert_eq!(stats.api_calls[&format!("apigateway:{op}")], 2, "{op}: one call per page, each page once");
    }
    // Pages follow each other: the API list's two, then the resources' two of the API found on the second.
    assert_eq!(stats.round_trips, 4, "{stats:?}");
}

#[tokio::test]
async fn access_denied_is_an_error_naming_the_permission() {
    let denied = mock!(Client::get_usage_plans).then_http_response(|| {
        aws_error(
            403,
            "AccessDeniedException",
            "User: arn:aws:iam::1:user/x is not authorized to perform: apigateway:GET",
        )
    });
    let session = session(&[&denied]);
    let facts = collect(&session, &[Read::from(apigateway::Read::UsagePlans)]).await;
    let err = facts.apigateway.usage_plans().unwrap_err();
    assert_eq!(err.kind, FactErrorKind::AccessDenied);
    assert!(
        err.message.starts_with("the credentials lack apigateway:GET on arn:aws:apigateway:*::/usageplans"),
        "{err}"
    );
    let check = labcheck::providers::apigateway::validators::usage_plans::UsagePlanExists {
        name: "P".into(),
        api: "A".into(),
        stages: vec![],
    };
    assert_eq!(check.evaluate(&facts).unwrap_err().kind, FactErrorKind::AccessDenied, "error, never pass or fail");
    assert_eq!(session.stats().snapshot(1).api_requests, 1, "a denial is not retried");
}

#[tokio::test]
async fn throttling_is_retried_then_reported() {
    let throttled = || aws_error(429, "TooManyRequestsException", "Too Many Requests");
    let recovers = mock!(Client::get_rest_apis)
        .sequence()
        .http_response(throttled)
        .times(2)
        .output(|| GetRestApisOutput::builder().items(api("a1", "ItemsAPI")).build())
        .build();
    let session = session(&[&recovers]);
    let facts = collect(&session, &[Read::from(apigateway::Read::RestApis)]).await;
    assert_eq!(facts.apigateway.rest_apis().unwrap().len(), 1, "third attempt gets through");
    let stats = session.stats().snapshot(1);
    assert_eq!((stats.api_calls_total, stats.api_requests), (1, 3), "one call, two retries");
    assert_eq!(stats.round_trips, 3, "each retry waits for the answer before it");

    let always = mock!(Client::get_rest_apis).sequence().http_response(throttled).repeatedly().build();
    let session = self::session(&[&always]);
    let facts = collect(&session, &[Read::from(apigateway::Read::RestApis)]).await;
    let err = facts.apigateway.rest_apis().unwrap_err();
    assert_eq!(err.kind, FactErrorKind::Throttled);
    assert_eq!(
        err.to_string(),
        "could not read apigateway:GetRestApis (throttled by AWS): AWS throttled the reads after retries (TooManyRequestsException)"
    );
    assert_eq!(session.stats().snapshot(1).api_requests, 3);
}

#[tokio::test]
async fn server_errors_and_malformed_answers_are_errors() {
    let broken = mock!(Client::get_api_keys)
        .sequence()
        .http_response(|| aws_error(500, "InternalFailure", "boom"))
        .repeatedly()
        .build();
    let session = session(&[&broken]);
    let facts = collect(&session, &[Read::from(apigateway::Read::ApiKeys)]).await;
    assert_eq!(facts.apigateway.api_keys().unwrap_err().kind, FactErrorKind::Service);

    let garbage = mock!(Client::get_usage_plans).then_http_response(|| {
        HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from("<html>not json</html>"))
    });
    let session = self::session(&[&garbage]);
    let facts = collect(&session, &[Read::from(apigateway::Read::UsagePlans)]).await;
    let err = facts.apigateway.usage_plans().unwrap_err();
    assert_eq!(err.kind, FactErrorKind::Malformed, "{err}");
    assert!(!err.message.contains('\n'), "one line: {err}");
}

#[tokio::test]
async fn lambda_not_found_is_a_fact_and_denial_an_error() {
    use aws_sdk_lambda::operation::get_policy::GetPolicyOutput;
    use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
    use aws_sdk_lambda::types::FunctionConfiguration;
    use labcheck::providers::lambda::Part;

    let uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:Fn:${stageVariables.alias}/invocations";
    let apis =
        mock!(Client::get_rest_apis).then_output(|| GetRestApisOutput::builder().items(api("a1", "ItemsAPI")).build());
    let resources = mock!(Client::get_resources).then_output(move || {
        let integration = aws_sdk_apigateway::types::Integration::builder()
            .r#type(aws_sdk_apigateway::types::IntegrationType::AwsProxy)
            .uri(uri)
            .build();
        let method = Method::builder().http_method("GET").method_integration(integration).build();
        GetResourcesOutput::builder()
            .items(Resource::builder().id("r").path("/items").resource_methods("GET", method).build())
            .build()
    });
    let no_dev_policy =
        mock!(aws_sdk_lambda::Client::get_policy).match_requests(|r| r.qualifier() == Some("dev")).then_http_response(
            || aws_error(404, "ResourceNotFoundException", "The resource you requested does not exist."),
        );
    let prod_policy = mock!(aws_sdk_lambda::Client::get_policy)
        .match_requests(|r| r.qualifier() == Some("prod"))
        .then_output(|| GetPolicyOutput::builder().policy("{\"Statement\": []}").build());
    let page1 =
        mock!(aws_sdk_lambda::Client::list_functions).match_requests(|r| r.marker().is_none()).then_output(|| {
            ListFunctionsOutput::builder()
                .functions(FunctionConfiguration::builder().function_name("A").build())
                .next_marker("m")
                .build()
        });
    let page2 =
        mock!(aws_sdk_lambda::Client::list_functions).match_requests(|r| r.marker() == Some("m")).then_output(|| {
            ListFunctionsOutput::builder()
                .functions(FunctionConfiguration::builder().function_name("B").build())
                .build()
        });
    let session =
        Arc::new(mocked(client(&[&apis, &resources]), lambda_client(&[&no_dev_policy, &prod_policy, &page1, &page2])));
    let needs = [
        Read::from(lambda::Read::BehindApi { api: "ItemsAPI".into(), part: Part::Policy("dev".into()) }),
        Read::from(lambda::Read::BehindApi { api: "ItemsAPI".into(), part: Part::Policy("prod".into()) }),
        Read::from(lambda::Read::FunctionNames),
    ];
    let facts = collect(&session, &needs).await;
    assert_eq!(facts.lambda.lambda_policy("Fn", "dev").unwrap(), None, "no policy is a fact, not an error");
    assert_eq!(facts.lambda.lambda_policy("Fn", "prod").unwrap(), Some(&serde_json::json!({"Statement": []})));
    assert_eq!(facts.lambda.lambda_function_names().unwrap(), ["A", "B"]);
    let stats = session.stats().snapshot(1);
    assert_eq!(stats.api_calls["apigateway:GetResources"], 1, "resources read once for both policies");
    assert_eq!(stats.api_calls["lambda:ListFunctions"], 2);

    let denied = mock!(aws_sdk_lambda::Client::list_functions).then_http_response(|| {
        aws_error(403, "AccessDeniedException", "not authorized to perform: lambda:ListFunctions")
    });
    let session = Arc::new(mocked(client(&[]), lambda_client(&[&denied])));
    let facts = collect(&session, &[Read::from(lambda::Read::FunctionNames)]).await;
    let err = facts.lambda.lambda_function_names().unwrap_err();
    assert_eq!(err.kind, FactErrorKind::AccessDenied);
    assert!(err.message.contains("lambda:ListFunctions on *"), "{err}");
}

/// Real answer shapes (`tests/fixtures/aws-shapes/`, each with its source and quirks) replayed through the real SDK
/// clients: a whole lab done in the console, with the nulls inside maps, `{}` method settings, policies inside
/// strings and secrets in fields that must be dropped, read into facts and graded.
mod aws_shapes {
    use super::*;
    use crate::common::shapes::answer;

    fn replayed_session() -> Arc<AwsSession> {
        let apigw = client(&[
            &mock!(Client::get_rest_apis).then_http_response(answer("apigateway-GetRestApis")),
            &mock!(Client::get_resources).then_http_response(answer("apigateway-GetResources")),
            &mock!(Client::get_stages).then_http_response(answer("apigateway-GetStages")),
            &mock!(Client::get_usage_plans).then_http_response(answer("apigateway-GetUsagePlans")),
            &mock!(Client::get_usage_plan_keys).then_http_response(answer("apigateway-GetUsagePlanKeys")),
            &mock!(Client::get_api_keys).then_http_response(answer("apigateway-GetApiKeys")),
        ]);
        use aws_sdk_lambda::Client as Lambda;
        let lambda = lambda_client(&[
            &mock!(Lambda::get_function_configuration).then_http_response(answer("lambda-GetFunctionConfiguration")),
            &mock!(Lambda::list_versions_by_function).then_http_response(answer("lambda-ListVersionsByFunction")),
            &mock!(Lambda::list_aliases).then_http_response(answer("lambda-ListAliases")),
            &mock!(Lambda::get_policy)
                .match_requests(|r| r.qualifier() == Some("dev"))
                .then_http_response(answer("lambda-GetPolicy-dev")),
            &mock!(Lambda::get_policy)
                .match_requests(|r| r.qualifier() == Some("prod"))
                .then_http_response(answer("lambda-GetPolicy-prod")),
            &mock!(Lambda::list_functions).then_http_response(answer("lambda-ListFunctions")),
        ]);
        let sts = mock_client!(
            aws_sdk_sts,
            RuleMode::MatchAny,
            &[&mock!(aws_sdk_sts::Client::get_caller_identity).then_http_response(answer("sts-GetCallerIdentity"))]
        );
        Arc::new(mocked(apigw, lambda).with_sts(sts))
    }

    #[tokio::test]
    async fn a_lab_done_in_the_console_grades_from_real_answer_shapes() {
        let lab = labcheck::lab::Lab::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/checks/apigw-items/lab.toml"
        )))
        .unwrap();
        // Probes go to deployed stages, not to these files: every check that reads only the control planes.
        let checks: Vec<_> = lab
            .checks()
            .filter(|c| !c.validator.reads().iter().any(|n| matches!(n, Read::Probes(probes::Read::Probe(_)))))
            .collect();
        assert!(checks.len() >= 20, "most of the lab is graded here");
        let options = labcheck::engine::EngineOptions::default();
        let report = labcheck::grading::grade_account(&lab, &checks, replayed_session(), &options).await;
        assert_eq!(report.target.account_id.as_deref(), Some("123456789012"));
        for check in &report.checks {
            let expected = if check.step == "cleanup" { "fail" } else { "pass" };
            assert_eq!(check.status.as_str(), expected, "{}: {}", check.id, check.message);
        }
        let text = serde_json::to_string(&report).unwrap();
        assert!(!text.contains("CORPUSSECRET"), "no key value or environment variable reaches the report");
        assert_eq!(report.stats.api_calls_total, 13, "{:?}", report.stats.api_calls);
    }

    /// Each console-made method reads: the nulls inside `responseTemplates` are what broke `GetResources`.
    #[tokio::test]
    async fn nulls_inside_maps_are_read_not_refused() {
        let session = replayed_session();
        let facts = collect(&session, &[Read::from(apigateway::Read::Resources { api: "ItemsAPI".into() })]).await;
        let resources = facts.apigateway.resources("a1b2c3d4e5").unwrap();
        let items = resources.iter().find(|r| r.path == "/items").unwrap();
        let options = items.methods["OPTIONS"].integration.as_ref().unwrap();
        assert_eq!(options.responses["200"]["method.response.header.Access-Control-Allow-Origin"], "'*'");
    }
}

/// A plan made before its stages existed: `apiStages` is omitted, not `[]`. That is a fact ("not bound"), not an
/// unreadable answer.
#[tokio::test]
async fn an_omitted_empty_list_is_read_as_empty() {
    let plans = mock!(Client::get_usage_plans)
        .then_http_response(crate::common::shapes::answer("apigateway-GetUsagePlans-unbound"));
    let apis = mock!(Client::get_rest_apis)
        .then_output(|| GetRestApisOutput::builder().items(api("a1b2c3d4e5", "ItemsAPI")).build());
    let session = session(&[&plans, &apis]);
    let check = validators::lookup("usage_plan_exists")
        .unwrap()
        .build(
            toml::toml! { name = "CloudAcademyPlan"
            api = "ItemsAPI"
            stages = ["dev", "prod"] }
            .into(),
        )
        .unwrap();
    let facts = collect(&session, &check.reads()).await;
    let verdict = check.evaluate(&facts).unwrap();
    assert!(!verdict.passed);
    assert!(verdict.message.to_string().contains("is not bound to ItemsAPI"), "{}", verdict.message);
}

/// Counts the turns a session asks of its pacer.
struct CountingPacer(std::sync::atomic::AtomicU32);

impl labcheck::aws::Pace for CountingPacer {
    fn wait_turn(&self) -> futures::future::BoxFuture<'_, ()> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Box::pin(async {})
    }
}

#[tokio::test]
async fn the_pacer_meters_every_request_pages_and_retries_included() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // API Gateway over HTTP: page 1 is throttled once, then answers with a position; page 2 ends the list.
    let throttled = Arc::new(AtomicBool::new(false));
    let http = aws_smithy_http_client::test_util::infallible_client_fn(move |request| {
        let second_page = request.uri().query().is_some_and(|q| q.contains("position=p2"));
        let (status, body) = match (second_page, throttled.swap(true, Ordering::SeqCst)) {
            (false, false) => (429, r#"{"message":"Too Many Requests"}"#),
            (false, true) => (200, r#"{"item":[{"id":"a1","name":"Other"}],"position":"p2"}"#),
            (true, _) => (200, r#"{"item":[{"id":"a2","name":"ItemsAPI"}]}"#),
        };
        let mut response = http::Response::builder().status(status).header("content-type", "application/json");
        if status == 429 {
            response = response.header("x-amzn-ErrorType", "TooManyRequestsException");
        }
        response.body(SdkBody::from(body)).unwrap()
    });
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new("AKID", "secret", None, None, "test"),
        ))
        .retry_config(
            RetryConfig::standard().with_max_attempts(3).with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
        .http_client(http)
        .build();
    let pacer = Arc::new(CountingPacer(std::sync::atomic::AtomicU32::new(0)));
    let session =
        Arc::new(AwsSession::from_sdk_config(&config, InvokeUrlTemplate::default(), Some(pacer.clone())).unwrap());
    let facts = collect(&session, &[Read::from(apigateway::Read::RestApis)]).await;
    assert_eq!(facts.apigateway.rest_apis().unwrap().len(), 2, "both pages read");
    assert_eq!(pacer.0.load(Ordering::Relaxed), 3, "the throttled try, its retry and the second page each waited");
}
