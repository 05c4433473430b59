//! Turns Ctrl-C, SIGTERM (and SIGHUP) and a key press into a scan's
//! [`Cancel`] in the `cancellable` mode: process-wide signal handling and
//! the terminal, which belong to the program, not to a library's scan.
//!
//! A key cancels only while the live progress line that says so is on
//! the terminal it is typed on: nothing else tells a person that a key
//! would stop the scan, and a key meant for the shell or a pager must
//! never do it. Keys typed before the line appeared were meant for
//! whatever comes next, so when any are waiting the key is not armed at
//! all and they are left where they are.

use std::io;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, Once, PoisonError};
use std::thread::JoinHandle;

use rustix::event::{PollFd, PollFlags};
use rustix::io::Errno;

use crate::app::suspend::JobSignals;
use crate::app::terminal::{self, KeyMode};
use crate::cancel::Cancel;
use crate::progress::AroundStop;

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
        Some(cancel) if !cancel.is_cancelled() => {
            crate::stdio::stop_asked();
            cancel.cancel();
            // Blocked on an output that takes nothing, the run could
            // neither print what it has nor end: it ends now, as du would.
            if crate::stdio::stdout_stuck() {
                crate::stdio::end_stuck();
            }
        }
        // A second signal while stopping, or one outside a scan: stop now.
        _ => {
            terminal::restore();
            std::process::exit(130);
        }
    }
}

/// Watches for what cancels a scan: Ctrl-C, SIGTERM (and SIGHUP), and,
/// once the live line is shown ([`Watcher::line_shown`]), a key press.
/// Dropping it stops the key reader and restores the terminal; a signal
/// after that exits at once with status 130, which is what a second
/// Ctrl-C while the results print should do.
pub struct Watcher {
    cancel: Arc<Cancel>,
    /// A key may cancel, if the rest allows it.
    keys_wanted: bool,
    keys: Option<Keys>,
}

/// Starts watching for signals on behalf of `cancel`. `keys` asks for a
/// key press to cancel too, once the live line says so.
pub fn watch(cancel: &Arc<Cancel>, keys: bool) -> Watcher {
    *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = Some(cancel.clone());
    // ctrlc allows one handler per process; it dispatches through ACTIVE.
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Without a handler, signals keep their default action: the
        // process still stops, only without printing what it has.
        let _ = ctrlc::set_handler(on_signal);
    });
    Watcher {
        cancel: cancel.clone(),
        keys_wanted: keys,
        keys: None,
    }
}

impl Watcher {
    /// To be called just before the live progress line is first drawn on
    /// stderr's terminal. From now on Ctrl-Z clears the line (through
    /// `around_stop`) and gives the terminal back; and a key cancels if
    /// keys were asked for, stdin is that same terminal in the
    /// foreground, and nothing was typed ahead. Returns whether a key
    /// cancels, for the line's hint.
    pub fn line_shown(&mut self, around_stop: AroundStop) -> bool {
        if self.keys.is_some() {
            return self.keys();
        }
        let keys = self.keys_wanted
            && terminal::stdin_is_foreground_terminal()
            && terminal::stdin_is_stderr_terminal();
        self.keys = Keys::start(self.cancel.clone(), keys, around_stop).ok();
        self.keys()
    }

    /// Whether a key press cancels now.
    pub fn keys(&self) -> bool {
        self.keys.as_ref().is_some_and(|k| k.armed)
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
    /// A key press cancels.
    armed: bool,
    // Dropped after the thread is joined: no key is read once the terminal
    // is back in canonical mode.
    _mode: Option<KeyMode>,
}

impl Keys {
    /// Starts the thread; with `keys`, puts the terminal in key mode and
    /// arms the key, unless input is already waiting.
    fn start(cancel: Arc<Cancel>, keys: bool, around_stop: AroundStop) -> io::Result<Keys> {
        let (wake, asleep) = UnixStream::pair()?;
        let mode = if keys {
            KeyMode::enter().ok().filter(|_| !terminal::input_waiting())
        } else {
            None
        };
        let armed = mode.is_some();
        // Without them Ctrl-Z still stops cdu, only with the line left on
        // the screen and the terminal in key mode.
        let jobs = JobSignals::install().ok();
        let thread = std::thread::Builder::new()
            .name("cdu-keys".into())
            .spawn(move || read_keys(&cancel, &asleep, jobs.as_ref(), armed, &around_stop))?;
        Ok(Keys {
            wake,
            thread: Some(thread),
            armed,
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

/// Waits for a key on stdin (when `armed`), or for `wake`; a key cancels
/// the run. On Ctrl-Z it puts the terminal back and stops the process,
/// inside `around_stop`; continued in the foreground, it sets key mode
/// again and goes on waiting for keys.
fn read_keys(
    cancel: &Cancel,
    wake: &UnixStream,
    jobs: Option<&JobSignals>,
    armed: bool,
    around_stop: &AroundStop,
) {
    let stdin = io::stdin();
    // Whether the terminal is in key mode and stdin may be read: not
    // while the job is stopped or in the background, where a read would
    // stop it again (SIGTTIN).
    let mut keys_on = armed;
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
                around_stop(&mut || {
                    terminal::restore();
                    jobs.stop();
                });
                keys_on = false;
            }
            if (arrived.stop || arrived.resume)
                && armed
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
