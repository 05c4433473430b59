//! One run of the command: options, cancel watchers, the scan, the output,
//! and the exit status they make together.

use std::io::{self, Write};
use std::sync::Arc;

use crate::cancel::{self, Cancel};
use crate::cli::{self, Action};
use crate::config::{Config, Mode};
use crate::exit::ExitStatus;
use crate::message;
use crate::output::write_du;
use crate::progress::{Progress, group_digits};
use crate::stdio_state;

/// Runs `cdu` with the process's arguments and environment.
pub fn main() -> ExitStatus {
    let mut args = std::env::args_os();
    message::set_program(args.next());
    let args: Vec<_> = args.collect();
    let status = match cli::parse(args, &cli::Env::from_process()) {
        Action::Print(text) => {
            let mut out = stdio_state::stdout();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitStatus::Success,
                Err(e) => write_failed(&e, true),
            }
        }
        Action::Fail => ExitStatus::Failure,
        Action::Run(config) => run(&config),
        Action::BenchModes { dir, threads } => {
            let mut out = io::stdout().lock();
            let runs = crate::bench_modes::DEFAULT_RUNS;
            match crate::bench_modes::bench_modes(&dir, runs, &threads, &mut out) {
                Ok(()) => ExitStatus::Success,
                Err(e) => {
                    message::error(&[e.to_string().as_bytes()]);
                    ExitStatus::Failure
                }
            }
        }
    };
    if message::diagnostic_lost() {
        return status.merge(ExitStatus::Failure);
    }
    status
}

/// How to stop a scan, shown on the live progress line.
const HINT_KEYS: &str = "press any key or Ctrl-C to stop";
const HINT_SIGNALS: &str = "Ctrl-C to stop";

/// Scans and prints as `config` says.
pub fn run(config: &Config) -> ExitStatus {
    let cancel = Arc::new(Cancel::new());
    // Only the cancellable mode watches; the others end the default way.
    let watcher =
        (config.mode == Mode::Cancellable).then(|| cancel::watch(&cancel, config.keys_cancel));
    let report = if config.progress() {
        let hint = watcher
            .as_ref()
            .map(|w| if w.keys() { HINT_KEYS } else { HINT_SIGNALS });
        let mut progress = Progress::new(config.tick, hint);
        let every = progress.every();
        let report =
            crate::scan_with_progress(config, &cancel, every, &mut |tick| progress.show(tick));
        // The live line goes before any result is printed.
        progress.finish();
        report
    } else {
        crate::scan(config, &cancel)
    };
    // Keys are no longer read and the terminal is as it was; from here a
    // signal ends the process at once.
    drop(watcher);
    let out = io::BufWriter::with_capacity(64 * 1024, stdio_state::stdout());
    let mut status = match write_du(&report, config, out, stdio_state::stderr()) {
        Ok(written) if written.errors => ExitStatus::Failure,
        Ok(_) => ExitStatus::Success,
        Err(e) => write_failed(&e, false),
    };
    if report.cancelled {
        // Every size printed is a lower bound: a directory whose walk did
        // not finish, and all above it, miss what was not read.
        message::error(&[format!(
            "cancelled after {} entries; sizes are partial",
            group_digits(report.entries)
        )
        .as_bytes()]);
        status = status.merge(ExitStatus::Interrupted);
    }
    status
}

/// Reports a failed write to stdout. du names the reason only when the
/// failure shows as stdout is closed at exit: its report is flushed line by
/// line, so a failure there shows at a line and is reported bare, while
/// `--help` and `--version` are still buffered at exit (`at_exit`); a
/// descriptor that was closed all along fails at exit too (EBADF). A
/// reader that went away is one of these only when SIGPIPE was ignored or
/// blocked at start; otherwise the write never returned (see
/// [`stdio_state::stdout`]).
fn write_failed(e: &io::Error, at_exit: bool) -> ExitStatus {
    match e.raw_os_error() {
        Some(errno) if at_exit || errno == libc::EBADF => {
            message::error(&[b"write error: ", message::strerror(errno).as_bytes()]);
        }
        _ => message::error(&[b"write error"]),
    }
    ExitStatus::Failure
}
