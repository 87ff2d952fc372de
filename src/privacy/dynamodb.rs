//! A learner's records in the DynamoDB store, found through the `by-learner` index (keys, and each item's lab),
//! deleted 25 to a `BatchWriteItem`. The index is eventually consistent: a grading recorded in the second before
//! a forget may be missed, and forgetting again finds it.

use aws_sdk_dynamodb::types::AttributeValue;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{Forgotten, LearnerRecords, RecordIds};
use crate::db::dynamodb::LEARNER_INDEX;
use crate::db::{DynamoStore, StoreError};

/// One of a learner's items, as the index lists it.
enum Item {
    Progress { lab: String },
    Grading { id: String },
    Session { id: String },
}

impl DynamoStore {
    /// The learner's items (in `lab`, if given) through the index by learner.
    async fn items_of(&self, learner: &str, lab: Option<&str>) -> Result<Vec<Item>, StoreError> {
        let mut pages = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(LEARNER_INDEX)
            .key_condition_expression("learner = :learner")
            .expression_attribute_values(":learner", AttributeValue::S(learner.to_owned()))
            .into_paginator()
            .items()
            .send();
        let mut items = Vec::new();
        while let Some(item) = pages.next().await {
            let item = item.map_err(|e| self.failed_call(&e))?;
            let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).map(String::as_str);
            let item_lab = text("lab").or(text("progress_lab")).unwrap_or_default();
            if lab.is_some_and(|lab| lab != item_lab) {
                continue;
            }
            let pk = text("pk").unwrap_or_default();
            let (kind, id) = pk.split_once('#').unwrap_or((pk, ""));
            items.push(match kind {
                "progress" => Item::Progress { lab: item_lab.to_owned() },
                "grading" => Item::Grading { id: id.to_owned() },
                "session" => Item::Session { id: id.to_owned() },
                other => return Err(self.failed(format!("the index by learner lists an item {:?}", other))),
            });
        }
        Ok(items)
    }
}

impl LearnerRecords for DynamoStore {
    fn records_of<'a>(
        &'a self,
        learner: &'a str,
        lab: Option<&'a str>,
    ) -> BoxFuture<'a, Result<RecordIds, StoreError>> {
        async move {
            let mut ids = RecordIds::default();
            for item in self.items_of(learner, lab).await? {
                match item {
                    Item::Progress { lab } => ids.labs.push(lab),
                    Item::Grading { id } => ids.gradings.push(id),
                    Item::Session { id } => ids.sessions.push(id),
                }
            }
            Ok(ids)
        }
        .boxed()
    }

    fn forget_learner<'a>(
        &'a self,
        learner: &'a str,
        lab: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Forgotten, StoreError>> {
        async move {
            let mut forgotten = Forgotten::default();
            let mut keys = Vec::new();
            let key = |text: String| AttributeValue::S(text);
            for item in self.items_of(learner, lab).await? {
                match item {
                    Item::Progress { lab } => {
                        forgotten.progress += 1;
                        keys.push(key(format!("progress#{lab}#{learner}")));
                    }
                    Item::Grading { id } => {
                        forgotten.gradings += 1;
                        keys.extend([key(format!("grading#{id}")), key(format!("evidence#{id}"))]);
                    }
                    Item::Session { id } => {
                        forgotten.sessions += 1;
                        keys.extend([key(format!("session#{id}")), key(format!("lti-score#{id}"))]);
                    }
                }
            }
            self.delete_keys(&keys).await?;
            Ok(forgotten)
        }
        .boxed()
    }
}
