//! IAM roles: who may assume them, and what their permission policies allow. A role is named in a lab either by
//! name or as the execution role of the Lambda function behind a method of the REST API (found from the
//! integration, then the function's configuration, never guessed).

use serde::Deserialize;
use serde_json::Value;

use super::lambda::{judge_function_configuration, lambda_needs};
use super::{Judged, MethodRef, Validator, validator};
use crate::facts::{FactError, Facts, Read};
use crate::i18n::{Message, and, msg};
use crate::model::Verdict;
use crate::policy::{self, Caller, Decision, Policy, glob, statements, strings};
use crate::providers::iam::{self, Part, Role, RolePolicy};
use crate::providers::lambda::Part as LambdaPart;

/// Whose role a check judges: `role = "ItemsRole"`, or `role = { api = "ItemsAPI", method = "GET /items" }` for
/// the execution role of the Lambda function behind that method.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "a role name, or { api = \"...\", method = \"GET /path\" } for the execution role of the function behind that method"
)]
pub enum RoleRef {
    Named(String),
    BehindMethod { api: String, method: MethodRef },
}

impl RoleRef {
    /// The reads that find the role and read `part` of it.
    pub(crate) fn reads(&self, part: Part) -> Vec<Read> {
        match self {
            RoleRef::Named(name) => vec![iam::Read::Role { name: name.clone(), part }.into()],
            RoleRef::BehindMethod { api, .. } => {
                let mut reads = lambda_needs(api, [LambdaPart::Configuration]);
                reads.push(iam::Read::ExecutionRoles { api: api.clone(), part }.into());
                reads
            }
        }
    }

    /// A lab entry's `{region}` needs a function to take it from.
    fn check_placeholders<'a>(&self, patterns: impl IntoIterator<Item = &'a String>) -> Result<(), String> {
        match self {
            RoleRef::BehindMethod { .. } => Ok(()),
            RoleRef::Named(_) => match patterns.into_iter().find(|p| p.contains("{region}")) {
                Some(pattern) => Err(format!(
                    "`{pattern}` uses {{region}}, which comes from the function behind a method: name the role as `role = {{ api = \"...\", method = \"GET /path\" }}`, or write the region"
                )),
                None => Ok(()),
            },
        }
    }
}

/// The role a check judges, and where its ARN placeholders come from.
pub(crate) struct RoleInContext<'a> {
    pub role: &'a Role,
    /// `{account}`: the role's account.
    account: &'a str,
    /// `{region}`: the region of the function whose execution role it is.
    region: Option<&'a str>,
}

impl RoleInContext<'_> {
    /// `pattern` with `{account}` and `{region}` filled in.
    fn fill(&self, pattern: &str) -> String {
        let filled = pattern.replace("{account}", self.account);
        match self.region {
            Some(region) => filled.replace("{region}", region),
            None => filled,
        }
    }
}

/// The fifth part of an ARN (`arn:aws:iam::123456789012:role/x` -> `123456789012`), the fourth with `part = 3`.
fn arn_part(arn: &str, part: usize) -> &str {
    arn.split(':').nth(part).unwrap_or_default()
}

/// Runs `judge` on the role `role` names, or fails saying why there is none.
pub(crate) fn judge_role(
    facts: &Facts,
    role: &RoleRef,
    mut judge: impl FnMut(&RoleInContext<'_>) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    match role {
        RoleRef::Named(name) => match facts.iam.role(name)? {
            None => Ok(Verdict::fail(msg!("role-missing", role = name))),
            Some(role) => judge(&RoleInContext { role, account: arn_part(&role.arn, 4), region: None }),
        },
        RoleRef::BehindMethod { api, method } => judge_function_configuration(facts, api, method, |function| {
            let name = &function.name;
            let Some(role_name) = function.role_name() else {
                return Ok(Verdict::fail(msg!("function-without-role", function = name)));
            };
            match facts.iam.role(role_name)? {
                None => Ok(Verdict::fail(msg!("execution-role-missing", function = name, role = role_name))),
                Some(role) => {
                    let judged = RoleInContext {
                        role,
                        account: arn_part(&role.arn, 4),
                        region: Some(arn_part(&function.arn, 3)),
                    };
                    Ok(judge(&judged)?.with("function", name))
                }
            }
        }),
    }
}

/// The role's permission policies (read with it).
fn policies<'a>(facts: &'a Facts, role: &Role) -> Result<&'a [RolePolicy], FactError> {
    Ok(facts.iam.role_policies(&role.name)?.unwrap_or_default())
}

/// Whether the trust policy lets `service` assume the role (`sts:AssumeRole`): `Allowed`, or why not. Nothing of
/// the request's context is known, so a trust statement with a condition is named, never taken as met.
pub(crate) fn trusts(trust_policy: &Value, service: &str) -> Decision {
    let request =
        policy::Request { caller: Caller::Service(service), action: "sts:AssumeRole", resource: None, context: &[] };
    policy::decide(&[Policy { label: "trust policy", document: trust_policy }], &request)
}

/// What the role's permission policies decide for `action` on `resource`, made from inside AWS (TLS) in the
/// resource's region.
fn role_decides(policies: &[RolePolicy], action: &str, resource: &str) -> Decision {
    let labels: Vec<String> = policies.iter().map(RolePolicy::label).collect();
    let documents: Vec<Policy<'_>> =
        policies.iter().zip(&labels).map(|(p, label)| Policy { label, document: &p.document }).collect();
    let region = arn_part(resource, 3);
    let mut context = vec![("aws:SecureTransport", "true")];
    if !region.is_empty() {
        context.push(("aws:RequestedRegion", region));
    }
    let request = policy::Request { caller: Caller::Identity, action, resource: Some(resource), context: &context };
    policy::decide(&documents, &request)
}

/// The verdict on a role's trust in `service`.
pub(crate) fn trust_verdict(role: &Role, service: &str) -> Verdict {
    let name = &role.name;
    match trusts(&role.trust_policy, service) {
        Decision::Allowed { .. } => Verdict::pass(msg!("role-trusts", role = name, service)),
        Decision::NotAllowed => Verdict::fail(msg!("role-does-not-trust", role = name, service)),
        Decision::Denied { .. } => Verdict::fail(msg!("role-trust-denied", role = name, service)),
        Decision::Unjudged { what } => Verdict::fail(msg!("role-trust-unjudged", role = name, service, what)),
    }
    .with("role_arn", &role.arn)
}

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

/// What a judge of a role's trust policy judges: its statements (one object or a list) and what each says.
pub(crate) fn trust_statements() -> Vec<Judged> {
    vec![
        Judged::field("iam_roles.trust_policy.Statement"),
        Judged::field("iam_roles.trust_policy.Statement.*"),
        Judged::field("iam_roles.trust_policy.Statement.Principal.*"),
        Judged::field("iam_roles.trust_policy.Statement[]"),
        Judged::field("iam_roles.trust_policy.Statement[].*"),
        Judged::field("iam_roles.trust_policy.Statement[].Principal.*"),
        Judged::items("iam_roles.trust_policy.Statement"),
    ]
}

/// What a judge of a role's permissions judges: its policies and their statements (one object or a list).
fn permission_statements() -> Vec<Judged> {
    vec![
        Judged::items("iam_role_policies"),
        Judged::field("iam_role_policies[].document.Statement"),
        Judged::field("iam_role_policies[].document.Statement.*"),
        Judged::field("iam_role_policies[].document.Statement.Condition.*"),
        Judged::field("iam_role_policies[].document.Statement[]"),
        Judged::field("iam_role_policies[].document.Statement[].*"),
        Judged::field("iam_role_policies[].document.Statement[].Condition.*"),
        Judged::items("iam_role_policies[].document.Statement"),
    ]
}

#[cfg(test)]
mod tests;
