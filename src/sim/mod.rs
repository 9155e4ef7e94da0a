//! The discrete-event engine: simulated time, the event queue, the seeded RNG,
//! cables and captures, and [`Network`], which owns the devices and moves frames
//! between them. Nothing here reads a wall clock.

mod capture;
mod network;
mod queue;
mod rng;
mod time;

pub use capture::Pcap;
pub use network::{CableInfo, End, Limits, Network, NetworkError, Stats};
pub use queue::EventQueue;
pub use rng::{hash_name, mix, Rng};
pub use time::{Duration, Time};
