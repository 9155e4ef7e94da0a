//! The topology canvas (bevy): devices as icons with their names, cables as
//! lines with a link light at each end, a grid; pan, zoom, select, drag,
//! place and cable. Input becomes [`Action`]s on the workspace.

use std::collections::HashMap;

use bevy::input::mouse::{MouseMotion, MouseWheel};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;

use super::icons::{self, Shape};
use super::{Tool, UiState, Ws};
use crate::app::Action;

/// The entities drawn for the current generation of the workspace.
#[derive(Resource, Default)]
pub struct Scene {
    generation: Option<u64>,
    /// Interface labels are only spawned while they are shown.
    labels_shown: bool,
    cable_count: usize,
    devices: HashMap<String, Entity>,
    lights: Vec<(Entity, Entity)>,
    labels: Vec<(Entity, Entity)>,
    /// Shared meshes and materials, so icons of a kind batch into one draw.
    meshes: HashMap<(u32, u32, bool), Handle<Mesh>>,
    materials: HashMap<[u8; 4], Handle<ColorMaterial>>,
    /// The state each light was last drawn in.
    light_state: Vec<(LinkLight, LinkLight)>,
    /// Device names, and the icon parts drawn over each body: hidden when
    /// zoomed out too far to make them out.
    names: Vec<Entity>,
    details: Vec<Entity>,
    /// The level of detail the scene was last shown at.
    detail: Option<Detail>,
    /// Each cable's two drawn ends this frame, in `cable_ends` order: worked
    /// out once by [`sync`] for its lights and used by [`draw`] for its lines.
    cable_spans: Vec<(Vec2, Vec2)>,
}

/// How much of the scene is worth drawing at a zoom. A software renderer pays
/// for every triangle, and a thousand names two pixels high say nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Detail {
    names: bool,
    icons: bool,
}

impl Detail {
    /// At `scale` world units per pixel.
    fn at(scale: f32) -> Self {
        // Names 14 units high stay readable down to about 7 pixels; icons
        // 40-56 units wide keep their shape down to about 12 pixels, lights
        // (radius 5) last as long as the icons.
        Detail { names: scale <= 2.0, icons: scale <= 4.0 }
    }
}

impl Scene {
    fn mesh(&mut self, meshes: &mut Assets<Mesh>, shape: &Shape) -> Handle<Mesh> {
        let key = match *shape {
            Shape::Circle(r) => ((r * 10.0) as u32, 0, true),
            Shape::Rect(w, h) => ((w * 10.0) as u32, (h * 10.0) as u32, false),
        };
        self.meshes
            .entry(key)
            .or_insert_with(|| match *shape {
                // Enough segments to look round at the largest zoom, and no more.
                Shape::Circle(r) => meshes.add(Circle::new(r).mesh().resolution((r as u32 * 2).clamp(12, 32))),
                Shape::Rect(w, h) => meshes.add(Rectangle::new(w, h)),
            })
            .clone()
    }

    fn material(&mut self, materials: &mut Assets<ColorMaterial>, color: Color) -> Handle<ColorMaterial> {
        let key = color.to_srgba().to_u8_array();
        self.materials.entry(key).or_insert_with(|| materials.add(ColorMaterial::from_color(color))).clone()
    }
}

#[derive(Component)]
pub struct DeviceIcon;

#[derive(Component)]
pub struct WorldCamera;

pub const BACKGROUND: Color = Color::srgb(0.11, 0.13, 0.16);

/// The light at a cable end, as on a real switch's port LED.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkLight {
    Down,
    /// Up, but spanning tree is not forwarding on it (listening, learning, blocking).
    Blocked,
    Forwarding,
}

impl LinkLight {
    pub fn of(device: &crate::device::Device, port: usize) -> Self {
        match (device.ports[port].link_up, device.port_forwarding(port)) {
            (false, _) => LinkLight::Down,
            (true, false) => LinkLight::Blocked,
            (true, true) => LinkLight::Forwarding,
        }
    }

    /// Red, amber, green, in 8-bit sRGB.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            LinkLight::Down => [230, 51, 51],
            LinkLight::Blocked => [242, 166, 26],
            LinkLight::Forwarding => [51, 217, 77],
        }
    }

    fn color(self) -> Color {
        let [r, g, b] = self.rgb();
        Color::srgb_u8(r, g, b)
    }
}
const LIGHT_DISTANCE: f32 = 50.0;
/// Cables start at the edge of an icon, not under it.
const ICON_EDGE: f32 = 30.0;

/// Lab coordinates (y down) to world coordinates (y up).
pub fn world(at: (f32, f32)) -> Vec2 {
    Vec2::new(at.0, -at.1)
}

pub fn lab_point(w: Vec2) -> (f32, f32) {
    (w.x.round(), (-w.y).round())
}

/// Two cameras share one frame: the world camera draws the topology into the
/// canvas (the viewport the panels leave free) after clearing the whole frame,
/// then the UI camera draws egui on top, with transparent panels that let that
/// clear colour through. School computers often render in software, where
/// every pixel filled costs: this way the panels cost no fill of their own and
/// the topology none under the panels. No multisampling, for the same reason.
pub fn setup(mut commands: Commands, mut egui_settings: ResMut<bevy_egui::EguiGlobalSettings>) {
    use bevy::camera::visibility::RenderLayers;
    use bevy::camera::CameraOutputMode;
    use bevy::core_pipeline::tonemapping::DebandDither;
    egui_settings.auto_create_primary_context = false;
    commands.spawn((
        Camera2d,
        WorldCamera,
        Camera { order: 0, output_mode: CameraOutputMode::Skip, ..default() },
        Msaa::Off,
        DebandDither::Disabled,
    ));
    commands.spawn((
        Camera2d,
        bevy_egui::PrimaryEguiContext,
        RenderLayers::none(),
        Camera { order: 1, clear_color: ClearColorConfig::None, ..default() },
        Msaa::Off,
        DebandDither::Disabled,
    ));
}

/// The world camera's viewport follows the canvas rectangle egui left free.
pub fn viewport(
    ui: Res<UiState>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut camera: Single<&mut Camera, With<WorldCamera>>,
) {
    let Some(rect) = ui.canvas else { return };
    let scale = window.scale_factor();
    let (w, h) = (window.physical_width(), window.physical_height());
    // A minimised window has no pixels to give the canvas.
    if w == 0 || h == 0 {
        return;
    }
    let min = (rect.min * scale).round().as_uvec2().min(UVec2::new(w, h).saturating_sub(UVec2::ONE));
    let max = (rect.max * scale).round().as_uvec2().min(UVec2::new(w, h));
    let size = max.saturating_sub(min).max(UVec2::ONE);
    let want = bevy::camera::Viewport { physical_position: min, physical_size: size, ..default() };
    if camera.viewport.as_ref().is_none_or(|v| v.physical_position != min || v.physical_size != size) {
        camera.viewport = Some(want);
    }
}

/// Respawn the scene when devices or cables came or went; otherwise move
/// icons and recolour lights.
pub fn sync(
    mut commands: Commands,
    ws: Res<Ws>,
    ui: Res<UiState>,
    mut scene: ResMut<Scene>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
    mut transforms: Query<&mut Transform>,
    mut light_colors: Query<&mut MeshMaterial2d<ColorMaterial>>,
) {
    let net = &ws.0.net;
    let place = |id: usize| drawn_at(net, &ui, id);
    scene.cable_spans = cable_spans(net, &place);
    let cable_count = net.graph().edge_count();
    if scene.generation != Some(ws.0.generation)
        || scene.cable_count != cable_count
        || scene.labels_shown != ui.show_labels
    {
        respawn(&mut commands, net, ws.0.generation, ui.show_labels, &mut scene, &mut meshes, &mut materials);
        return;
    }
    let [down, blocked, forwarding] =
        [LinkLight::Down, LinkLight::Blocked, LinkLight::Forwarding].map(|l| scene.material(&mut materials, l.color()));
    let light_material = |light: LinkLight| match light {
        LinkLight::Down => down.clone(),
        LinkLight::Blocked => blocked.clone(),
        LinkLight::Forwarding => forwarding.clone(),
    };
    for (id, d) in net.devices().iter().enumerate() {
        if let Some(&e) = scene.devices.get(&d.name) {
            if let Ok(mut t) = transforms.get_mut(e) {
                let want = place(id).extend(1.0);
                if t.translation != want {
                    t.translation = want;
                }
            }
        }
    }
    for (i, ends) in net.cable_ends().enumerate() {
        let (Some(&(la, lb)), Some(&(ta, tb)), Some(&(pa, pb))) =
            (scene.lights.get(i), scene.labels.get(i), scene.cable_spans.get(i))
        else {
            continue;
        };
        let dir = (pb - pa).normalize_or_zero();
        let light = |e: crate::sim::End| LinkLight::of(net.device(e.device), e.port);
        let state = (light(ends[0]), light(ends[1]));
        let recolour = scene.light_state.get(i) != Some(&state);
        for (light, label, at, sign, shown) in [(la, ta, pa, 1.0, state.0), (lb, tb, pb, -1.0, state.1)] {
            let spot = (at + dir * sign * LIGHT_DISTANCE).extend(0.5);
            // Only a light that moved is touched: a changed transform is re-sent to the renderer.
            if let Ok(mut t) = transforms.get_mut(light) {
                if t.translation != spot {
                    t.translation = spot;
                }
            }
            if recolour {
                if let Ok(mut m) = light_colors.get_mut(light) {
                    m.0 = light_material(shown);
                }
            }
            if ui.show_labels {
                if let Ok(mut t) = transforms.get_mut(label) {
                    let normal = Vec2::new(-dir.y, dir.x) * 12.0;
                    t.translation = (at + dir * sign * (LIGHT_DISTANCE + 18.0) + normal).extend(0.6);
                }
            }
        }
        if recolour {
            if let Some(s) = scene.light_state.get_mut(i) {
                *s = state;
            }
        }
    }
}

/// Despawn everything drawn for the network and draw it afresh: each device's
/// icon and name, a light (and, when shown, a label) at each cable end.
fn respawn(
    commands: &mut Commands,
    net: &crate::net::Network,
    generation: u64,
    show_labels: bool,
    scene: &mut Scene,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<ColorMaterial>,
) {
    let cables = net.cables();
    for (_, e) in scene.devices.drain() {
        commands.entity(e).despawn();
    }
    scene.names.clear();
    scene.details.clear();
    scene.detail = None;
    for (a, b) in scene.lights.drain(..).chain(scene.labels.drain(..)) {
        commands.entity(a).despawn();
        commands.entity(b).despawn();
    }
    for d in net.devices() {
        let parent = commands
            .spawn((DeviceIcon, Transform::from_translation(world(d.at).extend(1.0)), Visibility::default()))
            .with_children(|c| {
                let essential = icons::essential_parts(d.model);
                for (z, p) in icons::parts(d.model).into_iter().enumerate() {
                    let mesh = scene.mesh(meshes, &p.shape);
                    let material = scene.material(materials, p.color);
                    let part = c
                        .spawn((
                            Mesh2d(mesh),
                            MeshMaterial2d(material),
                            Transform::from_translation(p.offset.extend(z as f32 * 0.01)),
                        ))
                        .id();
                    if z >= essential {
                        scene.details.push(part);
                    }
                }
                let name = c
                    .spawn((
                        Text2d::new(d.name.clone()),
                        TextFont { font_size: FontSize::Px(14.0), ..default() },
                        TextColor(Color::srgb(0.9, 0.92, 0.95)),
                        Transform::from_translation(Vec3::new(0.0, -40.0, 0.2)),
                    ))
                    .id();
                scene.names.push(name);
            })
            .id();
        scene.devices.insert(d.name.clone(), parent);
    }
    let mesh = scene.mesh(meshes, &Shape::Circle(5.0));
    let red = scene.material(materials, LinkLight::Down.color());
    for c in &cables {
        let mut pair = Vec::new();
        let mut label_pair = Vec::new();
        for (_, iface) in [&c.a, &c.b] {
            pair.push(
                commands
                    .spawn((Mesh2d(mesh.clone()), MeshMaterial2d(red.clone()), Transform::from_xyz(0.0, 0.0, 0.5)))
                    .id(),
            );
            let label = if show_labels {
                commands
                    .spawn((
                        Text2d::new(iface.short()),
                        TextFont { font_size: FontSize::Px(11.0), ..default() },
                        TextColor(Color::srgb(0.75, 0.8, 0.85)),
                        Transform::from_xyz(0.0, 0.0, 0.6),
                    ))
                    .id()
            } else {
                commands.spawn(Transform::default()).id()
            };
            label_pair.push(label);
        }
        scene.lights.push((pair[0], pair[1]));
        scene.labels.push((label_pair[0], label_pair[1]));
    }
    scene.light_state = vec![(LinkLight::Down, LinkLight::Down); cables.len()];
    scene.labels_shown = show_labels;
    scene.generation = Some(generation);
    scene.cable_count = cables.len();
}

/// Show or hide names, icon details and lights as the zoom crosses a
/// [`Detail`] level.
pub fn level_of_detail(
    mut scene: ResMut<Scene>,
    camera: Single<&Projection, With<WorldCamera>>,
    mut visibility: Query<&mut Visibility>,
) {
    let scale = match *camera {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    };
    let detail = Detail::at(scale);
    if scene.detail == Some(detail) {
        return;
    }
    scene.detail = Some(detail);
    let shown = |on: bool| if on { Visibility::Inherited } else { Visibility::Hidden };
    let lights = scene.lights.iter().flat_map(|&(a, b)| [a, b]);
    for (entity, on) in scene
        .names
        .iter()
        .map(|&e| (e, detail.names))
        .chain(scene.details.iter().map(|&e| (e, detail.icons)))
        .chain(lights.map(|e| (e, detail.icons)))
    {
        if let Ok(mut v) = visibility.get_mut(entity) {
            *v = shown(on);
        }
    }
}

/// Where a device is drawn: where it is being dragged to, or where it stands.
fn drawn_at(net: &crate::net::Network, ui: &UiState, id: usize) -> Vec2 {
    let d = net.device(id);
    world(ui.drag.as_ref().filter(|g| g.device == d.name).map_or(d.at, |g| g.at))
}

/// Each cable's two drawn ends, parallel cables beside each other, in
/// `cable_ends` order.
fn cable_spans(net: &crate::net::Network, place: &impl Fn(usize) -> Vec2) -> Vec<(Vec2, Vec2)> {
    net.cable_ends()
        .zip(parallel_offsets(net, place))
        .map(|(ends, shift)| (place(ends[0].device) + shift, place(ends[1].device) + shift))
        .collect()
}

/// Space between cables that join the same two devices.
const PARALLEL_GAP: f32 = 14.0;

/// How far each cable is drawn beside the straight line between its
/// devices, so parallel cables (an EtherChannel, a redundant link) show as
/// separate lines with their own lights. In `cable_ends` order.
fn parallel_offsets(net: &crate::net::Network, place: &impl Fn(usize) -> Vec2) -> Vec<Vec2> {
    let pairs: Vec<(usize, usize)> =
        net.cable_ends().map(|e| (e[0].device.min(e[1].device), e[0].device.max(e[1].device))).collect();
    let mut count: std::collections::BTreeMap<(usize, usize), usize> = std::collections::BTreeMap::new();
    for p in &pairs {
        *count.entry(*p).or_default() += 1;
    }
    let mut seen: std::collections::BTreeMap<(usize, usize), usize> = std::collections::BTreeMap::new();
    pairs
        .iter()
        .map(|pair| {
            let n = count[pair];
            if n < 2 {
                return Vec2::ZERO;
            }
            let index = seen.entry(*pair).or_default();
            let k = *index;
            *index += 1;
            // The normal of the pair taken in device order, whichever way each cable runs.
            let dir = (place(pair.1) - place(pair.0)).normalize_or_zero();
            let normal = Vec2::new(-dir.y, dir.x);
            normal * (k as f32 - (n - 1) as f32 / 2.0) * PARALLEL_GAP
        })
        .collect()
}

/// Cables, the grid and the selection, drawn every frame.
pub fn draw(
    mut gizmos: Gizmos,
    ws: Res<Ws>,
    ui: Res<UiState>,
    scene: Res<Scene>,
    camera: Single<(&Camera, &GlobalTransform), With<WorldCamera>>,
) {
    let (cam, cam_t) = *camera;
    // The grid, only where it can be seen.
    let seen = cam.logical_viewport_rect().unwrap_or(Rect::new(0.0, 0.0, 1000.0, 1000.0));
    if let (Ok(min), Ok(max)) = (cam.viewport_to_world_2d(cam_t, seen.min), cam.viewport_to_world_2d(cam_t, seen.max)) {
        let (lo, hi) = (min.min(max), min.max(max));
        // Coarser when zoomed out, so the grid never turns into a haze.
        let mut step = 50.0;
        while (hi.x - lo.x) / step + (hi.y - lo.y) / step > 80.0 {
            step *= 2.0;
        }
        let grid = Color::srgba(1.0, 1.0, 1.0, 0.04);
        {
            let mut x = (lo.x / step).floor() * step;
            while x < hi.x {
                gizmos.line_2d(Vec2::new(x, lo.y), Vec2::new(x, hi.y), grid);
                x += step;
            }
            let mut y = (lo.y / step).floor() * step;
            while y < hi.y {
                gizmos.line_2d(Vec2::new(lo.x, y), Vec2::new(hi.x, y), grid);
                y += step;
            }
        }
    }
    let net = &ws.0.net;
    let pos = |name: &str| net.find(name).map(|id| drawn_at(net, &ui, id));
    for (i, (ends, &(a, b))) in net.cable_ends().zip(&scene.cable_spans).enumerate() {
        let serial = net.device(ends[0].device).ports[ends[0].port].name.kind == crate::base::IfaceKind::Serial;
        let color = if serial { Color::srgb(0.9, 0.35, 0.3) } else { Color::srgb(0.7, 0.72, 0.75) };
        let dir = (b - a).normalize_or_zero();
        if a.distance(b) > 2.0 * ICON_EDGE {
            let (from, to) = (a + dir * ICON_EDGE, b - dir * ICON_EDGE);
            gizmos.line_2d(from, to, color);
            // Realtime traffic: a brief, wider, brighter line between the link lights.
            let inset = LIGHT_DISTANCE + 8.0;
            if ui.flashes.lit(i) && a.distance(b) > 2.0 * inset {
                let (from, to) = (a + dir * inset, b - dir * inset);
                let normal = Vec2::new(-dir.y, dir.x);
                for w in [-2.0, -1.0, 1.0, 2.0] {
                    gizmos.line_2d(from + normal * w, to + normal * w, Color::srgb(1.0, 0.95, 0.55));
                }
            }
        }
    }
    if let Some(p) = ui.selected.as_deref().and_then(pos) {
        gizmos.rect_2d(Isometry2d::from_translation(p), Vec2::new(72.0, 64.0), Color::srgb(1.0, 0.85, 0.2));
    }
    if let Tool::Cable { first: Some((ref dev, _)) } | Tool::Pdu { from: Some(ref dev) } = ui.tool {
        if let Some(p) = pos(dev) {
            gizmos.circle_2d(Isometry2d::from_translation(p), 36.0, Color::srgb(1.0, 0.85, 0.2));
        }
    }
    // Simulation mode: the envelope of the current event, coloured by
    // protocol: on the cable, halfway, for a frame sent; at the device for
    // one received.
    if let Some(e) = ws.0.sim_current() {
        let (Some(at), peer) = (pos(&e.line.device), e.peer.as_deref().and_then(pos)) else { return };
        // A frame sent travels from its port to the far end; one received
        // waits at the device that took it in.
        let travelled = ui.envelope.map_or(1.0, |(_, t)| {
            (t.elapsed().as_secs_f32() / super::simulation::ENVELOPE_TRAVEL.as_secs_f32()).min(1.0)
        });
        let spot = match (e.line.kind, peer) {
            ("sent", Some(peer)) => at.lerp(peer, 0.2 + 0.3 * travelled),
            (_, Some(peer)) => at.lerp(peer, 0.2),
            _ => at,
        };
        let c = super::simulation::protocol_color(&e.line.protocol);
        let color = Color::srgb_u8(c.r(), c.g(), c.b());
        envelope(&mut gizmos, spot, color);
        // A frame the device dropped: a red cross on it (the inspector says why).
        if e.dropped {
            let red = Color::srgb(0.95, 0.2, 0.2);
            for (a, b) in
                [(Vec2::new(-18.0, -18.0), Vec2::new(18.0, 18.0)), (Vec2::new(-18.0, 18.0), Vec2::new(18.0, -18.0))]
            {
                for w in [-1.0, 0.0, 1.0] {
                    let shift = Vec2::new(w, 0.0);
                    gizmos.line_2d(at + a + shift, at + b + shift, red);
                }
            }
        }
    }
}

/// An envelope: a filled-looking rectangle with its flap.
fn envelope(gizmos: &mut Gizmos, at: Vec2, color: Color) {
    let (w, h) = (30.0, 20.0);
    for i in 0..6 {
        let inset = i as f32 * 1.5;
        gizmos.rect_2d(Isometry2d::from_translation(at), Vec2::new(w - inset * 2.0, h - inset * 2.0), color);
    }
    let (tl, tr) = (at + Vec2::new(-w / 2.0, h / 2.0), at + Vec2::new(w / 2.0, h / 2.0));
    gizmos.line_2d(tl, at, Color::BLACK);
    gizmos.line_2d(tr, at, Color::BLACK);
}

/// The device under a world point, if any (the nearest within reach).
pub fn device_at(ws: &Ws, point: Vec2) -> Option<String> {
    ws.0.net
        .devices()
        .iter()
        .map(|d| (d, world(d.at).distance(point)))
        .filter(|(_, dist)| *dist <= icons::HIT_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d.name.clone())
}

/// Mouse on the canvas: zoom, pan, select, drag, double-click, place, cable.
#[allow(clippy::too_many_arguments)]
pub fn input(
    mut ws: ResMut<Ws>,
    mut ui: ResMut<UiState>,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    mut wheel: MessageReader<MouseWheel>,
    mut motion: MessageReader<MouseMotion>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut camera: Single<(&Camera, &GlobalTransform, &mut Transform, &mut Projection), With<WorldCamera>>,
    egui_wants: Res<EguiWantsInput>,
    time: Res<Time>,
) {
    let over_ui = egui_wants.wants_any_pointer_input();
    let moved: Vec2 = motion.read().map(|m| m.delta).sum();
    let scrolled: f32 = wheel.read().map(|w| w.y).sum();
    let (cam, cam_gt, ref mut cam_t, ref mut projection) = *camera;
    let scale = match &**projection {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    };
    if !over_ui && scrolled != 0.0 {
        if let Projection::Orthographic(o) = &mut **projection {
            o.scale = (o.scale * (1.0 - scrolled.signum() * 0.1)).clamp(0.1, 20.0);
        }
    }
    if (buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle)) && !over_ui {
        cam_t.translation.x -= moved.x * scale;
        cam_t.translation.y += moved.y * scale;
    }
    let Some(cursor) = window.cursor_position() else { return };
    let Ok(point) = cam.viewport_to_world_2d(cam_gt, cursor) else { return };

    if buttons.just_pressed(MouseButton::Left) && !over_ui {
        let hit = device_at(&ws, point);
        match ui.tool.clone() {
            Tool::Place(model) => {
                let _ = ws.0.apply(Action::AddDevice { model, at: lab_point(point) });
                ui.tool = Tool::Select;
            }
            Tool::Cable { first: None } => {
                if let Some(d) = hit {
                    ui.port_menu = Some(super::PortMenu { device: d, screen: cursor, second: false });
                }
            }
            Tool::Cable { first: Some(_) } => {
                if let Some(d) = hit {
                    ui.port_menu = Some(super::PortMenu { device: d, screen: cursor, second: true });
                }
            }
            Tool::Pdu { from: None } => {
                if let Some(d) = hit {
                    ui.tool = Tool::Pdu { from: Some(d) };
                }
            }
            Tool::Pdu { from: Some(from) } => {
                if let Some(to) = hit {
                    ui.tool = Tool::Select;
                    if let Err(e) = ws.0.sim_add_pdu(&from, &to) {
                        ui.status = e.to_string();
                    }
                }
            }
            Tool::Select => {
                ui.selected = hit.clone();
                if let Some(d) = hit {
                    let now = time.elapsed_secs_f64();
                    let double = ui.last_click.as_ref().is_some_and(|(n, t)| *n == d && now - t < 0.4);
                    ui.last_click = Some((d.clone(), now));
                    if double {
                        ui.open_device(&d);
                    } else if let Some(id) = ws.0.net.find(&d) {
                        let at = ws.0.net.device(id).at;
                        ui.drag = Some(super::Drag { device: d, start: at, at, grab: point - world(at), moved: false });
                    }
                }
            }
        }
    }
    if buttons.pressed(MouseButton::Left) {
        if let Some(drag) = ui.drag.as_mut() {
            let at = lab_point(point - drag.grab);
            if at != drag.at {
                drag.at = at;
                drag.moved = true;
            }
        }
    }
    if buttons.just_released(MouseButton::Left) {
        if let Some(drag) = ui.drag.take() {
            if drag.moved {
                let _ = ws.0.apply(Action::MoveDevice { device: drag.device, to: drag.at });
            }
        }
    }
    if !egui_wants.wants_any_keyboard_input()
        && (keys.just_pressed(KeyCode::Delete) || keys.just_pressed(KeyCode::Backspace))
    {
        if let Some(d) = ui.selected.take() {
            ui.close_device(&d);
            let _ = ws.0.apply(Action::DeleteDevice { device: d });
        }
    }
    if keys.just_pressed(KeyCode::Escape) {
        ui.tool = Tool::Select;
        ui.port_menu = None;
    }
}

/// The widths of the side panels (palette, lab) in logical pixels.
pub const PANELS: (f32, f32) = (190.0, 300.0);

/// Centre the camera on the devices and zoom so they all fit the canvas.
pub fn fit(
    ws: Res<Ws>,
    mut ui: ResMut<UiState>,
    mut camera: Single<(&mut Transform, &mut Projection), With<WorldCamera>>,
) {
    // The canvas's size is known once egui has laid out the panels.
    let Some(canvas) = ui.canvas.filter(|_| ui.fit_request) else { return };
    ui.fit_request = false;
    let points: Vec<(f32, f32)> = ws.0.net.devices().iter().map(|d| d.at).collect();
    let (centre, scale) = crate::app::fit_view(&points, (canvas.width(), canvas.height()));
    let (ref mut t, ref mut projection) = *camera;
    t.translation = Vec3::new(centre.0, centre.1, t.translation.z);
    if let Projection::Orthographic(o) = &mut **projection {
        o.scale = scale;
    }
}
