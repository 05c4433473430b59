//! What the browser shows of the tree: the directory open, its entries in
//! the chosen order, the selection and the marks. The entries are sorted
//! once per change of the tree or of the order, never per frame.

use std::collections::BTreeSet;
use std::sync::mpsc::{self, TryRecvError};
use std::time::{Duration, Instant};

use super::growing::{Growing, Want};
use super::model::{NONE, NodeId, ROOT, Shared, Tree, read};
pub use super::orders::SortKey;
use super::orders::{Orders, key_of};

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
    /// The directory `rows` list the entries of, and the tree's
    /// generation then.
    rows_dir: NodeId,
    rows_at: u64,
    /// The rows are a directory's first entries, shown unsorted.
    unsorted: bool,
    /// An order being computed apart.
    sorting: Option<Sorting>,
    /// While the scan runs: a huge directory's order being computed
    /// apart, and the order (key, apparent, reversed) it is for.
    growing: Option<(Growing, (SortKey, bool, bool))>,
    /// The order the rows of a huge directory were last sorted in while
    /// the scan ran, and when that sort was ready.
    grown: Option<((SortKey, bool, bool), Instant)>,
    /// The open directory's first child when its rows were last filled:
    /// the rows hold it and every entry after it in the directory's list.
    seen_head: NodeId,
    /// The first child when the rows were last sorted: entries before it
    /// in the list are appended to the rows unsorted.
    sorted_head: NodeId,
}

/// While the scan runs, a huge directory that grew is sorted again at
/// most once per this long after the last sort was ready: each sort takes
/// a core from the scan for a tenth of a second or so.
const RESORT_EVERY: Duration = Duration::from_millis(1000);

/// Entries of more than this many are sorted apart once the scan has
/// ended, so that no key waits for a sort (a million take about 0.1 s).
const SORT_APART: u32 = 50_000;
/// Entries listed, unsorted, in a huge directory just opened while its
/// order is computed.
const SHOWN_UNSORTED: usize = 1000;

/// An order computed on a thread of its own, for one directory at one
/// state of the tree.
struct Sorting {
    dir: NodeId,
    generation: u64,
    want: (SortKey, bool),
    result: mpsc::Receiver<Orders>,
    /// The result, once waited for.
    ready: Option<Orders>,
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
            rows_dir: NONE,
            rows_at: 0,
            unsorted: false,
            sorting: None,
            growing: None,
            grown: None,
            seen_head: NONE,
            sorted_head: NONE,
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
    /// order, or reversing it, only copies it. Once the scan has ended, a
    /// new order of a huge directory is computed on a thread of its own
    /// reading `shared`; until it is ready the rows on screen stay (the
    /// first entries, unsorted, in a directory just opened). While the scan
    /// runs, see [`View::refresh_growing`].
    pub fn refresh(&mut self, tree: &Tree, shared: Option<&Shared>) {
        let dir = self.dir();
        if let Some(shared) = shared
            && !tree.done
            && self.huge_while_scanning(tree, dir)
        {
            self.refresh_growing(tree, shared);
            return;
        }
        let was_growing = self.growing.take().is_some();
        if self.grown.take().is_some() || was_growing {
            // The scan has ended or the directory was left. The rows of a
            // huge directory kept while the scan ran stay on screen,
            // complete, until its final order is ready.
            if self.rows_dir == dir && !self.unsorted {
                self.catch_up(tree);
            }
            self.sorted_at = None;
        }
        let want = (self.sort, self.apparent);
        if let Some(sorting) = &mut self.sorting {
            if sorting.dir == dir && sorting.generation == tree.generation && sorting.want == want {
                let done = match sorting.ready.take() {
                    Some(orders) => Ok(orders),
                    None => sorting.result.try_recv(),
                };
                match done {
                    Ok(orders) => {
                        self.orders = orders;
                        self.sorted_at = None;
                        self.sorting = None;
                    }
                    Err(TryRecvError::Empty) => return,
                    // It ended without a result: sort here.
                    Err(TryRecvError::Disconnected) => self.sorting = None,
                }
            } else {
                self.sorting = None;
            }
        }
        if self.sorted_at == Some(tree.generation) {
            return;
        }
        if self.orders.dir != dir || self.orders.generation != tree.generation {
            self.orders = Orders::new(dir, tree.generation);
        }
        if let Some(shared) = shared
            && tree.done
            && tree.node(dir).items > SORT_APART
            && !self.orders.has(self.sort, self.apparent)
        {
            self.sort_apart(tree, shared);
            return;
        }
        // In the first entries shown unsorted, the top row is where the
        // directory opens, not a choice to keep.
        let keep = self
            .pending_select
            .take()
            .or(if self.unsorted && self.selected == 0 {
                None
            } else {
                self.selected_node()
            });
        self.unsorted = false;
        let natural = self.orders.get(tree, self.sort, self.apparent);
        self.rows.clear();
        if self.reverse {
            self.rows.extend(natural.iter().rev());
        } else {
            self.rows.extend_from_slice(natural);
        }
        self.rows_dir = dir;
        self.rows_at = tree.generation;
        self.seen_head = tree.first_child(dir);
        self.sorted_head = self.seen_head;
        self.sorted_at = Some(tree.generation);
        if let Some(keep) = keep
            && let Some(i) = self.rows.iter().position(|&r| r == keep)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Whether `dir`, open while the scan runs, has more than
    /// [`SORT_APART`] entries of its own. A directory of a few entries
    /// holding many below them is sorted here at every change, so that
    /// its order follows sizes as they grow.
    fn huge_while_scanning(&self, tree: &Tree, dir: NodeId) -> bool {
        if tree.node(dir).items <= SORT_APART {
            return false;
        }
        if self.rows_dir == dir {
            // Once huge, it stays so while the scan runs (its rows are
            // then a placeholder or an order being kept up).
            return self.unsorted
                || self.growing.is_some()
                || self.grown.is_some()
                || self.rows.len() > SORT_APART as usize;
        }
        // Just opened: counted once, no further than needed.
        tree.children(dir).take(SORT_APART as usize + 1).count() > SORT_APART as usize
    }

    /// Keeps the rows of a huge directory while the scan fills it, without
    /// sorting on this thread: the entries added since the rows were
    /// filled are appended as they came, and the order is computed apart
    /// (see `growing`) when it is asked for, or again when the directory
    /// grew and [`RESORT_EVERY`] has passed. A directory just opened
    /// shows its first entries until its first order is ready.
    fn refresh_growing(&mut self, tree: &Tree, shared: &Shared) {
        let dir = self.dir();
        let want = (self.sort, self.apparent, self.reverse);
        self.sorting = None;
        self.sorted_at = None;
        if self.rows_dir != dir {
            self.rows.clear();
            self.rows.extend(tree.children(dir).take(SHOWN_UNSORTED));
            self.unsorted = true;
            self.rows_dir = dir;
            self.selected = 0;
            self.offset = 0;
            self.growing = None;
            self.grown = None;
        } else if !self.unsorted {
            self.catch_up(tree);
        }
        self.rows_at = tree.generation;
        if let Some((growing, order)) = &mut self.growing {
            if *order != want {
                self.growing = None;
            } else {
                match growing.poll() {
                    Ok(Some(sorted)) => {
                        let keep =
                            self.pending_select
                                .take()
                                .or(if self.unsorted && self.selected == 0 {
                                    None
                                } else {
                                    self.selected_node()
                                });
                        self.rows = sorted.rows;
                        self.seen_head = sorted.head;
                        self.sorted_head = sorted.head;
                        self.unsorted = false;
                        self.catch_up(tree);
                        self.grown = Some((want, Instant::now()));
                        self.growing = None;
                        if let Some(keep) = keep
                            && let Some(i) = self.rows.iter().position(|&r| r == keep)
                        {
                            self.selected = i;
                        }
                    }
                    Ok(None) => {}
                    Err(()) => self.growing = None,
                }
            }
        }
        if self.growing.is_none() {
            let due = match self.grown {
                Some((order, at)) => {
                    order != want
                        || (tree.first_child(dir) != self.sorted_head
                            && at.elapsed() >= RESORT_EVERY)
                }
                None => true,
            };
            if due {
                let (sort, apparent) = (self.sort, self.apparent);
                let how = Want {
                    by_key: sort != SortKey::Name,
                    reverse: self.reverse,
                };
                let key = Box::new(move |t: &Tree, id| key_of(t, id, sort, apparent));
                self.growing = Some((Growing::start(shared, dir, how, key), want));
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Appends the open directory's entries added since its rows were
    /// filled, in the order they came.
    fn catch_up(&mut self, tree: &Tree) {
        let head = tree.first_child(self.dir());
        let from = self.rows.len();
        let mut next = head;
        while next != self.seen_head && next != NONE {
            self.rows.push(next);
            next = tree.next_sibling(next);
        }
        self.rows[from..].reverse();
        self.seen_head = head;
        self.rows_at = tree.generation;
    }

    /// Starts computing the wanted order on a thread of its own.
    fn sort_apart(&mut self, tree: &Tree, shared: &Shared) {
        let dir = self.dir();
        let (sort, apparent) = (self.sort, self.apparent);
        let mut orders = self.orders.clone();
        let (send, result) = mpsc::channel();
        let shared = shared.clone();
        std::thread::spawn(move || {
            let tree = read(&shared);
            // A tree changed since is sorted again by whoever asks.
            if tree.generation == orders.generation {
                orders.get(&tree, sort, apparent);
                drop(tree);
                let _ = send.send(orders);
            }
        });
        self.sorting = Some(Sorting {
            dir,
            generation: tree.generation,
            want: (sort, apparent),
            result,
            ready: None,
        });
        // The rows on screen stay if they are this directory's as it is
        // (only their order is changing); else something to look at
        // meanwhile: the first entries as they come.
        if self.rows_dir != dir || self.rows_at != tree.generation {
            self.rows.clear();
            self.rows.extend(tree.children(dir).take(SHOWN_UNSORTED));
            self.unsorted = true;
            self.rows_dir = dir;
            self.rows_at = tree.generation;
            self.selected = 0;
            self.offset = 0;
        }
    }

    /// The rows are not yet in the order asked for: a sort runs apart, or
    /// entries came since the last one (while the scan runs).
    pub fn sorting(&self) -> bool {
        self.sorting.is_some()
            || self.growing.is_some()
            || (self.grown.is_some() && self.seen_head != self.sorted_head)
    }

    /// Waits until a sort running apart is ready; the next refresh shows
    /// its order.
    pub fn wait_sorted(&mut self) {
        if let Some((growing, _)) = &mut self.growing {
            growing.wait();
        }
        if let Some(sorting) = &mut self.sorting
            && sorting.ready.is_none()
        {
            sorting.ready = sorting.result.recv().ok();
        }
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
