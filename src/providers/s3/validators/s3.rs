//! S3 buckets: found by name or by a pattern (`website-*`, since bucket names are global and each student's
//! differs) among the graded region's buckets; their settings, objects, policy and what their website serves.

use serde_json::Value;

use crate::facts::FactError;
use crate::i18n::{Message, and, clauses, msg};
use crate::model::Verdict;
use crate::policy::{self, Caller, Decision, Policy, glob, statements, strings};
use crate::providers::s3::{self, Part, PublicAccessBlock};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// The reads of a check on `bucket`: the region's buckets, the website configuration of those that match (it
/// binds the lab to one bucket, [`bound_bucket`]), and `parts` of them.
fn bucket_reads(bucket: &str, parts: impl IntoIterator<Item = Part>) -> Vec<Read> {
    let mut reads = vec![Read::from(s3::Read::Buckets)];
    let parts = std::iter::once(Part::Website).chain(parts);
    reads.extend(parts.map(|part| Read::from(s3::Read::Bucket { bucket: bucket.to_owned(), part })));
    reads.dedup();
    reads
}

/// The one bucket every check of a lab judges for `pattern`, and how many buckets match. Students retry, so
/// several may match: the one with website hosting on comes first (the site a visitor reaches), then the first by
/// name. The choice is a function of facts every S3 check reads, so each check of a lab judges the same bucket and
/// a grading is the same for the same account.
fn bound_bucket<'a>(facts: &'a Facts, pattern: &str) -> Result<Option<(&'a str, usize)>, FactError> {
    let mut names: Vec<&str> =
        facts.s3.buckets()?.iter().map(|b| b.name.as_str()).filter(|n| glob(pattern, n)).collect();
    names.sort_unstable();
    if names.len() <= 1 {
        return Ok(names.first().map(|name| (*name, names.len())));
    }
    let mut hosting = None;
    for name in &names {
        if facts.s3.website(name)?.is_some() {
            hosting.get_or_insert(*name);
        }
    }
    Ok(Some((hosting.unwrap_or(names[0]), names.len())))
}

/// Runs `judge` on the bucket the lab is bound to ([`bound_bucket`]). None matches: a fail naming the pattern.
/// Several match: the verdict says which one was judged.
fn judge_buckets(
    facts: &Facts,
    pattern: &str,
    judge: impl FnOnce(&str) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    let Some((bucket, count)) = bound_bucket(facts, pattern)? else {
        let count = facts.s3.buckets()?.len();
        return Ok(Verdict::fail(msg!("bucket-missing", bucket = pattern, count)));
    };
    let verdict = judge(bucket)?;
    let verdict = match count {
        1 => verdict,
        _ => {
            let Verdict { passed, message, evidence } = verdict;
            Verdict { passed, message: msg!("bucket-bound", verdict = message, bucket, count, pattern), evidence }
        }
    };
    Ok(verdict.with("bucket", bucket))
}

validator! {
    /// A bucket with this name (or matching this pattern: `*` is any run of characters) exists in the graded
    /// region.
    ///
    /// Why: bucket names are global, so labs name a prefix (`website-*`) and each student adds their own suffix;
    /// a bucket made in another region than the lab's is not found, as the lab's other resources would not find
    /// it.
    ///
    /// ```toml
    /// validator = "s3_bucket_exists"
    /// params = { bucket = "website-*" }
    /// ```
    pub struct S3BucketExists {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
    }
}

impl Validator for S3BucketExists {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("s3_buckets[].name"), Judged::items("s3_buckets")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |name| Ok(Verdict::pass(msg!("bucket-exists", bucket = name))))
    }
}

validator! {
    /// Versioning is enabled on the bucket (not suspended, not never enabled).
    ///
    /// Why: with versioning an overwritten or deleted object can be recovered; a website deploy that breaks the
    /// page can be rolled back object by object.
    ///
    /// ```toml
    /// validator = "s3_versioning_enabled"
    /// params = { bucket = "website-*" }
    /// ```
    pub struct S3VersioningEnabled {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
    }
}

impl Validator for S3VersioningEnabled {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [Part::Versioning])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("s3_versioning")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            Ok(match facts.s3.versioning(bucket)? {
                "Enabled" => Verdict::pass(msg!("bucket-versioning-on", bucket)),
                status => Verdict::fail(msg!("bucket-versioning-off", bucket, status)),
            })
        })
    }
}

validator! {
    /// The bucket has a default encryption rule, with this algorithm when one is given (`AES256` for SSE-S3,
    /// `aws:kms` for SSE-KMS).
    ///
    /// Why: default encryption applies to every object written without encryption headers; labs that ask for
    /// KMS want the key's access logged and revocable, which SSE-S3 does not give.
    ///
    /// ```toml
    /// validator = "s3_default_encryption"
    /// params = { bucket = "website-*", algorithm = "AES256" }
    /// ```
    pub struct S3DefaultEncryption {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
        /// The rule's algorithm: `AES256` (SSE-S3) or `aws:kms` (any algorithm when absent).
        #[serde(default)]
        pub algorithm: Option<String>,
    }
}

impl Validator for S3DefaultEncryption {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [Part::Encryption])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("s3_encryption[].algorithm"), Judged::items("s3_encryption")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            let rules = facts.s3.encryption(bucket)?;
            let found: Vec<&str> = rules.iter().map(|r| r.algorithm.as_str()).collect();
            Ok(match (&self.algorithm, found.first()) {
                (_, None) => Verdict::fail(msg!("bucket-encryption-none", bucket)),
                (Some(algorithm), Some(_)) if !found.contains(&algorithm.as_str()) => {
                    Verdict::fail(msg!("bucket-encryption-other", bucket, algorithm, found = and(&found)))
                }
                (_, Some(_)) => Verdict::pass(msg!("bucket-encryption-on", bucket, algorithm = and(&found))),
            }
            .with("algorithms", &found))
        })
    }
}

/// The region the bucket list gives for `bucket`.
fn region_of<'a>(facts: &'a Facts, bucket: &str) -> Result<Option<&'a str>, FactError> {
    Ok(facts.s3.buckets()?.iter().find(|b| b.name == bucket).and_then(|b| b.region.as_deref()))
}

/// The `Allow` statements of a policy that name everyone, an anonymous visitor included.
fn public_allows(document: &Value) -> impl Iterator<Item = &Value> {
    statements(document).into_iter().filter(|s| s["Effect"] == "Allow" && policy::names_caller(s, Caller::Anonymous))
}

/// What the bucket policy lets anyone do, judged against "exactly `s3:GetObject` on the bucket's objects": the
/// problems found, empty when it is exactly that. Whether a visitor may read is decided by the policy evaluator
/// (a `Deny` on another action, like "deny uploads without SSE", changes nothing); "nothing more" is every
/// statement that allows everyone something beyond `s3:GetObject`, whatever its conditions.
fn public_read_problems(bucket: &str, document: &Value, region: Option<&str>) -> Vec<Message> {
    let sample = format!("arn:aws:s3:::{bucket}/index.html");
    // A visitor of the website endpoint: anonymous, over plain HTTP (website endpoints serve no HTTPS), in the
    // bucket's region.
    let mut context = vec![("aws:SecureTransport", "false")];
    context.extend(region.map(|region| ("aws:RequestedRegion", region)));
    let request = policy::Request {
        caller: Caller::Anonymous,
        action: "s3:GetObject",
        resource: Some(&sample),
        context: &context,
    };
    let mut problems = Vec::new();
    match policy::decide(&[Policy { label: "bucket policy", document }], &request) {
        Decision::Allowed { .. } => {}
        Decision::NotAllowed => problems.push(msg!("bucket-policy-no-public-read", bucket)),
        Decision::Denied { sid, .. } => {
            problems.push(msg!("bucket-policy-denies-read", sid = sid.as_deref().unwrap_or("(no Sid)")))
        }
        Decision::Unjudged { what } => problems.push(msg!("bucket-policy-read-unjudged", what)),
    }
    for statement in public_allows(document) {
        let sid = statement["Sid"].as_str().unwrap_or("(no Sid)");
        if !statement["NotAction"].is_null() {
            problems.push(msg!("bucket-policy-negated", sid, element = "NotAction"));
        }
        let actions = strings(&statement["Action"]);
        let beyond: Vec<&&str> = actions.iter().filter(|a| !a.eq_ignore_ascii_case("s3:GetObject")).collect();
        if !beyond.is_empty() {
            problems.push(msg!("bucket-policy-allows-more", sid, actions = and(beyond)));
        }
    }
    problems
}

/// Where public buckets are restricted (`RestrictPublicBuckets`, the setting that makes S3 ignore a public
/// policy's grants): the account's block or the bucket's. `BlockPublicPolicy` only refuses new public policies.
fn restricted_by(account: &PublicAccessBlock, bucket: &PublicAccessBlock) -> Option<&'static str> {
    match (account.restrict_public_buckets, bucket.restrict_public_buckets) {
        (true, _) => Some("account"),
        (false, true) => Some("bucket"),
        (false, false) => None,
    }
}

validator! {
    /// Whether anyone on the internet may read the bucket's objects, as the lab wants: with `public_read = true`,
    /// neither the account's nor the bucket's public access block restricts public buckets, and the bucket policy
    /// lets an anonymous visitor `s3:GetObject` on the bucket's objects and allows everyone nothing else; with
    /// `public_read = false`, nothing is public (public buckets are restricted, or the policy grants the public
    /// nothing).
    ///
    /// Why: a website bucket must be readable by anyone, and only readable: a policy that also allows
    /// `s3:PutObject` or `s3:*` to `"*"` lets anyone replace the site. S3 judges the account's and the bucket's
    /// block together, and only `RestrictPublicBuckets` stops a public policy that is already there
    /// (`BlockPublicPolicy` refuses new ones). The read is judged by labcheck's policy evaluator as a website GET
    /// (anonymous, `aws:SecureTransport` false): a condition it cannot evaluate is named, never taken as met.
    ///
    /// ```toml
    /// validator = "s3_public_access"
    /// params = { bucket = "website-*", public_read = true }
    /// ```
    pub struct S3PublicAccess {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
        /// `true`: anyone may read the objects and do nothing more; `false`: nothing is public.
        pub public_read: bool,
    }
}

impl Validator for S3PublicAccess {
    fn reads(&self) -> Vec<Read> {
        let mut reads = bucket_reads(&self.bucket, [Part::PublicAccessBlock, Part::Policy]);
        reads.push(Read::from(s3::Read::AccountPublicAccessBlock));
        reads
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("s3_public_access_blocks.restrict_public_buckets"),
            Judged::field("s3_account_public_access_block.restrict_public_buckets"),
            Judged::field("s3_policies"),
            Judged::field("s3_policies.Statement"),
            Judged::field("s3_policies.Statement[]"),
            Judged::field("s3_policies.Statement[].*"),
            Judged::items("s3_policies.Statement"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            let block = facts.s3.public_access_block(bucket)?;
            let account = facts.s3.account_public_access_block()?;
            let policy = facts.s3.policy(bucket)?;
            let region = region_of(facts, bucket)?;
            let problems = match policy {
                None => vec![msg!("bucket-policy-none", bucket)],
                Some(policy) => public_read_problems(bucket, policy, region),
            };
            let grants_public = policy.is_some_and(|p| public_allows(p).next().is_some());
            Ok(match (self.public_read, restricted_by(account, block)) {
                (true, Some(place)) => Verdict::fail(msg!("bucket-public-blocked", bucket, scope = place)),
                (true, None) if problems.is_empty() => Verdict::pass(msg!("bucket-public-read", bucket)),
                (true, None) => Verdict::fail(msg!("bucket-public-wrong", bucket, problems = clauses(problems))),
                (false, Some(place)) => Verdict::pass(msg!("bucket-private-blocked", bucket, scope = place)),
                (false, None) if !grants_public => Verdict::pass(msg!("bucket-private", bucket)),
                (false, None) => Verdict::fail(msg!("bucket-public-granted", bucket)),
            }
            .with("public_access_block", block)
            .with("account_public_access_block", account))
        })
    }
}

validator! {
    /// Static website hosting is on for the bucket, with this index document and, when given, this error
    /// document.
    ///
    /// Why: without website hosting the bucket has no website endpoint; without the index document `/` answers
    /// 404 even when `index.html` is there.
    ///
    /// ```toml
    /// validator = "s3_website_configured"
    /// params = { bucket = "website-*", index_document = "index.html", error_document = "error.html" }
    /// ```
    pub struct S3WebsiteConfigured {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
        /// The index document's suffix (`index.html`).
        pub index_document: String,
        /// The error document's key (not checked when absent).
        #[serde(default)]
        pub error_document: Option<String>,
    }
}

impl Validator for S3WebsiteConfigured {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [Part::Website])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("s3_websites.index_document"),
            Judged::field("s3_websites.error_document"),
            Judged::field("s3_websites.redirect_all_to"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            let Some(website) = facts.s3.website(bucket)? else {
                return Ok(Verdict::fail(msg!("bucket-website-off", bucket)));
            };
            if let Some(target) = &website.redirect_all_to {
                return Ok(Verdict::fail(msg!("bucket-website-redirects", bucket, target)));
            }
            let mut problems = Vec::new();
            let index = website.index_document.as_deref().unwrap_or_default();
            if index != self.index_document {
                problems.push(msg!(
                    "bucket-website-document",
                    kind = "index",
                    expected = &self.index_document,
                    found = index
                ));
            }
            if let Some(expected) = &self.error_document {
                let found = website.error_document.as_deref().unwrap_or_default();
                if found != expected {
                    problems.push(msg!("bucket-website-document", kind = "error", expected, found));
                }
            }
            Ok(if problems.is_empty() {
                Verdict::pass(msg!("bucket-website-on", bucket, index))
            } else {
                Verdict::fail(msg!("bucket-website-wrong", bucket, problems = clauses(problems)))
            }
            .with("website", website))
        })
    }
}

validator! {
    /// An object with this key is in the bucket.
    ///
    /// Why: the website serves only what was uploaded; `index.html` uploaded into a folder (`site/index.html`)
    /// or under another name is not the page `/` serves.
    ///
    /// ```toml
    /// validator = "s3_object_exists"
    /// params = { bucket = "website-*", key = "index.html" }
    /// ```
    pub struct S3ObjectExists {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
        /// The object's key (`index.html`).
        pub key: String,
    }
}

impl Validator for S3ObjectExists {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [Part::Objects { prefix: String::new() }])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("s3_objects.objects[].key"), Judged::items("s3_objects.objects")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            let listing = facts.s3.objects(bucket, "")?;
            let key = &self.key;
            if let Some(object) = listing.objects.iter().find(|o| &o.key == key) {
                return Ok(Verdict::pass(msg!("bucket-object-found", bucket, key, size = object.size)));
            }
            let similar: Vec<&str> = listing
                .objects
                .iter()
                .map(|o| o.key.as_str())
                .filter(|k| k.eq_ignore_ascii_case(key) || k.ends_with(&format!("/{key}")))
                .take(3)
                .collect();
            Ok(match (similar.is_empty(), listing.truncated) {
                (false, _) => Verdict::fail(msg!("bucket-object-similar", bucket, key, found = and(similar))),
                (true, true) => {
                    Verdict::fail(msg!("bucket-object-not-listed", bucket, key, count = listing.objects.len()))
                }
                (true, false) => {
                    Verdict::fail(msg!("bucket-object-missing", bucket, key, count = listing.objects.len()))
                }
            })
        })
    }
}

validator! {
    /// The bucket's website endpoint answers a GET of `path` with `status` (and, when given, a body containing
    /// `contains`).
    ///
    /// Why: the configuration only promises; the endpoint shows what visitors get. An account-wide public access
    /// block, a policy on the wrong resource or a missing index document all look fine in the console and answer
    /// 403 or 404 here. Only S3's own answers count (an answer without S3's request id is an error).
    ///
    /// ```toml
    /// validator = "s3_website_serves"
    /// params = { bucket = "website-*", path = "/", status = 200 }
    /// ```
    pub struct S3WebsiteServes {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
        /// The path to GET on the website endpoint (`/` when absent).
        #[serde(default = "root")]
        pub path: String,
        /// The status it must answer (200 when absent).
        #[serde(default = "ok")]
        pub status: u16,
        /// Text the answer's body must contain (not checked when absent).
        #[serde(default)]
        pub contains: Option<String>,
    }
}

fn root() -> String {
    "/".to_owned()
}

fn ok() -> u16 {
    200
}

impl Validator for S3WebsiteServes {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [Part::WebsitePage { path: self.path.clone() }])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("s3_website_pages.status"), Judged::field("s3_website_pages.location")]
    }

    fn validate(&self) -> Result<(), String> {
        if self.path.starts_with('/') { Ok(()) } else { Err(format!("path `{}` does not start with /", self.path)) }
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            let page = facts.s3.website_page(bucket, &self.path)?;
            let (url, status) = (&page.url, page.status);
            let verdict = if status != self.status {
                Verdict::fail(msg!("website-status", url, status, expected = self.status))
            } else if let Some(text) = self.contains.as_ref().filter(|t| !page.body.contains(t.as_str())) {
                Verdict::fail(msg!("website-body", url, status, text))
            } else {
                Verdict::pass(msg!("website-serves", url, status))
            };
            Ok(verdict.with("url", url).with("status", status))
        })
    }
}

mod lifecycle;
pub use lifecycle::S3NoncurrentVersionsExpire;

#[cfg(test)]
mod tests;
