//! The shared store: one DynamoDB table, for several `labcheck serve` replicas or the service on AWS Lambda.
//!
//! One table with a string partition key `pk`, three kinds of item:
//! - `progress#<lab>#<learner>`: the merged progress (`body`, JSON) and its `version`;
//! - `grading#<id>`: who, which lab, when, the report (`report`, JSON);
//! - `evidence#<id>`: the grading's snapshot (`snapshot`, JSON), with `expires_at` (epoch seconds) when evidence is
//!   kept for a limited time: DynamoDB's TTL deletes it then, with no scan.
//!
//! A grading is recorded by one `TransactWriteItems`: the grading, its evidence, and the progress written on the
//! condition that its `version` is still the one read. Two gradings of one learner at once: one transaction is
//! cancelled, reads the progress again, merges again and retries, so neither update is lost.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, KeySchemaElement, KeyType, Put,
    ScalarAttributeType, TimeToLiveSpecification, TransactWriteItem, WriteRequest,
};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{Grading, Progress, STORE_SCHEMA_VERSION, Store, StoreError, merge};
use crate::lab::Lab;
use crate::snapshot::Snapshot;

/// How often a record is tried again after another grading of the same learner won the race.
const MAX_ATTEMPTS: u32 = 12;
/// DynamoDB's item limit is 400 KB; evidence larger than this is not kept (the grading and progress are).
const MAX_EVIDENCE_BYTES: usize = 350 * 1024;

/// A DynamoDB table store.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// Seconds evidence is kept (the TTL written with it), if limited.
    evidence_ttl: Option<u64>,
}

/// An SDK error in one short line: DynamoDB's error code and message, else the HTTP status, else the cause.
fn one_line<E: ProvideErrorMetadata + std::error::Error + 'static>(error: &SdkError<E, HttpResponse>) -> String {
    let text = match (error.code(), error.message(), error.raw_response()) {
        (Some(code), message, _) => format!("{code}: {}", message.unwrap_or("no message")),
        (None, _, Some(raw)) => format!("HTTP {} from DynamoDB", raw.status().as_u16()),
        (None, _, None) => format!("{}", DisplayErrorContext(error)),
    };
    crate::one_line(text).chars().take(300).collect()
}

/// The DynamoDB client: the SDK's standard retries, with a few more attempts (a store write is worth them).
/// How long one request to the table may take, and one operation with its retries: a table that stops answering
/// must not hold a grading (or the service's slots) for longer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(8);

fn client(config: &aws_config::SdkConfig) -> Client {
    let retries = aws_sdk_dynamodb::config::retry::RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(100));
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build();
    let config = aws_sdk_dynamodb::config::Builder::from(config).retry_config(retries).timeout_config(timeouts);
    Client::from_conf(config.build())
}

fn text(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn number(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The index of progress items by lab (and learner): what the cohort view queries.
pub const LAB_INDEX: &str = "progress-by-lab";
/// Its partition key, set on progress items only (a sparse index).
const LAB_OF: &str = "progress_lab";
/// The attribute of a progress item that holds its outline (the cohort reads it rather than the body; an item
/// written before it has none).
pub const OUTLINE: &str = "outline";
/// The index of every item of one learner.
pub const LEARNER_INDEX: &str = "by-learner";

fn string_attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("complete")
}

fn lab_index() -> aws_sdk_dynamodb::types::GlobalSecondaryIndex {
    use aws_sdk_dynamodb::types::{GlobalSecondaryIndex, Projection, ProjectionType};
    let key =
        |name: &str, kind| KeySchemaElement::builder().attribute_name(name).key_type(kind).build().expect("complete");
    GlobalSecondaryIndex::builder()
        .index_name(LAB_INDEX)
        .key_schema(key(LAB_OF, KeyType::Hash))
        .key_schema(key("learner", KeyType::Range))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .expect("complete")
}

/// The index of a learner's items (progress, gradings, sessions), for forgetting and exporting one learner.
fn learner_index() -> aws_sdk_dynamodb::types::GlobalSecondaryIndex {
    use aws_sdk_dynamodb::types::{GlobalSecondaryIndex, Projection, ProjectionType};
    let key =
        |name: &str, kind| KeySchemaElement::builder().attribute_name(name).key_type(kind).build().expect("complete");
    let projection = Projection::builder()
        .projection_type(ProjectionType::Include)
        .non_key_attributes("lab")
        .non_key_attributes(LAB_OF);
    GlobalSecondaryIndex::builder()
        .index_name(LEARNER_INDEX)
        .key_schema(key("learner", KeyType::Hash))
        .key_schema(key("pk", KeyType::Range))
        .projection(projection.build())
        .build()
        .expect("complete")
}

/// Adds the indexes a table made before them lacks (`store-init` again), one at a time: DynamoDB builds one
/// index per table update, so each is waited for (a minute at most) before the next.
async fn ensure_indexes(client: &Client, table: &str) -> Result<(), String> {
    use aws_sdk_dynamodb::types::{CreateGlobalSecondaryIndexAction, GlobalSecondaryIndexUpdate};
    for index in [lab_index(), learner_index()] {
        let name = index.index_name().to_owned();
        if index_status(client, table, &name).await?.is_some() {
            continue;
        }
        let create = CreateGlobalSecondaryIndexAction::builder()
            .index_name(&name)
            .set_key_schema(Some(index.key_schema().to_vec()))
            .set_projection(index.projection().cloned())
            .build()
            .expect("complete");
        client
            .update_table()
            .table_name(table)
            .set_attribute_definitions(Some(vec![
                string_attribute("pk"),
                string_attribute(LAB_OF),
                string_attribute("learner"),
            ]))
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(create).build())
            .send()
            .await
            .map_err(|e| one_line(&e))?;
        let mut waited = 0;
        while index_status(client, table, &name).await?.as_deref() != Some("ACTIVE") {
            if waited == 120 {
                return Err(format!("index {name} is still being built: run store-init again once it is ACTIVE"));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            waited += 1;
        }
    }
    Ok(())
}

/// The status of index `name` of `table`, or `None` when it has no such index.
async fn index_status(client: &Client, table: &str, name: &str) -> Result<Option<String>, String> {
    let described = client.describe_table().table_name(table).send().await.map_err(|e| one_line(&e))?;
    let indexes = described.table().map(|t| t.global_secondary_indexes()).unwrap_or_default();
    let index = indexes.iter().find(|i| i.index_name() == Some(name));
    Ok(index.map(|i| i.index_status().map_or_else(|| "ACTIVE".to_owned(), |s| s.as_str().to_owned())))
}

fn progress_key(learner: &str, lab: &str) -> String {
    format!("progress#{lab}#{learner}")
}

impl DynamoStore {
    /// The store on `table`, which must exist (`labcheck store-init dynamodb:TABLE` makes it).
    pub async fn open(config: &aws_config::SdkConfig, table: &str) -> Result<Self, StoreError> {
        let store = Self { client: client(config), table: table.to_owned(), evidence_ttl: None };
        match store.client.describe_table().table_name(table).send().await {
            Ok(_) => Ok(store),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => Err(store
                .unusable(format!("table {table} does not exist (`labcheck store-init dynamodb:{table}` makes it)"))),
            Err(e) => Err(store.unusable(one_line(&e))),
        }
    }

    /// Makes the table (on-demand capacity, `pk` key, TTL on `expires_at`) if it does not exist, and waits until
    /// it is active.
    pub async fn create(config: &aws_config::SdkConfig, table: &str) -> Result<(), StoreError> {
        let client = client(config);
        let store = |message: String| StoreError::Unusable { store: format!("dynamodb:{table}"), message };
        let created = client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .set_attribute_definitions(Some(vec![
                string_attribute("pk"),
                string_attribute(LAB_OF),
                string_attribute("learner"),
            ]))
            .key_schema(
                KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().expect("complete"),
            )
            .global_secondary_indexes(lab_index())
            .global_secondary_indexes(learner_index())
            .send()
            .await;
        match created {
            Ok(_) => {}
            // An older table: its index of progress by lab is added if missing.
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => {
                return ensure_indexes(&client, table).await.map_err(store);
            }
            Err(e) => return Err(store(one_line(&e))),
        }
        for _ in 0..120 {
            let described = client.describe_table().table_name(table).send().await.map_err(|e| store(one_line(&e)))?;
            let active = described.table().and_then(|t| t.table_status()).is_some_and(|s| s.as_str() == "ACTIVE");
            if active {
                let ttl = TimeToLiveSpecification::builder().enabled(true).attribute_name("expires_at").build();
                let ttl = ttl.expect("complete");
                client
                    .update_time_to_live()
                    .table_name(table)
                    .time_to_live_specification(ttl)
                    .send()
                    .await
                    .map_err(|e| store(one_line(&e)))?;
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(store("the table did not become active within a minute".to_owned()))
    }

    /// Evidence written from now on expires after `days` (DynamoDB's TTL deletes it).
    pub fn with_evidence_days(mut self, days: Option<u64>) -> Self {
        self.evidence_ttl = days.map(|d| d * 86_400);
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    fn name(&self) -> String {
        format!("dynamodb:{}", self.table)
    }

    fn unusable(&self, message: String) -> StoreError {
        StoreError::Unusable { store: self.name(), message }
    }

    pub(crate) fn failed(&self, message: String) -> StoreError {
        StoreError::Failed { store: self.name(), message }
    }

    /// A call that failed, in one line naming the store.
    pub(crate) fn failed_call<E: ProvideErrorMetadata + std::error::Error + 'static>(
        &self,
        error: &SdkError<E, HttpResponse>,
    ) -> StoreError {
        self.failed(one_line(error))
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// The item `pk`, read strongly consistent (what another replica wrote a moment ago included).
    pub(crate) async fn get_consistent(
        &self,
        pk: String,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.failed_call(&e))?;
        Ok(answer.item)
    }

    /// A stored document's schema: newer than this labcheck reads is refused.
    pub(crate) fn check_schema(&self, item: &HashMap<String, AttributeValue>) -> Result<(), StoreError> {
        let found = item.get("schema").and_then(|v| v.as_n().ok()).and_then(|n| n.parse::<u32>().ok()).unwrap_or(1);
        if found > STORE_SCHEMA_VERSION {
            Err(StoreError::Newer { store: self.name(), found, reads: STORE_SCHEMA_VERSION })
        } else {
            Ok(())
        }
    }

    pub(crate) fn json<T: serde::de::DeserializeOwned>(
        &self,
        item: &HashMap<String, AttributeValue>,
        attribute: &str,
    ) -> Result<T, StoreError> {
        let body = self.text(item, attribute)?;
        serde_json::from_str(body).map_err(|e| self.failed(format!("a stored `{attribute}` does not read back: {e}")))
    }

    /// The string `attribute` of `item`.
    pub(crate) fn text<'i>(
        &self,
        item: &'i HashMap<String, AttributeValue>,
        attribute: &str,
    ) -> Result<&'i str, StoreError> {
        let text = item.get(attribute).and_then(|v| v.as_s().ok());
        text.map(String::as_str).ok_or_else(|| {
            self.failed(format!("a stored item has no `{attribute}`: the table was changed by something else"))
        })
    }

    /// The progress item and its version (0 when there is none).
    async fn read_progress(&self, learner: &str, lab: &str) -> Result<(Option<Progress>, u64), StoreError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", text(&progress_key(learner, lab)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.failed(one_line(&e)))?;
        let Some(item) = answer.item() else { return Ok((None, 0)) };
        self.check_schema(item)?;
        let version = item.get("version").and_then(|v| v.as_n().ok()).and_then(|n| n.parse().ok()).unwrap_or(0);
        Ok((Some(self.json(item, "body")?), version))
    }

    fn put(&self, item: HashMap<String, AttributeValue>) -> Put {
        Put::builder().table_name(&self.table).set_item(Some(item)).build().expect("table and item are set")
    }

    /// The writes of one record: grading, evidence (unless too large), and the progress on its version.
    fn writes(&self, grading: &Grading, progress: &Progress, version: u64) -> Vec<TransactWriteItem> {
        let graded_ms = super::epoch_millis(&grading.graded_at);
        let report = serde_json::to_string(&grading.report).expect("a report serializes");
        let grading_item = HashMap::from([
            ("pk".to_owned(), text(&format!("grading#{}", grading.id))),
            ("schema".to_owned(), number(STORE_SCHEMA_VERSION)),
            ("learner".to_owned(), text(&grading.learner)),
            ("lab".to_owned(), text(&grading.lab)),
            ("graded_at".to_owned(), text(&grading.graded_at)),
            ("report".to_owned(), text(&report)),
        ]);
        let mut writes = vec![TransactWriteItem::builder().put(self.put(grading_item)).build()];
        if let Some(snapshot) =
            grading.evidence.as_ref().map(Snapshot::to_json).filter(|s| s.len() <= MAX_EVIDENCE_BYTES)
        {
            let mut item = HashMap::from([
                ("pk".to_owned(), text(&format!("evidence#{}", grading.id))),
                ("schema".to_owned(), number(STORE_SCHEMA_VERSION)),
                ("graded_at_ms".to_owned(), number(graded_ms)),
                ("snapshot".to_owned(), text(&snapshot)),
            ]);
            if let Some(ttl) = self.evidence_ttl {
                item.insert("expires_at".to_owned(), number(graded_ms / 1000 + ttl as i64));
            }
            writes.push(TransactWriteItem::builder().put(self.put(item)).build());
        }
        let body = serde_json::to_string(progress).expect("progress serializes");
        let progress_item = HashMap::from([
            ("pk".to_owned(), text(&progress_key(&grading.learner, &grading.lab))),
            // The keys of the index by lab: the cohort queries it, never scans.
            (LAB_OF.to_owned(), text(&grading.lab)),
            ("learner".to_owned(), text(&grading.learner)),
            ("schema".to_owned(), number(STORE_SCHEMA_VERSION)),
            ("version".to_owned(), number(version + 1)),
            ("body".to_owned(), text(&body)),
            (OUTLINE.to_owned(), text(&super::outline(progress))),
        ]);
        let mut put = Put::builder().table_name(&self.table).set_item(Some(progress_item));
        put = if version == 0 {
            put.condition_expression("attribute_not_exists(pk)")
        } else {
            put.condition_expression("version = :read").expression_attribute_values(":read", number(version))
        };
        writes.push(TransactWriteItem::builder().put(put.build().expect("table and item are set")).build());
        writes
    }
}

impl Store for DynamoStore {
    fn record<'a>(&'a self, lab: Arc<Lab>, grading: Grading) -> BoxFuture<'a, Result<Progress, StoreError>> {
        async move {
            for attempt in 0..MAX_ATTEMPTS {
                let (previous, version) = self.read_progress(&grading.learner, &grading.lab).await?;
                let progress = merge(previous, &lab, &grading);
                let writes = self.writes(&grading, &progress, version);
                match self.client.transact_write_items().set_transact_items(Some(writes)).send().await {
                    Ok(_) => return Ok(progress),
                    // Another grading of this learner wrote first (or is writing): read, merge and try again.
                    Err(e) if e.as_service_error().is_some_and(|s| s.is_transaction_canceled_exception()) => {
                        let pause = 20 * u64::from(attempt + 1) + u64::from(grading.id.as_bytes()[29] % 20);
                        tokio::time::sleep(Duration::from_millis(pause)).await;
                    }
                    Err(e) => return Err(self.failed(one_line(&e))),
                }
            }
            Err(self.failed(format!("gave up after {MAX_ATTEMPTS} attempts: too many gradings of one learner at once")))
        }
        .boxed()
    }

    fn progress<'a>(&'a self, learner: &'a str, lab: &'a str) -> BoxFuture<'a, Result<Option<Progress>, StoreError>> {
        async move { Ok(self.read_progress(learner, lab).await?.0) }.boxed()
    }

    fn grading<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Grading>, StoreError>> {
        async move {
            let get = |pk: String| self.client.get_item().table_name(&self.table).key("pk", text(&pk)).send();
            let (grading, evidence) = tokio::join!(get(format!("grading#{id}")), get(format!("evidence#{id}")));
            let grading = grading.map_err(|e| self.failed(one_line(&e)))?;
            let Some(item) = grading.item() else { return Ok(None) };
            self.check_schema(item)?;
            let field = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let evidence = evidence.map_err(|e| self.failed(one_line(&e)))?;
            let snapshot = match evidence.item() {
                Some(item) => Some(self.json::<Snapshot>(item, "snapshot")?),
                None => None,
            };
            Ok(Some(Grading {
                id: id.to_owned(),
                learner: field("learner"),
                lab: field("lab"),
                graded_at: field("graded_at"),
                report: self.json(item, "report")?,
                evidence: snapshot,
            }))
        }
        .boxed()
    }

    /// A scan for evidence items older than `cutoff`, deleted 25 at a time. With `--evidence-days` set when they
    /// were written, DynamoDB's TTL deletes them on its own and this finds little.
    fn forget_evidence_before<'a>(&'a self, cutoff: &'a str) -> BoxFuture<'a, Result<u64, StoreError>> {
        async move {
            let cutoff = super::epoch_millis(cutoff);
            let mut pages = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("begins_with(pk, :evidence) AND graded_at_ms < :cutoff")
                .expression_attribute_values(":evidence", text("evidence#"))
                .expression_attribute_values(":cutoff", number(cutoff))
                .projection_expression("pk")
                .into_paginator()
                .items()
                .send();
            let mut keys = Vec::new();
            while let Some(item) = pages.next().await {
                let item = item.map_err(|e| self.failed(one_line(&e)))?;
                if let Some(pk) = item.get("pk") {
                    keys.push(pk.clone());
                }
            }
            self.delete_keys(&keys).await
        }
        .boxed()
    }

    fn expires_evidence(&self) -> bool {
        self.evidence_ttl.is_some()
    }
}

impl DynamoStore {
    /// Deletes the items of `keys` (their `pk`s), 25 to a `BatchWriteItem`, trying unprocessed ones again.
    /// Returns how many there were.
    pub(crate) async fn delete_keys(&self, keys: &[AttributeValue]) -> Result<u64, StoreError> {
        {
            for chunk in keys.chunks(25) {
                let mut requests: Vec<WriteRequest> = chunk
                    .iter()
                    .map(|pk| {
                        let delete = DeleteRequest::builder().key("pk", pk.clone()).build().expect("key is set");
                        WriteRequest::builder().delete_request(delete).build()
                    })
                    .collect();
                for _ in 0..MAX_ATTEMPTS {
                    let answer = self
                        .client
                        .batch_write_item()
                        .request_items(&self.table, requests)
                        .send()
                        .await
                        .map_err(|e| self.failed(one_line(&e)))?;
                    requests = answer.unprocessed_items().and_then(|u| u.get(&self.table)).cloned().unwrap_or_default();
                    if requests.is_empty() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            Ok(keys.len() as u64)
        }
    }
}
