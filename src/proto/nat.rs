//! NAT configuration: inside/outside interfaces, pools, static and dynamic
//! (overloaded) inside source rules. Translation itself runs in the services
//! issue; this is the state the CLI keeps and renders.

use std::net::Ipv4Addr;

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
    Interface(crate::base::IfaceName),
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
