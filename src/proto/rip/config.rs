//! RIP configuration as plain data: what `router rip` holds (version,
//! classful `network` statements, auto-summary, passive interfaces, default
//! origination, timers). The CLI fills and renders it; [`super::Instance`]
//! runs from it.

use std::net::Ipv4Addr;

use crate::base::IfaceName;
use crate::proto::ipv4::{classful_len, network};

/// `timers basic UPDATE INVALID HOLDDOWN FLUSH`, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timers {
    pub update: u32,
    pub invalid: u32,
    pub holddown: u32,
    pub flush: u32,
}

impl Timers {
    /// IOS's defaults.
    pub const DEFAULT: Timers = Timers { update: 30, invalid: 180, holddown: 180, flush: 240 };
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RipConfig {
    /// `version 1|2`; without it IOS sends version 1 and accepts both.
    pub version: Option<u8>,
    /// The classful networks of the `network` statements, as IOS stores them.
    pub networks: Vec<Ipv4Addr>,
    /// `auto-summary` (on by default in IOS 15).
    pub auto_summary: bool,
    pub passive_default: bool,
    pub passive: Vec<IfaceName>,
    /// Exceptions to `passive-interface default`.
    pub not_passive: Vec<IfaceName>,
    /// `default-information originate`.
    pub default_originate: bool,
    pub timers: Timers,
}

impl Default for RipConfig {
    fn default() -> Self {
        RipConfig {
            version: None,
            networks: Vec::new(),
            auto_summary: true,
            passive_default: false,
            passive: Vec::new(),
            not_passive: Vec::new(),
            default_originate: false,
            timers: Timers::DEFAULT,
        }
    }
}

impl RipConfig {
    /// The version sent.
    pub fn send_version(&self) -> u8 {
        self.version.unwrap_or(1)
    }

    /// Is a message of this version accepted?
    pub fn accepts(&self, version: u8) -> bool {
        match self.version {
            None => version == 1 || version == 2,
            Some(v) => v == version,
        }
    }

    /// Does a `network` statement cover an interface with this address?
    pub fn covers(&self, ip: Ipv4Addr) -> bool {
        self.networks.contains(&classful_network(ip))
    }

    pub fn is_passive(&self, iface: &IfaceName) -> bool {
        if self.passive_default {
            !self.not_passive.contains(iface)
        } else {
            self.passive.contains(iface)
        }
    }
}

/// The classful network an address is in (`network 10.1.1.0` is stored as
/// `network 10.0.0.0`).
pub fn classful_network(ip: Ipv4Addr) -> Ipv4Addr {
    network(ip, classful_len(ip))
}
