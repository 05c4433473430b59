//! `cdu`: the program. What only a process does — looking at the standard
//! streams before std's start-up changes them — is set up here; the rest
//! of the run is the library's program side (`src/app/`).

use std::process::ExitCode;

/// The C library runs this before `main`: it records which standard
/// streams were closed at exec and whether SIGPIPE was harmless, before
/// std reopens the streams and ignores SIGPIPE.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static LOOK_AT_START: extern "C" fn(libc::c_int, *const *const u8, *const *const u8) =
    cdu::program::look_at_start;

fn main() -> ExitCode {
    cdu::program::main().into()
}
