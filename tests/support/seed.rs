//! Creates one state of the Items lab in a fresh account on the local emulators (API Gateway on LocalStack,
//! Lambda on moto). Used by `scripts/demo.sh` and `scripts/make-examples.sh`.
//!
//!     cargo run --example seed -- SCENARIO [MOTO_REGION_SLOT [LOCALSTACK_ACCOUNT_ID]]
//!     cargo run --example seed -- stand-in
//!
//! Prints `ACCOUNT_ID REGION`: use the id as AWS_ACCESS_KEY_ID against LocalStack; Lambda is on moto in REGION.
//! `stand-in` serves the stage stand-in (tests/it/common/stage_stand_in.rs) until killed and prints its URL: probes
//! go to `URL/ACCOUNT_ID/{region}/{api_id}/{stage}`.

#[path = "../it/common/mod.rs"]
mod common;

use common::{Account, Cors, ItemsLab, KeyState, LambdaSetup};

/// Each scenario is the whole lab done, with one typical mistake (or none, or nothing at all).
pub const SCENARIOS: &[(&str, &str)] = &[
    ("complete", "every step done (so the cleanup step fails: everything still exists)"),
    ("not-redeployed", "API Key Required set on both GETs, but the API was not redeployed"),
    ("no-plan", "no usage plan; the key exists outside any plan"),
    ("dev-only", "the usage plan is bound to dev only"),
    ("key-not-in-plan", "the key exists but is not in the plan"),
    ("key-disabled", "the key is in the plan but disabled"),
    ("open-method", "GET /items/{ID} does not require an API key"),
    ("prod-on-latest", "the prod alias points at $LATEST"),
    ("cors-not-deployed", "CORS enabled on both resources after the last deployment"),
    ("integration-get", "the Lambda proxy integrations call Lambda with GET: every request answers 500"),
    ("cleaned-up", "an empty account: the lab cleaned up"),
    ("fresh", "an empty account: nothing built yet"),
];

fn lab(scenario: &str) -> Option<ItemsLab> {
    let full = ItemsLab::full();
    Some(match scenario {
        "complete" | "full" => full,
        "not-redeployed" => ItemsLab { not_redeployed: true, ..full },
        "no-plan" => ItemsLab { plan_stages: None, key: Some(KeyState { enabled: true, in_plan: false }), ..full },
        "dev-only" => ItemsLab { plan_stages: Some(vec!["dev"]), ..full },
        "key-not-in-plan" => ItemsLab { key: Some(KeyState { enabled: true, in_plan: false }), ..full },
        "key-disabled" => ItemsLab { key: Some(KeyState { enabled: false, in_plan: true }), ..full },
        "open-method" => ItemsLab { open_methods: vec!["/items/{ID}"], ..full },
        "prod-on-latest" => {
            let lambda = LambdaSetup { aliases: vec![("dev", false), ("prod", false)], ..LambdaSetup::complete() };
            ItemsLab { lambda: Some(lambda), ..full }
        }
        "cors-not-deployed" => ItemsLab { cors: Cors::NotDeployed, ..full },
        "integration-get" => {
            let lambda = LambdaSetup { integration_method: "GET", ..LambdaSetup::complete() };
            ItemsLab { lambda: Some(lambda), ..full }
        }
        "cleaned-up" | "fresh" | "empty" => ItemsLab::empty(),
        _ => return None,
    })
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_else(|| "complete".to_owned());
    if scenario == "stand-in" {
        // Serves the stage stand-in until killed, for scripts: prints its invoke URL template's prefix.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("http://{}", listener.local_addr().unwrap());
        common::stage_stand_in::serve(listener).await;
        return;
    }
    let slot: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let Some(lab) = lab(&scenario) else {
        let names: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
        eprintln!("seed: unknown scenario `{scenario}` (one of: {})", names.join(", "));
        std::process::exit(2);
    };
    let mut account = Account::with_lambda_in(slot);
    if let Some(id) = args.next() {
        account.id = id;
    }
    account.wipe_lambda().await;
    lab.build(&account).await;
    println!("{} {}", account.id, account.region);
}
