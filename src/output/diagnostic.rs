//! du's words for an entry it could not read, shared by every sink that
//! reports errors on stderr: du's lines and the views alike.

use std::io::Write;

use crate::batch::ErrorKind;
use crate::message::{strerror, write_error};
use crate::quote::{Locale, quote_always, quote_if_needed};

/// Writes du's diagnostic for `path`, which could not be read as `kind`
/// says, to `err`.
pub fn report_error(err: &mut dyn Write, kind: ErrorKind, path: &[u8], errno: i32, locale: Locale) {
    // errno 0: a dangling symlink that was to be followed; du gives no
    // reason then.
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
