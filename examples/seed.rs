//! Creates one state of the Items lab in a fresh account on the local emulators (used by `scripts/demo.sh`).
//!
//!     cargo run --example seed -- complete|no-plan|dev-only|key-not-in-plan|key-disabled|open-method|not-redeployed|empty
//!
//! Prints the account id (use it as AWS_ACCESS_KEY_ID against LocalStack).

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Account, ItemsLab, KeyState};

const SCENARIOS: &str =
    "complete, no-plan, dev-only, key-not-in-plan, key-disabled, open-method, not-redeployed, empty";

#[tokio::main]
async fn main() {
    let scenario = std::env::args().nth(1).unwrap_or_else(|| "complete".to_owned());
    let complete = ItemsLab::complete();
    let lab = match scenario.as_str() {
        "complete" => complete,
        "no-plan" => ItemsLab { plan_stages: None, key: Some(KeyState { enabled: true, in_plan: false }), ..complete },
        "dev-only" => ItemsLab { plan_stages: Some(vec!["dev"]), ..complete },
        "key-not-in-plan" => ItemsLab { key: Some(KeyState { enabled: true, in_plan: false }), ..complete },
        "key-disabled" => ItemsLab { key: Some(KeyState { enabled: false, in_plan: true }), ..complete },
        "open-method" => ItemsLab { open_methods: vec!["/items/{ID}"], ..complete },
        "not-redeployed" => ItemsLab { not_redeployed: true, ..complete },
        "empty" => ItemsLab::empty(),
        other => {
            eprintln!("seed: unknown scenario `{other}` (one of: {SCENARIOS})");
            std::process::exit(2);
        }
    };
    let account = Account::localstack();
    lab.build(&account).await;
    println!("{}", account.id);
}
