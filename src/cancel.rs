//! The cancel signal: one broadcast that everyone sees, early or late. A
//! channel whose sender is dropped (Go's `close(done)`) wakes every
//! `select!`, and an atomic flag mirrors it for the walkers' hot loop (Go's
//! `cancelled()`). The [`Watcher`] turns Ctrl-C, SIGTERM and a key press
//! into that broadcast in the `cancellable` mode.

use std::io;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use rustix::event::{PollFd, PollFlags};
use rustix::io::Errno;

use crate::suspend::JobSignals;
use crate::terminal::{self, KeyMode};

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

/// The run that a signal cancels now. Empty before and after a scan: a
/// signal then ends the process at once.
static ACTIVE: Mutex<Option<Arc<Cancel>>> = Mutex::new(None);

/// What SIGINT, SIGTERM and SIGHUP do once the handler is installed. The
/// handler runs on ctrlc's own thread, not in signal context, so it may
/// take locks and reset the terminal.
fn on_signal() {
    let active = ACTIVE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match active {
        Some(cancel) if !cancel.is_cancelled() => cancel.cancel(),
        // A second signal while stopping, or one outside a scan: stop now.
        _ => {
            terminal::restore();
            std::process::exit(130);
        }
    }
}

/// Watches for what cancels a scan: Ctrl-C, SIGTERM (and SIGHUP), and a
/// key press when stdin is a terminal. Dropping it stops the key reader and
/// restores the terminal; a signal after that exits at once with status
/// 130, which is what a second Ctrl-C while the results print should do.
pub struct Watcher {
    keys: Option<Keys>,
}

/// Starts watching on behalf of `cancel`. `keys` asks for a key press to
/// cancel too; it is honoured only when stdin is a terminal in the
/// foreground, and stdin is never read otherwise.
pub fn watch(cancel: &Arc<Cancel>, keys: bool) -> Watcher {
    *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = Some(cancel.clone());
    // ctrlc allows one handler per process; it dispatches through ACTIVE.
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Without a handler, signals keep their default action: the
        // process still stops, only without printing what it has.
        let _ = ctrlc::set_handler(on_signal);
    });
    let keys = if keys && terminal::stdin_is_foreground_terminal() {
        Keys::start(cancel.clone()).ok()
    } else {
        None
    };
    Watcher { keys }
}

impl Watcher {
    /// Whether a key press cancels (stdin is a terminal being watched).
    pub fn keys(&self) -> bool {
        self.keys.is_some()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        // Stop reading keys and restore the terminal first: a signal that
        // comes after the slot is emptied exits the process.
        self.keys = None;
        *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// The key reader: a thread that polls stdin and a wake-up socket, so that
/// it can be told to stop at once and never holds the process or the
/// terminal.
struct Keys {
    wake: UnixStream,
    thread: Option<JoinHandle<()>>,
    // Dropped after the thread is joined: no key is read once the terminal
    // is back in canonical mode.
    _mode: KeyMode,
}

impl Keys {
    fn start(cancel: Arc<Cancel>) -> io::Result<Keys> {
        let (wake, asleep) = UnixStream::pair()?;
        let mode = KeyMode::enter()?;
        // Without them Ctrl-Z still stops cdu, only with the terminal left
        // in key mode.
        let jobs = JobSignals::install().ok();
        let thread = std::thread::Builder::new()
            .name("cdu-keys".into())
            .spawn(move || read_keys(&cancel, &asleep, jobs.as_ref()))?;
        Ok(Keys {
            wake,
            thread: Some(thread),
            _mode: mode,
        })
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        // Shutting the socket down makes it readable: the poll returns.
        let _ = self.wake.shutdown(std::net::Shutdown::Both);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Waits for a key on stdin, or for `wake`; a key cancels the run. On
/// Ctrl-Z it puts the terminal back and stops the process; continued in
/// the foreground, it sets key mode again and goes on waiting for keys.
fn read_keys(cancel: &Cancel, wake: &UnixStream, jobs: Option<&JobSignals>) {
    let stdin = io::stdin();
    // Whether the terminal is in key mode and stdin may be read: not
    // while the job is stopped or in the background, where a read would
    // stop it again (SIGTTIN).
    let mut keys_on = true;
    loop {
        let signals = jobs.map(JobSignals::fd);
        let mut fds = vec![PollFd::new(wake, PollFlags::IN)];
        if let Some(fd) = &signals {
            fds.push(PollFd::new(fd, PollFlags::IN));
        }
        if keys_on {
            fds.push(PollFd::new(&stdin, PollFlags::IN));
        }
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => {}
            Err(Errno::INTR) => continue,
            Err(_) => return,
        }
        if !fds[0].revents().is_empty() {
            return;
        }
        let keys_ready = keys_on.then(|| fds[fds.len() - 1].revents());
        drop(fds);
        if let Some(jobs) = jobs {
            let arrived = jobs.take();
            if arrived.stop {
                terminal::restore();
                keys_on = false;
                jobs.stop();
            }
            if (arrived.stop || arrived.resume)
                && !keys_on
                && terminal::stdin_is_foreground_terminal()
                && terminal::enter_key_mode().is_ok()
            {
                keys_on = true;
            }
            if arrived.stop {
                // Keys typed before the stop were for the shell.
                continue;
            }
        }
        let Some(ready) = keys_ready else { continue };
        if ready.contains(PollFlags::IN) {
            // VMIN = VTIME = 0: never blocks, even if someone else took
            // the bytes between the poll and here.
            let mut key = [0u8; 64];
            match rustix::io::read(&stdin, &mut key) {
                Ok(0) | Err(Errno::INTR | Errno::AGAIN) => {}
                Ok(_) => {
                    cancel.cancel();
                    return;
                }
                Err(_) => return,
            }
        }
        if ready.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
            // The terminal went away: nothing more will come from it.
            return;
        }
    }
}
