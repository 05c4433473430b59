//! The standard streams as du uses them. std's start-up, run from `main`,
//! reopens a closed descriptor 0, 1 or 2 on /dev/null and sets SIGPIPE to
//! ignored; du, a C program, keeps them as given: writing to a closed
//! stdout fails with EBADF and a reader that goes away kills it. The
//! program looks at the streams before `main` (`app::stdio_state`) and
//! records what it found here, and the streams below make a descriptor
//! found closed fail as du's would. Without that record (a program that
//! only links the library) they are the process's streams as std left
//! them.

use std::io::{self, Read, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rustix::event::{PollFd, PollFlags};

/// Whether descriptors 0, 1 and 2 were closed at exec.
static CLOSED: [AtomicBool; 3] = [
    AtomicBool::new(false),
    AtomicBool::new(false),
    AtomicBool::new(false),
];

/// Whether SIGPIPE was ignored or blocked at exec, so that a closed pipe
/// would not have killed a C program.
static SIGPIPE_HARMLESS: AtomicBool = AtomicBool::new(false);

/// Records how the standard streams were at exec: which of descriptors
/// 0, 1 and 2 were closed, and whether SIGPIPE was ignored or blocked.
/// Only stores: it runs before `main`, where nothing may allocate.
pub fn found_at_start(closed: [bool; 3], sigpipe_harmless: bool) {
    for (slot, was) in CLOSED.iter().zip(closed) {
        slot.store(was, Ordering::Relaxed);
    }
    SIGPIPE_HARMLESS.store(sigpipe_harmless, Ordering::Relaxed);
}

/// What runs before the process ends from here (a reader gone, a stop that
/// output cannot follow): the program puts its terminal back.
static BEFORE_DEATH: OnceLock<fn()> = OnceLock::new();

/// Sets what runs before the process ends from a write here, once.
pub fn before_death(tidy: fn()) {
    let _ = BEFORE_DEATH.set(tidy);
}

fn tidy_up() {
    if let Some(tidy) = BEFORE_DEATH.get() {
        tidy();
    }
}

/// Whether descriptor `fd` (0, 1 or 2) was closed when the process started.
pub fn closed_at_start(fd: usize) -> bool {
    CLOSED.get(fd).is_some_and(|c| c.load(Ordering::Relaxed))
}

/// Whether a reader of stdout going away would have killed the process
/// with SIGPIPE, as it kills du: SIGPIPE neither ignored nor blocked at
/// exec.
pub fn sigpipe_kills() -> bool {
    !SIGPIPE_HARMLESS.load(Ordering::Relaxed)
}

fn bad_descriptor() -> io::Error {
    io::Error::from_raw_os_error(libc::EBADF)
}

/// A standard stream that fails with EBADF, as the descriptor would, if it
/// was closed at start; otherwise the process's stream.
pub struct Stream<T> {
    inner: T,
    closed: bool,
    /// Whether a write that finds the reader gone kills the process.
    sigpipe: bool,
    /// It is stdout: see [`stdout_stuck`].
    stdout: bool,
}

/// The process's stdout, locked. A write that finds the reader gone
/// (`cdu | head`) ends the process there, killed by SIGPIPE as du is at
/// that write, so that nothing it would not have said (a diagnostic of a
/// later operand) follows; unless SIGPIPE was ignored or blocked at start,
/// when the write fails with EPIPE as du's does.
pub fn stdout() -> Stream<io::StdoutLock<'static>> {
    Stream {
        inner: io::stdout().lock(),
        closed: closed_at_start(1),
        sigpipe: sigpipe_kills(),
        stdout: true,
    }
}

/// The process's stderr, locked.
pub fn stderr() -> Stream<io::Stderr> {
    Stream {
        // Not locked for the whole run: the progress line's own thread
        // writes to stderr too, and must not wait for the scan to end.
        inner: io::stderr(),
        closed: closed_at_start(2),
        sigpipe: false,
        stdout: false,
    }
}

/// The process's stdin, locked.
pub fn stdin() -> Stream<io::StdinLock<'static>> {
    Stream {
        inner: io::stdin().lock(),
        closed: closed_at_start(0),
        sigpipe: false,
        stdout: false,
    }
}

/// Set when a signal has asked the run to stop.
static STOP_ASKED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout under way (or blocked).
static WRITING_STDOUT: AtomicUsize = AtomicUsize::new(0);

/// Notes that a signal asked the run to stop: from now on a write to a
/// stdout that takes nothing ends the process instead of waiting.
pub fn stop_asked() {
    STOP_ASKED.store(true, Ordering::SeqCst);
}

/// How long stdout may take nothing, once a stop was asked, before the
/// run counts as stuck: a reader that is still reading (a pager scrolling,
/// a slow consumer) frees room well within it, so a momentarily full pipe
/// still gets the partial output and the cancel notice.
const STUCK_AFTER: rustix::event::Timespec = rustix::event::Timespec {
    tv_sec: 1,
    tv_nsec: 0,
};

/// Whether stdout takes no byte for [`STUCK_AFTER`]: a pipe whose reader
/// has stopped reading (`cdu -a | less` at a page), a terminal held by
/// Ctrl-S.
fn stdout_stays_full() -> bool {
    let stdout = io::stdout();
    let mut fds = [PollFd::new(&stdout, PollFlags::OUT)];
    matches!(rustix::event::poll(&mut fds, Some(&STUCK_AFTER)), Ok(0))
}

/// Whether the run is blocked writing to a stdout that takes nothing. It
/// could neither print what it has nor end; du, killed by the signal,
/// would be gone.
pub fn stdout_stuck() -> bool {
    WRITING_STDOUT.load(Ordering::SeqCst) > 0 && stdout_stays_full()
}

/// Ends the process at once, status 130, for a stop that output cannot
/// follow: no exit handlers, which would try to write what is buffered.
pub fn end_stuck() -> ! {
    tidy_up();
    // SAFETY: _exit(2) ends the process without running anything else.
    unsafe { libc::_exit(130) }
}

impl<T> Stream<T> {
    /// Runs a write of stdout, counted while it may block; once a stop was
    /// asked, a stdout that takes nothing ends the process first.
    fn counted<R>(&mut self, write: impl FnOnce(&mut T) -> R) -> R {
        if !self.stdout {
            return write(&mut self.inner);
        }
        if STOP_ASKED.load(Ordering::Relaxed) && stdout_stays_full() {
            end_stuck();
        }
        WRITING_STDOUT.fetch_add(1, Ordering::SeqCst);
        let result = write(&mut self.inner);
        WRITING_STDOUT.fetch_sub(1, Ordering::SeqCst);
        result
    }
}

impl<T: Write> Write for Stream<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Err(bad_descriptor());
        }
        self.counted(|inner| inner.write(buf))
            .inspect_err(|e| self.on_error(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        // Nothing is ever held here for a closed descriptor.
        if self.closed {
            return Ok(());
        }
        self.counted(|inner| inner.flush())
            .inspect_err(|e| self.on_error(e))
    }
}

impl<T> Stream<T> {
    fn on_error(&self, e: &io::Error) {
        if self.sigpipe && e.kind() == io::ErrorKind::BrokenPipe {
            die_of_sigpipe();
        }
    }
}

/// Dies of SIGPIPE's default action, with the terminal put back first, so
/// that the parent sees what it sees of du when the reader of its output
/// went away. std ignores SIGPIPE for the whole run so that such a write
/// returns EPIPE and this gets its turn.
pub fn die_of_sigpipe() -> ! {
    tidy_up();
    // SAFETY: setting a signal's default action, unblocking it for this
    // thread and sending it to this thread touch no memory of ours.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let mut only_pipe: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut only_pipe);
        libc::sigaddset(&mut only_pipe, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &only_pipe, std::ptr::null_mut());
        libc::raise(libc::SIGPIPE);
    }
    // Not reached: the signal's default action ends the process.
    std::process::exit(128 + libc::SIGPIPE)
}

impl<T: Read> Read for Stream<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.closed {
            return Err(bad_descriptor());
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_closed_at_start_fails_with_ebadf() {
        let mut out = Stream {
            inner: Vec::new(),
            closed: true,
            sigpipe: false,
            stdout: false,
        };
        let e = out.write_all(b"x").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        assert!(out.inner.is_empty());
        let mut input = Stream {
            inner: &b"abc"[..],
            closed: true,
            sigpipe: false,
            stdout: false,
        };
        let mut buf = Vec::new();
        let e = input.read_to_end(&mut buf).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    }

    #[test]
    fn an_open_stream_passes_through() {
        let mut out = Stream {
            inner: Vec::new(),
            closed: false,
            sigpipe: false,
            stdout: false,
        };
        out.write_all(b"x").unwrap();
        assert_eq!(out.inner, b"x");
    }
}
