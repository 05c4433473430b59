//! `--import=PART1 --import=PART2 ...`: the parts of a sharded scan
//! merged into the stream one walk of the whole tree would have given.
//!
//! Shard 1's part is followed from its root: it holds the skeleton with
//! all its entries, and in it a place for each subtree another shard
//! walked. At such a place the merge reads on in that shard's part, past
//! the skeleton's directories it repeats, to the subtree, and hands the
//! subtree on. Each part lists its subtrees in the walk's order, which is
//! the order their places come in, so every part is read once, front to
//! back, all of them open at once: what is held is the path to where the
//! merge is, in each part.
//!
//! Sizes and hard links are settled here, not taken from the parts: a
//! file linked from two shards' subtrees is in both parts (each saves a
//! file's first name in its own walk), and is charged where the merged
//! order meets it first, as one walk charges it.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io;

use super::open::{Part, open_parts};
use super::part::{Entry, Item};
use crate::Summary;
use crate::config::Config;
use crate::input::import::ImportError;
use crate::input::lexer::Fault;
use crate::stream::batch::{Details, ErrorKind, FileType, Link, Usage};
use crate::stream::{Counts, Event, Sink, Skip};

/// Opens every part, checks that they are all the parts of one scan and
/// merges them into `sink`.
pub fn merge_files(
    config: &Config,
    files: &[OsString],
    sink: &mut dyn Sink,
) -> Result<Summary, ImportError> {
    let (names, parts) = open_parts(config, files)?;
    let mut merger = Merger {
        config,
        sink,
        parts,
        seen: HashSet::new(),
        stack: Vec::new(),
        path: Vec::new(),
        counts: Counts::default(),
        passing: None,
    };
    let outcome = merger.run();
    let counts = merger.counts;
    match outcome {
        Ok(Ok(())) => Ok(Summary {
            cancelled: false,
            counts,
            error: None,
            concurrency: None,
        }),
        Ok(Err(e)) => Ok(Summary {
            cancelled: false,
            counts,
            error: Some(e),
            concurrency: None,
        }),
        Err((j, fault)) => Err(ImportError {
            file: names[j].clone(),
            fault: Some(fault),
            what: String::new(),
        }),
    }
}

/// A directory being merged.
struct Frame {
    path_len: usize,
    depth: usize,
    dev: u64,
    here: Usage,
    below: Usage,
    error: Option<(ErrorKind, i32)>,
    /// The names handed on in it, to refuse a name met twice (parts
    /// edited or mixed by hand), as `--import` refuses one in a file.
    names: HashSet<Box<[u8]>>,
}

struct Merger<'a> {
    config: &'a Config,
    sink: &'a mut dyn Sink,
    parts: Vec<Part>,
    seen: HashSet<(u64, u64)>,
    stack: Vec<Frame>,
    path: Vec<u8>,
    counts: Counts,
    /// While a directory met before (under `-L`) is passed over with all
    /// below it: the depth of the stack with it open. Its items, and the
    /// other shards' subtrees placed in it, are read past unsaid.
    passing: Option<usize>,
}

/// A fault in part `.0`, or the sink's failure.
type Merged = Result<io::Result<()>, (usize, Fault)>;

impl Merger<'_> {
    fn run(&mut self) -> Merged {
        let done = self.copy(0, 0)?;
        if done.is_err() {
            return Ok(done);
        }
        // Shard 1's part has its end record left, every other part
        // nothing but the skeleton and that record.
        for j in 0..self.parts.len() {
            loop {
                let item = self.next(j)?;
                match item {
                    None => break,
                    Some(Item::End) => {}
                    Some(Item::Dir(e)) if e.skeleton => {}
                    // A root that is a file: every shard saw it.
                    Some(Item::File(_)) if self.parts[j].depth() == 0 => {}
                    Some(_) => {
                        return Err(self.mismatch(j, "has no place for it in shard 1's part"));
                    }
                }
            }
        }
        // The entries scanned: as the shards counted them.
        self.counts.entries = self.parts.iter().filter_map(|p| p.scanned).sum();
        Ok(Ok(()))
    }

    fn next(&mut self, j: usize) -> Result<Option<Item>, (usize, Fault)> {
        self.parts[j].next_item().map_err(|f| (j, f))
    }

    /// A part that does not fit the others, at where it is.
    fn mismatch(&mut self, j: usize, what: &str) -> (usize, Fault) {
        let path = String::from_utf8_lossy(self.parts[j].path()).into_owned();
        let fault =
            self.parts[j].fault_here(format!("{path} {what}: the parts are not of one scan"));
        (j, fault)
    }

    /// Refuses a second entry named `name` in the directory being merged
    /// (the parts, not the tree, are wrong: one walk lists a name once).
    fn name_once(&mut self, j: usize, name: &[u8]) -> Result<(), (usize, Fault)> {
        if self.passing.is_some() {
            return Ok(());
        }
        let first = self
            .stack
            .last_mut()
            .is_none_or(|top| top.names.insert(name.into()));
        if first {
            Ok(())
        } else {
            let path = String::from_utf8_lossy(self.parts[j].path()).into_owned();
            let what = format!("{path}: a name met twice in one directory");
            Err((j, self.parts[j].fault_here(what)))
        }
    }

    /// Hands on the items of part `j` until the directory open at depth
    /// `stop` (0: the root) is closed.
    fn copy(&mut self, j: usize, stop: usize) -> Merged {
        loop {
            let Some(item) = self.next(j)? else {
                return Ok(Ok(()));
            };
            let sent = match item {
                Item::Dir(e) => {
                    self.name_once(j, &e.name)?;
                    self.enter(j, &e)
                }
                Item::End => self.leave(),
                Item::File(e) if e.dir_error => {
                    if let Some(top) = self.stack.last_mut() {
                        let kind = if e.partial {
                            ErrorKind::ReadPartial
                        } else {
                            ErrorKind::ReadDir
                        };
                        top.error = Some((kind, e.errno));
                    }
                    Ok(())
                }
                Item::File(e) => match e.shard {
                    Some(k) if k as usize > 1 && k as usize <= self.parts.len() => {
                        let mut place = self.path.clone();
                        crate::path::join_path(&mut place, &e.name);
                        let filled = self.fill(k as usize - 1, &place, e.file_place)?;
                        if filled.is_err() {
                            return Ok(filled);
                        }
                        Ok(())
                    }
                    Some(_) => return Err(self.mismatch(j, "names a shard there is no part for")),
                    None => {
                        self.name_once(j, &e.name)?;
                        self.file(&e)
                    }
                },
            };
            if sent.is_err() {
                return Ok(sent);
            }
            if self.stack.len() == stop {
                return Ok(Ok(()));
            }
        }
    }

    /// Hands on the subtree or the file at `place` from part `j`. A
    /// file's place may find nothing: its shard met the file under an
    /// earlier name (which comes earlier in the merge too), and saved
    /// it there only.
    fn fill(&mut self, j: usize, place: &[u8], file_place: bool) -> Merged {
        loop {
            let Some(item) = self.next(j)? else {
                if file_place {
                    return Ok(Ok(()));
                }
                return Err(self.mismatch(j, "ends before the subtree of shard 1's next place"));
            };
            match item {
                Item::Dir(e) if self.parts[j].path() == place => {
                    self.name_once(j, &e.name)?;
                    let depth = self.stack.len();
                    let sent = self.enter(j, &e);
                    if sent.is_err() {
                        return Ok(sent);
                    }
                    return self.copy(j, depth);
                }
                // A file of a run dealt to that shard.
                Item::File(e) if self.parts[j].path() == place => {
                    self.name_once(j, &e.name)?;
                    return Ok(self.file(&e));
                }
                Item::Dir(e) if e.skeleton => {}
                Item::End => {}
                item if file_place => {
                    self.parts[j].push_back(item);
                    return Ok(Ok(()));
                }
                _ => {
                    let what = format!(
                        "comes where shard 1's part has a place for {}",
                        String::from_utf8_lossy(place)
                    );
                    return Err(self.mismatch(j, &what));
                }
            }
        }
    }

    fn emit(&mut self, event: &Event<'_>) -> io::Result<()> {
        self.sink.event(event)
    }

    /// An entry's usage in the counted measure, and its details.
    fn own(&self, e: &Entry, file_type: FileType) -> (Usage, Details) {
        let (bytes, other) = if self.config.apparent {
            (e.asize, e.dsize)
        } else {
            (e.dsize, e.asize)
        };
        let dev = e.dev.or(self.stack.last().map(|f| f.dev)).unwrap_or(0);
        let link = match e.ino {
            Some(ino) if file_type != FileType::Directory && (e.hlnkc || e.nlink > 1) => {
                Some(Link {
                    dev,
                    ino,
                    nlink: e.nlink.max(2),
                })
            }
            _ => None,
        };
        let usage = Usage {
            bytes,
            inodes: 1,
            time: e.time,
        };
        let details = Details {
            file_type,
            other_bytes: other,
            link,
            dev: Some(dev),
            ino: e.ino.or(e.cdu_ino),
        };
        (usage, details)
    }

    /// Whether the entry of `details` (its device and inode) was counted
    /// before; it is counted now if not.
    fn met_before(&mut self, details: &Details) -> bool {
        match (details.dev, details.ino) {
            (Some(dev), Some(ino)) => !self.seen.insert((dev, ino)),
            _ => false,
        }
    }

    fn enter(&mut self, j: usize, e: &Entry) -> io::Result<()> {
        let (own, details) = self.own(e, FileType::Directory);
        let path = self.parts[j].path();
        self.path.clear();
        self.path.extend_from_slice(path);
        let depth = self.stack.len();
        // Parts saved with -L (without -l) give every entry's inode: then
        // a directory counts once, at its first place in the merged order.
        if self.passing.is_none() && e.cdu_ino.is_some() && self.met_before(&details) {
            self.passing = Some(depth + 1);
        }
        if self.passing.is_some() {
            self.stack.push(Frame {
                path_len: self.path.len(),
                depth,
                dev: details.dev.unwrap_or(0),
                here: Usage::default(),
                below: Usage::default(),
                error: None,
                names: HashSet::new(),
            });
            return Ok(());
        }
        self.counts.entries += 1;
        self.counts.dirs += 1;
        self.counts.bytes = self.counts.bytes.saturating_add(own.bytes);
        let event = Event::DirStart {
            path: &self.path,
            depth,
            own,
            details: Some(details),
        };
        let sent = self.sink.event(&event);
        let error = e.read_error.then_some((
            if e.partial {
                ErrorKind::ReadPartial
            } else {
                ErrorKind::ReadDir
            },
            e.errno,
        ));
        self.stack.push(Frame {
            path_len: self.path.len(),
            depth,
            dev: details.dev.unwrap_or(0),
            here: own,
            below: Usage::default(),
            error,
            names: HashSet::new(),
        });
        sent
    }

    fn leave(&mut self) -> io::Result<()> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        if let Some(open) = self.passing {
            if self.stack.len() < open {
                self.passing = None;
            }
            let up = self.stack.last().map_or(0, |parent| parent.path_len);
            self.path.truncate(up);
            return Ok(());
        }
        self.path.truncate(frame.path_len);
        let mut sent = Ok(());
        if let Some((kind, errno)) = frame.error {
            let event = Event::Error {
                path: &self.path,
                kind,
                errno,
            };
            sent = self.sink.event(&event);
        }
        let mut total = frame.here;
        total.add(frame.below);
        if sent.is_ok() {
            let event = Event::DirEnd {
                path: &self.path,
                depth: frame.depth,
                total,
                separate: frame.here,
            };
            sent = self.sink.event(&event);
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.below.add(total);
            self.path.truncate(parent.path_len);
        }
        sent
    }

    fn file(&mut self, e: &Entry) -> io::Result<()> {
        if self.passing.is_some() {
            return Ok(());
        }
        let base = self.path.len();
        if self.stack.is_empty() {
            self.path.clear();
            self.path.extend_from_slice(&e.name);
        } else {
            crate::path::join_path(&mut self.path, &e.name);
        }
        let depth = self.stack.len();
        let file_type = match (e.symlink, e.notreg) {
            (true, _) => FileType::Symlink,
            (false, true) => FileType::Other,
            (false, false) => FileType::Regular,
        };
        let path = std::mem::take(&mut self.path);
        let sent = if let Some(why) = e.excluded {
            let why = if why == Skip::OtherFs {
                Skip::OtherFs
            } else {
                Skip::Excluded
            };
            self.emit(&Event::Skipped {
                path: &path,
                depth,
                why,
            })
        } else if e.read_error {
            self.counts.entries += 1;
            self.emit(&Event::Error {
                path: &path,
                kind: ErrorKind::Access,
                errno: e.errno,
            })
        } else {
            self.counts.entries += 1;
            let (usage, details) = self.own(e, file_type);
            // Every entry with -L, a file of several links without -l:
            // counted once, at its first place in the merged order.
            let once = e.cdu_ino.is_some() || (details.link.is_some() && !self.config.count_links);
            let first = !once || !self.met_before(&details);
            if first {
                self.counts.bytes = self.counts.bytes.saturating_add(usage.bytes);
                if let Some(top) = self.stack.last_mut() {
                    top.here.add(usage);
                }
                self.emit(&Event::File {
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
        self.path
            .truncate(if self.stack.is_empty() { 0 } else { base });
        sent
    }
}
