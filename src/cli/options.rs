//! The options as one clap table: what they are called, which take a
//! value, and the order getopt lists GNU du's long options in. The getopt
//! replica, the help, the man page and the completions all read it.

use std::ffi::OsString;

use clap::{ArgAction, CommandFactory, Parser, ValueEnum};

use crate::getopt::OptionSpec;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Sequential,
    Verbose,
    Parallel,
    Cancellable,
}

/// The options of GNU du 9.7, and cdu's own (`--mode`, `-j`, `-v`,
/// `--tick`, `--bench-modes`).
#[derive(Parser, Debug)]
#[command(
    name = "cdu",
    disable_help_flag = true,
    disable_version_flag = true,
    args_override_self = true
)]
pub struct Cli {
    /// separate output lines with NUL bytes, not newlines
    ///
    /// Separate output lines with NUL bytes instead of newlines, so that any
    /// name can be read back (xargs -0, sort -z).
    #[arg(short = '0', long)]
    pub null: bool,
    /// print a line for every file, not only for directories
    #[arg(short, long)]
    pub all: bool,
    /// count file lengths instead of the blocks files occupy
    ///
    /// Count the length of each file (st_size) instead of the blocks it
    /// occupies on the device. A sparse file takes less room than its length;
    /// a small file usually takes more.
    #[arg(short = 'A', long)]
    pub apparent_size: bool,
    /// print sizes in units of SIZE bytes
    ///
    /// Print sizes in units of SIZE bytes, rounded up: -BM counts in MiB of
    /// 1,048,576 bytes. See SIZE FORMAT for what SIZE can be.
    #[arg(short = 'B', long, value_name = "SIZE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub block_size: Vec<OsString>,
    /// exact byte counts: --apparent-size with --block-size=1
    #[arg(short = 'b', long)]
    pub bytes: bool,
    /// end with the sum of all operands
    ///
    /// End with one more line, "total", the sum of all operands.
    #[arg(short = 'c', long)]
    pub total: bool,
    /// follow a symbolic link only when it is an operand
    #[arg(short = 'D', long)]
    pub dereference_args: bool,
    /// print entries at most N levels under their operand
    ///
    /// Print a directory (or a file, with --all) only when it lies at most N
    /// levels under its operand. What is not printed still counts in the sizes
    /// above it; -d 0 prints what -s prints.
    #[arg(short = 'd', long, value_name = "N", action = ArgAction::Append, allow_hyphen_values = true)]
    pub max_depth: Vec<OsString>,
    /// take the operands from F, names ended by NUL bytes (- for stdin)
    ///
    /// Take the operands from file F, each name ended by a NUL byte (find
    /// -print0 writes such lists); with F given as -, read the list from
    /// standard input. No FILE may be named on the command line then.
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub files0_from: Option<OsString>,
    /// the same as -D
    #[arg(short = 'H')]
    pub dereference_args_h: bool,
    /// print short sizes with a unit letter: 1K, 234M, 2G
    ///
    /// Print short sizes with a unit letter (1K, 234M, 2G), in powers of 1024,
    /// rounded up.
    #[arg(short = 'h', long)]
    pub human_readable: bool,
    /// count inodes instead of space
    ///
    /// Count inodes (files, directories, links) instead of space.
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
    /// Count a file with several hard links at each of its names, instead of
    /// only at the first one met.
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
    /// Leave out entries smaller than SIZE when SIZE is positive, and entries
    /// larger than -SIZE when it is negative. They still count in the sizes
    /// above them.
    #[arg(short = 't', long, value_name = "SIZE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub threshold: Vec<OsString>,
    /// skip names matching a pattern in FILE, one pattern a line
    #[arg(short = 'X', long, value_name = "FILE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub exclude_from: Vec<OsString>,
    /// skip names matching the shell pattern PATTERN
    #[arg(long, value_name = "PATTERN", action = ArgAction::Append, allow_hyphen_values = true)]
    pub exclude: Vec<OsString>,
    /// stay on the file system each operand is on
    #[arg(short = 'x', long)]
    pub one_file_system: bool,
    /// add the newest modification (or WORD) time found under each entry
    ///
    /// Add to each line the newest modification time found in the directory
    /// and everything below it. With a WORD, take another time: atime, access
    /// or use for the last access, ctime or status for the last change of the
    /// inode.
    #[arg(long, value_name = "WORD", num_args = 0..=1, require_equals = true)]
    pub time: Option<Option<OsString>>,
    /// write times as full-iso, long-iso, iso or +FORMAT
    ///
    /// Write times in STYLE: full-iso, long-iso (used when neither this option
    /// nor TIME_STYLE says otherwise), iso, or +FORMAT, with FORMAT written as
    /// date(1) takes it.
    #[arg(long, value_name = "STYLE")]
    pub time_style: Option<OsString>,
    /// how to walk: sequential, verbose, parallel or cancellable
    ///
    /// How to walk the tree; every mode prints the same. sequential: one
    /// thread. verbose: one thread, with progress. parallel: many threads.
    /// cancellable (the default): many threads, and a key press, Ctrl-C or
    /// SIGTERM stops the walk and prints what was found, marked partial.
    #[arg(long, value_enum, default_value_t = ModeArg::Cancellable)]
    pub mode: ModeArg,
    /// walker threads of the parallel modes
    ///
    /// Walker threads of the parallel modes, from 1 to 1024 (default: 16 per
    /// core, from 16 to 64).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<OsString>,
    /// show progress on stderr while scanning
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// how often progress is shown: 500ms (default), 2s, 1.5
    #[arg(long, value_name = "DURATION")]
    pub tick: Option<OsString>,
    /// time every mode on FILE (default .) and print a table
    ///
    /// Time every mode (and thread count) on FILE, default the current
    /// directory, after a warm-up, and print a table; with -j N the parallel
    /// modes run at N threads only.
    #[arg(long)]
    pub bench_modes: bool,
    /// print the list of options
    #[arg(long)]
    pub help: bool,
    /// print cdu's version
    #[arg(long)]
    pub version: bool,
    #[arg(value_name = "FILE", allow_hyphen_values = false)]
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
];

/// How many of [`GNU_LONG_OPTIONS`], at its end, are cdu's own.
const CDU_LONG_OPTIONS: usize = 5;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
