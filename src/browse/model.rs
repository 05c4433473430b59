//! The browser's model: the scanned tree, compact enough for millions of
//! entries. Nodes live in one arena and point at each other by index; all
//! names share one buffer; a directory's children are a singly linked list
//! threaded through the arena, so adding an entry allocates nothing of its
//! own. The scan fills it through [`TreeSink`] while the interface reads it.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::batch::{Details, FileType, NO_TIME, Usage};
use crate::stream::{Event, Sink};

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
    Dir,
    File,
    Symlink,
    /// A device, FIFO or socket.
    Other,
    /// Something that could not be looked at (du's "cannot access").
    Unreadable,
}

/// The directory could not be read, or only in part: its size is what
/// could be counted.
pub const FLAG_ERROR: u8 = 1;
/// The directory's end has not arrived: it is being scanned, or the scan
/// stopped inside it.
pub const FLAG_OPEN: u8 = 2;
/// A file with several hard links.
pub const FLAG_LINKED: u8 = 4;

/// One entry, 40 bytes. Sizes are the subtree's for a directory.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    first_child: NodeId,
    next_sibling: NodeId,
    name_start: u32,
    name_len: u16,
    pub kind: Kind,
    pub flags: u8,
    /// Entries counted at and below it (du's `--inodes`).
    pub items: u32,
    /// Latest modification time at and below it, in seconds since the
    /// epoch (0: unknown).
    pub mtime: u32,
    /// Disk usage and apparent size, in bytes.
    pub disk: u64,
    pub apparent: u64,
}

impl Node {
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
    nodes: Vec<Node>,
    names: Vec<u8>,
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
    pub progress: Progress,
    /// Messages of the scan (a bad operand, an unreadable saved scan).
    pub messages: Vec<String>,
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

impl Tree {
    pub fn new() -> Self {
        let root = Node {
            first_child: NONE,
            next_sibling: NONE,
            name_start: 0,
            name_len: 0,
            kind: Kind::Dir,
            flags: 0,
            items: 0,
            mtime: 0,
            disk: 0,
            apparent: 0,
        };
        Tree {
            nodes: vec![root],
            names: Vec::new(),
            generation: 0,
            done: false,
            partial: false,
            errors: 0,
            scanning: None,
            progress: Progress::default(),
            messages: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        self.generation += 1;
        &mut self.nodes[id as usize]
    }

    pub fn name(&self, id: NodeId) -> &[u8] {
        let n = &self.nodes[id as usize];
        &self.names[n.name_start as usize..][..n.name_len as usize]
    }

    /// Adds a node under `parent` (at the head of its list: a view sorts
    /// anyway).
    pub fn add(&mut self, parent: NodeId, name: &[u8], mut node: Node) -> NodeId {
        let id = self.nodes.len() as NodeId;
        // A name longer than any file system allows is cut, not refused.
        let name = &name[..name.len().min(u16::MAX as usize)];
        node.name_start = self.names.len() as u32;
        node.name_len = name.len() as u16;
        self.names.extend_from_slice(name);
        node.next_sibling = self.nodes[parent as usize].first_child;
        node.first_child = NONE;
        self.nodes.push(node);
        self.nodes[parent as usize].first_child = id;
        self.generation += 1;
        id
    }

    /// The children of `dir`, in no particular order.
    pub fn children(&self, dir: NodeId) -> Children<'_> {
        Children {
            tree: self,
            next: self.nodes[dir as usize].first_child,
        }
    }

    /// Takes `child` out of `parent`'s list (its nodes stay in the arena,
    /// unreachable).
    pub fn unlink(&mut self, parent: NodeId, child: NodeId) {
        let next = self.nodes[child as usize].next_sibling;
        if self.nodes[parent as usize].first_child == child {
            self.nodes[parent as usize].first_child = next;
        } else {
            let mut at = self.nodes[parent as usize].first_child;
            while at != NONE {
                if self.nodes[at as usize].next_sibling == child {
                    self.nodes[at as usize].next_sibling = next;
                    break;
                }
                at = self.nodes[at as usize].next_sibling;
            }
        }
        self.generation += 1;
    }

    /// Takes `sizes` off each node of `path` (a removal below them).
    pub fn subtract(&mut self, path: &[NodeId], sizes: Sizes) {
        for &id in path {
            let n = &mut self.nodes[id as usize];
            n.disk = n.disk.saturating_sub(sizes.disk);
            n.apparent = n.apparent.saturating_sub(sizes.apparent);
            n.items = n.items.saturating_sub(sizes.items);
        }
        self.generation += 1;
    }

    /// Adds `sizes` to each node of `path`.
    pub fn add_sizes(&mut self, path: &[NodeId], sizes: Sizes) {
        for &id in path {
            let n = &mut self.nodes[id as usize];
            n.disk = n.disk.saturating_add(sizes.disk);
            n.apparent = n.apparent.saturating_add(sizes.apparent);
            n.items = n.items.saturating_add(sizes.items);
        }
        self.generation += 1;
    }

    /// Puts the tree under `other`'s first operand in place of `old`, a
    /// child of the last node of `path`, and corrects the totals of
    /// `path`: a rescan's result. Returns the new node.
    pub fn graft(&mut self, path: &[NodeId], old: NodeId, other: &Tree) -> Option<NodeId> {
        let parent = *path.last()?;
        let top = other.node(ROOT).first_child;
        if top == NONE {
            return None;
        }
        let name = self.name(old).to_vec();
        let before = Sizes::of(self.node(old));
        self.unlink(parent, old);
        let new = self.copy_from(parent, &name, other, top);
        self.subtract(path, before);
        self.add_sizes(path, Sizes::of(self.node(new)));
        Some(new)
    }

    fn copy_from(&mut self, parent: NodeId, name: &[u8], other: &Tree, id: NodeId) -> NodeId {
        let new = self.add(parent, name, *other.node(id));
        // Depth-first with an explicit stack: trees may be deep.
        let mut stack = vec![(id, new)];
        while let Some((from, to)) = stack.pop() {
            for child in other.children(from) {
                let copied = self.add(to, other.name(child), *other.node(child));
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
    pub fn of(node: &Node) -> Sizes {
        Sizes {
            disk: node.disk,
            apparent: node.apparent,
            items: node.items,
        }
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
        self.next = self.tree.nodes[id as usize].next_sibling;
        Some(id)
    }
}

/// A tree shared between the scan, which fills it, and the interface,
/// which locks it for a moment per frame or key.
pub type Shared = Arc<Mutex<Tree>>;

/// Locks `tree`; a scan thread that panicked leaves a tree that is still
/// worth browsing.
pub fn lock(tree: &Shared) -> MutexGuard<'_, Tree> {
    tree.lock().unwrap_or_else(|e| e.into_inner())
}

/// The sink that builds a [`Tree`] from the ordered stream.
pub struct TreeSink {
    tree: Shared,
    /// The open directories, outermost first.
    stack: Vec<NodeId>,
    /// Whether sizes were counted as apparent sizes (`-A`, `-b`): then
    /// `usage.bytes` is the apparent size and the details carry the disk
    /// usage.
    apparent: bool,
}

impl TreeSink {
    pub fn new(tree: Shared, apparent: bool) -> Self {
        TreeSink {
            tree,
            stack: Vec::new(),
            apparent,
        }
    }

    fn node(&self, kind: Kind, usage: Usage, details: Option<Details>) -> Node {
        let other = details.map_or(usage.bytes, |d| d.other_bytes);
        let (disk, apparent) = if self.apparent {
            (other, usage.bytes)
        } else {
            (usage.bytes, other)
        };
        let mtime = if usage.time == NO_TIME {
            0
        } else {
            (usage.time / 1_000_000_000).clamp(0, u32::MAX as i128) as u32
        };
        let linked = details.is_some_and(|d| d.link.is_some());
        Node {
            first_child: NONE,
            next_sibling: NONE,
            name_start: 0,
            name_len: 0,
            kind,
            flags: if linked { FLAG_LINKED } else { 0 },
            items: usage.inodes.min(u32::MAX as u64) as u32,
            mtime,
            disk,
            apparent,
        }
    }

    /// Adds an entry under the innermost open directory and counts it in
    /// every open directory.
    fn add(&mut self, path: &[u8], depth: usize, node: Node) -> NodeId {
        let parent = self.stack.last().copied().unwrap_or(ROOT);
        let name = if depth == 0 {
            path
        } else {
            last_component(path)
        };
        let sizes = Sizes::of(&node);
        let mut tree = lock(&self.tree);
        let id = tree.add(parent, name, node);
        for &open in self.stack.iter().chain(std::iter::once(&ROOT)) {
            let n = &mut tree.nodes[open as usize];
            n.disk = n.disk.saturating_add(sizes.disk);
            n.apparent = n.apparent.saturating_add(sizes.apparent);
            n.items = n.items.saturating_add(sizes.items);
            n.mtime = n.mtime.max(node.mtime);
        }
        id
    }
}

/// The name at the end of a path as du prints it.
fn last_component(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) if i + 1 < path.len() => &path[i + 1..],
        _ => path,
    }
}

fn kind_of(details: Option<Details>) -> Kind {
    match details.map(|d| d.file_type) {
        Some(FileType::Symlink) => Kind::Symlink,
        Some(FileType::Other) => Kind::Other,
        Some(FileType::Directory) => Kind::Dir,
        _ => Kind::File,
    }
}

impl Sink for TreeSink {
    fn event(&mut self, event: &Event<'_>) -> std::io::Result<()> {
        match *event {
            Event::DirStart {
                path,
                depth,
                own,
                details,
            } => {
                let mut node = self.node(Kind::Dir, own, details);
                node.flags |= FLAG_OPEN;
                let id = self.add(path, depth, node);
                self.stack.push(id);
                lock(&self.tree).scanning = Some(id);
            }
            Event::File {
                path,
                depth,
                usage,
                details,
            } => {
                let node = self.node(kind_of(details), usage, details);
                self.add(path, depth, node);
            }
            Event::DirEnd { .. } => {
                if let Some(id) = self.stack.pop() {
                    let mut tree = lock(&self.tree);
                    tree.nodes[id as usize].flags &= !FLAG_OPEN;
                    tree.scanning = self.stack.last().copied();
                    tree.generation += 1;
                }
            }
            Event::Error { path, kind, .. } => {
                use crate::batch::ErrorKind;
                let mut tree = lock(&self.tree);
                tree.errors += 1;
                match (kind, self.stack.last()) {
                    // The directory being closed could not be read (in
                    // full); it keeps what was counted.
                    (ErrorKind::ReadDir | ErrorKind::ReadPartial, Some(&top)) => {
                        tree.nodes[top as usize].flags |= FLAG_ERROR;
                        tree.generation += 1;
                    }
                    _ => {
                        drop(tree);
                        let depth = self.stack.len();
                        let mut node = self.node(Kind::Unreadable, Usage::default(), None);
                        node.items = 0;
                        self.add(path, depth, node);
                    }
                }
            }
            Event::Invalid { message } => {
                let mut tree = lock(&self.tree);
                tree.errors += 1;
                tree.messages
                    .push(String::from_utf8_lossy(message).into_owned());
            }
            Event::Skipped { .. } => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: u64) -> Usage {
        Usage {
            bytes,
            inodes: 1,
            time: NO_TIME,
        }
    }

    #[test]
    fn sizes_add_up_in_every_open_directory() {
        let tree: Shared = Arc::default();
        let mut sink = TreeSink::new(tree.clone(), false);
        let events = [
            Event::DirStart {
                path: b"t",
                depth: 0,
                own: file(4096),
                details: None,
            },
            Event::DirStart {
                path: b"t/d",
                depth: 1,
                own: file(4096),
                details: None,
            },
            Event::File {
                path: b"t/d/f",
                depth: 2,
                usage: file(8192),
                details: None,
            },
            Event::DirEnd {
                path: b"t/d",
                depth: 1,
                total: file(12288),
                separate: file(12288),
            },
            Event::File {
                path: b"t/g",
                depth: 1,
                usage: file(100),
                details: None,
            },
        ];
        for e in &events {
            sink.event(e).unwrap();
        }
        let tree = lock(&tree);
        let top = tree.node(ROOT).first_child;
        assert_eq!(tree.name(top), b"t");
        assert_eq!(tree.node(top).disk, 4096 + 4096 + 8192 + 100);
        assert_eq!(tree.node(top).items, 4);
        // t is still open (no DirEnd yet); d is closed.
        assert_ne!(tree.node(top).flags & FLAG_OPEN, 0);
        let names: Vec<_> = tree.children(top).map(|c| tree.name(c).to_vec()).collect();
        assert_eq!(names, vec![b"g".to_vec(), b"d".to_vec()]);
        let d = tree.children(top).find(|&c| tree.name(c) == b"d").unwrap();
        assert_eq!(tree.node(d).flags & FLAG_OPEN, 0);
        assert_eq!(tree.node(d).disk, 12288);
    }

    #[test]
    fn a_node_takes_forty_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 40);
    }

    #[test]
    fn unlink_and_subtract_take_a_child_and_its_size_away() {
        let mut tree = Tree::new();
        let mk = |disk| Node {
            first_child: NONE,
            next_sibling: NONE,
            name_start: 0,
            name_len: 0,
            kind: Kind::File,
            flags: 0,
            items: 1,
            mtime: 0,
            disk,
            apparent: disk,
        };
        let a = tree.add(ROOT, b"a", mk(10));
        let b = tree.add(ROOT, b"b", mk(20));
        tree.node_mut(ROOT).disk = 30;
        tree.unlink(ROOT, a);
        tree.subtract(&[ROOT], Sizes::of(tree.node(a)));
        assert_eq!(tree.children(ROOT).collect::<Vec<_>>(), vec![b]);
        assert_eq!(tree.node(ROOT).disk, 20);
    }
}
