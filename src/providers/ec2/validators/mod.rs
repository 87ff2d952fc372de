//! EC2's and the VPC's validators, one file per family.

pub mod vpc;
