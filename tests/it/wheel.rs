//! The wheel (`pyproject.toml`, built by `scripts/test.sh` with maturin from the debug build): installed with pip
//! into a fresh venv, with no Rust on PATH, its `labcheck` grades a shipped case.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;

fn wheel() -> String {
    std::env::var("LABCHECK_TEST_WHEEL").unwrap_or_else(|_| {
        panic!("LABCHECK_TEST_WHEEL is not set: run the tests with scripts/test.sh, which builds it")
    })
}

/// `program` run with only the venv's bin and the system's on PATH: no cargo, no rustc, no target/.
fn run_in(venv: &Path, program: &str, args: &[&str]) -> Output {
    let path = format!("{}:/usr/bin:/bin", venv.join("bin").display());
    Command::new(venv.join("bin").join(program))
        .args(args)
        .env_clear()
        .env("PATH", path)
        .env("HOME", venv)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn the_wheel_installs_a_labcheck_that_grades_a_shipped_case() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().unwrap();
    assert!(made.success(), "python3 -m venv");
    let installing = Instant::now();
    let installed =
        run_in(&venv, "pip", &["install", "--quiet", "--no-index", "--disable-pip-version-check", &wheel()]);
    let install_seconds = installing.elapsed().as_secs_f64();
    assert!(installed.status.success(), "pip install: {}", String::from_utf8_lossy(&installed.stderr));
    eprintln!("pip install of the wheel: {install_seconds:.2} s");
    assert!(!venv.join("bin/labcheck-lambda").exists(), "the Lambda binary ships as a zip, not in the wheel");

    let version = run_in(&venv, "labcheck", &["--version"]);
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("labcheck {}", env!("CARGO_PKG_VERSION")));

    let case = "checks/apigw-items/cases/not-redeployed";
    let graded = run_in(
        &venv,
        "labcheck",
        &["run", "checks/apigw-items", "--from", &format!("{case}.json"), "--format", "json"],
    );
    assert_eq!(graded.status.code(), Some(1), "a failing check exits 1: {}", String::from_utf8_lossy(&graded.stderr));
    let report: Value = serde_json::from_slice(&graded.stdout).unwrap();
    let expected: toml::Table =
        toml::from_str(&std::fs::read_to_string(format!("{case}.expected.toml")).unwrap()).unwrap();
    let expected = expected["expect"].as_table().unwrap();
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), expected.len());
    for check in checks {
        let id = check["id"].as_str().unwrap();
        assert_eq!(check["status"].as_str(), expected[id].as_str(), "{id}");
    }
}
