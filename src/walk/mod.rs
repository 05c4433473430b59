//! The walkers. A worker takes one directory at a time: it opens it
//! relative to its parent's descriptor, reads it with getdents64 into a
//! reusable buffer, stats each entry relative to the directory
//! (fstatat, no path built), sums what it finds and sends one batch to the
//! aggregator. Subdirectories become jobs for the same or other workers. A
//! directory that keeps its reader busy has the rest of its stats split
//! into parts for other workers (see `wide`), and sends a batch per fts
//! chunk and a closing one.
//!
//! Descriptors: a semaphore bounds the directories being read, and a
//! separate budget bounds the parent descriptors kept open so that
//! children can be opened relative to them. A directory whose parent's
//! descriptor was not kept is reopened one name at a time from the nearest
//! kept ancestor, so no path ever handed to the kernel exceeds a name,
//! however deep the tree.
//!
//! The parts: `job` (a directory to read and its place in the order),
//! `stat` (an entry's sizes and type), `descriptors` (the kept
//! descriptors and their budget), `cycles` (directories in progress),
//! `wide` (splitting a wide directory), `order` (fts's order within a
//! directory), `queue` (the traversal-ordered work queue), `parallel`
//! and `sequential` (the walks), `pool` and `threads` (the rayon pool and
//! its threads), `concurrency` (the tuner), `fs_kind` (the statfs table),
//! `semaphore` (the book's counting semaphore). The operands come in as
//! an iterator; the walker reads no list and writes nothing for the user.

mod concurrency;
mod cycles;
mod descriptors;
mod fs_kind;
mod job;
mod live;
mod order;
mod parallel;
mod pool;
mod queue;
mod semaphore;
mod sequential;
mod stat;
mod threads;
mod wide;

pub use concurrency::{MOST_THREADS, Plan};
pub use fs_kind::FsKind;
pub use live::{Live, PUBLISH_EVERY};
pub use parallel::walk_parallel;
pub use sequential::walk_sequential;
pub use threads::{
    address_space_limited, limit_malloc_arenas, small_stacks_under_a_limit, spawn_scoped,
};

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicIsize, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crossbeam_channel::Sender;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{CWD, FileType, Mode, OFlags, RawDir, Stat};
use rustix::io::Errno;

use crate::batch::{
    Backlog, Batch, Details, ErrorKind, ItemKind, Items, Link, Message, NO_TIME, OperandResult,
    Outcome, Usage,
};
use crate::cancel::Cancel;
use crate::config::{Config, Dereference, Operand};
use crate::path::{join_path, trim_operand};
use crate::stream::SizeFloor;
use cycles::Active;
use descriptors::{DirHandle, KeptFd, RESERVED_FDS, open_file_limit};
pub(crate) use job::{Job, SubDir};
use order::Chunk;
use queue::Queue;
use semaphore::{Permit, Semaphore};
use stat::*;

/// Size of each worker's getdents64 buffer: large enough that a directory
/// of a thousand entries takes one call (and a second that says it is
/// done), small enough that many threads cost little memory.
const DIRENT_BUFFER: usize = 32 * 1024;

/// A worker's getdents64 buffer.
pub(crate) fn dirent_buffer() -> Vec<MaybeUninit<u8>> {
    vec![MaybeUninit::uninit(); DIRENT_BUFFER]
}

/// Where the parts of a wide directory go: the queue of a parallel walk,
/// and how to start a worker for them if more may be.
pub(crate) struct Spread<'q> {
    pub queue: &'q Queue,
    pub grow: &'q dyn Fn(),
    /// Whether a worker is idle or could be started.
    pub help_at_hand: &'q dyn Fn() -> bool,
}

/// What a directory read by one worker gathers.
struct Gather {
    batch: Batch,
    subdirs: Vec<SubDir>,
    scratch: EntryScratch,
    /// fts's chunk being read, for its sort.
    chunk: Chunk,
}

/// The reading of a directory: whether a name other than `.` and `..`
/// came, and the error that ended it.
#[derive(Default)]
struct Reading {
    any: bool,
    error: Option<Errno>,
}

impl Reading {
    /// The next entry of `raw`; None at the end or on an error, kept.
    fn next<'r>(
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

    /// Puts the error that ended the reading, if any, in `batch`: the
    /// directory could not be read at all, or only in part.
    fn record_error(&self, batch: &mut Batch) {
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

/// What the walkers share: the configuration, the channel to the
/// aggregator and the bookkeeping that bounds descriptors and breaks cycles.
pub struct Walker<'a> {
    config: &'a Config,
    cancel: &'a Cancel,
    sender: Sender<Message>,
    semaphore: Semaphore,
    next_node: AtomicU32,
    /// The directories being walked: every ancestor of a pending job is
    /// one. Only a directory found here can close a cycle, and only then
    /// is the (slower) walk up its ancestors made. It holds the frontier,
    /// not every directory met, so its memory does not grow with the tree.
    active: Arc<Active>,
    /// How many more parent descriptors may be kept open.
    keep_budget: Arc<AtomicIsize>,
    /// Where progress is published, when it is shown.
    live: Option<&'a Live>,
    /// What the ordered output has not taken yet.
    backlog: Option<&'a Backlog>,
    /// The view's floor: files below it go unnamed in `list_all`.
    floor: Option<SizeFloor>,
    /// Parts of this many names for every directory past its first few
    /// entries, whatever the time (`CDU_SPLIT_PARTS`, for the tests: the
    /// split must never change the output).
    forced_part: Option<usize>,
}

/// The most symlinks the kernel follows in resolving one path
/// (MAXSYMLINKS): GNU du under `-L` stats whole paths, so an entry that
/// would be the 41st symlink on its path fails with ELOOP there.
const MAX_SYMLINKS: u32 = 40;

/// What [`Walker::add_entry`] needs across the entries of a directory.
struct EntryScratch {
    /// The directory's printed path, for `--exclude` (None without it).
    dir_path: Option<Vec<u8>>,
    entry_path: Vec<u8>,
    /// `-a`, and the files are not deeper than `-d` lets print.
    list_files: bool,
    /// Symlinks followed on the path to the directory (`-L`).
    links: u32,
}

impl<'a> Walker<'a> {
    pub fn new(config: &'a Config, cancel: &'a Cancel, sender: Sender<Message>) -> Self {
        let threads = if config.mode.is_parallel() {
            config.threads.unwrap_or(MOST_THREADS).max(1)
        } else {
            1
        };
        let limit = open_file_limit();
        // Under a small limit the reserve shrinks to half of it, so that a
        // few descriptors are always left to keep: with none kept, every
        // directory of a chain is reopened from its operand, at a cost
        // that grows with the square of the depth.
        let reserved = RESERVED_FDS.min(limit / 2);
        // A reader may hold two descriptors at once (its directory, and an
        // ancestor it reopens by name from), so readers take half of what
        // is left after the reserve, two each, at most one reader per
        // thread; the rest may be kept for children. Counting a reader
        // once would let the readers and their reopening together pass a
        // small limit.
        let readers = ((limit - reserved) / 4).clamp(1, threads.min(1 << 16) as isize);
        let keep = (limit - reserved - 2 * readers).clamp(0, 1024);
        Walker {
            config,
            cancel,
            sender,
            semaphore: Semaphore::new(readers as usize),
            next_node: AtomicU32::new(0),
            active: Arc::default(),
            keep_budget: Arc::new(AtomicIsize::new(keep)),
            live: None,
            backlog: None,
            floor: None,
            forced_part: std::env::var("CDU_SPLIT_PARTS")
                .ok()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0),
        }
    }

    /// Entries read so far, as published to the live counts (none without
    /// them).
    pub fn entries_read(&self) -> u64 {
        self.live.map_or(0, Live::entries)
    }

    /// Publishes entry counts to `live`, which progress shows and the
    /// concurrency tuner measures by.
    /// Leaves out of `list_all`'s listing the files below `floor`, which a
    /// view raises as it goes.
    pub fn with_floor(mut self, floor: SizeFloor) -> Self {
        self.floor = Some(floor);
        self
    }

    pub fn with_live(mut self, live: &'a Live) -> Self {
        self.live = Some(live);
        self
    }

    pub fn cancel(&self) -> &Cancel {
        self.cancel
    }

    fn send(&self, message: Message) -> bool {
        if let (Message::Dir(batch), Some(backlog)) = (&message, self.backlog) {
            backlog.add(batch.cost());
        }
        self.sender.send(message).is_ok()
    }

    /// Whether the workers should hold back: the output is too far behind
    /// Whether the ordered output waits for the directory `job` reads.
    pub(crate) fn output_awaits(&self, job: &Job) -> bool {
        !job.is_part() && self.backlog.is_some_and(|b| b.awaited() == job.node)
    }

    /// Whether `job` must wait: the output is too far behind, and the job
    /// neither reads the directory the output waits for, nor (unless the
    /// output is very far behind) one below the directory it is in, nor
    /// stats a part of a directory being read (which adds nothing to what
    /// waits). What is below the output's directory is printed before
    /// anything that waits beyond it, so taking it does not run ahead.
    pub(crate) fn held_back(&self, job: &Job) -> bool {
        let Some(backlog) = self.backlog else {
            return false;
        };
        if job.is_part() || !backlog.over() || self.cancel.is_cancelled() {
            return false;
        }
        if self.output_awaits(job) {
            return false;
        }
        match backlog.within() {
            Some(dir) if !backlog.far_over() => !job.is_below(dir),
            _ => true,
        }
    }

    /// Counts what is sent into `backlog`, which the stream empties.
    pub fn with_backlog(mut self, backlog: &'a Backlog) -> Self {
        self.backlog = Some(backlog);
        self
    }

    fn needs_claim(&self, dir: bool, nlink: u64) -> bool {
        !self.config.count_links && (self.config.hash_all || (!dir && nlink > 1))
    }

    fn usage(&self, st: &Stat) -> Usage {
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
    fn details(&self, st: &Stat) -> Option<Details> {
        self.config.details.then(|| Details {
            dev: Some(dev_ino(st).0),
            file_type: file_type(st),
            other_bytes: self.other_bytes(st),
            link: (!is_dir(st) && nlink(st) > 1).then(|| {
                let (dev, ino) = dev_ino(st);
                Link {
                    dev,
                    ino,
                    nlink: nlink(st),
                }
            }),
        })
    }

    /// Looks at operand `index` and returns the job that walks it, if it
    /// is a directory. Its outcome goes to the aggregator either way.
    pub(crate) fn start_operand(&self, index: usize, operand: &Operand) -> Option<Job> {
        let mut result = OperandResult {
            index,
            outcome: Outcome::Skipped,
            name: Box::default(),
            claim: None,
            details: None,
        };
        let path = match operand {
            Operand::Invalid(message) => {
                result.outcome = Outcome::Invalid(message.clone());
                self.send(Message::Operand(result));
                return None;
            }
            Operand::Path(p) => trim_operand(p),
        };
        result.name = path.into();
        if self.config.excludes.matches(path) {
            self.send(Message::Operand(result));
            return None;
        }
        let follow = self.config.dereference != Dereference::Never;
        let st = match stat_entry(CWD, path, follow) {
            Ok(st) => st,
            Err(errno) => {
                result.outcome = Outcome::Error(ErrorKind::Access, errno);
                self.send(Message::Operand(result));
                return None;
            }
        };
        let usage = self.usage(&st);
        let dir = is_dir(&st);
        if self.needs_claim(dir, nlink(&st)) {
            result.claim = Some(dev_ino(&st));
        }
        result.details = self.details(&st);
        if !dir {
            result.outcome = Outcome::File(usage);
            self.send(Message::Operand(result));
            return None;
        }
        let node = self.next_node.fetch_add(1, Ordering::Relaxed);
        result.outcome = Outcome::Dir(node, usage);
        if !self.send(Message::Operand(result)) {
            return None;
        }
        let (dev, ino) = dev_ino(&st);
        Some(Job {
            parent: None,
            name: path.into(),
            node,
            dev,
            ino,
            root_dev: dev,
            depth: 0,
            operand: index,
            index: 0,
            links: if self.config.dereference == Dereference::Always {
                links_in_path(path)
            } else {
                0
            },
            part: 0,
            work: None,
        })
    }

    fn dir_flags(&self, operand: bool) -> OFlags {
        let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOCTTY;
        // An operand was already looked at with the right stat; below it,
        // only -L may go through a symlink.
        if !operand && self.config.dereference != Dereference::Always {
            flags |= OFlags::NOFOLLOW;
        }
        flags
    }

    /// Opens the directory of `job`.
    fn open(&self, job: &Job) -> Result<OwnedFd, Errno> {
        let Some(parent) = &job.parent else {
            return rustix::fs::openat(CWD, &job.name[..], self.dir_flags(true), Mode::empty());
        };
        let flags = self.dir_flags(false);
        let opened = match parent.kept() {
            Some(k) => rustix::fs::openat(&k.fd, &job.name[..], flags, Mode::empty()),
            None => self
                .reopen(parent)
                .and_then(|base| rustix::fs::openat(&base, &job.name[..], flags, Mode::empty())),
        };
        parent.child_opened();
        opened
    }

    /// Opens a directory whose descriptor is not open, one name at a time
    /// from the nearest ancestor whose descriptor is (or from its operand).
    fn reopen(&self, handle: &DirHandle) -> Result<OwnedFd, Errno> {
        let mut names: Vec<&[u8]> = Vec::new();
        let mut current = handle;
        let mut base = loop {
            if let Some(fd) = current.dup_fd() {
                break fd;
            }
            match &current.parent {
                Some(parent) => {
                    names.push(&current.name);
                    current = parent;
                }
                // The operand itself, relative to the working directory.
                None => {
                    break rustix::fs::openat(
                        CWD,
                        &current.name[..],
                        self.dir_flags(true),
                        Mode::empty(),
                    )?;
                }
            }
        };
        for name in names.into_iter().rev() {
            base = rustix::fs::openat(&base, name, self.dir_flags(false), Mode::empty())?;
        }
        Ok(base)
    }

    /// The path of a directory as du prints it, for `--exclude`.
    fn printed_path(job: &Job) -> Vec<u8> {
        let mut names: Vec<&[u8]> = vec![&job.name];
        let mut parent = job.parent.as_deref();
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

    /// Whether (dev, ino) is the directory of `job` or one of its ancestors.
    fn is_ancestor(job: &Job, dev: u64, ino: u64) -> bool {
        if (job.dev, job.ino) == (dev, ino) {
            return true;
        }
        let mut parent = job.parent.as_deref();
        while let Some(p) = parent {
            if (p.dev, p.ino) == (dev, ino) {
                return true;
            }
            parent = p.parent.as_deref();
        }
        false
    }

    /// Reads the directory of `job`, sends its batch and appends the jobs
    /// of its subdirectories to `children`, first subdirectory first. With
    /// a `queue` (a parallel walk), a directory that takes its reader long
    /// is split: the stats of the rest of its entries go to the queue in
    /// parts for any worker, and a job that is such a part stats it.
    pub(crate) fn process(
        &self,
        mut job: Job,
        buf: &mut [MaybeUninit<u8>],
        children: &mut Vec<Job>,
        queue: Option<&Spread<'_>>,
    ) {
        if self.cancel.is_cancelled() {
            // Never read: the stream counts its own entry only.
            return;
        }
        if let Some(work) = job.work.take() {
            self.stat_part(&job, &work, children);
            return;
        }
        let Some(permit) = self.semaphore.acquire(self.cancel.done()) else {
            return;
        };
        let config = self.config;
        let mut dir = Gather {
            batch: Batch::new(job.node, config.time.is_some(), config.details),
            subdirs: Vec::new(),
            scratch: self.scratch(&job),
            chunk: Chunk::new(config.dereference == Dereference::Always),
        };
        let fd = match self.open(&job) {
            Ok(fd) => Arc::new(fd),
            Err(e) => {
                dir.batch.dir_error = Some((ErrorKind::ReadDir, errno_of(e)));
                self.send(Message::Dir(dir.batch));
                return;
            }
        };
        // Only a parallel walk splits, so only it needs the clock.
        let opened = queue.map(|q| (q, Instant::now()));
        let mut read = Reading::default();
        let mut raw = RawDir::new(fd.as_fd(), buf);
        while let Some(entry) = read.next(&mut raw) {
            let entry = (entry.file_name(), entry.ino(), entry.file_type());
            if !self.read_inline(&job, &fd, entry, &mut read, &mut dir) {
                break;
            }
            let read_so_far = dir.batch.entries;
            if let Some((queue, opened)) = opened
                && wide::looks_at(read_so_far)
                && let Some(part_size) = self.split_now(read_so_far, opened, queue)
            {
                self.split(&job, &fd, &mut raw, read, dir, queue, part_size);
                return;
            }
        }
        read.record_error(&mut dir.batch);
        dir.chunk.end(&fd, &mut dir.batch, &mut dir.subdirs);
        if let Some(live) = self.live {
            live.add_entries(dir.batch.entries % PUBLISH_EVERY);
        }
        self.finish(&job, fd, Some(permit), dir.batch, dir.subdirs, children);
    }

    /// What [`Walker::add_entry`] needs for the directory of `job`.
    fn scratch(&self, job: &Job) -> EntryScratch {
        let config = self.config;
        EntryScratch {
            dir_path: (!config.excludes.is_empty()).then(|| Self::printed_path(job)),
            entry_path: Vec::new(),
            list_files: config.list_all || (config.all && (job.depth as i64) < config.max_depth),
            links: job.links,
        }
    }

    /// Counts an entry read; false (and the batch incomplete) when the run
    /// is cancelled, true for `.` and `..`, which are passed over.
    fn count_entry(&self, name: &CStr, read: &mut Reading, batch: &mut Batch) -> Option<bool> {
        let name = name.to_bytes();
        if name == b"." || name == b".." {
            return None;
        }
        read.any = true;
        if self.cancel.is_cancelled() {
            batch.incomplete = true;
            return Some(false);
        }
        batch.entries += 1;
        if batch.entries.is_multiple_of(PUBLISH_EVERY)
            && let Some(live) = self.live
        {
            live.add_entries(PUBLISH_EVERY);
        }
        Some(true)
    }

    /// Counts and stats an entry as it is read; false when the run is
    /// cancelled.
    fn read_inline(
        &self,
        job: &Job,
        fd: &OwnedFd,
        entry: (&CStr, u64, FileType),
        read: &mut Reading,
        dir: &mut Gather,
    ) -> bool {
        match self.count_entry(entry.0, read, &mut dir.batch) {
            None => true,
            Some(false) => false,
            Some(true) => {
                self.stat_inline(job, fd, entry, dir);
                true
            }
        }
    }

    /// Stats an entry into the directory's one batch, ending fts's chunk
    /// when it is full.
    fn stat_inline(
        &self,
        job: &Job,
        fd: &OwnedFd,
        entry: (&CStr, u64, FileType),
        dir: &mut Gather,
    ) {
        let (name, ino, dtype) = entry;
        dir.chunk.seen += 1;
        let before = dir.batch.items.len();
        self.add_entry(
            job,
            fd,
            (name, dtype),
            &mut dir.scratch,
            &mut dir.batch,
            &mut dir.subdirs,
        );
        if dir.batch.items.len() > before {
            crate::batch::grow_gently(&mut dir.chunk.inos, 1);
            dir.chunk.inos.push(ino);
        }
        if dir.chunk.seen == order::CHUNK {
            dir.chunk.end(fd, &mut dir.batch, &mut dir.subdirs);
        }
    }

    /// Sends `batch` (all of a directory or one part of it) and appends
    /// the jobs of its subdirectories to `children`. `fd` is the
    /// directory's descriptor, kept for the children if the budget allows.
    fn finish(
        &self,
        job: &Job,
        fd: Arc<OwnedFd>,
        permit: Option<Permit<'_>>,
        mut batch: Batch,
        subdirs: Vec<SubDir>,
        children: &mut Vec<Job>,
    ) {
        let count = subdirs.len() as u32;
        let first = self.next_node.fetch_add(count, Ordering::Relaxed);
        batch.first_child = first;
        batch.dirs = count;
        let part = batch.part;
        let walk_children = !batch.incomplete && count > 0;
        let names: Vec<Box<[u8]>> = if walk_children {
            subdirs
                .iter()
                .map(|sub| batch.items.get(sub.item as usize).name.into())
                .collect()
        } else {
            Vec::new()
        };
        if !self.send(Message::Dir(batch)) || !walk_children {
            // The descriptor goes before the place among the readers
            // (parameters would drop the other way round).
            drop(fd);
            drop(permit);
            return;
        }
        // Keep this descriptor for the children if the budget allows;
        // otherwise they reopen it by name. A part shares the descriptor
        // with the other parts, so it keeps a copy of its own. Either way
        // it is closed or counted before the permit goes, so that no
        // descriptor is ever open uncounted, even for a worker descheduled
        // between the two.
        let kept = if self.keep_budget.fetch_sub(1, Ordering::Relaxed) > 0 {
            Arc::try_unwrap(fd)
                .or_else(|shared| rustix::io::dup(&*shared))
                .ok()
                .map(|fd| KeptFd {
                    fd,
                    budget: self.keep_budget.clone(),
                })
        } else {
            drop(fd);
            None
        };
        if kept.is_none() {
            self.keep_budget.fetch_add(1, Ordering::Relaxed);
        }
        drop(permit);
        self.active.insert((job.dev, job.ino));
        let handle = Arc::new(DirHandle {
            node: job.node,
            fd: Mutex::new(kept.map(Arc::new)),
            unopened: AtomicUsize::new(names.len()),
            parent: job.parent.clone(),
            name: job.name.clone(),
            dev: job.dev,
            ino: job.ino,
            index: job.index,
            part,
            active: self.active.clone(),
        });
        for (i, (name, sub)) in names.into_iter().zip(&subdirs).enumerate() {
            children.push(Job {
                parent: Some(handle.clone()),
                name,
                node: first + i as u32,
                dev: sub.dev,
                ino: sub.ino,
                root_dev: job.root_dev,
                depth: job.depth + 1,
                operand: job.operand,
                index: i as u32,
                links: sub.links,
                part: 0,
                work: None,
            });
        }
    }

    /// Looks at one entry of the directory of `job` and adds it to the
    /// batch: summed, or as an item where its place matters.
    fn add_entry(
        &self,
        job: &Job,
        fd: &OwnedFd,
        (cname, dtype): (&std::ffi::CStr, FileType),
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
            (crate::batch::FileType::Regular, 0)
        };
        if dir {
            let walked = (dev, ino) == (job.dev, job.ino) || self.active.contains((dev, ino));
            if walked && Self::is_ancestor(job, dev, ino) {
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
