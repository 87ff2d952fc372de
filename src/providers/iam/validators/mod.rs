//! IAM's validators: a role's trust and what its policies allow, judged as AWS judges them.

pub mod iam;
