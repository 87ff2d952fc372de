//! `labcheck session create|revoke`: learner sessions made and revoked directly in a store, for a platform that
//! runs labcheck without its HTTP service (the service's `POST /v1/sessions` and `DELETE /v1/sessions/{id}` do the
//! same). `create` prints the session as JSON, its token included: the only time the token is shown.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{CliError, exit};
use super::common::StoreArgs;
use crate::lab::Lab;
use crate::service::SessionCreated;
use crate::sessions::{self, SessionRequest};

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Make a learner session: its token grades one lab against one account for one learner, nothing else.
    Create(CreateArgs),
    /// Revoke a learner session: its token is refused from now on.
    Revoke {
        /// The session's id (s and 32 hex digits)
        session_id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    #[arg(long)]
    lab: PathBuf,
    /// The learner (an id the platform gives: letters, digits and . _ @ + : -)
    #[arg(long)]
    learner: String,
    /// The role assumed to read the learner's account (the service's own account without it)
    #[arg(long)]
    role_arn: Option<String>,
    #[arg(long)]
    external_id: Option<String>,
    #[arg(long)]
    region: Option<String>,
    /// The learner's language for the page (es, pt-BR); else the browser's
    #[arg(long)]
    lang: Option<String>,
    /// Seconds the session lasts (60 to 2592000)
    #[arg(long, value_name = "SECONDS", default_value_t = crate::service::DEFAULT_EXPIRES_IN)]
    expires_in: u64,
    /// Where browsers reach the service: the page_url is made absolute with it
    #[arg(long, value_name = "URL", value_parser = public_url)]
    public_url: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

fn public_url(url: &str) -> Result<String, String> {
    crate::service::check_public_url(url).map(|()| url.to_owned())
}

pub async fn session(command: SessionCommand) -> Result<u8, CliError> {
    match command {
        SessionCommand::Create(args) => create(args).await,
        SessionCommand::Revoke { session_id, store } => revoke(&session_id, &store).await,
    }
}

async fn create(args: CreateArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    let request = SessionRequest {
        learner: args.learner,
        lab: lab.id.clone(),
        account: crate::ids::AccountRef {
            role_arn: args.role_arn,
            external_id: args.external_id,
            region: args.region,
            lang: args.lang,
        },
        expires_in: args.expires_in,
        lti: None,
    };
    request.check().map_err(CliError::Usage)?;
    let store = args.store.spec().map_err(CliError::Store)?.open(None, None).await?;
    let minted = sessions::mint(request);
    store.put_session(&minted.session, &minted.digest).await?;
    let answer = SessionCreated::new(&minted, args.public_url.as_deref());
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &answer).map_err(std::io::Error::from)?;
    writeln!(stdout)?;
    Ok(exit::PASS)
}

async fn revoke(session_id: &str, store: &StoreArgs) -> Result<u8, CliError> {
    sessions::check_session_id(session_id).map_err(CliError::Usage)?;
    let store = store.spec().map_err(CliError::Store)?.open_existing().await?;
    if store.revoke_session(session_id, &crate::clock::now()).await? {
        eprintln!("labcheck: session {session_id} revoked");
        Ok(exit::PASS)
    } else {
        Err(CliError::NotFound(format!("no session {session_id} in the store")))
    }
}
