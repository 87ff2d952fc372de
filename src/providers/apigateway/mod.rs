//! API Gateway (REST APIs): the lab's API, its resources and methods, stages, usage plans and API keys.

#[cfg(feature = "aws")]
mod evidence;
mod operations;
#[cfg(feature = "aws")]
mod reader;
mod types;
pub mod validators;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "aws")]
pub use reader::Reader;
#[cfg(feature = "aws")]
pub(crate) use reader::Secret;
pub use types::*;

use super::{Invariant, Never, Provider, ReadKind};
use crate::aws::Operation;
use crate::facts::{Fact, FactError, collected};

pub struct ApiGateway;

/// What a validator may ask of API Gateway. Names are resolved to ids by the reader.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    RestApis,
    /// Resources (with methods) of every REST API with this name.
    Resources {
        api: String,
    },
    /// Stages of every REST API with this name.
    Stages {
        api: String,
    },
    UsagePlans,
    /// Keys of every usage plan with this name.
    UsagePlanKeys {
        plan: String,
    },
    ApiKeys,
    /// API keys with their values, for probes that send one (the values never enter the facts).
    ApiKeyValues,
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::RestApis => "rest_apis",
            Read::Resources { .. } => "resources",
            Read::Stages { .. } => "stages",
            Read::UsagePlans => "usage_plans",
            Read::UsagePlanKeys { .. } => "usage_plan_keys",
            Read::ApiKeys | Read::ApiKeyValues => "api_keys",
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::Resources { .. } | Read::Stages { .. } | Read::UsagePlanKeys { .. } => true,
            Read::RestApis | Read::UsagePlans | Read::ApiKeys | Read::ApiKeyValues => false,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        match self {
            Read::Resources { .. } | Read::Stages { .. } => vec![Read::RestApis.into()],
            Read::UsagePlanKeys { .. } => vec![Read::UsagePlans.into()],
            Read::RestApis | Read::UsagePlans | Read::ApiKeys | Read::ApiKeyValues => Vec::new(),
        }
    }

    fn operations(&self) -> Vec<Operation> {
        match self {
            Read::RestApis => vec![operations::GET_REST_APIS],
            Read::Resources { .. } => vec![operations::GET_RESOURCES],
            Read::Stages { .. } => vec![operations::GET_STAGES],
            Read::UsagePlans => vec![operations::GET_USAGE_PLANS],
            Read::UsagePlanKeys { .. } => vec![operations::GET_USAGE_PLAN_KEYS],
            Read::ApiKeys => vec![operations::GET_API_KEYS],
            // When keys share the probe's key name, the one in a plan bound to the stage is chosen.
            Read::ApiKeyValues => {
                vec![operations::GET_API_KEYS, operations::GET_USAGE_PLANS, operations::GET_USAGE_PLAN_KEYS]
            }
        }
    }
}

/// What was read of API Gateway.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest_apis: Option<Fact<Vec<RestApi>>>,
    /// By REST API id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Fact<Vec<Resource>>>,
    /// By REST API id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stages: BTreeMap<String, Fact<Vec<Stage>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_plans: Option<Fact<Vec<UsagePlan>>>,
    /// By usage plan id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usage_plan_keys: BTreeMap<String, Fact<Vec<UsagePlanKey>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_keys: Option<Fact<Vec<ApiKey>>>,
}

impl Facts {
    pub fn rest_apis(&self) -> Result<&[RestApi], FactError> {
        collected(self.rest_apis.as_ref(), "rest APIs").map(Vec::as_slice)
    }

    /// Every REST API with this exact name (students sometimes create one twice).
    pub fn apis_named(&self, name: &str) -> Result<Vec<&RestApi>, FactError> {
        Ok(self.rest_apis()?.iter().filter(|api| api.name == name).collect())
    }

    pub fn api_name(&self, api_id: &str) -> Option<&str> {
        let apis = self.rest_apis.as_ref()?.as_ref().ok()?;
        apis.iter().find(|api| api.id == api_id).map(|api| api.name.as_str())
    }

    pub fn resources(&self, api_id: &str) -> Result<&[Resource], FactError> {
        collected(self.resources.get(api_id), &format!("resources of API {api_id}")).map(Vec::as_slice)
    }

    pub fn stages(&self, api_id: &str) -> Result<&[Stage], FactError> {
        collected(self.stages.get(api_id), &format!("stages of API {api_id}")).map(Vec::as_slice)
    }

    pub fn usage_plans(&self) -> Result<&[UsagePlan], FactError> {
        collected(self.usage_plans.as_ref(), "usage plans").map(Vec::as_slice)
    }

    pub fn usage_plan_keys(&self, plan_id: &str) -> Result<&[UsagePlanKey], FactError> {
        collected(self.usage_plan_keys.get(plan_id), &format!("keys of usage plan {plan_id}")).map(Vec::as_slice)
    }

    pub fn api_keys(&self) -> Result<&[ApiKey], FactError> {
        collected(self.api_keys.as_ref(), "API keys").map(Vec::as_slice)
    }
}

impl Provider for ApiGateway {
    type Read = Read;

    type Facts = Facts;

    const OPERATIONS: &'static [Operation] = &operations::OPERATIONS;

    const FACT_NAMES: &'static [&'static str] =
        &["rest_apis", "usage_plans", "api_keys", "resources:API", "stages:API", "usage_plan_keys:PLAN"];

    const INVARIANTS: &'static [Invariant] = &[
        Invariant {
            field: "usage_plans[].quota.period",
            never: Never::Removed,
            why: "a usage plan's quota has a period with its limit (QuotaSettings; CreateUsagePlan refuses a quota without one)",
        },
        Invariant {
            field: "usage_plan_keys[].key_type",
            never: Never::Changed,
            why: "API_KEY is the only type of usage plan key (UsagePlanKey.type)",
        },
        Invariant {
            field: "resources[].methods.*.http_method",
            never: Never::Changed,
            why: "a method's httpMethod is the verb its resource lists it under (Method.httpMethod)",
        },
        Invariant {
            field: "resources[].methods.*.authorization_type",
            never: Never::Removed,
            why: "every method has an authorizationType, NONE when open (PutMethod requires it)",
        },
        Invariant {
            field: "stages[].deployment_id",
            never: Never::Removed,
            why: "a stage always points at a deployment (CreateStage requires deploymentId)",
        },
    ];
    const REFERENCES: &'static [&'static str] = &["usage_plans[].api_stages[].api_id", "usage_plan_keys[].id"];

    fn merge(into: &mut Facts, other: Facts) {
        if other.rest_apis.is_some() {
            into.rest_apis = other.rest_apis;
        }
        into.resources.extend(other.resources);
        into.stages.extend(other.stages);
        if other.usage_plans.is_some() {
            into.usage_plans = other.usage_plans;
        }
        into.usage_plan_keys.extend(other.usage_plan_keys);
        if other.api_keys.is_some() {
            into.api_keys = other.api_keys;
        }
    }

    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Read, String>> {
        let named = |make: fn(String) -> Read, what: &str| match argument {
            Some(name) if !name.is_empty() => Ok(make(name.to_owned())),
            _ => Err(format!("`{kind}` takes the {what}'s name: `{kind}:NAME`")),
        };
        let plain = |read: Read| match argument {
            None => Ok(read),
            Some(_) => Err(format!("`{kind}` takes no argument")),
        };
        Some(match kind {
            "rest_apis" => plain(Read::RestApis),
            "usage_plans" => plain(Read::UsagePlans),
            "api_keys" => plain(Read::ApiKeys),
            "resources" => named(|api| Read::Resources { api }, "REST API"),
            "stages" => named(|api| Read::Stages { api }, "REST API"),
            "usage_plan_keys" => named(|plan| Read::UsagePlanKeys { plan }, "usage plan"),
            _ => return None,
        })
    }
}
