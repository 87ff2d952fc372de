//! What AWS always returns or always sets in a provider's facts, and which fields name another resource: what
//! mutation analysis needs to build only states an account can be in, and to break a reference on one side.

/// A rule of AWS's answers, from the API reference: a mutant that breaks it is a state no account can be in, so it
/// is never built, and a check that only such a state fails has no teeth.
#[derive(Debug, Clone, Copy)]
pub struct Invariant {
    /// The field as mutants name it (`s3_encryption`, `usage_plans[].quota.period`); `*` stands for one map key
    /// (`resources[].methods.*.http_method`).
    pub field: &'static str,
    pub never: Never,
    /// Why, with the API reference's word for it.
    pub why: &'static str,
}

/// What never happens to an invariant's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Never {
    /// A listing never comes back empty.
    Emptied,
    /// A field is always there.
    Removed,
    /// A field only ever has the value it has (it is derived from something else, or there is one value).
    Changed,
}

impl Invariant {
    /// Whether a mutant of `field` that does `what` breaks this rule.
    pub fn broken_by(&self, field: &str, what: Never) -> bool {
        let applies = match self.never {
            Never::Emptied | Never::Removed => what == self.never,
            Never::Changed => true,
        };
        applies && field_matches(self.field, field)
    }
}

/// Whether `field` (`resources[].methods.GET.http_method`) is named by `pattern`, where `*` stands for exactly one
/// dotted segment (`resources[].methods.*.http_method`).
pub fn field_matches(pattern: &str, field: &str) -> bool {
    let (mut pattern, mut field) = (pattern.split('.'), field.split('.'));
    loop {
        match (pattern.next(), field.next()) {
            (None, None) => return true,
            (Some(p), Some(f)) if p == "*" || p == f => {}
            (Some(_), Some(_)) | (Some(_), None) | (None, Some(_)) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_applies_to_its_field_and_what_it_forbids() {
        let always_listed = Invariant { field: "lambda_versions", never: Never::Emptied, why: "" };
        assert!(always_listed.broken_by("lambda_versions", Never::Emptied));
        assert!(!always_listed.broken_by("lambda_versions", Never::Removed));
        assert!(!always_listed.broken_by("lambda_aliases", Never::Emptied));
        let derived = Invariant { field: "resources[].methods.*.http_method", never: Never::Changed, why: "" };
        assert!(derived.broken_by("resources[].methods.GET.http_method", Never::Changed));
        assert!(derived.broken_by("resources[].methods.GET.http_method", Never::Removed));
        assert!(!derived.broken_by("resources[].methods.GET.integration.http_method", Never::Changed));
    }
}
