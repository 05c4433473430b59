//! `--json`: JSON Lines instead of du's lines. One object per entry du
//! would print, in du's order, as it would print it; then one summary
//! object. Sizes are in bytes and entries, all three measures on every
//! line, whatever the options count.
//!
//! Names: `path` is always a valid JSON string. When the name is UTF-8 it
//! is the name exactly; when it is not, `path` holds it with each invalid
//! sequence replaced by U+FFFD and `path_hex` holds its exact bytes in
//! lowercase hexadecimal (present only then).

use std::io::{self, Write};
use std::time::Instant;

use super::diagnostic::Diagnostics;
use super::du::{file_listed, shown};
use crate::config::Config;
use crate::model::{Details, FileType, Usage};
use crate::stream::{Event, Sink};

/// One size in the three measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    pub disk: u64,
    pub apparent: u64,
    pub entries: u64,
}

impl Sizes {
    /// The sizes of `usage` (in the configured measure) and `other` (the
    /// measure not counted).
    pub fn new(config: &Config, usage: Usage, other: u64) -> Self {
        let (disk, apparent) = if config.apparent {
            (other, usage.bytes)
        } else {
            (usage.bytes, other)
        };
        Sizes {
            disk,
            apparent,
            entries: usage.inodes,
        }
    }

    pub fn add(&mut self, other: Sizes) {
        self.disk = self.disk.saturating_add(other.disk);
        self.apparent = self.apparent.saturating_add(other.apparent);
        self.entries = self.entries.saturating_add(other.entries);
    }
}

/// Appends `bytes` as a JSON string; a name that is not UTF-8 is written
/// with replacement characters and false is returned.
pub fn push_string(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let (text, exact) = match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), true),
        Err(_) => (String::from_utf8_lossy(bytes), false),
    };
    out.push(b'"');
    super::ncdu::push_escaped(out, text.as_bytes());
    out.push(b'"');
    exact
}

/// `,"path":...` and, for a name that is not UTF-8, `,"path_hex":...`.
pub fn push_path(out: &mut Vec<u8>, key: &str, path: &[u8]) {
    let _ = write!(out, "\"{key}\":");
    if !push_string(out, path) {
        let _ = write!(out, ",\"{key}_hex\":\"");
        for b in path {
            let _ = write!(out, "{b:02x}");
        }
        out.push(b'"');
    }
}

fn type_name(t: FileType) -> &'static str {
    match t {
        FileType::Regular => "file",
        FileType::Directory => "dir",
        FileType::Symlink => "symlink",
        FileType::Other => "other",
    }
}

/// A directory whose end has not come: the other measure of what is in
/// it so far.
struct Open {
    here: u64,
    below: u64,
}

/// Writes JSON lines to `out` and du's diagnostics to `err`. Needs the
/// stream's details and every file (`Config::details`, `list_all`).
pub struct JsonWriter<'c, W: Write, E: Write> {
    config: &'c Config,
    out: W,
    diag: Diagnostics<E>,
    line: Vec<u8>,
    open: Vec<Open>,
    total: Sizes,
    printed: u64,
    start: Instant,
}

impl<'c, W: Write, E: Write> JsonWriter<'c, W, E> {
    pub fn new(config: &'c Config, out: W, err: E) -> Self {
        JsonWriter {
            config,
            out,
            diag: Diagnostics::new(err, config.locale),
            line: Vec::with_capacity(256),
            open: Vec::new(),
            total: Sizes::default(),
            printed: 0,
            start: Instant::now(),
        }
    }

    pub fn had_errors(&self) -> bool {
        self.diag.count() > 0
    }

    /// Writes out the lines gathered so far.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The summary line: the operands' totals, how many entries were
    /// scanned and lines printed, the diagnostics, the time taken, and
    /// whether the scan was cut short.
    pub fn finish(&mut self, scanned: u64, partial: bool) -> io::Result<()> {
        let t = self.total;
        let line = format!(
            "{{\"type\":\"summary\",\"disk\":{},\"apparent\":{},\"entries\":{},\
             \"scanned\":{scanned},\"printed\":{},\"errors\":{},\"elapsed\":{:.3},\
             \"partial\":{partial}}}\n",
            t.disk,
            t.apparent,
            t.entries,
            self.printed,
            self.diag.count(),
            self.start.elapsed().as_secs_f64(),
        );
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }

    fn print(
        &mut self,
        path: &[u8],
        depth: usize,
        file_type: FileType,
        usage: Usage,
        sizes: Sizes,
    ) -> io::Result<()> {
        if !shown(self.config, self.config.value(usage), depth) {
            return Ok(());
        }
        self.printed += 1;
        let line = &mut self.line;
        line.clear();
        line.push(b'{');
        push_path(line, "path", path);
        let _ = write!(
            line,
            ",\"type\":\"{}\",\"depth\":{depth},\"disk\":{},\"apparent\":{},\"entries\":{}",
            type_name(file_type),
            sizes.disk,
            sizes.apparent,
            sizes.entries
        );
        if self.config.time.is_some() && usage.time != crate::model::NO_TIME {
            let _ = write!(line, ",\"time\":{}", usage.time.div_euclid(1_000_000_000));
        }
        line.extend_from_slice(b"}\n");
        self.out.write_all(line)
    }
}

fn other(details: Option<Details>) -> u64 {
    details.map_or(0, |d| d.other_bytes)
}

impl<W: Write, E: Write> Sink for JsonWriter<'_, W, E> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::Invalid { message } => self.diag.diagnose(&mut self.out, &[message]),
            Event::Error { path, kind, errno } => self.diag.error(&mut self.out, kind, path, errno),
            Event::Skipped { .. } => {}
            Event::File {
                path,
                depth,
                usage,
                details,
            } => {
                let sizes = Sizes::new(self.config, usage, other(details));
                match self.open.last_mut() {
                    Some(top) => top.here += other(details),
                    None => self.total.add(sizes),
                }
                if file_listed(self.config, depth) {
                    let t = details.map_or(FileType::Regular, |d| d.file_type);
                    self.print(path, depth, t, usage, sizes)?;
                }
            }
            Event::DirStart { details, .. } => self.open.push(Open {
                here: other(details),
                below: 0,
            }),
            Event::DirEnd {
                path,
                depth,
                total,
                separate,
            } => {
                let open = self.open.pop().unwrap_or(Open { here: 0, below: 0 });
                let all = open.here.saturating_add(open.below);
                match self.open.last_mut() {
                    Some(parent) => parent.below = parent.below.saturating_add(all),
                    None => self.total.add(Sizes::new(self.config, total, all)),
                }
                let (usage, other) = if self.config.separate_dirs {
                    (separate, open.here)
                } else {
                    (total, all)
                };
                let sizes = Sizes::new(self.config, usage, other);
                self.print(path, depth, FileType::Directory, usage, sizes)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(bytes: &[u8]) -> (String, bool) {
        let mut out = Vec::new();
        let exact = push_string(&mut out, bytes);
        (String::from_utf8(out).expect("always UTF-8"), exact)
    }

    #[test]
    fn control_characters_and_quotes_are_escaped() {
        assert_eq!(
            string(b"a\"b\\c\nd\x01\x7f"),
            (r#""a\"b\\c\nd\u0001\u007f""#.to_string(), true)
        );
    }

    #[test]
    fn a_name_that_is_not_utf8_gets_replacements_and_its_hex() {
        let mut out = Vec::new();
        push_path(&mut out, "path", b"x\xff");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"path\":\"x\u{fffd}\",\"path_hex\":\"78ff\""
        );
    }
}
