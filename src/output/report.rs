//! What prints a run's results, du's lines or JSON lines, as one trait:
//! the end of a run (the total, the summary) and its diagnostics differ
//! between the two, the events do not.

use std::io::{self, Write};

use crate::Summary;
use crate::output::{DuWriter, JsonWriter};
use crate::stream::{Event, Sink};

/// What prints a run's results: du's lines or JSON lines.
pub trait Report: Sink {
    /// Writes what comes at the end (`-c`'s total, the JSON summary) and
    /// flushes.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
    /// Writes what is buffered, when the run ends early.
    fn flush(&mut self) -> io::Result<()>;
    /// Whether a diagnostic was printed.
    fn had_errors(&self) -> bool;
}

impl<W: Write, E: Write> Report for DuWriter<'_, W, E> {
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        DuWriter::finish(self)
    }
    fn flush(&mut self) -> io::Result<()> {
        DuWriter::flush(self)
    }
    fn had_errors(&self) -> bool {
        DuWriter::had_errors(self)
    }
}

impl<W: Write, E: Write> Report for JsonWriter<'_, W, E> {
    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        JsonWriter::finish(self, summary.counts.entries, summary.cancelled)
    }
    fn flush(&mut self) -> io::Result<()> {
        JsonWriter::flush(self)
    }
    fn had_errors(&self) -> bool {
        JsonWriter::had_errors(self)
    }
}

/// A report written out at the end of each operand, as GNU du writes out
/// each line: an operand's results reach a pipe as soon as they are known,
/// and are not lost when the run is killed later (say while it waits for
/// the next name of a `--files0-from` list).
pub struct FlushEachOperand<'r> {
    pub report: &'r mut dyn Report,
}

impl Sink for FlushEachOperand<'_> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        self.report.event(event)?;
        match event {
            Event::DirEnd { depth: 0, .. } | Event::File { depth: 0, .. } => self.report.flush(),
            _ => Ok(()),
        }
    }

    fn size_floor(&self) -> Option<&crate::stream::SizeFloor> {
        self.report.size_floor()
    }
}
