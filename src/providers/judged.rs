//! What of the facts a check judges, for mutation analysis (`labcheck mutate`). Emptying a whole listing, or
//! renaming what a check only finds things by, fails almost any check and proves nothing of it: a kill is the
//! check's own only when its mutant changes something the check declares it judges.

use std::borrow::Cow;

use crate::providers::field_matches;

/// A part of the facts a check judges, named as mutants name fields (`usage_plans[].api_stages[].stage`; `*` stands
/// for one map key: `resources[].methods.*.api_key_required`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    /// A value: changed where it is, removed, renamed everywhere, or, for a reference, broken on its side.
    Field(Cow<'static, str>),
    /// Which items a list or a keyed collection holds: one of them removed, or one that another case has added
    /// (a clean-up check's fault). Emptying the whole listing is no kill of its own.
    Items(Cow<'static, str>),
    /// Any value of a field with this name, wherever it is in the facts (what a `facts_query` names).
    Named(String),
}

/// What a mutant did, as [`Judged`] tells its kinds apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A value changed, removed, renamed everywhere, or a reference broken: the item stays.
    Value,
    /// One item of a list removed.
    ItemRemoved,
    /// An item another case has, added.
    ItemAdded,
    /// A whole listing emptied.
    Emptied,
}

impl Judged {
    pub const fn field(pattern: &'static str) -> Self {
        Judged::Field(Cow::Borrowed(pattern))
    }

    pub const fn items(pattern: &'static str) -> Self {
        Judged::Items(Cow::Borrowed(pattern))
    }

    /// Whether a mutant that made `change` to `field` changed what this names.
    pub fn covers(&self, field: &str, change: Change) -> bool {
        match (self, change) {
            (Judged::Field(pattern), Change::Value) => field_matches(pattern, field),
            (Judged::Items(pattern), Change::ItemRemoved) => {
                field.strip_suffix("[]").is_some_and(|list| field_matches(pattern, list))
            }
            (Judged::Items(pattern), Change::ItemAdded) => field_matches(pattern, field),
            (Judged::Named(name), Change::Value) => {
                field.rsplit('.').next().is_some_and(|last| last.trim_end_matches("[]") == name)
            }
            (Judged::Field(_) | Judged::Named(_), Change::ItemRemoved | Change::ItemAdded | Change::Emptied)
            | (Judged::Items(_), Change::Value | Change::Emptied) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_covered_by_its_changes_and_a_list_by_its_items() {
        let stage = Judged::field("usage_plans[].api_stages[].stage");
        assert!(stage.covers("usage_plans[].api_stages[].stage", Change::Value));
        assert!(!stage.covers("usage_plans[].api_stages[]", Change::ItemRemoved));
        assert!(!stage.covers("usage_plans", Change::Emptied));
        let versions = Judged::items("lambda_versions");
        assert!(versions.covers("lambda_versions[]", Change::ItemRemoved));
        assert!(versions.covers("lambda_versions", Change::ItemAdded));
        assert!(!versions.covers("lambda_versions", Change::Emptied), "emptying a listing is no kill of its own");
        assert!(!versions.covers("lambda_versions[].version", Change::Value));
        let limit = Judged::Named("limit".into());
        assert!(limit.covers("usage_plans[].quota.limit", Change::Value));
        assert!(!limit.covers("usage_plans[].quota", Change::Value));
    }
}
