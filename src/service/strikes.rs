//! Bad tokens slow their sender down: each address (an IPv6 /64, which one client holds whole) may present
//! [`ALLOWED`] tokens that open nothing; then its tokens are refused (429, `Retry-After`) until strikes are
//! forgiven, one every [`FORGIVEN_EVERY`]. A guesser gets ten tries a minute, not thousands a second.
//!
//! Strikes slow guessing, not customers: a platform token always opens (it is checked in constant time, with no
//! store read), and so does the token of a session this process has seen live (made or opened here in the last
//! [`LIVE_FOR`]), however many strikes its address has (a class behind one NAT, a proxy nobody configured). An
//! unknown session is not even looked up from a struck address. A session this process saw live that the store no
//! longer has (its learner erased) is a real session's tab, not a guess: it is refused without a strike.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::cache::BoundedCache;

/// Bad tokens an address may present before it is refused.
pub(super) const ALLOWED: f64 = 10.0;
/// One strike is forgiven this often.
pub(super) const FORGIVEN_EVERY: Duration = Duration::from_secs(6);
/// Addresses remembered at most (the least recently seen go first).
const CAPACITY: usize = 16_384;
/// How long a session made or opened here counts as live.
pub(super) const LIVE_FOR: Duration = Duration::from_secs(12 * 3600);
/// Live sessions remembered at most (the least recently seen go first).
const LIVE_CAPACITY: usize = 65_536;

#[derive(Debug, Clone, Copy)]
struct Tally {
    strikes: f64,
    at: Instant,
}

impl Tally {
    /// The strikes left at `now`, forgiven since `at`.
    fn now(self, now: Instant) -> f64 {
        let forgiven = now.duration_since(self.at).as_secs_f64() / FORGIVEN_EVERY.as_secs_f64();
        (self.strikes - forgiven).max(0.0)
    }
}

pub(super) struct Strikes {
    tallies: BoundedCache<Option<IpAddr>, Arc<Mutex<Tally>>>,
    /// Sessions made or opened here lately, by id.
    live: BoundedCache<String, ()>,
}

impl Default for Strikes {
    fn default() -> Self {
        let idle = FORGIVEN_EVERY.mul_f64(ALLOWED + 1.0);
        Self {
            tallies: BoundedCache::new(CAPACITY, Duration::MAX, idle),
            live: BoundedCache::new(LIVE_CAPACITY, LIVE_FOR, LIVE_FOR),
        }
    }
}

/// The address a client is known by: an IPv4 address, or an IPv6 /64.
fn client(peer: Option<IpAddr>) -> Option<IpAddr> {
    peer.map(|ip| match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
    })
}

impl Strikes {
    /// `Ok` if `peer` may present a token now; else the seconds until it may.
    pub(super) fn admit(&self, peer: Option<IpAddr>) -> Result<(), u64> {
        let Some(tally) = self.tallies.get(&client(peer)) else { return Ok(()) };
        // Strikes are forgiven continuously: ten made over a second are 9.8 by the tenth, still over nine.
        let over = tally.lock().expect("strikes lock").now(Instant::now()) - (ALLOWED - 1.0);
        if over <= 0.0 {
            return Ok(());
        }
        let wait = over * FORGIVEN_EVERY.as_secs_f64();
        Err(wait.ceil() as u64)
    }

    /// The session `id` was made or opened here: its token is a customer's.
    pub(super) fn live(&self, id: &str) {
        self.live.insert(id.to_owned(), ());
    }

    /// Whether the session `id` was made or opened here lately.
    pub(super) fn is_live(&self, id: &str) -> bool {
        self.live.get(&id.to_owned()).is_some()
    }

    /// One more bad token from `peer`.
    pub(super) fn strike(&self, peer: Option<IpAddr>) {
        let now = Instant::now();
        let fresh = || Arc::new(Mutex::new(Tally { strikes: 0.0, at: now }));
        let tally = self.tallies.get_or_insert_with(&client(peer), fresh);
        let mut tally = tally.lock().expect("strikes lock");
        *tally = Tally { strikes: tally.now(now) + 1.0, at: now };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_ten_bad_tokens_and_others_are_not() {
        let strikes = Strikes::default();
        let guesser = Some("203.0.113.7".parse().unwrap());
        for _ in 0..ALLOWED as usize {
            assert_eq!(strikes.admit(guesser), Ok(()));
            strikes.strike(guesser);
        }
        let wait = strikes.admit(guesser).unwrap_err();
        assert!((1..=FORGIVEN_EVERY.as_secs() + 1).contains(&wait), "{wait}");
        assert_eq!(strikes.admit(Some("203.0.113.8".parse().unwrap())), Ok(()), "another address");
    }

    /// Strikes made over a few seconds are partly forgiven by the last one; ten still refuse (before: 9.8 < 10
    /// let the eleventh through).
    #[test]
    fn ten_strikes_spread_over_seconds_still_refuse() {
        let strikes = Strikes::default();
        let guesser = Some("203.0.113.9".parse().unwrap());
        let long_ago = Instant::now() - Duration::from_secs(2);
        let tally =
            strikes.tallies.get_or_insert_with(&guesser, || Arc::new(Mutex::new(Tally { strikes: 9.0, at: long_ago })));
        drop(tally);
        strikes.strike(guesser);
        assert!(strikes.admit(guesser).is_err());
    }

    #[test]
    fn one_ipv6_client_is_its_slash_64() {
        let strikes = Strikes::default();
        for i in 0..ALLOWED as u32 {
            strikes.strike(Some(format!("2001:db8:1:2::{i:x}").parse().unwrap()));
        }
        assert!(strikes.admit(Some("2001:db8:1:2:ffff::1".parse().unwrap())).is_err(), "the same /64");
        assert_eq!(strikes.admit(Some("2001:db8:1:3::1".parse().unwrap())), Ok(()), "another /64");
    }
}
