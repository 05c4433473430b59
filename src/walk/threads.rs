//! Starting the walk's threads within the process's limits. Under a tight
//! address space (`ulimit -v`) every thread's stack counts against the
//! limit, and glibc's per-thread malloc arenas reserve 64 MiB each: with
//! the default 2 MiB stacks and as many threads as the tuner allows, the
//! stacks would take the room the heap needs. GNU du walks in such
//! limits, so cdu starts fewer and smaller threads there and never gives
//! up for want of one.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{JoinHandle, Scope, ScopedJoinHandle};

/// Stack of each worker. The walk keeps its depth on the heap (a chain of
/// directory handles, an explicit stack), so a worker needs little stack,
/// and a small one lets many workers fit in a tight address space.
const WORKER_STACK: usize = 512 * 1024;

/// Address space a thread takes besides its stack: its guard page, its
/// thread-local storage and a worker's getdents buffer.
const PER_THREAD: usize = 192 * 1024;

/// Stacks tried in turn for a thread, largest first: under a tight address
/// space a stack of 2 MiB may not fit where 64 KiB does.
const STACKS: [usize; 3] = [2 << 20, 256 << 10, 64 << 10];

/// Address space kept for the heap under a limit, at least: a chunk of a
/// wide directory (up to 100,000 entries) is held whole while it is read
/// and sorted, and every worker may be holding one.
const HEAP_FLOOR: usize = 4 << 20;

/// How many workers the address-space limit leaves room for: half of what
/// is left under it, and at least [`HEAP_FLOOR`], stays for the heap; the
/// rest goes to the workers' stacks. The walk starts its first worker
/// even when this is 0.
pub fn workers_that_fit() -> usize {
    let Some(limit) = address_space_limit() else {
        return usize::MAX;
    };
    let used = address_space_used().unwrap_or(limit);
    let left = limit.saturating_sub(used);
    let heap = (left / 2).max(HEAP_FLOOR);
    left.saturating_sub(heap) / (WORKER_STACK + PER_THREAD)
}

/// Whether the address space is limited (`ulimit -v`): then the scan
/// keeps fewer batches in flight, each held for a while by the channel.
pub fn address_space_limited() -> bool {
    address_space_limit().is_some()
}

/// The soft limit on the address space, if there is one.
fn address_space_limit() -> Option<usize> {
    rustix::process::getrlimit(rustix::process::Resource::As)
        .current
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// The address space the process has mapped so far (first field of
/// `/proc/self/statm`, in pages).
fn address_space_used() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_ascii_whitespace().next()?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages.saturating_mul(usize::try_from(page).ok()?))
}

/// Starts `f` on a thread of `scope`, trying each of `stacks` in turn
/// until one can be had.
fn spawn_with<'s, 'e, T: Send + 's>(
    scope: &'s Scope<'s, 'e>,
    stacks: &[usize],
    f: impl FnOnce() -> T + Send + 's,
) -> std::io::Result<ScopedJoinHandle<'s, T>> {
    // Held apart from each try, so that a thread that could not be
    // started does not take the work with it.
    let slot = Arc::new(Mutex::new(Some(f)));
    first_that_starts(stacks, |stack| {
        let slot = slot.clone();
        std::thread::Builder::new()
            .name("cdu-walk".into())
            .stack_size(stack)
            .spawn_scoped(scope, move || run_once(&slot))
    })
}

/// Tries `start` with each of `stacks` in turn; the first thread that
/// starts, or the last failure.
fn first_that_starts<H>(
    stacks: &[usize],
    mut start: impl FnMut(usize) -> std::io::Result<H>,
) -> std::io::Result<H> {
    let mut failed = None;
    for &stack in stacks {
        match start(stack) {
            Ok(handle) => return Ok(handle),
            Err(e) => failed = Some(e),
        }
    }
    Err(failed.expect("tried at least once"))
}

/// Runs the work held in `slot`: only the thread that started takes it.
fn run_once<T>(slot: &Mutex<Option<impl FnOnce() -> T>>) -> T {
    let f = slot
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .expect("only the thread that started runs the work");
    f()
}

/// Starts the thread that runs the walk, with a smaller stack each time
/// the last could not be had.
pub fn spawn_scoped<'s, 'e, T: Send + 's>(
    scope: &'s Scope<'s, 'e>,
    f: impl FnOnce() -> T + Send + 's,
) -> std::io::Result<ScopedJoinHandle<'s, T>> {
    // Under an address-space limit a 2 MiB stack that can be had may still
    // leave the heap too little room, so the walk starts on a small one:
    // its depth is kept on the heap, and 256 KiB is half a worker's.
    let stacks: &[usize] = match address_space_limit() {
        Some(_) => &[256 << 10, 64 << 10],
        None => &STACKS,
    };
    spawn_with(scope, stacks, f)
}

/// Starts a thread of the parallel walk's pool, on a small stack, smaller
/// still if that cannot be had.
pub fn spawn_worker(f: impl FnOnce() + Send + 'static) -> std::io::Result<JoinHandle<()>> {
    // Held apart from each try, as in `spawn_with`.
    let slot = Arc::new(Mutex::new(Some(f)));
    first_that_starts(&[WORKER_STACK, 64 << 10], |stack| {
        let slot = slot.clone();
        std::thread::Builder::new()
            .name("cdu-walk".into())
            .stack_size(stack)
            .spawn(move || run_once(&slot))
    })
}
