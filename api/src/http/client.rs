//! Who is asking (R25): the client address, as the peer of the connection or,
//! behind a trusted reverse proxy, as that proxy reports it.

use actix_web::HttpRequest;
use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the warning of [`untrusted_forwarder`] was logged (once a process).
static WARNED: AtomicBool = AtomicBool::new(false);

/// Says once, in the log, that a peer not in `TERMIN_TRUSTED_PROXIES`
/// sends `X-Forwarded-For` (issue #23): behind a proxy that is not listed,
/// every citizen counts as the proxy's address and shares its limits.
fn untrusted_forwarder(peer: IpAddr) {
    if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "a request came with X-Forwarded-For from a peer not in TERMIN_TRUSTED_PROXIES: \
             the header is ignored and the peer counts as the client (R25); if this is your \
             reverse proxy, list it there"
        );
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed
/// (`TERMIN_TRUSTED_PROXIES`: addresses or CIDR networks, comma-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is neither an IP address nor a network like 10.0.0.0/8")]
pub struct InvalidProxy(String);

impl TrustedProxies {
    pub fn parse(list: &str) -> Result<Self, InvalidProxy> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| InvalidProxy(s.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// R25: the peer itself, unless it is a trusted proxy; then the
    /// right-most address of `X-Forwarded-For` that is not a trusted proxy
    /// (addresses further left were written by the client and prove
    /// nothing). A header that cannot be read leaves the peer.
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(addr) => {
                    client = addr.to_canonical();
                    if !self.contains(client) {
                        return client;
                    }
                }
                Err(_) => return peer,
            }
        }
        client
    }

    /// The client address of a request (see [`TrustedProxies::client_address`]).
    pub fn of(&self, req: &HttpRequest) -> IpAddr {
        let peer = req
            .peer_addr()
            .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
        let mut headers = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .peekable();
        if headers.peek().is_some() && !self.contains(peer.to_canonical()) {
            untrusted_forwarder(peer);
        }
        self.client_address(peer, headers)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn r25_an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("203.0.113.7"), ["198.51.100.1"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn r25_behind_a_trusted_proxy_the_right_most_untrusted_hop_counts() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        // The client forged the first entry; the proxy appended the real one.
        let header = ["6.6.6.6, 203.0.113.7"];
        assert_eq!(
            proxies.client_address(ip("10.1.2.3"), header),
            ip("203.0.113.7")
        );
        // Two proxies: the inner one's address is skipped.
        let chain = ["6.6.6.6, 203.0.113.7, 10.9.9.9"];
        assert_eq!(
            proxies.client_address(ip("127.0.0.1"), chain),
            ip("203.0.113.7")
        );
        // Several header lines read as one list.
        let lines = ["6.6.6.6", "203.0.113.8"];
        assert_eq!(
            proxies.client_address(ip("10.1.2.3"), lines),
            ip("203.0.113.8")
        );
        // Garbage where the proxy's entry should be: the proxy itself.
        assert_eq!(
            proxies.client_address(ip("10.1.2.3"), ["junk"]),
            ip("10.1.2.3")
        );
        // No header: the proxy is all we know.
        assert_eq!(proxies.client_address(ip("10.1.2.3"), []), ip("10.1.2.3"));
        // IPv4 written as IPv6 is the same client.
        assert_eq!(
            proxies.client_address(ip("::ffff:10.1.2.3"), ["::ffff:203.0.113.7"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn r25_proxy_lists_are_checked() {
        assert!(TrustedProxies::parse("10.0.0.0/8,::1").is_ok());
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8, proxy.local"),
            Err(InvalidProxy("proxy.local".into()))
        );
    }
}
