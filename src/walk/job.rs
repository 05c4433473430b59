//! A job of the walk: a directory to read, or a part of a wide one to
//! stat, with its place in GNU du's traversal order.

use std::sync::Arc;

use super::descriptors::DirHandle;
use super::parts::Part;
use crate::path::join_path;
use crate::stream::backlog::Backlog;
use crate::stream::batch::NodeId;

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

    /// The path of a directory as du prints it, for `--exclude`.
    pub(super) fn printed_path(&self) -> Vec<u8> {
        let mut names: Vec<&[u8]> = vec![&self.name];
        let mut parent = self.parent.as_deref();
        while let Some(p) = parent {
            names.push(&p.name);
            parent = p.parent.as_deref();
        }
        let mut path = names.pop().map(<[u8]>::to_vec).unwrap_or_default();
        while let Some(name) = names.pop() {
            join_path(&mut path, name);
        }
        path
    }

    /// Whether (dev, ino) is this directory or one of its ancestors.
    pub(super) fn is_ancestor(&self, dev: u64, ino: u64) -> bool {
        if (self.dev, self.ino) == (dev, ino) {
            return true;
        }
        let mut parent = self.parent.as_deref();
        while let Some(p) = parent {
            if (p.dev, p.ino) == (dev, ino) {
                return true;
            }
            parent = p.parent.as_deref();
        }
        false
    }

    /// Whether the ordered output waits for the directory it reads.
    pub(crate) fn awaited_by(&self, backlog: &Backlog) -> bool {
        !self.is_part() && backlog.awaited() == self.node
    }

    /// Whether it must wait: the output is too far behind, and the job
    /// neither reads the directory the output waits for, nor (unless the
    /// output is very far behind) one below the directory it is in, nor
    /// stats a part of a directory being read (which adds nothing to what
    /// waits). What is below the output's directory is printed before
    /// anything that waits beyond it, so taking it does not run ahead.
    /// Once the scan is `cancelled` nothing waits.
    pub(crate) fn held_back_by(&self, backlog: &Backlog, cancelled: bool) -> bool {
        if self.is_part() || !backlog.over() || cancelled || self.awaited_by(backlog) {
            return false;
        }
        match backlog.within() {
            Some(dir) if !backlog.far_over() => !self.is_below(dir),
            _ => true,
        }
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
