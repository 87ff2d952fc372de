//! Lambda's facts: a function's configuration (environment variables deliberately absent), versions, aliases and
//! resource policies.

use serde::{Deserialize, Serialize};

/// A Lambda function's configuration (`GetFunctionConfiguration`). Environment variables are deliberately absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A version of a function (`ListVersionsByFunction`), `$LATEST` included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaVersion {
    pub version: String,
}

/// An alias (`ListAliases`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaAlias {
    pub name: String,
    pub function_version: String,
}

/// What of a Lambda function a check reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Configuration,
    Versions,
    Aliases,
    /// The resource policy of this alias or version (`GetPolicy` with `Qualifier`).
    Policy(String),
}
