//! Rules of an IOS box's interfaces that hold whoever configures them: which
//! interfaces take an IPv4 address and which addresses they refuse, what
//! `shutdown` does, and the log lines a link change prints.

use std::net::Ipv4Addr;

use super::*;
use crate::proto::ipv4::{self, prefix_len};

/// Why an interface refused an IPv4 address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressError {
    /// A subinterface needs `encapsulation dot1Q` first.
    SubinterfaceWithoutEncapsulation,
    /// A switch port of a multilayer switch (`no switchport` makes it routed).
    Layer2Port,
    /// An interface that never carries IP (a port of an access switch).
    NotLayer3,
    /// The mask is not a run of ones, or is all zeros.
    BadMask { mask: Ipv4Addr },
    /// The address is the network or broadcast address of its own subnet.
    NetworkOrBroadcast { len: u8 },
    /// Another interface (or another address of this one) is already on an
    /// overlapping subnet.
    Overlaps { network: Ipv4Addr, with: IfaceName },
    /// `no ip address A M` on the primary while secondaries remain.
    SecondariesRemain,
}

/// Which address of an interface a command sets or removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressRole {
    Primary,
    /// `... secondary`
    Secondary,
}

/// What a link log line reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkEvent {
    Up,
    Down,
    AdminDown,
}

/// The `%LINK` and `%LINEPROTO` lines IOS logs when an interface changes.
pub fn link_log(name: &IfaceName, event: LinkEvent) -> String {
    let link = match event {
        LinkEvent::Up => format!("%LINK-3-UPDOWN: Interface {name}, changed state to up"),
        LinkEvent::Down => format!("%LINK-3-UPDOWN: Interface {name}, changed state to down"),
        LinkEvent::AdminDown => format!("%LINK-5-CHANGED: Interface {name}, changed state to administratively down"),
    };
    format!("\n{link}\n{}", lineproto_log(name, event == LinkEvent::Up))
}

/// `%LINEPROTO-5-UPDOWN: Line protocol on Interface ..., changed state to up|down`.
pub fn lineproto_log(name: &IfaceName, up: bool) -> String {
    let word = if up { "up" } else { "down" };
    format!("\n%LINEPROTO-5-UPDOWN: Line protocol on Interface {name}, changed state to {word}\n")
}

impl Ios {
    /// `ip address ADDR MASK [secondary]`, or its `no` form: `remove` with
    /// no address clears every address (`no ip address`), with an address it
    /// removes that one (`no ip address A M [secondary]`).
    pub fn set_ipv4_address(
        &mut self,
        name: &IfaceName,
        address: Option<(Ipv4Addr, Ipv4Addr)>,
        role: AddressRole,
        remove: bool,
    ) -> Result<(), AddressError> {
        let Some(i) = self.iface(name) else { return Err(AddressError::NotLayer3) };
        let Some(stack) = i.stack else {
            return Err(if name.sub.is_some() {
                AddressError::SubinterfaceWithoutEncapsulation
            } else if i.switchport.is_some() && self.model == Model::L3Switch {
                AddressError::Layer2Port
            } else {
                AddressError::NotLayer3
            });
        };
        if remove {
            let ip = &mut self.stack.ifaces[stack];
            match (address, role) {
                (None, _) => {
                    ip.secondaries.clear();
                    self.stack.set_addr(stack, None);
                }
                (Some((addr, _)), AddressRole::Secondary) => {
                    ip.secondaries.retain(|&(a, _)| a != addr);
                    self.stack.rebuild_routes();
                }
                (Some((addr, _)), AddressRole::Primary) => {
                    if ip.addr.is_none_or(|(a, _)| a != addr) {
                        return Ok(());
                    }
                    if !ip.secondaries.is_empty() {
                        return Err(AddressError::SecondariesRemain);
                    }
                    self.stack.set_addr(stack, None);
                }
            }
            self.sync_routes();
            return Ok(());
        }
        let Some((addr, mask)) = address else { return Ok(()) };
        let len = prefix_len(mask).filter(|&l| l > 0).ok_or(AddressError::BadMask { mask })?;
        if len < 31 && (addr == ipv4::network(addr, len) || addr == ipv4::broadcast(addr, len)) {
            return Err(AddressError::NetworkOrBroadcast { len });
        }
        let mine = Prefix::new(addr, len);
        // The address this command replaces is no conflict: the primary for a
        // primary, the same secondary for a secondary.
        let replaced = |index: usize, a: Ipv4Addr, is_primary: bool| {
            index == stack && (if role == AddressRole::Primary { is_primary } else { !is_primary && a == addr })
        };
        let overlap = self.stack.ifaces.iter().enumerate().find_map(|(index, other)| {
            let addresses =
                other.addr.map(|a| (a, true)).into_iter().chain(other.secondaries.iter().map(|&a| (a, false)));
            addresses
                .filter(|&((a, _), is_primary)| !replaced(index, a, is_primary))
                .any(|((a, l), _)| {
                    let theirs = Prefix::new(a, l);
                    theirs.contains(mine.addr) || mine.contains(theirs.addr)
                })
                .then(|| other.name.clone())
        });
        if let Some(with) = overlap {
            return Err(AddressError::Overlaps { network: ipv4::network(addr, len), with });
        }
        match role {
            AddressRole::Primary => self.stack.set_addr(stack, Some((addr, len))),
            AddressRole::Secondary => {
                let ip = &mut self.stack.ifaces[stack];
                if !ip.secondaries.iter().any(|&(a, _)| a == addr) {
                    ip.secondaries.push((addr, len));
                }
                self.stack.rebuild_routes();
            }
        }
        self.sync_routes();
        Ok(())
    }

    /// `shutdown` / `no shutdown` on an interface; also how an err-disabled
    /// port comes back. Logs what IOS logs at once; a physical port's link
    /// change logs when the engine takes the link down or up. Returns the
    /// physical port whose administrative state changed.
    pub fn set_shutdown(&mut self, name: &IfaceName, shut: bool, ports: &[Port]) -> Option<usize> {
        let i = self.iface_mut(name)?;
        let was_err_disabled = i.err_disabled;
        i.err_disabled = was_err_disabled && !shut;
        if i.shutdown == shut && !was_err_disabled {
            return None;
        }
        i.shutdown = shut;
        let changed = match i.port {
            Some(p) => {
                if shut && !ports[p].link_up {
                    // Already down: the engine will not report a change, IOS still says so.
                    self.pending_log.push_str(&format!(
                        "\n%LINK-5-CHANGED: Interface {name}, changed state to administratively down\n"
                    ));
                }
                Some(p)
            }
            None => {
                let stack = i.stack;
                let state = if shut { "administratively down" } else { "up" };
                self.pending_log.push_str(&format!("\n%LINK-5-CHANGED: Interface {name}, changed state to {state}\n"));
                self.refresh_logical(ports);
                let proto_up = stack.is_some_and(|s| self.stack.ifaces[s].up);
                self.pending_log.push_str(&lineproto_log(name, proto_up));
                None
            }
        };
        self.sync_routes();
        changed
    }
}
