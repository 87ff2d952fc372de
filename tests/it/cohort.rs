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
