//! The result model shared by the engine and every reporter (see the book's output formats, docs/src/reference/formats.md).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::i18n::Message;

/// Version of the JSON report document. Bump on any incompatible change.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The state was read and meets the check.
    Pass,
    /// The state was read and does not meet the check.
    Fail,
    /// The state could not be read or the probe could not be made: the grade is incomplete.
    Error,
    /// A check this one `needs` did not pass.
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skip => "skip",
        }
    }
}

/// Ids, ARNs and values a validator looked at. Never a secret.
pub type Evidence = BTreeMap<String, serde_json::Value>;

/// What a validator concluded from facts it could read.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub passed: bool,
    /// Why, in no language yet: the report renders it in the learner's.
    pub message: Message,
    pub evidence: Evidence,
}

impl Verdict {
    pub fn pass(message: Message) -> Self {
        Self { passed: true, message, evidence: Evidence::new() }
    }

    pub fn fail(message: Message) -> Self {
        Self { passed: false, message, evidence: Evidence::new() }
    }

    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.evidence.insert(key.to_owned(), value);
        self
    }
}

/// One graded check, as every output format sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckResult {
    pub id: String,
    pub step: String,
    pub title: String,
    pub validator: String,
    pub status: Status,
    pub points: u32,
    pub max_points: u32,
    pub message: String,
    /// The message's catalogue id (`usage-plan-missing`): the same in every language, so results group by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The message in no language yet (its id and facts), kept with the learner's progress so that it can be
    /// written again in another reader's language. Not part of the report: the report has it written.
    #[serde(skip)]
    pub message_source: Option<crate::i18n::Message>,
    /// Student-facing hint; only on a check that did not pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub evidence: Evidence,
    #[serde(with = "duration_ms", rename = "duration_ms")]
    #[schema(value_type = u64)]
    pub duration: Duration,
    /// In a progress report: when the check first passed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_at: Option<String>,
    /// In a progress report: the grading that gave this result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StepInfo {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LabInfo {
    pub id: String,
    pub title: String,
    /// The lab file it was loaded from.
    pub file: String,
}

/// Which account was graded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Target {
    /// From STS GetCallerIdentity; `null` when it could not be read.
    pub account_id: Option<String>,
    pub region: String,
}

/// Counters of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stats {
    /// AWS API operations called, `service:Operation` -> calls (each page counts once; retries do not).
    pub api_calls: BTreeMap<String, u64>,
    /// Sum of `api_calls`.
    pub api_calls_total: u64,
    /// HTTP requests the SDK sent, retries included.
    pub api_requests: u64,
    /// HTTP probes sent to deployed stages.
    pub probes: u64,
    /// Round trips: the longest chain of requests (AWS calls, pages, retries, probes) that waited one on another,
    /// in one round of reads. The wall time of a grading is about this many times the latency to AWS.
    #[serde(default)]
    pub round_trips: u32,
    /// How many times the account was read (more than 1 only with `--wait`).
    pub rounds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Error,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

/// A whole grading: the one document behind every output format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    pub schema_version: u32,
    pub labcheck_version: String,
    /// The language of titles, messages and hints (a BCP 47 tag, e.g. `en`, `es`).
    #[serde(default = "english")]
    pub lang: String,
    pub lab: LabInfo,
    pub target: Target,
    /// RFC 3339, UTC.
    pub started_at: String,
    #[serde(with = "duration_ms", rename = "duration_ms")]
    #[schema(value_type = u64)]
    pub duration: Duration,
    pub outcome: Outcome,
    pub score: u32,
    pub max_score: u32,
    pub summary: Summary,
    /// The steps that were graded, in lab order.
    pub steps: Vec<StepInfo>,
    /// Checks in lab order.
    pub checks: Vec<CheckResult>,
    pub stats: Stats,
    /// With a learner: where the grading was kept, or why it could not be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recorded>,
}

/// What became of a grading made for a learner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Recorded {
    /// Kept as `grading_id`; the learner's progress in the lab is now `score` of `max_score`.
    Kept { grading_id: String, learner: String, score: u32, max_score: u32 },
    /// The store could not keep it (the verdicts stand; the progress did not change).
    NotKept { error: String },
}

fn english() -> String {
    "en".to_owned()
}

impl Report {
    /// An empty report of `lab` in `locale` for `target`, started now: the checks, steps and stats are to be filled.
    pub fn started(lab: LabInfo, locale: &crate::i18n::Locale, target: Target) -> Self {
        let started_at = time::OffsetDateTime::now_utc();
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            labcheck_version: env!("CARGO_PKG_VERSION").to_owned(),
            lang: locale.to_string(),
            lab,
            target,
            started_at: started_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            duration: Duration::ZERO,
            outcome: Outcome::Pass,
            score: 0,
            max_score: 0,
            summary: Summary::default(),
            steps: Vec::new(),
            checks: Vec::new(),
            stats: Stats::default(),
            recorded: None,
        }
    }

    /// Fills score, summary and outcome from `checks`.
    pub fn tally(&mut self) {
        let mut summary = Summary::default();
        for check in &self.checks {
            match check.status {
                Status::Pass => summary.passed += 1,
                Status::Fail => summary.failed += 1,
                Status::Error => summary.errors += 1,
                Status::Skip => summary.skipped += 1,
            }
        }
        self.score = self.checks.iter().map(|c| c.points).sum();
        self.max_score = self.checks.iter().map(|c| c.max_points).sum();
        self.outcome = if summary.errors > 0 {
            Outcome::Error
        } else if summary.failed > 0 || summary.skipped > 0 {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
        self.summary = summary;
    }

    /// The language of the report's texts (English if `lang` is not a language tag).
    pub fn locale(&self) -> crate::i18n::Locale {
        self.lang.parse().unwrap_or_else(|_| crate::i18n::english())
    }

    /// `message` in the report's language.
    pub fn say(&self, message: Message) -> String {
        message.render(&self.locale())
    }

    pub fn checks_of<'a>(&'a self, step: &'a str) -> impl Iterator<Item = &'a CheckResult> + 'a {
        self.checks.iter().filter(move |c| c.step == step)
    }
}

mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis().try_into().unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}
