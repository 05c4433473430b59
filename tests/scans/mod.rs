//! Helpers of the saved-scan tests (`--json`, `--export`, `--import`,
//! `--diff`): running cdu and the programs that read its output.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// Runs `program args` in `cwd` with `stdin`, in the C locale.
pub fn run_in(program: impl AsRef<OsStr>, args: &[&OsStr], cwd: &Path, stdin: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program");
    let mut input = child.stdin.take().expect("stdin");
    // A reader that stops early closes the pipe; that is its answer.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("wait for the program")
}

/// Runs cdu with string arguments in `cwd`.
pub fn cdu(args: &[&str], cwd: &Path) -> Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_in(CDU, &args, cwd, b"")
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// The arguments that run a command without the capabilities that let
/// root read any directory, so that mode 000 means unreadable.
pub const DROP_CAPS: [&str; 3] = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
];

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
