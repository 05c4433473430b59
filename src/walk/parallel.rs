//! The walk on a rayon pool (the book's du3 and du4). Each directory is a
//! task; a worker runs the tasks it spawned last first, so it goes deep
//! into the tree it has in cache, while idle workers steal the oldest,
//! largest pieces of work from the others.

use std::cell::RefCell;
use std::mem::MaybeUninit;

use super::{Job, Walker, dirent_buffer};
use crate::config::Operand;

thread_local! {
    static BUFFER: RefCell<Vec<MaybeUninit<u8>>> = RefCell::new(dirent_buffer());
}

/// Walks the operands on a pool of `threads` workers; returns when all is
/// read or the run was cancelled.
pub fn walk_parallel(walker: &Walker, operands: &[Operand], threads: usize) {
    limit_malloc_arenas();
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        // No threads to be had: walking on this one is still a walk.
        Err(_) => return super::walk_sequential(walker, operands),
    };
    pool.install(|| {
        rayon::scope(|scope| {
            for (index, operand) in operands.iter().enumerate() {
                if walker.cancel().is_cancelled() {
                    break;
                }
                if let Some(job) = walker.start_operand(index, operand) {
                    scope.spawn(move |scope| run(scope, walker, job));
                }
            }
        })
    });
}

fn run<'s>(scope: &rayon::Scope<'s>, walker: &'s Walker<'s>, job: Job) {
    let mut children = Vec::new();
    BUFFER.with(|buf| walker.process(job, &mut buf.borrow_mut(), &mut children));
    for child in children {
        scope.spawn(move |scope| run(scope, walker, child));
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
