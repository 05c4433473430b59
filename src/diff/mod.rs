//! `--diff=OLD`: the new scan's events are matched, path by path below
//! the root, with an old scan held in memory ([`old`]), and one row is
//! kept for each change that explains the difference: a directory whose
//! change the rows below it already add up to is left out, and a
//! directory that appeared or vanished is one row with all it holds.
//! The rows print at the end, largest change first.

use std::cmp::Reverse;
use std::io::{self, Write};

use crate::Summary;
use crate::config::Config;
use crate::input::old::{NONE, OldTree};
use crate::output::json::push_path;
use crate::output::{Diagnostics, Report, shown};
use crate::path::join_path;
use crate::size::format_size;
use crate::stream::{Event, Sink};

/// What happened to an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    New,
    Gone,
    Changed,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Gone => "gone",
            Status::Changed => "changed",
        }
    }
}

/// One row of the report.
struct Row {
    path: Vec<u8>,
    old: u64,
    new: u64,
    status: Status,
}

impl Row {
    fn change(&self) -> i128 {
        i128::from(self.new) - i128::from(self.old)
    }
}

/// A directory of the new scan that is open.
enum Frame {
    /// It was in the old scan too: `accounted` is what the rows shown
    /// below it add up to.
    Matched { node: u32, accounted: i128 },
    /// It is new: one row, nothing below it.
    New,
    /// It is in a new directory.
    Inside,
}

/// The diff's report: rows to `out`, diagnostics to `err`.
pub struct DiffWriter<'c, W: Write, E: Write> {
    config: &'c Config,
    old: OldTree,
    out: W,
    diag: Diagnostics<E>,
    frames: Vec<Frame>,
    rows: Vec<Row>,
    /// The root's old and new values, for `-c`.
    totals: (u64, u64),
}

impl<'c, W: Write, E: Write> DiffWriter<'c, W, E> {
    pub fn new(config: &'c Config, old: OldTree, out: W, err: E) -> Self {
        DiffWriter {
            config,
            old,
            out,
            diag: Diagnostics::new(err, config.locale),
            frames: Vec::new(),
            rows: Vec::new(),
            totals: (0, 0),
        }
    }

    /// A new value as the old side counted it (a listing's numbers are
    /// rounded up to its unit).
    fn new_value(&self, usage: crate::model::Usage) -> u64 {
        let v = self.config.value(usage);
        let unit = self.old.unit;
        v.div_ceil(unit).saturating_mul(unit)
    }

    /// Keeps a row if `-t` and `-d` let it show; returns the change it
    /// accounts for.
    fn keep(&mut self, row: Row, depth: usize) -> i128 {
        let change = row.change();
        if !shown(self.config, change.unsigned_abs() as u64, depth) {
            return 0;
        }
        self.rows.push(row);
        change
    }

    /// The rows of what `node`'s directory at `path` had and the new scan
    /// did not meet; returns their change.
    fn gone_below(&mut self, node: u32, path: &[u8], depth: usize) -> i128 {
        let mut accounted = 0;
        let mut todo = vec![(node, path.to_vec(), depth)];
        while let Some((parent, path, depth)) = todo.pop() {
            let mut c = self.old.nodes[parent as usize].first_child;
            while c != NONE {
                let n = &self.old.nodes[c as usize];
                let next = n.next_sibling;
                if !n.seen && (n.is_dir || self.config.all) {
                    let mut child = path.clone();
                    join_path(&mut child, &n.name);
                    match n.value {
                        Some(old) => {
                            let row = Row {
                                path: child,
                                old,
                                new: 0,
                                status: Status::Gone,
                            };
                            accounted += self.keep(row, depth + 1);
                        }
                        // Not in the listing itself: what it held is.
                        None => todo.push((c, child, depth + 1)),
                    }
                }
                c = next;
            }
        }
        accounted
    }

    /// Where the entry `name` of the directory on top stands.
    fn place(&mut self, path: &[u8]) -> Frame {
        match self.frames.last() {
            None => {
                self.old.nodes[0].seen = true;
                Frame::Matched {
                    node: 0,
                    accounted: 0,
                }
            }
            Some(Frame::New | Frame::Inside) => Frame::Inside,
            Some(&Frame::Matched { node, .. }) => {
                let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
                match self.old.child(node, name) {
                    Some(c) => {
                        self.old.nodes[c as usize].seen = true;
                        Frame::Matched {
                            node: c,
                            accounted: 0,
                        }
                    }
                    None => Frame::New,
                }
            }
        }
    }

    /// Ends an entry at `path`: its row if it needs one, and what it
    /// accounts for in its parent's change.
    fn end(&mut self, frame: Frame, path: &[u8], depth: usize, new: u64, listed: bool) {
        let up = match frame {
            Frame::Inside => return,
            Frame::New if !listed => return,
            Frame::New => {
                let row = Row {
                    path: path.to_vec(),
                    old: 0,
                    new,
                    status: Status::New,
                };
                self.keep(row, depth)
            }
            Frame::Matched { node, accounted } => {
                let accounted = accounted + self.gone_below(node, path, depth);
                let old = self.old.nodes[node as usize].value;
                if depth == 0 {
                    self.totals = (old.unwrap_or(0), new);
                }
                match old {
                    Some(old) if listed && i128::from(new) - i128::from(old) != accounted => {
                        let row = Row {
                            path: path.to_vec(),
                            old,
                            new,
                            status: Status::Changed,
                        };
                        match self.keep(row, depth) {
                            0 => accounted,
                            change => change,
                        }
                    }
                    _ => accounted,
                }
            }
        };
        if let Some(Frame::Matched { accounted, .. }) = self.frames.last_mut() {
            *accounted += up;
        }
    }

    fn write_rows(&mut self) -> io::Result<()> {
        let mut rows = std::mem::take(&mut self.rows);
        rows.sort_by(|a, b| {
            (Reverse(a.change().unsigned_abs()), &a.path)
                .cmp(&(Reverse(b.change().unsigned_abs()), &b.path))
        });
        let end = if self.config.null { 0 } else { b'\n' };
        let mut line = Vec::with_capacity(256);
        for row in &rows {
            line.clear();
            if self.config.json {
                push_json(&mut line, Some(row), row.old, row.new, row.status.name());
            } else {
                push_change(&mut line, self.config, row.change());
                line.push(b'\t');
                line.extend_from_slice(row.status.name().as_bytes());
                line.push(b'\t');
                line.extend_from_slice(&row.path);
            }
            line.push(end);
            self.out.write_all(&line)?;
        }
        if self.config.total {
            let (old, new) = self.totals;
            line.clear();
            if self.config.json {
                push_json(&mut line, None, old, new, "total");
            } else {
                push_change(&mut line, self.config, i128::from(new) - i128::from(old));
                line.extend_from_slice(b"\ttotal");
            }
            line.push(end);
            self.out.write_all(&line)?;
        }
        self.out.flush()
    }
}

/// The signed change in the run's units: `+`, `-` or nothing for none,
/// then its size as du prints one (`-h` included).
fn push_change(line: &mut Vec<u8>, config: &Config, change: i128) {
    if change > 0 {
        line.push(b'+');
    } else if change < 0 {
        line.push(b'-');
    }
    let size = u64::try_from(change.unsigned_abs()).unwrap_or(u64::MAX);
    format_size(size, &config.format, line);
}

/// One JSON row: path (none for the total), old, new, change, status.
fn push_json(line: &mut Vec<u8>, row: Option<&Row>, old: u64, new: u64, status: &str) {
    line.push(b'{');
    if let Some(row) = row {
        push_path(line, "path", &row.path);
        line.push(b',');
    }
    let change = i128::from(new) - i128::from(old);
    let _ = write!(
        line,
        "\"old\":{old},\"new\":{new},\"change\":{change},\"status\":\"{status}\"}}"
    );
}

impl<W: Write, E: Write> Sink for DiffWriter<'_, W, E> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::Invalid { message } => self.diag.diagnose(&mut self.out, &[message]),
            Event::Error { path, kind, errno } => self.diag.error(&mut self.out, kind, path, errno),
            Event::Skipped { .. } => {}
            Event::DirStart { path, .. } => {
                let frame = self.place(path);
                self.frames.push(frame);
            }
            Event::DirEnd {
                path, depth, total, ..
            } => {
                let frame = self.frames.pop().unwrap_or(Frame::Inside);
                let new = self.new_value(total);
                self.end(frame, path, depth, new, true);
            }
            Event::File {
                path, depth, usage, ..
            } => {
                let frame = self.place(path);
                let new = self.new_value(usage);
                let listed = depth == 0 || self.config.all;
                self.end(frame, path, depth, new, listed);
            }
        }
        Ok(())
    }
}

impl<W: Write, E: Write> Report for DiffWriter<'_, W, E> {
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        self.write_rows()
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
    fn had_errors(&self) -> bool {
        self.diag.count() > 0
    }
}
