//! The scores waiting to go to one platform, and the order they go in. A deadline rush has a class grading at once,
//! and an LMS throttles a tool that posts a score per grading (Canvas charges each request, parallel ones first, and
//! answers 403 once the quota is spent). So:
//! - each learner session has at most one score waiting, its latest: a newer grading replaces it in place;
//! - a session's scores go at least [`SPACING`] apart (latest wins in between);
//! - a score older than one already taken is never sent (no stale score overwrites a newer one);
//! - a platform that throttles pauses all its sends, for its `Retry-After` or else a backoff doubling to
//!   [`MAX_BACKOFF`], and the score goes again after the pause.
//!
//! This is the queue alone, driven by a clock it is given: [`super::scores`] runs it, the store keeps every score
//! until it is taken.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

use crate::lti::records::PendingScore;

/// The least time between two sends of one session's score.
pub(in crate::service) const SPACING: Duration = Duration::from_secs(10);
/// The first pause of a platform that throttles without saying how long; doubled while it keeps throttling.
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
/// The longest pause.
const MAX_BACKOFF: Duration = Duration::from_secs(120);
/// How long a taken score's time is remembered to refuse older ones.
const REMEMBER_SENT: Duration = Duration::from_secs(15 * 60);

/// What to do next.
#[derive(Debug, PartialEq)]
pub(super) enum Next {
    /// Send this score now.
    Send(Box<PendingScore>),
    /// Nothing is due before this.
    WaitUntil(Instant),
    /// Nothing waits.
    Idle,
}

/// How a send ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Taken,
    /// The platform throttles: for this long if it said.
    Throttled(Option<Duration>),
    /// Refused otherwise: kept in the store for the periodic retry.
    Failed,
}

#[derive(Default)]
pub(super) struct Queue {
    /// The latest score of each session not sent yet, and when it may go.
    waiting: HashMap<String, (PendingScore, Instant)>,
    /// The waiting sessions by when they may go (entries of scores since sent are skipped as they come up).
    due: BTreeSet<(Instant, String)>,
    /// Sessions whose score is being sent: since when, and that score's time.
    sending: HashMap<String, (Instant, OffsetDateTime)>,
    /// Each session's last taken score: when its send started, and its time.
    taken: HashMap<String, (Instant, OffsetDateTime)>,
    paused_until: Option<Instant>,
    backoff: Option<Duration>,
}

fn time_of(score: &PendingScore) -> OffsetDateTime {
    OffsetDateTime::parse(&score.score.timestamp, &time::format_description::well_known::Rfc3339)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl Queue {
    /// Scores waiting.
    pub(super) fn len(&self) -> usize {
        self.waiting.len()
    }

    /// `score` to send: it replaces an older one of its session that waits; one no newer than what the session
    /// has waiting or taken is dropped. Whether it waits now.
    pub(super) fn offer(&mut self, score: PendingScore, now: Instant) -> bool {
        let at = time_of(&score);
        let session = score.session_id.clone();
        // Stores answer out of order: a score may come after a newer one of its session went out.
        let out = [self.taken.get(&session), self.sending.get(&session)];
        if out.into_iter().flatten().any(|(_, newest)| at <= *newest) {
            return false;
        }
        if let Some((waiting, _)) = self.waiting.get_mut(&session) {
            if at > time_of(waiting) {
                *waiting = score;
                return true;
            }
            return false;
        }
        let started = [self.taken.get(&session), self.sending.get(&session)].map(|out| out.map(|(started, _)| *started));
        let spaced = started.into_iter().flatten().map(|started| started + SPACING).max();
        let due = spaced.map_or(now, |spaced| spaced.max(now)).max(self.paused_until.unwrap_or(now));
        self.due.insert((due, session.clone()));
        self.waiting.insert(session, (score, due));
        true
    }

    /// The next score to send at `now`, or how long to wait.
    pub(super) fn next(&mut self, now: Instant) -> Next {
        if let Some(until) = self.paused_until.filter(|until| *until > now) {
            return if self.waiting.is_empty() { Next::Idle } else { Next::WaitUntil(until) };
        }
        while let Some((due, session)) = self.due.first().cloned() {
            let current = self.waiting.get(&session).is_some_and(|(_, when)| *when == due);
            if !current {
                self.due.pop_first();
                continue;
            }
            if due > now {
                return Next::WaitUntil(due);
            }
            if let Some((started, _)) = self.sending.get(&session) {
                // Its previous send is still out: it goes once that is done, spaced from its start.
                self.due.pop_first();
                let again = *started + SPACING;
                let again = if again > now { again } else { now + Duration::from_millis(100) };
                self.due.insert((again, session.clone()));
                if let Some((_, when)) = self.waiting.get_mut(&session) {
                    *when = again;
                }
                continue;
            }
            self.due.pop_first();
            let (score, _) = self.waiting.remove(&session).expect("a due session waits");
            let at = time_of(&score);
            if self.taken.get(&session).is_some_and(|(_, taken)| at <= *taken) {
                continue;
            }
            self.sending.insert(session, (now, at));
            return Next::Send(Box::new(score));
        }
        Next::Idle
    }

    /// The send of `score` ended as `outcome` at `now`.
    pub(super) fn done(&mut self, score: &PendingScore, outcome: Outcome, now: Instant) {
        let started = self.sending.remove(&score.session_id).map_or(now, |(started, _)| started);
        match outcome {
            Outcome::Taken => {
                self.backoff = None;
                self.taken.insert(score.session_id.clone(), (started, time_of(score)));
                if self.taken.len() > 4 * self.waiting.len() + 1024 {
                    self.taken.retain(|_, (started, _)| now.duration_since(*started) < REMEMBER_SENT);
                }
            }
            Outcome::Throttled(said) => {
                let backoff = self.backoff.map_or(FIRST_BACKOFF, |b| (b * 2).min(MAX_BACKOFF));
                self.backoff = Some(backoff);
                let pause = said.unwrap_or(backoff).min(MAX_BACKOFF * 30);
                self.paused_until = Some(self.paused_until.map_or(now + pause, |until| until.max(now + pause)));
                self.offer(score.clone(), now);
            }
            Outcome::Failed => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lti::ags::score;
    use crate::lti::launch::ScoreEndpoint;

    fn graded(session: &str, given: u32, at: &str) -> PendingScore {
        PendingScore {
            session_id: session.to_owned(),
            platform: "lms".to_owned(),
            endpoint: ScoreEndpoint { lineitem: "https://lms.example/li/1".into(), scopes: vec![] },
            score: score(session, given, 26, &[], "", at),
            attempts: 0,
            last_error: String::new(),
        }
    }

    fn sent(next: Next) -> u32 {
        match next {
            Next::Send(score) => score.score.score_given as u32,
            other => panic!("not a send: {other:?}"),
        }
    }

    #[test]
    fn a_sessions_latest_score_replaces_the_one_waiting_and_goes_once() {
        let (mut queue, now) = (Queue::default(), Instant::now());
        assert!(queue.offer(graded("s1", 3, "2026-12-07T10:00:01Z"), now));
        assert!(queue.offer(graded("s1", 9, "2026-12-07T10:00:02.5Z"), now));
        assert!(!queue.offer(graded("s1", 5, "2026-12-07T10:00:02Z"), now), "older than the one waiting");
        assert_eq!(queue.len(), 1);
        assert_eq!(sent(queue.next(now)), 9);
        assert_eq!(queue.next(now), Next::Idle);
    }

    #[test]
    fn a_sessions_scores_go_ten_seconds_apart_and_never_older_than_one_taken() {
        let (mut queue, now) = (Queue::default(), Instant::now());
        queue.offer(graded("s1", 3, "2026-12-07T10:00:01Z"), now);
        let first = queue.next(now);
        queue.offer(graded("s1", 4, "2026-12-07T10:00:02Z"), now + Duration::from_secs(1));
        assert_eq!(queue.next(now + Duration::from_secs(1)), Next::WaitUntil(now + SPACING), "spaced from the first");
        let Next::Send(first) = first else { panic!() };
        queue.done(&first, Outcome::Taken, now + Duration::from_secs(2));
        assert_eq!(sent(queue.next(now + SPACING)), 4);
        assert!(!queue.offer(graded("s1", 3, "2026-12-07T10:00:01Z"), now + SPACING), "a taken score again");
        assert!(queue.offer(graded("s2", 1, "2026-12-07T10:00:01Z"), now + SPACING), "another session at once");
        assert_eq!(sent(queue.next(now + SPACING)), 1);
    }

    /// The store answered two gradings' writes out of order: the older score came while the newer was being sent,
    /// and went 10 s later, over it (found by the rush test).
    #[test]
    fn a_score_older_than_the_one_being_sent_is_dropped() {
        let (mut queue, now) = (Queue::default(), Instant::now());
        queue.offer(graded("s1", 8, "2026-12-07T10:00:02Z"), now);
        let Next::Send(newer) = queue.next(now) else { panic!() };
        assert!(!queue.offer(graded("s1", 3, "2026-12-07T10:00:01Z"), now), "older than the one out");
        queue.done(&newer, Outcome::Taken, now);
        assert_eq!(queue.next(now + SPACING), Next::Idle);
    }

    #[test]
    fn a_throttling_platform_pauses_every_send_and_the_score_goes_after() {
        let (mut queue, now) = (Queue::default(), Instant::now());
        queue.offer(graded("s1", 3, "2026-12-07T10:00:01Z"), now);
        queue.offer(graded("s2", 5, "2026-12-07T10:00:01Z"), now);
        let Next::Send(first) = queue.next(now) else { panic!() };
        queue.done(&first, Outcome::Throttled(Some(Duration::from_secs(30))), now);
        let resume = now + Duration::from_secs(30);
        assert_eq!(queue.next(now + Duration::from_secs(29)), Next::WaitUntil(resume));
        assert_eq!(queue.len(), 2, "the throttled score waits again");
        let after = [queue.next(resume), queue.next(resume)];
        let mut given: Vec<u32> = after.iter().map(|next| match next {
            Next::Send(score) => score.score.score_given as u32,
            other => panic!("not a send: {other:?}"),
        }).collect();
        given.sort_unstable();
        assert_eq!(given, [3, 5]);
        for next in after {
            let Next::Send(score) = next else { panic!() };
            queue.done(&score, Outcome::Taken, resume);
        }
        // Without Retry-After (Canvas's 403): 5 s, then 10 s.
        let later = resume + Duration::from_secs(1);
        queue.done(&graded("s3", 3, "2026-12-07T10:00:01Z"), Outcome::Throttled(None), later);
        assert_eq!(queue.next(later), Next::WaitUntil(later + FIRST_BACKOFF));
        queue.done(&graded("s4", 3, "2026-12-07T10:00:01Z"), Outcome::Throttled(None), later);
        assert_eq!(queue.next(later), Next::WaitUntil(later + FIRST_BACKOFF * 2));
    }
}
