//! The tree a page is drawn from, gathered from the stream: every
//! directory with both measures and how many entries it holds, and only
//! the largest few files of each, so that memory follows the number of
//! directories rather than the number of files. With `--diff`, each entry
//! also carries what the old scan said of it.

use super::super::largest::Largest;
use crate::input::old::{NONE, OldTree};

/// Files a directory keeps at most, and how many of its largest it keeps
/// whatever their size. Its other files end up in its "more entries" box:
/// a page holds far fewer boxes than a large tree has files (see
/// `data::MAX_BOXES`).
const FILES_PER_DIR: usize = 64;
const FILES_ALWAYS: usize = 4;
/// Beyond those, a file is kept only if it would show as a box worth
/// seeing: at least this share of its directory when zoomed into it, and
/// of all met so far (which bounds how many a large tree keeps: only the
/// start of a scan, while that sum is small, keeps small files).
const SHARE_OF_DIR: u64 = 500;
const SHARE_OF_ALL: u64 = 50_000;

/// How an entry compares with the old scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// No old scan, or nothing to compare with.
    Unknown,
    Same,
    Grown,
    Shrunk,
    New,
}

/// One entry of the page's tree.
pub struct Node {
    /// Index of its parent; [`NONE`] for an operand.
    pub parent: u32,
    /// Where its name is in [`Model::names`].
    pub name: (u32, u32),
    /// Its size in the run's measure (disk usage, or apparent size with
    /// `-b`/`--apparent-size`), and in the other one when measured.
    pub size: u64,
    pub other: u64,
    /// Entries below it, at any depth (0 for a file).
    pub items: u64,
    /// Its own entries, kept or not (0 for a file).
    pub entries: u64,
    pub is_dir: bool,
    pub change: Change,
    /// Its size in the old scan, when it had one.
    pub old: Option<u64>,
    /// Entries of the old scan that are gone from this directory, and
    /// what they measured there.
    pub gone: (u64, u64),
}

/// A file in the running for its directory's few, or the page's largest.
#[derive(PartialEq, Eq)]
struct Kept {
    size: u64,
    seq: u64,
    other: u64,
    name: Box<[u8]>,
    change: Change,
    old: Option<u64>,
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Larger first, then met earlier.
        self.size
            .cmp(&other.size)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A file or gone entry for one of the page's tables, with its path.
#[derive(PartialEq, Eq)]
pub struct Listed {
    pub size: u64,
    pub seq: u64,
    pub other: u64,
    pub path: Box<[u8]>,
}

impl Ord for Listed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.size
            .cmp(&other.size)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialOrd for Listed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A directory entered and not yet ended.
struct Open {
    node: u32,
    files: Largest<Kept>,
    /// Running sums, which stand for its totals if the scan stops before
    /// its end.
    size: u64,
    other: u64,
    items: u64,
    entries: u64,
    /// Its node in the old scan: None when it is new (or inside a new
    /// directory).
    old: Option<u32>,
}

/// The tree gathered so far.
pub struct Model {
    pub nodes: Vec<Node>,
    pub names: Vec<u8>,
    /// The largest files anywhere, for the page's table.
    pub largest: Largest<Listed>,
    /// The largest entries gone since the old scan.
    pub gone: Largest<Listed>,
    /// Whether each entry came with its size in the other measure.
    pub both: bool,
    /// Entries and directories that could not be read.
    pub unread: u64,
    open: Vec<Open>,
    seq: u64,
    /// Bytes met so far, in the run's measure.
    met: u64,
    old: Option<OldTree>,
    /// Whether the old scan lists files, so that a file it lacks is new.
    old_has_files: bool,
}

/// Rows of the page's tables.
const TABLE_ROWS: usize = 50;

/// The last component of a path below an operand.
fn name_of(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

fn compare(new: u64, old: Option<u64>, unit: u64) -> Change {
    // A listing's numbers were rounded up to its unit; so is the new one.
    let new = new.div_ceil(unit).saturating_mul(unit);
    match old {
        None => Change::New,
        Some(old) if new > old => Change::Grown,
        Some(old) if new < old => Change::Shrunk,
        Some(_) => Change::Same,
    }
}

impl Model {
    /// `old` is the old scan of `--diff`; `old_has_files` says whether it
    /// names files (an export, or a listing made with `-a`).
    pub fn new(old: Option<OldTree>, old_has_files: bool) -> Self {
        Model {
            nodes: Vec::new(),
            names: Vec::new(),
            largest: Largest::new(TABLE_ROWS),
            gone: Largest::new(TABLE_ROWS),
            both: true,
            unread: 0,
            open: Vec::new(),
            seq: 0,
            met: 0,
            old,
            old_has_files,
        }
    }

    pub fn diff(&self) -> bool {
        self.old.is_some()
    }

    pub fn name(&self, node: &Node) -> &[u8] {
        &self.names[node.name.0 as usize..node.name.1 as usize]
    }

    fn push_node(&mut self, parent: u32, name: &[u8], is_dir: bool) -> u32 {
        let start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        self.nodes.push(Node {
            parent,
            name: (start, self.names.len() as u32),
            size: 0,
            other: 0,
            items: 0,
            entries: 0,
            is_dir,
            change: Change::Unknown,
            old: None,
            gone: (0, 0),
        });
        (self.nodes.len() - 1) as u32
    }

    /// The old scan's entry `name` under the directory on top (or the old
    /// root for an operand): its index, or None when it is new.
    fn old_child(&mut self, name: &[u8]) -> Option<u32> {
        let old = self.old.as_mut()?;
        let index = match self.open.last() {
            None => 0,
            Some(top) => old.child(top.old?, name)?,
        };
        old.nodes[index as usize].seen = true;
        Some(index)
    }

    fn old_value(&self, index: Option<u32>) -> Option<u64> {
        let old = self.old.as_ref()?;
        old.nodes[index? as usize].value
    }

    fn change_of(&self, size: u64, old: Option<u64>, known: bool) -> Change {
        match &self.old {
            Some(tree) if known => compare(size, old, tree.unit),
            _ => Change::Unknown,
        }
    }

    pub fn dir_start(&mut self, path: &[u8], depth: usize, own: u64, other: Option<u64>) {
        let (parent, name) = match self.open.last() {
            Some(top) if depth > 0 => (top.node, name_of(path)),
            _ => (NONE, path),
        };
        let old = self.old_child(name);
        let node = self.push_node(parent, name, true);
        self.both &= other.is_some();
        self.met = self.met.saturating_add(own);
        self.open.push(Open {
            node,
            files: Largest::new(FILES_PER_DIR),
            size: own,
            other: other.unwrap_or(own),
            items: 0,
            entries: 0,
            old,
        });
    }

    pub fn file(&mut self, path: &[u8], depth: usize, size: u64, other: Option<u64>) {
        self.both &= other.is_some();
        let other = other.unwrap_or(size);
        self.met = self.met.saturating_add(size);
        let seq = self.seq;
        self.seq += 1;
        if self.largest.would_keep(|s| size > s.size) {
            self.largest.push(Listed {
                size,
                seq,
                other,
                path: path.into(),
            });
        }
        if depth == 0 || self.open.is_empty() {
            let old = self.old_child(path);
            let old_value = self.old_value(old);
            let change = self.change_of(size, old_value, true);
            let node = self.push_node(NONE, path, false);
            let n = &mut self.nodes[node as usize];
            (n.size, n.other, n.change, n.old) = (size, other, change, old_value);
            return;
        }
        let name = name_of(path);
        let in_old = self.open.last().is_some_and(|t| t.old.is_some());
        let (old_value, known) = if self.old.is_some() && in_old {
            let index = self.old_child(name);
            (self.old_value(index), self.old_has_files || index.is_some())
        } else {
            // Inside a new directory everything is new.
            (None, true)
        };
        let change = self.change_of(size, old_value, known);
        let top = self.open.last_mut().expect("a directory is open");
        top.size = top.size.saturating_add(size);
        top.other = top.other.saturating_add(other);
        top.items += 1;
        top.entries += 1;
        if top.files.would_keep(|s| size > s.size) {
            top.files.push(Kept {
                size,
                seq,
                other,
                name: name.into(),
                change,
                old: old_value,
            });
        }
    }

    /// Ends the directory on top; `total` is its size as the stream
    /// summed it (None when the scan stopped inside it).
    pub fn dir_end(&mut self, path: &[u8], total: Option<u64>) {
        let Some(open) = self.open.pop() else {
            return;
        };
        let size = total.unwrap_or(open.size);
        if let Some(old_index) = open.old {
            self.settle_gone(old_index, path, open.node);
        }
        let old_value = self.old_value(open.old);
        let change = self.change_of(size, old_value, true);
        let n = &mut self.nodes[open.node as usize];
        n.size = size;
        n.other = open.other;
        n.items = open.items;
        n.entries = open.entries;
        n.change = change;
        n.old = old_value;
        let floor = (self.met / SHARE_OF_ALL).max(size / SHARE_OF_DIR);
        let files = open.files.into_sorted().into_iter().enumerate();
        for (_, file) in files.filter(|(i, f)| *i < FILES_ALWAYS || f.size >= floor) {
            let node = self.push_node(open.node, &file.name, false);
            let n = &mut self.nodes[node as usize];
            (n.size, n.other, n.change, n.old) = (file.size, file.other, file.change, file.old);
        }
        if let Some(top) = self.open.last_mut() {
            top.size = top.size.saturating_add(size);
            top.other = top.other.saturating_add(open.other);
            top.items += 1 + open.items;
            top.entries += 1;
        }
    }

    /// Counts what the old scan had in a directory and the new one did
    /// not meet, and keeps the largest for the table.
    fn settle_gone(&mut self, old_index: u32, path: &[u8], node: u32) {
        let Some(old) = &self.old else {
            return;
        };
        let mut gone = (0u64, 0u64);
        let mut found = Vec::new();
        let mut c = old.nodes[old_index as usize].first_child;
        while c != NONE {
            let n = &old.nodes[c as usize];
            if !n.seen
                && let Some(value) = n.value
            {
                gone.0 += 1;
                gone.1 = gone.1.saturating_add(value);
                if self.gone.would_keep(|s| value > s.size) {
                    let mut full = path.to_vec();
                    crate::path::join_path(&mut full, &n.name);
                    found.push((value, full));
                }
            }
            c = n.next_sibling;
        }
        for (size, path) in found {
            let seq = self.seq;
            self.seq += 1;
            self.gone.push(Listed {
                size,
                seq,
                other: size,
                path: path.into(),
            });
        }
        self.nodes[node as usize].gone = gone;
    }

    /// Ends every directory a stopped scan left open, with what it had.
    pub fn close_all(&mut self) {
        while !self.open.is_empty() {
            self.dir_end(b"", None);
        }
    }
}
