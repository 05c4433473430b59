//! `--tree`: each operand as a tree of its largest entries. The sink keeps
//! the operand's directories (name, parent, total, entry count) down to
//! the depth shown and a bounded heap of its largest files, and draws the
//! tree when the operand ends; diagnostics go to stderr as du's do. As
//! the heap fills, the walk is told to stop naming files too small for it.
//! `-t SIZE` gives no row to an entry smaller than SIZE, and `-c` ends the
//! trees with the operands' total.

use std::io::{self, Write};

use super::Report;
use super::diagnostic::report_error;
use super::largest::Largest;
use super::tree_layout::{Dir, KeptFile, Limits, Row, RowKind, Scanned, layout};
use super::tree_rows::{Look, render, render_note, render_total};
use crate::config::Config;
use crate::message::write_error;
use crate::model::{ErrorKind, Usage};
use crate::progress::group_digits;
use crate::stream::{Event, Sink, SizeFloor};

/// Where a tree is drawn: its rows and width.
#[derive(Clone, Copy, Debug)]
pub struct Screen {
    pub rows: usize,
    pub width: usize,
    pub color: bool,
}

pub struct TreeView<'c, W: Write, E: Write> {
    config: &'c Config,
    out: W,
    err: E,
    look: Look,
    limits: Limits,
    scanned: Scanned,
    files: Largest<KeptFile>,
    /// The directories entered and not yet ended, by index.
    open: Vec<u32>,
    /// Directories and other entries of this operand that could not be read.
    unread_dirs: u64,
    unread_entries: u64,
    errors: bool,
    /// Whether the walk may leave out files too small to be kept: only
    /// with one operand, as the next one's files start from nothing.
    raise_floor: bool,
    /// Below the smallest file that could get a row: the walk need not
    /// name smaller ones.
    floor: SizeFloor,
    /// Files of this operand met so far.
    seq: u64,
    /// The operands' sum, for `-c`.
    total: u64,
}

impl<'c, W: Write, E: Write> TreeView<'c, W, E> {
    pub fn new(config: &'c Config, screen: Screen, out: W, err: E) -> Self {
        let rows = screen.rows.max(1);
        // Negative thresholds are refused with the options.
        let min_value = config.threshold.max(0) as u64;
        // No file smaller than the threshold gets a row: none need be named.
        let floor = SizeFloor::default();
        floor.raise(min_value);
        TreeView {
            floor,
            config,
            out,
            err,
            look: Look {
                width: screen.width,
                color: screen.color,
                format: config.format,
                locale: config.locale,
            },
            limits: Limits {
                rows,
                max_depth: config.max_depth.max(0).try_into().unwrap_or(usize::MAX),
                min_value,
            },
            scanned: Scanned::default(),
            files: Largest::new(rows),
            open: Vec::new(),
            unread_dirs: 0,
            unread_entries: 0,
            errors: false,
            raise_floor: config.operands.len() == 1 && config.files0_from.is_none(),
            seq: 0,
            total: 0,
        }
    }

    fn value(&self, usage: Usage) -> u64 {
        if self.config.inodes {
            usage.inodes
        } else {
            usage.bytes
        }
    }

    fn diagnosed(&mut self) {
        self.errors = true;
        let _ = self.out.flush();
    }

    /// Draws the operand's tree and forgets it.
    fn draw(&mut self, rows: Vec<Row>) -> io::Result<()> {
        let total = rows.first().map_or(0, |r| r.value);
        let mut text = String::new();
        render(&rows, total, &self.look, &mut text);
        let mut note = |count: u64, one: &str, many: &str| {
            if count > 0 {
                let what = if count == 1 { one } else { many };
                render_note(
                    &format!("{} {what}", group_digits(count)),
                    &self.look,
                    &mut text,
                );
            }
        };
        note(
            self.unread_dirs,
            "directory could not be read",
            "directories could not be read",
        );
        note(
            self.unread_entries,
            "entry could not be read",
            "entries could not be read",
        );
        self.unread_dirs = 0;
        self.unread_entries = 0;
        self.scanned.clear();
        self.files.clear();
        self.out.write_all(text.as_bytes())
    }

    fn end_operand_dir(&mut self) -> io::Result<()> {
        let mut scanned = std::mem::take(&mut self.scanned);
        let files = std::mem::replace(&mut self.files, Largest::new(self.limits.rows));
        scanned.files = files.into_sorted();
        let rows = layout(&scanned, self.limits);
        self.scanned = scanned;
        self.draw(rows)
    }
}

/// The last component of a path below an operand.
fn name_of(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

impl<W: Write, E: Write> Sink for TreeView<'_, W, E> {
    fn size_floor(&self) -> Option<&SizeFloor> {
        Some(&self.floor)
    }

    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::Invalid { message } => {
                self.diagnosed();
                write_error(&mut self.err, &[message]);
            }
            Event::Error { path, kind, errno } => {
                self.diagnosed();
                report_error(&mut self.err, kind, path, errno, self.config.locale);
                if !self.open.is_empty() {
                    match kind {
                        ErrorKind::Access => self.unread_entries += 1,
                        ErrorKind::ReadDir | ErrorKind::ReadPartial => self.unread_dirs += 1,
                    }
                }
            }
            Event::File {
                path, depth, usage, ..
            } => {
                let value = self.value(usage);
                if depth == 0 {
                    self.total = self.total.saturating_add(value);
                    let row = Row {
                        kind: RowKind::File,
                        name: path.to_vec(),
                        value,
                        depth: 0,
                        last: true,
                    };
                    return self.draw(vec![row]);
                }
                if depth > self.limits.max_depth || value < self.limits.min_value {
                    return Ok(());
                }
                let Some(&parent) = self.open.last() else {
                    return Ok(());
                };
                let name = name_of(path);
                let seq = self.seq;
                self.seq += 1;
                // Equal to the smallest kept is not enough: it came later.
                if self.files.would_keep(|smallest| value > smallest.value) {
                    self.files.push(KeptFile {
                        value,
                        seq,
                        name: name.into(),
                        parent,
                    });
                    if self.raise_floor
                        && let Some(smallest) = self.files.floor()
                    {
                        self.floor.raise(smallest.value.saturating_add(1));
                    }
                }
            }
            Event::DirStart { path, depth, .. } => {
                if depth > self.limits.max_depth {
                    return Ok(());
                }
                let (parent, name) = match self.open.last() {
                    Some(&p) if depth > 0 => {
                        self.scanned.dirs[p as usize].entries += 1;
                        (p, name_of(path))
                    }
                    _ => {
                        self.scanned.clear();
                        (0, path)
                    }
                };
                self.scanned.names.extend_from_slice(name);
                let index = self.scanned.dirs.len() as u32;
                self.scanned.dirs.push(Dir {
                    parent,
                    name_end: self.scanned.names.len() as u32,
                    value: 0,
                    entries: 0,
                });
                self.open.push(index);
            }
            Event::DirEnd {
                depth,
                total,
                separate,
                ..
            } => {
                if depth > self.limits.max_depth {
                    return Ok(());
                }
                let value = self.value(total);
                if depth == 0 {
                    self.total = self.total.saturating_add(value);
                }
                if let Some(index) = self.open.pop() {
                    let dir = &mut self.scanned.dirs[index as usize];
                    dir.value = value;
                    // Its subdirectories were counted as they started; its
                    // other entries are the inodes counted here, less its own.
                    let files = separate.inodes.saturating_sub(1);
                    dir.entries = dir
                        .entries
                        .saturating_add(files.try_into().unwrap_or(u32::MAX));
                }
                if depth == 0 {
                    self.end_operand_dir()?;
                }
            }
            Event::Skipped { .. } => {}
        }
        Ok(())
    }
}

impl<W: Write, E: Write> Report for TreeView<'_, W, E> {
    fn finish(&mut self, summary: &crate::Summary) -> io::Result<()> {
        let cancelled = summary.cancelled;
        let mut text = String::new();
        if self.config.total {
            render_total(self.total, &self.look, &mut text);
        }
        if cancelled {
            render_note(
                "the scan was stopped before the end: every size is a lower bound",
                &self.look,
                &mut text,
            );
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn had_errors(&self) -> bool {
        self.errors
    }
}
