//! Reading JSON answers as AWS really sends them, before the SDK deserializes them.
//!
//! - **Nulls inside maps and lists.** API Gateway returns `null` map values for resources made in the console: an
//!   integration response saved with an empty template reads back as
//!   `"responseTemplates": {"application/json": null}` (aws-cli issue 1610). The Rust SDK rejects nulls in dense
//!   maps and lists ("dense map cannot contain null values"), so one such method would make `GetResources` fail for
//!   the whole API. Every `null` inside an object or array is dropped: for a structure member that is what the SDK
//!   does anyway; for a map or list entry it is the only reading the SDK can take.
//! - **Empty or non-JSON success answers.** The SDK reads an empty 200 body as `{}`: an empty collection, which
//!   would make "nothing is left" checks pass while everything still exists. A 2xx answer that is empty or not JSON
//!   is an error here, so the checks that need it are `error`, never a verdict.
//!
//! Error answers (4xx/5xx) pass through untouched: the SDK's error handling reads them.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body::{Body, Frame};

/// The interceptor for clients of JSON protocols (API Gateway, Lambda).
#[derive(Debug, Clone, Copy, Default)]
pub struct TolerantJson;

impl Intercept for TolerantJson {
    fn name(&self) -> &'static str {
        "labcheck::TolerantJson"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        let success = response.status().is_success();
        let inner = response.take_body();
        *response.body_mut() =
            SdkBody::from_body_1_x(CleanedBody { inner, buffer: Vec::new(), success, finished: false });
        Ok(())
    }
}

/// Why a success answer cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UnreadableAnswer {
    #[error("the answer was empty")]
    Empty,
    #[error("the answer is not JSON ({0})")]
    NotJson(String),
}

/// The body as the SDK should see it: success answers must be JSON; nulls inside objects and arrays are dropped.
/// Bodies without such nulls are passed on byte for byte.
pub fn clean(bytes: Bytes, success: bool) -> Result<Bytes, UnreadableAnswer> {
    if !success {
        return Ok(bytes);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(UnreadableAnswer::Empty);
    }
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        let line = e.to_string();
        UnreadableAnswer::NotJson(line.split(" at line").next().unwrap_or(&line).to_owned())
    })?;
    if !drop_nested_nulls(&mut value) {
        return Ok(bytes);
    }
    Ok(Bytes::from(serde_json::to_vec(&value).expect("a JSON value serializes")))
}

/// Removes every `null` member of an object and `null` item of an array, at any depth. Says whether any was found.
fn drop_nested_nulls(value: &mut serde_json::Value) -> bool {
    let mut found = false;
    match value {
        serde_json::Value::Object(map) => {
            let before = map.len();
            map.retain(|_, v| !v.is_null());
            found |= map.len() != before;
            for v in map.values_mut() {
                found |= drop_nested_nulls(v);
            }
        }
        serde_json::Value::Array(items) => {
            let before = items.len();
            items.retain(|v| !v.is_null());
            found |= items.len() != before;
            for v in items.iter_mut() {
                found |= drop_nested_nulls(v);
            }
        }
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_) => {}
    }
    found
}

/// A body that collects the whole answer, then yields it cleaned as one frame (or the reason it is unreadable).
struct CleanedBody {
    inner: SdkBody,
    buffer: Vec<u8>,
    success: bool,
    finished: bool,
}

impl Body for CleanedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }
        loop {
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    // Trailers carry nothing the SDK reads for these operations.
                    if let Ok(data) = frame.into_data() {
                        this.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(err)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(err)));
                }
                None => {
                    this.finished = true;
                    let bytes = Bytes::from(std::mem::take(&mut this.buffer));
                    let cleaned = clean(bytes, this.success).map(Frame::data).map_err(BoxError::from);
                    return Poll::Ready(Some(cleaned));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(text: &str) -> Result<String, UnreadableAnswer> {
        clean(Bytes::from(text.to_owned()), true).map(|b| String::from_utf8(b.to_vec()).unwrap())
    }

    #[test]
    fn nulls_inside_maps_and_lists_are_dropped() {
        let text = r#"{"item":[{"id":"r1","resourceMethods":{"OPTIONS":{"methodIntegration":{"integrationResponses":{"200":{"responseTemplates":{"application/json":null},"statusCode":"200"}}}}}},null]}"#;
        assert_eq!(
            cleaned(text).unwrap(),
            r#"{"item":[{"id":"r1","resourceMethods":{"OPTIONS":{"methodIntegration":{"integrationResponses":{"200":{"responseTemplates":{},"statusCode":"200"}}}}}}]}"#
        );
    }

    #[test]
    fn answers_without_nulls_pass_byte_for_byte() {
        let text = "{ \"item\" : [ {\"id\": \"a\", \"rate\": 5.0} ] }";
        assert_eq!(cleaned(text).unwrap(), text);
    }

    #[test]
    fn empty_and_non_json_success_answers_are_unreadable() {
        assert_eq!(cleaned(""), Err(UnreadableAnswer::Empty));
        assert_eq!(cleaned(" \n"), Err(UnreadableAnswer::Empty));
        assert!(matches!(cleaned("<html>gateway</html>"), Err(UnreadableAnswer::NotJson(_))));
        assert!(matches!(cleaned("{\"item\": ["), Err(UnreadableAnswer::NotJson(_))));
    }

    #[test]
    fn error_answers_pass_untouched() {
        let body = Bytes::from_static(b"<html>502 Bad Gateway</html>");
        assert_eq!(clean(body.clone(), false).unwrap(), body);
        assert_eq!(clean(Bytes::new(), false).unwrap(), Bytes::new());
    }
}
