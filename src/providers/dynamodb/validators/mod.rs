//! DynamoDB's validators: a table's keys, billing, indexes, recovery and TTL.

pub mod dynamodb;
