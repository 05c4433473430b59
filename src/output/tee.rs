//! Two sinks fed the same stream: du's lines (or JSON) on stdout while an
//! export is written to a file.

use std::io;

use crate::stream::{Event, Sink};

pub struct Tee<'a, 'b> {
    pub first: &'a mut dyn Sink,
    pub second: &'b mut dyn Sink,
}

impl Sink for Tee<'_, '_> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        self.first.event(event)?;
        self.second.event(event)
    }

    fn hands_on_repeat(&self, path: &[u8]) -> bool {
        self.first.hands_on_repeat(path) || self.second.hands_on_repeat(path)
    }
}
