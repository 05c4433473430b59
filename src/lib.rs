//! cdu: GNU du's numbers, walked four ways.
//!
//! The library behind the `cdu` command. [`scan`] walks the operands of a
//! [`Config`] in its mode and hands the report, as an ordered stream of
//! events, to a [`Sink`]: [`output::DuWriter`] prints it as du does. Tests
//! and benchmarks call these directly.

pub mod aggregate;
pub mod baseline;
pub mod batch;
pub mod bench_modes;
pub mod browse;
pub mod cancel;
pub mod cli;
pub mod config;
pub mod diff;
pub mod eta;
pub mod exclude;
pub mod exit;
pub mod getopt;
pub mod history;
pub mod input;
pub mod message;
pub mod mounts;
pub mod operands;
pub mod output;
pub mod path;
pub mod profile;
pub mod progress;
pub mod quote;
pub mod run;
pub mod shard;
pub mod size;
pub mod stdio_state;
pub mod stream;
pub mod suspend;
pub mod terminal;
pub mod walk;

use std::io;
use std::time::Duration;

pub use cancel::Cancel;
pub use config::{Config, Dereference, Mode, Operand};
pub use stream::{Counts, Event, Sink, Stream};

/// Capacity of the batch channel: enough to keep walkers from waiting on
/// the aggregator, small enough to bound the memory in flight.
const CHANNEL_CAPACITY: usize = 1024;

/// How a scan ended.
#[derive(Debug)]
pub struct Summary {
    /// Stopped early (a cancel, or a walker that died): sizes are partial.
    pub cancelled: bool,
    pub counts: Counts,
    /// The sink failed (a closed pipe, a full disk); the walk was stopped.
    pub error: Option<io::Error>,
    /// The parallel walk's plan, and the threads it allowed itself at the
    /// end; None for the one-thread modes.
    pub concurrency: Option<(walk::Plan, usize)>,
}

/// Walks the operands of `config` in its mode and hands every event to
/// `sink`, in GNU du's order, as soon as it is complete. `cancel` stops the
/// walk early; the summary then says so.
pub fn scan(config: &Config, cancel: &Cancel, sink: &mut dyn Sink) -> Summary {
    scan_inner(config, cancel, None, &mut |_| {}, sink)
}

/// [`scan`], calling `on_tick` every `every` with the progress so far.
pub fn scan_with_progress(
    config: &Config,
    cancel: &Cancel,
    every: Duration,
    on_tick: &mut dyn FnMut(&progress::Tick),
    sink: &mut dyn Sink,
) -> Summary {
    scan_inner(config, cancel, Some(every), on_tick, sink)
}

fn scan_inner(
    config: &Config,
    cancel: &Cancel,
    every: Option<Duration>,
    on_tick: &mut dyn FnMut(&progress::Tick),
    sink: &mut dyn Sink,
) -> Summary {
    let (sender, receiver) = crossbeam_channel::bounded(CHANNEL_CAPACITY);
    let backlog = batch::Backlog::default();
    let mut stream = Stream::new(sink).with_backlog(&backlog);
    let start = std::time::Instant::now();
    let ticker = every.map_or_else(crossbeam_channel::never, crossbeam_channel::tick);
    let live = walk::Live::default();
    let watch_cancel = config.mode == Mode::Cancellable;
    let mut concurrency = None;
    let mut cancelled = std::thread::scope(|threads| {
        let mut walker = walk::Walker::new(config, cancel, sender).with_backlog(&backlog);
        let plan = config
            .mode
            .is_parallel()
            .then(|| walk::Plan::for_config(config));
        // The tuner measures by the live counts too.
        if every.is_some() || plan.is_some_and(|p| p.tunes()) {
            walker = walker.with_live(&live);
        }
        let walk = walk::spawn_scoped(threads, move || match plan {
            Some(plan) => Some(walk::walk_parallel(&walker, plan)),
            None => {
                walk::walk_sequential(&walker);
                None
            }
        });
        let cancelled = aggregate::aggregate(
            &receiver,
            &ticker,
            cancel,
            watch_cancel,
            &mut stream,
            &mut |s| {
                on_tick(&progress::Tick {
                    counts: s.counts(),
                    live: &live,
                    elapsed: start.elapsed(),
                    stopping: cancel.is_cancelled(),
                    current_dir: s.current_path(),
                })
            },
        );
        // A walker that panicked leaves out what it had not sent: the
        // result must not pass for complete.
        match walk.map(|w| w.join()) {
            Ok(Ok(threads)) => {
                concurrency = plan.zip(threads);
                cancelled
            }
            // Or no thread could be started for it at all.
            Ok(Err(_)) | Err(_) => true,
        }
    });
    let counts = stream.counts();
    let error = stream.into_error();
    if error.is_some() {
        cancelled = false;
    }
    Summary {
        cancelled,
        counts,
        error,
        concurrency,
    }
}
