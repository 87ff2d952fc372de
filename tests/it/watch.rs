//! `labcheck watch` against LocalStack: the live checklist sees the account change, redraws in place on a real
//! pseudo-terminal, prints only changes when piped, and ends with `run`'s exit code once everything passes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_apigateway::types::ApiStage;

use crate::common;
use crate::common::{Account, ItemsLab, KeyState};

/// Waits for `child` at most `limit`; kills it on overtime.
fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    None
}

#[tokio::test(flavor = "multi_thread")]
async fn piped_watch_prints_changes_and_ends_when_the_step_passes() {
    let account = Account::localstack();
    // The key exists, but there is no usage plan yet.
    let built =
        ItemsLab { plan_stages: None, key: Some(KeyState { enabled: true, in_plan: false }), ..ItemsLab::complete() }
            .build(&account)
            .await;
    let mut cmd = account.labcheck();
    cmd.arg("watch").arg(common::lab_file()).args(["--step", "api-keys", "--interval", "2"]);
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut output = Vec::new();
    // The first round: every check once, then the score.
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("score ");
        output.push(line);
        if done {
            break;
        }
    }
    assert!(output.iter().any(|l| l.contains("(usage-plan-created): ")), "{output:#?}");
    assert!(output.contains(&"score 2/5".to_owned()), "{output:#?}");
    // The student creates the plan on both stages and adds the key.
    let c = account.apigw();
    let api = built.api_id.clone().unwrap();
    let stage = |name: &str| ApiStage::builder().api_id(&api).stage(name).build();
    let plan = c.create_usage_plan().name("CloudAcademyPlan").api_stages(stage("dev")).api_stages(stage("prod"));
    let plan_id = plan.send().await.unwrap().id.unwrap();
    let key = c.create_usage_plan_key().usage_plan_id(plan_id).key_id(built.key_id.unwrap()).key_type("API_KEY");
    key.send().await.unwrap();
    let code = tokio::task::spawn_blocking(move || wait_at_most(&mut child, Duration::from_secs(60))).await.unwrap();
    output.extend(lines.map(Result::unwrap));
    assert_eq!(code, Some(0), "{output:#?}");
    assert!(output.iter().any(|l| l.ends_with("(usage-plan-created): failed -> passed")), "{output:#?}");
    assert!(output.contains(&"step complete: Creating API Keys and Usage Plans".to_owned()), "{output:#?}");
    assert_eq!(output.last().map(String::as_str), Some("score 5/5"), "{output:#?}");
}

/// On a real pseudo-terminal (`script`) the checklist is redrawn in place, with the progress bar and the steps.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_the_checklist_is_redrawn_in_place() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let labcheck = account.labcheck();
    let command = format!(
        "{} watch {} --step api-keys --interval 2",
        labcheck.get_program().to_str().unwrap(),
        common::lab_file().display()
    );
    let mut script = Command::new("script");
    script.env_clear();
    for (key, value) in labcheck.get_envs() {
        if let Some(value) = value {
            script.env(key, value);
        }
    }
    script.args(["-q", "-e", "-c", &command, "/dev/null"]).stdin(Stdio::null()).stdout(Stdio::piped());
    let output = tokio::task::spawn_blocking(move || script.output().unwrap()).await.unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{screen}");
    assert!(screen.contains("\x1b[H\x1b[2J"), "redrawn in place: {screen:?}");
    assert!(screen.contains("[##############################] 5/5"), "{screen}");
    assert!(screen.contains("Creating API Keys and Usage Plans 5/5  ✔ step complete"), "{screen}");
}
