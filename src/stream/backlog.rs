//! The walkers' lead over the ordered output, which bounds the memory of
//! results that wait for a slow directory.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU32, AtomicUsize};

use crate::stream::batch::NodeId;

/// How much the walkers have sent that the ordered output has not taken
/// yet (batches in the channel, and those waiting for the cursor). The
/// walkers add what they send, the stream takes off what it uses; past a
/// budget the walkers hold back, so one slow directory (or a worker the
/// scheduler left aside) cannot make the others run far ahead and fill
/// memory with results that must wait for it.
#[derive(Debug, Default)]
pub struct Backlog {
    cost: AtomicUsize,
    /// The directory the ordered output waits for.
    awaited: AtomicU32,
    /// The directory it is in, plus one (0: none, an operand's own).
    within: AtomicU32,
}

/// Bytes the walkers may run ahead by: a few thousand directories, far
/// more than the workers read at once, and little next to the program.
pub const BACKLOG_BUDGET: usize = 1 << 18;

/// Bytes past which only what the output waits for is read: even the
/// directories below the one it is in wait (16 times the budget, 4 MiB).
pub const BACKLOG_FAR: usize = 16 * BACKLOG_BUDGET;

impl Backlog {
    pub fn add(&self, cost: usize) {
        self.cost.fetch_add(cost, Relaxed);
    }

    pub fn take(&self, cost: usize) {
        self.cost.fetch_sub(cost, Relaxed);
    }

    /// Whether the walkers are too far ahead.
    pub fn over(&self) -> bool {
        self.cost.load(Relaxed) > BACKLOG_BUDGET
    }

    /// Whether the walkers are so far ahead that only what the output
    /// waits for may be read.
    pub fn far_over(&self) -> bool {
        self.cost.load(Relaxed) > BACKLOG_FAR
    }

    /// Says the output waits for `node`'s batch, in directory `within`
    /// (None for an operand).
    pub fn await_node(&self, node: NodeId, within: Option<NodeId>) {
        self.awaited.store(node, Relaxed);
        self.within
            .store(within.map_or(0, |n| n.saturating_add(1)), Relaxed);
    }

    /// The directory the output is in while it waits, if not an operand.
    pub fn within(&self) -> Option<NodeId> {
        match self.within.load(Relaxed) {
            0 => None,
            n => Some(n - 1),
        }
    }

    /// The directory the output waits for.
    pub fn awaited(&self) -> NodeId {
        self.awaited.load(Relaxed)
    }
}
