//! `--export=FILE`: the scan in ncdu's JSON export format (version 1.2),
//! which `ncdu -f` and `gdu -f` browse. Written as the stream flows: a
//! directory's array is opened at its start and closed at its end, so
//! nothing of the tree is held here but the path to where the stream is.
//!
//! The rules, from the two importers: each entry carries its own `asize`
//! and `dsize` only; a directory is an array of its own object and then
//! its entries; names are the raw bytes, with only `"`, `\`, control bytes
//! and 0x7F escaped (never `\u` for other bytes: ncdu would turn it into
//! UTF-8); `ino`, `hlnkc` and `nlink` only on non-directories of several
//! links; `dev` on the root and where it changes; false flags left out.
//!
//! A file of several links is written once, where du counts it (the
//! stream hands on no other name of it), so that ncdu's, gdu's and du's
//! totals agree; with `-l` every name is written.

use std::io::{self, Write};

use crate::config::{Config, TimeKind};
use crate::model::{Details, ErrorKind, FileType, NO_TIME, Usage};
use crate::shard::cut::Cut;
use crate::shard::header::Header;
use crate::stream::{Event, Sink, Skip};

/// What makes an export a part of a sharded scan (see `crate::shard`):
/// its header, and the cut, by which the skeleton's directories are
/// marked and the other shards' subtrees saved as places to fill.
pub struct PartMarks {
    pub header: Header,
    pub cut: Cut,
}

/// Appends `name` as an export string: raw bytes, minimal escapes.
pub fn push_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'"');
    push_escaped(out, name);
    out.push(b'"');
}

/// Appends `bytes` inside a JSON string: `"`, `\`, control bytes and 0x7F
/// escaped, every other byte as it is (the JSON lines pass UTF-8, the
/// export raw names).
pub fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..0x20 | 0x7f => {
                let _ = write!(out, "\\u{b:04x}");
            }
            _ => out.push(b),
        }
    }
}

/// A directory whose array is open.
struct Open {
    /// Where its path ends in a child's path (the slash after it).
    path_len: usize,
    dev: Option<u64>,
    /// Its own object is not closed yet: a read error may still be added.
    object_open: bool,
    /// It is in a part's skeleton, and the part is not shard 1's: only
    /// the way to the shard's subtrees is saved of it.
    structure_only: bool,
}

/// Writes the export to `out`.
pub struct NcduWriter<'c, W: Write> {
    config: &'c Config,
    out: W,
    buf: Vec<u8>,
    open: Vec<Open>,
    /// Something was written after the header: the root.
    started: bool,
    /// The device of the root, for operands that are files.
    root_dev: Option<u64>,
    /// Set when the export is a part of a sharded scan.
    part: Option<PartMarks>,
    /// The entries the part's walk scanned, not counting those every
    /// shard scans but shard 1 (see [`NcduWriter::end_part`]).
    part_entries: u64,
}

/// How much is gathered before it is written.
const BUFFER: usize = 64 * 1024;

impl<'c, W: Write> NcduWriter<'c, W> {
    /// An export that is a part of a sharded scan when `part` is given:
    /// each entry then also keeps what the merge needs to give what one
    /// walk gives (exact times, error numbers, symbolic links).
    pub fn with_part(config: &'c Config, out: W, part: Option<PartMarks>) -> Self {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut buf = Vec::with_capacity(BUFFER * 2);
        let _ = write!(
            buf,
            "[1,2,{{\"progname\":\"cdu\",\"progver\":\"{}\",\"timestamp\":{timestamp}}}",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(part) = &part {
            buf.pop();
            part.header.write(&mut buf);
            buf.push(b'}');
        }
        NcduWriter {
            config,
            out,
            buf,
            open: Vec::new(),
            started: false,
            root_dev: None,
            part,
            part_entries: 0,
        }
    }

    /// Whether a root entry was written: a scan that found nothing has
    /// no tree to save (the format needs a root, and one without a name
    /// is refused by ncdu).
    pub fn has_root(&self) -> bool {
        self.started
    }

    /// The output, as it is now.
    pub fn output(&self) -> &W {
        &self.out
    }

    /// The output, to be put in place once the document is finished.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Notes that the part's walk finished having scanned `scanned`
    /// entries: the record that ends a part says how many are its own,
    /// so that the merge counts what one walk would.
    pub fn end_part(&mut self, scanned: u64) {
        if let Some(part) = &self.part {
            let shared = match part.header.k {
                1 => 0,
                _ => 1 + part.cut.skeleton_names,
            };
            self.part_entries = scanned.saturating_sub(shared);
        }
    }

    /// Ends the document and flushes it; writes nothing if there is no
    /// root. A part ends with a record that says it is whole (a stopped
    /// shard's part, never closed, has none).
    pub fn finish(&mut self) -> io::Result<()> {
        if !self.started {
            self.buf.clear();
            return Ok(());
        }
        while !self.open.is_empty() {
            self.close_object();
            self.open.pop();
            self.buf.push(b']');
        }
        if self.part.is_some() {
            let _ = write!(
                self.buf,
                ",\n{{\"cdu_shard_end\":{{\"entries\":{}}}}}",
                self.part_entries
            );
        }
        self.buf.extend_from_slice(b"]\n");
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    fn close_object(&mut self) {
        if let Some(top) = self.open.last_mut()
            && top.object_open
        {
            top.object_open = false;
            self.buf.push(b'}');
        }
    }

    /// Starts an entry's object: the separator, `{`, its name (the last
    /// part of `path`, or all of it for the root) and its sizes.
    fn begin(
        &mut self,
        path: &[u8],
        depth: usize,
        own: Usage,
        details: Option<Details>,
        dir: bool,
    ) {
        self.close_object();
        self.buf.extend_from_slice(b",\n");
        let name = match (depth, self.open.last()) {
            (0, _) | (_, None) => path,
            (_, Some(parent)) => &path[parent.path_len.min(path.len())..],
        };
        // The root keeps its path whole: `/tmp/x` and `/` read back as
        // they were given.
        let name = match depth {
            0 => name,
            _ => name.strip_prefix(b"/").unwrap_or(name),
        };
        self.buf
            .extend_from_slice(if dir { b"[{\"name\":" } else { b"{\"name\":" });
        push_name(&mut self.buf, name);
        let other = details.map_or(0, |d| d.other_bytes);
        let (asize, dsize) = if self.config.apparent {
            (own.bytes, other)
        } else {
            (other, own.bytes)
        };
        let _ = write!(self.buf, ",\"asize\":{asize},\"dsize\":{dsize}");
        if self.config.time == Some(TimeKind::Modification) && own.time != NO_TIME {
            // Whole seconds, as ncdu -e saves them, so that --import
            // can show --time.
            let _ = write!(
                self.buf,
                ",\"mtime\":{}",
                own.time.div_euclid(1_000_000_000)
            );
        }
        let dev = details.and_then(|d| d.dev);
        let parent_dev = match self.open.last() {
            Some(p) => p.dev,
            None => {
                self.root_dev = dev;
                None
            }
        };
        if let Some(dev) = dev
            && Some(dev) != parent_dev
        {
            let _ = write!(self.buf, ",\"dev\":{dev}");
        }
        if let Some(d) = details {
            if let Some(link) = d.link {
                let _ = write!(
                    self.buf,
                    ",\"ino\":{},\"hlnkc\":true,\"nlink\":{}",
                    link.ino, link.nlink
                );
            }
            if matches!(d.file_type, FileType::Symlink | FileType::Other) {
                self.buf.extend_from_slice(b",\"notreg\":true");
            }
        }
        if let Some(part) = &self.part {
            if own.time != NO_TIME {
                let _ = write!(self.buf, ",\"cdu_time\":{}", own.time);
            }
            if details.is_some_and(|d| d.file_type == FileType::Symlink) {
                self.buf.extend_from_slice(b",\"cdu_symlink\":true");
            }
            // Under -L every entry counts once by its identity, also
            // across shards: the merge needs every inode.
            if self.config.hash_all
                && !self.config.count_links
                && let Some(ino) = details.and_then(|d| d.ino)
            {
                let _ = write!(self.buf, ",\"cdu_ino\":{ino}");
            }
            if dir && part.cut.skeleton.contains(path) {
                self.buf.extend_from_slice(b",\"cdu_skeleton\":true");
            }
        }
    }

    /// Whether the entry at `path` is left out of this part: an entry of
    /// the skeleton that shard 1's part holds (a directory's own error,
    /// a non-directory not among this shard's runs of files).
    fn left_out(&self, path: &[u8], dir: bool) -> bool {
        let (Some(top), Some(part)) = (self.open.last(), &self.part) else {
            return false;
        };
        if !top.structure_only {
            return false;
        }
        if path.len() == top.path_len {
            return true;
        }
        !dir && part.cut.files.get(path) != Some(&part.header.k)
    }

    /// The shard whose subtree or run of files `path` is in, if another's.
    fn other_shard(&self, path: &[u8]) -> Option<u32> {
        let part = self.part.as_ref()?;
        let shard = part.cut.shard_of(path)?;
        (shard != part.header.k).then_some(shard)
    }

    fn flush_some(&mut self) -> io::Result<()> {
        if self.buf.len() >= BUFFER {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// The last part of `path` below the directory on top.
    fn child_name<'p>(&self, path: &'p [u8]) -> &'p [u8] {
        let start = self.open.last().map_or(0, |p| p.path_len.min(path.len()));
        let name = &path[start..];
        name.strip_prefix(b"/").unwrap_or(name)
    }
}

impl<W: Write> Sink for NcduWriter<'_, W> {
    fn hands_on_repeat(&self, path: &[u8]) -> bool {
        self.part
            .as_ref()
            .is_some_and(|p| p.cut.skeleton.contains(path) || p.cut.subtrees.contains_key(path))
    }

    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::Invalid { .. } => {}
            Event::Error { path, kind, errno } => {
                let Some(top) = self.open.last() else {
                    return Ok(());
                };
                if self.left_out(path, false) {
                    return Ok(());
                }
                let exact = self.part.is_some();
                let mut why = Vec::new();
                if exact {
                    let _ = write!(why, ",\"errno\":{errno}");
                    if kind == ErrorKind::ReadPartial {
                        why.extend_from_slice(b",\"cdu_partial\":true");
                    }
                }
                if path.len() == top.path_len {
                    // The directory itself could not be read (or not to
                    // its end, which can be said only if nothing of it
                    // was written yet; a part says it in an entry of its
                    // own, named '.', which no file can be).
                    if top.object_open {
                        self.buf.extend_from_slice(b",\"read_error\":true");
                        self.buf.extend_from_slice(&why);
                    } else if exact {
                        self.buf
                            .extend_from_slice(b",\n{\"name\":\".\",\"cdu_dir_error\":true");
                        self.buf.extend_from_slice(&why);
                        self.buf.push(b'}');
                    }
                } else {
                    self.close_object();
                    self.buf.extend_from_slice(b",\n{\"name\":");
                    let name = self.child_name(path).to_vec();
                    push_name(&mut self.buf, &name);
                    self.buf.extend_from_slice(b",\"read_error\":true");
                    self.buf.extend_from_slice(&why);
                    self.buf.push(b'}');
                }
            }
            Event::Skipped { path, why, .. } => {
                if self.open.is_empty() || self.left_out(path, false) {
                    return Ok(());
                }
                self.close_object();
                self.buf.extend_from_slice(b",\n{\"name\":");
                let name = self.child_name(path).to_vec();
                push_name(&mut self.buf, &name);
                match (why, self.other_shard(path)) {
                    // Another shard's subtree: a place the merge fills.
                    (Skip::Excluded, Some(shard)) => {
                        let _ = write!(
                            self.buf,
                            ",\"excluded\":\"cdu_shard\",\"cdu_shard\":{shard}"
                        );
                        // A file's place may stay empty: its shard met
                        // the file under an earlier name.
                        if self
                            .part
                            .as_ref()
                            .is_some_and(|p| p.cut.files.contains_key(path))
                        {
                            self.buf.extend_from_slice(b",\"cdu_file\":true");
                        }
                        self.buf.push(b'}');
                    }
                    (Skip::Excluded, None) => {
                        self.buf.extend_from_slice(b",\"excluded\":\"pattern\"}");
                    }
                    (Skip::OtherFs, _) => {
                        self.buf.extend_from_slice(b",\"excluded\":\"otherfs\"}");
                    }
                }
            }
            Event::File {
                path,
                depth,
                usage,
                details,
            } => {
                if depth == 0 && (self.started || !self.open.is_empty()) {
                    // One tree per export; the run refuses more operands.
                    return Ok(());
                }
                if self.left_out(path, false) {
                    return Ok(());
                }
                self.started = true;
                self.begin(path, depth, usage, details, false);
                self.buf.push(b'}');
            }
            Event::DirStart {
                path,
                depth,
                own,
                details,
            } => {
                if depth == 0 && self.started {
                    return Ok(());
                }
                self.started = true;
                self.begin(path, depth, own, details, true);
                let dev = details
                    .and_then(|d| d.dev)
                    .or(self.open.last().map_or(self.root_dev, |p| p.dev));
                let structure_only = self
                    .part
                    .as_ref()
                    .is_some_and(|p| p.header.k != 1 && p.cut.skeleton.contains(path));
                self.open.push(Open {
                    path_len: path.len(),
                    dev,
                    object_open: true,
                    structure_only,
                });
            }
            Event::DirEnd { .. } => {
                if self.open.is_empty() {
                    return Ok(());
                }
                self.close_object();
                self.open.pop();
                self.buf.push(b']');
            }
        }
        self.flush_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_bytes_and_escape_only_what_json_needs() {
        let mut out = Vec::new();
        push_name(&mut out, "é\"\\\n\x01\x7f".as_bytes());
        out.push(b' ');
        push_name(&mut out, b"\xff\xfe");
        assert_eq!(out, b"\"\xc3\xa9\\\"\\\\\\n\\u0001\\u007f\" \"\xff\xfe\"");
    }
}
