//! A generic check over the facts, written in the lab file alone: a JMESPath query and the value it must give.

use crate::i18n::msg;

use crate::facts::FactError;
use crate::model::Verdict;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// A fact a query reads, as written in a lab file: `usage_plans`, `resources:ItemsAPI`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactName(Read);

impl std::str::FromStr for FactName {
    type Err = String;

    /// Each provider knows its collections' names (`crate::providers::parse_fact_name`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::providers::parse_fact_name(s).map(Self)
    }
}

impl<'de> serde::Deserialize<'de> for FactName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A JMESPath expression, checked when the lab file is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query(String);

/// Queries longer than this are refused (a check's query is a line or two).
pub const MAX_QUERY_CHARS: usize = 4096;
/// Nesting deeper than this is refused: the JMESPath parser and interpreter recurse once per level, and a query
/// nested thousands deep would overflow the stack.
pub const MAX_QUERY_NESTING: usize = 32;

impl<'de> serde::Deserialize<'de> for Query {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        check_size(&text).map_err(|e| serde::de::Error::custom(format!("query: {e}")))?;
        jmespath::compile(&text).map_err(|e| serde::de::Error::custom(format!("query: {}", crate::one_line(&e))))?;
        Ok(Self(text))
    }
}

/// Refuses queries too long or too deeply nested to parse safely, before the parser sees them. Nesting counts
/// open brackets, parentheses and braces, and `!` and `&` prefixes (each a level of recursion), outside literals.
fn check_size(text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(format!("longer than {MAX_QUERY_CHARS} characters"));
    }
    let (mut depth, mut prefixes, mut deepest) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                c if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                prefixes = 0;
            }
            '!' | '&' => prefixes += 1,
            c if c.is_whitespace() => {}
            _ => prefixes = 0,
        }
        deepest = deepest.max(depth + prefixes);
    }
    if deepest > MAX_QUERY_NESTING {
        return Err(format!("nested {deepest} levels deep; the limit is {MAX_QUERY_NESTING}"));
    }
    Ok(())
}

validator! {
    /// A JMESPath query over the facts gives the expected value (or, without `expect`, a truthy one).
    ///
    /// Why: a lab author can add a check without writing Rust. `reads` names the facts the query sees: any
    /// provider's collections (`rest_apis`, `usage_plans`, `resources:API`, `lambda_functions:API`,
    /// `dynamodb_tables:TABLE`, `ec2_vpcs`, `ec2_route_tables`, `ec2_security_groups`, `ec2_instances`,
    /// `ec2_launch_templates:TEMPLATE`, ...; a name that is none is refused with the whole list); the query sees them
    /// as in a snapshot's `facts`, keyed by id where keyed. If any of them could not be read the check is `error`.
    /// `message` is shown on a failure (what is wrong).
    ///
    /// ```toml
    /// validator = "facts_query"
    /// params = { reads = ["usage_plans"], query = "length(usage_plans[?description != null])", expect = 1, message = "the usage plan has no description" }
    /// ```
    pub struct FactsQuery {
        /// The facts the query reads.
        pub reads: Vec<FactName>,
        /// JMESPath expression.
        pub query: Query,
        /// The value the query must give; any truthy value if absent.
        #[serde(default)]
        pub expect: Option<toml::Value>,
        /// Shown when the check fails.
        #[serde(default)]
        pub message: Option<String>,
    }
}

/// The facts as a query sees them: `{"Ok": x}` becomes `x`. Errors never reach a query (checked before).
fn unwrap_ok(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) if map.len() == 1 && map.contains_key("Ok") => {
            unwrap_ok(map.into_iter().next().expect("one entry").1)
        }
        serde_json::Value::Object(map) => map.into_iter().map(|(k, v)| (k, unwrap_ok(v))).collect(),
        serde_json::Value::Array(items) => items.into_iter().map(unwrap_ok).collect(),
        other => other,
    }
}

/// The first error recorded in a collection as serialized: `{"Err": {..}}` itself, or as one of a keyed
/// collection's values.
fn error_in(collection: &serde_json::Value, keyed: bool) -> Option<FactError> {
    let as_error = |value: &serde_json::Value| serde_json::from_value::<FactError>(value.get("Err")?.clone()).ok();
    if keyed { collection.as_object()?.values().find_map(as_error) } else { as_error(collection) }
}

/// Every field name an expression reads (`quota.limit` reads `quota` and `limit`).
fn field_names(ast: &jmespath::ast::Ast, names: &mut Vec<String>) {
    use jmespath::ast::Ast;
    match ast {
        Ast::Field { name, .. } => names.push(name.clone()),
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => {
            field_names(lhs, names);
            field_names(rhs, names);
        }
        Ast::Condition { predicate, then, .. } => {
            field_names(predicate, names);
            field_names(then, names);
        }
        Ast::Expref { ast: node, .. }
        | Ast::Flatten { node, .. }
        | Ast::Not { node, .. }
        | Ast::ObjectValues { node, .. } => field_names(node, names),
        Ast::Function { args, .. } | Ast::MultiList { elements: args, .. } => {
            args.iter().for_each(|arg| field_names(arg, names))
        }
        Ast::MultiHash { elements, .. } => elements.iter().for_each(|pair| field_names(&pair.value, names)),
        Ast::Identity { .. } | Ast::Index { .. } | Ast::Literal { .. } | Ast::Slice { .. } => {}
    }
}

impl Validator for FactsQuery {
    fn reads(&self) -> Vec<Read> {
        let mut reads: Vec<Read> = self.reads.iter().map(|r| r.0.clone()).collect();
        let through: Vec<Read> = reads.iter().flat_map(|r| r.kind().resolved_through()).collect();
        reads.extend(through);
        reads
    }

    /// The fields the query names: a query that names none (`length(api_keys) > 0`) judges only that something is
    /// there, which emptying a listing shows for any check.
    fn judges(&self) -> Vec<Judged> {
        let mut names = Vec::new();
        if let Ok(expression) = jmespath::compile(&self.query.0) {
            field_names(expression.as_ast(), &mut names);
        }
        let collections: Vec<&str> = self.reads.iter().map(|r| r.0.kind().collection()).collect();
        names.retain(|name| !collections.contains(&name.as_str()));
        names.sort();
        names.dedup();
        names.into_iter().map(Judged::Named).collect()
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        // The query sees the facts as a snapshot has them (errors unwrapped), keyed collections by id.
        let serialized = serde_json::to_value(facts).expect("facts serialize");
        let mut data = serde_json::Map::new();
        let all_reads =
            self.reads.iter().map(|r| &r.0).flat_map(|r| std::iter::once(r.clone()).chain(r.kind().resolved_through()));
        for read in all_reads {
            let kind = read.kind();
            match serialized.get(kind.collection()) {
                Some(collection) => {
                    if let Some(err) = error_in(collection, kind.keyed()) {
                        return Err(err);
                    }
                    data.insert(kind.collection().to_owned(), unwrap_ok(collection.clone()));
                }
                // A keyed collection with no entry (no API of that name) is an empty object, not missing.
                None if kind.keyed() => {
                    data.entry(kind.collection()).or_insert_with(|| serde_json::json!({}));
                }
                None => return Err(FactError::not_collected(kind.collection())),
            }
        }
        let data = serde_json::Value::Object(data);
        let expression = jmespath::compile(&self.query.0)
            .map_err(|e| FactError::new(crate::facts::FactErrorKind::Malformed, "facts_query", crate::one_line(&e)))?;
        let result = expression
            .search(data)
            .map_err(|e| FactError::new(crate::facts::FactErrorKind::Malformed, "facts_query", crate::one_line(&e)))?;
        let got = serde_json::to_value(&*result).unwrap_or(serde_json::Value::Null);
        let (passed, expected) = match &self.expect {
            Some(expect) => {
                let expect = serde_json::to_value(expect).unwrap_or(serde_json::Value::Null);
                (numbers_equal(&got, &expect), Some(expect.to_string()))
            }
            None => (result.is_truthy(), None),
        };
        let (query, result) = (&self.query.0, got.to_string());
        Ok(if passed {
            Verdict::pass(msg!("query-result", query, result))
        } else {
            match (&self.message, expected) {
                (Some(message), _) => Verdict::fail(msg!("query-failed-because", message, query, result)),
                (None, Some(expected)) => Verdict::fail(msg!("query-failed", expected, query, result)),
                (None, None) => Verdict::fail(msg!("query-not-truthy", query, result)),
            }
        }
        .with("result", &got))
    }
}

/// JSON equality where 1 and 1.0 are equal (TOML integers vs JMESPath numbers).
fn numbers_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FactErrorKind;

    fn check(query: &str, expect: Option<toml::Value>) -> FactsQuery {
        let mut table = toml::Table::new();
        table.insert("reads".into(), toml::Value::Array(vec!["usage_plans".into()]));
        table.insert("query".into(), query.into());
        if let Some(e) = expect {
            table.insert("expect".into(), e);
        }
        toml::Value::Table(table).try_into().unwrap()
    }

    fn facts(names: &[&str]) -> Facts {
        crate::providers::testing::usage_plans(names)
    }

    #[test]
    fn query_passes_and_fails_on_plain_facts() {
        let c = check("length(usage_plans[?name=='P'])", Some(toml::Value::Integer(1)));
        assert!(c.evaluate(&facts(&["P"])).unwrap().passed);
        let v = c.evaluate(&facts(&["Q"])).unwrap();
        assert_eq!(v.message, "expected 1 (length(usage_plans[?name=='P']) gave 0)");
        let truthy = check("usage_plans[?name=='P'] | [0]", None);
        assert!(truthy.evaluate(&facts(&["P"])).unwrap().passed);
        assert!(!truthy.evaluate(&facts(&[])).unwrap().passed);
    }

    #[test]
    fn queries_reach_the_facts_of_every_provider() {
        let mut table = toml::Table::new();
        table.insert("reads".into(), toml::Value::Array(vec!["dynamodb_tables:Items".into(), "s3_buckets".into()]));
        table.insert("query".into(), "[dynamodb_tables.Items.billing_mode, length(s3_buckets)]".into());
        table.insert("expect".into(), toml::Value::Array(vec!["PAY_PER_REQUEST".into(), 1.into()]));
        let check: FactsQuery = toml::Value::Table(table).try_into().unwrap();
        let mut f = Facts::default();
        let items = crate::providers::dynamodb::Table {
            name: "Items".into(),
            billing_mode: "PAY_PER_REQUEST".into(),
            ..Default::default()
        };
        f.dynamodb.dynamodb_tables.insert("Items".into(), Ok(Some(items)));
        let bucket = crate::providers::s3::Bucket { name: "website-1".into(), region: None };
        f.s3.s3_buckets = Some(Ok(vec![bucket]));
        let verdict = check.evaluate(&f).unwrap();
        assert!(verdict.passed, "{}", verdict.message);
        assert!("s3_objects:site".parse::<FactName>().unwrap_err().contains("BUCKET/PREFIX"));
        assert!("iam_roles".parse::<FactName>().unwrap_err().contains("iam_roles:ROLE"));
    }

    #[test]
    fn unreadable_fact_is_an_error_and_bad_params_are_rejected() {
        let c = check("length(usage_plans)", Some(toml::Value::Integer(0)));
        let err = FactError::new(FactErrorKind::AccessDenied, "apigateway:GetUsagePlans", "no");
        let f = Facts {
            apigateway: crate::providers::apigateway::Facts {
                usage_plans: Some(Err(err.clone())),
                ..Default::default()
            },
            ..Facts::default()
        };
        assert_eq!(c.evaluate(&f).unwrap_err(), err, "never a pass on an empty list that was not read");
        assert_eq!(c.evaluate(&Facts::default()).unwrap_err().kind, FactErrorKind::NotCollected);
        assert!("plans".parse::<FactName>().unwrap_err().contains("unknown fact `plans`"));
        assert!("lambda_policies:ItemsAPI".parse::<FactName>().is_err());
        let mut table = toml::Table::new();
        table.insert("reads".into(), toml::Value::Array(vec![]));
        table.insert("query".into(), "length(".into());
        let bad: Result<FactsQuery, _> = toml::Value::Table(table).try_into();
        assert!(bad.unwrap_err().to_string().contains("query:"));
    }
}
