//! One run of the command: options, cancel watchers, the scan, the output,
//! and the exit status they make together.

use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;
use std::time::Instant;

use crate::Summary;
use crate::app::{process, watch};
use crate::baseline::{self, OperandTotals};
use crate::cancel::Cancel;
use crate::cli::{self, Action};
use crate::config::{ColorWhen, Config, Mode, View};
use crate::diff::DiffWriter;
use crate::exit_status::ExitStatus;
use crate::history::History;
use crate::message;
use crate::output::file::{FileError, OutputFile};
use crate::output::html::HtmlWriter;
use crate::output::{
    AroundBar, DuWriter, FlushEachOperand, JsonWriter, NcduWriter, Report, Screen, Tee, TopView,
    TreeView,
};
use crate::progress::{Hint, Progress, group_digits};
use crate::quote::{quote, quote_if_needed};
use crate::stdio;
use crate::stream::Sink;

/// Runs `cdu` with the process's arguments and environment.
pub fn main() -> ExitStatus {
    // A write that ends the process (its reader gone) puts the terminal
    // back first.
    stdio::before_death(crate::app::terminal::restore);
    process::small_stacks_under_a_limit();
    process::limit_malloc_arenas();
    let mut args = std::env::args_os();
    message::set_program(args.next());
    let args: Vec<_> = args.collect();
    let status = match cli::parse(args, &cli::Env::from_process()) {
        Action::Print(text) => {
            let mut out = stdio::stdout();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitStatus::Success,
                Err(e) => write_failed(&e, true),
            }
        }
        Action::Fail => ExitStatus::Failure,
        Action::Run(config) if config.interactive => crate::browse::run(&config),
        Action::Run(config) => run(&config),
        Action::BenchModes { dir, threads } => {
            let mut out = io::stdout().lock();
            let runs = crate::app::bench_modes::DEFAULT_RUNS;
            match crate::app::bench_modes::bench_modes(&dir, runs, &threads, &mut out) {
                Ok(()) => ExitStatus::Success,
                Err(e) => {
                    message::error(&[e.to_string().as_bytes()]);
                    ExitStatus::Failure
                }
            }
        }
    };
    if message::diagnostic_lost() {
        return status.merge(ExitStatus::Failure);
    }
    status
}

/// How to stop a scan, shown on the live progress line.
const HINT_KEYS: Hint = Hint {
    full: "press any key or Ctrl-C to stop",
    short: "key stops",
};
const HINT_SIGNALS: Hint = Hint {
    full: "Ctrl-C to stop",
    short: "^C stops",
};

/// Where the export goes, made before the scan so that a file that
/// cannot be created stops the run before it starts. A file is written
/// beside its target and put in place by [`save_export`].
fn open_export(config: &Config) -> Result<Option<OutputFile>, ExitStatus> {
    let Some(file) = &config.export else {
        return Ok(None);
    };
    if file == "-" {
        return Ok(Some(OutputFile::stream(Box::new(stdio::stdout()))));
    }
    match OutputFile::create(file) {
        Ok(f) => Ok(Some(f)),
        Err(e) => {
            message::error(&[&e.message(&quote_if_needed(file.as_bytes(), config.locale))]);
            Err(ExitStatus::Failure)
        }
    }
}

/// The page of `--html`, with its own copy of `--diff`'s old scan, made
/// before the scan for the same reason as the export.
fn open_html(config: &Config) -> Result<Option<HtmlWriter<'_>>, ExitStatus> {
    let Some(file) = &config.html else {
        return Ok(None);
    };
    // The page colours files too, so its copy holds them.
    let mut with_files = config.clone();
    with_files.all = true;
    let old = match &config.diff {
        Some(old) => match crate::input::old::OldTree::load(&with_files, old) {
            Ok(old) => Some(old),
            Err(e) => {
                message::error(&[e.to_string().as_bytes()]);
                return Err(ExitStatus::Failure);
            }
        },
        None => None,
    };
    HtmlWriter::create(config, file, old)
        .map(Some)
        .map_err(|e| {
            message::error(&[
                &quote_if_needed(file.as_bytes(), config.locale),
                b": ",
                message::strerror(e.raw_os_error().unwrap_or(0)).as_bytes(),
            ]);
            ExitStatus::Failure
        })
}

/// Ends the export of a scan: a whole scan replaces the target; a stopped
/// one, one that found nothing, or one whose writing failed leaves the
/// target as it was (on stdout, a stopped scan's document is left
/// unclosed, so no reader takes it for a whole one).
fn save_export(
    config: &Config,
    mut export: NcduWriter<'_, OutputFile>,
    summary: &Summary,
) -> ExitStatus {
    let file = config.export.as_deref().unwrap_or_default();
    let to_file = file != "-";
    let kept = |why: &str| {
        if to_file {
            message::error(&[
                b"--export: ",
                why.as_bytes(),
                b"; ",
                &quote(file.as_bytes(), config.locale),
                b" is left as it was",
            ]);
        }
    };
    let shown = quote_if_needed(file.as_bytes(), config.locale);
    let unwritten = |e: FileError| {
        message::error(&[&e.message(&shown)]);
        kept("it could not be written");
        ExitStatus::Failure
    };
    if summary.error.is_some() {
        return match export.output().failed() {
            Some(e) => unwritten(e),
            None => {
                // The write that failed, to stdout, was reported as such.
                kept("the scan stopped at a write error");
                ExitStatus::Failure
            }
        };
    }
    if summary.cancelled {
        kept("the scan was stopped");
        return ExitStatus::Interrupted;
    }
    if !export.has_root() {
        kept("nothing was scanned");
        return ExitStatus::Failure;
    }
    export.end_part(summary.counts.entries);
    if let Err(e) = export.finish() {
        return match to_file {
            true => unwritten(FileError::from_io(&e)),
            false => write_failed(&e, false),
        };
    }
    match export.into_inner().commit() {
        Ok(()) => ExitStatus::Success,
        Err(e) => unwritten(e),
    }
}

/// Scans (or imports) and prints as `config` says: results stream to
/// stdout as the scan completes them.
pub fn run(config: &Config) -> ExitStatus {
    // A shard walks with the other shards' subtrees left out.
    let (sharded, mut part) = match config.shard {
        Some(id) => {
            let (walk, marks) = crate::shard::prepare(config, id);
            (Some(walk), Some(marks))
        }
        None => (None, None),
    };
    let config = sharded.as_ref().unwrap_or(config);
    let export_out = match open_export(config) {
        Ok(out) => out,
        Err(status) => return status,
    };
    let mut html = match open_html(config) {
        Ok(html) => html,
        Err(status) => return status,
    };
    let old = match &config.diff {
        Some(file) => match crate::input::old::OldTree::load(config, file) {
            Ok(old) => Some(old),
            Err(e) => {
                message::error(&[e.to_string().as_bytes()]);
                return ExitStatus::Failure;
            }
        },
        None => None,
    };
    let importing = config.import.is_some();
    let cancel = Arc::new(Cancel::new());
    // Only the cancellable mode watches; the others end the default way.
    let mut watcher = (config.mode == Mode::Cancellable && !importing)
        .then(|| watch::watch(&cancel, config.keys_cancel));
    let mut history = (!importing)
        .then(|| baseline::open_history(config))
        .flatten();
    let operands = if config.progress() && !importing {
        baseline::identify(config)
    } else {
        Vec::new()
    };
    let mut progress = (config.progress() && !importing).then(|| {
        let old_total = old
            .as_ref()
            .and_then(|o| o.entries)
            .map(baseline::Baseline::entries_only);
        let total = baseline::for_scan(config, &operands, history.as_ref(), old_total);
        Progress::new(config.tick, total)
    });
    let bar = progress.as_ref().and_then(Progress::live_bar);
    let dash = Some(std::ffi::OsStr::new("-"));
    let out: Box<dyn Write> = if config.export.as_deref() == dash
        || config.html.as_deref() == dash
        || config.shard.is_some()
    {
        // The export or the page takes stdout's place; a shard's lines
        // would be those of a part of the tree, and print nothing.
        Box::new(io::sink())
    } else {
        Box::new(AroundBar::new(stdio::stdout(), bar.clone(), true))
    };
    let err = AroundBar::new(stdio::stderr(), bar, false);
    // Lines that stream (du's, JSON) are written out at each operand's end;
    // the other views print once everything is known.
    let streams = old.is_none() && (config.json || matches!(config.view, View::Du));
    let mut report: Box<dyn Report + '_> = match (old, config.view) {
        (Some(old), _) => Box::new(DiffWriter::new(config, old, out, err)),
        (None, _) if config.json => Box::new(JsonWriter::new(config, out, err)),
        (None, View::Du) => Box::new(DuWriter::new(config, out, err)),
        (None, View::Tree) => Box::new(TreeView::new(config, screen(config), out, err)),
        (None, View::Top(n)) => Box::new(TopView::new(config, n, out, err)),
    };
    let mut export = export_out.map(|out| NcduWriter::with_part(config, out, part.take()));
    let start = Instant::now();
    let mut recorded = None;
    let outcome = {
        let mut flushing;
        let first: &mut dyn Sink = if streams {
            flushing = FlushEachOperand {
                report: &mut *report,
            };
            &mut flushing
        } else {
            &mut *report
        };
        let (mut tee, mut page);
        let both: &mut dyn Sink = match &mut export {
            Some(export) => {
                tee = Tee {
                    first,
                    second: export,
                };
                &mut tee
            }
            None => first,
        };
        let both: &mut dyn Sink = match &mut html {
            Some(html) => {
                page = Tee {
                    first: both,
                    second: html,
                };
                &mut page
            }
            None => both,
        };
        // Each operand's totals, for the history of progress.
        let mut tally = OperandTotals::new(both);
        let sink: &mut dyn Sink = &mut tally;
        let outcome = match &config.import {
            Some(_) if !config.parts.is_empty() => {
                crate::shard::merge::merge_files(config, &config.parts, sink)
            }
            Some(file) => crate::input::import::import_file(config, file, sink),
            None => Ok(match &mut progress {
                Some(progress) => {
                    let every = progress.every();
                    let mut first = true;
                    crate::scan_with_progress(
                        config,
                        &cancel,
                        every,
                        &mut |t| {
                            if std::mem::take(&mut first) {
                                let hint = watcher.as_mut().map(|w| {
                                    // Keys are armed, if at all, as the
                                    // line that says so first appears.
                                    let keys =
                                        progress.is_live() && w.line_shown(progress.around_stop());
                                    if keys { HINT_KEYS } else { HINT_SIGNALS }
                                });
                                progress.set_hint(hint);
                            }
                            progress.show(t)
                        },
                        sink,
                    )
                }
                None => crate::scan(config, &cancel, sink),
            }),
        };
        if let (Some(_), Ok(summary)) = (&history, &outcome)
            && !summary.cancelled
            && summary.error.is_none()
        {
            let c = summary.counts;
            let elapsed = progress
                .as_ref()
                .map_or(start.elapsed(), |p| p.running_time(start.elapsed()));
            let pace = progress
                .as_ref()
                .and_then(|p| p.profile(c.entries, elapsed));
            recorded = Some(tally.into_records(&operands, c.entries, c.bytes, elapsed, pace));
        }
        outcome
    };
    if let (Some(history), Some(records)) = (&mut history, recorded) {
        history.record(records);
    }
    // The live line goes before the last results are printed.
    if let Some(progress) = progress {
        progress.finish();
    }
    // Keys are no longer read and the terminal is as it was; from here a
    // signal ends the process at once.
    drop(watcher);
    let summary = match outcome {
        Ok(summary) => summary,
        Err(e) => {
            // A saved scan that cannot be read: what came before the
            // fault is printed, then where it is.
            let _ = report.flush();
            message::error(&[e.to_string().as_bytes()]);
            return ExitStatus::Failure;
        }
    };
    // A write to the export file that failed is reported with the file's
    // name, by save_export.
    let export_failed = export
        .as_ref()
        .is_some_and(|e| e.output().failed().is_some());
    let written = match summary.error {
        Some(_) if export_failed => Ok(()),
        // The errno decides the message (EBADF names its reason).
        Some(ref e) => Err(e.raw_os_error().map_or_else(
            || io::Error::new(e.kind(), e.to_string()),
            io::Error::from_raw_os_error,
        )),
        None => report.finish(&summary).and_then(|()| match &mut html {
            Some(html) => html.finish(summary.cancelled),
            None => Ok(()),
        }),
    };
    let mut status = match written {
        Ok(()) if report.had_errors() => ExitStatus::Failure,
        Ok(()) => ExitStatus::Success,
        Err(e) => write_failed(&e, false),
    };
    if summary.cancelled {
        // Every size printed is a lower bound: a directory whose walk did
        // not finish, and all above it, miss what was not read.
        message::error(&[format!(
            "cancelled after {} entries; sizes are partial",
            group_digits(summary.counts.entries)
        )
        .as_bytes()]);
        status = status.merge(ExitStatus::Interrupted);
    }
    if let Some(export) = export {
        status = status.merge(save_export(config, export, &summary));
    }
    // A cache that failed is said once, and changes nothing else.
    if let Some(problem) = history.as_mut().and_then(History::take_problem) {
        message::error(&[problem.as_bytes()]);
    }
    status
}

/// Rows a tree takes when stdout is not a terminal and `--rows` is not
/// given, and its width then.
const DEFAULT_ROWS: usize = 40;
const DEFAULT_WIDTH: usize = 80;

/// The rows, width and colour of a tree: as the options say, else the
/// terminal's on stdout, else the defaults.
fn screen(config: &Config) -> Screen {
    let stdout = io::stdout();
    let size = rustix::termios::isatty(&stdout)
        .then(|| rustix::termios::tcgetwinsize(&stdout).ok())
        .flatten()
        .filter(|w| w.ws_row > 0 && w.ws_col > 0);
    // On a terminal, a line is kept for the prompt and one for a note.
    let rows = config.rows.unwrap_or_else(|| {
        size.map_or(DEFAULT_ROWS, |w| {
            usize::from(w.ws_row).saturating_sub(2).max(3)
        })
    });
    let width = config
        .width
        .unwrap_or_else(|| size.map_or(DEFAULT_WIDTH, |w| usize::from(w.ws_col)));
    let color = match config.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never,
    };
    Screen { rows, width, color }
}

/// Reports a failed write to stdout. du names the reason only when the
/// failure shows as stdout is closed at exit: its report is flushed line by
/// line, so a failure there shows at a line and is reported bare, while
/// `--help` and `--version` are still buffered at exit (`at_exit`); a
/// descriptor that was closed all along fails at exit too (EBADF). A
/// reader that went away is one of these only when SIGPIPE was ignored or
/// blocked at start; otherwise the write never returned (see
/// [`stdio::stdout`]).
fn write_failed(e: &io::Error, at_exit: bool) -> ExitStatus {
    match e.raw_os_error() {
        Some(errno) if at_exit || errno == libc::EBADF => {
            message::error(&[b"write error: ", message::strerror(errno).as_bytes()]);
        }
        _ => message::error(&[b"write error"]),
    }
    ExitStatus::Failure
}
