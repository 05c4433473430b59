//! cdu: GNU du's numbers, walked four ways.
//!
//! The library behind the `cdu` command, for programs that want du's
//! exact sizes without running du. Build a [`Config`] with
//! [`Config::builder`], hand it to [`scan`] with a [`Cancel`] handle and
//! a [`Sink`] of your own: the sink receives the scan as an ordered
//! stream of [`Event`]s, in GNU du's traversal order, each directory's
//! [`Event::DirEnd`] carrying its total as soon as it is complete. The
//! [`Summary`] says how the scan ended.
//!
//! ```
//! use std::io;
//!
//! use cdu::{Cancel, Config, Event, Mode, Sink};
//!
//! /// Adds up the apparent sizes of the files and counts the directories.
//! #[derive(Default)]
//! struct Totals {
//!     file_bytes: u64,
//!     dirs: u64,
//!     top: Option<u64>,
//! }
//!
//! impl Sink for Totals {
//!     fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
//!         match event {
//!             Event::File { usage, .. } => self.file_bytes += usage.bytes,
//!             Event::DirEnd { depth, total, .. } => {
//!                 self.dirs += 1;
//!                 if *depth == 0 {
//!                     self.top = Some(total.bytes);
//!                 }
//!             }
//!             _ => {}
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir(dir.path().join("sub"))?;
//! std::fs::write(dir.path().join("a"), [0u8; 1000])?;
//! std::fs::write(dir.path().join("sub/b"), [0u8; 234])?;
//!
//! let config = Config::builder()
//!     .operand(dir.path())
//!     .apparent_size(true)
//!     .list_files(true)
//!     .mode(Mode::Parallel)
//!     .build();
//! let mut totals = Totals::default();
//! let summary = cdu::scan(&config, &Cancel::new(), &mut totals);
//!
//! assert!(!summary.cancelled && summary.error.is_none());
//! assert_eq!(totals.file_bytes, 1234);
//! assert_eq!(totals.dirs, 2);
//! // The operand's total holds its files and both directories' own sizes.
//! assert!(totals.top.unwrap() >= 1234);
//! println!("{} bytes in files, {} directories", totals.file_bytes, totals.dirs);
//! # Ok::<(), io::Error>(())
//! ```
//!
//! Everything else in the crate is the `cdu` program's own and may change
//! at any time; so may the hidden modules `program` and `internals`, which
//! exist for the binary and the project's tests.

#![warn(missing_docs)]

pub(crate) mod aggregate;
mod app;
pub(crate) mod baseline;
pub(crate) mod browse;
pub(crate) mod cancel;
pub(crate) mod cli;
pub(crate) mod config;
pub(crate) mod diff;
pub(crate) mod eta;
pub(crate) mod exclude;
pub(crate) mod exit_status;
pub(crate) mod getopt;
pub(crate) mod history;
pub(crate) mod input;
pub(crate) mod message;
pub(crate) mod model;
pub(crate) mod mounts;
pub(crate) mod operands;
pub(crate) mod output;
pub(crate) mod path;
pub(crate) mod profile;
pub(crate) mod progress;
pub(crate) mod quote;
pub(crate) mod shard;
pub(crate) mod shard_id;
pub(crate) mod size;
pub(crate) mod stdio;
pub(crate) mod stream;
pub(crate) mod walk;

use std::io;
use std::time::Duration;

pub use cancel::Cancel;
pub use config::{Config, ConfigBuilder, Dereference, Mode, TimeKind};
pub use model::{Details, ErrorKind, FileType, Link, NO_TIME, Usage};
pub use stream::{Counts, Event, Sink, Skip};

use stream::Stream;

/// Capacity of the batch channel: enough to keep walkers from waiting on
/// the aggregator, small enough to bound the memory in flight.
const CHANNEL_CAPACITY: usize = 1024;

/// The channel's capacity under an address-space limit: the bounded
/// channel allocates its slots up front (about 230 KiB for 1,024), room a
/// run under `ulimit -v` needs for a wide directory's entries.
const LIMITED_CHANNEL_CAPACITY: usize = 64;

/// How a scan ended.
#[derive(Debug)]
pub struct Summary {
    /// Stopped early (a cancel, or a walker that died): sizes are partial.
    pub cancelled: bool,
    /// What the scan handed on: entries, directories and bytes.
    pub counts: Counts,
    /// The sink failed (a closed pipe, a full disk); the walk was stopped.
    pub error: Option<io::Error>,
    /// The parallel walk's plan, and the threads it allowed itself at the
    /// end; None for the one-thread modes.
    pub(crate) concurrency: Option<(walk::Plan, usize)>,
}

/// Walks the operands of `config` in its mode and hands every event to
/// `sink`, in GNU du's order, as soon as it is complete. `cancel` stops the
/// walk early; the summary then says so.
pub fn scan(config: &Config, cancel: &Cancel, sink: &mut dyn Sink) -> Summary {
    scan_inner(config, cancel, None, &mut |_| {}, sink)
}

/// [`scan`], calling `on_tick` every `every` with the progress so far.
pub(crate) fn scan_with_progress(
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
    let capacity = if walk::address_space_limited() {
        LIMITED_CHANNEL_CAPACITY
    } else {
        CHANNEL_CAPACITY
    };
    let (sender, receiver) = crossbeam_channel::bounded(capacity);
    let backlog = stream::backlog::Backlog::default();
    // The view's floor, handed to the walk before the view goes to the
    // stream.
    let floor = sink.size_floor().cloned();
    let mut stream = Stream::new(sink).with_backlog(&backlog);
    let start = std::time::Instant::now();
    let ticker = every.map_or_else(crossbeam_channel::never, crossbeam_channel::tick);
    let live = walk::Live::default();
    let watch_cancel = config.mode == Mode::Cancellable;
    // A list of names waiting on a pipe gives way to the cancel of a mode
    // that has one; in the others a signal ends the process as it is.
    let list_cancel = watch_cancel.then_some(cancel);
    let mut concurrency = None;
    let plan = config
        .mode
        .is_parallel()
        .then(|| walk::Plan::for_config(config));
    let mut cancelled = std::thread::scope(|threads| {
        let make_walker = |sender| {
            let mut walker = walk::Walker::new(config, cancel, sender).with_backlog(&backlog);
            if let Some(floor) = floor.clone() {
                walker = walker.with_floor(floor);
            }
            // The tuner measures by the live counts too.
            if every.is_some() || plan.is_some_and(|p| p.tunes()) {
                walker = walker.with_live(&live);
            }
            walker
        };
        // The operands reach the walk as an iterator: reading a
        // `--files0-from` list, and saying what is wrong in it, is input's.
        let walk_with = move |walker: walk::Walker| match plan {
            Some(plan) => Some(walk::walk_parallel(
                &walker,
                plan,
                operands::operands(config, list_cancel),
            )),
            None => {
                walk::walk_sequential(&walker, operands::operands(config, list_cancel));
                None
            }
        };
        let walker = make_walker(sender);
        let (receiver, walk) = match walk::spawn_scoped(threads, move || walk_with(walker)) {
            Ok(handle) => (receiver, Some(handle)),
            Err(_) => {
                // No thread can be had (`ulimit -u`): the walk runs here
                // first, into a channel that holds it all, and the report
                // is made from it after, as GNU du's one process would.
                let (sender, everything) = crossbeam_channel::unbounded();
                concurrency = plan.zip(walk_with(make_walker(sender)));
                (everything, None)
            }
        };
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
            Some(Ok(threads)) => {
                concurrency = plan.zip(threads);
                cancelled
            }
            Some(Err(_)) => true,
            None => cancelled,
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

/// The `cdu` program's entry points, for `src/main.rs`. Not part of the
/// library's API.
#[doc(hidden)]
pub mod program {
    pub use crate::app::run::main;
    #[cfg(target_os = "linux")]
    pub use crate::app::stdio_state::look_at_start;
}

/// What the project's integration tests, examples and fuzz targets reach
/// inside the crate. Not part of the library's API.
#[doc(hidden)]
pub mod internals;
