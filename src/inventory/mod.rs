//! The inventory: reads the facts the selected checks need, each AWS collection at most once per round,
//! independent reads concurrently, every collection fully paginated.
//!
//! [`FactSource`] is what the engine sees; [`AwsInventory`] is the live source: one round of the providers'
//! readers ([`crate::providers`]) over one [`AwsSession`] (the clients, counters and pacing of a run).

mod operations;
pub mod policy;

crate::with_aws! {
    mod errors;
    pub mod http;
    pub(crate) mod pages;
    pub(crate) mod round_trips;
    mod session;
    mod stats;
    mod tolerant;
}

use std::sync::Arc;

use futures::future::BoxFuture;
#[cfg(feature = "aws")]
use futures::{FutureExt, future::join_all};

pub use operations::{GET_CALLER_IDENTITY, Operation, operations};
crate::with_aws! {
    pub use errors::{classify_sdk_error, is_not_found};
    pub use session::{
        AwsSession, DEFAULT_INVOKE_URL_TEMPLATE, DEFAULT_PROBE_TIMEOUT, InvokeUrlTemplate, Pace, SessionError,
        SessionOptions, account_of_role, load_config, retry_config,
    };
    pub use stats::{CallCounter, StatsRecorder};
    pub use tolerant::TolerantJson;
}

use crate::facts::{Facts, Read};
#[cfg(feature = "aws")]
use crate::providers::Readers;

/// Where facts come from. One value serves one round of grading: facts it read are cached in it, so asking
/// twice for the same collection reads it once.
pub trait FactSource: Send + Sync {
    /// The facts covering `reads` (and what resolving them required, e.g. the REST API list for resources).
    /// Shared: a source that holds its facts (a snapshot) hands out the same ones to every check, uncopied.
    fn collect<'a>(&'a self, reads: &'a [Read]) -> BoxFuture<'a, Arc<Facts>>;
}

/// One round of reads against AWS. Build a new one to re-read (`--wait`).
#[cfg(feature = "aws")]
pub struct AwsInventory {
    readers: Readers,
}

#[cfg(feature = "aws")]
impl AwsInventory {
    /// `plan` is every read of the round, so that each collection can be read in one call shape (e.g. API keys
    /// with their values only when a probe needs one).
    pub fn new(session: Arc<AwsSession>, plan: &[Read]) -> Self {
        Self { readers: Readers::new(&session, plan) }
    }

    /// The providers' readers of this round (a provider asks another for what it resolves through).
    pub fn readers(&self) -> &Readers {
        &self.readers
    }

    /// One read, through its provider.
    pub fn read<'a>(&'a self, read: &'a Read) -> BoxFuture<'a, Facts> {
        self.readers.read(read, self)
    }
}

#[cfg(feature = "aws")]
impl FactSource for AwsInventory {
    fn collect<'a>(&'a self, reads: &'a [Read]) -> BoxFuture<'a, Arc<Facts>> {
        async move {
            let parts = join_all(reads.iter().map(|read| round_trips::chain(self.read(read)))).await;
            let mut facts = Facts::default();
            for part in parts {
                facts.merge(part);
            }
            Arc::new(facts)
        }
        .boxed()
    }
}
