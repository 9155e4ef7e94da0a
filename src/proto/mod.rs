//! Protocol pieces that devices are composed of. Each file owns one protocol:
//! its frames (built and parsed with smoltcp's `wire` where smoltcp covers the
//! format, else through the file's own `mod field` table of byte ranges), its
//! dissector for the inspector and the trace ([`dissect`]), and its state
//! machine, which takes the time as an argument and leaves what it sends in
//! queues. [`ip_stack`] is the IPv4 path and [`ip6_stack`] the IPv6 one beside it, in named stages that filters,
//! translators and services hook into; [`decision`] is the vocabulary the
//! pieces report to the trace in.
//!
//! Nothing here knows which device it runs in: this floor imports only
//! [`crate::base`] and [`crate::sim`] (time), never devices or the CLI, and
//! holds no IOS syntax (the CLI renders and parses configuration).

pub mod acl;
pub mod arp;
pub mod cdp;
pub mod decision;
pub mod dhcp;
pub mod dhcpv6;
pub mod dissect;
pub mod dns;
pub mod dot1q;
pub mod dtp;
pub mod etherchannel;
pub mod ethernet;
pub mod hdlc;
pub mod hsrp;
pub mod http;
pub mod icmp;
pub mod icmpv6;
pub mod ip6_stack;
pub mod ip_stack;
pub mod ipv4;
pub mod ipv6;
pub mod lacp;
pub mod lldp;
pub mod mac_table;
pub mod nat;
pub mod ndp;
pub mod ospf;
pub mod ospf3;
pub mod pagp;
pub mod probe;
pub mod rib;
pub mod rip;
pub mod ssh;
pub mod stp;
pub mod tcp;
pub mod telnet;
pub mod udp;
pub mod vlan;

pub use ethernet::Mac;
