//! Progress in the DynamoDB store ([`crate::db::dynamodb`]), three kinds of item:
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

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{Grading, Progress, ProgressStore, merge};
use crate::db::dynamodb::{LAB_OF, OUTLINE, number, one_line, text};
use crate::db::{DynamoStore, STORE_SCHEMA_VERSION, StoreError};
use crate::lab::Lab;
use crate::snapshot::Snapshot;

/// How often a record is tried again after another grading of the same learner won the race.
const MAX_ATTEMPTS: u32 = 12;
/// DynamoDB's item limit is 400 KB; evidence larger than this is not kept (the grading and progress are).
const MAX_EVIDENCE_BYTES: usize = 350 * 1024;

fn progress_key(learner: &str, lab: &str) -> String {
    format!("progress#{lab}#{learner}")
}

impl DynamoStore {
    /// The progress item and its version (0 when there is none).
    async fn read_progress(&self, learner: &str, lab: &str) -> Result<(Option<Progress>, u64), StoreError> {
        let answer = self
            .client()
            .get_item()
            .table_name(self.table())
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
        Put::builder().table_name(self.table()).set_item(Some(item)).build().expect("table and item are set")
    }

    /// The writes of one record: grading, evidence (unless too large), and the progress on its version.
    fn writes(&self, grading: &Grading, progress: &Progress, version: u64) -> Vec<TransactWriteItem> {
        let graded_ms = crate::clock::epoch_millis(&grading.graded_at);
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
        let mut put = Put::builder().table_name(self.table()).set_item(Some(progress_item));
        put = if version == 0 {
            put.condition_expression("attribute_not_exists(pk)")
        } else {
            put.condition_expression("version = :read").expression_attribute_values(":read", number(version))
        };
        writes.push(TransactWriteItem::builder().put(put.build().expect("table and item are set")).build());
        writes
    }
}

impl ProgressStore for DynamoStore {
    fn record<'a>(&'a self, lab: Arc<Lab>, grading: Grading) -> BoxFuture<'a, Result<Progress, StoreError>> {
        async move {
            for attempt in 0..MAX_ATTEMPTS {
                let (previous, version) = self.read_progress(&grading.learner, &grading.lab).await?;
                let progress = merge(previous, &lab, &grading);
                let writes = self.writes(&grading, &progress, version);
                match self.client().transact_write_items().set_transact_items(Some(writes)).send().await {
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
            let get = |pk: String| self.client().get_item().table_name(self.table()).key("pk", text(&pk)).send();
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
            let cutoff = crate::clock::epoch_millis(cutoff);
            let mut pages = self
                .client()
                .scan()
                .table_name(self.table())
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
