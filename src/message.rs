//! Diagnostics in GNU du's words: `cdu: ` and the message, with file names
//! quoted as du quotes them and the C library's text for an errno.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::unix::ffi::OsStringExt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// The name diagnostics start with: argv[0] exactly as given, path and
/// all, as du's `program_name` is (`/tmp/du: ...` when run as `/tmp/du`).
static PROGRAM: OnceLock<Vec<u8>> = OnceLock::new();

/// Sets the name diagnostics start with, once, from argv[0]; without one
/// (an exec with an empty argv), `cdu`.
pub fn set_program(argv0: Option<OsString>) {
    let _ = PROGRAM.set(argv0.map_or_else(|| b"cdu".to_vec(), OsString::into_vec));
}

/// The name diagnostics start with; `cdu` until [`set_program`].
pub fn program() -> &'static [u8] {
    PROGRAM.get().map_or(b"cdu", Vec::as_slice)
}

/// The line that follows a usage error, naming the program as invoked.
pub fn try_help() -> Vec<u8> {
    [b"Try '", program(), b" --help' for more information.\n"].concat()
}

/// The C library's description of an errno, as strerror gives it.
pub fn strerror(errno: i32) -> String {
    let text = io::Error::from_raw_os_error(errno).to_string();
    // std appends " (os error N)"; strerror does not.
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Set once a diagnostic could not be written: du then ends with status 1
/// however the run went, since its user was not told something.
static LOST: AtomicBool = AtomicBool::new(false);

/// Whether some diagnostic could not be written.
pub fn diagnostic_lost() -> bool {
    LOST.load(Ordering::Relaxed)
}

/// Writes a whole diagnostic line to `err`, remembering a failure (there
/// is nowhere left to report it).
pub fn write_line(err: &mut dyn Write, line: &[u8]) {
    if err.write_all(line).and_then(|()| err.flush()).is_err() {
        LOST.store(true, Ordering::Relaxed);
    }
}

/// Writes `cdu: ` + `parts` + newline to `err` in one write, so that lines
/// from different threads never interleave.
pub fn write_error(err: &mut dyn Write, parts: &[&[u8]]) {
    let mut line = Vec::with_capacity(64);
    line.extend_from_slice(program());
    line.extend_from_slice(b": ");
    for part in parts {
        line.extend_from_slice(part);
    }
    line.push(b'\n');
    write_line(err, &line);
}

/// Prints an error to the process's stderr.
pub fn error(parts: &[&[u8]]) {
    write_error(&mut crate::stdio::stderr(), parts);
}
