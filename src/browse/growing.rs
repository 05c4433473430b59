//! Ordering a huge directory while the scan still fills it, on a thread of
//! its own. The scan needs the tree's write lock for every batch of
//! entries, and a reader waiting behind it holds up the interface too, so
//! the thread never holds the lock for long: it reads the entries a step
//! at a time (their name prefixes and sort keys), sorts its copies
//! without the lock, and compares whole names, where prefixes tie, a step
//! at a time again.
//! Entries added meanwhile are not in the result; the view appends them
//! until the next order.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, TryRecvError};

use super::model::{NONE, NodeId, Shared, Tree, read};
use super::order::{prefix, radix_sort};

/// Entries read, or names compared, per hold of the read lock: well under
/// a millisecond, so neither the scan nor a frame waits for long.
const STEP: usize = 1024;

/// What a sort apart orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Want {
    /// By a key, biggest first (the entries in name order then stably by
    /// it, so ties stay A to Z), or by name alone, A to Z.
    pub by_key: bool,
    /// That order reversed, ties and all, as a reversed order is shown
    /// once the scan has ended.
    pub reverse: bool,
}

/// The key an entry is sorted by (read under the lock, a step at a time).
pub type Key = Box<dyn Fn(&Tree, NodeId) -> u64 + Send>;

/// A directory's entries in order, as they were when the sort began.
pub struct Sorted {
    pub rows: Vec<NodeId>,
    /// The directory's first child then: every entry from it on is in
    /// `rows`, and those before it came later.
    pub head: NodeId,
}

/// A sort running apart; dropping it tells the thread to stop.
pub struct Growing {
    result: mpsc::Receiver<Sorted>,
    /// The result, once waited for.
    ready: Option<Sorted>,
    stop: Arc<AtomicBool>,
}

impl Growing {
    /// Starts ordering `dir`'s entries as `want` says.
    pub fn start(shared: &Shared, dir: NodeId, want: Want, key: Key) -> Growing {
        let (send, result) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let shared = shared.clone();
        let stopped = stop.clone();
        std::thread::spawn(move || {
            if let Some(sorted) = sort(&shared, dir, want, &key, &stopped) {
                let _ = send.send(sorted);
            }
        });
        Growing {
            result,
            ready: None,
            stop,
        }
    }

    /// The result if it is ready; `Err(())` if the thread ended without
    /// one.
    pub fn poll(&mut self) -> Result<Option<Sorted>, ()> {
        if let Some(sorted) = self.ready.take() {
            return Ok(Some(sorted));
        }
        match self.result.try_recv() {
            Ok(sorted) => Ok(Some(sorted)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(()),
        }
    }

    /// Waits for the result; the next [`Growing::poll`] gives it.
    pub fn wait(&mut self) {
        if self.ready.is_none() {
            self.ready = self.result.recv().ok();
        }
    }
}

impl Drop for Growing {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Orders `dir`'s entries, or gives up (`None`) once `stop` is set. The
/// flag is read under the lock at every step: whoever sets it before
/// changing the tree's shape (a delete, a rescan) finds the thread gone
/// by the time the change is made.
fn sort(shared: &Shared, dir: NodeId, want: Want, key: &Key, stop: &AtomicBool) -> Option<Sorted> {
    let head = read(shared).first_child(dir);
    // Copies of what the sort needs, indexed by the entry's place here.
    let mut ids: Vec<NodeId> = Vec::new();
    let mut keys: Vec<u64> = Vec::new();
    let mut keyed: Vec<(u64, NodeId)> = Vec::new();
    let mut next = head;
    while next != NONE {
        let tree = read(shared);
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        for _ in 0..STEP {
            if next == NONE {
                break;
            }
            keyed.push((prefix(tree.name(next)), ids.len() as NodeId));
            if want.by_key {
                keys.push(key(&tree, next));
            }
            ids.push(next);
            next = tree.next_sibling(next);
        }
    }
    radix_sort(&mut keyed);
    settle_ties(shared, &ids, &mut keyed, stop)?;
    if want.by_key {
        for item in keyed.iter_mut() {
            item.0 = u64::MAX - keys[item.1 as usize];
        }
        radix_sort(&mut keyed);
    }
    let mut rows: Vec<NodeId> = keyed.into_iter().map(|(_, at)| ids[at as usize]).collect();
    if want.reverse {
        rows.reverse();
    }
    Some(Sorted { rows, head })
}

/// Orders the runs of `keyed` (sorted by name prefix) whose prefixes tie
/// by their whole names, a step at a time.
fn settle_ties(
    shared: &Shared,
    ids: &[NodeId],
    keyed: &mut [(u64, NodeId)],
    stop: &AtomicBool,
) -> Option<()> {
    let mut start = 0;
    while start < keyed.len() {
        let tree = read(shared);
        if stop.load(Ordering::SeqCst) {
            return None;
        }
        let mut compared = 0;
        while start < keyed.len() && compared < STEP {
            let mut end = start + 1;
            while end < keyed.len() && keyed[end].0 == keyed[start].0 {
                end += 1;
            }
            if end - start > 1 {
                keyed[start..end].sort_by(|a, b| {
                    tree.name(ids[a.1 as usize])
                        .cmp(tree.name(ids[b.1 as usize]))
                });
                compared += end - start;
            }
            compared += 1;
            start = end;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browse::model::{Kind, Node, ROOT};
    use std::sync::RwLock;

    /// A directory of `n` files named so that many share their first
    /// eight bytes, sized so that sizes tie too.
    fn tree(n: u32) -> (Shared, NodeId) {
        let mut tree = Tree::new();
        let dir = tree.add(ROOT, b"d", Node::new(Kind::Dir));
        for i in 0..n {
            let size = u64::from(i * 7 % 13);
            tree.add(
                dir,
                format!("longname{:05}", (i * 7919) % n).as_bytes(),
                Node {
                    disk: size,
                    apparent: size,
                    ..Node::new(Kind::File)
                },
            );
        }
        (Arc::new(RwLock::new(tree)), dir)
    }

    fn sorted(shared: &Shared, dir: NodeId, want: Want) -> Sorted {
        let key: Key = Box::new(|t: &Tree, id| t.node(id).disk);
        let mut g = Growing::start(shared, dir, want, key);
        g.wait();
        g.poll().expect("a result").expect("ready")
    }

    #[test]
    fn names_order_as_a_plain_sort_does_both_ways() {
        let (shared, dir) = tree(20_000);
        let tree = read(&shared);
        let mut expected: Vec<NodeId> = tree.children(dir).collect();
        expected.sort_by(|&a, &b| tree.name(a).cmp(tree.name(b)));
        let head = tree.first_child(dir);
        drop(tree);
        let up = sorted(
            &shared,
            dir,
            Want {
                by_key: false,
                reverse: false,
            },
        );
        assert_eq!(up.rows, expected);
        assert_eq!(up.head, head);
        let down = sorted(
            &shared,
            dir,
            Want {
                by_key: false,
                reverse: true,
            },
        );
        expected.reverse();
        assert_eq!(down.rows, expected);
    }

    #[test]
    fn a_key_order_keeps_ties_in_name_order_and_reverses_whole() {
        let (shared, dir) = tree(20_000);
        let tree = read(&shared);
        let mut expected: Vec<NodeId> = tree.children(dir).collect();
        expected.sort_by(|&a, &b| {
            (u64::MAX - tree.node(a).disk, tree.name(a))
                .cmp(&(u64::MAX - tree.node(b).disk, tree.name(b)))
        });
        drop(tree);
        let got = sorted(
            &shared,
            dir,
            Want {
                by_key: true,
                reverse: false,
            },
        );
        assert_eq!(got.rows, expected);
        // Reversed, ties and all: smallest first, names Z to A.
        let got = sorted(
            &shared,
            dir,
            Want {
                by_key: true,
                reverse: true,
            },
        );
        expected.reverse();
        assert_eq!(got.rows, expected);
    }

    #[test]
    fn entries_added_after_the_start_are_left_to_the_caller() {
        let (shared, dir) = tree(100);
        let mut g = Growing::start(
            &shared,
            dir,
            Want {
                by_key: false,
                reverse: false,
            },
            Box::new(|_: &Tree, _| 0),
        );
        g.wait();
        let added = crate::browse::model::lock(&shared).add(dir, b"new", Node::new(Kind::File));
        let got = g.poll().expect("a result").expect("ready");
        assert_eq!(got.rows.len(), 100);
        assert!(!got.rows.contains(&added));
        assert_eq!(read(&shared).next_sibling(added), got.head);
    }

    #[test]
    fn a_dropped_sort_stops_without_a_result() {
        let (shared, dir) = tree(100);
        // Holding the write lock keeps the thread at its first step.
        let writer = crate::browse::model::lock(&shared);
        let mut g = Growing::start(
            &shared,
            dir,
            Want {
                by_key: false,
                reverse: false,
            },
            Box::new(|_: &Tree, _| 0),
        );
        let stop = g.stop.clone();
        // The receiver outlives the handle, to see how the thread ends.
        let result = std::mem::replace(&mut g.result, mpsc::channel().1);
        drop(g);
        assert!(stop.load(Ordering::SeqCst));
        drop(writer);
        assert!(result.recv().is_err(), "a dropped sort sent a result");
    }
}
