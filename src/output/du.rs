//! du's own format: `SIZE<TAB>PATH` lines in post-order, in the order the
//! stream hands them on (GNU du's traversal order), each diagnostic where
//! du prints it, and the grand total of `-c` at the end.

use std::io::{self, Write};

use super::diagnostic::Diagnostics;
use super::moment::Moment;
use super::strftime;
use crate::config::Config;
use crate::model::Usage;
use crate::size::format_size;
use crate::stream::{Event, Sink};

/// Whether du prints an entry of this value at this depth (`-t`, `-d`).
pub fn shown(config: &Config, value: u64, depth: usize) -> bool {
    within_threshold(config, value) && (depth == 0 || depth as i64 <= config.max_depth)
}

/// Whether a value passes `-t`: at least SIZE, or at most -SIZE.
pub fn within_threshold(config: &Config, value: u64) -> bool {
    if config.threshold < 0 {
        value <= config.threshold.unsigned_abs()
    } else {
        value >= config.threshold as u64
    }
}

/// Whether du prints a file at this depth at all: operands always, the
/// rest with `-a` (the stream may hand on every file for other sinks).
pub fn file_listed(config: &Config, depth: usize) -> bool {
    depth == 0 || config.all
}

/// Writes du's lines to `out` and its diagnostics to `err`.
pub struct DuWriter<'c, W: Write, E: Write> {
    config: &'c Config,
    out: W,
    diag: Diagnostics<E>,
    line: Vec<u8>,
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
            diag: Diagnostics::new(err, config.locale),
            line: Vec::with_capacity(256),
            total: Usage::default(),
            zone: None,
        }
    }

    /// Whether a diagnostic was printed.
    pub fn had_errors(&self) -> bool {
        self.diag.count() > 0
    }

    /// Writes the grand total if `-c` asked for it, and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.config.total {
            let total = self.total;
            self.print_line(self.value(total), total.time, b"", b"total")?;
        }
        self.out.flush()
    }

    /// Counts an operand's usage into `-c`'s total.
    pub fn add_to_total(&mut self, usage: Usage) {
        self.total.add(usage);
    }

    /// A warning on stderr, after the lines written so far; not an error.
    pub fn warn(&mut self, parts: &[&[u8]]) {
        self.diag.warn(&mut self.out, parts);
    }

    /// Writes any buffered lines.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn value(&self, usage: Usage) -> u64 {
        self.config.value(usage)
    }

    fn print(&mut self, usage: Usage, path: &[u8], depth: usize) -> io::Result<()> {
        let value = self.value(usage);
        if !shown(self.config, value, depth) {
            return Ok(());
        }
        self.print_line(value, usage.time, b"", path)
    }

    /// Writes one line: `prefix`, `value` in the configured format, the
    /// time with `--time`, a tab and `path` (the diff's lines too).
    pub fn print_line(
        &mut self,
        value: u64,
        time: i128,
        prefix: &[u8],
        path: &[u8],
    ) -> io::Result<()> {
        self.line.clear();
        self.line.extend_from_slice(prefix);
        format_size(value, &self.config.format, &mut self.line);
        self.push_time(time)?;
        self.line.push(b'\t');
        self.line.extend_from_slice(path);
        self.line.push(if self.config.null { 0 } else { b'\n' });
        self.out.write_all(&self.line)
    }

    /// `--time`: a tab and the time in the chosen style, in the local time
    /// zone; the seconds since the epoch if it cannot be formatted.
    fn push_time(&mut self, time: i128) -> io::Result<()> {
        if self.config.time.is_none() {
            return Ok(());
        }
        self.line.push(b'\t');
        let zone = self.zone.get_or_insert_with(jiff::tz::TimeZone::system);
        let stamp = jiff::Timestamp::from_nanosecond(time).ok();
        let seconds = time.div_euclid(1_000_000_000).to_string();
        if stamp.is_none() {
            // du warns, prints the seconds, and still succeeds. Its
            // warning flushes what the line has so far first, as the C
            // library's error() does.
            let quoted = crate::quote::quote_always(seconds.as_bytes(), self.config.locale);
            self.out.write_all(&self.line)?;
            self.line.clear();
            self.out.flush()?;
            self.diag
                .warn(&mut self.out, &[b"time ", &quoted, b" is out of range"]);
        }
        match stamp {
            Some(t) => {
                let moment = Moment::new(&t.to_zoned_datetime(zone.clone()));
                strftime::format(&self.config.time_format, &moment, &mut self.line);
            }
            None => self.line.extend_from_slice(seconds.as_bytes()),
        }
        Ok(())
    }

    fn diagnose(&mut self, parts: &[&[u8]]) {
        self.diag.diagnose(&mut self.out, parts);
    }

    fn error(&mut self, kind: crate::model::ErrorKind, path: &[u8], errno: i32) {
        self.diag.error(&mut self.out, kind, path, errno);
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
                    self.add_to_total(usage);
                }
                if file_listed(self.config, depth) {
                    self.print(usage, path, depth)?;
                }
            }
            Event::DirStart { .. } | Event::Skipped { .. } => {}
            Event::DirEnd {
                path,
                depth,
                total,
                separate,
            } => {
                if depth == 0 {
                    self.add_to_total(total);
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
