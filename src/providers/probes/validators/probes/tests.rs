use super::*;
use crate::facts::FactErrorKind;
use crate::providers::apigateway::Stage;
use crate::providers::probes::ProbeRecord;

fn stage(name: &str) -> Stage {
    Stage {
        name: name.into(),
        deployment_id: Some("d1".into()),
        variables: BTreeMap::new(),
        cache_cluster_enabled: false,
        cache_cluster_size: None,
        method_settings: BTreeMap::new(),
    }
}

fn response(status: u16, body: &str) -> ProbeOutcome {
    ProbeOutcome::Response(ProbeResponse { status, body: body.into(), headers: BTreeMap::new() })
}

/// Facts for API a1 with the given stages and one probe outcome per spec, from `answer(spec)`.
fn facts(
    planned: &[Planned],
    stages: &[&str],
    answer: impl Fn(&ProbeSpec) -> Result<ProbeOutcome, FactError>,
) -> Facts {
    let mut f = Facts {
        apigateway: crate::providers::apigateway::Facts {
            rest_apis: Some(Ok(vec![RestApi { id: "a1".into(), name: "ItemsAPI".into(), description: None }])),
            ..Default::default()
        },
        ..Facts::default()
    };
    f.apigateway.stages.insert("a1".into(), Ok(stages.iter().map(|s| stage(s)).collect()));
    for Planned { spec, .. } in planned {
        f.probes.probes.push(ProbeRecord {
            spec: spec.clone(),
            api_id: "a1".into(),
            url: format!("http://example.test/{}{}", spec.stage, spec.path),
            outcome: answer(spec),
        });
    }
    f
}

fn unauth() -> UnauthenticatedRequestForbidden {
    UnauthenticatedRequestForbidden {
        api: "ItemsAPI".into(),
        stages: vec!["dev".into(), "prod".into()],
        requests: vec!["GET /items".parse().unwrap(), "GET /items/{ID}".parse().unwrap()],
        path_values: BTreeMap::new(),
    }
}

#[test]
fn fill_path_uses_values_and_default() {
    let values = BTreeMap::from([("ID".to_owned(), "42".to_owned())]);
    assert_eq!(fill_path("/items/{ID}", &values), "/items/42");
    assert_eq!(fill_path("/items/{ID}/x/{other+}", &BTreeMap::new()), "/items/1/x/1");
    assert_eq!(fill_path("/items", &values), "/items");
}

#[test]
fn forbidden_everywhere_passes_whatever_the_json_spacing() {
    let c = unauth();
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(response(403, "{\"message\": \"Forbidden\"}")));
    let v = c.evaluate(&f).unwrap();
    assert!(v.passed, "{}", v.message);
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(response(403, "{\"message\":\"Forbidden\"}")));
    assert!(c.evaluate(&f).unwrap().passed);
}

#[test]
fn open_stage_fails_naming_it() {
    let c = unauth();
    let f = facts(&c.specs(), &["dev", "prod"], |s| {
        Ok(if s.stage == "prod" {
            response(200, "{\"items\": []}")
        } else {
            response(403, "{\"message\":\"Forbidden\"}")
        })
    });
    let v = c.evaluate(&f).unwrap();
    assert!(!v.passed);
    assert_eq!(v.message, "without an API key, GET /items and GET /items/{ID} on prod answered 200 {\"items\": []}");
}

#[test]
fn missing_authentication_token_is_not_forbidden() {
    let c = unauth();
    let f =
        facts(&c.specs(), &["dev", "prod"], |_| Ok(response(403, "{\"message\":\"Missing Authentication Token\"}")));
    assert!(!c.evaluate(&f).unwrap().passed);
}

#[test]
fn undeployed_stage_fails() {
    let c = unauth();
    let f = facts(&c.specs(), &["dev"], |_| Ok(response(403, "{\"message\":\"Forbidden\"}")));
    assert_eq!(c.evaluate(&f).unwrap().message, "stage prod of ItemsAPI is not deployed");
}

#[test]
fn unsent_probe_is_an_error_unless_another_probe_already_fails() {
    let c = unauth();
    let net = FactError::new(FactErrorKind::Network, "probe GET", "connection refused");
    let f = facts(&c.specs(), &["dev", "prod"], |_| Err(net.clone()));
    assert_eq!(c.evaluate(&f).unwrap_err(), net);
    let f =
        facts(
            &c.specs(),
            &["dev", "prod"],
            |s| {
                if s.stage == "dev" { Err(net.clone()) } else { Ok(response(200, "{}")) }
            },
        );
    assert!(!c.evaluate(&f).unwrap().passed);
}

fn auth() -> AuthenticatedRequestAccepted {
    AuthenticatedRequestAccepted {
        api: "ItemsAPI".into(),
        stages: vec!["dev".into(), "prod".into()],
        requests: vec!["GET /items".parse().unwrap()],
        api_key: "LabKey".into(),
        path_values: BTreeMap::new(),
    }
}

#[test]
fn the_functions_json_answer_passes() {
    let c = auth();
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(response(200, "{\"items\": []}")));
    let v = c.evaluate(&f).unwrap();
    assert!(v.passed, "{}", v.message);
    assert_eq!(v.message, "with key LabKey, GET /items on dev and prod answered the backend's JSON");
    assert_eq!(v.evidence["statuses"]["GET /items on prod"], 200);
}

/// The shipped solved case used to answer 502 "Internal server error" everywhere and pass: a broken
/// integration is not a working API.
#[test]
fn an_integration_that_fails_fails_naming_the_status_and_the_stage() {
    let c = auth();
    for (status, body) in [(502, "{\"message\": \"Internal server error\"}"), (500, ""), (504, "")] {
        let f = facts(&c.specs(), &["dev", "prod"], |s| {
            Ok(if s.stage == "dev" { response(200, "[]") } else { response(status, body) })
        });
        let v = c.evaluate(&f).unwrap();
        assert!(!v.passed, "{status}: {}", v.message);
        let answer = if body.is_empty() { status.to_string() } else { format!("{status} {body}") };
        assert_eq!(
            v.message.to_string(),
            format!(
                "with key LabKey, GET /items on prod answered {answer}: the key was taken, but the integration behind the method failed"
            )
        );
    }
}

#[test]
fn an_answer_that_is_not_the_backends_json_fails() {
    let c = auth();
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(response(200, "<html>hello</html>")));
    let v = c.evaluate(&f).unwrap();
    assert_eq!(
        v.message,
        "with key LabKey, GET /items on dev and prod answered 200 <html>hello</html>, not the JSON the backend answers"
    );
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(response(404, "{\"message\":\"Not Found\"}")));
    assert!(!c.evaluate(&f).unwrap().passed);
}

/// Evidence keeps the start of a body only: a long JSON answer, cut, is still judged JSON.
#[test]
fn a_long_json_answer_cut_for_evidence_is_still_json() {
    let long = format!("{{\"items\": [{}]}}", vec!["{\"id\": 1}"; 40].join(", "));
    let mut cut = ProbeResponse {
        status: 200,
        body: long.chars().take(BODY_SHOWN + 1).collect(),
        headers: BTreeMap::from([("content-type".to_owned(), "application/json".to_owned())]),
    };
    assert!(cut.json().is_none() && cut.is_json());
    cut.headers.clear();
    assert!(!cut.is_json(), "a cut body is JSON only when labelled so");
}

#[test]
fn rejected_key_fails() {
    let c = auth();
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(response(403, "{\"message\":\"Forbidden\"}")));
    let v = c.evaluate(&f).unwrap();
    assert_eq!(v.message, "with key LabKey, GET /items on dev and prod answered 403 {\"message\":\"Forbidden\"}");
}

#[test]
fn missing_key_fails() {
    let c = auth();
    let f = facts(&c.specs(), &["dev", "prod"], |_| Ok(ProbeOutcome::NoSuchApiKey { name: "LabKey".into() }));
    assert_eq!(c.evaluate(&f).unwrap().message, "there is no API key named LabKey to send");
}

#[test]
fn preflight_needs_the_allow_origin_header() {
    let c = CorsPreflightAllowsOrigin {
        api: "ItemsAPI".into(),
        stage: "prod".into(),
        path: "/items".into(),
        path_values: BTreeMap::new(),
    };
    let f = facts(&c.specs(), &["prod"], |_| Ok(response(403, "{\"message\":\"Missing Authentication Token\"}")));
    assert_eq!(
        c.evaluate(&f).unwrap().message,
        "as a CORS preflight, OPTIONS /items on prod answered 403 without Access-Control-Allow-Origin"
    );
    let f = facts(&c.specs(), &["prod"], |_| {
        let headers = BTreeMap::from([("access-control-allow-origin".to_owned(), "*".to_owned())]);
        Ok(ProbeOutcome::Response(ProbeResponse { status: 200, body: String::new(), headers }))
    });
    assert_eq!(
        c.evaluate(&f).unwrap().message,
        "as a CORS preflight, OPTIONS /items on prod answered with Access-Control-Allow-Origin"
    );
}

#[test]
fn needs_cover_every_probe() {
    let needs = unauth().reads();
    assert_eq!(needs.iter().filter(|n| matches!(n, Read::Probes(probes::Read::Probe(_)))).count(), 4);
    assert!(needs.contains(&Read::from(probes::Read::Probe(ProbeSpec {
        api: "ItemsAPI".into(),
        stage: "prod".into(),
        method: "GET".into(),
        path: "/items/1".into(),
        api_key: None
    }))));
}
