//! Leaf types every floor may use: interface names, device models, device
//! indices, address parsing and the languages words are given in. Nothing here imports anything else of the
//! crate, so the fabric, the protocols, the devices and the CLI can all name
//! an interface or a model without depending on each other.

mod addr;
mod iface;
mod lang;
mod model;

pub use addr::parse_ipv4;
pub use iface::{BadIfaceName, IfaceKind, IfaceName};
pub use lang::Lang;
pub use model::Model;

/// Index of a device in its network.
pub type DeviceId = usize;
