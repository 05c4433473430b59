//! The cancel signal: one broadcast that everyone sees, early or late. A
//! channel whose sender is dropped (Go's `close(done)`) wakes every
//! `select!`, and an atomic flag mirrors it for the walkers' hot loop (Go's
//! `cancelled()`). What turns Ctrl-C, SIGTERM and a key press into that
//! broadcast is the program's (`app::watch`).

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use crossbeam_channel::{Receiver, Sender};

/// A handle that stops a scan: [`Cancel::cancel`] from any thread (a
/// signal handler's thread, a user interface) ends the walk early, and the
/// scan's [`crate::Summary`] then says it was cancelled.
pub struct Cancel {
    flag: AtomicBool,
    sender: Mutex<Option<Sender<()>>>,
    receiver: Receiver<()>,
    /// A socket pair made on first use by one who waits in poll(2) (the
    /// `--files0-from` reader): shut down on cancel, which makes the
    /// second end readable.
    wake: OnceLock<(UnixStream, UnixStream)>,
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

impl Cancel {
    /// A handle not yet cancelled.
    pub fn new() -> Self {
        let (sender, receiver) = crossbeam_channel::bounded(0);
        Cancel {
            flag: AtomicBool::new(false),
            sender: Mutex::new(Some(sender)),
            receiver,
            wake: OnceLock::new(),
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
        // After the flag: one who made the pair after this looked sees the
        // flag before it polls.
        if let Some((end, _)) = self.wake.get() {
            let _ = end.shutdown(std::net::Shutdown::Both);
        }
    }

    /// A descriptor that becomes readable when the run is cancelled, for
    /// a thread that waits in poll(2); look at [`Cancel::is_cancelled`]
    /// after getting it and before polling.
    pub(crate) fn wake_fd(&self) -> io::Result<BorrowedFd<'_>> {
        if self.wake.get().is_none() {
            let pair = UnixStream::pair()?;
            let _ = self.wake.set(pair);
        }
        let (_, end) = self.wake.get().expect("set above");
        Ok(end.as_fd())
    }

    /// Whether [`Cancel::cancel`] was called. Cheap enough for the walkers
    /// to ask between entries.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// A channel that becomes ready (disconnected) when the run is cancelled.
    pub(crate) fn done(&self) -> &Receiver<()> {
        &self.receiver
    }
}
