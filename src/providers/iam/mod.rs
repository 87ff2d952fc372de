//! IAM: roles (trust policy, attached and inline permission policies with their documents), by name or as the
//! execution role of the Lambda function behind an API's method.

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

use super::{Invariant, Provider, ReadKind, apigateway, lambda};
use crate::aws::Operation;
use crate::facts::{Fact, FactError, collected};

pub struct Iam;

/// What a validator may ask of IAM.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// A part of the role with this name.
    Role { name: String, part: Part },
    /// A part of the execution role of every Lambda function a method of the REST API with this name integrates
    /// with.
    ExecutionRoles { api: String, part: Part },
}

/// What of a role a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// `GetRole`: its ARN and trust policy.
    Trust,
    /// Its attached managed policies (default versions) and inline policies, with their documents.
    Permissions,
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::Role { part: Part::Trust, .. } | Read::ExecutionRoles { part: Part::Trust, .. } => "iam_roles",
            Read::Role { part: Part::Permissions, .. } | Read::ExecutionRoles { part: Part::Permissions, .. } => {
                "iam_role_policies"
            }
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::Role { .. } | Read::ExecutionRoles { .. } => true,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        match self {
            Read::Role { .. } => Vec::new(),
            Read::ExecutionRoles { api, .. } => vec![
                apigateway::Read::RestApis.into(),
                apigateway::Read::Resources { api: api.clone() }.into(),
                lambda::Read::BehindApi { api: api.clone(), part: lambda::Part::Configuration }.into(),
            ],
        }
    }

    fn operations(&self) -> Vec<Operation> {
        match self {
            Read::Role { part: Part::Trust, .. } | Read::ExecutionRoles { part: Part::Trust, .. } => {
                vec![operations::GET_ROLE]
            }
            Read::Role { part: Part::Permissions, .. } | Read::ExecutionRoles { part: Part::Permissions, .. } => {
                operations::PERMISSION_OPERATIONS.to_vec()
            }
        }
    }
}

/// What was read of IAM, by role name. `None`: there is no such role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub iam_roles: BTreeMap<String, Fact<Option<Role>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub iam_role_policies: BTreeMap<String, Fact<Option<Vec<RolePolicy>>>>,
}

impl Facts {
    pub fn role(&self, name: &str) -> Result<Option<&Role>, FactError> {
        collected(self.iam_roles.get(name), &format!("IAM role {name}")).map(Option::as_ref)
    }

    pub fn role_policies(&self, name: &str) -> Result<Option<&[RolePolicy]>, FactError> {
        collected(self.iam_role_policies.get(name), &format!("policies of IAM role {name}")).map(|p| p.as_deref())
    }
}

impl Provider for Iam {
    type Read = Read;

    type Facts = Facts;

    const OPERATIONS: &'static [Operation] = &operations::OPERATIONS;

    const FACT_NAMES: &'static [&'static str] = &["iam_roles:ROLE", "iam_role_policies:ROLE"];

    const INVARIANTS: &'static [Invariant] = &[];
    const REFERENCES: &'static [&'static str] = &[];

    fn merge(into: &mut Facts, other: Facts) {
        into.iam_roles.extend(other.iam_roles);
        into.iam_role_policies.extend(other.iam_role_policies);
    }

    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Read, String>> {
        let part = match kind {
            "iam_roles" => Part::Trust,
            "iam_role_policies" => Part::Permissions,
            _ => return None,
        };
        Some(match argument {
            Some(name) if !name.is_empty() => Ok(Read::Role { name: name.to_owned(), part }),
            _ => Err(format!("`{kind}` takes the role's name: `{kind}:ROLE`")),
        })
    }
}
