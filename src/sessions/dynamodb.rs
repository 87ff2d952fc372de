//! Sessions in the DynamoDB store: an item `session#<id>` with the session (`body`, JSON), its token's digest, and
//! `expires_at` (epoch seconds, a day after the session's expiry): the table's TTL removes it then, with no scan.

use aws_sdk_dynamodb::types::AttributeValue;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{LearnerSession, Sessions};
use crate::db::{DynamoStore, StoreError};

/// How long an expired session's item is kept before the TTL removes it: its refusals still say "expired".
const KEPT_AFTER_EXPIRY: i64 = 86_400;

fn key(id: &str) -> AttributeValue {
    AttributeValue::S(format!("session#{id}"))
}

impl Sessions for DynamoStore {
    fn put_session<'a>(
        &'a self,
        session: &'a LearnerSession,
        digest: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let body = serde_json::to_string(session).expect("a session serializes");
            let attributes = [
                ("token_sha256", AttributeValue::S(digest.to_owned())),
                // The keys of the index by learner: forgetting a learner finds their sessions.
                ("learner", AttributeValue::S(session.learner.clone())),
                ("lab", AttributeValue::S(session.lab.clone())),
                ("body", AttributeValue::S(body)),
                ("expires_at", AttributeValue::N((session.expires_epoch() + KEPT_AFTER_EXPIRY).to_string())),
            ];
            self.put_new(key(&session.id), attributes).await
        }
        .boxed()
    }

    fn session<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<(LearnerSession, String)>, StoreError>> {
        async move {
            // Strongly consistent: a revocation on one replica holds on every other at once.
            let Some(item) = self.get_consistent(format!("session#{id}")).await? else { return Ok(None) };
            let item = &item;
            self.check_schema(item)?;
            let digest = item.get("token_sha256").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            Ok(Some((self.json(item, "body")?, digest)))
        }
        .boxed()
    }

    fn revoke_session<'a>(&'a self, id: &'a str, at: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        async move {
            let Some((mut session, _)) = self.session(id).await? else { return Ok(false) };
            if session.revoked_at.is_some() {
                return Ok(true);
            }
            session.revoked_at = Some(at.to_owned());
            let body = serde_json::to_string(&session).expect("a session serializes");
            self.client()
                .update_item()
                .table_name(self.table())
                .key("pk", key(id))
                .update_expression("SET body = :body")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":body", AttributeValue::S(body))
                .send()
                .await
                .map_err(|e| self.failed_call(&e))?;
            Ok(true)
        }
        .boxed()
    }
}
