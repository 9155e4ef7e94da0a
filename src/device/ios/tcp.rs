//! TCP on an IOS box: every segment for the box comes here; closed ports
//! answer with a reset, as IOS does, and `ip http server` listens on port 80
//! (asking for a login, so an anonymous request gets 401).

use super::*;
use crate::device::web::WebServer;
use crate::proto::http;
use smoltcp::wire::IpProtocol;

impl Ios {
    /// A TCP segment for the box (the `IP_SERVICES` table sends it here).
    pub(super) fn tcp_segment(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        self.tcp.receive(now, p.src, p.dst, &p.bytes);
        self.tcp_flush(now);
    }

    /// `ip http server` on or off.
    pub fn set_http_server(&mut self, on: bool) {
        self.system.http_server = on;
        if on {
            self.tcp.listen(http::PORT);
            let site = http::Site { realm: Some("level_15_access".into()), ..http::Site::default() };
            self.web.get_or_insert_with(|| WebServer::new(site));
        } else {
            self.tcp.unlisten(http::PORT);
            self.web = None;
        }
    }

    pub(super) fn tcp_deadline(&self) -> Option<Time> {
        self.tcp_due
    }

    pub(super) fn tcp_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        self.tcp.poll(now);
        self.tcp_flush(now);
        String::new()
    }

    fn tcp_flush(&mut self, now: Time) {
        for e in std::mem::take(&mut self.tcp.events) {
            if let Some(w) = self.web.as_mut() {
                w.on_event(now, &mut self.tcp, e);
            }
        }
        for seg in std::mem::take(&mut self.tcp.out) {
            let len = seg.segment.len();
            let _ = self
                .stack
                .originate(now, seg.src, seg.dst, IpProtocol::Tcp, None, len, |b| b.copy_from_slice(&seg.segment));
        }
        self.tcp_due = self.tcp.poll_at();
        self.refresh_due();
    }
}
