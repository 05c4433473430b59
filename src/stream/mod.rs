//! The report as an ordered stream. Batches arrive in whatever order the
//! walkers finish them; the stream keeps those it cannot use yet and walks
//! a cursor through the tree in GNU du's traversal order (operands in
//! order, each directory's entries in the order its batch lists them),
//! handing each event to a [`Sink`] as soon as everything before it is
//! known. Hard-link and repeat claims are settled as the cursor meets
//! them, so the first place in that order keeps a file; a directory's
//! memory is released when its end has been handed on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;

pub(crate) mod backlog;
pub(crate) mod batch;
mod event;
#[cfg(test)]
mod tests;

pub use event::{Counts, Event, Sink, SizeFloor, Skip};

use crate::model::{Details, ErrorKind, Link, Usage};
use crate::path::join_path;
use backlog::Backlog;
use batch::{Batch, ItemKind, Message, NodeId, OperandResult, Outcome};

/// A directory on the cursor's path.
struct Frame {
    node: NodeId,
    /// The part of it being handed on (see [`Batch::part`]), None until
    /// that part arrives. A used-up part is let go before the next.
    part: u32,
    batch: Option<Batch>,
    /// The error that reading it met, which any part may carry.
    dir_error: Option<(ErrorKind, i32)>,
    /// The next item to hand on, and the next claim to look at.
    next: usize,
    next_claim: usize,
    next_child: NodeId,
    depth: usize,
    /// Where its path ends in the stream's path buffer.
    path_len: usize,
    /// Its own entry and the non-directories counted in it.
    here: Usage,
    /// Its subdirectories' totals.
    below: Usage,
}

/// How many parts of a dropped directory came, and how many it has once
/// the last has come.
#[derive(Default)]
struct Arrived {
    parts: u32,
    of: Option<u32>,
}

/// The ordering state between the walkers and the sinks.
pub struct Stream<'s> {
    sink: &'s mut dyn Sink,
    /// Batches that arrived before the cursor reached them, by directory
    /// and part.
    pending: BTreeMap<(NodeId, u32), Batch>,
    /// Directories left out (met before), until all their parts came:
    /// their batches are thrown away on arrival, and so are their
    /// subdirectories'.
    dropped: HashMap<NodeId, Arrived>,
    /// Operands that arrived, by index, and the next one to hand on.
    operands: HashMap<usize, OperandResult>,
    next_operand: usize,
    /// Every (device, inode) claimed so far.
    seen: HashSet<(u64, u64)>,
    stack: Vec<Frame>,
    path: Vec<u8>,
    counts: Counts,
    /// The first failure of the sink; nothing more is handed on after it.
    failed: Option<io::Error>,
    /// Where the walkers count what they sent; taken off here as used.
    backlog: Option<&'s Backlog>,
}

impl<'s> Stream<'s> {
    pub fn new(sink: &'s mut dyn Sink) -> Self {
        Stream {
            sink,
            pending: BTreeMap::new(),
            dropped: HashMap::new(),
            operands: HashMap::new(),
            next_operand: 0,
            seen: HashSet::new(),
            stack: Vec::new(),
            path: Vec::new(),
            counts: Counts::default(),
            failed: None,
            backlog: None,
        }
    }

    /// Takes each batch's cost off `backlog` as it is used or dropped.
    pub fn with_backlog(mut self, backlog: &'s Backlog) -> Self {
        self.backlog = Some(backlog);
        self
    }

    fn used(&self, batch: &Batch) {
        if let Some(backlog) = self.backlog {
            backlog.take(batch.cost());
        }
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The path of the deepest directory the cursor is in: where the
    /// ordered output has got to.
    pub fn current_path(&self) -> Option<&[u8]> {
        (!self.stack.is_empty()).then_some(&self.path[..])
    }

    /// Whether the sink has failed (a closed pipe, a full disk).
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    /// The sink's failure, if any, once the stream is done.
    pub fn into_error(self) -> Option<io::Error> {
        self.failed
    }

    /// Takes one message from the walkers and hands on what it completes.
    pub fn add(&mut self, message: Message) {
        match message {
            Message::Operand(r) => {
                self.counts.entries += 1;
                match r.outcome {
                    Outcome::Dir(_, own) => {
                        self.counts.dirs += 1;
                        self.counts.bytes = self.counts.bytes.saturating_add(own.bytes);
                    }
                    Outcome::File(usage) => {
                        self.counts.bytes = self.counts.bytes.saturating_add(usage.bytes);
                    }
                    _ => {}
                }
                self.operands.insert(r.index, r);
            }
            Message::Dir(b) => {
                self.counts.entries += b.entries;
                self.counts.dirs += u64::from(b.dirs);
                self.counts.bytes = self
                    .counts
                    .bytes
                    .saturating_add(b.files.bytes)
                    .saturating_add(b.dir_bytes);
                if self.dropped.contains_key(&b.node) {
                    let mut below = Vec::new();
                    self.discard(b, &mut below);
                    self.drop_all(below);
                } else {
                    self.pending.insert((b.node, b.part), b);
                }
            }
        }
        self.advance(false);
    }

    /// The walk is over (finished, cancelled, or a walker died): hands on
    /// everything left. A directory whose batch never came counts its own
    /// entry only; an operand never looked at is left out.
    pub fn finish(&mut self) {
        self.advance(true);
    }

    fn emit(&mut self, event: Event<'_>) {
        if self.failed.is_none()
            && let Err(e) = self.sink.event(&event)
        {
            self.failed = Some(e);
        }
    }

    /// Leaves out directory `node` and everything below it.
    fn drop_subtree(&mut self, node: NodeId) {
        self.drop_all(vec![node]);
    }

    /// Leaves out the directories in `work` and everything below them:
    /// the parts that came are thrown away, those to come will be.
    fn drop_all(&mut self, mut work: Vec<NodeId>) {
        while let Some(node) = work.pop() {
            self.dropped.entry(node).or_default();
            let parts: Vec<(NodeId, u32)> = self
                .pending
                .range((node, 0)..=(node, u32::MAX))
                .map(|(key, _)| *key)
                .collect();
            for key in parts {
                let b = self.pending.remove(&key).expect("listed above");
                self.discard(b, &mut work);
            }
        }
    }

    /// Throws away a batch of a dropped directory, adding its
    /// subdirectories to `below`; the directory is forgotten once all of
    /// its parts came.
    fn discard(&mut self, b: Batch, below: &mut Vec<NodeId>) {
        self.used(&b);
        below.extend(b.first_child..b.first_child + b.dirs);
        let arrived = self.dropped.entry(b.node).or_default();
        arrived.parts += 1;
        if b.last {
            arrived.of = Some(b.part + 1);
        }
        if arrived.of == Some(arrived.parts) {
            self.dropped.remove(&b.node);
        }
    }

    /// Whether a claim on (dev, ino) is the first.
    fn first_claim(&mut self, claim: Option<(u64, u64)>) -> bool {
        claim.is_none_or(|id| self.seen.insert(id))
    }

    /// Moves the cursor as far as what has arrived allows. With `all_in`,
    /// nothing more will arrive.
    fn advance(&mut self, all_in: bool) {
        loop {
            let Some(top) = self.stack.last_mut() else {
                if !self.next_root(all_in) {
                    return;
                }
                continue;
            };
            if top.batch.is_none() {
                let batch = match self.pending.remove(&(top.node, top.part)) {
                    Some(b) => {
                        if let Some(backlog) = self.backlog {
                            backlog.take(b.cost());
                        }
                        b
                    }
                    // What never came counts for nothing.
                    None if all_in => Batch {
                        last: true,
                        ..Batch::default()
                    },
                    None => {
                        let node = top.node;
                        if let Some(backlog) = self.backlog {
                            let len = self.stack.len();
                            let within = len.checked_sub(2).map(|i| self.stack[i].node);
                            backlog.await_node(node, within);
                        }
                        return;
                    }
                };
                top.here.add(batch.files);
                top.next_child = batch.first_child;
                top.next = 0;
                top.next_claim = 0;
                top.dir_error = top.dir_error.or(batch.dir_error);
                top.batch = Some(batch);
            }
            let batch = top.batch.as_ref().expect("attached above");
            if top.next == batch.items.len() {
                if batch.last {
                    self.close_top();
                } else {
                    top.part += 1;
                    top.batch = None;
                }
                continue;
            }
            let i = top.next;
            top.next += 1;
            let entry = batch.items.get(i);
            let (claim, link) = match batch.items.claims().get(top.next_claim) {
                Some(c) if c.item as usize == i => {
                    top.next_claim += 1;
                    let link = Link {
                        dev: c.dev,
                        ino: c.ino,
                        nlink: c.nlink,
                    };
                    (c.once.then_some((c.dev, c.ino)), Some(link))
                }
                _ => (None, None),
            };
            let details = entry.other_bytes.map(|other_bytes| Details {
                file_type: entry.file_type,
                other_bytes,
                dev: link.map(|l| l.dev),
                ino: link.map(|l| l.ino),
                link: link.filter(|l| l.nlink > 1 && entry.kind != ItemKind::Dir),
            });
            let (depth, path_len) = (top.depth, top.path_len);
            let (kind, usage, errno) = (entry.kind, entry.usage, entry.errno);
            let named = !entry.name.is_empty();
            if named {
                join_path(&mut self.path, entry.name);
            }
            match kind {
                ItemKind::File => {
                    if !self.first_claim(claim) {
                        self.path.truncate(path_len);
                        continue;
                    }
                    if claim.is_some() {
                        self.top().here.add(usage);
                    }
                    if named {
                        self.emit_at_path(|path| Event::File {
                            path,
                            depth: depth + 1,
                            usage,
                            details,
                        });
                        self.path.truncate(path_len);
                    }
                }
                ItemKind::Excluded | ItemKind::OtherFs => {
                    let why = if kind == ItemKind::Excluded {
                        Skip::Excluded
                    } else {
                        Skip::OtherFs
                    };
                    self.emit_at_path(|path| Event::Skipped {
                        path,
                        depth: depth + 1,
                        why,
                    });
                    self.path.truncate(path_len);
                }
                ItemKind::Error => {
                    self.emit_at_path(|path| Event::Error {
                        path,
                        kind: ErrorKind::Access,
                        errno,
                    });
                    self.path.truncate(path_len);
                }
                ItemKind::Dir => {
                    let top = self.top();
                    let node = top.next_child;
                    top.next_child += 1;
                    if !self.first_claim(claim) && !self.sink.hands_on_repeat(&self.path) {
                        self.path.truncate(path_len);
                        self.drop_subtree(node);
                        continue;
                    }
                    self.open(node, depth + 1, usage, details);
                }
            }
        }
    }

    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("the cursor is in a directory")
    }

    /// Hands on the event that `make` builds from the path in the buffer.
    fn emit_at_path(&mut self, make: impl FnOnce(&[u8]) -> Event<'_>) {
        let path = std::mem::take(&mut self.path);
        self.emit(make(&path));
        self.path = path;
    }

    /// Enters directory `node`, whose path is in the buffer.
    fn open(&mut self, node: NodeId, depth: usize, own: Usage, details: Option<Details>) {
        self.emit_at_path(|path| Event::DirStart {
            path,
            depth,
            own,
            details,
        });
        self.stack.push(Frame {
            node,
            part: 0,
            batch: None,
            dir_error: None,
            next: 0,
            next_claim: 0,
            next_child: 0,
            depth,
            path_len: self.path.len(),
            here: own,
            below: Usage::default(),
        });
    }

    /// Ends the directory on top: its error, then its totals.
    fn close_top(&mut self) {
        let frame = self.stack.pop().expect("a frame");
        let path = std::mem::take(&mut self.path);
        if let Some((kind, errno)) = frame.dir_error {
            self.emit(Event::Error {
                path: &path,
                kind,
                errno,
            });
        }
        let mut total = frame.here;
        total.add(frame.below);
        self.emit(Event::DirEnd {
            path: &path,
            depth: frame.depth,
            total,
            separate: frame.here,
        });
        self.path = path;
        if let Some(parent) = self.stack.last_mut() {
            parent.below.add(total);
            self.path.truncate(parent.path_len);
        } else {
            self.path.clear();
        }
    }

    /// Starts the next operand if it has arrived (or, with `all_in`, the
    /// next that did); false if there is none to start now.
    fn next_root(&mut self, all_in: bool) -> bool {
        let r = match self.operands.remove(&self.next_operand) {
            Some(r) => r,
            None if all_in && !self.operands.is_empty() => {
                // Operands that were never looked at are left out.
                let next = *self.operands.keys().min().expect("not empty");
                self.next_operand = next;
                return true;
            }
            None => return false,
        };
        self.next_operand += 1;
        match r.outcome {
            Outcome::Skipped => {}
            Outcome::Invalid(message) => self.emit(Event::Invalid { message: &message }),
            Outcome::Error(kind, errno) => self.emit(Event::Error {
                path: &r.name,
                kind,
                errno,
            }),
            Outcome::File(usage) => {
                if self.first_claim(r.claim) {
                    self.emit(Event::File {
                        path: &r.name,
                        depth: 0,
                        usage,
                        details: r.details,
                    });
                }
            }
            Outcome::Dir(node, own) => {
                if self.first_claim(r.claim) {
                    self.path.clear();
                    self.path.extend_from_slice(&r.name);
                    self.open(node, 0, own, r.details);
                } else {
                    self.drop_subtree(node);
                }
            }
        }
        true
    }
}
