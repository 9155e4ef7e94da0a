//! RIP messages (RFC 1058 for version 1, RFC 2453 for version 2): a 4-byte
//! header, then up to 25 route entries of 20 bytes. Version 1 leaves the
//! route tag, mask and next hop zero (the receiver infers the mask); version
//! 2 fills them. [`Message`] parses and emits through the `field` tables and
//! [`dissect`] shows them to the inspector.
//!
//! Messages ride in UDP from and to port 520: version 2 to 224.0.0.9,
//! version 1 to the broadcast address, answers to a request to the asker.

use std::net::Ipv4Addr;

use crate::proto::dissect::{self, ipv4_at, u16_at, u32_at, Dissected, Layer, LayerBuilder};

pub const PORT: u16 = 520;
/// Where version 2 sends its updates.
pub const ALL_RIP_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 9);
/// The metric that means "unreachable".
pub const INFINITY: u8 = 16;
/// The most entries one message holds (RFC 2453, 3.6: 512 bytes of payload).
pub const MAX_ENTRIES: usize = 25;
/// The address family of IPv4 routes; 0xFFFF marks an authentication entry.
const AFI_IPV4: u16 = 2;
const AFI_AUTH: u16 = 0xffff;

/// The header.
mod field {
    use core::ops::Range;
    pub const COMMAND: usize = 0;
    pub const VERSION: usize = 1;
    /// Must be zero.
    pub const ZERO: Range<usize> = 2..4;
    pub const HEADER_LEN: usize = 4;
}

/// One route entry, relative to its start.
mod entry_field {
    use core::ops::Range;
    pub const AFI: Range<usize> = 0..2;
    /// Version 2 only (zero in version 1).
    pub const ROUTE_TAG: Range<usize> = 2..4;
    pub const ADDRESS: Range<usize> = 4..8;
    /// Version 2 only.
    pub const MASK: Range<usize> = 8..12;
    /// Version 2 only: 0.0.0.0 means "via the sender".
    pub const NEXT_HOP: Range<usize> = 12..16;
    pub const METRIC: Range<usize> = 16..20;
    pub const LEN: usize = 20;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Request,
    Response,
}

impl Command {
    fn code(self) -> u8 {
        match self {
            Command::Request => 1,
            Command::Response => 2,
        }
    }

    fn from_code(c: u8) -> Option<Command> {
        match c {
            1 => Some(Command::Request),
            2 => Some(Command::Response),
            _ => None,
        }
    }
}

/// One route as a message carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The address family: 2 for IPv4 routes, 0 in a whole-table request.
    pub family: u16,
    pub tag: u16,
    pub address: Ipv4Addr,
    /// `0.0.0.0` in version 1.
    pub mask: Ipv4Addr,
    pub next_hop: Ipv4Addr,
    pub metric: u32,
}

impl Entry {
    pub fn route(address: Ipv4Addr, mask: Ipv4Addr, metric: u8) -> Entry {
        Entry { family: AFI_IPV4, tag: 0, address, mask, next_hop: Ipv4Addr::UNSPECIFIED, metric: u32::from(metric) }
    }
}

/// A RIP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub command: Command,
    pub version: u8,
    pub entries: Vec<Entry>,
}

impl Message {
    /// "Send me your whole table": one entry of family 0 and metric infinity.
    pub fn whole_table_request(version: u8) -> Message {
        let entry = Entry {
            family: 0,
            tag: 0,
            address: Ipv4Addr::UNSPECIFIED,
            mask: Ipv4Addr::UNSPECIFIED,
            next_hop: Ipv4Addr::UNSPECIFIED,
            metric: u32::from(INFINITY),
        };
        Message { command: Command::Request, version, entries: vec![entry] }
    }

    pub fn is_whole_table_request(&self) -> bool {
        self.command == Command::Request
            && self.entries.len() == 1
            && self.entries[0].family == 0
            && self.entries[0].metric == u32::from(INFINITY)
    }

    /// Parse a UDP payload; authentication entries are skipped.
    pub fn parse(bytes: &[u8]) -> Option<Message> {
        let command = Command::from_code(*bytes.get(field::COMMAND)?)?;
        let version = *bytes.get(field::VERSION)?;
        if version == 0 {
            return None;
        }
        let body = bytes.get(field::HEADER_LEN..)?;
        if body.len() % entry_field::LEN != 0 {
            return None;
        }
        let entries = body
            .chunks_exact(entry_field::LEN)
            .filter(|e| u16_at(e, entry_field::AFI) != Some(AFI_AUTH))
            .map(|e| {
                Some(Entry {
                    family: u16_at(e, entry_field::AFI)?,
                    tag: u16_at(e, entry_field::ROUTE_TAG)?,
                    address: ipv4_at(e, entry_field::ADDRESS)?,
                    mask: ipv4_at(e, entry_field::MASK)?,
                    next_hop: ipv4_at(e, entry_field::NEXT_HOP)?,
                    metric: u32_at(e, entry_field::METRIC)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Message { command, version, entries })
    }

    pub fn emit(&self) -> Vec<u8> {
        let mut b = vec![0; field::HEADER_LEN + self.entries.len() * entry_field::LEN];
        b[field::COMMAND] = self.command.code();
        b[field::VERSION] = self.version;
        for (e, out) in self.entries.iter().zip(b[field::HEADER_LEN..].chunks_exact_mut(entry_field::LEN)) {
            out[entry_field::AFI].copy_from_slice(&e.family.to_be_bytes());
            out[entry_field::ROUTE_TAG].copy_from_slice(&e.tag.to_be_bytes());
            out[entry_field::ADDRESS].copy_from_slice(&e.address.octets());
            out[entry_field::MASK].copy_from_slice(&e.mask.octets());
            out[entry_field::NEXT_HOP].copy_from_slice(&e.next_hop.octets());
            out[entry_field::METRIC].copy_from_slice(&e.metric.to_be_bytes());
        }
        b
    }
}

/// The inspector's view of a RIP message (the UDP payload).
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Routing Information Protocol", "RIP", bytes, base);
    let command = layer.byte("Command", field::COMMAND, |c| match Command::from_code(c) {
        Some(Command::Request) => "Request (1)".into(),
        Some(Command::Response) => "Response (2)".into(),
        None => c.to_string(),
    });
    let version = layer.byte("Version", field::VERSION, |v| format!("RIPv{v} ({v})"));
    layer.field("Zero", field::ZERO, dissect::hex);
    let mut at = field::HEADER_LEN;
    while at < bytes.len() {
        let shift = |f: core::ops::Range<usize>| at + f.start..at + f.end;
        layer.u16("Address Family", shift(entry_field::AFI), |f| match f {
            AFI_IPV4 => "IP (2)".into(),
            AFI_AUTH => "Authentication (65535)".into(),
            f => f.to_string(),
        });
        layer.u16("Route Tag", shift(entry_field::ROUTE_TAG), |t| t.to_string());
        layer.field("IP Address", shift(entry_field::ADDRESS), dissect::ipv4);
        layer.field("Netmask", shift(entry_field::MASK), dissect::ipv4);
        layer.field("Next Hop", shift(entry_field::NEXT_HOP), dissect::ipv4);
        layer.u32("Metric", shift(entry_field::METRIC), |m| m.to_string());
        at += entry_field::LEN;
    }
    match (Command::from_code(command.unwrap_or(0)), version) {
        (Some(c), Some(v)) if v > 0 => {
            let entries = (bytes.len().saturating_sub(field::HEADER_LEN)) / entry_field::LEN;
            let what = if c == Command::Request { "Request" } else { "Response" };
            layer.info(format!("RIPv{v} {what}, {entries} route{}", if entries == 1 { "" } else { "s" }));
        }
        _ => layer.invalid("not a RIP message"),
    }
    layer.finish(out)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dissect::testing::{assert_contiguous, one};

    #[test]
    fn field_tables_cover_the_bytes() {
        assert_contiguous(
            &[("command", one(field::COMMAND)), ("version", one(field::VERSION)), ("zero", field::ZERO)],
            field::HEADER_LEN,
        );
        assert_contiguous(
            &[
                ("afi", entry_field::AFI),
                ("tag", entry_field::ROUTE_TAG),
                ("address", entry_field::ADDRESS),
                ("mask", entry_field::MASK),
                ("next hop", entry_field::NEXT_HOP),
                ("metric", entry_field::METRIC),
            ],
            entry_field::LEN,
        );
    }

    #[test]
    fn round_trip_and_dissect() {
        let m = Message {
            command: Command::Response,
            version: 2,
            entries: vec![
                Entry::route(Ipv4Addr::new(10, 1, 0, 0), Ipv4Addr::new(255, 255, 0, 0), 1),
                Entry::route(Ipv4Addr::new(192, 168, 3, 0), Ipv4Addr::new(255, 255, 255, 0), 16),
            ],
        };
        let b = m.emit();
        assert_eq!(b.len(), 4 + 2 * 20);
        assert_eq!(Message::parse(&b), Some(m));
        for n in 0..b.len() {
            let _ = Message::parse(&b[..n]);
            let _ = dissect(&b[..n], 0, &mut Vec::new());
        }
        let mut layers = Vec::new();
        dissect(&b, 0, &mut layers).unwrap();
        assert_eq!(layers[0].info, "RIPv2 Response, 2 routes");
        assert_eq!(layers[0].field("Netmask"), Some("255.255.0.0"));

        let r = Message::whole_table_request(1);
        assert!(Message::parse(&r.emit()).unwrap().is_whole_table_request());
    }
}
