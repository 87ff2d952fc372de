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

    let mut blocked = facts();
    let block = PublicAccessBlock { block_public_policy: true, ..PublicAccessBlock::default() };
    blocked.s3.s3_public_access_blocks.insert(BUCKET.into(), Ok(block));
    assert!(!public().evaluate(&blocked).unwrap().passed);
    assert!(S3PublicAccess { public_read: false, ..public() }.evaluate(&blocked).unwrap().passed);
    assert!(!S3PublicAccess { public_read: false, ..public() }.evaluate(&f).unwrap().passed);

    let mut conditional = facts();
    let mut policy = public_read();
    policy["Statement"][0]["Condition"] = json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}});
    conditional.s3.s3_policies.insert(BUCKET.into(), Ok(Some(policy)));
    let verdict = public().evaluate(&conditional).unwrap();
    assert!(!verdict.passed);
    assert!(verdict.message.to_string().contains("condition IpAddress, which labcheck does not evaluate"));
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

#[test]
fn several_matching_buckets_pass_if_any_passes() {
    let mut f = facts();
    let mut buckets = f.s3.s3_buckets.clone().unwrap().unwrap();
    buckets.push(Bucket { name: "website-old".into(), region: None });
    f.s3.s3_buckets = Some(Ok(buckets));
    f.s3.s3_versioning.insert("website-old".into(), Ok("Suspended".into()));
    assert!(S3VersioningEnabled { bucket: "website-*".into() }.evaluate(&f).unwrap().passed);
    f.s3.s3_versioning.insert(BUCKET.into(), Ok("Off".into()));
    assert_eq!(
        S3VersioningEnabled { bucket: "website-*".into() }.evaluate(&f).unwrap().message,
        format!("2 buckets are named website-* and none passes; {BUCKET}: versioning is off on {BUCKET}").as_str()
    );
}
