//! Times the browser's scan without a terminal: `cdu -i`'s tree filled in
//! process (the walk, the ordered stream, the tree's sink), against the
//! same walk counted as `cdu -s` counts it, one after the other, RUNS
//! times each. The ratio is the browser's own cost over du's, free of what
//! a terminal and the harness that watches it add (`benches/browse.sh`
//! measures those too, as a person would see them).
//!
//!   cargo run --release --example browse_fill -- TREE [RUNS]

use std::sync::Arc;
use std::time::Instant;

use cdu::internals::browse::fill;
use cdu::internals::browse::model::Shared;
use cdu::internals::cli::{Action, Env};

/// The CPU time the whole process has used, user and system, in seconds.
fn process_cpu() -> f64 {
    // SAFETY: getrusage only writes the rusage it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn config(args: &[&str]) -> cdu::Config {
    match cdu::internals::cli::parse(args.iter().map(Into::into).collect(), &Env::default()) {
        Action::Run(c) => *c,
        _ => panic!("{args:?} did not parse"),
    }
}

/// Runs `f` and gives its wall and CPU seconds.
fn timed(f: impl FnOnce()) -> (f64, f64) {
    let (start, cpu) = (Instant::now(), process_cpu());
    f();
    (start.elapsed().as_secs_f64(), process_cpu() - cpu)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let tree = args.next().expect("usage: browse_fill TREE [RUNS]");
    let runs: usize = args.next().map_or(7, |s| s.parse().expect("RUNS"));
    let browse = config(&["-i", &tree]);
    let du = config(&["-s", &tree]);
    let (mut fills, mut scans) = (Vec::new(), Vec::new());
    // One scan first, so that both find the tree in the cache.
    let cancel = cdu::Cancel::new();
    cdu::internals::output::scan_du(&du, &cancel, std::io::sink(), std::io::sink()).expect("scan");
    for _ in 0..runs {
        let tree: Shared = Arc::default();
        fills.push(timed(|| {
            fill(&browse, &cancel, &tree);
        }));
        drop(tree);
        scans.push(timed(|| {
            cdu::internals::output::scan_du(&du, &cancel, std::io::sink(), std::io::sink())
                .expect("scan");
        }));
    }
    let wall = |v: &[(f64, f64)]| median(v.iter().map(|r| r.0).collect());
    let cpu = |v: &[(f64, f64)]| median(v.iter().map(|r| r.1).collect());
    println!("| what (median of {runs}) | wall | CPU | vs cdu -s |");
    println!("|---|---:|---:|---:|");
    let base = wall(&scans);
    for (name, v) in [("cdu -s", &scans), ("cdu -i's scan, no terminal", &fills)] {
        println!(
            "| {name} | {:.3} s | {:.2} s | {:.3}x |",
            wall(v),
            cpu(v),
            wall(v) / base
        );
    }
}
