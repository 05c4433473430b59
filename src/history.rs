//! The totals of earlier `-v` scans, kept so that the next scan of the same
//! directory can show how far it has come. One small text file,
//! `$XDG_CACHE_HOME/cdu/history` (`~/.cache/cdu/history` by default), one
//! line per operand, newest last, at most [`KEEP`] of them:
//!
//! ```text
//! cdu history 2
//! DEV FLAGS ENTRIES BYTES MILLIS PACE HEX-PATH
//! ```
//!
//! keyed by the device, the options that change what is counted (FLAGS)
//! and the absolute path (hex, since a path need not be UTF-8). PACE is
//! the scan's [`Profile`] (nine times, in milliseconds, joined by commas)
//! or `-` when it has none. A version 1 file (no PACE) is still read. The file is
//! a cache: one that cannot be read, written or understood never fails a
//! scan; the run says so in one line and goes on without it.
//!
//! The file lives where others may have put things first, so it is
//! handled as untrusted: its directory must be the user's own (owned by
//! them, writable by no one else), the file is opened without following a
//! symbolic link and without waiting (a FIFO there would block for ever),
//! and used only if it is a regular file. A new version is written to a
//! temporary file of an unpredictable name (created exclusively, mode
//! 0600) and renamed over the old one, under a lock on the directory, with
//! the file read again under that lock: two runs that end at once both
//! keep their entries.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rustix::fs::{FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::profile::Profile;

/// How many operands are remembered: enough for every directory a person
/// looks at with -v, small enough (about 30 KB) to read in no time.
pub const KEEP: usize = 300;

/// Larger than this is not a file cdu wrote ([`KEEP`] lines of at most
/// about 4,200 bytes, a path of PATH_MAX in hex).
const MAX_SIZE: u64 = 2 << 20;

const HEADER: &str = "cdu history 2";

/// The first version, without the pace, still read.
const HEADER_1: &str = "cdu history 1";

/// What identifies a remembered operand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The device the operand is on.
    pub dev: u64,
    /// Letters for the options that change what is counted (`x`, `L`, `X`
    /// for excludes), `-` when none.
    pub flags: String,
    /// The absolute, canonical path.
    pub path: Vec<u8>,
}

/// The totals of one finished scan of an operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Entries counted.
    pub entries: u64,
    /// Bytes counted.
    pub bytes: u64,
    /// How long the scan took.
    pub millis: u64,
    /// Its pace, when it was sampled (one operand, long enough).
    pub profile: Option<Profile>,
}

/// The history as read at the start of a run.
#[derive(Debug, Default)]
pub struct History {
    file: Option<PathBuf>,
    records: Vec<(Key, Totals)>,
    /// The one line to say about the file, if anything went wrong.
    problem: Option<String>,
}

/// Where the history is kept: `$XDG_CACHE_HOME/cdu/history`, or
/// `$HOME/.cache/cdu/history`. The XDG base-directory rules ignore a
/// relative XDG_CACHE_HOME; with no home either there is nowhere to keep it.
pub fn location() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let cache =
        absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|h| h.join(".cache")))?;
    Some(cache.join("cdu").join("history"))
}

impl History {
    /// Reads the history at `file`; a file that is missing is an empty
    /// history, one that is unreadable or not understood is ignored and
    /// noted. One that is not a regular file, or in a directory that is not
    /// the user's own, is noted and left alone: nothing is written there.
    pub fn load(file: PathBuf) -> History {
        let mut history = History::default();
        let dir = file.parent().unwrap_or(Path::new("."));
        match open_own_dir(dir) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                history.problem = Some(format!("not keeping history {}: {e}", file.display()));
                return history;
            }
        }
        let text = match read_regular(&file) {
            Ok(Found::Text(text)) => text,
            Ok(Found::Nothing) => {
                history.file = Some(file);
                return history;
            }
            // Someone's FIFO or link: neither read nor written over.
            Ok(Found::NotRegular) => {
                history.problem = Some(format!(
                    "history {} is {NOT_REGULAR}; going on without it",
                    file.display()
                ));
                return history;
            }
            Err(e) => {
                history.problem = Some(format!("cannot read history {}: {e}", file.display()));
                history.file = Some(file);
                return history;
            }
        };
        match understood(&text) {
            Some(records) => history.records = records,
            None => {
                history.problem = Some(format!(
                    "history {} is not one cdu wrote; starting it afresh",
                    file.display()
                ));
            }
        }
        history.file = Some(file);
        history
    }

    /// The totals last remembered for `key`.
    pub fn get(&self, key: &Key) -> Option<Totals> {
        self.records
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, t)| *t)
    }

    /// Remembers `totals` for each key, in place of what was known, and
    /// writes the file: under the directory's lock, the file as it is now
    /// (another run may have written it since it was loaded) with these
    /// scans in it, to a temporary file renamed over it, so that a reader
    /// never sees half of one and no run's entries are lost.
    pub fn record(&mut self, scans: Vec<(Key, Totals)>) {
        let Some(file) = self.file.clone() else {
            return;
        };
        match save(&file, &scans) {
            Ok(records) => self.records = records,
            Err(e) => self.note(format!("cannot keep history in {}: {e}", file.display())),
        }
    }

    fn note(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// The first thing that went wrong with the file, to be said once.
    pub fn take_problem(&mut self) -> Option<String> {
        self.problem.take()
    }
}

fn parse(text: &[u8]) -> Option<Vec<(Key, Totals)>> {
    let text = std::str::from_utf8(text).ok()?;
    let mut lines = text.lines();
    let with_pace = match lines.next()? {
        HEADER => true,
        HEADER_1 => false,
        _ => return None,
    };
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            let (dev, flags, entries, bytes, millis, pace, path) = match (with_pace, &f[..]) {
                (true, &[dev, flags, entries, bytes, millis, pace, path]) => {
                    (dev, flags, entries, bytes, millis, Some(pace), path)
                }
                (false, &[dev, flags, entries, bytes, millis, path]) => {
                    (dev, flags, entries, bytes, millis, None, path)
                }
                _ => return None,
            };
            let key = Key {
                dev: dev.parse().ok()?,
                flags: flags.to_string(),
                path: from_hex(path)?,
            };
            let profile = match pace {
                None | Some("-") => None,
                Some(text) => Some(Profile::from_text(text)?),
            };
            let totals = Totals {
                entries: entries.parse().ok()?,
                bytes: bytes.parse().ok()?,
                millis: millis.parse().ok()?,
                profile,
            };
            Some((key, totals))
        })
        .collect()
}

fn format(records: &[(Key, Totals)]) -> String {
    use std::fmt::Write as _;
    let mut out = format!("{HEADER}\n");
    for (k, t) in records {
        let pace = t.profile.map_or_else(|| "-".to_string(), |p| p.to_text());
        let _ = write!(
            out,
            "{} {} {} {} {} {pace} ",
            k.dev, k.flags, t.entries, t.bytes, t.millis
        );
        for b in &k.path {
            let _ = write!(out, "{b:02x}");
        }
        out.push('\n');
    }
    out
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `records` with `scans` in place of what they had for the same keys,
/// the oldest let go past [`KEEP`].
fn merge(mut records: Vec<(Key, Totals)>, scans: &[(Key, Totals)]) -> Vec<(Key, Totals)> {
    for (key, totals) in scans {
        records.retain(|(k, _)| k != key);
        records.push((key.clone(), *totals));
    }
    let excess = records.len().saturating_sub(KEEP);
    records.drain(..excess);
    records
}

/// What the history's path holds when it is not a regular file.
const NOT_REGULAR: &str = "not a regular file";

/// What is at the history's path.
enum Found {
    Nothing,
    /// A FIFO, a device, a directory, a symbolic link: not the history,
    /// and not to be written over.
    NotRegular,
    /// A regular file's first [`MAX_SIZE`] + 1 bytes.
    Text(Vec<u8>),
}

/// What is at `file`. Opened without following a symbolic link and
/// without blocking (a FIFO, a device), and read only if it is a regular
/// file.
fn read_regular(file: &Path) -> io::Result<Found> {
    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let fd = match rustix::fs::open(file, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(Found::Nothing),
        Err(Errno::LOOP) => return Ok(Found::NotRegular),
        Err(e) => return Err(e.into()),
    };
    if FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) != FileType::RegularFile {
        return Ok(Found::NotRegular);
    }
    let mut text = Vec::new();
    File::from(fd).take(MAX_SIZE + 1).read_to_end(&mut text)?;
    Ok(Found::Text(text))
}

/// The records of a history file's text; None if it is not one cdu
/// wrote, or larger than any cdu writes.
fn understood(text: &[u8]) -> Option<Vec<(Key, Totals)>> {
    if text.len() as u64 > MAX_SIZE {
        return None;
    }
    parse(text)
}

/// Opens `dir` if it is a directory of the user's own: owned by the
/// effective user and writable by no one else. Anyone else who can write
/// there could put a link or a FIFO where the history goes, or read it.
fn open_own_dir(dir: &Path) -> io::Result<OwnedFd> {
    let fd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let stat = rustix::fs::fstat(&fd)?;
    if stat.st_uid != rustix::process::geteuid().as_raw() {
        return Err(io::Error::other("the directory belongs to another user"));
    }
    if stat.st_mode & 0o022 != 0 {
        return Err(io::Error::other("others may write in the directory"));
    }
    Ok(fd)
}

/// How long a run waits for another that is writing the history: far
/// longer than a write takes, short enough that a run never hangs on it.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Takes the exclusive lock on `dir`, which the descriptor's close lets
/// go. flock on the directory itself: no lock file that could be planted.
fn lock(dir: &impl AsFd) -> io::Result<()> {
    let start = Instant::now();
    loop {
        match rustix::fs::flock(dir, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(()),
            Err(Errno::WOULDBLOCK | Errno::INTR) if start.elapsed() < LOCK_WAIT => {
                // Polling rather than a blocking flock: a run must never
                // wait for ever on one that hangs.
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(Errno::WOULDBLOCK) => {
                return Err(io::Error::other("another cdu holds the history's lock"));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Writes the history at `file` with `scans` merged in, and returns what
/// it now holds. No fsync: losing the last scan's totals in a crash costs
/// one scan without a percentage, while an fsync can cost a slow disk tens
/// of milliseconds.
fn save(file: &Path, scans: &[(Key, Totals)]) -> io::Result<Vec<(Key, Totals)>> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let dir_fd = open_own_dir(dir)?;
    lock(&dir_fd)?;
    // A file damaged since it was loaded is started afresh, as at load.
    let now = match read_regular(file)? {
        Found::Text(text) => understood(&text).unwrap_or_default(),
        Found::Nothing => Vec::new(),
        Found::NotRegular => return Err(io::Error::other(NOT_REGULAR)),
    };
    let records = merge(now, scans);
    // An unpredictable name, created with O_EXCL (no link is followed) and
    // mode 0600; removed if anything fails before the rename.
    let mut temp = tempfile::Builder::new()
        .prefix("history.")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(format(&records).as_bytes())?;
    temp.persist(file).map_err(|e| e.error)?;
    drop(dir_fd);
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u64) -> Key {
        Key {
            dev: 7,
            flags: "-".into(),
            path: format!("/d/{n}\n\u{e9}").into_bytes(),
        }
    }

    fn totals(n: u64) -> Totals {
        Totals {
            entries: n,
            bytes: n * 4096,
            millis: n * 3,
            profile: n
                .is_multiple_of(2)
                .then_some(Profile([n, n, n, n, n, n, n, n, n + 1])),
        }
    }

    #[test]
    fn what_is_recorded_is_read_back_and_the_oldest_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/history");
        let mut h = History::load(file.clone());
        for n in 0..(KEEP as u64 + 5) {
            h.record(vec![(key(n), totals(n))]);
        }
        assert_eq!(h.take_problem(), None);
        let again = History::load(file);
        assert_eq!(again.records.len(), KEEP);
        assert_eq!(again.get(&key(4)), None);
        assert_eq!(again.get(&key(5)), Some(totals(5)));
        assert_eq!(
            again.get(&key(KEEP as u64 + 4)),
            Some(totals(KEEP as u64 + 4))
        );
    }

    #[test]
    fn a_new_scan_replaces_the_old_totals() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("history");
        let mut h = History::load(file.clone());
        h.record(vec![(key(1), totals(1))]);
        h.record(vec![(key(1), totals(9))]);
        let again = History::load(file);
        assert_eq!(again.records.len(), 1);
        assert_eq!(again.get(&key(1)), Some(totals(9)));
    }

    #[test]
    fn a_first_version_file_is_read_without_a_pace() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("history");
        std::fs::write(&file, b"cdu history 1\n7 - 10 4096 30 2f64\n").unwrap();
        let mut h = History::load(file);
        assert_eq!(h.take_problem(), None);
        let key = Key {
            dev: 7,
            flags: "-".into(),
            path: b"/d".to_vec(),
        };
        let want = Totals {
            entries: 10,
            bytes: 4096,
            millis: 30,
            profile: None,
        };
        assert_eq!(h.get(&key), Some(want));
    }

    #[test]
    fn a_damaged_file_is_noted_and_ignored() {
        for text in [
            &b"not a history\n"[..],
            b"cdu history 1\n1 - x 2 3 2f\n",
            b"cdu history 2\n1 - 1 2 3 2f\n",
            b"cdu history 2\n1 - 1 2 3 1,2 2f\n",
            b"\xff",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("history");
            std::fs::write(&file, text).unwrap();
            let mut h = History::load(file);
            assert!(h.records.is_empty());
            assert!(h.take_problem().unwrap().contains("not one cdu wrote"));
        }
    }
}
