//! DHCP server configuration: pools (`ip dhcp pool`) and excluded ranges.
//! The server itself runs in the services issue; this is the state the CLI
//! keeps and renders.

use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lease {
    Days { days: u32, hours: u32, minutes: u32 },
    Infinite,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Pool {
    pub name: String,
    pub network: Option<(Ipv4Addr, u8)>,
    pub default_routers: Vec<Ipv4Addr>,
    pub dns_servers: Vec<Ipv4Addr>,
    pub domain_name: Option<String>,
    pub lease: Option<Lease>,
}

/// `ip dhcp excluded-address LOW [HIGH]`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub low: Ipv4Addr,
    pub high: Option<Ipv4Addr>,
}
