//! The standard streams and SIGPIPE as the process got them at exec, before
//! Rust's runtime changed them. std's start-up, run from `main`, reopens a
//! closed descriptor 0, 1 or 2 on /dev/null and sets SIGPIPE to ignored; du,
//! a C program, keeps them as given: writing to a closed stdout fails with
//! EBADF and a reader that goes away kills it. A constructor in
//! `.init_array` (the binary's), which the C library runs before `main`,
//! looks first, and the streams below make a descriptor found closed fail
//! as du's would.

use std::io::{self, Read, Write};
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

/// Runs before `main` (and so before std's own start-up): only queries, no
/// change, no allocation. glibc passes argc, argv and envp; they are not
/// needed. The binary registers it (`src/main.rs`), so that a program
/// that only links the library runs nothing before its own `main`.
#[cfg(target_os = "linux")]
pub extern "C" fn look_at_start(_: libc::c_int, _: *const *const u8, _: *const *const u8) {
    for (fd, closed) in CLOSED.iter().enumerate() {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd as libc::c_int, libc::F_GETFD) };
        if flags == -1 && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF) {
            closed.store(true, Ordering::Relaxed);
        }
    }
    // SAFETY: both calls only read the current action and mask into
    // zeroed values of their own types.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        let ignored = libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut action) == 0
            && action.sa_sigaction == libc::SIG_IGN;
        let mut mask: libc::sigset_t = std::mem::zeroed();
        let blocked = libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut mask) == 0
            && libc::sigismember(&mask, libc::SIGPIPE) == 1;
        SIGPIPE_HARMLESS.store(ignored || blocked, Ordering::Relaxed);
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
    crate::app::terminal::restore();
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
            crate::app::exit::die_of_sigpipe();
        }
    }
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
