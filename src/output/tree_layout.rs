//! Which rows a tree shows: a best-first expansion by size. Every entry
//! shown so far offers its next largest child; the largest offer anywhere
//! in the tree takes the next row, while there are rows for it. A directory
//! whose entries are not all shown ends with one row for the rest (its
//! hidden entries and its own entry), so the rows under it add up to it.
//!
//! Sizes pop in non-increasing order (a child is never larger than its
//! directory), so every file shown is among the `rows` largest files of
//! the operand: the scan only needs to keep those.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One directory of an operand, as the scan leaves it.
#[derive(Clone, Copy, Debug)]
pub struct Dir {
    /// Index of the directory it is in (itself for the operand).
    pub parent: u32,
    /// Where its name ends in [`Scanned::names`]; it starts where the
    /// previous directory's ends.
    pub name_end: u32,
    /// Its total, in the measure shown.
    pub value: u64,
    /// How many entries it holds directly.
    pub entries: u32,
}

/// A file kept because it may be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptFile {
    pub value: u64,
    /// Its place in the traversal order, among the operand's files.
    pub seq: u64,
    pub name: Box<[u8]>,
    pub parent: u32,
}

impl Ord for KeptFile {
    /// Greater is larger, then (equal sizes) met earlier: of files of one
    /// size, those du's traversal meets first are kept, so a later one
    /// never displaces them and the walk can leave out every file that is
    /// not larger than the smallest kept. Rows order them by name.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value
            .cmp(&other.value)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialOrd for KeptFile {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A scanned operand: all its directories down to the depth shown (the
/// operand first, each after the one it is in), and the largest files.
#[derive(Default)]
pub struct Scanned {
    pub dirs: Vec<Dir>,
    pub names: Vec<u8>,
    pub files: Vec<KeptFile>,
}

impl Scanned {
    pub fn dir_name(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.dirs[i - 1].name_end as usize
        };
        &self.names[start..self.dirs[i].name_end as usize]
    }

    pub fn clear(&mut self) {
        self.dirs.clear();
        self.names.clear();
        self.files.clear();
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Dir,
    File,
    /// The rest of a directory: `count` entries not shown.
    Rest {
        count: u64,
    },
}

/// One row of the tree, in the order printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    /// The entry's name (the operand's path for the first row), raw.
    pub name: Vec<u8>,
    pub value: u64,
    /// 0 for the operand.
    pub depth: usize,
    /// The last row under its directory (drawn with `└─`).
    pub last: bool,
}

/// A child in a directory's list: a directory index, or a file index with
/// the top bit set.
const FILE_BIT: u32 = 1 << 31;

/// The directories' children, largest first (equal sizes by name).
struct Children {
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Children {
    fn of(&self, dir: usize) -> &[u32] {
        &self.list[self.start[dir] as usize..self.start[dir + 1] as usize]
    }
}

fn children(s: &Scanned) -> Children {
    let n = s.dirs.len();
    let mut start = vec![0u32; n + 1];
    for d in s.dirs.iter().skip(1) {
        start[d.parent as usize + 1] += 1;
    }
    for f in &s.files {
        start[f.parent as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut list = vec![0u32; start[n] as usize];
    let mut put = |parent: u32, child: u32| {
        let at = &mut fill[parent as usize];
        list[*at as usize] = child;
        *at += 1;
    };
    for (i, d) in s.dirs.iter().enumerate().skip(1) {
        put(d.parent, i as u32);
    }
    for (i, f) in s.files.iter().enumerate() {
        put(f.parent, i as u32 | FILE_BIT);
    }
    let key = |c: &u32| -> (Reverse<u64>, &[u8]) {
        if c & FILE_BIT != 0 {
            let f = &s.files[(c & !FILE_BIT) as usize];
            (Reverse(f.value), &f.name)
        } else {
            (Reverse(s.dirs[*c as usize].value), s.dir_name(*c as usize))
        }
    };
    for dir in 0..n {
        list[start[dir] as usize..start[dir + 1] as usize].sort_by(|a, b| key(a).cmp(&key(b)));
    }
    Children { start, list }
}

/// What a tree may show.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most rows, at least the operand's.
    pub rows: usize,
    /// No entry deeper than this.
    pub max_depth: usize,
    /// No row for an entry smaller than this (`-t`); the operand's row
    /// stays, and what is hidden goes into rest rows.
    pub min_value: u64,
}

/// The rows of `s`'s tree, within `limits`.
pub fn layout(s: &Scanned, limits: Limits) -> Vec<Row> {
    let Limits {
        rows: budget,
        max_depth,
        min_value,
    } = limits;
    if s.dirs.is_empty() {
        return Vec::new();
    }
    let children = children(s);
    let value = |c: u32| {
        if c & FILE_BIT != 0 {
            s.files[(c & !FILE_BIT) as usize].value
        } else {
            s.dirs[c as usize].value
        }
    };
    // How many of each directory's children are shown: always a prefix
    // of its list, since a directory offers them in order.
    let mut shown = vec![0u32; s.dirs.len()];
    // When each directory was shown, to break ties between directories.
    let mut seq = vec![0u32; s.dirs.len()];
    let mut next_seq = 1;
    let mut used = 1;
    // Offers: (size, earlier directory first, directory, its depth).
    let mut offers = BinaryHeap::new();
    let offer = |offers: &mut BinaryHeap<_>, dir: usize, depth: usize, seq: u32, k: u32| {
        // Children come largest first: once one is too small, so is the
        // rest of its directory.
        if depth < max_depth
            && let Some(&c) = children.of(dir).get(k as usize)
            && value(c) >= min_value
        {
            offers.push((value(c), Reverse(seq), dir, depth));
        }
    };
    offer(&mut offers, 0, 0, 0, 0);
    while let Some((_, Reverse(parent_seq), p, depth)) = offers.pop() {
        let k = shown[p];
        let hidden = u64::from(s.dirs[p].entries.saturating_sub(k));
        // The row itself, and the rest row that appears with a first
        // child shown or goes with the last one hidden.
        let cost = if k == 0 {
            1 + usize::from(hidden > 1)
        } else {
            usize::from(hidden > 1)
        };
        if used + cost > budget {
            // No room for it (and so for the rest of its directory): a
            // smaller entry elsewhere may still fit in what is left.
            continue;
        }
        used += cost;
        let c = children.of(p)[k as usize];
        shown[p] += 1;
        offer(&mut offers, p, depth, parent_seq, shown[p]);
        if c & FILE_BIT == 0 {
            seq[c as usize] = next_seq;
            next_seq += 1;
            offer(&mut offers, c as usize, depth + 1, seq[c as usize], 0);
        }
    }
    let has_rest = |d: usize| shown[d] > 0 && s.dirs[d].entries > shown[d];
    let mut rows = vec![Row {
        kind: RowKind::Dir,
        name: s.dir_name(0).to_vec(),
        value: s.dirs[0].value,
        depth: 0,
        last: true,
    }];
    // Depth-first, without recursion: (directory, next child, its depth).
    let mut stack = vec![(0usize, 0u32, 0usize)];
    while let Some(top) = stack.last_mut() {
        let (d, i, depth) = *top;
        if i < shown[d] {
            top.1 += 1;
            let c = children.of(d)[i as usize];
            let last = i + 1 == shown[d] && !has_rest(d);
            if c & FILE_BIT != 0 {
                let f = &s.files[(c & !FILE_BIT) as usize];
                rows.push(Row {
                    kind: RowKind::File,
                    name: f.name.to_vec(),
                    value: f.value,
                    depth: depth + 1,
                    last,
                });
            } else {
                let c = c as usize;
                rows.push(Row {
                    kind: RowKind::Dir,
                    name: s.dir_name(c).to_vec(),
                    value: s.dirs[c].value,
                    depth: depth + 1,
                    last,
                });
                if shown[c] > 0 {
                    stack.push((c, 0, depth + 1));
                }
            }
        } else {
            stack.pop();
            if has_rest(d) {
                let listed: u64 = children.of(d)[..shown[d] as usize]
                    .iter()
                    .map(|&c| value(c))
                    .sum();
                rows.push(Row {
                    kind: RowKind::Rest {
                        count: u64::from(s.dirs[d].entries - shown[d]),
                    },
                    name: Vec::new(),
                    value: s.dirs[d].value.saturating_sub(listed),
                    depth: depth + 1,
                    last: true,
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// root (100) holds a (60: x 50, y 9) and f (30), g (5), own 5; a's own 1.
    fn sample() -> Scanned {
        let mut s = Scanned::default();
        for (name, parent, value, entries) in [("root", 0, 100, 3), ("a", 0, 60, 2)] {
            s.names.extend_from_slice(name.as_bytes());
            s.dirs.push(Dir {
                parent,
                name_end: s.names.len() as u32,
                value,
                entries,
            });
        }
        for (seq, (name, parent, value)) in [("f", 0, 30), ("g", 0, 5), ("x", 1, 50), ("y", 1, 9)]
            .into_iter()
            .enumerate()
        {
            s.files.push(KeptFile {
                value,
                seq: seq as u64,
                name: name.as_bytes().into(),
                parent,
            });
        }
        s
    }

    fn names(rows: &[Row]) -> Vec<(String, u64)> {
        rows.iter()
            .map(|r| {
                let name = match r.kind {
                    RowKind::Rest { count } => format!("+{count}"),
                    _ => String::from_utf8_lossy(&r.name).into_owned(),
                };
                (name, r.value)
            })
            .collect()
    }

    #[test]
    fn all_rows_fit() {
        let rows = layout(&sample(), at_most(100));
        let want = [
            ("root", 100),
            ("a", 60),
            ("x", 50),
            ("y", 9),
            ("f", 30),
            ("g", 5),
        ];
        let want: Vec<_> = want.iter().map(|&(n, v)| (n.to_string(), v)).collect();
        assert_eq!(names(&rows), want);
        assert!(rows[3].last && !rows[2].last && rows[5].last);
    }

    #[test]
    fn the_rest_row_keeps_the_sum() {
        // Four rows: x would need a's rest row too, so a stays closed and
        // the smaller f and g take the rows left.
        let rows = layout(&sample(), at_most(4));
        let got = names(&rows);
        assert_eq!(
            got,
            [("root", 100), ("a", 60), ("f", 30), ("g", 5)]
                .map(|(n, v)| (n.to_string(), v))
                .to_vec()
        );
        let top =
            |rows: &[Row]| -> u64 { rows.iter().filter(|r| r.depth == 1).map(|r| r.value).sum() };
        let rows = layout(&sample(), at_most(5));
        assert_eq!(rows.len(), 5);
        assert_eq!(top(&rows), 100);
        // Everything shown: only root's own entry (5) is not a row.
        let rows = layout(&sample(), at_most(6));
        assert_eq!(rows.len(), 6);
        assert_eq!(top(&rows), 95);
    }

    /// At most `n` rows, at any depth, of any size.
    fn at_most(n: usize) -> Limits {
        Limits {
            rows: n,
            max_depth: usize::MAX,
            min_value: 0,
        }
    }

    #[test]
    fn depth_limits_expansion() {
        let limits = Limits {
            max_depth: 1,
            ..at_most(100)
        };
        let rows = layout(&sample(), limits);
        assert!(rows.iter().all(|r| r.depth <= 1));
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn entries_below_the_threshold_go_into_rest_rows() {
        let limits = Limits {
            min_value: 30,
            ..at_most(100)
        };
        let got = names(&layout(&sample(), limits));
        // y (9) and g (5) are too small: each directory ends with a rest
        // row holding it and the directory's own entry, so the sums stay.
        assert_eq!(
            got,
            [
                ("root", 100),
                ("a", 60),
                ("x", 50),
                ("+1", 10),
                ("f", 30),
                ("+1", 10)
            ]
            .map(|(n, v)| (n.to_string(), v))
            .to_vec()
        );
    }
}
