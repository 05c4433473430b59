//! Progress on stderr while a walk runs: never on stdout.

use std::io::Write;
use std::time::Duration;

use crate::report::Report;

/// One plain progress line: elapsed time, entries and directories scanned,
/// and the size counted so far.
pub fn plain_line(report: &Report, elapsed: Duration) -> String {
    format!(
        "cdu: {:.1}s {} entries {} dirs {}\n",
        elapsed.as_secs_f64(),
        report.entries,
        report.dirs,
        humansize::format_size(report.bytes, humansize::BINARY)
    )
}

/// Writes the progress line to stderr.
pub fn print_plain(report: &Report, elapsed: Duration) {
    let _ = std::io::stderr().write_all(plain_line(report, elapsed).as_bytes());
}
