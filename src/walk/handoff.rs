//! Handing a directory's results on: its batch to the aggregator
//! (counted in the backlog the output empties), node numbers for its
//! subdirectories, its descriptor kept for them while the budget allows,
//! and their jobs; and the live counts of entries read.

use std::sync::atomic::{AtomicIsize, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;
use rustix::fd::OwnedFd;

use super::cycles::Active;
use super::descriptors::{DirHandle, KeptFd};
use super::job::Job;
use super::live::{Live, PUBLISH_EVERY};
use super::order::SubDir;
use super::semaphore::Permit;
use crate::stream::backlog::Backlog;
use crate::stream::batch::{Batch, Message, NodeId};

/// Where what the workers find goes.
pub(super) struct Handoff<'a> {
    sender: Sender<Message>,
    /// What the ordered output has not taken yet.
    backlog: Option<&'a Backlog>,
    next_node: AtomicU32,
    /// How many more parent descriptors may be kept open.
    keep_budget: Arc<AtomicIsize>,
    /// The directories being walked, shared with the classifier.
    active: Arc<Active>,
    /// Where progress is published, when it is shown.
    live: Option<&'a Live>,
}

impl<'a> Handoff<'a> {
    /// Sends to `sender`, keeping up to `keep` parent descriptors open.
    pub(super) fn new(sender: Sender<Message>, keep: isize, active: Arc<Active>) -> Self {
        Handoff {
            sender,
            backlog: None,
            next_node: AtomicU32::new(0),
            keep_budget: Arc::new(AtomicIsize::new(keep)),
            active,
            live: None,
        }
    }

    pub(super) fn set_backlog(&mut self, backlog: &'a Backlog) {
        self.backlog = Some(backlog);
    }

    pub(super) fn set_live(&mut self, live: &'a Live) {
        self.live = Some(live);
    }

    pub(super) fn backlog(&self) -> Option<&'a Backlog> {
        self.backlog
    }

    pub(super) fn live(&self) -> Option<&'a Live> {
        self.live
    }

    /// The first of `count` new node numbers.
    pub(super) fn nodes(&self, count: u32) -> NodeId {
        self.next_node.fetch_add(count, Ordering::Relaxed)
    }

    /// Publishes the entries of a directory done that the running count
    /// (every [`PUBLISH_EVERY`]) left out.
    pub(super) fn publish_rest(&self, entries: u64) {
        if let Some(live) = self.live {
            live.add_entries(entries % PUBLISH_EVERY);
        }
    }

    /// Sends `message`; false once the aggregator is gone.
    pub(super) fn send(&self, message: Message) -> bool {
        if let (Message::Dir(batch), Some(backlog)) = (&message, self.backlog) {
            backlog.add(batch.cost());
        }
        self.sender.send(message).is_ok()
    }

    /// Sends `batch` (all of a directory or one part of it) and appends
    /// the jobs of its subdirectories to `children`. `fd` is the
    /// directory's descriptor, kept for the children if the budget allows.
    pub(super) fn finish(
        &self,
        job: &Job,
        fd: Arc<OwnedFd>,
        permit: Option<Permit<'_>>,
        mut batch: Batch,
        subdirs: Vec<SubDir>,
        children: &mut Vec<Job>,
    ) {
        let count = subdirs.len() as u32;
        let first = self.nodes(count);
        batch.first_child = first;
        batch.dirs = count;
        let part = batch.part;
        let walk_children = !batch.incomplete && count > 0;
        let names: Vec<Box<[u8]>> = if walk_children {
            subdirs
                .iter()
                .map(|sub| batch.items.get(sub.item as usize).name.into())
                .collect()
        } else {
            Vec::new()
        };
        if !self.send(Message::Dir(batch)) || !walk_children {
            // The descriptor goes before the place among the readers
            // (parameters would drop the other way round).
            drop(fd);
            drop(permit);
            return;
        }
        // Keep this descriptor for the children if the budget allows;
        // otherwise they reopen it by name. A part shares the descriptor
        // with the other parts, so it keeps a copy of its own. Either way
        // it is closed or counted before the permit goes, so that no
        // descriptor is ever open uncounted, even for a worker descheduled
        // between the two.
        let kept = if self.keep_budget.fetch_sub(1, Ordering::Relaxed) > 0 {
            Arc::try_unwrap(fd)
                .or_else(|shared| rustix::io::dup(&*shared))
                .ok()
                .map(|fd| KeptFd {
                    fd,
                    budget: self.keep_budget.clone(),
                })
        } else {
            drop(fd);
            None
        };
        if kept.is_none() {
            self.keep_budget.fetch_add(1, Ordering::Relaxed);
        }
        drop(permit);
        self.active.insert((job.dev, job.ino));
        let handle = Arc::new(DirHandle {
            node: job.node,
            fd: Mutex::new(kept.map(Arc::new)),
            unopened: AtomicUsize::new(names.len()),
            parent: job.parent.clone(),
            name: job.name.clone(),
            dev: job.dev,
            ino: job.ino,
            index: job.index,
            part,
            active: self.active.clone(),
        });
        for (i, (name, sub)) in names.into_iter().zip(&subdirs).enumerate() {
            children.push(Job {
                parent: Some(handle.clone()),
                name,
                node: first + i as u32,
                dev: sub.dev,
                ino: sub.ino,
                root_dev: job.root_dev,
                depth: job.depth + 1,
                operand: job.operand,
                index: i as u32,
                links: sub.links,
                part: 0,
                work: None,
            });
        }
    }
}
