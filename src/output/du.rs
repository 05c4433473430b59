//! du's own format: `SIZE<TAB>PATH` lines in post-order, operands in
//! command-line order, entries of a directory in byte order of their names,
//! and each diagnostic at the place du would print it.

use std::io::{self, Write};

use crate::config::Config;
use crate::message::{strerror, write_error};
use crate::quote::{quote_always, quote_if_needed};
use crate::report::{EntryError, ErrorKind, FileList, NO_PARENT, NodeId, Outcome, Report, Usage};
use crate::size::format_size;
use crate::walk::join_path;

/// What writing the report met.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// A diagnostic was printed: the exit status is 1.
    pub errors: bool,
}

/// The subdirectories of every directory, sorted by name.
struct Children {
    /// Start of each node's run in `ids`.
    start: Vec<u32>,
    ids: Vec<NodeId>,
}

impl Children {
    fn new(report: &Report) -> Self {
        let n = report.node_count();
        let listed = |id: usize| {
            let parent = report.parent(id as NodeId);
            (parent != NO_PARENT && !report.dropped(id as NodeId)).then_some(parent as usize)
        };
        let mut count = vec![0u32; n + 1];
        for id in 0..n {
            if let Some(parent) = listed(id) {
                count[parent + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut next = count.clone();
        let mut ids = vec![0; count[n] as usize];
        for id in 0..n {
            if let Some(parent) = listed(id) {
                let slot = &mut next[parent];
                ids[*slot as usize] = id as NodeId;
                *slot += 1;
            }
        }
        for i in 0..n {
            let run = &mut ids[count[i] as usize..count[i + 1] as usize];
            run.sort_unstable_by(|&a, &b| report.name(a).cmp(report.name(b)));
        }
        Children { start: count, ids }
    }

    fn of(&self, id: NodeId) -> &[NodeId] {
        &self.ids[self.start[id as usize] as usize..self.start[id as usize + 1] as usize]
    }
}

/// A directory on the way down: where its path ends in the path buffer and
/// how far through its three sorted lists the output is.
struct Frame<'r> {
    node: NodeId,
    depth: usize,
    path_len: usize,
    dirs: &'r [NodeId],
    /// The directory's files for `-a`, and the order to print them in.
    files: Option<&'r FileList>,
    file_order: Vec<u32>,
    errors: Vec<&'r EntryError>,
    next: (usize, usize, usize),
}

struct Writer<'a, W: Write, E: Write> {
    config: &'a Config,
    report: &'a Report,
    out: W,
    err: E,
    line: Vec<u8>,
    written: Written,
    /// The local time zone, looked up at the first `--time` line.
    zone: Option<jiff::tz::TimeZone>,
}

impl<W: Write, E: Write> Writer<'_, W, E> {
    fn print(&mut self, usage: Usage, path: &[u8], depth: usize) -> io::Result<()> {
        let config = self.config;
        let value = if config.inodes {
            usage.inodes
        } else {
            usage.bytes
        };
        let shown = if config.threshold < 0 {
            value <= config.threshold.unsigned_abs()
        } else {
            value >= config.threshold as u64
        };
        if !(shown && (depth == 0 || depth as i64 <= config.max_depth)) {
            return Ok(());
        }
        self.line.clear();
        format_size(value, &config.format, &mut self.line);
        self.push_time(usage.time);
        self.line.push(b'\t');
        self.line.extend_from_slice(path);
        self.line.push(if config.null { 0 } else { b'\n' });
        self.out.write_all(&self.line)
    }

    /// `--time`: a tab and the time in the chosen style, in the local time
    /// zone; the seconds since the epoch if it cannot be formatted.
    fn push_time(&mut self, time: i128) {
        if self.config.time.is_none() {
            return;
        }
        self.line.push(b'\t');
        let zone = self.zone.get_or_insert_with(jiff::tz::TimeZone::system);
        let formatted = jiff::Timestamp::from_nanosecond(time)
            .ok()
            .map(|t| t.to_zoned_datetime(zone.clone()))
            .and_then(|z| jiff::fmt::strtime::format(self.config.time_format.as_bytes(), &z).ok());
        match formatted {
            Some(text) => self.line.extend_from_slice(text.as_bytes()),
            None => self
                .line
                .extend_from_slice(time.div_euclid(1_000_000_000).to_string().as_bytes()),
        }
    }

    fn error(&mut self, kind: ErrorKind, path: &[u8], errno: i32) {
        let locale = self.config.locale;
        // errno 0: a dangling symlink that was to be followed; du gives no
        // reason then.
        let reason = if errno == 0 {
            String::new()
        } else {
            format!(": {}", strerror(errno))
        };
        let (what, name): (&[u8], Vec<u8>) = match kind {
            ErrorKind::Access => (b"cannot access ", quote_always(path, locale)),
            ErrorKind::ReadDir => (b"cannot read directory ", quote_always(path, locale)),
            ErrorKind::ReadPartial => (b"", quote_if_needed(path, locale)),
        };
        let parts: [&[u8]; 3] = [what, &name, reason.as_bytes()];
        // Errors go out after the lines before them, as du's would.
        let _ = self.out.flush();
        write_error(&mut self.err, &parts);
        self.written.errors = true;
    }

    fn frame<'r>(
        &self,
        report: &'r Report,
        children: &'r Children,
        node: NodeId,
        depth: usize,
        path_len: usize,
    ) -> Frame<'r> {
        let files = report.listed.get(&node);
        let file_order = files.map(FileList::sorted).unwrap_or_default();
        let mut errors: Vec<&EntryError> = report
            .errors
            .get(&node)
            .map(|e| e.iter().filter(|e| e.name.is_some()).collect())
            .unwrap_or_default();
        errors.sort_by(|a, b| a.name.cmp(&b.name));
        Frame {
            node,
            depth,
            path_len,
            dirs: children.of(node),
            files,
            file_order,
            errors,
            next: (0, 0, 0),
        }
    }

    /// Writes a directory operand and everything below it, post-order,
    /// without recursion.
    fn write_tree(&mut self, root: NodeId, children: &Children) -> io::Result<()> {
        let report = self.report;
        let mut path = report.name(root).to_vec();
        let mut stack = vec![self.frame(report, children, root, 0, path.len())];
        while let Some(top) = stack.last_mut() {
            let (d, f, e) = top.next;
            let dir_name = top.dirs.get(d).map(|&id| report.name(id));
            let file_name = top
                .file_order
                .get(f)
                .zip(top.files)
                .map(|(&i, list)| list.name(i as usize));
            let error_name = top.errors.get(e).and_then(|e| e.name.as_deref());
            // The smallest of the three next names goes first.
            let smallest = [dir_name, file_name, error_name]
                .into_iter()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (n, i)))
                .min();
            let depth = top.depth;
            path.truncate(top.path_len);
            match smallest {
                Some((name, 0)) => {
                    let id = top.dirs[d];
                    top.next.0 += 1;
                    join_path(&mut path, name);
                    let frame = self.frame(report, children, id, depth + 1, path.len());
                    stack.push(frame);
                }
                Some((name, 1)) => {
                    let usage = top
                        .files
                        .map_or_else(Usage::default, |l| l.usage(top.file_order[f] as usize));
                    top.next.1 += 1;
                    join_path(&mut path, name);
                    self.print(usage, &path, depth + 1)?;
                }
                Some((name, _)) => {
                    let error = top.errors[e];
                    top.next.2 += 1;
                    join_path(&mut path, name);
                    self.error(error.kind, &path, error.errno);
                }
                None => {
                    let id = top.node;
                    stack.pop();
                    if let Some(errors) = report.errors.get(&id) {
                        for error in errors.iter().filter(|e| e.name.is_none()) {
                            self.error(error.kind, &path, error.errno);
                        }
                    }
                    let usage = if self.config.separate_dirs {
                        report.separate(id)
                    } else {
                        report.total(id)
                    };
                    self.print(usage, &path, depth)?;
                }
            }
        }
        Ok(())
    }

    fn write_all(&mut self) -> io::Result<()> {
        let report = self.report;
        let children = Children::new(report);
        let mut total = Usage::default();
        for (index, outcome) in report.operands.iter().enumerate() {
            let name = match &self.config.operands[index] {
                crate::config::Operand::Path(p) => crate::walk::trim_operand(p),
                crate::config::Operand::Invalid(_) => &[],
            };
            match outcome {
                Outcome::NotReached | Outcome::Skipped => {}
                Outcome::Invalid(message) => {
                    let _ = self.out.flush();
                    write_error(&mut self.err, &[message]);
                    self.written.errors = true;
                }
                Outcome::Error(kind, errno) => self.error(*kind, name, *errno),
                Outcome::File { usage, dropped } => {
                    if !dropped {
                        total.add(*usage);
                        self.print(*usage, name, 0)?;
                    }
                }
                Outcome::Dir(id) => {
                    if !report.dropped(*id) {
                        total.add(report.total(*id));
                        self.write_tree(*id, &children)?;
                    }
                }
            }
        }
        if self.config.total {
            self.line.clear();
            let value = if self.config.inodes {
                total.inodes
            } else {
                total.bytes
            };
            format_size(value, &self.config.format, &mut self.line);
            self.push_time(total.time);
            self.line.extend_from_slice(b"\ttotal");
            self.line.push(if self.config.null { 0 } else { b'\n' });
            self.out.write_all(&self.line)?;
        }
        self.out.flush()
    }
}

/// Writes the report as du does to `out`, its diagnostics to `err`.
pub fn write_du(
    report: &Report,
    config: &Config,
    out: impl Write,
    err: impl Write,
) -> io::Result<Written> {
    let mut writer = Writer {
        config,
        report,
        out,
        err,
        line: Vec::with_capacity(256),
        written: Written::default(),
        zone: None,
    };
    writer.write_all()?;
    Ok(writer.written)
}
