//! DynamoDB tables: their keys and billing, point-in-time recovery and time to live.

use crate::facts::FactError;
use crate::i18n::{Message, clauses, msg};
use crate::model::Verdict;
use crate::providers::dynamodb::{self, Part, Table};
use crate::providers::{Facts, Read};
use crate::providers::{Judged, Validator, validator};

fn table_read(table: &str, part: Part) -> Read {
    dynamodb::Read::Table { name: table.to_owned(), part }.into()
}

/// Runs `judge` on the table, or fails naming the missing table.
fn judge_table(
    facts: &Facts,
    table: &str,
    judge: impl FnOnce(&Table) -> Result<Verdict, FactError>,
) -> Result<Verdict, FactError> {
    match facts.dynamodb.table(table)? {
        None => Ok(Verdict::fail(msg!("table-missing", table))),
        Some(found) if going_away(found.status.as_deref()) => {
            let status = found.status.as_deref().unwrap_or_default();
            Ok(Verdict::fail(msg!("table-going-away", table, status)).with("table_arn", &found.arn))
        }
        Some(found) => Ok(judge(found)?.with("table_arn", &found.arn)),
    }
}

/// Whether a table in this status (`DescribeTable`'s `TableStatus`) is on its way out or unusable: being deleted or
/// archived, or its KMS key is out of reach. A table `CREATING` or `UPDATING` is judged as it is: it will be
/// `ACTIVE` with the settings read.
fn going_away(status: Option<&str>) -> bool {
    matches!(status, Some("DELETING" | "ARCHIVING" | "ARCHIVED" | "INACCESSIBLE_ENCRYPTION_CREDENTIALS"))
}

validator! {
    /// A DynamoDB table with this name exists in the graded region, with this primary key (attribute names and
    /// types) and, when given, this billing mode.
    ///
    /// Why: the key schema cannot be changed after creation: a table keyed by `Id` instead of `ID`, or by a number
    /// instead of a string, has to be recreated, and code that reads `ID` finds nothing. On-demand billing
    /// (`PAY_PER_REQUEST`) is what a lab's unpredictable traffic should use.
    ///
    /// ```toml
    /// validator = "dynamodb_table_exists"
    /// params = { table = "Items", partition_key = "ID", partition_key_type = "S", billing_mode = "PAY_PER_REQUEST" }
    /// ```
    pub struct DynamodbTableExists {
        /// The table's name.
        pub table: String,
        /// The partition (`HASH`) key's attribute name.
        pub partition_key: String,
        /// Its type: `S`, `N` or `B` (not checked when absent).
        #[serde(default)]
        pub partition_key_type: Option<String>,
        /// The sort (`RANGE`) key's attribute name; when absent, the table must have none.
        #[serde(default)]
        pub sort_key: Option<String>,
        /// Its type: `S`, `N` or `B` (not checked when absent).
        #[serde(default)]
        pub sort_key_type: Option<String>,
        /// `PAY_PER_REQUEST` (on-demand) or `PROVISIONED` (not checked when absent).
        #[serde(default)]
        pub billing_mode: Option<String>,
    }
}

impl DynamodbTableExists {
    /// What is wrong with one key element (`HASH` or `RANGE`), if anything.
    fn key_problem(table: &Table, key_type: &str, name: Option<&String>, kind: Option<&String>) -> Option<Message> {
        let found = table.key(key_type);
        let role = if key_type == "HASH" { "partition" } else { "sort" };
        match (name, found) {
            (None, None) => None,
            (None, Some(found)) => Some(msg!("table-key-unexpected", role, found = &found.attribute)),
            (Some(key), None) => Some(msg!("table-key-missing", role, key)),
            (Some(key), Some(found)) if &found.attribute != key => {
                Some(msg!("table-key-other", role, key, found = &found.attribute))
            }
            (Some(key), Some(_)) => {
                let actual = table.attribute_types.get(key).map_or("?", String::as_str);
                kind.filter(|k| k.as_str() != actual)
                    .map(|k| msg!("table-key-type", role, key, kind = k, found = actual))
            }
        }
    }
}

impl Validator for DynamodbTableExists {
    fn reads(&self) -> Vec<Read> {
        vec![table_read(&self.table, Part::Description)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![
            Judged::field("dynamodb_tables.name"),
            Judged::field("dynamodb_tables.status"),
            Judged::field("dynamodb_tables.key_schema"),
            Judged::field("dynamodb_tables.key_schema[].*"),
            Judged::items("dynamodb_tables.key_schema"),
            Judged::field("dynamodb_tables.attribute_types"),
            Judged::field("dynamodb_tables.attribute_types.*"),
            Judged::field("dynamodb_tables.billing_mode"),
        ]
    }

    fn validate(&self) -> Result<(), String> {
        let kinds = [&self.partition_key_type, &self.sort_key_type];
        if let Some(kind) = kinds.into_iter().flatten().find(|k| !["S", "N", "B"].contains(&k.as_str())) {
            return Err(format!("key type `{kind}` is not one of S, N, B"));
        }
        match self.billing_mode.as_deref() {
            None | Some("PAY_PER_REQUEST" | "PROVISIONED") => Ok(()),
            Some(other) => Err(format!("billing_mode `{other}` is not PAY_PER_REQUEST or PROVISIONED")),
        }
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_table(facts, &self.table, |table| {
            let mut problems: Vec<Message> = [
                Self::key_problem(table, "HASH", Some(&self.partition_key), self.partition_key_type.as_ref()),
                Self::key_problem(table, "RANGE", self.sort_key.as_ref(), self.sort_key_type.as_ref()),
            ]
            .into_iter()
            .flatten()
            .collect();
            if let Some(mode) = self.billing_mode.as_ref().filter(|m| **m != table.billing_mode) {
                problems.push(msg!("table-billing", mode, found = &table.billing_mode));
            }
            let name = &self.table;
            Ok(if problems.is_empty() {
                let key = &self.partition_key;
                Verdict::pass(msg!("table-exists", table = name, key, billing = &table.billing_mode))
            } else {
                Verdict::fail(msg!("table-wrong", table = name, problems = clauses(problems)))
            }
            .with("key_schema", &table.key_schema)
            .with("billing_mode", &table.billing_mode))
        })
    }
}

validator! {
    /// Point-in-time recovery is enabled on the table.
    ///
    /// Why: it is the one backup that needs no schedule: any second of the last 35 days can be restored, the
    /// undo for a bad deploy or a mistaken delete.
    ///
    /// ```toml
    /// validator = "dynamodb_point_in_time_recovery"
    /// params = { table = "Items" }
    /// ```
    pub struct DynamodbPointInTimeRecovery {
        /// The table's name.
        pub table: String,
    }
}

impl Validator for DynamodbPointInTimeRecovery {
    fn reads(&self) -> Vec<Read> {
        vec![table_read(&self.table, Part::Description), table_read(&self.table, Part::Backups)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("dynamodb_point_in_time_recovery")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_table(facts, &self.table, |_| {
            let table = &self.table;
            Ok(match facts.dynamodb.point_in_time_recovery(table)? {
                Some(true) => Verdict::pass(msg!("table-pitr-on", table)),
                Some(false) | None => Verdict::fail(msg!("table-pitr-off", table)),
            })
        })
    }
}

validator! {
    /// Time to live is enabled on the table, on the given attribute when one is given.
    ///
    /// Why: items that expire on their own (sessions, carts) are deleted by DynamoDB at no cost only when TTL is
    /// on and names the attribute that holds the expiry time.
    ///
    /// ```toml
    /// validator = "dynamodb_time_to_live"
    /// params = { table = "Sessions", attribute = "expires_at" }
    /// ```
    pub struct DynamodbTimeToLive {
        /// The table's name.
        pub table: String,
        /// The attribute time to live must read (any when absent).
        #[serde(default)]
        pub attribute: Option<String>,
    }
}

impl Validator for DynamodbTimeToLive {
    fn reads(&self) -> Vec<Read> {
        vec![table_read(&self.table, Part::Description), table_read(&self.table, Part::TimeToLive)]
    }

    fn judges(&self) -> Vec<Judged> {
        vec![Judged::field("dynamodb_time_to_live.status"), Judged::field("dynamodb_time_to_live.attribute")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        judge_table(facts, &self.table, |_| {
            let table = &self.table;
            let ttl = facts.dynamodb.time_to_live(table)?;
            let on = ttl.filter(|t| t.status == "ENABLED" || t.status == "ENABLING");
            let found = on.and_then(|t| t.attribute.as_deref()).unwrap_or_default();
            Ok(match (on, &self.attribute) {
                (None, _) => Verdict::fail(msg!("table-ttl-off", table)),
                (Some(_), Some(attribute)) if attribute != found => {
                    Verdict::fail(msg!("table-ttl-other", table, attribute, found))
                }
                (Some(_), _) => Verdict::pass(msg!("table-ttl-on", table, attribute = found)),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::dynamodb::{KeyElement, TimeToLive};

    fn items(billing: &str, key: &str, kind: &str) -> Facts {
        let mut facts = Facts::default();
        let table = Table {
            name: "Items".into(),
            arn: "arn:aws:dynamodb:us-east-1:123456789012:table/Items".into(),
            key_schema: vec![KeyElement { attribute: key.into(), key_type: "HASH".into() }],
            attribute_types: [(key.to_owned(), kind.to_owned())].into(),
            billing_mode: billing.into(),
            encryption: "AWS_OWNED".into(),
            ..Table::default()
        };
        facts.dynamodb.dynamodb_tables.insert("Items".into(), Ok(Some(table)));
        facts
    }

    fn check() -> DynamodbTableExists {
        DynamodbTableExists {
            table: "Items".into(),
            partition_key: "ID".into(),
            partition_key_type: Some("S".into()),
            sort_key: None,
            sort_key_type: None,
            billing_mode: Some("PAY_PER_REQUEST".into()),
        }
    }

    fn say(verdict: &Verdict) -> String {
        verdict.message.to_string()
    }

    #[test]
    fn the_table_s_key_and_billing_are_named_when_wrong() {
        let pass = check().evaluate(&items("PAY_PER_REQUEST", "ID", "S")).unwrap();
        assert!(pass.passed, "{}", say(&pass));
        assert_eq!(say(&pass), "table Items exists, keyed by ID, billed PAY_PER_REQUEST");
        let wrong = check().evaluate(&items("PROVISIONED", "Id", "S")).unwrap();
        assert_eq!(
            say(&wrong),
            "table Items: its partition key is Id, not ID; it is billed PROVISIONED, not PAY_PER_REQUEST"
        );
        let number = check().evaluate(&items("PAY_PER_REQUEST", "ID", "N")).unwrap();
        assert_eq!(say(&number), "table Items: its partition key ID is of type N, not S");
        let missing = check().evaluate(&Facts {
            dynamodb: crate::providers::dynamodb::Facts {
                dynamodb_tables: [("Items".to_owned(), Ok(None))].into(),
                ..Default::default()
            },
            ..Facts::default()
        });
        assert_eq!(say(&missing.unwrap()), "there is no DynamoDB table Items in this region");
    }

    #[test]
    fn bad_params_are_refused_at_load() {
        let bad = DynamodbTableExists { partition_key_type: Some("string".into()), ..check() };
        assert_eq!(bad.validate().unwrap_err(), "key type `string` is not one of S, N, B");
    }

    #[test]
    fn recovery_and_time_to_live() {
        let mut facts = items("PAY_PER_REQUEST", "ID", "S");
        facts.dynamodb.dynamodb_point_in_time_recovery.insert("Items".into(), Ok(Some(false)));
        let ttl = TimeToLive { status: "ENABLED".into(), attribute: Some("ttl".into()) };
        facts.dynamodb.dynamodb_time_to_live.insert("Items".into(), Ok(Some(ttl)));
        let pitr = DynamodbPointInTimeRecovery { table: "Items".into() }.evaluate(&facts).unwrap();
        assert_eq!(say(&pitr), "point-in-time recovery is off on table Items");
        let expiry = DynamodbTimeToLive { table: "Items".into(), attribute: Some("expires_at".into()) };
        assert_eq!(
            say(&expiry.evaluate(&facts).unwrap()),
            "time to live on table Items uses attribute ttl, not expires_at"
        );
    }
}
