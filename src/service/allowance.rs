//! So many of something per address, forgiven over time (a leaky bucket): an address (an IPv4 address, or an IPv6
//! /64, which one client holds whole) may count [`Allowance::allowed`] at once, and one more each `forgiven_every`.
//! Bad tokens ([`super::strikes`]) and LTI login initiations are each counted in one.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::cache::BoundedCache;

#[derive(Debug, Clone, Copy)]
struct Tally {
    counted: f64,
    at: Instant,
}

impl Tally {
    /// What is left counted at `now`, forgiven since `at`.
    fn now(self, now: Instant, every: Duration) -> f64 {
        let forgiven = now.duration_since(self.at).as_secs_f64() / every.as_secs_f64();
        (self.counted - forgiven).max(0.0)
    }
}

pub(super) struct Allowance {
    allowed: f64,
    forgiven_every: Duration,
    tallies: BoundedCache<Option<IpAddr>, Arc<Mutex<Tally>>>,
}

/// The address a client is known by: an IPv4 address, or an IPv6 /64.
fn client(peer: Option<IpAddr>) -> Option<IpAddr> {
    peer.map(|ip| match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
    })
}

impl Allowance {
    /// `allowed` at once, one forgiven each `forgiven_every`; at most `capacity` addresses remembered (the least
    /// recently seen go first; an address idle long enough to be forgiven all is forgotten).
    pub(super) fn new(allowed: f64, forgiven_every: Duration, capacity: usize) -> Self {
        let idle = forgiven_every.mul_f64(allowed + 1.0);
        Self { allowed, forgiven_every, tallies: BoundedCache::new(capacity, Duration::MAX, idle) }
    }

    /// `Ok` if `peer` is within its allowance; else the seconds until it is.
    pub(super) fn admit(&self, peer: Option<IpAddr>) -> Result<(), u64> {
        let Some(tally) = self.tallies.get(&client(peer)) else { return Ok(()) };
        // Forgiven continuously: ten counted over a second are 9.8 by the tenth, still over nine.
        let over = tally.lock().expect("allowance lock").now(Instant::now(), self.forgiven_every) - (self.allowed - 1.0);
        if over <= 0.0 {
            return Ok(());
        }
        Err((over * self.forgiven_every.as_secs_f64()).ceil() as u64)
    }

    /// One more from `peer`.
    pub(super) fn count(&self, peer: Option<IpAddr>) {
        let now = Instant::now();
        let fresh = || Arc::new(Mutex::new(Tally { counted: 0.0, at: now }));
        let tally = self.tallies.get_or_insert_with(&client(peer), fresh);
        let mut tally = tally.lock().expect("allowance lock");
        *tally = Tally { counted: tally.now(now, self.forgiven_every) + 1.0, at: now };
    }

    /// [`Self::admit`], and counted when admitted.
    pub(super) fn take(&self, peer: Option<IpAddr>) -> Result<(), u64> {
        self.admit(peer)?;
        self.count(peer);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts made over a few seconds are partly forgiven by the last one; ten still refuse (before: 9.8 < 10
    /// let the eleventh through).
    #[test]
    fn ten_counted_over_seconds_still_refuse() {
        let allowance = Allowance::new(10.0, Duration::from_secs(6), 16);
        let guesser = Some("203.0.113.9".parse().unwrap());
        let long_ago = Instant::now() - Duration::from_secs(2);
        let tally = allowance
            .tallies
            .get_or_insert_with(&guesser, || Arc::new(Mutex::new(Tally { counted: 9.0, at: long_ago })));
        drop(tally);
        allowance.count(guesser);
        assert!(allowance.admit(guesser).is_err());
    }

    #[test]
    fn take_counts_only_what_it_admits() {
        let allowance = Allowance::new(3.0, Duration::from_secs(60), 16);
        let peer = Some("198.51.100.1".parse().unwrap());
        for _ in 0..3 {
            assert_eq!(allowance.take(peer), Ok(()));
        }
        let wait = allowance.take(peer).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(allowance.take(peer).unwrap_err() <= wait, "a refusal is not counted");
    }
}
