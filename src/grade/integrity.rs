//! Is the submission the lab's network? Devices, models and cables are
//! compared with the lab's (beyond what the lab allows), and the objectives
//! that depend on a difference are not graded.

use std::fmt;

use crate::lab::{parse_endpoint, Allowance, Check, Lab};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    MissingDevice(String),
    ExtraDevice(String),
    Model { device: String, expected: &'static str, found: &'static str },
    Cabling { missing: Vec<String>, extra: Vec<String> },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Difference::MissingDevice(d) => write!(f, "device {d} of the lab is missing from the submission"),
            Difference::ExtraDevice(d) => write!(f, "the submission adds a device {d} the lab does not have"),
            Difference::Model { device, expected, found } => {
                write!(f, "{device} is a {found} in the submission but a {expected} in the lab")
            }
            Difference::Cabling { missing, extra } => {
                write!(f, "the cabling differs from the lab's")?;
                if !missing.is_empty() {
                    write!(f, "; missing: {}", missing.join(", "))?;
                }
                if !extra.is_empty() {
                    write!(f, "; added: {}", extra.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// Checks whose result depends on the topology as a whole.
fn behavioural(check: &Check) -> bool {
    matches!(
        check,
        Check::Ping { .. }
            | Check::NoPing { .. }
            | Check::Traceroute { .. }
            | Check::Link { .. }
            | Check::InterfaceUp { .. }
            | Check::DhcpLease { .. }
            | Check::Resolves { .. }
            | Check::HttpGet { .. }
            | Check::RemoteLogin { .. }
            | Check::AclHit { .. }
            | Check::NatTranslation { .. }
    )
}

impl Difference {
    pub fn affects(&self, check: &Check) -> bool {
        let names = |d: &str| check.devices().iter().any(|x| x.eq_ignore_ascii_case(d));
        match self {
            Difference::MissingDevice(d) | Difference::Model { device: d, .. } => names(d) || behavioural(check),
            Difference::ExtraDevice(_) | Difference::Cabling { .. } => behavioural(check),
        }
    }
}

/// A cable as a canonical, order-free text (`PC1:FastEthernet0 -- R1:GigabitEthernet0/0/0`).
fn canonical(a: &str, b: &str) -> String {
    let norm = |e: &str| match parse_endpoint(e) {
        Some((d, i)) => format!("{}:{}", d.to_ascii_lowercase(), i),
        None => e.to_ascii_lowercase(),
    };
    let (mut x, mut y) = (norm(a), norm(b));
    if x > y {
        std::mem::swap(&mut x, &mut y);
    }
    format!("{x} -- {y}")
}

pub fn compare(lab: &Lab, submission: &Lab) -> Vec<Difference> {
    let mut out = Vec::new();
    for d in &lab.devices {
        match submission.devices.iter().find(|s| s.name.eq_ignore_ascii_case(&d.name)) {
            None => out.push(Difference::MissingDevice(d.name.clone())),
            Some(s) if s.model != d.model => {
                out.push(Difference::Model { device: d.name.clone(), expected: d.model.name(), found: s.model.name() })
            }
            Some(_) => {}
        }
    }
    if !lab.allow.contains(&Allowance::Devices) {
        for s in &submission.devices {
            if !lab.devices.iter().any(|d| d.name.eq_ignore_ascii_case(&s.name)) {
                out.push(Difference::ExtraDevice(s.name.clone()));
            }
        }
    }
    if !lab.allow.contains(&Allowance::Cabling) {
        let mut expected: Vec<String> = lab.links.iter().map(|(a, b)| canonical(a, b)).collect();
        let mut found: Vec<String> = submission.links.iter().map(|(a, b)| canonical(a, b)).collect();
        expected.sort();
        found.sort();
        let missing: Vec<String> = expected.iter().filter(|e| !found.contains(e)).cloned().collect();
        let extra: Vec<String> = found.iter().filter(|f| !expected.contains(f)).cloned().collect();
        if !missing.is_empty() || !extra.is_empty() {
            out.push(Difference::Cabling { missing, extra });
        }
    }
    out
}
