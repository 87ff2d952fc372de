//! The inventory: reads the facts the selected checks need, each AWS collection at most once per round,
//! independent reads concurrently, every collection fully paginated.
//!
//! [`FactSource`] is what the engine sees; [`AwsInventory`] is the live source over the AWS SDK.

mod aws;
mod errors;
mod pages;
mod probe;
mod stats;
mod tolerant;

use futures::future::BoxFuture;

pub use aws::{
    AwsInventory, AwsSession, DEFAULT_INVOKE_URL_TEMPLATE, InvokeUrlTemplate, Pacer, SessionError, SessionOptions,
    load_config, retry_config,
};
pub use errors::{OPERATIONS, Operation, classify_sdk_error};
pub use stats::{CallCounter, StatsRecorder};
pub use tolerant::TolerantJson;

use crate::facts::{Facts, Read};

/// Where facts come from. One value serves one round of grading: facts it read are cached in it, so asking
/// twice for the same collection reads it once.
pub trait FactSource: Send + Sync {
    /// The facts covering `reads` (and what resolving them required, e.g. the REST API list for resources).
    fn collect<'a>(&'a self, reads: &'a [Read]) -> BoxFuture<'a, Facts>;
}
