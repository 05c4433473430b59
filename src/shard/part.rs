//! One part of a sharded scan, read entry by entry as the merge asks for
//! them: a directory's start, a non-directory, or a directory's end. The
//! reader keeps only the path to where it is.

use std::io::Read;

use super::header::{Header, KEY};
use crate::config::TimeKind;
use crate::input::lexer::{Fault, Lexer};
use crate::path::join_path;
use crate::stream::Skip;
use crate::stream::batch::NO_TIME;

/// One entry's object.
#[derive(Debug, Default)]
pub struct Entry {
    pub name: Vec<u8>,
    pub asize: u64,
    pub dsize: u64,
    pub dev: Option<u64>,
    pub ino: Option<u64>,
    /// The inode of any entry of a part saved with `-L`, which counts
    /// every entry once by its identity.
    pub cdu_ino: Option<u64>,
    pub nlink: u64,
    pub hlnkc: bool,
    pub notreg: bool,
    pub symlink: bool,
    pub read_error: bool,
    pub errno: i32,
    /// A directory read part way (`X: error`), not unreadable.
    pub partial: bool,
    pub excluded: Option<Skip>,
    /// The place of another shard's subtree or file.
    pub shard: Option<u32>,
    /// The place is a file's.
    pub file_place: bool,
    /// Nanoseconds, when the scan kept times.
    pub time: i128,
    /// A directory of the skeleton, which every part holds.
    pub skeleton: bool,
    /// Not an entry: the read error of the directory it is in, met after
    /// some of its entries.
    pub dir_error: bool,
}

/// Bytes read from a part at a time: a merge reads every part at once,
/// so that a thousand parts hold 32 MB of buffers rather than 256.
const PART_CHUNK: usize = 32 * 1024;

/// What comes next in a part.
#[derive(Debug)]
pub enum Item {
    Dir(Entry),
    File(Entry),
    End,
}

/// A part being read.
pub struct PartReader<R: Read> {
    lex: Lexer<R>,
    pub header: Header,
    /// The path of the directory the reader is in (of the last entry
    /// read, after [`PartReader::next`] returned it), and where each
    /// open directory's path ends.
    path: Vec<u8>,
    ends: Vec<usize>,
    /// The next thing is an entry (not a ',' or a ']').
    at_entry: bool,
    /// The entries the shard scanned, from the record that ends a whole
    /// part.
    pub scanned: Option<u64>,
    /// The item read last, given back to be read again.
    pushed: Option<Item>,
    done: bool,
}

impl<R: Read> PartReader<R> {
    /// Reads the part's header; a document without one is no part (the
    /// header is None).
    pub fn open(input: R) -> Result<Option<PartReader<R>>, Fault> {
        let mut lex = Lexer::with_chunk(input, PART_CHUNK);
        lex.expect(b'[', "'[' at the start of an export")?;
        if lex.number()? != 1 {
            return lex.fault("only version 1 of the export format is known");
        }
        lex.expect(b',', "',' after the major version")?;
        lex.number()?;
        lex.expect(b',', "',' after the minor version")?;
        let header = read_metadata(&mut lex)?;
        lex.expect(b',', "',' before the root")?;
        Ok(header.map(|header| PartReader {
            lex,
            header,
            path: Vec::new(),
            ends: Vec::new(),
            at_entry: true,
            scanned: None,
            pushed: None,
            done: false,
        }))
    }

    /// The path of the entry [`PartReader::next`] returned last (of the
    /// directory closed, after an [`Item::End`]: its parent's).
    pub fn path(&self) -> &[u8] {
        &self.path
    }

    /// Gives back the item just read (its path is still
    /// [`PartReader::path`]), to be the next one read.
    pub fn push_back(&mut self, item: Item) {
        self.pushed = Some(item);
    }

    /// A fault at where the reader is.
    pub fn fault_here(&mut self, what: String) -> Fault {
        match self.lex.fault::<()>(what) {
            Err(fault) => fault,
            Ok(()) => unreachable!("a fault is an error"),
        }
    }

    /// How many directories are open.
    pub fn depth(&self) -> usize {
        self.ends.len()
    }

    /// The next item; None after the root's end.
    pub fn next_item(&mut self) -> Result<Option<Item>, Fault> {
        if let Some(item) = self.pushed.take() {
            return Ok(Some(item));
        }
        if self.done {
            return Ok(None);
        }
        if !self.at_entry {
            if self.ends.is_empty() {
                // The root was a file, or is closed: the record of a
                // finished shard, and the document's end.
                while self.lex.peek()? == Some(b',') {
                    self.lex.take();
                    self.end_record()?;
                }
                if self.scanned.is_none() {
                    return self.lex.fault(
                        "the part ends without the record of a finished shard \
                         (its shard was stopped, or it was cut short)",
                    );
                }
                self.lex.expect(b']', "']' at the end of the export")?;
                self.done = true;
                return Ok(None);
            }
            match self.lex.peek()? {
                Some(b',') => {
                    self.lex.take();
                    self.at_entry = true;
                }
                Some(b']') => {
                    self.lex.take();
                    self.ends.pop();
                    let parent = self.ends.last().copied().unwrap_or(0);
                    self.path.truncate(parent);
                    return Ok(Some(Item::End));
                }
                _ => return self.lex.fault("expected ',' or ']' after an entry"),
            }
        }
        let dir = match self.lex.peek()? {
            Some(b'[') => {
                self.lex.take();
                true
            }
            Some(b'{') => false,
            _ => return self.lex.fault("expected an entry: '{' or '['"),
        };
        let entry = self.entry()?;
        self.at_entry = false;
        let parent = self.ends.last().copied();
        match parent {
            None => {
                self.path.clear();
                self.path.extend_from_slice(&entry.name);
            }
            Some(end) => {
                self.path.truncate(end);
                if !entry.dir_error {
                    join_path(&mut self.path, &entry.name);
                }
            }
        }
        if dir {
            self.ends.push(self.path.len());
            Ok(Some(Item::Dir(entry)))
        } else {
            Ok(Some(Item::File(entry)))
        }
    }

    /// `{"cdu_shard_end":{"entries":N}}`, or a value of another program.
    fn end_record(&mut self) -> Result<(), Fault> {
        if self.lex.peek()? != Some(b'{') {
            return self.lex.skip_value();
        }
        self.lex.take();
        let mut key = Vec::new();
        if self.lex.peek()? == Some(b'}') {
            self.lex.take();
            return Ok(());
        }
        loop {
            self.lex.string(&mut key)?;
            self.lex.expect(b':', "':' after a key")?;
            if key == b"cdu_shard_end" {
                self.lex.expect(b'{', "the record of a finished shard")?;
                loop {
                    self.lex.string(&mut key)?;
                    self.lex.expect(b':', "':' after a key")?;
                    if key == b"entries" {
                        self.scanned = Some(self.lex.number()?);
                    } else {
                        self.lex.skip_value()?;
                    }
                    if !self.lex.more_members("the end record")? {
                        break;
                    }
                }
            } else {
                self.lex.skip_value()?;
            }
            match self.lex.peek()? {
                Some(b',') => self.lex.take(),
                Some(b'}') => {
                    self.lex.take();
                    return Ok(());
                }
                _ => return self.lex.fault("expected ',' or '}' after the root"),
            }
        }
    }

    fn entry(&mut self) -> Result<Entry, Fault> {
        let lex = &mut self.lex;
        let mut e = Entry {
            time: NO_TIME,
            ..Entry::default()
        };
        let mut named = None;
        let mut key = Vec::new();
        lex.expect(b'{', "'{'")?;
        loop {
            lex.string(&mut key)?;
            lex.expect(b':', "':' after a key")?;
            match key.as_slice() {
                b"name" => {
                    named = Some(lex.position()?);
                    lex.string(&mut e.name)?;
                }
                b"asize" => e.asize = lex.number()?,
                b"dsize" => e.dsize = lex.number()?,
                b"dev" => e.dev = Some(lex.number()?),
                b"ino" => e.ino = Some(lex.number()?),
                b"cdu_ino" => e.cdu_ino = Some(lex.number()?),
                b"nlink" => e.nlink = lex.number()?,
                b"hlnkc" => e.hlnkc = lex.boolean()?,
                b"notreg" => e.notreg = lex.boolean()?,
                b"cdu_symlink" => e.symlink = lex.boolean()?,
                b"read_error" => e.read_error = lex.boolean()?,
                b"errno" => {
                    e.errno = i32::try_from(lex.number()?)
                        .or_else(|_| lex.fault("an error number out of range"))?;
                }
                b"cdu_partial" => e.partial = lex.boolean()?,
                b"cdu_time" => e.time = i128::from(lex.signed()?),
                b"cdu_skeleton" => e.skeleton = lex.boolean()?,
                b"cdu_dir_error" => e.dir_error = lex.boolean()?,
                b"cdu_file" => e.file_place = lex.boolean()?,
                b"cdu_shard" => {
                    e.shard = Some(
                        u32::try_from(lex.number()?)
                            .or_else(|_| lex.fault("a shard number out of range"))?,
                    );
                }
                b"excluded" => {
                    let mut why = Vec::new();
                    lex.string(&mut why)?;
                    e.excluded = Some(match why.as_slice() {
                        b"otherfs" => Skip::OtherFs,
                        _ => Skip::Excluded,
                    });
                }
                _ => lex.skip_value()?,
            }
            if !lex.more_members("an entry")? {
                break;
            }
        }
        let Some(at) = named else {
            return lex.fault("expected a \"name\" in the entry before here");
        };
        let root = self.ends.is_empty();
        let name = &e.name;
        let bad = if name.is_empty() {
            Some("an empty name")
        } else if name.contains(&0) {
            Some("a name holding a NUL byte")
        } else if root {
            None
        } else if name.contains(&b'/') {
            Some("a name holding '/': below the root each entry is one file name")
        } else if (name == b"." && !e.dir_error) || name == b".." {
            Some("a name '.' or '..' below the root")
        } else {
            None
        };
        match bad {
            Some(what) => Err(at.fault(what)),
            None => Ok(e),
        }
    }
}

/// The metadata object; the part's header if it has one.
pub fn read_metadata<R: Read>(lex: &mut Lexer<R>) -> Result<Option<Header>, Fault> {
    let mut key = Vec::new();
    let mut header = None;
    lex.expect(b'{', "the metadata object")?;
    if lex.peek()? == Some(b'}') {
        lex.take();
        return Ok(None);
    }
    loop {
        lex.string(&mut key)?;
        lex.expect(b':', "':' after a key")?;
        if key == KEY {
            header = Some(read_header(lex)?);
        } else {
            lex.skip_value()?;
        }
        match lex.peek()? {
            Some(b',') => lex.take(),
            Some(b'}') => {
                lex.take();
                return Ok(header);
            }
            _ => return lex.fault("expected ',' or '}' in the metadata"),
        }
    }
}

fn read_header<R: Read>(lex: &mut Lexer<R>) -> Result<Header, Fault> {
    let mut h = Header::default();
    let mut key = Vec::new();
    let mut time = Vec::new();
    lex.expect(b'{', "the part's header")?;
    loop {
        lex.string(&mut key)?;
        lex.expect(b':', "':' after a key")?;
        match key.as_slice() {
            b"k" => h.k = u32::try_from(lex.number()?).unwrap_or(0),
            b"n" => h.n = u32::try_from(lex.number()?).unwrap_or(0),
            b"cut" => lex.string(&mut h.cut)?,
            b"root" => lex.string(&mut h.root)?,
            b"walk" => lex.string(&mut h.walk)?,
            b"links" => h.links = lex.boolean()?,
            b"time" => lex.string(&mut time)?,
            _ => lex.skip_value()?,
        }
        if !lex.more_members("the part's header")? {
            break;
        }
    }
    h.time = match time.as_slice() {
        b"mtime" => Some(TimeKind::Modification),
        b"atime" => Some(TimeKind::Access),
        b"ctime" => Some(TimeKind::StatusChange),
        _ => None,
    };
    if h.n == 0 || h.k == 0 || h.k > h.n {
        return lex.fault(format!(
            "a part of shard {} of {}, which cannot be",
            h.k, h.n
        ));
    }
    Ok(h)
}
