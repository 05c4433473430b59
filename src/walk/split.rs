//! Wide and slow directories. The worker that reads a directory stats
//! its entries as it reads them; when that has taken it long (a wide
//! directory on a local disk, or a few entries on a file system where each
//! call waits for a server), the rest of the directory's names are read
//! without stats and cut into parts that any worker may take. Each part
//! stats its names in read order (the order the kernel's caches were filled
//! in); the worker that finishes the last part of an fts chunk joins the
//! parts and puts them in fts's order, as a directory read by one worker
//! is. Without this, the one worker that reads a directory of a million
//! entries does all its million fstatat calls while the others wait.
//!
//! Nearly every directory ends before it is looked at and never reaches
//! this module.

use std::collections::VecDeque;
use std::ffi::CStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::fd::{BorrowedFd, OwnedFd};
use rustix::fs::{FileType, RawDir};

use super::classify::Classifier;
use super::handoff::Handoff;
use super::job::Job;
use super::names::Names;
use super::order;
use super::parts::{ChunkJoin, Part, Stated, join};
use super::queue::Spread;
use super::read::{Gather, Reading};
use crate::cancel::Cancel;
use crate::stream::batch::{Batch, ErrorKind, Message};

/// Names in a part at most: enough that a part's batch and queue entry
/// cost little next to its stats (a few milliseconds of them on a local
/// disk), few enough that a chunk of 100,000 gives every worker some.
pub const PART: usize = 4096;

/// Names in a part at least, however slow each stat is.
const LEAST_PART: usize = 8;

/// The first count of entries at which a reader asks whether to split.
const FIRST_LOOK: u64 = 16;

/// A directory whose reader has been at it this long is split: the stats
/// that are left are worth spreading.
const SPLIT_AFTER: Duration = Duration::from_millis(2);

/// A stat this slow on average waits on a server (FUSE, a network), not
/// on the processors or a warm disk (a few microseconds). Then workers
/// held back for the output take the parts too: they wait, often for this
/// very directory, and a reader left alone with thousands of names behind
/// 1 ms takes seconds while they do.
const SLOW_STAT: Duration = Duration::from_micros(50);

/// About how long a part's stats should take.
const PART_TIME: Duration = Duration::from_millis(2);

/// How often a reader looks again once it has read 64 entries. Every
/// look costs a clock read (and, past [`SPLIT_AFTER`], the queue's lock
/// to see whether anyone is free), nothing next to 64 stats; looking
/// seldom costs a slow file system dearly: behind 1 ms a reader that found
/// every worker busy at its 1,024th entry and looked next at its 2,048th
/// read on alone for a second while the rest had nothing to do.
const LOOK_EVERY: u64 = 64;

/// Whether a reader that has read `entries` of a directory looks at the
/// time it has taken: at 16, 32, 64 and every 64 from then on, within the
/// first fts chunk (later ones are never split).
pub fn looks_at(entries: u64) -> bool {
    entries >= FIRST_LOOK
        && entries < super::order::CHUNK as u64
        && (entries.is_power_of_two() || entries.is_multiple_of(LOOK_EVERY))
}

/// Names per part, if a directory whose first `entries` took `elapsed`
/// is to be split: as many as take [`PART_TIME`] at the pace so far.
pub fn part_size(entries: u64, elapsed: Duration) -> Option<usize> {
    if elapsed < SPLIT_AFTER {
        return None;
    }
    let per_part = u128::from(entries) * PART_TIME.as_nanos() / elapsed.as_nanos().max(1);
    Some(
        usize::try_from(per_part)
            .unwrap_or(PART)
            .clamp(LEAST_PART, PART),
    )
}

/// Names of a wide directory a reader lets wait for other workers before
/// it stats a part itself: enough to keep them busy while it reads, few
/// enough that the names held stay small.
const READ_AHEAD_NAMES: usize = 4 * PART;

/// Names per part if the directory whose first `entries` were read since
/// `opened` is to be split now: it has been slow, and a worker is there
/// to help. `forced` is the size the tests fix (`CDU_SPLIT_PARTS`).
pub(super) fn split_now(
    forced: Option<usize>,
    entries: u64,
    opened: Instant,
    queue: &Spread<'_>,
) -> Option<usize> {
    if forced.is_some() {
        return forced;
    }
    let elapsed = opened.elapsed();
    let slow = elapsed >= SLOW_STAT.saturating_mul(u32::try_from(entries).unwrap_or(u32::MAX));
    part_size(entries, elapsed).filter(|_| (queue.help_at_hand)(slow))
}

/// What a split works with, borrowed from its walk: what an entry adds
/// to a batch, where batches and subdirectories go, and the run's cancel.
#[derive(Clone, Copy)]
pub(super) struct Crew<'s, 'a> {
    pub handoff: &'s Handoff<'a>,
    pub classify: &'s Classifier<'a>,
    pub cancel: &'a Cancel,
}

/// A wide directory being split by its reader: the chunk being read, with
/// how many parts and entries it has so far, how many chunks came before,
/// the parts queued that may not have been taken, and how many names a
/// part takes.
struct Split<'s, 'a> {
    crew: Crew<'s, 'a>,
    job: &'s Job,
    fd: &'s Arc<OwnedFd>,
    queue: &'s Spread<'s>,
    chunk: Arc<ChunkJoin>,
    /// The chunks closed before `chunk`, to release their descriptors.
    closed: Vec<Arc<ChunkJoin>>,
    chunks: u32,
    parts: u32,
    in_chunk: usize,
    waiting: VecDeque<Arc<Part>>,
    children: Vec<Job>,
    part_size: usize,
}

/// Splits the directory of `job`, whose first entries its reader has
/// stat'ed into `dir` and whose rest `raw` reads: the entries stat'ed are
/// the first part of the first chunk, and the names that follow are cut
/// into parts of `part_size` as they are read, each queued for any
/// worker; when many names wait, the reader stats a part itself, so the
/// names kept stay few. A chunk's batch is sent when its last part is
/// done; the closing batch, with what the reading found (its entries, its
/// error), is sent here.
#[allow(clippy::too_many_arguments)]
pub(super) fn split(
    crew: Crew<'_, '_>,
    job: &Job,
    fd: &Arc<OwnedFd>,
    raw: &mut RawDir<'_, BorrowedFd<'_>>,
    mut read: Reading,
    mut dir: Gather,
    queue: &Spread<'_>,
    part_size: usize,
) {
    let mut split = Split {
        crew,
        job,
        fd,
        queue,
        chunk: Arc::new(ChunkJoin::new(fd.clone(), 0, Arc::default())),
        closed: Vec::new(),
        chunks: 0,
        parts: 1,
        in_chunk: dir.chunk.seen,
        waiting: VecDeque::new(),
        children: Vec::new(),
        part_size,
    };
    // What the reader stat'ed is part 0. The closing batch keeps the
    // count of entries read.
    let mut first = crew.classify.new_batch(job);
    std::mem::swap(&mut first.items, &mut dir.batch.items);
    first.files = std::mem::take(&mut dir.batch.files);
    first.dir_bytes = std::mem::take(&mut dir.batch.dir_bytes);
    let stated = Stated {
        batch: first,
        subdirs: std::mem::take(&mut dir.subdirs),
        inos: std::mem::take(&mut dir.chunk.inos),
    };
    let none_yet = split.chunk.hand_in(0, stated);
    debug_assert!(none_yet.is_none(), "the chunk is not closed yet");
    let mut ended = false;
    let mut name_bytes = 16;
    while !ended {
        let room = split.part_size.min(order::CHUNK - split.in_chunk);
        let mut part = Names::with_room(room, name_bytes);
        ended = read_names(crew, raw, &mut read, &mut dir.batch, &mut part, room);
        if part.len() > 0 {
            name_bytes = part.name_bytes();
            split.add_part(part);
        }
        if split.in_chunk == order::CHUNK {
            split.close_chunk(&mut dir);
        }
        // Read ahead of the stats by so many names only.
        split.waiting.retain(|p| !p.taken());
        while split.waiting.len() * split.part_size > READ_AHEAD_NAMES {
            split.stat_oldest();
        }
    }
    if split.parts > 0 {
        split.close_chunk(&mut dir);
    }
    // Help with what is left, then wait for the parts others took: this
    // reader's place among the directories open at once covers the
    // descriptor they use.
    while !split.waiting.is_empty() {
        split.stat_oldest();
    }
    split.chunk.in_flight.wait();
    for chunk in split.closed.iter().chain([&split.chunk]) {
        chunk.release();
    }
    read.record_error(&mut dir.batch);
    crew.handoff.publish_rest(dir.batch.entries);
    dir.batch.part = split.chunks;
    crew.handoff.send(Message::Dir(dir.batch));
}

impl Split<'_, '_> {
    /// The reader stats the oldest part still waiting itself (unless a
    /// worker took it meanwhile) and queues the subdirectories it found.
    fn stat_oldest(&mut self) {
        if let Some(part) = self.waiting.pop_front() {
            stat_part(self.crew, self.job, &part, &mut self.children);
            self.queue.queue.push(self.children.drain(..));
        }
    }

    /// Queues `names` as the next part of the chunk being read.
    fn add_part(&mut self, names: Names) {
        self.in_chunk += names.len();
        let part = Arc::new(Part::new(names, self.parts, self.chunk.clone()));
        self.parts += 1;
        self.queue
            .queue
            .push(std::iter::once(self.job.part_job(&part)));
        (self.queue.grow)();
        self.waiting.push_back(part);
    }

    /// Ends the chunk being read (it has parts), and starts the next.
    fn close_chunk(&mut self, dir: &mut Gather) {
        let sorted = dir.chunk.sorts(self.in_chunk, self.fd);
        self.chunks += 1;
        let next = Arc::new(ChunkJoin::new(
            self.fd.clone(),
            self.chunks,
            self.chunk.in_flight.clone(),
        ));
        let chunk = std::mem::replace(&mut self.chunk, next);
        if let Some(parts) = chunk.close(self.parts, sorted) {
            join_chunk(self.crew, self.job, &chunk, parts, &mut self.children);
            self.queue.queue.push(self.children.drain(..));
        }
        self.closed.push(chunk);
        self.parts = 0;
        self.in_chunk = 0;
    }
}

/// Sends a chunk whose parts are all done as one batch, in fts's order,
/// and adds the jobs of its subdirectories to `children`.
fn join_chunk(
    crew: Crew<'_, '_>,
    job: &Job,
    chunk: &ChunkJoin,
    (parts, sorted): (Vec<Stated>, bool),
    children: &mut Vec<Job>,
) {
    let (mut batch, subdirs) = join(parts, sorted);
    batch.part = chunk.chunk;
    batch.last = false;
    crew.handoff
        .finish(job, chunk.fd(), None, batch, subdirs, children);
}

/// Reads names into `names` until it holds `room`; true when the
/// directory has nothing more to read (its end, an error, which `read`
/// keeps, or a cancel, which `batch` records). Past what can be kept,
/// the directory reads as cut short (out of memory).
fn read_names(
    crew: Crew<'_, '_>,
    raw: &mut RawDir<'_, BorrowedFd<'_>>,
    read: &mut Reading,
    batch: &mut Batch,
    names: &mut Names,
    room: usize,
) -> bool {
    while names.len() < room {
        let Some(entry) = read.next(raw) else {
            return true;
        };
        let (name, ino, dtype): (&CStr, u64, FileType) =
            (entry.file_name(), entry.ino(), entry.file_type());
        match read.count(name, batch, crew.cancel, crew.handoff.live()) {
            None => {}
            Some(false) => return true,
            Some(true) if !names.push(name, ino, dtype) => {
                batch.dir_error = Some((ErrorKind::ReadPartial, libc::ENOMEM));
                return true;
            }
            Some(true) => {}
        }
    }
    false
}

/// Stats the names of `part` in read order, unless another worker took
/// them, and hands the result to its chunk: the last part done of a chunk
/// whose parts are all known joins and sends it.
pub(super) fn stat_part(crew: Crew<'_, '_>, job: &Job, part: &Part, children: &mut Vec<Job>) {
    let Some(names) = part.take() else {
        return;
    };
    let classify = crew.classify;
    let fd = &part.chunk.fd();
    let mut batch = crew.classify.new_batch(job);
    let mut scratch = classify.scratch(job);
    let mut subdirs = Vec::new();
    let mut inos = Vec::new();
    for i in 0..names.len() {
        if crew.cancel.is_cancelled() {
            batch.incomplete = true;
            break;
        }
        let (name, ino, dtype) = names.get(i);
        let before = batch.items.len();
        classify.add_entry(
            job,
            fd,
            (name, dtype),
            &mut scratch,
            &mut batch,
            &mut subdirs,
        );
        if batch.items.len() > before {
            inos.push(ino);
        }
    }
    drop(names);
    let stated = Stated {
        batch,
        subdirs,
        inos,
    };
    if let Some(parts) = part.chunk.hand_in(part.number, stated) {
        join_chunk(crew, job, &part.chunk, parts, children);
    }
    part.chunk.in_flight.end();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that found no one free looks again soon: behind a slow
    /// file system each entry it reads alone costs a round trip.
    #[test]
    fn a_reader_looks_at_16_and_32_and_then_never_more_than_64_entries_apart() {
        let chunk = super::super::order::CHUNK as u64;
        let looks: Vec<u64> = (0..chunk + 2048).filter(|&n| looks_at(n)).collect();
        assert_eq!(looks[..3], [16, 32, 64]);
        assert!(looks.windows(2).all(|w| w[1] - w[0] <= 64));
        assert!(
            *looks.last().unwrap() >= chunk - 64 && *looks.last().unwrap() < chunk,
            "looks run to the end of the first chunk and stop there"
        );
    }
}
