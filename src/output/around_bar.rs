//! Writing to a terminal that shows the live progress line: the line is
//! taken away while text is written and drawn again after, so results and
//! diagnostics stream above it instead of through it.

use std::io::{self, Write};

use indicatif::ProgressBar;

/// How much output is gathered before it is written (as BufWriter would).
const BUFFER: usize = 64 * 1024;

/// A writer whose writes go around `bar` when there is one.
pub struct AroundBar<W: Write> {
    inner: W,
    bar: Option<ProgressBar>,
    buf: Vec<u8>,
    /// Gather writes until a flush or a full buffer (stdout), or pass each
    /// one on at once (stderr).
    buffered: bool,
}

impl<W: Write> AroundBar<W> {
    pub fn new(inner: W, bar: Option<ProgressBar>, buffered: bool) -> Self {
        AroundBar {
            inner,
            bar,
            buf: Vec::with_capacity(if buffered { BUFFER } else { 0 }),
            buffered,
        }
    }

    fn pass_on(&mut self, data: &[u8]) -> io::Result<()> {
        let inner = &mut self.inner;
        match &self.bar {
            Some(bar) => bar.suspend(|| inner.write_all(data).and_then(|()| inner.flush())),
            None => inner.write_all(data),
        }
    }

    fn write_buffer(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.buf);
        let result = self.pass_on(&buf);
        self.buf = buf;
        self.buf.clear();
        result
    }
}

impl<W: Write> Write for AroundBar<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if !self.buffered {
            self.pass_on(data)?;
            return Ok(data.len());
        }
        if self.buf.len() + data.len() > BUFFER {
            self.write_buffer()?;
        }
        if data.len() >= BUFFER {
            self.pass_on(data)?;
        } else {
            self.buf.extend_from_slice(data);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_buffer()?;
        self.inner.flush()
    }
}
