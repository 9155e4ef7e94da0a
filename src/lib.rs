//! wirelab: a packet-level network lab for CCNA-level coursework.
//!
//! # The house, floor by floor
//!
//! Each room may use the rooms on its own floor or below, never one above;
//! `tests/architecture.rs` reads the sources and fails when one does.
//!
//! | floor | room | owns | never imports |
//! |---|---|---|---|
//! | 0 | [`base`] | interface names, device models, device ids, address parsing | anything of the crate |
//! | 1 | [`sim`] | simulated time, the `(time, seq)` queue, the seeded RNG, cables ([`sim::LinkSpec`]), captures, the trace | devices, protocols, CLI |
//! | 2 | [`proto`] | one protocol per file: formats (`mod field` tables, parse/emit, dissect) and state machines, time passed in, output in queues; the IP stack and its pipeline; the decisions vocabulary of the trace | devices, CLI |
//! | 3 | [`device`] | hosts and IOS boxes composed of protocol pieces; the bridge; decisions in words | the network, CLI |
//! | 4 | [`net`] | devices on the fabric: names, cables, the event loop, the trace in words | CLI and above |
//! | 5 | [`cli`] | the IOS command trees, modes, `show` output and running-config; the Windows-style prompt; typed responses ([`cli::Terminal`]) | labs, grading, app |
//! | 6 | [`lab`], [`script`] | the RON lab format (load, validate, build, save atomically); `run --script` files | grading, app |
//! | 7 | [`grade`], [`bench`](mod@bench) | objectives, diagnosis from the trace, reports; generated topologies | app |
//! | 8 | [`app`] | the document the desktop app edits (actions, undo, autosave) | the GUI |
//! | 9 | `gui` | the bevy app (feature `gui`), one module per panel | |
//!
//! The desktop app, `wirelab run` and `wirelab grade` all drive this same API.
//!
//! # How to add a protocol
//!
//! OSPF, RIP, HSRP, DHCP, DNS, NAT and IPv6 come in this way. Take a protocol
//! that runs over IP on an IOS box (OSPF: IP protocol 89, multicast
//! 224.0.0.5); one that sits on Ethernet (LLDP, LACP) differs only in step 3.
//!
//! 1. **The piece, in `proto/NAME.rs`.** Its packets as smoltcp does them: a
//!    `mod field` table of byte ranges, a `Repr` with `parse` and `emit` that
//!    read and write through that table and nothing else, and a `dissect`
//!    function for the inspector, registered with one `(Key, dissect)` line in
//!    [`proto::dissect::DISSECTORS`] (`Key::IpProtocol(89)`). Beside them, its
//!    state machine: plain data and methods that take the time (`now`) as an
//!    argument, put what they want to send in an output queue, and say when
//!    they next need time (`poll_at() -> Option<Time>`, as smoltcp's
//!    interface). It imports nothing above `proto/`: no device, no CLI, no
//!    IOS syntax; its configuration is plain data it is handed.
//!
//! 2. **Its state on the box.** The configuration and the running piece live
//!    in the part of [`device::Ios`] they belong to (`routing` for OSPF,
//!    `services` for DHCP): `device/ios/routing.rs` and the like. Domain rules
//!    (what a repeated command replaces, which values are refused) are methods
//!    there with typed errors, as [`device::ios::Ios::add_static_route`] is.
//!
//! 3. **Registration: one line for its packets, one for its deadlines.** In
//!    `device/ios/mod.rs`, add `(Binding::Protocol(89), Ios::ospf_packet)` to
//!    `IP_SERVICES`, and bind it on the stack when the protocol starts
//!    (`stack.bind(Binding::Protocol(89))`, `stack.join(iface, group)`); the
//!    stack then hands its packets up as [`proto::ip_stack::Payload`] and stops
//!    answering "protocol unreachable" for them. A UDP service binds
//!    `Binding::Udp(port)`. Add `(deadline, run)` to `DEADLINES`, where
//!    `deadline` returns the piece's `poll_at()` and `run` polls it; the
//!    network wakes the box at the earliest deadline of all its pieces. No enum
//!    grows anywhere. A protocol on Ethernet instead adds a `(group address,
//!    handler)` line to `LINK_LOCAL`. What the piece queued is sent with
//!    [`proto::ip_stack::IpStack::originate`] (routed) or
//!    [`proto::ip_stack::IpStack::originate_on`] (one interface, multicast).
//!
//! 4. **The trace.** The piece reports what it decided about a packet as a
//!    [`proto::decision::Decision`] pushed into its notes when the trace is on
//!    (`notes: Option<Vec<Decision>>`, `None` when off, so it costs nothing
//!    then); add a variant if none says it, and its sentence in
//!    `device/words.rs` ("adjacency with 2.2.2.2 on Gi0/0/0 went FULL").
//!    Frames are traced by the fabric without the piece doing anything.
//!
//! 5. **The CLI.** Its commands go in the command tree of the right mode, in
//!    the CLI's file for that area (`cli/ios/routing.rs`), as data: keywords,
//!    typed arguments, help texts and handlers, so `?`, abbreviations,
//!    completion and `no` forms follow. Handlers parse nothing by hand: they
//!    call the device's methods and map typed errors to IOS wording with
//!    [`cli::ios::Cx::reject`]. Its running-config lines are rendered in the
//!    same file and called from `cli/ios/running_config.rs`; its `show`
//!    commands render the device's state in `cli/ios/show.rs` or beside the
//!    commands, against real outputs.
//!
//! 6. **Tests.** Unit tests next to the code (round trip parse/emit, the
//!    state machine against a scripted neighbour); behaviour across devices
//!    in `tests/` (a lab in `tests/labs/`, a script, the transcript); captures
//!    decoded by tshark with no malformed field (`tests/captures.rs`); and a
//!    sample lab in `labs/` with its solution and wrong solutions.

pub mod app;
pub mod base;
pub mod bench;
pub mod cli;
pub mod device;
pub mod grade;
#[cfg(feature = "gui")]
pub mod gui;
pub mod lab;
pub mod net;
pub mod proto;
pub mod script;
pub mod sim;
