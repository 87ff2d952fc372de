//! S3's facts: the buckets of the graded region and, by bucket name, their versioning, default encryption, lifecycle
//! rules, public access block, website configuration, policy, tags, objects under a prefix, and what their website endpoint
//! answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A bucket of the account (`ListBuckets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    /// `BucketRegion` as AWS lists it; `None` when the service did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A default encryption rule (`GetBucketEncryption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionRule {
    /// `AES256` (SSE-S3), `aws:kms`, `aws:kms:dsse`.
    pub algorithm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    #[serde(default)]
    pub bucket_key: bool,
}

/// A lifecycle rule (`GetBucketLifecycleConfiguration`): what it applies to and the expirations it sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// The key prefix the rule is limited to (`""`: every key).
    #[serde(default)]
    pub prefix: String,
    /// Limited further, by tags or object sizes (`Filter.Tag`, `Filter.And`, `Filter.ObjectSize*`).
    #[serde(default)]
    pub filtered: bool,
    /// `NoncurrentVersionExpiration.NoncurrentDays`: days a version stays once it is no longer current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_days: Option<i32>,
    /// `Expiration` by `Days` or `Date`: current objects are deleted too (a delete marker on a versioned bucket).
    #[serde(default)]
    pub expires_current: bool,
}

/// The bucket's own public access block (`GetPublicAccessBlock`); all `false` when it has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// The website configuration (`GetBucketWebsite`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Website {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_document: Option<String>,
    /// Where every request is redirected, when the bucket only redirects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_all_to: Option<String>,
}

/// Objects under a prefix (`ListObjectsV2`), at most [`MAX_OBJECTS`](super::MAX_OBJECTS).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objects {
    pub objects: Vec<Object>,
    /// More objects exist than were listed.
    #[serde(default)]
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Object {
    pub key: String,
    pub size: i64,
}

/// What the bucket's website endpoint answered to a GET.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsiteResponse {
    /// The URL asked (the website endpoint, whatever address the request was sent to).
    pub url: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Where a redirect points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Body, cut at 4 KiB.
    pub body: String,
}

/// Tags by key.
pub type Tags = BTreeMap<String, String>;
