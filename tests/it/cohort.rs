//! `labcheck cohort`: a class's figures from the store, by the real binary.

use serde_json::Value;

use crate::common::{self, offline};

#[test]
fn the_cohort_of_a_class_comes_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("p.sqlite");
    let store = store.to_str().unwrap();
    let case = common::repo_path("checks/apigw-items/cases/not-redeployed.json");
    for learner in ["cs1-ana", "cs1-bea", "cs2-cy"] {
        let out = offline(&[
            "run",
            "checks/apigw-items",
            "--from",
            case.to_str().unwrap(),
            "--learner",
            learner,
            "--store",
            store,
        ]);
        assert_eq!(out.code, 1, "{}", out.stderr);
    }
    let out = offline(&["cohort", "checks/apigw-items", "--store", store, "--learner-prefix", "cs1-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let cohort: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(cohort["learners"], 2);
    let rows: Vec<&str> =
        cohort["learner_rows"].as_array().unwrap().iter().map(|r| r["learner"].as_str().unwrap()).collect();
    assert_eq!(rows, vec!["cs1-ana", "cs1-bea"]);
    let plan = cohort["checks"].as_array().unwrap().iter().find(|c| c["id"] == "usage-plan-created").unwrap();
    assert_eq!((plan["attempted"].as_u64(), plan["passed"].as_u64()), (Some(2), Some(2)), "{plan}");
    assert_eq!(plan["first_try_pass_rate"], 1.0, "{plan}");
    let out = offline(&["cohort", "checks/apigw-items", "--store", store, "--since", "yesterday"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("RFC 3339"), "{}", out.stderr);
}

/// Grades `case` of the Items lab for `learner` into `store`, offline.
fn grade(store: &str, learner: &str, case: &str, lang: &str) {
    grade_file(store, learner, &common::repo_path(&format!("checks/apigw-items/cases/{case}.json")), lang);
}

fn grade_file(store: &str, learner: &str, case: &std::path::Path, lang: &str) {
    let args = ["run", "checks/apigw-items", "--from", case.to_str().unwrap(), "--learner", learner, "--store", store];
    let out = offline(&[&args[..], &["--lang", lang]].concat());
    assert!(out.code <= 1, "{}", out.stderr);
}

/// `case` with the prod stage's cache cluster off, written to a file of its own (kept for the test's run).
fn without_prods_cache(case: &str) -> std::path::PathBuf {
    let path = common::repo_path(&format!("checks/apigw-items/cases/{case}.json"));
    let mut snapshot: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for stages in snapshot["facts"]["stages"].as_object_mut().unwrap().values_mut() {
        for stage in stages["Ok"].as_array_mut().unwrap() {
            if stage["name"] == "prod" {
                stage["cache_cluster_enabled"] = Value::Bool(false);
            }
        }
    }
    let file = tempfile::tempdir().unwrap().keep().join(format!("{case}-cache-off.json"));
    std::fs::write(&file, snapshot.to_string()).unwrap();
    file
}

/// A class of fourteen in the Items lab: some through in three gradings, five stuck at the key after trying
/// twice (one grades in Spanish), some who never redeployed, two done at once.
fn seeded_class() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("class.sqlite").to_str().unwrap().to_owned();
    seed(&store);
    (dir, store)
}

fn seed(store: &str) {
    for i in 0..4 {
        for case in ["fresh", "no-plan", "complete"] {
            grade(store, &format!("cs1-through-{i}"), case, "en");
        }
    }
    // Each tries the key twice, changing something in between (prod's cache, off then on): a press with nothing
    // changed would be no try.
    let cache_off = without_prods_cache("key-not-in-plan");
    for i in 0..5 {
        let lang = if i == 0 { "es" } else { "en" };
        grade_file(store, &format!("cs1-key-{i}"), &cache_off, lang);
        grade(store, &format!("cs1-key-{i}"), "key-not-in-plan", lang);
    }
    for i in 0..3 {
        grade(store, &format!("cs1-redeploy-{i}"), "not-redeployed", "en");
    }
    for i in 0..2 {
        grade(store, &format!("cs1-done-{i}"), "complete", "en");
    }
}

fn cohort_of(store: &str, format: &str, lang: &str) -> String {
    let out = offline(&["cohort", "checks/apigw-items", "--store", store, "--format", format, "--lang", lang]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn the_class_view_renders_in_chromium_with_the_figures_of_the_json_in_english_and_spanish() {
    let (dir, store) = seeded_class();
    let store = store.as_str();
    let json: Value = serde_json::from_str(&cohort_of(store, "json", "en")).unwrap();
    assert_eq!(json["learners"], 14);
    let flagged: Vec<&Value> =
        json["checks"].as_array().unwrap().iter().filter(|c| !c["may_be_broken"].is_null()).map(|c| &c["id"]).collect();
    assert_eq!(flagged, vec!["usage-plan-key-created"], "five tried the key twice and fail alike");
    let key = json["checks"].as_array().unwrap().iter().find(|c| c["id"] == "usage-plan-key-created").unwrap();
    let example = key["failure_reasons"][0]["example"].as_str().unwrap();
    assert!(
        example.starts_with("API key LabKey exists but"),
        "in the reader's English, not cs1-key-0's Spanish: {example}"
    );
    let shots = common::repo_path("target/cohort-view");
    std::fs::create_dir_all(&shots).unwrap();
    let mut pages = Vec::new();
    for lang in ["en", "es"] {
        let file = dir.path().join(format!("cohort-{lang}.html"));
        std::fs::write(&file, cohort_of(store, "html", lang)).unwrap();
        pages.push(serde_json::json!({ "name": lang, "file": file }));
    }
    let config = serde_json::json!({ "pages": pages, "shots": shots });
    let out = std::process::Command::new("node")
        .arg(common::repo_path("tests/consumers/cohort-view.mjs"))
        .arg(config.to_string())
        .env("NODE_PATH", common::repo_path("tests/consumers/node_modules"))
        .output()
        .expect("node runs (scripts/test.sh installs playwright-core)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let seen: Vec<Value> = stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(seen.len(), 2);
    for page in &seen {
        same_figures(&json, page);
        assert_eq!(page["problems"], serde_json::json!([]), "nothing blocked, nothing fetched: {page}");
        assert_eq!(page["styled"], true, "the style applied under the page's own policy");
        assert_ne!(page["darkBackground"], "rgb(255, 255, 255)", "dark when the reader asks for it");
        assert_eq!(page["printBar"], "rgb(68, 68, 68)", "grey on paper");
        assert!(page["pdfBytes"].as_u64().unwrap() > 10_000, "it prints");
    }
    assert_eq!((seen[0]["lang"].as_str(), seen[1]["lang"].as_str()), (Some("en"), Some("es")));
    assert_eq!(seen[0]["headers"][1], "Attempted");
    assert_eq!(seen[1]["headers"][1], "Intentada");
    for shot in ["cohort-en.png", "cohort-es.png", "cohort-en-dark.png"] {
        let png = std::fs::read(shots.join(shot)).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{shot}: {} bytes", png.len());
    }
}

/// The page shows the JSON's figures: per check, per step, the stuck map and the learners.
fn same_figures(json: &Value, page: &Value) {
    assert_eq!(page["learners"], json["learners"]);
    for check in json["checks"].as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        let shown = &page["checks"][id];
        for figure in
            ["attempted", "passed", "first_try_pass_rate", "gradings_to_pass_median", "seconds_to_pass_median", "stuck"]
        {
            assert_eq!(shown[figure].as_f64(), check[figure].as_f64(), "{id} {figure} on the {} page", page["name"]);
        }
        let reasons: Vec<Value> = check["failure_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|r| serde_json::json!([r["message_id"], r["failures"]]))
            .collect();
        assert_eq!(shown["reasons"], Value::from(reasons), "{id}");
        assert_eq!(shown["flag"], check["may_be_broken"], "{id}");
        assert_eq!(page["stuck"][id], check["stuck"], "{id} on the stuck map");
    }
    for step in json["steps"].as_array().unwrap() {
        assert_eq!(page["steps"][step["id"].as_str().unwrap()], step["completed"]);
    }
    let learners: Vec<&Value> = json["learner_rows"].as_array().unwrap().iter().map(|r| &r["learner"]).collect();
    assert_eq!(page["learnerRows"].as_array().unwrap().iter().collect::<Vec<_>>(), learners);
}

#[test]
fn the_csv_views_read_in_pythons_csv_module_with_the_json_figures() {
    let (_dir, store) = seeded_class();
    let store = store.as_str();
    let json: Value = serde_json::from_str(&cohort_of(store, "json", "en")).unwrap();
    let read = |text: String| -> Value {
        let mut python = std::process::Command::new("python3")
            .args(["-c", "import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut python.stdin.take().unwrap(), text.as_bytes()).unwrap();
        serde_json::from_slice(&python.wait_with_output().unwrap().stdout).unwrap()
    };
    let checks = read(cohort_of(store, "checks-csv", "en"));
    let checks = checks.as_array().unwrap();
    assert_eq!(checks.len(), json["checks"].as_array().unwrap().len());
    for (row, check) in checks.iter().zip(json["checks"].as_array().unwrap()) {
        assert_eq!(row["check"], check["id"]);
        assert_eq!(row["attempted"], check["attempted"].to_string());
        assert_eq!(row["stuck"], check["stuck"].to_string());
        let reason = check["failure_reasons"].get(0);
        assert_eq!(row["top_failure_reason"], reason.map_or(Value::from(""), |r| r["message_id"].clone()));
        let example = reason.and_then(|r| r["example"].as_str()).unwrap_or_default();
        assert_eq!(row["top_failure_example"], example);
    }
    let learners = read(cohort_of(store, "learners-csv", "en"));
    let ids: Vec<&Value> = learners.as_array().unwrap().iter().map(|r| &r["learner"]).collect();
    let expected: Vec<&Value> = json["learner_rows"].as_array().unwrap().iter().map(|r| &r["learner"]).collect();
    assert_eq!(ids, expected);
    assert_eq!(learners[0]["max_score"], "26");
}

#[test]
fn a_learner_is_exported_then_forgotten_and_the_cohort_no_longer_counts_them() {
    let (dir, store) = seeded_class();
    let store = store.as_str();
    let file = dir.path().join("cs1-key-0.json");
    let out = offline(&["export", "--learner", "cs1-key-0", "--store", store, "--output", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let export: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(export["learner"], "cs1-key-0");
    assert_eq!(export["progress"].as_array().unwrap().len(), 1);
    let gradings = export["gradings"].as_array().unwrap();
    assert_eq!(gradings.len(), 2, "both gradings, with their reports and evidence");
    assert!(gradings.iter().all(|g| g["report"]["checks"].is_array() && g["evidence"].is_object()));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o077, 0, "personal data: yours alone");

    let out = offline(&["forget", "--learner", "cs1-key-0", "--lab", "not a lab", "--store", store]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a lab id"), "{}", out.stderr);
    // Any id the lab format allows, dots included.
    let out = offline(&["forget", "--learner", "cs1-key-0", "--lab", "apigw-items.v2", "--store", store]);
    assert_eq!((out.code, out.stdout.trim()), (0, r#"{"progress":0,"gradings":0,"sessions":0}"#), "{}", out.stderr);
    let out = offline(&["forget", "--learner", "cs1-key-0", "--store", store]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let forgotten: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(forgotten, serde_json::json!({ "progress": 1, "gradings": 2, "sessions": 0 }));
    let json: Value = serde_json::from_str(&cohort_of(store, "json", "en")).unwrap();
    assert_eq!(json["learners"], 13);
    assert!(json["learner_rows"].as_array().unwrap().iter().all(|r| r["learner"] != "cs1-key-0"));
    let out = offline(&["export", "--learner", "cs1-key-0", "--store", store]);
    let empty: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!((empty["progress"].as_array().unwrap().len(), empty["gradings"].as_array().unwrap().len()), (0, 0));
}

#[test]
fn commands_that_read_a_store_refuse_one_that_does_not_exist_and_make_none() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo").join("class.sqlite");
    let store = missing.to_str().unwrap();
    for args in [
        &["cohort", "checks/apigw-items", "--store", store][..],
        &["export", "--learner", "ana", "--store", store],
        &["forget", "--learner", "ana", "--store", store],
        &["progress", "checks/apigw-items", "--learner", "ana", "--store", store],
        &["evidence", "g019a8c4e2f1b-4be1d2c3a4b5c6d7", "--store", store],
        &["session", "revoke", "s0123456789abcdef0123456789abcdef", "--store", store],
    ] {
        let out = offline(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("no such file"), "{args:?}: {}", out.stderr);
    }
    assert!(!dir.path().join("typo").exists(), "nothing was made");
}
