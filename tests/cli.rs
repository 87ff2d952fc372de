//! Bad invocations: each is one line on stderr naming what to fix, exit code 2, nothing checked or written.

mod common;

use std::process::Command;

use common::{Output, repo_path, run};

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
    let good = std::fs::read_to_string(repo_path("checks/apigw-items.toml")).unwrap();
    let path = broken_lab(&good.replace("validator = \"usage_plan_key_exists\"", "validator = \"usage_plan_key\""));
    for command in ["run", "list"] {
        let out = run(labcheck(&[command, path.to_str().unwrap()]));
        assert_usage_error(&out, "broken.toml:");
        assert!(out.stderr.contains("unknown validator `usage_plan_key`"), "{}", out.stderr);
    }
}

#[test]
fn unknown_step() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--step", "api-key"]));
    assert_usage_error(&out, "unknown step `api-key`; did you mean `api-keys`?");
}

#[test]
fn missing_region() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml"]));
    assert_usage_error(&out, "no AWS region: pass --region, set AWS_REGION");
}

#[test]
fn missing_credentials() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--region", "us-east-1"]));
    assert_usage_error(&out, "no usable AWS credentials");
    assert!(out.stderr.contains("aws sso login"), "says how to provide them: {}", out.stderr);
}

#[test]
fn unknown_profile() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--region", "us-east-1", "--profile", "nobody"]));
    assert_usage_error(&out, "no usable AWS credentials");
    assert!(out.stderr.contains("nobody"), "{}", out.stderr);
}

#[test]
fn bad_invoke_url_template() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--invoke-url-template", "http://x/{stage}"]));
    assert_usage_error(&out, "--invoke-url-template: invoke URL template `http://x/{stage}` has no {api_id}");
}

#[test]
fn unwritable_output_fails_before_grading() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--output", "/nonexistent-dir/report.json"]));
    assert_usage_error(&out, "cannot write /nonexistent-dir/report.json");
}

#[test]
fn unknown_flag_and_bad_format() {
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--colour"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unexpected argument '--colour'"), "{}", out.stderr);
    let out = run(labcheck(&["run", "checks/apigw-items.toml", "--format", "xml"]));
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
    let out = run(labcheck(&["list", "checks/apigw-items.toml"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("API Gateway and Lambda: the Items API (apigw-items) · 26 checks · 26 points"));
    assert!(out.stdout.contains("Creating API Keys and Usage Plans  [api-keys]"));
    assert!(out.stdout.contains("usage-plan-created"));
    assert!(out.stdout.contains("(1 point, usage_plan_exists)"));
}

#[test]
fn explain_shows_what_a_check_verifies() {
    let out = run(labcheck(&["explain", "checks/apigw-items.toml", "prod-alias-on-version"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("The prod alias points at a published version  (prod-alias-on-version)"));
    assert!(out.stdout.contains("step:      Versioning and Aliasing the Lambda Function (versions-aliases)"));
    assert!(out.stdout.contains("needs:     lambda-aliases-created, lambda-version-published"));
    assert!(out.stdout.contains("validator: lambda_alias_targets_published_version"));
    assert!(out.stdout.contains("alias = \"prod\""));
    assert!(out.stdout.contains("hint:      Edit the prod alias"));
    let out = run(labcheck(&["explain", "checks/apigw-items.toml", "prod-alias-on-versoin"]));
    assert_usage_error(&out, "no check `prod-alias-on-versoin`; did you mean `prod-alias-on-version`?");
}
