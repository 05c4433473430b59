//! The words every layer shares: what a scan counts ([`Usage`]), what it
//! says of an entry beyond that ([`Details`], [`FileType`], [`Link`]) and
//! what can go wrong ([`ErrorKind`]). The walkers' wire format, the
//! ordered stream, the outputs and the library's users all speak them.

/// Space and entries, the two things du can count, and the latest time
/// among them for `--time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Bytes: disk usage (`st_blocks * 512`), or the apparent size with
    /// `--apparent-size`.
    pub bytes: u64,
    /// Entries counted (`--inodes`).
    pub inodes: u64,
    /// Nanoseconds since the epoch; [`NO_TIME`] when none was taken.
    pub time: i128,
}

/// The time of a usage that holds no timestamp.
pub const NO_TIME: i128 = i128::MIN;

impl Default for Usage {
    fn default() -> Self {
        Usage {
            bytes: 0,
            inodes: 0,
            time: NO_TIME,
        }
    }
}

impl Usage {
    /// Adds `other` in: bytes and entries summed, the later time kept.
    pub fn add(&mut self, other: Usage) {
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.inodes += other.inodes;
        self.time = self.time.max(other.time);
    }
}

/// What went wrong, worded as GNU du words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `cannot access 'X'`: stat failed (FTS_NS).
    Access,
    /// `cannot read directory 'X'`: open or first read failed (FTS_DNR).
    ReadDir,
    /// `X: error`: reading failed part way (FTS_ERR).
    ReadPartial,
}

/// The type of a file, as exports record it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileType {
    /// A regular file.
    #[default]
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link (not followed).
    Symlink,
    /// A device, FIFO or socket.
    Other,
}

/// What an export says of an entry beyond its usage: its type, the size
/// in the measure not counted (apparent size when disk usage is counted,
/// and the other way round), and its links when it has several. Present
/// only when the configuration asks for details
/// ([`crate::ConfigBuilder::details`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Details {
    /// What kind of file it is.
    pub file_type: FileType,
    /// Its size in the measure not counted.
    pub other_bytes: u64,
    /// Its identity and link count, when it has several links.
    pub link: Option<Link>,
    /// The device it is on, when known (directories and operands; a file
    /// of several links through its link).
    pub dev: Option<u64>,
    /// Its inode number, when known: every entry counted once by its
    /// identity (a file of several links; with `-L`, every entry).
    pub ino: Option<u64>,
}

/// A file with several hard links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The device it is on.
    pub dev: u64,
    /// Its inode number on that device.
    pub ino: u64,
    /// How many names it has.
    pub nlink: u64,
}
