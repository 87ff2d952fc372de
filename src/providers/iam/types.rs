//! IAM's facts: roles with their trust policy, and the permission policies attached to or inlined in them, every
//! document decoded from the URL encoding IAM answers with.

use serde::{Deserialize, Serialize};

/// A role (`GetRole`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub arn: String,
    /// Who may assume it (`AssumeRolePolicyDocument`).
    pub trust_policy: serde_json::Value,
}

/// A permission policy of a role: attached managed (its default version) or inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolePolicy {
    pub name: String,
    /// The managed policy's ARN; `None` for an inline policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub document: serde_json::Value,
}

impl RolePolicy {
    /// How a message names it: `inline policy ReadItems` or `managed policy AmazonDynamoDBFullAccess`.
    pub fn label(&self) -> String {
        match &self.arn {
            Some(_) => format!("managed policy {}", self.name),
            None => format!("inline policy {}", self.name),
        }
    }
}
