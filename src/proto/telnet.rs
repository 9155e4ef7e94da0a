//! Telnet (RFC 854, options negotiated as RFC 855 says) over TCP port 23:
//! what a Windows `telnet`, an IOS `telnet` and an IOS vty exchange.
//!
//! - [`cmd`] and [`option`]: the command bytes and the option numbers, with
//!   [`option_name`] for the trace.
//! - [`Decoder`]: TCP payload in, as it arrives, [`Item`]s out (data,
//!   negotiations, Go Ahead, subnegotiations), with sequences split across
//!   segments and `IAC IAC` as a literal 0xFF.
//! - [`data`], [`negotiate`], [`go_ahead`], [`two_byte`], [`subnegotiation`]:
//!   the bytes to send.
//! - [`Options`]: which options each end has on, and the answer to a
//!   request. It follows RFC 1143's "Q method" without its queue: a request
//!   that would not change an option's state is never answered, so two ends
//!   cannot answer each other forever.
//!
//! How the lab's two ends use it: an IOS vty, on accept, offers
//! [`SERVER_OFFERS`] (WILL ECHO, DO TERMINAL-TYPE, DO WINDOW-SIZE); the
//! client answers DO ECHO (it lets the server echo), WONT to the other two
//! and refuses anything else it does not know. The client sends whole lines
//! ending in CR LF. Data is left as it came: line endings (CR LF, CR NUL)
//! are the application's.
//!
//! Plain data, no I/O, no clock.

use std::collections::BTreeSet;

pub const PORT: u16 = 23;

/// Command bytes (RFC 854). Each follows an [`cmd::IAC`].
pub mod cmd {
    /// End of subnegotiation.
    pub const SE: u8 = 240;
    pub const NOP: u8 = 241;
    /// Data Mark: where a Synch ends (sent with TCP urgent data).
    pub const DM: u8 = 242;
    /// Break.
    pub const BRK: u8 = 243;
    /// Interrupt Process (Ctrl-C as a command).
    pub const IP: u8 = 244;
    /// Abort Output.
    pub const AO: u8 = 245;
    /// Are You There.
    pub const AYT: u8 = 246;
    /// Erase Character.
    pub const EC: u8 = 247;
    /// Erase Line.
    pub const EL: u8 = 248;
    /// Go Ahead: "your turn" on a half-duplex line.
    pub const GA: u8 = 249;
    /// Start of subnegotiation: `IAC SB option data... IAC SE`.
    pub const SB: u8 = 250;
    pub const WILL: u8 = 251;
    pub const WONT: u8 = 252;
    pub const DO: u8 = 253;
    pub const DONT: u8 = 254;
    /// Interpret As Command; doubled, a literal 0xFF data byte.
    pub const IAC: u8 = 255;
}

/// Option numbers (the IANA registry; the ones terminals of the lab meet).
pub mod option {
    pub const BINARY: u8 = 0;
    pub const ECHO: u8 = 1;
    pub const SUPPRESS_GO_AHEAD: u8 = 3;
    pub const STATUS: u8 = 5;
    pub const TIMING_MARK: u8 = 6;
    pub const TERMINAL_TYPE: u8 = 24;
    /// NAWS, Negotiate About Window Size (RFC 1073).
    pub const WINDOW_SIZE: u8 = 31;
    pub const TERMINAL_SPEED: u8 = 32;
    pub const REMOTE_FLOW_CONTROL: u8 = 33;
    pub const LINEMODE: u8 = 34;
    pub const X_DISPLAY_LOCATION: u8 = 35;
    pub const ENVIRON: u8 = 36;
    pub const NEW_ENVIRON: u8 = 39;
}

/// An option's name for the trace, as the RFCs spell it.
pub fn option_name(option: u8) -> &'static str {
    match option {
        option::BINARY => "BINARY",
        option::ECHO => "ECHO",
        option::SUPPRESS_GO_AHEAD => "SUPPRESS-GO-AHEAD",
        option::STATUS => "STATUS",
        option::TIMING_MARK => "TIMING-MARK",
        option::TERMINAL_TYPE => "TERMINAL-TYPE",
        option::WINDOW_SIZE => "WINDOW-SIZE",
        option::TERMINAL_SPEED => "TERMINAL-SPEED",
        option::REMOTE_FLOW_CONTROL => "REMOTE-FLOW-CONTROL",
        option::LINEMODE => "LINEMODE",
        option::X_DISPLAY_LOCATION => "X-DISPLAY-LOCATION",
        option::ENVIRON => "ENVIRON",
        option::NEW_ENVIRON => "NEW-ENVIRON",
        _ => "unknown option",
    }
}

/// What an IOS vty offers when a connection opens: it echoes what the user
/// types, and asks for the terminal's type and size. It does not offer
/// SUPPRESS-GO-AHEAD: it sends `IAC GA` after each prompt instead, which is
/// exactly what RFC 854 made Go Ahead for ("the output is complete, your
/// turn"), and which tells the lab's client a command has finished.
pub const SERVER_OFFERS: [(Verb, u8); 3] =
    [(Verb::Will, option::ECHO), (Verb::Do, option::TERMINAL_TYPE), (Verb::Do, option::WINDOW_SIZE)];

/// The four negotiation verbs. WILL and WONT are about the sender's own
/// side of an option, DO and DONT about the receiver's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    Will,
    Wont,
    Do,
    Dont,
}

impl Verb {
    pub fn byte(self) -> u8 {
        match self {
            Verb::Will => cmd::WILL,
            Verb::Wont => cmd::WONT,
            Verb::Do => cmd::DO,
            Verb::Dont => cmd::DONT,
        }
    }

    pub fn from_byte(byte: u8) -> Option<Verb> {
        match byte {
            cmd::WILL => Some(Verb::Will),
            cmd::WONT => Some(Verb::Wont),
            cmd::DO => Some(Verb::Do),
            cmd::DONT => Some(Verb::Dont),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Verb::Will => "WILL",
            Verb::Wont => "WONT",
            Verb::Do => "DO",
            Verb::Dont => "DONT",
        }
    }
}

/// One thing a Telnet stream carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// Data bytes, `IAC IAC` already undone.
    Data(Vec<u8>),
    Negotiation {
        verb: Verb,
        option: u8,
    },
    GoAhead,
    /// Any other two-byte command (NOP, AYT, IP, EC, EL...).
    Other(u8),
    /// `IAC SB option data IAC SE`, `IAC IAC` inside undone.
    Subnegotiation {
        option: u8,
        data: Vec<u8>,
    },
}

/// A subnegotiation longer than this is cut (the rest is dropped): the
/// ones in use are a few bytes, and a peer must not make us hold megabytes.
const MAX_SUBNEGOTIATION: usize = 1024;

/// Where the decoder is between two bytes; sequences split across TCP
/// segments resume from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Data,
    /// After IAC.
    Iac,
    /// After IAC WILL/WONT/DO/DONT: the option byte comes next.
    Verb(Verb),
    /// After IAC SB: the option byte comes next.
    Sb,
    /// Inside a subnegotiation.
    SbData(u8),
    /// After IAC inside a subnegotiation.
    SbIac(u8),
}

/// Turns a byte stream into [`Item`]s, one TCP payload at a time.
#[derive(Clone, Debug)]
pub struct Decoder {
    state: State,
    sb: Vec<u8>,
}

impl Default for Decoder {
    fn default() -> Decoder {
        Decoder::new()
    }
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder { state: State::Data, sb: Vec::new() }
    }

    /// The items these bytes complete. Consecutive data comes out as one
    /// `Data` item; data is never held back for the next call (a line typed
    /// in two segments comes out in two items), only an unfinished command.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Item> {
        let mut items = Vec::new();
        let mut data = Vec::new();
        // Data ends where a command starts, so items keep the stream's order.
        let flush = |data: &mut Vec<u8>, items: &mut Vec<Item>| {
            if !data.is_empty() {
                items.push(Item::Data(std::mem::take(data)));
            }
        };
        for &b in bytes {
            self.state = match self.state {
                State::Data if b == cmd::IAC => State::Iac,
                State::Data => {
                    data.push(b);
                    State::Data
                }
                State::Iac => match b {
                    cmd::IAC => {
                        data.push(cmd::IAC);
                        State::Data
                    }
                    _ => {
                        flush(&mut data, &mut items);
                        command(b, &mut items)
                    }
                },
                State::Verb(verb) => {
                    items.push(Item::Negotiation { verb, option: b });
                    State::Data
                }
                State::Sb => {
                    self.sb.clear();
                    State::SbData(b)
                }
                State::SbData(option) if b == cmd::IAC => State::SbIac(option),
                State::SbData(option) => {
                    if self.sb.len() < MAX_SUBNEGOTIATION {
                        self.sb.push(b);
                    }
                    State::SbData(option)
                }
                State::SbIac(option) => match b {
                    cmd::IAC => {
                        if self.sb.len() < MAX_SUBNEGOTIATION {
                            self.sb.push(cmd::IAC);
                        }
                        State::SbData(option)
                    }
                    cmd::SE => {
                        items.push(Item::Subnegotiation { option, data: std::mem::take(&mut self.sb) });
                        State::Data
                    }
                    // A command inside a subnegotiation: the peer forgot IAC SE.
                    // End the subnegotiation there and take the command as one,
                    // rather than swallow the rest of the stream.
                    other => {
                        items.push(Item::Subnegotiation { option, data: std::mem::take(&mut self.sb) });
                        command(other, &mut items)
                    }
                },
            };
        }
        flush(&mut data, &mut items);
        items
    }
}

/// The command byte after an IAC (not a second IAC): a negotiation or a
/// subnegotiation starts, or a two-byte command is complete.
fn command(b: u8, items: &mut Vec<Item>) -> State {
    match (b, Verb::from_byte(b)) {
        (cmd::SB, _) => State::Sb,
        (_, Some(verb)) => State::Verb(verb),
        (cmd::GA, None) => {
            items.push(Item::GoAhead);
            State::Data
        }
        (_, None) => {
            items.push(Item::Other(b));
            State::Data
        }
    }
}

/// Data bytes for the wire: each 0xFF doubled.
pub fn data(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        out.push(b);
        if b == cmd::IAC {
            out.push(cmd::IAC);
        }
    }
    out
}

/// `IAC verb option`.
pub fn negotiate(verb: Verb, option: u8) -> [u8; 3] {
    [cmd::IAC, verb.byte(), option]
}

/// `IAC GA`.
pub fn go_ahead() -> [u8; 2] {
    [cmd::IAC, cmd::GA]
}

/// `IAC command`, for the other two-byte commands (NOP, AYT, IP...).
pub fn two_byte(command: u8) -> [u8; 2] {
    [cmd::IAC, command]
}

/// `IAC SB option data IAC SE` (NAWS's width and height, a terminal type).
pub fn subnegotiation(option: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![cmd::IAC, cmd::SB, option];
    out.extend(data(bytes));
    out.extend([cmd::IAC, cmd::SE]);
    out
}

/// One side of the options (ours or the peer's): RFC 1143's four states are
/// `enabled` and `pending` together: NO (neither), YES (enabled), WANTYES
/// (pending, not enabled: we asked for it on), WANTNO (both: we asked for it
/// off).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Half {
    enabled: BTreeSet<u8>,
    pending: BTreeSet<u8>,
}

impl Half {
    /// The peer asks for the option on (WILL for theirs, DO for ours);
    /// `agree` is this side's policy when the peer asks first.
    /// `Some(true)` to agree, `Some(false)` to refuse, `None` to stay quiet.
    fn on(&mut self, option: u8, agree: bool) -> Option<bool> {
        let (enabled, pending) = (self.enabled.contains(&option), self.pending.remove(&option));
        match (enabled, pending) {
            (false, false) if agree => {
                self.enabled.insert(option);
                Some(true)
            }
            (false, false) => Some(false),
            // Already on: answering would start a loop.
            (true, false) => None,
            // WANTYES: the answer to our own request.
            (false, true) => {
                self.enabled.insert(option);
                None
            }
            // WANTNO answered by WILL/DO: a peer in error; RFC 1143 leaves it off.
            (true, true) => {
                self.enabled.remove(&option);
                None
            }
        }
    }

    /// The peer says the option is (or must be) off (WONT, DONT). Always
    /// agreed to; answered only when it was on and nobody asked.
    fn off(&mut self, option: u8) -> Option<bool> {
        let was_on = self.enabled.remove(&option);
        let asked = self.pending.remove(&option);
        (was_on && !asked).then_some(false)
    }

    /// We ask for the option on or off: pending until the peer answers,
    /// unless it already is so.
    fn ask(&mut self, option: u8, on: bool) {
        if self.enabled.contains(&option) != on && !self.pending.contains(&option) {
            self.pending.insert(option);
        }
    }

    /// On, or asked for.
    fn on_or_wanted(&self, option: u8) -> bool {
        self.enabled.contains(&option) != self.pending.contains(&option)
    }
}

/// Both ends' options on one connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Options this side performs (it said WILL, the peer DO).
    local: Half,
    /// Options the peer performs (it said WILL, we DO).
    remote: Half,
}

impl Options {
    /// Start a negotiation: the bytes to send, with the request recorded so
    /// the peer's answer is taken as an answer and not answered again.
    pub fn offer(&mut self, verb: Verb, option: u8) -> [u8; 3] {
        match verb {
            Verb::Will => self.local.ask(option, true),
            Verb::Wont => self.local.ask(option, false),
            Verb::Do => self.remote.ask(option, true),
            Verb::Dont => self.remote.ask(option, false),
        }
        negotiate(verb, option)
    }

    /// The reply to the peer's `verb option`, if one is due: none when it
    /// answers our own offer or changes nothing. `supported` lists the
    /// options this side agrees to when the peer asks first, whichever end
    /// is to perform them: a vty `[ECHO]` (it echoes), a client `[ECHO]`
    /// (it lets the server echo); everything else is refused.
    pub fn answer(&mut self, verb: Verb, option: u8, supported: &[u8]) -> Option<[u8; 3]> {
        let agree = supported.contains(&option);
        // Both ends echoing would send every character back and forth for
        // ever (RFC 857): ECHO is agreed to for one end at most.
        let echo_taken = |half: &Half| option == option::ECHO && half.on_or_wanted(option);
        let (yes, no, reply) = match verb {
            Verb::Will => {
                let agree = agree && !echo_taken(&self.local);
                (Verb::Do, Verb::Dont, self.remote.on(option, agree))
            }
            Verb::Wont => (Verb::Do, Verb::Dont, self.remote.off(option)),
            Verb::Do => {
                let agree = agree && !echo_taken(&self.remote);
                (Verb::Will, Verb::Wont, self.local.on(option, agree))
            }
            Verb::Dont => (Verb::Will, Verb::Wont, self.local.off(option)),
        };
        reply.map(|agreed| negotiate(if agreed { yes } else { no }, option))
    }

    /// Does the peer perform the option (ECHO: the server echoes)?
    pub fn remote_enabled(&self, option: u8) -> bool {
        self.remote.enabled.contains(&option)
    }

    /// Does this side perform the option?
    pub fn local_enabled(&self, option: u8) -> bool {
        self.local.enabled.contains(&option)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use option::*;

    fn feed_in_chunks(bytes: &[u8], size: usize) -> Vec<Item> {
        let mut d = Decoder::new();
        let items: Vec<Item> = bytes.chunks(size).flat_map(|c| d.feed(c)).collect();
        // Data split by chunking is joined again, to compare with one feed.
        let mut joined: Vec<Item> = Vec::new();
        for item in items {
            match (joined.last_mut(), item) {
                (Some(Item::Data(a)), Item::Data(b)) => a.extend(b),
                (_, item) => joined.push(item),
            }
        }
        joined
    }

    #[test]
    fn sequences_split_anywhere_decode_the_same() {
        let mut wire = Vec::new();
        wire.extend(negotiate(Verb::Will, ECHO));
        wire.extend(data(b"R1>"));
        wire.extend(go_ahead());
        wire.extend(subnegotiation(WINDOW_SIZE, &[0, 80, 0, 24]));
        wire.extend(data(b"show ip\xffroute\r\n"));
        wire.extend(two_byte(cmd::AYT));
        let expected = vec![
            Item::Negotiation { verb: Verb::Will, option: ECHO },
            Item::Data(b"R1>".to_vec()),
            Item::GoAhead,
            Item::Subnegotiation { option: WINDOW_SIZE, data: vec![0, 80, 0, 24] },
            Item::Data(b"show ip\xffroute\r\n".to_vec()),
            Item::Other(cmd::AYT),
        ];
        assert_eq!(Decoder::new().feed(&wire), expected);
        for size in 1..wire.len() {
            assert_eq!(feed_in_chunks(&wire, size), expected, "chunks of {size}");
        }
    }

    #[test]
    fn iac_iac_is_one_data_byte_and_data_is_merged() {
        assert_eq!(data(&[1, 0xff, 2]), [1, 0xff, 0xff, 2]);
        let mut d = Decoder::new();
        assert_eq!(d.feed(&[b'a', 0xff]), [Item::Data(b"a".to_vec())], "the IAC waits for its second byte");
        assert_eq!(d.feed(&[0xff, b'b']), [Item::Data(vec![0xff, b'b'])]);
        // 0xFF inside a subnegotiation, and the terminal type as a client sends it.
        let sb = subnegotiation(TERMINAL_TYPE, &[0, b'V', b'T', 0xff]);
        assert_eq!(sb, [255, 250, 24, 0, b'V', b'T', 255, 255, 255, 240]);
        assert_eq!(d.feed(&sb), [Item::Subnegotiation { option: TERMINAL_TYPE, data: vec![0, b'V', b'T', 0xff] }]);
    }

    #[test]
    fn an_unterminated_or_huge_subnegotiation_does_not_swallow_the_stream() {
        let mut d = Decoder::new();
        let items = d.feed(&[255, 250, 24, 1, 255, 249, b'x']);
        assert_eq!(
            items,
            [Item::Subnegotiation { option: 24, data: vec![1] }, Item::GoAhead, Item::Data(b"x".to_vec())]
        );
        let mut huge = vec![255, 250, 24];
        huge.extend(std::iter::repeat_n(7u8, 100_000));
        huge.extend([255, 240]);
        let items = d.feed(&huge);
        let [Item::Subnegotiation { data, .. }] = &items[..] else { panic!("{items:?}") };
        assert_eq!(data.len(), MAX_SUBNEGOTIATION);
    }

    /// What a vty and a client agree to when asked first.
    const VTY: &[u8] = &[ECHO];
    const CLIENT: &[u8] = &[ECHO, SUPPRESS_GO_AHEAD];

    /// Every negotiation in `bytes`, answered by `opts`: the bytes to send back.
    fn answer_all(opts: &mut Options, supported: &[u8], bytes: &[u8]) -> Vec<u8> {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        for item in d.feed(bytes) {
            if let Item::Negotiation { verb, option } = item {
                out.extend(opts.answer(verb, option, supported).into_iter().flatten());
            }
        }
        out
    }

    #[test]
    fn the_vty_offers_the_client_answers_and_nothing_more_is_said() {
        let (mut server, mut client) = (Options::default(), Options::default());
        let offers: Vec<u8> = SERVER_OFFERS.iter().flat_map(|&(v, o)| server.offer(v, o)).collect();
        assert_eq!(offers, [255, 251, 1, 255, 253, 24, 255, 253, 31]);
        let answers = answer_all(&mut client, CLIENT, &offers);
        assert_eq!(answers, [255, 253, 1, 255, 252, 24, 255, 252, 31], "DO ECHO, WONT TERMINAL-TYPE, WONT WINDOW-SIZE");
        assert!(client.remote_enabled(ECHO) && !client.local_enabled(TERMINAL_TYPE));
        assert!(answer_all(&mut server, VTY, &answers).is_empty(), "the answers only confirm or refuse the offers");
        assert!(server.local_enabled(ECHO));
        assert!(!server.remote_enabled(TERMINAL_TYPE) && !server.remote_enabled(WINDOW_SIZE));
        // The client refuses what it does not know, and says nothing to what it never had.
        assert_eq!(client.answer(Verb::Do, LINEMODE, CLIENT), Some(negotiate(Verb::Wont, LINEMODE)));
        assert_eq!(client.answer(Verb::Will, STATUS, CLIENT), Some(negotiate(Verb::Dont, STATUS)));
        assert_eq!(client.answer(Verb::Wont, STATUS, CLIENT), None);
        // A repeated WILL ECHO changes nothing, so it is not answered.
        assert_eq!(client.answer(Verb::Will, ECHO, CLIENT), None);
        // Asked to echo too, the client refuses: both ends would echo for ever.
        assert_eq!(client.answer(Verb::Do, ECHO, CLIENT), Some(negotiate(Verb::Wont, ECHO)));
        // The server stops echoing: the client agrees, once.
        assert_eq!(client.answer(Verb::Wont, ECHO, CLIENT), Some(negotiate(Verb::Dont, ECHO)));
        assert_eq!(client.answer(Verb::Wont, ECHO, CLIENT), None);
    }

    #[test]
    fn two_ends_never_answer_each_other_forever() {
        // Crossed offers (both ask at once), refusals, and changes of mind,
        // wired end to end: the exchange always falls quiet.
        let scripts: [&[(Verb, u8)]; 5] = [
            &[(Verb::Will, ECHO), (Verb::Do, ECHO)],
            &[(Verb::Do, SUPPRESS_GO_AHEAD), (Verb::Will, SUPPRESS_GO_AHEAD), (Verb::Dont, SUPPRESS_GO_AHEAD)],
            &[(Verb::Will, LINEMODE), (Verb::Wont, LINEMODE), (Verb::Will, LINEMODE)],
            &[(Verb::Dont, ECHO), (Verb::Do, BINARY), (Verb::Will, BINARY)],
            &SERVER_OFFERS,
        ];
        for script in scripts {
            for supported in [[VTY, CLIENT], [CLIENT, CLIENT], [&[][..], VTY]] {
                let (mut a, mut b) = (Options::default(), Options::default());
                let mut to_b: Vec<u8> = script.iter().flat_map(|&(v, o)| a.offer(v, o)).collect();
                let mut to_a: Vec<u8> = script.iter().rev().flat_map(|&(v, o)| b.offer(v, o)).collect();
                let mut rounds = 0;
                while !to_a.is_empty() || !to_b.is_empty() {
                    rounds += 1;
                    assert!(rounds < 10, "{script:?} keeps the two ends talking");
                    let from_b = answer_all(&mut b, supported[1], &to_b);
                    to_b = answer_all(&mut a, supported[0], &to_a);
                    to_a = from_b;
                }
            }
        }
    }

    #[test]
    fn names_for_the_trace() {
        assert_eq!(option_name(WINDOW_SIZE), "WINDOW-SIZE");
        assert_eq!(option_name(200), "unknown option");
        assert_eq!(Verb::from_byte(cmd::DONT).map(Verb::name), Some("DONT"));
    }
}
