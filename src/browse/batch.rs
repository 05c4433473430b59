//! What the scan adds to the browser's tree, gathered on the scan's side
//! and made under one hold of the write lock per batch. Each entry's sizes
//! go only into the innermost open directory's carry; a directory that
//! ends hands its carry to its parent, and a flush adds each open
//! directory's carry, and those of the directories inside it, once. So an
//! entry costs no lock and no walk up its ancestors, and after a flush the
//! tree is exactly what adding the same entries one by one would have made.

use super::model::{FLAG_ERROR, FLAG_OPEN, NONE, Node, NodeId, ROOT, Sizes, Tree};

/// A node already in the tree, or one added by the pending change at
/// that index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    Node(NodeId),
    Pending(u32),
}

/// Sizes added under a directory since the last flush, and the newest
/// time among them.
#[derive(Clone, Copy, Debug, Default)]
struct Carry {
    sizes: Sizes,
    mtime: u32,
}

impl Carry {
    fn take(&mut self, other: Carry) {
        self.sizes.take(other.sizes);
        self.mtime = self.mtime.max(other.mtime);
    }

    fn of(node: &Node) -> Carry {
        Carry {
            sizes: Sizes::of(*node),
            mtime: node.mtime,
        }
    }

    fn add_to(self, node: &mut Node) {
        self.sizes.add_to(node);
        node.mtime = node.mtime.max(self.mtime);
    }
}

/// A change waiting for the lock.
enum Change {
    /// A node under `parent`, named by `names[start..end]`.
    Add {
        parent: At,
        start: u32,
        end: u32,
        node: Node,
    },
    /// A directory that has ended, with what was added under it since
    /// the last flush.
    Close { dir: At, carry: Carry },
    /// A directory that could not be read in full.
    Unreadable { dir: At },
}

/// The changes gathered since the last flush, and the open directories.
#[derive(Default)]
pub struct Batch {
    changes: Vec<Change>,
    /// The names of the added nodes, one after the other.
    names: Vec<u8>,
    /// The node each change added at the last flush (kept for its
    /// allocation).
    made: Vec<NodeId>,
    /// The open directories, outermost first, each with its carry.
    open: Vec<(At, Carry)>,
    /// What was added outside every open directory, for the root.
    root: Carry,
    /// Errors counted since the last flush.
    errors: u64,
}

impl Batch {
    /// Changes waiting for a flush.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether nothing waits for a flush.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.errors == 0
    }

    /// How many directories are open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Adds `node` under the innermost open directory (the root if none).
    pub fn add(&mut self, name: &[u8], node: Node) -> At {
        let parent = self.open.last().map_or(At::Node(ROOT), |o| o.0);
        let start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        let at = At::Pending(self.changes.len() as u32);
        self.changes.push(Change::Add {
            parent,
            start,
            end: self.names.len() as u32,
            node,
        });
        let carry = match self.open.last_mut() {
            Some(open) => &mut open.1,
            None => &mut self.root,
        };
        carry.take(Carry::of(&node));
        at
    }

    /// Adds the directory `node` and opens it: what follows goes in it.
    pub fn open(&mut self, name: &[u8], node: Node) {
        let at = self.add(name, node);
        self.open.push((at, Carry::default()));
    }

    /// Ends the innermost open directory; false if none was open.
    pub fn close(&mut self) -> bool {
        let Some((dir, carry)) = self.open.pop() else {
            return false;
        };
        self.changes.push(Change::Close { dir, carry });
        match self.open.last_mut() {
            Some(open) => open.1.take(carry),
            None => self.root.take(carry),
        }
        true
    }

    /// Marks the innermost open directory as not read in full; false if
    /// none is open.
    pub fn unreadable(&mut self) -> bool {
        let Some(&(dir, _)) = self.open.last() else {
            return false;
        };
        self.changes.push(Change::Unreadable { dir });
        true
    }

    /// Counts an error.
    pub fn error(&mut self) {
        self.errors += 1;
    }

    /// Makes the gathered changes in `tree`; the open directories' totals
    /// then count everything added under them.
    pub fn flush(&mut self, tree: &mut Tree) {
        let mut made = std::mem::take(&mut self.made);
        made.clear();
        let node_of = |made: &[NodeId], at: At| match at {
            At::Node(id) => id,
            At::Pending(i) => made[i as usize],
        };
        for change in &self.changes {
            let id = match *change {
                Change::Add {
                    parent,
                    start,
                    end,
                    node,
                } => tree.add(
                    node_of(&made, parent),
                    &self.names[start as usize..end as usize],
                    node,
                ),
                Change::Close { dir, carry } => {
                    tree.update(node_of(&made, dir), |n| {
                        carry.add_to(n);
                        n.flags &= !FLAG_OPEN;
                    });
                    NONE
                }
                Change::Unreadable { dir } => {
                    tree.update(node_of(&made, dir), |n| n.flags |= FLAG_ERROR);
                    NONE
                }
            };
            made.push(id);
        }
        // Innermost first: each open directory counts its own carry and
        // those of the open directories inside it.
        let mut inside = Carry::default();
        for (at, carry) in self.open.iter_mut().rev() {
            let id = node_of(&made, *at);
            *at = At::Node(id);
            inside.take(std::mem::take(carry));
            tree.update(id, |n| inside.add_to(n));
        }
        inside.take(std::mem::take(&mut self.root));
        tree.update(ROOT, |n| inside.add_to(n));
        tree.scanning = self.open.last().map(|o| node_of(&made, o.0));
        tree.errors += std::mem::take(&mut self.errors);
        self.changes.clear();
        self.names.clear();
        self.made = made;
    }
}
