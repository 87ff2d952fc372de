//! Admitting connections: at most `total` open at once and `per_peer` from one address, plus a few kept for
//! `/healthz` alone, so that a load balancer still sees the service alive while clients fill it. A client that
//! opens connections and sends nothing holds them at most the read timeout (the first byte is awaited with it).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Connections beyond the limit that are served `/healthz` only (everything else: 503).
pub(super) const HEALTH_RESERVE: usize = 8;

/// How many connections may be open.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub total: usize,
    pub per_peer: usize,
}

/// What becomes of a new connection.
pub(super) enum Admission {
    /// Served in full while its ticket lives.
    Serve(Ticket),
    /// Over the limit, within the reserve: `/healthz` only.
    HealthOnly(Ticket),
    /// Closed at once.
    Refuse,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_peer: HashMap<IpAddr, usize>,
}

/// The count of open connections, overall and by peer.
#[derive(Debug)]
pub(super) struct Gate {
    limits: Limits,
    open: Mutex<Open>,
}

/// A connection's place in the [`Gate`], given back when it closes.
pub(super) struct Ticket {
    gate: Arc<Gate>,
    peer: IpAddr,
}

impl Gate {
    pub(super) fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Self { limits, open: Mutex::new(Open::default()) })
    }

    pub(super) fn admit(self: &Arc<Self>, peer: IpAddr, proxy: bool) -> Admission {
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let from_peer = open.by_peer.get(&peer).copied().unwrap_or(0);
        if (from_peer >= self.limits.per_peer && !proxy) || open.total >= self.limits.total + HEALTH_RESERVE {
            return Admission::Refuse;
        }
        open.total += 1;
        *open.by_peer.entry(peer).or_default() += 1;
        let ticket = Ticket { gate: self.clone(), peer };
        if open.total > self.limits.total { Admission::HealthOnly(ticket) } else { Admission::Serve(ticket) }
    }

    /// Open connections now.
    #[cfg(test)]
    fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner).total
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.gate.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        open.total -= 1;
        if let Some(count) = open.by_peer.get_mut(&self.peer) {
            *count -= 1;
            if *count == 0 {
                open.by_peer.remove(&self.peer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_then_the_total_then_the_reserve() {
        let gate = Gate::new(Limits { total: 3, per_peer: 2 });
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let mut held = Vec::new();
        for peer in [a, a, b] {
            let Admission::Serve(ticket) = gate.admit(peer, false) else { panic!("within the limits") };
            held.push(ticket);
        }
        assert!(matches!(gate.admit(a, false), Admission::Refuse), "a peer's own limit");
        let mut reserve = Vec::new();
        for n in 0..HEALTH_RESERVE {
            let peer = IpAddr::from([10, 0, 1, n as u8]);
            let Admission::HealthOnly(ticket) = gate.admit(peer, false) else { panic!("the reserve") };
            reserve.push(ticket);
        }
        assert!(matches!(gate.admit("10.0.2.1".parse().unwrap(), false), Admission::Refuse), "beyond the reserve");
        drop(reserve);
        held.pop();
        assert_eq!(gate.open(), 2);
        assert!(matches!(gate.admit(b, false), Admission::Serve(_)), "places are given back");
    }
}
