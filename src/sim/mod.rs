//! The fabric, the bottom floor: simulated time, the `(time, seq)` event
//! queue, the seeded RNG, cables between numbered nodes (speed, framing,
//! propagation, bounded backlogs), pcap captures and the trace. It knows no
//! device kinds and imports nothing above [`crate::base`]; nothing here reads
//! a wall clock.

mod capture;
mod fabric;
mod queue;
mod rng;
mod time;
mod trace;

pub use capture::Pcap;
pub use fabric::{Cable, End, Event, Fabric, Framing, Limits, LinkSpec, PlugError, Stats, DEFAULT_PROPAGATION};
pub use queue::EventQueue;
pub use rng::{hash_name, mix, Rng};
pub use time::{Duration, Time};
pub use trace::{LinkDrop, Record, Trace, What, DEFAULT_CAPACITY, OUTSIDE_EVENTS};
