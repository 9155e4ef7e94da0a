//! wirelab: a packet-level network lab for CCNA-level coursework.
//!
//! The crate, from the wire up:
//!
//! - [`sim`]: simulated time, the `(time, seq)` event queue, the seeded RNG,
//!   cables (serialization and propagation delay, bounded backlogs), pcap
//!   captures, and [`sim::Network`], the engine that owns the devices.
//! - [`proto`]: one protocol per file (Ethernet, ARP, IPv4, ICMP, UDP, HDLC,
//!   the MAC table, the routing table, the IP stack, ping/traceroute; 802.1Q,
//!   STP/PVST+, CDP, LLDP, DTP, LACP, PAgP and EtherChannel membership).
//! - [`device`]: models and interface names; the switching fabric (bridge);
//!   hosts and IOS boxes composed of protocol pieces.
//! - [`cli`]: the IOS command trees, modes, `show` output and running-config;
//!   the Windows-style host prompt.
//! - [`lab`]: the RON lab format: load with positions, validate, build a
//!   network, save atomically.
//! - [`grade`]: objectives checked against a converged network, diagnosis of
//!   failures, limits for hostile submissions, reports.
//! - [`script`]: `run --script` files and their transcripts.
//! - [`bench`]: generated topologies for measuring the engine.
//!
//! - [`app`]: the document the desktop app edits (actions, undo, autosave),
//!   free of any GUI; [`gui`] (feature `gui`) draws it with bevy and egui.
//!
//! The desktop app, `wirelab run` and `wirelab grade` all drive this same API.

pub mod app;
pub mod base;
pub mod bench;
pub mod cli;
pub mod device;
pub mod grade;
#[cfg(feature = "gui")]
pub mod gui;
pub mod lab;
pub mod net;
pub mod proto;
pub mod script;
pub mod sim;
