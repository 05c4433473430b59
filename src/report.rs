//! The report: what a walk found, as an arena of directory nodes (a parent
//! always before its children) plus the operands' outcomes, the entries
//! that may be counted only once, and the errors met. Only the aggregator
//! writes it; the output reads it.

use std::collections::{HashMap, HashSet};

/// Index of a directory in the arena.
pub type NodeId = u32;

pub const NO_PARENT: NodeId = NodeId::MAX;

/// Space and entries, the two things du can count, and the latest time
/// among them for `--time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub bytes: u64,
    pub inodes: u64,
    /// Nanoseconds since the epoch; [`NO_TIME`] when none was taken.
    pub time: i128,
}

/// The time of a usage that holds no timestamp.
pub const NO_TIME: i128 = i128::MIN;

impl Default for Usage {
    fn default() -> Self {
        Usage {
            bytes: 0,
            inodes: 0,
            time: NO_TIME,
        }
    }
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.inodes += other.inodes;
        self.time = self.time.max(other.time);
    }
}

/// Bytes and entries: what a node keeps of each of its usages. Times are
/// kept apart, and only with `--time`, so that a node takes 48 bytes
/// rather than 128 (an i128 time would also force 16-byte alignment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Amount {
    bytes: u64,
    inodes: u64,
}

impl Amount {
    fn of(usage: Usage) -> Self {
        Amount {
            bytes: usage.bytes,
            inodes: usage.inodes,
        }
    }

    fn add(&mut self, other: Amount) {
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.inodes += other.inodes;
    }

    fn with_time(self, time: i128) -> Usage {
        Usage {
            bytes: self.bytes,
            inodes: self.inodes,
            time,
        }
    }
}

/// A directory in the arena: 48 bytes, a million directories in 48 MB.
#[derive(Clone, Debug, Default)]
struct Node {
    /// Where the name is in [`Report::names`]: offset << 24 | length.
    /// Twenty-four bits hold any name the kernel accepts (a path is at most
    /// 4,096 bytes) and forty any buffer of names that fits in memory.
    name: u64,
    parent: NodeId,
    /// Counted elsewhere first (a repeated directory): left out entirely.
    dropped: bool,
    /// The directory's own entry and the non-directory entries directly
    /// inside it: du never shows one without the other.
    here: Amount,
    /// Everything at and below it; set by [`Report::fold`].
    total: Amount,
}

const NAME_LENGTH_BITS: u32 = 24;

/// The latest times of a node's two sums, with `--time`.
#[derive(Clone, Copy, Debug)]
struct Times {
    here: i128,
    total: i128,
}

impl Default for Times {
    fn default() -> Self {
        Times {
            here: NO_TIME,
            total: NO_TIME,
        }
    }
}

/// Where an entry that may be counted only once was met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A directory, by its node.
    Dir(NodeId),
    /// A non-directory entry of a directory.
    File(NodeId, Box<[u8]>),
    /// A non-directory operand.
    Operand(usize),
}

/// A (device, inode) met at a place; the first place in traversal order
/// keeps it, later ones are dropped (GNU du's hash of seen files). A file
/// claimed this way is added to its directory only when it keeps it.
#[derive(Clone, Debug)]
pub struct Claim {
    pub dev: u64,
    pub ino: u64,
    pub place: Place,
    pub usage: Usage,
}

/// What went wrong, worded as GNU du words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `cannot access 'X'`: stat failed (FTS_NS).
    Access,
    /// `cannot read directory 'X'`: open or first read failed (FTS_DNR).
    ReadDir,
    /// `X: error`: reading failed part way (FTS_ERR).
    ReadPartial,
}

/// An error met inside a directory: about an entry of it (`name`), or
/// about the directory itself (`name` is None).
#[derive(Clone, Debug)]
pub struct EntryError {
    pub name: Option<Box<[u8]>>,
    pub kind: ErrorKind,
    pub errno: i32,
}

/// The files of one directory that `-a` prints, packed: one buffer of
/// names and a size each, so that a directory of a million files costs
/// about 16 bytes a file beyond its names (less than du's own entries).
#[derive(Clone, Debug, Default)]
pub struct FileList {
    names: Vec<u8>,
    /// Where each name ends in `names` (u32: half the memory of usize, and
    /// four GiB of names in one directory is past any real one).
    ends: Vec<u32>,
    bytes: Vec<u64>,
    /// Times, only with `--time`.
    times: Vec<i128>,
    /// Files counted elsewhere first (hard links), by index; rare.
    dropped: Vec<usize>,
}

impl FileList {
    pub fn push(&mut self, name: &[u8], usage: Usage, with_time: bool) {
        let Ok(end) = u32::try_from(self.names.len() + name.len()) else {
            // Past four GiB of names the file is counted but not listed.
            return;
        };
        self.names.extend_from_slice(name);
        self.ends.push(end);
        self.bytes.push(usage.bytes);
        if with_time {
            self.times.push(usage.time);
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn name(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.names[start..self.ends[i] as usize]
    }

    pub fn usage(&self, i: usize) -> Usage {
        Usage {
            bytes: self.bytes[i],
            inodes: 1,
            time: self.times.get(i).copied().unwrap_or(NO_TIME),
        }
    }

    /// The indices of the files still to print, in byte order of names.
    pub fn sorted(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32)
            .filter(|&i| !self.dropped.contains(&(i as usize)))
            .collect();
        order.sort_unstable_by(|&a, &b| self.name(a as usize).cmp(self.name(b as usize)));
        order
    }

    /// Leaves out the file `name` (counted elsewhere first).
    fn drop_name(&mut self, name: &[u8]) {
        if let Some(i) =
            (0..self.len()).find(|&i| self.name(i) == name && !self.dropped.contains(&i))
        {
            self.dropped.push(i);
        }
    }
}

/// What became of an operand.
#[derive(Clone, Debug, Default)]
pub enum Outcome {
    /// Not reached: the run was cancelled first.
    #[default]
    NotReached,
    /// Excluded, or on another file system, or already counted.
    Skipped,
    /// Diagnosed without walking (an empty name).
    Invalid(Vec<u8>),
    Error(ErrorKind, i32),
    File {
        usage: Usage,
        dropped: bool,
    },
    Dir(NodeId),
}

/// A directory that was read: its entries summed, its subdirectories
/// named. One message per directory, never one per file.
#[derive(Debug, Default)]
pub struct Batch {
    pub node: NodeId,
    pub files: Usage,
    /// Subdirectories, with node ids `first_child..first_child + len`.
    pub first_child: NodeId,
    pub subdirs: Vec<(Box<[u8]>, Usage)>,
    pub listed: FileList,
    pub claims: Vec<Claim>,
    pub errors: Vec<EntryError>,
    pub incomplete: bool,
    /// Entries read, for progress.
    pub entries: u64,
}

/// An operand's outcome, and its directory node when it is one.
#[derive(Debug)]
pub struct OperandResult {
    pub index: usize,
    pub outcome: Outcome,
    pub own: Usage,
    pub name: Box<[u8]>,
    pub claim: Option<(u64, u64)>,
}

/// Messages from walkers to the aggregator.
#[derive(Debug)]
pub enum Message {
    Operand(OperandResult),
    Dir(Batch),
}

#[derive(Debug, Default)]
pub struct Report {
    /// The directories, by id; a parent always has a smaller id than its
    /// children.
    nodes: Vec<Node>,
    /// The directories' names, one after another.
    names: Vec<u8>,
    /// Each node's times, parallel to `nodes`; empty without `--time`.
    times: Vec<Times>,
    with_time: bool,
    /// The directory made known last, for the progress display.
    last_named: Option<NodeId>,
    pub operands: Vec<Outcome>,
    /// For a directory operand's node, which operand it is.
    pub roots: HashMap<NodeId, usize>,
    pub listed: HashMap<NodeId, FileList>,
    pub errors: HashMap<NodeId, Vec<EntryError>>,
    pub claims: Vec<Claim>,
    pub cancelled: bool,
    pub entries: u64,
    pub dirs: u64,
    pub bytes: u64,
}

impl Report {
    /// An empty report for `operands` operands, keeping times if
    /// `with_time` (`--time`).
    pub fn new(operands: usize, with_time: bool) -> Self {
        Report {
            operands: vec![Outcome::NotReached; operands],
            with_time,
            ..Report::default()
        }
    }

    /// How many directory ids have been handed out and heard of so far.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The name of directory `id` in its parent (for an operand, its path
    /// as printed); empty if its parent's batch has not arrived yet.
    pub fn name(&self, id: NodeId) -> &[u8] {
        let packed = self.nodes[id as usize].name;
        let start = (packed >> NAME_LENGTH_BITS) as usize;
        let len = (packed & ((1 << NAME_LENGTH_BITS) - 1)) as usize;
        &self.names[start..start + len]
    }

    /// The directory made known last ([`Report::set_dir`]).
    pub fn last_named(&self) -> Option<NodeId> {
        self.last_named
    }

    pub fn parent(&self, id: NodeId) -> NodeId {
        self.nodes[id as usize].parent
    }

    /// Whether directory `id` was counted elsewhere first, and so is left
    /// out with all below it.
    pub fn dropped(&self, id: NodeId) -> bool {
        self.nodes[id as usize].dropped
    }

    /// Everything at and below directory `id`, once [`Report::fold`] ran.
    pub fn total(&self, id: NodeId) -> Usage {
        let time = self.times.get(id as usize).map_or(NO_TIME, |t| t.total);
        self.nodes[id as usize].total.with_time(time)
    }

    /// Directory `id` and its files, without its subdirectories (`-S`).
    pub fn separate(&self, id: NodeId) -> Usage {
        let time = self.times.get(id as usize).map_or(NO_TIME, |t| t.here);
        self.nodes[id as usize].here.with_time(time)
    }

    /// Makes directory `id` known: its name, its parent and its own entry.
    pub fn set_dir(&mut self, id: NodeId, name: &[u8], parent: NodeId, own: Usage) {
        let start = self.names.len() as u64;
        let len = name.len().min((1 << NAME_LENGTH_BITS) - 1);
        self.names.extend_from_slice(&name[..len]);
        let node = self.node_mut(id);
        node.name = start << NAME_LENGTH_BITS | len as u64;
        node.parent = parent;
        node.here.add(Amount::of(own));
        self.last_named = Some(id);
        if let Some(times) = self.times.get_mut(id as usize) {
            times.here = times.here.max(own.time);
        }
    }

    /// Adds to the files directly inside directory `id`.
    fn add_files(&mut self, id: NodeId, usage: Usage) {
        self.node_mut(id).here.add(Amount::of(usage));
        if let Some(times) = self.times.get_mut(id as usize) {
            times.here = times.here.max(usage.time);
        }
    }

    fn node_mut(&mut self, id: NodeId) -> &mut Node {
        let i = id as usize;
        if self.nodes.len() <= i {
            self.nodes.resize_with(i + 1, Node::default);
            if self.with_time {
                self.times.resize_with(i + 1, Times::default);
            }
        }
        &mut self.nodes[i]
    }

    /// Folds one message into the report.
    pub fn add(&mut self, message: Message) {
        match message {
            Message::Operand(r) => self.add_operand(r),
            Message::Dir(b) => self.add_batch(b),
        }
    }

    fn add_operand(&mut self, r: OperandResult) {
        match &r.outcome {
            Outcome::Dir(id) => {
                let id = *id;
                self.set_dir(id, &r.name, NO_PARENT, r.own);
                self.roots.insert(id, r.index);
                if let Some((dev, ino)) = r.claim {
                    self.claims.push(Claim {
                        dev,
                        ino,
                        place: Place::Dir(id),
                        usage: r.own,
                    });
                }
                self.dirs += 1;
            }
            Outcome::File { usage, .. } => {
                if let Some((dev, ino)) = r.claim {
                    self.claims.push(Claim {
                        dev,
                        ino,
                        place: Place::Operand(r.index),
                        usage: *usage,
                    });
                }
                self.bytes += usage.bytes;
            }
            _ => {}
        }
        self.entries += 1;
        self.operands[r.index] = r.outcome;
    }

    fn add_batch(&mut self, b: Batch) {
        self.entries += b.entries;
        self.bytes = self.bytes.saturating_add(b.files.bytes);
        self.dirs += b.subdirs.len() as u64;
        self.add_files(b.node, b.files);
        for (i, (name, own)) in b.subdirs.iter().enumerate() {
            self.bytes = self.bytes.saturating_add(own.bytes);
            self.set_dir(b.first_child + i as NodeId, name, b.node, *own);
        }
        if !b.listed.is_empty() {
            self.listed.insert(b.node, b.listed);
        }
        if !b.errors.is_empty() {
            self.errors.entry(b.node).or_default().extend(b.errors);
        }
        self.claims.extend(b.claims);
    }

    /// The names from the operand down to `place`, and the operand's index:
    /// comparing these orders places as a depth-first walk that takes
    /// names in byte order meets them.
    fn place_key<'s>(&'s self, place: &'s Place) -> (usize, Vec<&'s [u8]>) {
        let (mut id, leaf) = match place {
            Place::Operand(i) => return (*i, Vec::new()),
            Place::Dir(id) => (*id, None),
            Place::File(id, name) => (*id, Some(&name[..])),
        };
        let mut names: Vec<&[u8]> = leaf.into_iter().collect();
        loop {
            let node = &self.nodes[id as usize];
            if node.parent == NO_PARENT {
                names.reverse();
                return (self.roots.get(&id).copied().unwrap_or(usize::MAX), names);
            }
            names.push(self.name(id));
            id = node.parent;
        }
    }

    /// Whether a directory or one of its ancestors was dropped.
    fn under_dropped(&self, mut id: NodeId) -> bool {
        while id != NO_PARENT {
            let node = &self.nodes[id as usize];
            if node.dropped {
                return true;
            }
            id = node.parent;
        }
        false
    }

    /// Counts each (device, inode) once, at the first place a sorted
    /// depth-first walk meets it, as GNU du does when it walks in that
    /// order: later places are dropped, a dropped directory with all that
    /// is below it.
    pub fn resolve_claims(&mut self) {
        let mut groups: HashMap<(u64, u64), u32> = HashMap::new();
        for c in &self.claims {
            *groups.entry((c.dev, c.ino)).or_default() += 1;
        }
        let claims = std::mem::take(&mut self.claims);
        let mut contested: Vec<&Claim> = Vec::new();
        for claim in &claims {
            if groups[&(claim.dev, claim.ino)] > 1 {
                contested.push(claim);
            } else {
                self.keep(claim);
            }
        }
        contested.sort_by(|a, b| self.place_key(&a.place).cmp(&self.place_key(&b.place)));
        let mut seen: HashSet<(u64, u64)> = HashSet::new();
        for claim in contested {
            let live = match &claim.place {
                Place::Dir(id) | Place::File(id, _) => !self.under_dropped(*id),
                Place::Operand(_) => true,
            };
            if !live {
                continue;
            }
            if seen.insert((claim.dev, claim.ino)) {
                self.keep(claim);
                continue;
            }
            match &claim.place {
                Place::Dir(id) => self.nodes[*id as usize].dropped = true,
                Place::File(id, name) => {
                    if let Some(list) = self.listed.get_mut(id) {
                        list.drop_name(name);
                    }
                }
                Place::Operand(i) => {
                    if let Outcome::File { dropped, .. } = &mut self.operands[*i] {
                        *dropped = true;
                    }
                }
            }
        }
    }

    /// Counts a claimed file where it was met.
    fn keep(&mut self, claim: &Claim) {
        if let Place::File(id, _) = &claim.place {
            self.add_files(*id, claim.usage);
        }
    }

    /// Adds every directory's total into its parent's, children first (a
    /// child's id is always greater than its parent's).
    pub fn fold(&mut self) {
        for node in &mut self.nodes {
            node.total = node.here;
        }
        for times in &mut self.times {
            times.total = times.here;
        }
        for i in (0..self.nodes.len()).rev() {
            let node = &self.nodes[i];
            if node.dropped || node.parent == NO_PARENT {
                continue;
            }
            let (parent, total) = (node.parent as usize, node.total);
            self.nodes[parent].total.add(total);
            if let Some(&child) = self.times.get(i) {
                let times = &mut self.times[parent];
                times.total = times.total.max(child.total);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(bytes: u64, time: i128) -> Usage {
        Usage {
            bytes,
            inodes: 1,
            time,
        }
    }

    #[test]
    fn a_directory_node_takes_48_bytes() {
        // The peak memory of `cdu -s` on a tree grows with its directories
        // by this much each (issue 4: 8 MB on the million-file tree).
        assert_eq!(std::mem::size_of::<Node>(), 48);
    }

    #[test]
    fn fold_sums_sizes_and_keeps_the_latest_time() {
        let mut report = Report::new(1, true);
        report.set_dir(0, b"top", NO_PARENT, usage(4096, 10));
        report.set_dir(1, b"sub", 0, usage(4096, 5));
        report.set_dir(2, b"gone", 0, usage(4096, 99));
        report.add_files(0, usage(100, 20));
        report.add_files(1, usage(1000, 30));
        report.add_files(1, usage(1, 3));
        report.nodes[2].dropped = true;
        report.fold();
        assert_eq!(report.name(1), b"sub");
        assert_eq!(report.parent(1), 0);
        let sub = report.total(1);
        assert_eq!((sub.bytes, sub.inodes, sub.time), (5097, 3, 30));
        let top = report.total(0);
        assert_eq!((top.bytes, top.inodes, top.time), (9293, 5, 30));
        let alone = report.separate(0);
        assert_eq!((alone.bytes, alone.inodes, alone.time), (4196, 2, 20));
    }

    #[test]
    fn without_time_no_time_is_kept() {
        let mut report = Report::new(1, false);
        report.set_dir(0, b"top", NO_PARENT, usage(4096, 10));
        report.fold();
        assert_eq!(report.total(0).time, NO_TIME);
        assert_eq!(report.total(0).bytes, 4096);
    }
}
