//! The replay of the command line into a [`Config`]: the options whose
//! order matters are applied as getopt meets them, then the rest is checked
//! for how it combines, as du checks it.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use super::Env;
use super::combinations;
use super::list_file;
use super::messages::{Diagnostics, argmatch, num_error_message};
use super::options::{Cli, ColorArg, ModeArg};
use super::shared_files;
use super::values::{parse_count, parse_duration, parse_threads, time_format};
use crate::config::{ColorWhen, Config, Dereference, Mode, Operand, TimeKind, View};
use crate::exclude::Excludes;
use crate::quote::{quote, quote_if_needed};
use crate::size::{SizeFormat, initial_format, parse_block_size, parse_number};

/// The options whose order matters, applied as they come: the last size
/// format and dereference option win, and a bad value is diagnosed where
/// it stands (fatally for `-B` and `-t`, as du does).
pub(super) struct Ordered {
    format: SizeFormat,
    apparent: bool,
    dereference: Dereference,
    threshold: i64,
    max_depth: Option<i64>,
    time: Option<TimeKind>,
    excludes: Excludes,
    /// A size option (-h, --si, -k, -m, -B, -b) was given: the tree
    /// keeps its units instead of its human-readable default.
    format_given: bool,
    /// No diagnostic that calls for the usage hint so far.
    pub(super) ok: bool,
}

/// A diagnostic after which du exits at once, nothing later on the
/// command line looked at (not even `--help`); `try_help` says whether
/// the usage hint follows.
pub(super) struct Fatal {
    pub(super) try_help: bool,
}

impl Ordered {
    pub(super) fn new(env: &Env) -> Self {
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
            format_given: false,
            ok: true,
        }
    }

    pub(super) fn apply(
        &mut self,
        id: &str,
        value: Option<&OsStr>,
        long: bool,
        env: &Env,
        diag: &mut Diagnostics,
    ) -> Result<(), Fatal> {
        let v = value.map(OsStrExt::as_bytes).unwrap_or_default();
        let locale = env.locale;
        if matches!(
            id,
            "human_readable" | "si" | "kilobytes" | "megabytes" | "bytes" | "block_size"
        ) {
            self.format_given = true;
        }
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
                    return Err(Fatal { try_help: false });
                }
                self.format = format;
            }
            "threshold" => {
                let parsed = parse_number(v, true, b"kKmMGTPEZYRQ0");
                if let Some(e) = parsed.error {
                    let option = if long { "--threshold" } else { "-t" };
                    diag.push(&[&num_error_message(e, option, v)]);
                    return Err(Fatal { try_help: false });
                }
                let t = parsed.value.unwrap_or(0) as i64;
                if t == 0 && v.first() == Some(&b'-') {
                    diag.push(&[b"invalid --threshold argument '-0'"]);
                    return Err(Fatal { try_help: false });
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
            "exclude_from" => match list_file::read_file_or_stdin(value.unwrap_or_default()) {
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
                    // du's XARGMATCH exits with the usage hint at once.
                    Some(_) => match argmatch(v, WORDS, "--time", locale, diag) {
                        Some(kind) => Some(kind),
                        None => return Err(Fatal { try_help: true }),
                    },
                };
            }
            _ => {}
        }
        Ok(())
    }
}

/// Builds the configuration from the plain options and the ordered ones,
/// with du's checks of how they combine. On error, returns whether the
/// usage hint follows.
pub(super) fn build(
    cli: Cli,
    ordered: Ordered,
    env: &Env,
    diag: &mut Diagnostics,
) -> Result<Config, bool> {
    let locale = env.locale;
    let mut builder = Config::builder();
    let config = builder.options();
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
            Some(t) => config.threads = Some(t),
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
    config.view = match (cli.tree, &cli.top) {
        (false, None) => View::Du,
        (true, None) => View::Tree,
        (false, Some(n)) => match parse_count(n, "number of files", locale, diag) {
            Some(n) => View::Top(n),
            None => {
                ok = false;
                View::Du
            }
        },
        (true, Some(_)) => {
            diag.push(&[b"--tree and --top cannot be used together"]);
            return Err(true);
        }
    };
    if let Some(rows) = &cli.rows {
        config.rows = parse_count(rows, "number of rows", locale, diag);
        ok &= config.rows.is_some();
    }
    if let Some(width) = &cli.width {
        config.width = parse_count(width, "width", locale, diag);
        ok &= config.width.is_some();
    }
    config.color = match cli.color {
        ColorArg::Auto => ColorWhen::Auto,
        ColorArg::Always => ColorWhen::Always,
        ColorArg::Never => ColorWhen::Never,
    };
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
    // The views see every file, to find the largest (ConfigBuilder::build);
    // the tree shows human-readable sizes unless told.
    if config.view == View::Tree && !ordered.format_given {
        config.format = if cli.inodes {
            SizeFormat::blocks(1)
        } else {
            SizeFormat::human()
        };
    }
    config.all = cli.all;
    config.total = cli.total;
    config.count_links = cli.count_links;
    config.one_file_system = cli.one_file_system;
    config.separate_dirs = cli.separate_dirs;
    config.null = cli.null;
    config.verbose = cli.verbose;
    config.history = cli.verbose && !cli.no_history && !env.no_history;
    config.json = cli.json;
    config.export = cli.export.clone();
    config.import = cli.import.first().cloned();
    // Parts of a sharded scan are merged, even one alone (which is
    // either the whole scan, cut in one, or refused as incomplete).
    if cli.import.len() > 1
        || cli
            .import
            .first()
            .is_some_and(|f| crate::shard::open::is_part(f))
    {
        config.parts = cli.import.clone();
    }
    config.diff = cli.diff.clone();
    config.interactive = cli.interactive;
    config.read_only = cli.read_only;
    combinations::refuse(config, diag)?;
    shared_files::refuse(&cli, locale, diag)?;
    if config.interactive {
        // The browser keeps every entry, with both measures, its type
        // and its time (ConfigBuilder::build), and shows human-readable
        // sizes unless told.
        config.time.get_or_insert(TimeKind::Modification);
        if !ordered.format_given {
            config.format = if cli.inodes {
                SizeFormat::blocks(1)
            } else {
                SizeFormat::human()
            };
        }
    }
    if config.diff.is_some() {
        // Every file is matched with the old side, listed or not
        // (ConfigBuilder::build).
        // The browser keeps times of its own; its diff shows them.
        if config.time.is_some() && !config.interactive {
            diag.push(&[b"--diff prints changes, which have no --time"]);
            return Err(true);
        }
        if cli.files.len() > 1 || cli.files0_from.is_some() {
            diag.push(&[b"--diff compares one tree: name one FILE"]);
            return Err(true);
        }
    }
    config.html = cli.html.clone();
    if config.html.is_some() {
        html_options(config, diag)?;
    }
    config.mode = match cli.mode {
        ModeArg::Sequential => Mode::Sequential,
        ModeArg::Verbose => Mode::Verbose,
        ModeArg::Parallel => Mode::Parallel,
        ModeArg::Cancellable => Mode::Cancellable,
    };
    if cli.mode == ModeArg::Sequential && cli.verbose {
        // The one-thread walk of the book's first step shows no progress.
        diag.push(&[b"--mode=sequential shows no progress: -v cannot be used with it"]);
        return Err(true);
    }
    if let Some(value) = &cli.shard {
        shard_option(config, value, diag)?;
    }
    if config.import.is_some() {
        if config.parts.is_empty() && config.time.is_some_and(|t| t != TimeKind::Modification) {
            diag.push(&[b"--time with --import shows modification times only: \
                          a saved scan holds no other"]);
            return Err(true);
        }
        if let Some(extra) = cli.files.first().or(cli.files0_from.as_ref()) {
            diag.push(&[b"extra operand ", &quote(extra.as_bytes(), locale)]);
            diag.push(&[b"a scan read with --import takes no FILE operands"]);
            return Err(true);
        }
        // These choose what a walk reads; a saved scan was read already.
        let walk_only = [
            (cli.one_file_system, "--one-file-system"),
            (config.dereference == Dereference::Always, "--dereference"),
            (
                config.dereference == Dereference::Args,
                "--dereference-args",
            ),
            (!config.excludes.is_empty(), "--exclude"),
            (cli.threads.is_some(), "--threads"),
        ];
        if let Some((_, name)) = walk_only.iter().find(|(given, _)| *given) {
            diag.push(&[
                b"--import reads a saved scan, which ",
                name.as_bytes(),
                b" cannot change: they cannot be used together",
            ]);
            return Err(true);
        }
        return Ok(builder.build());
    }
    if config.export.is_some() && (cli.files.len() > 1 || cli.files0_from.is_some()) {
        diag.push(&[b"--export saves one tree: name one FILE"]);
        return Err(true);
    }
    if let Some(from) = &cli.files0_from {
        if let Some(extra) = cli.files.first() {
            diag.push(&[b"extra operand ", &quote(extra.as_bytes(), locale)]);
            diag.lines
                .push(b"file operands cannot be combined with --files0-from".to_vec());
            return Err(true);
        }
        // Read as the walk goes (src/operands.rs), not here.
        config.files0_from = Some(from.clone());
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
    }
    Ok(builder.build())
}

/// Options a page cannot honour: its boxes are sizes in bytes that add up
/// to their directory (not `--inodes`, not `-S`), and stdout or OLD can be
/// used once only.
fn html_options(config: &Config, diag: &mut Diagnostics) -> Result<(), bool> {
    let together = |diag: &mut Diagnostics, other: &str| {
        diag.push(&[
            b"--html and ",
            other.as_bytes(),
            b" cannot be used together",
        ]);
        Err(true)
    };
    let dash = |o: &Option<std::ffi::OsString>| o.as_deref() == Some(std::ffi::OsStr::new("-"));
    if config.inodes {
        return together(diag, "--inodes");
    }
    if config.separate_dirs {
        return together(diag, "--separate-dirs");
    }
    if dash(&config.html) && dash(&config.export) {
        diag.push(&[b"--html and --export cannot both write to stdout"]);
        return Err(true);
    }
    if config.diff.is_some() && dash(&config.diff) {
        diag.push(&[b"--html with --diff reads OLD twice: name a file, not -"]);
        return Err(true);
    }
    Ok(())
}

/// `--shard`: which part of a sharded scan this walk is; the export is
/// that part, and `%r` in its name becomes the shard's number.
fn shard_option(
    config: &mut Config,
    value: &std::ffi::OsStr,
    diag: &mut Diagnostics,
) -> Result<(), bool> {
    let refuse = |diag: &mut Diagnostics, what: &str| {
        diag.push(&[what.as_bytes()]);
        Err(false)
    };
    if config.import.is_some() {
        return refuse(
            diag,
            "--shard walks a part of a tree; --import reads one: they cannot be used together",
        );
    }
    let Some(export) = &config.export else {
        return refuse(
            diag,
            "--shard saves its part of the scan with --export=FILE, which is missing",
        );
    };
    let id = match crate::shard_id::ShardId::parse(value.as_bytes(), &|name| std::env::var_os(name))
    {
        Ok(id) => id,
        Err(message) => return refuse(diag, &message),
    };
    config.export = Some(id.name_part(export));
    config.shard = Some(id);
    Ok(())
}
