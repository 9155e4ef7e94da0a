//! HTTP on a host, over its TCP: a Server's web service (on by default, as
//! on a Packet Tracer server) answering from its pages, and one fetch at a
//! time for `curl` and the graders.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::proto::http::{self, Response, Site, Url};
use crate::proto::tcp::{ConnId, Event, Tcp};
use crate::sim::{Duration, Time};

/// A web server: its pages, and the requests being read.
#[derive(Clone, Debug, Default)]
pub struct WebServer {
    pub site: Site,
    reading: BTreeMap<ConnId, Vec<u8>>,
}

impl WebServer {
    pub fn new(site: Site) -> WebServer {
        WebServer { site, reading: BTreeMap::new() }
    }

    /// Act on a TCP event; returns whether it was the server's.
    pub fn on_event(&mut self, now: Time, tcp: &mut Tcp, e: Event) -> bool {
        match e {
            Event::Accepted { conn, port: http::PORT } => {
                self.reading.insert(conn, Vec::new());
            }
            Event::Data(conn) if self.reading.contains_key(&conn) => {
                let data = tcp.take_received(conn);
                let buf = self.reading.get_mut(&conn).expect("checked");
                buf.extend(data);
                if let Some((method, path)) = http::parse_request(buf) {
                    self.reading.remove(&conn);
                    tcp.send(now, conn, &self.site.respond(&method, &path));
                    tcp.close(now, conn);
                }
            }
            Event::PeerClosed(conn) if self.reading.contains_key(&conn) => {
                self.reading.remove(&conn);
                tcp.close(now, conn);
            }
            Event::Closed(conn) | Event::Reset(conn) | Event::TimedOut(conn) => {
                return self.reading.remove(&conn).is_some();
            }
            _ => return false,
        }
        true
    }
}

/// How a fetch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    Response(Response),
    /// The server's host answered with a reset: nothing listens on the port.
    Refused {
        addr: Ipv4Addr,
        port: u16,
        after: Duration,
    },
    /// No answer to the SYNs.
    TimedOut {
        addr: Ipv4Addr,
        port: u16,
        after: Duration,
    },
    /// The connection broke before a whole response came.
    Broken,
}

/// A fetch under way.
#[derive(Clone, Debug)]
pub struct Fetch {
    conn: ConnId,
    addr: Ipv4Addr,
    port: u16,
    request: Vec<u8>,
    received: Vec<u8>,
    started: Time,
}

impl Fetch {
    /// Open the connection for `GET` (or `HEAD`) of `url` at `addr`.
    pub fn start(now: Time, tcp: &mut Tcp, src: Ipv4Addr, addr: Ipv4Addr, url: &Url, head: bool) -> Fetch {
        let conn = tcp.connect(now, src, addr, url.port);
        let request = http::request(if head { "HEAD" } else { "GET" }, url);
        Fetch { conn, addr, port: url.port, request, received: Vec::new(), started: now }
    }

    /// Act on a TCP event; `Some` when the fetch is over.
    pub fn on_event(&mut self, now: Time, tcp: &mut Tcp, e: Event) -> Option<FetchOutcome> {
        let after = now.since(self.started);
        match e {
            Event::Connected(c) if c == self.conn => {
                tcp.send(now, c, &self.request);
                None
            }
            Event::Data(c) if c == self.conn => {
                self.received.extend(tcp.take_received(c));
                None
            }
            Event::PeerClosed(c) if c == self.conn => {
                tcp.close(now, c);
                Some(http::parse_response(&self.received, true).map_or(FetchOutcome::Broken, FetchOutcome::Response))
            }
            Event::Reset(c) if c == self.conn => Some(if self.received.is_empty() {
                FetchOutcome::Refused { addr: self.addr, port: self.port, after }
            } else {
                http::parse_response(&self.received, true).map_or(FetchOutcome::Broken, FetchOutcome::Response)
            }),
            Event::TimedOut(c) if c == self.conn => {
                Some(FetchOutcome::TimedOut { addr: self.addr, port: self.port, after })
            }
            _ => None,
        }
    }

    /// Stop (Ctrl+C): the connection is reset.
    pub fn abort(&self, tcp: &mut Tcp) {
        tcp.abort(self.conn);
    }
}
