//! The sink that fills a browser's [`Tree`] from the ordered stream of a
//! scan. Entries gather in a [`Batch`] on the scan's side and go into the
//! tree under one hold of the write lock every [`BATCH`] entries, every
//! [`BATCH_TIME`], and when the last open directory ends: the scan then
//! neither waits for the lock nor walks up the open directories per entry,
//! and every frame still sees a tree whose totals add up.

use std::time::{Duration, Instant};

use super::batch::Batch;
use super::model::{FLAG_LINKED, FLAG_OPEN, Kind, Node, Shared, lock};
use crate::model::{Details, FileType, Usage};
use crate::stream::{Event, Sink};

/// Entries per hold of the write lock, at most: a few hundred
/// microseconds of work, so a frame or a key waits no longer.
pub const BATCH: usize = 4096;
/// The longest an entry waits for the tree when entries come slowly.
pub const BATCH_TIME: Duration = Duration::from_millis(20);
/// Entries between two looks at the clock (about 0.1 us each on the
/// bench machine: once per entry would cost a tenth of a second on a
/// million). Entries come in bursts, a directory at a time; while the
/// scan waits for the next burst, fewer than this many may wait with it.
const CLOCK_EVERY: usize = 16;

/// The sink that builds the browser's tree from the ordered stream.
pub struct TreeSink {
    tree: Shared,
    batch: Batch,
    /// When the tree was last brought up to date.
    flushed: Instant,
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
            batch: Batch::default(),
            flushed: Instant::now(),
            apparent,
        }
    }

    /// Puts every entry received so far in the tree.
    pub fn flush(&mut self) {
        if !self.batch.is_empty() {
            self.batch.flush(&mut lock(&self.tree));
        }
        self.flushed = Instant::now();
    }

    /// Flushes if the batch is full or has waited long enough.
    fn flush_if_due(&mut self) {
        let len = self.batch.len();
        if len >= BATCH
            || (len > 0 && len.is_multiple_of(CLOCK_EVERY) && self.flushed.elapsed() >= BATCH_TIME)
        {
            self.flush();
        }
    }

    fn node(&self, kind: Kind, usage: Usage, details: Option<Details>) -> Node {
        let other = details.map_or(usage.bytes, |d| d.other_bytes);
        let (disk, apparent) = if self.apparent {
            (other, usage.bytes)
        } else {
            (usage.bytes, other)
        };
        // Whole seconds within u32: 0 before 1970 and for NO_TIME (the
        // lowest time). Clamped into i64 first, so that the division is a
        // 64-bit one: a 128-bit division is a library call per entry.
        let ns = usage.time.clamp(0, i128::from(i64::MAX)) as i64;
        let mtime = (ns / 1_000_000_000).min(i64::from(u32::MAX)) as u32;
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
}

impl Drop for TreeSink {
    fn drop(&mut self) {
        self.flush();
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

/// The name under which an entry at `depth` is shown: an operand whole,
/// anything deeper by its last component.
fn name_at(path: &[u8], depth: usize) -> &[u8] {
    if depth == 0 {
        path
    } else {
        last_component(path)
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
                self.batch.open(name_at(path, depth), node);
            }
            Event::File {
                path,
                depth,
                usage,
                details,
            } => {
                let node = self.node(kind_of(details), usage, details);
                self.batch.add(name_at(path, depth), node);
            }
            Event::DirEnd { .. } => {
                // The end of an operand is shown at once.
                if self.batch.close() && self.batch.depth() == 0 {
                    self.flush();
                }
            }
            Event::Error { path, kind, .. } => {
                use crate::model::ErrorKind;
                self.batch.error();
                // A directory that could not be read (in full) keeps what
                // was counted; anything else shows as unreadable.
                let whole = matches!(kind, ErrorKind::ReadDir | ErrorKind::ReadPartial);
                if !(whole && self.batch.unreadable()) {
                    let depth = self.batch.depth();
                    let mut node = self.node(Kind::Unreadable, Usage::default(), None);
                    node.items = 0;
                    self.batch.add(name_at(path, depth), node);
                }
            }
            Event::Invalid { message } => {
                self.flush();
                let mut tree = lock(&self.tree);
                tree.errors += 1;
                tree.messages
                    .push(String::from_utf8_lossy(message).into_owned());
            }
            Event::Skipped { .. } => {}
        }
        self.flush_if_due();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browse::model::{NodeId, ROOT, Tree};
    use crate::model::NO_TIME;
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
        sink.flush();
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

    /// Nested and sibling directories with files, as the ordered walk
    /// gives them: (path, depth, `Some(true)` for a directory's start,
    /// `Some(false)` for a file, `None` for a directory's end, size).
    fn stream() -> Vec<(String, usize, Option<bool>, u64)> {
        let mut out = Vec::new();
        fn dir(out: &mut Vec<(String, usize, Option<bool>, u64)>, path: &str, depth: usize) {
            out.push((path.to_string(), depth, Some(true), 10));
            for i in 0..(depth as u64 + 2) {
                out.push((format!("{path}/f{i}"), depth + 1, Some(false), 100 + i));
                if depth < 3 && i <= 1 {
                    dir(out, &format!("{path}/d{i}"), depth + 1);
                }
            }
            out.push((path.to_string(), depth, None, 0));
        }
        dir(&mut out, "t", 0);
        out
    }

    fn send(sink: &mut TreeSink, (path, depth, start, size): &(String, usize, Option<bool>, u64)) {
        let path = path.as_bytes();
        let depth = *depth;
        let event = match start {
            Some(true) => Event::DirStart {
                path,
                depth,
                own: file(*size),
                details: None,
            },
            Some(false) => Event::File {
                path,
                depth,
                usage: file(*size),
                details: None,
            },
            None => Event::DirEnd {
                path,
                depth,
                total: file(0),
                separate: file(0),
            },
        };
        sink.event(&event).unwrap();
    }

    /// What adding the first `n` entries one by one makes: each path's
    /// total and item count, whether it is open, and the innermost open
    /// directory.
    type Expected = (Vec<(String, u64, u32, bool)>, Option<String>);
    fn expected(events: &[(String, usize, Option<bool>, u64)]) -> Expected {
        let mut seen: Vec<(String, u64, u32, bool)> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        for (path, _, start, size) in events {
            match start {
                None => {
                    let i = open.pop().unwrap();
                    seen[i].3 = false;
                }
                Some(is_dir) => {
                    seen.push((path.clone(), *size, 1, *is_dir));
                    let me = seen.len() - 1;
                    for &o in &open {
                        seen[o].1 += size;
                        seen[o].2 += 1;
                    }
                    if *is_dir {
                        open.push(me);
                    }
                }
            }
        }
        let scanning = open.last().map(|&i| seen[i].0.clone());
        (seen, scanning)
    }

    /// The node at `path` ("t/d1/f0"), found by name from the root.
    fn find(tree: &Tree, path: &str) -> NodeId {
        let mut at = ROOT;
        for name in path.split('/') {
            at = tree
                .children(at)
                .find(|&c| tree.name(c) == name.as_bytes())
                .unwrap_or_else(|| panic!("{path} not in the tree"));
        }
        at
    }

    /// The path of `id`, by walking down from the root to find it.
    fn path_of(tree: &Tree, id: NodeId) -> String {
        fn walk(tree: &Tree, at: NodeId, id: NodeId, path: &mut Vec<String>) -> bool {
            for c in tree.children(at) {
                path.push(String::from_utf8_lossy(tree.name(c)).into_owned());
                if c == id || walk(tree, c, id, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        assert!(walk(tree, ROOT, id, &mut path), "{id} not under the root");
        path.join("/")
    }

    #[test]
    fn every_flush_shows_the_totals_of_adding_one_by_one() {
        let events = stream();
        assert!(events.len() > 40, "{} events", events.len());
        // Flushing after every `every` events, each prefix flushed is
        // compared with the same entries added one by one.
        for every in [1, 2, 3, 7, 50] {
            let tree: Shared = Arc::default();
            let mut sink = TreeSink::new(tree.clone(), false);
            for (n, e) in events.iter().enumerate() {
                send(&mut sink, e);
                if (n + 1) % every != 0 {
                    continue;
                }
                sink.flush();
                let (want, scanning) = expected(&events[..=n]);
                let tree = lock(&tree);
                assert_eq!(tree.len(), want.len() + 1, "after {} events", n + 1);
                let mut all = 0;
                let mut items = 0;
                for (path, disk, count, open) in &want {
                    let node = tree.node(find(&tree, path));
                    assert_eq!(node.disk, *disk, "{path} after {} events", n + 1);
                    assert_eq!(node.items, *count, "{path} after {} events", n + 1);
                    assert_eq!(node.flags & FLAG_OPEN != 0, *open, "{path}");
                    if !path.contains('/') {
                        all += disk;
                        items += count;
                    }
                }
                assert_eq!(tree.node(ROOT).disk, all, "the root after {} events", n + 1);
                assert_eq!(tree.node(ROOT).items, items);
                let marked = tree.scanning.map(|id| path_of(&tree, id));
                assert_eq!(
                    marked,
                    scanning,
                    "the scanning marker after {} events",
                    n + 1
                );
            }
        }
    }

    #[test]
    fn entries_reach_the_tree_in_the_order_they_came() {
        let events = stream();
        let tree: Shared = Arc::default();
        let mut sink = TreeSink::new(tree.clone(), false);
        for (n, e) in events.iter().enumerate() {
            send(&mut sink, e);
            if n % 5 == 4 {
                sink.flush();
            }
        }
        drop(sink);
        let tree = lock(&tree);
        // Nodes are numbered as they are added: the arena's order is the
        // stream's.
        let added: Vec<String> = (1..tree.len() as NodeId)
            .map(|id| path_of(&tree, id))
            .collect();
        let sent: Vec<String> = events
            .iter()
            .filter(|e| e.2.is_some())
            .map(|e| e.0.clone())
            .collect();
        assert_eq!(added, sent);
        assert_eq!(tree.scanning, None);
    }

    #[test]
    fn entries_wait_for_a_flush_and_the_end_of_the_operand_flushes() {
        let events = stream();
        let tree: Shared = Arc::default();
        let mut sink = TreeSink::new(tree.clone(), false);
        for e in &events[..events.len() - 1] {
            send(&mut sink, e);
        }
        // Fewer than a batch, and sent at once: nothing is in the tree.
        assert_eq!(lock(&tree).len(), 1);
        send(&mut sink, events.last().unwrap());
        let (want, _) = expected(&events);
        let tree = lock(&tree);
        assert_eq!(tree.len(), want.len() + 1);
        assert_eq!(tree.node(find(&tree, "t")).disk, want[0].1);
        assert_eq!(tree.scanning, None);
    }

    #[test]
    fn a_full_batch_goes_into_the_tree_without_waiting_for_the_end() {
        let tree: Shared = Arc::default();
        let mut sink = TreeSink::new(tree.clone(), false);
        send(&mut sink, &("t".into(), 0, Some(true), 1));
        for i in 0..BATCH as u64 - 1 {
            send(&mut sink, &(format!("t/f{i}"), 1, Some(false), 2));
        }
        let tree = lock(&tree);
        assert_eq!(tree.len(), BATCH + 1);
        let top = find(&tree, "t");
        assert_eq!(tree.node(top).disk, 1 + 2 * (BATCH as u64 - 1));
        assert_eq!(tree.scanning, Some(top));
        assert_ne!(tree.node(top).flags & FLAG_OPEN, 0);
    }
}
