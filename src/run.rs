//! One run of the command: options, cancel watchers, the scan, the output,
//! and the exit status they make together.

use std::io::{self, Write};

use crate::cancel::Cancel;
use crate::cli::{self, Action};
use crate::config::{Config, Mode};
use crate::exit::ExitStatus;
use crate::message;
use crate::output::write_du;

/// Runs `cdu` with the process's arguments and environment.
pub fn main() -> ExitStatus {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    match cli::parse(args, &cli::Env::from_process()) {
        Action::Print(text) => {
            let mut out = io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                message::error(&[b"write error"]);
                return ExitStatus::Failure;
            }
            ExitStatus::Success
        }
        Action::Fail => ExitStatus::Failure,
        Action::Run(config) => run(&config),
    }
}

/// Scans and prints as `config` says.
pub fn run(config: &Config) -> ExitStatus {
    let cancel = std::sync::Arc::new(Cancel::new());
    let _watcher = if config.mode == Mode::Cancellable {
        crate::cancel::watch(&cancel, config.keys_cancel)
    } else {
        None
    };
    let report = if config.progress() {
        crate::scan_with_progress(config, &cancel, &mut |r, t| {
            crate::progress::print_plain(r, t)
        })
    } else {
        crate::scan(config, &cancel)
    };
    let stdout = io::stdout().lock();
    let out = io::BufWriter::with_capacity(64 * 1024, stdout);
    let mut status = match write_du(&report, config, out, io::stderr().lock()) {
        Ok(written) if written.errors => ExitStatus::Failure,
        Ok(_) => ExitStatus::Success,
        // A reader that went away (`cdu | head`) is a normal end.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Success,
        Err(_) => {
            message::error(&[b"write error"]);
            ExitStatus::Failure
        }
    };
    if report.cancelled {
        message::error(&[format!(
            "cancelled after {} entries; sizes are partial",
            report.entries
        )
        .as_bytes()]);
        status = status.merge(ExitStatus::Interrupted);
    }
    status
}
