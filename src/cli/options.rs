//! The options as one clap table: what they are called, which take a
//! value, and the order getopt lists GNU du's long options in. The getopt
//! replica, the help, the man page and the completions all read it.

use std::ffi::OsString;

use clap::{ArgAction, CommandFactory, Parser, ValueEnum, ValueHint};

use crate::getopt::OptionSpec;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// on a terminal, unless NO_COLOR is set (the default)
    Auto,
    /// always
    Always,
    /// never
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// one thread, no progress
    Sequential,
    /// one thread, with progress
    Verbose,
    /// many threads
    Parallel,
    /// many threads; a key, Ctrl-C or SIGTERM stops the walk (the default)
    Cancellable,
}

/// The heading of cdu's own options in the man page.
const OWN: &str = "cdu's own options";

/// The man page's description (and clap's long about).
const ABOUT: &str = "cdu reports how much disk space each FILE takes (the current \
directory when no FILE is named) and, for a directory, every directory below \
it: one line per entry, its size, a tab and its name, each directory after \
its contents.

The options, numbers, messages and exit statuses are those of GNU du 9.7, so \
cdu can stand in for du in a script; the tree is read on all cores, progress \
can be shown while it works, and a scan can be stopped and still print what \
it found.";

/// The options of GNU du 9.7, and cdu's own (`--mode`, `-j`, `-v`,
/// `--tick`, `--no-history`, `--bench-modes`, `--generate`, `--json`,
/// `--export`, `--import`, `--diff`, `--html` and the views' `--tree`, `--top`,
/// `--rows`, `--width`, `--color`), in the order of the help.
#[derive(Parser, Debug)]
#[command(
    name = "cdu",
    version,
    about = "disk usage of files and directories, GNU du's numbers on every core",
    long_about = ABOUT,
    override_usage = "cdu [OPTION]... [FILE]...\ncdu [OPTION]... --files0-from=F",
    disable_help_flag = true,
    disable_version_flag = true,
    args_override_self = true
)]
pub struct Cli {
    /// separate output lines with NUL bytes, not newlines
    ///
    /// Any name, newlines and all, can then be read back whole, by xargs -0 or
    /// sort -z.
    #[arg(short = '0', long)]
    pub null: bool,
    /// print a line for every file, not only for directories
    #[arg(short, long)]
    pub all: bool,
    /// count file lengths instead of the blocks files occupy
    ///
    /// The length is st_size, the blocks are st_blocks of 512 bytes. A sparse
    /// file takes less room than its length; a small file usually takes more.
    #[arg(short = 'A', long)]
    pub apparent_size: bool,
    /// print sizes in units of SIZE bytes
    ///
    /// Sizes are rounded up: -BM counts in MiB of 1,048,576 bytes. SIZE FORMAT
    /// below says what SIZE can be.
    #[arg(short = 'B', long, value_name = "SIZE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub block_size: Vec<OsString>,
    /// exact byte counts: --apparent-size with --block-size=1
    #[arg(short = 'b', long)]
    pub bytes: bool,
    /// end with the sum of all operands
    ///
    /// That line is named total.
    #[arg(short = 'c', long)]
    pub total: bool,
    /// follow a symbolic link only when it is an operand
    #[arg(short = 'D', long)]
    pub dereference_args: bool,
    /// print entries at most N levels under their operand
    ///
    /// A file is printed only with --all. What is not printed still counts in
    /// the sizes above it; -d 0 prints what -s prints.
    #[arg(short = 'd', long, value_name = "N", action = ArgAction::Append, allow_hyphen_values = true)]
    pub max_depth: Vec<OsString>,
    /// take the operands from F, names ended by NUL bytes (- for stdin)
    ///
    /// find -print0 writes such lists. No FILE may be named on the command
    /// line as well.
    #[arg(long, value_name = "F", allow_hyphen_values = true, value_hint = ValueHint::FilePath)]
    pub files0_from: Option<OsString>,
    /// the same as -D
    #[arg(short = 'H')]
    pub dereference_args_h: bool,
    /// print short sizes with a unit letter: 1K, 234M, 2G
    ///
    /// The units are powers of 1024, and sizes are rounded up.
    #[arg(short = 'h', long)]
    pub human_readable: bool,
    /// count inodes instead of space
    ///
    /// Files, directories and links count one each.
    #[arg(long)]
    pub inodes: bool,
    /// count in KiB, as --block-size=1K does
    #[arg(short = 'k')]
    pub kilobytes: bool,
    /// follow every symbolic link that is met
    #[arg(short = 'L', long)]
    pub dereference: bool,
    /// count a hard-linked file at each of its names
    ///
    /// Without it, a file with several hard links counts once, where it is met
    /// first.
    #[arg(short = 'l', long)]
    pub count_links: bool,
    /// count in MiB, as --block-size=1M does
    #[arg(short = 'm')]
    pub megabytes: bool,
    /// follow no symbolic link (what happens without -L, -D or -H)
    #[arg(short = 'P', long)]
    pub no_dereference: bool,
    /// leave subdirectories out of a directory's size
    #[arg(short = 'S', long)]
    pub separate_dirs: bool,
    /// as -h, with units of 1000 instead of 1024
    #[arg(long)]
    pub si: bool,
    /// print one line for each operand: its total
    #[arg(short = 's', long)]
    pub summarize: bool,
    /// leave out entries under SIZE, or over -SIZE if negative
    ///
    /// What is left out still counts in the sizes above it.
    #[arg(short = 't', long, value_name = "SIZE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub threshold: Vec<OsString>,
    /// add the newest modification (or WORD) time found under each entry
    ///
    /// WORD is atime, access or use for the last access, and ctime or status
    /// for the last change of the inode.
    #[arg(long, value_name = "WORD", num_args = 0..=1, require_equals = true)]
    pub time: Option<Option<OsString>>,
    /// write times as full-iso, long-iso, iso or +FORMAT
    ///
    /// long-iso is used when neither this option nor TIME_STYLE says
    /// otherwise; FORMAT is written as date(1) takes it.
    #[arg(long, value_name = "STYLE")]
    pub time_style: Option<OsString>,
    /// skip names matching a pattern in FILE, one pattern a line
    #[arg(short = 'X', long, value_name = "FILE", action = ArgAction::Append, allow_hyphen_values = true, value_hint = ValueHint::FilePath)]
    pub exclude_from: Vec<OsString>,
    /// skip names matching the shell pattern PATTERN
    #[arg(long, value_name = "PATTERN", action = ArgAction::Append, allow_hyphen_values = true)]
    pub exclude: Vec<OsString>,
    /// stay on the file system each operand is on
    #[arg(short = 'x', long)]
    pub one_file_system: bool,
    /// how to walk: sequential, verbose, parallel or cancellable
    ///
    /// Every mode prints the same; MODES below says how they differ.
    #[arg(long, value_enum, default_value_t = ModeArg::Cancellable, help_heading = OWN)]
    pub mode: ModeArg,
    /// walker threads of the parallel modes
    ///
    /// From 1 to 1024. Without it the count fits the file system and is
    /// raised while the scan waits on it: a local disk starts at 2 per
    /// core (2 to 64), FUSE at 64, a network file system at 32 per core.
    #[arg(short = 'j', long, value_name = "N", help_heading = OWN)]
    pub threads: Option<OsString>,
    /// show progress on stderr while scanning
    #[arg(short = 'v', long, help_heading = OWN)]
    pub verbose: bool,
    /// how often progress is shown: 500ms (default), 2s, 1.5
    #[arg(long, value_name = "DURATION", help_heading = OWN)]
    pub tick: Option<OsString>,
    /// neither use nor keep the totals of earlier -v scans
    ///
    /// With -v, cdu remembers each directory's totals to show the next scan's
    /// percentage and time left; CDU_NO_HISTORY=1 turns that off as well.
    #[arg(long, help_heading = OWN)]
    pub no_history: bool,
    /// time every mode on FILE (default .) and print a table
    ///
    /// Each mode, and each thread count of the parallel ones, runs after a
    /// warm-up; with -j N the parallel modes run at N threads only.
    #[arg(long, help_heading = OWN)]
    pub bench_modes: bool,
    /// print the man page or a shell's completion script
    ///
    /// The man page is roff, for man -l or a man1 directory. Both are made
    /// from cdu's table of options, so they list every option there is.
    #[arg(long, value_enum, value_name = "KIND", help_heading = OWN)]
    pub generate: Option<Generate>,
    /// print JSON lines instead of du's lines, then a summary line
    ///
    /// One object for each line du would print, in the same order, with the
    /// disk usage, apparent size and entries of each; README.md gives the
    /// schema, and how a name that is not UTF-8 is written.
    #[arg(long, help_heading = OWN)]
    pub json: bool,
    /// also save the scan in ncdu's export format to FILE (- for stdout)
    ///
    /// ncdu -f FILE and gdu -f FILE browse it, cdu --import reads it.
    /// With -, the export takes stdout's place instead of the lines.
    #[arg(long, value_name = "FILE", allow_hyphen_values = true, value_hint = ValueHint::FilePath, help_heading = OWN)]
    pub export: Option<OsString>,
    /// read a saved scan from FILE (- for stdin) instead of scanning
    ///
    /// FILE is an export of cdu, ncdu or gdu; the other options apply to it as
    /// to a scan.
    ///
    /// Given more than once, each FILE is a part saved with --shard, and the
    /// parts are merged into the scan of the whole tree.
    #[arg(long, value_name = "FILE", action = ArgAction::Append, allow_hyphen_values = true, value_hint = ValueHint::FilePath, help_heading = OWN)]
    pub import: Vec<OsString>,
    /// walk shard K of N of the tree and save it with --export (K/N or auto)
    ///
    /// Every shard cuts the tree the same way; %r in --export's FILE becomes
    /// K. auto takes K and N from Slurm's, Open MPI's or PMI's variables.
    /// The parts, each given with --import, merge into the whole scan.
    #[arg(long, value_name = "K/N", help_heading = OWN)]
    pub shard: Option<OsString>,
    /// print what changed since OLD, a saved scan or a du listing
    ///
    /// One row per change, largest first: the signed change, a tab, new, gone
    /// or changed, a tab and the path. A listing's numbers are read in the
    /// units the other options give.
    #[arg(long, value_name = "OLD", allow_hyphen_values = true, value_hint = ValueHint::FilePath, help_heading = OWN)]
    pub diff: Option<OsString>,
    /// also draw the scan as one self-contained HTML page in FILE (- for stdout)
    ///
    /// The page holds a treemap and an icicle of the tree that zoom on a
    /// click, and a table of the largest files; it needs no network and no
    /// other file. With --diff, entries are coloured by how they changed.
    /// With -, the page takes stdout's place instead of the lines.
    #[arg(long, value_name = "FILE", allow_hyphen_values = true, value_hint = ValueHint::FilePath, help_heading = OWN)]
    pub html: Option<OsString>,
    /// show each FILE as a tree of its largest entries, biggest first
    ///
    /// Each row holds a size (human-readable unless a size option says
    /// otherwise), the share of the operand's total and a bar. A directory
    /// whose entries do not all fit ends with one row for the rest, so the
    /// rows under it add up to it. -d limits the depth.
    #[arg(long, help_heading = OWN)]
    pub tree: bool,
    /// print the N largest files under the FILEs as du's lines, biggest first
    ///
    /// Sizes are in du's units, as du -a would print those files; a
    /// hard-linked file appears once unless -l.
    #[arg(long, value_name = "N", help_heading = OWN)]
    pub top: Option<OsString>,
    /// the most rows a --tree may take
    ///
    /// The default is the terminal's height when stdout is a terminal, and 40
    /// otherwise, for each FILE.
    #[arg(long, value_name = "N", help_heading = OWN)]
    pub rows: Option<OsString>,
    /// the width of a --tree's rows (default: the terminal's, or 80)
    #[arg(long, value_name = "N", help_heading = OWN)]
    pub width: Option<OsString>,
    /// colour a --tree: auto, always or never
    ///
    /// auto colours only a terminal, and not when the NO_COLOR variable is
    /// set.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto, help_heading = OWN)]
    pub color: ColorArg,
    /// browse the FILEs in a full-screen view as they are scanned
    ///
    /// Entries are listed biggest first and can be opened, sorted, marked,
    /// deleted (d) or moved to the trash (D), always after a confirmation
    /// that only y accepts. Esc stops the scan and keeps what was found; ?
    /// lists the keys. With --diff=OLD, a column shows each entry's change
    /// since OLD (entries only OLD had are listed as gone) and + sorts by
    /// it.
    #[arg(short = 'i', long, help_heading = OWN)]
    pub interactive: bool,
    /// with -i, delete, trash and rescan nothing
    #[arg(long, help_heading = OWN)]
    pub read_only: bool,
    /// print the list of options
    #[arg(long)]
    pub help: bool,
    /// print cdu's version
    #[arg(long)]
    pub version: bool,
    /// the files and directories to measure (default: .)
    #[arg(value_name = "FILE", allow_hyphen_values = false, value_hint = ValueHint::AnyPath)]
    pub files: Vec<OsString>,
}

/// GNU du's long options in its own order, for getopt's ambiguity message.
const GNU_LONG_OPTIONS: &[&str] = &[
    "all",
    "apparent-size",
    "block-size",
    "bytes",
    "count-links",
    "dereference",
    "dereference-args",
    "exclude",
    "exclude-from",
    "files0-from",
    "human-readable",
    "inodes",
    "si",
    "max-depth",
    "null",
    "no-dereference",
    "one-file-system",
    "separate-dirs",
    "summarize",
    "total",
    "threshold",
    "time",
    "time-style",
    "help",
    "version",
    // cdu's own, which must come last (see CDU_LONG_OPTIONS).
    "mode",
    "threads",
    "verbose",
    "tick",
    "bench-modes",
    "generate",
    "no-history",
    "json",
    "export",
    "import",
    "shard",
    "diff",
    "html",
    "tree",
    "top",
    "rows",
    "width",
    "color",
    "interactive",
    "read-only",
];

/// How many of [`GNU_LONG_OPTIONS`], at its end, are cdu's own.
const CDU_LONG_OPTIONS: usize = 20;

/// The option table getopt reads: clap's definition of [`Cli`], in GNU
/// du's order of long options (the order of getopt's ambiguity list).
pub(super) fn option_table() -> Vec<OptionSpec> {
    let command = Cli::command();
    let mut table: Vec<OptionSpec> = command
        .get_arguments()
        .filter(|a| !a.is_positional())
        .map(|a| OptionSpec {
            id: a.get_id().to_string(),
            short: a.get_short(),
            long: a.get_long().map(str::to_string),
            takes_value: a.get_action().takes_values(),
            optional_value: a.get_num_args().is_some_and(|n| n.min_values() == 0),
            gnu: a.get_long().is_none_or(|l| {
                GNU_LONG_OPTIONS[..GNU_LONG_OPTIONS.len() - CDU_LONG_OPTIONS].contains(&l)
            }),
        })
        .collect();
    let rank = |s: &OptionSpec| {
        s.long
            .as_deref()
            .and_then(|l| GNU_LONG_OPTIONS.iter().position(|g| *g == l))
            .unwrap_or(usize::MAX)
    };
    table.sort_by_key(rank);
    table
}

/// What `--generate` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    /// the man page, in roff (man -l reads it)
    Man,
    /// the completion script of bash
    CompleteBash,
    /// the completion script of zsh
    CompleteZsh,
    /// the completion script of fish
    CompleteFish,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
