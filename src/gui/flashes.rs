//! Realtime mode's traffic flashes: a cable that carried frames since the
//! last frame drawn lights up until the next one, so a student sees where
//! traffic goes without the cost of the trace (each cable counts its frames
//! anyway). Optional in the View menu: on by default in labs of up to
//! [`AUTO_LIMIT`] devices, off in bigger ones, where every cable would flicker.

use std::time::{Duration, Instant};

use crate::net::Network;

/// The most devices a lab may have for the flashes to be on by default.
pub const AUTO_LIMIT: usize = 40;

/// How long a flash lasts: one or two of the frames the app draws a
/// second in realtime (it draws no more for them: an idle app stays idle).
const FLASH: Duration = Duration::from_millis(250);
/// ... and at least this many frames.
const FRAMES_SHOWN: u8 = 2;

#[derive(Default)]
pub struct Flashes {
    /// The user's choice; `None` until they make one: by the lab's size.
    pub chosen: Option<bool>,
    /// Each cable's frame count at the last look, in `cable_ends` order.
    seen: Vec<u64>,
    /// When each cable last carried a frame, and how many more frames drawn
    /// must show it (a slow software renderer may take longer than a flash).
    lit: Vec<Option<(Instant, u8)>>,
}

impl Flashes {
    /// Whether flashes are shown for a network of `devices`.
    pub fn on(&self, devices: usize) -> bool {
        self.chosen.unwrap_or(devices <= AUTO_LIMIT)
    }

    /// Look at the cables' counters: those that moved light up. Nothing
    /// lights while `showing` is false (simulation mode, flashes off).
    pub fn update(&mut self, net: &Network, showing: bool) {
        let now: Vec<u64> = net.cable_frames().collect();
        if now.len() != self.seen.len() || !showing {
            // Cables came or went (or nothing is shown): start counting afresh.
            self.lit = vec![None; now.len()];
            self.seen = now;
            return;
        }
        let at = Instant::now();
        for ((seen, count), lit) in self.seen.iter_mut().zip(now).zip(&mut self.lit) {
            if count != *seen {
                *seen = count;
                *lit = Some((at, FRAMES_SHOWN));
            } else if let Some((_, frames)) = lit {
                *frames = frames.saturating_sub(1);
            }
        }
    }

    /// Whether cable `i` (in `cable_ends` order) is lit now.
    pub fn lit(&self, i: usize) -> bool {
        self.lit.get(i).copied().flatten().is_some_and(|(t, frames)| frames > 0 || t.elapsed() < FLASH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Terminal;

    #[test]
    fn a_cable_that_carried_frames_lights_up() {
        let text = r#"Lab(title: "f", instructions: "", seed: 1,
            devices: [
                Device(name: "PC1", model: Pc, config: "ipconfig 10.0.0.1 255.0.0.0"),
                Device(name: "PC2", model: Pc, config: "ipconfig 10.0.0.2 255.0.0.0"),
            ],
            links: [("PC1:Fa0", "PC2:Fa0")], objectives: [])"#;
        let lab = crate::lab::parse(text, "f.ron").unwrap();
        let (mut net, _) = crate::lab::build(&lab).unwrap();
        let mut flashes = Flashes::default();
        assert!(flashes.on(net.devices().len()), "on by default in a small lab");
        flashes.update(&net, true);
        assert!(!flashes.lit(0));
        let pc1 = net.find("PC1").unwrap();
        net.type_line(pc1, "ping -n 1 10.0.0.2");
        net.run_for(crate::sim::Duration::from_secs(1));
        flashes.update(&net, true);
        assert!(flashes.lit(0));
        // Off: nothing lights.
        net.type_line(pc1, "ping -n 1 10.0.0.2");
        net.run_for(crate::sim::Duration::from_secs(1));
        flashes.update(&net, false);
        assert!(!flashes.lit(0));
        assert!(!Flashes::default().on(AUTO_LIMIT + 1), "off by default in a big lab");
    }
}
