//! The walkers. A worker takes one directory at a time: it opens it
//! relative to its parent's descriptor, reads it with getdents64 into a
//! reusable buffer, stats each entry relative to the directory
//! (fstatat, no path built), sums what it finds and sends one batch to the
//! aggregator. Subdirectories become jobs for the same or other workers. A
//! directory that keeps its reader busy has the rest of its stats split
//! into parts for other workers (see `wide`), and sends a batch per fts
//! chunk and a closing one.
//!
//! Descriptors: a semaphore bounds the directories being read, and a
//! separate budget bounds the parent descriptors kept open so that
//! children can be opened relative to them. A directory whose parent's
//! descriptor was not kept is reopened one name at a time from the nearest
//! kept ancestor, so no path ever handed to the kernel exceeds a name,
//! however deep the tree.
//!
//! The parts, each with one job: `job` (a directory to read and its
//! place in the order), `open` (opening it from a kept ancestor), `read`
//! (the reading of a directory), `classify` (what an entry adds to its
//! batch), `stat` (an entry's sizes and type), `descriptors` (the kept
//! descriptors and their budget), `cycles` (directories in progress),
//! `split`, `names` and `parts` (a wide directory read ahead and stat'ed
//! in parts by any worker), `order` (fts's order within a directory),
//! `queue` (the traversal-ordered work queue), `parallel` and
//! `sequential` (the walks), `pool` and `threads` (the rayon pool and its
//! threads), `concurrency` (the tuner) and `climb` (its steps on FUSE),
//! `fs_kind` (the statfs table), `semaphore` (the book's counting
//! semaphore). The operands come in as
//! an iterator; the walker reads no list and writes nothing for the user.

mod classify;
mod climb;
mod concurrency;
mod cycles;
mod descriptors;
mod fs_kind;
mod handoff;
mod job;
mod live;
mod names;
mod open;
mod order;
mod parallel;
mod parts;
mod pool;
mod queue;
mod read;
mod semaphore;
mod sequential;
mod split;
mod stat;
mod threads;
mod walker;

pub use concurrency::Plan;
pub use fs_kind::FsKind;
pub use live::Live;
#[cfg(test)]
pub use live::PUBLISH_EVERY;
pub use parallel::walk_parallel;
pub use sequential::walk_sequential;
pub use threads::{address_space_limited, spawn_scoped};
pub use walker::Walker;
