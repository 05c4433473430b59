//! Running one command line for a comparison: cdu or GNU du, under
//! `timeout -s KILL` (a hang is a failure, not a stuck suite), optionally
//! without root's permission capabilities, under stack and descriptor
//! limits, or inside a small shell wrapper.

use std::ffi::{OsStr, OsString};
use std::io::{Seek, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Case;

/// The cdu under test.
pub const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// What a run produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit status; 128 + the signal when killed, as a shell says.
    pub status: i32,
    /// Killed by the timeout (timeout(1) then says 124 or 137).
    pub timed_out: bool,
    pub elapsed: Duration,
}

/// Environment variables that change du's or cdu's output, removed from
/// every run unless a case sets them.
const CLEARED: &[&str] = &[
    "DU_BLOCK_SIZE",
    "BLOCK_SIZE",
    "BLOCKSIZE",
    "POSIXLY_CORRECT",
    "LANG",
    "LANGUAGE",
    "LC_CTYPE",
    "LC_MESSAGES",
    "LC_NUMERIC",
    "TZ",
    "QUOTING_STYLE",
    "CDU_SPLIT_PARTS",
];

/// PATH with the directory of the built cdu first, so that cdu runs as
/// `cdu` and its messages start with that name.
pub fn path_with_cdu() -> OsString {
    let mut path = Path::new(CDU)
        .parent()
        .expect("cdu's directory")
        .as_os_str()
        .to_os_string();
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    path
}

/// Runs `program pre_args case.args` as `case` says. `program` is the
/// built cdu's path or the reference du's; cdu is run by its name on PATH.
pub fn run(program: &Path, pre_args: &[OsString], case: &Case) -> Outcome {
    let program: PathBuf = if program == Path::new(CDU) {
        PathBuf::from("cdu")
    } else {
        program.to_owned()
    };
    let mut cmd = Command::new("timeout");
    cmd.arg("-s")
        .arg("KILL")
        .arg(case.timeout.as_secs().max(1).to_string());
    if case.drop_caps && rustix::process::geteuid().is_root() {
        cmd.args([
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
            "--",
        ]);
    }
    if case.stack_kb.is_some() || case.nofile.is_some() {
        // The limits are set by a shell just before exec, so they are
        // those of the program's main thread.
        let mut script = String::new();
        if let Some(s) = case.stack_kb {
            script.push_str(&format!("ulimit -s {s} || exit 99; "));
        }
        if let Some(n) = case.nofile {
            script.push_str(&format!("ulimit -n {n} || exit 99; "));
        }
        script.push_str("exec \"$0\" \"$@\"");
        cmd.arg("sh").arg("-c").arg(script);
    }
    cmd.args(&case.wrapper);
    cmd.arg(&program).args(pre_args).args(&case.args);
    cmd.current_dir(&case.cwd);
    for var in CLEARED {
        cmd.env_remove(var);
    }
    cmd.env("LC_ALL", "C").env("PATH", path_with_cdu());
    for (k, v) in &case.env {
        cmd.env(k, v);
    }
    match &case.stdin {
        None => {
            cmd.stdin(Stdio::null());
        }
        Some(bytes) => {
            // A file rather than a pipe: what is not read is no error.
            let mut f = tempfile::tempfile().expect("stdin temp file");
            f.write_all(bytes).expect("write stdin");
            f.rewind().expect("rewind stdin");
            cmd.stdin(Stdio::from(f));
        }
    }
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let elapsed = start.elapsed();
    let status = out
        .status
        .code()
        .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Outcome {
        timed_out: status == 137 || status == 124,
        status,
        stdout: out.stdout,
        stderr: out.stderr,
        elapsed,
    }
}

/// Runs cdu with `args` before the case's own.
pub fn cdu(pre_args: &[OsString], case: &Case) -> Outcome {
    run(Path::new(CDU), pre_args, case)
}

/// Runs GNU du and words its stderr as cdu's ([`super::report::renamed_stderr`]).
pub fn gnu(reference: &Path, case: &Case) -> Outcome {
    let mut out = run(reference, &[], case);
    out.stderr = super::report::renamed_stderr(&out.stderr);
    out
}

pub fn os(s: impl AsRef<OsStr>) -> OsString {
    s.as_ref().to_os_string()
}
