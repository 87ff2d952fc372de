//! The last step: the lab's Lambda function is gone. This passes on an empty account.

use crate::facts::FactError;
use crate::i18n::{and, msg};
use crate::model::Verdict;
use crate::providers::lambda;
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

validator! {
    /// No Lambda function whose name matches one of `names` (`*` is a wildcard) is left in the region.
    ///
    /// Why: the API is gone by now, so the function cannot be found through it; the lab names what the
    /// student's function may be called.
    ///
    /// ```toml
    /// validator = "lambda_function_absent"
    /// params = { names = ["*Items*", "*items*"] }
    /// ```
    pub struct LambdaFunctionAbsent {
        /// Name patterns.
        pub names: Vec<String>,
    }
}

impl Validator for LambdaFunctionAbsent {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(lambda::Read::FunctionNames)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::items("lambda_function_names"), Judged::field("lambda_function_names[]")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let left: Vec<&str> = facts
            .lambda
            .lambda_function_names()?
            .iter()
            .filter(|name| self.names.iter().any(|p| glob_match(p, name)))
            .map(String::as_str)
            .collect();
        Ok(if left.is_empty() {
            Verdict::pass(msg!("functions-gone", patterns = and(&self.names)))
        } else {
            Verdict::fail(msg!("functions-left", count = left.len(), names = and(&left))).with("left", &left)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("*Items*", "ItemsFunction"));
        assert!(glob_match("Items*", "ItemsFunction"));
        assert!(glob_match("*Function", "ItemsFunction"));
        assert!(glob_match("ItemsFunction", "ItemsFunction"));
        assert!(!glob_match("Items", "ItemsFunction"));
        assert!(!glob_match("*Pets*", "ItemsFunction"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }

    #[test]
    fn cleaned_and_uncleaned() {
        let empty = Facts {
            lambda: crate::providers::lambda::Facts {
                lambda_function_names: Some(Ok(vec!["Other".into()])),
                ..Default::default()
            },
            ..Facts::default()
        };
        let functions = LambdaFunctionAbsent { names: vec!["*Items*".into()] };
        assert!(functions.evaluate(&empty).unwrap().passed);
        let left = Facts {
            lambda: crate::providers::lambda::Facts {
                lambda_function_names: Some(Ok(vec!["ItemsFunction".into()])),
                ..Default::default()
            },
            ..Facts::default()
        };
        assert_eq!(functions.evaluate(&left).unwrap().message, "Lambda function ItemsFunction still exists");
    }
}
