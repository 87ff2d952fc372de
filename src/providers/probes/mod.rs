//! Probes: HTTP requests to deployed stages, to see what API Gateway really answers (what the console only claims).

#[cfg(feature = "aws")]
mod reader;
#[cfg(feature = "aws")]
pub(crate) mod send;
mod types;
pub mod validators;

use serde::{Deserialize, Serialize};

#[cfg(feature = "aws")]
pub use reader::Reader;
#[cfg(feature = "aws")]
pub use send::client;
pub use types::*;

use super::{Invariant, Provider, ReadKind, apigateway};
use crate::aws::Operation;
use crate::facts::{Fact, FactError};

pub struct Probes;

/// What a validator may ask of the probes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// This request to every REST API with the spec's name.
    Probe(ProbeSpec),
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::Probe(_) => "probes",
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::Probe(_) => false,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        match self {
            Read::Probe(spec) => {
                let mut reads = vec![apigateway::Read::RestApis.into()];
                if spec.api_key.is_some() {
                    reads.push(apigateway::Read::ApiKeyValues.into());
                }
                reads
            }
        }
    }

    /// Probes are plain HTTP requests to invoke URLs: no AWS operation.
    fn operations(&self) -> Vec<Operation> {
        match self {
            Read::Probe(_) => Vec::new(),
        }
    }
}

/// What the probes found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeRecord>,
}

impl Facts {
    /// The probe sent for `spec` to API `api_id`.
    pub fn probe(&self, spec: &ProbeSpec, api_id: &str) -> Result<&Fact<ProbeOutcome>, FactError> {
        self.probes
            .iter()
            .find(|record| &record.spec == spec && record.api_id == api_id)
            .map(|record| &record.outcome)
            .ok_or_else(|| {
                FactError::not_collected(format!("probe {} {} on {api_id}/{}", spec.method, spec.path, spec.stage))
            })
    }
}

impl Provider for Probes {
    type Read = Read;

    type Facts = Facts;

    /// Probes are plain HTTP requests to invoke URLs: no AWS operation, no IAM permission.
    const OPERATIONS: &'static [Operation] = &[];

    const FACT_NAMES: &'static [&'static str] = &[];

    const INVARIANTS: &'static [Invariant] = &[];
    const REFERENCES: &'static [&'static str] = &[];

    fn merge(into: &mut Facts, other: Facts) {
        for record in other.probes {
            into.probes.retain(|r| !(r.spec == record.spec && r.api_id == record.api_id));
            into.probes.push(record);
        }
    }

    fn parse_fact_name(_kind: &str, _argument: Option<&str>) -> Option<Result<Read, String>> {
        None
    }
}

#[cfg(all(test, feature = "aws"))]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The learner's API may answer anything: evidence keeps what a check shows of it, and one character more.
    #[test]
    fn evidence_keeps_a_probes_body_only_as_far_as_a_check_shows_it() {
        let spec = ProbeSpec {
            api: "ItemsAPI".into(),
            stage: "dev".into(),
            method: "GET".into(),
            path: "/items".into(),
            api_key: None,
        };
        let answer = |body: String| ProbeResponse { status: 200, body, headers: BTreeMap::new() };
        let record = |body: String| ProbeRecord {
            spec: spec.clone(),
            api_id: "a1".into(),
            url: "https://a1.execute-api.us-east-1.amazonaws.com/dev/items".into(),
            outcome: Ok(ProbeOutcome::Response(answer(body))),
        };
        let mut facts = Facts { probes: vec![record("é".repeat(500)), record("short".into())] };
        <Probes as crate::providers::Reading>::for_evidence(&mut facts);
        let bodies: Vec<usize> = facts
            .probes
            .iter()
            .map(|r| match &r.outcome {
                Ok(ProbeOutcome::Response(response)) => response.body.chars().count(),
                _ => 0,
            })
            .collect();
        assert_eq!(bodies, [BODY_SHOWN + 1, 5]);
    }
}
