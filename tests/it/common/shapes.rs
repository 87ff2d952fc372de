//! Real answer shapes (`tests/fixtures/aws-shapes/*.json`, each citing where it comes from) as HTTP answers for
//! the real SDK clients (through `aws-smithy-mocks`) and for a stand-in of a deployed stage.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

/// The fixture `name`; it must say where it comes from.
pub fn shape(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/aws-shapes/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let shape: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(shape["source"].as_str().is_some_and(|s| s.starts_with("https://")), "{name} says where it is from");
    shape
}

/// The fixture's status, headers (`content-type` from the body's kind unless it names one) and body.
pub fn parts(name: &str) -> (u16, Vec<(String, String)>, String) {
    let shape = shape(name);
    let body = match shape["body_text"].as_str() {
        Some(text) => text.to_owned(),
        None => serde_json::to_string(&shape["body"]).unwrap(),
    };
    let mut headers: Vec<(String, String)> = shape["headers"]
        .as_object()
        .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect())
        .unwrap_or_default();
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
        let kind = if shape["body_text"].is_string() { "text/xml" } else { "application/json" };
        headers.push(("content-type".into(), kind.into()));
    }
    (shape["status"].as_u64().unwrap() as u16, headers, body)
}

/// The fixture's answer as the service sends it.
pub fn answer(name: &'static str) -> impl Fn() -> HttpResponse + Send + Sync + 'static {
    move || {
        let (status, headers, body) = parts(name);
        let mut response = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
        for (name, value) in headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}
