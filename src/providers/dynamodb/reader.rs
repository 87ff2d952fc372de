//! Reading DynamoDB: each part of each table at most once per round.

use super::DynamoDb;
use super::operations::*;
use crate::providers::{Reading, RoundReader};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::operation::list_tags_of_resource::ListTagsOfResourceOutput;
use aws_sdk_dynamodb::operation::list_tags_of_resource::builders::ListTagsOfResourceFluentBuilder;

use crate::aws::round_trips::{Once, fork};
use aws_sdk_dynamodb::types::{KeySchemaElement, Projection, TableDescription};

use super::{Facts, Index, KeyElement, Part, Read, Table, Throughput, TimeToLive};
use crate::aws::pages::{self, IfMissing};
use crate::aws::{AwsSession, Operation, TolerantJson, is_not_found};
use crate::aws::{Keyed, text};
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::providers::Readers;

/// Tag pages at most (AWS gives up to 10 tags a page and a table has at most 50).
const MAX_TAG_PAGES: usize = 20;

/// One round of DynamoDB reads.
pub struct Reader {
    session: Arc<AwsSession>,
    tables: Keyed<Fact<Option<Table>>>,
    time_to_live: Keyed<Fact<Option<TimeToLive>>>,
    backups: Keyed<Fact<Option<bool>>>,
    tags: Keyed<Fact<Option<BTreeMap<String, String>>>>,
    table_names: Once<Fact<Vec<String>>>,
}

impl RoundReader for Reader {
    type Read = Read;

    fn new(session: &Arc<AwsSession>, _plan: &[crate::providers::Read]) -> Self {
        Self {
            session: session.clone(),
            tables: Keyed::new(),
            time_to_live: Keyed::new(),
            backups: Keyed::new(),
            tags: Keyed::new(),
            table_names: Once::new(),
        }
    }

    async fn read(&self, read: &Read, _round: &Readers) -> crate::providers::Facts {
        let mut dynamodb = Facts::default();
        match read {
            Read::Table { name, part: Part::Description } => {
                dynamodb.dynamodb_tables.insert(name.clone(), self.table(name).await);
            }
            Read::Table { name, part: Part::TimeToLive } => {
                dynamodb.dynamodb_time_to_live.insert(name.clone(), self.time_to_live(name).await);
            }
            Read::Table { name, part: Part::Backups } => {
                dynamodb.dynamodb_point_in_time_recovery.insert(name.clone(), self.backups(name).await);
            }
            Read::Table { name, part: Part::Tags } => {
                let (table, tags) = futures::join!(fork(self.table(name)), fork(self.tags(name)));
                dynamodb.dynamodb_tables.insert(name.clone(), table);
                dynamodb.dynamodb_tags.insert(name.clone(), tags);
            }
            Read::TableNames => dynamodb.dynamodb_table_names = Some(self.table_names().await),
        }
        crate::providers::Facts { dynamodb, ..crate::providers::Facts::default() }
    }
}

impl Reader {
    async fn table(&self, name: &str) -> Fact<Option<Table>> {
        self.tables
            .get_or_fetch(name, || async {
                match self.session.client::<DynamoDb>().describe_table().table_name(name).send().await {
                    Ok(out) => match out.table() {
                        Some(table) => Ok(Some(table_of(table))),
                        None => Err(malformed(&DESCRIBE_TABLE, "the answer has no Table")),
                    },
                    Err(e) if is_not_found(&e) => Ok(None),
                    Err(e) => Err(DESCRIBE_TABLE.error(e)),
                }
            })
            .await
    }

    async fn time_to_live(&self, name: &str) -> Fact<Option<TimeToLive>> {
        self.time_to_live
            .get_or_fetch(name, || async {
                match self.session.client::<DynamoDb>().describe_time_to_live().table_name(name).send().await {
                    Ok(out) => Ok(Some(match out.time_to_live_description() {
                        Some(ttl) => TimeToLive {
                            status: ttl.time_to_live_status().map_or("DISABLED", |s| s.as_str()).to_owned(),
                            attribute: ttl.attribute_name().map(str::to_owned),
                        },
                        None => TimeToLive { status: "DISABLED".into(), attribute: None },
                    })),
                    Err(e) if is_not_found(&e) => Ok(None),
                    Err(e) => Err(DESCRIBE_TIME_TO_LIVE.error(e)),
                }
            })
            .await
    }

    async fn backups(&self, name: &str) -> Fact<Option<bool>> {
        self.backups
            .get_or_fetch(name, || async {
                let request = self.session.client::<DynamoDb>().describe_continuous_backups().table_name(name);
                match request.send().await {
                    Ok(out) => {
                        let recovery = out
                            .continuous_backups_description()
                            .and_then(|d| d.point_in_time_recovery_description())
                            .and_then(|p| p.point_in_time_recovery_status());
                        Ok(Some(recovery.is_some_and(|s| s.as_str() == "ENABLED")))
                    }
                    // DescribeContinuousBackups names a missing table TableNotFoundException.
                    Err(e)
                        if is_not_found(&e)
                            || e.as_service_error().is_some_and(|s| s.is_table_not_found_exception()) =>
                    {
                        Ok(None)
                    }
                    Err(e) => Err(DESCRIBE_CONTINUOUS_BACKUPS.error(e)),
                }
            })
            .await
    }

    /// The tags, through the table's ARN; `None` when there is no table.
    async fn tags(&self, name: &str) -> Fact<Option<BTreeMap<String, String>>> {
        self.tags
            .get_or_fetch(name, || async {
                let Some(table) = self.table(name).await? else {
                    return Ok(None);
                };
                let mut tags = BTreeMap::new();
                let mut seen = HashSet::new();
                let mut position: Option<String> = None;
                for _ in 0..MAX_TAG_PAGES {
                    let request = self.session.client::<DynamoDb>().list_tags_of_resource().resource_arn(&table.arn);
                    let page = self.tags_page(request.set_next_token(position.take()), &table).await?;
                    tags.extend(page.tags().iter().map(|t| (t.key().to_owned(), t.value().to_owned())));
                    match page.next_token().filter(|t| !t.is_empty()) {
                        None => return Ok(Some(tags)),
                        Some(next) if !seen.insert(next.to_owned()) => {
                            return Err(malformed(&LIST_TAGS_OF_RESOURCE, "pagination loop"));
                        }
                        Some(next) => position = Some(next.to_owned()),
                    }
                }
                Err(malformed(&LIST_TAGS_OF_RESOURCE, &format!("more than {MAX_TAG_PAGES} pages of tags")))
            })
            .await
    }

    /// One page of tags. While a new table is `CREATING`, AWS answers `ResourceNotFoundException` for the ARN that
    /// `DescribeTable` just gave: the table is there, so this is retried and then an error, never "no table".
    async fn tags_page(
        &self,
        request: ListTagsOfResourceFluentBuilder,
        table: &Table,
    ) -> Result<ListTagsOfResourceOutput, FactError> {
        let mut waits = TAGS_NOT_FOUND_WAITS.iter();
        loop {
            match request.clone().send().await {
                Ok(page) => return Ok(page),
                Err(e) if is_not_found(&e) => match waits.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return Err(tags_not_found(table)),
                },
                Err(e) => return Err(LIST_TAGS_OF_RESOURCE.error(e)),
            }
        }
    }

    async fn table_names(&self) -> Fact<Vec<String>> {
        self.table_names
            .get_or_init(|| async {
                let request = self.session.client::<DynamoDb>().list_tables().limit(100);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages =
                    pages::read_all(pages, &LIST_TABLES, |p| p.last_evaluated_table_name(), IfMissing::Error).await?;
                Ok(pages.iter().flat_map(|p| p.table_names()).cloned().collect())
            })
            .await
            .clone()
    }
}

/// The waits before asking again for the tags of a table `DescribeTable` shows but `ListTagsOfResource` does not
/// find yet (cloud-custodian and steampipe-plugin-aws met this on new tables).
const TAGS_NOT_FOUND_WAITS: [Duration; 3] =
    [Duration::from_millis(200), Duration::from_millis(400), Duration::from_millis(800)];

fn tags_not_found(table: &Table) -> FactError {
    let status = table.status.as_deref().unwrap_or("unknown");
    FactError::new(
        FactErrorKind::Service,
        LIST_TAGS_OF_RESOURCE.name,
        format!(
            "ResourceNotFoundException for table {}, which DescribeTable shows (status {status}): AWS gives a new table's tags once it is ACTIVE; grade again in a minute",
            table.name
        ),
    )
}

fn malformed(operation: &Operation, message: &str) -> FactError {
    FactError::new(FactErrorKind::Malformed, operation.name, message)
}

fn keys(schema: &[KeySchemaElement]) -> Vec<KeyElement> {
    let mut keys: Vec<KeyElement> = schema
        .iter()
        .map(|k| KeyElement { attribute: k.attribute_name().to_owned(), key_type: k.key_type().as_str().to_owned() })
        .collect();
    // The partition key first, whatever order the answer has.
    keys.sort_by_key(|k| k.key_type != "HASH");
    keys
}

fn index(name: Option<&str>, schema: &[KeySchemaElement], projection: Option<&Projection>) -> Index {
    Index {
        name: text(name),
        key_schema: keys(schema),
        projection: projection.and_then(|p| p.projection_type()).map(|p| p.as_str().to_owned()),
    }
}

fn table_of(t: &TableDescription) -> Table {
    let billing_mode = t.billing_mode_summary().and_then(|b| b.billing_mode()).map(|m| m.as_str().to_owned());
    let provisioned = t.provisioned_throughput().map(|p| Throughput {
        read_capacity_units: p.read_capacity_units().unwrap_or_default(),
        write_capacity_units: p.write_capacity_units().unwrap_or_default(),
    });
    let global_indexes =
        t.global_secondary_indexes().iter().map(|i| index(i.index_name(), i.key_schema(), i.projection())).collect();
    let local_indexes =
        t.local_secondary_indexes().iter().map(|i| index(i.index_name(), i.key_schema(), i.projection())).collect();
    let stream = t
        .stream_specification()
        .filter(|s| s.stream_enabled())
        .map(|s| s.stream_view_type().map_or("ENABLED", |v| v.as_str()).to_owned());
    let encryption = match t.sse_description().and_then(|s| s.sse_type()) {
        Some(kind) => kind.as_str().to_owned(),
        None => "AWS_OWNED".to_owned(),
    };
    Table {
        name: text(t.table_name()),
        arn: text(t.table_arn()),
        status: t.table_status().map(|s| s.as_str().to_owned()),
        key_schema: keys(t.key_schema()),
        attribute_types: t
            .attribute_definitions()
            .iter()
            .map(|a| (a.attribute_name().to_owned(), a.attribute_type().as_str().to_owned()))
            .collect(),
        billing_mode: billing_mode.unwrap_or_else(|| "PROVISIONED".to_owned()),
        // On-demand tables report zero provisioned capacity: not a throughput.
        provisioned: provisioned.filter(|p| p.read_capacity_units > 0 || p.write_capacity_units > 0),
        global_indexes,
        local_indexes,
        stream,
        encryption,
    }
}

crate::aws::sdk_client!(DynamoDb, aws_sdk_dynamodb, TolerantJson);

impl Reading for DynamoDb {
    /// Nothing here is cut: tables' settings and tags name no secret.
    fn for_evidence(_facts: &mut Facts) {}

    type Reader = Reader;

    const ENUM_FIELDS: &'static [(&'static str, &'static str, &'static [&'static str])] = &[
        ("dynamodb_tables", "billing_mode", aws_sdk_dynamodb::types::BillingMode::values()),
        ("dynamodb_tables", "key_type", aws_sdk_dynamodb::types::KeyType::values()),
        ("dynamodb_tables", "status", aws_sdk_dynamodb::types::TableStatus::values()),
        ("dynamodb_time_to_live", "status", aws_sdk_dynamodb::types::TimeToLiveStatus::values()),
    ];
}
