//! The parallel walk's work queue: every worker takes the pending
//! directory that comes first in GNU du's traversal order. The output is
//! printed in that order, so what the workers finish early only waits in
//! memory; working from the front keeps that wait, and that memory, small
//! (a thief taking the last directory of the tree, as work stealing does,
//! would hold back everything it reads until the end).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::descriptors::DirHandle;
use super::job::Job;

/// A job in the heap, ordered so that the first in traversal order is on
/// top of std's max-heap.
struct Queued(Job);

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        traversal_order(&self.0, &other.0).reverse()
    }
}

/// Compares two jobs' places in the traversal: operands in order, then the
/// places among siblings from the top down. The parts of a wide
/// directory's chunk come right after the directory, before its later
/// chunks, and the subdirectories a chunk found come after its parts and
/// before the next chunk's (each chunk's subdirectories hang from a handle
/// of that chunk). Walking
/// up the chains of parents costs the depth below the common ancestor,
/// allocation-free.
pub(crate) fn traversal_order(a: &Job, b: &Job) -> Ordering {
    if a.operand != b.operand {
        return a.operand.cmp(&b.operand);
    }
    // An ancestor comes before what is below it.
    let tie = a.depth.cmp(&b.depth);
    /// A place: depth, (index, part) among the siblings, parent.
    type Place<'a> = (usize, (u32, u32), Option<&'a DirHandle>);
    fn step(place: Place<'_>) -> Place<'_> {
        let parent = place.2.expect("a job below depth 0 has a parent");
        (
            place.0 - 1,
            (parent.index, parent.part),
            parent.parent.as_deref(),
        )
    }
    let mut x = (a.depth, (a.index, a.part), a.parent.as_deref());
    let mut y = (b.depth, (b.index, b.part), b.parent.as_deref());
    while x.0 > y.0 {
        x = step(x);
    }
    while y.0 > x.0 {
        y = step(y);
    }
    loop {
        let same_parent = match (x.2, y.2) {
            (None, None) => true,
            (Some(p), Some(q)) => std::ptr::eq(p, q),
            _ => false,
        };
        if same_parent {
            return x.1.cmp(&y.1).then(tie);
        }
        x = step(x);
        y = step(y);
    }
}

/// How often a held-back worker looks whether the output has caught up.
const HOLD_BACK_POLL: std::time::Duration = std::time::Duration::from_millis(1);

struct State {
    heap: BinaryHeap<Queued>,
    /// Workers holding a job.
    busy: usize,
    /// More operands may still be added.
    open: bool,
    /// Workers waiting for a job.
    idle: usize,
    /// Workers waiting for the output to catch up.
    held: usize,
    /// A held-back worker is looking at the clock; the others held back
    /// sleep until it passes the turn on.
    polling: bool,
    /// Idle workers woken and not yet back at the lock: each will take a
    /// job, so no other need be woken for it.
    woken: usize,
}

impl State {
    /// Counts `n` more idle workers as woken, as many as are asleep;
    /// returns how many that is.
    fn wake(&mut self, n: usize) -> usize {
        let n = n.min(self.idle - self.woken);
        self.woken += n;
        n
    }

    /// Wakes as many idle workers as jobs wait beyond those the workers
    /// already woken will take. Busy workers are not counted on: one may
    /// stay on a large directory, or wait on a slow disk, for long.
    fn wake_for_the_rest(&mut self) -> usize {
        self.wake(self.heap.len().saturating_sub(self.woken))
    }

    /// Whether held-back workers sleep with none looking at the clock.
    fn none_polling(&self) -> bool {
        self.held > 0 && !self.polling
    }

    /// An idle worker is back from waiting, woken or not.
    fn back(&mut self) {
        self.idle -= 1;
        self.woken = self.woken.saturating_sub(1);
    }
}

pub(crate) struct Queue {
    state: Mutex<State>,
    /// Where idle workers wait for jobs.
    ready: Condvar,
    /// Where held-back workers wait, apart from the idle ones: a job added
    /// wakes an idle worker, never one that could not take it.
    held_back: Condvar,
}

impl Queue {
    pub fn new() -> Self {
        Queue {
            state: Mutex::new(State {
                heap: BinaryHeap::new(),
                busy: 0,
                open: true,
                idle: 0,
                held: 0,
                polling: false,
                woken: 0,
            }),
            ready: Condvar::new(),
            held_back: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds jobs, and wakes an idle worker for each job that no worker
    /// already woken will take: a wake costs a futex call on both sides,
    /// and std's condition variable calls the kernel on every
    /// notification, whether or not anyone sleeps.
    pub fn push(&self, jobs: impl IntoIterator<Item = Job>) {
        let mut state = self.lock();
        let before = state.heap.len();
        state.heap.extend(jobs.into_iter().map(Queued));
        if state.heap.len() == before {
            return;
        }
        let n = state.wake_for_the_rest();
        drop(state);
        self.notify(n);
    }

    fn notify(&self, n: usize) {
        for _ in 0..n {
            self.ready.notify_one();
        }
    }

    /// No more operands will be added.
    pub fn close(&self) {
        let mut state = self.lock();
        state.open = false;
        let idle = state.idle;
        drop(state);
        if idle > 0 {
            self.ready.notify_all();
        }
    }

    /// Waits for the first job in order; None when the walk is over (no
    /// job left, none being read that could add one, no operand to come).
    /// `finished` says the caller is done with the job it held. While
    /// `hold_back(first)` says the output is too far behind for the first
    /// job, it is left while another worker reads: that one is then
    /// reading, or will take, what the output waits for, so holding back
    /// cannot stop the walk. One held-back worker looks again every
    /// millisecond; the rest sleep until it passes one on, not all of
    /// them waking a thousand times a second.
    pub fn pop(&self, finished: bool, hold_back: &dyn Fn(&Job) -> bool) -> Option<Job> {
        let mut state = self.lock();
        if finished {
            state.busy -= 1;
        }
        loop {
            if state.busy > 0 && state.heap.peek().is_some_and(|q| hold_back(&q.0)) {
                state.held += 1;
                if state.polling {
                    state = self
                        .held_back
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                } else {
                    // Looked at again shortly: the output's progress wakes
                    // no one here.
                    state.polling = true;
                    state = self
                        .held_back
                        .wait_timeout(state, HOLD_BACK_POLL)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                    state.polling = false;
                }
                state.held -= 1;
                continue;
            }
            // Leaving the held-back workers with no one polling, this one
            // hands the turn on.
            let pass_on = state.none_polling();
            if let Some(Queued(job)) = state.heap.pop() {
                state.busy += 1;
                let more = state.wake_for_the_rest();
                drop(state);
                self.notify(more);
                if pass_on {
                    self.held_back.notify_one();
                }
                return Some(job);
            }
            if state.busy == 0 && !state.open {
                let waiting = state.idle + state.held;
                drop(state);
                if waiting > 0 {
                    self.ready.notify_all();
                    self.held_back.notify_all();
                }
                return None;
            }
            if pass_on {
                self.held_back.notify_one();
            }
            state.idle += 1;
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.back();
        }
    }

    /// Whether more jobs wait than idle workers will take: another worker
    /// would have something to do.
    pub fn wants_worker(&self) -> bool {
        let state = self.lock();
        state.heap.len() > state.idle + state.held
    }

    /// Whether more jobs wait than idle workers will take and no worker
    /// is held back: the workers, not the output's order, are what the
    /// walk waits for.
    pub fn wants_worker_unheld(&self) -> bool {
        let state = self.lock();
        state.held == 0 && state.heap.len() > state.idle
    }

    /// Whether a worker waits for a job: work queued now is taken at once.
    pub fn has_idle(&self) -> bool {
        self.lock().idle > 0
    }

    /// Whether a worker waits, for a job or for the output to catch up:
    /// the parts of a directory being read are taken at once either way,
    /// since they are never held back.
    pub fn has_waiting(&self) -> bool {
        let state = self.lock();
        state.idle + state.held > 0
    }

    /// A worker leaves the walk and puts back `job`, the one it held: the
    /// others take it.
    pub fn leave(&self, job: Job) {
        let mut state = self.lock();
        state.heap.push(Queued(job));
        state.busy -= 1;
        let n = state.wake_for_the_rest();
        drop(state);
        self.notify(n);
        // A held-back worker may now take the job this one put back.
        self.held_back.notify_one();
    }

    /// A worker that dies holding a job gives it up, so the others end.
    pub fn abandon(&self) {
        self.lock().busy -= 1;
        self.ready.notify_all();
        self.held_back.notify_all();
    }
}

/// Where the parts of a wide directory go: the queue of a parallel walk,
/// and how to start a worker for them if more may be.
pub(crate) struct Spread<'q> {
    pub queue: &'q Queue,
    pub grow: &'q dyn Fn(),
    /// Whether a worker is idle or could be started; given true (each
    /// stat waits on a server), a worker held back counts too.
    pub help_at_hand: &'q dyn Fn(bool) -> bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering as Atomic};
    use std::sync::{Arc, Mutex};

    fn handle(parent: Option<Arc<DirHandle>>, index: u32) -> Arc<DirHandle> {
        Arc::new(DirHandle {
            fd: Mutex::new(None),
            unopened: AtomicUsize::new(0),
            parent,
            name: Box::default(),
            dev: 0,
            ino: u64::from(index),
            index,
            part: 0,
            // Nodes in these tests: 100 plus the index.
            node: 100 + index,
            active: Arc::default(),
        })
    }

    fn job(parent: Option<&Arc<DirHandle>>, depth: usize, index: u32, operand: usize) -> Job {
        Job {
            parent: parent.cloned(),
            name: Box::default(),
            node: 0,
            dev: 0,
            ino: 0,
            root_dev: 0,
            depth,
            operand,
            index,
            links: 0,
            part: 0,
            work: None,
        }
    }

    #[test]
    fn a_job_is_below_each_directory_on_its_way_up_and_no_other() {
        let root = handle(None, 0);
        let a = handle(Some(root.clone()), 1);
        let b = handle(Some(root.clone()), 2);
        let under_a = job(Some(&a), 2, 0, 0);
        assert!(under_a.is_below(101), "its parent");
        assert!(under_a.is_below(100), "its grandparent");
        assert!(!under_a.is_below(102), "a sibling of its parent");
        assert!(!job(Some(&b), 2, 0, 0).is_below(101));
        assert!(
            !job(None, 0, 0, 0).is_below(100),
            "an operand is below nothing"
        );
    }

    #[test]
    fn jobs_come_out_in_traversal_order() {
        // root (operand 0) has subdirectories a (0) and b (1); a has a0, a1.
        let root = handle(None, 0);
        let a = handle(Some(root.clone()), 0);
        let queue = Queue::new();
        queue.push([
            job(Some(&root), 1, 1, 0), // b
            job(None, 0, 0, 1),        // the next operand
            job(Some(&a), 2, 1, 0),    // a1
            job(Some(&a), 2, 0, 0),    // a0
        ]);
        queue.close();
        let never = |_: &Job| false;
        let mut order = Vec::new();
        let mut finished = false;
        while let Some(j) = queue.pop(finished, &never) {
            order.push((j.operand, j.depth, j.index));
            finished = true;
        }
        assert_eq!(order, [(0, 2, 0), (0, 2, 1), (0, 1, 1), (1, 0, 0)]);
    }

    #[test]
    fn held_back_workers_let_one_read_and_all_jobs_get_done() {
        let queue = Arc::new(Queue::new());
        queue.push((0..50).map(|i| job(None, 0, 0, i)));
        queue.close();
        let reading = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (queue, reading, most, done) =
                    (queue.clone(), reading.clone(), most.clone(), done.clone());
                std::thread::spawn(move || {
                    let always = |_: &Job| true;
                    let mut finished = false;
                    while let Some(_job) = queue.pop(finished, &always) {
                        let now = reading.fetch_add(1, Atomic::SeqCst) + 1;
                        most.fetch_max(now, Atomic::SeqCst);
                        std::thread::yield_now();
                        reading.fetch_sub(1, Atomic::SeqCst);
                        done.fetch_add(1, Atomic::SeqCst);
                        finished = true;
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(done.load(Atomic::SeqCst), 50);
        assert_eq!(most.load(Atomic::SeqCst), 1, "held back, two read at once");
    }

    #[test]
    fn a_worker_that_leaves_puts_its_job_back_and_the_walk_still_ends() {
        let queue = Queue::new();
        queue.push((0..3).map(|i| job(None, 0, 0, i)));
        queue.close();
        let never = |_: &Job| false;
        let held = queue.pop(false, &never).expect("a job");
        // It leaves holding the job: another worker takes it, and the
        // walk ends once every job is done, not one counted as held.
        queue.leave(held);
        let mut done = 0;
        let mut finished = false;
        while queue.pop(finished, &never).is_some() {
            done += 1;
            finished = true;
        }
        assert_eq!(done, 3);
    }

    #[test]
    fn a_held_back_worker_counts_as_waiting_and_the_walk_as_not_wanting_workers() {
        let queue = Arc::new(Queue::new());
        queue.push((0..2).map(|i| job(None, 0, 0, i)));
        let never = |_: &Job| false;
        let first = queue.pop(false, &never).expect("a job");
        assert!(!queue.has_waiting());
        assert!(queue.wants_worker_unheld());
        let waiter = {
            let queue = queue.clone();
            std::thread::spawn(move || queue.pop(false, &|_: &Job| true).is_some())
        };
        // The other worker is held back while this one reads.
        while !queue.has_waiting() {
            std::thread::yield_now();
        }
        assert!(!queue.wants_worker_unheld(), "held back, yet counted free");
        drop(first);
        assert!(queue.pop(true, &never).is_some(), "the second job");
        queue.close();
        assert!(queue.pop(true, &never).is_none());
        assert!(!waiter.join().unwrap(), "nothing left for the held one");
    }
}
