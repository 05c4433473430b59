//! The walker: what every worker of a walk shares, and the reading of
//! one directory (or the stating of one part of a wide one) from a job.

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::Sender;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{CWD, FileType, RawDir};

use super::classify::Classifier;
use super::concurrency::MOST_THREADS;
use super::cycles::Active;
use super::descriptors::{RESERVED_FDS, open_file_limit};
use super::handoff::Handoff;
use super::job::Job;
use super::live::Live;
use super::open::open_dir;
use super::order::{self, Chunk};
use super::queue::Spread;
use super::read::{Gather, Reading};
use super::semaphore::Semaphore;
use super::split::{self, Crew};
use super::stat::{dev_ino, errno_of, is_dir, links_in_path, nlink, stat_entry};
use crate::cancel::Cancel;
use crate::config::{Config, Dereference, Operand};
use crate::path::trim_operand;
use crate::stream::SizeFloor;
use crate::stream::backlog::Backlog;
use crate::stream::batch::{ErrorKind, Message, OperandResult, Outcome};

/// What the walkers share: the configuration, the channel to the
/// aggregator and the bookkeeping that bounds descriptors and breaks cycles.
pub struct Walker<'a> {
    config: &'a Config,
    cancel: &'a Cancel,
    semaphore: Semaphore,
    /// The directories being walked: every ancestor of a pending job is
    /// one. Only a directory found here can close a cycle, and only then
    /// is the (slower) walk up its ancestors made. It holds the frontier,
    /// not every directory met, so its memory does not grow with the tree.
    /// The classifier and the hand-off share it.
    classify: Classifier<'a>,
    /// Where a directory's batch and subdirectories go.
    handoff: Handoff<'a>,
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
            semaphore: Semaphore::new(readers as usize),
            classify: Classifier::new(config, active.clone()),
            handoff: Handoff::new(sender, keep, active),
            forced_part: std::env::var("CDU_SPLIT_PARTS")
                .ok()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0),
        }
    }

    /// Entries read so far, as published to the live counts (none without
    /// them).
    pub fn entries_read(&self) -> u64 {
        self.handoff.live().map_or(0, Live::entries)
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
        self.handoff.set_live(live);
        self
    }

    pub fn cancel(&self) -> &Cancel {
        self.cancel
    }

    /// What a wide directory's split works with.
    fn crew(&self) -> Crew<'_, 'a> {
        Crew {
            handoff: &self.handoff,
            classify: &self.classify,
            cancel: self.cancel,
        }
    }

    /// Whether the ordered output waits for the directory `job` reads.
    pub(crate) fn output_awaits(&self, job: &Job) -> bool {
        self.handoff.backlog().is_some_and(|b| job.awaited_by(b))
    }

    /// Whether `job` must wait for the output to catch up.
    pub(crate) fn held_back(&self, job: &Job) -> bool {
        self.handoff
            .backlog()
            .is_some_and(|b| job.held_back_by(b, self.cancel.is_cancelled()))
    }

    /// Counts what is sent into `backlog`, which the stream empties.
    pub fn with_backlog(mut self, backlog: &'a Backlog) -> Self {
        self.handoff.set_backlog(backlog);
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
                self.handoff.send(Message::Operand(result));
                return None;
            }
            Operand::Path(p) => trim_operand(p),
        };
        result.name = path.into();
        if self.config.excludes.matches(path) {
            self.handoff.send(Message::Operand(result));
            return None;
        }
        let follow = self.config.dereference != Dereference::Never;
        let st = match stat_entry(CWD, path, follow) {
            Ok(st) => st,
            Err(errno) => {
                result.outcome = Outcome::Error(ErrorKind::Access, errno);
                self.handoff.send(Message::Operand(result));
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
            self.handoff.send(Message::Operand(result));
            return None;
        }
        let node = self.handoff.nodes(1);
        result.outcome = Outcome::Dir(node, usage);
        if !self.handoff.send(Message::Operand(result)) {
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
            split::stat_part(self.crew(), &job, &work, children);
            return;
        }
        let Some(permit) = self.semaphore.acquire(self.cancel.done()) else {
            return;
        };
        let config = self.config;
        let mut dir = Gather {
            batch: self.classify.new_batch(&job),
            subdirs: Vec::new(),
            scratch: self.classify.scratch(&job),
            chunk: Chunk::new(config.dereference == Dereference::Always),
        };
        let fd = match open_dir(&job, config.dereference == Dereference::Always) {
            Ok(fd) => Arc::new(fd),
            Err(e) => {
                dir.batch.dir_error = Some((ErrorKind::ReadDir, errno_of(e)));
                self.handoff.send(Message::Dir(dir.batch));
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
                split::split(
                    self.crew(),
                    &job,
                    &fd,
                    &mut raw,
                    read,
                    dir,
                    queue,
                    part_size,
                );
                return;
            }
        }
        read.record_error(&mut dir.batch);
        dir.chunk.end(&fd, &mut dir.batch, &mut dir.subdirs);
        self.handoff.publish_rest(dir.batch.entries);
        self.handoff
            .finish(&job, fd, Some(permit), dir.batch, dir.subdirs, children);
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
        match read.count(entry.0, &mut dir.batch, self.cancel, self.handoff.live()) {
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
            crate::stream::batch::grow_gently(&mut dir.chunk.inos, 1);
            dir.chunk.inos.push(ino);
        }
        if dir.chunk.seen == order::CHUNK {
            dir.chunk.end(fd, &mut dir.batch, &mut dir.subdirs);
        }
    }
}
