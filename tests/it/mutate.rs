//! `labcheck mutate` and `labcheck test --mutate`: the shipped labs have teeth; a lab with a check that can never
//! fail, or a fact no check notices, is reported (human, JSON, and JUnit read by junitparser); the author's
//! protocol (a fresh and a solved case) is enforced.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{Output, offline, repo_path};

#[test]
fn the_items_lab_has_teeth_everywhere_and_names_what_it_accepts() {
    let out = offline(&["mutate", "checks/apigw-items", "--require-teeth"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let lab = labcheck::lab::Lab::load(&repo_path("checks/apigw-items/lab.toml")).unwrap();
    for check in lab.checks() {
        let line = out.stdout.lines().find(|l| l.trim_start().starts_with(&format!("{} ", check.id)));
        let line = line.unwrap_or_else(|| panic!("{} is listed: {}", check.id, out.stdout));
        assert!(line.contains("kill(s) of its own ("), "{line}");
    }
    assert!(out.stdout.contains("(accepted: ids are AWS's to choose"), "uncaught fields are listed as accepted");
    assert!(out.stdout.contains("26 check(s), 0 with no teeth, 0 duplicate(s);"), "{}", out.stdout);
}

/// A case: its name, its facts, and the status expected of each check.
type CaseOf<'a> = (&'a str, Value, &'a [(&'a str, &'a str)]);

/// A lab folder in a temporary directory, with these cases.
fn lab_with(lab: &str, cases: &[CaseOf<'_>]) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    std::fs::write(dir.join("lab.toml"), lab).unwrap();
    std::fs::create_dir(dir.join("cases")).unwrap();
    for (name, facts, expected) in cases {
        let snapshot = json!({"schema_version": 1, "kind": "labcheck-snapshot", "labcheck_version": "0.1.0",
            "lab": {"id": "teeth", "file": "lab.toml"}, "steps": [], "taken_at": "2026-11-29T00:00:00Z",
            "target": {"account_id": "123456789012", "region": "us-east-1"}, "facts": facts});
        std::fs::write(dir.join("cases").join(format!("{name}.json")), snapshot.to_string()).unwrap();
        let lines: Vec<String> = expected.iter().map(|(id, status)| format!("{id} = \"{status}\"")).collect();
        std::fs::write(
            dir.join("cases").join(format!("{name}.expected.toml")),
            format!("[expect]\n{}\n", lines.join("\n")),
        )
        .unwrap();
    }
    dir
}

/// A plan check with teeth, and a check of a constant that can never fail; the key it reads is in the solved case
/// but nothing notices it gone.
const TOOTHLESS: &str = r#"
[lab]
id = "teeth"
title = "Teeth"

[[steps]]
id = "plan"
title = "Plan"

[[steps.checks]]
id = "plan-created"
title = "Created the plan"
validator = "usage_plan_exists"
hint = "Create the plan."
params = { name = "Plan", api = "API", stages = ["dev"] }

[[steps.checks]]
id = "always"
title = "Always true"
validator = "facts_query"
hint = "Nothing to do."
params = { reads = ["api_keys"], query = "`true`" }
"#;

fn toothless_lab() -> PathBuf {
    let fresh = json!({"rest_apis": {"Ok": []}, "usage_plans": {"Ok": []}, "api_keys": {"Ok": []}});
    let solved = json!({"rest_apis": {"Ok": [{"id": "a1", "name": "API"}]},
        "usage_plans": {"Ok": [{"id": "p1", "name": "Plan", "api_stages": [{"api_id": "a1", "stage": "dev"}]}]},
        "api_keys": {"Ok": [{"id": "k1", "name": "Key", "enabled": true}]}});
    lab_with(
        TOOTHLESS,
        &[
            ("fresh", fresh, &[("plan-created", "fail"), ("always", "pass")]),
            ("solved", solved, &[("plan-created", "pass"), ("always", "pass")]),
        ],
    )
}

fn mutate(dir: &Path, extra: &[&str]) -> Output {
    offline(&[&["mutate", dir.to_str().unwrap()], extra].concat())
}

#[test]
fn a_check_that_can_never_fail_and_a_fact_nothing_notices_are_reported() {
    let dir = toothless_lab();
    let human = mutate(&dir, &["--require-teeth"]);
    assert_eq!(human.code, 1, "no teeth: exit 1\n{}", human.stdout);
    assert!(human.stdout.contains("always: reads api_keys; passes in fresh, solved"), "{}", human.stdout);
    assert!(human.stdout.contains("plan-created") && human.stdout.contains("kill(s)"), "{}", human.stdout);
    let json_out = mutate(&dir, &["--format", "json"]);
    assert_eq!(json_out.code, 0, "without --require-teeth the analysis itself succeeds");
    let analysis: Value = serde_json::from_str(&json_out.stdout).unwrap();
    let checks = analysis["checks"].as_array().unwrap();
    let always = checks.iter().find(|c| c["id"] == "always").unwrap();
    assert_eq!(always["kills"], 0);
    let plan = checks.iter().find(|c| c["id"] == "plan-created").unwrap();
    assert!(plan["kills"].as_u64().unwrap() >= 3, "the plan removed, renamed, unbound: {plan}");
    let uncaught: Vec<&str> =
        analysis["uncaught"].as_array().unwrap().iter().map(|u| u["field"].as_str().unwrap()).collect();
    assert!(uncaught.contains(&"api_keys"), "removing the key (the listing emptied) changes no verdict: {uncaught:?}");
    // JUnit, read by a real consumer: one failing testcase, the toothless check.
    let junit = mutate(&dir, &["--format", "junit"]);
    let xml = dir.join("mutate.xml");
    std::fs::write(&xml, &junit.stdout).unwrap();
    let script = "import sys\nfrom junitparser import JUnitXml\ndoc = JUnitXml.fromfile(sys.argv[1])\nprint(doc.tests, doc.failures)\nfor suite in doc:\n    for case in suite:\n        print(case.name, bool(case.result))\n";
    let python = repo_path(".emulators/consumers/bin/python");
    let parsed = Command::new(&python).args(["-c", script]).arg(&xml).output().unwrap();
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    let read = String::from_utf8(parsed.stdout).unwrap();
    assert!(read.starts_with("2 1\n"), "{read}");
    assert!(read.contains("always True") && read.contains("plan-created False"), "{read}");
}

#[test]
fn the_same_seed_grades_the_same_mutants_and_the_cap_is_stated() {
    let dir = repo_path("checks/s3-website");
    let dir = dir.as_path();
    let first = mutate(dir, &["--format", "json", "--cap", "3", "--seed", "7"]);
    let again = mutate(dir, &["--format", "json", "--cap", "3", "--seed", "7"]);
    assert_eq!(first.stdout, again.stdout, "deterministic for a seed");
    let analysis: Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(analysis["cap"], 3);
    assert!(!analysis["capped"].as_array().unwrap().is_empty(), "the collections cut by the cap are named");
    let human = mutate(dir, &["--cap", "3", "--seed", "7"]);
    assert!(human.stdout.contains("capped: "), "{}", human.stdout);
}

#[test]
fn labcheck_test_holds_labs_to_the_protocol_and_to_their_teeth() {
    // The shipped labs: every case as expected, and every check with teeth.
    let out = offline(&["test", "checks", "--mutate"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for lab in ["apigw-items", "apigw-pets", "dynamodb-items", "s3-website"] {
        assert!(out.stdout.contains(&format!("ok      mutate {lab}: ")), "{lab}: {}", out.stdout);
    }
    // A fresh case where something passes is refused, as is a lab without one.
    let dir = toothless_lab();
    let refused = offline(&["test", dir.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("the fresh case expects always to pass: nothing is done yet"),
        "{}",
        refused.stderr
    );
    std::fs::remove_file(dir.join("cases/fresh.expected.toml")).unwrap();
    let refused = offline(&["test", dir.to_str().unwrap()]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.trim_end().ends_with("no cases/fresh.expected.toml: a lab ships a `fresh` case (nothing done) and a solved one (every check passes)"), "{}", refused.stderr);
    // With a constant check made honest, --mutate still fails on the check with no teeth.
    let honest = TOOTHLESS.replace("query = \"`true`\"", "query = \"length(api_keys) > `0`\"");
    let dir = lab_with(
        &honest,
        &[
            (
                "fresh",
                json!({"rest_apis": {"Ok": []}, "usage_plans": {"Ok": []}, "api_keys": {"Ok": []}}),
                &[("plan-created", "fail"), ("always", "fail")],
            ),
            (
                "solved",
                json!({"rest_apis": {"Ok": [{"id": "a1", "name": "API"}]},
                    "usage_plans": {"Ok": [{"id": "p1", "name": "Plan", "api_stages": [{"api_id": "a1", "stage": "dev"}]}]},
                    "api_keys": {"Ok": [{"id": "k1", "name": "Key", "enabled": true}]}}),
                &[("plan-created", "pass"), ("always", "pass")],
            ),
        ],
    );
    // Emptying the key listing fails it, as it fails almost any check: no teeth of its own.
    let out = offline(&["test", dir.to_str().unwrap(), "--mutate"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("always: no teeth"), "{}", out.stdout);
}

/// Checks whose only kills empty a listing, judge a value against itself, or repeat another check; a check only
/// an impossible state fails; and a reference broken on one side only.
const HOLLOW: &str = r#"
[lab]
id = "teeth"
title = "Teeth"

[[steps]]
id = "plan"
title = "Plan"

[[steps.checks]]
id = "plan-created"
title = "Created the plan"
validator = "usage_plan_exists"
hint = "Create the plan."
params = { name = "Plan", api = "API", stages = ["dev"] }

[[steps.checks]]
id = "plan-again"
title = "Created the plan (again)"
validator = "usage_plan_exists"
hint = "Create the plan."
params = { name = "Plan", api = "API", stages = ["dev"] }

[[steps.checks]]
id = "some-key"
title = "Some key exists"
validator = "facts_query"
hint = "Create a key."
params = { reads = ["api_keys"], query = "length(api_keys) > `0`" }

[[steps.checks]]
id = "quota-is-itself"
title = "The quota is what it is"
validator = "facts_query"
hint = "Set a quota."
params = { reads = ["usage_plans"], query = "length(usage_plans) > `0` && usage_plans[0].quota.limit == usage_plans[0].quota.limit" }

[[steps.checks]]
id = "encrypted"
title = "The bucket encrypts by default"
validator = "s3_default_encryption"
hint = "Turn default encryption on."
params = { bucket = "site-*" }

[mutate]
accept = [{ field = "usage_plans[].name", why = "a reason that is not true: the plan check judges the name" }]
"#;

#[test]
fn kills_count_only_when_they_change_what_a_check_judges_and_states_aws_can_produce() {
    let fresh = json!({"rest_apis": {"Ok": []}, "usage_plans": {"Ok": []}, "api_keys": {"Ok": []},
        "s3_buckets": {"Ok": []}});
    let solved = json!({"rest_apis": {"Ok": [{"id": "a1", "name": "API"}]},
        "usage_plans": {"Ok": [{"id": "p1", "name": "Plan", "api_stages": [{"api_id": "a1", "stage": "dev"}],
            "quota": {"limit": 100, "period": "DAY"}}]},
        "api_keys": {"Ok": [{"id": "k1", "name": "Key", "enabled": true}]},
        "s3_buckets": {"Ok": [{"name": "site-1"}]}, "s3_websites": {"site-1": {"Ok": null}},
        "s3_encryption": {"site-1": {"Ok": [{"algorithm": "AES256"}]}}});
    let all = |status| {
        ["plan-created", "plan-again", "some-key", "quota-is-itself", "encrypted"].map(|id| (id, status)).to_vec()
    };
    let (fresh_expected, solved_expected) = (all("fail"), all("pass"));
    let dir = lab_with(HOLLOW, &[("fresh", fresh, &fresh_expected), ("solved", solved, &solved_expected)]);
    let out = mutate(&dir, &["--format", "json"]);
    let analysis: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    let check = |id: &str| analysis["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    // Emptying the key listing or removing the plan fails these, as it fails any check: none is their own.
    for id in ["some-key", "quota-is-itself"] {
        let teeth = check(id);
        assert!(teeth["kills"].as_u64().unwrap() > 0, "{teeth}");
        assert_eq!(teeth["own_kills"], 0, "{teeth}");
    }
    // Every bucket has default encryption on AWS: emptying it is no state an account can be in.
    // What fails it is the bucket gone or renamed, which is not what it judges.
    assert_eq!(check("encrypted")["own_kills"], 0, "{}", check("encrypted"));
    assert!(analysis["impossible"].as_u64().unwrap() >= 1, "{analysis}");
    // The plan bound to an API that is not there: a reference broken on the plan's side only.
    let plan = check("plan-created");
    assert!(plan["own_kills"].as_u64().unwrap() >= 3, "{plan}");
    let uncaught: Vec<&str> =
        analysis["uncaught"].as_array().unwrap().iter().map(|u| u["field"].as_str().unwrap()).collect();
    assert!(!uncaught.contains(&"usage_plans[].api_stages[].api_id"), "a dangling API id fails the plan: {uncaught:?}");
    let duplicates: Vec<(&str, &str, &str)> = analysis["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["checks"][0].as_str().unwrap(), d["checks"][1].as_str().unwrap(), d["why"].as_str().unwrap()))
        .collect();
    assert_eq!(duplicates, [("plan-created", "plan-again", "same validator and params")]);
    assert_eq!(analysis["stale_acceptances"], json!(["field usage_plans[].name"]), "an acceptance no longer true");
    let human = mutate(&dir, &["--require-teeth"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("some-key") && human.stdout.contains("NO TEETH of its own"), "{}", human.stdout);
    assert!(human.stdout.contains("plan-created and plan-again: same validator and params"), "{}", human.stdout);
}
