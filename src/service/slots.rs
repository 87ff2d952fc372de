//! The gradings that run at once (`--max-in-flight`) and wait for a slot (`--max-queue`), with a share kept for
//! the platform. Learner sessions together run in at most all slots but [`Slots::reserved`] and wait in at most
//! three quarters of the queue: a class pressing Check together fills its own share, and the platform's gradings
//! (its checks before a deadline, its retries) still find a slot and a place.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Whose share a grading runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Share {
    /// A platform's request (a service token, a direct invocation): every slot.
    Platform,
    /// A learner session's (its token, its page): the learners' share.
    Learners,
}

/// Why no slot was given.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NoSlot {
    /// The queue (or the learners' part of it) is full.
    Full,
    /// The service is shutting down.
    Closed,
}

/// A gauge held up while this lives: down again however the holder ends, cancelled at the deadline included.
pub(super) struct Held<'a>(&'a AtomicU64);

impl<'a> Held<'a> {
    pub(super) fn up(gauge: &'a AtomicU64) -> Self {
        gauge.fetch_add(1, Ordering::SeqCst);
        Self(gauge)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running grading's slot (and its place in the learners' share).
pub(super) struct Slot<'a> {
    _all: SemaphorePermit<'a>,
    _learners: Option<SemaphorePermit<'a>>,
}

pub(super) struct Slots {
    all: Semaphore,
    learners: Semaphore,
    max_queue: u64,
    learners_queue: u64,
    learners_waiting: AtomicU64,
}

impl Slots {
    pub(super) fn new(max_in_flight: usize, max_queue: usize) -> Self {
        let max_in_flight = max_in_flight.max(1);
        Self {
            all: Semaphore::new(max_in_flight),
            learners: Semaphore::new(max_in_flight - Self::reserved(max_in_flight)),
            max_queue: max_queue as u64,
            learners_queue: (max_queue - max_queue / 4) as u64,
            learners_waiting: AtomicU64::new(0),
        }
    }

    /// Slots only the platform's gradings run in: a quarter, at least one when there are two or more.
    pub(super) fn reserved(max_in_flight: usize) -> usize {
        if max_in_flight < 2 { 0 } else { (max_in_flight / 4).max(1) }
    }

    /// A slot in `share`, at once or after waiting in the queue (counted in `queued`); refused when the queue
    /// (for learners, their part of it) is full.
    pub(super) async fn take(&self, share: Share, queued: &AtomicU64) -> Result<Slot<'_>, NoSlot> {
        if let Some(slot) = self.try_take(share) {
            return Ok(slot);
        }
        let _queued = Held::up(queued);
        if queued.load(Ordering::SeqCst) > self.max_queue {
            return Err(NoSlot::Full);
        }
        let learners = match share {
            Share::Platform => None,
            Share::Learners => {
                let _waiting = Held::up(&self.learners_waiting);
                if self.learners_waiting.load(Ordering::SeqCst) > self.learners_queue {
                    return Err(NoSlot::Full);
                }
                Some(self.learners.acquire().await.map_err(|_| NoSlot::Closed)?)
            }
        };
        let all = self.all.acquire().await.map_err(|_| NoSlot::Closed)?;
        Ok(Slot { _all: all, _learners: learners })
    }

    fn try_take(&self, share: Share) -> Option<Slot<'_>> {
        let learners = match share {
            Share::Platform => None,
            Share::Learners => Some(self.learners.try_acquire().ok()?),
        };
        let all = self.all.try_acquire().ok()?;
        Some(Slot { _all: all, _learners: learners })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_quarter_of_the_slots_is_the_platforms() {
        assert_eq!(Slots::reserved(1), 0);
        assert_eq!(Slots::reserved(2), 1);
        assert_eq!(Slots::reserved(8), 2);
        assert_eq!(Slots::reserved(16), 4);
    }

    #[tokio::test]
    async fn learners_filling_their_share_leave_the_platform_slots_and_places() {
        let slots = Arc::new(Slots::new(8, 32));
        let queued = Arc::new(AtomicU64::new(0));
        let mut running = Vec::new();
        for _ in 0..6 {
            running.push(slots.try_take(Share::Learners).expect("a learner slot"));
        }
        assert!(slots.try_take(Share::Learners).is_none(), "the learners' share is full");
        let waiting: Vec<_> = (0..24)
            .map(|_| {
                let (slots, queued) = (slots.clone(), queued.clone());
                tokio::spawn(async move { slots.take(Share::Learners, &queued).await.is_ok() })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(slots.take(Share::Learners, &queued).await.err(), Some(NoSlot::Full), "the learners' queue is full");
        let platform = slots.take(Share::Platform, &queued).await;
        assert!(platform.is_ok(), "the platform runs at once beside a class's full share");
        let _second = slots.take(Share::Platform, &queued).await.expect("a second platform slot");
        drop(platform);
        drop(running);
        for waited in futures::future::join_all(waiting).await {
            assert!(waited.unwrap(), "each waiting learner grading gets its slot");
        }
        assert_eq!(queued.load(Ordering::SeqCst), 0);
    }
}
