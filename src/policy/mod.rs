//! The policy evaluator: one room for every policy labcheck judges (identity policies of a role, its trust policy,
//! a Lambda function's resource policy, a bucket policy). It answers one question as AWS would: may this caller
//! perform this action on this resource, given what the grading knows of the request?
//!
//! A documented subset of AWS's policy evaluation logic
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//!
//! Judged:
//! - an explicit `Deny` that matches wins over any `Allow`; otherwise an `Allow` that matches allows; otherwise the
//!   request is implicitly denied. Statements of every policy given are weighed together;
//! - `Principal` and `NotPrincipal`: `"*"`, `{"AWS": "*"}` (both mean everyone, anonymous callers included),
//!   `{"Service": ..}`; a caller that is the account's own identity ignores them (identity policies have none);
//! - `Action`/`NotAction` (case-insensitive) and `Resource`/`NotResource` (case-sensitive), `*` and `?` wildcards,
//!   a string or a list; a trust policy's statements need no `Resource`;
//! - `Statement` as a list or a single object; policy documents URL-encoded by IAM are decoded by the provider;
//! - conditions on the context keys the grading knows for the request it judges ([`Request::context`]), e.g.
//!   `aws:SourceArn` and `aws:SourceAccount` for API Gateway invoking a function, `aws:SecureTransport` (false for
//!   a website GET over HTTP) and `aws:RequestedRegion`, with the operators `String(Not)Equals(IgnoreCase)`,
//!   `String(Not)Like`, `Arn(Not)Equals`, `Arn(Not)Like`, `Bool`, `Null`, each also `...IfExists`. Every condition of
//!   a statement must hold; a condition known to fail decides, whatever else the statement has.
//!
//! Named as not judged, and never taken as met (the answer is [`Decision::Unjudged`] when such a statement could
//! decide the request): any other condition key or operator (`IpAddress`, `DateLessThan`, `ForAnyValue:` ...),
//! policy variables (`${aws:username}`) in resources, an `Effect` other than `Allow`/`Deny`, a statement without
//! `Action`/`NotAction` (or without `Resource`/`NotResource` where one is needed), principals given as account or
//! role ARNs when the caller is a service or anonymous (they never match such a caller), and conditions whose
//! block is not an object.
//!
//! Outside the subset: permissions boundaries, session policies, SCPs and RCPs, ACLs, and the combination of a
//! resource policy with the caller's identity policies across accounts. A statement that a known condition makes
//! inapplicable can never grant more, and a `Deny` on another action never removes the one judged.

mod conditions;
mod matching;

use serde_json::Value;

pub use self::matching::{glob, statements, strings};
use crate::i18n::{Message, msg};

/// Who makes the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    /// The identity the policies are attached to (a role's own permission policies): `Principal` does not apply.
    Identity,
    /// An AWS service principal, e.g. `apigateway.amazonaws.com`.
    Service(&'a str),
    /// Anyone on the internet, unsigned (a visitor of a website endpoint).
    Anonymous,
}

/// One request, as AWS authorizes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    pub caller: Caller<'a>,
    /// e.g. `lambda:InvokeFunction`.
    pub action: &'a str,
    /// The resource ARN; `None` for a trust policy (its resource is the role it belongs to).
    pub resource: Option<&'a str>,
    /// The condition keys whose values the grading knows for this request (`aws:SourceArn`, ...). A condition on
    /// any other key is not evaluated.
    pub context: &'a [(&'a str, &'a str)],
}

/// A policy document and how a message names it (`inline policy ReadItems`, `the bucket policy`).
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    pub label: &'a str,
    pub document: &'a Value,
}

/// What the policies decide for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Allowed by a statement of this policy (its label) and denied by none.
    Allowed { by: String },
    /// No statement allows it.
    NotAllowed,
    /// A `Deny` statement matches: its policy's label and its `Sid`, if any.
    Denied { by: String, sid: Option<String> },
    /// A statement that could decide it uses something labcheck does not evaluate (named here).
    Unjudged { what: Message },
}

/// Whether a part of a statement applies to the request: yes, no, or unknown (and why).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Match {
    Yes,
    No,
    Unknown(Message),
}

impl Match {
    pub(crate) fn from_bool(b: bool) -> Self {
        if b { Match::Yes } else { Match::No }
    }

    /// All of the parts: any `No` decides; else any `Unknown`; else `Yes`.
    pub(crate) fn all(parts: impl IntoIterator<Item = Match>) -> Match {
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

/// Decides `request` under every statement of every policy in `policies`.
pub fn decide(policies: &[Policy<'_>], request: &Request<'_>) -> Decision {
    let mut allowed_by = None;
    let (mut unjudged_deny, mut unjudged_allow) = (None, None);
    for policy in policies {
        for statement in statements(policy.document) {
            let effect = statement["Effect"].as_str().unwrap_or_default();
            match (effect, applies(statement, request)) {
                (_, Match::No) => {}
                ("Deny", Match::Yes) => {
                    let sid = statement["Sid"].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
                    return Decision::Denied { by: policy.label.to_owned(), sid };
                }
                ("Deny", Match::Unknown(what)) => {
                    unjudged_deny.get_or_insert(what);
                }
                ("Allow", Match::Yes) => {
                    allowed_by.get_or_insert_with(|| policy.label.to_owned());
                }
                ("Allow", Match::Unknown(what)) => {
                    unjudged_allow.get_or_insert(what);
                }
                // An unknown effect might deny: it is never taken as harmless.
                (other, Match::Yes | Match::Unknown(_)) => {
                    unjudged_deny.get_or_insert(msg!("policy-effect-unknown", effect = other));
                }
            }
        }
    }
    match (unjudged_deny, allowed_by, unjudged_allow) {
        // A Deny that might match could still override the Allow.
        (Some(what), _, _) => Decision::Unjudged { what },
        (None, Some(by), _) => Decision::Allowed { by },
        // An Allow that might match proves nothing.
        (None, None, Some(what)) => Decision::Unjudged { what },
        (None, None, None) => Decision::NotAllowed,
    }
}

/// Whether `statement` applies to `request`: principal, action and resource first, then every condition.
pub(crate) fn applies(statement: &Value, request: &Request<'_>) -> Match {
    let scope = Match::all([
        matching::principal(statement, request.caller),
        matching::action(statement, request.action),
        matching::resource(statement, request.resource),
    ]);
    match scope {
        Match::No => Match::No,
        scope => Match::all([scope, conditions::all_hold(statement, request.context)]),
    }
}

/// Whether `statement` names `caller` in its `Principal` (or leaves it out of its `NotPrincipal`).
pub fn names_caller(statement: &Value, caller: Caller<'_>) -> bool {
    matching::principal(statement, caller) == Match::Yes
}

#[cfg(test)]
mod tests;
