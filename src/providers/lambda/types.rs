//! Lambda's facts: a function's configuration (environment variable names, never their values), versions, aliases
//! and resource policies.

use serde::{Deserialize, Serialize};

/// A Lambda function's configuration (`GetFunctionConfiguration`). Of its environment only the variable names are
/// kept: values are often secrets, and are dropped as the answer is read.
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
    /// The execution role's ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The names of its environment variables, sorted (values are never read into facts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environment_names: Vec<String>,
    /// Why Lambda could not give the environment: `GetFunctionConfiguration` succeeds with `Environment.Error`
    /// and no `Variables` when the environment is encrypted with a KMS key the grader may not use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_error: Option<EnvironmentError>,
}

/// Lambda's `EnvironmentError`: the code (e.g. `KMSAccessDeniedException`) and message it gave instead of the
/// variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentError {
    pub code: String,
    pub message: String,
}

impl LambdaFunction {
    /// The execution role's name: the last part of its ARN's path (`arn:aws:iam::1:role/service-role/R` -> `R`).
    pub fn role_name(&self) -> Option<&str> {
        let arn = self.role.as_deref()?;
        let resource = arn.split_once(":role/")?.1;
        resource.rsplit('/').next().filter(|name| !name.is_empty())
    }
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
