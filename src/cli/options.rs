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
    /// end each output line with NUL, not newline
    #[arg(short = '0', long)]
    pub null: bool,
    /// write counts for all files, not just directories
    #[arg(short, long)]
    pub all: bool,
    /// print apparent sizes rather than device usage
    #[arg(short = 'A', long)]
    pub apparent_size: bool,
    /// scale sizes by SIZE before printing them
    #[arg(short = 'B', long, value_name = "SIZE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub block_size: Vec<OsString>,
    /// equivalent to '--apparent-size --block-size=1'
    #[arg(short = 'b', long)]
    pub bytes: bool,
    /// produce a grand total
    #[arg(short = 'c', long)]
    pub total: bool,
    /// dereference only symlinks that are listed on the command line
    #[arg(short = 'D', long)]
    pub dereference_args: bool,
    /// print the total for a directory only if it is N or fewer levels below the operand
    #[arg(short = 'd', long, value_name = "N", action = ArgAction::Append, allow_hyphen_values = true)]
    pub max_depth: Vec<OsString>,
    /// summarize the NUL-terminated file names in file F (- for stdin)
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub files0_from: Option<OsString>,
    /// equivalent to --dereference-args (-D)
    #[arg(short = 'H')]
    pub dereference_args_h: bool,
    /// print sizes in human readable format (e.g., 1K 234M 2G)
    #[arg(short = 'h', long)]
    pub human_readable: bool,
    /// list inode usage information instead of block usage
    #[arg(long)]
    pub inodes: bool,
    /// like --block-size=1K
    #[arg(short = 'k')]
    pub kilobytes: bool,
    /// dereference all symbolic links
    #[arg(short = 'L', long)]
    pub dereference: bool,
    /// count sizes many times if hard linked
    #[arg(short = 'l', long)]
    pub count_links: bool,
    /// like --block-size=1M
    #[arg(short = 'm')]
    pub megabytes: bool,
    /// don't follow any symbolic links (the default)
    #[arg(short = 'P', long)]
    pub no_dereference: bool,
    /// for directories do not include size of subdirectories
    #[arg(short = 'S', long)]
    pub separate_dirs: bool,
    /// like -h, but use powers of 1000 not 1024
    #[arg(long)]
    pub si: bool,
    /// display only a total for each argument
    #[arg(short = 's', long)]
    pub summarize: bool,
    /// exclude entries smaller than SIZE if positive, or greater than SIZE if negative
    #[arg(short = 't', long, value_name = "SIZE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub threshold: Vec<OsString>,
    /// exclude files that match any pattern in FILE
    #[arg(short = 'X', long, value_name = "FILE", action = ArgAction::Append, allow_hyphen_values = true)]
    pub exclude_from: Vec<OsString>,
    /// exclude files that match PATTERN
    #[arg(long, value_name = "PATTERN", action = ArgAction::Append, allow_hyphen_values = true)]
    pub exclude: Vec<OsString>,
    /// skip directories on different file systems
    #[arg(short = 'x', long)]
    pub one_file_system: bool,
    /// show the time of the last modification (or WORD) of any file in the directory
    #[arg(long, value_name = "WORD", num_args = 0..=1, require_equals = true)]
    pub time: Option<Option<OsString>>,
    /// show times using STYLE: full-iso, long-iso, iso, or +FORMAT
    #[arg(long, value_name = "STYLE")]
    pub time_style: Option<OsString>,
    /// how to walk: sequential, verbose, parallel or cancellable
    #[arg(long, value_enum, default_value_t = ModeArg::Cancellable)]
    pub mode: ModeArg,
    /// walker threads of the parallel modes
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<OsString>,
    /// show progress on stderr while scanning
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// how often progress is reported, e.g. 500ms, 2s
    #[arg(long, value_name = "DURATION")]
    pub tick: Option<OsString>,
    /// time every mode on the operand (default .) and print a table
    #[arg(long)]
    pub bench_modes: bool,
    /// display this help and exit
    #[arg(long)]
    pub help: bool,
    /// output version information and exit
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
