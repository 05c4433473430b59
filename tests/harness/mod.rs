//! The harness of the suites that build their trials at run time
//! (`harness = false` in Cargo.toml): one named trial per case through
//! libtest-mimic, and a trial whose premise is missing (the reference du, a
//! tool, root) is reported as ignored, with the reason said once, so the
//! summary line never counts a test that tested nothing as passed.
//!
//! `cargo test --release --test NAME -- --ignored` runs exactly the ignored
//! trials, which then fail with the reason if their premise is still
//! missing; filters and `--list` work as with the built-in harness.
#![allow(dead_code)]

pub mod premise;

use std::collections::BTreeMap;

use libtest_mimic::{Arguments, Trial};

pub use premise::Premise;

/// The trials of one test binary, and why those that cannot run cannot.
pub struct Suite {
    trials: Vec<Trial>,
    /// Each reason for ignoring, with the number of trials it ignored.
    reasons: BTreeMap<String, usize>,
}

impl Suite {
    /// The suite of the test file `source` (its `file!()`). In a file
    /// without libtest's harness a `#[test]` function is compiled out
    /// without a word, so the suite's first trial checks that the file has
    /// none left: each test is a trial added in `main`.
    pub fn new(source: &'static str) -> Self {
        let mut suite = Suite {
            trials: Vec::new(),
            reasons: BTreeMap::new(),
        };
        suite.add("every_test_is_a_trial", &[], move || {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let attribute = concat!("#[", "test]");
            let stray: Vec<usize> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| l.trim_start().starts_with(attribute))
                .map(|(i, _)| i + 1)
                .collect();
            assert!(
                stray.is_empty(),
                "{source} runs without libtest's harness, so the {attribute} \
                 functions on lines {stray:?} never run: add them to main as trials"
            );
        });
        suite
    }

    /// Adds the trial `name`, which runs `body` (a failure is a panic, as
    /// in a `#[test]` function) if every one of `premises` holds, and is
    /// reported as ignored otherwise.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        premises: &[Premise],
        body: impl FnOnce() + Send + 'static,
    ) {
        let missing: Vec<&str> = premises
            .iter()
            .filter_map(|p| p.as_ref().err().map(String::as_str))
            .collect();
        for reason in &missing {
            *self.reasons.entry((*reason).to_string()).or_default() += 1;
        }
        let trial = Trial::test(name, move || {
            body();
            Ok(())
        });
        self.trials
            .push(trial.with_ignored_flag(!missing.is_empty()));
    }

    /// Runs the trials libtest's arguments select and exits with libtest's
    /// status: 0 unless a trial failed.
    pub fn run(self) -> ! {
        let args = Arguments::from_args();
        if !args.list {
            for (reason, count) in &self.reasons {
                let trials = if *count == 1 { "trial" } else { "trials" };
                eprintln!("note: {count} {trials} ignored: {reason}");
            }
        }
        libtest_mimic::run(&args, self.trials).exit()
    }
}

/// Adds each named function as a trial under its own name, with the
/// premises given: `trials!(suite, [premise::root()]; a_test, another)`.
#[macro_export]
macro_rules! trials {
    ($suite:expr, $premises:expr; $($name:ident),* $(,)?) => {
        $( $suite.add(stringify!($name), &$premises, $name); )*
    };
}
