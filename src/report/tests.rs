//! Snapshot tests of every output format on one report that has every status.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::model::{CheckResult, LabInfo, Outcome, StepInfo, Summary, Target};
use crate::model::{REPORT_SCHEMA_VERSION, Stats, Status};

fn check(id: &str, step: &str, status: Status, message: &str) -> CheckResult {
    let passed = status == Status::Pass;
    CheckResult {
        id: id.into(),
        step: step.into(),
        title: format!("Title <{id}> & more"),
        validator: "usage_plan_exists".into(),
        status,
        points: u32::from(passed),
        max_points: 1,
        message: message.into(),
        message_id: None,
        message_source: None,
        hint: (!passed).then(|| format!("Hint for {id}.")),
        evidence: BTreeMap::from([("usage_plan_id".to_owned(), serde_json::json!("p1"))]),
        duration: Duration::from_millis(12),
        passed_at: None,
        grading: None,
    }
}

fn sample() -> Report {
    let mut report = Report {
        lang: "en".to_owned(),
        schema_version: REPORT_SCHEMA_VERSION,
        labcheck_version: "0.0.0-test".into(),
        lab: LabInfo { id: "apigw-items".into(), title: "Items lab".into(), file: "checks/apigw-items.toml".into() },
        target: Target { account_id: Some("123456789012".into()), region: "us-east-1".into() },
        started_at: "2026-01-02T03:04:05Z".into(),
        duration: Duration::from_millis(1234),
        outcome: Outcome::Pass,
        score: 0,
        max_score: 0,
        summary: Summary::default(),
        recorded: None,
        steps: vec![
            StepInfo { id: "api-keys".into(), title: "Creating API Keys and Usage Plans".into() },
            StepInfo { id: "cors".into(), title: "Enabling CORS".into() },
        ],
        checks: vec![
            check("usage-plan-created", "api-keys", Status::Pass, "usage plan P is bound to A stages dev and prod"),
            check(
                "usage-plan-key-created",
                "api-keys",
                Status::Fail,
                "API key K exists but is not a key of usage plan P",
            ),
            check("methods", "api-keys", Status::Error, "could not read apigateway:GetResources (access denied): no"),
            check("probe", "cors", Status::Skip, "not checked: needs \"Title\" (fail) to pass first"),
        ],
        stats: Stats {
            api_calls: BTreeMap::from([
                ("apigateway:GetRestApis".to_owned(), 1),
                ("sts:GetCallerIdentity".to_owned(), 1),
            ]),
            api_calls_total: 2,
            api_requests: 3,
            probes: 4,
            round_trips: 2,
            rounds: 1,
        },
    };
    report.tally();
    report
}

#[test]
fn tally_counts_and_picks_the_outcome() {
    let report = sample();
    assert_eq!((report.score, report.max_score), (1, 4));
    assert_eq!(report.summary, Summary { passed: 1, failed: 1, errors: 1, skipped: 1 });
    assert_eq!(report.outcome, Outcome::Error);
}

/// Every listed format over the same fixture, each in its own snapshot (`snapshots/labcheck__report__tests__NAME.snap`):
/// a new format gets its snapshot by being listed.
#[test]
fn every_format_has_its_snapshot() {
    for format in FORMATS {
        insta::assert_snapshot!(format.name(), render(&sample(), *format, Style { color: false, stats: true }));
    }
}

#[test]
fn names_parse_and_unknown_names_list_the_formats() {
    assert_eq!(named("junit").unwrap().name(), "junit");
    assert_eq!(
        named("xml").unwrap_err().to_string(),
        "unknown format `xml` (human, json, junit, tap, markdown, github, gradescope, html)"
    );
    let mut names: Vec<&str> = FORMATS.iter().map(|f| f.name()).collect();
    names.dedup();
    assert_eq!(names.len(), FORMATS.len(), "names are unique");
}

#[test]
fn human_colour_only_when_asked() {
    let plain = render(&sample(), &Human, Style::default());
    assert!(!plain.contains('\x1b'));
    let coloured = render(&sample(), &Human, Style { color: true, stats: false });
    assert!(coloured.contains("\x1b[31m✘\x1b[0m"), "{coloured}");
}

#[test]
fn json_round_trips() {
    let text = render(&sample(), named("json").unwrap(), Style::default());
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, sample(), "the JSON report round-trips");
}

/// A report full of what a hostile account can put in names and bodies.
fn hostile() -> Report {
    let mut report = sample();
    let nasty = "body ]]> <x/> &amp; \u{1b}[2J\u{1b}]0;pwned\u{7}\n  ✔ Forged check  1/1\r\u{0}\u{202E}gnp.exe\u{FFFF}";
    for check in &mut report.checks {
        check.message = format!("answered {nasty}");
        check.hint = Some(nasty.to_owned());
        check.title = format!("{} {nasty}", check.title);
    }
    report.target.account_id = Some(nasty.to_owned());
    report.steps[0].title = nasty.to_owned();
    report
}

#[test]
fn hostile_text_cannot_forge_lines_or_reach_the_terminal() {
    let text = render(&hostile(), &Human, Style { color: false, stats: true });
    let plain = render(&sample(), &Human, Style { color: false, stats: true });
    assert!(!text.contains(['\u{1b}', '\u{7}', '\r', '\u{0}', '\u{202E}', '\u{FFFF}']), "{text:?}");
    assert_eq!(text.lines().count(), plain.lines().count(), "no forged lines:\n{text}");
    assert!(text.contains("\\u{1b}[2J"), "escapes stay visible");
}

#[test]
fn hostile_text_keeps_junit_well_formed() {
    let text = render(&hostile(), named("junit").unwrap(), Style::default());
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut read_back = String::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Text(t)) => read_back.push_str(&t.decode().unwrap()),
            Ok(quick_xml::events::Event::GeneralRef(r)) => read_back.push_str(&format!("&{};", r.decode().unwrap())),
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}\n{text}", reader.buffer_position()),
        }
    }
    assert!(read_back.contains("]]&gt; &lt;x/&gt;"), "the text reads back whole: {read_back}");
    assert!(!text.contains(['\u{1b}', '\u{0}', '\u{7}', '\u{FFFF}']));
}

/// Every format keeps hostile text from forging lines, escaping its structure or reaching a terminal raw.
#[test]
fn hostile_text_breaks_no_format() {
    for format in FORMATS {
        let text = render(&hostile(), *format, Style::default());
        assert!(!text.contains(['\u{1b}', '\u{7}', '\u{0}']), "{}: {text:?}", format.name());
        assert!(!text.contains("\n  ✔ Forged"), "{}: a forged line", format.name());
        // JSON documents keep the text exact (escaped by JSON's rules); every other format shows bidi controls.
        if format.content_type() != "application/json" {
            assert!(!text.contains('\u{202E}'), "{}: {text:?}", format.name());
        }
    }
    let tap = render(&hostile(), named("tap").unwrap(), Style::default());
    let points = tap.lines().filter(|l| l.starts_with("ok ") || l.starts_with("not ok ")).count();
    assert_eq!(points, hostile().checks.len(), "one test point per check:\n{tap}");
    let html = render(&hostile(), named("html").unwrap(), Style::default());
    assert!(!html.contains("<x/>") && html.contains("&lt;x/&gt;"), "escaped HTML:\n{html}");
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained");
    let markdown = render(&hostile(), named("markdown").unwrap(), Style::default());
    assert!(!markdown.contains("<x/>"), "no raw HTML:\n{markdown}");
    let rows = markdown.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| |")).count();
    assert_eq!(rows, hostile().checks.len(), "one row per check:\n{markdown}");
    let github = render(&hostile(), named("github").unwrap(), Style::default());
    assert!(github.lines().all(|l| l.starts_with("::error title=") || l.starts_with("labcheck ")), "{github}");
    let gradescope: serde_json::Value =
        serde_json::from_str(&render(&hostile(), named("gradescope").unwrap(), Style::default())).unwrap();
    assert_eq!(gradescope["tests"].as_array().unwrap().len(), hostile().checks.len());
}

#[test]
fn hostile_text_stays_valid_json() {
    let text = render(&hostile(), named("json").unwrap(), Style::default());
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, hostile(), "JSON escapes everything and keeps it exact");
}

#[test]
fn the_live_view_shows_one_hint_and_only_changes_when_piped() {
    let screen = live::screen(&sample(), std::time::Duration::from_secs(5));
    assert_eq!(screen.matches("hint: ").count(), 1, "the first failing check's hint only:\n{screen}");
    assert!(screen.contains("[#######-----------------------] 1/4"), "{screen}");
    let hostile_screen = live::screen(&hostile(), std::time::Duration::from_secs(5));
    assert!(!hostile_screen.contains(['\u{1b}', '\u{7}', '\u{0}', '\u{202E}']), "{hostile_screen:?}");
    let first = live::changes(None, &sample());
    assert_eq!(first.lines().count(), sample().checks.len() + 1, "every check, then the score:\n{first}");
    assert_eq!(live::changes(Some(&sample()), &sample()), "", "nothing changed, nothing printed");
    let mut better = sample();
    better.checks[1].status = Status::Pass;
    better.checks[1].points = 1;
    better.tally();
    let changed = live::changes(Some(&sample()), &better);
    assert!(changed.contains("(usage-plan-key-created): failed -> passed"), "{changed}");
    assert!(changed.ends_with("score 2/4\n"), "{changed}");
}
