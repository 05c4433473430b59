//! The rayon pool the parallel walk runs on, with its threads started as
//! the walk asks for them rather than all at once.
//!
//! Rayon starts every thread of a pool when the pool is built; a thread
//! costs about 0.1 ms here, so a pool of 32 would cost a scan of one small
//! directory 4 ms, and the 256 a slow file system may need forty. The
//! pool's spawn handler therefore keeps each thread's start-up in a list,
//! and [`Threads::start_one`] starts the next when the walk adds a worker.
//! A thread that is never started never takes part: rayon's threads find
//! their work by stealing, and one that does not exist steals nothing.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rayon::{Scope, ThreadBuilder, ThreadPool};

use super::threads;

pub struct Threads {
    pool: Option<ThreadPool>,
    /// Threads of the pool not started yet, the next one last.
    waiting: Arc<Mutex<Vec<ThreadBuilder>>>,
    started: Mutex<Vec<JoinHandle<()>>>,
}

impl Threads {
    /// A pool with room for `most` threads, none of them started; None if
    /// rayon cannot make one.
    pub fn new(most: usize) -> Option<Threads> {
        let waiting = Arc::new(Mutex::new(Vec::with_capacity(most)));
        let keep = waiting.clone();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(most.max(1))
            .thread_name(|_| "cdu-walk".into())
            .spawn_handler(move |thread| {
                lock(&keep).push(thread);
                Ok(())
            })
            .build()
            .ok()?;
        lock(&waiting).reverse();
        Some(Threads {
            pool: Some(pool),
            waiting,
            started: Mutex::new(Vec::new()),
        })
    }

    /// Starts one more thread of the pool; false if all are running or
    /// the system will not start another.
    pub fn start_one(&self) -> bool {
        let Some(thread) = lock(&self.waiting).pop() else {
            return false;
        };
        match threads::spawn_worker(move || thread.run()) {
            Ok(handle) => {
                lock(&self.started).push(handle);
                true
            }
            Err(_) => false,
        }
    }

    /// Runs `op` here with a scope whose tasks run on the pool, and
    /// returns once they have all ended.
    pub fn scope<'scope, R>(&self, op: impl FnOnce(&Scope<'scope>) -> R) -> R {
        self.pool
            .as_ref()
            .expect("present until dropped")
            .in_place_scope(op)
    }
}

impl Drop for Threads {
    /// Ends the pool and waits for its threads, so that the walk's stacks
    /// are given back before the output goes on.
    fn drop(&mut self) {
        drop(self.pool.take());
        for handle in std::mem::take(&mut *lock(&self.started)) {
            let _ = handle.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
