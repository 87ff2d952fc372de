//! The AWS operations labcheck may call, each with the IAM permission it needs: what `labcheck policy` is written
//! from.

/// An AWS operation the inventory calls, with the IAM permission it needs. [`operations`] lists them all; the
/// book's permissions table (docs/src/service/accounts.md) is written from it.
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

/// Every AWS operation labcheck can call: the account id's, then each provider's. All are reads.
pub fn operations() -> Vec<Operation> {
    let mut all = vec![GET_CALLER_IDENTITY];
    all.extend(crate::providers::operations());
    all
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
