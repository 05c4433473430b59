//! The cancel signal: one broadcast that everyone sees, early or late. A
//! channel whose sender is dropped (Go's `close(done)`) wakes every
//! `select!`, and an atomic flag mirrors it for the walkers' hot loop (Go's
//! `cancelled()`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::{Receiver, Sender};

pub struct Cancel {
    flag: AtomicBool,
    sender: Mutex<Option<Sender<()>>>,
    receiver: Receiver<()>,
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

impl Cancel {
    pub fn new() -> Self {
        let (sender, receiver) = crossbeam_channel::bounded(0);
        Cancel {
            flag: AtomicBool::new(false),
            sender: Mutex::new(Some(sender)),
            receiver,
        }
    }

    /// Stops the run. Safe to call from any thread, any number of times.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        // Dropping the only sender disconnects the channel: every receiver,
        // present and future, wakes at once.
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
    }

    /// Cheap enough for the walkers to ask between entries.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// A channel that becomes ready (disconnected) when the run is cancelled.
    pub fn done(&self) -> &Receiver<()> {
        &self.receiver
    }
}

/// Watches for the signals that cancel a run: Ctrl-C and SIGTERM. A
/// second one while stopping exits at once with status 130.
pub struct Watcher;

/// Starts watching on behalf of `cancel`. `keys` asks for a key press on a
/// terminal stdin to cancel too.
pub fn watch(cancel: &Arc<Cancel>, keys: bool) -> Option<Watcher> {
    let _ = keys;
    let flag = cancel.clone();
    let handler = move || {
        if flag.is_cancelled() {
            std::process::exit(130);
        }
        flag.cancel();
    };
    ctrlc::set_handler(handler).ok().map(|()| Watcher)
}
