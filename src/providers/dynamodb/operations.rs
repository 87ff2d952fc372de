//! The AWS operations this provider calls, with the IAM permission each needs.

use crate::aws::Operation;

const TABLE: &str = "arn:aws:dynamodb:*:*:table/*";

pub(super) const DESCRIBE_TABLE: Operation =
    Operation { name: "dynamodb:DescribeTable", action: "dynamodb:DescribeTable", resource: TABLE };

pub(super) const DESCRIBE_TIME_TO_LIVE: Operation =
    Operation { name: "dynamodb:DescribeTimeToLive", action: "dynamodb:DescribeTimeToLive", resource: TABLE };

pub(super) const DESCRIBE_CONTINUOUS_BACKUPS: Operation = Operation {
    name: "dynamodb:DescribeContinuousBackups",
    action: "dynamodb:DescribeContinuousBackups",
    resource: TABLE,
};

pub(super) const LIST_TAGS_OF_RESOURCE: Operation =
    Operation { name: "dynamodb:ListTagsOfResource", action: "dynamodb:ListTagsOfResource", resource: TABLE };

pub(super) const LIST_TABLES: Operation =
    Operation { name: "dynamodb:ListTables", action: "dynamodb:ListTables", resource: "*" };
/// Every operation this provider calls.
pub(super) const OPERATIONS: [Operation; 5] =
    [DESCRIBE_TABLE, DESCRIBE_TIME_TO_LIVE, DESCRIBE_CONTINUOUS_BACKUPS, LIST_TAGS_OF_RESOURCE, LIST_TABLES];
