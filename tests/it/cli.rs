//! Bad invocations: each is one line on stderr naming what to fix, exit code 2, nothing checked or written.

use std::process::Command;

use crate::common::{Output, repo_path, run};

/// `labcheck` with no AWS configuration from the machine at all.
fn labcheck(args: &[&str]) -> Command {
    let home = tempfile::tempdir().unwrap().keep();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_labcheck"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args);
    cmd
}

fn assert_usage_error(out: &Output, expected: &str) {
    assert_eq!(out.code, 2, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", out.stdout);
    let line = out.stderr.trim_end();
    assert!(!line.contains('\n'), "one line: {line}");
    assert!(line.contains(expected), "`{line}` does not contain `{expected}`");
}

fn broken_lab(text: &str) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join("broken.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn missing_lab_file() {
    let out = run(labcheck(&["run", "checks/nope.toml"]));
    assert_usage_error(&out, "labcheck: error: checks/nope.toml: cannot read lab file");
}

#[test]
fn broken_lab_file_names_file_and_line() {
    let good = std::fs::read_to_string(repo_path("checks/apigw-items/lab.toml")).unwrap();
    let path = broken_lab(&good.replace("validator = \"usage_plan_key_exists\"", "validator = \"usage_plan_key\""));
    for command in ["run", "list"] {
        let out = run(labcheck(&[command, path.to_str().unwrap()]));
        assert_usage_error(&out, "broken.toml:");
        assert!(out.stderr.contains("unknown validator `usage_plan_key`"), "{}", out.stderr);
    }
}

#[test]
fn unknown_step() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--step", "api-key"]));
    assert_usage_error(&out, "unknown step `api-key`; did you mean `api-keys`?");
}

#[test]
fn missing_region() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml"]));
    assert_usage_error(&out, "no AWS region: pass --region, set AWS_REGION");
}

#[test]
fn missing_credentials() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--region", "us-east-1"]));
    assert_usage_error(&out, "no usable AWS credentials");
    assert!(out.stderr.contains("aws sso login"), "says how to provide them: {}", out.stderr);
}

#[test]
fn an_endpoint_that_is_not_a_url_is_one_line() {
    // The SDK panicked on an empty endpoint URL; it is checked before any client is made.
    let mut cmd = labcheck(&["run", "checks/apigw-items/lab.toml", "--region", "us-east-1"]);
    cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test").env("AWS_ENDPOINT_URL", "");
    assert_usage_error(&run(cmd), "AWS_ENDPOINT_URL is set but is not a URL");
}

#[test]
fn unknown_profile() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--region", "us-east-1", "--profile", "nobody"]));
    assert_usage_error(&out, "no usable AWS credentials");
    assert!(out.stderr.contains("nobody"), "{}", out.stderr);
}

#[test]
fn bad_invoke_url_template() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--invoke-url-template", "http://x/{stage}"]));
    assert_usage_error(&out, "--invoke-url-template: invoke URL template `http://x/{stage}` has no {api_id}");
}

#[test]
fn unwritable_output_fails_before_grading() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--output", "/nonexistent-dir/report.json"]));
    assert_usage_error(&out, "cannot write /nonexistent-dir/report.json");
}

#[test]
fn unknown_flag_and_bad_format() {
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--colour"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unexpected argument '--colour'"), "{}", out.stderr);
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--format", "xml"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid value 'xml'"), "{}", out.stderr);
}

#[test]
fn validators_lists_the_registry() {
    let out = run(labcheck(&["validators"]));
    assert_eq!(out.code, 0);
    for spec in labcheck::validators::REGISTRY {
        assert!(out.stdout.contains(spec.name), "{} missing", spec.name);
        assert!(out.stdout.contains(&spec.summary()), "{} summary missing", spec.name);
    }
    let out = run(labcheck(&["validators", "--verbose"]));
    assert!(out.stdout.contains("params = { name = \"CloudAcademyPlan\""), "{}", out.stdout);
}

#[test]
fn list_shows_steps_checks_and_points() {
    let out = run(labcheck(&["list", "checks/apigw-items/lab.toml"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("API Gateway and Lambda: the Items API (apigw-items) · 26 checks · 26 points"));
    assert!(out.stdout.contains("Creating API Keys and Usage Plans  [api-keys]"));
    assert!(out.stdout.contains("usage-plan-created"));
    assert!(out.stdout.contains("(1 point, usage_plan_exists)"));
}

#[test]
fn explain_shows_what_a_check_verifies() {
    let out = run(labcheck(&["explain", "checks/apigw-items/lab.toml", "prod-alias-on-version"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("The prod alias points at a published version  (prod-alias-on-version)"));
    assert!(out.stdout.contains("step:      Versioning and Aliasing the Lambda Function (versions-aliases)"));
    assert!(out.stdout.contains("needs:     lambda-aliases-created, lambda-version-published"));
    assert!(out.stdout.contains("validator: lambda_alias_targets_published_version"));
    assert!(out.stdout.contains("alias = \"prod\""));
    assert!(out.stdout.contains("hint:      Edit the prod alias"));
    let out = run(labcheck(&["explain", "checks/apigw-items/lab.toml", "prod-alias-on-versoin"]));
    assert_usage_error(&out, "no check `prod-alias-on-versoin`; did you mean `prod-alias-on-version`?");
}

#[test]
fn grades_a_shipped_snapshot_with_no_aws_at_all() {
    let out = run(labcheck(&[
        "run",
        "checks/apigw-items/lab.toml",
        "--from",
        "checks/apigw-items/cases/not-redeployed.json",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let check =
        report["checks"].as_array().unwrap().iter().find(|c| c["id"] == "unauthenticated-get-forbidden").unwrap();
    assert_eq!(check["status"], "fail");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .starts_with("without an API key, GET /items and GET /items/{ID} on dev and prod answered")
    );
    assert_eq!(report["stats"]["api_calls_total"], 0, "nothing is read from AWS");
}

#[test]
fn bad_snapshots_are_one_line_errors() {
    let complete = std::fs::read_to_string(repo_path("checks/apigw-items/cases/complete.json")).unwrap();
    let truncated = broken_lab(&complete[..complete.len() / 3]);
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--from", truncated.to_str().unwrap()]));
    assert_usage_error(&out, "snapshot is cut short");
    let future = broken_lab(&complete.replace("\"schema_version\": 1,", "\"schema_version\": 9,"));
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--from", future.to_str().unwrap()]));
    assert_usage_error(&out, "snapshot schema_version 9 is newer than this labcheck reads (1); upgrade labcheck");
    let report = broken_lab("{\"schema_version\": 1, \"outcome\": \"pass\"}");
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--from", report.to_str().unwrap()]));
    assert_usage_error(&out, "not a labcheck snapshot");
    let out = run(labcheck(&["run", "checks/apigw-pets/lab.toml", "--from", "checks/apigw-items/cases/complete.json"]));
    assert_usage_error(&out, "was taken for lab `apigw-items`, not `apigw-pets`");
    let out = run(labcheck(&[
        "run",
        "checks/apigw-items/lab.toml",
        "--from",
        "checks/apigw-items/cases/complete.json",
        "--wait",
        "5",
    ]));
    assert_eq!(out.code, 2, "--from and --wait conflict: {}", out.stderr);
    // A device or a pipe is read up to the limit, not until memory runs out.
    let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--from", "/dev/zero"]));
    assert_usage_error(&out, "larger than the limit of 67108864 bytes");
}

#[test]
fn shipped_lab_expectations_hold() {
    // Every lab under checks/, each lab folder with its cases beside it.
    let out = run(labcheck(&["test", "checks"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("ok      apigw-items/complete (26 checks)"), "{}", out.stdout);
    assert!(out.stdout.trim_end().ends_with("labcheck test: 27 passed, 0 failed"), "{}", out.stdout);
    // One lab.
    let out = run(labcheck(&["test", "checks/apigw-items"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("ok      complete (26 checks)"), "{}", out.stdout);
}

#[test]
fn policy_prints_what_a_lab_reads_and_nothing_more() {
    let out = run(labcheck(&["policy", "checks/s3-website"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let policy: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut actions: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Action"] {
            serde_json::Value::String(a) => vec![a.clone()],
            many => many.as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect(),
        })
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "s3:GetAccountPublicAccessBlock",
            "s3:GetBucketPolicy",
            "s3:GetBucketPublicAccessBlock",
            "s3:GetBucketVersioning",
            "s3:GetBucketWebsite",
            "s3:GetLifecycleConfiguration",
            "s3:ListAllMyBuckets",
            "s3:ListBucket",
            "sts:GetCallerIdentity"
        ]
    );
    // Every provider's reads, as shipped.
    let out = run(labcheck(&["policy", "--all"]));
    let shipped = std::fs::read_to_string(repo_path("iam/labcheck-readonly-policy.json")).unwrap();
    let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    assert_eq!(parse(&out.stdout), parse(&shipped));
    assert_eq!(run(labcheck(&["policy"])).code, 2, "a lab or --all is required");
    assert_usage_error(&run(labcheck(&["policy", "checks/nope"])), "checks/nope");
}

#[test]
fn a_broken_expectation_fails_the_lab_test() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["complete.json", "complete.expected.toml"] {
        std::fs::copy(repo_path("checks/apigw-items/cases").join(name), dir.path().join(name)).unwrap();
    }
    let expected = dir.path().join("complete.expected.toml");
    // Away from its lab folder, a case names its lab.
    let lab = repo_path("checks/apigw-items/lab.toml");
    let text = format!("lab = {:?}\n{}", lab.to_str().unwrap(), std::fs::read_to_string(&expected).unwrap());
    std::fs::write(&expected, text.replace("cors-preflight = \"pass\"", "cors-preflight = \"fail\"")).unwrap();
    let out = run(labcheck(&["test", dir.path().to_str().unwrap()]));
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("FAILED  complete"), "{}", out.stdout);
    assert!(out.stdout.contains("cors-preflight: expected fail, got pass"), "{}", out.stdout);
    assert!(out.stdout.contains("labcheck test: 0 passed, 1 failed"), "{}", out.stdout);
    let out = run(labcheck(&["test", "src"]));
    assert_usage_error(&out, "no *.expected.toml cases here");
}

#[test]
fn a_lab_check_written_as_a_query_passes_and_fails_on_snapshots() {
    let lab = broken_lab(
        r#"
[lab]
id = "apigw-items"
title = "Items lab, with checks written as queries"

[[steps]]
id = "extra"
title = "Extra checks"

[[steps.checks]]
id = "plan-has-quota"
title = "The plan has a monthly quota"
validator = "facts_query"
hint = "Enable a monthly quota on the plan."
params = { reads = ["usage_plans"], query = "usage_plans[?name=='CloudAcademyPlan'].quota.period | [0]", expect = "MONTH", message = "the plan has no monthly quota" }

[[steps.checks]]
id = "prod-caches"
title = "prod caches GET requests"
validator = "facts_query"
hint = "Enable caching on prod."
params = { reads = ["stages:ItemsAPI"], query = "values(stages)[0][?name=='prod'].method_settings.\"*/*\".caching_enabled | [0]", expect = true }
"#,
    );
    let grade = |snapshot: &str| {
        let out = run(labcheck(&["run", lab.to_str().unwrap(), "--from", snapshot, "--format", "json"]));
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|_| panic!("{}", out.stderr));
        let statuses: Vec<(String, String)> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["status"].as_str().unwrap().to_owned(), c["message"].as_str().unwrap().to_owned()))
            .collect();
        (out.code, statuses)
    };
    let (code, statuses) = grade("checks/apigw-items/cases/complete.json");
    assert_eq!(code, 0, "{statuses:?}");
    let (code, statuses) = grade("checks/apigw-items/cases/cleaned-up.json");
    assert_eq!(code, 1);
    assert_eq!(statuses[0].0, "fail");
    assert_eq!(
        statuses[0].1,
        "the plan has no monthly quota (usage_plans[?name=='CloudAcademyPlan'].quota.period | [0] gave null)"
    );
    assert_eq!(statuses[1].0, "fail");
}

/// What a hostile account can put in probe answers (control sequences, forged lines, `]]>`, bidi overrides) reaches
/// every format harmlessly: JUnit stays well-formed for a strict XML parser (Python's expat), the checklist shows
/// no control character and no forged line, and JSON keeps the text exact.
#[test]
fn hostile_answers_break_no_output_format() {
    let nasty = "<html>]]> \u{1b}[2J\u{1b}]0;owned\u{7}\n  ✔ Forged check 1/1\r\u{0}\u{202e}exe.gnp\u{1}";
    let text = std::fs::read_to_string(repo_path("checks/apigw-items/cases/not-redeployed.json")).unwrap();
    let mut snapshot: serde_json::Value = serde_json::from_str(&text).unwrap();
    for probe in snapshot["facts"]["probes"].as_array_mut().unwrap() {
        if let Some(response) = probe["outcome"]["Ok"].as_object_mut() {
            response.insert("body".into(), serde_json::json!(nasty));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.json");
    std::fs::write(&path, snapshot.to_string()).unwrap();
    let from = path.to_str().unwrap();
    let grade = |format: &str| {
        let out = run(labcheck(&["run", "checks/apigw-items/lab.toml", "--from", from, "--format", format]));
        assert_eq!(out.code, 1, "{}", out.stderr);
        out.stdout
    };

    let junit = grade("junit");
    let xml = dir.path().join("junit.xml");
    std::fs::write(&xml, &junit).unwrap();
    let parsed = Command::new("python3")
        .args(["-c", "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(len(d.getElementsByTagName('testcase')))"])
        .arg(&xml)
        .output()
        .expect("python3 runs");
    assert!(parsed.status.success(), "expat refuses it: {}\n{junit}", String::from_utf8_lossy(&parsed.stderr));
    assert_eq!(String::from_utf8_lossy(&parsed.stdout).trim(), "26");

    let human = grade("human");
    assert!(!human.contains(['\u{1b}', '\u{7}', '\r', '\u{0}', '\u{1}', '\u{202e}']), "{human:?}");
    assert!(!human.contains("\n  ✔ Forged"), "no forged line:\n{human}");
    assert!(human.contains("\\u{1b}[2J"), "shown escaped:\n{human}");

    let json: serde_json::Value = serde_json::from_str(&grade("json")).unwrap();
    let message = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "unauthenticated-get-forbidden")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("]]> \u{1b}[2J"), "JSON keeps the text exact: {message:?}");
}

/// TAP version 14 read by a real consumer (tap-parser from npm, strict): the plan, every point, failures with their
/// YAML diagnostics, skips.
#[test]
fn tap_is_read_by_a_tap_14_parser() {
    let parse = |case: &str, steps: &[&str]| {
        let from = format!("checks/apigw-items/cases/{case}.json");
        let mut args = vec!["run", "checks/apigw-items", "--from", from.as_str(), "--format", "tap"];
        args.extend(steps.iter().flat_map(|s| ["--step", s]));
        let out = run(labcheck(&args));
        let parser = repo_path("tests/consumers/node_modules/.bin/tap-parser");
        let mut child = Command::new(&parser)
            .args(["--strict", "-j", "0"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{} runs (scripts/test.sh installs it): {e}", parser.display()));
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(out.stdout.as_bytes()).unwrap();
        let parsed = child.wait_with_output().unwrap();
        let events: Vec<serde_json::Value> = serde_json::from_slice(&parsed.stdout).unwrap();
        let complete = events.iter().find(|e| e[0] == "complete").expect("a complete event")[1].clone();
        (out.code, complete)
    };
    let (code, complete) = parse("not-redeployed", &[]);
    assert_eq!(code, 1);
    assert_eq!((complete["ok"].as_bool(), complete["count"].as_u64()), (Some(false), Some(26)), "{complete}");
    assert_eq!((complete["pass"].as_u64(), complete["fail"].as_u64()), (Some(21), Some(5)), "{complete}");
    let failure = &complete["failures"][0];
    assert_eq!(failure["diag"]["status"], "fail", "{failure}");
    assert!(failure["diag"]["hint"].as_str().is_some_and(|h| !h.is_empty()), "{failure}");
    let (code, complete) = parse("cleaned-up", &["cleanup"]);
    assert_eq!(code, 0);
    assert_eq!((complete["ok"].as_bool(), complete["pass"].as_u64()), (Some(true), Some(4)), "{complete}");
    let (_, complete) = parse("open-method", &["api-keys"]);
    assert!(complete["skip"].as_u64().unwrap() >= 1, "skips are counted: {complete}");
}

/// JUnit read by a real consumer (junitparser from PyPI): totals, per-suite counts with skips, and each case's
/// points and hint as properties.
#[test]
fn junit_is_read_by_junitparser() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("junit.xml");
    let from = "checks/apigw-items/cases/open-method.json";
    let out = run(labcheck(&["run", "checks/apigw-items", "--from", from, "--format", "junit"]));
    std::fs::write(&xml, &out.stdout).unwrap();
    let script = r#"
import json, sys
from junitparser import JUnitXml
import xml.etree.ElementTree as ET
doc = JUnitXml.fromfile(sys.argv[1])
suites = [{"name": s.name, "tests": s.tests, "failures": s.failures, "errors": s.errors, "skipped": s.skipped} for s in doc]
root = ET.parse(sys.argv[1]).getroot()
cases = {c.get("name"): {p.get("name"): p.get("value") for p in c.iter("property")} for c in root.iter("testcase")}
print(json.dumps({"tests": doc.tests, "failures": doc.failures, "errors": doc.errors, "skipped": doc.skipped,
                  "suites": suites, "cases": cases}))
"#;
    let python = repo_path(".emulators/consumers/bin/python");
    let parsed = Command::new(&python).args(["-c", script]).arg(&xml).output().unwrap_or_else(|e| {
        panic!("{} runs (scripts/test.sh installs it): {e}", python.display());
    });
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    let read: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let report: labcheck::model::Report =
        serde_json::from_str(&run(labcheck(&["run", "checks/apigw-items", "--from", from, "--format", "json"])).stdout)
            .unwrap();
    let s = &report.summary;
    assert_eq!(read["tests"], 26);
    assert_eq!((read["failures"].as_u64(), read["errors"].as_u64()), (Some(s.failed as u64), Some(s.errors as u64)));
    assert_eq!(read["skipped"].as_u64(), Some(s.skipped as u64), "{read}");
    let api_keys = read["suites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().starts_with("api-keys"))
        .unwrap();
    assert!(api_keys["skipped"].as_u64().unwrap() >= 1, "skips counted per suite: {api_keys}");
    let failed = report.checks.iter().find(|c| c.status == labcheck::model::Status::Fail).unwrap();
    let properties = &read["cases"][format!("{} ({})", failed.title, failed.id)];
    assert_eq!(properties["points"], "0");
    assert_eq!(properties["max_points"], failed.max_points.to_string());
    assert_eq!(properties["hint"].as_str(), failed.hint.as_deref());
}

/// Gradescope's documented `results.json` fields: the score is the tests' sum, each test has a name, a score within
/// its max_score, `passed`/`failed`, and a visibility Gradescope knows.
#[test]
fn gradescope_results_have_the_documented_fields() {
    let from = "checks/apigw-items/cases/not-redeployed.json";
    let out = run(labcheck(&["run", "checks/apigw-items", "--from", from, "--format", "gradescope"]));
    let results: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 26);
    let sum: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap()).sum();
    assert_eq!(results["score"].as_u64(), Some(sum));
    assert_eq!(sum, 21);
    let visibilities = ["hidden", "after_due_date", "after_published", "visible"];
    assert!(visibilities.contains(&results["visibility"].as_str().unwrap()));
    for test in tests {
        assert!(test["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(test["score"].as_u64() <= test["max_score"].as_u64());
        assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()), "{test}");
        assert!(visibilities.contains(&test["visibility"].as_str().unwrap()));
        assert!(test["output"].is_string());
    }
    let failed = tests.iter().find(|t| t["status"] == "failed").unwrap();
    assert!(failed["output"].as_str().unwrap().contains("Hint: "), "{failed}");
}

/// GitHub Actions: an annotation per failed check, and the Markdown checklist appended to the step summary.
#[test]
fn github_annotations_and_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let from = "checks/apigw-items/cases/not-redeployed.json";
    let mut cmd = labcheck(&["run", "checks/apigw-items", "--from", from, "--format", "github"]);
    cmd.env("GITHUB_STEP_SUMMARY", &summary);
    let out = run(cmd);
    assert_eq!(out.code, 1);
    let annotations: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::error title=")).collect();
    assert_eq!(annotations.len(), 5, "{}", out.stdout);
    assert!(out.stdout.lines().last().unwrap().contains("score 21/26"));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("earlier step\n## API Gateway and Lambda"), "appended: {written}");
    assert!(written.contains("| ❌ |"), "{written}");
}

/// The HTML report renders in a real browser (headless Chromium): the page holds the score, and a screenshot of it
/// is taken.
#[test]
fn html_renders_in_a_headless_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let from = "checks/apigw-items/cases/not-redeployed.json";
    let mut cmd = labcheck(&["run", "checks/apigw-items", "--from", from, "--format", "html", "--output"]);
    cmd.arg(&page);
    let out = run(cmd);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let chromium = |extra: &[&str]| {
        let profile = dir.path().join("profile");
        Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("chromium runs (scripts/test.sh installs it)")
    };
    let dom = chromium(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("id=\"score\">21/26<"), "the rendered page holds the score: {dom}");
    assert_eq!(dom.matches("<li class=").count(), 26, "a line per check");
    let shot = dir.path().join("report.png");
    let screenshot = format!("--screenshot={}", shot.display());
    chromium(&["--window-size=1000,1400", &screenshot]);
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
}
