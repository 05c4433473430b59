//! Stating and classifying an entry: what it adds to its directory's
//! batch (summed, or an item where its place in the order matters: a
//! subdirectory, a file of several links, a file `-a` lists, an error),
//! by the options that decide it.

use std::ffi::CStr;
use std::sync::Arc;

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{FileType, Stat};

use super::cycles::Active;
use super::job::Job;
use super::order::SubDir;
use super::stat::{
    apparent_size, dev_ino, disk_usage, file_type, is_dir, is_symlink, nlink, stat_entry, stat_time,
};
use crate::config::{Config, Dereference};
use crate::model::{Details, Link, NO_TIME, Usage};
use crate::path::join_path;
use crate::stream::SizeFloor;
use crate::stream::batch::{Batch, ErrorKind, ItemKind, Items};

/// Items a listed directory starts with room for.
const LISTED_ROOM: usize = 32;

/// The most symlinks the kernel follows in resolving one path
/// (MAXSYMLINKS): GNU du under `-L` stats whole paths, so an entry that
/// would be the 41st symlink on its path fails with ELOOP there.
const MAX_SYMLINKS: u32 = 40;

/// What [`Classifier::add_entry`] needs across the entries of a directory.
pub(super) struct EntryScratch {
    /// The directory's printed path, for `--exclude` (None without it).
    dir_path: Option<Vec<u8>>,
    entry_path: Vec<u8>,
    /// `-a`, and the files are not deeper than `-d` lets print.
    list_files: bool,
    /// Symlinks followed on the path to the directory (`-L`).
    links: u32,
}

/// What decides how an entry counts: the options, the view's size floor
/// and the directories being walked (for cycles).
pub(super) struct Classifier<'a> {
    config: &'a Config,
    /// The view's floor: files below it go unnamed in `list_all`.
    floor: Option<SizeFloor>,
    /// The directories being walked, shared with the walker.
    active: Arc<Active>,
}

impl<'a> Classifier<'a> {
    pub(super) fn new(config: &'a Config, active: Arc<Active>) -> Self {
        Classifier {
            config,
            floor: None,
            active,
        }
    }

    /// An empty batch for the directory of `job`.
    pub(super) fn new_batch(&self, job: &Job) -> Batch {
        let mut batch = Batch::new(job.node, self.config.time.is_some(), self.config.details);
        if self.lists_files(job) {
            // Every file of a listed directory becomes an item; most
            // directories hold a few dozen.
            batch.items.reserve(LISTED_ROOM, 16);
        }
        batch
    }

    /// Whether the files of `job`'s directory are named (`-a` within the
    /// depth, or the browser's whole listing).
    fn lists_files(&self, job: &Job) -> bool {
        let config = self.config;
        config.list_all || (config.all && (job.depth as i64) < config.max_depth)
    }

    /// Leaves out of `list_all`'s listing the files below `floor`.
    pub(super) fn set_floor(&mut self, floor: SizeFloor) {
        self.floor = Some(floor);
    }

    pub(super) fn needs_claim(&self, dir: bool, nlink: u64) -> bool {
        !self.config.count_links && (self.config.hash_all || (!dir && nlink > 1))
    }

    pub(super) fn usage(&self, st: &Stat) -> Usage {
        let bytes = if self.config.apparent {
            apparent_size(st)
        } else {
            disk_usage(st)
        };
        let time = self.config.time.map_or(NO_TIME, |kind| stat_time(st, kind));
        Usage {
            bytes,
            inodes: 1,
            time,
        }
    }

    /// The size of `st` in the measure not counted, for details.
    fn other_bytes(&self, st: &Stat) -> u64 {
        if self.config.apparent {
            disk_usage(st)
        } else {
            apparent_size(st)
        }
    }

    /// What details keep of an operand.
    pub(super) fn details(&self, st: &Stat) -> Option<Details> {
        let (dev, ino) = dev_ino(st);
        self.config.details.then(|| Details {
            dev: Some(dev),
            ino: Some(ino),
            file_type: file_type(st),
            other_bytes: self.other_bytes(st),
            link: (!is_dir(st) && nlink(st) > 1).then(|| Link {
                dev,
                ino,
                nlink: nlink(st),
            }),
        })
    }

    /// What [`Classifier::add_entry`] needs for the directory of `job`.
    pub(super) fn scratch(&self, job: &Job) -> EntryScratch {
        let config = self.config;
        EntryScratch {
            dir_path: (!config.excludes.is_empty()).then(|| job.printed_path()),
            entry_path: Vec::new(),
            list_files: self.lists_files(job),
            links: job.links,
        }
    }

    /// Looks at one entry of the directory of `job` and adds it to the
    /// batch: summed, or as an item where its place matters.
    pub(super) fn add_entry(
        &self,
        job: &Job,
        fd: &OwnedFd,
        (cname, dtype): (&CStr, FileType),
        scratch: &mut EntryScratch,
        batch: &mut Batch,
        subdirs: &mut Vec<SubDir>,
    ) {
        let config = self.config;
        let name = cname.to_bytes();
        if let Some(dir_path) = &scratch.dir_path {
            scratch.entry_path.clear();
            scratch.entry_path.extend_from_slice(dir_path);
            join_path(&mut scratch.entry_path, name);
            if config.excludes.matches(&scratch.entry_path) {
                if config.details {
                    self.push(batch, |items| {
                        items.push(ItemKind::Excluded, name, Usage::default())
                    });
                }
                return;
            }
        }
        let follow = config.dereference == Dereference::Always;
        let mut followed = scratch.links;
        if follow && is_symlink(fd.as_fd(), cname, dtype) {
            followed += 1;
            if followed > MAX_SYMLINKS {
                self.push(batch, |items| items.push_error(name, libc::ELOOP));
                return;
            }
        }
        let st = match stat_entry(fd.as_fd(), cname, follow) {
            Ok(st) => st,
            Err(errno) => {
                self.push(batch, |items| items.push_error(name, errno));
                return;
            }
        };
        let (dev, ino) = dev_ino(&st);
        if config.one_file_system && dev != job.root_dev {
            if config.details {
                self.push(batch, |items| {
                    items.push(ItemKind::OtherFs, name, Usage::default())
                });
            }
            return;
        }
        let usage = self.usage(&st);
        let dir = is_dir(&st);
        // A view that cannot show a file this small needs no name for it.
        let list = scratch.list_files
            && (!config.list_all || {
                let measure = if config.inodes {
                    usage.inodes
                } else {
                    usage.bytes
                };
                measure >= self.floor.as_ref().map_or(0, SizeFloor::get)
            });
        let links = nlink(&st);
        let claim = self.needs_claim(dir, links);
        // With details, every file of several links says so (exports
        // mark them), counted once or not.
        let linked = claim || (config.details && !dir && links > 1);
        let (ftype, other) = if config.details {
            (file_type(&st), self.other_bytes(&st))
        } else {
            (crate::stream::batch::FileType::Regular, 0)
        };
        if dir {
            let walked = (dev, ino) == (job.dev, job.ino) || self.active.contains((dev, ino));
            if walked && job.is_ancestor(dev, ino) {
                // A cycle (a bind mount, or a symlink with -L): du leaves
                // it out without a word.
                return;
            }
            if self.push(batch, |items| {
                items.push_with(ItemKind::Dir, name, usage, ftype, other)
            }) {
                batch.dir_bytes = batch.dir_bytes.saturating_add(usage.bytes);
                subdirs.push(SubDir {
                    item: batch.items.len() as u32 - 1,
                    dev,
                    ino,
                    links: followed,
                });
                if claim || config.details {
                    // With details, the device goes along too (exports
                    // mark where it changes).
                    batch.items.link_last(dev, ino, links, claim);
                }
            }
        } else if linked {
            // Counted by the stream, at its first place in the order.
            let shown: &[u8] = if list { name } else { b"" };
            if !claim {
                batch.files.add(usage);
            }
            if self.push(batch, |items| {
                items.push_with(ItemKind::File, shown, usage, ftype, other)
            }) {
                batch.items.link_last(dev, ino, links, claim);
            }
        } else {
            batch.files.add(usage);
            if list {
                self.push(batch, |items| {
                    items.push_with(ItemKind::File, name, usage, ftype, other)
                });
            }
        }
    }

    /// Adds an item; past what a batch can hold, the directory reads as
    /// cut short (out of memory) rather than wrong.
    fn push(&self, batch: &mut Batch, add: impl FnOnce(&mut Items) -> bool) -> bool {
        if batch.dir_error.is_some() {
            return false;
        }
        let added = add(&mut batch.items);
        if !added {
            batch.dir_error = Some((ErrorKind::ReadPartial, libc::ENOMEM));
        }
        added
    }
}
