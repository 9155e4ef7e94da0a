//! Lab files: the RON schema, loading with errors that name file, line and
//! column, validation, building a [`crate::net::Network`] from a lab (configs typed into
//! each device's CLI), and saving a network back to a lab, atomically.

mod load;
pub mod save;
mod schema;

pub use load::{build, build_limited, construct, load_file, parse, parse_endpoint, BuildWarning, LabError, BOOT_TIME};
pub use save::{save_file, to_lab, to_ron};
pub use schema::{AddressOrigin, Allowance, Check, DeviceSpec, Expect, Feedback, Lab, Objective, RemoteVia};
