//! The standard streams and SIGPIPE as the process got them at exec, before
//! Rust's runtime changed them: a constructor in `.init_array` (the
//! binary's), which the C library runs before `main`, looks, and
//! [`crate::stdio`] makes a descriptor found closed fail as du's would.

use std::io;

/// Runs before `main` (and so before std's own start-up): only queries, no
/// change, no allocation. glibc passes argc, argv and envp; they are not
/// needed. The binary registers it (`src/main.rs`), so that a program
/// that only links the library runs nothing before its own `main`.
#[cfg(target_os = "linux")]
pub extern "C" fn look_at_start(_: libc::c_int, _: *const *const u8, _: *const *const u8) {
    let mut closed = [false; 3];
    for (fd, was) in closed.iter_mut().enumerate() {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd as libc::c_int, libc::F_GETFD) };
        *was = flags == -1 && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
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
        crate::stdio::found_at_start(closed, ignored || blocked);
    }
}
