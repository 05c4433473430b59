//! The descriptor budget: the directories kept open so that their
//! children open relative to them, and what is left for them under the
//! process's limit. A directory whose parent's descriptor was not kept is
//! reopened one name at a time from the nearest kept ancestor (see
//! `Walker::reopen`), so no path handed to the kernel is longer than a
//! name, however deep the tree.

use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rustix::fd::OwnedFd;

use super::cycles::Active;
use crate::stream::batch::NodeId;

/// Descriptors left for everything but directories (stdio, the pool's
/// internals, the progress display).
pub(super) const RESERVED_FDS: isize = 16;

/// A directory being walked, kept alive by the jobs of its subdirectories.
pub(super) struct DirHandle {
    /// Kept open for the children to be opened relative to it, if the
    /// budget allowed, and closed as soon as the last of them has opened
    /// its own directory: a chain of directories then holds a descriptor
    /// or two, not one per level.
    pub(super) fd: Mutex<Option<Arc<KeptFd>>>,
    /// Children that have not opened their directory yet.
    pub(super) unopened: AtomicUsize,
    pub(super) parent: Option<Arc<DirHandle>>,
    /// The name in the parent; for an operand, its path.
    pub(super) name: Box<[u8]>,
    pub(super) dev: u64,
    pub(super) ino: u64,
    /// Its place among its parent's subdirectories, and the chunk of
    /// this directory whose subdirectories hang from it, for the work
    /// order.
    pub(super) index: u32,
    pub(super) part: u32,
    /// The directory's node, for the hold-back's "below the directory
    /// the output is in".
    pub(super) node: NodeId,
    pub(super) active: Arc<Active>,
}

pub(super) struct KeptFd {
    pub(super) fd: OwnedFd,
    pub(super) budget: Arc<AtomicIsize>,
}

impl Drop for KeptFd {
    fn drop(&mut self) {
        self.budget.fetch_add(1, Ordering::Relaxed);
    }
}

impl DirHandle {
    /// A child has opened its directory (or failed to): the last one
    /// closes this directory's descriptor.
    pub(super) fn child_opened(&self) {
        if self.unopened.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.lock_fd().take();
        }
    }

    pub(super) fn lock_fd(&self) -> std::sync::MutexGuard<'_, Option<Arc<KeptFd>>> {
        self.fd
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kept descriptor, if it is still open. It is shared, not used
    /// under the lock: siblings open their directories from it at once,
    /// and an `openat` under the lock had the workers queue on it.
    pub(super) fn kept(&self) -> Option<Arc<KeptFd>> {
        self.lock_fd().clone()
    }

    /// A descriptor of its own for this directory, if it is still open.
    pub(super) fn dup_fd(&self) -> Option<OwnedFd> {
        self.kept().and_then(|k| rustix::io::dup(&k.fd).ok())
    }
}

impl Drop for DirHandle {
    fn drop(&mut self) {
        self.active.remove((self.dev, self.ino));
        // Unlink the chain of parents one at a time: letting each drop the
        // next would recurse as deep as the tree.
        let mut parent = self.parent.take();
        while let Some(p) = parent {
            match Arc::try_unwrap(p) {
                Ok(mut h) => parent = h.parent.take(),
                Err(_) => break,
            }
        }
    }
}

/// The soft limit on open descriptors.
pub(super) fn open_file_limit() -> isize {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    limit
        .current
        .map_or(1 << 20, |n| n.min(1 << 20) as isize)
        .max(4)
}
