//! DNS (RFC 1035) over UDP port 53: queries and answers in simple-dns's wire
//! format, the records a server holds and the answers it gives ([`Zones`]),
//! and the stub resolver hosts and IOS boxes use ([`Resolver`]): one lookup
//! at a time, retried on a schedule, answers cached for their TTL. Time is
//! passed in; queries wait in `out`; nothing here knows devices or syntax.
//! [`dissect()`] shows a message to the inspector.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use simple_dns::rdata::{RData, A, CNAME, NS, PTR};
use simple_dns::{Name, Packet, PacketFlag, Question, ResourceRecord, CLASS, QCLASS, QTYPE, RCODE, TYPE};

use super::dissect::{self, Dissected, Layer, LayerBuilder};
use crate::sim::{Duration, Time};

pub const PORT: u16 = 53;

/// The DNS header, for the dissector: simple-dns builds and parses the
/// messages.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const ID: Field = 0..2;
    /// QR (response), opcode, AA, TC, RD, RA, Z, AD, CD, then the response code.
    pub const FLAGS: Field = 2..4;
    pub const QUESTIONS: Field = 4..6;
    pub const ANSWERS: Field = 6..8;
    pub const AUTHORITIES: Field = 8..10;
    pub const ADDITIONALS: Field = 10..12;
    /// The questions, then the answer, authority and additional records.
    pub const RECORDS: Rest = 12..;
}

/// The flags' QR bit (set in responses), opcode and response code.
const FLAG_RESPONSE: u16 = 0x8000;
const OPCODE_SHIFT: u16 = 11;
const OPCODE_MASK: u16 = 0x0f;
const RCODE_MASK: u16 = 0x000f;

/// The TTL a server gives its records (Windows Server's default for a zone: one hour).
pub const DEFAULT_TTL: u32 = 3600;

/// A record a server holds for a name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Record {
    A(Ipv4Addr),
    /// An alias: the canonical name.
    Cname(String),
}

/// A name as DNS compares it: lower case, no trailing dot.
pub fn canonical(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The zones a DNS server is authoritative for, and their records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Zones {
    pub zones: Vec<String>,
    /// Records by fully qualified name.
    pub records: BTreeMap<String, Vec<Record>>,
}

/// Why a record could not be added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZoneError {
    NoSuchZone,
    BadName,
}

impl Zones {
    /// `dnscmd /zoneadd ZONE /primary`.
    pub fn add_zone(&mut self, zone: &str) -> Result<(), ZoneError> {
        let zone = canonical(zone);
        if zone.is_empty() || Name::new(&zone).is_err() {
            return Err(ZoneError::BadName);
        }
        if !self.zones.contains(&zone) {
            self.zones.push(zone);
            self.zones.sort();
        }
        Ok(())
    }

    /// `dnscmd /recordadd ZONE NAME A|CNAME VALUE`: `NAME` is relative to the
    /// zone (`@` is the zone itself) unless it ends with a dot.
    pub fn add_record(&mut self, zone: &str, name: &str, record: Record) -> Result<String, ZoneError> {
        let zone = canonical(zone);
        if !self.zones.contains(&zone) {
            return Err(ZoneError::NoSuchZone);
        }
        let fqdn = if name == "@" {
            zone.clone()
        } else if name.ends_with('.') {
            canonical(name)
        } else {
            format!("{}.{zone}", canonical(name))
        };
        if Name::new(&fqdn).is_err() {
            return Err(ZoneError::BadName);
        }
        let record = match record {
            Record::Cname(target) => {
                let target = canonical(&target);
                if Name::new(&target).is_err() {
                    return Err(ZoneError::BadName);
                }
                Record::Cname(target)
            }
            r => r,
        };
        let list = self.records.entry(fqdn.clone()).or_default();
        if !list.contains(&record) {
            list.push(record);
        }
        Ok(fqdn)
    }

    /// Is the name inside one of the zones?
    fn in_zone(&self, name: &str) -> bool {
        self.zones.iter().any(|z| name == z || name.ends_with(&format!(".{z}")))
    }

    /// The answer to a query, or `None` for anything that is not a standard query.
    pub fn answer(&self, query: &[u8]) -> Option<Vec<u8>> {
        let q = Packet::parse(query).ok()?;
        if q.has_flags(PacketFlag::RESPONSE) {
            return None;
        }
        let mut reply = Packet::new_reply(q.id());
        let names: Vec<String> = q.questions.iter().map(|x| x.qname.to_string()).collect();
        // Authoritative for its own zones only.
        let inside = names.iter().any(|n| self.in_zone(&canonical(n)));
        reply.set_flags(PacketFlag::RECURSION_AVAILABLE);
        if inside {
            reply.set_flags(PacketFlag::AUTHORITATIVE_ANSWER);
        }
        if q.has_flags(PacketFlag::RECURSION_DESIRED) {
            reply.set_flags(PacketFlag::RECURSION_DESIRED);
        }
        let mut answered = false;
        let mut known = false;
        let mut owned: Vec<(String, Record)> = Vec::new();
        for (question, name) in q.questions.iter().zip(&names) {
            reply.questions.push(question.clone());
            let wants_a = matches!(question.qtype, QTYPE::TYPE(TYPE::A) | QTYPE::ANY);
            let wants_cname = matches!(question.qtype, QTYPE::TYPE(TYPE::CNAME));
            // Follow aliases (at most 8), as a server answering from its own zones does.
            let mut current = canonical(name);
            for _ in 0..8 {
                let Some(records) = self.records.get(&current) else { break };
                known = true;
                let alias = records.iter().find_map(|r| if let Record::Cname(t) = r { Some(t.clone()) } else { None });
                if let Some(target) = alias {
                    owned.push((current.clone(), Record::Cname(target.clone())));
                    answered = true;
                    if wants_cname {
                        break;
                    }
                    current = target;
                    continue;
                }
                if wants_a {
                    for r in records {
                        if let Record::A(_) = r {
                            owned.push((current.clone(), r.clone()));
                            answered = true;
                        }
                    }
                }
                break;
            }
        }
        for (name, record) in &owned {
            let rdata = match record {
                Record::A(a) => RData::A(A::from(*a)),
                Record::Cname(t) => RData::CNAME(CNAME(Name::new_unchecked(t))),
            };
            reply.answers.push(ResourceRecord::new(Name::new_unchecked(name), CLASS::IN, DEFAULT_TTL, rdata));
        }
        if !answered {
            // A name the server knows with no record of that type: NOERROR, no answers.
            if !known || !inside {
                *reply.rcode_mut() = RCODE::NameError;
            }
        }
        reply.build_bytes_vec_compressed().ok()
    }
}

/// A query for a name's A record (or a PTR for reverse lookups), recursion desired.
pub fn query(id: u16, name: &str, ptr: bool) -> Option<Vec<u8>> {
    let mut q = Packet::new_query(id);
    q.set_flags(PacketFlag::RECURSION_DESIRED);
    let qtype = if ptr { QTYPE::TYPE(TYPE::PTR) } else { QTYPE::TYPE(TYPE::A) };
    q.questions.push(Question::new(Name::new(name).ok()?, qtype, QCLASS::CLASS(CLASS::IN), false));
    q.build_bytes_vec().ok()
}

/// The reverse-lookup name of an address (`10.168.192.in-addr.arpa` style).
pub fn reverse_name(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
}

/// What an answer says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub id: u16,
    pub name: String,
    pub outcome: Outcome,
    pub authoritative: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The addresses, the canonical name, and the aliases that led to it.
    Found { addresses: Vec<Ipv4Addr>, canonical: String, aliases: Vec<String>, ttl: u32 },
    /// NXDOMAIN, or a name with no address.
    NotFound,
    /// Any other error code.
    Failed,
}

/// Parse a response.
pub fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let p = Packet::parse(bytes).ok()?;
    if !p.has_flags(PacketFlag::RESPONSE) {
        return None;
    }
    let name = p.questions.first().map(|q| canonical(&q.qname.to_string())).unwrap_or_default();
    let authoritative = p.has_flags(PacketFlag::AUTHORITATIVE_ANSWER);
    let outcome = match p.rcode() {
        RCODE::NoError => {
            let mut canonical_name = name.clone();
            let mut aliases = Vec::new();
            let mut addresses = Vec::new();
            let mut ttl = u32::MAX;
            for rr in &p.answers {
                ttl = ttl.min(rr.ttl);
                match &rr.rdata {
                    RData::CNAME(CNAME(target)) => {
                        aliases.push(canonical(&rr.name.to_string()));
                        canonical_name = canonical(&target.to_string());
                    }
                    RData::A(a) => addresses.push(Ipv4Addr::from(a.address)),
                    _ => {}
                }
            }
            if addresses.is_empty() {
                Outcome::NotFound
            } else {
                Outcome::Found { addresses, canonical: canonical_name, aliases, ttl }
            }
        }
        RCODE::NameError => Outcome::NotFound,
        _ => Outcome::Failed,
    };
    Some(Answer { id: p.id(), name, outcome, authoritative })
}

/// Dissect a DNS message (the data of UDP port 53): the header's fields,
/// then the questions and records as one field, read by simple-dns. The
/// Info column reads as Wireshark's: `Standard query 0x1a2b A www.example.com`,
/// `Standard query response 0x1a2b A www.example.com A 10.0.0.5`.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Domain Name System", "DNS", bytes, base);
    let id = layer.u16("Transaction ID", field::ID, |id| format!("0x{id:04x}"));
    let flags = layer.u16("Flags", field::FLAGS, |f| format!("0x{f:04x} {}", describe_flags(f)));
    layer.u16("Questions", field::QUESTIONS, |n| n.to_string());
    layer.u16("Answer RRs", field::ANSWERS, |n| n.to_string());
    layer.u16("Authority RRs", field::AUTHORITIES, |n| n.to_string());
    layer.u16("Additional RRs", field::ADDITIONALS, |n| n.to_string());
    let (Some(id), Some(flags)) = (id, flags) else {
        layer.finish(out)?;
        return Ok(None);
    };
    let packet = Packet::parse(bytes).ok();
    if bytes.len() > field::RECORDS.start {
        layer.field("Queries and Records", field::RECORDS.start..bytes.len(), |records| match &packet {
            Some(p) => describe_sections(p),
            None => dissect::preview(records),
        });
    }
    let mut info = format!("{} 0x{id:04x}", operation(flags));
    let rcode = flags & RCODE_MASK;
    if flags & FLAG_RESPONSE != 0 && rcode != 0 {
        info.push_str(&format!(" {}", rcode_name(rcode)));
    }
    match &packet {
        Some(p) => {
            for q in &p.questions {
                info.push_str(&format!(" {} {}", qtype_name(q.qtype), q.qname));
            }
            for rr in &p.answers {
                info.push_str(&format!(" {}", rdata(&rr.rdata)));
            }
        }
        None => layer.invalid("the questions and records do not parse"),
    }
    layer.info(info);
    layer.finish(out)?;
    Ok(None)
}

/// `Standard query` or `Standard query response`: the opcode, and whether
/// this is the answer.
fn operation(flags: u16) -> String {
    let opcode = match (flags >> OPCODE_SHIFT) & OPCODE_MASK {
        0 => "Standard query".to_string(),
        1 => "Inverse query".to_string(),
        2 => "Server status request".to_string(),
        4 => "Zone change notification".to_string(),
        5 => "Dynamic update".to_string(),
        other => format!("Unknown operation ({other})"),
    };
    if flags & FLAG_RESPONSE != 0 {
        format!("{opcode} response")
    } else {
        opcode
    }
}

fn rcode_name(rcode: u16) -> String {
    match rcode {
        0 => "No error".into(),
        1 => "Format error".into(),
        2 => "Server failure".into(),
        3 => "No such name".into(),
        4 => "Not implemented".into(),
        5 => "Refused".into(),
        other => format!("Unknown error ({other})"),
    }
}

/// The Flags field as Wireshark heads it: `Standard query response, No error`.
fn describe_flags(flags: u16) -> String {
    if flags & FLAG_RESPONSE != 0 {
        format!("{}, {}", operation(flags), rcode_name(flags & RCODE_MASK))
    } else {
        operation(flags)
    }
}

fn type_name(kind: TYPE) -> String {
    match kind {
        TYPE::Unknown(code) => format!("Unknown ({code})"),
        known => format!("{known:?}"),
    }
}

fn qtype_name(qtype: QTYPE) -> String {
    match qtype {
        QTYPE::TYPE(kind) => type_name(kind),
        other => format!("{other:?}"),
    }
}

/// A record's type and data as the Info column shows them: `A 10.0.0.5`,
/// `CNAME server.example.com` (the type alone for the others).
fn rdata(data: &RData) -> String {
    match data {
        RData::A(a) => format!("A {}", Ipv4Addr::from(a.address)),
        RData::AAAA(aaaa) => format!("AAAA {}", std::net::Ipv6Addr::from(aaaa.address)),
        RData::CNAME(CNAME(name)) => format!("CNAME {name}"),
        RData::PTR(PTR(name)) => format!("PTR {name}"),
        RData::NS(NS(name)) => format!("NS {name}"),
        other => type_name(other.type_code()),
    }
}

/// Each section that has entries, Wireshark's names for them:
/// `Queries: www.example.com A; Answers: www.example.com A 10.0.0.5`.
fn describe_sections(p: &Packet) -> String {
    let records = |rrs: &[ResourceRecord]| {
        rrs.iter().map(|rr| format!("{} {}", rr.name, rdata(&rr.rdata))).collect::<Vec<_>>().join(", ")
    };
    let queries = p.questions.iter().map(|q| format!("{} {}", q.qname, qtype_name(q.qtype))).collect::<Vec<_>>();
    [
        ("Queries", queries.join(", ")),
        ("Answers", records(&p.answers)),
        ("Authoritative nameservers", records(&p.name_servers)),
        ("Additional records", records(&p.additional_records)),
    ]
    .into_iter()
    .filter(|(_, entries)| !entries.is_empty())
    .map(|(section, entries)| format!("{section}: {entries}"))
    .collect::<Vec<_>>()
    .join("; ")
}

/// How a lookup ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    Found {
        name: String,
        addresses: Vec<Ipv4Addr>,
        canonical: String,
        aliases: Vec<String>,
        server: Option<Ipv4Addr>,
        authoritative: bool,
    },
    NotFound {
        name: String,
        server: Ipv4Addr,
    },
    /// No server answered in time (or none is configured).
    TimedOut {
        name: String,
    },
}

/// A lookup under way.
#[derive(Clone, Debug)]
struct Lookup {
    name: String,
    id: u16,
    server: Ipv4Addr,
    ptr: bool,
    tries: usize,
    next_at: Time,
}

/// A stub resolver: asks one server, waits, asks again, gives up; caches answers.
#[derive(Clone, Debug)]
pub struct Resolver {
    /// How long each try waits for its answer.
    pub schedule: Vec<Duration>,
    cache: BTreeMap<String, (Resolution, Time)>,
    lookup: Option<Lookup>,
    next_id: u16,
    /// Queries to send: (server, UDP payload, query id).
    pub out: Vec<(Ipv4Addr, Vec<u8>)>,
    /// Lookups that ended since the last look.
    pub done: Vec<Resolution>,
    /// Tries that timed out, for the prompts that say so.
    pub timeouts: u32,
}

impl Resolver {
    pub fn new(schedule: Vec<Duration>, seed: u16) -> Resolver {
        Resolver {
            schedule,
            cache: BTreeMap::new(),
            lookup: None,
            next_id: seed,
            out: Vec::new(),
            done: Vec::new(),
            timeouts: 0,
        }
    }

    /// Look `name` up at `server` (a cached answer ends it at once).
    /// `ptr` asks for the reverse record instead (nslookup's first question).
    pub fn resolve(&mut self, now: Time, name: &str, server: Option<Ipv4Addr>, ptr: bool) {
        let name = canonical(name);
        self.timeouts = 0;
        if !ptr {
            if let Some((r, until)) = self.cache.get(&name) {
                if *until > now {
                    self.done.push(r.clone());
                    return;
                }
            }
        }
        let Some(server) = server else {
            self.done.push(Resolution::TimedOut { name });
            return;
        };
        self.next_id = self.next_id.wrapping_add(1);
        let lookup = Lookup { name, id: self.next_id, server, ptr, tries: 0, next_at: now };
        self.lookup = Some(lookup);
        self.send(now);
    }

    fn send(&mut self, now: Time) {
        let Some(l) = self.lookup.as_mut() else { return };
        let Some(bytes) = query(l.id, &l.name, l.ptr) else {
            let name = l.name.clone();
            self.lookup = None;
            self.done.push(Resolution::NotFound { name, server: Ipv4Addr::UNSPECIFIED });
            return;
        };
        self.out.push((l.server, bytes));
        l.next_at = now + self.schedule.get(l.tries).copied().unwrap_or(Duration::from_secs(1));
        l.tries += 1;
    }

    /// A response on the resolver's port.
    pub fn receive(&mut self, now: Time, from: Ipv4Addr, bytes: &[u8]) {
        let (Some(l), Some(a)) = (self.lookup.as_ref(), parse_answer(bytes)) else { return };
        if a.id != l.id || from != l.server {
            return;
        }
        let name = l.name.clone();
        let ptr = l.ptr;
        self.lookup = None;
        let r = match a.outcome {
            Outcome::Found { addresses, canonical, aliases, ttl } => {
                let r = Resolution::Found {
                    name: name.clone(),
                    addresses,
                    canonical,
                    aliases,
                    server: Some(from),
                    authoritative: a.authoritative,
                };
                if !ptr {
                    self.cache.insert(name, (r.clone(), now + Duration::from_secs(u64::from(ttl))));
                }
                r
            }
            Outcome::NotFound | Outcome::Failed => Resolution::NotFound { name, server: from },
        };
        self.done.push(r);
    }

    /// Retry or give up when a try's time is over.
    pub fn poll(&mut self, now: Time) {
        let Some(l) = self.lookup.as_ref() else { return };
        if l.next_at > now {
            return;
        }
        self.timeouts += 1;
        if l.tries >= self.schedule.len() {
            let name = l.name.clone();
            self.lookup = None;
            self.done.push(Resolution::TimedOut { name });
            return;
        }
        self.send(now);
    }

    pub fn poll_at(&self) -> Option<Time> {
        self.lookup.as_ref().map(|l| l.next_at)
    }

    pub fn is_busy(&self) -> bool {
        self.lookup.is_some()
    }

    /// Forget cached answers (`ipconfig /flushdns`).
    pub fn flush(&mut self) {
        self.cache.clear();
    }

    /// Cached names and what they resolve to (`ipconfig /displaydns`).
    pub fn cached(&self, now: Time) -> impl Iterator<Item = (&String, &Resolution)> {
        self.cache.iter().filter(move |(_, (_, until))| *until > now).map(|(n, (r, _))| (n, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn zones() -> Zones {
        let mut z = Zones::default();
        z.add_zone("ccna-lab.com").unwrap();
        z.add_record("ccna-lab.com", "server", Record::A(ip("192.168.10.254"))).unwrap();
        z.add_record("ccna-lab.com", "www", Record::Cname("server.ccna-lab.com".into())).unwrap();
        z
    }

    #[test]
    fn a_server_answers_from_its_zone_following_an_alias() {
        let z = zones();
        let q = query(7, "WWW.ccna-lab.com", false).unwrap();
        let a = parse_answer(&z.answer(&q).unwrap()).unwrap();
        assert_eq!(a.id, 7);
        assert!(a.authoritative);
        assert_eq!(
            a.outcome,
            Outcome::Found {
                addresses: vec![ip("192.168.10.254")],
                canonical: "server.ccna-lab.com".into(),
                aliases: vec!["www.ccna-lab.com".into()],
                ttl: DEFAULT_TTL,
            }
        );
        let missing = parse_answer(&z.answer(&query(8, "nosuch.ccna-lab.com", false).unwrap()).unwrap()).unwrap();
        assert_eq!(missing.outcome, Outcome::NotFound);
        assert_eq!(z.clone().add_record("other.com", "x", Record::A(ip("1.1.1.1"))), Err(ZoneError::NoSuchZone));
    }

    #[test]
    fn the_dissector_table_matches_simple_dns() {
        use crate::proto::dissect::testing::assert_contiguous;
        assert_contiguous(
            &[
                ("id", field::ID),
                ("flags", field::FLAGS),
                ("questions", field::QUESTIONS),
                ("answers", field::ANSWERS),
                ("authorities", field::AUTHORITIES),
                ("additionals", field::ADDITIONALS),
            ],
            field::RECORDS.start,
        );
        let reply = zones().answer(&query(0x1a2b, "www.ccna-lab.com", false).unwrap()).unwrap();
        let p = Packet::parse(&reply).unwrap();
        let count = |f| dissect::u16_at(&reply, f).map(usize::from);
        assert_eq!(dissect::u16_at(&reply, field::ID), Some(p.id()));
        assert_eq!(dissect::u16_at(&reply, field::FLAGS).map(|f| f & FLAG_RESPONSE != 0), Some(true));
        assert_eq!(count(field::QUESTIONS), Some(p.questions.len()));
        assert_eq!(count(field::ANSWERS), Some(p.answers.len()));
        assert_eq!(count(field::AUTHORITIES), Some(p.name_servers.len()));
        assert_eq!(count(field::ADDITIONALS), Some(p.additional_records.len()));
    }

    #[test]
    fn queries_and_answers_read_as_wiresharks_info_column() {
        use crate::proto::dissect::testing::{assert_every_truncation_dissects, layer, udp_frame};
        use crate::proto::dissect::{summary, LinkType};
        let (pc, server) = (ip("192.168.10.11"), ip("192.168.10.254"));
        let q = query(0x1a2b, "www.ccna-lab.com", false).unwrap();
        let f = udp_frame(pc, server, (49152, PORT), &q);
        assert_eq!(summary(&f, LinkType::Ethernet), "DNS Standard query 0x1a2b A www.ccna-lab.com");
        let layers = crate::proto::dissect::dissect(&f, LinkType::Ethernet);
        let dns = layer(&layers, "Domain Name System");
        assert_eq!(dns.field("Flags"), Some("0x0100 Standard query"));
        assert_eq!(dns.field("Questions"), Some("1"));
        assert_eq!(dns.field("Queries and Records"), Some("Queries: www.ccna-lab.com A"));
        assert_eq!(dns.range, 42..42 + q.len());
        assert_every_truncation_dissects(&f, LinkType::Ethernet);

        // From the server's port 53 back to the client's.
        let answer = zones().answer(&q).unwrap();
        let f = udp_frame(server, pc, (PORT, 49152), &answer);
        assert_eq!(
            summary(&f, LinkType::Ethernet),
            "DNS Standard query response 0x1a2b A www.ccna-lab.com CNAME server.ccna-lab.com A 192.168.10.254"
        );
        let layers = crate::proto::dissect::dissect(&f, LinkType::Ethernet);
        let dns = layer(&layers, "Domain Name System");
        assert_eq!(dns.field("Flags"), Some("0x8580 Standard query response, No error"));
        assert_eq!(dns.field("Answer RRs"), Some("2"));
        assert_every_truncation_dissects(&f, LinkType::Ethernet);

        let missing = zones().answer(&query(7, "nosuch.ccna-lab.com", false).unwrap()).unwrap();
        let f = udp_frame(server, pc, (PORT, 49152), &missing);
        assert_eq!(
            summary(&f, LinkType::Ethernet),
            "DNS Standard query response 0x0007 No such name A nosuch.ccna-lab.com"
        );
        let reverse = query(8, &reverse_name(server), true).unwrap();
        let f = udp_frame(pc, server, (49152, PORT), &reverse);
        assert_eq!(summary(&f, LinkType::Ethernet), "DNS Standard query 0x0008 PTR 254.10.168.192.in-addr.arpa");
    }

    #[test]
    fn records_that_do_not_parse_are_malformed_not_a_panic() {
        use crate::proto::dissect::testing::udp_frame;
        use crate::proto::dissect::{summary, LinkType};
        let mut q = query(0x1a2b, "www.ccna-lab.com", false).unwrap();
        q[5] = 2; // two questions, one there
        let f = udp_frame(ip("10.0.0.1"), ip("10.0.0.2"), (49152, PORT), &q);
        assert_eq!(
            summary(&f, LinkType::Ethernet),
            "DNS Standard query 0x1a2b [Malformed: the questions and records do not parse]"
        );
        // A name whose compression pointer points at itself.
        let looping = [0x1a, 0x2b, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1];
        let f = udp_frame(ip("10.0.0.1"), ip("10.0.0.2"), (49152, PORT), &looping);
        assert!(summary(&f, LinkType::Ethernet).ends_with("[Malformed: the questions and records do not parse]"));
    }

    #[test]
    fn the_resolver_retries_then_gives_up_and_caches_what_it_learns() {
        let mut r = Resolver::new(vec![Duration::from_secs(1), Duration::from_secs(2)], 100);
        r.resolve(Time::ZERO, "server.ccna-lab.com", Some(ip("192.168.10.254")), false);
        assert_eq!(r.out.len(), 1);
        r.poll(Time::ZERO + Duration::from_secs(1));
        assert_eq!(r.out.len(), 2, "a second try");
        r.poll(Time::ZERO + Duration::from_secs(3));
        assert_eq!(r.done, [Resolution::TimedOut { name: "server.ccna-lab.com".into() }]);
        r.done.clear();
        r.out.clear();

        r.resolve(Time::ZERO, "server.ccna-lab.com", Some(ip("192.168.10.254")), false);
        let (_, q) = r.out.remove(0);
        let reply = zones().answer(&q).unwrap();
        r.receive(Time::ZERO, ip("192.168.10.254"), &reply);
        assert!(matches!(&r.done[0], Resolution::Found { addresses, .. } if addresses == &[ip("192.168.10.254")]));
        r.done.clear();
        r.resolve(Time::ZERO + Duration::from_secs(5), "server.ccna-lab.com", Some(ip("192.168.10.254")), false);
        assert!(r.out.is_empty(), "answered from the cache");
        assert_eq!(r.done.len(), 1);
    }
}
