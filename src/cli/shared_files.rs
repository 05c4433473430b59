//! An input is never also an output. A file read by `--import`, `--diff`,
//! `--files0-from` or `--exclude-from` that `--export` would replace, or
//! that standard output already writes to, is refused before anything is
//! read or written: one run that both reads and writes a file reads
//! what it has itself begun to overwrite. Files are compared by device
//! and inode, so another name, a link or a symbolic link is caught too.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use super::messages::Diagnostics;
use super::options::Cli;
use crate::output::file::{OutputFile, same_as_fd};
use crate::quote::{Locale, quote};

/// Diagnoses the first input that is also an output, as `Err(false)`
/// (no usage hint: each option is right on its own).
pub(super) fn refuse(cli: &Cli, locale: Locale, diag: &mut Diagnostics) -> Result<(), bool> {
    let stdin = |name: &OsStr| name == "-";
    if cli.import.iter().any(|f| stdin(f)) && cli.diff.as_deref().is_some_and(stdin) {
        diag.push(&[b"--import=- and --diff=- cannot both read standard input"]);
        return Err(true);
    }
    let mut inputs: Vec<(&str, &OsStr)> = Vec::new();
    inputs.extend(cli.import.iter().map(|f| ("--import", f.as_os_str())));
    inputs.extend(cli.diff.as_deref().map(|f| ("--diff", f)));
    inputs.extend(cli.files0_from.as_deref().map(|f| ("--files0-from", f)));
    inputs.extend(
        cli.exclude_from
            .iter()
            .map(|f| ("--exclude-from", f.as_os_str())),
    );
    let export = cli.export.as_deref().filter(|f| !stdin(f));
    let export_id = export.and_then(OutputFile::identity);
    let mut refused = |parts: &[&[u8]]| {
        diag.push(parts);
        Err(false)
    };
    for &(option, file) in &inputs {
        let shown = quote(file.as_bytes(), locale);
        let id = if stdin(file) {
            None
        } else {
            OutputFile::identity(file)
        };
        if let Some(export) = export {
            let same = match id {
                Some(id) => export_id == Some(id),
                None => stdin(file) && same_as_fd(export_id, std::io::stdin()),
            };
            if same {
                return refused(&[
                    b"--export would write ",
                    &quote(export.as_bytes(), locale),
                    b", which ",
                    option.as_bytes(),
                    b" reads",
                ]);
            }
        }
        if same_as_fd(id, std::io::stdout()) {
            return refused(&[
                b"standard output is ",
                &shown,
                b", which ",
                option.as_bytes(),
                b" reads",
            ]);
        }
    }
    if let Some(export) = export
        && same_as_fd(export_id, std::io::stdout())
    {
        // The lines written to stdout would be lost when the export is
        // renamed over them.
        return refused(&[
            b"--export would write ",
            &quote(export.as_bytes(), locale),
            b", which is also standard output",
        ]);
    }
    Ok(())
}
