//! A stand-in for the Lambda runtime that LocalStack lacks, in front of its deployed stages.
//!
//! LocalStack decides everything API Gateway decides (a missing key, a key in no plan, a stage never redeployed,
//! MOCK answers, CORS) and passes its answers through unchanged. Only where it tried to call a Lambda function and
//! could not run it (502 `InternalServerErrorException`, since no emulator runs function code here) does the
//! stand-in answer as the lab's function would, and only when AWS would have called it: the method's integration
//! is a Lambda proxy (`AWS_PROXY`) calling Lambda with POST, the function (or alias) it names exists on moto, and
//! the function's policy lets API Gateway invoke it. Otherwise LocalStack's 5xx stands, as on AWS, where a GET
//! integration or a missing permission answers 500. What the function answers is what [`super::handler_zip`]'s
//! code returns: [`FUNCTION_STATUS`] and [`FUNCTION_BODY`], with the headers API Gateway adds to a proxy answer.
//!
//! Probes reach it at `URL/{account}/{region}/{api_id}/{stage}/...` ([`invoke_url_template`]): the account and
//! region say where to read the integration and the function.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{Path, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{Account, localstack_url, moto_url};

/// The status the lab's function answers with.
pub const FUNCTION_STATUS: u16 = 200;
/// The body the lab's function answers with (JSON, as the lab text shows).
pub const FUNCTION_BODY: &str = r#"{"items": []}"#;

/// The probes' invoke URL template for an account: through the stand-in, to LocalStack's deployed stages.
pub fn invoke_url_template(account: &Account) -> String {
    format!("{}/{}/{{region}}/{{api_id}}/{{stage}}", url(), account.id)
}

/// The stand-in's address, started on first use on a thread of its own (tests each have their own runtime).
pub fn url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
                axum::serve(listener, router()).await.unwrap();
            });
        });
        rx.recv().expect("the stage stand-in starts")
    })
}

/// Serves the stand-in until the process ends (the seed example's `stand-in`, for scripts).
pub async fn serve(listener: tokio::net::TcpListener) {
    axum::serve(listener, router()).await.unwrap();
}

fn router() -> axum::Router {
    axum::Router::new().route("/{account}/{region}/{api_id}/{stage}/{*path}", axum::routing::any(answer))
}

type Target = (String, String, String, String, String);

async fn answer(Path((account, region, api_id, stage, path)): Path<Target>, request: Request) -> Response {
    let method = request.method().clone();
    let headers = request.headers().clone();
    let url = format!("{}/_aws/execute-api/{api_id}/{stage}/{path}", localstack_url());
    let sent = forward(&method, &url, &headers).await;
    let (status, mut kept, body) = match sent {
        Ok(answer) => answer,
        Err(err) => return (StatusCode::BAD_GATEWAY, format!("stand-in: LocalStack: {err}")).into_response(),
    };
    let lambda_failed = status == StatusCode::BAD_GATEWAY
        && kept.get("x-amzn-errortype").is_some_and(|t| t == "InternalServerErrorException");
    if lambda_failed {
        let account = Account { id: account, endpoint: localstack_url(), region, lambda_endpoint: Some(moto_url()) };
        let path = format!("/{path}");
        match lambda_call(&account, &api_id, &stage, &method, &path).await {
            LambdaCall::NotLambda => {}
            LambdaCall::Answered => {
                kept.remove("x-amzn-errortype");
                kept.insert("content-type", HeaderValue::from_static("application/json"));
                let status = StatusCode::from_u16(FUNCTION_STATUS).unwrap();
                return (status, kept, FUNCTION_BODY).into_response();
            }
            LambdaCall::Refused => {
                let status = StatusCode::INTERNAL_SERVER_ERROR;
                return (status, kept, r#"{"message": "Internal server error"}"#).into_response();
            }
        }
    }
    (status, kept, body).into_response()
}

async fn forward(method: &Method, url: &str, headers: &HeaderMap) -> reqwest::Result<(StatusCode, HeaderMap, Bytes)> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(reqwest::Client::new);
    let mut request = client.request(method.clone(), url);
    for (name, value) in headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let response = request.send().await?;
    let status = response.status();
    let mut kept = HeaderMap::new();
    for (name, value) in response.headers() {
        if !matches!(name.as_str(), "content-length" | "transfer-encoding" | "connection" | "date" | "server") {
            kept.append(name, value.clone());
        }
    }
    Ok((status, kept, response.bytes().await?))
}

/// What AWS does with a request whose method is a Lambda proxy integration.
enum LambdaCall {
    /// Not a Lambda proxy integration: LocalStack's answer stands.
    NotLambda,
    /// The function is called and answers.
    Answered,
    /// API Gateway cannot call it (the integration calls Lambda with another method than POST, the function or
    /// alias does not exist, or its policy does not let API Gateway in): AWS answers 500.
    Refused,
}

/// What AWS would do with this request: the matching resource's method is a Lambda proxy integration; it calls
/// Lambda with POST a function (after the stage's variables) that exists and lets API Gateway in.
async fn lambda_call(account: &Account, api_id: &str, stage: &str, method: &Method, path: &str) -> LambdaCall {
    let c = account.apigw();
    let Ok(resources) = c.get_resources().rest_api_id(api_id).limit(500).embed("methods").send().await else {
        return LambdaCall::NotLambda;
    };
    let Some(resource) = resources.items().iter().find(|r| r.path().is_some_and(|p| path_matches(p, path))) else {
        return LambdaCall::NotLambda;
    };
    let integration =
        resource.resource_methods().and_then(|m| m.get(method.as_str())).and_then(|m| m.method_integration());
    let Some(integration) = integration.filter(|i| i.r#type().is_some_and(|t| t.as_str() == "AWS_PROXY")) else {
        return LambdaCall::NotLambda;
    };
    let Some(function) = integration.uri().and_then(function_of_uri) else {
        return LambdaCall::NotLambda;
    };
    if integration.http_method() != Some("POST") {
        return LambdaCall::Refused;
    }
    let Ok(stage) = c.get_stage().rest_api_id(api_id).stage_name(stage).send().await else {
        return LambdaCall::Refused;
    };
    let mut function = function.to_owned();
    for (name, value) in stage.variables().into_iter().flatten() {
        function = function.replace(&format!("${{stageVariables.{name}}}"), value);
    }
    let lambda = account.lambda();
    if lambda.get_function().function_name(&function).send().await.is_err() {
        return LambdaCall::Refused;
    }
    match lambda.get_policy().function_name(&function).send().await {
        Ok(policy) if policy.policy().is_some_and(|p| p.contains("apigateway.amazonaws.com")) => LambdaCall::Answered,
        _ => LambdaCall::Refused,
    }
}

/// The function ARN in a Lambda integration URI
/// (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`).
fn function_of_uri(uri: &str) -> Option<&str> {
    uri.split_once("/functions/")?.1.strip_suffix("/invocations")
}

/// Whether a resource path template (`/items/{ID}`) matches a concrete path (`/items/1`).
fn path_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    template.len() == path.len()
        && template.iter().zip(&path).all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

#[test]
fn paths_match_their_templates() {
    assert!(path_matches("/items/{ID}", "/items/1"));
    assert!(path_matches("/items", "/items/"));
    assert!(!path_matches("/items", "/items/1"));
    assert!(!path_matches("/", "/items"));
    assert_eq!(
        function_of_uri(
            "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:F:${stageVariables.alias}/invocations"
        ),
        Some("arn:aws:lambda:eu-west-1:1:function:F:${stageVariables.alias}")
    );
}
