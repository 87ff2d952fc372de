//! A grading request: the JSON body of `POST /v1/labs/{lab}/grade`, read and checked field by field. Everything in
//! it is the caller's: each field is checked before anything uses it, and an error names the field.

use serde::Deserialize;

use crate::ids::{AccountRef, shown, valid_step_id};

/// Longest `wait_seconds` a request may ask for (the request's deadline bounds it too).
pub const MAX_WAIT_SECONDS: u64 = 600;

/// A grading request: which steps, whose account, for which learner.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRequest {
    /// The steps to grade (ids from `GET /v1/labs/{lab_id}`); every step without them.
    #[serde(default)]
    #[schema(inline, value_type = Vec<String>, pattern = "^[A-Za-z0-9._-]{1,128}$")]
    pub steps: Vec<String>,
    /// The role to assume in the graded account (not from a learner session: its own is used).
    #[serde(default)]
    #[schema(pattern = "^arn:aws[^:]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", max_length = 2048)]
    pub role_arn: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9+=,.@:/_-]{2,1224}$")]
    pub external_id: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[a-z]{2}(-[a-z]{2,10}){1,3}-[0-9]{1,2}$", max_length = 25, example = "us-east-1")]
    pub region: Option<String>,
    /// Grade again until everything passes or this many seconds pass (less than the service's deadline).
    #[serde(default)]
    #[schema(maximum = 600)]
    pub wait_seconds: Option<u64>,
    /// The learner's language (`es`, `pt-BR`); without it, the request's `Accept-Language`.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_-]{1,35}$", example = "es")]
    pub lang: Option<String>,
    /// Keep this grading in this learner's progress (the service needs `--store`; not from a learner session).
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9._@+:-]{1,128}$")]
    pub learner: Option<String>,
    /// Where this grading's progress goes as a score (a session an LMS launched); never from a body.
    #[serde(skip)]
    pub passback: Option<Passback>,
    /// Asked by a learner session (its token or its page): it runs in the learners' share of the slots.
    #[serde(skip)]
    pub from_learner_session: bool,
}

/// A learner session's LTI link, for the score after its gradings.
#[derive(Debug, Clone)]
pub struct Passback {
    pub session_id: String,
    pub link: crate::lti::LtiLink,
}

impl GradeRequest {
    /// Whose account it grades and in which language: the body's own fields (the wire type keeps them flat, as
    /// the OpenAPI document shows them; serde cannot flatten into a body that refuses unknown fields).
    pub fn account(&self) -> AccountRef {
        AccountRef {
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            region: self.region.clone(),
            lang: self.lang.clone(),
        }
    }

    /// Parses and checks a body. The error is one line naming the field.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let request: Self = parse_object(body, r#"{"steps": ["api-keys"], "role_arn": "..."}"#)?;
        request.check()?;
        Ok(request)
    }

    fn check(&self) -> Result<(), String> {
        for step in &self.steps {
            if !valid_step_id(step) {
                return Err(format!("steps: {} is not a step id", shown(step)));
            }
        }
        self.account().check()?;
        if let Some(wait) = self.wait_seconds
            && wait > MAX_WAIT_SECONDS
        {
            return Err(format!("wait_seconds: at most {MAX_WAIT_SECONDS}"));
        }
        if let Some(learner) = &self.learner {
            crate::ids::check_learner(learner).map_err(|e| format!("learner: {e}"))?;
        }
        Ok(())
    }
}

/// A JSON object body read into `T`, e.g. `{"steps": [...]}` (`example` is shown when the body is not an object).
/// The error is one line naming the field.
pub(crate) fn parse_object<T: serde::de::DeserializeOwned>(body: &[u8], example: &str) -> Result<T, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    if !value.is_object() {
        return Err(format!("the body must be a JSON object, e.g. {example}"));
    }
    // Read from the text, not the value: a key given twice is refused ("duplicate field `steps`"), where a value
    // would keep the last one, unlike a front end that checked the first. The path names a wrong field, e.g.
    // "steps: invalid type: integer `5`, expected a sequence".
    let mut json = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut json).map_err(|e| match e.path().to_string() {
        path if path == "." => e.into_inner().to_string(),
        path => format!("{path}: {}", e.into_inner()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_checked_field_by_field() {
        let ok = br#"{"steps": ["api-keys"], "role_arn": "arn:aws:iam::123456789012:role/labcheck-grader", "external_id": "platform-42", "region": "us-gov-west-1", "wait_seconds": 30}"#;
        assert!(GradeRequest::parse(ok).is_ok());
        for (body, field) in [
            (&b"[]"[..], "JSON object"),
            (b"null", "JSON object"),
            (b"\"x\"", "JSON object"),
            (b"{not json", "not JSON"),
            (br#"{"region": "us-east-1\n{\"forged\": 1}"}"#, "region: "),
            (br#"{"region": "../../etc"}"#, "region: "),
            (br#"{"role_arn": "arn:aws:s3:::bucket"}"#, "role_arn: "),
            (br#"{"external_id": "a b"}"#, "external_id: "),
            (br#"{"steps": ["api keys"]}"#, "steps: "),
            (br#"{"wait_seconds": 100000}"#, "wait_seconds: "),
            (br#"{"stepz": []}"#, "stepz"),
            (br#"{"steps": 5}"#, "steps: invalid type"),
        ] {
            let err = GradeRequest::parse(body).unwrap_err();
            assert!(err.contains(field), "{}: {err}", String::from_utf8_lossy(body));
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    /// A key given twice, and a padded language tag, are refused (before: the last key won; `es\n` passed).
    #[test]
    fn duplicate_keys_and_padded_tags_are_refused() {
        let twice = GradeRequest::parse(br#"{"steps": ["resources"], "steps": ["api-keys"]}"#).unwrap_err();
        assert!(twice.contains("duplicate field `steps`"), "{twice}");
        for lang in ["es\n", " es", "es;q=1", "e s"] {
            let body = serde_json::json!({ "lang": lang }).to_string();
            let error = GradeRequest::parse(body.as_bytes()).unwrap_err();
            assert!(error.starts_with("lang: "), "{lang:?}: {error}");
        }
        assert!(GradeRequest::parse(br#"{"lang": "pt-BR"}"#).is_ok());
    }
}
