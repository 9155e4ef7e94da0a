//! The terminal of an IOS box: where the console is in the mode tree, a
//! question waiting for its answer, a banner being typed, the command
//! history and the terminal's settings. The CLI reads and writes this state;
//! the box keeps it so that it survives between lines (and in saves of the
//! app), but nothing in the box acts on it.

use super::system::{BannerKind, LineKind};
use crate::base::IfaceName;
use crate::proto::acl::{AclId, AclKind};

/// Where the terminal is in the IOS mode tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    UserExec,
    PrivExec,
    Config,
    /// One interface (`config-if`) or, from `interface range`, several (`config-if-range`).
    Interface {
        names: Vec<IfaceName>,
        range: bool,
    },
    Line {
        kind: LineKind,
        first: u8,
        last: u8,
    },
    /// `router ospf N` (`config-router`).
    RouterOspf {
        pid: u32,
    },
    /// `router rip` (`config-router`).
    RouterRip,
    /// `ipv6 router ospf N` (`config-rtr`).
    Ipv6RouterOspf {
        pid: u32,
    },
    /// `vlan N` (`config-vlan`).
    Vlan {
        ids: Vec<u16>,
    },
    /// `ip dhcp pool NAME` (`dhcp-config`).
    DhcpPool {
        name: String,
    },
    /// `ipv6 dhcp pool NAME` (`config-dhcpv6`).
    Dhcp6Pool {
        name: String,
    },
    /// `ip access-list standard|extended NAME` (`config-std-nacl`, `config-ext-nacl`).
    Acl {
        id: AclId,
        kind: AclKind,
    },
}

/// A question the terminal asked; the next typed line answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Question {
    EnablePassword {
        tries: u8,
    },
    RsaModulus,
    /// `crypto key generate rsa` with keys already there: replace them? (With the modulus given, if it was.)
    ReplaceRsaKeys {
        bits: Option<u32>,
    },
    CopyDestination,
    Confirm(Confirmable),
    /// `clear ip ospf [PID] process`: `Reset ALL OSPF processes? [no]: `.
    ResetOspf {
        pid: Option<u32>,
    },
    /// `clear ipv6 ospf process`.
    ResetOspf6,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmable {
    EraseStartup,
    Reload,
}

/// The console's state between lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalState {
    pub mode: Mode,
    pub question: Option<Question>,
    /// The last commands typed at EXEC (`show history`).
    pub history: Vec<String>,
    /// `terminal length N`.
    pub terminal_length: u32,
    /// The ICMP ident (or UDP port) of the last ping or traceroute.
    pub probe_ident: u16,
    /// A multi-line banner being typed: which banner, its delimiter and the text so far.
    pub banner_in_progress: Option<(BannerKind, String, String)>,
    /// `terminal monitor`: log messages are copied to this terminal (a vty's).
    pub monitor: bool,
}

impl Default for TerminalState {
    fn default() -> Self {
        TerminalState {
            mode: Mode::UserExec,
            question: None,
            history: Vec::new(),
            terminal_length: 24,
            probe_ident: 0,
            banner_in_progress: None,
            monitor: false,
        }
    }
}
