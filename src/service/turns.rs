//! Each caller waits behind its own: a learner (or, for a platform's requests, the graded account) has at most
//! [`AT_ONCE`] gradings running or queued for a slot, and at most [`WAITING`] more waiting behind those. A learner
//! who presses Check on fifty steps at once queues behind their own gradings, not in front of everyone else's;
//! beyond the line they get 429 `busy`, and every other learner and the platform keep their slots and queue places.
//! (A second press of the same grading already joins the first, and costs nothing here.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::cache::BoundedCache;

/// Gradings one owner may have running or queued for a slot at once.
pub(super) const AT_ONCE: usize = 2;
/// Gradings one owner may have waiting behind those.
pub(super) const WAITING: usize = 4;
/// Owners remembered at most (a line idle for a minute is forgotten).
const CAPACITY: usize = 16_384;

struct Line {
    turns: Arc<Semaphore>,
    waiting: AtomicUsize,
}

impl Default for Line {
    fn default() -> Self {
        Self { turns: Arc::new(Semaphore::new(AT_ONCE)), waiting: AtomicUsize::new(0) }
    }
}

/// An owner's turn: held while its grading waits for a slot and runs.
pub(super) struct Turn {
    _permit: OwnedSemaphorePermit,
}

pub(super) struct Turns {
    lines: BoundedCache<String, Arc<Line>>,
}

impl Default for Turns {
    fn default() -> Self {
        Self { lines: BoundedCache::new(CAPACITY, Duration::MAX, Duration::from_secs(60)) }
    }
}

/// Who a grading is queued under: its learner, else the account it grades.
pub(super) fn owner(learner: Option<&str>, role_arn: Option<&str>) -> String {
    match (learner, role_arn) {
        (Some(learner), _) => format!("learner:{learner}"),
        (None, Some(role)) => format!("account:{role}"),
        (None, None) => "account:own".to_owned(),
    }
}

impl Turns {
    /// `owner`'s turn, once one of its gradings before it is done; `None` when its line is full.
    pub(super) async fn take(&self, owner: &str) -> Option<Turn> {
        let line = self.lines.get_or_insert_with(&owner.to_owned(), || Arc::new(Line::default()));
        if let Ok(permit) = line.turns.clone().try_acquire_owned() {
            return Some(Turn { _permit: permit });
        }
        if line.waiting.fetch_add(1, Ordering::SeqCst) >= WAITING {
            line.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let permit = line.turns.clone().acquire_owned().await;
        line.waiting.fetch_sub(1, Ordering::SeqCst);
        permit.ok().map(|permit| Turn { _permit: permit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_owner_waits_behind_its_own_and_no_one_else() {
        let turns = Arc::new(Turns::default());
        let running: Vec<Turn> =
            futures::future::join_all((0..AT_ONCE).map(|_| turns.take("learner:ana"))).await.into_iter().flatten().collect();
        assert_eq!(running.len(), AT_ONCE);
        let waiting: Vec<_> = (0..WAITING)
            .map(|_| {
                let turns = turns.clone();
                tokio::spawn(async move { turns.take("learner:ana").await.is_some() })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(turns.take("learner:ana").await.is_none(), "the line is full");
        assert!(turns.take("learner:bea").await.is_some(), "another learner is not behind ana");
        drop(running);
        for waited in futures::future::join_all(waiting).await {
            assert!(waited.unwrap(), "each waiting grading gets its turn");
        }
    }
}
