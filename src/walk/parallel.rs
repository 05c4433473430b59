//! The walk on many threads (the book's du3 and du4): every worker takes
//! the first directory in traversal order from a shared queue and, after
//! reading it, goes on with its first subdirectory itself (warm in cache,
//! and next in the order) while the others go to the queue.
//!
//! The workers are rayon tasks, but few and long-lived: one task per
//! worker, each looping over the queue until the walk is over, not one
//! task per directory. A task per directory wakes an idle pool thread for
//! each spawn, and on two cores a pool of 32 then spends its time waking
//! threads that find nothing to steal. Workers are added as the work asks
//! for them: one for the first operand, then another whenever a directory
//! waits that no idle worker can take, up to the count the [`Tuner`]
//! allows; each brings its own thread of the pool (see [`Threads`]).
//! When the tuner lowers its count (on FUSE, after a raise that did not
//! pay), the workers over it leave between two directories, putting back
//! the one they would have read next; their threads stay in the pool,
//! idle, and serve any worker started later.

use rayon::Scope;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::concurrency::{Plan, Tuner};
use super::job::Job;
use super::pool::Threads;
use super::queue::Queue;
use super::queue::Spread;
use super::read::dirent_buffer;
use super::threads;
use super::walker::Walker;
use crate::config::Operand;

/// What the workers share.
struct Pool<'w, 'a> {
    walker: &'w Walker<'a>,
    threads: Option<Threads>,
    queue: Queue,
    tuner: Tuner,
    /// Workers running: started, less those that left.
    started: AtomicUsize,
    /// Threads of the pool whose worker left: a worker started later runs
    /// on one of them rather than on a new thread.
    spare: AtomicUsize,
    /// The most workers the address-space limit leaves room for, whatever
    /// the tuner allows.
    room: usize,
}

/// Walks `operands` with workers as `plan` allows; returns the number
/// of workers the walk allowed itself at the end, once all is read or the
/// run was cancelled.
pub fn walk_parallel(
    walker: &Walker,
    plan: Plan,
    operands: impl Iterator<Item = Operand>,
) -> usize {
    let room = threads::workers_that_fit();
    let pool = Pool {
        walker,
        threads: Threads::new(plan.most.min(room)),
        queue: Queue::new(),
        tuner: Tuner::new(plan),
        started: AtomicUsize::new(0),
        spare: AtomicUsize::new(0),
        room,
    };
    let Some(threads) = &pool.threads else {
        // No pool could be had: walking here is still a walk.
        for (index, operand) in operands.enumerate() {
            if walker.cancel().is_cancelled() {
                break;
            }
            pool.queue.push(walker.start_operand(index, &operand));
        }
        pool.queue.close();
        work(&pool, None);
        return pool.tuner.target();
    };
    threads.scope(|scope| {
        for (index, operand) in operands.enumerate() {
            if walker.cancel().is_cancelled() {
                break;
            }
            pool.queue.push(walker.start_operand(index, &operand));
            if pool.started.load(Ordering::Relaxed) == 0 {
                start_worker(&pool, scope);
            } else {
                grow(&pool, scope);
            }
        }
        pool.queue.close();
        if pool.started.load(Ordering::Relaxed) == 0 {
            // Not one worker could be started: walking here is still a walk.
            work(&pool, None);
        }
    });
    pool.tuner.target()
}

impl Pool<'_, '_> {
    /// How many workers may run now: the tuner's count, within the room
    /// the address space leaves.
    fn allowed(&self) -> usize {
        self.tuner.target().min(self.room)
    }
}

/// Starts one more worker if the tuner allows it; false if none could be.
fn start_worker<'s>(pool: &'s Pool<'s, '_>, scope: &Scope<'s>) -> bool {
    let started = pool.started.load(Ordering::Relaxed);
    if started >= pool.allowed()
        || pool
            .started
            .compare_exchange(started, started + 1, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return false;
    }
    let started = take_one(&pool.spare) || pool.threads.as_ref().is_some_and(Threads::start_one);
    if !started {
        // Out of threads: those already running finish the walk.
        pool.started.fetch_sub(1, Ordering::Relaxed);
        return false;
    }
    scope.spawn(move |scope| work(pool, Some(scope)));
    true
}

/// Takes one from `count` if it is not 0.
fn take_one(count: &AtomicUsize) -> bool {
    count
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

/// Whether the worker calling leaves the walk: more run than the tuner
/// now allows. Its thread is then counted as spare.
fn leaves(pool: &Pool) -> bool {
    let allowed = pool.allowed().max(1);
    let left = pool
        .started
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n > allowed).then(|| n - 1)
        })
        .is_ok();
    if left {
        pool.spare.fetch_add(1, Ordering::Relaxed);
    }
    left
}

/// Starts a worker when a directory waits that no idle worker will take.
fn grow<'s>(pool: &'s Pool<'s, '_>, scope: &Scope<'s>) {
    if pool.started.load(Ordering::Relaxed) < pool.allowed() && pool.queue.wants_worker() {
        start_worker(pool, scope);
    }
}

/// Gives the queue back a worker's place if the worker panics, so that
/// the others do not wait for it for ever.
struct Held<'q>(&'q Queue, bool);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if self.1 {
            self.0.abandon();
        }
    }
}

fn work<'s>(pool: &'s Pool<'s, '_>, scope: Option<&Scope<'s>>) {
    let walker = pool.walker;
    let queue = &pool.queue;
    let mut buf: Vec<MaybeUninit<u8>> = dirent_buffer();
    let mut children = Vec::new();
    let hold_back = |job: &Job| walker.held_back(job);
    let mut next = queue.pop(false, &hold_back);
    while let Some(job) = next {
        let held = Held(queue, true);
        // A wide directory's parts wait in the queue too, and may call
        // for workers while its reader is still at it.
        let grow_now = || {
            if let Some(scope) = scope {
                grow(pool, scope);
            }
        };
        // Splitting pays only if someone can take the parts: an idle
        // worker, one not started yet, or, when the stats wait on a server,
        // one held back for the output.
        let help_at_hand = |slow: bool| {
            queue.has_idle()
                || (slow && queue.has_waiting())
                || (scope.is_some() && pool.started.load(Ordering::Relaxed) < pool.allowed())
        };
        let spread = Spread {
            queue,
            grow: &grow_now,
            help_at_hand: &help_at_hand,
        };
        // The output waits for this directory, and then for its first
        // subdirectory.
        let leads = walker.output_awaits(&job);
        walker.process(job, &mut buf, &mut children, Some(&spread));
        std::mem::forget(held);
        let mut drained = children.drain(..);
        next = match drained.next() {
            // Its first subdirectory is next in order: go on with it,
            // unless the output is too far behind for it.
            Some(first) if leads || !hold_back(&first) => {
                queue.push(drained);
                Some(first)
            }
            Some(first) => {
                queue.push(std::iter::once(first).chain(drained));
                queue.pop(true, &hold_back)
            }
            None => {
                drop(drained);
                queue.pop(true, &hold_back)
            }
        };
        if let Some(scope) = scope {
            pool.tuner.tick(
                || walker.entries_read(),
                || {
                    pool.started.load(Ordering::Relaxed) >= pool.tuner.target()
                        && if pool.tuner.climbs() {
                            queue.wants_worker_unheld()
                        } else {
                            queue.wants_worker()
                        }
                },
            );
            grow(pool, scope);
            if let Some(job) = next.take_if(|_| leaves(pool)) {
                queue.leave(job);
                return;
            }
        }
    }
}
