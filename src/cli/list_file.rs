//! Reading a list named on the command line (`--exclude-from=F`, `-` for
//! stdin). `--files0-from` lists are read as the walk goes, by
//! `crate::operands`.

use std::ffi::OsStr;
use std::io::Read;

/// The whole of a file, or of stdin for `-` (`--exclude-from`).
pub(super) fn read_file_or_stdin(name: &OsStr) -> std::io::Result<Vec<u8>> {
    let mut contents = Vec::new();
    if name == "-" {
        crate::stdio::stdin().read_to_end(&mut contents)?;
    } else {
        std::fs::File::open(name)?.read_to_end(&mut contents)?;
    }
    Ok(contents)
}
