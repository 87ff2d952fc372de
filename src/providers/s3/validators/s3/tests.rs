use serde_json::json;

use super::*;
use crate::providers::s3::{
    Bucket, Object, Objects, PublicAccessBlock, Website, WebsiteResponse, objects_key, page_key,
};

const BUCKET: &str = "website-123456789012";

fn facts() -> Facts {
    let mut facts = Facts::default();
    let buckets = vec![
        Bucket { name: "other".into(), region: Some("us-east-1".into()) },
        Bucket { name: BUCKET.into(), region: Some("us-east-1".into()) },
    ];
    facts.s3.s3_buckets = Some(Ok(buckets));
    facts.s3.s3_versioning.insert(BUCKET.into(), Ok("Enabled".into()));
    facts.s3.s3_public_access_blocks.insert(BUCKET.into(), Ok(PublicAccessBlock::default()));
    facts.s3.s3_account_public_access_block = Some(Ok(PublicAccessBlock::default()));
    facts.s3.s3_policies.insert(BUCKET.into(), Ok(Some(public_read())));
    let website = Website {
        index_document: Some("index.html".into()),
        error_document: Some("error.html".into()),
        redirect_all_to: None,
    };
    facts.s3.s3_websites.insert(BUCKET.into(), Ok(Some(website)));
    let objects = Objects { objects: vec![Object { key: "site/index.html".into(), size: 10 }], truncated: false };
    facts.s3.s3_objects.insert(objects_key(BUCKET, ""), Ok(objects));
    let page = WebsiteResponse {
        url: format!("http://{BUCKET}.s3-website-us-east-1.amazonaws.com/"),
        status: 403,
        content_type: None,
        location: None,
        body: "<html>403 Forbidden</html>".into(),
    };
    facts.s3.s3_website_pages.insert(page_key(BUCKET, "/"), Ok(page));
    facts
}

fn public_read() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{BUCKET}/*")}]})
}

fn public() -> S3PublicAccess {
    S3PublicAccess { bucket: "website-*".into(), public_read: true }
}

#[test]
fn buckets_are_found_by_pattern() {
    let f = facts();
    let verdict = S3BucketExists { bucket: "website-*".into() }.evaluate(&f).unwrap();
    assert_eq!(verdict.message, format!("bucket {BUCKET} exists").as_str());
    assert_eq!(verdict.evidence["bucket"], BUCKET);
    let none = S3BucketExists { bucket: "site-*".into() }.evaluate(&f).unwrap();
    assert_eq!(none.message, "there is no bucket named site-* in this region (the region has 2 other buckets)");
}

#[test]
fn public_read_means_get_object_for_everyone_and_nothing_more() {
    let f = facts();
    let verdict = public().evaluate(&f).unwrap();
    assert!(verdict.passed, "{}", verdict.message);

    let mut wide = facts();
    let mut policy = public_read();
    policy["Statement"][0]["Action"] = json!(["s3:GetObject", "s3:PutObject"]);
    wide.s3.s3_policies.insert(BUCKET.into(), Ok(Some(policy)));
    assert_eq!(
        public().evaluate(&wide).unwrap().message,
        format!("{BUCKET}: statement PublicRead also lets everyone s3:PutObject").as_str()
    );

    let mut wrong_resource = facts();
    let mut policy = public_read();
    policy["Statement"][0]["Resource"] = json!(format!("arn:aws:s3:::{BUCKET}"));
    wrong_resource.s3.s3_policies.insert(BUCKET.into(), Ok(Some(policy)));
    assert!(
        public().evaluate(&wrong_resource).unwrap().message.to_string().contains("no statement lets everyone read")
    );

    let mut conditional = facts();
    let mut policy = public_read();
    policy["Statement"][0]["Condition"] = json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}});
    conditional.s3.s3_policies.insert(BUCKET.into(), Ok(Some(policy)));
    let verdict = public().evaluate(&conditional).unwrap();
    assert!(!verdict.passed);
    assert!(
        verdict
            .message
            .to_string()
            .contains("depends on a condition IpAddress on aws:SourceIp, which labcheck does not evaluate"),
        "{}",
        verdict.message
    );
}

/// S3 API reference, `PublicAccessBlockConfiguration`: `BlockPublicPolicy` refuses new public policies;
/// `RestrictPublicBuckets` is what stops a public policy that is there. The account's block counts as well.
#[test]
fn only_restrict_public_buckets_stops_a_public_policy_in_the_bucket_or_the_account() {
    let private = S3PublicAccess { public_read: false, ..public() };
    let mut block_policy_only = facts();
    let block = PublicAccessBlock { block_public_policy: true, ..PublicAccessBlock::default() };
    block_policy_only.s3.s3_public_access_blocks.insert(BUCKET.into(), Ok(block));
    assert!(public().evaluate(&block_policy_only).unwrap().passed, "the existing public policy still works");
    assert!(!private.evaluate(&block_policy_only).unwrap().passed, "and the bucket is public");

    let mut restricted = facts();
    let block = PublicAccessBlock { restrict_public_buckets: true, ..PublicAccessBlock::default() };
    restricted.s3.s3_public_access_blocks.insert(BUCKET.into(), Ok(block));
    assert!(!public().evaluate(&restricted).unwrap().passed);
    assert!(private.evaluate(&restricted).unwrap().passed);

    let mut account = facts();
    account.s3.s3_account_public_access_block =
        Some(Ok(PublicAccessBlock { restrict_public_buckets: true, ..PublicAccessBlock::default() }));
    let verdict = public().evaluate(&account).unwrap();
    assert!(!verdict.passed);
    assert!(verdict.message.to_string().starts_with("the account's public access block restricts public buckets"));
    assert!(private.evaluate(&account).unwrap().passed);
    assert!(!private.evaluate(&facts()).unwrap().passed);
}

/// A Deny on another action can never grant more, and never removes the read: the standard "deny uploads without
/// SSE" guard rail leaves a public-read bucket public-read. A known context key is evaluated.
#[test]
fn conditions_that_cannot_change_the_read_and_known_context_keys() {
    let with = |extra: Value| {
        let mut f = facts();
        let mut policy = public_read();
        policy["Statement"].as_array_mut().unwrap().push(extra);
        f.s3.s3_policies.insert(BUCKET.into(), Ok(Some(policy)));
        public().evaluate(&f).unwrap()
    };
    let guard_rail = with(json!({"Sid": "DenyUnencryptedUploads", "Effect": "Deny", "Principal": "*",
        "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{BUCKET}/*"),
        "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}}));
    assert!(guard_rail.passed, "{}", guard_rail.message);
    let https_only = with(json!({"Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": format!("arn:aws:s3:::{BUCKET}/*"), "Condition": {"Bool": {"aws:SecureTransport": "false"}}}));
    assert_eq!(
        https_only.message,
        format!("{BUCKET}: statement HttpsOnly denies everyone s3:GetObject").as_str(),
        "a website GET is plain HTTP"
    );
    let region = |value: &str| {
        let mut f = facts();
        let mut policy = public_read();
        policy["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": value}});
        f.s3.s3_policies.insert(BUCKET.into(), Ok(Some(policy)));
        public().evaluate(&f).unwrap().passed
    };
    assert!(region("us-east-1"));
    assert!(!region("eu-west-1"));
}

#[test]
fn objects_and_website_name_what_is_wrong() {
    let f = facts();
    let object = S3ObjectExists { bucket: "website-*".into(), key: "index.html".into() }.evaluate(&f).unwrap();
    assert_eq!(object.message, format!("{BUCKET} has no object index.html (found site/index.html)").as_str());
    let website = S3WebsiteConfigured {
        bucket: "website-*".into(),
        index_document: "index.html".into(),
        error_document: Some("404.html".into()),
    };
    assert_eq!(
        website.evaluate(&f).unwrap().message,
        format!("the website of {BUCKET}: its error document is \"error.html\", not 404.html").as_str()
    );
    let serves = S3WebsiteServes { bucket: "website-*".into(), path: "/".into(), status: 200, contains: None };
    assert_eq!(
        serves.evaluate(&f).unwrap().message,
        format!("http://{BUCKET}.s3-website-us-east-1.amazonaws.com/ answers 403, not 200").as_str()
    );
}

/// Students retry: with several buckets of the pattern, every check judges the same one (the one with website
/// hosting, else the first by name), so settings split over two buckets never add up to a pass.
#[test]
fn several_matching_buckets_bind_every_check_to_one() {
    let mut f = facts();
    let mut buckets = f.s3.s3_buckets.clone().unwrap().unwrap();
    buckets.insert(0, Bucket { name: "website-0".into(), region: Some("us-east-1".into()) });
    f.s3.s3_buckets = Some(Ok(buckets));
    f.s3.s3_versioning.insert("website-0".into(), Ok("Enabled".into()));
    f.s3.s3_versioning.insert(BUCKET.into(), Ok("Off".into()));
    f.s3.s3_websites.insert("website-0".into(), Ok(None));
    let versioning = S3VersioningEnabled { bucket: "website-*".into() }.evaluate(&f).unwrap();
    assert!(!versioning.passed, "website-0 is versioned, but the site is on {BUCKET}");
    assert_eq!(
        versioning.message,
        format!(
            "versioning is off on {BUCKET} (judged {BUCKET}, one of 2 buckets named website-*: every check judges the same one, the one with website hosting or else the first by name)"
        )
        .as_str()
    );
    assert_eq!(versioning.evidence["bucket"], BUCKET);
    // Without website hosting anywhere: the first by name, for every check.
    f.s3.s3_websites.insert(BUCKET.into(), Ok(None));
    let versioning = S3VersioningEnabled { bucket: "website-*".into() }.evaluate(&f).unwrap();
    assert!(versioning.passed);
    assert_eq!(versioning.evidence["bucket"], "website-0");
    let exists = S3BucketExists { bucket: "website-*".into() }.evaluate(&f).unwrap();
    assert_eq!(exists.evidence["bucket"], "website-0");
}
