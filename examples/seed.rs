//! Creates one state of the Items lab in a fresh account on the local emulators (used by `scripts/demo.sh`).
//!
//!     cargo run --example seed -- full|complete|no-plan|dev-only|key-not-in-plan|key-disabled|open-method|not-redeployed|empty
//!
//! Prints `ACCOUNT_ID REGION`: use the id as AWS_ACCESS_KEY_ID against LocalStack (API Gateway); Lambda is on
//! moto in that region.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Account, ItemsLab, KeyState};

const SCENARIOS: &str =
    "full, complete, no-plan, dev-only, key-not-in-plan, key-disabled, open-method, not-redeployed, empty";

#[tokio::main]
async fn main() {
    let scenario = std::env::args().nth(1).unwrap_or_else(|| "full".to_owned());
    let complete = ItemsLab::complete();
    let lab = match scenario.as_str() {
        "full" => ItemsLab::full(),
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
    let account = Account::with_lambda(0);
    lab.build(&account).await;
    println!("{} {}", account.id, account.region);
}
