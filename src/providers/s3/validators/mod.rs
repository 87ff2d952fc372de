//! S3's validators: a bucket's settings, policy, objects and website.

pub mod s3;
