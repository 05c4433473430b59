//! Command-line options (clap) and their conversion into a [`Config`].
//! GNU du decides some things by the order of options (the last of `-b -h
//! -k -m --si -B` wins, a bad `-B` stops parsing where it stands), so the
//! conversion replays the occurrences in command-line order, and clap's
//! errors are reworded as getopt words them.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, Parser, ValueEnum};

use crate::config::{Config, Dereference, Mode, Operand, TimeKind, default_threads};
use crate::exclude::Excludes;
use crate::getopt::{Event, OptionSpec, getopt};
use crate::quote::{Locale, quote, quote_always, quote_if_needed};
use crate::size::{NumError, SizeFormat, initial_format, parse_block_size, parse_number};

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

/// The most walker threads `-j` accepts: far past where more help, short
/// of where the system runs out of threads or memory for their stacks.
pub const MAX_THREADS: usize = 1024;

/// How many of [`GNU_LONG_OPTIONS`], at its end, are cdu's own.
const CDU_LONG_OPTIONS: usize = 5;

/// What the command line asks for.
pub enum Action {
    Run(Box<Config>),
    /// Print this on stdout and exit 0 (`--help`, `--version`).
    Print(String),
    /// Diagnostics were printed; exit with status 1.
    Fail,
    /// `--bench-modes`: time every mode on `dir`, the parallel ones at
    /// `threads` (the defaults when empty).
    BenchModes {
        dir: std::path::PathBuf,
        threads: Vec<usize>,
    },
}

/// The environment the conversion reads, so that tests can set it.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub du_block_size: Option<Vec<u8>>,
    pub block_size: Option<Vec<u8>>,
    pub blocksize: Option<Vec<u8>>,
    pub posixly_correct: bool,
    pub locale: Locale,
}

impl Env {
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var_os(name).map(OsStringExt::into_vec);
        Env {
            du_block_size: var("DU_BLOCK_SIZE"),
            block_size: var("BLOCK_SIZE"),
            blocksize: var("BLOCKSIZE"),
            posixly_correct: std::env::var_os("POSIXLY_CORRECT").is_some(),
            locale: Locale::from_env(),
        }
    }
}

/// Collects diagnostics in order; `fatal` ones end parsing at once.
struct Diagnostics {
    lines: Vec<Vec<u8>>,
}

impl Diagnostics {
    fn push(&mut self, parts: &[&[u8]]) {
        let mut line = [crate::message::program(), b": "].concat();
        for p in parts {
            line.extend_from_slice(p);
        }
        self.lines.push(line);
    }

    fn flush(&mut self, try_help: bool) {
        let mut stderr = crate::stdio_state::stderr();
        for mut line in self.lines.drain(..) {
            line.push(b'\n');
            crate::message::write_line(&mut stderr, &line);
        }
        if try_help {
            crate::message::write_line(&mut stderr, &crate::message::try_help());
        }
    }
}

/// The option table getopt reads: clap's definition of [`Cli`], in GNU
/// du's order of long options (the order of getopt's ambiguity list).
fn option_table() -> Vec<OptionSpec> {
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

/// Parses `args` (without the program name) in environment `env`.
pub fn parse(args: Vec<OsString>, env: &Env) -> Action {
    let table = option_table();
    let events = getopt(&args, &table, env.posixly_correct);
    let mut diag = Diagnostics { lines: Vec::new() };
    let mut ordered = Ordered::new(env);
    // getopt's errors and the checks of option values, in command-line
    // order, as du meets them.
    for event in &events {
        match event {
            Event::Error(message) => {
                diag.push(&[message.as_bytes()]);
                ordered.ok = false;
            }
            Event::Operand(_) => {}
            Event::Opt { id, value, long } => match id.as_str() {
                "help" => {
                    diag.flush(false);
                    return Action::Print(help_text());
                }
                "version" => {
                    diag.flush(false);
                    return Action::Print(format!(
                        "cdu {}\nA parallel du: GNU du's numbers and options (coreutils 9.7).\n",
                        env!("CARGO_PKG_VERSION")
                    ));
                }
                _ => {
                    if ordered
                        .apply(id, value.as_deref(), *long, env, &mut diag)
                        .is_err()
                    {
                        diag.flush(false);
                        return Action::Fail;
                    }
                }
            },
        }
    }
    if !ordered.ok {
        diag.flush(true);
        return Action::Fail;
    }
    // The rest is plain: let clap read it, spelled out in full.
    let mut argv = vec![OsString::from("cdu")];
    let mut operands = Vec::new();
    for event in &events {
        match event {
            Event::Opt { id, value, .. } => {
                let spec = table.iter().find(|s| s.id == *id);
                let mut arg = match spec.and_then(|s| s.long.as_deref()) {
                    Some(long) => format!("--{long}").into_bytes(),
                    None => format!("-{}", spec.and_then(|s| s.short).unwrap_or('?')).into_bytes(),
                };
                if let Some(v) = value {
                    arg.push(b'=');
                    arg.extend_from_slice(v.as_bytes());
                }
                argv.push(OsString::from_vec(arg));
            }
            Event::Operand(o) => operands.push(o.clone()),
            Event::Error(_) => {}
        }
    }
    argv.push(OsString::from("--"));
    argv.extend(operands);
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            diag.push(&[clap_message(&e).as_bytes()]);
            diag.flush(true);
            return Action::Fail;
        }
    };
    if cli.bench_modes {
        let dir = cli.files.first().cloned().unwrap_or_else(|| ".".into());
        let threads = match cli
            .threads
            .as_deref()
            .map(|t| parse_threads(t, env.locale, &mut diag))
        {
            None => Vec::new(),
            Some(Some(t)) => vec![t],
            Some(None) => {
                diag.flush(true);
                return Action::Fail;
            }
        };
        return Action::BenchModes {
            dir: dir.into(),
            threads,
        };
    }
    match build(cli, ordered, env, &mut diag) {
        Ok(config) => {
            diag.flush(false);
            Action::Run(Box::new(config))
        }
        Err(try_help) => {
            diag.flush(try_help);
            Action::Fail
        }
    }
}

/// `-j N`: a thread count from 1 to [`MAX_THREADS`], or a diagnostic.
fn parse_threads(value: &OsStr, locale: Locale, diag: &mut Diagnostics) -> Option<usize> {
    let threads = value
        .to_str()
        .and_then(|t| t.parse::<usize>().ok())
        .filter(|t| (1..=MAX_THREADS).contains(t));
    if threads.is_none() {
        diag.push(&[
            b"invalid number of threads ",
            &quote(value.as_bytes(), locale),
        ]);
    }
    threads
}

/// A value clap refused (only cdu's own `--mode` has a closed set).
fn clap_message(e: &clap::Error) -> String {
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split([' ', '=']).next().unwrap_or("").to_string(),
        _ => String::new(),
    };
    match (e.kind(), e.get(ContextKind::InvalidValue)) {
        (ErrorKind::InvalidValue, Some(ContextValue::String(v))) => {
            format!("invalid argument '{v}' for '{arg}'")
        }
        _ => e
            .to_string()
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ")
            .to_string(),
    }
}

/// The options whose order matters, applied as they come: the last size
/// format and dereference option win, and a bad value is diagnosed where
/// it stands (fatally for `-B` and `-t`, as du does).
struct Ordered {
    format: SizeFormat,
    apparent: bool,
    dereference: Dereference,
    threshold: i64,
    max_depth: Option<i64>,
    time: Option<TimeKind>,
    excludes: Excludes,
    /// No diagnostic that calls for the usage hint so far.
    ok: bool,
}

/// A diagnostic after which du exits at once, without the usage hint.
struct Fatal;

impl Ordered {
    fn new(env: &Env) -> Self {
        Ordered {
            format: initial_format(
                env.du_block_size.as_deref(),
                env.block_size.as_deref(),
                env.blocksize.as_deref(),
                env.posixly_correct,
            ),
            apparent: false,
            dereference: Dereference::Never,
            threshold: 0,
            max_depth: None,
            time: None,
            excludes: Excludes::default(),
            ok: true,
        }
    }

    fn apply(
        &mut self,
        id: &str,
        value: Option<&OsStr>,
        long: bool,
        env: &Env,
        diag: &mut Diagnostics,
    ) -> Result<(), Fatal> {
        let v = value.map(OsStrExt::as_bytes).unwrap_or_default();
        let locale = env.locale;
        match id {
            "human_readable" => self.format = SizeFormat::human(),
            "si" => self.format = SizeFormat::si(),
            "kilobytes" => self.format = SizeFormat::blocks(1024),
            "megabytes" => self.format = SizeFormat::blocks(1024 * 1024),
            "bytes" => {
                self.apparent = true;
                self.format = SizeFormat::blocks(1);
            }
            "dereference_args" | "dereference_args_h" => self.dereference = Dereference::Args,
            "dereference" => self.dereference = Dereference::Always,
            "no_dereference" => self.dereference = Dereference::Never,
            "block_size" => {
                let (format, error) = parse_block_size(v, env.posixly_correct);
                if let Some(e) = error {
                    let option = if long { "--block-size" } else { "-B" };
                    diag.push(&[&num_error_message(e, option, v)]);
                    return Err(Fatal);
                }
                self.format = format;
            }
            "threshold" => {
                let parsed = parse_number(v, true, b"kKmMGTPEZYRQ0");
                if let Some(e) = parsed.error {
                    let option = if long { "--threshold" } else { "-t" };
                    diag.push(&[&num_error_message(e, option, v)]);
                    return Err(Fatal);
                }
                let t = parsed.value.unwrap_or(0) as i64;
                if t == 0 && v.first() == Some(&b'-') {
                    diag.push(&[b"invalid --threshold argument '-0'"]);
                    return Err(Fatal);
                }
                self.threshold = t;
            }
            "max_depth" => {
                let parsed = parse_number(v, true, b"");
                match (parsed.error, parsed.value) {
                    (None, Some(d)) => self.max_depth = Some(d as i64),
                    _ => {
                        diag.push(&[b"invalid maximum depth ", &quote(v, locale)]);
                        self.ok = false;
                    }
                }
            }
            "exclude_from" => match read_file_or_stdin(value.unwrap_or_default()) {
                Ok(contents) => self.excludes.add_lines(&contents),
                Err(e) => {
                    let reason = crate::message::strerror(e.raw_os_error().unwrap_or(0));
                    diag.push(&[&quote_if_needed(v, locale), b": ", reason.as_bytes()]);
                    self.ok = false;
                }
            },
            "exclude" => self.excludes.add(v),
            "time" => {
                const WORDS: &[(&str, TimeKind)] = &[
                    ("atime", TimeKind::Access),
                    ("access", TimeKind::Access),
                    ("use", TimeKind::Access),
                    ("ctime", TimeKind::StatusChange),
                    ("status", TimeKind::StatusChange),
                ];
                self.time = match value {
                    None => Some(TimeKind::Modification),
                    Some(_) => match argmatch(v, WORDS, "--time", locale, diag) {
                        Some(kind) => Some(kind),
                        None => {
                            self.ok = false;
                            None
                        }
                    },
                };
            }
            _ => {}
        }
        Ok(())
    }
}

/// Matches `value` against `words` as gnulib's argmatch does: exactly, or
/// by an abbreviation that all its matches agree on. Otherwise diagnoses it
/// with the list of valid words, grouped by meaning.
fn argmatch<T: Copy + PartialEq>(
    value: &[u8],
    words: &[(&str, T)],
    context: &str,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<T> {
    if let Some((_, t)) = words.iter().find(|(w, _)| w.as_bytes() == value) {
        return Some(*t);
    }
    let matches: Vec<T> = words
        .iter()
        .filter(|(w, _)| w.as_bytes().starts_with(value))
        .map(|(_, t)| *t)
        .collect();
    if let Some(&first) = matches.first()
        && matches.iter().all(|t| *t == first)
    {
        return Some(first);
    }
    let problem: &[u8] = if matches.is_empty() {
        b"invalid argument "
    } else {
        b"ambiguous argument "
    };
    diag.push(&[
        problem,
        &quote(value, locale),
        b" for ",
        &quote(context.as_bytes(), locale),
    ]);
    diag.lines.push(b"Valid arguments are:".to_vec());
    let mut line: Vec<u8> = Vec::new();
    for (i, (word, t)) in words.iter().enumerate() {
        if i > 0 && words[i - 1].1 == *t {
            line.extend_from_slice(b", ");
        } else {
            if !line.is_empty() {
                diag.lines.push(std::mem::take(&mut line));
            }
            line.extend_from_slice(b"  - ");
        }
        line.extend_from_slice(&quote(word.as_bytes(), locale));
    }
    diag.lines.push(line);
    None
}

fn num_error_message(e: NumError, option: &str, arg: &[u8]) -> Vec<u8> {
    let arg = String::from_utf8_lossy(arg);
    match e {
        NumError::Invalid => format!("invalid {option} argument '{arg}'"),
        NumError::InvalidSuffix => format!("invalid suffix in {option} argument '{arg}'"),
        NumError::Overflow => format!("{option} argument '{arg}' too large"),
    }
    .into_bytes()
}

/// Builds the configuration from the plain options and the ordered ones,
/// with du's checks of how they combine. On error, returns whether the
/// usage hint follows.
fn build(cli: Cli, ordered: Ordered, env: &Env, diag: &mut Diagnostics) -> Result<Config, bool> {
    let locale = env.locale;
    let mut config = Config::new(Vec::new());
    config.locale = locale;
    config.format = ordered.format;
    config.apparent = ordered.apparent || cli.apparent_size;
    config.dereference = ordered.dereference;
    config.threshold = ordered.threshold;
    config.excludes = ordered.excludes;
    if let Some(d) = ordered.max_depth {
        config.max_depth = d;
    }
    let mut ok = true;
    if let Some(threads) = &cli.threads {
        match parse_threads(threads, locale, diag) {
            Some(t) => config.threads = t,
            None => ok = false,
        }
    }
    if let Some(tick) = &cli.tick {
        match tick.to_str().and_then(parse_duration) {
            Some(d) => config.tick = d,
            None => {
                diag.push(&[b"invalid tick duration ", &quote(tick.as_bytes(), locale)]);
                ok = false;
            }
        }
    }
    if !ok {
        return Err(true);
    }
    if cli.all && cli.summarize {
        diag.push(&[b"cannot both summarize and show all entries"]);
        return Err(true);
    }
    if cli.summarize
        && let Some(depth) = ordered.max_depth
    {
        if depth == 0 {
            diag.push(&[b"warning: summarizing is the same as using --max-depth=0"]);
        } else {
            diag.push(&[
                format!("warning: summarizing conflicts with --max-depth={depth}").as_bytes(),
            ]);
            return Err(true);
        }
    }
    if cli.summarize {
        config.max_depth = 0;
    }
    if let Some(kind) = ordered.time {
        config.time = Some(kind);
        config.time_format = time_format(cli.time_style.as_deref(), locale, diag).ok_or(true)?;
    }
    if cli.inodes {
        if config.apparent {
            diag.push(&[b"warning: options --apparent-size and -b are ineffective with --inodes"]);
        }
        config.format.block_size = 1;
    }
    config.inodes = cli.inodes;
    config.all = cli.all;
    config.total = cli.total;
    config.count_links = cli.count_links;
    config.one_file_system = cli.one_file_system;
    config.separate_dirs = cli.separate_dirs;
    config.null = cli.null;
    config.verbose = cli.verbose;
    config.mode = match cli.mode {
        ModeArg::Sequential => Mode::Sequential,
        ModeArg::Verbose => Mode::Verbose,
        ModeArg::Parallel => Mode::Parallel,
        ModeArg::Cancellable => Mode::Cancellable,
    };
    if let Some(from) = &cli.files0_from {
        if let Some(extra) = cli.files.first() {
            diag.push(&[b"extra operand ", &quote(extra.as_bytes(), locale)]);
            diag.lines
                .push(b"file operands cannot be combined with --files0-from".to_vec());
            return Err(true);
        }
        let contents = match read_file_or_stdin(from) {
            Ok(c) => c,
            Err(e) if from == "-" || e.raw_os_error() == Some(libc::EISDIR) => {
                // Stdin is not opened, and opening a directory works:
                // reading is what fails.
                let reason = crate::message::strerror(e.raw_os_error().unwrap_or(0));
                diag.push(&[
                    &quote_if_needed(from.as_bytes(), locale),
                    b": read error: ",
                    reason.as_bytes(),
                ]);
                return Err(false);
            }
            Err(e) => {
                let reason = crate::message::strerror(e.raw_os_error().unwrap_or(0));
                diag.push(&[
                    b"cannot open ",
                    &quote_always(from.as_bytes(), locale),
                    b" for reading: ",
                    reason.as_bytes(),
                ]);
                return Err(false);
            }
        };
        let from_stdin = from == "-";
        config.keys_cancel = !from_stdin;
        config.operands = files0_operands(&contents, from.as_bytes(), from_stdin, locale);
        config.hash_all = true;
    } else {
        config.operands = if cli.files.is_empty() {
            vec![Operand::Path(b".".to_vec())]
        } else {
            cli.files
                .iter()
                .map(|f| {
                    if f.is_empty() {
                        Operand::Invalid(b"invalid zero-length file name".to_vec())
                    } else {
                        Operand::Path(f.as_bytes().to_vec())
                    }
                })
                .collect()
        };
        config.hash_all = cli.files.len() > 1 || config.dereference == Dereference::Always;
    }
    Ok(config)
}

/// The strftime format of `--time-style` (or the `TIME_STYLE` variable),
/// resolved as du resolves it.
fn time_format(style: Option<&OsStr>, locale: Locale, diag: &mut Diagnostics) -> Option<String> {
    let from_env;
    let mut style: Vec<u8> = match style {
        Some(s) => s.as_bytes().to_vec(),
        None => {
            from_env = std::env::var_os("TIME_STYLE").map(|s| s.as_bytes().to_vec());
            match from_env {
                // "locale" is ignored, for compatibility with ls.
                None => b"long-iso".to_vec(),
                Some(s) if s == b"locale" => b"long-iso".to_vec(),
                Some(mut s) => {
                    if s.first() == Some(&b'+') {
                        // Anything after a newline is ignored, as ls does.
                        if let Some(nl) = s.iter().position(|&b| b == b'\n') {
                            s.truncate(nl);
                        }
                    }
                    s
                }
            }
        }
    };
    if style.first() != Some(&b'+') {
        while style.starts_with(b"posix-") {
            style.drain(..6);
        }
    }
    if let Some(format) = style.strip_prefix(b"+") {
        return Some(c_locale_formats(&String::from_utf8_lossy(format)));
    }
    const STYLES: &[(&str, &str)] = &[
        ("full-iso", "%Y-%m-%d %H:%M:%S.%N %z"),
        ("long-iso", "%Y-%m-%d %H:%M"),
        ("iso", "%Y-%m-%d"),
    ];
    argmatch(&style, STYLES, "time style", locale, diag).map(str::to_string)
}

/// Spells out the locale-dependent conversions as the C locale defines
/// them (the formatter has no locales of its own).
fn c_locale_formats(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('x') => out.push_str("%m/%d/%y"),
            Some('X') => out.push_str("%H:%M:%S"),
            Some('c') => out.push_str("%a %b %e %H:%M:%S %Y"),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The names of a `--files0-from` list, each diagnosed as du would.
fn files0_operands(contents: &[u8], from: &[u8], from_stdin: bool, locale: Locale) -> Vec<Operand> {
    let mut names: Vec<&[u8]> = contents.split(|&b| b == 0).collect();
    // A final NUL ends the last name rather than starting an empty one.
    if names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            if from_stdin && name == b"-" {
                Operand::Invalid(
                    [
                        b"when reading file names from stdin, no file name of ".as_slice(),
                        &quote_always(name, locale),
                        b" allowed",
                    ]
                    .concat(),
                )
            } else if name.is_empty() {
                Operand::Invalid(
                    [
                        &quote_if_needed(from, locale),
                        format!(":{}: invalid zero-length file name", i + 1).as_bytes(),
                    ]
                    .concat(),
                )
            } else {
                Operand::Path(name.to_vec())
            }
        })
        .collect()
}

fn read_file_or_stdin(name: &OsStr) -> std::io::Result<Vec<u8>> {
    let mut contents = Vec::new();
    if name == "-" {
        crate::stdio_state::stdin().read_to_end(&mut contents)?;
    } else {
        std::fs::File::open(name)?.read_to_end(&mut contents)?;
    }
    Ok(contents)
}

/// `500ms`, `2s`, `1.5s`, `1m`, or a plain number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
}

fn help_text() -> String {
    format!(
        "Usage: cdu [OPTION]... [FILE]...
  or:  cdu [OPTION]... --files0-from=F
Summarize device usage of the set of FILEs, recursively for directories,
on every core: GNU du's numbers and output, computed in parallel.

Mandatory arguments to long options are mandatory for short options too.
  -0, --null            end each output line with NUL, not newline
  -a, --all             write counts for all files, not just directories
  -A, --apparent-size   print apparent sizes rather than device usage
  -B, --block-size=SIZE  scale sizes by SIZE before printing them; e.g.,
                           '-BM' prints sizes in units of 1,048,576 bytes;
                           see SIZE format below
  -b, --bytes           equivalent to '--apparent-size --block-size=1'
  -c, --total           produce a grand total
  -D, --dereference-args  dereference only symlinks that are listed on the
                          command line
  -d, --max-depth=N     print the total for a directory (or file, with --all)
                          only if it is N or fewer levels below the command
                          line argument;  --max-depth=0 is the same as
                          --summarize
      --files0-from=F   summarize device usage of the
                          NUL-terminated file names specified in file F;
                          if F is -, then read names from standard input
  -H                    equivalent to --dereference-args (-D)
  -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)
      --inodes          list inode usage information instead of block usage
  -k                    like --block-size=1K
  -L, --dereference     dereference all symbolic links
  -l, --count-links     count sizes many times if hard linked
  -m                    like --block-size=1M
  -P, --no-dereference  don't follow any symbolic links (this is the default)
  -S, --separate-dirs   for directories do not include size of subdirectories
      --si              like -h, but use powers of 1000 not 1024
  -s, --summarize       display only a total for each argument
  -t, --threshold=SIZE  exclude entries smaller than SIZE if positive,
                          or entries greater than SIZE if negative
      --time            show time of the last modification of any file in the
                          directory, or any of its subdirectories
      --time=WORD       show time as WORD instead of modification time:
                          atime, access, use, ctime or status
      --time-style=STYLE  show times using STYLE, which can be:
                            full-iso, long-iso, iso, or +FORMAT;
                            FORMAT is interpreted like in 'date'
  -X, --exclude-from=FILE  exclude files that match any pattern in FILE
      --exclude=PATTERN    exclude files that match PATTERN
  -x, --one-file-system    skip directories on different file systems

cdu's own options:
      --mode=MODE       how to walk: sequential, verbose, parallel, or
                          cancellable (the default; a key or Ctrl-C stops it
                          and prints what was found, marked partial)
  -j, --threads=N       walker threads of the parallel modes (default {})
  -v, --verbose         show progress on stderr while scanning
      --tick=DURATION   how often progress is shown (default 500ms)
      --bench-modes     time every mode (and thread count) on FILE, default
                          '.', after a warm-up, and print a table; -j N
                          times the parallel modes at N threads only
      --help        display this help and exit
      --version     output version information and exit

Display values are in units of the first available SIZE from --block-size,
and the DU_BLOCK_SIZE, BLOCK_SIZE and BLOCKSIZE environment variables.
Otherwise, units default to 1024 bytes (or 512 if POSIXLY_CORRECT is set).

The SIZE argument is an integer and optional unit (example: 10K is 10*1024).
Units are K,M,G,T,P,E,Z,Y,R,Q (powers of 1024) or KB,MB,... (powers of 1000).
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
",
        default_threads()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn run(args: &[&str]) -> Config {
        match parse(args.iter().map(OsString::from).collect(), &Env::default()) {
            Action::Run(c) => *c,
            _ => panic!("{args:?} did not parse"),
        }
    }

    #[test]
    fn last_size_option_wins() {
        assert_eq!(run(&["-k", "-h"]).format, SizeFormat::human());
        assert_eq!(run(&["-h", "-k"]).format, SizeFormat::blocks(1024));
        let c = run(&["-b", "-m"]);
        assert!(c.apparent);
        assert_eq!(c.format, SizeFormat::blocks(1024 * 1024));
        assert_eq!(run(&["-m", "-b"]).format, SizeFormat::blocks(1));
        assert_eq!(run(&["-BK", "--si"]).format, SizeFormat::si());
    }

    #[test]
    fn dereference_last_wins() {
        assert_eq!(run(&["-L", "-P"]).dereference, Dereference::Never);
        assert_eq!(run(&["-P", "-H"]).dereference, Dereference::Args);
        assert_eq!(run(&["-D", "-L"]).dereference, Dereference::Always);
    }

    #[test]
    fn hash_all_when_files_can_be_met_twice() {
        assert!(!run(&["a"]).hash_all);
        assert!(run(&["a", "b"]).hash_all);
        assert!(run(&["-L", "a"]).hash_all);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("99999999999999999999999"), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("x"), None);
    }
}
