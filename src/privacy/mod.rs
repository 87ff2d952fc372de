//! What is kept about one learner, and erasing it: a data-subject request (`labcheck export --learner`) and the
//! right to erasure (`labcheck forget --learner`, `DELETE /v1/learners/{id}`).
//!
//! A learner's records are their progress in each lab, their gradings (each report and its evidence) and their
//! sessions (with any score still waiting for the LMS). Each store finds them through an index by learner, never a
//! scan: SQLite's primary key of progress, `gradings_by_learner` and `sessions_by_learner` (schema 5); DynamoDB's
//! `by-learner` index (the items' `learner` and `pk`). Erased, a learner is gone from every cohort, since a cohort
//! is computed from progress.

#[cfg(feature = "aws")]
mod dynamodb;
mod sqlite;

use futures::future::BoxFuture;
use serde::Serialize;

use crate::db::StoreError;
use crate::progress::{Grading, Progress, ProgressStore};
use crate::sessions::{LearnerSession, Sessions};

/// Everything kept about one learner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnerExport {
    pub learner: String,
    /// RFC 3339, UTC.
    pub exported_at: String,
    pub progress: Vec<Progress>,
    /// Each grading with its report and evidence (none once retention dropped it), oldest first.
    pub gradings: Vec<Grading>,
    /// Sessions as kept, without their external id (the platform's, not the learner's; tokens are never kept).
    pub sessions: Vec<LearnerSession>,
}

/// What erasing a learner removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Forgotten {
    /// Progress documents (one per lab).
    pub progress: u64,
    /// Gradings, each with its evidence.
    pub gradings: u64,
    /// Sessions, each with any score still waiting for the LMS.
    pub sessions: u64,
}

/// The ids of a learner's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordIds {
    /// The labs they have progress in.
    pub labs: Vec<String>,
    pub gradings: Vec<String>,
    pub sessions: Vec<String>,
}

pub trait LearnerRecords: Send + Sync {
    /// The ids of `learner`'s records: in `lab` alone, or in every lab.
    fn records_of<'a>(&'a self, learner: &'a str, lab: Option<&'a str>)
    -> BoxFuture<'a, Result<RecordIds, StoreError>>;

    /// Erases `learner`'s progress, gradings (with evidence) and sessions (with pending scores): in `lab` alone,
    /// or in every lab.
    fn forget_learner<'a>(
        &'a self,
        learner: &'a str,
        lab: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Forgotten, StoreError>>;
}

/// Everything `store` keeps about `learner`, read record by record.
pub async fn export<S>(store: &S, learner: &str) -> Result<LearnerExport, StoreError>
where
    S: LearnerRecords + ProgressStore + Sessions + ?Sized,
{
    let ids = store.records_of(learner, None).await?;
    let mut export = LearnerExport {
        learner: learner.to_owned(),
        exported_at: crate::clock::now(),
        progress: Vec::new(),
        gradings: Vec::new(),
        sessions: Vec::new(),
    };
    for lab in &ids.labs {
        export.progress.extend(store.progress(learner, lab).await?);
    }
    for id in &ids.gradings {
        export.gradings.extend(store.grading(id).await?);
    }
    export.gradings.sort_by(|a, b| (&a.graded_at, &a.id).cmp(&(&b.graded_at, &b.id)));
    for id in &ids.sessions {
        export.sessions.extend(store.session(id).await?.map(|(session, _digest)| exported(session)));
    }
    Ok(export)
}

/// A session as exported: its external id left out.
fn exported(mut session: LearnerSession) -> LearnerSession {
    session.account.external_id = None;
    session
}
