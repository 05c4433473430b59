//! The command line: GNU du's options and cdu's own, read as du reads
//! them. GNU du decides some things by the order of options (the last of
//! `-b -h -k -m --si -B` wins, a bad `-B` stops parsing where it stands), so
//! getopt's events are replayed in command-line order before clap reads the
//! rest, and clap's errors are reworded as getopt words them.
//!
//! `options` is the clap table, `build` the replay into a [`Config`],
//! `combinations` the options a view or the diff refuses,
//! `values` the parsers of single option values, `list_file` the reading of
//! an `--exclude-from` list, `messages` the diagnostics, `help` the help text,
//! `generate` the man page and completions.

mod build;
mod combinations;
mod generate;
mod help;
mod list_file;
mod messages;
mod options;
mod shared_files;
mod values;

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use clap::{Parser, ValueEnum};

use crate::config::Config;
use crate::getopt::{Event, getopt};
use crate::quote::{Locale, quote, quote_always};
use build::{Ordered, build};
use messages::{Diagnostics, argmatch, clap_message};
pub use options::Cli;
use options::option_table;
use values::parse_threads;

/// What the command line asks for.
pub enum Action {
    /// Scan (or import) and print as configured.
    Run(Box<Config>),
    /// Print this on stdout and exit 0 (`--help`, `--version`).
    Print(String),
    /// Diagnostics were printed; exit with status 1.
    Fail,
    /// `--bench-modes`: time every mode on `dir`, the parallel ones at
    /// `threads` (the defaults when empty).
    BenchModes {
        /// The tree to time the modes on.
        dir: std::path::PathBuf,
        /// The thread counts to try.
        threads: Vec<usize>,
    },
}

/// The environment the conversion reads, so that tests can set it.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// DU_BLOCK_SIZE, which outweighs the two below.
    pub du_block_size: Option<Vec<u8>>,
    /// BLOCK_SIZE.
    pub block_size: Option<Vec<u8>>,
    /// BLOCKSIZE.
    pub blocksize: Option<Vec<u8>>,
    /// POSIXLY_CORRECT is set: 512-byte blocks by default.
    pub posixly_correct: bool,
    /// How names are quoted in messages.
    pub locale: Locale,
    /// CDU_NO_HISTORY is set (to anything but empty or `0`).
    pub no_history: bool,
}

impl Env {
    /// The process's environment.
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var_os(name).map(OsStringExt::into_vec);
        Env {
            du_block_size: var("DU_BLOCK_SIZE"),
            block_size: var("BLOCK_SIZE"),
            blocksize: var("BLOCKSIZE"),
            posixly_correct: std::env::var_os("POSIXLY_CORRECT").is_some(),
            locale: Locale::from_env(),
            no_history: std::env::var_os("CDU_NO_HISTORY")
                .is_some_and(|v| !v.is_empty() && v != "0"),
        }
    }
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
                    return Action::Print(help::help_text());
                }
                "version" => {
                    diag.flush(false);
                    return Action::Print(help::version_text());
                }
                _ if closed_words(id).is_some() => {
                    if canonical(id, value.as_deref(), env.locale, &mut diag).is_none() {
                        // As du's XARGMATCH: at once, with the usage hint.
                        diag.flush(true);
                        return Action::Fail;
                    }
                }
                _ => {
                    if let Err(fatal) = ordered.apply(id, value.as_deref(), *long, env, &mut diag) {
                        diag.flush(fatal.try_help);
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
                    let mut quiet = Diagnostics { lines: Vec::new() };
                    match canonical(id, Some(v), env.locale, &mut quiet) {
                        Some(word) => arg.extend_from_slice(word.as_bytes()),
                        None => arg.extend_from_slice(v.as_bytes()),
                    }
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
    if let Some(kind) = cli.generate {
        if let Some(extra) = cli.files.first() {
            diag.push(&[b"extra operand ", &quote(extra.as_bytes(), env.locale)]);
            diag.flush(true);
            return Action::Fail;
        }
        return Action::Print(generate::generate(kind));
    }
    if cli.bench_modes {
        // It times the modes on one tree and prints its own table: any
        // other option would be left without effect, so none is taken.
        let other = events.iter().find_map(|event| match event {
            Event::Opt { id, .. } if id != "bench_modes" && id != "threads" => {
                table.iter().find(|s| s.id == *id)
            }
            _ => None,
        });
        if let Some(spec) = other {
            let name = match (&spec.long, spec.short) {
                (Some(long), _) => format!("--{long}"),
                (None, Some(short)) => format!("-{short}"),
                (None, None) => spec.id.clone(),
            };
            diag.push(&[format!("--bench-modes and {name} cannot be used together").as_bytes()]);
            diag.flush(true);
            return Action::Fail;
        }
        if let Some(extra) = cli.files.get(1) {
            diag.push(&[b"extra operand ", &quote(extra.as_bytes(), env.locale)]);
            diag.push(&[b"--bench-modes times the modes on one FILE"]);
            diag.flush(true);
            return Action::Fail;
        }
        let dir = cli.files.first().cloned().unwrap_or_else(|| ".".into());
        // A tree that cannot be read would time nothing but the failure.
        if let Err(e) = std::fs::metadata(&dir) {
            diag.push(&[
                b"cannot access ",
                &quote_always(dir.as_bytes(), env.locale),
                b": ",
                crate::message::strerror(e.raw_os_error().unwrap_or(0)).as_bytes(),
            ]);
            diag.flush(false);
            return Action::Fail;
        }
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

/// The words an option of cdu's with a closed set of values takes.
fn closed_words(id: &str) -> Option<Vec<String>> {
    fn names<T: ValueEnum>() -> Vec<String> {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect()
    }
    match id {
        "mode" => Some(names::<options::ModeArg>()),
        "color" => Some(names::<options::ColorArg>()),
        _ => None,
    }
}

/// The word `value` names for option `id` (abbreviations allowed, as
/// du's argmatch allows them for `--time`), or None with du's diagnostic
/// listing the valid ones. Options of other kinds pass through as given.
fn canonical(
    id: &str,
    value: Option<&std::ffi::OsStr>,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<String> {
    let value = value?;
    let Some(words) = closed_words(id) else {
        return Some(value.to_string_lossy().into_owned());
    };
    let pairs: Vec<(&str, &str)> = words.iter().map(|w| (w.as_str(), w.as_str())).collect();
    argmatch(value.as_bytes(), &pairs, &format!("--{id}"), locale, diag).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dereference;
    use crate::size::SizeFormat;

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
    fn history_only_with_v_and_never_with_the_off_switch() {
        assert!(!run(&["a"]).history);
        assert!(run(&["-v", "a"]).history);
        assert!(!run(&["-v", "--no-history", "a"]).history);
        assert!(!run(&["-v", "--no-h", "a"]).history);
        let env = Env {
            no_history: true,
            ..Env::default()
        };
        let args = ["-v", "a"].iter().map(OsString::from).collect();
        assert!(matches!(parse(args, &env), Action::Run(c) if !c.history));
        // GNU's abbreviation keeps its meaning.
        assert_eq!(run(&["--no", "a"]).dereference, Dereference::Never);
        assert!(run(&["-v", "--no", "a"]).history);
    }

    #[test]
    fn hash_all_when_files_can_be_met_twice() {
        assert!(!run(&["a"]).hash_all);
        assert!(run(&["a", "b"]).hash_all);
        assert!(run(&["-L", "a"]).hash_all);
    }
}
