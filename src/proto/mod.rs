//! Protocol pieces that devices are composed of. Each file owns one protocol:
//! its frames (built and parsed with smoltcp's `wire` where smoltcp covers the
//! format) and its state machine. Nothing here knows which device it runs in.

pub mod acl;
pub mod arp;
pub mod cdp;
pub mod decision;
pub mod dhcp;
pub mod dissect;
pub mod dot1q;
pub mod dtp;
pub mod etherchannel;
pub mod ethernet;
pub mod hdlc;
pub mod icmp;
pub mod ip_stack;
pub mod ipv4;
pub mod lacp;
pub mod lldp;
pub mod mac_table;
pub mod nat;
pub mod ospf;
pub mod pagp;
pub mod probe;
pub mod rib;
pub mod stp;
pub mod udp;
pub mod vlan;

pub use ethernet::Mac;
