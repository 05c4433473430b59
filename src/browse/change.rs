//! `cdu -i --diff=OLD`: what each entry of the new scan was in an old
//! one. Once the scan has ended, its tree is matched with OLD (read by the
//! diff's own loader) name by name below the operand; each node gets the
//! value it had, and what OLD had and the scan did not meet is added as
//! a "gone" entry, sized zero so that no total counts it.

use std::collections::HashSet;

pub use super::before::{Changes, Measure};
use super::before::{NEW, UNKNOWN};
use super::model::{FLAG_ERROR, FLAG_OPEN, Kind, Node, NodeId, ROOT, Tree};
use crate::input::old::{self, OldTree};

/// What an entry was in OLD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Before {
    /// OLD did not have it.
    New,
    /// OLD cannot say: a listing made without `-a` names no files.
    Unknown,
    /// Its value in OLD.
    Was(u64),
}

impl Changes {
    /// What `id` was in OLD.
    pub fn before(&self, id: NodeId) -> Before {
        match self.before.get(id as usize).copied().unwrap_or(UNKNOWN) {
            NEW => Before::New,
            UNKNOWN => Before::Unknown,
            v => Before::Was(v),
        }
    }

    /// The node's value now, as OLD counted it (a listing's numbers are
    /// rounded up to its unit).
    pub fn now(&self, node: &Node) -> u64 {
        let v = match self.measure {
            Measure::Disk => node.disk,
            Measure::Apparent => node.apparent,
            Measure::Items => u64::from(node.items),
        };
        let unit = self.old.unit.max(1);
        v.div_ceil(unit).saturating_mul(unit)
    }

    /// The growth of `id` since OLD: its whole value if new, minus its
    /// old one if gone; None if OLD cannot say.
    pub fn change(&self, tree: &Tree, id: NodeId) -> Option<i128> {
        let node = tree.node(id);
        match self.before(id) {
            Before::Unknown => None,
            Before::New => Some(i128::from(self.now(&node))),
            Before::Was(old) if is_gone(node.kind) => Some(-i128::from(old)),
            Before::Was(old) => Some(i128::from(self.now(&node)) - i128::from(old)),
        }
    }

    /// A key that orders by change, smallest first (unknown as none).
    pub fn sort_key(&self, tree: &Tree, id: NodeId) -> u64 {
        let change = self.change(tree, id).unwrap_or(0);
        let clamped = change.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        (clamped as u64) ^ (1 << 63)
    }
}

/// Whether a node stands for an entry only OLD had.
pub fn is_gone(kind: Kind) -> bool {
    matches!(kind, Kind::GoneDir | Kind::GoneFile)
}

/// Matches the finished scan in `tree` with `old` and keeps the result in
/// `tree.changes`.
pub fn annotate(tree: &mut Tree, old: OldTree, measure: Measure) {
    // An export says which entries are files; a listing does not, but
    // one made with -a names the files the scan meets again.
    let typed = old.nodes.iter().any(|n| !n.is_dir);
    let mut changes = Changes {
        old,
        before: vec![UNKNOWN; tree.len()],
        measure,
        files_known: true,
        typed,
    };
    let mut files_met = 0;
    if let Some(top) = tree.children(ROOT).next() {
        changes.before[top as usize] = changes.old.nodes[0].value.unwrap_or(UNKNOWN);
        files_met = match_below(tree, &mut changes, top, 0);
    }
    if files_met == 0 && !typed {
        // OLD names no file: a file it does not have is not known new,
        // and all it had is a directory.
        changes.files_known = false;
        for id in 0..tree.len() as NodeId {
            let node = tree.node(id);
            if node.kind == Kind::GoneFile {
                tree.update(id, |n| n.kind = Kind::GoneDir);
            } else if changes.before[id as usize] == NEW && !node.is_dir() && !is_gone(node.kind) {
                changes.before[id as usize] = UNKNOWN;
            }
        }
    }
    tree.changes = Some(changes);
}

/// Matches `node`, which a rescan has just put below the directories of
/// `path` (the root, the operand, then the rest), with what OLD had there.
pub fn rematch(tree: &mut Tree, path: &[NodeId], node: NodeId) {
    let Some(mut changes) = tree.changes.take() else {
        return;
    };
    changes.before.resize(tree.len(), UNKNOWN);
    // The operand is OLD's root; below it, entries are found by name.
    let mut at = Some(0);
    for &dir in path.iter().skip(2).chain(std::iter::once(&node)) {
        at = at.and_then(|o| changes.old.child(o, tree.name(dir)));
    }
    if path.len() < 2 {
        at = Some(0);
    }
    match at {
        Some(o) => {
            changes.before[node as usize] = changes.old.nodes[o as usize].value.unwrap_or(UNKNOWN);
            if changes.old.nodes[o as usize].is_dir && tree.node(node).is_dir() {
                match_below(tree, &mut changes, node, o);
            }
        }
        None => mark_new(tree, &mut changes, node),
    }
    tree.changes = Some(changes);
}

/// Gives each entry below `new` (matched with OLD's `old`) its old value,
/// and adds what OLD had below and the scan did not meet; how many files
/// OLD had too.
fn match_below(tree: &mut Tree, changes: &mut Changes, new: NodeId, old: u32) -> usize {
    let mut files_met = 0;
    let mut todo = vec![(new, old)];
    while let Some((new, old)) = todo.pop() {
        let mut met = HashSet::new();
        let children: Vec<NodeId> = tree.children(new).collect();
        for child in children {
            let node = tree.node(child);
            match changes.old.child(old, tree.name(child)) {
                Some(o) => {
                    met.insert(o);
                    let was = &changes.old.nodes[o as usize];
                    changes.before[child as usize] = was.value.unwrap_or(UNKNOWN);
                    if node.is_dir() && was.is_dir {
                        todo.push((child, o));
                    } else if node.is_dir() {
                        // A file then, a directory now: all in it is new.
                        for inner in tree.children(child).collect::<Vec<_>>() {
                            mark_new(tree, changes, inner);
                        }
                    } else {
                        files_met += 1;
                    }
                }
                None => mark_new(tree, changes, child),
            }
        }
        // A directory read only in part, or not to its end, may hold what
        // seems gone.
        if tree.node(new).flags & (FLAG_OPEN | FLAG_ERROR) != 0 {
            continue;
        }
        let mut o = changes.old.nodes[old as usize].first_child;
        while o != old::NONE {
            let was = &changes.old.nodes[o as usize];
            let next = was.next_sibling;
            if !met.contains(&o) {
                // In a listing, only what holds entries is surely a
                // directory.
                let dir = was.is_dir
                    && (changes.typed || !changes.files_known || was.first_child != old::NONE);
                let kind = if dir { Kind::GoneDir } else { Kind::GoneFile };
                let value = was.value.unwrap_or(UNKNOWN);
                let name = was.name.clone();
                let id = tree.add(new, &name, Node::new(kind));
                changes.before.resize(tree.len(), UNKNOWN);
                changes.before[id as usize] = value;
            }
            o = next;
        }
    }
    files_met
}

/// Marks `id` and all below it new (a file OLD could not have named,
/// unknown).
fn mark_new(tree: &Tree, changes: &mut Changes, id: NodeId) {
    let mut todo = vec![id];
    while let Some(id) = todo.pop() {
        let node = tree.node(id);
        changes.before[id as usize] = if node.is_dir() || changes.files_known {
            NEW
        } else {
            UNKNOWN
        };
        todo.extend(tree.children(id));
    }
}
