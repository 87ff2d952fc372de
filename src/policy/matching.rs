//! The scope of a statement: its principal, action and resource elements, and the string matching they use.

use serde_json::Value;

use super::{Caller, Match};
use crate::i18n::msg;

/// The statements of a policy document (`Statement` is a list or one object).
pub fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        single => vec![single],
    }
}

/// A string or a list of strings (anything else: none).
pub fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// IAM's `*` (any run of characters) and `?` (one character), case-sensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative wildcard matching with backtracking to the last `*`: linear in practice, never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// `ArnLike`: each of the six colon-separated parts matched on its own, wildcards inside a part.
pub(super) fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == 6 && a.len() == 6 && p.iter().zip(&a).all(|(p, a)| glob(p, a))
}

/// Whether a `Principal` (or `NotPrincipal`) element names the caller: `"*"` and `{"AWS": "*"}` name everyone;
/// `{"Service": ..}` names that service. Account, role and user ARNs never name a service or an anonymous caller.
fn lists(principal: &Value, caller: Caller<'_>) -> bool {
    let everyone = principal == "*" || strings(&principal["AWS"]).contains(&"*");
    everyone || matches!(caller, Caller::Service(service) if strings(&principal["Service"]).contains(&service))
}

pub(super) fn principal(statement: &Value, caller: Caller<'_>) -> Match {
    if caller == Caller::Identity {
        return Match::Yes;
    }
    match (&statement["Principal"], &statement["NotPrincipal"]) {
        (Value::Null, Value::Null) => Match::Unknown(msg!("policy-statement-without-principal")),
        (Value::Null, not) => Match::from_bool(!lists(not, caller)),
        (listed, _) => Match::from_bool(lists(listed, caller)),
    }
}

pub(super) fn action(statement: &Value, action: &str) -> Match {
    let action = action.to_ascii_lowercase();
    let matches = |patterns: &Value| strings(patterns).iter().any(|p| glob(&p.to_ascii_lowercase(), &action));
    match (&statement["Action"], &statement["NotAction"]) {
        (Value::Null, Value::Null) => Match::Unknown(msg!("policy-statement-without-action")),
        (Value::Null, not) => Match::from_bool(!matches(not)),
        (listed, _) => Match::from_bool(matches(listed)),
    }
}

/// `resource` against `Resource`/`NotResource`; `None` (a trust policy) matches whatever they say.
pub(super) fn resource(statement: &Value, resource: Option<&str>) -> Match {
    let Some(resource) = resource else {
        return Match::Yes;
    };
    let (patterns, negated) = match (&statement["Resource"], &statement["NotResource"]) {
        (Value::Null, Value::Null) => return Match::Unknown(msg!("policy-statement-without-resource")),
        (Value::Null, not) => (strings(not), true),
        (listed, _) => (strings(listed), false),
    };
    let (variables, plain): (Vec<&str>, Vec<&str>) = patterns.into_iter().partition(|p| p.contains("${"));
    if plain.iter().any(|p| glob(p, resource)) {
        return Match::from_bool(!negated);
    }
    match variables.first() {
        Some(variable) => Match::Unknown(msg!("policy-variable", resource = *variable)),
        None => Match::from_bool(negated),
    }
}
