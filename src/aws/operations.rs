//! An AWS operation with the IAM permission it needs: what a provider declares of each call it makes, and what
//! `labcheck policy` is written from.

/// An AWS operation a provider calls, with the IAM permission it needs. `inventory::operations` lists them all;
/// the book's permissions table (docs/src/service/accounts.md) is written from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `service:Operation`, as counted in the stats.
    pub name: &'static str,
    /// IAM action.
    pub action: &'static str,
    /// IAM resource (`*` where the action has no resource-level permission).
    pub resource: &'static str,
}

/// The one call the core makes itself: the graded account's id.
pub const GET_CALLER_IDENTITY: Operation =
    Operation { name: "sts:GetCallerIdentity", action: "sts:GetCallerIdentity", resource: "*" };
