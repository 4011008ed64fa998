//! A client address as what is limited per address counts it (R25): the
//! citizens' limits (`http::limits`), the login throttle (`auth::throttle`),
//! the display's streams per address (`usecases::display`) and the key a
//! hold is for (`http::extract::ClientKey`, R19). A leaf: HTTP and the use
//! cases both ask it.

use std::net::IpAddr;

/// What a limit per address counts per: an IPv4 address, or the /64
/// network of an IPv6 address (what one subscriber usually gets).
pub fn address_key(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::from(octets)
        }
        v4 => v4,
    }
}
