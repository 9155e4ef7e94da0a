//! A Windows Server's DHCP service: scopes set with `netsh dhcp server`
//! (a network, the range it hands out, the router, DNS server and domain
//! options), served by the same DHCP server piece an IOS box runs, with
//! Windows's defaults: an eight-day lease, no conflict-detection pings.

use std::net::Ipv4Addr;

use crate::proto::dhcp::{self, Excluded, Lease, Pool, Server};
use crate::proto::ipv4;

/// A scope: its pool, and the range of addresses it hands out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub pool: Pool,
    /// `add iprange START END`; without one the scope hands nothing out.
    pub range: Option<(Ipv4Addr, Ipv4Addr)>,
}

#[derive(Clone, Debug)]
pub struct DhcpService {
    pub scopes: Vec<Scope>,
    pub server: Server,
}

impl Default for DhcpService {
    fn default() -> DhcpService {
        let mut server = Server::default();
        server.ping_packets = Some(0);
        DhcpService { scopes: Vec::new(), server }
    }
}

/// Why a netsh command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeError {
    NoSuchScope,
    BadMask,
    OutsideScope,
}

impl DhcpService {
    /// `netsh dhcp server add scope NETWORK MASK NAME`.
    pub fn add_scope(&mut self, network: Ipv4Addr, mask: Ipv4Addr, name: &str) -> Result<(), ScopeError> {
        // A scope from /8 to /30, as Windows Server takes them.
        let len = ipv4::prefix_len(mask).filter(|l| (8..31).contains(l)).ok_or(ScopeError::BadMask)?;
        let network = ipv4::network(network, len);
        self.scopes.retain(|s| s.pool.network.map(|n| n.0) != Some(network));
        let pool = Pool {
            name: name.to_string(),
            network: Some((network, len)),
            lease: Some(Lease::Days { days: 8, hours: 0, minutes: 0 }),
            ..Pool::default()
        };
        self.scopes.push(Scope { pool, range: None });
        Ok(())
    }

    fn scope_mut(&mut self, network: Ipv4Addr) -> Result<&mut Scope, ScopeError> {
        self.scopes.iter_mut().find(|s| s.pool.network.map(|n| n.0) == Some(network)).ok_or(ScopeError::NoSuchScope)
    }

    /// `netsh dhcp server scope NETWORK add iprange START END`.
    pub fn add_range(&mut self, network: Ipv4Addr, start: Ipv4Addr, end: Ipv4Addr) -> Result<(), ScopeError> {
        let scope = self.scope_mut(network)?;
        if !scope.pool.contains(start) || !scope.pool.contains(end) || u32::from(start) > u32::from(end) {
            return Err(ScopeError::OutsideScope);
        }
        scope.range = Some((start, end));
        Ok(())
    }

    /// `... set optionvalue 003 IPADDRESS ...` (router), `006` (DNS servers), `015 STRING` (domain).
    pub fn set_option(&mut self, network: Ipv4Addr, code: u8, values: &[String]) -> Result<(), ScopeError> {
        let scope = self.scope_mut(network)?;
        let addrs = || values.iter().filter_map(|v| v.parse::<Ipv4Addr>().ok()).collect::<Vec<_>>();
        match code {
            3 => scope.pool.default_routers = addrs(),
            6 => scope.pool.dns_servers = addrs(),
            15 => scope.pool.domain_name = values.first().cloned(),
            _ => return Err(ScopeError::NoSuchScope),
        }
        Ok(())
    }

    pub fn pools(&self) -> Vec<Pool> {
        self.scopes.iter().map(|s| s.pool.clone()).collect()
    }

    /// Everything of a scope's network outside its range.
    pub fn excluded(&self) -> Vec<Excluded> {
        let mut out = Vec::new();
        for s in &self.scopes {
            let Some((first, last)) = s.pool.range() else { continue };
            match s.range {
                None => out.push(Excluded { low: first, high: Some(last) }),
                Some((start, end)) => {
                    if start > first {
                        out.push(Excluded { low: first, high: Some(Ipv4Addr::from(u32::from(start) - 1)) });
                    }
                    if end < last {
                        out.push(Excluded { low: Ipv4Addr::from(u32::from(end) + 1), high: Some(last) });
                    }
                }
            }
        }
        out
    }

    /// The netsh commands that make this service (to save it).
    pub fn commands(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.scopes {
            let Some((net, len)) = s.pool.network else { continue };
            out.push(format!("netsh dhcp server add scope {net} {} {}", ipv4::mask_of(len), s.pool.name));
            if let Some((a, b)) = s.range {
                out.push(format!("netsh dhcp server scope {net} add iprange {a} {b}"));
            }
            let list = |v: &[Ipv4Addr]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(" ");
            if !s.pool.default_routers.is_empty() {
                out.push(format!(
                    "netsh dhcp server scope {net} set optionvalue 003 IPADDRESS {}",
                    list(&s.pool.default_routers)
                ));
            }
            if !s.pool.dns_servers.is_empty() {
                out.push(format!(
                    "netsh dhcp server scope {net} set optionvalue 006 IPADDRESS {}",
                    list(&s.pool.dns_servers)
                ));
            }
            if let Some(d) = &s.pool.domain_name {
                out.push(format!("netsh dhcp server scope {net} set optionvalue 015 STRING {d}"));
            }
        }
        out
    }
}

/// The DHCP port, for the host's binding.
pub const PORT: u16 = dhcp::SERVER_PORT;
