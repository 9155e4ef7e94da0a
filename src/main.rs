//! The `wirelab` command line: the app, `run`, `validate`, `bench`.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

mod console;

use wirelab::lab::{self, Lab};
use wirelab::net::Network;
use wirelab::script;
use wirelab::sim::{Duration, Time};

/// The engine allocates and frees a frame per event; mimalloc does that far
/// faster than the system allocator on large networks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "wirelab", version, about = "A packet-level network lab for CCNA-level coursework")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    app: AppArgs,
}

/// The desktop app's arguments (used when no subcommand is given).
#[derive(Args)]
struct AppArgs {
    /// A lab to open in the desktop app.
    lab: Option<PathBuf>,
    /// Render the lab, save a PNG and exit.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// UI steps to carry out at start: mouse and keyboard (`click-ui palette:Router`,
    /// `click 600 300`, `double-click-device R1`, `text enable`, `key Enter`) and
    /// document steps (`open R1`, `type R1 show ip int brief`, `check`, `quit`).
    #[arg(long, value_name = "FILE")]
    steps: Option<PathBuf>,
    /// Measure the frame time over N frames (mean, median, 95th percentile), print it and exit.
    #[arg(long, value_name = "N")]
    measure_frames: Option<u32>,
    /// Leave the app idle for this many seconds, print how many frames it drew, and exit.
    #[arg(long, value_name = "SECONDS")]
    measure_idle: Option<f64>,
    /// The window's size in pixels.
    #[arg(long, value_name = "WIDTHxHEIGHT", default_value = "1600x900", value_parser = window_size)]
    window: (u32, u32),
}

fn window_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{text}` is not a size like 1280x720");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h) = (w.trim().parse::<u32>().map_err(|_| bad())?, h.trim().parse::<u32>().map_err(|_| bad())?);
    if !(320..=16384).contains(&w) || !(240..=16384).contains(&h) {
        return Err(format!("`{text}`: a window is from 320x240 to 16384x16384 pixels"));
    }
    Ok((w, h))
}

#[derive(Subcommand)]
enum Command {
    /// Run a lab headless, typing a script into its devices, and print the transcript.
    Run {
        lab: PathBuf,
        /// The script to type (`-` for standard input).
        #[arg(long)]
        script: Option<String>,
        /// Write the lab with every device's running configuration.
        #[arg(long, value_name = "OUT")]
        save: Option<PathBuf>,
        /// Write one capture per cable into this folder.
        #[arg(long, value_name = "DIR")]
        pcap: Option<PathBuf>,
        /// Run simulated time to this second (after the script; at most a week).
        #[arg(long, value_name = "SECONDS", value_parser = until_seconds, allow_hyphen_values = true)]
        until: Option<f64>,
        /// Also print the event list: every frame sent, received and lost, and
        /// every decision a device took, from the moment the lab is booted.
        #[arg(long)]
        trace: bool,
        /// With --trace: only these protocols (e.g. `arp,icmp,stp`).
        #[arg(long, value_delimiter = ',', requires = "trace")]
        filter: Vec<String>,
        /// With --trace: the event list as one JSON object a line (the
        /// transcript then goes to standard error).
        #[arg(long, requires = "trace")]
        json: bool,
        /// With --trace: the language of the decisions (`en` or `fr`).
        #[arg(long, requires = "trace", value_parser = ["en", "fr"], default_value = "en")]
        lang: String,
    },
    /// An interactive terminal on one device of a lab, as over a console cable.
    Console {
        lab: PathBuf,
        device: String,
        /// Write the lab with every device's running configuration on exit.
        #[arg(long, value_name = "OUT")]
        save: Option<PathBuf>,
    },
    /// Grade submissions against a lab's objectives.
    Grade {
        lab: PathBuf,
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// Print the reports as JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print one CSV row per submission.
        #[arg(long)]
        csv: bool,
        /// Submissions graded at once (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Wall-clock seconds one submission may take on this machine before it is
        /// reported "not graded" (never a lower score).
        #[arg(long, default_value_t = 20)]
        time_limit: u64,
    },
    /// Check a lab file and report every problem.
    Validate { lab: PathBuf },
    /// Measure the engine on generated topologies.
    Bench {
        #[command(subcommand)]
        which: BenchKind,
    },
}

#[derive(Subcommand, Clone)]
enum BenchKind {
    /// A – 10 routers – B over GigabitEthernet; A pings B every 10 µs for 10 simulated seconds.
    Chain {
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        #[arg(long, default_value_t = 10)]
        routers: usize,
        /// Trace every frame and decision (keeping the newest million records), to measure what the trace costs.
        #[arg(long)]
        trace: bool,
    },
    /// 1,000 hosts behind a switch tree, each pinging its gateway once a second.
    Lan {
        #[arg(long, default_value_t = 1000)]
        hosts: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u32,
    },
    /// Write a generated campus lab of about N devices (laid out site by site) to a file,
    /// for measuring the app's frame time.
    WriteLab {
        #[arg(long, default_value_t = 1000)]
        devices: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// A generated campus (sites of a router, 3 switches and 48 PCs; the routers
    /// in an OSPF ring): load, converge, then every PC pings a PC of the next site.
    Campus {
        #[arg(long, default_value_t = 10_000)]
        devices: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run { lab, script, save, pcap, until, trace, filter, json, lang }) => {
            let lang = if lang == "fr" { wirelab::base::Lang::Fr } else { wirelab::base::Lang::En };
            let trace = trace.then_some(TraceOptions { protocols: filter, json, lang });
            run(&lab, script.as_deref(), save.as_deref(), pcap.as_deref(), until, trace)
        }
        Some(Command::Console { lab, device, save }) => console_command(&lab, &device, save.as_deref()),
        Some(Command::Grade { lab, submissions, json, csv, jobs, time_limit }) => {
            let limits = wirelab::grade::GradeLimits {
                wall_clock: std::time::Duration::from_secs(time_limit),
                ..wirelab::grade::GradeLimits::default()
            };
            grade(&lab, &submissions, json, csv, jobs, &limits)
        }
        Some(Command::Validate { lab }) => validate(&lab),
        Some(Command::Bench { which }) => bench(which),
        None => app(cli.app),
    }
}

#[cfg(feature = "gui")]
fn app(args: AppArgs) -> ExitCode {
    // A lab that does not load is reported here, with its position, before any window opens.
    if let Some(path) = &args.lab {
        if let Err(code) = load(path) {
            return code;
        }
    }
    let AppArgs { lab, screenshot, steps, measure_frames, measure_idle, window } = args;
    match wirelab::gui::run(wirelab::gui::Options { lab, screenshot, steps, measure_frames, measure_idle, window }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

#[cfg(not(feature = "gui"))]
fn app(_: AppArgs) -> ExitCode {
    fail("this build has no desktop app (it was built without the `gui` feature); use `wirelab run LAB --script FILE`")
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("wirelab: {message}");
    ExitCode::from(2)
}

fn load(path: &Path) -> Result<(Lab, Network), ExitCode> {
    let (lab, _) = lab::load_file(path).map_err(fail)?;
    let (net, warnings) = lab::build(&lab).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    for w in warnings {
        eprintln!(
            "{}: warning: {} config line {}: `{}`: {}",
            path.display(),
            w.device,
            w.line,
            w.text,
            w.response.lines().last().unwrap_or("")
        );
    }
    Ok((lab, net))
}

/// What `run --trace` prints.
struct TraceOptions {
    protocols: Vec<String>,
    json: bool,
    lang: wirelab::base::Lang,
}

/// Records `run --trace` keeps; a run that makes more prints the newest.
const RUN_TRACE_RECORDS: usize = 2_000_000;

fn print_trace(net: &Network, options: &TraceOptions) {
    let lines = net.trace_lines_in(0, options.lang);
    if !options.json {
        println!("--- trace: {} records ---", lines.len());
    }
    for line in lines.iter().filter(|l| l.matches(&options.protocols)) {
        if options.json {
            println!("{}", line.to_json());
        } else {
            println!("{}", line.to_text());
        }
    }
}

/// `--until`: a finite, non-negative number of seconds, at most a week of
/// simulated time, refused before anything runs.
fn until_seconds(text: &str) -> Result<f64, String> {
    const MAX: f64 = 7.0 * 86_400.0;
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=MAX).contains(&s) => Ok(s),
        Ok(_) => Err(format!("not a number of seconds from 0 to {MAX} (a week)")),
        Err(_) => Err("not a number of seconds".into()),
    }
}

fn run(
    path: &Path,
    script_path: Option<&str>,
    save: Option<&Path>,
    pcap: Option<&Path>,
    until: Option<f64>,
    trace: Option<TraceOptions>,
) -> ExitCode {
    let (lab, mut net) = match load(path) {
        Ok(v) => v,
        Err(code) => return code,
    };
    if pcap.is_some() {
        net.enable_capture();
    }
    if trace.is_some() {
        net.enable_trace(RUN_TRACE_RECORDS, true);
    }
    let steps = match script_path {
        None => Vec::new(),
        Some(p) => {
            let text = if p == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    return fail(format!("standard input: {e}"));
                }
                s
            } else {
                match std::fs::read_to_string(p) {
                    Ok(s) => s,
                    Err(e) => return fail(format!("{p}: {e}")),
                }
            };
            match script::parse(&text, p, &net) {
                Ok(s) => s,
                Err(e) => return fail(e),
            }
        }
    };
    let mut transcript = String::new();
    script::run(&mut net, &steps, &mut transcript);
    if let Some(s) = until {
        if !(s.is_finite() && s >= 0.0) {
            return fail(format!("--until {s}: not a number of seconds"));
        }
        let t = Time::ZERO + Duration::from_secs_f64(s);
        if t > net.now() {
            net.run_until(t);
        }
    }
    match &trace {
        Some(t) if t.json => eprint!("{transcript}"),
        _ => print!("{transcript}"),
    }
    if let Some(t) = &trace {
        print_trace(&net, t);
    }
    if let Some(out) = save {
        if let Err(e) = lab::save_file(out, &lab::to_lab(&lab, &net)) {
            return fail(format!("{}: {e}", out.display()));
        }
    }
    if let Some(dir) = pcap {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(format!("{}: {e}", dir.display()));
        }
        for (name, capture) in net.captures() {
            let file = dir.join(format!("{name}.pcap"));
            if let Err(e) = std::fs::write(&file, capture.bytes()) {
                return fail(format!("{}: {e}", file.display()));
            }
        }
    }
    ExitCode::SUCCESS
}

fn console_command(path: &Path, device: &str, save: Option<&Path>) -> ExitCode {
    let (lab, net) = match load(path) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let Some(id) = net.find(device) else {
        let names: Vec<&str> = net.devices().iter().map(|d| d.name.as_str()).collect();
        return fail(format!("{}: no device named `{device}` (the lab has {})", path.display(), names.join(", ")));
    };
    let net = match console::run(net, id) {
        Ok(net) => net,
        Err(e) => return fail(format!("terminal: {e}")),
    };
    if let Some(out) = save {
        if let Err(e) = lab::save_file(out, &lab::to_lab(&lab, &net)) {
            return fail(format!("{}: {e}", out.display()));
        }
        eprintln!("saved {}", out.display());
    }
    ExitCode::SUCCESS
}

fn grade(
    lab_path: &Path,
    submissions: &[PathBuf],
    json: bool,
    csv: bool,
    jobs: Option<usize>,
    limits: &wirelab::grade::GradeLimits,
) -> ExitCode {
    let (lab, _) = match lab::load_file(lab_path) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let results = wirelab::grade::grade_all(&lab, submissions, limits, threads);
    let mut reports = Vec::new();
    let mut bad_input = false;
    for r in results {
        match r {
            Ok(report) => reports.push(report),
            Err(e) => {
                eprintln!("wirelab: {e}");
                bad_input = true;
            }
        }
    }
    let out = if json {
        wirelab::grade::json(&reports)
    } else if csv {
        wirelab::grade::csv(&reports)
    } else {
        wirelab::grade::text(&reports)
    };
    print!("{out}");
    if json {
        println!();
    }
    if bad_input {
        ExitCode::from(2)
    } else if reports.iter().all(|r| r.is_full_marks()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn validate(path: &Path) -> ExitCode {
    let (lab, net) = match load(path) {
        Ok(v) => v,
        Err(code) => return code,
    };
    println!(
        "{}: ok: \"{}\", {} devices, {} links, {} objectives",
        path.display(),
        lab.title,
        net.devices().len(),
        lab.links.len(),
        lab.objectives.len()
    );
    ExitCode::SUCCESS
}

fn bench(which: BenchKind) -> ExitCode {
    let start = Instant::now();
    match which {
        BenchKind::Chain { seconds, routers, trace } => {
            let count = (seconds * 100_000.0) as u32;
            let (mut net, a) =
                wirelab::bench::chain(routers, Duration::from_micros(10), Duration::from_micros(10), count);
            if trace {
                net.enable_trace(1_000_000, true);
            }
            let built = start.elapsed();
            net.run_for(Duration::from_secs_f64(seconds + 1.0));
            let wall = start.elapsed();
            let replies = net.device(a).session.as_ref().map_or(0, |s| s.replies());
            report("chain", &net, built, wall, &format!("echoes sent {count}, replies {replies}"));
        }
        BenchKind::Lan { hosts, seconds } => {
            let mut net = wirelab::bench::lan(hosts, seconds);
            let built = start.elapsed();
            net.run_for(Duration::from_secs(u64::from(seconds) + 2));
            let wall = start.elapsed();
            let replies: u64 = net.devices().iter().filter_map(|d| d.session.as_ref()).map(|s| s.replies()).sum();
            report(
                "lan",
                &net,
                built,
                wall,
                &format!("hosts {hosts}, replies {replies} of {}", hosts as u64 * u64::from(seconds)),
            );
        }
        BenchKind::WriteLab { devices, out } => {
            let mut lab =
                wirelab::bench::campus_lab(devices.div_ceil(52).max(1), 48.min(devices.saturating_sub(4).max(1)));
            wirelab::bench::lay_out(&mut lab);
            if let Err(e) = lab::save_file(&out, &lab) {
                return fail(format!("{}: {e}", out.display()));
            }
            println!("wrote {} devices to {}", lab.devices.len(), out.display());
            return ExitCode::SUCCESS;
        }
        BenchKind::Campus { devices } => {
            let lab = wirelab::bench::campus_lab(devices.div_ceil(52).max(1), 48);
            let (mut net, _) = match lab::construct(&lab) {
                Ok(v) => v,
                Err(e) => return fail(e),
            };
            let constructed = start.elapsed();
            let constructed_memory = wirelab::bench::peak_memory_bytes();
            net.run_for(lab::BOOT_TIME);
            let built = start.elapsed();
            // OSPF: run a simulated second at a time until every router is FULL with its
            // neighbours and has a route to every network.
            let mut converged = None;
            for _ in 0..300 {
                if wirelab::bench::campus_converged(&net) {
                    converged = Some((net.now(), start.elapsed()));
                    break;
                }
                net.run_for(Duration::from_secs(1));
            }
            // Then every PC pings the PC in the same place at the next site.
            let hosts: Vec<usize> = (0..net.devices().len()).filter(|&i| net.device(i).model.is_host()).collect();
            let sites = net.devices().iter().filter(|d| d.model == wirelab::base::Model::Router).count();
            for &h in &hosts {
                let me = net.device(h).stack().ifaces[0].addr.expect("campus hosts have addresses").0.octets();
                let site = (usize::from(me[1]) * 256 + usize::from(me[2]) + 1) % sites;
                let dst = std::net::Ipv4Addr::new(10, (site / 256) as u8, (site % 256) as u8, me[3]);
                net.start_probe(
                    h,
                    wirelab::proto::probe::Spec {
                        dst: dst.into(),
                        kind: wirelab::proto::probe::Kind::Echo,
                        count: 1,
                        size: 32,
                        timeout: Duration::from_secs(4),
                        pace: wirelab::proto::probe::Pace::AfterOutcome { min_gap: Duration::from_secs(1) },
                        ident: 1,
                    },
                    Box::new(wirelab::proto::probe::Silent),
                );
            }
            net.run_for(Duration::from_secs(5));
            let wall = start.elapsed();
            let replies: u64 = net.devices().iter().filter_map(|d| d.session.as_ref()).map(|s| s.replies()).sum();
            let ospf = match converged {
                Some((at, wall)) => {
                    format!("OSPF converged at simulated {:.0} s, wall {:.3} s", at.secs_f64(), wall.as_secs_f64())
                }
                None => "OSPF did not converge in 300 simulated seconds".into(),
            };
            report(
                "campus",
                &net,
                built,
                wall,
                &format!(
                    "devices {}, routers {sites}, hosts {}, replies from the next site {replies}; {ospf}\n  \
                     construct    {:.3} s, {:.1} MB (devices, cables, configurations typed; the build adds {} simulated s of boot)",
                    net.devices().len(),
                    hosts.len(),
                    constructed.as_secs_f64(),
                    constructed_memory as f64 / 1e6,
                    lab::BOOT_TIME.secs()
                ),
            );
        }
    }
    ExitCode::SUCCESS
}

fn report(name: &str, net: &Network, built: std::time::Duration, wall: std::time::Duration, extra: &str) {
    let run = wall.saturating_sub(built).as_secs_f64();
    let s = net.stats();
    println!("bench {name}: {extra}");
    println!("  build        {:.3} s", built.as_secs_f64());
    println!("  run          {:.3} s (simulated {:.3} s)", run, net.now().secs_f64());
    println!("  events       {} ({:.0}/s)", s.events, s.events as f64 / run.max(1e-9));
    println!("  frame-hops   {} ({:.0}/s)", s.frame_hops, s.frame_hops as f64 / run.max(1e-9));
    println!("  drops        {}", s.drops);
    println!("  peak memory  {:.1} MB", wirelab::bench::peak_memory_bytes() as f64 / 1e6);
}
