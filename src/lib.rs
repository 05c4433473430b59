//! cdu: GNU du's numbers, walked four ways.
//!
//! The library behind the `cdu` command. [`scan`] walks the operands of a
//! [`Config`] in its mode and returns the [`Report`]; [`output::write_du`]
//! prints it as du does. Tests and benchmarks call these directly.

pub mod aggregate;
pub mod bench_modes;
pub mod cancel;
pub mod cli;
pub mod config;
pub mod exclude;
pub mod exit;
pub mod getopt;
pub mod message;
pub mod output;
pub mod progress;
pub mod quote;
pub mod report;
pub mod run;
pub mod size;
pub mod stdio_state;
pub mod suspend;
pub mod terminal;
pub mod walk;

use std::time::Duration;

pub use cancel::Cancel;
pub use config::{Config, Dereference, Mode, Operand};
pub use report::Report;

/// Capacity of the batch channel: enough to keep walkers from waiting on
/// the aggregator, small enough to bound the memory in flight.
const CHANNEL_CAPACITY: usize = 1024;

/// Walks the operands of `config` in its mode and returns what was found,
/// claims resolved and totals folded. `cancel` stops the walk early; the
/// report then says so.
pub fn scan(config: &Config, cancel: &Cancel) -> Report {
    scan_inner(config, cancel, None, &mut |_| {})
}

/// [`scan`], calling `on_tick` every `every` with the progress so far.
pub fn scan_with_progress(
    config: &Config,
    cancel: &Cancel,
    every: Duration,
    on_tick: &mut dyn FnMut(&progress::Tick),
) -> Report {
    scan_inner(config, cancel, Some(every), on_tick)
}

fn scan_inner(
    config: &Config,
    cancel: &Cancel,
    every: Option<Duration>,
    on_tick: &mut dyn FnMut(&progress::Tick),
) -> Report {
    let (sender, receiver) = crossbeam_channel::bounded(CHANNEL_CAPACITY);
    let mut report = Report::new(config.operands.len(), config.time.is_some());
    let start = std::time::Instant::now();
    let ticker = every.map_or_else(crossbeam_channel::never, crossbeam_channel::tick);
    let live = progress::Live::default();
    let watch_cancel = (config.mode == Mode::Cancellable).then_some(cancel);
    std::thread::scope(|threads| {
        let mut walker = walk::Walker::new(config, cancel, sender);
        if every.is_some() {
            walker = walker.with_progress(&live);
        }
        let walk = threads.spawn(move || {
            if config.mode.is_parallel() {
                walk::walk_parallel(&walker, &config.operands, config.threads.max(1));
            } else {
                walk::walk_sequential(&walker, &config.operands);
            }
        });
        aggregate::aggregate(&receiver, &ticker, watch_cancel, &mut report, &mut |r| {
            on_tick(&progress::Tick {
                report: r,
                live: &live,
                elapsed: start.elapsed(),
                stopping: cancel.is_cancelled(),
            })
        });
        if walk.join().is_err() {
            // A walker panicked: what it had not sent is missing, so the
            // result must not pass for complete.
            report.cancelled = true;
        }
    });
    report.resolve_claims();
    report.fold();
    report
}
