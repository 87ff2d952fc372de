//! Mutants of a case's facts: one small change each to what a check reads, the kind of fault a learner makes. The
//! facts are changed as their JSON document (the snapshot's `facts`), then read back as facts: a change the fact
//! types cannot hold is no mutant.

use serde_json::{Value, json};

use crate::providers::enum_values;

/// Where in the facts document a mutant changes something.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(Value),
    Remove,
    /// A name or id renamed wherever it is (keys, ARNs, other facts): how the reader would see a resource named
    /// otherwise, with every part of it under the new name.
    RenameEverywhere {
        from: String,
        to: String,
    },
}

/// What a mutant does to the item it touches: whether the item stays, changed, or goes (or comes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value changed where it is (another value, blanked, a flag flipped, a policy widened or narrowed).
    Changed,
    /// A field of an item removed; the item stays.
    Removed,
    /// A name or id renamed everywhere: the item stays, under another name.
    Renamed,
    /// A reference changed on its side only: it names something that is not there.
    Dangling,
    /// An item of a list removed.
    ItemRemoved,
    /// A whole listing emptied.
    Emptied,
    /// An item another case has, added.
    Added,
}

/// One mutant.
#[derive(Debug, Clone)]
pub struct Mutant {
    /// The fact it changes, positions and ids left out: `usage_plans.api_stages[].stage`.
    pub field: String,
    pub kind: Kind,
    /// What it does: `usage_plans[0].api_stages[1].stage: "prod" -> "prod-x"`.
    pub change: String,
    path: Vec<Step>,
    edit: Edit,
}

impl Mutant {
    /// `facts` with this change made.
    pub fn apply(&self, facts: &Value) -> Value {
        if let Edit::RenameEverywhere { from, to } = &self.edit {
            return renamed(facts, from, to);
        }
        let mut changed = facts.clone();
        let Some((last, parents)) = self.path.split_last() else { return changed };
        let mut at = &mut changed;
        for step in parents {
            at = match step {
                Step::Key(key) => &mut at[key.as_str()],
                Step::Index(index) => &mut at[*index],
            };
        }
        match (&self.edit, last, at) {
            (Edit::Replace(value), Step::Key(key), Value::Object(object)) => {
                _ = object.insert(key.clone(), value.clone())
            }
            (Edit::Replace(value), Step::Index(index), Value::Array(items)) => items[*index] = value.clone(),
            (Edit::Remove, Step::Key(key), Value::Object(object)) => _ = object.remove(key),
            (Edit::Remove, Step::Index(index), Value::Array(items)) => _ = items.remove(*index),
            (_, _, _) => {}
        }
        changed
    }
}

/// `value` with `from` replaced by `to` in every string and key.
fn renamed(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(text) => Value::String(text.replace(from, to)),
        Value::Array(items) => Value::Array(items.iter().map(|v| renamed(v, from, to)).collect()),
        Value::Object(object) => {
            Value::Object(object.iter().map(|(k, v)| (k.replace(from, to), renamed(v, from, to))).collect())
        }
        other => other.clone(),
    }
}

/// Fields that name or identify a resource: renaming one renames it everywhere.
fn identifies(field: &str) -> bool {
    matches!(field, "name" | "id" | "api_id")
}

/// A collection of the facts to mutate, as its reads name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Collection {
    pub name: String,
    /// Keyed by id or name (`resources` by API id): the keys are ids, not fields.
    pub keyed: bool,
}

/// Where the walk is: the path, the change's wording and the field's name so far.
#[derive(Clone)]
struct At<'a> {
    collection: &'a str,
    path: Vec<Step>,
    shown: String,
    field: String,
    /// The last object key on the way (the field an enum table names).
    key: String,
}

impl At<'_> {
    fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.path.push(Step::Key(key.to_owned()));
        next.shown = format!("{}.{key}", self.shown);
        next.field = format!("{}.{key}", self.field);
        next.key = key.to_owned();
        next
    }

    /// Into a keyed entry or a `Fact`'s `Ok`: the path goes on, the field's name does not.
    fn through(&self, key: &str, shown: Option<&str>) -> Self {
        let mut next = self.clone();
        next.path.push(Step::Key(key.to_owned()));
        if let Some(shown) = shown {
            next.shown = format!("{}[{shown}]", self.shown);
        }
        next
    }

    fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.path.push(Step::Index(index));
        next.shown = format!("{}[{index}]", self.shown);
        next.field = format!("{}[]", self.field);
        next
    }

    fn mutant(&self, kind: Kind, change: String, edit: Edit) -> Mutant {
        let (field, path) = (self.field.clone(), self.path.clone());
        Mutant { field, kind, change: format!("{}: {change}", self.shown), path, edit }
    }
}

/// Every mutant of `collection` in `facts`. `references` are the fields that name another resource
/// (`usage_plans[].api_stages[].api_id`): each also gets a mutant that changes it there only.
pub fn of_collection(facts: &Value, collection: &Collection, references: &[&str]) -> Vec<Mutant> {
    let name = collection.name.as_str();
    let root =
        At { collection: name, path: Vec::new(), shown: name.to_owned(), field: name.to_owned(), key: String::new() };
    let Some(value) = facts.get(name) else { return Vec::new() };
    let mut out = Vec::new();
    let at = root.through(name, None);
    match (collection.keyed, value) {
        (true, Value::Object(entries)) => {
            for (key, entry) in entries {
                walk(entry, &at.through(key, Some(key)), &mut out);
            }
        }
        (_, value) if name == "probes" => probes(value, &at, &mut out),
        (_, value) => walk(value, &at, &mut out),
    }
    out.extend(dangling(&out, references));
    out
}

/// For each rename of a reference (a field `references` names), the same change made there only: the plan bound
/// to an API that is not the learner's, the key in the plan another key. Renaming everywhere keeps every
/// reference intact, so it cannot show that a check follows one.
fn dangling(made: &[Mutant], references: &[&str]) -> Vec<Mutant> {
    made.iter()
        .filter(|m| m.kind == Kind::Renamed && references.contains(&m.field.as_str()))
        .filter_map(|m| {
            let Edit::RenameEverywhere { from, to } = &m.edit else { return None };
            let (place, _) = m.change.split_once(": ")?;
            Some(Mutant {
                field: m.field.clone(),
                kind: Kind::Dangling,
                change: format!("{place}: {from:?} -> {to:?} there only (a reference to nothing)"),
                path: m.path.clone(),
                edit: Edit::Replace(json!(to)),
            })
        })
        .collect()
}

fn walk(value: &Value, at: &At<'_>, out: &mut Vec<Mutant>) {
    match value {
        Value::Object(object) if object.len() == 1 && object.contains_key("Ok") => {
            walk(&object["Ok"], &at.through("Ok", None), out)
        }
        Value::Object(object) if object.len() == 1 && object.contains_key("Err") => {}
        Value::Object(object) => {
            if object.contains_key("Statement") {
                policy(value, at, out);
            }
            for (key, field) in object {
                let inner = at.key(key);
                if !field.is_null() {
                    out.push(inner.mutant(Kind::Removed, "removed".into(), Edit::Remove));
                }
                walk(field, &inner, out);
            }
        }
        Value::Array(items) => {
            if !items.is_empty() {
                out.push(at.mutant(Kind::Emptied, "emptied".into(), Edit::Replace(json!([]))));
            }
            for (index, item) in items.iter().enumerate() {
                let inner = at.index(index);
                if items.len() > 1 {
                    out.push(inner.mutant(Kind::ItemRemoved, "removed".into(), Edit::Remove));
                }
                walk(item, &inner, out);
            }
        }
        Value::String(text) => strings(text, at, out),
        Value::Bool(flag) => {
            out.push(at.mutant(Kind::Changed, format!("{flag} -> {}", !flag), Edit::Replace(json!(!flag))))
        }
        Value::Number(number) => numbers(number, at, out),
        Value::Null => {}
    }
}

fn strings(text: &str, at: &At<'_>, out: &mut Vec<Mutant>) {
    let shown = |s: &str| {
        let cut: String = s.chars().take(40).collect();
        if s.chars().count() > 40 { format!("{cut:?}…") } else { format!("{cut:?}") }
    };
    match enum_values(at.collection, &at.key) {
        Some(values) => {
            for other in values.iter().filter(|v| **v != text) {
                let change = format!("{} -> {}", shown(text), shown(other));
                out.push(at.mutant(Kind::Changed, change, Edit::Replace(json!(other))));
            }
        }
        None if text.is_empty() => {}
        None if identifies(&at.key) => {
            // A prefix: a name that only has to start right (`website-*`) is named otherwise too.
            let to = format!("x-{text}");
            let change = format!("{} renamed {} everywhere", shown(text), shown(&to));
            out.push(at.mutant(Kind::Renamed, change, Edit::RenameEverywhere { from: text.to_owned(), to }));
        }
        None => {
            out.push(at.mutant(Kind::Changed, format!("{} -> \"\"", shown(text)), Edit::Replace(json!(""))));
            let renamed = format!("{text}-x");
            let change = format!("{} -> {}", shown(text), shown(&renamed));
            out.push(at.mutant(Kind::Changed, change, Edit::Replace(json!(renamed))));
        }
    }
}

fn numbers(number: &serde_json::Number, at: &At<'_>, out: &mut Vec<Mutant>) {
    let (more, zero) = match (number.as_u64(), number.as_f64()) {
        (Some(n), _) => (json!(n + 1), n != 0),
        (None, Some(f)) => (json!(f + 1.0), f != 0.0),
        (None, None) => return,
    };
    out.push(at.mutant(Kind::Changed, format!("{number} -> {more}"), Edit::Replace(more)));
    if zero {
        out.push(at.mutant(Kind::Changed, format!("{number} -> 0"), Edit::Replace(json!(0))));
    }
}

/// A policy document: each statement widened (action, resource, principal to `*`) and narrowed (a resource
/// elsewhere, a condition added). Dropping a statement or an action, and the other `Effect`, come from the walk.
fn policy(document: &Value, at: &At<'_>, out: &mut Vec<Mutant>) {
    let statements: Vec<(At<'_>, &Value)> = match &document["Statement"] {
        Value::Array(items) => items.iter().enumerate().map(|(i, s)| (at.key("Statement").index(i), s)).collect(),
        single => vec![(at.key("Statement"), single)],
    };
    for (at, statement) in statements {
        let Value::Object(fields) = statement else { continue };
        let mut edit = |what: String, change: fn(&mut serde_json::Map<String, Value>)| {
            let mut changed = fields.clone();
            change(&mut changed);
            out.push(at.mutant(Kind::Changed, what, Edit::Replace(Value::Object(changed))));
        };
        if fields.contains_key("Action") {
            edit("Action widened to *".into(), |s| _ = s.insert("Action".into(), json!("*")));
        }
        if fields.contains_key("Resource") {
            edit("Resource widened to *".into(), |s| _ = s.insert("Resource".into(), json!("*")));
            edit("Resource narrowed to another ARN".into(), |s| {
                _ = s.insert("Resource".into(), json!("arn:aws:s3:::labcheck-mutant/elsewhere"))
            });
        }
        if fields.contains_key("Principal") {
            edit("Principal widened to *".into(), |s| _ = s.insert("Principal".into(), json!("*")));
        }
        edit("a Condition added".into(), |s| {
            _ = s.insert("Condition".into(), json!({"StringEquals": {"aws:PrincipalTag/labcheck-mutant": "yes"}}))
        });
    }
}

/// What another case of the lab has in `collection` and this one lacks, added: a resource left behind, or made
/// twice. This is how checks that pass on absence (cleanup) meet a fault.
pub fn borrowed(facts: &Value, other: &Value, other_case: &str, collection: &Collection) -> Vec<Mutant> {
    let name = collection.name.as_str();
    let at = At {
        collection: name,
        path: vec![Step::Key(name.to_owned())],
        shown: name.to_owned(),
        field: name.to_owned(),
        key: String::new(),
    };
    let (Some(here), Some(there)) = (facts.get(name), other.get(name)) else { return Vec::new() };
    let mut out = Vec::new();
    match (collection.keyed, here, there) {
        (true, Value::Object(here), Value::Object(there)) => {
            for (key, entry) in there.iter().filter(|(key, _)| !here.contains_key(*key)) {
                let mut added = here.clone();
                added.insert(key.clone(), entry.clone());
                let change = format!("{key} added (from case {other_case})");
                out.push(at.mutant(Kind::Added, change, Edit::Replace(Value::Object(added))));
            }
        }
        (false, Value::Object(here), Value::Object(there)) => {
            let (Some(Value::Array(items)), Some(Value::Array(theirs))) = (here.get("Ok"), there.get("Ok")) else {
                return out;
            };
            for item in theirs.iter().filter(|item| !items.contains(item)) {
                let mut added = items.clone();
                added.push(item.clone());
                let shown: String = item.to_string().chars().take(60).collect();
                let change = format!("{shown} added (from case {other_case})");
                out.push(at.mutant(Kind::Added, change, Edit::Replace(json!({ "Ok": added }))));
            }
        }
        _ => {}
    }
    out
}

/// Probes: only what came back changes (what was sent names the probe): another status, no body, a header gone.
fn probes(value: &Value, at: &At<'_>, out: &mut Vec<Mutant>) {
    let Value::Array(records) = value else { return };
    for (index, record) in records.iter().enumerate() {
        let Some(response) = record.get("outcome").and_then(|o| o.get("Ok")) else { continue };
        let at = at.index(index).key("outcome").through("Ok", None);
        let status = response["status"].as_u64().unwrap_or_default();
        for other in [200, 403, 404, 500, 502].into_iter().filter(|s| *s != status) {
            let change = format!("{status} -> {other}");
            out.push(at.key("status").mutant(Kind::Changed, change, Edit::Replace(json!(other))));
        }
        if response["body"].as_str().is_some_and(|b| !b.is_empty()) {
            out.push(at.key("body").mutant(Kind::Changed, "emptied".into(), Edit::Replace(json!(""))));
        }
        if let Some(headers) = response["headers"].as_object() {
            for name in headers.keys() {
                out.push(at.key("headers").key(name).mutant(Kind::Removed, "removed".into(), Edit::Remove));
            }
        }
    }
}

/// At most `cap` of `mutants`, the same ones for the same `seed`: a seeded shuffle, then the first `cap` in their
/// original order.
pub fn capped(mutants: Vec<Mutant>, cap: usize, seed: u64) -> Vec<Mutant> {
    if mutants.len() <= cap {
        return mutants;
    }
    let mut order: Vec<usize> = (0..mutants.len()).collect();
    let mut state = seed;
    for i in (1..order.len()).rev() {
        state = splitmix64(state);
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let mut kept: Vec<usize> = order.into_iter().take(cap).collect();
    kept.sort_unstable();
    let mut mutants: Vec<Option<Mutant>> = mutants.into_iter().map(Some).collect();
    kept.into_iter().filter_map(|i| mutants[i].take()).collect()
}

/// SplitMix64: a small, well-mixed generator (Steele, Lea and Flood, 2014), enough to pick a sample.
fn splitmix64(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plans() -> Value {
        json!({"usage_plans": {"Ok": [{"id": "p1", "name": "Plan", "api_stages": [{"api_id": "a1", "stage": "dev"}, {"api_id": "a1", "stage": "prod"}]}]},
               "rest_apis": {"Ok": [{"id": "a1", "name": "API"}]}})
    }

    fn list(name: &str) -> Collection {
        Collection { name: name.into(), keyed: false }
    }

    #[test]
    fn each_kind_of_value_gets_its_mutants_and_they_apply_where_they_say() {
        let facts = plans();
        let mutants = of_collection(&facts, &list("usage_plans"), &[]);
        let fields: Vec<&str> = mutants.iter().map(|m| m.field.as_str()).collect();
        assert!(fields.contains(&"usage_plans[].api_stages[].stage"), "{fields:?}");
        let dropped = mutants.iter().find(|m| m.change == "usage_plans[0].api_stages[1]: removed").unwrap();
        let changed = dropped.apply(&facts);
        assert_eq!(changed["usage_plans"]["Ok"][0]["api_stages"].as_array().unwrap().len(), 1);
        // A name or id is renamed everywhere, as the reader would see it.
        let renamed = mutants.iter().find(|m| m.change.contains("\"a1\" renamed")).unwrap().apply(&facts);
        assert_eq!(renamed["rest_apis"]["Ok"][0]["id"], "x-a1");
        assert_eq!(renamed["usage_plans"]["Ok"][0]["api_stages"][0]["api_id"], "x-a1");
        // A reference changed there only: the plan names an API that is not there.
        let dangling = of_collection(&facts, &list("usage_plans"), &["usage_plans[].api_stages[].api_id"]);
        let broken = dangling.iter().find(|m| m.kind == Kind::Dangling).unwrap().apply(&facts);
        assert_eq!(broken["rest_apis"]["Ok"][0]["id"], "a1");
        assert_eq!(broken["usage_plans"]["Ok"][0]["api_stages"][0]["api_id"], "x-a1");
        // A stage is renamed only where it is.
        let stage = mutants.iter().find(|m| m.change.ends_with("stage: \"dev\" -> \"dev-x\"")).unwrap().apply(&facts);
        assert_eq!(stage["usage_plans"]["Ok"][0]["api_stages"][0]["stage"], "dev-x");
    }

    #[test]
    fn policies_are_widened_and_narrowed() {
        let facts = json!({"s3_policies": {"b": {"Ok": {"Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}}});
        let mutants = of_collection(&facts, &Collection { name: "s3_policies".into(), keyed: true }, &[]);
        let changes: Vec<&str> = mutants.iter().map(|m| m.change.as_str()).collect();
        for expected in [
            "Action widened to *",
            "Resource widened to *",
            "Resource narrowed to another ARN",
            "a Condition added",
            "\"Allow\" -> \"Deny\"",
        ] {
            assert!(changes.iter().any(|c| c.ends_with(expected)), "{expected}: {changes:?}");
        }
    }

    #[test]
    fn the_cap_keeps_the_same_sample_for_a_seed() {
        let facts = plans();
        let all = of_collection(&facts, &list("usage_plans"), &[]);
        let pick = |seed| capped(all.clone(), 4, seed).into_iter().map(|m| m.change).collect::<Vec<_>>();
        assert_eq!(pick(1), pick(1));
        assert_eq!(pick(1).len(), 4);
        assert!((2..20).any(|seed| pick(seed) != pick(1)), "another seed, another sample");
    }

    #[test]
    fn another_case_lends_what_this_one_lacks() {
        let empty = json!({"rest_apis": {"Ok": []}});
        let added = borrowed(&empty, &plans(), "solved", &list("rest_apis"));
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].apply(&empty)["rest_apis"]["Ok"][0]["name"], "API");
    }
}
