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
