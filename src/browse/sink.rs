//! The sink that fills a browser's [`Tree`] from the ordered stream of a
//! scan: each entry is added under the innermost open directory and counted
//! in every open one, so a partial tree already has the right totals.

use super::model::{
    FLAG_ERROR, FLAG_LINKED, FLAG_OPEN, Kind, Node, NodeId, ROOT, Shared, Sizes, lock,
};
use crate::model::{Details, FileType, NO_TIME, Usage};
use crate::stream::{Event, Sink};

/// The sink that builds the browser's tree from the ordered stream.
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
    /// A sink filling `tree`, which shows apparent sizes if `apparent`.
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
        let sizes = Sizes::of(node);
        let mut tree = lock(&self.tree);
        let id = tree.add(parent, name, node);
        for &open in self.stack.iter().chain(std::iter::once(&ROOT)) {
            tree.update(open, |n| {
                n.disk = n.disk.saturating_add(sizes.disk);
                n.apparent = n.apparent.saturating_add(sizes.apparent);
                n.items = n.items.saturating_add(sizes.items);
                n.mtime = n.mtime.max(node.mtime);
            });
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
                    tree.update(id, |n| n.flags &= !FLAG_OPEN);
                    tree.scanning = self.stack.last().copied();
                }
            }
            Event::Error { path, kind, .. } => {
                use crate::model::ErrorKind;
                let mut tree = lock(&self.tree);
                tree.errors += 1;
                match (kind, self.stack.last()) {
                    // The directory being closed could not be read (in
                    // full); it keeps what was counted.
                    (ErrorKind::ReadDir | ErrorKind::ReadPartial, Some(&top)) => {
                        tree.update(top, |n| n.flags |= FLAG_ERROR);
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
    use std::sync::Arc;

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
        let top = tree.first_child(ROOT);
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
}
