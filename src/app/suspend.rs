//! Ctrl-Z while keys are watched. The terminal is in key mode then, and a
//! shell does not put a stopped job's terminal back, so cdu does: it
//! restores the terminal before it stops and sets key mode again when it
//! is continued in the foreground, as vim and less do. A job continued in
//! the background (`bg`) leaves the terminal alone until `fg`.
//!
//! The handlers only write the signal's number to a socket; the key
//! reader polls that socket beside stdin and does the work on its thread.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

use crate::progress::stopped;

/// The socket the handlers write to; -1 until the pair below exists.
static NOTIFY: AtomicI32 = AtomicI32::new(-1);

/// The pair of sockets: the reader's end and the handlers' end. Made once
/// and never closed, so a handler can never write to a descriptor that
/// was closed and reused meanwhile.
static PAIR: OnceLock<(UnixStream, UnixStream)> = OnceLock::new();

fn pair() -> io::Result<&'static (UnixStream, UnixStream)> {
    if let Some(pair) = PAIR.get() {
        return Ok(pair);
    }
    let (receiver, sender) = UnixStream::pair()?;
    receiver.set_nonblocking(true)?;
    // A burst of signals must never block a handler.
    sender.set_nonblocking(true)?;
    let pair = PAIR.get_or_init(|| (receiver, sender));
    NOTIFY.store(pair.1.as_raw_fd(), Ordering::SeqCst);
    Ok(pair)
}

extern "C" fn on_job_signal(signal: libc::c_int) {
    // Only async-signal-safe calls here, and errno left as it was found.
    // SAFETY: __errno_location is the calling thread's errno; write(2) on
    // a descriptor that is never closed.
    unsafe {
        let errno = *libc::__errno_location();
        let fd = NOTIFY.load(Ordering::Relaxed);
        if fd >= 0 {
            let byte = signal as u8;
            libc::write(fd, (&raw const byte).cast(), 1);
        }
        *libc::__errno_location() = errno;
    }
}

/// What arrived since the last look.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Arrived {
    /// SIGTSTP: Ctrl-Z, or `kill -TSTP`.
    pub stop: bool,
    /// SIGCONT: `fg` or `bg`.
    pub resume: bool,
}

/// SIGTSTP and SIGCONT caught while alive; their previous actions are put
/// back on drop. One at a time per process.
pub struct JobSignals {
    receiver: &'static UnixStream,
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

const SIGNALS: [libc::c_int; 2] = [libc::SIGTSTP, libc::SIGCONT];

/// Sets the action of `signal` to `handler`, returning the previous one.
fn set_action(signal: libc::c_int, handler: libc::sighandler_t) -> io::Result<libc::sigaction> {
    // SAFETY: sigaction with a zeroed-then-filled struct; the handler is
    // async-signal-safe (see on_job_signal).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        // SA_RESTART: the walkers' system calls go on as if nothing came.
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        let mut previous: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signal, &action, &mut previous) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(previous)
    }
}

fn handler() -> libc::sighandler_t {
    on_job_signal as extern "C" fn(libc::c_int) as libc::sighandler_t
}

impl JobSignals {
    pub fn install() -> io::Result<JobSignals> {
        let mut signals = JobSignals {
            receiver: &pair()?.0,
            previous: Vec::new(),
        };
        // Whatever an earlier scan left unread is not for this one.
        signals.take();
        for signal in SIGNALS {
            // On failure, drop puts back what was set so far.
            let previous = set_action(signal, handler())?;
            signals.previous.push((signal, previous));
            if previous.sa_sigaction == libc::SIG_IGN {
                // Ignored by whoever started cdu (as shells without job
                // control do): it stays ignored, as it would without us.
                set_action(signal, libc::SIG_IGN)?;
            }
        }
        Ok(signals)
    }

    /// Readable when a signal has arrived.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.receiver.as_fd()
    }

    /// Which signals arrived since the last call.
    pub fn take(&self) -> Arrived {
        let mut arrived = Arrived::default();
        let mut bytes = [0u8; 64];
        while let Ok(n @ 1..) = rustix::io::read(self.receiver, &mut bytes) {
            for &b in &bytes[..n] {
                match libc::c_int::from(b) {
                    libc::SIGTSTP => arrived.stop = true,
                    libc::SIGCONT => arrived.resume = true,
                    _ => {}
                }
            }
        }
        arrived
    }

    /// Stops the process as SIGTSTP's default action does, and returns
    /// once it is continued. In an orphaned process group (no shell to
    /// continue it) the kernel ignores the stop, as it ignores Ctrl-Z
    /// there; a SIGSTOP instead could leave the process stopped forever.
    pub fn stop(&self) {
        if set_action(libc::SIGTSTP, libc::SIG_DFL).is_err() {
            return;
        }
        stopped::stopping();
        // SAFETY: raise(3) sends a signal to this thread; its default
        // action stops every thread of the process.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        stopped::continued();
        let _ = set_action(libc::SIGTSTP, handler());
    }
}

impl Drop for JobSignals {
    fn drop(&mut self) {
        for (signal, previous) in self.previous.drain(..).rev() {
            // SAFETY: puts back the action sigaction returned earlier.
            unsafe {
                libc::sigaction(signal, &previous, std::ptr::null_mut());
            }
        }
    }
}
