//! The inventory: reads the facts the selected checks need, each AWS collection at most once per round,
//! independent reads concurrently, every collection fully paginated.
//!
//! [`FactSource`] is what the engine sees; [`AwsInventory`] is the live source: one round of the providers'
//! readers ([`crate::providers`]) over one [`AwsSession`] (the clients, counters and pacing of a run, from
//! [`crate::aws`], the plumbing under the providers).

pub mod policy;

use std::sync::Arc;

use futures::future::BoxFuture;
#[cfg(feature = "aws")]
use futures::{FutureExt, future::join_all};

#[cfg(feature = "aws")]
use crate::aws::{AwsSession, round_trips};
use crate::aws::{GET_CALLER_IDENTITY, Operation};
#[cfg(feature = "aws")]
use crate::providers::Readers;
use crate::providers::{Facts, Read};

/// Every AWS operation labcheck can call: the account id's, then each provider's. All are reads.
pub fn operations() -> Vec<Operation> {
    let mut all = vec![GET_CALLER_IDENTITY];
    all.extend(crate::providers::operations());
    all
}

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

    /// One read, through its provider.
    pub fn read<'a>(&'a self, read: &'a Read) -> BoxFuture<'a, Facts> {
        self.readers.read(read)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// labcheck only reads: every operation is a Get, a List or a Describe.
    #[test]
    fn every_operation_is_a_read() {
        let reads = |op: &Operation| {
            op.action == "apigateway:GET"
                || ["Get", "List", "Describe"].iter().any(|verb| op.name.split(':').nth(1).unwrap().starts_with(verb))
        };
        assert!(operations().iter().all(reads), "only reads");
    }
}
