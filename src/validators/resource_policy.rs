//! Judging a resource policy as AWS judges one request: does the policy let a service principal perform an action
//! on a resource, coming from a source ARN and account? An explicit Deny wins over any Allow; an Allow counts only
//! if its principal, action, resource and every condition match. A condition labcheck does not understand is never
//! taken as met: the decision says so instead ([`Decision::Unjudged`]).
//!
//! Supported: `Principal` as `"*"`, `{"Service": ..}` or `{"AWS": "*"}`; `Action` and `Resource` with `*`/`?`
//! wildcards; conditions `String(Not)Equals(IgnoreCase)`, `String(Not)Like`, `Arn(Not)Equals`, `Arn(Not)Like`
//! (each also `...IfExists`) on `aws:SourceArn` and `aws:SourceAccount`.

use serde_json::Value;

use crate::i18n::{Message, msg};

/// The request AWS authorizes, e.g. API Gateway invoking a Lambda alias for one method of one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// Service principal, e.g. `apigateway.amazonaws.com`.
    pub service: &'a str,
    /// e.g. `lambda:InvokeFunction`.
    pub action: &'a str,
    /// e.g. `arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:prod`.
    pub resource: &'a str,
    /// e.g. `arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/items`.
    pub source_arn: &'a str,
    pub source_account: &'a str,
}

/// What the policy decides for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Allowed,
    /// No statement allows it.
    NotAllowed,
    /// A Deny statement matches (its `Sid`, if any).
    Denied {
        sid: Option<String>,
    },
    /// A statement might decide it, but it uses something labcheck does not evaluate (named here).
    Unjudged {
        what: Message,
    },
}

/// Whether one part of a statement matches: yes, no, or unknown (and why).
enum Match {
    Yes,
    No,
    Unknown(Message),
}

impl Match {
    fn from_bool(b: bool) -> Self {
        if b { Match::Yes } else { Match::No }
    }

    /// All of the parts: any `No` decides; else any `Unknown`; else `Yes`.
    fn all(parts: impl IntoIterator<Item = Match>) -> Match {
        let mut unknown = None;
        for part in parts {
            match part {
                Match::No => return Match::No,
                Match::Unknown(what) => {
                    unknown.get_or_insert(what);
                }
                Match::Yes => {}
            }
        }
        unknown.map_or(Match::Yes, Match::Unknown)
    }
}

/// Decides `request` under `policy` (a policy document: `{"Statement": [..]}` or one statement object).
pub fn decide(policy: &Value, request: &Request<'_>) -> Decision {
    let mut allowed = false;
    let mut unjudged = None;
    for statement in statements(policy) {
        let effect = statement["Effect"].as_str().unwrap_or("");
        match (effect, statement_matches(statement, request)) {
            ("Deny", Match::Yes) => {
                return Decision::Denied { sid: statement["Sid"].as_str().map(str::to_owned) };
            }
            ("Allow", Match::Yes) => allowed = true,
            (_, Match::Unknown(what)) => {
                unjudged.get_or_insert(what);
            }
            (_, Match::No | Match::Yes) => {}
        }
    }
    match (unjudged, allowed) {
        // An unjudged Deny could still override the Allow; an unjudged Allow alone proves nothing.
        (Some(what), _) => Decision::Unjudged { what },
        (None, true) => Decision::Allowed,
        (None, false) => Decision::NotAllowed,
    }
}

fn statement_matches(statement: &Value, request: &Request<'_>) -> Match {
    for negated in ["NotPrincipal", "NotAction", "NotResource"] {
        if !statement[negated].is_null() {
            return Match::Unknown(msg!("policy-negated-statement", element = negated));
        }
    }
    let principal = principal_matches(&statement["Principal"], request.service);
    let action = strings(&statement["Action"])
        .iter()
        .any(|a| glob(&a.to_ascii_lowercase(), &request.action.to_ascii_lowercase()));
    let resource = strings(&statement["Resource"]).iter().any(|r| glob(r, request.resource));
    if !(principal && action && resource) {
        return Match::No;
    }
    let Some(conditions) = statement["Condition"].as_object() else {
        return Match::Yes;
    };
    Match::all(conditions.iter().flat_map(|(operator, block)| match block.as_object() {
        None => vec![Match::Unknown(msg!("policy-condition-not-object", operator))],
        Some(keys) => keys.iter().map(|(key, values)| condition_matches(operator, key, values, request)).collect(),
    }))
}

fn principal_matches(principal: &Value, service: &str) -> bool {
    principal == "*" || principal["AWS"] == "*" || strings(&principal["Service"]).contains(&service)
}

fn condition_matches(operator: &str, key: &str, values: &Value, request: &Request<'_>) -> Match {
    let actual = match key.to_ascii_lowercase().as_str() {
        "aws:sourcearn" => request.source_arn,
        "aws:sourceaccount" => request.source_account,
        _ => return Match::Unknown(msg!("policy-condition-unknown", operator, key)),
    };
    let base = operator.strip_suffix("IfExists").unwrap_or(operator);
    let (negated, test): (bool, fn(&str, &str) -> bool) = match base {
        "StringEquals" => (false, |p, a| p == a),
        "StringNotEquals" => (true, |p, a| p == a),
        "StringEqualsIgnoreCase" => (false, |p, a| p.eq_ignore_ascii_case(a)),
        "StringNotEqualsIgnoreCase" => (true, |p, a| p.eq_ignore_ascii_case(a)),
        "StringLike" => (false, glob),
        "StringNotLike" => (true, glob),
        "ArnEquals" | "ArnLike" => (false, arn_like),
        "ArnNotEquals" | "ArnNotLike" => (true, arn_like),
        _ => return Match::Unknown(msg!("policy-condition-unknown", operator, key)),
    };
    let patterns = strings(values);
    if patterns.is_empty() {
        return Match::Unknown(msg!("policy-condition-no-values", operator, key));
    }
    let any = patterns.iter().any(|p| test(p, actual));
    Match::from_bool(any != negated)
}

/// The statements of a policy document (`Statement` is a list or one object).
pub fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        single => vec![single],
    }
}

/// A statement's first condition, as a message names one that is not evaluated: `condition OPERATOR on KEY`.
pub fn first_condition(statement: &Value) -> Option<Message> {
    let (operator, block) = statement["Condition"].as_object()?.iter().next()?;
    let key = block.as_object().and_then(|keys| keys.keys().next()).map_or("", String::as_str);
    Some(msg!("policy-condition-unknown", operator, key))
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
fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == 6 && a.len() == 6 && p.iter().zip(&a).all(|(p, a)| glob(p, a))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:ItemsFunction:prod";

    fn request(source_arn: &str) -> Request<'_> {
        Request {
            service: "apigateway.amazonaws.com",
            action: "lambda:InvokeFunction",
            resource: FUNCTION,
            source_arn,
            source_account: "123456789012",
        }
    }

    fn allow(condition: Value) -> Value {
        json!({"Statement": [{"Sid": "s1", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": FUNCTION, "Condition": condition}]})
    }

    const ITEMS: &str = "arn:aws:execute-api:us-east-1:123456789012:a1/prod/GET/items";
    const ITEM: &str = "arn:aws:execute-api:us-east-1:123456789012:a1/prod/GET/items/1";

    #[test]
    fn wildcard_source_arns_cover_this_api() {
        let policy =
            allow(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:*/*/GET/items"}}));
        assert_eq!(decide(&policy, &request(ITEMS)), Decision::Allowed);
        assert_eq!(decide(&policy, &request(ITEM)), Decision::NotAllowed, "GET/items does not cover GET /items/{{ID}}");
        let any_region = allow(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:a1/*"}}));
        assert_eq!(decide(&any_region, &request(ITEM)), Decision::Allowed);
        let per_method = allow(json!({"ArnLike": {"AWS:SourceArn": [
            "arn:aws:execute-api:us-east-1:123456789012:a1/*/GET/items",
            "arn:aws:execute-api:us-east-1:123456789012:a1/*/GET/items/*"]}}));
        assert_eq!(decide(&per_method, &request(ITEM)), Decision::Allowed);
        let other_api =
            allow(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:zz9/*"}}));
        assert_eq!(decide(&other_api, &request(ITEMS)), Decision::NotAllowed);
        let other_stage =
            allow(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:a1/dev/*"}}));
        assert_eq!(decide(&other_stage, &request(ITEMS)), Decision::NotAllowed);
        // ArnLike keeps wildcards inside one part: `*` in the region does not swallow the account.
        let colon = allow(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:a1/*"}}));
        assert_eq!(decide(&colon, &request(ITEMS)), Decision::NotAllowed);
        let string_like = allow(json!({"StringLike": {"aws:SourceArn": "arn:aws:execute-api:*:a1/*"}}));
        assert_eq!(decide(&string_like, &request(ITEMS)), Decision::Allowed);
    }

    #[test]
    fn source_account_and_unconditioned_statements() {
        let account = allow(json!({"StringEquals": {"AWS:SourceAccount": "123456789012"}}));
        assert_eq!(decide(&account, &request(ITEMS)), Decision::Allowed);
        let wrong = allow(json!({"StringEquals": {"AWS:SourceAccount": "999999999999"}}));
        assert_eq!(decide(&wrong, &request(ITEMS)), Decision::NotAllowed);
        let open = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "lambda:*", "Resource": "*"}});
        assert_eq!(decide(&open, &request(ITEMS)), Decision::Allowed);
        let other_alias = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": FUNCTION.replace(":prod", ":dev")}});
        assert_eq!(decide(&other_alias, &request(ITEMS)), Decision::NotAllowed);
        let other_principal = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": FUNCTION}});
        assert_eq!(decide(&other_principal, &request(ITEMS)), Decision::NotAllowed);
    }

    #[test]
    fn deny_wins_and_unknown_conditions_are_said() {
        let mut policy = allow(json!({"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:a1/*"}}));
        policy["Statement"].as_array_mut().unwrap().push(json!({"Sid": "no-prod", "Effect": "Deny", "Principal": "*",
            "Action": "lambda:InvokeFunction", "Resource": FUNCTION,
            "Condition": {"StringLike": {"AWS:SourceArn": "*/prod/*"}}}));
        assert_eq!(decide(&policy, &request(ITEMS)), Decision::Denied { sid: Some("no-prod".into()) });
        let unknown = allow(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}));
        assert_eq!(
            decide(&unknown, &request(ITEMS)),
            Decision::Unjudged { what: msg!("policy-condition-unknown", operator = "IpAddress", key = "aws:SourceIp") }
        );
        let negated =
            json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": "*", "Resource": "*"}});
        assert_eq!(
            decide(&negated, &request(ITEMS)),
            Decision::Unjudged { what: msg!("policy-negated-statement", element = "NotPrincipal") }
        );
        // A known condition that fails decides, whatever else the statement has.
        let mixed = allow(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            "ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:*:*:zz9/*"}}));
        assert_eq!(decide(&mixed, &request(ITEMS)), Decision::NotAllowed);
    }

    #[test]
    fn glob_matches_like_iam() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*/GET/items/*", "a1/prod/GET/items/1"));
        assert!(!glob("*/GET/items", "a1/prod/GET/items/1"));
        assert!(glob("lambda:invoke*", "lambda:invokefunction"));
        // Many stars on a long text stay fast.
        let long = "a".repeat(5000);
        assert!(!glob(&format!("{}b", "*a".repeat(50)), &long));
    }
}
