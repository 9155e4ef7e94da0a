//! TCP (RFC 793/9293) for hosts and IOS boxes: segments through smoltcp's
//! wire format, and the connections of one IP stack as plain state machines
//! (three-way handshake, sequence and acknowledgement numbers, the peer's
//! window and MSS respected, retransmission with exponential backoff, FIN
//! in both directions, RST for ports nobody listens on, TIME-WAIT). Time is
//! passed in; segments to send wait in `out`, what applications must hear in
//! `events`. Segments arriving out of order are dropped and re-acknowledged
//! (the fabric does not reorder), which keeps the receiver simple.
//! [`dissect()`] shows a segment to the inspector.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use smoltcp::wire::{IpAddress, TcpControl, TcpPacket, TcpRepr, TcpSeqNumber};

use super::dissect::{self, Dissected, Key, Layer, LayerBuilder, Next};
use crate::sim::{Duration, Time};

/// The TCP header, for the dissector: smoltcp's `TcpPacket` builds and
/// parses it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    pub const SEQ_NUMBER: Field = 4..8;
    pub const ACK_NUMBER: Field = 8..12;
    /// Data offset (high nibble: the header's length in 32-bit words), then
    /// the 12 bits of flags.
    pub const OFFSET_AND_FLAGS: Field = 12..14;
    pub const WINDOW: Field = 14..16;
    pub const CHECKSUM: Field = 16..18;
    pub const URGENT: Field = 18..20;
    /// Options, up to the header length; the data follows.
    pub const OPTIONS: Rest = 20..;
}

/// The flag bits, lowest first: the order Wireshark lists them in (`[SYN, ACK]`).
const FLAG_NAMES: &[(u32, &str)] = &[
    (0x001, "FIN"),
    (0x002, "SYN"),
    (0x004, "RST"),
    (0x008, "PSH"),
    (0x010, "ACK"),
    (0x020, "URG"),
    (0x040, "ECE"),
    (0x080, "CWR"),
    (0x100, "AE"),
];
/// The flag that says the acknowledgment number counts.
const ACK: u16 = 0x010;

/// What a stack's TCP is like (Windows and IOS differ).
#[derive(Clone, Copy, Debug)]
pub struct TcpConfig {
    /// The window this side advertises.
    pub window: u16,
    /// The MSS this side announces (an Ethernet MTU less 40 bytes).
    pub mss: u16,
    /// The first retransmission timeout of a SYN, and of data.
    pub syn_rto: Duration,
    pub rto: Duration,
    /// How many times a segment is sent again before the connection is dropped.
    pub syn_retries: u32,
    pub retries: u32,
    /// How long a closed connection lingers in TIME-WAIT (2 MSL).
    pub time_wait: Duration,
}

impl TcpConfig {
    /// Windows 10: 3 s for a SYN, sent again twice (a connect fails after 21 s).
    pub const WINDOWS: TcpConfig = TcpConfig {
        window: 64_240,
        mss: 1460,
        syn_rto: Duration::from_secs(3),
        rto: Duration::from_secs(1),
        syn_retries: 2,
        retries: 5,
        time_wait: Duration::from_secs(240),
    };
    /// IOS: a small window, 536-byte segments unless told otherwise; a
    /// connection attempt gives up after 30 s (2 + 4 + 8 + 16).
    pub const IOS: TcpConfig = TcpConfig {
        window: 4128,
        mss: 536,
        syn_rto: Duration::from_secs(2),
        rto: Duration::from_secs(1),
        syn_retries: 3,
        retries: 6,
        time_wait: Duration::from_secs(30),
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
    Closed,
}

/// A connection's handle in its stack's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(pub usize);

/// How long a half-closed connection waits for the peer's FIN (Windows: 120 s).
const FIN_WAIT_2_TIMEOUT: Duration = Duration::from_secs(120);

/// What applications hear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// An active open completed.
    Connected(ConnId),
    /// A passive open completed on a listening port.
    Accepted { conn: ConnId, port: u16 },
    /// Data arrived (read it with [`Tcp::take_received`]).
    Data(ConnId),
    /// The peer sent FIN: it will send nothing more.
    PeerClosed(ConnId),
    /// The connection is gone after an orderly close.
    Closed(ConnId),
    /// The peer refused (RST) the connection or reset it.
    Reset(ConnId),
    /// Nothing came back after every retransmission.
    TimedOut(ConnId),
}

/// One connection.
#[derive(Clone, Debug)]
pub struct Conn {
    pub state: State,
    pub local: (Ipv4Addr, u16),
    pub remote: (Ipv4Addr, u16),
    /// Oldest unacknowledged and next sequence number to send.
    snd_una: u32,
    snd_nxt: u32,
    /// The peer's window and MSS.
    snd_wnd: u32,
    peer_mss: u16,
    /// Bytes not yet acknowledged, from `snd_una` on (sent or not).
    send_buf: Vec<u8>,
    /// The application closed: a FIN follows the data.
    fin_queued: bool,
    fin_sent: bool,
    rcv_nxt: u32,
    /// Received and not yet read.
    received: Vec<u8>,
    rto: Duration,
    tries: u32,
    retransmit_at: Option<Time>,
    time_wait_until: Option<Time>,
    /// Set by a listener when the SYN came in (reported as Accepted).
    listener: Option<u16>,
}

impl Conn {
    fn in_flight(&self) -> u32 {
        self.snd_nxt.wrapping_sub(self.snd_una)
    }
}

/// A segment to send: IP addresses, and the TCP header and data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub segment: Vec<u8>,
}

/// The TCP of one IP stack.
#[derive(Clone, Debug)]
pub struct Tcp {
    pub config: TcpConfig,
    conns: Vec<Option<Conn>>,
    listening: BTreeSet<u16>,
    next_port: u16,
    isn: u32,
    pub out: Vec<Outgoing>,
    pub events: Vec<Event>,
}

/// A parsed segment, owned.
struct Seg {
    src_port: u16,
    dst_port: u16,
    control: TcpControl,
    seq: u32,
    ack: Option<u32>,
    window: u16,
    mss: Option<u16>,
    payload: Vec<u8>,
}

impl Tcp {
    /// `seed` spreads initial sequence numbers and ephemeral ports (the
    /// lab's seed decides it).
    pub fn new(config: TcpConfig, seed: u32) -> Tcp {
        Tcp {
            config,
            conns: Vec::new(),
            listening: BTreeSet::new(),
            next_port: 49_152 + (seed % 16_000) as u16,
            isn: seed.wrapping_mul(2_654_435_761),
            out: Vec::new(),
            events: Vec::new(),
        }
    }

    pub fn listen(&mut self, port: u16) {
        self.listening.insert(port);
    }

    pub fn unlisten(&mut self, port: u16) {
        self.listening.remove(&port);
    }

    pub fn listening(&self, port: u16) -> bool {
        self.listening.contains(&port)
    }

    pub fn conn(&self, id: ConnId) -> Option<&Conn> {
        self.conns.get(id.0).and_then(Option::as_ref)
    }

    /// Connections in the table (for `show tcp brief`, `netstat`).
    pub fn conns(&self) -> impl Iterator<Item = (ConnId, &Conn)> {
        self.conns.iter().enumerate().filter_map(|(i, c)| c.as_ref().map(|c| (ConnId(i), c)))
    }

    fn next_isn(&mut self) -> u32 {
        self.isn = self.isn.wrapping_mul(1_103_515_245).wrapping_add(64_000);
        self.isn
    }

    fn insert(&mut self, c: Conn) -> ConnId {
        match self.conns.iter().position(Option::is_none) {
            Some(i) => {
                self.conns[i] = Some(c);
                ConnId(i)
            }
            None => {
                self.conns.push(Some(c));
                ConnId(self.conns.len() - 1)
            }
        }
    }

    /// Open a connection from `src` to `dst:port` (SYN now).
    pub fn connect(&mut self, now: Time, src: Ipv4Addr, dst: Ipv4Addr, port: u16) -> ConnId {
        let local_port = self.next_port;
        self.next_port = if self.next_port >= 65_000 { 49_152 } else { self.next_port + 1 };
        let iss = self.next_isn();
        let c = Conn {
            state: State::SynSent,
            local: (src, local_port),
            remote: (dst, port),
            snd_una: iss,
            snd_nxt: iss.wrapping_add(1),
            snd_wnd: 0,
            peer_mss: 536,
            send_buf: Vec::new(),
            fin_queued: false,
            fin_sent: false,
            rcv_nxt: 0,
            received: Vec::new(),
            rto: self.config.syn_rto,
            tries: 0,
            retransmit_at: Some(now + self.config.syn_rto),
            time_wait_until: None,
            listener: None,
        };
        let id = self.insert(c);
        self.emit_syn(id, false);
        id
    }

    /// Queue data to send.
    pub fn send(&mut self, now: Time, id: ConnId, data: &[u8]) {
        if let Some(c) = self.conns.get_mut(id.0).and_then(Option::as_mut) {
            if matches!(c.state, State::Established | State::CloseWait | State::SynSent | State::SynReceived) {
                c.send_buf.extend_from_slice(data);
            }
        }
        self.push(now, id);
    }

    /// Close our side: a FIN after the data.
    pub fn close(&mut self, now: Time, id: ConnId) {
        if let Some(c) = self.conns.get_mut(id.0).and_then(Option::as_mut) {
            c.fin_queued = true;
        }
        self.push(now, id);
    }

    /// Drop the connection with a RST (a user's Ctrl+C, an IOS `clear line`).
    pub fn abort(&mut self, id: ConnId) {
        let Some(c) = self.conns.get_mut(id.0).and_then(Option::take) else { return };
        if !matches!(c.state, State::SynSent | State::TimeWait | State::Closed) {
            let seg = self.segment(&c, TcpControl::Rst, c.snd_nxt, Some(c.rcv_nxt), &[]);
            self.out.push(seg);
        }
    }

    /// Take what arrived on a connection.
    pub fn take_received(&mut self, id: ConnId) -> Vec<u8> {
        self.conns.get_mut(id.0).and_then(Option::as_mut).map(|c| std::mem::take(&mut c.received)).unwrap_or_default()
    }

    fn segment(&self, c: &Conn, control: TcpControl, seq: u32, ack: Option<u32>, payload: &[u8]) -> Outgoing {
        self.build(c.local, c.remote, control, seq, ack, None, payload)
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        local: (Ipv4Addr, u16),
        remote: (Ipv4Addr, u16),
        control: TcpControl,
        seq: u32,
        ack: Option<u32>,
        mss: Option<u16>,
        payload: &[u8],
    ) -> Outgoing {
        let repr = TcpRepr {
            src_port: local.1,
            dst_port: remote.1,
            control,
            seq_number: TcpSeqNumber(seq as i32),
            ack_number: ack.map(|a| TcpSeqNumber(a as i32)),
            window_len: self.config.window,
            window_scale: None,
            max_seg_size: mss,
            sack_permitted: false,
            sack_ranges: [None; 3],
            timestamp: None,
            payload,
        };
        let mut bytes = vec![0u8; repr.buffer_len()];
        let mut packet = TcpPacket::new_unchecked(&mut bytes[..]);
        repr.emit(&mut packet, &IpAddress::Ipv4(local.0), &IpAddress::Ipv4(remote.0), &Default::default());
        Outgoing { src: local.0, dst: remote.0, segment: bytes }
    }

    fn emit_syn(&mut self, id: ConnId, with_ack: bool) {
        let Some(c) = self.conn(id) else { return };
        let ack = with_ack.then_some(c.rcv_nxt);
        let seg = self.build(c.local, c.remote, TcpControl::Syn, c.snd_una, ack, Some(self.config.mss), &[]);
        self.out.push(seg);
    }

    /// Send what the window allows, and the FIN when it is due.
    fn push(&mut self, now: Time, id: ConnId) {
        let Some(c) = self.conns.get(id.0).and_then(Option::as_ref) else { return };
        if !matches!(c.state, State::Established | State::CloseWait) {
            return;
        }
        let mut segments = Vec::new();
        let mut c = c.clone();
        let mss = usize::from(c.peer_mss.min(self.config.mss).max(1));
        loop {
            let sent = c.in_flight() as usize - usize::from(c.fin_sent);
            let unsent = &c.send_buf[sent.min(c.send_buf.len())..];
            let room = (c.snd_wnd as usize).saturating_sub(c.in_flight() as usize);
            if unsent.is_empty() || room == 0 {
                break;
            }
            let n = unsent.len().min(mss).min(room);
            let last = n == unsent.len();
            let control = if last { TcpControl::Psh } else { TcpControl::None };
            segments.push(self.segment(&c, control, c.snd_nxt, Some(c.rcv_nxt), &unsent[..n]));
            c.snd_nxt = c.snd_nxt.wrapping_add(n as u32);
        }
        let all_sent = c.in_flight() as usize >= c.send_buf.len();
        if c.fin_queued && !c.fin_sent && all_sent {
            segments.push(self.segment(&c, TcpControl::Fin, c.snd_nxt, Some(c.rcv_nxt), &[]));
            c.snd_nxt = c.snd_nxt.wrapping_add(1);
            c.fin_sent = true;
            c.state = if c.state == State::CloseWait { State::LastAck } else { State::FinWait1 };
        }
        if !segments.is_empty() && c.retransmit_at.is_none() {
            c.retransmit_at = Some(now + c.rto);
        }
        self.out.extend(segments);
        self.conns[id.0] = Some(c);
    }

    /// A segment for this stack (`bytes` is the TCP header and data).
    pub fn receive(&mut self, now: Time, src: Ipv4Addr, dst: Ipv4Addr, bytes: &[u8]) {
        let Ok(packet) = TcpPacket::new_checked(bytes) else { return };
        let Ok(repr) = TcpRepr::parse(&packet, &IpAddress::Ipv4(src), &IpAddress::Ipv4(dst), &Default::default())
        else {
            return;
        };
        let seg = Seg {
            src_port: repr.src_port,
            dst_port: repr.dst_port,
            control: repr.control,
            seq: repr.seq_number.0 as u32,
            ack: repr.ack_number.map(|a| a.0 as u32),
            window: repr.window_len,
            mss: repr.max_seg_size,
            payload: repr.payload.to_vec(),
        };
        let found = self.conns.iter().position(|c| {
            c.as_ref().is_some_and(|c| c.local == (dst, seg.dst_port) && c.remote == (src, seg.src_port))
        });
        match found {
            Some(i) => self.on_segment(now, ConnId(i), seg),
            None => self.unmatched(now, src, dst, seg),
        }
    }

    /// A segment for no connection: a SYN to a listening port opens one;
    /// anything else but a RST is answered with a RST.
    fn unmatched(&mut self, now: Time, src: Ipv4Addr, dst: Ipv4Addr, seg: Seg) {
        if seg.control == TcpControl::Rst {
            return;
        }
        if seg.control == TcpControl::Syn && seg.ack.is_none() && self.listening.contains(&seg.dst_port) {
            let iss = self.next_isn();
            let c = Conn {
                state: State::SynReceived,
                local: (dst, seg.dst_port),
                remote: (src, seg.src_port),
                snd_una: iss,
                snd_nxt: iss.wrapping_add(1),
                snd_wnd: u32::from(seg.window),
                peer_mss: seg.mss.unwrap_or(536),
                send_buf: Vec::new(),
                fin_queued: false,
                fin_sent: false,
                rcv_nxt: seg.seq.wrapping_add(1),
                received: Vec::new(),
                rto: self.config.rto,
                tries: 0,
                retransmit_at: Some(now + self.config.rto),
                time_wait_until: None,
                listener: Some(seg.dst_port),
            };
            let id = self.insert(c);
            self.emit_syn(id, true);
            return;
        }
        // RFC 793: reset, with the sequence number the segment expects.
        let (seq, ack) = match seg.ack {
            Some(a) => (a, None),
            None => {
                let len =
                    seg.payload.len() as u32 + u32::from(matches!(seg.control, TcpControl::Syn | TcpControl::Fin));
                (0, Some(seg.seq.wrapping_add(len)))
            }
        };
        let rst = self.build((dst, seg.dst_port), (src, seg.src_port), TcpControl::Rst, seq, ack, None, &[]);
        self.out.push(rst);
    }

    fn on_segment(&mut self, now: Time, id: ConnId, seg: Seg) {
        let Some(mut c) = self.conns[id.0].take() else { return };
        if seg.control == TcpControl::Rst {
            if c.state != State::TimeWait {
                self.events.push(Event::Reset(id));
            }
            return; // the connection is gone
        }
        match c.state {
            State::SynSent => {
                if seg.control == TcpControl::Syn && seg.ack == Some(c.snd_nxt) {
                    c.snd_una = c.snd_nxt;
                    c.rcv_nxt = seg.seq.wrapping_add(1);
                    c.snd_wnd = u32::from(seg.window);
                    c.peer_mss = seg.mss.unwrap_or(536);
                    c.state = State::Established;
                    c.retransmit_at = None;
                    c.tries = 0;
                    c.rto = self.config.rto;
                    let ack = self.segment(&c, TcpControl::None, c.snd_nxt, Some(c.rcv_nxt), &[]);
                    self.out.push(ack);
                    self.events.push(Event::Connected(id));
                    self.conns[id.0] = Some(c);
                    self.push(now, id);
                    return;
                }
                self.conns[id.0] = Some(c);
                return;
            }
            State::SynReceived => {
                if seg.ack == Some(c.snd_nxt) {
                    c.snd_una = c.snd_nxt;
                    c.state = State::Established;
                    c.retransmit_at = None;
                    c.tries = 0;
                    if let Some(port) = c.listener {
                        self.events.push(Event::Accepted { conn: id, port });
                    }
                } else if seg.control == TcpControl::Syn {
                    // The SYN again: our SYN-ACK was lost.
                    self.conns[id.0] = Some(c);
                    self.emit_syn(id, true);
                    return;
                }
            }
            _ => {}
        }
        // Acknowledgements.
        if let Some(ack) = seg.ack {
            let acked = ack.wrapping_sub(c.snd_una);
            if acked > 0 && acked <= c.in_flight() {
                let fin_acked = c.fin_sent && ack == c.snd_nxt;
                let data = (acked - u32::from(fin_acked)) as usize;
                c.send_buf.drain(..data.min(c.send_buf.len()));
                c.snd_una = ack;
                c.tries = 0;
                c.rto = self.config.rto;
                c.retransmit_at = (c.in_flight() > 0).then(|| now + c.rto);
                if fin_acked {
                    match c.state {
                        State::FinWait1 => {
                            c.state = State::FinWait2;
                            // A peer that never closes does not hold the slot forever.
                            c.time_wait_until = Some(now + FIN_WAIT_2_TIMEOUT);
                        }
                        State::Closing => {
                            c.state = State::TimeWait;
                            c.time_wait_until = Some(now + self.config.time_wait);
                            self.events.push(Event::Closed(id));
                        }
                        State::LastAck => {
                            self.events.push(Event::Closed(id));
                            return; // gone
                        }
                        _ => {}
                    }
                }
            }
            c.snd_wnd = u32::from(seg.window);
        }
        // Data and FIN, in order only.
        let fin = seg.control == TcpControl::Fin;
        let mut must_ack = false;
        if !seg.payload.is_empty() || fin {
            must_ack = true;
            if seg.seq == c.rcv_nxt && matches!(c.state, State::Established | State::FinWait1 | State::FinWait2) {
                if !seg.payload.is_empty() {
                    c.received.extend_from_slice(&seg.payload);
                    c.rcv_nxt = c.rcv_nxt.wrapping_add(seg.payload.len() as u32);
                    self.events.push(Event::Data(id));
                }
                if fin {
                    c.rcv_nxt = c.rcv_nxt.wrapping_add(1);
                    self.events.push(Event::PeerClosed(id));
                    match c.state {
                        State::Established => c.state = State::CloseWait,
                        State::FinWait1 => c.state = State::Closing,
                        State::FinWait2 => {
                            c.state = State::TimeWait;
                            c.time_wait_until = Some(now + self.config.time_wait);
                            self.events.push(Event::Closed(id));
                        }
                        _ => {}
                    }
                }
            }
            // Otherwise a duplicate or a gap: the ACK below says what we have.
        }
        if must_ack {
            let ack = self.segment(&c, TcpControl::None, c.snd_nxt, Some(c.rcv_nxt), &[]);
            self.out.push(ack);
        }
        self.conns[id.0] = Some(c);
        self.push(now, id);
    }

    /// Retransmissions and TIME-WAIT.
    pub fn poll(&mut self, now: Time) {
        for i in 0..self.conns.len() {
            let Some(c) = self.conns[i].as_mut() else { continue };
            if c.time_wait_until.is_some_and(|t| t <= now) {
                self.conns[i] = None;
                continue;
            }
            if c.retransmit_at.is_none_or(|t| t > now) {
                continue;
            }
            let syn = matches!(c.state, State::SynSent | State::SynReceived);
            let limit = if syn { self.config.syn_retries } else { self.config.retries };
            if c.tries >= limit {
                self.conns[i] = None;
                self.events.push(Event::TimedOut(ConnId(i)));
                continue;
            }
            c.tries += 1;
            c.rto = c.rto + c.rto;
            c.retransmit_at = Some(now + c.rto);
            let id = ConnId(i);
            match c.state {
                State::SynSent => self.emit_syn(id, false),
                State::SynReceived => self.emit_syn(id, true),
                _ => {
                    // Go back N: send everything unacknowledged again.
                    let c = self.conns[i].as_mut().expect("checked");
                    c.snd_nxt = c.snd_una;
                    let fin_was_sent = c.fin_sent;
                    c.fin_sent = false;
                    if fin_was_sent {
                        // Back to before our FIN (the peer's, if it came, stays received).
                        c.state = match c.state {
                            State::LastAck | State::Closing => State::CloseWait,
                            _ => State::Established,
                        };
                    }
                    self.push(now, id);
                }
            }
        }
    }

    pub fn poll_at(&self) -> Option<Time> {
        self.conns.iter().flatten().flat_map(|c| c.retransmit_at.into_iter().chain(c.time_wait_until)).min()
    }
}

/// Dissect a TCP header; the data goes on by port, as UDP's does (the
/// destination's if a dissector knows it, else the source's). Sequence
/// numbers are shown raw: Wireshark's relative ones need the whole conversation.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Transmission Control Protocol", "TCP", bytes, base);
    let src = layer.u16("Source Port", field::SRC_PORT, |p| p.to_string());
    let dst = layer.u16("Destination Port", field::DST_PORT, |p| p.to_string());
    let seq = layer.u32("Sequence Number", field::SEQ_NUMBER, |n| n.to_string());
    let ack = layer.u32("Acknowledgment Number", field::ACK_NUMBER, |n| n.to_string());
    let header_len = layer
        .byte("Header Length", field::OFFSET_AND_FLAGS.start, |b| {
            format!("{} bytes ({})", usize::from(b >> 4) * 4, b >> 4)
        })
        .map(|b| usize::from(b >> 4) * 4);
    let flags = layer
        .u16("Flags", field::OFFSET_AND_FLAGS, |f| format!("0x{:03x} ({})", f & 0x0fff, flag_names(f)))
        .map(|f| f & 0x0fff);
    let window = layer.u16("Window", field::WINDOW, |w| w.to_string());
    // The checksum covers a pseudo-header from the IP layer, which is not at hand here.
    layer.u16("Checksum", field::CHECKSUM, |sum| format!("0x{sum:04x} [unverified]"));
    layer.u16("Urgent Pointer", field::URGENT, |p| p.to_string());
    let (Some(src), Some(dst), Some(seq), Some(ack), Some(header_len), Some(flags), Some(window)) =
        (src, dst, seq, ack, header_len, flags, window)
    else {
        layer.finish(out)?;
        return Ok(None);
    };
    if header_len < field::OPTIONS.start {
        layer.invalid("header length under 20 bytes");
    } else if header_len > field::OPTIONS.start {
        layer.field("Options", field::OPTIONS.start..header_len, dissect::preview);
    }
    let data_len = bytes.len().saturating_sub(header_len);
    let shown_ack = if flags & ACK != 0 { format!(" Ack={ack}") } else { String::new() };
    layer.info(format!("{src} → {dst} [{}] Seq={seq}{shown_ack} Win={window} Len={data_len}", flag_names(flags)));
    layer.finish(out)?;
    if data_len == 0 {
        return Ok(None);
    }
    let port = if dissect::dissector(Key::TcpPort(dst)).is_some() { dst } else { src };
    Ok(Some(Next { key: Key::TcpPort(port), payload: header_len..bytes.len() }))
}

/// `SYN, ACK`: the flags set, as Wireshark lists them.
fn flag_names(flags: u16) -> String {
    dissect::flag_names(u32::from(flags), FLAG_NAMES)
}

/// Segments as stacks send them, for other protocols' dissector tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A segment from `from` to `to` carrying `payload`, as a Windows host
    /// sends it (an ACK with PSH when there is data).
    pub fn segment(from: (Ipv4Addr, u16), to: (Ipv4Addr, u16), seq: u32, ack: u32, payload: &[u8]) -> Vec<u8> {
        let control = if payload.is_empty() { TcpControl::None } else { TcpControl::Psh };
        Tcp::new(TcpConfig::WINDOWS, 0).build(from, to, control, seq, Some(ack), None, payload).segment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    /// Carry segments between two stacks until both are quiet.
    fn exchange(a: &mut Tcp, b: &mut Tcp, now: Time) {
        for _ in 0..50 {
            let (from_a, from_b) = (std::mem::take(&mut a.out), std::mem::take(&mut b.out));
            if from_a.is_empty() && from_b.is_empty() {
                return;
            }
            for s in from_a {
                b.receive(now, s.src, s.dst, &s.segment);
            }
            for s in from_b {
                a.receive(now, s.src, s.dst, &s.segment);
            }
        }
    }

    #[test]
    fn a_connection_opens_carries_data_both_ways_and_closes() {
        let (mut client, mut server) = (Tcp::new(TcpConfig::WINDOWS, 1), Tcp::new(TcpConfig::IOS, 2));
        server.listen(80);
        let t = Time::ZERO;
        let c = client.connect(t, ip("10.0.0.1"), ip("10.0.0.2"), 80);
        exchange(&mut client, &mut server, t);
        assert_eq!(client.events, [Event::Connected(c)]);
        let Event::Accepted { conn: s, port: 80 } = server.events[0] else { panic!("{:?}", server.events) };
        let big: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
        client.send(t, c, &big);
        exchange(&mut client, &mut server, t);
        assert_eq!(server.take_received(s), big, "segmented by the IOS side's 536-byte MSS and reassembled");
        server.send(t, s, b"reply");
        server.close(t, s);
        exchange(&mut client, &mut server, t);
        assert_eq!(client.take_received(c), b"reply");
        assert!(client.events.contains(&Event::PeerClosed(c)));
        client.close(t, c);
        exchange(&mut client, &mut server, t);
        // The server closed first: it lingers in TIME-WAIT; the client is gone.
        assert!(client.events.contains(&Event::Closed(c)));
        assert_eq!(server.conn(s).map(|x| x.state), Some(State::TimeWait));
        assert!(client.conn(c).is_none());
    }

    #[test]
    fn a_closed_port_answers_with_a_reset_and_a_silent_host_times_the_syn_out() {
        let (mut client, mut server) = (Tcp::new(TcpConfig::WINDOWS, 1), Tcp::new(TcpConfig::IOS, 2));
        let t = Time::ZERO;
        let c = client.connect(t, ip("10.0.0.1"), ip("10.0.0.2"), 23);
        exchange(&mut client, &mut server, t);
        assert_eq!(client.events, [Event::Reset(c)]);
        client.events.clear();
        let c = client.connect(t, ip("10.0.0.1"), ip("10.0.0.9"), 80);
        let mut last = t;
        while let Some(at) = client.poll_at() {
            last = at;
            client.poll(at);
        }
        assert_eq!(client.out.len(), 3, "a SYN and two retransmissions");
        assert_eq!(client.events, [Event::TimedOut(c)]);
        assert_eq!(last, t + Duration::from_secs(21), "3 + 6 + 12 seconds, as Windows waits");
    }

    #[test]
    fn the_dissector_table_matches_smoltcp() {
        use dissect::testing::assert_contiguous;
        assert_contiguous(
            &[
                ("src", field::SRC_PORT),
                ("dst", field::DST_PORT),
                ("seq", field::SEQ_NUMBER),
                ("ack", field::ACK_NUMBER),
                ("offset and flags", field::OFFSET_AND_FLAGS),
                ("window", field::WINDOW),
                ("checksum", field::CHECKSUM),
                ("urgent", field::URGENT),
            ],
            field::OPTIONS.start,
        );
        let tcp = Tcp::new(TcpConfig::WINDOWS, 1);
        let from = (ip("10.0.0.1"), 49152);
        let b = tcp.build(from, (ip("10.0.0.2"), 80), TcpControl::Syn, 7, Some(9), Some(1460), b"ab").segment;
        let p = TcpPacket::new_checked(&b[..]).unwrap();
        assert_eq!(dissect::u16_at(&b, field::SRC_PORT), Some(p.src_port()));
        assert_eq!(dissect::u16_at(&b, field::DST_PORT), Some(p.dst_port()));
        assert_eq!(dissect::u32_at(&b, field::SEQ_NUMBER), Some(p.seq_number().0 as u32));
        assert_eq!(dissect::u32_at(&b, field::ACK_NUMBER), Some(p.ack_number().0 as u32));
        assert_eq!(usize::from(b[field::OFFSET_AND_FLAGS.start] >> 4) * 4, usize::from(p.header_len()));
        let flags = dissect::u16_at(&b, field::OFFSET_AND_FLAGS).unwrap();
        assert_eq!((flags & 0x002 != 0, flags & ACK != 0), (p.syn(), p.ack()));
        assert_eq!(dissect::u16_at(&b, field::WINDOW), Some(p.window_len()));
        assert_eq!(dissect::u16_at(&b, field::CHECKSUM), Some(p.checksum()));
        assert_eq!(dissect::u16_at(&b, field::URGENT), Some(p.urgent_at()));
        assert_eq!(&b[field::OPTIONS.start..usize::from(p.header_len())], p.options());
    }

    #[test]
    fn segments_read_as_wiresharks_info_column() {
        use dissect::testing::{assert_every_truncation_dissects, ipv4_frame, layer};
        use dissect::{dissect, summary, LinkType};
        let tcp = Tcp::new(TcpConfig::WINDOWS, 1);
        let (client, server) = ((ip("10.0.0.1"), 49152), (ip("10.0.0.2"), 80));
        let frame = |from, to, control, seq, ack, mss, payload: &[u8]| {
            let segment = tcp.build(from, to, control, seq, ack, mss, payload).segment;
            ipv4_frame(from.0, to.0, smoltcp::wire::IpProtocol::Tcp, &segment)
        };
        let syn = frame(client, server, TcpControl::Syn, 0, None, Some(1460), &[]);
        let cases = [
            (syn.clone(), "TCP 49152 → 80 [SYN] Seq=0 Win=64240 Len=0"),
            (
                frame(server, client, TcpControl::Syn, 5000, Some(1), Some(1460), &[]),
                "TCP 80 → 49152 [SYN, ACK] Seq=5000 Ack=1 Win=64240 Len=0",
            ),
            (
                frame(client, server, TcpControl::None, 1, Some(5001), None, &[]),
                "TCP 49152 → 80 [ACK] Seq=1 Ack=5001 Win=64240 Len=0",
            ),
            (
                frame(client, server, TcpControl::Fin, 1, Some(5001), None, &[]),
                "TCP 49152 → 80 [FIN, ACK] Seq=1 Ack=5001 Win=64240 Len=0",
            ),
            (
                frame(server, client, TcpControl::Rst, 5001, Some(2), None, &[]),
                "TCP 80 → 49152 [RST, ACK] Seq=5001 Ack=2 Win=64240 Len=0",
            ),
            // No dissector on either port: the data is shown as data.
            (
                frame((ip("10.0.0.1"), 49153), (ip("10.0.0.2"), 9999), TcpControl::Psh, 1, Some(1), None, b"abc"),
                "TCP 49153 → 9999 [PSH, ACK] Seq=1 Ack=1 Win=64240 Len=3",
            ),
        ];
        for (f, info) in &cases {
            assert_eq!(summary(f, LinkType::Ethernet), *info);
            assert_every_truncation_dissects(f, LinkType::Ethernet);
        }
        let layers = dissect(&syn, LinkType::Ethernet);
        let tcp_layer = layer(&layers, "Transmission Control Protocol");
        assert_eq!(tcp_layer.range, 34..58, "20 bytes and the MSS option");
        assert_eq!(tcp_layer.field("Header Length"), Some("24 bytes (6)"));
        assert_eq!(tcp_layer.field("Flags"), Some("0x002 (SYN)"));
        assert_eq!(tcp_layer.field("Options"), Some("4 bytes: 020405b4"));
        assert_eq!(tcp_layer.field("Checksum").map(|c| c.ends_with("[unverified]")), Some(true));
        let data = dissect(&cases[5].0, LinkType::Ethernet);
        let names: Vec<&str> = data.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "IPv4", "Transmission Control Protocol", dissect::DATA, dissect::PADDING]);
        assert_eq!(data[3].range, 54..57);
    }

    #[test]
    fn a_header_length_under_20_bytes_is_malformed() {
        use dissect::testing::ipv4_frame;
        use dissect::{summary, LinkType};
        let tcp = Tcp::new(TcpConfig::WINDOWS, 1);
        let mut segment =
            tcp.build((ip("10.0.0.1"), 49152), (ip("10.0.0.2"), 80), TcpControl::Syn, 0, None, None, &[]).segment;
        segment[field::OFFSET_AND_FLAGS.start] = 0x40; // 4 words: 16 bytes
        let f = ipv4_frame(ip("10.0.0.1"), ip("10.0.0.2"), smoltcp::wire::IpProtocol::Tcp, &segment);
        assert!(summary(&f, LinkType::Ethernet).ends_with("[Malformed: header length under 20 bytes]"));
    }

    #[test]
    fn lost_data_is_sent_again_after_the_timeout() {
        let (mut client, mut server) = (Tcp::new(TcpConfig::WINDOWS, 1), Tcp::new(TcpConfig::WINDOWS, 2));
        server.listen(80);
        let t = Time::ZERO;
        let c = client.connect(t, ip("10.0.0.1"), ip("10.0.0.2"), 80);
        exchange(&mut client, &mut server, t);
        client.send(t, c, b"GET / HTTP/1.1\r\n\r\n");
        client.out.clear(); // lost on the wire
        let at = client.poll_at().expect("a retransmission is due");
        client.poll(at);
        exchange(&mut client, &mut server, at);
        let Event::Accepted { conn: s, .. } = server.events[0] else { panic!() };
        assert_eq!(server.take_received(s), b"GET / HTTP/1.1\r\n\r\n");
    }
}
