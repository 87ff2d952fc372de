//! `recall`: params taken from what this learner built, as their progress keeps it. A param that cannot be taken
//! because the progress cannot be read makes its check `error`: it is never judged on the params as written.

use std::sync::Arc;

use super::Lab;
use crate::facts::{FactError, FactErrorKind};
use crate::model::Verdict;
use crate::providers::{Facts, Read};
use crate::validators::{self, Validator};

impl Lab {
    /// Whether a check of these steps (all if empty) takes a param from the learner's progress: only then is the
    /// progress read before grading.
    pub fn recalls(&self, step_ids: &[String]) -> bool {
        self.select(step_ids).is_ok_and(|checks| checks.iter().any(|c| !c.recall.is_empty()))
    }

    /// The lab with each `recall` param replaced by what `recalled(check, key)` finds (a passed check's evidence in
    /// the learner's progress); a single value for a list param becomes a one-item list. Params with nothing
    /// recalled, or whose recalled value does not fit the validator, stay as written.
    pub fn recalling(&self, recalled: impl Fn(&str, &str) -> Option<serde_json::Value>) -> Lab {
        let mut lab = self.clone();
        for check in lab.steps.iter_mut().flat_map(|s| s.checks.iter_mut()).filter(|c| !c.recall.is_empty()) {
            let mut params = check.params.clone();
            for recall in &check.recall {
                let Some(value) = recalled(&recall.check, &recall.key).and_then(|v| toml::Value::try_from(v).ok())
                else {
                    continue;
                };
                let value = match (params.get(&recall.param), value) {
                    (Some(toml::Value::Array(_)), scalar @ (toml::Value::String(_) | toml::Value::Integer(_))) => {
                        toml::Value::Array(vec![scalar])
                    }
                    (_, value) => value,
                };
                params.insert(recall.param.clone(), value);
            }
            let spec = validators::lookup(&check.validator_name).expect("a loaded check's validator is registered");
            match spec.build(toml::Value::Table(params.clone())) {
                Ok(validator) => {
                    check.validator = Arc::from(validator);
                    check.params = params;
                }
                Err(e) => {
                    tracing::warn!(check = %check.id, error = %e, "a recalled value does not fit; params as written")
                }
            }
        }
        lab
    }

    /// The lab for a grading whose learner's progress could not be read (`why`): every check with `recall` is
    /// `error`, naming it, since the params it would judge are unknown. A fallback to the params as written could
    /// pass while what the learner built is still there.
    pub fn unrecalled(&self, why: &str) -> Lab {
        let mut lab = self.clone();
        for check in lab.steps.iter_mut().flat_map(|s| s.checks.iter_mut()).filter(|c| !c.recall.is_empty()) {
            let params: Vec<&str> = check.recall.iter().map(|r| r.param.as_str()).collect();
            let message = format!(
                "{} could not be recalled: the learner's progress could not be read ({why})",
                params.join(", ")
            );
            check.validator = Arc::new(Unrecalled(FactError::new(FactErrorKind::Service, "progress", message)));
        }
        lab
    }
}

/// A check whose recalled params are unknown: `error`, whatever the account holds.
#[derive(Debug)]
struct Unrecalled(FactError);

impl Validator for Unrecalled {
    fn reads(&self) -> Vec<Read> {
        Vec::new()
    }

    fn judges(&self) -> Vec<crate::validators::Judged> {
        Vec::new()
    }

    fn evaluate(&self, _facts: &Facts) -> Result<Verdict, FactError> {
        Err(self.0.clone())
    }
}
