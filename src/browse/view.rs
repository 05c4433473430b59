//! What the browser shows of the tree: the directory open, its entries in
//! the chosen order, the selection and the marks. The entries are sorted
//! once per change of the tree or of the order, never per frame.

use std::collections::BTreeSet;

use super::model::{NodeId, ROOT, Tree};
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
    fn descending(self) -> bool {
        self != SortKey::Name
    }
}

pub struct View {
    /// The directories from the root to the one open (the root's node
    /// first).
    pub path: Vec<NodeId>,
    /// The open directory's entries, in order.
    pub rows: Vec<NodeId>,
    pub selected: usize,
    /// The first row on screen.
    pub offset: usize,
    pub sort: SortKey,
    /// The order is the natural one reversed.
    pub reverse: bool,
    /// Sizes shown are apparent sizes, not disk usage.
    pub apparent: bool,
    /// The item count column is shown.
    pub counts: bool,
    /// Marked entries of the open directory.
    pub marks: BTreeSet<NodeId>,
    /// The tree generation the rows were sorted at.
    sorted_at: Option<u64>,
    /// The directory just left, to select once the rows are sorted.
    pending_select: Option<NodeId>,
    /// The open directory's orders computed so far.
    orders: Orders,
}

/// The orders of one directory at one state of the tree, each in its
/// natural direction, computed when first asked for.
struct Orders {
    dir: NodeId,
    generation: u64,
    by_name: Option<Vec<NodeId>>,
    /// By key and whether sizes are apparent.
    by_key: Vec<((SortKey, bool), Vec<NodeId>)>,
}

impl Orders {
    fn new(dir: NodeId, generation: u64) -> Self {
        Orders {
            dir,
            generation,
            by_name: None,
            by_key: Vec::new(),
        }
    }

    /// The entries in the natural order of `sort`.
    fn get(&mut self, tree: &Tree, sort: SortKey, apparent: bool) -> &[NodeId] {
        let dir = self.dir;
        let by_name = self.by_name.get_or_insert_with(|| {
            let ids: Vec<NodeId> = tree.children(dir).collect();
            order::by_name(tree, &ids)
        });
        if sort == SortKey::Name {
            return by_name;
        }
        let wanted = (sort, apparent && sort == SortKey::Size);
        let at = match self.by_key.iter().position(|(k, _)| *k == wanted) {
            Some(at) => at,
            None => {
                let key = |id: NodeId| {
                    let n = tree.node(id);
                    match sort {
                        SortKey::Size if apparent => n.apparent,
                        SortKey::Size => n.disk,
                        SortKey::Name => 0,
                        SortKey::Items => u64::from(n.items),
                        SortKey::Mtime => u64::from(n.mtime),
                        SortKey::Change => {
                            tree.changes.as_ref().map_or(0, |c| c.sort_key(tree, id))
                        }
                    }
                };
                let sorted = order::by_key(by_name, sort.descending(), key);
                self.by_key.push((wanted, sorted));
                self.by_key.len() - 1
            }
        };
        &self.by_key[at].1
    }
}

impl View {
    pub fn new(apparent: bool) -> Self {
        View {
            path: vec![ROOT],
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            sort: SortKey::Size,
            reverse: false,
            apparent,
            counts: false,
            marks: BTreeSet::new(),
            sorted_at: None,
            pending_select: None,
            orders: Orders::new(ROOT, u64::MAX),
        }
    }

    pub fn dir(&self) -> NodeId {
        *self.path.last().unwrap_or(&ROOT)
    }

    pub fn selected_node(&self) -> Option<NodeId> {
        self.rows.get(self.selected).copied()
    }

    /// Sorts the open directory again if the tree or the order changed,
    /// keeping the same entry selected. Each order of the open directory
    /// is computed once per state of the tree and kept: going back to an
    /// order, or reversing it, only copies it.
    pub fn refresh(&mut self, tree: &Tree) {
        if self.sorted_at == Some(tree.generation) {
            return;
        }
        let keep = self.pending_select.take().or(self.selected_node());
        let dir = self.dir();
        if self.orders.dir != dir || self.orders.generation != tree.generation {
            self.orders = Orders::new(dir, tree.generation);
        }
        let natural = self.orders.get(tree, self.sort, self.apparent);
        self.rows.clear();
        if self.reverse {
            self.rows.extend(natural.iter().rev());
        } else {
            self.rows.extend_from_slice(natural);
        }
        self.sorted_at = Some(tree.generation);
        if let Some(keep) = keep
            && let Some(i) = self.rows.iter().position(|&r| r == keep)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Forces the next [`View::refresh`] to sort.
    pub fn invalidate(&mut self) {
        self.sorted_at = None;
    }

    /// Sorts by `key`, or reverses the order if it is already by `key`.
    pub fn sort_by(&mut self, key: SortKey) {
        if self.sort == key {
            self.reverse = !self.reverse;
        } else {
            self.sort = key;
            self.reverse = false;
        }
        self.invalidate();
    }

    /// Moves the selection by `delta` rows, within the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
    }

    /// Opens `dir`, an entry of the open directory.
    pub fn enter(&mut self, dir: NodeId) {
        self.path.push(dir);
        self.selected = 0;
        self.offset = 0;
        self.marks.clear();
        self.invalidate();
    }

    /// Goes up one directory, selecting the one left; false at the top.
    pub fn leave(&mut self, top: usize) -> bool {
        if self.path.len() <= top {
            return false;
        }
        let left = self.path.pop();
        self.marks.clear();
        self.rows.clear();
        self.invalidate();
        self.offset = 0;
        // Its row is found at the next refresh.
        self.selected = 0;
        self.pending_select = left;
        true
    }

    /// Keeps the selection on screen in a list of `height` rows.
    pub fn scroll(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let most = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(most);
    }
}
