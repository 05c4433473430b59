//! The walk on a pool of threads (the book's du3 and du4): every worker
//! takes the first directory in traversal order from a shared queue and,
//! after reading it, goes on with its first subdirectory itself (warm in
//! cache, and next in the order) while the others go to the queue.

use std::mem::MaybeUninit;

use super::queue::Queue;
use super::{Walker, dirent_buffer};

/// Walks the operands on a pool of `threads` workers; returns when all is
/// read or the run was cancelled.
pub fn walk_parallel(walker: &Walker, threads: usize) {
    limit_malloc_arenas();
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        // No threads to be had: walking on this one is still a walk.
        Err(_) => return super::walk_sequential(walker),
    };
    let queue = Queue::new();
    pool.in_place_scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|_| work(walker, &queue));
        }
        for (index, operand) in crate::operands::operands(walker.config()).enumerate() {
            if walker.cancel().is_cancelled() {
                break;
            }
            queue.push(walker.start_operand(index, &operand));
        }
        queue.close();
    });
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

fn work(walker: &Walker, queue: &Queue) {
    let mut buf: Vec<MaybeUninit<u8>> = dirent_buffer();
    let mut children = Vec::new();
    let hold_back = || walker.held_back();
    let mut next = queue.pop(false, &hold_back);
    while let Some(job) = next {
        let held = Held(queue, true);
        walker.process(job, &mut buf, &mut children);
        std::mem::forget(held);
        let mut drained = children.drain(..);
        next = match drained.next() {
            // Its first subdirectory is next in order: go on with it,
            // unless the output is too far behind.
            Some(first) if !hold_back() => {
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
    }
}

/// glibc gives each thread that allocates an arena of its own, up to eight
/// per core: sixteen here, each holding a few hundred kilobytes of freed
/// fragments, since a batch is allocated by a worker and freed by the
/// aggregator. The workers allocate little (a few vectors per directory),
/// so two arenas serve them as fast (hyperfine, million-file tree: 833 ms
/// against 843 ms) and peak memory is about half a megabyte lower. A
/// MALLOC_ARENA_MAX the user set is left alone.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a malloc parameter; glibc takes its
        // own lock to do so, so other threads may allocate meanwhile.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}
