//! `--files0-from=F`: the operands read from a NUL-separated list in a
//! file or on stdin, each bad name diagnosed where it stands.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;

use super::messages::Diagnostics;
use crate::config::Operand;
use crate::quote::{Locale, quote_always, quote_if_needed};

/// The operands listed in `from`, or the diagnostic that ends the run
/// (without the usage hint).
pub(super) fn operands(
    from: &OsStr,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<Vec<Operand>> {
    let contents = match read_file_or_stdin(from) {
        Ok(c) => c,
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::ISDIR.raw_os_error()) => {
            // Opening a directory works; reading it is what fails.
            let reason = crate::message::strerror(rustix::io::Errno::ISDIR.raw_os_error());
            diag.push(&[
                &quote_if_needed(from.as_bytes(), locale),
                b": read error: ",
                reason.as_bytes(),
            ]);
            return None;
        }
        Err(e) => {
            let reason = crate::message::strerror(e.raw_os_error().unwrap_or(0));
            diag.push(&[
                b"cannot open ",
                &quote_always(from.as_bytes(), locale),
                b" for reading: ",
                reason.as_bytes(),
            ]);
            return None;
        }
    };
    Some(files0_operands(
        &contents,
        from.as_bytes(),
        from == "-",
        locale,
    ))
}

/// The names of a `--files0-from` list, each diagnosed as du would.
pub(super) fn files0_operands(
    contents: &[u8],
    from: &[u8],
    from_stdin: bool,
    locale: Locale,
) -> Vec<Operand> {
    let mut names: Vec<&[u8]> = contents.split(|&b| b == 0).collect();
    // A final NUL ends the last name rather than starting an empty one.
    if names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            if from_stdin && name == b"-" {
                Operand::Invalid(
                    [
                        b"when reading file names from stdin, no file name of ".as_slice(),
                        &quote_always(name, locale),
                        b" allowed",
                    ]
                    .concat(),
                )
            } else if name.is_empty() {
                Operand::Invalid(
                    [
                        &quote_if_needed(from, locale),
                        format!(":{}: invalid zero-length file name", i + 1).as_bytes(),
                    ]
                    .concat(),
                )
            } else {
                Operand::Path(name.to_vec())
            }
        })
        .collect()
}

pub(super) fn read_file_or_stdin(name: &OsStr) -> std::io::Result<Vec<u8>> {
    let mut contents = Vec::new();
    if name == "-" {
        std::io::stdin().lock().read_to_end(&mut contents)?;
    } else {
        std::fs::File::open(name)?.read_to_end(&mut contents)?;
    }
    Ok(contents)
}
