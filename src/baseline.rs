//! The total a scan's progress is measured against, and where it comes
//! from. The first of these that knows wins:
//!
//! 1. **A diff's old scan** (`--diff=OLD`), when OLD says how many entries
//!    it counted ([`crate::input::old::OldTree::entries`]); nothing else is
//!    looked at then.
//! 2. **The history** of earlier `-v` scans ([`crate::history`]), for each
//!    directory operand by its canonical path, device and counting options.
//! 3. **The file system**, for a directory operand that is the root of a
//!    mounted one ([`crate::mounts`]), unless it is FUSE or a network
//!    file system, whose counts are their servers'.
//!
//! A non-directory operand counts one entry. When some operand has no
//! total, the scan has none: a percentage of part of the work would mislead.
//! At the end of a complete `-v` scan, [`OperandTotals`] has seen each
//! operand's totals go by, and the history keeps them for next time.

use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::config::{Config, Dereference, Operand};
use crate::history::{self, History, Key, Totals};
use crate::profile::Profile;
use crate::stream::{Event, Sink};

/// The totals of a scan that this one is expected to resemble.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// Entries, as progress counts them: what the bar measures.
    pub entries: u64,
    /// Bytes as the scan counts them, when known (statfs does not say).
    pub bytes: Option<u64>,
    /// How long it took, when known.
    pub seconds: Option<f64>,
    /// Its pace, when known: one remembered operand's.
    pub profile: Option<Profile>,
}

impl Baseline {
    fn add(self, other: Baseline) -> Baseline {
        Baseline {
            entries: self.entries.saturating_add(other.entries),
            bytes: self
                .bytes
                .zip(other.bytes)
                .map(|(a, b)| a.saturating_add(b)),
            seconds: self.seconds.zip(other.seconds).map(|(a, b)| a + b),
            // Two paces do not make one.
            profile: None,
        }
    }

    /// A total known only by its entries (a diff's old scan, a file
    /// system's inodes, a single file).
    pub fn entries_only(entries: u64) -> Baseline {
        Baseline {
            entries,
            bytes: None,
            seconds: None,
            profile: None,
        }
    }
}

/// Letters for the options that change what a scan of a tree counts, so
/// that a scan with `-x` is not measured against one without.
fn counting_flags(config: &Config) -> String {
    let mut flags = String::new();
    if config.one_file_system {
        flags.push('x');
    }
    if config.dereference == Dereference::Always {
        flags.push('L');
    }
    if !config.excludes.is_empty() {
        flags.push('X');
    }
    if flags.is_empty() {
        flags.push('-');
    }
    flags
}

/// What each operand is, for the baseline: a directory (with its history
/// key), something else (one entry), or nothing that will be counted.
#[derive(Clone, Debug)]
pub enum Identity {
    Dir(Key),
    Other,
    Unknown,
}

/// Identifies the operands of `config`; empty when they are read as the
/// walk goes (`--files0-from`).
pub fn identify(config: &Config) -> Vec<Identity> {
    let follow = config.dereference != Dereference::Never;
    config
        .operands
        .iter()
        .map(|op| {
            let Operand::Path(bytes) = op else {
                return Identity::Unknown;
            };
            let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
            let meta = if follow {
                std::fs::metadata(path)
            } else {
                std::fs::symlink_metadata(path)
            };
            match (meta, path.canonicalize()) {
                (Ok(m), Ok(canonical)) if m.is_dir() => Identity::Dir(Key {
                    dev: m.dev(),
                    flags: counting_flags(config),
                    path: canonical.as_os_str().as_bytes().to_vec(),
                }),
                (Ok(_), _) => Identity::Other,
                (Err(_), _) => Identity::Unknown,
            }
        })
        .collect()
}

/// The total of a scan of `operands`: `old`, a diff's old scan, if it
/// is known, else each operand's from the history or its file system.
pub fn for_scan(
    config: &Config,
    operands: &[Identity],
    history: Option<&History>,
    old: Option<Baseline>,
) -> Option<Baseline> {
    if let Some(old) = old.filter(|b| b.entries > 0) {
        return Some(old);
    }
    let mut total: Option<Baseline> = None;
    for op in operands {
        let this = match op {
            Identity::Other => Baseline::entries_only(1),
            Identity::Unknown => return None,
            Identity::Dir(key) => match history.and_then(|h| h.get(key)) {
                Some(t) => Baseline {
                    entries: t.entries,
                    bytes: Some(t.bytes),
                    seconds: Some(t.millis as f64 / 1000.0),
                    profile: t.profile,
                },
                None => {
                    let dir = Path::new(std::ffi::OsStr::from_bytes(&key.path));
                    Baseline::entries_only(crate::mounts::file_system_entries(
                        dir,
                        key.dev,
                        config.one_file_system,
                    )?)
                }
            },
        };
        total = Some(total.map_or(this, |t| t.add(this)));
    }
    total.filter(|t| t.entries > 0)
}

/// A sink that passes every event on and notes each operand's totals
/// as its last event goes by.
pub struct OperandTotals<'s> {
    inner: &'s mut dyn Sink,
    start: Instant,
    /// Entries, bytes and when each operand ended, in order.
    ends: Vec<(u64, u64, Instant)>,
}

impl<'s> OperandTotals<'s> {
    pub fn new(inner: &'s mut dyn Sink) -> Self {
        OperandTotals {
            inner,
            start: Instant::now(),
            ends: Vec::new(),
        }
    }

    /// What the history should remember of a complete scan of `operands`
    /// that counted `entries` and `bytes` in `elapsed`, at the pace of
    /// `profile`. One operand takes the scan's own counts and pace, which
    /// are what progress shows; several take the inodes of their totals,
    /// and no pace. Nothing when the operands and their
    /// ends do not pair up (an operand named twice prints once).
    pub fn into_records(
        self,
        operands: &[Identity],
        entries: u64,
        bytes: u64,
        elapsed: Duration,
        profile: Option<Profile>,
    ) -> Vec<(Key, Totals)> {
        if self.ends.len() != operands.len() {
            return Vec::new();
        }
        if let [Identity::Dir(key)] = operands {
            let totals = Totals {
                entries,
                bytes,
                millis: elapsed.as_millis() as u64,
                profile,
            };
            return vec![(key.clone(), totals)];
        }
        let mut from = self.start;
        let mut records = Vec::new();
        for (op, &(entries, bytes, end)) in operands.iter().zip(&self.ends) {
            if let Identity::Dir(key) = op {
                let millis = end.duration_since(from).as_millis() as u64;
                records.push((
                    key.clone(),
                    Totals {
                        entries,
                        bytes,
                        millis,
                        profile: None,
                    },
                ));
            }
            from = end;
        }
        records
    }
}

impl Sink for OperandTotals<'_> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::DirEnd {
                depth: 0, total, ..
            } => self.ends.push((total.inodes, total.bytes, Instant::now())),
            Event::File {
                depth: 0, usage, ..
            } => self.ends.push((1, usage.bytes, Instant::now())),
            _ => {}
        }
        self.inner.event(event)
    }

    fn hands_on_repeat(&self, path: &[u8]) -> bool {
        self.inner.hands_on_repeat(path)
    }

    fn size_floor(&self) -> Option<&crate::stream::SizeFloor> {
        self.inner.size_floor()
    }
}

/// The history of this run, when it keeps one.
pub fn open_history(config: &Config) -> Option<History> {
    if !config.history || !config.progress() || config.files0_from.is_some() {
        return None;
    }
    history::location().map(History::load)
}
