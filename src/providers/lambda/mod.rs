//! Lambda: the function behind the API (found through the integration URI, never guessed by name), its versions,
//! aliases and alias policies, and the names of the region's functions (for the cleanup step).

mod operations;
#[cfg(feature = "aws")]
mod reader;
mod types;
pub mod validators;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "aws")]
pub use reader::Reader;
pub use types::*;

use super::{Invariant, Never, Provider, ReadKind, apigateway};
use crate::aws::Operation;
use crate::facts::{Fact, FactError, collected};

pub struct Lambda;

/// What a validator may ask of Lambda.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// A part of every function that a method of the REST API with this name integrates with.
    BehindApi { api: String, part: Part },
    /// The names of every function in the region (`ListFunctions`).
    FunctionNames,
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::BehindApi { part: Part::Configuration, .. } => "lambda_functions",
            Read::BehindApi { part: Part::Versions, .. } => "lambda_versions",
            Read::BehindApi { part: Part::Aliases, .. } => "lambda_aliases",
            Read::BehindApi { part: Part::Policy(_), .. } => "lambda_policies",
            Read::FunctionNames => "lambda_function_names",
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::BehindApi { .. } => true,
            Read::FunctionNames => false,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        match self {
            Read::BehindApi { api, .. } => {
                vec![apigateway::Read::RestApis.into(), apigateway::Read::Resources { api: api.clone() }.into()]
            }
            Read::FunctionNames => Vec::new(),
        }
    }

    fn operations(&self) -> Vec<Operation> {
        vec![match self {
            Read::BehindApi { part: Part::Configuration, .. } => operations::GET_FUNCTION_CONFIGURATION,
            Read::BehindApi { part: Part::Versions, .. } => operations::LIST_VERSIONS_BY_FUNCTION,
            Read::BehindApi { part: Part::Aliases, .. } => operations::LIST_ALIASES,
            Read::BehindApi { part: Part::Policy(_), .. } => operations::GET_POLICY,
            Read::FunctionNames => operations::LIST_FUNCTIONS,
        }]
    }
}

/// What was read of Lambda.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// By function name; `None`: there is no such function.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_functions: BTreeMap<String, Fact<Option<LambdaFunction>>>,
    /// By function name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_versions: BTreeMap<String, Fact<Vec<LambdaVersion>>>,
    /// By function name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_aliases: BTreeMap<String, Fact<Vec<LambdaAlias>>>,
    /// By `NAME:QUALIFIER`; the policy document, `None` when the function or alias has no policy.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lambda_policies: BTreeMap<String, Fact<Option<serde_json::Value>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_function_names: Option<Fact<Vec<String>>>,
}

impl Facts {
    pub fn lambda_function(&self, name: &str) -> Result<Option<&LambdaFunction>, FactError> {
        collected(self.lambda_functions.get(name), &format!("Lambda function {name}")).map(Option::as_ref)
    }

    pub fn lambda_versions(&self, name: &str) -> Result<&[LambdaVersion], FactError> {
        collected(self.lambda_versions.get(name), &format!("versions of Lambda function {name}")).map(Vec::as_slice)
    }

    pub fn lambda_aliases(&self, name: &str) -> Result<&[LambdaAlias], FactError> {
        collected(self.lambda_aliases.get(name), &format!("aliases of Lambda function {name}")).map(Vec::as_slice)
    }

    pub fn lambda_policy(&self, name: &str, qualifier: &str) -> Result<Option<&serde_json::Value>, FactError> {
        let key = format!("{name}:{qualifier}");
        collected(self.lambda_policies.get(&key), &format!("resource policy of {key}")).map(Option::as_ref)
    }

    pub fn lambda_function_names(&self) -> Result<&[String], FactError> {
        collected(self.lambda_function_names.as_ref(), "Lambda functions").map(Vec::as_slice)
    }
}

impl Provider for Lambda {
    type Read = Read;

    type Facts = Facts;

    const OPERATIONS: &'static [Operation] = &operations::OPERATIONS;

    const FACT_NAMES: &'static [&'static str] = &[
        "lambda_function_names",
        "lambda_functions:API",
        "lambda_versions:API",
        "lambda_aliases:API",
        "lambda_policies:API:ALIAS",
    ];

    const INVARIANTS: &'static [Invariant] = &[Invariant {
        field: "lambda_versions",
        never: Never::Emptied,
        why: "ListVersionsByFunction always lists $LATEST",
    }];
    const REFERENCES: &'static [&'static str] = &[];

    fn merge(into: &mut Facts, other: Facts) {
        into.lambda_functions.extend(other.lambda_functions);
        into.lambda_versions.extend(other.lambda_versions);
        into.lambda_aliases.extend(other.lambda_aliases);
        into.lambda_policies.extend(other.lambda_policies);
        if other.lambda_function_names.is_some() {
            into.lambda_function_names = other.lambda_function_names;
        }
    }

    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Read, String>> {
        let behind = |part: Part| match argument {
            Some(api) if !api.is_empty() => Ok(Read::BehindApi { api: api.to_owned(), part }),
            _ => Err(format!("`{kind}` takes the REST API's name: `{kind}:API`")),
        };
        Some(match kind {
            "lambda_function_names" => match argument {
                None => Ok(Read::FunctionNames),
                Some(_) => Err(format!("`{kind}` takes no argument")),
            },
            "lambda_functions" => behind(Part::Configuration),
            "lambda_versions" => behind(Part::Versions),
            "lambda_aliases" => behind(Part::Aliases),
            "lambda_policies" => match argument.and_then(|a| a.split_once(':')) {
                Some((api, alias)) => Ok(Read::BehindApi { api: api.to_owned(), part: Part::Policy(alias.to_owned()) }),
                None => Err(format!("`{kind}` takes API:ALIAS")),
            },
            _ => return None,
        })
    }
}
