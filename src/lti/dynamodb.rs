//! LTI records in the DynamoDB store, with no Scan:
//! - `lti-login#<state>`: a login in flight, with `expires_at` (the table's TTL); taken by one `DeleteItem` that
//!   returns it, so only one launch can have it;
//! - `lti-score#<session>`: a score not delivered yet (written only over an older one), and `lti-scores`, one item
//!   whose string set `sessions` names them, so the retry loop finds them with one read.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use futures::FutureExt;
use futures::future::BoxFuture;

use super::records::{Login, LtiRecords, PendingScore};
use crate::clock::now_epoch;
use crate::db::{DynamoStore, STORE_SCHEMA_VERSION, StoreError};

const PENDING_INDEX: &str = "lti-scores";

fn text(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn pending_key(session: &str) -> AttributeValue {
    text(format!("lti-score#{session}"))
}

impl LtiRecords for DynamoStore {
    fn put_login<'a>(&'a self, login: &'a Login) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let body = serde_json::to_string(login).expect("a login serializes");
            let attributes = [("body", text(body)), ("expires_at", AttributeValue::N(login.expires_at.to_string()))];
            self.put_new(text(format!("lti-login#{}", login.state)), attributes).await
        }
        .boxed()
    }

    fn take_login<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<Option<Login>, StoreError>> {
        async move {
            let answer = self
                .client()
                .delete_item()
                .table_name(self.table())
                .key("pk", text(format!("lti-login#{state}")))
                .return_values(ReturnValue::AllOld)
                .send()
                .await
                .map_err(|e| self.failed_call(&e))?;
            let Some(item) = answer.attributes() else { return Ok(None) };
            self.check_schema(item)?;
            let login: Login = self.json(item, "body")?;
            // The TTL deletes late: an expired login may still be there.
            Ok((login.expires_at > now_epoch()).then_some(login))
        }
        .boxed()
    }

    fn put_pending_score<'a>(&'a self, pending: &'a PendingScore) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let body = serde_json::to_string(pending).expect("a pending score serializes");
            let written = self
                .client()
                .put_item()
                .table_name(self.table())
                .item("pk", pending_key(&pending.session_id))
                .item("schema", AttributeValue::N(STORE_SCHEMA_VERSION.to_string()))
                .item("body", text(body))
                .item("timestamp", text(pending.score.timestamp.clone()))
                .condition_expression("attribute_not_exists(pk) OR #t <= :t")
                .expression_attribute_names("#t", "timestamp")
                .expression_attribute_values(":t", text(pending.score.timestamp.clone()))
                .send()
                .await;
            match written {
                Ok(_) => {}
                // A newer score is already waiting: it stays.
                Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                    return Ok(());
                }
                Err(e) => return Err(self.failed_call(&e)),
            }
            self.client()
                .update_item()
                .table_name(self.table())
                .key("pk", text(PENDING_INDEX))
                .update_expression("ADD sessions :s")
                .expression_attribute_values(":s", AttributeValue::Ss(vec![pending.session_id.clone()]))
                .send()
                .await
                .map_err(|e| self.failed_call(&e))?;
            Ok(())
        }
        .boxed()
    }

    fn pending_scores(&self) -> BoxFuture<'_, Result<Vec<PendingScore>, StoreError>> {
        async move {
            let index = self.get_consistent(PENDING_INDEX.to_owned()).await?;
            let sessions: Vec<String> = index
                .as_ref()
                .and_then(|item| item.get("sessions"))
                .and_then(|v| v.as_ss().ok())
                .cloned()
                .unwrap_or_default();
            let mut pending = Vec::new();
            for session in sessions {
                match self.get_consistent(format!("lti-score#{session}")).await? {
                    Some(item) => pending.push(self.json(&item, "body")?),
                    None => self.unlist(&session).await?,
                }
            }
            Ok(pending)
        }
        .boxed()
    }

    fn drop_pending_score<'a>(
        &'a self,
        session_id: &'a str,
        timestamp: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let deleted = self
                .client()
                .delete_item()
                .table_name(self.table())
                .key("pk", pending_key(session_id))
                .condition_expression("#t = :t")
                .expression_attribute_names("#t", "timestamp")
                .expression_attribute_values(":t", text(timestamp))
                .send()
                .await;
            match deleted {
                Ok(_) => self.unlist(session_id).await,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(()),
                Err(e) => Err(self.failed_call(&e)),
            }
        }
        .boxed()
    }
}

impl DynamoStore {
    /// Takes `session` off the list of sessions with a pending score.
    async fn unlist(&self, session: &str) -> Result<(), StoreError> {
        self.client()
            .update_item()
            .table_name(self.table())
            .key("pk", text(PENDING_INDEX))
            .update_expression("DELETE sessions :s")
            .expression_attribute_values(":s", AttributeValue::Ss(vec![session.to_owned()]))
            .send()
            .await
            .map_err(|e| self.failed_call(&e))?;
        Ok(())
    }
}
