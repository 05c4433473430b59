//! `cdu -i`: a full-screen browser that shows the scan as it comes in and
//! removes what the user chooses, safely.
//!
//! The scan runs on its own thread and fills a shared [`model::Tree`]
//! through [`sink::TreeSink`], the same ordered stream every other output
//! reads, so sizes are du's. The interface thread locks the tree for a
//! moment per frame or key: `view` keeps the open directory sorted, `app`
//! turns keys into actions, `draw` paints a frame, `remove` deletes and
//! trashes through descriptors, `term` owns the terminal.

pub mod app;
mod batch;
mod before;
pub mod change;
pub mod draw;
mod growing;
pub mod model;
mod names;
mod order;
mod orders;
pub mod remove;
pub mod sink;
mod slot;
mod term;
pub mod view;

use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::Summary;
use crate::cancel::Cancel;
use crate::config::Config;
use crate::exit_status::ExitStatus;
use model::{Shared, lock};
use sink::TreeSink;

pub use app::{Browser, Flow};

/// How often the progress in the model is brought up to date.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A scan filling a tree on its own thread.
pub struct Feed {
    /// The tree being filled.
    pub tree: Shared,
    /// Stops the scan.
    pub cancel: Arc<Cancel>,
    thread: Option<JoinHandle<Option<Summary>>>,
    /// Readable (at end of file) once the scan has ended: the screen waits
    /// on it beside the keys, so the finished tree is drawn at once rather
    /// than at the next tick.
    ended: Option<UnixStream>,
}

impl Feed {
    /// Starts scanning (or importing) as `config` says.
    pub fn start(config: Arc<Config>) -> Feed {
        let tree: Shared = Arc::default();
        let cancel = Arc::new(Cancel::new());
        // Without a socket pair the screen still sees the end at its next
        // tick.
        let (ended, end_of_scan) = match UnixStream::pair() {
            Ok((ended, end_of_scan)) => (Some(ended), Some(end_of_scan)),
            Err(_) => (None, None),
        };
        let thread = {
            let tree = tree.clone();
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                let summary = fill(&config, &cancel, &tree);
                // Closing its end makes `ended` readable.
                drop(end_of_scan);
                summary
            })
        };
        Feed {
            tree,
            cancel,
            thread: Some(thread),
            ended,
        }
    }

    /// What becomes readable when the scan has ended.
    pub fn ended(&self) -> Option<BorrowedFd<'_>> {
        self.ended.as_ref().map(AsFd::as_fd)
    }

    /// Waits for the scan to end; its summary, if it got that far.
    pub fn join(&mut self) -> Option<Summary> {
        self.thread.take().and_then(|t| t.join().ok().flatten())
    }
}

/// Scans into `tree` until done or cancelled, then marks it finished.
pub fn fill(config: &Config, cancel: &Cancel, tree: &Shared) -> Option<Summary> {
    let mut sink = TreeSink::new(tree.clone(), config.apparent);
    let old = match &config.diff {
        Some(file) => {
            // Files too: the browser shows every entry's change.
            let mut all = config.clone();
            all.all = true;
            match crate::input::old::OldTree::load(&all, file) {
                Ok(old) => Some(old),
                Err(e) => {
                    // The scan is still worth browsing; the message is
                    // printed on quitting, and the exit status is 1.
                    let mut tree = lock(tree);
                    tree.errors += 1;
                    tree.messages.push(e.to_string());
                    None
                }
            }
        }
        None => None,
    };
    let outcome = match &config.import {
        Some(file) => {
            crate::input::import::import_file(config, file, &mut sink).map_err(|e| e.to_string())
        }
        None => {
            let operands = crate::baseline::identify(config);
            let total = crate::baseline::for_scan(config, &operands, None, None);
            let mut estimate = total.map(|t| crate::eta::Estimate::new(t.entries));
            Ok(crate::scan_with_progress(
                config,
                cancel,
                PROGRESS_EVERY,
                &mut |tick| {
                    let eta = estimate
                        .as_mut()
                        .map(|e| crate::eta::live_text(&e.at(tick.entries(), tick.elapsed)));
                    let mut tree = lock(tree);
                    tree.progress = model::Progress {
                        entries: tick.entries(),
                        dirs: tick.counts.dirs,
                        bytes: tick.counts.bytes,
                        elapsed_ms: tick.elapsed.as_millis() as u64,
                        eta,
                    };
                },
                &mut sink,
            ))
        }
    };
    sink.flush();
    let mut tree = lock(tree);
    if let (Some(old), Ok(_)) = (old, &outcome) {
        let measure = if config.inodes {
            change::Measure::Items
        } else if config.apparent {
            change::Measure::Apparent
        } else {
            change::Measure::Disk
        };
        change::annotate(&mut tree, old, measure);
    }
    match outcome {
        Ok(summary) => {
            tree.finish(summary.cancelled);
            Some(summary)
        }
        Err(message) => {
            tree.errors += 1;
            tree.messages.push(message);
            tree.finish(true);
            None
        }
    }
}

/// The exit status of a browsing session on `tree`: 130 if the scan was
/// stopped, else 1 if something could not be read.
pub fn status_of(tree: &Shared) -> ExitStatus {
    let tree = lock(tree);
    if tree.partial {
        ExitStatus::Interrupted
    } else if tree.errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// Runs the browser on the terminal until the user quits.
pub fn run(config: &Config) -> ExitStatus {
    let config = Arc::new(config.clone());
    let mut feed = Feed::start(config.clone());
    let mut browser = Browser::new(config.clone(), feed.tree.clone(), feed.cancel.clone());
    browser.color = term::wants_color(config.color);
    let outcome = term::run(&mut browser, feed.ended());
    // Quitting during the scan stops it.
    feed.cancel.cancel();
    feed.join();
    if let Err(e) = outcome {
        crate::message::error(&[e.to_string().as_bytes()]);
        return ExitStatus::Failure;
    }
    for message in &lock(&feed.tree).messages {
        crate::message::error(&[message.as_bytes()]);
    }
    status_of(&feed.tree)
}
