//! `--top=N`: the N largest files under the operands, biggest first, as
//! the lines du -a prints for them (with `--time`, its time column; with
//! `-c`, its total of the operands last). Only N files are kept at any
//! time; of files of one size, those met first in du's traversal order are
//! kept (so the walk can leave out any file not larger than the smallest
//! kept), and lines of one size are printed by path. `-t` leaves out the
//! files du -a would not print; `-S` changes no file's size.

use std::io::{self, Write};

use super::Report;
use super::du::{DuWriter, within_threshold};
use super::largest::Largest;
use crate::config::Config;
use crate::stream::{Event, Sink, SizeFloor};

/// A file in the running: greater is larger, then met earlier.
#[derive(PartialEq, Eq)]
struct Candidate {
    value: u64,
    seq: u64,
    time: i128,
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
    /// du's lines and diagnostics, as `cdu -a` writes them.
    lines: DuWriter<'c, W, E>,
    largest: Largest<Candidate>,
    /// Files met so far.
    seq: u64,
    /// Below the smallest file kept: the walk need not name smaller ones.
    floor: SizeFloor,
}

impl<'c, W: Write, E: Write> TopView<'c, W, E> {
    pub fn new(config: &'c Config, n: usize, out: W, err: E) -> Self {
        // No file below the threshold is listed, so none need be named.
        let floor = SizeFloor::default();
        floor.raise(config.threshold.max(0) as u64);
        TopView {
            floor,
            config,
            lines: DuWriter::new(config, out, err),
            largest: Largest::new(n),
            seq: 0,
        }
    }
}

impl<W: Write, E: Write> Sink for TopView<'_, W, E> {
    fn size_floor(&self) -> Option<&SizeFloor> {
        Some(&self.floor)
    }

    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            // In du's words, as du writes them.
            Event::Invalid { .. } | Event::Error { .. } => self.lines.event(event)?,
            Event::DirEnd {
                depth: 0, total, ..
            } => self.lines.add_to_total(total),
            Event::File {
                path, depth, usage, ..
            } => {
                if depth == 0 {
                    self.lines.add_to_total(usage);
                }
                if depth as i64 > self.config.max_depth && depth > 0 {
                    return Ok(());
                }
                let value = self.config.value(usage);
                if !within_threshold(self.config, value) {
                    return Ok(());
                }
                let seq = self.seq;
                self.seq += 1;
                // Equal to the smallest kept is not enough: it came later.
                if self.largest.would_keep(|smallest| value > smallest.value) {
                    self.largest.push(Candidate {
                        value,
                        seq,
                        time: usage.time,
                        path: path.into(),
                    });
                    // The walk need not name files smaller than every one
                    // kept.
                    if let Some(smallest) = self.largest.floor() {
                        self.floor.raise(smallest.value.saturating_add(1));
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
        let largest = std::mem::replace(&mut self.largest, Largest::new(0));
        let mut files = largest.into_sorted();
        files.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.path.cmp(&b.path)));
        for file in files {
            self.lines
                .print_line(file.value, file.time, b"", &file.path)?;
        }
        // -c's line, then everything out before the warning.
        self.lines.finish()?;
        if summary.cancelled {
            self.lines
                .warn(&[b"the scan was stopped before the end: larger files may be missing"]);
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn had_errors(&self) -> bool {
        self.lines.had_errors()
    }
}
