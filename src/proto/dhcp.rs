//! DHCP server configuration: pools (`ip dhcp pool`) and excluded ranges.
//! The server itself runs in the services issue; this is the state the CLI
//! keeps and renders.

use std::net::Ipv4Addr;

use super::ipv4::mask_of;

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

impl Pool {
    pub fn config_lines(&self) -> Vec<String> {
        let mut v = vec![format!("ip dhcp pool {}", self.name)];
        let list = |ips: &[Ipv4Addr]| ips.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" ");
        if let Some((a, len)) = self.network {
            v.push(format!(" network {a} {}", mask_of(len)));
        }
        if !self.default_routers.is_empty() {
            v.push(format!(" default-router {}", list(&self.default_routers)));
        }
        if !self.dns_servers.is_empty() {
            v.push(format!(" dns-server {}", list(&self.dns_servers)));
        }
        if let Some(d) = &self.domain_name {
            v.push(format!(" domain-name {d}"));
        }
        match self.lease {
            Some(Lease::Infinite) => v.push(" lease infinite".into()),
            Some(Lease::Days { days, hours, minutes }) => {
                let mut l = format!(" lease {days}");
                if hours > 0 || minutes > 0 {
                    l += &format!(" {hours}");
                }
                if minutes > 0 {
                    l += &format!(" {minutes}");
                }
                v.push(l);
            }
            None => {}
        }
        v
    }
}

/// `ip dhcp excluded-address LOW [HIGH]`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub low: Ipv4Addr,
    pub high: Option<Ipv4Addr>,
}

impl Excluded {
    pub fn config_line(&self) -> String {
        match self.high {
            Some(h) => format!("ip dhcp excluded-address {} {h}", self.low),
            None => format!("ip dhcp excluded-address {}", self.low),
        }
    }
}
