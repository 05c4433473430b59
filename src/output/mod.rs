//! Sinks of the stream. Formatting is pure: a sink writes to any `Write`
//! and computes nothing that the events do not already hold.

mod around_bar;
mod diagnostic;
mod du;
mod largest;
mod top;
mod tree;
mod tree_layout;
mod tree_rows;

use std::io;

pub use around_bar::AroundBar;
pub use diagnostic::report_error;
pub use du::{DuWriter, scan_du};
pub use top::TopView;
pub use tree::{Screen, TreeView};

use crate::stream::Sink;

/// A sink that prints a whole run: what it writes once the scan is over,
/// and whether it reported a diagnostic.
pub trait Report: Sink {
    /// The scan is over (`cancelled`: stopped early); writes what is left.
    fn end(&mut self, cancelled: bool) -> io::Result<()>;
    fn had_errors(&self) -> bool;
}

impl<W: io::Write, E: io::Write> Report for DuWriter<'_, W, E> {
    fn end(&mut self, _cancelled: bool) -> io::Result<()> {
        self.finish()
    }

    fn had_errors(&self) -> bool {
        DuWriter::had_errors(self)
    }
}
