//! Counts the workers publish while they read, before their batches reach
//! the aggregator, so that progress moves inside a huge directory.

use std::sync::atomic::{AtomicU64, Ordering};

/// A worker publishes its entry count every this many entries inside a
/// directory (and the rest when the directory is done): often enough that
/// a directory of a million entries shows movement several times a second
/// at a few microseconds a stat, rarely enough to cost nothing.
pub const PUBLISH_EVERY: u64 = 4096;

/// Entries read inside directories not yet sent.
#[derive(Default)]
pub struct Live {
    entries: AtomicU64,
}

impl Live {
    /// Counts `n` more entries read.
    #[inline]
    pub fn add_entries(&self, n: u64) {
        if n > 0 {
            self.entries.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Entries read inside directories so far.
    pub fn entries(&self) -> u64 {
        self.entries.load(Ordering::Relaxed)
    }
}
