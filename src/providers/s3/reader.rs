//! Reading S3: the region's buckets once, then each part of each bucket a check names at most once per round.

use super::operations::*;
use super::{Client, S3, control, website};
use crate::aws::{ClientSettings, MakeClient};
use crate::providers::{Reading, RoundReader};
use std::sync::Arc;

use crate::aws::round_trips::join_all;
use tokio::sync::OnceCell;

use super::{
    Bucket, EncryptionRule, Facts, LifecycleRule, MAX_OBJECTS, Object, Objects, Part, PublicAccessBlock, Read, Tags,
    Website, WebsiteResponse, objects_key, page_key,
};
use crate::aws::AwsSession;
use crate::aws::pages::{self, IfMissing};
use crate::aws::{Keyed, has_code, text};
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::policy::glob;
use crate::providers::Readers;

/// A `GetPublicAccessBlock` answer as a fact: S3's (a bucket's) and S3 Control's (the account's) have types of their
/// own that read alike. None configured (`NoSuchPublicAccessBlockConfiguration`) is every setting off, as is a
/// setting left out.
macro_rules! public_access_block {
    ($answer:expr, $operation:expr) => {
        match $answer {
            Ok(out) => Ok(out.public_access_block_configuration().map_or_else(PublicAccessBlock::default, |c| {
                PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                }
            })),
            Err(e) if has_code(&e, &["NoSuchPublicAccessBlockConfiguration"]) => Ok(PublicAccessBlock::default()),
            Err(e) => Err($operation.error(e)),
        }
    };
}

/// One round of S3 reads.
pub struct Reader {
    session: Arc<AwsSession>,
    buckets: OnceCell<Fact<Vec<Bucket>>>,
    account_public_access_block: OnceCell<Fact<PublicAccessBlock>>,
    versioning: Keyed<Fact<String>>,
    encryption: Keyed<Fact<Vec<EncryptionRule>>>,
    lifecycle: Keyed<Fact<Vec<LifecycleRule>>>,
    public_access_blocks: Keyed<Fact<PublicAccessBlock>>,
    websites: Keyed<Fact<Option<Website>>>,
    policies: Keyed<Fact<Option<serde_json::Value>>>,
    tags: Keyed<Fact<Tags>>,
    objects: Keyed<Fact<Objects>>,
    pages: Keyed<Fact<WebsiteResponse>>,
}

impl RoundReader for Reader {
    type Read = Read;

    fn new(session: &Arc<AwsSession>, _plan: &[crate::providers::Read]) -> Self {
        Self {
            session: session.clone(),
            buckets: OnceCell::new(),
            account_public_access_block: OnceCell::new(),
            versioning: Keyed::new(),
            encryption: Keyed::new(),
            lifecycle: Keyed::new(),
            public_access_blocks: Keyed::new(),
            websites: Keyed::new(),
            policies: Keyed::new(),
            tags: Keyed::new(),
            objects: Keyed::new(),
            pages: Keyed::new(),
        }
    }

    async fn read(&self, read: &Read, _round: &Readers) -> crate::providers::Facts {
        if let Read::AccountPublicAccessBlock = read {
            let block = Some(self.account_public_access_block().await);
            let s3 = Facts { s3_account_public_access_block: block, ..Facts::default() };
            return crate::providers::Facts { s3, ..crate::providers::Facts::default() };
        }
        let buckets = self.buckets().await;
        let mut s3 = Facts { s3_buckets: Some(buckets.clone()), ..Facts::default() };
        if let (Read::Bucket { bucket, part }, Ok(buckets)) = (read, &buckets) {
            let names: Vec<&str> = buckets.iter().map(|b| b.name.as_str()).filter(|name| glob(bucket, name)).collect();
            for one in join_all(names.iter().map(|name| self.part(name, part))).await {
                <super::S3 as crate::providers::Provider>::merge(&mut s3, one);
            }
        }
        crate::providers::Facts { s3, ..crate::providers::Facts::default() }
    }
}

impl Reader {
    /// One part of one bucket, as the one entry of its collection.
    async fn part(&self, bucket: &str, part: &Part) -> Facts {
        let mut facts = Facts::default();
        let key = bucket.to_owned();
        match part {
            Part::Versioning => _ = facts.s3_versioning.insert(key, self.versioning(bucket).await),
            Part::Encryption => _ = facts.s3_encryption.insert(key, self.encryption(bucket).await),
            Part::Lifecycle => _ = facts.s3_lifecycle.insert(key, self.lifecycle(bucket).await),
            Part::PublicAccessBlock => {
                _ = facts.s3_public_access_blocks.insert(key, self.public_access_block(bucket).await)
            }
            Part::Website => _ = facts.s3_websites.insert(key, self.website(bucket).await),
            Part::Policy => _ = facts.s3_policies.insert(key, self.policy(bucket).await),
            Part::Tags => _ = facts.s3_tags.insert(key, self.tags(bucket).await),
            Part::Objects { prefix } => {
                _ = facts.s3_objects.insert(objects_key(bucket, prefix), self.objects(bucket, prefix).await)
            }
            Part::WebsitePage { path } => {
                _ = facts.s3_website_pages.insert(page_key(bucket, path), self.page(bucket, path).await)
            }
        }
        facts
    }

    /// The buckets of the graded region. AWS lists every bucket of the account with its region (`BucketRegion`),
    /// and filters by region when asked; buckets another region lists are dropped here too.
    async fn buckets(&self) -> Fact<Vec<Bucket>> {
        self.buckets
            .get_or_init(|| async {
                let region = &self.session.region;
                let request = self.session.client::<S3>().sdk.list_buckets().bucket_region(region).max_buckets(1000);
                let pages = request.into_paginator().send();
                let pages = pages::read_all(pages, &LIST_BUCKETS, |p| p.continuation_token(), IfMissing::Error).await?;
                Ok(pages
                    .iter()
                    .flat_map(|p| p.buckets())
                    .map(|b| Bucket { name: text(b.name()), region: b.bucket_region().map(str::to_owned) })
                    .filter(|b| b.region.as_ref().is_none_or(|r| r == region))
                    .collect())
            })
            .await
            .clone()
    }

    async fn versioning(&self, bucket: &str) -> Fact<String> {
        self.versioning
            .get_or_fetch(bucket, || async {
                let out = self.session.client::<S3>().sdk.get_bucket_versioning().bucket(bucket).send().await;
                let out = out.map_err(|e| GET_BUCKET_VERSIONING.error(e))?;
                Ok(out.status().map_or("Off", |s| s.as_str()).to_owned())
            })
            .await
    }

    async fn encryption(&self, bucket: &str) -> Fact<Vec<EncryptionRule>> {
        self.encryption
            .get_or_fetch(bucket, || async {
                match self.session.client::<S3>().sdk.get_bucket_encryption().bucket(bucket).send().await {
                    Ok(out) => Ok(out
                        .server_side_encryption_configuration()
                        .map(|c| c.rules())
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|rule| {
                            let default = rule.apply_server_side_encryption_by_default()?;
                            Some(EncryptionRule {
                                algorithm: default.sse_algorithm().as_str().to_owned(),
                                kms_key: default.kms_master_key_id().map(str::to_owned),
                                bucket_key: rule.bucket_key_enabled().unwrap_or(false),
                            })
                        })
                        .collect()),
                    Err(e) if has_code(&e, &["ServerSideEncryptionConfigurationNotFoundError"]) => Ok(Vec::new()),
                    Err(e) => Err(GET_ENCRYPTION_CONFIGURATION.error(e)),
                }
            })
            .await
    }

    /// The bucket's lifecycle rules; none configured (`NoSuchLifecycleConfiguration`, as every new bucket on AWS)
    /// is no rule.
    async fn lifecycle(&self, bucket: &str) -> Fact<Vec<LifecycleRule>> {
        self.lifecycle
            .get_or_fetch(bucket, || async {
                match self.session.client::<S3>().sdk.get_bucket_lifecycle_configuration().bucket(bucket).send().await {
                    Ok(out) => Ok(out.rules().iter().map(lifecycle_rule).collect()),
                    Err(e) if has_code(&e, &["NoSuchLifecycleConfiguration"]) => Ok(Vec::new()),
                    Err(e) => Err(GET_BUCKET_LIFECYCLE.error(e)),
                }
            })
            .await
    }

    /// The account's own block, which S3 applies together with each bucket's (`NoSuchPublicAccessBlockConfiguration`:
    /// none, all off).
    async fn account_public_access_block(&self) -> Fact<PublicAccessBlock> {
        self.account_public_access_block
            .get_or_init(|| async {
                let account = self.session.caller_account().await?;
                let request = self.session.client::<S3>().control.get_public_access_block().account_id(account);
                public_access_block!(request.send().await, GET_ACCOUNT_PUBLIC_ACCESS_BLOCK)
            })
            .await
            .clone()
    }

    async fn public_access_block(&self, bucket: &str) -> Fact<PublicAccessBlock> {
        self.public_access_blocks
            .get_or_fetch(bucket, || async {
                let answer = self.session.client::<S3>().sdk.get_public_access_block().bucket(bucket).send().await;
                public_access_block!(answer, GET_BUCKET_PUBLIC_ACCESS_BLOCK)
            })
            .await
    }

    async fn website(&self, bucket: &str) -> Fact<Option<Website>> {
        self.websites
            .get_or_fetch(bucket, || async {
                match self.session.client::<S3>().sdk.get_bucket_website().bucket(bucket).send().await {
                    Ok(out) => Ok(Some(Website {
                        index_document: out.index_document().map(|d| d.suffix().to_owned()),
                        error_document: out.error_document().map(|d| d.key().to_owned()),
                        redirect_all_to: out.redirect_all_requests_to().map(|r| r.host_name().to_owned()),
                    })),
                    Err(e) if has_code(&e, &["NoSuchWebsiteConfiguration"]) => Ok(None),
                    Err(e) => Err(GET_BUCKET_WEBSITE.error(e)),
                }
            })
            .await
    }

    async fn policy(&self, bucket: &str) -> Fact<Option<serde_json::Value>> {
        self.policies
            .get_or_fetch(bucket, || async {
                match self.session.client::<S3>().sdk.get_bucket_policy().bucket(bucket).send().await {
                    Ok(out) => serde_json::from_str(out.policy().unwrap_or("{}")).map(Some).map_err(|e| {
                        let message = format!("the policy is not JSON: {e}");
                        FactError::new(FactErrorKind::Malformed, GET_BUCKET_POLICY.name, message)
                    }),
                    Err(e) if has_code(&e, &["NoSuchBucketPolicy"]) => Ok(None),
                    Err(e) => Err(GET_BUCKET_POLICY.error(e)),
                }
            })
            .await
    }

    async fn tags(&self, bucket: &str) -> Fact<Tags> {
        self.tags
            .get_or_fetch(bucket, || async {
                match self.session.client::<S3>().sdk.get_bucket_tagging().bucket(bucket).send().await {
                    Ok(out) => Ok(out.tag_set().iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect()),
                    Err(e) if has_code(&e, &["NoSuchTagSet", "NoSuchTagSetError"]) => Ok(Tags::new()),
                    Err(e) => Err(GET_BUCKET_TAGGING.error(e)),
                }
            })
            .await
    }

    /// At most [`MAX_OBJECTS`] keys under `prefix` (one page); `truncated` says there were more.
    async fn objects(&self, bucket: &str, prefix: &str) -> Fact<Objects> {
        self.objects
            .get_or_fetch(&objects_key(bucket, prefix), || async {
                let request = self
                    .session
                    .client::<S3>()
                    .sdk
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(prefix)
                    .max_keys(MAX_OBJECTS);
                let out = request.send().await.map_err(|e| LIST_BUCKET.error(e))?;
                Ok(Objects {
                    objects: out
                        .contents()
                        .iter()
                        .map(|o| Object { key: text(o.key()), size: o.size().unwrap_or_default() })
                        .collect(),
                    truncated: out.is_truncated().unwrap_or(false),
                })
            })
            .await
    }

    async fn page(&self, bucket: &str, path: &str) -> Fact<WebsiteResponse> {
        self.pages
            .get_or_fetch(&page_key(bucket, path), || async {
                let session = &self.session;
                session.client::<S3>().website.get(&session.stats, bucket, &session.region, path).await
            })
            .await
    }
}

/// A rule as a fact. Its scope is `Filter` (or the older `Prefix` beside it); a filter of tags or sizes, alone or
/// in `And`, limits it beyond a prefix.
fn lifecycle_rule(rule: &aws_sdk_s3::types::LifecycleRule) -> LifecycleRule {
    let filter = rule.filter();
    let and = filter.and_then(|f| f.and());
    #[allow(deprecated)]
    let prefix = filter.and_then(|f| f.prefix()).or(and.and_then(|a| a.prefix())).or(rule.prefix());
    let filtered = filter.is_some_and(|f| {
        f.tag().is_some() || f.object_size_greater_than().is_some() || f.object_size_less_than().is_some()
    }) || and.is_some_and(|a| {
        !a.tags().is_empty() || a.object_size_greater_than().is_some() || a.object_size_less_than().is_some()
    });
    let expiration = rule.expiration();
    LifecycleRule {
        id: rule.id().map(str::to_owned),
        status: rule.status().as_str().to_owned(),
        prefix: prefix.unwrap_or_default().to_owned(),
        filtered,
        noncurrent_days: rule.noncurrent_version_expiration().and_then(|e| e.noncurrent_days()),
        expires_current: expiration.is_some_and(|e| e.days().is_some() || e.date().is_some()),
    }
}

impl MakeClient for S3 {
    type Client = Client;

    fn client(settings: &ClientSettings) -> Self::Client {
        // An emulator at a plain address cannot take the bucket in the host name.
        let endpoint_overridden =
            settings.config.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
        let sdk = aws_sdk_s3::config::Builder::from(&settings.config).force_path_style(endpoint_overridden);
        let control = aws_sdk_s3control::config::Builder::from(&settings.config)
            .endpoint_resolver(control::EmulatorFriendlyResolver::default());
        Client {
            sdk: crate::aws::instrumented!(aws_sdk_s3, sdk, settings),
            control: crate::aws::instrumented!(aws_sdk_s3control, control, settings),
            website: website::WebsiteClient::new(settings.probe_timeout),
        }
    }

    fn instrument(client: Self::Client, settings: &ClientSettings) -> Self::Client {
        Client {
            sdk: crate::aws::instrumented!(aws_sdk_s3, client.sdk.config().to_builder(), settings),
            control: crate::aws::instrumented!(aws_sdk_s3control, client.control.config().to_builder(), settings),
            website: client.website,
        }
    }
}

impl Reading for S3 {
    /// Nothing here is cut: a website page is public by design, and bucket settings name no secret.
    fn for_evidence(_facts: &mut Facts) {}

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] = &[
        // GetBucketVersioning's Status, and `Off` for a bucket that never had versioning.
        ("s3_versioning", "", &["Enabled", "Suspended", "Off"]),
        ("s3_encryption", "algorithm", aws_sdk_s3::types::ServerSideEncryption::values()),
        ("s3_lifecycle", "status", aws_sdk_s3::types::ExpirationStatus::values()),
        ("s3_policies", "Effect", &["Allow", "Deny"]),
    ];
}
