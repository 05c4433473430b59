//! Cycle detection: the directories being walked, by (device, inode).
//!
//! A subdirectory that is one of its own ancestors (a bind mount of a
//! directory inside itself, or a symlink loop under `-L`) is left out,
//! as du leaves it out. Walking up the chain of parents for every
//! subdirectory would cost the depth each time, so a set of the
//! directories with live handles answers "walked at all?" first, and only
//! a yes climbs the chain.
//!
//! Every worker asks the set for each subdirectory it meets, so one lock
//! for the whole set had 32 workers on two cores queueing on it (most of
//! the walk's futex calls); the set is split into shards by inode, each
//! with its own lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Shards of the set: enough that two workers rarely want the same one.
const SHARDS: usize = 64;

/// The (device, inode) of each directory with a live handle, with how
/// many (a bind mount can show one directory in two places at once).
pub(super) struct Active {
    shards: [Mutex<HashMap<(u64, u64), u32>>; SHARDS],
}

impl Default for Active {
    fn default() -> Self {
        Active {
            shards: std::array::from_fn(|_| Mutex::default()),
        }
    }
}

impl Active {
    fn shard(&self, id: (u64, u64)) -> MutexGuard<'_, HashMap<(u64, u64), u32>> {
        // Fibonacci hashing: neighbouring inodes land in different shards.
        let mixed = (id.1 ^ id.0.rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let index = (mixed >> 58) as usize % SHARDS;
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn contains(&self, id: (u64, u64)) -> bool {
        self.shard(id).contains_key(&id)
    }

    pub(super) fn insert(&self, id: (u64, u64)) {
        *self.shard(id).entry(id).or_default() += 1;
    }

    pub(super) fn remove(&self, id: (u64, u64)) {
        let mut map = self.shard(id);
        if let Some(count) = map.get_mut(&id) {
            *count -= 1;
            if *count == 0 {
                map.remove(&id);
            }
        }
    }
}
