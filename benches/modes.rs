//! The four modes against each other, and the parallel modes at several
//! thread counts, on trees generated from `fixtures/bench-*.tree`.
//!
//! ```text
//! cargo bench --bench modes                       # small, wide, deep, big
//! cargo bench --bench modes -- small::            # one tree
//! CDU_BENCH_MILLION=1 cargo bench --bench modes -- million::
//! cargo bench --bench modes -- --sample-count 3   # quicker
//! ```
//!
//! Trees are built once, into `$CDU_BENCH_TREES` (default
//! `target/bench-trees/`, or under `$CARGO_TARGET_DIR` when that is set),
//! and reused by later runs: a description's hash names its directory.
//! The first run therefore spends a while writing files (the small tree is
//! 200,000 files, the big one 512 MiB, the million-file one ~5 GB and is
//! only built when `CDU_BENCH_MILLION` is set). The timings are warm-cache
//! ones: building the tree, or the first sample, fills the cache.

// Its self-tests are compiled here too (benches build with cfg(test)) but
// not run, which leaves their imports unused.
#[allow(unused_imports)]
#[path = "../tests/testenv/tree.rs"]
mod tree;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cdu::{Cancel, Config, Mode};
use divan::Bencher;

fn main() {
    divan::main();
}

/// Walker threads tried for the parallel modes.
const THREADS: &[usize] = &[1, 2, 4, 8, 16, 32];

fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CDU_BENCH_TREES") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("bench-trees")
}

/// The tree of `fixtures/NAME.tree`, built on first use.
fn tree(name: &str) -> PathBuf {
    static TREES: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let trees = TREES.get_or_init(Default::default);
    let mut trees = trees.lock().expect("tree cache lock");
    trees
        .entry(name.to_string())
        .or_insert_with(|| {
            let description = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(format!("{name}.tree"));
            let dir = cache_dir();
            eprintln!("bench: tree {name} in {} (built once)", dir.display());
            tree::build_cached(&description, &dir)
                .unwrap_or_else(|e| panic!("building {}: {e}", description.display()))
        })
        .clone()
}

/// A sink that keeps nothing.
struct Discard;

impl cdu::Sink for Discard {
    fn event(&mut self, _: &cdu::Event<'_>) -> std::io::Result<()> {
        Ok(())
    }
}

/// One scan of `dir`, as `cdu -s` does it minus the printing.
fn scan_once(config: &Config) -> u64 {
    let summary = cdu::scan(config, &Cancel::new(), &mut Discard);
    assert!(!summary.cancelled);
    summary.counts.entries
}

fn config(dir: &Path, mode: Mode, threads: usize) -> Config {
    // Nothing watches keys here: only the program does.
    Config::builder()
        .operand(dir)
        .mode(mode)
        .threads(Some(threads))
        .build()
}

fn bench_mode(bencher: Bencher, name: &str, mode: Mode, threads: usize) {
    let dir = tree(name);
    let config = config(&dir, mode, threads);
    bencher.bench_local(|| scan_once(&config));
}

/// The four modes on the tree of `fixtures/$file.tree`.
macro_rules! modes_on {
    ($module:ident, $file:literal) => {
        mod $module {
            use super::*;

            #[divan::bench(sample_count = 10, sample_size = 1)]
            fn sequential(bencher: Bencher) {
                bench_mode(bencher, $file, Mode::Sequential, 1);
            }

            #[divan::bench(sample_count = 10, sample_size = 1)]
            fn verbose(bencher: Bencher) {
                bench_mode(bencher, $file, Mode::Verbose, 1);
            }

            #[divan::bench(args = THREADS, sample_count = 10, sample_size = 1)]
            fn parallel(bencher: Bencher, threads: usize) {
                bench_mode(bencher, $file, Mode::Parallel, threads);
            }

            #[divan::bench(args = THREADS, sample_count = 10, sample_size = 1)]
            fn cancellable(bencher: Bencher, threads: usize) {
                bench_mode(bencher, $file, Mode::Cancellable, threads);
            }
        }
    };
}

modes_on!(small, "bench-small");
modes_on!(wide, "bench-wide");
modes_on!(deep, "bench-deep");
modes_on!(big, "bench-big");

/// The million-file tree: ~5 GB to build, so only with `CDU_BENCH_MILLION`.
mod million {
    use super::*;

    fn enabled() -> bool {
        std::env::var_os("CDU_BENCH_MILLION").is_some()
    }

    #[divan::bench(sample_count = 5, sample_size = 1)]
    fn sequential(bencher: Bencher) {
        if enabled() {
            bench_mode(bencher, "bench-million", Mode::Sequential, 1);
        }
    }

    #[divan::bench(args = [2, 8, 32], sample_count = 5, sample_size = 1)]
    fn cancellable(bencher: Bencher, threads: usize) {
        if enabled() {
            bench_mode(bencher, "bench-million", Mode::Cancellable, threads);
        }
    }
}
