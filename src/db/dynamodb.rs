//! The shared store: one DynamoDB table, for several `labcheck serve` replicas or the service on AWS Lambda. Its
//! client, its table and indexes (`labcheck store-init`), and what every domain's items share (the schema of a
//! stored document, reading an item's JSON, deleting items in batches); each domain's items are in its own folder.
//!
//! One table with a string partition key `pk`: progress, gradings and evidence (the progress domain's),
//! sessions, LTI logins and pending scores (each in its domain's folder). Indexes: progress by lab (the cohort) and
//! every item by learner (erasure).

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, KeySchemaElement, KeyType,
    ScalarAttributeType, TimeToLiveSpecification, WriteRequest,
};
use aws_smithy_runtime_api::http::Response as HttpResponse;

use super::{STORE_SCHEMA_VERSION, StoreError};

/// How often a batch's unprocessed items are sent again.
const MAX_ATTEMPTS: u32 = 12;

/// A DynamoDB table store.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// Seconds evidence is kept (the TTL written with it), if limited.
    pub(crate) evidence_ttl: Option<u64>,
}

/// An SDK error in one short line: DynamoDB's error code and message, else the HTTP status, else the cause.
pub(crate) fn one_line<E: ProvideErrorMetadata + std::error::Error + 'static>(error: &SdkError<E, HttpResponse>) -> String {
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

pub(crate) fn text(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

pub(crate) fn number(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The index of progress items by lab (and learner): what the cohort view queries.
pub const LAB_INDEX: &str = "progress-by-lab";
/// Its partition key, set on progress items only (a sparse index).
pub(crate) const LAB_OF: &str = "progress_lab";
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

    /// Writes a new item `pk` of this labcheck's document schema with `attributes`, on the condition that no item
    /// has `pk` yet (a login's state, a session's id: one each).
    pub(crate) async fn put_new(
        &self,
        pk: AttributeValue,
        attributes: impl IntoIterator<Item = (&str, AttributeValue)>,
    ) -> Result<(), StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", pk)
            .item("schema", number(STORE_SCHEMA_VERSION))
            .condition_expression("attribute_not_exists(pk)");
        for (name, value) in attributes {
            put = put.item(name, value);
        }
        put.send().await.map_err(|e| self.failed_call(&e))?;
        Ok(())
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
