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

use std::ffi::CStr;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustix::fd::{BorrowedFd, OwnedFd};
use rustix::fs::FileType;
use rustix::fs::RawDir;

use super::{Gather, Job, PUBLISH_EVERY, Reading, Spread, SubDir, Walker, order};
use crate::batch::{Batch, ErrorKind, Message};

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

/// One entry as getdents64 gave it, in 12 bytes: its inode and where its
/// record starts in [`Names::bytes`] (a d_type byte, then the name and
/// its NUL).
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct Ent {
    ino: u64,
    start: u32,
}

/// The names of one fts chunk, with their d_ino and d_type, in read order:
/// one byte arena and one small record per name.
#[derive(Default)]
pub struct Names {
    bytes: Vec<u8>,
    ents: Vec<Ent>,
}

impl Names {
    pub fn len(&self) -> usize {
        self.ents.len()
    }

    /// Adds an entry; false past 4 GiB of names, which a chunk of 100,000
    /// names of at most 255 bytes cannot reach.
    pub fn push(&mut self, name: &CStr, ino: u64, file_type: FileType) -> bool {
        let Ok(start) = u32::try_from(self.bytes.len()) else {
            return false;
        };
        self.bytes.push(dtype_byte(file_type));
        self.bytes.extend_from_slice(name.to_bytes_with_nul());
        self.ents.push(Ent { ino, start });
        true
    }

    /// Entry `i`: its name, its inode and its dirent type.
    pub fn get(&self, i: usize) -> (&CStr, u64, FileType) {
        let Ent { ino, start } = self.ents[i];
        let record = &self.bytes[start as usize..];
        let name =
            CStr::from_bytes_until_nul(&record[1..]).expect("every name was stored with its NUL");
        (name, ino, dtype_of(record[0]))
    }

    /// Room for `entries` names of about `name_bytes` each.
    pub fn with_room(entries: usize, name_bytes: usize) -> Self {
        Names {
            bytes: Vec::with_capacity(name_bytes.max(8) * entries),
            ents: Vec::with_capacity(entries),
        }
    }

    /// The bytes a name takes here, on average (its type and NUL too).
    pub fn name_bytes(&self) -> usize {
        self.bytes.len().div_ceil(self.len().max(1))
    }
}

/// getdents64's d_type of a file type (DT_*), and back.
fn dtype_byte(file_type: FileType) -> u8 {
    match file_type {
        FileType::Fifo => 1,
        FileType::CharacterDevice => 2,
        FileType::Directory => 4,
        FileType::BlockDevice => 6,
        FileType::RegularFile => 8,
        FileType::Symlink => 10,
        FileType::Socket => 12,
        _ => 0,
    }
}

fn dtype_of(byte: u8) -> FileType {
    match byte {
        1 => FileType::Fifo,
        2 => FileType::CharacterDevice,
        4 => FileType::Directory,
        6 => FileType::BlockDevice,
        8 => FileType::RegularFile,
        10 => FileType::Symlink,
        12 => FileType::Socket,
        _ => FileType::Unknown,
    }
}

/// What one part found: its batch, the subdirectories among its items
/// and the inode of each item (for fts's sort).
pub struct Stated {
    pub batch: Batch,
    pub subdirs: Vec<SubDir>,
    pub inos: Vec<u64>,
}

/// Up to [`PART`] names of a wide directory, waiting to be stat'ed by
/// whichever worker takes them first.
pub struct Part {
    names: Mutex<Option<Names>>,
    /// Its place in its chunk.
    pub number: u32,
    pub chunk: Arc<ChunkJoin>,
}

impl Part {
    pub fn new(names: Names, number: u32, chunk: Arc<ChunkJoin>) -> Self {
        Part {
            names: Mutex::new(Some(names)),
            number,
            chunk,
        }
    }

    /// Its names, for the one worker that takes them; their memory goes
    /// with them, whoever still holds the part. The taker says
    /// [`InFlight::end`] when it has handed the part in.
    pub fn take(&self) -> Option<Names> {
        let mut slot = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        let names = slot.take();
        // Counted before the slot is let go: a reader that then finds it
        // empty and waits for the parts in flight waits for this one too,
        // and keeps the descriptor it uses.
        if names.is_some() {
            self.chunk.in_flight.start();
        }
        drop(slot);
        names
    }

    pub fn taken(&self) -> bool {
        self.names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }
}

/// The parts of one directory being stat'ed. Its reader waits for them
/// before it lets go of its place among the directories open at once: the
/// parts use its descriptor.
#[derive(Default)]
pub struct InFlight {
    count: Mutex<usize>,
    none: Condvar,
}

impl InFlight {
    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn start(&self) {
        *self.lock() += 1;
    }

    /// A part taken is handed in.
    pub fn end(&self) {
        let mut count = self.lock();
        *count -= 1;
        if *count == 0 {
            self.none.notify_all();
        }
    }

    /// Waits until no part taken is still being stat'ed.
    pub fn wait(&self) {
        let mut count = self.lock();
        while *count > 0 {
            count = self
                .none
                .wait(count)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Where the parts of one fts chunk meet: the worker that completes the
/// chunk (its last part done, or the reader saying how many parts there
/// are, whichever comes last) gets them all to join.
pub struct ChunkJoin {
    /// The directory, for the parts' fstatat calls, until its reader is
    /// done: parts already stat'ed may wait in the queue long after, and
    /// must not keep the descriptor open past the reader's place among
    /// the directories open at once.
    fd: Mutex<Option<Arc<OwnedFd>>>,
    /// Its number among the directory's chunks (its batch's part).
    pub chunk: u32,
    /// The directory's parts being stat'ed, in every chunk.
    pub in_flight: Arc<InFlight>,
    state: Mutex<JoinState>,
}

#[derive(Default)]
struct JoinState {
    parts: Vec<Option<Stated>>,
    done: u32,
    /// How many parts, and whether fts sorts the chunk, once read.
    total: Option<(u32, bool)>,
}

impl JoinState {
    /// Every part, in order, and whether to sort, if all are in.
    fn complete(&mut self) -> Option<(Vec<Stated>, bool)> {
        let (total, sorted) = self.total?;
        (self.done == total).then(|| {
            let parts = std::mem::take(&mut self.parts)
                .into_iter()
                .map(|s| s.expect("every part handed in"))
                .collect();
            (parts, sorted)
        })
    }
}

impl ChunkJoin {
    pub fn new(fd: Arc<OwnedFd>, chunk: u32, in_flight: Arc<InFlight>) -> Self {
        ChunkJoin {
            fd: Mutex::new(Some(fd)),
            chunk,
            in_flight,
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JoinState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The directory's descriptor, while a part may still need it.
    pub fn fd(&self) -> Arc<OwnedFd> {
        self.fd
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .expect("no part is stat'ed after its reader is done")
    }

    /// Lets go of the descriptor: every part is in.
    fn release(&self) {
        self.fd
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// Hands in part `number`.
    pub fn hand_in(&self, number: u32, stated: Stated) -> Option<(Vec<Stated>, bool)> {
        let mut state = self.lock();
        let i = number as usize;
        if state.parts.len() <= i {
            state.parts.resize_with(i + 1, || None);
        }
        state.parts[i] = Some(stated);
        state.done += 1;
        state.complete()
    }

    /// Says the chunk has `total` parts, and whether fts sorts it.
    pub fn close(&self, total: u32, sorted: bool) -> Option<(Vec<Stated>, bool)> {
        let mut state = self.lock();
        state.total = Some((total, sorted));
        state.complete()
    }
}

/// Joins the parts of a chunk into one batch, in fts's order.
pub fn join(parts: Vec<Stated>, sorted: bool) -> (Batch, Vec<SubDir>) {
    let mut parts = parts.into_iter();
    let Stated {
        mut batch,
        mut subdirs,
        mut inos,
    } = parts.next().expect("a chunk has a part");
    for part in parts {
        let base = batch.items.len() as u32;
        subdirs.extend(part.subdirs.into_iter().map(|mut s| {
            s.item += base;
            s
        }));
        inos.extend(part.inos);
        let b = part.batch;
        batch.items.append(b.items);
        batch.files.add(b.files);
        batch.dir_bytes = batch.dir_bytes.saturating_add(b.dir_bytes);
        batch.incomplete |= b.incomplete;
        batch.dir_error = batch.dir_error.or(b.dir_error);
        batch.entries += b.entries;
    }
    if sorted && !inos.is_empty() {
        super::order::sort_items(&mut batch, 0, &inos, &mut subdirs);
    }
    (batch, subdirs)
}

/// Names of a wide directory a reader lets wait for other workers before
/// it stats a part itself: enough to keep them busy while it reads, few
/// enough that the names held stay small.
const READ_AHEAD_NAMES: usize = 4 * PART;

/// A wide directory being split: the chunk being read, with how many
/// parts and entries it has so far, how many chunks came before, the
/// parts queued that may not have been taken, and how many names a part
/// takes.
struct Split {
    chunk: Arc<ChunkJoin>,
    /// The chunks closed before `chunk`, to release their descriptors.
    closed: Vec<Arc<ChunkJoin>>,
    chunks: u32,
    parts: u32,
    in_chunk: usize,
    waiting: std::collections::VecDeque<Arc<Part>>,
    children: Vec<Job>,
    part_size: usize,
}

/// The walker's side of the split: deciding, reading the names ahead,
/// handing out parts, stating them and joining each chunk.
impl Walker<'_> {
    /// Names per part if the directory whose first `entries` were read
    /// since `opened` is to be split now: it has been slow, and a worker
    /// is there to help.
    pub(super) fn split_now(
        &self,
        entries: u64,
        opened: Instant,
        queue: &Spread<'_>,
    ) -> Option<usize> {
        if self.forced_part.is_some() {
            return self.forced_part;
        }
        part_size(entries, opened.elapsed()).filter(|_| (queue.help_at_hand)())
    }

    /// Splits the directory of `job`, whose first entries its reader has
    /// stat'ed into `dir` and whose rest `raw` reads: the entries stat'ed
    /// are the first part of the first chunk, and the names that follow
    /// are cut into parts of `part_size` as they are read, each queued for
    /// any worker; when many names wait, the reader stats a part itself,
    /// so the names kept stay few. A chunk's batch is sent when its last
    /// part is done; the closing batch, with what the reading found (its
    /// entries, its error), is sent here.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn split(
        &self,
        job: &Job,
        fd: &Arc<OwnedFd>,
        raw: &mut RawDir<'_, BorrowedFd<'_>>,
        mut read: Reading,
        mut dir: Gather,
        queue: &Spread<'_>,
        part_size: usize,
    ) {
        let config = self.config;
        let mut split = Split {
            chunk: Arc::new(ChunkJoin::new(fd.clone(), 0, Arc::default())),
            closed: Vec::new(),
            chunks: 0,
            parts: 1,
            in_chunk: dir.chunk.seen,
            waiting: std::collections::VecDeque::new(),
            children: Vec::new(),
            part_size,
        };
        // What the reader stat'ed is part 0. The closing batch keeps the
        // count of entries read.
        let mut first = Batch::new(job.node, config.time.is_some(), config.details);
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
            ended = self.read_names(raw, &mut read, &mut dir.batch, &mut part, room);
            if part.len() > 0 {
                name_bytes = part.name_bytes();
                self.add_part(job, part, &mut split, queue);
            }
            if split.in_chunk == order::CHUNK {
                self.close_chunk(job, fd, &mut split, &mut dir, queue);
            }
            // Read ahead of the stats by so many names only.
            split.waiting.retain(|p| !p.taken());
            while split.waiting.len() * split.part_size > READ_AHEAD_NAMES {
                self.stat_oldest(job, &mut split, queue);
            }
        }
        if split.parts > 0 {
            self.close_chunk(job, fd, &mut split, &mut dir, queue);
        }
        // Help with what is left, then wait for the parts others took:
        // this reader's place among the directories open at once covers
        // the descriptor they use.
        while !split.waiting.is_empty() {
            self.stat_oldest(job, &mut split, queue);
        }
        split.chunk.in_flight.wait();
        for chunk in split.closed.iter().chain([&split.chunk]) {
            chunk.release();
        }
        read.record_error(&mut dir.batch);
        if let Some(live) = self.live {
            live.add_entries(dir.batch.entries % PUBLISH_EVERY);
        }
        dir.batch.part = split.chunks;
        self.send(Message::Dir(dir.batch));
    }

    /// The reader stats the oldest part still waiting itself (unless a
    /// worker took it meanwhile) and queues the subdirectories it found.
    fn stat_oldest(&self, job: &Job, split: &mut Split, queue: &Spread<'_>) {
        if let Some(part) = split.waiting.pop_front() {
            self.stat_part(job, &part, &mut split.children);
            queue.queue.push(split.children.drain(..));
        }
    }

    /// Queues `names` as the next part of the chunk being read.
    fn add_part(&self, job: &Job, names: Names, split: &mut Split, queue: &Spread<'_>) {
        split.in_chunk += names.len();
        let part = Arc::new(Part::new(names, split.parts, split.chunk.clone()));
        split.parts += 1;
        queue.queue.push(std::iter::once(job.part_job(&part)));
        (queue.grow)();
        split.waiting.push_back(part);
    }

    /// Ends the chunk being read (it has parts), and starts the next.
    fn close_chunk(
        &self,
        job: &Job,
        fd: &Arc<OwnedFd>,
        split: &mut Split,
        dir: &mut Gather,
        queue: &Spread<'_>,
    ) {
        let sorted = dir.chunk.sorts(split.in_chunk, fd);
        split.chunks += 1;
        let next = Arc::new(ChunkJoin::new(
            fd.clone(),
            split.chunks,
            split.chunk.in_flight.clone(),
        ));
        let chunk = std::mem::replace(&mut split.chunk, next);
        if let Some(parts) = chunk.close(split.parts, sorted) {
            self.join_chunk(job, &chunk, parts, &mut split.children);
            queue.queue.push(split.children.drain(..));
        }
        split.closed.push(chunk);
        split.parts = 0;
        split.in_chunk = 0;
    }

    /// Sends a chunk whose parts are all done as one batch, in fts's
    /// order, and adds the jobs of its subdirectories to `children`.
    fn join_chunk(
        &self,
        job: &Job,
        chunk: &ChunkJoin,
        (parts, sorted): (Vec<Stated>, bool),
        children: &mut Vec<Job>,
    ) {
        let (mut batch, subdirs) = join(parts, sorted);
        batch.part = chunk.chunk;
        batch.last = false;
        self.finish(job, chunk.fd(), None, batch, subdirs, children);
    }

    /// Counts an entry read and keeps its name for later; false when the
    /// run is cancelled or the names are too many to keep.
    fn take_name(
        &self,
        (name, ino, dtype): (&CStr, u64, FileType),
        read: &mut Reading,
        batch: &mut Batch,
        names: &mut Names,
    ) -> bool {
        match self.count_entry(name, read, batch) {
            None => true,
            Some(false) => false,
            Some(true) => {
                if names.push(name, ino, dtype) {
                    return true;
                }
                batch.dir_error = Some((ErrorKind::ReadPartial, libc::ENOMEM));
                false
            }
        }
    }

    /// Reads names into `names` until it holds `room`; true when the
    /// directory has nothing more to read (its end, an error, which
    /// `read` keeps, or a cancel, which `batch` records).
    fn read_names(
        &self,
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
            let entry = (entry.file_name(), entry.ino(), entry.file_type());
            if !self.take_name(entry, read, batch, names) {
                return true;
            }
        }
        false
    }

    /// Stats the names of `part` in read order, unless another worker
    /// took them, and hands the result to its chunk: the last part done
    /// of a chunk whose parts are all known joins and sends it.
    pub(super) fn stat_part(&self, job: &Job, part: &Part, children: &mut Vec<Job>) {
        let Some(names) = part.take() else {
            return;
        };
        let config = self.config;
        let fd = &part.chunk.fd();
        let mut batch = Batch::new(job.node, config.time.is_some(), config.details);
        let mut scratch = self.scratch(job);
        let mut subdirs = Vec::new();
        let mut inos = Vec::new();
        for i in 0..names.len() {
            if self.cancel.is_cancelled() {
                batch.incomplete = true;
                break;
            }
            let (name, ino, dtype) = names.get(i);
            let before = batch.items.len();
            self.add_entry(
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
            self.join_chunk(job, &part.chunk, parts, children);
        }
        part.chunk.in_flight.end();
    }
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

    #[test]
    fn a_name_takes_12_bytes_and_keeps_its_inode_and_type() {
        assert_eq!(std::mem::size_of::<Ent>(), 12);
        let mut names = Names::default();
        names.push(c"b", 7, FileType::RegularFile);
        names.push(c"a", u64::MAX, FileType::Directory);
        names.push(c"c", 7, FileType::Unknown);
        let got: Vec<_> = (0..names.len()).map(|i| names.get(i)).collect();
        assert_eq!(
            got,
            [
                (c"b", 7, FileType::RegularFile),
                (c"a", u64::MAX, FileType::Directory),
                (c"c", 7, FileType::Unknown)
            ]
        );
    }

    #[test]
    fn a_chunk_is_joined_once_when_its_parts_are_in_and_counted() {
        let fd = Arc::new(
            rustix::fs::open(".", rustix::fs::OFlags::RDONLY, rustix::fs::Mode::empty()).unwrap(),
        );
        let stated = |n: u64| Stated {
            batch: Batch {
                entries: n,
                ..Batch::default()
            },
            subdirs: Vec::new(),
            inos: Vec::new(),
        };
        // The reader counts the parts after one came and before the other.
        let join = ChunkJoin::new(fd.clone(), 3, Arc::default());
        assert!(join.hand_in(1, stated(1)).is_none());
        assert!(join.close(2, true).is_none());
        let (parts, sorted) = join.hand_in(0, stated(0)).expect("complete");
        assert!(sorted);
        let order: Vec<u64> = parts.iter().map(|p| p.batch.entries).collect();
        assert_eq!(order, [0, 1]);
        // All in before the reader counts them.
        let join = ChunkJoin::new(fd, 4, Arc::default());
        assert!(join.hand_in(0, stated(5)).is_none());
        assert!(join.close(1, false).is_some());
    }

    #[test]
    fn a_part_is_taken_once() {
        let fd = Arc::new(
            rustix::fs::open(".", rustix::fs::OFlags::RDONLY, rustix::fs::Mode::empty()).unwrap(),
        );
        let mut names = Names::default();
        names.push(c"x", 1, FileType::RegularFile);
        let part = Part::new(names, 0, Arc::new(ChunkJoin::new(fd, 0, Arc::default())));
        assert!(!part.taken());
        assert_eq!(part.take().map(|n| n.len()), Some(1));
        assert!(part.taken());
        assert!(part.take().is_none());
    }
}
