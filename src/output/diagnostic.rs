//! Diagnostics in du's words, shared by every sink that reports a scan:
//! each one is written after the results before it, and counted, since
//! one of them makes the exit status 1.

use std::io::Write;

use crate::message::{strerror, write_error};
use crate::model::ErrorKind;
use crate::quote::{Locale, quote_always, quote_if_needed};

/// Where a sink's diagnostics go, and how many there were.
pub struct Diagnostics<E: Write> {
    err: E,
    locale: Locale,
    count: u64,
}

impl<E: Write> Diagnostics<E> {
    pub fn new(err: E, locale: Locale) -> Self {
        Diagnostics {
            err,
            locale,
            count: 0,
        }
    }

    /// How many diagnostics were printed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// A warning: said, after the lines before it, without failing the run.
    pub fn warn(&mut self, out: &mut dyn Write, parts: &[&[u8]]) {
        let _ = out.flush();
        write_error(&mut self.err, parts);
    }

    /// Writes `cdu: ` and `parts`, after flushing `out` so that the
    /// message comes after the results before it, as du's does.
    pub fn diagnose(&mut self, out: &mut dyn Write, parts: &[&[u8]]) {
        let _ = out.flush();
        write_error(&mut self.err, parts);
        self.count += 1;
    }

    /// du's message for an entry or directory that could not be read.
    pub fn error(&mut self, out: &mut dyn Write, kind: ErrorKind, path: &[u8], errno: i32) {
        let _ = out.flush();
        report_error(&mut self.err, kind, path, errno, self.locale);
        self.count += 1;
    }
}

/// Writes du's diagnostic for `path`, which could not be read as `kind`
/// says, to `err`.
pub fn report_error(err: &mut dyn Write, kind: ErrorKind, path: &[u8], errno: i32, locale: Locale) {
    // errno 0: a dangling symlink that was to be followed, or an error an
    // imported scan records without its reason; no reason is given.
    let reason = if errno == 0 {
        String::new()
    } else {
        format!(": {}", strerror(errno))
    };
    let (what, name): (&[u8], Vec<u8>) = match kind {
        ErrorKind::Access => (b"cannot access ", quote_always(path, locale)),
        ErrorKind::ReadDir => (b"cannot read directory ", quote_always(path, locale)),
        ErrorKind::ReadPartial => (b"", quote_if_needed(path, locale)),
    };
    write_error(err, &[what, &name, reason.as_bytes()]);
}
