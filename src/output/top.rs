//! `--top=N`: the N largest files under the operands, biggest first, as
//! the lines du -a prints for them. Only N files are kept at any time; of
//! files of one size, those met first in du's traversal order are kept
//! (so the walk can leave out any file not larger than the smallest kept),
//! and lines of one size are printed by path.

use std::io::{self, Write};
use std::sync::atomic::Ordering;

use super::Report;
use super::diagnostic::report_error;
use super::largest::Largest;
use crate::config::Config;
use crate::message::write_error;
use crate::size::format_size;
use crate::stream::{Event, Sink};

/// A file in the running: greater is larger, then met earlier.
#[derive(PartialEq, Eq)]
struct Candidate {
    value: u64,
    seq: u64,
    path: Box<[u8]>,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value
            .cmp(&other.value)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

pub struct TopView<'c, W: Write, E: Write> {
    config: &'c Config,
    out: W,
    err: E,
    largest: Largest<Candidate>,
    /// Files met so far.
    seq: u64,
    errors: bool,
}

impl<'c, W: Write, E: Write> TopView<'c, W, E> {
    pub fn new(config: &'c Config, n: usize, out: W, err: E) -> Self {
        TopView {
            config,
            out,
            err,
            largest: Largest::new(n),
            seq: 0,
            errors: false,
        }
    }
}

impl<W: Write, E: Write> Sink for TopView<'_, W, E> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::Invalid { message } => {
                self.errors = true;
                write_error(&mut self.err, &[message]);
            }
            Event::Error { path, kind, errno } => {
                self.errors = true;
                report_error(&mut self.err, kind, path, errno, self.config.locale);
            }
            Event::File {
                path, depth, usage, ..
            } => {
                if depth as i64 > self.config.max_depth && depth > 0 {
                    return Ok(());
                }
                let value = if self.config.inodes {
                    usage.inodes
                } else {
                    usage.bytes
                };
                let seq = self.seq;
                self.seq += 1;
                // Equal to the smallest kept is not enough: it came later.
                if self.largest.would_keep(|smallest| value > smallest.value) {
                    self.largest.push(Candidate {
                        value,
                        seq,
                        path: path.into(),
                    });
                    // The walk need not name files smaller than every one
                    // kept.
                    if let Some(smallest) = self.largest.floor() {
                        self.config
                            .list_floor
                            .fetch_max(smallest.value.saturating_add(1), Ordering::Relaxed);
                    }
                }
            }
            Event::DirStart { .. } | Event::DirEnd { .. } | Event::Skipped { .. } => {}
        }
        Ok(())
    }
}

impl<W: Write, E: Write> Report for TopView<'_, W, E> {
    fn finish(&mut self, summary: &crate::Summary) -> io::Result<()> {
        let cancelled = summary.cancelled;
        let largest = std::mem::replace(&mut self.largest, Largest::new(0));
        let mut line = Vec::with_capacity(256);
        let mut files = largest.into_sorted();
        files.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.path.cmp(&b.path)));
        for file in files {
            line.clear();
            format_size(file.value, &self.config.format, &mut line);
            line.push(b'\t');
            line.extend_from_slice(&file.path);
            line.push(if self.config.null { 0 } else { b'\n' });
            self.out.write_all(&line)?;
        }
        self.out.flush()?;
        if cancelled {
            write_error(
                &mut self.err,
                &[b"the scan was stopped before the end: larger files may be missing"],
            );
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn had_errors(&self) -> bool {
        self.errors
    }
}
