//! The control-plane checks against moto, a second, independent emulator of API Gateway's API.

use crate::common;

use crate::common::{Account, Graded, ItemsLab, KeyState};

fn grade(account: &Account) -> Graded {
    account.grade_lab(&common::repo_path("tests/labs/control-plane.toml"), &[])
}

#[tokio::test]
async fn complete_control_plane_passes_on_moto() {
    let account = Account::moto();
    account.wipe().await;
    ItemsLab::complete().build(&account).await;
    let graded = grade(&account);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "pass"),
        ("methods-require-api-key", "pass"),
    ]);
    assert_eq!(graded.code, 0);
    let calls = &graded.report.stats.api_calls;
    for (op, n) in calls {
        assert_eq!(*n, 1, "{op} read more than once: {calls:?}");
    }
    assert_eq!(graded.report.stats.round_trips, 2, "the lists, then each one's details: {:?}", graded.report.stats);
}

#[tokio::test]
async fn broken_control_plane_fails_on_moto() {
    let account = Account::moto();
    account.wipe().await;
    let lab = ItemsLab {
        open_methods: vec!["/items"],
        key: Some(KeyState { enabled: false, in_plan: true }),
        ..ItemsLab::complete()
    };
    lab.build(&account).await;
    let graded = grade(&account);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "fail"),
        ("methods-require-api-key", "fail"),
    ]);
    assert_eq!(graded.message("methods-require-api-key"), "on ItemsAPI: GET /items does not require an API key");
    assert_eq!(
        graded.message("usage-plan-key-created"),
        "API key LabKey is a key of usage plan CloudAcademyPlan but it is disabled"
    );
    assert_eq!(graded.code, 1);
}
