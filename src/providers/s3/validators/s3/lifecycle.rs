//! S3 lifecycle rules: versions that stop costing once replaced.

use super::{Part, bucket_reads, judge_buckets};
use crate::facts::FactError;
use crate::i18n::msg;
use crate::model::Verdict;
use crate::providers::s3::LifecycleRule;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// An enabled lifecycle rule over the whole bucket deletes noncurrent versions within `within_days` days of
    /// their being replaced, and no enabled rule over the whole bucket expires the current objects.
    ///
    /// Why: with versioning on, every overwrite and delete keeps the old version, and S3 bills each one for as
    /// long as it is kept; a `NoncurrentVersionExpiration` rule keeps a rollback window and bounds the bill (S3
    /// API reference, `NoncurrentVersionExpiration`; S3 user guide, "Managing the lifecycle of objects"). AWS
    /// puts no lifecycle rule on a new bucket, so this is the learner's work. A rule that expires current
    /// objects would delete the site's pages.
    ///
    /// ```toml
    /// validator = "s3_noncurrent_versions_expire"
    /// params = { bucket = "website-*", within_days = 30 }
    /// ```
    pub struct S3NoncurrentVersionsExpire {
        /// The bucket's name, or a pattern with `*` (`website-*`) matched against the graded region's buckets.
        pub bucket: String,
        /// Noncurrent versions must be deleted within this many days (`NoncurrentDays` at most this).
        pub within_days: i32,
    }
}

/// Whether a rule applies to every object of the bucket.
fn whole_bucket(rule: &LifecycleRule) -> bool {
    rule.prefix.is_empty() && !rule.filtered
}

fn enabled(rule: &LifecycleRule) -> bool {
    rule.status == "Enabled"
}

fn name(rule: &LifecycleRule) -> &str {
    rule.id.as_deref().unwrap_or("(no ID)")
}

impl S3NoncurrentVersionsExpire {
    /// Why the rules do not do it, from the rule that comes closest.
    fn shortfall(&self, bucket: &str, rules: &[LifecycleRule]) -> Verdict {
        let expiring: Vec<&LifecycleRule> = rules.iter().filter(|r| r.noncurrent_days.is_some()).collect();
        let Some(closest) = expiring
            .iter()
            .copied()
            .find(|r| enabled(r) && whole_bucket(r))
            .or_else(|| expiring.iter().copied().find(|r| enabled(r)))
            .or_else(|| expiring.first().copied())
        else {
            return match rules.len() {
                0 => Verdict::fail(msg!("bucket-lifecycle-none", bucket)),
                count => Verdict::fail(msg!("bucket-lifecycle-no-noncurrent", bucket, count)),
            };
        };
        let rule = name(closest);
        Verdict::fail(if !enabled(closest) {
            msg!("bucket-lifecycle-disabled", bucket, rule)
        } else if !whole_bucket(closest) {
            msg!(
                "bucket-lifecycle-partial",
                bucket,
                rule,
                prefix = &closest.prefix,
                filtered = if closest.filtered { "true" } else { "false" }
            )
        } else {
            let days = closest.noncurrent_days.unwrap_or_default();
            msg!("bucket-lifecycle-too-long", bucket, rule, days, within = self.within_days)
        })
    }
}

impl Validator for S3NoncurrentVersionsExpire {
    fn reads(&self) -> Vec<Read> {
        bucket_reads(&self.bucket, [Part::Lifecycle])
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("s3_lifecycle[].status"),
            Judged::field("s3_lifecycle[].prefix"),
            Judged::field("s3_lifecycle[].filtered"),
            Judged::field("s3_lifecycle[].noncurrent_days"),
            Judged::field("s3_lifecycle[].expires_current"),
            Judged::items("s3_lifecycle"),
        ]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_buckets(facts, &self.bucket, |bucket| {
            let rules = facts.s3.lifecycle(bucket)?;
            let ids: Vec<&str> = rules.iter().map(name).collect();
            if let Some(deleting) = rules.iter().find(|r| enabled(r) && whole_bucket(r) && r.expires_current) {
                return Ok(Verdict::fail(msg!("bucket-lifecycle-expires-current", bucket, rule = name(deleting)))
                    .with("rules", &ids));
            }
            let within = |r: &&LifecycleRule| r.noncurrent_days.is_some_and(|d| d <= self.within_days);
            let verdict = match rules.iter().filter(|r| enabled(r) && whole_bucket(r)).find(within) {
                Some(rule) => {
                    let days = rule.noncurrent_days.unwrap_or_default();
                    Verdict::pass(msg!("bucket-lifecycle-noncurrent", bucket, rule = name(rule), days))
                }
                None => self.shortfall(bucket, rules),
            };
            Ok(verdict.with("rules", &ids))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::s3::{Bucket, Website};

    fn rule(id: &str, noncurrent_days: Option<i32>) -> LifecycleRule {
        LifecycleRule {
            id: Some(id.into()),
            status: "Enabled".into(),
            prefix: String::new(),
            filtered: false,
            noncurrent_days,
            expires_current: false,
        }
    }

    fn facts(rules: Vec<LifecycleRule>) -> Facts {
        let mut facts = Facts::default();
        facts.s3.s3_buckets = Some(Ok(vec![Bucket { name: "website-a".into(), region: None }]));
        let site = Website { index_document: Some("index.html".into()), error_document: None, redirect_all_to: None };
        facts.s3.s3_websites.insert("website-a".into(), Ok(Some(site)));
        facts.s3.s3_lifecycle.insert("website-a".into(), Ok(rules));
        facts
    }

    fn judge(rules: Vec<LifecycleRule>) -> Verdict {
        let check = S3NoncurrentVersionsExpire { bucket: "website-*".into(), within_days: 30 };
        check.evaluate(&facts(rules)).unwrap()
    }

    #[test]
    fn a_whole_bucket_rule_within_the_days_passes() {
        let v = judge(vec![rule("old-versions", Some(30))]);
        assert!(v.passed, "{}", v.message);
        assert_eq!(v.message, "website-a deletes noncurrent versions after 30 days (rule old-versions)");
    }

    /// AWS's own state for a new bucket: no lifecycle configuration at all.
    #[test]
    fn a_new_bucket_has_no_rule_and_fails() {
        assert_eq!(judge(vec![]).message, "website-a has no lifecycle rule");
    }

    #[test]
    fn each_shortfall_is_named() {
        let cases = [
            (vec![rule("r", None)], "no lifecycle rule of website-a (1) deletes noncurrent versions"),
            (
                vec![LifecycleRule { status: "Disabled".into(), ..rule("r", Some(7)) }],
                "rule r of website-a would delete noncurrent versions, but it is disabled",
            ),
            (
                vec![LifecycleRule { prefix: "logs/".into(), ..rule("r", Some(7)) }],
                "rule r of website-a applies only to keys under logs/, not to the whole bucket",
            ),
            (
                vec![LifecycleRule { filtered: true, ..rule("r", Some(7)) }],
                "rule r of website-a applies only to objects with some tags or sizes, not to the whole bucket",
            ),
            (vec![rule("r", Some(90))], "rule r of website-a keeps noncurrent versions 90 days, more than 30"),
            (
                vec![rule("ok", Some(7)), LifecycleRule { expires_current: true, ..rule("all", None) }],
                "rule all of website-a expires current objects too: it would delete the site's pages",
            ),
        ];
        for (rules, message) in cases {
            let v = judge(rules);
            assert!(!v.passed);
            assert_eq!(v.message, message);
        }
    }
}
