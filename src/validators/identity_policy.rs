//! Judging a role's permission policies as IAM judges one request of the role: may it perform `action` on
//! `resource`? A documented subset of IAM's evaluation of identity-based policies:
//!
//! - an explicit `Deny` that matches wins; otherwise an `Allow` that matches allows; otherwise the request is
//!   implicitly denied;
//! - `Action` and `NotAction` (case-insensitive), `Resource` and `NotResource` (case-sensitive), each with `*`
//!   and `?` wildcards, a string or a list;
//! - not evaluated, and never taken as met: `Condition` blocks, policy variables (`${aws:username}`) in
//!   resources, an `Effect` other than `Allow`/`Deny`, a statement with neither `Action` nor `NotAction`. A
//!   statement with any of these that could decide the request makes the answer [`Access::Unjudged`];
//! - outside the subset: permissions boundaries, session policies, SCPs and resource policies (the role's own
//!   permissions are judged, as the lab asks of them).

use serde_json::Value;

pub use super::resource_policy::statements;
use super::resource_policy::{first_condition, glob, strings};
use crate::i18n::{Message, msg};
use crate::providers::iam::RolePolicy;

/// What the role's policies decide for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// Allowed by this policy (its label) and denied by none.
    Allowed { by: String },
    /// No statement allows it.
    NotAllowed,
    /// A `Deny` statement of this policy matches.
    Denied { by: String },
    /// A statement that could decide it uses something labcheck does not evaluate (named here).
    Unjudged { what: Message },
}

/// Whether a statement applies to the request: yes, no, or unknown (and why).
enum Applies {
    Yes,
    No,
    Unknown(Message),
}

/// Decides `action` on `resource` under every policy of the role.
pub fn decide(policies: &[RolePolicy], action: &str, resource: &str) -> Access {
    let mut allowed_by = None;
    let (mut unjudged_deny, mut unjudged_allow) = (None, None);
    for policy in policies {
        for statement in statements(&policy.document) {
            let effect = statement["Effect"].as_str().unwrap_or_default();
            match (effect, applies(statement, action, resource)) {
                (_, Applies::No) => {}
                ("Deny", Applies::Yes) => return Access::Denied { by: policy.label() },
                ("Deny", Applies::Unknown(what)) => {
                    unjudged_deny.get_or_insert(what);
                }
                ("Allow", Applies::Yes) => {
                    allowed_by.get_or_insert_with(|| policy.label());
                }
                ("Allow", Applies::Unknown(what)) => {
                    unjudged_allow.get_or_insert(what);
                }
                (other, Applies::Yes | Applies::Unknown(_)) => {
                    unjudged_deny.get_or_insert(msg!("policy-effect-unknown", effect = other));
                }
            }
        }
    }
    match (unjudged_deny, allowed_by, unjudged_allow) {
        (Some(what), _, _) => Access::Unjudged { what },
        (None, Some(by), _) => Access::Allowed { by },
        (None, None, Some(what)) => Access::Unjudged { what },
        (None, None, None) => Access::NotAllowed,
    }
}

/// Whether the statement's action and resource elements match, then whether its conditions can be judged.
fn applies(statement: &Value, action: &str, resource: &str) -> Applies {
    let action = action.to_ascii_lowercase();
    let action_matches = |patterns: &Value| strings(patterns).iter().any(|p| glob(&p.to_ascii_lowercase(), &action));
    let action_applies = match (&statement["Action"], &statement["NotAction"]) {
        (Value::Null, Value::Null) => return Applies::Unknown(msg!("policy-statement-without-action")),
        (Value::Null, not) => !action_matches(not),
        (actions, _) => action_matches(actions),
    };
    let resources = match (&statement["Resource"], &statement["NotResource"]) {
        (Value::Null, Value::Null) => return Applies::Unknown(msg!("policy-statement-without-resource")),
        (Value::Null, not) => (strings(not), true),
        (listed, _) => (strings(listed), false),
    };
    if let Some(variable) = resources.0.iter().find(|r| r.contains("${")) {
        return Applies::Unknown(msg!("policy-variable", resource = *variable));
    }
    let resource_applies = resources.0.iter().any(|p| glob(p, resource)) != resources.1;
    if !(action_applies && resource_applies) {
        return Applies::No;
    }
    match first_condition(statement) {
        None => Applies::Yes,
        Some(condition) => Applies::Unknown(condition),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn inline(name: &str, document: Value) -> RolePolicy {
        RolePolicy { name: name.into(), arn: None, document }
    }

    const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/Items";

    fn reads_items() -> RolePolicy {
        inline(
            "ReadItems",
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], "Resource": TABLE}
            ]}),
        )
    }

    #[test]
    fn allow_matches_actions_case_insensitively_and_resources_exactly() {
        let policies = [reads_items()];
        assert_eq!(
            decide(&policies, "dynamodb:getitem", TABLE),
            Access::Allowed { by: "inline policy ReadItems".into() }
        );
        assert_eq!(decide(&policies, "dynamodb:PutItem", TABLE), Access::NotAllowed);
        assert_eq!(decide(&policies, "dynamodb:GetItem", &TABLE.replace("Items", "items")), Access::NotAllowed);
    }

    #[test]
    fn wildcards_and_negations() {
        let all = inline("All", json!({"Statement": {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}}));
        assert!(matches!(decide(&[all], "dynamodb:DeleteTable", TABLE), Access::Allowed { .. }));
        let not_action = inline(
            "AllButDelete",
            json!({"Statement": [{"Effect": "Allow", "NotAction": "dynamodb:Delete*", "Resource": "*"}]}),
        );
        assert!(matches!(decide(std::slice::from_ref(&not_action), "dynamodb:Scan", TABLE), Access::Allowed { .. }));
        assert_eq!(decide(&[not_action], "dynamodb:DeleteItem", TABLE), Access::NotAllowed);
        let not_resource = inline(
            "Elsewhere",
            json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:Scan", "NotResource": TABLE}]}),
        );
        assert_eq!(decide(&[not_resource], "dynamodb:Scan", TABLE), Access::NotAllowed);
    }

    #[test]
    fn an_explicit_deny_wins_in_any_policy() {
        let deny = RolePolicy {
            name: "NoScans".into(),
            arn: Some("arn:aws:iam::123456789012:policy/NoScans".into()),
            document: json!({"Statement": [{"Effect": "Deny", "Action": "dynamodb:Scan", "Resource": "*"}]}),
        };
        let policies = [reads_items(), deny];
        assert_eq!(decide(&policies, "dynamodb:Scan", TABLE), Access::Denied { by: "managed policy NoScans".into() });
        assert!(matches!(decide(&policies, "dynamodb:Query", TABLE), Access::Allowed { .. }));
    }

    #[test]
    fn what_is_not_evaluated_is_never_taken_as_met() {
        let conditional = inline(
            "Conditional",
            json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": TABLE,
                "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]}),
        );
        assert!(matches!(decide(std::slice::from_ref(&conditional), "dynamodb:Scan", TABLE), Access::Unjudged { .. }));
        // A conditional Deny could override an Allow: not judged either.
        let mut deny = conditional.clone();
        deny.document["Statement"][0]["Effect"] = json!("Deny");
        assert!(matches!(decide(&[reads_items(), deny], "dynamodb:Scan", TABLE), Access::Unjudged { .. }));
        // A conditional Allow beside an unconditional one: allowed.
        assert!(matches!(decide(&[reads_items(), conditional], "dynamodb:Scan", TABLE), Access::Allowed { .. }));
        let variable = inline(
            "Mine",
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}),
        );
        assert!(matches!(decide(&[variable], "s3:GetObject", "arn:aws:s3:::b/ana/x"), Access::Unjudged { .. }));
    }
}
