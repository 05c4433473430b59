//! Diagnostics in GNU du's words: `cdu: ` and the message, with file names
//! quoted as du quotes them and the C library's text for an errno.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The name diagnostics start with.
pub const PROGRAM: &str = "cdu";

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
    line.extend_from_slice(PROGRAM.as_bytes());
    line.extend_from_slice(b": ");
    for part in parts {
        line.extend_from_slice(part);
    }
    line.push(b'\n');
    write_line(err, &line);
}

/// Prints an error to the process's stderr.
pub fn error(parts: &[&[u8]]) {
    write_error(&mut crate::stdio_state::stderr(), parts);
}
