//! The resolved configuration of a scan: every option decided, nothing left
//! for later code to interpret. A [`ConfigBuilder`] takes the choices (the
//! command line's, through `cli`, or another program's) and works out once
//! the settings that follow from them; the walk, the aggregator and the
//! outputs only read the result.

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
    /// Every mode, from the simplest walk to the fullest.
    pub const ALL: [Mode; 4] = [
        Mode::Sequential,
        Mode::Verbose,
        Mode::Parallel,
        Mode::Cancellable,
    ];

    /// The mode's name, as `--mode` takes it.
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
    /// Always, even in a pipe.
    Always,
    /// Never.
    Never,
}

/// A command-line operand, or a name read with `--files0-from`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A name to walk.
    Path(Vec<u8>),
    /// A name that is diagnosed instead of walked, with GNU's message.
    Invalid(Vec<u8>),
}

/// What a scan walks and how: the operands, which entries count and how
/// much, which are handed on as events, and the walk's mode. Built with
/// [`Config::builder`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) operands: Vec<Operand>,
    /// `--files0-from=F`: the operands are the names listed in F (`-` for
    /// stdin), read as the walk goes; `operands` is then empty.
    pub(crate) files0_from: Option<std::ffi::OsString>,
    /// `-a`: print files too.
    pub(crate) all: bool,
    /// `-d`: print entries at most this deep (the operand, depth 0, is
    /// always printed; GNU accepts a negative depth, which prints only it).
    pub(crate) max_depth: i64,
    /// `-c`: print a grand total.
    pub(crate) total: bool,
    pub(crate) format: SizeFormat,
    /// `--apparent-size`/`-b`: st_size of regular files and symlinks.
    pub(crate) apparent: bool,
    /// `--inodes`: count entries instead of bytes.
    pub(crate) inodes: bool,
    /// `-l`: count every hard link.
    pub(crate) count_links: bool,
    pub(crate) dereference: Dereference,
    /// `-x`: skip entries on other file systems than their operand.
    pub(crate) one_file_system: bool,
    /// `-S`: a directory's size leaves out its subdirectories.
    pub(crate) separate_dirs: bool,
    /// `-t`: print sizes at least this (or, if negative, at most minus it).
    pub(crate) threshold: i64,
    pub(crate) excludes: Excludes,
    /// `-0`: end lines with NUL.
    pub(crate) null: bool,
    /// `--time`: also print the latest time of the entries counted.
    pub(crate) time: Option<TimeKind>,
    /// The strftime format of `--time-style` (long-iso by default).
    pub(crate) time_format: Vec<u8>,
    pub(crate) mode: Mode,
    /// Walker threads of the parallel modes (`-j`); `None` lets the walk
    /// choose by file system and raise it as it measures (the walk's
    /// plan).
    pub(crate) threads: Option<usize>,
    /// `-v`: progress on stderr (always on in verbose mode).
    pub(crate) verbose: bool,
    /// How often progress is reported.
    pub(crate) tick: Duration,
    /// `-v` without `--no-history` or CDU_NO_HISTORY: progress is measured
    /// against earlier scans, and this one is remembered.
    pub(crate) history: bool,
    /// Whether a key press on a terminal stdin may cancel (off when stdin
    /// carries `--files0-from=-` names). Derived: see [`ConfigBuilder::build`].
    pub(crate) keys_cancel: bool,
    /// Every non-directory is handed on as an event, not only those `-a`
    /// prints (views and exports). Derived.
    pub(crate) list_all: bool,
    /// Each entry carries its type, its size in the other measure and its
    /// links, and excluded and other-file-system entries are handed on
    /// (exports). Derived.
    pub(crate) details: bool,
    /// GNU's `hash_all`: remember every (device, inode), not only those of
    /// files with several links, because the same file may be met twice.
    /// Derived.
    pub(crate) hash_all: bool,
    pub(crate) locale: Locale,
    /// `--json`: JSON lines instead of du's.
    pub(crate) json: bool,
    /// `--export=FILE`: also write the scan in ncdu's format (`-`: to
    /// stdout, instead of the lines).
    pub(crate) export: Option<std::ffi::OsString>,
    /// `--import=FILE`: read a saved scan instead of walking (`-`: stdin).
    pub(crate) import: Option<std::ffi::OsString>,
    /// `--import` given more than once: every part of a sharded scan, to
    /// be merged (`import` then holds the first).
    pub(crate) parts: Vec<std::ffi::OsString>,
    /// `--shard=K/N`: walk shard K of N and save it with `--export`.
    pub(crate) shard: Option<crate::shard_id::ShardId>,
    pub(crate) view: View,
    /// `--rows=N`: the most rows a tree may take; by default the
    /// terminal's height, or 40 when stdout is not a terminal.
    pub(crate) rows: Option<usize>,
    /// `--width=N`: the width of a tree's rows; by default the terminal's,
    /// or 80.
    pub(crate) width: Option<usize>,
    pub(crate) color: ColorWhen,
    /// `--diff=OLD`: print what changed since the saved scan or du
    /// listing OLD instead of du's lines (`-`: stdin).
    pub(crate) diff: Option<std::ffi::OsString>,
    /// `--html=FILE`: also draw the scan as one self-contained HTML page
    /// (`-`: to stdout, instead of the lines).
    pub(crate) html: Option<std::ffi::OsString>,
    /// `-i`: browse the scan interactively instead of printing it.
    pub(crate) interactive: bool,
    /// `--read-only`: the browser removes and rescans nothing.
    pub(crate) read_only: bool,
}

impl Config {
    /// A builder with du's defaults: no operands, disk usage in bytes,
    /// directories only, the `cancellable` mode.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The number du shows of `usage`: entries with `--inodes`, else
    /// bytes.
    pub(crate) fn value(&self, usage: crate::model::Usage) -> u64 {
        if self.inodes {
            usage.inodes
        } else {
            usage.bytes
        }
    }

    /// The same configuration for one other operand, as a rescan of part
    /// of the tree needs: what follows from the operands is worked out
    /// again.
    pub(crate) fn for_operand(&self, operand: Operand) -> Config {
        let mut config = self.clone();
        config.operands = vec![operand];
        config.files0_from = None;
        config.hash_all = config.needs_hash_all();
        config
    }

    /// Whether the same file may be met twice under different names: with
    /// several operands (or a list of them), or with every link followed.
    fn needs_hash_all(&self) -> bool {
        self.operands.len() > 1
            || self.files0_from.is_some()
            || self.dereference == Dereference::Always
    }

    /// Whether progress is reported in this configuration.
    pub(crate) fn progress(&self) -> bool {
        match self.mode {
            Mode::Sequential => false,
            Mode::Verbose => true,
            Mode::Parallel | Mode::Cancellable => self.verbose,
        }
    }

    /// The walk's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
}

/// Makes a [`Config`]: each choice set once, and what follows from them
/// (which files must be remembered for hard links, which entries the
/// outputs need to see, whether keys may cancel) worked out in
/// [`ConfigBuilder::build`] and nowhere else.
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    /// The choices; the fields [`ConfigBuilder::build`] derives are left
    /// at their defaults until then.
    config: Config,
    /// Every non-directory asked for as an event, whatever the outputs.
    list_files: bool,
    /// Details asked for, whatever the outputs.
    details: bool,
    /// Keys may cancel, unless stdin carries the operands.
    keys_cancel: bool,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            config: Config {
                operands: Vec::new(),
                files0_from: None,
                list_all: false,
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
                hash_all: false,
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
            },
            list_files: false,
            details: false,
            keys_cancel: true,
        }
    }
}

impl ConfigBuilder {
    /// Adds a file or directory to walk; operands are walked in the order
    /// added, and a file met under two of them is counted once.
    pub fn operand(mut self, path: impl AsRef<std::path::Path>) -> Self {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_ref().as_os_str().as_bytes().to_vec();
        self.config.operands.push(Operand::Path(bytes));
        self
    }

    /// Chooses how the walk is carried out (default: `cancellable`).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.config.mode = mode;
        self
    }

    /// Fixes the number of walker threads of the parallel modes (`-j`);
    /// `None`, the default, lets the walk choose and adjust it.
    pub fn threads(mut self, threads: Option<usize>) -> Self {
        self.config.threads = threads;
        self
    }

    /// Hands on every non-directory as an [`crate::Event::File`], not only
    /// the operands (default: off, as du without `-a`).
    pub fn list_files(mut self, on: bool) -> Self {
        self.list_files = on;
        self
    }

    /// Attaches [`crate::Details`] to files and directories, and hands on
    /// excluded and other-file-system entries as
    /// [`crate::Event::Skipped`] (default: off).
    pub fn details(mut self, on: bool) -> Self {
        self.details = on;
        self
    }

    /// Counts apparent sizes (`st_size`) instead of disk usage
    /// (`--apparent-size`).
    pub fn apparent_size(mut self, on: bool) -> Self {
        self.config.apparent = on;
        self
    }

    /// Counts every hard link of a file, not only the first met (`-l`).
    pub fn count_links(mut self, on: bool) -> Self {
        self.config.count_links = on;
        self
    }

    /// Chooses which symbolic links are followed (default: none).
    pub fn dereference(mut self, dereference: Dereference) -> Self {
        self.config.dereference = dereference;
        self
    }

    /// Stays on each operand's file system (`-x`).
    pub fn one_file_system(mut self, on: bool) -> Self {
        self.config.one_file_system = on;
        self
    }

    /// Leaves out entries whose name or path matches the shell pattern
    /// (`--exclude`).
    pub fn exclude(mut self, pattern: impl AsRef<[u8]>) -> Self {
        self.config.excludes.add(pattern.as_ref());
        self
    }

    /// Records the latest time of each entry's contents in
    /// [`crate::Usage::time`] (`--time`; default: none).
    pub fn time(mut self, kind: Option<TimeKind>) -> Self {
        self.config.time = kind;
        self
    }

    /// Lets a key press on the terminal cancel (the program turns it off
    /// for its benchmarks).
    pub(crate) fn keys_cancel(mut self, on: bool) -> Self {
        self.keys_cancel = on;
        self
    }

    /// The choices themselves, for the command line's parser, which sets
    /// many of them in du's order. The derived fields set here are
    /// overwritten by [`ConfigBuilder::build`].
    pub(crate) fn options(&mut self) -> &mut Config {
        &mut self.config
    }

    /// The configuration, with what follows from the choices worked out:
    /// a file may be met twice (several operands, `--files0-from`, `-L`)
    /// and so every file is remembered; the views, exports and the
    /// browser see every file, the exports and the browser with details;
    /// keys do not cancel when stdin carries the operands.
    pub fn build(self) -> Config {
        let ConfigBuilder {
            mut config,
            list_files,
            details,
            keys_cancel,
        } = self;
        let exports = config.json || config.export.is_some() || config.html.is_some();
        config.details = details || exports || config.interactive;
        config.list_all = list_files
            || exports
            || config.interactive
            || config.view != View::Du
            || config.diff.is_some();
        config.keys_cancel =
            keys_cancel && config.files0_from.as_ref().is_none_or(|from| from != "-");
        config.hash_all = config.needs_hash_all();
        config
    }
}

/// The default number of walker threads: two per core. On a warm cache or
/// in memory the cores are the limit, and every thread past them only
/// takes turns, which costs the one thread that orders the output its
/// share of the processors (`cdu -i` on the million-file tree, 2 cores:
/// 1.23x `cdu -s`'s time at 4 threads, 1.46x at 32). Where the threads
/// wait on a device (a cold cache) the tuner raises the count while the
/// processors sit idle.
pub fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 2).clamp(2, 64)
}
