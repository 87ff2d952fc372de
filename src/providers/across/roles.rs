//! A role in a lab's check: named, or the execution role of the function behind a method; who it trusts and what
//! its permission policies decide. The IAM checks judge roles with it, and so does Lambda's execution-role check.

use serde::Deserialize;
use serde_json::Value;

use crate::facts::FactError;
use crate::i18n::msg;
use crate::model::Verdict;
use crate::policy::{self, Caller, Decision, Policy};
use crate::providers::Judged;
use crate::providers::across::behind_api::{judge_function_configuration, lambda_needs};
use crate::providers::apigateway::validators::MethodRef;
use crate::providers::iam::{self, Part, Role, RolePolicy};
use crate::providers::lambda::Part as LambdaPart;
use crate::providers::{Facts, Read};

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
    pub(crate) fn check_placeholders<'a>(&self, patterns: impl IntoIterator<Item = &'a String>) -> Result<(), String> {
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
    pub(crate) fn fill(&self, pattern: &str) -> String {
        let filled = pattern.replace("{account}", self.account);
        match self.region {
            Some(region) => filled.replace("{region}", region),
            None => filled,
        }
    }
}

/// The fifth part of an ARN (`arn:aws:iam::123456789012:role/x` -> `123456789012`), the fourth with `part = 3`.
pub(crate) fn arn_part(arn: &str, part: usize) -> &str {
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
pub(crate) fn policies<'a>(facts: &'a Facts, role: &Role) -> Result<&'a [RolePolicy], FactError> {
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
pub(crate) fn role_decides(policies: &[RolePolicy], action: &str, resource: &str) -> Decision {
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
pub(crate) fn permission_statements() -> Vec<Judged> {
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
