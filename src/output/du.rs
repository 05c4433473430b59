//! du's own format: `SIZE<TAB>PATH` lines in post-order, in the order the
//! stream hands them on (GNU du's traversal order), each diagnostic where
//! du prints it, and the grand total of `-c` at the end.

use std::io::{self, Write};

use super::diagnostic::report_error;
use crate::batch::{ErrorKind, Usage};
use crate::config::Config;
use crate::message::write_error;
use crate::size::format_size;
use crate::stream::{Event, Sink};

/// Writes du's lines to `out` and its diagnostics to `err`.
pub struct DuWriter<'c, W: Write, E: Write> {
    config: &'c Config,
    out: W,
    err: E,
    line: Vec<u8>,
    /// A diagnostic was printed: the exit status is 1.
    errors: bool,
    /// The operands' sum, for `-c`.
    total: Usage,
    /// The local time zone, looked up at the first `--time` line.
    zone: Option<jiff::tz::TimeZone>,
}

impl<'c, W: Write, E: Write> DuWriter<'c, W, E> {
    pub fn new(config: &'c Config, out: W, err: E) -> Self {
        DuWriter {
            config,
            out,
            err,
            line: Vec::with_capacity(256),
            errors: false,
            total: Usage::default(),
            zone: None,
        }
    }

    /// Whether a diagnostic was printed.
    pub fn had_errors(&self) -> bool {
        self.errors
    }

    /// Writes the grand total if `-c` asked for it, and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.config.total {
            self.line.clear();
            let total = self.total;
            format_size(self.value(total), &self.config.format, &mut self.line);
            self.push_time(total.time);
            self.line.extend_from_slice(b"\ttotal");
            self.line.push(if self.config.null { 0 } else { b'\n' });
            self.out.write_all(&self.line)?;
        }
        self.out.flush()
    }

    /// Writes any buffered lines.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn value(&self, usage: Usage) -> u64 {
        if self.config.inodes {
            usage.inodes
        } else {
            usage.bytes
        }
    }

    fn print(&mut self, usage: Usage, path: &[u8], depth: usize) -> io::Result<()> {
        let config = self.config;
        let value = self.value(usage);
        let shown = if config.threshold < 0 {
            value <= config.threshold.unsigned_abs()
        } else {
            value >= config.threshold as u64
        };
        if !(shown && (depth == 0 || depth as i64 <= config.max_depth)) {
            return Ok(());
        }
        self.line.clear();
        format_size(value, &config.format, &mut self.line);
        self.push_time(usage.time);
        self.line.push(b'\t');
        self.line.extend_from_slice(path);
        self.line.push(if config.null { 0 } else { b'\n' });
        self.out.write_all(&self.line)
    }

    /// `--time`: a tab and the time in the chosen style, in the local time
    /// zone; the seconds since the epoch if it cannot be formatted.
    fn push_time(&mut self, time: i128) {
        if self.config.time.is_none() {
            return;
        }
        self.line.push(b'\t');
        let zone = self.zone.get_or_insert_with(jiff::tz::TimeZone::system);
        let formatted = jiff::Timestamp::from_nanosecond(time)
            .ok()
            .map(|t| t.to_zoned_datetime(zone.clone()))
            .and_then(|z| jiff::fmt::strtime::format(self.config.time_format.as_bytes(), &z).ok());
        match formatted {
            Some(text) => self.line.extend_from_slice(text.as_bytes()),
            None => self
                .line
                .extend_from_slice(time.div_euclid(1_000_000_000).to_string().as_bytes()),
        }
    }

    fn diagnose(&mut self, parts: &[&[u8]]) {
        // Errors go out after the lines before them, as du's would.
        let _ = self.out.flush();
        write_error(&mut self.err, parts);
        self.errors = true;
    }

    fn error(&mut self, kind: ErrorKind, path: &[u8], errno: i32) {
        let _ = self.out.flush();
        report_error(&mut self.err, kind, path, errno, self.config.locale);
        self.errors = true;
    }
}

impl<W: Write, E: Write> Sink for DuWriter<'_, W, E> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::Invalid { message } => self.diagnose(&[message]),
            Event::Error { path, kind, errno } => self.error(kind, path, errno),
            Event::File {
                path, depth, usage, ..
            } => {
                if depth == 0 {
                    self.total.add(usage);
                }
                self.print(usage, path, depth)?;
            }
            Event::DirStart { .. } | Event::Skipped { .. } => {}
            Event::DirEnd {
                path,
                depth,
                total,
                separate,
            } => {
                if depth == 0 {
                    self.total.add(total);
                }
                let shown = if self.config.separate_dirs {
                    separate
                } else {
                    total
                };
                self.print(shown, path, depth)?;
            }
        }
        Ok(())
    }
}

/// Scans as `config` says and writes du's output: a convenience for tests
/// and benchmarks. Returns the scan's summary and whether a diagnostic was
/// printed.
pub fn scan_du(
    config: &Config,
    cancel: &crate::Cancel,
    out: impl Write,
    err: impl Write,
) -> io::Result<(crate::Summary, bool)> {
    let mut writer = DuWriter::new(config, out, err);
    let summary = crate::scan(config, cancel, &mut writer);
    if let Some(e) = summary.error {
        return Err(e);
    }
    writer.finish()?;
    let errors = writer.had_errors();
    Ok((summary, errors))
}
