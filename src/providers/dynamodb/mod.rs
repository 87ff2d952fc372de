//! DynamoDB: tables by name (description, time to live, point-in-time recovery, tags) and the region's table names.

mod operations;
#[cfg(feature = "aws")]
mod reader;
mod types;
pub mod validators;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[cfg(feature = "aws")]
pub use reader::Reader;
pub use types::*;

use super::{Invariant, Never, Provider, ReadKind};
use crate::aws::Operation;
use crate::facts::{Fact, FactError, collected};

pub struct DynamoDb;

/// What a validator may ask of DynamoDB.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// A part of the table with this name.
    Table { name: String, part: Part },
    /// The names of every table in the region (`ListTables`).
    TableNames,
}

/// What of a table a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// `DescribeTable`: keys, attribute types, billing, throughput, indexes, stream, encryption.
    Description,
    /// `DescribeTimeToLive`.
    TimeToLive,
    /// `DescribeContinuousBackups`: point-in-time recovery.
    Backups,
    /// `ListTagsOfResource` (through the table's ARN).
    Tags,
}

impl ReadKind for Read {
    fn collection(&self) -> &'static str {
        match self {
            Read::Table { part: Part::Description, .. } => "dynamodb_tables",
            Read::Table { part: Part::TimeToLive, .. } => "dynamodb_time_to_live",
            Read::Table { part: Part::Backups, .. } => "dynamodb_point_in_time_recovery",
            Read::Table { part: Part::Tags, .. } => "dynamodb_tags",
            Read::TableNames => "dynamodb_table_names",
        }
    }

    fn keyed(&self) -> bool {
        match self {
            Read::Table { .. } => true,
            Read::TableNames => false,
        }
    }

    fn resolved_through(&self) -> Vec<super::Read> {
        match self {
            Read::Table { name, part: Part::Tags } => {
                vec![Read::Table { name: name.clone(), part: Part::Description }.into()]
            }
            Read::Table { part: Part::Description | Part::TimeToLive | Part::Backups, .. } | Read::TableNames => {
                Vec::new()
            }
        }
    }

    fn operations(&self) -> Vec<Operation> {
        match self {
            Read::Table { part: Part::Description, .. } => vec![operations::DESCRIBE_TABLE],
            Read::Table { part: Part::TimeToLive, .. } => vec![operations::DESCRIBE_TIME_TO_LIVE],
            Read::Table { part: Part::Backups, .. } => vec![operations::DESCRIBE_CONTINUOUS_BACKUPS],
            Read::Table { part: Part::Tags, .. } => vec![operations::LIST_TAGS_OF_RESOURCE],
            Read::TableNames => vec![operations::LIST_TABLES],
        }
    }
}

/// What was read of DynamoDB. Keyed collections are by table name; `None`: there is no such table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dynamodb_tables: BTreeMap<String, Fact<Option<Table>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dynamodb_time_to_live: BTreeMap<String, Fact<Option<TimeToLive>>>,
    /// Whether point-in-time recovery is enabled.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dynamodb_point_in_time_recovery: BTreeMap<String, Fact<Option<bool>>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dynamodb_tags: BTreeMap<String, Fact<Option<BTreeMap<String, String>>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamodb_table_names: Option<Fact<Vec<String>>>,
}

impl Facts {
    pub fn table(&self, name: &str) -> Result<Option<&Table>, FactError> {
        collected(self.dynamodb_tables.get(name), &format!("DynamoDB table {name}")).map(Option::as_ref)
    }

    pub fn time_to_live(&self, name: &str) -> Result<Option<&TimeToLive>, FactError> {
        collected(self.dynamodb_time_to_live.get(name), &format!("time to live of DynamoDB table {name}"))
            .map(Option::as_ref)
    }

    pub fn point_in_time_recovery(&self, name: &str) -> Result<Option<bool>, FactError> {
        let what = format!("point-in-time recovery of DynamoDB table {name}");
        collected(self.dynamodb_point_in_time_recovery.get(name), &what).copied()
    }

    pub fn tags(&self, name: &str) -> Result<Option<&BTreeMap<String, String>>, FactError> {
        collected(self.dynamodb_tags.get(name), &format!("tags of DynamoDB table {name}")).map(Option::as_ref)
    }

    pub fn table_names(&self) -> Result<&[String], FactError> {
        collected(self.dynamodb_table_names.as_ref(), "DynamoDB tables").map(Vec::as_slice)
    }
}

impl Provider for DynamoDb {
    type Read = Read;

    type Facts = Facts;

    const OPERATIONS: &'static [Operation] = &operations::OPERATIONS;

    const FACT_NAMES: &'static [&'static str] = &[
        "dynamodb_table_names",
        "dynamodb_tables:TABLE",
        "dynamodb_time_to_live:TABLE",
        "dynamodb_point_in_time_recovery:TABLE",
        "dynamodb_tags:TABLE",
    ];

    const INVARIANTS: &'static [Invariant] = &[Invariant {
        field: "dynamodb_tables.key_schema",
        never: Never::Emptied,
        why: "every table has a partition key (TableDescription.KeySchema)",
    }];
    const REFERENCES: &'static [&'static str] = &[];

    fn merge(into: &mut Facts, other: Facts) {
        into.dynamodb_tables.extend(other.dynamodb_tables);
        into.dynamodb_time_to_live.extend(other.dynamodb_time_to_live);
        into.dynamodb_point_in_time_recovery.extend(other.dynamodb_point_in_time_recovery);
        into.dynamodb_tags.extend(other.dynamodb_tags);
        if other.dynamodb_table_names.is_some() {
            into.dynamodb_table_names = other.dynamodb_table_names;
        }
    }

    fn parse_fact_name(kind: &str, argument: Option<&str>) -> Option<Result<Read, String>> {
        let table = |part: Part| match argument {
            Some(name) if !name.is_empty() => Ok(Read::Table { name: name.to_owned(), part }),
            _ => Err(format!("`{kind}` takes the table's name: `{kind}:TABLE`")),
        };
        Some(match kind {
            "dynamodb_table_names" => match argument {
                None => Ok(Read::TableNames),
                Some(_) => Err(format!("`{kind}` takes no argument")),
            },
            "dynamodb_tables" => table(Part::Description),
            "dynamodb_time_to_live" => table(Part::TimeToLive),
            "dynamodb_point_in_time_recovery" => table(Part::Backups),
            "dynamodb_tags" => table(Part::Tags),
            _ => return None,
        })
    }
}
