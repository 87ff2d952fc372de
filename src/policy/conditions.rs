//! A statement's `Condition` block, judged on the context keys the grading knows for the request.

use serde_json::Value;

use super::Match;
use super::matching::{arn_like, glob};
use crate::i18n::msg;

/// Whether every condition of the statement holds (no `Condition`: yes).
pub(super) fn all_hold(statement: &Value, context: &[(&str, &str)]) -> Match {
    let conditions = match &statement["Condition"] {
        Value::Null => return Match::Yes,
        Value::Object(conditions) => conditions,
        _ => return Match::Unknown(msg!("policy-condition-not-object", operator = "Condition")),
    };
    Match::all(conditions.iter().flat_map(|(operator, block)| match block.as_object() {
        None => vec![Match::Unknown(msg!("policy-condition-not-object", operator))],
        Some(keys) => keys.iter().map(|(key, values)| holds(operator, key, values, context)).collect(),
    }))
}

/// How an operator compares a policy value with the request's: whether it is negated, and the test.
type Test = (bool, fn(&str, &str) -> bool);

fn test_of(operator: &str) -> Option<Test> {
    Some(match operator {
        "StringEquals" => (false, |p, a| p == a),
        "StringNotEquals" => (true, |p, a| p == a),
        "StringEqualsIgnoreCase" => (false, |p, a| p.eq_ignore_ascii_case(a)),
        "StringNotEqualsIgnoreCase" => (true, |p, a| p.eq_ignore_ascii_case(a)),
        "StringLike" => (false, glob),
        "StringNotLike" => (true, glob),
        "ArnEquals" | "ArnLike" => (false, arn_like),
        "ArnNotEquals" | "ArnNotLike" => (true, arn_like),
        "Bool" => (false, |p, a| p.eq_ignore_ascii_case(a)),
        _ => return None,
    })
}

/// A condition's values as text: strings, and the booleans and numbers JSON allows there.
fn values_of(values: &Value) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match values {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        single => one(single).into_iter().collect(),
    }
}

fn holds(operator: &str, key: &str, values: &Value, context: &[(&str, &str)]) -> Match {
    let unknown = || Match::Unknown(msg!("policy-condition-unknown", operator, key));
    // Set operators (`ForAnyValue:`, `ForAllValues:`) are about multivalued keys: none is known here.
    if operator.contains(':') {
        return unknown();
    }
    let Some(actual) = context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| *v) else {
        return unknown();
    };
    let patterns = values_of(values);
    if patterns.is_empty() {
        return Match::Unknown(msg!("policy-condition-no-values", operator, key));
    }
    let base = operator.strip_suffix("IfExists").unwrap_or(operator);
    if base == "Null" {
        // The key is in the request: `Null` holds for "false".
        return Match::from_bool(patterns.iter().any(|p| p.eq_ignore_ascii_case("false")));
    }
    let Some((negated, test)) = test_of(base) else {
        return unknown();
    };
    let any = patterns.iter().any(|p| test(p, actual));
    Match::from_bool(any != negated)
}
