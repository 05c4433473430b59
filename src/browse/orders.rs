//! The orders of the open directory: what entries are ordered by, and
//! each order computed once per state of the tree and kept, so that going
//! back to an order or reversing it sorts nothing.

use std::sync::Arc;

use super::model::{NodeId, Tree};
use super::order;

/// What the entries are ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Size,
    Name,
    Items,
    Mtime,
    /// Growth since the old scan of `--diff`.
    Change,
}

impl SortKey {
    /// The natural direction: biggest, most and newest first; names A to Z.
    pub(super) fn descending(self) -> bool {
        self != SortKey::Name
    }
}

/// Entries in an order, shared between the view and a sort apart.
type Order = Arc<Vec<NodeId>>;

/// The orders of one directory at one state of the tree, each in its
/// natural direction, computed when first asked for.
#[derive(Clone)]
pub(super) struct Orders {
    pub(super) dir: NodeId,
    pub(super) generation: u64,
    /// Shared, so that handing the orders to a sort apart copies none.
    by_name: Option<Order>,
    /// By key and whether sizes are apparent.
    by_key: Vec<((SortKey, bool), Order)>,
}

impl Orders {
    pub(super) fn new(dir: NodeId, generation: u64) -> Self {
        Orders {
            dir,
            generation,
            by_name: None,
            by_key: Vec::new(),
        }
    }

    /// Whether the order of `sort` is computed already.
    pub(super) fn has(&self, sort: SortKey, apparent: bool) -> bool {
        match sort {
            SortKey::Name => self.by_name.is_some(),
            _ => {
                let wanted = (sort, apparent && sort == SortKey::Size);
                self.by_key.iter().any(|(k, _)| *k == wanted)
            }
        }
    }

    /// The entries in the natural order of `sort`.
    pub(super) fn get(&mut self, tree: &Tree, sort: SortKey, apparent: bool) -> &[NodeId] {
        let dir = self.dir;
        let by_name = self.by_name.get_or_insert_with(|| {
            let ids: Vec<NodeId> = tree.children(dir).collect();
            Arc::new(order::by_name(tree, &ids))
        });
        if sort == SortKey::Name {
            return by_name;
        }
        let wanted = (sort, apparent && sort == SortKey::Size);
        let at = match self.by_key.iter().position(|(k, _)| *k == wanted) {
            Some(at) => at,
            None => {
                let key = |id: NodeId| key_of(tree, id, sort, apparent);
                let sorted = order::by_key(by_name, sort.descending(), key);
                self.by_key.push((wanted, Arc::new(sorted)));
                self.by_key.len() - 1
            }
        };
        &self.by_key[at].1
    }
}

/// The number `id` is ordered by for `sort` (none for names).
pub(super) fn key_of(tree: &Tree, id: NodeId, sort: SortKey, apparent: bool) -> u64 {
    let n = tree.node(id);
    match sort {
        SortKey::Size if apparent => n.apparent,
        SortKey::Size => n.disk,
        SortKey::Name => 0,
        SortKey::Items => u64::from(n.items),
        SortKey::Mtime => u64::from(n.mtime),
        SortKey::Change => tree.changes.as_ref().map_or(0, |c| c.sort_key(tree, id)),
    }
}
