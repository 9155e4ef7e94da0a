//! SSH-2 (RFC 4251-4254, ECDH key exchange as RFC 5656 has it) as the wire
//! shows it between an IOS box and its clients: the version lines, the
//! plaintext key exchange, then "encrypted" packets carrying the real
//! messages of authentication and of the session channel.
//!
//! **This is not cryptography.** No key is agreed and nothing is secret: the
//! ECDH points, the host key and its signature are random bytes of the right
//! sizes and shapes, and after NEWKEYS packets are XORed with a keystream
//! that anyone holding the capture can recompute (see `Keys` below). The
//! point is a capture that looks and decodes like SSH (tshark shows the
//! version lines, the Key Exchange Init, the ECDH Init and Reply, New Keys,
//! then packets it cannot open), in a simulator that is a teaching tool.
//!
//! - [`msg`], [`reason`], [`message_name`]: message numbers and disconnect
//!   reason codes.
//! - [`Profile`]: what an end offers (its name-lists, its channel window):
//!   [`Profile::CISCO`] and [`Profile::OPENSSH`] (Windows' client).
//! - [`KexInit`], [`choose`] and [`negotiate`]: the KEXINIT message and RFC
//!   4253 §7.1's rule (the first algorithm of the client's list that the
//!   server also supports).
//! - [`rsa_host_key`]: an `ssh-rsa` public key blob of a given modulus size.
//! - [`Ssh`]: one end of a connection as a state machine: bytes from TCP in
//!   ([`Ssh::feed`], any split), bytes for TCP out ([`Ssh::take_output`]),
//!   [`Event`]s for the application. No I/O, no clock.
//!
//! The flow, client side: version line, KEXINIT, KEX_ECDH_INIT, (the
//! server's KEX_ECDH_REPLY and NEWKEYS), NEWKEYS, SERVICE_REQUEST
//! "ssh-userauth", USERAUTH_REQUEST "none" (as OpenSSH asks which methods
//! the server takes; a banner comes before the answer), then
//! [`Event::PasswordNeeded`], [`Ssh::password`] (USERAUTH_REQUEST
//! "password"), USERAUTH_SUCCESS or [`Event::AuthFailed`], CHANNEL_OPEN
//! "session", CHANNEL_REQUEST "pty-req" and "shell", [`Event::SessionOpen`],
//! then CHANNEL_DATA both ways, [`Ssh::close`] or [`Ssh::disconnect`]. The
//! server mirrors it, asking its application with [`Event::AuthRequest`]
//! and [`Event::ShellStarted`]; how many failed passwords end the
//! connection is the application's choice (IOS's `ip ssh
//! authentication-retries`), made with [`Ssh::disconnect`].
//!
//! **Whose turn.** Real SSH has no "output complete" signal, but the lab's
//! client must know when a command's output has ended and the prompt waits
//! (as Telnet's Go Ahead tells it). The server here sends SSH_MSG_IGNORE
//! right after each prompt ([`Ssh::write`] with `turn`), which any SSH
//! implementation ignores and the lab's client reads as [`Event::Turn`].
//!
//! Not simulated: key re-exchange (a second KEXINIT ends the connection),
//! key exchange methods other than `ecdh-sha2-nistp256`, compression,
//! authentication methods other than "password", more than one channel,
//! the framing of AEAD ciphers (every cipher is framed as a CTR cipher with
//! its MAC after the packet; the lab's IOS offers only `aes*-ctr`).

use std::collections::VecDeque;

use crate::sim::{mix, Rng};

pub const PORT: u16 = 22;

/// The version line of IOS's SSH server and client.
pub const CISCO_VERSION: &str = "SSH-2.0-Cisco-1.25";
/// The version line of the OpenSSH client Windows 10 ships.
pub const WINDOWS_VERSION: &str = "SSH-2.0-OpenSSH_for_Windows_8.1";

/// The largest `packet_length` taken: RFC 4253 §6.1 asks every
/// implementation to take 35000-byte packets, and nothing bigger is needed,
/// so a peer cannot make this side hold more.
pub const MAX_PACKET_LENGTH: usize = 35_000;

/// Message numbers (RFC 4250 §4.1).
pub mod msg {
    pub const DISCONNECT: u8 = 1;
    pub const IGNORE: u8 = 2;
    pub const UNIMPLEMENTED: u8 = 3;
    pub const DEBUG: u8 = 4;
    pub const SERVICE_REQUEST: u8 = 5;
    pub const SERVICE_ACCEPT: u8 = 6;
    pub const KEXINIT: u8 = 20;
    pub const NEWKEYS: u8 = 21;
    pub const KEX_ECDH_INIT: u8 = 30;
    pub const KEX_ECDH_REPLY: u8 = 31;
    pub const USERAUTH_REQUEST: u8 = 50;
    pub const USERAUTH_FAILURE: u8 = 51;
    pub const USERAUTH_SUCCESS: u8 = 52;
    pub const USERAUTH_BANNER: u8 = 53;
    pub const GLOBAL_REQUEST: u8 = 80;
    pub const REQUEST_SUCCESS: u8 = 81;
    pub const REQUEST_FAILURE: u8 = 82;
    pub const CHANNEL_OPEN: u8 = 90;
    pub const CHANNEL_OPEN_CONFIRMATION: u8 = 91;
    pub const CHANNEL_OPEN_FAILURE: u8 = 92;
    pub const CHANNEL_WINDOW_ADJUST: u8 = 93;
    pub const CHANNEL_DATA: u8 = 94;
    pub const CHANNEL_EXTENDED_DATA: u8 = 95;
    pub const CHANNEL_EOF: u8 = 96;
    pub const CHANNEL_CLOSE: u8 = 97;
    pub const CHANNEL_REQUEST: u8 = 98;
    pub const CHANNEL_SUCCESS: u8 = 99;
    pub const CHANNEL_FAILURE: u8 = 100;
}

/// Disconnect reason codes (RFC 4250 §4.2.2).
pub mod reason {
    pub const HOST_NOT_ALLOWED_TO_CONNECT: u32 = 1;
    pub const PROTOCOL_ERROR: u32 = 2;
    pub const KEY_EXCHANGE_FAILED: u32 = 3;
    pub const MAC_ERROR: u32 = 5;
    pub const COMPRESSION_ERROR: u32 = 6;
    pub const SERVICE_NOT_AVAILABLE: u32 = 7;
    pub const PROTOCOL_VERSION_NOT_SUPPORTED: u32 = 8;
    pub const HOST_KEY_NOT_VERIFIABLE: u32 = 9;
    pub const CONNECTION_LOST: u32 = 10;
    pub const BY_APPLICATION: u32 = 11;
    pub const TOO_MANY_CONNECTIONS: u32 = 12;
    pub const AUTH_CANCELLED_BY_USER: u32 = 13;
    pub const NO_MORE_AUTH_METHODS_AVAILABLE: u32 = 14;
    pub const ILLEGAL_USER_NAME: u32 = 15;
}

/// A message's name (`SSH_MSG_KEXINIT`), for errors and the trace.
pub fn message_name(kind: u8) -> &'static str {
    match kind {
        msg::DISCONNECT => "SSH_MSG_DISCONNECT",
        msg::IGNORE => "SSH_MSG_IGNORE",
        msg::UNIMPLEMENTED => "SSH_MSG_UNIMPLEMENTED",
        msg::DEBUG => "SSH_MSG_DEBUG",
        msg::SERVICE_REQUEST => "SSH_MSG_SERVICE_REQUEST",
        msg::SERVICE_ACCEPT => "SSH_MSG_SERVICE_ACCEPT",
        msg::KEXINIT => "SSH_MSG_KEXINIT",
        msg::NEWKEYS => "SSH_MSG_NEWKEYS",
        msg::KEX_ECDH_INIT => "SSH_MSG_KEX_ECDH_INIT",
        msg::KEX_ECDH_REPLY => "SSH_MSG_KEX_ECDH_REPLY",
        msg::USERAUTH_REQUEST => "SSH_MSG_USERAUTH_REQUEST",
        msg::USERAUTH_FAILURE => "SSH_MSG_USERAUTH_FAILURE",
        msg::USERAUTH_SUCCESS => "SSH_MSG_USERAUTH_SUCCESS",
        msg::USERAUTH_BANNER => "SSH_MSG_USERAUTH_BANNER",
        msg::GLOBAL_REQUEST => "SSH_MSG_GLOBAL_REQUEST",
        msg::REQUEST_SUCCESS => "SSH_MSG_REQUEST_SUCCESS",
        msg::REQUEST_FAILURE => "SSH_MSG_REQUEST_FAILURE",
        msg::CHANNEL_OPEN => "SSH_MSG_CHANNEL_OPEN",
        msg::CHANNEL_OPEN_CONFIRMATION => "SSH_MSG_CHANNEL_OPEN_CONFIRMATION",
        msg::CHANNEL_OPEN_FAILURE => "SSH_MSG_CHANNEL_OPEN_FAILURE",
        msg::CHANNEL_WINDOW_ADJUST => "SSH_MSG_CHANNEL_WINDOW_ADJUST",
        msg::CHANNEL_DATA => "SSH_MSG_CHANNEL_DATA",
        msg::CHANNEL_EXTENDED_DATA => "SSH_MSG_CHANNEL_EXTENDED_DATA",
        msg::CHANNEL_EOF => "SSH_MSG_CHANNEL_EOF",
        msg::CHANNEL_CLOSE => "SSH_MSG_CHANNEL_CLOSE",
        msg::CHANNEL_REQUEST => "SSH_MSG_CHANNEL_REQUEST",
        msg::CHANNEL_SUCCESS => "SSH_MSG_CHANNEL_SUCCESS",
        msg::CHANNEL_FAILURE => "SSH_MSG_CHANNEL_FAILURE",
        _ => "unknown message",
    }
}

/// The binary packet (RFC 4253 §6), before encryption; the MAC, once keys
/// are in use, follows it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    /// Bytes that follow, not counting itself or the MAC.
    pub const PACKET_LENGTH: Field = 0..4;
    pub const PADDING_LENGTH: usize = 4;
    /// The payload (its first byte the message number), then the padding.
    pub const PAYLOAD: Rest = 5..;
}

/// SSH_MSG_KEXINIT's fixed start (RFC 4253 §7.1); ten name-lists, a
/// boolean and a reserved uint32 follow.
mod kexinit_field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const MESSAGE: usize = 0;
    /// Random bytes, so that neither side alone decides the exchange hash.
    pub const COOKIE: Field = 1..17;
    pub const NAME_LISTS: Rest = 17..;
}

/// An uncompressed point on nistp256 (SEC 1 §2.3.3), as Q_C and Q_S are sent.
mod point_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// 0x04: uncompressed, both coordinates follow.
    pub const FORM: usize = 0;
    pub const X: Field = 1..33;
    pub const Y: Field = 33..65;
    pub const LEN: usize = 65;
}

const UNCOMPRESSED_POINT: u8 = 0x04;

/// The one key exchange method simulated.
const KEX_ECDH: &str = "ecdh-sha2-nistp256";

/// What one end offers: its name-lists (the same in both directions), and
/// the session channel it opens or accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    pub kex: &'static str,
    pub host_key: &'static str,
    pub ciphers: &'static str,
    pub macs: &'static str,
    pub compression: &'static str,
    /// The channel window it grants the peer, and the largest data packet
    /// it takes.
    pub window: u32,
    pub max_packet: u32,
    /// The terminal type a client asks its pty for.
    pub term: &'static str,
}

impl Profile {
    /// An IOS box, server or client: `SSH-2.0-Cisco-1.25` and its lists;
    /// the 8192-byte window of `ip ssh window-size`'s default. Its host key
    /// signs with `ssh-rsa` only, as IOS 15 does (the SHA-2 signatures came
    /// with IOS XE 17), so Windows' client settles on `ssh-rsa` too; tshark
    /// 4.0 also cannot walk an `rsa-sha2-256` signature and warns on it.
    pub const CISCO: Profile = Profile {
        kex: "ecdh-sha2-nistp256,diffie-hellman-group14-sha1",
        host_key: "ssh-rsa",
        ciphers: "aes128-ctr,aes192-ctr,aes256-ctr",
        macs: "hmac-sha2-256,hmac-sha1",
        compression: "none",
        window: 8192,
        max_packet: 4096,
        term: "vt100",
    };

    /// OpenSSH 8.1's client defaults, as Windows 10 ships them
    /// (`ext-info-c` is a signal, not a method: no server lists it). Against
    /// an IOS server they agree on ecdh-sha2-nistp256, ssh-rsa, aes128-ctr
    /// and hmac-sha2-256, as a real pair does.
    pub const OPENSSH: Profile = Profile {
        kex: "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,\
              ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,\
              diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,ext-info-c",
        host_key: "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,\
                   ecdsa-sha2-nistp521-cert-v01@openssh.com,ssh-ed25519-cert-v01@openssh.com,\
                   rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,\
                   ssh-rsa-cert-v01@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,\
                   ssh-ed25519,rsa-sha2-512,rsa-sha2-256,ssh-rsa",
        ciphers: "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,\
                  aes128-gcm@openssh.com,aes256-gcm@openssh.com",
        macs: "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,\
               hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,\
               umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
        compression: "none,zlib@openssh.com,zlib",
        window: 2 * 1024 * 1024,
        max_packet: 32 * 1024,
        term: "xterm",
    };

    /// The profile of the software a version line names: OpenSSH's for an
    /// OpenSSH version, IOS's otherwise.
    pub fn for_version(version: &str) -> Profile {
        if version.contains("OpenSSH") {
            Profile::OPENSSH
        } else {
            Profile::CISCO
        }
    }
}

/// SSH_MSG_KEXINIT: a cookie and what one end offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KexInit {
    pub cookie: [u8; 16],
    pub kex: String,
    pub host_key: String,
    pub cipher_c2s: String,
    pub cipher_s2c: String,
    pub mac_c2s: String,
    pub mac_s2c: String,
    pub compression_c2s: String,
    pub compression_s2c: String,
    pub language_c2s: String,
    pub language_s2c: String,
    /// A guessed key exchange packet follows (never, from this side).
    pub first_kex_packet_follows: bool,
}

impl KexInit {
    pub fn new(profile: &Profile, cookie: [u8; 16]) -> KexInit {
        let s = |s: &str| s.to_string();
        KexInit {
            cookie,
            kex: s(profile.kex),
            host_key: s(profile.host_key),
            cipher_c2s: s(profile.ciphers),
            cipher_s2c: s(profile.ciphers),
            mac_c2s: s(profile.macs),
            mac_s2c: s(profile.macs),
            compression_c2s: s(profile.compression),
            compression_s2c: s(profile.compression),
            language_c2s: String::new(),
            language_s2c: String::new(),
            first_kex_packet_follows: false,
        }
    }

    /// The ten name-lists in their order on the wire.
    fn lists(&self) -> [&String; 10] {
        [
            &self.kex,
            &self.host_key,
            &self.cipher_c2s,
            &self.cipher_s2c,
            &self.mac_c2s,
            &self.mac_s2c,
            &self.compression_c2s,
            &self.compression_s2c,
            &self.language_c2s,
            &self.language_s2c,
        ]
    }

    fn lists_mut(&mut self) -> [&mut String; 10] {
        [
            &mut self.kex,
            &mut self.host_key,
            &mut self.cipher_c2s,
            &mut self.cipher_s2c,
            &mut self.mac_c2s,
            &mut self.mac_s2c,
            &mut self.compression_c2s,
            &mut self.compression_s2c,
            &mut self.language_c2s,
            &mut self.language_s2c,
        ]
    }

    /// The message (the payload of its packet).
    pub fn emit(&self) -> Vec<u8> {
        let mut w = Writer::message(msg::KEXINIT).raw(&self.cookie);
        for list in self.lists() {
            w = w.string(list);
        }
        w.boolean(self.first_kex_packet_follows).uint32(0).done()
    }

    /// A KEXINIT payload; `None` when it is not one or is cut short.
    pub fn parse(payload: &[u8]) -> Option<KexInit> {
        if payload.get(kexinit_field::MESSAGE) != Some(&msg::KEXINIT) {
            return None;
        }
        let mut k = KexInit { cookie: payload.get(kexinit_field::COOKIE)?.try_into().ok()?, ..KexInit::default() };
        let mut r = Reader::inner(payload.get(kexinit_field::NAME_LISTS)?, msg::KEXINIT);
        for list in k.lists_mut() {
            // Names are US-ASCII (RFC 4251 §5): anything else is not a name-list.
            *list = r.text().ok().filter(|t| t.is_ascii())?;
        }
        k.first_kex_packet_follows = r.boolean().ok()?;
        r.uint32().ok()?; // reserved
        Some(k)
    }
}

/// What a key exchange agreed, one name each. The client-to-server ones are
/// IOS `show ssh`'s "IN" line on the server, the others its "OUT" line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Algorithms {
    pub kex: String,
    pub host_key: String,
    /// Client to server.
    pub cipher: String,
    pub mac: String,
    pub compression: String,
    /// Server to client.
    pub cipher_s2c: String,
    pub mac_s2c: String,
    pub compression_s2c: String,
}

/// RFC 4253 §7.1's rule: the first algorithm on the client's name-list that
/// is also on the server's.
pub fn choose<'a>(client: &'a str, server: &str) -> Option<&'a str> {
    client.split(',').find(|c| !c.is_empty() && server.split(',').any(|s| s == *c))
}

/// Both ends' KEXINITs agreed, or why not, in OpenSSH's words.
pub fn negotiate(client: &KexInit, server: &KexInit) -> Result<Algorithms, String> {
    let pick =
        |c: &str, s: &str, what: &str| choose(c, s).map(str::to_string).ok_or(format!("no matching {what} found"));
    Ok(Algorithms {
        kex: pick(&client.kex, &server.kex, "key exchange method")?,
        host_key: pick(&client.host_key, &server.host_key, "host key type")?,
        cipher: pick(&client.cipher_c2s, &server.cipher_c2s, "cipher")?,
        mac: pick(&client.mac_c2s, &server.mac_c2s, "MAC")?,
        compression: pick(&client.compression_c2s, &server.compression_c2s, "compression method")?,
        cipher_s2c: pick(&client.cipher_s2c, &server.cipher_s2c, "cipher")?,
        mac_s2c: pick(&client.mac_s2c, &server.mac_s2c, "MAC")?,
        compression_s2c: pick(&client.compression_s2c, &server.compression_s2c, "compression method")?,
    })
}

/// The cipher's block size: what packets are padded to once it is on.
fn block_size(cipher: &str) -> usize {
    match cipher {
        "3des-cbc" | "blowfish-cbc" | "chacha20-poly1305@openssh.com" => 8,
        _ => 16, // AES in every mode
    }
}

/// The MAC's length in bytes.
fn mac_length(mac: &str) -> usize {
    match mac.trim_end_matches("-etm@openssh.com") {
        "hmac-md5" | "umac-128@openssh.com" | "umac-128" => 16,
        "hmac-sha1" => 20,
        "umac-64@openssh.com" | "umac-64" => 8,
        "hmac-sha2-512" => 64,
        _ => 32, // hmac-sha2-256
    }
}

/// The RSA modulus sizes taken (IOS's `crypto key generate rsa` range);
/// others are brought inside it.
fn modulus_bits(bits: u32) -> usize {
    bits.clamp(360, 4096) as usize
}

/// An `ssh-rsa` public key blob (RFC 4253 §6.6): `string "ssh-rsa"`,
/// `mpint e` (65537), `mpint n`, with n random bytes of `bits` bits, its
/// top bit set (so the key has that size) and odd (as a product of two odd
/// primes is). The same seed gives the same key.
pub fn rsa_host_key(bits: u32, seed: u64) -> Vec<u8> {
    let bits = modulus_bits(bits);
    let mut n = vec![0u8; bits.div_ceil(8)];
    fill(&mut Rng::new(seed), &mut n);
    let top = (bits - 1) % 8;
    n[0] = (n[0] & ((1u16 << (top + 1)) - 1) as u8) | 1 << top;
    let last = n.len() - 1;
    n[last] |= 1;
    Writer::default().string(b"ssh-rsa").mpint(&[0x01, 0x00, 0x01]).mpint(&n).done()
}

/// Where a connection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the peer's version line.
    VersionExchange,
    /// KEXINIT to NEWKEYS.
    KeyExchange,
    /// Keys in use; the user is not authenticated yet.
    Auth,
    /// Authenticated: the session channel opens and carries the shell.
    Session,
    /// Disconnected, or the channel closed both ways: nothing more happens.
    Closed,
}

/// Which end this is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// A client logging in as `user`.
    Client { user: String },
    /// A server whose RSA host key has this modulus size.
    Server { modulus_bits: u32 },
}

/// What the application must hear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Client: keys are exchanged and the server asks for a password: ask
    /// the user for it and pass it to [`Ssh::password`].
    PasswordNeeded,
    /// Client: the password was refused; ask again (or give up).
    AuthFailed,
    /// Client: the server's pre-login banner (USERAUTH_BANNER).
    Banner(String),
    /// Client: the shell started.
    SessionOpen,
    /// Client: output from the server.
    Data(Vec<u8>),
    /// Client: the server's output is complete, its prompt waits (the
    /// SSH_MSG_IGNORE it sends after a prompt).
    Turn,
    /// Server: a password to check; answer with [`Ssh::auth_result`].
    AuthRequest { user: String, password: String },
    /// Server: the client asked for the shell: send the banner and prompt.
    ShellStarted,
    /// Server: what the client typed.
    Input(Vec<u8>),
    /// The peer disconnected (SSH_MSG_DISCONNECT), or this side did on a
    /// protocol error (then with words as OpenSSH's).
    Disconnected { reason: u32, description: String },
    /// The peer ended the session channel (CHANNEL_EOF or CHANNEL_CLOSE).
    Closed,
}

/// Why this side ends a connection: a reason code and its words.
type Fail = (u32, String);

fn protocol_error(words: impl Into<String>) -> Fail {
    (reason::PROTOCOL_ERROR, words.into())
}

/// The fields of a message (RFC 4251 §5 types), written in order.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn message(kind: u8) -> Writer {
        Writer(vec![kind])
    }

    fn raw(mut self, bytes: &[u8]) -> Writer {
        self.0.extend_from_slice(bytes);
        self
    }

    fn byte(mut self, b: u8) -> Writer {
        self.0.push(b);
        self
    }

    fn boolean(self, b: bool) -> Writer {
        self.byte(u8::from(b))
    }

    fn uint32(self, v: u32) -> Writer {
        self.raw(&v.to_be_bytes())
    }

    fn string(self, s: impl AsRef<[u8]>) -> Writer {
        let s = s.as_ref();
        self.uint32(s.len() as u32).raw(s)
    }

    /// A non-negative integer from its big-endian magnitude: no leading
    /// zero bytes, except one when the top bit is set, which would
    /// otherwise make it negative (RFC 4251 §5).
    fn mpint(self, magnitude: &[u8]) -> Writer {
        let digits = &magnitude[magnitude.iter().position(|&b| b != 0).unwrap_or(magnitude.len())..];
        let mut v = Vec::with_capacity(digits.len() + 1);
        if digits.first().is_some_and(|&b| b & 0x80 != 0) {
            v.push(0);
        }
        v.extend_from_slice(digits);
        self.string(v)
    }

    fn done(self) -> Vec<u8> {
        self.0
    }
}

/// Reads a message's fields; a field cut short is a malformed message,
/// never a panic.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The message read, for the words of an error.
    kind: u8,
}

impl<'a> Reader<'a> {
    /// A message's fields, after its message number.
    fn message(payload: &'a [u8]) -> Reader<'a> {
        Reader { bytes: payload, at: 1, kind: payload.first().copied().unwrap_or(0) }
    }

    /// A blob carried in message `kind` (a key, a signature), from its start.
    fn inner(bytes: &'a [u8], kind: u8) -> Reader<'a> {
        Reader { bytes, at: 0, kind }
    }

    fn malformed(&self) -> Fail {
        protocol_error(format!("malformed {}", message_name(self.kind)))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Fail> {
        let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len()).ok_or_else(|| self.malformed())?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn boolean(&mut self) -> Result<bool, Fail> {
        Ok(self.take(1)?[0] != 0)
    }

    fn uint32(&mut self) -> Result<u32, Fail> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<&'a [u8], Fail> {
        let n = self.uint32()? as usize;
        self.take(n)
    }

    fn text(&mut self) -> Result<String, Fail> {
        let s = self.string()?;
        String::from_utf8(s.to_vec()).map_err(|_| self.malformed())
    }
}

/// Random bytes from the seeded generator.
fn fill(rng: &mut Rng, out: &mut [u8]) {
    for chunk in out.chunks_mut(8) {
        let word = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

/// FNV-1a over `bytes`, continuing from `h`, then SplitMix64's finaliser.
fn fold(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One direction's "keys" once NEWKEYS is sent or received. NOT
/// cryptography: a deterministic stand-in anyone can recompute.
///
/// - The keystream is SplitMix64 ([`crate::sim::Rng`]) seeded with FNV-1a
///   (then SplitMix64's finaliser) of a letter, the client's KEXINIT
///   cookie, the server's, Q_C and Q_S; its 64-bit outputs, least
///   significant byte first, are XORed over every byte of every packet in
///   that direction (length included), one packet after the other, as a
///   CTR cipher would be. The letters are RFC 4253 §7.2's: 'C' client to
///   server, 'D' server to client.
/// - The MAC key is the same hash with 'E' (client to server) or 'F'. A
///   packet's MAC is FNV-1a from that key over the packet's sequence
///   number (uint32) and its plaintext, expanded by SplitMix64 to the
///   MAC's length; it is sent in clear after the packet, as SSH does.
#[derive(Clone, Debug)]
struct Keys {
    stream: Rng,
    /// Keystream bytes drawn and not used yet (`left` of them, low byte next).
    word: u64,
    left: u32,
    mac_key: u64,
    block: usize,
    mac_len: usize,
}

impl Keys {
    fn derive(letters: (u8, u8), material: &[&[u8]], cipher: &str, mac: &str) -> Keys {
        let hash = |letter: u8| material.iter().fold(fold(FNV_OFFSET, &[letter]), |h, m| fold(h, m));
        Keys {
            stream: Rng::new(hash(letters.0)),
            word: 0,
            left: 0,
            mac_key: hash(letters.1),
            block: block_size(cipher),
            mac_len: mac_length(mac),
        }
    }

    /// XOR the next keystream bytes over `bytes` (encrypts and decrypts).
    fn apply(&mut self, bytes: &mut [u8]) {
        for b in bytes {
            if self.left == 0 {
                self.word = self.stream.next_u64();
                self.left = 8;
            }
            *b ^= self.word as u8;
            self.word >>= 8;
            self.left -= 1;
        }
    }

    fn mac(&self, seq: u32, packet: &[u8]) -> Vec<u8> {
        let mut rng = Rng::new(fold(fold(self.mac_key, &seq.to_be_bytes()), packet));
        let mut mac = vec![0; self.mac_len];
        fill(&mut rng, &mut mac);
        mac
    }
}

/// Something written to the session channel, waiting for the peer's window.
#[derive(Clone, Debug)]
enum Chunk {
    Data(Vec<u8>),
    /// The IGNORE that marks the end of the output.
    Turn,
}

/// The session channel (RFC 4254 §5).
#[derive(Clone, Debug)]
struct Channel {
    /// Our number for it, and the peer's.
    ours: u32,
    theirs: u32,
    /// What the peer still takes (its window) and its largest data packet.
    send_window: u32,
    send_max: u32,
    /// What we still take before we must grant more.
    recv_window: u32,
    /// The shell runs: data flows.
    shell: bool,
    /// Client: the requests sent with want_reply, oldest first.
    requests: VecDeque<&'static str>,
    eof_sent: bool,
    close_sent: bool,
    /// The peer sent EOF or CLOSE (Event::Closed is said once).
    peer_done: bool,
    close_received: bool,
}

/// Channel numbers: any will do; two different ones keep each end honest
/// about which number is whose.
const CLIENT_CHANNEL: u32 = 0;
const SERVER_CHANNEL: u32 = 1;

/// The longest version line (RFC 4253 §4.2: 255 characters with CR LF), and
/// how many other lines may come before it.
const MAX_VERSION_LINE: usize = 255;
const MAX_LINES_BEFORE_VERSION: usize = 32;

/// The most channel data put in one packet, so every packet stays under
/// [`MAX_PACKET_LENGTH`] whatever the peer's maximum.
const MAX_DATA_PER_PACKET: u32 = 32_768;

/// One end of an SSH connection.
#[derive(Clone, Debug)]
pub struct Ssh {
    side: Side,
    profile: Profile,
    version: String,
    rng: Rng,
    phase: Phase,
    out: Vec<u8>,
    events: Vec<Event>,
    /// Received and not yet taken as a line or a whole packet.
    inbuf: Vec<u8>,
    peer_version: Option<String>,
    lines_before_version: usize,
    // The binary packet protocol.
    seq_out: u32,
    seq_in: u32,
    tx: Option<Keys>,
    rx: Option<Keys>,
    /// The first block of the packet being received, decrypted to read its length.
    rx_head: Option<Vec<u8>>,
    // The key exchange.
    ours: KexInit,
    theirs: Option<KexInit>,
    algorithms: Option<Algorithms>,
    q_c: Vec<u8>,
    q_s: Vec<u8>,
    /// The server's host key blob: a server's own, a client's once received.
    host_key: Vec<u8>,
    /// The peer guessed its first key exchange packet wrong: drop it.
    skip_guess: bool,
    newkeys_sent: bool,
    newkeys_received: bool,
    // Authentication.
    service_accepted: bool,
    /// Server: requests passed to the application and not answered yet.
    auth_pending: u32,
    /// Server: the banner to send when authentication starts.
    banner: Option<String>,
    /// Client: the "none" request is out; its failure lists the methods.
    none_pending: bool,
    /// The user logging in (a client's own; a server's from the request).
    user: Option<String>,
    // The connection protocol.
    channel_requested: bool,
    channel: Option<Channel>,
    queue: VecDeque<Chunk>,
}

impl Ssh {
    /// A new end, its version line already queued: both ends send theirs as
    /// soon as the TCP connection opens. Its profile follows the version
    /// ([`Profile::for_version`]); `seed` makes every random field (cookie,
    /// padding, points, the server's host key) reproducible.
    pub fn new(side: Side, version: &str, seed: u64) -> Ssh {
        Ssh::with_profile(side, version, Profile::for_version(version), seed)
    }

    pub fn with_profile(side: Side, version: &str, profile: Profile, seed: u64) -> Ssh {
        // The two ends of one connection may be given the same seed; their
        // cookies and padding still differ.
        let salt = match side {
            Side::Client { .. } => 0x636c_6965_6e74,
            Side::Server { .. } => 0x7365_7276_6572,
        };
        let mut rng = Rng::new(mix(seed ^ salt));
        let mut cookie = [0u8; 16];
        fill(&mut rng, &mut cookie);
        let (host_key, user) = match &side {
            Side::Server { modulus_bits } => (rsa_host_key(*modulus_bits, mix(seed)), None),
            Side::Client { user } => (Vec::new(), Some(user.clone())),
        };
        let version = version.lines().next().unwrap_or_default().to_string();
        let mut out = version.clone().into_bytes();
        out.extend_from_slice(b"\r\n");
        Ssh {
            side,
            profile,
            version,
            rng,
            phase: Phase::VersionExchange,
            out,
            events: Vec::new(),
            inbuf: Vec::new(),
            peer_version: None,
            lines_before_version: 0,
            seq_out: 0,
            seq_in: 0,
            tx: None,
            rx: None,
            rx_head: None,
            ours: KexInit::new(&profile, cookie),
            theirs: None,
            algorithms: None,
            q_c: Vec::new(),
            q_s: Vec::new(),
            host_key,
            skip_guess: false,
            newkeys_sent: false,
            newkeys_received: false,
            service_accepted: false,
            auth_pending: 0,
            banner: None,
            none_pending: false,
            user,
            channel_requested: false,
            channel: None,
            queue: VecDeque::new(),
        }
    }

    /// Server: the host key from `key_seed` instead of the connection's
    /// seed, so a box shows the same key on every connection until its
    /// keys are generated again.
    pub fn with_host_key_seed(mut self, key_seed: u64) -> Ssh {
        if let Side::Server { modulus_bits } = self.side {
            self.host_key = rsa_host_key(modulus_bits, key_seed);
        }
        self
    }

    fn is_server(&self) -> bool {
        matches!(self.side, Side::Server { .. })
    }

    /// Bytes from TCP, in any split.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.phase == Phase::Closed {
            return;
        }
        self.inbuf.extend_from_slice(bytes);
        while self.phase != Phase::Closed {
            let step = if self.peer_version.is_none() { self.read_version() } else { self.read_packet() };
            match step {
                Ok(true) => {}
                Ok(false) => break,
                Err((code, words)) => self.fail(code, words),
            }
        }
    }

    /// Bytes to hand to TCP.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn state(&self) -> Phase {
        self.phase
    }

    /// The peer's version line, without its CR LF.
    pub fn peer_version(&self) -> Option<&str> {
        self.peer_version.as_deref()
    }

    /// This side's version line.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// What the key exchange agreed (`show ssh`).
    pub fn negotiated(&self) -> Option<&Algorithms> {
        self.algorithms.as_ref()
    }

    /// What the peer offered in its KEXINIT.
    pub fn peer_kexinit(&self) -> Option<&KexInit> {
        self.theirs.as_ref()
    }

    /// The server's host key blob (a client's once the server sent it).
    pub fn host_key(&self) -> Option<&[u8]> {
        (!self.host_key.is_empty()).then_some(&self.host_key[..])
    }

    /// The user logging in: a client's own, the one a server was last asked for.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Client: the answer to [`Event::PasswordNeeded`] or [`Event::AuthFailed`].
    pub fn password(&mut self, password: &str) {
        let Some(user) = self.user.clone() else { return };
        if self.is_server() || self.phase != Phase::Auth || !self.service_accepted || self.none_pending {
            return;
        }
        let request = Writer::message(msg::USERAUTH_REQUEST)
            .string(user)
            .string("ssh-connection")
            .string("password")
            .boolean(false)
            .string(password)
            .done();
        self.send_packet(request);
    }

    /// Client: a typed line (with its "\r\n") for the server. Held until
    /// the shell runs and the server's window takes it.
    pub fn send(&mut self, data: &[u8]) {
        self.write(data, false);
    }

    /// Server: the answer to [`Event::AuthRequest`]. On success the client
    /// opens the session; on failure it may try again.
    pub fn auth_result(&mut self, ok: bool) {
        if !self.is_server() || self.auth_pending == 0 || self.phase != Phase::Auth {
            return;
        }
        self.auth_pending -= 1;
        if ok {
            self.auth_pending = 0;
            self.phase = Phase::Session;
            self.send_packet(Writer::message(msg::USERAUTH_SUCCESS).done());
        } else {
            self.send_failure();
        }
    }

    /// Server: the pre-login banner (IOS's `banner login`), which the
    /// client shows before it asks for the password ([`Event::Banner`]).
    /// It goes out when authentication starts, or at once if it has.
    pub fn banner(&mut self, text: &str) {
        if !self.is_server() || matches!(self.phase, Phase::Session | Phase::Closed) {
            return;
        }
        self.banner = Some(text.to_string());
        if self.service_accepted {
            self.send_banner();
        }
    }

    fn send_banner(&mut self) {
        if let Some(text) = self.banner.take() {
            self.send_packet(Writer::message(msg::USERAUTH_BANNER).string(text).string("").done());
        }
    }

    /// Output for the channel; `turn` marks its end (an IGNORE follows: the
    /// prompt waits). Held until the shell runs and the window takes it.
    pub fn write(&mut self, data: &[u8], turn: bool) {
        if self.phase == Phase::Closed {
            return;
        }
        if !data.is_empty() {
            self.queue.push_back(Chunk::Data(data.to_vec()));
        }
        if turn {
            self.queue.push_back(Chunk::Turn);
        }
        self.flush();
    }

    /// End the session channel (CHANNEL_EOF, CHANNEL_CLOSE); the peer closes
    /// its side in turn. Output still waiting for the peer's window is
    /// dropped.
    pub fn close(&mut self) {
        if self.phase == Phase::Closed {
            return;
        }
        let Some(ch) = self.channel.as_mut().filter(|c| !c.close_sent) else { return };
        let theirs = ch.theirs;
        let eof = !std::mem::replace(&mut ch.eof_sent, true);
        ch.close_sent = true;
        let done = ch.close_received;
        if eof {
            self.send_packet(Writer::message(msg::CHANNEL_EOF).uint32(theirs).done());
        }
        self.send_packet(Writer::message(msg::CHANNEL_CLOSE).uint32(theirs).done());
        if done {
            self.phase = Phase::Closed;
        }
    }

    /// Send SSH_MSG_DISCONNECT and stop (`reason` from [`reason`]).
    pub fn disconnect(&mut self, reason: u32, description: &str) {
        if self.phase == Phase::Closed {
            return;
        }
        self.send_disconnect(reason, description);
        self.stop();
    }

    fn send_disconnect(&mut self, reason: u32, description: &str) {
        let payload = Writer::message(msg::DISCONNECT).uint32(reason).string(description).string("").done();
        self.send_packet(payload);
    }

    fn stop(&mut self) {
        self.phase = Phase::Closed;
        self.inbuf.clear();
        self.rx_head = None;
        self.queue.clear();
    }

    /// A protocol error: the application hears why, and so does the peer
    /// once binary packets flow (not before its version line came: it may
    /// not be SSH at all).
    fn fail(&mut self, code: u32, words: String) {
        if self.peer_version.is_some() {
            self.send_disconnect(code, &words);
        }
        self.events.push(Event::Disconnected { reason: code, description: words });
        self.stop();
    }

    /// The peer's version line, after any other lines (RFC 4253 §4.2).
    /// `Ok(false)`: it has not all come yet.
    fn read_version(&mut self) -> Result<bool, Fail> {
        let Some(end) = self.inbuf.iter().position(|&b| b == b'\n') else {
            if self.inbuf.len() > MAX_VERSION_LINE {
                return Err(protocol_error("Invalid SSH identification string (line too long)"));
            }
            return Ok(false);
        };
        let line: Vec<u8> = self.inbuf.drain(..=end).collect();
        let line = line.strip_suffix(b"\n").unwrap_or(&line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() + 2 > MAX_VERSION_LINE {
            return Err(protocol_error("Invalid SSH identification string (line too long)"));
        }
        if !line.starts_with(b"SSH-") {
            self.lines_before_version += 1;
            if self.lines_before_version > MAX_LINES_BEFORE_VERSION {
                return Err(protocol_error("No SSH identification string received"));
            }
            return Ok(true);
        }
        let text = std::str::from_utf8(line)
            .ok()
            .filter(|t| t.bytes().all(|b| b.is_ascii_graphic() || b == b' '))
            .ok_or_else(|| protocol_error("Invalid SSH identification string"))?;
        let proto = text["SSH-".len()..].split('-').next().unwrap_or_default();
        if proto != "2.0" && proto != "1.99" {
            return Err((reason::PROTOCOL_VERSION_NOT_SUPPORTED, "Protocol major versions differ".into()));
        }
        self.peer_version = Some(text.to_string());
        self.phase = Phase::KeyExchange;
        self.send_packet(self.ours.emit());
        Ok(true)
    }

    /// One whole binary packet, decrypted and checked, then acted on.
    /// `Ok(false)`: it has not all come yet.
    fn read_packet(&mut self) -> Result<bool, Fail> {
        let (block, mac_len) = self.rx.as_ref().map_or((8, 0), |k| (k.block, k.mac_len));
        if self.rx_head.is_none() {
            if self.inbuf.len() < block {
                return Ok(false);
            }
            let mut head = self.inbuf[..block].to_vec();
            if let Some(keys) = &mut self.rx {
                keys.apply(&mut head);
            }
            let len = packet_length(&head);
            // Checked before anything waits for it: a length no packet has
            // (garbage, a wrong key) ends the connection at once.
            if len > MAX_PACKET_LENGTH || !(len + 4).is_multiple_of(block) || len + 4 < 16 {
                return Err(protocol_error(format!("Bad packet length {len}.")));
            }
            self.rx_head = Some(head);
        }
        let len = self.rx_head.as_deref().map_or(0, packet_length);
        let total = 4 + len;
        if self.inbuf.len() < total + mac_len {
            return Ok(false);
        }
        let mut packet = self.rx_head.take().unwrap_or_default();
        let mut rest = self.inbuf[block..total].to_vec();
        if let Some(keys) = &mut self.rx {
            keys.apply(&mut rest);
            packet.extend_from_slice(&rest);
            if keys.mac(self.seq_in, &packet) != self.inbuf[total..total + mac_len] {
                return Err((reason::MAC_ERROR, "Corrupted MAC on input.".into()));
            }
        } else {
            packet.extend_from_slice(&rest);
        }
        self.inbuf.drain(..total + mac_len);
        let seq = self.seq_in;
        self.seq_in = self.seq_in.wrapping_add(1);
        let padding = usize::from(packet[field::PADDING_LENGTH]);
        if padding < 4 || padding + 2 > len {
            return Err(protocol_error(format!("Bad padding length {padding}.")));
        }
        self.dispatch(seq, &packet[field::PAYLOAD.start..total - padding])?;
        Ok(true)
    }

    /// Frame a payload as a binary packet: padded with at least 4 random
    /// bytes to a multiple of the block size (8 before keys, the cipher's
    /// after), 16 bytes at least; encrypted and followed by its MAC once
    /// keys are in use.
    fn send_packet(&mut self, payload: Vec<u8>) {
        let block = self.tx.as_ref().map_or(8, |k| k.block);
        let unpadded = field::PAYLOAD.start + payload.len();
        let mut padding = block - unpadded % block;
        if padding < 4 {
            padding += block;
        }
        if unpadded + padding < 16 {
            padding += block;
        }
        let len = unpadded + padding - 4;
        let mut packet = Vec::with_capacity(4 + len + 64);
        packet.extend_from_slice(&(len as u32).to_be_bytes());
        packet.push(padding as u8);
        packet.extend_from_slice(&payload);
        let mut pad = vec![0u8; padding];
        fill(&mut self.rng, &mut pad);
        packet.extend_from_slice(&pad);
        if let Some(keys) = &mut self.tx {
            let mac = keys.mac(self.seq_out, &packet);
            keys.apply(&mut packet);
            packet.extend_from_slice(&mac);
        }
        self.seq_out = self.seq_out.wrapping_add(1);
        self.out.extend_from_slice(&packet);
    }

    fn send_failure(&mut self) {
        self.send_packet(Writer::message(msg::USERAUTH_FAILURE).string("password").boolean(false).done());
    }

    /// A random uncompressed nistp256 point, as Q_C or Q_S.
    fn point(&mut self) -> Vec<u8> {
        let mut q = vec![0u8; point_field::LEN];
        q[point_field::FORM] = UNCOMPRESSED_POINT;
        fill(&mut self.rng, &mut q[point_field::X.start..point_field::Y.end]);
        q
    }

    /// One direction's keys, from what the exchange made public.
    fn keys(&self, client_to_server: bool) -> Result<Keys, Fail> {
        let (Some(alg), Some(theirs)) = (&self.algorithms, &self.theirs) else {
            return Err(protocol_error("keys before the key exchange"));
        };
        let (client, server) = if self.is_server() { (theirs, &self.ours) } else { (&self.ours, theirs) };
        let material: [&[u8]; 4] = [&client.cookie, &server.cookie, &self.q_c, &self.q_s];
        Ok(if client_to_server {
            Keys::derive((b'C', b'E'), &material, &alg.cipher, &alg.mac)
        } else {
            Keys::derive((b'D', b'F'), &material, &alg.cipher_s2c, &alg.mac_s2c)
        })
    }

    fn dispatch(&mut self, seq: u32, payload: &[u8]) -> Result<(), Fail> {
        let kind = payload[0];
        let mut r = Reader::message(payload);
        if self.skip_guess && (30..=49).contains(&kind) {
            self.skip_guess = false;
            return Ok(());
        }
        let keyed = self.newkeys_sent && self.newkeys_received;
        let server = self.is_server();
        match kind {
            msg::DISCONNECT => {
                let code = r.uint32()?;
                let description = r.text()?;
                self.events.push(Event::Disconnected { reason: code, description });
                self.stop();
            }
            msg::IGNORE => {
                if !server && self.channel.as_ref().is_some_and(|c| c.shell) {
                    self.events.push(Event::Turn);
                }
            }
            msg::UNIMPLEMENTED | msg::DEBUG => {}
            msg::KEXINIT => self.on_kexinit(payload)?,
            msg::KEX_ECDH_INIT if server => self.on_ecdh_init(&mut r)?,
            msg::KEX_ECDH_REPLY if !server => self.on_ecdh_reply(&mut r)?,
            msg::NEWKEYS => self.on_newkeys()?,
            // RFC 4253 §7.1: only transport messages during a key exchange.
            _ if !keyed => return Err(protocol_error(format!("{} during key exchange", message_name(kind)))),
            msg::SERVICE_REQUEST if server => {
                let service = r.text()?;
                if service != "ssh-userauth" || self.service_accepted {
                    return Err((reason::SERVICE_NOT_AVAILABLE, format!("service {service} not available")));
                }
                self.service_accepted = true;
                self.send_packet(Writer::message(msg::SERVICE_ACCEPT).string(service).done());
                self.send_banner();
            }
            // As OpenSSH, the client first asks with method "none": the
            // failure lists the methods (and the banner comes before it).
            msg::SERVICE_ACCEPT if !server && !self.service_accepted => {
                r.text()?;
                self.service_accepted = true;
                self.none_pending = true;
                let user = self.user.clone().unwrap_or_default();
                let none =
                    Writer::message(msg::USERAUTH_REQUEST).string(user).string("ssh-connection").string("none").done();
                self.send_packet(none);
            }
            msg::USERAUTH_REQUEST if server => self.on_userauth_request(&mut r)?,
            msg::USERAUTH_FAILURE if !server && self.phase == Phase::Auth => {
                r.text()?;
                r.boolean()?;
                let first = std::mem::replace(&mut self.none_pending, false);
                self.events.push(if first { Event::PasswordNeeded } else { Event::AuthFailed });
            }
            msg::USERAUTH_SUCCESS if !server && self.phase == Phase::Auth => {
                self.phase = Phase::Session;
                self.channel_requested = true;
                let open = Writer::message(msg::CHANNEL_OPEN)
                    .string("session")
                    .uint32(CLIENT_CHANNEL)
                    .uint32(self.profile.window)
                    .uint32(self.profile.max_packet)
                    .done();
                self.send_packet(open);
            }
            msg::USERAUTH_BANNER if !server => {
                let text = r.text()?;
                self.events.push(Event::Banner(text));
            }
            msg::GLOBAL_REQUEST => {
                r.text()?;
                if r.boolean()? {
                    self.send_packet(Writer::message(msg::REQUEST_FAILURE).done());
                }
            }
            msg::CHANNEL_OPEN if server => self.on_channel_open(&mut r)?,
            msg::CHANNEL_OPEN_CONFIRMATION if !server && self.channel_requested && self.channel.is_none() => {
                self.on_channel_confirmation(&mut r)?
            }
            msg::CHANNEL_OPEN_FAILURE if !server && self.channel_requested && self.channel.is_none() => {
                r.uint32()?;
                r.uint32()?;
                let words = r.text()?;
                return Err((reason::BY_APPLICATION, format!("channel 0: open failed: {words}")));
            }
            msg::CHANNEL_WINDOW_ADJUST..=msg::CHANNEL_FAILURE if self.channel.is_some() => {
                self.on_channel(kind, &mut r)?
            }
            // Known or not, a message with no place here is answered as RFC
            // 4253 §11.4 says, and the connection goes on.
            _ => self.send_packet(Writer::message(msg::UNIMPLEMENTED).uint32(seq).done()),
        }
        Ok(())
    }

    fn on_kexinit(&mut self, payload: &[u8]) -> Result<(), Fail> {
        if self.theirs.is_some() {
            return Err(protocol_error("key re-exchange is not supported"));
        }
        let theirs = KexInit::parse(payload).ok_or_else(|| Reader::message(payload).malformed())?;
        let (client, server) = if self.is_server() { (&theirs, &self.ours) } else { (&self.ours, &theirs) };
        let alg = negotiate(client, server).map_err(|words| (reason::KEY_EXCHANGE_FAILED, words))?;
        if alg.kex != KEX_ECDH
            || !["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"].contains(&alg.host_key.as_str())
            || alg.compression != "none"
            || alg.compression_s2c != "none"
        {
            return Err((reason::KEY_EXCHANGE_FAILED, format!("{} with {} is not simulated", alg.kex, alg.host_key)));
        }
        // RFC 4253 §7: a guessed first packet that guessed wrong is dropped.
        let first = |list: &str| list.split(',').next().unwrap_or_default().to_string();
        self.skip_guess = theirs.first_kex_packet_follows
            && (first(&theirs.kex) != alg.kex || first(&theirs.host_key) != alg.host_key);
        self.theirs = Some(theirs);
        self.algorithms = Some(alg);
        if !self.is_server() {
            self.q_c = self.point();
            let init = Writer::message(msg::KEX_ECDH_INIT).string(&self.q_c).done();
            self.send_packet(init);
        }
        Ok(())
    }

    /// Server: the client's point. The reply carries the host key, our
    /// point and a signature of the exchange hash (random bytes of the
    /// modulus's length); NEWKEYS follows at once, and our keys with it.
    fn on_ecdh_init(&mut self, r: &mut Reader) -> Result<(), Fail> {
        if self.algorithms.is_none() || !self.q_s.is_empty() {
            return Err(protocol_error("unexpected SSH_MSG_KEX_ECDH_INIT"));
        }
        let q_c = r.string()?;
        if !is_point(q_c) {
            return Err((reason::KEY_EXCHANGE_FAILED, "invalid ECDH public key".into()));
        }
        self.q_c = q_c.to_vec();
        self.q_s = self.point();
        let Side::Server { modulus_bits: bits } = self.side else { return Err(protocol_error("not a server")) };
        let mut blob = vec![0u8; modulus_bits(bits).div_ceil(8)];
        fill(&mut self.rng, &mut blob);
        blob[0] &= 0x7f; // below the modulus, as a signature is
        let algorithm = self.algorithms.as_ref().map(|a| a.host_key.clone()).unwrap_or_default();
        let signature = Writer::default().string(algorithm).string(blob).done();
        let reply =
            Writer::message(msg::KEX_ECDH_REPLY).string(&self.host_key).string(&self.q_s).string(signature).done();
        self.send_packet(reply);
        self.send_newkeys(false)
    }

    /// Client: the server's host key, point and signature, checked for
    /// shape (nothing here can check them for truth).
    fn on_ecdh_reply(&mut self, r: &mut Reader) -> Result<(), Fail> {
        if self.q_c.is_empty() || !self.q_s.is_empty() {
            return Err(protocol_error("unexpected SSH_MSG_KEX_ECDH_REPLY"));
        }
        let (host_key, q_s, signature) = (r.string()?, r.string()?, r.string()?);
        let mut key = Reader::inner(host_key, msg::KEX_ECDH_REPLY);
        let rsa = key.string()? == b"ssh-rsa";
        key.string()?; // e
        key.string()?; // n
        let mut sig = Reader::inner(signature, msg::KEX_ECDH_REPLY);
        let sig_algorithm = sig.text()?;
        sig.string()?;
        let expected = self.algorithms.as_ref().map(|a| a.host_key.as_str()).unwrap_or_default();
        if !rsa || sig_algorithm != expected || !is_point(q_s) {
            return Err((reason::KEY_EXCHANGE_FAILED, "invalid server host key or signature".into()));
        }
        self.host_key = host_key.to_vec();
        self.q_s = q_s.to_vec();
        self.send_newkeys(true)
    }

    fn send_newkeys(&mut self, client_to_server: bool) -> Result<(), Fail> {
        self.send_packet(Writer::message(msg::NEWKEYS).done());
        self.newkeys_sent = true;
        // Everything after our NEWKEYS is under the new keys (RFC 4253 §7.3).
        self.tx = Some(self.keys(client_to_server)?);
        self.keys_done();
        Ok(())
    }

    fn on_newkeys(&mut self) -> Result<(), Fail> {
        if self.newkeys_received || self.q_s.is_empty() {
            return Err(protocol_error("unexpected SSH_MSG_NEWKEYS"));
        }
        self.newkeys_received = true;
        self.rx = Some(self.keys(self.is_server())?);
        self.keys_done();
        Ok(())
    }

    /// Both NEWKEYS passed: authentication starts, the client asking for it.
    fn keys_done(&mut self) {
        if !(self.newkeys_sent && self.newkeys_received) {
            return;
        }
        self.phase = Phase::Auth;
        if !self.is_server() {
            self.send_packet(Writer::message(msg::SERVICE_REQUEST).string("ssh-userauth").done());
        }
    }

    fn on_userauth_request(&mut self, r: &mut Reader) -> Result<(), Fail> {
        if !self.service_accepted {
            return Err(protocol_error("SSH_MSG_USERAUTH_REQUEST before the service was accepted"));
        }
        let (user, service, method) = (r.text()?, r.text()?, r.text()?);
        // RFC 4252 §5.1: requests after success are ignored.
        if self.phase != Phase::Auth {
            return Ok(());
        }
        if service != "ssh-connection" {
            return Err((reason::SERVICE_NOT_AVAILABLE, format!("service {service} not available")));
        }
        if method != "password" || r.boolean()? {
            // "none" (asking what is allowed), keys, a password change: the
            // answer says to try "password".
            self.send_failure();
            return Ok(());
        }
        let password = r.text()?;
        self.user = Some(user.clone());
        self.auth_pending += 1;
        self.events.push(Event::AuthRequest { user, password });
        Ok(())
    }

    fn on_channel_open(&mut self, r: &mut Reader) -> Result<(), Fail> {
        if self.phase != Phase::Session {
            return Err(protocol_error("SSH_MSG_CHANNEL_OPEN before authentication"));
        }
        let (kind, theirs, window, max) = (r.text()?, r.uint32()?, r.uint32()?, r.uint32()?);
        if kind != "session" || self.channel.is_some() {
            let (code, words) = if kind == "session" { (1, "only one session") } else { (3, "unknown channel type") };
            let failure =
                Writer::message(msg::CHANNEL_OPEN_FAILURE).uint32(theirs).uint32(code).string(words).string("");
            self.send_packet(failure.done());
            return Ok(());
        }
        self.channel = Some(Channel::new(SERVER_CHANNEL, theirs, window, max, self.profile.window));
        let confirm = Writer::message(msg::CHANNEL_OPEN_CONFIRMATION)
            .uint32(theirs)
            .uint32(SERVER_CHANNEL)
            .uint32(self.profile.window)
            .uint32(self.profile.max_packet)
            .done();
        self.send_packet(confirm);
        Ok(())
    }

    /// Client: the channel is open: ask for a terminal, then the shell.
    fn on_channel_confirmation(&mut self, r: &mut Reader) -> Result<(), Fail> {
        let (ours, theirs, window, max) = (r.uint32()?, r.uint32()?, r.uint32()?, r.uint32()?);
        if ours != CLIENT_CHANNEL {
            return Err(protocol_error(format!("unknown channel {ours}")));
        }
        let mut ch = Channel::new(CLIENT_CHANNEL, theirs, window, max, self.profile.window);
        ch.requests.extend(["pty-req", "shell"]);
        self.channel = Some(ch);
        // Terminal modes (RFC 4254 §8): the line speeds, then TTY_OP_END.
        let modes = Writer::default().byte(128).uint32(38_400).byte(129).uint32(38_400).byte(0).done();
        let pty = Writer::message(msg::CHANNEL_REQUEST)
            .uint32(theirs)
            .string("pty-req")
            .boolean(true)
            .string(self.profile.term)
            .uint32(80)
            .uint32(24)
            .uint32(0)
            .uint32(0)
            .string(modes)
            .done();
        self.send_packet(pty);
        self.send_packet(Writer::message(msg::CHANNEL_REQUEST).uint32(theirs).string("shell").boolean(true).done());
        Ok(())
    }

    /// A message on the open channel (WINDOW_ADJUST to CHANNEL_FAILURE).
    fn on_channel(&mut self, kind: u8, r: &mut Reader) -> Result<(), Fail> {
        let server = self.is_server();
        let recipient = r.uint32()?;
        let Some(ch) = self.channel.as_mut().filter(|c| c.ours == recipient) else {
            return Err(protocol_error(format!("unknown channel {recipient}")));
        };
        let theirs = ch.theirs;
        let mut replies = Vec::new();
        match kind {
            msg::CHANNEL_WINDOW_ADJUST => ch.send_window = ch.send_window.saturating_add(r.uint32()?),
            msg::CHANNEL_DATA | msg::CHANNEL_EXTENDED_DATA => {
                if kind == msg::CHANNEL_EXTENDED_DATA {
                    r.uint32()?; // stderr, shown like the rest
                }
                let data = r.string()?.to_vec();
                ch.recv_window = ch.recv_window.saturating_sub(data.len() as u32);
                // Grant the window again once half is used, as OpenSSH does.
                if ch.recv_window < self.profile.window / 2 {
                    let more = self.profile.window - ch.recv_window;
                    ch.recv_window = self.profile.window;
                    replies.push(Writer::message(msg::CHANNEL_WINDOW_ADJUST).uint32(theirs).uint32(more).done());
                }
                if !ch.peer_done && !data.is_empty() {
                    self.events.push(if server { Event::Input(data) } else { Event::Data(data) });
                }
            }
            msg::CHANNEL_EOF | msg::CHANNEL_CLOSE => {
                if !std::mem::replace(&mut ch.peer_done, true) {
                    self.events.push(Event::Closed);
                }
                if kind == msg::CHANNEL_CLOSE {
                    ch.close_received = true;
                    if !std::mem::replace(&mut ch.close_sent, true) {
                        replies.push(Writer::message(msg::CHANNEL_CLOSE).uint32(theirs).done());
                    }
                    self.phase = Phase::Closed;
                }
            }
            msg::CHANNEL_REQUEST => {
                let (request, want_reply) = (r.text()?, r.boolean()?);
                let ok = match request.as_str() {
                    "shell" if server && !ch.shell => {
                        ch.shell = true;
                        self.events.push(Event::ShellStarted);
                        true
                    }
                    "pty-req" | "window-change" | "env" if server => true,
                    _ => false, // exec, subsystem, x11-req, exit-status...
                };
                if want_reply {
                    let kind = if ok { msg::CHANNEL_SUCCESS } else { msg::CHANNEL_FAILURE };
                    replies.push(Writer::message(kind).uint32(theirs).done());
                }
            }
            msg::CHANNEL_SUCCESS | msg::CHANNEL_FAILURE => match ch.requests.pop_front() {
                Some("shell") if kind == msg::CHANNEL_SUCCESS => {
                    ch.shell = true;
                    self.events.push(Event::SessionOpen);
                }
                Some("shell") => return Err((reason::BY_APPLICATION, "shell request failed on channel 0".into())),
                // A refused pty: the shell runs without one, as OpenSSH goes on.
                Some(_) => {}
                None => return Err(protocol_error("reply to no channel request")),
            },
            _ => {}
        }
        for reply in replies {
            self.send_packet(reply);
        }
        self.flush();
        Ok(())
    }

    /// Send what waits for the channel, as far as the peer's window goes.
    fn flush(&mut self) {
        if self.phase == Phase::Closed {
            return;
        }
        let Some(ch) = self.channel.as_mut().filter(|c| c.shell && !c.close_sent) else { return };
        let mut payloads = Vec::new();
        while let Some(chunk) = self.queue.front_mut() {
            match chunk {
                Chunk::Turn => {
                    payloads.push(Writer::message(msg::IGNORE).string("").done());
                    self.queue.pop_front();
                }
                Chunk::Data(data) => {
                    let n = data.len().min(ch.send_window.min(ch.send_max).min(MAX_DATA_PER_PACKET) as usize);
                    if n == 0 {
                        break;
                    }
                    payloads.push(Writer::message(msg::CHANNEL_DATA).uint32(ch.theirs).string(&data[..n]).done());
                    ch.send_window -= n as u32;
                    if n == data.len() {
                        self.queue.pop_front();
                    } else {
                        data.drain(..n);
                    }
                }
            }
        }
        for payload in payloads {
            self.send_packet(payload);
        }
    }
}

impl Channel {
    fn new(ours: u32, theirs: u32, send_window: u32, send_max: u32, recv_window: u32) -> Channel {
        Channel {
            ours,
            theirs,
            send_window,
            send_max,
            recv_window,
            shell: false,
            requests: VecDeque::new(),
            eof_sent: false,
            close_sent: false,
            peer_done: false,
            close_received: false,
        }
    }
}

fn packet_length(head: &[u8]) -> usize {
    head.get(field::PACKET_LENGTH).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// An uncompressed nistp256 point's shape (not whether it is on the curve).
fn is_point(q: &[u8]) -> bool {
    q.len() == point_field::LEN && q[point_field::FORM] == UNCOMPRESSED_POINT
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client and a server joined back to back; bytes cross in chunks of
    /// `sizes`, taken in turn, so every message arrives split oddly.
    struct Link {
        client: Ssh,
        server: Ssh,
        sizes: Vec<usize>,
        turn: usize,
        /// Everything each side sent.
        c2s: Vec<u8>,
        s2c: Vec<u8>,
    }

    impl Link {
        fn new(client_version: &str, sizes: &[usize], seed: u64) -> Link {
            Link {
                client: Ssh::new(Side::Client { user: "admin".into() }, client_version, seed),
                server: Ssh::new(Side::Server { modulus_bits: 2048 }, CISCO_VERSION, seed + 1),
                sizes: sizes.to_vec(),
                turn: 0,
                c2s: Vec::new(),
                s2c: Vec::new(),
            }
        }

        fn carry(&mut self, bytes: &[u8], to_server: bool) {
            let mut at = 0;
            while at < bytes.len() {
                let n = self.sizes[self.turn % self.sizes.len()].min(bytes.len() - at);
                self.turn += 1;
                let to = if to_server { &mut self.server } else { &mut self.client };
                to.feed(&bytes[at..at + n]);
                at += n;
            }
        }

        /// Carry bytes both ways until both ends are quiet: the events each heard.
        fn run(&mut self) -> (Vec<Event>, Vec<Event>) {
            for _ in 0..200 {
                let (up, down) = (self.client.take_output(), self.server.take_output());
                if up.is_empty() && down.is_empty() {
                    break;
                }
                self.c2s.extend_from_slice(&up);
                self.s2c.extend_from_slice(&down);
                self.carry(&up, true);
                self.carry(&down, false);
            }
            (self.client.take_events(), self.server.take_events())
        }

        /// Through the key exchange, the password, and the shell.
        fn open(&mut self) {
            assert_eq!(self.run().0, [Event::PasswordNeeded]);
            self.client.password("cisco");
            self.run();
            self.server.auth_result(true);
            assert_eq!(self.run(), (vec![Event::SessionOpen], vec![Event::ShellStarted]));
        }
    }

    /// The message numbers of the plaintext packets in one direction (after
    /// the version line, up to NEWKEYS), each checked for RFC 4253 §6's shape.
    fn plaintext_messages(stream: &[u8]) -> Vec<u8> {
        let start = stream.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
        let mut at = start;
        let mut kinds = Vec::new();
        while kinds.last() != Some(&msg::NEWKEYS) {
            let len = packet_length(&stream[at..]);
            let padding = usize::from(stream[at + 4]);
            assert_eq!((4 + len) % 8, 0, "a multiple of 8 bytes");
            assert!(padding >= 4 && 4 + len >= 16, "at least 4 bytes of padding, 16 in all");
            kinds.push(stream[at + 5]);
            at += 4 + len;
        }
        kinds
    }

    fn data_of(events: &[Event]) -> Vec<u8> {
        events.iter().flat_map(|e| if let Event::Data(d) = e { d.clone() } else { Vec::new() }).collect()
    }

    #[test]
    fn a_windows_client_logs_in_to_an_ios_box_through_odd_splits() {
        let mut link = Link::new(WINDOWS_VERSION, &[1, 7, 13, 64], 1);
        let (c, s) = link.run();
        assert_eq!((c, s), (vec![Event::PasswordNeeded], vec![]));
        assert_eq!((link.client.state(), link.server.state()), (Phase::Auth, Phase::Auth));
        assert_eq!(link.client.peer_version(), Some(CISCO_VERSION));
        assert_eq!(link.server.peer_version(), Some(WINDOWS_VERSION));
        assert!(link.s2c.starts_with(b"SSH-2.0-Cisco-1.25\r\n"));
        assert_eq!(plaintext_messages(&link.c2s), [msg::KEXINIT, msg::KEX_ECDH_INIT, msg::NEWKEYS]);
        assert_eq!(plaintext_messages(&link.s2c), [msg::KEXINIT, msg::KEX_ECDH_REPLY, msg::NEWKEYS]);
        let agreed = link.server.negotiated().unwrap();
        assert_eq!(
            (agreed.kex.as_str(), agreed.host_key.as_str(), agreed.cipher.as_str(), agreed.mac.as_str()),
            ("ecdh-sha2-nistp256", "ssh-rsa", "aes128-ctr", "hmac-sha2-256")
        );
        assert_eq!(link.client.negotiated(), Some(agreed));
        assert_eq!(link.client.host_key(), link.server.host_key());

        // A wrong password, then the right one.
        link.client.password("wrong");
        let (c, s) = link.run();
        assert!(c.is_empty());
        assert_eq!(s, [Event::AuthRequest { user: "admin".into(), password: "wrong".into() }]);
        link.server.auth_result(false);
        assert_eq!(link.run().0, [Event::AuthFailed]);
        link.client.password("cisco");
        assert_eq!(link.run().1, [Event::AuthRequest { user: "admin".into(), password: "cisco".into() }]);
        link.server.auth_result(true);
        assert_eq!(link.run(), (vec![Event::SessionOpen], vec![Event::ShellStarted]));
        assert_eq!((link.client.state(), link.server.state()), (Phase::Session, Phase::Session));
        assert_eq!(link.server.user(), Some("admin"));

        // Output with its turn, a typed line, and more output than fits a packet.
        link.server.write(b"\r\nR1>", true);
        assert_eq!(link.run().0, [Event::Data(b"\r\nR1>".to_vec()), Event::Turn]);
        link.client.send(b"show running-config\r\n");
        assert_eq!(link.run().1, [Event::Input(b"show running-config\r\n".to_vec())]);
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        link.server.write(&big, true);
        let (c, _) = link.run();
        assert_eq!(data_of(&c), big);
        assert_eq!(c.last(), Some(&Event::Turn));

        link.client.disconnect(reason::BY_APPLICATION, "disconnected by user");
        let (_, s) = link.run();
        assert_eq!(s, [Event::Disconnected { reason: 11, description: "disconnected by user".into() }]);
        assert_eq!((link.client.state(), link.server.state()), (Phase::Closed, Phase::Closed));
    }

    #[test]
    fn ios_to_ios_waits_for_the_small_window_and_closes_the_channel() {
        let mut link = Link::new(CISCO_VERSION, &[5, 3, 1000], 2);
        link.open();
        let agreed = link.client.negotiated().unwrap();
        assert_eq!((agreed.host_key.as_str(), agreed.cipher.as_str()), ("ssh-rsa", "aes128-ctr"));
        assert_eq!(link.server.peer_version(), Some(CISCO_VERSION));
        // 50 kB through an 8192-byte window: the client grants more as it reads.
        let big: Vec<u8> = (0..50_000u32).map(|i| (i % 97) as u8).collect();
        link.server.write(&big, true);
        link.server.write(b"R2#", true);
        let (c, _) = link.run();
        assert_eq!(data_of(&c), [&big[..], b"R2#"].concat());
        assert_eq!(c.iter().filter(|e| **e == Event::Turn).count(), 2);
        // `exit`: the server closes the channel, the client closes its side.
        link.server.close();
        let (c, s) = link.run();
        assert_eq!((c, s), (vec![Event::Closed], vec![Event::Closed]));
        assert_eq!((link.client.state(), link.server.state()), (Phase::Closed, Phase::Closed));
    }

    #[test]
    fn encrypted_packets_are_padded_to_the_cipher_block_and_carry_a_mac() {
        let mut link = Link::new(WINDOWS_VERSION, &[4096], 3);
        link.open();
        for text in [&b"x"[..], b"hello world, a longer line of output\r\n"] {
            link.server.write(text, false);
            let out = link.server.take_output();
            assert_eq!((out.len() - 32) % 16, 0, "aes blocks, then hmac-sha2-256's 32 bytes");
            assert!(!out.windows(text.len()).any(|w| w == text), "the text does not show");
            link.carry(&out, false);
        }
    }

    #[test]
    fn the_banner_comes_before_the_password_prompt() {
        let mut link = Link::new(WINDOWS_VERSION, &[9], 4);
        link.server.banner("Authorized access only");
        let (c, _) = link.run();
        assert_eq!(c, [Event::Banner("Authorized access only".into()), Event::PasswordNeeded]);
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let transcript = |seed| {
            let mut link = Link::new(WINDOWS_VERSION, &[3, 11], seed);
            link.open();
            link.server.write(b"R1>", true);
            link.run();
            (link.c2s, link.s2c)
        };
        assert_eq!(transcript(5), transcript(5));
        assert_ne!(transcript(5), transcript(6));
    }

    #[test]
    fn kexinit_round_trips_and_the_peer_lists_are_read() {
        let k = KexInit::new(&Profile::OPENSSH, [7; 16]);
        let bytes = k.emit();
        assert_eq!(bytes[kexinit_field::MESSAGE], msg::KEXINIT);
        assert_eq!(bytes[kexinit_field::COOKIE], [7; 16]);
        assert_eq!(KexInit::parse(&bytes), Some(k));
        assert_eq!(KexInit::parse(&bytes[..bytes.len() - 1]), None, "cut short");
        let mut link = Link::new(WINDOWS_VERSION, &[100], 7);
        link.run();
        let seen = link.server.peer_kexinit().unwrap();
        assert_eq!((seen.kex.as_str(), seen.mac_s2c.as_str()), (Profile::OPENSSH.kex, Profile::OPENSSH.macs));
        assert_eq!(link.client.peer_kexinit().unwrap().cipher_c2s, "aes128-ctr,aes192-ctr,aes256-ctr");
    }

    #[test]
    fn the_first_client_algorithm_the_server_knows_wins() {
        assert_eq!(choose("a,b,c", "c,b"), Some("b"), "the client's order, not the server's");
        assert_eq!(choose("a,b", "c"), None);
        assert_eq!(choose("", ""), None);
        let (win, ios) = (KexInit::new(&Profile::OPENSSH, [0; 16]), KexInit::new(&Profile::CISCO, [0; 16]));
        let a = negotiate(&win, &ios).unwrap();
        assert_eq!(
            [&a.kex, &a.host_key, &a.cipher, &a.mac, &a.compression, &a.cipher_s2c],
            ["ecdh-sha2-nistp256", "ssh-rsa", "aes128-ctr", "hmac-sha2-256", "none", "aes128-ctr"]
        );
        // A box that also signs with SHA-2: Windows' client prefers it.
        let newer = KexInit { host_key: "rsa-sha2-512,rsa-sha2-256,ssh-rsa".into(), ..ios.clone() };
        assert_eq!(negotiate(&win, &newer).unwrap().host_key, "rsa-sha2-512");
        assert_eq!(negotiate(&ios, &newer).unwrap().host_key, "ssh-rsa");
        // ...and signs the exchange with it.
        let mut link = Link::new(WINDOWS_VERSION, &[33], 12);
        let profile = Profile { host_key: "ssh-rsa,rsa-sha2-256", ..Profile::CISCO };
        link.server = Ssh::with_profile(Side::Server { modulus_bits: 1024 }, CISCO_VERSION, profile, 13);
        assert_eq!(link.run().0, [Event::PasswordNeeded]);
        assert_eq!(link.client.negotiated().unwrap().host_key, "rsa-sha2-256");
        let mut old = ios.clone();
        old.cipher_c2s = "3des-cbc".into();
        assert_eq!(negotiate(&old, &ios), Err("no matching cipher found".into()));
    }

    #[test]
    fn host_keys_are_rsa_blobs_of_the_modulus_size() {
        for (bits, n_len) in [(1024, 129), (2048, 257), (1000, 126), (1001, 126), (8, 46)] {
            let key = rsa_host_key(bits, 1);
            let mut r = Reader::inner(&key, 0);
            assert_eq!(r.string().unwrap(), b"ssh-rsa");
            assert_eq!(r.string().unwrap(), [1, 0, 1], "e = 65537, no leading zero");
            let n = r.string().unwrap();
            assert_eq!(n.len(), n_len, "{bits} bits");
            assert!(n[0] != 0 || n[1] & 0x80 != 0, "a zero byte only before a set top bit");
            assert!(n[0] & 0x80 == 0 && n[n.len() - 1] & 1 == 1);
            assert_eq!(r.at, key.len());
        }
        assert_eq!(rsa_host_key(2048, 1), rsa_host_key(2048, 1));
        let mut link = Link::new(WINDOWS_VERSION, &[50], 8);
        link.server = link.server.clone().with_host_key_seed(42);
        link.run();
        assert_eq!(link.client.host_key(), Some(&rsa_host_key(2048, 42)[..]));
    }

    #[test]
    fn a_corrupted_packet_disconnects_with_a_reason() {
        for (at, code) in [(20, reason::MAC_ERROR), (0, reason::PROTOCOL_ERROR), (40, reason::MAC_ERROR)] {
            let mut link = Link::new(WINDOWS_VERSION, &[64], 9);
            link.open();
            link.server.write(b"\r\nR1>", true);
            let mut out = link.server.take_output();
            out[at] ^= 0x80;
            link.client.feed(&out);
            let events = link.client.take_events();
            assert!(
                matches!(&events[..], [Event::Disconnected { reason, .. }] if *reason == code),
                "byte {at}: {events:?}"
            );
            assert_eq!(link.client.state(), Phase::Closed);
            // The server hears why.
            let (_, s) = link.run();
            assert!(matches!(&s[..], [Event::Disconnected { reason, .. }] if *reason == code), "{s:?}");
        }
    }

    #[test]
    fn garbage_ends_the_connection_without_a_panic_or_a_huge_buffer() {
        let server = || Ssh::new(Side::Server { modulus_bits: 1024 }, CISCO_VERSION, 1);
        let disconnected = |s: &mut Ssh| {
            s.take_events().iter().any(|e| matches!(e, Event::Disconnected { .. })) && s.state() == Phase::Closed
        };
        // No line end for ever; lines that are not SSH; a version SSH-1.
        let mut s = server();
        s.feed(&[b'x'; 300]);
        assert!(disconnected(&mut s));
        let mut s = server();
        s.feed(&b"hello\r\n".repeat(40));
        assert!(disconnected(&mut s));
        let mut s = server();
        s.feed(b"SSH-1.5-old\r\n");
        assert!(disconnected(&mut s));
        // A packet of 4 GB is refused from its first block.
        let mut s = server();
        s.feed(b"SSH-2.0-x\r\n\xff\xff\xff\xf0\x04\x00\x00\x00");
        assert!(disconnected(&mut s));
        assert!(s.inbuf.is_empty());
        // Random bytes after a version line, and a real exchange with one byte
        // changed, in random splits: an end either disconnects or waits for a
        // packet no longer than the cap.
        let mut rng = Rng::new(99);
        let mut reference = Link::new(WINDOWS_VERSION, &[1000], 10);
        reference.open();
        reference.client.send(b"enable\r\n");
        reference.run();
        for round in 0..400 {
            let mut bytes = b"SSH-2.0-OpenSSH_8.1\r\n".to_vec();
            if round % 2 == 0 {
                let mut noise = vec![0u8; rng.below(3000) as usize];
                fill(&mut rng, &mut noise);
                bytes.extend(noise);
            } else {
                bytes = reference.c2s.clone();
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] ^= 1 << rng.below(8);
            }
            let mut s = server();
            let mut at = 0;
            while at < bytes.len() {
                let n = (1 + rng.below(50) as usize).min(bytes.len() - at);
                s.feed(&bytes[at..at + n]);
                at += n;
            }
            s.take_output();
            assert!(s.inbuf.len() <= MAX_PACKET_LENGTH + 4 + 64, "round {round}");
        }
    }

    #[test]
    fn the_tables_tile_their_layouts() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[("length", field::PACKET_LENGTH), ("padding", one(field::PADDING_LENGTH))],
            field::PAYLOAD.start,
        );
        assert_contiguous(
            &[("message", one(kexinit_field::MESSAGE)), ("cookie", kexinit_field::COOKIE)],
            kexinit_field::NAME_LISTS.start,
        );
        assert_contiguous(
            &[("form", one(point_field::FORM)), ("x", point_field::X), ("y", point_field::Y)],
            point_field::LEN,
        );
    }
}
