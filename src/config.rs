//! The resolved configuration of a run: every option decided, nothing left
//! for later code to interpret. Built by `cli`, read by the walk, the
//! aggregator and the output.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::exclude::Excludes;
use crate::quote::Locale;
use crate::size::SizeFormat;

/// How a walk is carried out; every mode prints the same result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One walker thread, no progress, no cancel watcher (the book's du1).
    Sequential,
    /// One walker thread, progress on stderr (du2).
    Verbose,
    /// A pool of walker threads under a semaphore (du3).
    Parallel,
    /// Parallel, and a key press, Ctrl-C or SIGTERM stops it cleanly (du4).
    Cancellable,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::Sequential,
        Mode::Verbose,
        Mode::Parallel,
        Mode::Cancellable,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Verbose => "verbose",
            Mode::Parallel => "parallel",
            Mode::Cancellable => "cancellable",
        }
    }

    /// Whether the walk uses the thread pool.
    pub fn is_parallel(self) -> bool {
        matches!(self, Mode::Parallel | Mode::Cancellable)
    }
}

/// Which symbolic links are followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dereference {
    /// `-P`, the default: none.
    Never,
    /// `-H`/`-D`: those named as operands.
    Args,
    /// `-L`: all.
    Always,
}

/// Which time `--time` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeKind {
    /// mtime, the default.
    Modification,
    /// atime (`--time=atime`, `access`, `use`).
    Access,
    /// ctime (`--time=ctime`, `status`).
    StatusChange,
}

/// What a run prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// du's lines, the default.
    Du,
    /// `--tree`: each operand's largest entries as a tree, for people.
    Tree,
    /// `--top=N`: the N largest files, as du's lines.
    Top(usize),
}

/// When the views use colour (`--color`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    /// On a terminal, unless `NO_COLOR` (or `CLICOLOR=0`, `TERM=dumb`)
    /// says otherwise.
    Auto,
    Always,
    Never,
}

/// A command-line operand, or a name read with `--files0-from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    Path(Vec<u8>),
    /// A name that is diagnosed instead of walked, with GNU's message.
    Invalid(Vec<u8>),
}

#[derive(Clone, Debug)]
pub struct Config {
    pub operands: Vec<Operand>,
    /// `--files0-from=F`: the operands are the names listed in F (`-` for
    /// stdin), read as the walk goes; `operands` is then empty.
    pub files0_from: Option<std::ffi::OsString>,
    /// `-a`: print files too.
    pub all: bool,
    /// `-d`: print entries at most this deep (the operand, depth 0, is
    /// always printed; GNU accepts a negative depth, which prints only it).
    pub max_depth: i64,
    /// `-c`: print a grand total.
    pub total: bool,
    pub format: SizeFormat,
    /// `--apparent-size`/`-b`: st_size of regular files and symlinks.
    pub apparent: bool,
    /// `--inodes`: count entries instead of bytes.
    pub inodes: bool,
    /// `-l`: count every hard link.
    pub count_links: bool,
    pub dereference: Dereference,
    /// `-x`: skip entries on other file systems than their operand.
    pub one_file_system: bool,
    /// `-S`: a directory's size leaves out its subdirectories.
    pub separate_dirs: bool,
    /// `-t`: print sizes at least this (or, if negative, at most minus it).
    pub threshold: i64,
    pub excludes: Excludes,
    /// `-0`: end lines with NUL.
    pub null: bool,
    /// `--time`: also print the latest time of the entries counted.
    pub time: Option<TimeKind>,
    /// The strftime format of `--time-style` (long-iso by default).
    pub time_format: Vec<u8>,
    pub mode: Mode,
    /// Walker threads of the parallel modes (`-j`); `None` lets the walk
    /// choose by file system and raise it as it measures
    /// ([`crate::walk::Plan`]).
    pub threads: Option<usize>,
    /// `-v`: progress on stderr (always on in verbose mode).
    pub verbose: bool,
    /// How often progress is reported.
    pub tick: Duration,
    /// `-v` without `--no-history` or CDU_NO_HISTORY: progress is measured
    /// against earlier scans, and this one is remembered.
    pub history: bool,
    /// Whether a key press on a terminal stdin may cancel (off when stdin
    /// carries `--files0-from=-` names).
    pub keys_cancel: bool,
    /// Every non-directory is handed on as an event, not only those `-a`
    /// prints (views and exports).
    pub list_all: bool,
    /// Files measuring less than this (bytes, or inodes with `--inodes`)
    /// are left out of [`Config::list_all`]'s listing. A view raises it
    /// (through [`Config::raise_list_floor`]) past its smallest kept file
    /// as that grows, and to `-t`, so that the walk names only files that
    /// could still be shown; it only ever rises.
    pub list_floor: Arc<AtomicU64>,
    /// Each entry carries its type, its size in the other measure and its
    /// links, and excluded and other-file-system entries are handed on
    /// (exports).
    pub details: bool,
    /// GNU's `hash_all`: remember every (device, inode), not only those of
    /// files with several links, because the same file may be met twice.
    pub hash_all: bool,
    pub locale: Locale,
    /// `--json`: JSON lines instead of du's.
    pub json: bool,
    /// `--export=FILE`: also write the scan in ncdu's format (`-`: to
    /// stdout, instead of the lines).
    pub export: Option<std::ffi::OsString>,
    /// `--import=FILE`: read a saved scan instead of walking (`-`: stdin).
    pub import: Option<std::ffi::OsString>,
    /// `--import` given more than once: every part of a sharded scan, to
    /// be merged (`import` then holds the first).
    pub parts: Vec<std::ffi::OsString>,
    /// `--shard=K/N`: walk shard K of N and save it with `--export`.
    pub shard: Option<crate::shard::ShardId>,
    pub view: View,
    /// `--rows=N`: the most rows a tree may take; by default the
    /// terminal's height, or 40 when stdout is not a terminal.
    pub rows: Option<usize>,
    /// `--width=N`: the width of a tree's rows; by default the terminal's,
    /// or 80.
    pub width: Option<usize>,
    pub color: ColorWhen,
    /// `--diff=OLD`: print what changed since the saved scan or du
    /// listing OLD instead of du's lines (`-`: stdin).
    pub diff: Option<std::ffi::OsString>,
    /// `--html=FILE`: also draw the scan as one self-contained HTML page
    /// (`-`: to stdout, instead of the lines).
    pub html: Option<std::ffi::OsString>,
    /// `-i`: browse the scan interactively instead of printing it.
    pub interactive: bool,
    /// `--read-only`: the browser removes and rescans nothing.
    pub read_only: bool,
}

impl Config {
    /// Tells the walk that no file measuring less than `floor` need be
    /// named: unless an export or a page is written beside the view,
    /// which need every file.
    pub fn raise_list_floor(&self, floor: u64) {
        if self.export.is_none() && self.html.is_none() {
            self.list_floor.fetch_max(floor, Ordering::Relaxed);
        }
    }

    /// A configuration with du's defaults for the given operands.
    pub fn new(operands: Vec<Vec<u8>>) -> Self {
        let hash_all = operands.len() > 1;
        Config {
            operands: operands.into_iter().map(Operand::Path).collect(),
            files0_from: None,
            list_all: false,
            list_floor: Arc::default(),
            details: false,
            all: false,
            max_depth: i64::MAX,
            total: false,
            format: SizeFormat::blocks(1024),
            apparent: false,
            inodes: false,
            count_links: false,
            dereference: Dereference::Never,
            one_file_system: false,
            separate_dirs: false,
            threshold: 0,
            excludes: Excludes::default(),
            null: false,
            time: None,
            time_format: b"%Y-%m-%d %H:%M".to_vec(),
            mode: Mode::Cancellable,
            threads: None,
            verbose: false,
            tick: Duration::from_millis(500),
            history: false,
            keys_cancel: true,
            hash_all,
            locale: Locale::default(),
            json: false,
            export: None,
            import: None,
            parts: Vec::new(),
            shard: None,
            view: View::Du,
            rows: None,
            width: None,
            color: ColorWhen::Auto,
            diff: None,
            html: None,
            interactive: false,
            read_only: false,
        }
    }

    /// Whether progress is reported in this configuration.
    pub fn progress(&self) -> bool {
        match self.mode {
            Mode::Sequential => false,
            Mode::Verbose => true,
            Mode::Parallel | Mode::Cancellable => self.verbose,
        }
    }
}

/// The default number of walker threads.
pub fn default_threads() -> usize {
    // Many threads per core: stat and getdents block on I/O when the cache
    // is cold, and more requests in flight keep the device busy (measured
    // on a million files: 32 threads cold 10-20% faster than 8, warm the
    // same).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 16).clamp(16, 64)
}
