//! The terminal on stdin while a key press may cancel a scan: put in
//! non-canonical, no-echo mode so that one key (no Enter) is enough and
//! nothing is echoed over the progress line, and put back as it was on
//! every way out — the guard's drop covers a normal end, a cancel, an error
//! and a panic; [`restore`] is what the second Ctrl-C calls before exiting.

use std::io;
use std::sync::{Mutex, PoisonError};

use rustix::event::{PollFd, PollFlags};
use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};

/// The settings found on entry, while they are changed. One slot for the
/// process: there is only one stdin.
static SAVED: Mutex<Option<Termios>> = Mutex::new(None);

/// Whether stdin is a terminal that this process may read and set: a
/// terminal whose foreground process group is ours. A background job
/// (`cdu &`) that touched it would be stopped by SIGTTIN or SIGTTOU.
pub fn stdin_is_foreground_terminal() -> bool {
    let stdin = io::stdin();
    termios::isatty(&stdin)
        && termios::tcgetpgrp(&stdin).is_ok_and(|group| group == rustix::process::getpgrp())
}

/// Whether stdin and stderr are the same terminal: the one a key is read
/// from is the one the live line that offers it is on.
pub fn stdin_is_stderr_terminal() -> bool {
    let same = |a: rustix::fs::Stat, b: rustix::fs::Stat| a.st_rdev == b.st_rdev;
    termios::isatty(io::stderr())
        && matches!(
            (rustix::fs::fstat(io::stdin()), rustix::fs::fstat(io::stderr())),
            (Ok(a), Ok(b)) if same(a, b)
        )
}

/// Whether input is waiting on stdin. In key mode every byte typed ahead
/// counts, not only whole lines as in canonical mode.
pub fn input_waiting() -> bool {
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let zero = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    matches!(rustix::event::poll(&mut fds, Some(&zero)), Ok(1..))
        && fds[0].revents().contains(PollFlags::IN)
}

/// While alive, stdin's terminal is in key mode: non-canonical, no echo,
/// and reads that never block (VMIN = VTIME = 0), so that the reader can
/// always be stopped. Signals (ISIG) and output processing are untouched.
pub struct KeyMode(());

impl KeyMode {
    /// Saves stdin's terminal settings and switches to key mode.
    pub fn enter() -> io::Result<KeyMode> {
        let guard = KeyMode(());
        // On failure the guard's drop puts back whatever may have changed.
        enter_key_mode()?;
        Ok(guard)
    }
}

/// Saves stdin's terminal settings as they are now and switches to key
/// mode; [`restore`] puts them back. Also what a job continued in the
/// foreground after Ctrl-Z does: settings changed while it was stopped
/// (`stty`) are the ones put back at the end.
pub fn enter_key_mode() -> io::Result<()> {
    let stdin = io::stdin();
    let saved = termios::tcgetattr(&stdin)?;
    let mut keys = saved.clone();
    keys.local_modes
        .remove(LocalModes::ICANON | LocalModes::ECHO);
    keys.special_codes[SpecialCodeIndex::VMIN] = 0;
    keys.special_codes[SpecialCodeIndex::VTIME] = 0;
    *SAVED.lock().unwrap_or_else(PoisonError::into_inner) = Some(saved);
    Ok(termios::tcsetattr(&stdin, OptionalActions::Now, &keys)?)
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts back the settings saved by [`KeyMode::enter`], if they are still
/// changed. Callable from any thread, any number of times.
pub fn restore() {
    let saved = SAVED.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(saved) = saved {
        // TCSANOW, not TCSAFLUSH: keys typed ahead for the shell are kept.
        let _ = termios::tcsetattr(io::stdin(), OptionalActions::Now, &saved);
    }
}
