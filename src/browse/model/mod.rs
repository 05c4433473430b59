//! The browser's model: the scanned tree, compact enough for millions of
//! entries. Nodes live in one arena of 28-byte slots and point at each
//! other by index; a directory's children are a singly linked list
//! threaded through the arena, so adding an entry allocates nothing of its
//! own. All names share one buffer ([`super::names`]). The scan fills the
//! tree through [`super::sink::TreeSink`] while the interface reads it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::before::Changes;
use super::names::Names;
use super::slot::{APPARENT_AT, DISK_AT, FLAGS_AT, KIND_AT, SIZE_BITS, SIZE_FAR, Slot};

/// A node's index in the arena; [`NONE`] ends a list.
pub type NodeId = u32;
/// No node.
pub const NONE: NodeId = u32::MAX;
/// The node above the operands: it has no name and is never shown as an
/// entry.
pub const ROOT: NodeId = 0;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A symbolic link (never followed unless `-L`).
    Symlink,
    /// A device, FIFO or socket.
    Other,
    /// Something that could not be looked at (du's "cannot access").
    Unreadable,
    /// A directory only the old scan of `--diff` had.
    GoneDir,
    /// Anything else only the old scan had.
    GoneFile,
}

const KINDS: [Kind; 7] = [
    Kind::Dir,
    Kind::File,
    Kind::Symlink,
    Kind::Other,
    Kind::Unreadable,
    Kind::GoneDir,
    Kind::GoneFile,
];

/// The directory could not be read, or only in part: its size is what
/// could be counted.
pub const FLAG_ERROR: u8 = 1;
/// The directory's end has not arrived: it is being scanned, or the scan
/// stopped inside it.
pub const FLAG_OPEN: u8 = 2;
/// A file with several hard links.
pub const FLAG_LINKED: u8 = 4;

/// One entry as the rest of the browser sees it. Sizes are the subtree's
/// for a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// [`FLAG_ERROR`], [`FLAG_OPEN`] and [`FLAG_LINKED`], or'ed.
    pub flags: u8,
    /// Entries counted at and below it (du's `--inodes`).
    pub items: u32,
    /// Latest modification time at and below it, in seconds since the
    /// epoch (0: unknown).
    pub mtime: u32,
    /// Disk usage in bytes.
    pub disk: u64,
    /// Apparent size in bytes (`-A`).
    pub apparent: u64,
}

impl Node {
    /// An entry of `kind` with no sizes yet.
    pub fn new(kind: Kind) -> Node {
        Node {
            kind,
            flags: 0,
            items: 0,
            mtime: 0,
            disk: 0,
            apparent: 0,
        }
    }

    /// Whether it is a directory that was scanned (not one only `--diff`'s
    /// old scan had).
    pub fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }
}

/// How far a running scan has come, for the progress line.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub entries: u64,
    pub dirs: u64,
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// The live percentage and time left, when a total is known.
    pub eta: Option<String>,
}

/// The scanned tree and the state of the scan that fills it.
pub struct Tree {
    slots: Vec<Slot>,
    /// Every node's name.
    names: Names,
    /// The sizes too big for a slot, by node and by which size (false:
    /// disk usage, true: apparent size).
    overflow: HashMap<(NodeId, bool), u64>,
    /// Bumped on every change, so that a view knows when to sort again.
    pub generation: u64,
    /// The scan has ended (completely or not).
    pub done: bool,
    /// The scan was stopped: every size is a lower bound.
    pub partial: bool,
    /// Entries or directories that could not be read.
    pub errors: u64,
    /// The deepest directory the scan is in.
    pub scanning: Option<NodeId>,
    /// The scan's counts, for the bottom line.
    pub progress: Progress,
    /// Messages of the scan (a bad operand, an unreadable saved scan).
    pub messages: Vec<String>,
    /// With `--diff`, once the scan has ended: what each node was then.
    pub changes: Option<Changes>,
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

impl Tree {
    /// A tree holding only its root, nameless and empty.
    pub fn new() -> Self {
        let mut tree = Tree {
            slots: Vec::new(),
            names: Names::default(),
            overflow: HashMap::new(),
            generation: 0,
            done: false,
            partial: false,
            errors: 0,
            scanning: None,
            progress: Progress::default(),
            messages: Vec::new(),
            changes: None,
        };
        tree.push_slot(NONE, b"");
        tree.set(ROOT, Node::new(Kind::Dir));
        tree
    }

    /// Nodes in the arena, the root included.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether only the root is there.
    pub fn is_empty(&self) -> bool {
        self.slots.len() == 1
    }

    /// The entry `id`, unpacked.
    pub fn node(&self, id: NodeId) -> Node {
        let slot = &self.slots[id as usize];
        let kind = KINDS[slot.field(KIND_AT, 3) as usize];
        Node {
            kind,
            flags: slot.field(FLAGS_AT, 3) as u8,
            items: slot.items,
            mtime: slot.mtime,
            disk: self.size(id, false),
            apparent: self.size(id, true),
        }
    }

    fn size(&self, id: NodeId, apparent: bool) -> u64 {
        let at = if apparent { APPARENT_AT } else { DISK_AT };
        match self.slots[id as usize].field(at, SIZE_BITS) {
            SIZE_FAR => self.overflow[&(id, apparent)],
            small => small,
        }
    }

    fn set_size(&mut self, id: NodeId, apparent: bool, value: u64) {
        let at = if apparent { APPARENT_AT } else { DISK_AT };
        let was_far = self.slots[id as usize].field(at, SIZE_BITS) == SIZE_FAR;
        let stored = if value >= SIZE_FAR {
            self.overflow.insert((id, apparent), value);
            SIZE_FAR
        } else {
            if was_far {
                self.overflow.remove(&(id, apparent));
            }
            value
        };
        self.slots[id as usize].set_field(at, SIZE_BITS, stored);
    }

    /// Replaces what `id` says of itself (not its place in the tree).
    pub fn set(&mut self, id: NodeId, node: Node) {
        let kind = KINDS.iter().position(|&k| k == node.kind).unwrap_or(0);
        let slot = &mut self.slots[id as usize];
        slot.items = node.items;
        slot.mtime = node.mtime;
        slot.set_field(KIND_AT, 3, kind as u64);
        slot.set_field(FLAGS_AT, 3, u64::from(node.flags & 7));
        self.set_size(id, false, node.disk);
        self.set_size(id, true, node.apparent);
        self.generation += 1;
    }

    /// Changes `id` through `change`.
    pub fn update(&mut self, id: NodeId, change: impl FnOnce(&mut Node)) {
        let mut node = self.node(id);
        change(&mut node);
        self.set(id, node);
    }

    /// The name of `id` as the scan gave it (bytes, not always UTF-8).
    pub fn name(&self, id: NodeId) -> &[u8] {
        self.names.get(id)
    }

    /// Appends a slot named `name` whose next sibling is `next`.
    fn push_slot(&mut self, next: NodeId, name: &[u8]) -> NodeId {
        let id = self.slots.len() as NodeId;
        self.names.push(name);
        self.slots.push(Slot {
            first_child: NONE,
            next_sibling: next,
            items: 0,
            mtime: 0,
            packed: [0; 3],
        });
        id
    }

    /// The first of `dir`'s children, or [`NONE`].
    pub fn first_child(&self, dir: NodeId) -> NodeId {
        self.slots[dir as usize].first_child
    }

    /// The child of the same directory after `id` in its list, or
    /// [`NONE`]. New children go to the head of the list, so walking it
    /// from a child once seen never meets entries added since.
    pub fn next_sibling(&self, id: NodeId) -> NodeId {
        self.slots[id as usize].next_sibling
    }

    /// Adds a node under `parent` (at the head of its list: a view sorts
    /// anyway). A name is kept up to a NUL, which no file name holds.
    pub fn add(&mut self, parent: NodeId, name: &[u8], node: Node) -> NodeId {
        let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        let id = self.push_slot(self.slots[parent as usize].first_child, &name[..end]);
        self.slots[parent as usize].first_child = id;
        self.set(id, node);
        id
    }

    /// The children of `dir`, in no particular order.
    pub fn children(&self, dir: NodeId) -> Children<'_> {
        Children {
            tree: self,
            next: self.slots[dir as usize].first_child,
        }
    }

    /// Takes `child` out of `parent`'s list (its nodes stay in the arena,
    /// unreachable).
    pub fn unlink(&mut self, parent: NodeId, child: NodeId) {
        let next = self.slots[child as usize].next_sibling;
        if self.slots[parent as usize].first_child == child {
            self.slots[parent as usize].first_child = next;
        } else {
            let mut at = self.slots[parent as usize].first_child;
            while at != NONE {
                if self.slots[at as usize].next_sibling == child {
                    self.slots[at as usize].next_sibling = next;
                    break;
                }
                at = self.slots[at as usize].next_sibling;
            }
        }
        self.generation += 1;
    }

    /// Takes `sizes` off each node of `path` (a removal below them).
    pub fn subtract(&mut self, path: &[NodeId], sizes: Sizes) {
        for &id in path {
            self.update(id, |n| {
                n.disk = n.disk.saturating_sub(sizes.disk);
                n.apparent = n.apparent.saturating_sub(sizes.apparent);
                n.items = n.items.saturating_sub(sizes.items);
            });
        }
    }

    /// Adds `sizes` to each node of `path`.
    pub fn add_sizes(&mut self, path: &[NodeId], sizes: Sizes) {
        for &id in path {
            self.update(id, |n| sizes.add_to(n));
        }
    }

    /// Puts the tree under `other`'s first operand in place of `old`, a
    /// child of the last node of `path`, and corrects the totals of
    /// `path`: a rescan's result. Returns the new node.
    pub fn graft(&mut self, path: &[NodeId], old: NodeId, other: &Tree) -> Option<NodeId> {
        let parent = *path.last()?;
        let top = other.first_child(ROOT);
        if top == NONE {
            return None;
        }
        let name = self.name(old).to_vec();
        let before = Sizes::of(self.node(old));
        self.unlink(parent, old);
        if self.is_last_subtree(old) {
            // Rescanning the same directory again and again reuses its
            // slots rather than growing the arena each time.
            self.truncate(old);
        }
        let new = self.copy_from(parent, &name, other, top);
        self.subtract(path, before);
        self.add_sizes(path, Sizes::of(self.node(new)));
        Some(new)
    }

    /// Whether `top`'s subtree is exactly the arena's last nodes: the
    /// nodes from `top` on are all below it (a subtree copied or scanned
    /// last).
    fn is_last_subtree(&self, top: NodeId) -> bool {
        let mut count = 0usize;
        let mut stack = vec![top];
        while let Some(id) = stack.pop() {
            if id < top {
                return false;
            }
            count += 1;
            stack.extend(self.children(id));
        }
        count == self.slots.len() - top as usize
    }

    /// Drops the nodes from `from` on, which nothing reaches any more.
    fn truncate(&mut self, from: NodeId) {
        self.slots.truncate(from as usize);
        self.names.truncate(from);
        self.overflow.retain(|&(id, _), _| id < from);
    }

    fn copy_from(&mut self, parent: NodeId, name: &[u8], other: &Tree, id: NodeId) -> NodeId {
        let new = self.add(parent, name, other.node(id));
        // Depth-first with an explicit stack: trees may be deep.
        let mut stack = vec![(id, new)];
        while let Some((from, to)) = stack.pop() {
            for child in other.children(from) {
                let copied = self.add(to, other.name(child), other.node(child));
                stack.push((child, copied));
            }
        }
        new
    }

    /// Marks the scan ended.
    pub fn finish(&mut self, partial: bool) {
        self.done = true;
        self.partial |= partial;
        self.scanning = None;
        self.generation += 1;
    }
}

/// A subtree's sizes, as they are taken off its ancestors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    pub disk: u64,
    pub apparent: u64,
    pub items: u32,
}

impl Sizes {
    pub fn of(node: Node) -> Sizes {
        Sizes {
            disk: node.disk,
            apparent: node.apparent,
            items: node.items,
        }
    }

    /// Adds `other` to these sizes.
    pub fn take(&mut self, other: Sizes) {
        self.disk = self.disk.saturating_add(other.disk);
        self.apparent = self.apparent.saturating_add(other.apparent);
        self.items = self.items.saturating_add(other.items);
    }

    /// Adds these sizes to `node`'s.
    pub fn add_to(self, node: &mut Node) {
        node.disk = node.disk.saturating_add(self.disk);
        node.apparent = node.apparent.saturating_add(self.apparent);
        node.items = node.items.saturating_add(self.items);
    }
}

pub struct Children<'t> {
    tree: &'t Tree,
    next: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.tree.slots[id as usize].next_sibling;
        Some(id)
    }
}

/// A tree shared between the scan, which fills it, and the interface,
/// which reads it for a moment per frame or key; a sort of a huge
/// directory reads it on a thread of its own meanwhile.
pub type Shared = Arc<RwLock<Tree>>;

/// Locks `tree` to change it; a scan thread that panicked leaves a tree
/// that is still worth browsing.
pub fn lock(tree: &Shared) -> RwLockWriteGuard<'_, Tree> {
    tree.write().unwrap_or_else(|e| e.into_inner())
}

/// Locks `tree` to read it, alongside other readers.
pub fn read(tree: &Shared) -> RwLockReadGuard<'_, Tree> {
    tree.read().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
