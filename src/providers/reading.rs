//! How providers read (with the `aws` feature): the [`Reading`] half of a provider, and its reader for a round
//! ([`RoundReader`]). Its client, and the helpers every reader shares, are [`crate::aws`]'s.

use std::future::Future;
use std::sync::Arc;

use super::{Facts, Provider, Read, Readers};
use crate::aws::{AwsSession, MakeClient};

/// What a provider reads with: its client, its state for a round, and how it reads. Its client (an SDK client, an HTTP client) is its [`MakeClient`] kind: a session makes it once.
pub trait Reading: Provider + MakeClient {
    /// Its state for one round of reads: each collection read at most once.
    type Reader: RoundReader<Read = Self::Read>;

    /// The string fields of its facts that hold one of the values an AWS API allows: (collection, field, values),
    /// the values from the SDK's enum types. `labcheck mutate` swaps each for every other.
    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])];

    /// Cuts `facts` down to what a regrading needs, before they are kept as a grading's evidence: evidence is a
    /// record of the learner's account, and whatever it holds may be a secret (a stage variable, an API's answer).
    fn for_evidence(facts: &mut Self::Facts);
}

/// A provider's state for one round of reads, and how it reads: each collection at most once.
pub trait RoundReader: Send + Sync + Sized {
    /// What it is asked to read (its provider's [`Provider::Read`]).
    type Read;

    /// A reader for one round; `plan` is every read of the round, so a collection can be read in the one call
    /// shape every check needs.
    fn new(session: &Arc<AwsSession>, plan: &[Read]) -> Self;
    /// Reads `read` (and what finding it takes, e.g. the REST API list for resources) into facts; `round` is every
    /// provider's reader of the round, for what it reads through another provider.
    fn read(&self, read: &Self::Read, round: &Readers) -> impl Future<Output = Facts> + Send;
}
