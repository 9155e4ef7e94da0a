//! `show ip protocols`: IOS's NSF line, the `application` pseudo-protocol
//! that IOS 15 and IOS XE always list first, then one block per routing
//! process. Each protocol contributes its blocks through one function
//! (OSPF: [`super::ospf_show::protocol_blocks`], RIP: [`super::rip::protocols_block`]); a new protocol adds its own
//! to [`protocol_blocks`].

use super::Cx;
use crate::device::Device;
use crate::sim::Time;

/// The block IOS prints for its built-in `application` routes.
const APPLICATION: &str = "Routing Protocol is \"application\"
  Sending updates every 0 seconds
  Invalid after 0 seconds, hold down 0, flushed after 0
  Outgoing update filter list for all interfaces is not set
  Incoming update filter list for all interfaces is not set
  Maximum path: 32
  Routing for Networks:
  Routing Information Sources:
    Gateway         Distance      Last Update
  Distance: (default is 4)
";

pub fn show_ip_protocols(cx: &mut Cx) {
    let text = ip_protocols_text(cx.dev, cx.now);
    cx.print(&text);
}

/// Every routing process's block, in the order IOS lists them.
fn protocol_blocks(dev: &Device, now: Time) -> Vec<String> {
    let mut blocks = super::ospf_show::protocol_blocks(dev, now);
    if let crate::device::Role::Ios(ios) = &dev.role {
        blocks.extend(super::rip::protocols_block(ios, now));
    }
    blocks
}

/// `show ip protocols`; each block is followed by a blank line, as on IOS.
pub fn ip_protocols_text(dev: &Device, now: Time) -> String {
    let mut out = String::from("*** IP Routing is NSF aware ***\n\n");
    for block in std::iter::once(APPLICATION.to_string()).chain(protocol_blocks(dev, now)) {
        out.push_str(&block);
        out.push('\n');
    }
    out
}
