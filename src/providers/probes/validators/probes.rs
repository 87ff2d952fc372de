//! HTTP probes of deployed stages: what API Gateway really answers, which proves a change was deployed.

use crate::providers::{apigateway, probes};
use std::collections::BTreeMap;

use crate::facts::FactError;
use crate::i18n::{Message, and, clauses, msg};
use crate::model::Verdict;
use crate::providers::apigateway::RestApi;
use crate::providers::apigateway::validators::{MethodRef, judge_apis_named};
use crate::providers::probes::{BODY_SHOWN, ProbeOutcome, ProbeResponse, ProbeSpec};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// Value put in a path parameter (`{ID}`) when the lab file gives none.
pub const DEFAULT_PATH_VALUE: &str = "1";

/// `/items/{ID}` -> `/items/1`, taking values from `values` (default [`DEFAULT_PATH_VALUE`]).
pub fn fill_path(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 1..open + close].trim_end_matches('+');
        out.push_str(values.get(name).map_or(DEFAULT_PATH_VALUE, String::as_str));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// One probe a validator asks for: the request as the lab file names it, and the concrete probe.
struct Planned {
    request: MethodRef,
    spec: ProbeSpec,
}

fn probe_specs(
    api: &str,
    stages: &[String],
    requests: &[MethodRef],
    path_values: &BTreeMap<String, String>,
    api_key: Option<&str>,
) -> Vec<Planned> {
    let mut planned = Vec::new();
    for stage in stages {
        for request in requests {
            let spec = ProbeSpec {
                api: api.to_owned(),
                stage: stage.clone(),
                method: request.method.clone(),
                path: fill_path(&request.path, path_values),
                api_key: api_key.map(str::to_owned),
            };
            planned.push(Planned { request: request.clone(), spec });
        }
    }
    planned
}

/// The probes of one API, sorted out.
#[derive(Default)]
struct Sorted {
    /// Stages not deployed.
    undeployed: Vec<String>,
    /// Unexpected answers, each with the probes that got it, in probe order.
    bad: Vec<(Message, Vec<(String, MethodRef)>)>,
    /// Probes that answered as expected.
    fine: Vec<(String, MethodRef)>,
    /// The first probe that could not be made.
    unreadable: Option<FactError>,
}

/// Whether API Gateway itself rejected the request for lack of a key: 403 with body `{"message":"Forbidden"}`,
/// compared as JSON (LocalStack puts a space after the colon). AWS answers a missing stage or resource with 403
/// `Missing Authentication Token`, which is not this.
fn is_api_gateway_forbidden(response: &ProbeResponse) -> bool {
    response.status == 403 && response.json() == Some(serde_json::json!({ "message": "Forbidden" }))
}

fn describe(response: &ProbeResponse) -> Message {
    let body = response.body.trim();
    let answer = if body.is_empty() {
        format!("{}", response.status)
    } else {
        let short: String = body.chars().take(BODY_SHOWN).collect();
        let ellipsis = if body.chars().count() > BODY_SHOWN { "…" } else { "" };
        format!("{} {short}{ellipsis}", response.status)
    };
    msg!("probe-response", answer)
}

/// "GET /items and GET /items/{ID} on dev and prod" when every stage got the same requests, else each
/// "GET /items on dev" in turn.
fn requests_on_stages(probes: &[(String, MethodRef)]) -> Message {
    let mut stages: Vec<&str> = Vec::new();
    for (stage, _) in probes {
        if !stages.contains(&stage.as_str()) {
            stages.push(stage);
        }
    }
    let requests_of = |stage: &str| -> Vec<String> {
        probes.iter().filter(|(s, _)| s == stage).map(|(_, r)| r.to_string()).collect()
    };
    let first = requests_of(stages[0]);
    if stages.iter().all(|s| requests_of(s) == first) {
        msg!("requests-on-stages", requests = and(first), stages = and(stages))
    } else {
        let each = probes.iter().map(|(stage, r)| msg!("method-on-stage", method = r.to_string(), stage));
        msg!("requests", requests = and(each))
    }
}

/// The probes of one API; `judge` gives the unexpected answer of a probe, or `None` when it is as expected.
fn judge_probes(
    facts: &Facts,
    api: &RestApi,
    planned: &[Planned],
    mut judge: impl FnMut(&Planned, &ProbeOutcome) -> Option<Message>,
) -> Result<Sorted, FactError> {
    let deployed: Vec<&str> = facts.apigateway.stages(&api.id)?.iter().map(|s| s.name.as_str()).collect();
    let mut judged = Sorted::default();
    for probe in planned {
        let Planned { request, spec } = probe;
        let stage = &spec.stage;
        if !deployed.contains(&stage.as_str()) {
            if !judged.undeployed.contains(stage) {
                judged.undeployed.push(stage.clone());
            }
            continue;
        }
        match facts.probes.probe(spec, &api.id)? {
            Err(err) => {
                judged.unreadable.get_or_insert_with(|| err.clone());
            }
            Ok(outcome) => match judge(probe, outcome) {
                Some(answer) => match judged.bad.iter_mut().find(|(a, _)| *a == answer) {
                    Some((_, probes)) => probes.push((stage.clone(), request.clone())),
                    None => judged.bad.push((answer, vec![(stage.clone(), request.clone())])),
                },
                None => judged.fine.push((stage.clone(), request.clone())),
            },
        }
    }
    Ok(judged)
}

/// Turns judged probes into a verdict: a definite problem fails the check even if another probe could not be
/// made; otherwise an unsent probe makes it an error; otherwise it passes. `how` says how the probes were sent
/// ("without an API key").
/// How the probes were sent, which the catalogue's `probe-*` messages select on: `unauthenticated`,
/// `authenticated` (with the key named `key`) or `preflight`.
#[derive(Clone, Copy)]
struct Sent<'a> {
    how: &'static str,
    key: &'a str,
}

fn conclude(api: &RestApi, judged: Sorted, sent: Sent<'_>) -> Result<Verdict, FactError> {
    let fine: Vec<String> = judged.fine.iter().map(|(s, r)| format!("{r} on {s}")).collect();
    let Sent { how, key } = sent;
    let mut problems = Vec::new();
    if !judged.undeployed.is_empty() {
        let (count, stages) = (judged.undeployed.len(), and(&judged.undeployed));
        problems.push(msg!("stages-undeployed", count, stages, name = &api.name));
    }
    for (answer, probes) in &judged.bad {
        let requests = requests_on_stages(probes);
        let count = probes.len();
        problems.push(msg!("probe-unexpected", how, key, count, requests, answer = answer.clone()));
    }
    if !problems.is_empty() {
        let message = msg!("problems", problems = clauses(problems));
        return Ok(Verdict::fail(message).with("api_id", &api.id).with("as_expected", &fine));
    }
    if let Some(err) = judged.unreadable {
        return Err(err);
    }
    let (count, requests) = (judged.fine.len(), requests_on_stages(&judged.fine));
    let message = msg!("probe-expected", how, key, count, requests);
    Ok(Verdict::pass(message).with("api_id", &api.id).with("as_expected", &fine))
}

validator! {
    /// A request without an API key to each listed method on each listed stage is refused by API Gateway:
    /// 403 with body `{"message":"Forbidden"}`.
    ///
    /// Why: "API Key Required" only takes effect once the API is redeployed; this probes the deployed stages, so
    /// it fails when the student set the flag but forgot to deploy. Path parameters (`{ID}`) are filled from
    /// `path_values` (default `"1"`). Probes go to the stage's invoke URL (see `--invoke-url-template`).
    ///
    /// ```toml
    /// validator = "unauthenticated_request_forbidden"
    /// params = { api = "ItemsAPI", stages = ["dev", "prod"], requests = ["GET /items", "GET /items/{ID}"] }
    /// ```
    pub struct UnauthenticatedRequestForbidden {
        /// REST API name.
        pub api: String,
        /// Stages to probe.
        pub stages: Vec<String>,
        /// Requests as `"VERB /resource/path"`.
        pub requests: Vec<MethodRef>,
        /// Values for path parameters, e.g. `{ ID = "42" }`.
        #[serde(default)]
        pub path_values: BTreeMap<String, String>,
    }
}

impl UnauthenticatedRequestForbidden {
    fn specs(&self) -> Vec<Planned> {
        probe_specs(&self.api, &self.stages, &self.requests, &self.path_values, None)
    }
}

/// The API, its stages (to tell an undeployed stage from a wrong answer) and each probe.
fn probe_needs(api: &str, planned: Vec<Planned>) -> Vec<Read> {
    let mut needs =
        vec![Read::from(apigateway::Read::RestApis), Read::from(apigateway::Read::Stages { api: api.to_owned() })];
    needs.extend(planned.into_iter().map(|p| Read::from(probes::Read::Probe(p.spec))));
    needs
}

impl Validator for UnauthenticatedRequestForbidden {
    fn reads(&self) -> Vec<Read> {
        probe_needs(&self.api, self.specs())
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("probes[].outcome.status"),
            Judged::field("probes[].outcome.body"),
            Judged::field("stages[].name"),
            Judged::items("stages"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let planned = self.specs();
        judge_apis_named(facts, &self.api, |api| {
            let judged = judge_probes(facts, api, &planned, |_, outcome| match outcome {
                ProbeOutcome::Response(r) if is_api_gateway_forbidden(r) => None,
                ProbeOutcome::Response(r) => Some(describe(r)),
                ProbeOutcome::NoSuchApiKey { .. } => Some(msg!("probe-no-key-asked")),
            })?;
            conclude(api, judged, Sent { how: "unauthenticated", key: "" })
        })
    }
}

validator! {
    /// A request with the named API key's value in `x-api-key` to each listed method on each listed stage gets
    /// the backend's answer: a 2xx status with a JSON body.
    ///
    /// Why: proves the key, the usage plan, the stages and the integration fit together end to end, as the lab
    /// text does ("you should see the JSON output"). A 403 means the key was refused; a 5xx from API Gateway
    /// (502 "Internal server error" for a Lambda proxy answer it cannot read, 500 when it may not call the
    /// function or calls it with GET, 504 on a time-out) means the key was taken but the integration is broken:
    /// both fail, naming the status and the stage. The key's value is read through the API for the request and
    /// is never printed or stored.
    ///
    /// ```toml
    /// validator = "authenticated_request_accepted"
    /// params = { api = "ItemsAPI", stages = ["dev", "prod"], requests = ["GET /items"], api_key = "LabKey" }
    /// ```
    pub struct AuthenticatedRequestAccepted {
        /// REST API name.
        pub api: String,
        /// Stages to probe.
        pub stages: Vec<String>,
        /// Requests as `"VERB /resource/path"`.
        pub requests: Vec<MethodRef>,
        /// Name of the API key whose value is sent.
        pub api_key: String,
        /// Values for path parameters, e.g. `{ ID = "42" }`.
        #[serde(default)]
        pub path_values: BTreeMap<String, String>,
    }
}

impl AuthenticatedRequestAccepted {
    fn specs(&self) -> Vec<Planned> {
        probe_specs(&self.api, &self.stages, &self.requests, &self.path_values, Some(&self.api_key))
    }
}

impl Validator for AuthenticatedRequestAccepted {
    fn reads(&self) -> Vec<Read> {
        probe_needs(&self.api, self.specs())
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("probes[].outcome.status"),
            Judged::field("probes[].outcome.body"),
            Judged::field("probes[].outcome.headers.content-type"),
            Judged::field("stages[].name"),
            Judged::items("stages"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let planned = self.specs();
        let mut statuses = BTreeMap::new();
        let mut no_key = false;
        let verdict = judge_apis_named(facts, &self.api, |api| {
            let judged = judge_probes(facts, api, &planned, |probe, outcome| match outcome {
                ProbeOutcome::NoSuchApiKey { .. } => {
                    no_key = true;
                    Some(msg!("probe-not-sent"))
                }
                ProbeOutcome::Response(r) => {
                    statuses.insert(format!("{} on {}", probe.request, probe.spec.stage), r.status);
                    judge_backend_answer(r)
                }
            })?;
            conclude(api, judged, Sent { how: "authenticated", key: &self.api_key })
        })?;
        if no_key {
            return Ok(Verdict::fail(msg!("probe-key-missing", key = &self.api_key)));
        }
        Ok(verdict.with("statuses", statuses))
    }
}

/// What is wrong with an answer to an authenticated request, or `None` for the backend's JSON answer (2xx).
fn judge_backend_answer(response: &ProbeResponse) -> Option<Message> {
    match response.status {
        200..=299 if response.is_json() => None,
        200..=299 => Some(msg!("probe-not-json", answer = describe(response))),
        500..=599 => Some(msg!("probe-backend-failed", answer = describe(response))),
        _ => Some(describe(response)),
    }
}

validator! {
    /// A CORS preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`) to the path on the deployed
    /// stage answers with an `Access-Control-Allow-Origin` header.
    ///
    /// Why: the OPTIONS methods only work for browsers once deployed; this asks the stage itself.
    ///
    /// ```toml
    /// validator = "cors_preflight_allows_origin"
    /// params = { api = "ItemsAPI", stage = "prod", path = "/items" }
    /// ```
    pub struct CorsPreflightAllowsOrigin {
        /// REST API name.
        pub api: String,
        /// Stage to probe.
        pub stage: String,
        /// Resource path (path parameters filled from `path_values`, default `"1"`).
        pub path: String,
        /// Values for path parameters.
        #[serde(default)]
        pub path_values: BTreeMap<String, String>,
    }
}

impl CorsPreflightAllowsOrigin {
    fn specs(&self) -> Vec<Planned> {
        let request = MethodRef { method: "OPTIONS".into(), path: self.path.clone() };
        probe_specs(&self.api, std::slice::from_ref(&self.stage), &[request], &self.path_values, None)
    }
}

impl Validator for CorsPreflightAllowsOrigin {
    fn reads(&self) -> Vec<Read> {
        probe_needs(&self.api, self.specs())
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("probes[].outcome.headers.access-control-allow-origin"),
            Judged::field("stages[].name"),
            Judged::items("stages"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let planned = self.specs();
        judge_apis_named(facts, &self.api, |api| {
            let judged = judge_probes(facts, api, &planned, |_, outcome| match outcome {
                ProbeOutcome::Response(r) if r.headers.contains_key("access-control-allow-origin") => None,
                ProbeOutcome::Response(r) => Some(msg!("probe-no-allow-origin", status = r.status.to_string())),
                ProbeOutcome::NoSuchApiKey { .. } => Some(msg!("probe-no-key-asked")),
            })?;
            conclude(api, judged, Sent { how: "preflight", key: "" })
        })
    }
}

#[cfg(test)]
mod tests;
