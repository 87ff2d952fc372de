//! Who a request comes from: the connection's peer, or, when that peer is a proxy the operator trusts
//! (`--trusted-proxy`), the client its `Forwarded` or `X-Forwarded-For` header names, read right to left. Each proxy
//! appends the address it received the request from, so the rightmost hop that is not a trusted proxy is the one
//! address no client could write itself; hops further left are the client's to invent, and never believed.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address range: `10.0.0.0/8`, `2001:db8::/32`, or one address (`192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr =
            address.trim().parse().map_err(|_| format!("`{text}` is not an IP address or range (10.0.0.0/8)"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Self { network, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> u128 {
            match ip {
                IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
                IpAddr::V6(v6) => u128::from(v6),
            }
        };
        let ip = match (self.network, ip) {
            (IpAddr::V4(_), IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => return false,
            },
            (IpAddr::V6(_), IpAddr::V4(_)) => return false,
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => ip,
        };
        let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
        bits(ip) & mask == bits(self.network) & mask
    }
}

fn trusted(ranges: &[Cidr], ip: IpAddr) -> bool {
    ranges.iter().any(|range| range.contains(ip))
}

/// The client of a request that `peer` delivered: `peer` itself unless it is a trusted proxy; then the hop its
/// forwarding headers name ([`forwarded_client`]), or the proxy when they name none.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[Cidr]) -> Option<IpAddr> {
    match peer {
        Some(ip) if trusted(proxies, ip) => Some(forwarded_client(headers, proxies).unwrap_or(ip)),
        other => other,
    }
}

/// The rightmost hop of the forwarding headers that is not a trusted proxy (the leftmost when all are), for a
/// request a trusted hop delivered (an ALB's event, or a trusted peer). `Forwarded` (RFC 7239) wins over
/// `X-Forwarded-For`; a hop that is not an address (`unknown`, an obfuscated name) ends the walk with nothing.
pub fn forwarded_client(headers: &HeaderMap, proxies: &[Cidr]) -> Option<IpAddr> {
    let hops = hops(headers);
    let mut last = None;
    for hop in hops.iter().rev() {
        let ip = parse_hop(hop)?;
        if !trusted(proxies, ip) {
            return Some(ip);
        }
        last = Some(ip);
    }
    last
}

/// Every hop, left to right, of `Forwarded`'s `for=` parameters, else of `X-Forwarded-For`.
fn hops(headers: &HeaderMap) -> Vec<String> {
    let values = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    };
    let forwarded: Vec<String> = values("forwarded")
        .iter()
        .flat_map(|value| value.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"').to_owned())
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    values("x-forwarded-for").iter().flat_map(|value| value.split(',')).map(|hop| hop.trim().to_owned()).collect()
}

/// A hop as an address: `192.0.2.7`, `192.0.2.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (address, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(axum::http::HeaderName::from_static(name), value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_hold_their_addresses() {
        let private: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(private.contains(ip("10.1.2.3")) && !private.contains(ip("11.0.0.1")));
        assert!(private.contains(ip("::ffff:10.9.9.9")), "an IPv4-mapped address is the IPv4 one");
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::1")) && !v6.contains(ip("2001:db9::1")) && !v6.contains(ip("10.0.0.1")));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let everything: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains(ip("203.0.113.1")));
        for bad in ["10.0.0.0/33", "nope", "10.0.0.0/x", "2001:db8::/129"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_stranger_is_never_believed() {
        let proxies = ["10.0.0.0/8".parse().unwrap()];
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(client_address(Some(ip("203.0.113.9")), &spoofed, &proxies), Some(ip("203.0.113.9")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let proxies: Vec<Cidr> = ["10.0.0.0/8".parse().unwrap(), "192.0.2.0/24".parse().unwrap()].to_vec();
        // The client wrote a first hop itself; the edge proxy (192.0.2.5) appended the client's real address.
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 192.0.2.5")]);
        assert_eq!(client_address(Some(ip("10.0.0.2")), &chain, &proxies), Some(ip("198.51.100.7")));
        let forwarded = headers(&[
            ("forwarded", "for=1.1.1.1, for=\"[2001:db8:cafe::17]:4711\";proto=https"),
            ("x-forwarded-for", "203.0.113.50"),
        ]);
        assert_eq!(client_address(Some(ip("10.0.0.2")), &forwarded, &proxies), Some(ip("2001:db8:cafe::17")));
        let none = HeaderMap::new();
        assert_eq!(client_address(Some(ip("10.0.0.2")), &none, &proxies), Some(ip("10.0.0.2")), "the proxy itself");
        let with_port = headers(&[("x-forwarded-for", "198.51.100.7:52311")]);
        assert_eq!(forwarded_client(&with_port, &proxies), Some(ip("198.51.100.7")));
        assert_eq!(forwarded_client(&headers(&[("x-forwarded-for", "unknown")]), &proxies), None);
    }
}
