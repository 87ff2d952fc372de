//! S3: the buckets of the graded region and, for a bucket named in a check (a name, or a pattern with `*` matched
//! against the region's buckets), its versioning, default encryption, lifecycle rules, public access block, website configuration,
//! policy, tags, objects under a prefix, and a GET of its website endpoint.

#[cfg(feature = "aws")]
mod control;
mod operations;
#[cfg(feature = "aws")]
mod reader;
mod types;
pub mod validators;
#[cfg(feature = "aws")]
mod website;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "aws")]
pub use reader::Reader;
pub use types::*;
#[cfg(feature = "aws")]
pub use website::WebsiteClient;

use super::{Invariant, Never, Provider, ReadKind};
use crate::aws::Operation;
use crate::facts::{Fact, FactError, collected};

pub struct S3;

/// Objects listed under a prefix at most (one page).
pub const MAX_OBJECTS: i32 = 1000;

/// What a validator may ask of S3.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// The buckets of the graded region (`ListBuckets`).
    Buckets,
    /// The account-wide public access block (S3 Control `GetPublicAccessBlock`, for the account STS names).
    AccountPublicAccessBlock,
    /// A part of every bucket of the region whose name matches `bucket` (`*` matches any run of characters).
    Bucket { bucket: String, part: Part },
}

/// What of a bucket a check reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Versioning,
    Encryption,
    Lifecycle,
    PublicAccessBlock,
    Website,
    Policy,
    Tags,
    /// Keys under this prefix.
    Objects {
        prefix: String,
    },
    /// A GET of this path (starting with `/`) on the bucket's website endpoint.
    WebsitePage {
        path: String,
    },
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::Buckets => "s3_buckets",
            Read::AccountPublicAccessBlock => "s3_account_public_access_block",
            Read::Bucket { part, .. } => match part {
                Part::Versioning => "s3_versioning",
                Part::Encryption => "s3_encryption",
                Part::Lifecycle => "s3_lifecycle",
                Part::PublicAccessBlock => "s3_public_access_blocks",
                Part::Website => "s3_websites",
                Part::Policy => "s3_policies",
                Part::Tags => "s3_tags",
                Part::Objects { .. } => "s3_objects",
                Part::WebsitePage { .. } => "s3_website_pages",
            },
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::Buckets | Read::AccountPublicAccessBlock => false,
            Read::Bucket { .. } => true,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        match self {
            Read::Buckets | Read::AccountPublicAccessBlock => Vec::new(),
            Read::Bucket { .. } => vec![Read::Buckets.into()],
        }
    }

    fn operations(&self) -> Vec<Operation> {
        match self {
            Read::Buckets => vec![operations::LIST_BUCKETS],
            // With the account id from STS GetCallerIdentity, which needs no permission.
            Read::AccountPublicAccessBlock => vec![operations::GET_ACCOUNT_PUBLIC_ACCESS_BLOCK],
            Read::Bucket { part, .. } => match part {
                Part::Versioning => vec![operations::GET_BUCKET_VERSIONING],
                Part::Encryption => vec![operations::GET_ENCRYPTION_CONFIGURATION],
                Part::Lifecycle => vec![operations::GET_BUCKET_LIFECYCLE],
                Part::PublicAccessBlock => vec![operations::GET_BUCKET_PUBLIC_ACCESS_BLOCK],
                Part::Website => vec![operations::GET_BUCKET_WEBSITE],
                Part::Policy => vec![operations::GET_BUCKET_POLICY],
                Part::Tags => vec![operations::GET_BUCKET_TAGGING],
                Part::Objects { .. } => vec![operations::LIST_BUCKET],
                // A plain HTTP GET of the public website: no permission.
                Part::WebsitePage { .. } => Vec::new(),
            },
        }
    }
}

/// The key of a bucket's objects under `prefix` in [`Facts::s3_objects`].
pub fn objects_key(bucket: &str, prefix: &str) -> String {
    format!("{bucket}/{prefix}")
}

/// The key of a website page in [`Facts::s3_website_pages`] (`path` starts with `/`).
pub fn page_key(bucket: &str, path: &str) -> String {
    format!("{bucket}{path}")
}

/// What was read of S3; keyed collections are by bucket name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_buckets: Option<Fact<Vec<Bucket>>>,
    /// All `false` when the account has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_account_public_access_block: Option<Fact<PublicAccessBlock>>,
    /// `Enabled`, `Suspended`, or `Off` (never enabled).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_versioning: BTreeMap<String, Fact<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_encryption: BTreeMap<String, Fact<Vec<EncryptionRule>>>,
    /// Empty when the bucket has no lifecycle configuration.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_lifecycle: BTreeMap<String, Fact<Vec<LifecycleRule>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_public_access_blocks: BTreeMap<String, Fact<PublicAccessBlock>>,
    /// `None`: website hosting is off.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_websites: BTreeMap<String, Fact<Option<Website>>>,
    /// `None`: the bucket has no policy.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_policies: BTreeMap<String, Fact<Option<serde_json::Value>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_tags: BTreeMap<String, Fact<Tags>>,
    /// By [`objects_key`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_objects: BTreeMap<String, Fact<Objects>>,
    /// By [`page_key`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub s3_website_pages: BTreeMap<String, Fact<WebsiteResponse>>,
}

fn keyed<'a, T>(map: &'a BTreeMap<String, Fact<T>>, key: &str, what: &str) -> Result<&'a T, FactError> {
    collected(map.get(key), &format!("{what} of S3 bucket {key}"))
}

impl Facts {
    pub fn buckets(&self) -> Result<&[Bucket], FactError> {
        collected(self.s3_buckets.as_ref(), "S3 buckets").map(Vec::as_slice)
    }

    pub fn account_public_access_block(&self) -> Result<&PublicAccessBlock, FactError> {
        collected(self.s3_account_public_access_block.as_ref(), "the account's S3 public access block")
    }

    pub fn versioning(&self, bucket: &str) -> Result<&str, FactError> {
        keyed(&self.s3_versioning, bucket, "versioning").map(String::as_str)
    }

    pub fn encryption(&self, bucket: &str) -> Result<&[EncryptionRule], FactError> {
        keyed(&self.s3_encryption, bucket, "default encryption").map(Vec::as_slice)
    }

    pub fn lifecycle(&self, bucket: &str) -> Result<&[LifecycleRule], FactError> {
        keyed(&self.s3_lifecycle, bucket, "lifecycle configuration").map(Vec::as_slice)
    }

    pub fn public_access_block(&self, bucket: &str) -> Result<&PublicAccessBlock, FactError> {
        keyed(&self.s3_public_access_blocks, bucket, "public access block")
    }

    pub fn website(&self, bucket: &str) -> Result<Option<&Website>, FactError> {
        keyed(&self.s3_websites, bucket, "website configuration").map(Option::as_ref)
    }

    pub fn policy(&self, bucket: &str) -> Result<Option<&serde_json::Value>, FactError> {
        keyed(&self.s3_policies, bucket, "policy").map(Option::as_ref)
    }

    pub fn tags(&self, bucket: &str) -> Result<&Tags, FactError> {
        keyed(&self.s3_tags, bucket, "tags")
    }

    pub fn objects(&self, bucket: &str, prefix: &str) -> Result<&Objects, FactError> {
        keyed(&self.s3_objects, &objects_key(bucket, prefix), "objects")
    }

    pub fn website_page(&self, bucket: &str, path: &str) -> Result<&WebsiteResponse, FactError> {
        keyed(&self.s3_website_pages, &page_key(bucket, path), "website page")
    }
}

/// The S3 client, the S3 Control client (account-wide settings), and the HTTP client that asks website endpoints.
#[cfg(feature = "aws")]
#[derive(Clone)]
pub struct Client {
    pub sdk: aws_sdk_s3::Client,
    pub control: aws_sdk_s3control::Client,
    pub website: website::WebsiteClient,
}

impl Provider for S3 {
    type Read = Read;

    type Facts = Facts;

    const OPERATIONS: &'static [Operation] = &operations::OPERATIONS;

    const FACT_NAMES: &'static [&'static str] = &[
        "s3_buckets",
        "s3_account_public_access_block",
        "s3_versioning:BUCKET",
        "s3_encryption:BUCKET",
        "s3_lifecycle:BUCKET",
        "s3_public_access_blocks:BUCKET",
        "s3_websites:BUCKET",
        "s3_policies:BUCKET",
        "s3_tags:BUCKET",
        "s3_objects:BUCKET/PREFIX",
    ];

    const INVARIANTS: &'static [Invariant] = &[Invariant {
        field: "s3_encryption",
        never: Never::Emptied,
        why: "since January 2023 every bucket has a default encryption rule, SSE-S3 at least, and deleting it only resets it to SSE-S3 (S3 user guide, \"Setting default server-side encryption behavior\")",
    }];
    const REFERENCES: &'static [&'static str] = &[];

    fn merge(into: &mut Facts, other: Facts) {
        if other.s3_buckets.is_some() {
            into.s3_buckets = other.s3_buckets;
        }
        if other.s3_account_public_access_block.is_some() {
            into.s3_account_public_access_block = other.s3_account_public_access_block;
        }
        into.s3_versioning.extend(other.s3_versioning);
        into.s3_encryption.extend(other.s3_encryption);
        into.s3_lifecycle.extend(other.s3_lifecycle);
        into.s3_public_access_blocks.extend(other.s3_public_access_blocks);
        into.s3_websites.extend(other.s3_websites);
        into.s3_policies.extend(other.s3_policies);
        into.s3_tags.extend(other.s3_tags);
        into.s3_objects.extend(other.s3_objects);
        into.s3_website_pages.extend(other.s3_website_pages);
    }

    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Read, String>> {
        let part = match kind {
            "s3_buckets" | "s3_account_public_access_block" => {
                let read = if kind == "s3_buckets" { Read::Buckets } else { Read::AccountPublicAccessBlock };
                return Some(match argument {
                    None => Ok(read),
                    Some(_) => Err(format!("`{kind}` takes no argument")),
                });
            }
            "s3_versioning" => Part::Versioning,
            "s3_encryption" => Part::Encryption,
            "s3_lifecycle" => Part::Lifecycle,
            "s3_public_access_blocks" => Part::PublicAccessBlock,
            "s3_websites" => Part::Website,
            "s3_policies" => Part::Policy,
            "s3_tags" => Part::Tags,
            "s3_objects" => {
                return Some(match argument.and_then(|a| a.split_once('/')) {
                    Some((bucket, prefix)) if !bucket.is_empty() => Ok(Read::Bucket {
                        bucket: bucket.to_owned(),
                        part: Part::Objects { prefix: prefix.to_owned() },
                    }),
                    _ => Err(format!("`{kind}` takes BUCKET/PREFIX (the prefix may be empty)")),
                });
            }
            _ => return None,
        };
        Some(match argument {
            Some(bucket) if !bucket.is_empty() => Ok(Read::Bucket { bucket: bucket.to_owned(), part }),
            _ => Err(format!("`{kind}` takes the bucket's name: `{kind}:BUCKET`")),
        })
    }
}
