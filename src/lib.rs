//! cdu: GNU du's numbers, walked four ways.
//!
//! The library behind the `cdu` command. [`scan`] walks the operands of a
//! [`Config`] in its mode and returns the [`Report`]; [`output::write_du`]
//! prints it as du does. Tests and benchmarks call these directly.

pub mod aggregate;
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
    scan_with_progress(config, cancel, &mut |_, _| {})
}

/// [`scan`], calling `on_tick` with the report so far and the time since
/// the start at every tick when progress is on.
pub fn scan_with_progress(
    config: &Config,
    cancel: &Cancel,
    on_tick: &mut dyn FnMut(&Report, Duration),
) -> Report {
    let (sender, receiver) = crossbeam_channel::bounded(CHANNEL_CAPACITY);
    let mut report = Report::new(config.operands.len());
    let start = std::time::Instant::now();
    let ticker = if config.progress() {
        crossbeam_channel::tick(config.tick)
    } else {
        crossbeam_channel::never()
    };
    let watch_cancel = (config.mode == Mode::Cancellable).then_some(cancel);
    std::thread::scope(|threads| {
        let walker = walk::Walker::new(config, cancel, sender);
        let walk = threads.spawn(move || {
            if config.mode.is_parallel() {
                walk::walk_parallel(&walker, &config.operands, config.threads.max(1));
            } else {
                walk::walk_sequential(&walker, &config.operands);
            }
        });
        aggregate::aggregate(&receiver, &ticker, watch_cancel, &mut report, &mut |r| {
            on_tick(r, start.elapsed())
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
