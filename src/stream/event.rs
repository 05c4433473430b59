//! What the ordered stream hands on: the events of a traversal, the
//! trait of what takes them, the view's size floor and the counts.

use std::io;

use crate::model::{Details, ErrorKind, Usage};

/// One step of the traversal, with the path of what it is about as du
/// prints it. `depth` is 0 for an operand.
#[derive(Clone, Copy, Debug)]
pub enum Event<'a> {
    /// An operand diagnosed without being looked at, with its message.
    Invalid {
        /// GNU du's message for it, without the program's name.
        message: &'a [u8],
    },
    /// Something could not be read: an entry, or a directory (just before
    /// its [`Event::DirEnd`]).
    Error {
        /// The path, as du prints it.
        path: &'a [u8],
        /// Which step failed.
        kind: ErrorKind,
        /// The error number the system gave.
        errno: i32,
    },
    /// A non-directory: an operand, or a file listed by the walk (every
    /// file with [`crate::ConfigBuilder::list_files`], or those `-a`
    /// prints). `details` are there with [`crate::ConfigBuilder::details`].
    File {
        /// The path, as du prints it (the operand, then the names below).
        path: &'a [u8],
        /// 0 for an operand, 1 for an entry of its directory, and so on.
        depth: usize,
        /// What it counts: zero when a hard link to it was counted before.
        usage: Usage,
        /// Its details, when the configuration asks for them.
        details: Option<Details>,
    },
    /// A directory is entered; `own` is its own entry.
    DirStart {
        /// The directory's path.
        path: &'a [u8],
        /// Its depth below its operand.
        depth: usize,
        /// The size of the directory entry itself.
        own: Usage,
        /// Its details, when the configuration asks for them.
        details: Option<Details>,
    },
    /// An entry left out, handed on only with details.
    Skipped {
        /// Its path.
        path: &'a [u8],
        /// Its depth below its operand.
        depth: usize,
        /// Why it was left out.
        why: Skip,
    },
    /// A directory is complete: `total` holds all below it, `separate`
    /// only itself and its non-directories (`-S`).
    DirEnd {
        /// The directory's path.
        path: &'a [u8],
        /// Its depth below its operand.
        depth: usize,
        /// Its size with everything below it (what du prints).
        total: Usage,
        /// Its size with its non-directories only (what `du -S` prints).
        separate: Usage,
    },
}

/// Why an entry was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// It matched an `--exclude` pattern.
    Excluded,
    /// It is on another file system (`-x`).
    OtherFs,
}

/// A consumer of the stream: du's lines, and whatever else prints a scan.
pub trait Sink {
    /// Takes the next event. An error stops the scan, and the scan's
    /// [`crate::Summary::error`] returns it.
    fn event(&mut self, event: &Event<'_>) -> io::Result<()>;

    /// The floor below which this sink shows no file, if it keeps one;
    /// the scan hands it to the walk, which then names no smaller file.
    /// None (the default): every file the options list is wanted.
    fn size_floor(&self) -> Option<&SizeFloor> {
        None
    }

    /// Whether a directory met before (a link to it counted earlier, with
    /// `-L`) is still handed on at `path`, with whatever below it was
    /// not met before. A part of a sharded scan keeps the directories of
    /// its cut this way, so that every part keeps the same outline and the
    /// merge, which settles repeats across parts, finds each place in
    /// it. False (the default): a repeat is left out with all below it.
    #[doc(hidden)]
    fn hands_on_repeat(&self, path: &[u8]) -> bool {
        let _ = path;
        false
    }
}

/// The size (bytes, or inodes with `--inodes`) below which a view shows
/// no file, shared between the view, which raises it as what it keeps
/// grows, and the walk, which reads it to leave smaller files unnamed:
/// naming a file costs a path and an event, and a view of the largest
/// few wants a handful out of millions. It only ever rises.
#[derive(Clone, Debug, Default)]
pub struct SizeFloor(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl SizeFloor {
    /// Raises the floor to `floor`, if it is lower.
    pub fn raise(&self, floor: u64) {
        self.0
            .fetch_max(floor, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What has arrived so far, for progress.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Entries handed on, directories included.
    pub entries: u64,
    /// Directories handed on.
    pub dirs: u64,
    /// Bytes of what was counted, as the walkers found them.
    pub bytes: u64,
}
