//! The GitHub Action (`action.yml`): it and the example workflow pass GitHub's schemas (check-jsonschema's built-in
//! ones), and its own steps, read from `action.yml`, run here as the runner runs them: the install step installs the
//! wheel the test command built, and the grading step grades a LocalStack account with it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{Account, ItemsLab, repo_path};

/// The venv of check-jsonschema and ruamel.yaml (tests/action/requirements.lock), made by scripts/test.sh.
fn action_tools(program: &str) -> std::path::PathBuf {
    let path = repo_path(".emulators/action/bin").join(program);
    assert!(path.exists(), "{} is missing: run the tests with scripts/test.sh", path.display());
    path
}

#[test]
fn the_action_and_the_example_workflow_pass_githubs_schemas() {
    for (schema, file) in
        [("vendor.github-actions", "action.yml"), ("vendor.github-workflows", "examples/workflows/grade-lab.yml")]
    {
        let out = Command::new(action_tools("check-jsonschema"))
            .args(["--builtin-schema", schema, file])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// action.yml as JSON (read by ruamel.yaml, as YAML 1.2).
fn action() -> Value {
    let read =
        "import json, sys; from ruamel.yaml import YAML; print(json.dumps(YAML(typ='safe').load(open(sys.argv[1]))))";
    let out = Command::new(action_tools("python"))
        .args(["-c", read, "action.yml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A step's `env` with each `${{ inputs.NAME }}` replaced by the given input, else the input's default.
fn step_env(action: &Value, step: &Value, inputs: &BTreeMap<&str, String>) -> Vec<(String, String)> {
    let env = step["env"].as_object().cloned().unwrap_or_default();
    env.into_iter()
        .map(|(name, value)| {
            let value = value.as_str().unwrap().trim();
            let input = value.strip_prefix("${{ inputs.").and_then(|v| v.strip_suffix(" }}")).expect("an input");
            let given = inputs.get(input).cloned();
            let default = action["inputs"][input]["default"].as_str().map(str::to_owned);
            (name, given.or(default).unwrap_or_default())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_actions_steps_install_the_wheel_and_grade_with_it() {
    let account = Account::localstack();
    ItemsLab { key: None, ..ItemsLab::complete() }.build(&account).await;
    let wheel = std::env::var("LABCHECK_TEST_WHEEL").expect("LABCHECK_TEST_WHEEL: run the tests with scripts/test.sh");
    let runner = tempfile::tempdir().unwrap();
    let file = |name: &str| runner.path().join(name);
    for name in ["path", "output", "summary"] {
        std::fs::write(file(name), "").unwrap();
    }
    let inputs = BTreeMap::from([
        ("lab", "checks/apigw-items".to_owned()),
        ("steps", "api-keys".to_owned()),
        ("junit-path", file("junit.xml").display().to_string()),
        ("wheel", wheel),
    ]);
    // The account's credentials and endpoints, as a workflow's earlier steps would have set them.
    let aws: Vec<(String, String)> = account
        .labcheck()
        .get_envs()
        .filter(|(name, _)| *name != "PATH")
        .map(|(name, value)| (name.to_string_lossy().into_owned(), value.unwrap().to_string_lossy().into_owned()))
        .collect();
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let mut exits = BTreeMap::new();
    for step in action["runs"]["steps"].as_array().unwrap() {
        assert_eq!(step["shell"], "bash");
        // What earlier steps put on GITHUB_PATH comes first, then the system's: no cargo, no rustc.
        let added: Vec<String> = std::fs::read_to_string(file("path")).unwrap().lines().map(str::to_owned).collect();
        let path = added.into_iter().chain(["/usr/bin".to_owned(), "/bin".to_owned()]).collect::<Vec<_>>().join(":");
        let out = Command::new("bash")
            .args(["-c", step["run"].as_str().unwrap()])
            .env_clear()
            .envs(aws.iter().cloned())
            .envs(step_env(&action, step, &inputs))
            .env("PATH", path)
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("RUNNER_TEMP", runner.path())
            .env("GITHUB_PATH", file("path"))
            .env("GITHUB_OUTPUT", file("output"))
            .env("GITHUB_STEP_SUMMARY", file("summary"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let name = step["name"].as_str().unwrap().to_owned();
        eprintln!("{name}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        exits.insert(name, out.status.code());
    }
    assert_eq!(exits["Install labcheck"], Some(0));
    assert_eq!(exits["Grade"], Some(1), "the key is in no plan: a check fails, and the step exits 1");
    // The same account graded by the binary under test: the action's outputs are its figures.
    let graded = account.grade(&["--step", "api-keys"]);
    let outputs = std::fs::read_to_string(file("output")).unwrap();
    let expected = format!("score={}\nmax-score={}\n", graded.report.score, graded.report.max_score);
    assert_eq!(outputs, expected);
    let summary = std::fs::read_to_string(file("summary")).unwrap();
    assert!(summary.contains("API Keys"), "the checklist is in the step summary: {summary}");
    junit_agrees(&file("junit.xml"), graded.report.checks.iter().filter(|c| c.status.as_str() == "fail").count());
}

/// The JUnit report, read by junitparser: as many failures as the report has failing checks.
fn junit_agrees(junit: &Path, failing: usize) {
    let read = "import sys\nfrom junitparser import JUnitXml\nxml = JUnitXml.fromfile(sys.argv[1])\nprint(sum(s.failures for s in xml))";
    let out =
        Command::new(repo_path(".emulators/consumers/bin/python")).args(["-c", read]).arg(junit).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), failing.to_string());
}
