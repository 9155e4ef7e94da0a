//! Port security and BPDU guard: which frames a protected access port
//! admits, and the err-disabled state a violation leads to.

use super::*;

impl Ios {
    /// Port security on an access port: admit the frame's source, learn it
    /// (sticky addresses go into the configuration), or act on a violation.
    pub(super) fn port_security_admits(&mut self, now: Time, port: usize, frame: &[u8]) -> bool {
        use crate::proto::vlan::Violation;
        let Some(eth) = crate::proto::ethernet::parse(frame) else { return true };
        let Some(i) = self.port_iface_mut(port) else { return true };
        let Some(sp) = i.switchport.as_mut() else { return true };
        if !sp.port_security.enabled
            || eth.dst_addr == crate::proto::stp::IEEE_DST
            || eth.dst_addr == crate::proto::stp::PVST_DST
        {
            return true;
        }
        let src = eth.src_addr;
        i.last_source = Some((src, sp.access_vlan));
        let ps = &mut sp.port_security;
        let known = ps.macs.iter().any(|(m, _)| *m == src) || i.secure_learned.contains(&src);
        if known {
            return true;
        }
        let max = ps.maximum.unwrap_or(1) as usize;
        if ps.macs.len() + i.secure_learned.len() < max {
            if ps.sticky {
                ps.macs.push((src, true));
            } else {
                i.secure_learned.push(src);
            }
            return true;
        }
        i.violations += 1;
        let short = i.name.short();
        let long = i.name.to_string();
        let mac = crate::proto::ethernet::cisco_format(src);
        match ps.violation.unwrap_or(Violation::Shutdown) {
            Violation::Protect => {}
            Violation::Restrict => self.pending_log.push_str(&format!(
                "\n%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address {mac} on port {long}.\n"
            )),
            Violation::Shutdown => {
                if !i.err_disabled {
                    i.err_disabled = true;
                    i.err_disabled_at = Some((now, "psecure-violation"));
                    self.err_disabled_now.push(port);
                    self.pending_log.push_str(&format!(
                        "\n%PM-4-ERR_DISABLE: psecure-violation error detected on {short}, putting {short} in err-disable state\n\n%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address {mac} on port {long}.\n"
                    ));
                }
            }
        }
        false
    }

    /// A BPDU arrived on an edge port with BPDU guard: err-disable the port.
    pub(super) fn bpdu_guard(&mut self, now: Time, port: usize) -> Option<String> {
        let default_guard = self.switching.stp.bpduguard_default;
        let i = self.port_iface_mut(port)?;
        let sp = i.switchport.as_ref()?;
        let guarded =
            sp.bpduguard == Some(true) || (default_guard && sp.portfast == Some(true) && sp.bpduguard.is_none());
        if !guarded || i.err_disabled {
            return None;
        }
        i.err_disabled = true;
        i.err_disabled_at = Some((now, "bpduguard"));
        let short = i.name.short();
        self.err_disabled_now.push(port);
        Some(format!(
            "\n%SPANTREE-2-BLOCK_BPDUGUARD: Received BPDU on port {short} with BPDU Guard enabled. Disabling port.\n\n%PM-4-ERR_DISABLE: bpduguard error detected on {short}, putting {short} in err-disable state\n"
        ))
    }
}
