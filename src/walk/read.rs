//! Reading a directory: the getdents64 buffer each worker reuses, the
//! reading's outcome (an entry came, an error ended it) and what one
//! reader gathers as it goes.

use std::ffi::CStr;
use std::mem::MaybeUninit;

use rustix::fd::BorrowedFd;
use rustix::fs::RawDir;
use rustix::io::Errno;

use super::classify::EntryScratch;
use super::live::{Live, PUBLISH_EVERY};
use super::order::{Chunk, SubDir};
use super::stat::errno_of;
use crate::cancel::Cancel;
use crate::stream::batch::{Batch, ErrorKind};

/// Size of each worker's getdents64 buffer: large enough that a directory
/// of a thousand entries takes one call (and a second that says it is
/// done), small enough that many threads cost little memory.
const DIRENT_BUFFER: usize = 32 * 1024;

/// A worker's getdents64 buffer.
pub(crate) fn dirent_buffer() -> Vec<MaybeUninit<u8>> {
    vec![MaybeUninit::uninit(); DIRENT_BUFFER]
}

/// What a directory read by one worker gathers.
pub(super) struct Gather {
    pub batch: Batch,
    pub subdirs: Vec<SubDir>,
    pub scratch: EntryScratch,
    /// fts's chunk being read, for its sort.
    pub chunk: Chunk,
}

/// The reading of a directory: whether a name other than `.` and `..`
/// came, and the error that ended it.
#[derive(Default)]
pub(super) struct Reading {
    pub any: bool,
    pub error: Option<Errno>,
}

impl Reading {
    /// The next entry of `raw`; None at the end or on an error, kept.
    pub fn next<'r>(
        &mut self,
        raw: &'r mut RawDir<'_, BorrowedFd<'_>>,
    ) -> Option<rustix::fs::RawDirEntry<'r>> {
        match raw.next()? {
            Ok(entry) => Some(entry),
            Err(Errno::NOENT) => None,
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// Counts entry `name` into `batch`; false (and the batch incomplete)
    /// when the run is cancelled, None for `.` and `..`, which are passed
    /// over. Every [`PUBLISH_EVERY`] entries go to `live`.
    pub fn count(
        &mut self,
        name: &CStr,
        batch: &mut Batch,
        cancel: &Cancel,
        live: Option<&Live>,
    ) -> Option<bool> {
        let name = name.to_bytes();
        if name == b"." || name == b".." {
            return None;
        }
        self.any = true;
        if cancel.is_cancelled() {
            batch.incomplete = true;
            return Some(false);
        }
        batch.entries += 1;
        if batch.entries.is_multiple_of(PUBLISH_EVERY)
            && let Some(live) = live
        {
            live.add_entries(PUBLISH_EVERY);
        }
        Some(true)
    }

    /// Puts the error that ended the reading, if any, in `batch`: the
    /// directory could not be read at all, or only in part.
    pub fn record_error(&self, batch: &mut Batch) {
        if let Some(e) = self.error {
            let kind = if self.any {
                ErrorKind::ReadPartial
            } else {
                ErrorKind::ReadDir
            };
            batch.dir_error = Some((kind, errno_of(e)));
        }
    }
}
