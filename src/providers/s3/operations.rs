//! The AWS operations this provider calls, with the IAM permission each needs.

use crate::aws::Operation;

const BUCKET: &str = "arn:aws:s3:::*";

pub(super) const LIST_BUCKETS: Operation =
    Operation { name: "s3:ListBuckets", action: "s3:ListAllMyBuckets", resource: "*" };

pub(super) const GET_BUCKET_VERSIONING: Operation =
    Operation { name: "s3:GetBucketVersioning", action: "s3:GetBucketVersioning", resource: BUCKET };

pub(super) const GET_ENCRYPTION_CONFIGURATION: Operation =
    Operation { name: "s3:GetBucketEncryption", action: "s3:GetEncryptionConfiguration", resource: BUCKET };

pub(super) const GET_BUCKET_LIFECYCLE: Operation =
    Operation { name: "s3:GetBucketLifecycleConfiguration", action: "s3:GetLifecycleConfiguration", resource: BUCKET };

pub(super) const GET_BUCKET_PUBLIC_ACCESS_BLOCK: Operation =
    Operation { name: "s3:GetPublicAccessBlock", action: "s3:GetBucketPublicAccessBlock", resource: BUCKET };

pub(super) const GET_BUCKET_WEBSITE: Operation =
    Operation { name: "s3:GetBucketWebsite", action: "s3:GetBucketWebsite", resource: BUCKET };

pub(super) const GET_BUCKET_POLICY: Operation =
    Operation { name: "s3:GetBucketPolicy", action: "s3:GetBucketPolicy", resource: BUCKET };

pub(super) const GET_BUCKET_TAGGING: Operation =
    Operation { name: "s3:GetBucketTagging", action: "s3:GetBucketTagging", resource: BUCKET };

pub(super) const GET_ACCOUNT_PUBLIC_ACCESS_BLOCK: Operation =
    Operation { name: "s3control:GetPublicAccessBlock", action: "s3:GetAccountPublicAccessBlock", resource: "*" };

pub(super) const LIST_BUCKET: Operation =
    Operation { name: "s3:ListObjectsV2", action: "s3:ListBucket", resource: BUCKET };
/// Every operation this provider calls.
pub(super) const OPERATIONS: [Operation; 10] = [
    LIST_BUCKETS,
    GET_ACCOUNT_PUBLIC_ACCESS_BLOCK,
    GET_BUCKET_VERSIONING,
    GET_ENCRYPTION_CONFIGURATION,
    GET_BUCKET_LIFECYCLE,
    GET_BUCKET_PUBLIC_ACCESS_BLOCK,
    GET_BUCKET_WEBSITE,
    GET_BUCKET_POLICY,
    GET_BUCKET_TAGGING,
    LIST_BUCKET,
];
