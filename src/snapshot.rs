//! Snapshots: the facts a grading needs, written to a file and graded later with no network.
//!
//! A snapshot holds exactly what the inventory read for the selected checks (collections and probe outcomes)
//! and where and when: account, region, time, labcheck version. It never holds a secret: API key values are not
//! facts, and a probe that used one records only its outcome.

use std::path::{Path, PathBuf};

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::inventory::FactSource;
use crate::model::Target;
use crate::providers::{Facts, Read};

/// Version of the snapshot document. Bump on any incompatible change.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;
const KIND: &str = "labcheck-snapshot";
/// Snapshots larger than this are refused (a lab's snapshot is a few KiB to a few MiB).
pub const MAX_SNAPSHOT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    /// Always `labcheck-snapshot`.
    pub kind: String,
    pub labcheck_version: String,
    pub lab: SnapshotLab,
    /// The steps whose checks' facts were read (empty: all).
    pub steps: Vec<String>,
    /// RFC 3339, UTC.
    pub taken_at: String,
    pub target: Target,
    pub facts: Facts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotLab {
    pub id: String,
    pub file: String,
}

/// A snapshot that cannot be used: `file: reason`, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct SnapshotError {
    pub file: PathBuf,
    pub message: String,
}

impl Snapshot {
    pub fn new(lab: SnapshotLab, steps: Vec<String>, taken_at: String, target: Target, facts: Facts) -> Self {
        Self {
            schema_version: SNAPSHOT_SCHEMA_VERSION,
            kind: KIND.to_owned(),
            labcheck_version: env!("CARGO_PKG_VERSION").to_owned(),
            lab,
            steps,
            taken_at,
            target,
            facts,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a snapshot always serializes");
        text.push('\n');
        text
    }

    /// Reads and checks a snapshot file: size, JSON, kind, version, then shape.
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let err = |message: String| SnapshotError { file: path.to_owned(), message };
        // Bounded for pipes and devices too, not only for regular files.
        let bytes = crate::files::read_bounded(path, MAX_SNAPSHOT_BYTES).map_err(|e| err(format!("snapshot: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| err("snapshot is not valid UTF-8".to_owned()))?;
        Self::parse(&text).map_err(err)
    }

    pub fn parse(text: &str) -> Result<Snapshot, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                format!("snapshot is cut short (line {}): was it fully written?", e.line())
            } else {
                format!("not JSON: {e}")
            }
        })?;
        if value.get("kind").and_then(|k| k.as_str()) != Some(KIND) {
            return Err(format!(
                "not a labcheck snapshot (no \"kind\": \"{KIND}\"); make one with `labcheck snapshot`"
            ));
        }
        match value.get("schema_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(SNAPSHOT_SCHEMA_VERSION) => {}
            Some(v) if v > u64::from(SNAPSHOT_SCHEMA_VERSION) => {
                return Err(format!(
                    "snapshot schema_version {v} is newer than this labcheck reads ({SNAPSHOT_SCHEMA_VERSION}); upgrade labcheck"
                ));
            }
            Some(v) => {
                return Err(format!(
                    "snapshot schema_version {v} is not supported (this labcheck reads {SNAPSHOT_SCHEMA_VERSION})"
                ));
            }
            None => return Err("snapshot has no schema_version".to_owned()),
        }
        serde_json::from_value(value).map_err(|e| format!("malformed snapshot: {e}"))
    }
}

/// Grades from a snapshot: every collect answers with the snapshot's facts; a fact it lacks is "not collected",
/// which makes the check that needs it `error`, never `pass`.
pub struct SnapshotSource {
    facts: std::sync::Arc<Facts>,
}

impl SnapshotSource {
    pub fn new(facts: impl Into<std::sync::Arc<Facts>>) -> Self {
        Self { facts: facts.into() }
    }
}

impl FactSource for SnapshotSource {
    fn collect<'a>(&'a self, _reads: &'a [Read]) -> BoxFuture<'a, std::sync::Arc<Facts>> {
        futures::future::ready(self.facts.clone()).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        Snapshot::new(
            SnapshotLab { id: "apigw-items".into(), file: "checks/apigw-items.toml".into() },
            vec![],
            "2026-01-01T00:00:00Z".into(),
            Target { account_id: Some("123456789012".into()), region: "us-east-1".into() },
            Facts {
                apigateway: crate::providers::apigateway::Facts { rest_apis: Some(Ok(vec![])), ..Default::default() },
                ..Facts::default()
            },
        )
    }

    #[test]
    fn round_trips() {
        let text = sample().to_json();
        assert_eq!(Snapshot::parse(&text).unwrap(), sample());
    }

    #[test]
    fn wrong_truncated_and_future_files_are_one_line_errors() {
        let text = sample().to_json();
        let cases = [
            (text[..text.len() / 2].to_owned(), "snapshot is cut short"),
            ("{".to_owned(), "snapshot is cut short"),
            ("hello".to_owned(), "not JSON"),
            ("{\"schema_version\": 1, \"outcome\": \"pass\"}".to_owned(), "not a labcheck snapshot"),
            (
                text.replace("\"schema_version\": 1", "\"schema_version\": 2"),
                "newer than this labcheck reads (1); upgrade labcheck",
            ),
            (text.replace("\"schema_version\": 1", "\"schema_version\": 0"), "is not supported"),
            (text.replace("\"schema_version\": 1,", ""), "has no schema_version"),
            (text.replace("\"region\"", "\"regoin\""), "malformed snapshot"),
            (text.replace("\"rest_apis\": {\n      \"Ok\": []\n    }", "\"rest_apis\": 5"), "malformed snapshot"),
        ];
        for (input, expected) in cases {
            let message = Snapshot::parse(&input).unwrap_err();
            assert!(message.contains(expected), "`{message}` lacks `{expected}`");
            assert!(!message.contains('\n'), "one line: {message}");
        }
    }
}
