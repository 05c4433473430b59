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

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

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
    pub entries: u64,
    pub bytes: u64,
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
    /// noted.
    pub fn load(file: PathBuf) -> History {
        let mut history = History {
            file: Some(file),
            ..History::default()
        };
        let path = history.file.as_deref().unwrap_or(Path::new(""));
        let mut text = Vec::new();
        match std::fs::File::open(path).and_then(|f| f.take(MAX_SIZE + 1).read_to_end(&mut text)) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return history,
            Err(e) => {
                history.problem = Some(format!("cannot read history {}: {e}", path.display()));
                return history;
            }
        }
        match parse(&text) {
            Some(records) if text.len() as u64 <= MAX_SIZE => history.records = records,
            _ => {
                history.problem = Some(format!(
                    "history {} is not one cdu wrote; starting it afresh",
                    path.display()
                ));
            }
        }
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
    /// writes the file (a temporary file renamed over it, so that a reader
    /// never sees half of one).
    pub fn record(&mut self, scans: Vec<(Key, Totals)>) {
        let Some(file) = self.file.clone() else {
            return;
        };
        for (key, totals) in scans {
            self.records.retain(|(k, _)| *k != key);
            self.records.push((key, totals));
        }
        let excess = self.records.len().saturating_sub(KEEP);
        self.records.drain(..excess);
        if let Err(e) = write_atomically(&file, &format(&self.records)) {
            self.note(format!("cannot keep history in {}: {e}", file.display()));
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

/// Writes `text` to a temporary file beside `file` and renames it over
/// `file`. No fsync: losing the last scan's totals in a crash costs one
/// scan without a percentage, while an fsync can cost a slow disk tens of
/// milliseconds.
fn write_atomically(file: &Path, text: &str) -> io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut name = file.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{}.tmp", std::process::id()));
    let temp = dir.join(name);
    let written = std::fs::File::create(&temp)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .and_then(|()| std::fs::rename(&temp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
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
