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
//! The parts, each with one job: `job` (a directory to read and its
//! place in the order), `open` (opening it from a kept ancestor), `read`
//! (the reading of a directory), `classify` (what an entry adds to its
//! batch), `stat` (an entry's sizes and type), `descriptors` (the kept
//! descriptors and their budget), `cycles` (directories in progress),
//! `split`, `names` and `parts` (a wide directory read ahead and stat'ed
//! in parts by any worker), `order` (fts's order within a directory),
//! `queue` (the traversal-ordered work queue), `parallel` and
//! `sequential` (the walks), `pool` and `threads` (the rayon pool and its
//! threads), `concurrency` (the tuner), `fs_kind` (the statfs table),
//! `semaphore` (the book's counting semaphore). The operands come in as
//! an iterator; the walker reads no list and writes nothing for the user.

mod classify;
mod concurrency;
mod cycles;
mod descriptors;
mod fs_kind;
mod job;
mod live;
mod names;
mod open;
mod order;
mod parallel;
mod parts;
mod pool;
mod queue;
mod read;
mod semaphore;
mod sequential;
mod split;
mod stat;
mod threads;

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
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{CWD, FileType, RawDir};

use crate::backlog::Backlog;
use crate::batch::{Batch, ErrorKind, Message, OperandResult, Outcome};
use crate::cancel::Cancel;
use crate::config::{Config, Dereference, Operand};
use crate::path::trim_operand;
use crate::stream::SizeFloor;
use classify::Classifier;
use cycles::Active;
use descriptors::{DirHandle, KeptFd, RESERVED_FDS, open_file_limit};
pub(crate) use job::Job;
use order::{Chunk, SubDir};
use queue::Queue;
pub(crate) use read::dirent_buffer;
use read::{Gather, Reading};
use semaphore::{Permit, Semaphore};
use stat::{dev_ino, errno_of, is_dir, links_in_path, nlink, stat_entry};

/// Where the parts of a wide directory go: the queue of a parallel walk,
/// and how to start a worker for them if more may be.
pub(crate) struct Spread<'q> {
    pub queue: &'q Queue,
    pub grow: &'q dyn Fn(),
    /// Whether a worker is idle or could be started.
    pub help_at_hand: &'q dyn Fn() -> bool,
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
    /// What an entry read adds to its directory's batch.
    classify: Classifier<'a>,
    /// How many more parent descriptors may be kept open.
    keep_budget: Arc<AtomicIsize>,
    /// Where progress is published, when it is shown.
    live: Option<&'a Live>,
    /// What the ordered output has not taken yet.
    backlog: Option<&'a Backlog>,
    /// Parts of this many names for every directory past its first few
    /// entries, whatever the time (`CDU_SPLIT_PARTS`, for the tests: the
    /// split must never change the output).
    forced_part: Option<usize>,
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
        let active = Arc::<Active>::default();
        Walker {
            config,
            cancel,
            sender,
            semaphore: Semaphore::new(readers as usize),
            next_node: AtomicU32::new(0),
            classify: Classifier::new(config, active.clone()),
            active,
            keep_budget: Arc::new(AtomicIsize::new(keep)),
            live: None,
            backlog: None,
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

    /// Leaves out of `list_all`'s listing the files below `floor`, which a
    /// view raises as it goes.
    pub fn with_floor(mut self, floor: SizeFloor) -> Self {
        self.classify.set_floor(floor);
        self
    }

    /// Publishes entry counts to `live`, which progress shows and the
    /// concurrency tuner measures by.
    pub fn with_live(mut self, live: &'a Live) -> Self {
        self.live = Some(live);
        self
    }

    pub fn cancel(&self) -> &Cancel {
        self.cancel
    }

    /// What decides how an entry counts.
    fn classifier(&self) -> &Classifier<'a> {
        &self.classify
    }

    /// An empty batch for the directory of `job`.
    fn new_batch(&self, job: &Job) -> Batch {
        Batch::new(job.node, self.config.time.is_some(), self.config.details)
    }

    /// Publishes the entries of a directory done that the running count
    /// (every [`PUBLISH_EVERY`]) left out.
    fn publish_rest(&self, entries: u64) {
        if let Some(live) = self.live {
            live.add_entries(entries % PUBLISH_EVERY);
        }
    }

    fn send(&self, message: Message) -> bool {
        if let (Message::Dir(batch), Some(backlog)) = (&message, self.backlog) {
            backlog.add(batch.cost());
        }
        self.sender.send(message).is_ok()
    }

    /// Whether the ordered output waits for the directory `job` reads.
    pub(crate) fn output_awaits(&self, job: &Job) -> bool {
        self.backlog.is_some_and(|b| job.awaited_by(b))
    }

    /// Whether `job` must wait for the output to catch up.
    pub(crate) fn held_back(&self, job: &Job) -> bool {
        self.backlog
            .is_some_and(|b| job.held_back_by(b, self.cancel.is_cancelled()))
    }

    /// Counts what is sent into `backlog`, which the stream empties.
    pub fn with_backlog(mut self, backlog: &'a Backlog) -> Self {
        self.backlog = Some(backlog);
        self
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
        let usage = self.classify.usage(&st);
        let dir = is_dir(&st);
        if self.classify.needs_claim(dir, nlink(&st)) {
            result.claim = Some(dev_ino(&st));
        }
        result.details = self.classify.details(&st);
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
            split::stat_part(self, &job, &work, children);
            return;
        }
        let Some(permit) = self.semaphore.acquire(self.cancel.done()) else {
            return;
        };
        let config = self.config;
        let mut dir = Gather {
            batch: self.new_batch(&job),
            subdirs: Vec::new(),
            scratch: self.classify.scratch(&job),
            chunk: Chunk::new(config.dereference == Dereference::Always),
        };
        let fd = match open::open_dir(&job, config.dereference == Dereference::Always) {
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
                && split::looks_at(read_so_far)
                && let Some(part_size) =
                    split::split_now(self.forced_part, read_so_far, opened, queue)
            {
                split::split(self, &job, &fd, &mut raw, read, dir, queue, part_size);
                return;
            }
        }
        read.record_error(&mut dir.batch);
        dir.chunk.end(&fd, &mut dir.batch, &mut dir.subdirs);
        self.publish_rest(dir.batch.entries);
        self.finish(&job, fd, Some(permit), dir.batch, dir.subdirs, children);
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
        self.classify.add_entry(
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
}
