//! Lab files: loading, validating and selecting checks.
//!
//! A lab file (TOML, under `checks/`) is data: steps in order, each with checks that name a validator from the
//! registry and give its params. Everything wrong with a file is reported as one line with file and line, before
//! anything is checked.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use crate::i18n::{self, Locale, Text};
use crate::validators::Validator;

mod parse;
mod raw;
mod recall;

pub use parse::{LAB_FILE, MAX_LAB_FILE_BYTES, load_labs, suggestion};

/// A lab file problem: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LabError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Lab {
    pub id: String,
    pub title: Text,
    pub description: Option<Text>,
    /// The language the lab is written in (`[lab] language`, English if not given): every text has it, and a
    /// text not translated to the learner's language is shown in it.
    pub language: Locale,
    /// Every language some text of the lab is in, its own first.
    pub languages: Vec<Locale>,
    pub file: PathBuf,
    pub steps: Vec<Step>,
    /// What `labcheck mutate` accepts as it is, each with the author's reason (`[mutate] accept`).
    pub accepted: Vec<Accepted>,
}

/// A field no check needs to notice, or a check with no mutant to fail it, and why (`[mutate] accept = [{ field =
/// "...", why = "..." }]` or `{ check = "...", why = "..." }`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub check: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub title: Text,
    pub checks: Vec<Check>,
    /// The earlier steps this one takes apart (a cleanup step): in a learner's progress its checks count only once
    /// every check of these steps has passed.
    pub undoes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub title: Text,
    /// Id of the step the check belongs to.
    pub step: String,
    /// Registry name of the validator.
    pub validator_name: String,
    pub validator: Arc<dyn Validator>,
    pub points: u32,
    /// Student-facing hint, shown when the check does not pass.
    pub hint: Text,
    /// What the check verifies, for `list` and authors.
    pub description: Option<Text>,
    /// Ids of checks that must pass before this one is evaluated.
    pub needs: Vec<String>,
    /// The validator's params as given (vars substituted), for `explain`.
    pub params: toml::Table,
    /// Params taken from what this learner built, when their progress has it (`recall` in the lab file).
    pub recall: Vec<Recall>,
    /// The line of the check in its lab file.
    pub line: usize,
}

/// A param of a check taken from the evidence of an earlier check in the learner's progress: the cleanup checks
/// judge the function this learner built (found through their API) rather than a name pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recall {
    pub param: String,
    /// The earlier check whose evidence holds the value, and its key there.
    pub check: String,
    pub key: String,
}

impl Lab {
    /// What a report says of this lab, in `locale`.
    pub fn info(&self, locale: &crate::i18n::Locale) -> crate::model::LabInfo {
        crate::model::LabInfo {
            id: self.id.clone(),
            title: self.title.get(locale).to_owned(),
            file: self.file.display().to_string(),
        }
    }

    /// The language to grade in for a reader who asked for `requested` (best first): the closest the lab has
    /// (`es-MX` gets `es`), else the lab's own.
    pub fn locale_for(&self, requested: &[Locale]) -> Locale {
        i18n::negotiate(requested, &self.languages, &self.language)
    }

    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.steps.iter().flat_map(|s| s.checks.iter())
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks().find(|c| c.id == id)
    }

    pub fn max_score(&self) -> u32 {
        self.checks().map(|c| c.points).sum()
    }

    /// Checks by id.
    fn index(&self) -> HashMap<&str, &Check> {
        self.checks().map(|c| (c.id.as_str(), c)).collect()
    }

    /// The checks of the given steps (all steps if empty) plus, transitively, the checks they need, in lab
    /// order. An unknown step id is an error naming the known ones.
    pub fn select(&self, step_ids: &[String]) -> Result<Vec<&Check>, LabError> {
        for wanted in step_ids {
            if !self.steps.iter().any(|s| &s.id == wanted) {
                let ids: Vec<&str> = self.steps.iter().map(|s| s.id.as_str()).collect();
                let hint = suggestion(wanted, ids.iter().copied());
                return Err(LabError {
                    file: self.file.clone(),
                    line: None,
                    message: format!("unknown step `{wanted}`{hint} (steps: {})", ids.join(", ")),
                });
            }
        }
        let mut wanted: HashSet<&str> = self
            .checks()
            .filter(|c| step_ids.is_empty() || step_ids.contains(&c.step))
            .map(|c| c.id.as_str())
            .collect();
        let by_id = self.index();
        let mut frontier: Vec<&str> = wanted.iter().copied().collect();
        while let Some(id) = frontier.pop() {
            for need in &by_id[id].needs {
                if wanted.insert(need) {
                    frontier.push(need);
                }
            }
        }
        Ok(self.checks().filter(|c| wanted.contains(c.id.as_str())).collect())
    }
}

#[cfg(test)]
mod tests;
