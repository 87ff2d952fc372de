//! The least-privilege, read-only IAM policy a grading needs: the operations its reads call (and the reads they
//! are resolved through), each as one IAM action on one resource, grouped into statements by service.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::aws::{GET_CALLER_IDENTITY, Operation};
use crate::providers::Read;

/// Every operation that making `reads` may call: each read's own, those of the reads it is resolved through, and
/// the account id's. Sorted, without repeats.
pub fn operations_of(reads: &[Read]) -> Vec<Operation> {
    let mut pending: Vec<Read> = reads.to_vec();
    let mut seen: Vec<Read> = Vec::new();
    let mut operations = vec![GET_CALLER_IDENTITY];
    while let Some(read) = pending.pop() {
        if seen.contains(&read) {
            continue;
        }
        operations.extend(read.kind().operations());
        pending.extend(read.kind().resolved_through());
        seen.push(read);
    }
    operations.sort_by_key(|op| (op.action, op.resource));
    operations.dedup_by_key(|op| (op.action, op.resource));
    operations
}

/// The policy document allowing exactly `operations`: one statement per service and set of resources.
pub fn policy_document(operations: &[Operation]) -> Value {
    // service -> action -> resources
    let mut by_service: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for op in operations {
        let service = op.action.split(':').next().unwrap_or_default();
        let resources = by_service.entry(service).or_default().entry(op.action).or_default();
        if !resources.contains(&op.resource) {
            resources.push(op.resource);
        }
    }
    let mut statements = Vec::new();
    for (service, actions) in by_service {
        // Actions that need the same resources share a statement.
        let mut groups: BTreeMap<Vec<&str>, Vec<&str>> = BTreeMap::new();
        for (action, mut resources) in actions {
            resources.sort_unstable();
            groups.entry(resources).or_default().push(action);
        }
        let count = groups.len();
        for (n, (resources, actions)) in groups.into_iter().enumerate() {
            let sid = match count {
                1 => format!("LabcheckRead{}", pascal(service)),
                _ => format!("LabcheckRead{}{}", pascal(service), n + 1),
            };
            statements.push(json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": one_or_many(&actions),
                "Resource": one_or_many(&resources),
            }));
        }
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

fn one_or_many(items: &[&str]) -> Value {
    match items {
        [one] => json!(one),
        many => json!(many),
    }
}

/// `apigateway` -> `Apigateway`, `s3` -> `S3`.
fn pascal(service: &str) -> String {
    let mut chars = service.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{dynamodb, s3};

    #[test]
    fn the_shipped_policy_is_the_one_for_every_operation() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/iam/labcheck-readonly-policy.json");
        let shipped: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut all = super::super::operations();
        all.sort_by_key(|op| (op.action, op.resource));
        let expected = policy_document(&all);
        assert_eq!(
            shipped,
            expected,
            "iam/labcheck-readonly-policy.json is not the policy for every operation; it should be:\n{}",
            serde_json::to_string_pretty(&expected).unwrap()
        );
    }

    #[test]
    fn a_read_needs_its_own_operations_and_those_it_is_resolved_through() {
        let tags = Read::from(dynamodb::Read::Table { name: "Items".into(), part: dynamodb::Part::Tags });
        let actions: Vec<&str> = operations_of(&[tags]).iter().map(|op| op.action).collect();
        assert_eq!(actions, ["dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "sts:GetCallerIdentity"]);
        let page =
            Read::from(s3::Read::Bucket { bucket: "site-*".into(), part: s3::Part::WebsitePage { path: "/".into() } });
        let actions: Vec<&str> = operations_of(&[page]).iter().map(|op| op.action).collect();
        assert_eq!(actions, ["s3:ListAllMyBuckets", "sts:GetCallerIdentity"], "the page itself is a plain GET");
    }
}
