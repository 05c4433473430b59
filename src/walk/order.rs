//! GNU du's order within a directory: the order getdents64 returns the
//! entries in, except that gnulib's fts reads a directory in chunks of at
//! most 100,000 entries and sorts a chunk of more than 10,000 by inode
//! number, unless the file system is one where that is known not to pay
//! (`fts_build` and `dirent_inode_sort_may_be_useful` in gnulib's
//! `lib/fts.c`, as coreutils 9.7 pins it: tmpfs, NFS and CIFS). fts asks
//! the file system only in its descriptor-relative mode, which a logical
//! walk (`-L`) turns off: then every large chunk is sorted.

use rustix::fd::OwnedFd;

use crate::stream::batch::Batch;

/// Entries fts reads from a directory at a time (FTS_MAX_READDIR_ENTRIES).
pub const CHUNK: usize = 100_000;

/// A chunk of more entries than this is sorted by inode number
/// (FTS_INODE_SORT_DIR_ENTRIES_THRESHOLD).
pub const SORT_ABOVE: usize = 10_000;

/// The chunk being read: how many entries it has had (every name but `.`
/// and `..`, counted or not) and the inode of each item it added.
#[derive(Default)]
pub struct Chunk {
    pub seen: usize,
    pub inos: Vec<u64>,
    /// The first item of this chunk in the batch.
    start: usize,
    /// Whether this directory's file system sorts, once asked.
    sorts: Option<bool>,
}

impl Chunk {
    /// A chunk of a directory read with `-L` (`logical`) or without.
    pub fn new(logical: bool) -> Self {
        Chunk {
            sorts: logical.then_some(true),
            ..Chunk::default()
        }
    }

    /// Whether fts sorts a chunk of `len` entries of this directory by
    /// inode (the file system is asked once).
    pub fn sorts(&mut self, len: usize, fd: &OwnedFd) -> bool {
        len > SORT_ABOVE && *self.sorts.get_or_insert_with(|| sort_pays(fd))
    }

    /// Ends the chunk: sorts its items by inode if fts would, and starts
    /// the next. `subdirs` follows the items it names.
    pub fn end(&mut self, fd: &OwnedFd, batch: &mut Batch, subdirs: &mut [SubDir]) {
        if !self.inos.is_empty() && self.sorts(self.seen, fd) {
            sort_items(batch, self.start, &self.inos, subdirs);
        }
        self.seen = 0;
        self.inos.clear();
        self.start = batch.items.len();
    }
}

/// Puts the items of `batch` from `from` on in fts's order, by the inode
/// of each (`inos`, one per item, in read order), stably; `subdirs`
/// follows the items it names.
pub fn sort_items(batch: &mut Batch, from: usize, inos: &[u64], subdirs: &mut [SubDir]) {
    let moved = batch.items.sort_tail_by_key(from, inos);
    for sub in subdirs.iter_mut().filter(|s| s.item as usize >= from) {
        sub.item = moved[sub.item as usize - from];
    }
    subdirs.sort_by_key(|s| s.item);
}

/// Whether fts sorts a large directory of this file system by inode.
fn sort_pays(fd: &OwnedFd) -> bool {
    match rustix::fs::fstatfs(fd) {
        #[allow(clippy::unnecessary_cast)]
        Ok(fs) => super::fs_kind::sorts_large_dirs(fs.f_type as i64),
        // fts sorts when it cannot tell.
        Err(_) => true,
    }
}

/// A subdirectory met: its item in the batch, its (device, inode), and
/// the symlinks followed on the way to it (`-L`).
#[derive(Clone, Copy)]
pub(crate) struct SubDir {
    pub item: u32,
    pub dev: u64,
    pub ino: u64,
    pub links: u32,
}
