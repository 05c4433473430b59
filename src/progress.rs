//! Progress on stderr while a walk runs, never on stdout: one live line on
//! a terminal (indicatif), plain lines elsewhere. Workers only bump
//! counters ([`Live`]); the aggregator formats at each tick, so progress
//! costs the walk next to nothing.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::{NO_PARENT, NodeId, Report};
use crate::walk::join_path;

/// A worker publishes its entry count every this many entries inside a
/// directory (and the rest when the directory is done): often enough that
/// a directory of a million entries shows movement several times a second
/// at a few microseconds a stat, rarely enough to cost nothing.
pub const PUBLISH_EVERY: u64 = 4096;

/// How often the live line is redrawn at most, whatever `--tick` says:
/// a terminal line may move faster than a log gets lines.
const LIVE_REFRESH: Duration = Duration::from_millis(100);

/// What the walkers publish while they work, before their batches reach
/// the aggregator: entries read inside directories not yet finished, and
/// the directory a worker started last.
pub struct Live {
    entries: AtomicU64,
    current: AtomicU32,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            entries: AtomicU64::new(0),
            current: AtomicU32::new(NO_PARENT),
        }
    }
}

impl Live {
    /// Counts `n` more entries read.
    #[inline]
    pub fn add_entries(&self, n: u64) {
        if n > 0 {
            self.entries.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Says that the directory `node` is being read.
    #[inline]
    pub fn reading(&self, node: NodeId) {
        self.current.store(node, Ordering::Relaxed);
    }

    /// Entries read inside directories so far.
    pub fn entries(&self) -> u64 {
        self.entries.load(Ordering::Relaxed)
    }

    /// The directory a worker started reading last, if any.
    pub fn current(&self) -> Option<NodeId> {
        let node = self.current.load(Ordering::Relaxed);
        (node != NO_PARENT).then_some(node)
    }
}

/// The state of a scan at a tick, as the aggregator sees it.
pub struct Tick<'a> {
    pub report: &'a Report,
    pub live: &'a Live,
    pub elapsed: Duration,
    /// The scan was cancelled and is draining.
    pub stopping: bool,
}

impl Tick<'_> {
    /// Entries read so far: the batches received, or what the workers
    /// published, whichever is ahead.
    pub fn entries(&self) -> u64 {
        self.report.entries.max(self.live.entries())
    }

    /// The path of the directory being read, as du would print it, once
    /// the aggregator knows its name (its parent's batch has arrived);
    /// until then, that of the directory the aggregator heard of last.
    /// Walkers go deep first and the aggregator follows behind, far behind
    /// when the walkers take all the cores: without the fallback a scan
    /// could show no directory from start to end.
    pub fn current_dir(&self) -> Option<Vec<u8>> {
        let report = self.report;
        self.live
            .current()
            .and_then(|id| path_of(report, id))
            .or_else(|| path_of(report, report.last_named()?))
    }
}

/// The printed path of node `id`, built from the report's arena; None if a
/// name on the way is not known yet.
fn path_of(report: &Report, mut id: NodeId) -> Option<Vec<u8>> {
    let mut names: Vec<&[u8]> = Vec::new();
    loop {
        if id as usize >= report.node_count() || report.name(id).is_empty() {
            return None;
        }
        names.push(report.name(id));
        let parent = report.parent(id);
        if parent == NO_PARENT {
            break;
        }
        // A parent always comes before its child in the arena.
        if parent >= id {
            return None;
        }
        id = parent;
    }
    let mut path = names.pop()?.to_vec();
    while let Some(name) = names.pop() {
        join_path(&mut path, name);
    }
    Some(path)
}

/// `1234567` as `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Elapsed time for people: `4.2s`, `3m07s`, `1h02m09s`.
pub fn format_elapsed(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs < 60 {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m{:02}s", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

fn format_size(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

/// One plain progress line, the format documented in the README:
///
/// ```text
/// cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB
/// ```
///
/// elapsed seconds with one decimal, entries and directories counted so
/// far, and the size of what was counted (binary units). Numbers carry no
/// separators so that scripts can read them.
pub fn plain_line(tick: &Tick) -> String {
    format!(
        "cdu: {:.1}s {} entries {} dirs {}\n",
        tick.elapsed.as_secs_f64(),
        tick.entries(),
        tick.report.dirs,
        format_size(tick.report.bytes)
    )
}

/// A printable form of a path for the live line: lossy UTF-8, control
/// characters (a newline or escape in a file name) shown as `?`.
fn printable(path: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(path)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The live line's text, fitted to `width` columns: the counts, then the
/// hint, then as much of the end of the directory's path as fits.
pub fn live_message(tick: &Tick, hint: Option<&str>, dir: Option<&[u8]>, width: usize) -> String {
    let entries = tick.entries();
    let secs = tick.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        (entries as f64 / secs) as u64
    } else {
        0
    };
    let mut line = format!(
        "{}  {} entries  {} dirs  {}  {}/s",
        format_elapsed(tick.elapsed),
        group_digits(entries),
        group_digits(tick.report.dirs),
        format_size(tick.report.bytes),
        group_digits(rate),
    );
    let hint = if tick.stopping {
        Some("stopping…")
    } else {
        hint
    };
    if let Some(hint) = hint
        && line.chars().count() + 2 + hint.chars().count() <= width
    {
        let _ = write!(line, "  {hint}");
    }
    let room = width.saturating_sub(line.chars().count() + 2);
    // Fewer columns than this show too little of a path to be of use.
    if let Some(dir) = dir
        && room >= 12
    {
        let chars = printable(dir);
        line.push_str("  ");
        if chars.len() <= room {
            line.extend(chars);
        } else {
            line.push('…');
            line.extend(&chars[chars.len() - (room - 1)..]);
        }
    }
    line
}

/// Where progress goes.
enum Sink {
    /// A live line on the terminal.
    Live {
        bar: ProgressBar,
        /// The last directory shown, kept while a new one has no name yet.
        dir: Option<Vec<u8>>,
    },
    /// A line per tick on stderr that is not a terminal.
    Plain,
}

/// The progress display of one scan.
pub struct Progress {
    sink: Sink,
    every: Duration,
    hint: Option<&'static str>,
}

impl Progress {
    /// A display on stderr: live if stderr is a terminal, plain lines every
    /// `tick` otherwise. `hint` says how to stop the scan, if it can be.
    pub fn new(tick: Duration, hint: Option<&'static str>) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(LIVE_REFRESH);
            Progress {
                sink: Sink::Live { bar, dir: None },
                every: tick.min(LIVE_REFRESH),
                hint,
            }
        } else {
            Progress {
                sink: Sink::Plain,
                every: tick,
                hint,
            }
        }
    }

    /// How often [`Progress::show`] wants to be called.
    pub fn every(&self) -> Duration {
        self.every
    }

    /// Shows the state of the scan.
    pub fn show(&mut self, tick: &Tick) {
        match &mut self.sink {
            Sink::Live { bar, dir } => {
                if let Some(now) = tick.current_dir() {
                    *dir = Some(now);
                }
                // The spinner and the space after it take two columns; the
                // last column is left free so that no terminal wraps.
                let width = terminal_width().saturating_sub(3);
                bar.set_message(live_message(tick, self.hint, dir.as_deref(), width));
            }
            Sink::Plain => {
                // One write per line: lines never interleave with others.
                let _ = std::io::stderr().write_all(plain_line(tick).as_bytes());
            }
        }
    }

    /// Clears the live line, before the results print.
    pub fn finish(self) {}
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Sink::Live { bar, .. } = &self.sink {
            bar.finish_and_clear();
        }
    }
}

/// Columns of the terminal on stderr, asked at each tick so that a resize
/// is followed.
fn terminal_width() -> usize {
    match rustix::termios::tcgetwinsize(std::io::stderr()) {
        Ok(size) if size.ws_col > 0 => size.ws_col.into(),
        _ => 80,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Usage;

    fn tick<'a>(report: &'a Report, live: &'a Live) -> Tick<'a> {
        Tick {
            report,
            live,
            elapsed: Duration::from_millis(2500),
            stopping: false,
        }
    }

    #[test]
    fn digits_are_grouped_by_three() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1234567), "1,234,567");
    }

    #[test]
    fn elapsed_reads_naturally() {
        assert_eq!(format_elapsed(Duration::from_millis(4200)), "4.2s");
        assert_eq!(format_elapsed(Duration::from_secs(187)), "3m07s");
        assert_eq!(format_elapsed(Duration::from_secs(3729)), "1h02m09s");
    }

    #[test]
    fn plain_line_has_the_documented_format() {
        let mut report = Report::default();
        report.entries = 345_678;
        report.dirs = 2100;
        report.bytes = 1_385_000_000;
        let live = Live::default();
        assert_eq!(
            plain_line(&tick(&report, &live)),
            "cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB\n"
        );
    }

    #[test]
    fn entries_published_by_workers_count_before_their_batch() {
        let mut report = Report::default();
        report.entries = 10;
        let live = Live::default();
        live.add_entries(PUBLISH_EVERY);
        assert_eq!(tick(&report, &live).entries(), PUBLISH_EVERY);
    }

    #[test]
    fn current_dir_is_built_from_the_arena() {
        let mut report = Report::default();
        let live = Live::default();
        assert_eq!(tick(&report, &live).current_dir(), None);
        report.set_dir(0, b"top/", NO_PARENT, Usage::default());
        report.set_dir(1, b"a", 0, Usage::default());
        report.set_dir(2, b"b", 1, Usage::default());
        report.set_dir(3, b"c", 0, Usage::default());
        live.reading(2);
        assert_eq!(
            tick(&report, &live).current_dir().as_deref(),
            Some(&b"top/a/b"[..])
        );
        // Not named yet: the directory named last stands in for it.
        live.reading(7);
        assert_eq!(
            tick(&report, &live).current_dir().as_deref(),
            Some(&b"top/c"[..])
        );
    }

    #[test]
    fn live_line_fits_the_width_and_keeps_the_end_of_the_path() {
        let report = Report::default();
        let live = Live::default();
        let t = tick(&report, &live);
        let dir = b"/very/long/path/to/the/directory/being/read/now".as_slice();
        let hint = Some("press any key or Ctrl-C to stop");
        for width in [20, 60, 77, 100, 200] {
            let line = live_message(&t, hint, Some(dir), width);
            assert!(line.chars().count() <= width.max(50), "{width}: {line}");
        }
        let line = live_message(&t, hint, Some(dir), 100);
        assert!(line.contains("press any key"), "{line}");
        assert!(line.ends_with("being/read/now"), "{line}");
        let wide = live_message(&t, hint, Some(dir), 200);
        assert!(wide.ends_with("  /very/long/path/to/the/directory/being/read/now"));
    }

    #[test]
    fn live_line_shows_no_control_characters() {
        let report = Report::default();
        let live = Live::default();
        let line = live_message(&tick(&report, &live), None, Some(b"a\nb\x1b[2J"), 200);
        assert!(line.ends_with("a?b?[2J"), "{line}");
    }
}
