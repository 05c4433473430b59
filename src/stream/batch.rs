//! What the walkers send the aggregator: one [`Batch`] per directory, its
//! entries in the order GNU du visits them, and one [`OperandResult`] per
//! operand. One message per directory, never one per file.

/// A directory's number, handed out by the walkers: an operand's directory
/// gets one when it is started, a subdirectory when its parent is read.
pub type NodeId = u32;

// The shared vocabulary lives in `model`; the walkers name it through
// here.
pub(crate) use crate::model::{Details, ErrorKind, FileType, Link, NO_TIME, Usage};

/// What an entry of a batch is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A non-directory that is listed or may be counted only once.
    File,
    /// A subdirectory: the next node of the batch's children.
    Dir,
    /// An entry that could not be stat'ed; its errno is kept as its bytes.
    Error,
    /// Left out by `--exclude` (kept only with `Config::details`).
    Excluded,
    /// On another file system under `-x` (likewise).
    OtherFs,
}

/// One entry, packed in 16 bytes: where its name is in the batch's name
/// buffer, what it is, and its bytes (or errno).
#[derive(Clone, Copy, Debug)]
struct Item {
    start: u32,
    /// Zero for a file that is not listed (its name is not kept).
    len: u16,
    kind: ItemKind,
    file_type: FileType,
    bytes: u64,
}

/// A (device, inode) met at item `item`: with `once`, only its first place
/// in traversal order may count it (GNU du's hash of files seen); `nlink`
/// is kept for exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    pub item: u32,
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
    pub once: bool,
}

/// The entries of a directory whose place in the order matters, in that
/// order. Plain files that are neither listed nor claimed are only summed
/// (in [`Batch::files`]): where they stand changes nothing.
#[derive(Clone, Debug, Default)]
pub struct Items {
    items: Vec<Item>,
    names: Vec<u8>,
    /// Each item's time, only with `--time`.
    times: Vec<i128>,
    with_time: bool,
    /// Each item's size in the other measure, only with details.
    other: Vec<u64>,
    with_details: bool,
    /// Claims, in item order.
    claims: Vec<Claim>,
}

/// Makes room for `extra` more elements in `v`. Past 64 KiB a vector
/// grows by a quarter rather than doubling: a directory of tens of
/// thousands of entries is held whole until it is sorted and sent, and a
/// doubled buffer left half empty is address space that a run under
/// `ulimit -v` does not have. Large buffers are grown by `mremap`, so the
/// extra growth steps copy nothing.
pub fn grow_gently<T>(v: &mut Vec<T>, extra: usize) {
    const GENTLE_FROM: usize = 64 << 10;
    let wanted = v.len() + extra;
    if wanted <= v.capacity() {
        return;
    }
    let bytes = v.capacity() * std::mem::size_of::<T>().max(1);
    if bytes < GENTLE_FROM {
        v.reserve(extra);
    } else {
        v.reserve_exact((v.capacity() / 4).max(extra));
    }
}

/// An entry of [`Items`], as the stream reads it.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub kind: ItemKind,
    /// Empty for a file that is not listed.
    pub name: &'a [u8],
    /// Its own usage (a directory's own entry); for an error, unused.
    pub usage: Usage,
    pub errno: i32,
    pub file_type: FileType,
    /// The other measure, with details.
    pub other_bytes: Option<u64>,
}

impl Items {
    pub fn new(with_time: bool, with_details: bool) -> Self {
        Items {
            with_time,
            with_details,
            ..Items::default()
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Room for `entries` items of names of about `name_bytes` each, so
    /// that a listed directory starts past the first few doublings (each a
    /// copy and an allocator call) instead of growing through them.
    pub fn reserve(&mut self, entries: usize, name_bytes: usize) {
        self.items.reserve(entries);
        self.names.reserve(entries * name_bytes);
        if self.with_time {
            self.times.reserve(entries);
        }
        if self.with_details {
            self.other.reserve(entries);
        }
    }

    /// Appends an entry; false if the name buffer is full (past 4 GiB of
    /// names in one directory, which no real directory reaches).
    pub fn push(&mut self, kind: ItemKind, name: &[u8], usage: Usage) -> bool {
        self.push_with(kind, name, usage, FileType::Regular, 0)
    }

    /// [`Items::push`] with what details keep: the type and the size in
    /// the other measure.
    pub fn push_with(
        &mut self,
        kind: ItemKind,
        name: &[u8],
        usage: Usage,
        file_type: FileType,
        other_bytes: u64,
    ) -> bool {
        let Ok(start) = u32::try_from(self.names.len()) else {
            return false;
        };
        if u32::try_from(self.names.len() + name.len()).is_err() {
            return false;
        }
        // A name is at most NAME_MAX (255) bytes on Linux; u16 is ample.
        let len = name.len().min(u16::MAX as usize);
        grow_gently(&mut self.names, len);
        self.names.extend_from_slice(&name[..len]);
        grow_gently(&mut self.items, 1);
        self.items.push(Item {
            start,
            len: len as u16,
            kind,
            file_type,
            bytes: usage.bytes,
        });
        if self.with_time {
            self.times.push(usage.time);
        }
        if self.with_details {
            self.other.push(other_bytes);
        }
        true
    }

    /// An entry that could not be stat'ed.
    pub fn push_error(&mut self, name: &[u8], errno: i32) -> bool {
        let usage = Usage {
            bytes: errno as u32 as u64,
            inodes: 0,
            time: NO_TIME,
        };
        self.push(ItemKind::Error, name, usage)
    }

    /// Says that the item pushed last may be counted only once (the
    /// stream's tests build batches by hand with it).
    #[cfg(test)]
    pub fn claim_last(&mut self, dev: u64, ino: u64) {
        self.link_last(dev, ino, 0, true);
    }

    /// Records the item pushed last as (dev, ino) with `nlink` links,
    /// counted only once if `once`.
    pub fn link_last(&mut self, dev: u64, ino: u64, nlink: u64, once: bool) {
        let item = self.items.len() as u32 - 1;
        self.claims.push(Claim {
            item,
            dev,
            ino,
            nlink,
            once,
        });
    }

    pub fn claims(&self) -> &[Claim] {
        &self.claims
    }

    pub fn get(&self, i: usize) -> Entry<'_> {
        let item = self.items[i];
        let name = &self.names[item.start as usize..item.start as usize + item.len as usize];
        let (usage, errno) = match item.kind {
            ItemKind::Error => (Usage::default(), item.bytes as i32),
            _ => (
                Usage {
                    bytes: item.bytes,
                    inodes: 1,
                    time: self.times.get(i).copied().unwrap_or(NO_TIME),
                },
                0,
            ),
        };
        Entry {
            kind: item.kind,
            name,
            usage,
            errno,
            file_type: item.file_type,
            other_bytes: self.other.get(i).copied(),
        }
    }

    /// Moves the items of `other` (made with the same options) to the
    /// end of these, with their claims.
    pub fn append(&mut self, mut other: Items) {
        let base = self.items.len() as u32;
        let shift = self.names.len() as u32;
        self.items.extend(other.items.iter().map(|item| Item {
            start: item.start + shift,
            ..*item
        }));
        self.names.append(&mut other.names);
        self.times.append(&mut other.times);
        self.other.append(&mut other.other);
        self.claims.extend(other.claims.iter().map(|claim| Claim {
            item: claim.item + base,
            ..*claim
        }));
    }

    /// Reorders the items from `from` on by `keys` (one per item from
    /// `from`), stably, and returns where each old item went, for the
    /// caller's own side tables. Claims follow their items.
    pub fn sort_tail_by_key(&mut self, from: usize, keys: &[u64]) -> Vec<u32> {
        let n = self.items.len() - from;
        debug_assert_eq!(keys.len(), n);
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&i| keys[i as usize]);
        // new_place[old] = new index
        let mut new_place = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            new_place[old as usize] = (from + new) as u32;
        }
        // The items move in place, cycle by cycle, rather than through a
        // copy of the tail: a sorted chunk may hold 100,000 items, and
        // under a tight address space (`ulimit -v`) a second copy of them
        // is what does not fit.
        let times = !self.times.is_empty();
        let other = !self.other.is_empty();
        for start in 0..n {
            if order[start] as usize == start {
                continue;
            }
            let item = self.items[from + start];
            let time = if times { self.times[from + start] } else { 0 };
            let size = if other { self.other[from + start] } else { 0 };
            let mut hole = start;
            loop {
                let next = order[hole] as usize;
                order[hole] = hole as u32;
                if next == start {
                    self.items[from + hole] = item;
                    if times {
                        self.times[from + hole] = time;
                    }
                    if other {
                        self.other[from + hole] = size;
                    }
                    break;
                }
                self.items[from + hole] = self.items[from + next];
                if times {
                    self.times[from + hole] = self.times[from + next];
                }
                if other {
                    self.other[from + hole] = self.other[from + next];
                }
                hole = next;
            }
        }
        for claim in &mut self.claims {
            if claim.item as usize >= from {
                claim.item = new_place[claim.item as usize - from];
            }
        }
        self.claims.sort_by_key(|c| c.item);
        new_place
    }
}

/// A directory that was read, or one chunk of a wide one (see
/// `walk::wide`): its chunks come as batches numbered from 0 (`part`),
/// each with its own entries and subdirectories, then a closing batch
/// with what the reading found, the last one marked.
#[derive(Debug, Default)]
pub struct Batch {
    pub node: NodeId,
    pub part: u32,
    /// No part of this directory follows.
    pub last: bool,
    /// The subdirectories, in item order, are nodes `first_child..`.
    pub first_child: NodeId,
    /// How many of the items are subdirectories.
    pub dirs: u32,
    /// The subdirectories' own bytes, for progress (summed where they are
    /// met, not again from the items).
    pub dir_bytes: u64,
    /// The non-directories that are not claimed, listed or not.
    pub files: Usage,
    pub items: Items,
    /// The directory could not be read, or not to its end.
    pub dir_error: Option<(ErrorKind, i32)>,
    /// The run was cancelled while it was read: some entries are missing,
    /// and its subdirectories are not walked.
    pub incomplete: bool,
    /// Entries read, for progress.
    pub entries: u64,
}

impl Batch {
    pub fn new(node: NodeId, with_time: bool, with_details: bool) -> Self {
        Batch {
            node,
            last: true,
            items: Items::new(with_time, with_details),
            ..Batch::default()
        }
    }
}

impl Batch {
    /// About how many bytes the batch holds, for [`Backlog`](crate::stream::backlog::Backlog): the batch
    /// itself, and each item with a short name.
    pub fn cost(&self) -> usize {
        std::mem::size_of::<Batch>() + self.items.len() * 24
    }
}

/// What became of an operand.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Excluded, so nothing is printed.
    Skipped,
    /// Diagnosed without walking (an empty name), with GNU's message.
    Invalid(Vec<u8>),
    Error(ErrorKind, i32),
    File(Usage),
    /// A directory: its node, and its own entry's usage.
    Dir(NodeId, Usage),
}

/// An operand looked at.
#[derive(Debug)]
pub struct OperandResult {
    pub index: usize,
    pub outcome: Outcome,
    /// Its path as printed.
    pub name: Box<[u8]>,
    /// Its (device, inode), when it may be counted only once.
    pub claim: Option<(u64, u64)>,
    /// With details: its type, other measure and links.
    pub details: Option<Details>,
}

/// Messages from walkers to the aggregator.
#[derive(Debug)]
pub enum Message {
    Operand(OperandResult),
    Dir(Batch),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(bytes: u64) -> Usage {
        Usage {
            bytes,
            inodes: 1,
            time: NO_TIME,
        }
    }

    #[test]
    fn an_item_takes_16_bytes() {
        // A listed file costs this plus its name while its directory waits
        // to be printed (the memory of `cdu -a`).
        assert_eq!(std::mem::size_of::<Item>(), 16);
    }

    #[test]
    fn a_stable_sort_of_the_tail_moves_claims_with_their_items() {
        let mut items = Items::new(false, false);
        items.push(ItemKind::File, b"head", usage(1));
        items.push(ItemKind::File, b"x", usage(2));
        items.claim_last(1, 9);
        items.push(ItemKind::Dir, b"y", usage(3));
        items.push(ItemKind::File, b"z", usage(4));
        items.claim_last(1, 8);
        let moved = items.sort_tail_by_key(1, &[30, 10, 30]);
        let names: Vec<&[u8]> = (0..items.len()).map(|i| items.get(i).name).collect();
        assert_eq!(names, [&b"head"[..], b"y", b"x", b"z"]);
        assert_eq!(moved, [2, 1, 3]);
        let claimed: Vec<(u32, u64)> = items.claims().iter().map(|c| (c.item, c.ino)).collect();
        assert_eq!(claimed, [(2, 9), (3, 8)]);
    }

    #[test]
    fn a_sort_in_place_keeps_every_item_with_its_time_and_other_size() {
        // Many shapes of permutation (long cycles, fixed points, ties),
        // each checked against a sort of the items' own copies.
        let mut seed = 0x9e37_79b9_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for n in [0usize, 1, 2, 3, 7, 64, 1000] {
            for spread in [1u64, 5, 1 << 40] {
                let mut items = Items::new(true, true);
                items.push(ItemKind::File, b"head", usage(7));
                let mut want = Vec::new();
                for i in 0..n {
                    let name = format!("n{i}");
                    let time = i as i128 * 1000 - 7;
                    let u = Usage {
                        bytes: i as u64 * 3,
                        inodes: 1,
                        time,
                    };
                    items.push_with(
                        ItemKind::File,
                        name.as_bytes(),
                        u,
                        FileType::Regular,
                        i as u64 + 11,
                    );
                    want.push((next() % spread, name, time, i as u64 + 11));
                }
                let keys: Vec<u64> = want.iter().map(|w| w.0).collect();
                items.sort_tail_by_key(1, &keys);
                want.sort_by_key(|w| w.0);
                assert_eq!(items.get(0).name, b"head");
                for (i, (_, name, time, other)) in want.iter().enumerate() {
                    let got = items.get(i + 1);
                    assert_eq!(got.name, name.as_bytes(), "n={n} spread={spread} at {i}");
                    assert_eq!(got.usage.time, *time);
                    assert_eq!(got.other_bytes, Some(*other));
                }
            }
        }
    }

    #[test]
    fn appended_items_keep_their_names_and_claims() {
        let mut items = Items::new(true, false);
        items.push(ItemKind::File, b"a", usage(1));
        let mut more = Items::new(true, false);
        more.push(ItemKind::Dir, b"bb", usage(2));
        more.push(ItemKind::File, b"c", usage(3));
        more.claim_last(1, 9);
        items.append(more);
        let got: Vec<(&[u8], u64)> = (0..items.len())
            .map(|i| (items.get(i).name, items.get(i).usage.bytes))
            .collect();
        assert_eq!(got, [(&b"a"[..], 1), (b"bb", 2), (b"c", 3)]);
        let claimed: Vec<(u32, u64)> = items.claims().iter().map(|c| (c.item, c.ino)).collect();
        assert_eq!(claimed, [(2, 9)]);
    }

    #[test]
    fn an_error_keeps_its_errno() {
        let mut items = Items::new(true, false);
        items.push_error(b"gone", 13);
        let e = items.get(0);
        assert_eq!(
            (e.kind, e.errno, e.name),
            (ItemKind::Error, 13, &b"gone"[..])
        );
    }
}
