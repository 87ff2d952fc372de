//! EC2's and the VPC's validators, one file per family.

pub mod cleanup;
pub mod instances;
pub mod security_groups;
pub mod vpc;
