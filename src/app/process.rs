//! Settings the program makes for the whole process at its start, while
//! it has one thread: a library that links cdu keeps its own.

use crate::walk::address_space_limited;

/// glibc gives each thread that allocates an arena of its own, up to eight
/// per core, each reserving 64 MiB of address space and holding a few
/// hundred kilobytes of freed fragments, since a batch is allocated by a
/// worker and freed by the aggregator. The workers allocate little (a few
/// vectors per directory), so two arenas serve them as fast (hyperfine,
/// million-file tree: 833 ms against 843 ms), and under an address-space
/// limit one, which reserves nothing more. A MALLOC_ARENA_MAX the user set
/// is left alone.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let arenas = if address_space_limited() { 1 } else { 2 };
        // SAFETY: mallopt only sets a malloc parameter; glibc takes its
        // own lock to do so, so other threads may allocate meanwhile.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// Under an address-space limit, makes the threads cdu does not start
/// itself (the signal handler's, the key reader's, the ticker's) take a
/// small stack instead of std's 2 MiB, unless RUST_MIN_STACK says
/// otherwise. Called first thing, while the process has one thread.
pub fn small_stacks_under_a_limit() {
    if address_space_limited() && std::env::var_os("RUST_MIN_STACK").is_none() {
        // SAFETY: called before any other thread exists, so nothing reads
        // the environment meanwhile.
        unsafe { std::env::set_var("RUST_MIN_STACK", (128 << 10).to_string()) };
    }
}
