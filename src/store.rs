//! The store a command or the service opens: which one ([`StoreSpec`]: a SQLite file or a DynamoDB table) and
//! every domain's port on it together ([`Store`]).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cohort::Cohorts;
use crate::db::{DynamoStore, SqliteStore, StoreError};
use crate::lti::records::LtiRecords;
use crate::privacy::LearnerRecords;
use crate::progress::ProgressStore;
use crate::sessions::Sessions;

/// Every domain's port on one store: progress and gradings, learner sessions, LTI records, the cohort's reads,
/// a learner's records. Each store implements each port in that domain's folder.
pub trait Store: ProgressStore + Sessions + LtiRecords + Cohorts + LearnerRecords + Send + Sync + fmt::Debug {}

impl<T: ProgressStore + Sessions + LtiRecords + Cohorts + LearnerRecords + Send + Sync + fmt::Debug> Store for T {}

/// Which store: a SQLite file (`sqlite:PATH` or a path) or a DynamoDB table (`dynamodb:TABLE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    Sqlite(PathBuf),
    Dynamo(String),
}

impl std::str::FromStr for StoreSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(table) = s.strip_prefix("dynamodb:") {
            let valid = (3..=255).contains(&table.len())
                && table.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            return if valid {
                Ok(StoreSpec::Dynamo(table.to_owned()))
            } else {
                Err(format!("`{table}` is not a DynamoDB table name (3-255 of letters, digits, _ - .)"))
            };
        }
        let path = s.strip_prefix("sqlite:").unwrap_or(s);
        if path.is_empty() {
            return Err("a store is `sqlite:PATH`, a path, or `dynamodb:TABLE`".to_owned());
        }
        Ok(StoreSpec::Sqlite(PathBuf::from(path)))
    }
}

impl fmt::Display for StoreSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreSpec::Dynamo(table) => write!(f, "dynamodb:{table}"),
        }
    }
}

impl StoreSpec {
    /// The default store of the CLI: `progress.sqlite` under the user's data directory (`$XDG_DATA_HOME/labcheck`,
    /// else `~/.local/share/labcheck`).
    pub fn default_for_user(var: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let data = var("XDG_DATA_HOME")
            .filter(|d| Path::new(d).is_absolute())
            .map(PathBuf::from)
            .or_else(|| var("HOME").filter(|h| !h.is_empty()).map(|home| Path::new(&home).join(".local/share")))?;
        Some(StoreSpec::Sqlite(data.join("labcheck").join("progress.sqlite")))
    }

    /// Opens (and for SQLite creates or migrates) the store. DynamoDB is reached through `aws` (the service's own
    /// `--profile`/`--region`), else the standard AWS chain (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, ...);
    /// evidence written there expires after `evidence_days`.
    pub async fn open(
        &self,
        aws: Option<&aws_config::SdkConfig>,
        evidence_days: Option<u64>,
    ) -> Result<Arc<dyn Store>, StoreError> {
        match self {
            StoreSpec::Sqlite(path) => Ok(Arc::new(SqliteStore::open(path).await?)),
            StoreSpec::Dynamo(table) => {
                let config = match aws {
                    Some(config) => config.clone(),
                    None => aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await,
                };
                Ok(Arc::new(DynamoStore::open(&config, table).await?.with_evidence_days(evidence_days)))
            }
        }
    }

    /// Opens a store that must exist already, to read it or change what it keeps: a mistyped path is an error,
    /// not a new empty store that answers "nothing kept".
    pub async fn open_existing(&self) -> Result<Arc<dyn Store>, StoreError> {
        if let StoreSpec::Sqlite(path) = self
            && !path.exists()
        {
            let message =
                "no such file (`labcheck store-init` makes a store; `run --learner --store` records into one)";
            return Err(StoreError::Unusable { store: self.to_string(), message: message.to_owned() });
        }
        self.open(None, None).await
    }

    /// Makes the store if it does not exist: the SQLite file, or the DynamoDB table.
    pub async fn init(&self) -> Result<(), StoreError> {
        match self {
            StoreSpec::Sqlite(path) => SqliteStore::open(path).await.map(drop),
            StoreSpec::Dynamo(table) => {
                let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                DynamoStore::create(&config, table).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_specs_are_checked() {
    assert_eq!("dynamodb:labcheck-progress".parse(), Ok(StoreSpec::Dynamo("labcheck-progress".into())));
    assert_eq!("sqlite:/tmp/p.sqlite".parse(), Ok(StoreSpec::Sqlite("/tmp/p.sqlite".into())));
    assert_eq!("p.sqlite".parse(), Ok(StoreSpec::Sqlite("p.sqlite".into())));
    assert!("dynamodb:no spaces".parse::<StoreSpec>().is_err());
    assert!("sqlite:".parse::<StoreSpec>().is_err());
    let home = |name: &str| (name == "HOME").then(|| "/home/ana".to_owned());
    assert_eq!(
        StoreSpec::default_for_user(home),
        Some(StoreSpec::Sqlite("/home/ana/.local/share/labcheck/progress.sqlite".into()))
    );
    }
}
