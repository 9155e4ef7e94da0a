//! NAT configuration: inside/outside interfaces, pools, static and dynamic
//! (overloaded) inside source rules. Translation itself runs in the services
//! issue; this is the state the CLI keeps and renders.

use std::net::Ipv4Addr;

use super::ipv4::mask_of;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Inside,
    Outside,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatPool {
    pub name: String,
    pub start: Ipv4Addr,
    pub end: Ipv4Addr,
    /// The prefix length, and whether it was given as `prefix-length` (else `netmask`).
    pub len: u8,
    pub prefix_form: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Interface(crate::device::IfaceName),
    Pool(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    Static { local: Ipv4Addr, global: Ipv4Addr },
    StaticPort { tcp: bool, local: Ipv4Addr, local_port: u16, global: Ipv4Addr, global_port: u16 },
    Dynamic { list: String, target: Target, overload: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NatConfig {
    pub pools: Vec<NatPool>,
    pub rules: Vec<Rule>,
}

impl NatConfig {
    pub fn config_lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        for p in &self.pools {
            let tail =
                if p.prefix_form { format!("prefix-length {}", p.len) } else { format!("netmask {}", mask_of(p.len)) };
            v.push(format!("ip nat pool {} {} {} {tail}", p.name, p.start, p.end));
        }
        for r in &self.rules {
            v.push(match r {
                Rule::Static { local, global } => format!("ip nat inside source static {local} {global}"),
                Rule::StaticPort { tcp, local, local_port, global, global_port } => {
                    let proto = if *tcp { "tcp" } else { "udp" };
                    format!("ip nat inside source static {proto} {local} {local_port} {global} {global_port}")
                }
                Rule::Dynamic { list, target, overload } => {
                    let t = match target {
                        Target::Interface(i) => format!("interface {i}"),
                        Target::Pool(p) => format!("pool {p}"),
                    };
                    format!("ip nat inside source list {list} {t}{}", if *overload { " overload" } else { "" })
                }
            });
        }
        v
    }
}
