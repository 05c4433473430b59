//! The operands of a run as a stream: those of the command line, or the
//! names of a `--files0-from` list, read only as the walk asks for them, so
//! the first names are walked at once and a list without end costs constant
//! memory. Each bad name, and a list that cannot be read, becomes an
//! [`Operand::Invalid`] with GNU du's message, at its place in the order.
//!
//! A list can be a FIFO or a pipe that takes its time. While cdu waits for
//! the next name, a cancel (SIGTERM, Ctrl-C) ends the list at once: the
//! read waits in poll(2) beside the run's cancel, never in a read that
//! only the writer could end.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;

use rustix::event::{PollFd, PollFlags};
use rustix::io::Errno;

use crate::cancel::Cancel;
use crate::config::{Config, Operand};
use crate::quote::{Locale, quote_always, quote_if_needed};

/// The operands of `config`, in order. A `--files0-from` list that waits
/// for its next name ends when `cancel` (if any) is cancelled.
pub fn operands<'c>(config: &'c Config, cancel: Option<&'c Cancel>) -> Operands<'c> {
    match &config.files0_from {
        Some(from) => Operands::Files0(Files0 {
            from: from.clone(),
            reader: None,
            locale: config.locale,
            count: 0,
            name: Vec::new(),
            cancel,
        }),
        None => Operands::List(config.operands.iter()),
    }
}

pub enum Operands<'c> {
    List(std::slice::Iter<'c, Operand>),
    Files0(Files0<'c>),
    /// The list could not be read on: nothing more comes.
    Done,
}

/// A `--files0-from` list being read.
pub struct Files0<'c> {
    from: OsString,
    reader: Option<Box<dyn BufRead + Send + 'c>>,
    locale: Locale,
    /// Names read so far, for the position in a message.
    count: usize,
    name: Vec<u8>,
    /// The run's cancel, which ends a wait for the next name.
    cancel: Option<&'c Cancel>,
}

impl<'c> Files0<'c> {
    fn reads_stdin(&self) -> bool {
        self.from == "-"
    }

    fn open(&self) -> Result<Box<dyn BufRead + Send + 'c>, Vec<u8>> {
        let cancel = self.cancel;
        if self.reads_stdin() {
            return Ok(Box::new(BufReader::new(UntilCancelled {
                inner: StdinReader,
                cancel,
            })));
        }
        match std::fs::File::open(&self.from) {
            Ok(file) => Ok(Box::new(BufReader::new(UntilCancelled {
                inner: file,
                cancel,
            }))),
            Err(e) => Err([
                b"cannot open ".as_slice(),
                &quote_always(self.from.as_bytes(), self.locale),
                b" for reading: ",
                crate::message::strerror(e.raw_os_error().unwrap_or(0)).as_bytes(),
            ]
            .concat()),
        }
    }

    /// The next name, diagnosed as du would; None at the end of the list.
    /// An error ends the list with its message.
    fn next(&mut self) -> Option<Result<Operand, Operand>> {
        if self.reader.is_none() {
            match self.open() {
                Ok(reader) => self.reader = Some(reader),
                Err(message) => return Some(Err(Operand::Invalid(message))),
            }
        }
        let reader = self.reader.as_mut().expect("opened above");
        self.name.clear();
        match reader.read_until(0, &mut self.name) {
            // A final NUL ends the last name rather than starting an
            // empty one.
            Ok(0) => None,
            Ok(_) => {
                if self.name.last() == Some(&0) {
                    self.name.pop();
                }
                self.count += 1;
                Some(Ok(self.classify()))
            }
            // Cancelled while waiting for a name: the list ends here, and
            // what was read of the name is no name.
            Err(e)
                if e.kind() == io::ErrorKind::Other
                    && self.cancel.is_some_and(Cancel::is_cancelled) =>
            {
                None
            }
            Err(e) => Some(Err(Operand::Invalid(
                [
                    &quote_if_needed(self.from.as_bytes(), self.locale)[..],
                    b": read error: ",
                    crate::message::strerror(e.raw_os_error().unwrap_or(0)).as_bytes(),
                ]
                .concat(),
            ))),
        }
    }

    fn classify(&self) -> Operand {
        let name = &self.name[..];
        if self.reads_stdin() && name == b"-" {
            Operand::Invalid(
                [
                    b"when reading file names from stdin, no file name of ".as_slice(),
                    &quote_always(name, self.locale),
                    b" allowed",
                ]
                .concat(),
            )
        } else if name.is_empty() {
            Operand::Invalid(
                [
                    &quote_if_needed(self.from.as_bytes(), self.locale)[..],
                    format!(":{}: invalid zero-length file name", self.count).as_bytes(),
                ]
                .concat(),
            )
        } else {
            Operand::Path(name.to_vec())
        }
    }
}

/// Standard input, read through the check for a descriptor closed at
/// start (see `crate::stdio`), without holding std's lock between reads.
struct StdinReader;

impl Read for StdinReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        crate::stdio::stdin().read(buf)
    }
}

impl AsFd for StdinReader {
    fn as_fd(&self) -> BorrowedFd<'_> {
        rustix::stdio::stdin()
    }
}

/// A reader whose every read first waits, in poll(2), for input or for
/// the run's cancel, which fails the read. Without a cancel to wait for
/// (a mode that signals end the default way) it is `inner` as it is.
struct UntilCancelled<'c, R> {
    inner: R,
    cancel: Option<&'c Cancel>,
}

fn cancelled() -> io::Error {
    io::Error::other("cancelled")
}

impl<R: Read + AsFd> Read for UntilCancelled<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(cancel) = self.cancel {
            let wake = cancel.wake_fd()?;
            loop {
                if cancel.is_cancelled() {
                    return Err(cancelled());
                }
                let mut fds = [
                    PollFd::new(&self.inner, PollFlags::IN),
                    PollFd::new(&wake, PollFlags::IN),
                ];
                match rustix::event::poll(&mut fds, None) {
                    Ok(_) | Err(Errno::INTR) => {}
                    Err(e) => return Err(e.into()),
                }
                if !fds[1].revents().is_empty() {
                    return Err(cancelled());
                }
                // Data, an end or an error: the read says which.
                if !fds[0].revents().is_empty() {
                    break;
                }
            }
        }
        self.inner.read(buf)
    }
}

impl Iterator for Operands<'_> {
    type Item = Operand;

    fn next(&mut self) -> Option<Operand> {
        match self {
            Operands::List(list) => list.next().cloned(),
            Operands::Files0(files0) => match files0.next() {
                Some(Ok(operand)) => Some(operand),
                Some(Err(message)) => {
                    *self = Operands::Done;
                    Some(message)
                }
                None => {
                    *self = Operands::Done;
                    None
                }
            },
            Operands::Done => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[u8]) -> Vec<Operand> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list");
        std::fs::write(&path, list).unwrap();
        let mut builder = Config::builder();
        builder.options().files0_from = Some(path.into_os_string());
        operands(&builder.build(), None).collect()
    }

    #[test]
    fn names_end_with_nul_and_the_last_may_lack_it() {
        assert_eq!(
            names(b"a\0b c\0d"),
            [
                Operand::Path(b"a".to_vec()),
                Operand::Path(b"b c".to_vec()),
                Operand::Path(b"d".to_vec())
            ]
        );
        assert_eq!(names(b"a\0"), [Operand::Path(b"a".to_vec())]);
        assert!(names(b"").is_empty());
    }

    #[test]
    fn an_empty_name_is_diagnosed_with_its_position() {
        let got = names(b"a\0\0b\0");
        assert_eq!(got.len(), 3);
        match &got[1] {
            Operand::Invalid(m) => {
                assert!(m.ends_with(b":2: invalid zero-length file name"), "{m:?}")
            }
            other => panic!("{other:?}"),
        }
    }
}
