//! When the app draws a frame. A school computer often renders in software,
//! where each frame costs tens of milliseconds of both cores, so an idle app
//! must not draw at all: frames come on input, when egui asks for one, and a
//! few times a second while the simulation runs, so it shows its output,
//! clock and link lights. Screenshots and frame-time measurements draw every
//! frame.

use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{egui, EguiContext, EguiInput, EguiPreUpdateSet};

/// How often a frame is drawn with no input while the simulation runs (more
/// often at high speeds: see [`crate::app::MAX_STEP_SECONDS`]).
const SIMULATION_REFRESH: Duration = Duration::from_millis(200);
/// ... and while it is paused, when nothing changes without input.
const PAUSED_REFRESH: Duration = Duration::from_secs(10);

pub struct RedrawPlugin {
    /// Draw every frame, as fast as possible.
    pub continuous: bool,
}

impl Plugin for RedrawPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(if self.continuous {
            WinitSettings { focused_mode: UpdateMode::Continuous, unfocused_mode: UpdateMode::Continuous }
        } else {
            WinitSettings {
                focused_mode: UpdateMode::reactive(SIMULATION_REFRESH),
                unfocused_mode: UpdateMode::reactive_low_power(SIMULATION_REFRESH),
            }
        })
        .add_systems(
            PreUpdate,
            drop_unchanged_modifiers.after(EguiPreUpdateSet::ProcessInput).before(EguiPreUpdateSet::BeginPass),
        );
        if !self.continuous {
            app.add_systems(Update, follow_simulation);
        }
    }
}

/// While an envelope travels, or simulation mode plays: smooth frames.
const ANIMATION_REFRESH: Duration = Duration::from_millis(33);

fn follow_simulation(ws: Res<super::Ws>, ui: Res<super::UiState>, mut settings: ResMut<WinitSettings>) {
    let speed = ws.0.speed;
    let travelling = ui.envelope.is_some_and(|(_, t)| t.elapsed() < super::simulation::ENVELOPE_TRAVEL);
    let wait = if ws.0.sim.as_ref().is_some_and(|s| s.playing) || travelling {
        ANIMATION_REFRESH
    } else if ws.0.sim.is_some() {
        // Simulation mode, stopped: nothing moves without input.
        PAUSED_REFRESH
    } else if speed > 0.0 {
        SIMULATION_REFRESH.min(Duration::from_secs_f64(crate::app::MAX_STEP_SECONDS / speed))
    } else {
        PAUSED_REFRESH
    };
    let want = (UpdateMode::reactive(wait), UpdateMode::reactive_low_power(wait));
    if (settings.focused_mode, settings.unfocused_mode) != want {
        settings.focused_mode = want.0;
        settings.unfocused_mode = want.1;
    }
}

/// bevy_egui 0.42 tells egui the modifier keys' state every frame, and egui
/// answers any input event with a request for the next frame, so the app
/// would never idle. Pass the state on only when it changed (bevy_egui 0.43
/// does the same upstream).
fn drop_unchanged_modifiers(mut contexts: Query<(&mut EguiContext, &mut EguiInput)>) {
    for (mut context, mut input) in &mut contexts {
        let mut current = context.get_mut().input(|i| i.modifiers);
        input.events.retain(|event| match event {
            egui::Event::ModifiersChanged(m) if *m == current => false,
            egui::Event::ModifiersChanged(m) => {
                current = *m;
                true
            }
            _ => true,
        });
    }
}
