//! `--import=FILE`: a scan saved in ncdu's export format (by cdu, ncdu
//! 1.x or 2.x, or gdu) read back as the stream a walk would produce, so
//! that every sink works on it as on a scan. The document is read as it
//! comes: one directory's sums per level of nesting are all it keeps, and
//! the nesting is followed with a stack on the heap, not by recursion.
//!
//! Sizes are taken in the measure the options count (`dsize`, or `asize`
//! with `-A`/`-b`), each entry counting one for `--inodes`; a file marked
//! `hlnkc` counts once per (device, inode) unless `-l`, as du counts it.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;

use super::lexer::{Fault, Lexer, Position};
use crate::config::Config;
use crate::model::{Details, ErrorKind, FileType, Link, NO_TIME, Usage};
use crate::path::join_path;
use crate::stream::{Counts, Event, Sink, Skip};
use crate::{Summary, quote::quote_if_needed};

/// A saved scan that could not be read: `FILE:LINE:COLUMN: what`.
#[derive(Debug)]
pub struct ImportError {
    pub file: Vec<u8>,
    pub fault: Option<Fault>,
    pub what: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = String::from_utf8_lossy(&self.file);
        match &self.fault {
            Some(at) => write!(f, "{file}:{}:{}: {}", at.line, at.column, at.what),
            None => write!(f, "{file}: {}", self.what),
        }
    }
}

/// Reads `file` (`-`: stdin) and hands its events to `sink`.
pub fn import_file(
    config: &Config,
    file: &OsStr,
    sink: &mut dyn Sink,
) -> Result<Summary, ImportError> {
    let shown = quote_if_needed(file.as_bytes(), config.locale);
    let result = if file == "-" {
        import(config, io::stdin().lock(), sink)
    } else {
        match std::fs::File::open(file) {
            Ok(f) => import(config, f, sink),
            Err(e) => {
                return Err(ImportError {
                    file: shown,
                    fault: None,
                    what: crate::message::strerror(e.raw_os_error().unwrap_or(0)),
                });
            }
        }
    };
    result.map_err(|fault| ImportError {
        file: shown,
        what: String::new(),
        fault: Some(fault),
    })
}

/// What an entry's object says.
#[derive(Default)]
struct Fields {
    name: Vec<u8>,
    asize: u64,
    dsize: u64,
    dev: Option<u64>,
    ino: Option<u64>,
    nlink: u64,
    hlnkc: bool,
    read_error: bool,
    notreg: bool,
    excluded: Option<Skip>,
    mtime: Option<i64>,
}

/// A directory whose array is being read.
struct Open {
    path_len: usize,
    /// The names met in it so far: a name twice in one directory is no
    /// scan of a file system.
    names: HashSet<Box<[u8]>>,
    dev: u64,
    read_error: bool,
    here: Usage,
    below: Usage,
}

/// Reads an export from `input` and hands its events to `sink`.
pub fn import(config: &Config, input: impl Read, sink: &mut dyn Sink) -> Result<Summary, Fault> {
    let mut reader = Reader {
        config,
        lex: Lexer::new(input),
        sink,
        fields: Fields::default(),
        path: Vec::new(),
        open: Vec::new(),
        seen: HashSet::new(),
        counts: Counts::default(),
        overflow: false,
    };
    let error = reader.document()?;
    Ok(Summary {
        cancelled: false,
        counts: reader.counts,
        error,
        concurrency: None,
    })
}

struct Reader<'a, R: Read> {
    config: &'a Config,
    lex: Lexer<R>,
    sink: &'a mut dyn Sink,
    fields: Fields,
    path: Vec<u8>,
    open: Vec<Open>,
    seen: HashSet<(u64, u64)>,
    counts: Counts,
    /// A directory's sizes added up past 2^64-1.
    overflow: bool,
}

/// Adds `more` to `sum`, noting in `overflow` a total too large to hold
/// (it would otherwise stay at the largest value, silently).
fn add_checked(sum: &mut Usage, more: Usage, overflow: &mut bool) {
    *overflow |= sum.bytes.checked_add(more.bytes).is_none();
    sum.add(more);
}

/// What a directory whose sizes add up past what can be held is told.
const TOO_MUCH: &str = "the sizes up to here add up to more than 2^64-1 bytes";

/// The sink failed: stop reading, report that.
type Step = Result<Result<(), io::Error>, Fault>;

impl<R: Read> Reader<'_, R> {
    /// `[major, minor, {metadata}, root, ...]`; returns the sink's
    /// failure, if any.
    fn document(&mut self) -> Result<Option<io::Error>, Fault> {
        self.lex.expect(b'[', "'[' at the start of an export")?;
        if self.lex.peek()?.is_none_or(|b| !b.is_ascii_digit()) {
            return self.lex.fault("expected the major version number");
        }
        let major = self.lex.number()?;
        if major != 1 {
            return self
                .lex
                .fault(format!("major version {major}: only version 1 is known"));
        }
        self.lex.expect(b',', "',' after the major version")?;
        self.lex.number()?;
        self.lex.expect(b',', "',' after the minor version")?;
        if self.lex.peek()? != Some(b'{') {
            return self.lex.fault("expected the metadata object");
        }
        // One part of a sharded scan alone would look like a whole scan.
        if let Some(part) = crate::shard::part::read_metadata(&mut self.lex)?
            && part.n > 1
        {
            return self.lex.fault(format!(
                "this is the part of shard {} of {} of a sharded scan: give every \
                 part, each as a file with --import, to merge them",
                part.k, part.n
            ));
        }
        self.lex.expect(b',', "',' before the root")?;
        if let Err(e) = self.tree()? {
            return Ok(Some(e));
        }
        // Anything after the root is not ours to read.
        while self.lex.peek()? == Some(b',') {
            self.lex.take();
            self.lex.skip_value()?;
        }
        self.lex.expect(b']', "']' at the end of the export")?;
        if self.lex.peek()?.is_some() {
            return self.lex.fault("expected the end of the file");
        }
        Ok(None)
    }

    /// The root item and everything in it.
    fn tree(&mut self) -> Step {
        loop {
            // An item: `{...}` or `[{...}, items...]`.
            let dir = match self.lex.peek()? {
                Some(b'[') => {
                    self.lex.take();
                    true
                }
                Some(b'{') => false,
                _ => return self.lex.fault("expected an entry: '{' or '['"),
            };
            self.object()?;
            let sent = if dir { self.enter() } else { self.file() };
            if let Err(e) = sent {
                return Ok(Err(e));
            }
            if self.overflow {
                return self.lex.fault(TOO_MUCH);
            }
            // What follows it: more entries, or the end of directories.
            loop {
                if self.open.is_empty() {
                    return Ok(Ok(()));
                }
                match self.lex.peek()? {
                    Some(b',') => {
                        self.lex.take();
                        break;
                    }
                    Some(b']') => {
                        self.lex.take();
                        if let Err(e) = self.leave() {
                            return Ok(Err(e));
                        }
                        if self.overflow {
                            return self.lex.fault(TOO_MUCH);
                        }
                    }
                    _ => return self.lex.fault("expected ',' or ']' after an entry"),
                }
            }
        }
    }

    /// Reads an entry's object into `self.fields`.
    fn object(&mut self) -> Result<(), Fault> {
        let f = &mut self.fields;
        f.asize = 0;
        f.dsize = 0;
        f.dev = None;
        f.ino = None;
        f.nlink = 0;
        f.hlnkc = false;
        f.read_error = false;
        f.notreg = false;
        f.excluded = None;
        f.mtime = None;
        let mut named = None;
        let mut key = Vec::new();
        self.lex.expect(b'{', "'{'")?;
        if self.lex.peek()? == Some(b'}') {
            self.lex.take();
            return self.lex.fault("expected an entry with a name");
        }
        loop {
            self.lex.string(&mut key)?;
            self.lex.expect(b':', "':' after a key")?;
            let f = &mut self.fields;
            match key.as_slice() {
                b"name" => {
                    named = Some(self.lex.position()?);
                    self.lex.string(&mut f.name)?;
                }
                b"asize" => f.asize = self.lex.number()?,
                b"dsize" => f.dsize = self.lex.number()?,
                b"dev" => f.dev = Some(self.lex.number()?),
                b"ino" => f.ino = Some(self.lex.number()?),
                b"nlink" => f.nlink = self.lex.number()?,
                b"mtime" => f.mtime = Some(self.lex.signed()?),
                b"hlnkc" => f.hlnkc = self.lex.boolean()?,
                b"read_error" => f.read_error = self.lex.boolean()?,
                b"notreg" => f.notreg = self.lex.boolean()?,
                b"excluded" => {
                    f.excluded = match self.lex.peek()? {
                        Some(b'"') => {
                            let mut why = Vec::new();
                            self.lex.string(&mut why)?;
                            Some(match why.as_slice() {
                                b"otherfs" | b"othfs" => Skip::OtherFs,
                                _ => Skip::Excluded,
                            })
                        }
                        _ => self.lex.boolean()?.then_some(Skip::Excluded),
                    }
                }
                _ => self.lex.skip_value()?,
            }
            if !self.lex.more_members("an entry")? {
                break;
            }
        }
        let Some(at) = named else {
            return self
                .lex
                .fault("expected a \"name\" in the entry before here");
        };
        self.check_name(at)?;
        let f = &self.fields;
        // The browser asks for times to show them where there are some; a
        // listing has nowhere to leave one out.
        let needs_time = self.config.time.is_some() && !self.config.interactive;
        if needs_time && f.mtime.is_none() && f.excluded.is_none() && !f.read_error {
            return self.lex.fault(
                "--time needs each entry's time, and this entry has none \
                 (a scan keeps its times when saved by ncdu -e)",
            );
        }
        Ok(())
    }

    /// Refuses a name that no file can have where it stands: the root's
    /// is a path (it may hold slashes), every other one a single name.
    /// Each is printed as part of a path, and a slash or NUL inside one
    /// would make lines that do not exist or split a record.
    fn check_name(&mut self, at: Position) -> Result<(), Fault> {
        let name = &self.fields.name;
        let what = if name.is_empty() {
            "an empty name"
        } else if name.contains(&0) {
            "a name holding a NUL byte"
        } else if self.open.is_empty() {
            return Ok(());
        } else if name.contains(&b'/') {
            "a name holding '/': below the root each entry is one file name"
        } else if name == b"." || name == b".." {
            "a name '.' or '..' below the root"
        } else {
            let top = self.open.last_mut().expect("a directory is open");
            if top.names.insert(name.as_slice().into()) {
                return Ok(());
            }
            "a name met twice in one directory"
        };
        Err(at.fault(what))
    }

    /// The entry's own usage and details, in the counted measure.
    fn own(&self, file_type: FileType) -> (Usage, Details) {
        let f = &self.fields;
        let (bytes, other) = if self.config.apparent {
            (f.asize, f.dsize)
        } else {
            (f.dsize, f.asize)
        };
        let dev = f.dev.or(self.open.last().map(|o| o.dev)).unwrap_or(0);
        let usage = Usage {
            bytes,
            inodes: 1,
            time: f.mtime.map_or(NO_TIME, |s| i128::from(s) * 1_000_000_000),
        };
        let link = match (f.ino, file_type) {
            (Some(ino), t) if t != FileType::Directory && (f.hlnkc || f.nlink > 1) => Some(Link {
                dev,
                ino,
                nlink: f.nlink.max(2),
            }),
            _ => None,
        };
        let details = Details {
            file_type,
            other_bytes: other,
            ino: link.map(|l| l.ino),
            link,
            dev: Some(dev),
        };
        (usage, details)
    }

    /// Puts the entry's name (checked by `check_name`) on the path.
    fn push_name(&mut self) {
        let name = &self.fields.name;
        match self.open.last() {
            None => {
                self.path.clear();
                self.path.extend_from_slice(name);
            }
            Some(parent) => {
                self.path.truncate(parent.path_len);
                join_path(&mut self.path, name);
            }
        }
    }

    fn depth(&self) -> usize {
        self.open.len()
    }

    fn enter(&mut self) -> io::Result<()> {
        let (own, details) = self.own(FileType::Directory);
        self.push_name();
        let path = std::mem::take(&mut self.path);
        self.counts.entries += 1;
        self.counts.dirs += 1;
        self.counts.bytes = self.counts.bytes.saturating_add(own.bytes);
        let sent = self.sink.event(&Event::DirStart {
            path: &path,
            depth: self.depth(),
            own,
            details: Some(details),
        });
        self.path = path;
        self.open.push(Open {
            path_len: self.path.len(),
            names: HashSet::new(),
            dev: details.dev.unwrap_or(0),
            read_error: self.fields.read_error,
            here: own,
            below: Usage::default(),
        });
        sent
    }

    fn leave(&mut self) -> io::Result<()> {
        let open = self.open.pop().expect("a directory is open");
        self.path.truncate(open.path_len);
        let depth = self.depth();
        let mut total = open.here;
        add_checked(&mut total, open.below, &mut self.overflow);
        let path = std::mem::take(&mut self.path);
        let mut sent = Ok(());
        if open.read_error {
            sent = self.sink.event(&Event::Error {
                path: &path,
                kind: ErrorKind::ReadDir,
                errno: 0,
            });
        }
        if sent.is_ok() {
            sent = self.sink.event(&Event::DirEnd {
                path: &path,
                depth,
                total,
                separate: open.here,
            });
        }
        self.path = path;
        if let Some(parent) = self.open.last_mut() {
            add_checked(&mut parent.below, total, &mut self.overflow);
            self.path.truncate(parent.path_len);
        }
        sent
    }

    fn file(&mut self) -> io::Result<()> {
        self.push_name();
        let depth = self.depth();
        let file_type = if self.fields.notreg {
            FileType::Other
        } else {
            FileType::Regular
        };
        let (usage, details) = self.own(file_type);
        let path = std::mem::take(&mut self.path);
        let sent = if let Some(why) = self.fields.excluded {
            self.sink.event(&Event::Skipped {
                path: &path,
                depth,
                why,
            })
        } else if self.fields.read_error {
            self.counts.entries += 1;
            self.sink.event(&Event::Error {
                path: &path,
                kind: ErrorKind::Access,
                errno: 0,
            })
        } else {
            self.counts.entries += 1;
            let first = match details.link {
                Some(l) if !self.config.count_links => self.seen.insert((l.dev, l.ino)),
                _ => true,
            };
            if first {
                self.counts.bytes = self.counts.bytes.saturating_add(usage.bytes);
                if let Some(top) = self.open.last_mut() {
                    add_checked(&mut top.here, usage, &mut self.overflow);
                }
                self.sink.event(&Event::File {
                    path: &path,
                    depth,
                    usage,
                    details: Some(details),
                })
            } else {
                Ok(())
            }
        };
        self.path = path;
        if let Some(parent) = self.open.last() {
            self.path.truncate(parent.path_len);
        }
        sent
    }
}
