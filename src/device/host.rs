//! A host (PC, laptop, server): one NIC, an IP stack that does not forward, a
//! default gateway, and the settings its command prompt shows.

use std::net::Ipv4Addr;

use super::Port;
use crate::proto::ip_stack::{Encap, IpStack, StackConfig};
use crate::proto::rib::{Prefix, StaticRoute};

#[derive(Debug)]
pub struct Host {
    pub stack: IpStack,
    pub gateway: Option<Ipv4Addr>,
    pub dns: Option<Ipv4Addr>,
}

impl Host {
    pub fn new(ports: &[Port]) -> Self {
        let mut stack = IpStack::new(StackConfig::HOST);
        stack.add_iface(ports[0].name.clone(), Encap::Ethernet, ports[0].mac);
        Host { stack, gateway: None, dns: None }
    }

    pub fn addr(&self) -> Option<(Ipv4Addr, u8)> {
        self.stack.ifaces[0].addr
    }

    /// `ipconfig ADDR MASK [GATEWAY]`.
    pub fn set_ip(&mut self, addr: Option<(Ipv4Addr, u8)>, gateway: Option<Ipv4Addr>) {
        self.gateway = gateway;
        self.stack.statics = gateway
            .map(|gw| StaticRoute { prefix: Prefix::DEFAULT, iface: None, next_hop: Some(gw), distance: 1 })
            .into_iter()
            .collect();
        self.stack.set_addr(0, addr);
        self.stack.clear_dynamic();
    }
}
