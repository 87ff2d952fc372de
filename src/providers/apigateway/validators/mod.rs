//! API Gateway's validators, one file per family, and what they share: finding an API by name and a method on it.

pub mod cleanup;
pub mod cors;
pub mod methods;
pub mod resources;
pub mod stages;
pub mod usage_plans;

use std::fmt;

use crate::facts::FactError;
use crate::i18n::{Message, msg};
use crate::model::Verdict;
use crate::providers::Facts;
use crate::providers::apigateway::{Method, Resource, RestApi};

/// Judges each REST API named `name` with `judge`; passes if any passes. Students sometimes create an API twice:
/// the message then says how many there are.
pub(crate) fn judge_apis_named(
    facts: &Facts,
    name: &str,
    mut judge: impl FnMut(&RestApi) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    let apis = facts.apigateway.apis_named(name)?;
    let Some(first) = apis.first() else {
        return Ok(Verdict::fail(msg!("rest-api-missing", name)));
    };
    if apis.len() == 1 {
        return judge(first);
    }
    let mut first_failure = None;
    for api in &apis {
        let verdict = judge(api)?;
        if verdict.passed {
            return Ok(verdict);
        }
        first_failure.get_or_insert((api.id.clone(), verdict));
    }
    let (id, mut verdict) = first_failure.expect("at least one API was judged");
    verdict.message = msg!("rest-apis-none-passes", count = apis.len(), name, id, problem = verdict.message);
    Ok(verdict)
}

/// The method `wanted` among an API's resources, or what is missing ("GET /items does not exist (no GET method)").
pub(crate) fn find_method<'a>(resources: &'a [Resource], wanted: &MethodRef) -> Result<&'a Method, Message> {
    let method = wanted.to_string();
    let Some(resource) = resources.iter().find(|r| r.path == wanted.path) else {
        let path = &wanted.path;
        return Err(match resources.iter().find(|r| r.path.eq_ignore_ascii_case(path)) {
            Some(similar) => msg!("method-missing-resource-similar", method, path, found = &similar.path),
            None => msg!("method-missing-resource", method, path),
        });
    };
    let verb = &wanted.method;
    resource.methods.get(verb).ok_or_else(|| msg!("method-missing-verb", method, verb))
}

/// Method refs as the texts a message lists.
pub(crate) fn method_names(methods: &[MethodRef]) -> Vec<String> {
    methods.iter().map(ToString::to_string).collect()
}

/// `"GET /items/{ID}"` in a lab file: an HTTP verb and a resource path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MethodRef {
    pub method: String,
    pub path: String,
}

impl fmt::Display for MethodRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

impl std::str::FromStr for MethodRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not of the form \"GET /path\"");
        let (method, path) = s.trim().split_once(' ').ok_or_else(bad)?;
        let path = path.trim();
        if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic()) || !path.starts_with('/') {
            return Err(bad());
        }
        Ok(Self { method: method.to_ascii_uppercase(), path: path.to_owned() })
    }
}

impl<'de> serde::Deserialize<'de> for MethodRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_ref_parses_and_rejects() {
        let m: MethodRef = "get /items/{ID}".parse().unwrap();
        assert_eq!(m, MethodRef { method: "GET".into(), path: "/items/{ID}".into() });
        assert!("GET items".parse::<MethodRef>().is_err());
        assert!("/items".parse::<MethodRef>().is_err());
    }
}
