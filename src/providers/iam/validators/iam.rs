//! IAM roles: who may assume them, and what their permission policies allow. A role is named in a lab either by
//! name or as the execution role of the Lambda function behind a method of the REST API (found from the
//! integration, then the function's configuration, never guessed).

use serde::Deserialize;
use serde_json::Value;

use crate::facts::FactError;
use crate::i18n::{Message, and, msg};
use crate::model::Verdict;
use crate::policy::{Decision, glob, statements, strings};
pub use crate::providers::across::roles::RoleRef;
use crate::providers::across::roles::{
    RoleInContext, judge_role, permission_statements, policies, role_decides, trust_statements, trust_verdict,
};
use crate::providers::iam::{Part, RolePolicy};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

validator! {
    /// The role's trust policy lets an AWS service assume it (`sts:AssumeRole` for `Principal.Service`).
    ///
    /// Why: a role that the service cannot assume gives it nothing; a Lambda function whose execution role does
    /// not trust `lambda.amazonaws.com` cannot run. A trust statement with a `Condition` or `NotPrincipal` is not
    /// evaluated and never taken as trust: the message names it.
    ///
    /// ```toml
    /// validator = "iam_role_trusts_service"
    /// params = { role = { api = "ItemsAPI", method = "GET /items" }, service = "lambda.amazonaws.com" }
    /// ```
    pub struct IamRoleTrustsService {
        /// The role: its name, or `{ api, method }` for the execution role of the function behind that method.
        pub role: RoleRef,
        /// The service principal, e.g. `lambda.amazonaws.com`.
        pub service: String,
    }
}

impl Validator for IamRoleTrustsService {
    fn reads(&self) -> Vec<Read> {
        self.role.reads(Part::Trust)
    }

    fn judges(&self) -> Vec<Judged> {
        trust_statements()
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_role(facts, &self.role, |judged| Ok(trust_verdict(judged.role, &self.service)))
    }
}

validator! {
    /// The role's permission policies (attached managed and inline) allow each listed action on the resource.
    ///
    /// Why: the function can only do what its execution role allows; a role without `dynamodb:Query` on the
    /// table makes the API answer 500 however right the code is. Judged as IAM judges the request, within a
    /// documented subset (`crate::policy`): explicit `Deny` wins; `Action`/`NotAction`, `Resource`/`NotResource`
    /// with wildcards; conditions on `aws:RequestedRegion` (the resource's region) and `aws:SecureTransport` are
    /// evaluated; any other condition or a policy variable is named and never taken as met. `{account}` in the
    /// resource is the role's account, `{region}` the region of the function whose role it is.
    ///
    /// ```toml
    /// validator = "iam_role_allows"
    /// params = { role = { api = "ItemsAPI", method = "GET /items" }, actions = ["dynamodb:GetItem", "dynamodb:Query"], resource = "arn:aws:dynamodb:{region}:{account}:table/Items" }
    /// ```
    pub struct IamRoleAllows {
        /// The role: its name, or `{ api, method }` for the execution role of the function behind that method.
        pub role: RoleRef,
        /// Actions, e.g. `dynamodb:GetItem`.
        pub actions: Vec<String>,
        /// The resource ARN the actions are on.
        pub resource: String,
    }
}

impl Validator for IamRoleAllows {
    fn reads(&self) -> Vec<Read> {
        self.role.reads(Part::Permissions)
    }

    fn judges(&self) -> Vec<Judged> {
        permission_statements()
    }

    fn validate(&self) -> Result<(), String> {
        self.role.check_placeholders([&self.resource])
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_role(facts, &self.role, |judged| {
            let role = &judged.role.name;
            let resource = judged.fill(&self.resource);
            let policies = policies(facts, judged.role)?;
            let mut refused = Vec::new();
            for action in &self.actions {
                match role_decides(policies, action, &resource) {
                    Decision::Allowed { .. } => {}
                    Decision::NotAllowed => refused.push(msg!("action-not-allowed", action)),
                    Decision::Denied { by, .. } => refused.push(msg!("action-denied", action, policy = by)),
                    Decision::Unjudged { what } => refused.push(msg!("action-unjudged", action, what)),
                }
            }
            let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
            Ok(if refused.is_empty() {
                Verdict::pass(msg!("role-allows", role, actions = and(&self.actions), resource))
            } else {
                Verdict::fail(msg!("role-refuses", role, resource, problems = crate::i18n::clauses(refused)))
            }
            .with("role_arn", &judged.role.arn)
            .with("policies", names))
        })
    }
}

/// What a least-privilege role may be allowed: these actions on these resources.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// Actions, e.g. `dynamodb:GetItem` (a wildcard here covers what it matches).
    pub actions: Vec<String>,
    /// Resource ARNs (`{account}`, `{region}` filled in; a wildcard covers what it matches; `*` any).
    pub resources: Vec<String>,
}

validator! {
    /// The role's permission policies allow nothing beyond the listed grants: every `Allow` statement's actions
    /// and resources are each covered by one grant.
    ///
    /// Why: least privilege. An execution role with `dynamodb:*` or `Resource: "*"` works, and lets a bug or an
    /// attacker in the function delete every table in the account. `NotAction` or `NotResource` in an `Allow`
    /// allows everything but what it lists and always fails; a wildcard action passes only if a grant's pattern
    /// covers it. `Deny` statements and conditions only narrow, so they are not needed here.
    ///
    /// ```toml
    /// validator = "iam_role_least_privilege"
    /// params = { role = { api = "ItemsAPI", method = "GET /items" }, allowed = [{ actions = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], resources = ["arn:aws:dynamodb:{region}:{account}:table/Items"] }, { actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], resources = ["*"] }] }
    /// ```
    pub struct IamRoleLeastPrivilege {
        /// The role: its name, or `{ api, method }` for the execution role of the function behind that method.
        pub role: RoleRef,
        /// What it may be allowed.
        pub allowed: Vec<Grant>,
    }
}

/// Whether `pattern` covers every string `granted` stands for. A wildcard in `granted` is taken as a literal
/// character that only a `*` of the pattern may absorb, so `dynamodb:Get*` covers `dynamodb:GetItem` and
/// `dynamodb:Get*`, and `dynamodb:GetItem` covers neither `dynamodb:Get*` nor `*`.
fn covers(pattern: &str, granted: &str) -> bool {
    if granted.contains(['*', '?']) && pattern.contains('?') {
        return pattern == granted;
    }
    glob(pattern, granted)
}

impl IamRoleLeastPrivilege {
    /// What one `Allow` statement allows beyond the grants, as message clauses.
    fn excess(&self, judged: &RoleInContext<'_>, policy: &RolePolicy, statement: &Value) -> Vec<Message> {
        let label = policy.label();
        for negated in ["NotAction", "NotResource"] {
            if !statement[negated].is_null() {
                return vec![msg!("policy-allows-all-but", policy = label, element = negated)];
            }
        }
        let grants: Vec<(Vec<String>, Vec<String>)> = self
            .allowed
            .iter()
            .map(|g| {
                (
                    g.actions.iter().map(|a| a.to_ascii_lowercase()).collect(),
                    g.resources.iter().map(|r| judged.fill(r)).collect(),
                )
            })
            .collect();
        let mut excess = Vec::new();
        for action in strings(&statement["Action"]) {
            let lower = action.to_ascii_lowercase();
            for resource in strings(&statement["Resource"]) {
                let covered = grants.iter().any(|(actions, resources)| {
                    actions.iter().any(|a| covers(a, &lower)) && resources.iter().any(|r| covers(r, resource))
                });
                if !covered {
                    excess.push(msg!("policy-allows-beyond", policy = &label, action, resource));
                }
            }
        }
        excess
    }
}

impl Validator for IamRoleLeastPrivilege {
    fn reads(&self) -> Vec<Read> {
        self.role.reads(Part::Permissions)
    }

    fn judges(&self) -> Vec<Judged> {
        permission_statements()
    }

    fn validate(&self) -> Result<(), String> {
        self.role.check_placeholders(self.allowed.iter().flat_map(|g| &g.resources))
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_role(facts, &self.role, |judged| {
            let role = &judged.role.name;
            let policies = policies(facts, judged.role)?;
            let excess: Vec<Message> = policies
                .iter()
                .flat_map(|policy| {
                    statements(&policy.document)
                        .into_iter()
                        .filter(|s| s["Effect"] == "Allow")
                        .flat_map(move |s| self.excess(judged, policy, s))
                })
                .collect();
            let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
            Ok(match excess.len() {
                0 => Verdict::pass(msg!("role-least-privilege", role, count = policies.len())),
                count => {
                    let shown: Vec<Message> = excess.into_iter().take(3).collect();
                    Verdict::fail(msg!("role-too-broad", role, count, problems = crate::i18n::clauses(shown)))
                }
            }
            .with("role_arn", &judged.role.arn)
            .with("policies", names))
        })
    }
}

#[cfg(test)]
mod tests;
