//! Engine benchmarks (divan). The headline figures, with ns-3 to compare
//! against, come from `wirelab bench chain|lan|campus`; these measure the same
//! paths at sizes that run in seconds.

use wirelab::bench;
use wirelab::sim::Duration;

fn main() {
    divan::main();
}

/// A – 10 routers – B, 10,000 echoes 10 µs apart: about 220,000 frame-hops.
#[divan::bench(sample_count = 10)]
fn chain_10k_echoes(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| bench::chain(10, Duration::from_micros(10), Duration::from_micros(10), 10_000))
        .bench_local_values(|(mut net, _)| {
            net.run_for(Duration::from_millis(200));
            net.stats().frame_hops
        });
}

/// 200 hosts behind a switch tree, each pinging its gateway 3 times from cold ARP caches.
#[divan::bench(sample_count = 10)]
fn lan_200_hosts(bencher: divan::Bencher) {
    bencher.with_inputs(|| bench::lan(200, 3)).bench_local_values(|mut net| {
        net.run_for(Duration::from_secs(5));
        net.stats().frame_hops
    });
}

/// Building (parsing every configuration through the CLI) a 1,040-device campus.
#[divan::bench(sample_count = 5)]
fn campus_load_1k_devices() -> usize {
    let lab = bench::campus_lab(20, 48);
    let (net, _) = wirelab::lab::build(divan::black_box(&lab)).expect("valid");
    net.devices().len()
}

/// Grading the static-routing sample lab's reference solution (boot, converge, six objectives).
#[divan::bench(sample_count = 10)]
fn grade_static_routing(bencher: divan::Bencher) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lab =
        wirelab::lab::parse(&std::fs::read_to_string(root.join("labs/static-routing.ron")).unwrap(), "lab").unwrap();
    let (mut net, _) = wirelab::lab::build(&lab).unwrap();
    let script = std::fs::read_to_string(root.join("labs/static-routing.solution.txt")).unwrap();
    let steps = wirelab::script::parse(&script, "solution", &net).unwrap();
    wirelab::script::run(&mut net, &steps, &mut String::new());
    let submission = wirelab::lab::to_lab(&lab, &net);
    bencher.bench_local(|| {
        wirelab::grade::grade_lab(&lab, &submission, "s", &wirelab::grade::GradeLimits::default()).points
    });
}

/// Simulation mode's Back after 10 simulated minutes of a 52-device campus
/// (one site of a router, 3 switches and 48 PCs; every PC pinging its
/// neighbour twice a minute): the network rebuilt from the lab and the
/// recorded inputs replayed to the step before.
#[divan::bench(sample_count = 10)]
fn simulation_back_after_10_minutes(bencher: divan::Bencher) {
    use wirelab::app::simulation::Timeline;
    let lab = bench::campus_lab(1, 48);
    bencher
        .with_inputs(|| {
            let (mut t, mut net) = Timeline::start(lab.clone()).expect("valid");
            t.enter(&mut net);
            let start = net.now();
            let mut round = 0;
            while net.now().since(start) < Duration::from_secs(600) {
                if net.now().since(start) >= Duration::from_secs(30 * round) {
                    round += 1;
                    let pcs: Vec<String> =
                        net.devices().iter().filter(|d| d.model.is_host()).map(|d| d.name.clone()).collect();
                    for pair in pcs.windows(2) {
                        t.add_simple_pdu(&mut net, &pair[0], &pair[1]).expect("a PC to ping");
                    }
                }
                t.forward(&mut net, &["ICMP".to_string()]);
            }
            t
        })
        // The timeline is handed back so that dropping its event list is not timed.
        .bench_local_values(|mut t| {
            let net = t.back().expect("replays");
            (t, net)
        });
}
