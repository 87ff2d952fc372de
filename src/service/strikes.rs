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
use std::time::Duration;

use super::allowance::Allowance;
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

pub(super) struct Strikes {
    bad_tokens: Allowance,
    /// Sessions made or opened here lately, by id.
    live: BoundedCache<String, ()>,
}

impl Default for Strikes {
    fn default() -> Self {
        Self {
            bad_tokens: Allowance::new(ALLOWED, FORGIVEN_EVERY, CAPACITY),
            live: BoundedCache::new(LIVE_CAPACITY, LIVE_FOR, LIVE_FOR),
        }
    }
}

impl Strikes {
    /// `Ok` if `peer` may present a token now; else the seconds until it may.
    pub(super) fn admit(&self, peer: Option<IpAddr>) -> Result<(), u64> {
        self.bad_tokens.admit(peer)
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
        self.bad_tokens.count(peer);
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
