//! What probes of deployed stages found.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::facts::Fact;

/// An HTTP request labcheck sends to a deployed stage to see how API Gateway answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProbeSpec {
    /// Name of the REST API; the inventory probes every API of that name.
    pub api: String,
    pub stage: String,
    /// HTTP verb, upper case.
    pub method: String,
    /// Concrete path (path parameters already filled in), starting with `/`.
    pub path: String,
    /// Name of the API key whose value goes into `x-api-key`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// What a probe found, per API id it was sent to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeRecord {
    pub spec: ProbeSpec,
    pub api_id: String,
    /// The URL that was requested (never contains a secret).
    pub url: String,
    pub outcome: Fact<ProbeOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProbeOutcome {
    /// API Gateway answered.
    Response(ProbeResponse),
    /// The probe needed an API key and none by that name exists, so nothing was sent.
    NoSuchApiKey { name: String },
}

/// How much of a probe's body a check shows (in a message) or judges (API Gateway's own `{"message":"Forbidden"}`
/// is far shorter): evidence keeps no more.
pub const BODY_SHOWN: usize = 80;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResponse {
    pub status: u16,
    /// Body, cut at 4 KiB.
    pub body: String,
    /// Response headers that matter for grading, lower-case names.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl ProbeResponse {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// Whether the answer is JSON, judged alike on the whole body and on a body cut for evidence (more than
    /// [`BODY_SHOWN`] characters, where the end is gone): a body that short must parse; a longer one parses, or is
    /// labelled JSON and opens as a JSON object or array does.
    pub fn is_json(&self) -> bool {
        if self.json().is_some() {
            return true;
        }
        let labelled = self.headers.get("content-type").is_some_and(|t| t.to_ascii_lowercase().contains("json"));
        let opens = matches!(self.body.trim_start().chars().next(), Some('{' | '['));
        self.body.chars().count() > BODY_SHOWN && labelled && opens
    }
}
