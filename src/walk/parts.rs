//! The parts of a wide directory and where they meet: a part is a run of
//! names any worker may stat; the parts of one fts chunk are handed in to
//! their chunk, and the worker that completes it joins them in fts's order.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

use rustix::fd::OwnedFd;

use super::names::Names;
use super::order::{self, SubDir};
use crate::stream::batch::Batch;

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
    pub fn release(&self) {
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
        order::sort_items(&mut batch, 0, &inos, &mut subdirs);
    }
    (batch, subdirs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::fs::FileType;

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
