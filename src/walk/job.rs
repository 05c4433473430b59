//! A job of the walk: a directory to read, or a part of a wide one to
//! stat, with its place in GNU du's traversal order.

use std::sync::Arc;

use super::descriptors::DirHandle;
use super::wide::Part;
use crate::batch::NodeId;

/// A directory to read.
pub(crate) struct Job {
    pub(super) parent: Option<Arc<DirHandle>>,
    pub(super) name: Box<[u8]>,
    pub(super) node: NodeId,
    pub(super) dev: u64,
    pub(super) ino: u64,
    /// The device of the operand, for `-x`.
    pub(super) root_dev: u64,
    pub(super) depth: usize,
    /// Which operand it is under, and its place among its parent's
    /// subdirectories: with the parents' places, its position in GNU du's
    /// traversal order (see `queue`).
    pub(super) operand: usize,
    pub(super) index: u32,
    /// Symlinks followed from the operand down to it (`-L`).
    pub(super) links: u32,
    /// For a part of a wide directory: the names to stat, and as `part`
    /// the number of their chunk, which places the job after the chunks
    /// before (see `queue`). 0 and None for a directory to read.
    pub(super) part: u32,
    pub(super) work: Option<Arc<Part>>,
}

impl Job {
    /// Whether the directory it reads is below directory `node`.
    pub(crate) fn is_below(&self, node: NodeId) -> bool {
        let mut up = self.parent.as_deref();
        while let Some(dir) = up {
            if dir.node == node {
                return true;
            }
            up = dir.parent.as_deref();
        }
        false
    }

    /// Whether it stats a part of a directory rather than reading one.
    pub(crate) fn is_part(&self) -> bool {
        self.work.is_some()
    }

    /// A job that stats `work`, a part of this directory's chunk `part`.
    /// The worker that reads the directory may stat it first, and the
    /// job then does nothing.
    pub(super) fn part_job(&self, work: &Arc<Part>) -> Job {
        Job {
            parent: self.parent.clone(),
            name: self.name.clone(),
            part: work.chunk.chunk,
            work: Some(work.clone()),
            ..*self
        }
    }
}

/// A subdirectory met: its item in the batch, its (device, inode), and
/// the symlinks followed on the way to it (`-L`).
#[derive(Clone, Copy)]
pub(crate) struct SubDir {
    pub item: u32,
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) links: u32,
}
