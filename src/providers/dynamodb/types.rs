//! DynamoDB's facts: a table's description (keys, attribute types, billing, throughput, indexes, stream,
//! encryption), its time to live, point-in-time recovery and tags.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A table as `DescribeTable` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub arn: String,
    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The primary key: the partition (`HASH`) key first, then the sort (`RANGE`) key if any.
    pub key_schema: Vec<KeyElement>,
    /// Attribute name -> type (`S`, `N`, `B`) of every attribute used in a key (the table's or an index's).
    #[serde(default)]
    pub attribute_types: BTreeMap<String, String>,
    /// `PAY_PER_REQUEST` (on-demand) or `PROVISIONED`. AWS omits the summary for tables created provisioned before
    /// it existed: then `PROVISIONED`.
    pub billing_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioned: Option<Throughput>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub global_indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_indexes: Vec<Index>,
    /// The stream's view type (`NEW_IMAGE`, ...) when a stream is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// `AWS_OWNED` (the default, no SSE description), `KMS` (AWS managed or customer managed key).
    pub encryption: String,
}

impl Table {
    /// The key element of this type (`HASH` or `RANGE`).
    pub fn key(&self, key_type: &str) -> Option<&KeyElement> {
        self.key_schema.iter().find(|k| k.key_type == key_type)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyElement {
    pub attribute: String,
    /// `HASH` (partition key) or `RANGE` (sort key).
    pub key_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throughput {
    pub read_capacity_units: i64,
    pub write_capacity_units: i64,
}

/// A global or local secondary index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub key_schema: Vec<KeyElement>,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<String>,
}

/// A table's time to live (`DescribeTimeToLive`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeToLive {
    /// `ENABLED`, `ENABLING`, `DISABLED`, `DISABLING`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
}
