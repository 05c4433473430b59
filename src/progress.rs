//! Progress on stderr while a walk runs, never on stdout: one live line on
//! a terminal (indicatif), plain lines elsewhere. Workers only bump
//! counters ([`Live`]); the aggregator formats at each tick, so progress
//! costs the walk next to nothing.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::baseline::Baseline;
use crate::eta::{self, Estimate, Eta};
use crate::profile::{Profile, Samples};
use crate::stream::Counts;
use crate::walk::Live;

/// How often the live line is redrawn at most, whatever `--tick` says:
/// a terminal line may move faster than a log gets lines.
const LIVE_REFRESH: Duration = Duration::from_millis(100);

/// The state of a scan at a tick, as the aggregator sees it.
pub struct Tick<'a> {
    pub counts: Counts,
    pub live: &'a Live,
    pub elapsed: Duration,
    /// The scan was cancelled and is draining.
    pub stopping: bool,
    /// Where the ordered output has got to: the directory it waits for.
    pub current_dir: Option<&'a [u8]>,
}

impl Tick<'_> {
    /// Entries read so far: the batches received, or what the workers
    /// published, whichever is ahead.
    pub fn entries(&self) -> u64 {
        self.counts.entries.max(self.live.entries())
    }
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
/// separators so that scripts can read them. When the scan has a total,
/// the line ends with how far it has come ([`eta::plain_suffix`]):
///
/// ```text
/// cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB 42% ETA 73s
/// ```
pub fn plain_line(tick: &Tick, eta: Option<&Eta>) -> String {
    format!(
        "cdu: {:.1}s {} entries {} dirs {}{}\n",
        tick.elapsed.as_secs_f64(),
        tick.entries(),
        tick.counts.dirs,
        format_size(tick.counts.bytes),
        eta.map(eta::plain_suffix).unwrap_or_default()
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

/// The live line's text, fitted to `width` columns: the percentage and
/// time left when there is a total, the counts, then the hint, then as much
/// of the end of the directory's path as fits.
pub fn live_message(
    tick: &Tick,
    eta: Option<&Eta>,
    hint: Option<&str>,
    dir: Option<&[u8]>,
    width: usize,
) -> String {
    let entries = tick.entries();
    let secs = tick.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        (entries as f64 / secs) as u64
    } else {
        0
    };
    let mut line = eta.map(|e| eta::live_text(e) + "  ").unwrap_or_default();
    let _ = write!(
        line,
        "{}  {} entries  {} dirs  {}  {}/s",
        format_elapsed(tick.elapsed),
        group_digits(entries),
        group_digits(tick.counts.dirs),
        format_size(tick.counts.bytes),
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
        /// The last directory shown, kept once the output has passed it.
        dir: Vec<u8>,
    },
    /// A line per tick on stderr that is not a terminal.
    Plain,
}

/// Columns the live line's bar takes, with the space after it.
const BAR_WIDTH: usize = 21;

/// The progress display of one scan.
pub struct Progress {
    sink: Sink,
    every: Duration,
    hint: Option<&'static str>,
    /// How far the scan has come, when its total is known.
    estimate: Option<Estimate>,
    /// Entries read at each tick, for the pace the history keeps.
    samples: Samples,
}

impl Progress {
    /// A display on stderr: live if stderr is a terminal, plain lines every
    /// `tick` otherwise. `hint` says how to stop the scan, if it can be;
    /// with a `baseline`, the display shows how far the scan has come.
    pub fn new(tick: Duration, hint: Option<&'static str>, baseline: Option<Baseline>) -> Progress {
        let estimate = baseline.map(|b| {
            let estimate = Estimate::new(b.entries);
            match (b.profile, b.seconds) {
                (Some(pace), Some(seconds)) => {
                    estimate.with_pace(pace, (seconds * 1000.0).round() as u64)
                }
                _ => estimate,
            }
        });
        if std::io::stderr().is_terminal() {
            // The bar counts percent; indicatif draws it.
            let (length, template) = match baseline {
                Some(_) => (Some(100), "{spinner} {bar:20} {msg}"),
                None => (None, "{spinner} {msg}"),
            };
            let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(LIVE_REFRESH);
            Progress {
                sink: Sink::Live {
                    bar,
                    dir: Vec::new(),
                },
                every: tick.min(LIVE_REFRESH),
                hint,
                estimate,
                samples: Samples::default(),
            }
        } else {
            Progress {
                sink: Sink::Plain,
                every: tick,
                hint,
                estimate,
                samples: Samples::default(),
            }
        }
    }

    /// How often [`Progress::show`] wants to be called.
    pub fn every(&self) -> Duration {
        self.every
    }

    /// Shows the state of the scan.
    pub fn show(&mut self, tick: &Tick) {
        self.samples.note(tick.entries(), tick.elapsed);
        let eta = self
            .estimate
            .as_mut()
            .map(|e| e.at(tick.entries(), tick.elapsed));
        match &mut self.sink {
            Sink::Live { bar, dir } => {
                if let Some(now) = tick.current_dir {
                    dir.clear();
                    dir.extend_from_slice(now);
                }
                // The spinner and the space after it take two columns; the
                // last column is left free so that no terminal wraps.
                let mut width = terminal_width().saturating_sub(3);
                if let Some(eta) = &eta {
                    bar.set_position(eta.percent.into());
                    width = width.saturating_sub(BAR_WIDTH);
                }
                let dir = (!dir.is_empty()).then_some(&dir[..]);
                bar.set_message(live_message(tick, eta.as_ref(), self.hint, dir, width));
            }
            Sink::Plain => {
                // One write per line: lines never interleave with others.
                let line = plain_line(tick, eta.as_ref());
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
        }
    }

    /// The live line, for output that must be written around it.
    pub fn live_bar(&self) -> Option<ProgressBar> {
        match &self.sink {
            Sink::Live { bar, .. } => Some(bar.clone()),
            Sink::Plain => None,
        }
    }

    /// The pace of the scan shown, which read `entries` in `elapsed`:
    /// none if it was too short to have been sampled.
    pub fn profile(&self, entries: u64, elapsed: Duration) -> Option<Profile> {
        self.samples.profile(entries, elapsed)
    }

    /// Clears the live line, before the last results print.
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
    use crate::walk::PUBLISH_EVERY;

    fn tick<'a>(counts: &Counts, live: &'a Live) -> Tick<'a> {
        Tick {
            counts: *counts,
            live,
            elapsed: Duration::from_millis(2500),
            stopping: false,
            current_dir: None,
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
        let report = Counts {
            entries: 345_678,
            dirs: 2100,
            bytes: 1_385_000_000,
        };
        let live = Live::default();
        assert_eq!(
            plain_line(&tick(&report, &live), None),
            "cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB\n"
        );
    }

    #[test]
    fn plain_line_with_a_total_ends_with_percent_and_eta() {
        let report = Counts {
            entries: 345_678,
            dirs: 2100,
            bytes: 1_385_000_000,
        };
        let live = Live::default();
        let t = tick(&report, &live);
        let mut estimate = Estimate::new(820_000);
        let eta = estimate.at(t.entries(), t.elapsed);
        assert_eq!(
            plain_line(&t, Some(&eta)),
            "cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB 42% ETA 3s\n"
        );
        let mut small = Estimate::new(300_000);
        let eta = small.at(t.entries(), t.elapsed);
        assert_eq!(
            plain_line(&t, Some(&eta)),
            "cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB 99% ETA ?\n"
        );
    }

    #[test]
    fn live_line_with_a_total_starts_with_percent_and_eta() {
        let report = Counts {
            entries: 250,
            ..Counts::default()
        };
        let live = Live::default();
        let t = tick(&report, &live);
        let eta = Estimate::new(1000).at(t.entries(), t.elapsed);
        let line = live_message(&t, Some(&eta), None, None, 200);
        assert!(line.starts_with("25%  ETA 8s  2.5s  250 entries"), "{line}");
    }

    #[test]
    fn entries_published_by_workers_count_before_their_batch() {
        let report = Counts {
            entries: 10,
            ..Counts::default()
        };
        let live = Live::default();
        live.add_entries(PUBLISH_EVERY);
        assert_eq!(tick(&report, &live).entries(), PUBLISH_EVERY);
    }

    #[test]
    fn live_line_fits_the_width_and_keeps_the_end_of_the_path() {
        let report = Counts::default();
        let live = Live::default();
        let t = tick(&report, &live);
        let dir = b"/very/long/path/to/the/directory/being/read/now".as_slice();
        let hint = Some("press any key or Ctrl-C to stop");
        for width in [20, 60, 77, 100, 200] {
            let line = live_message(&t, None, hint, Some(dir), width);
            assert!(line.chars().count() <= width.max(50), "{width}: {line}");
        }
        let line = live_message(&t, None, hint, Some(dir), 100);
        assert!(line.contains("press any key"), "{line}");
        assert!(line.ends_with("being/read/now"), "{line}");
        let wide = live_message(&t, None, hint, Some(dir), 200);
        assert!(wide.ends_with("  /very/long/path/to/the/directory/being/read/now"));
    }

    #[test]
    fn live_line_shows_no_control_characters() {
        let report = Counts::default();
        let live = Live::default();
        let line = live_message(&tick(&report, &live), None, None, Some(b"a\nb\x1b[2J"), 200);
        assert!(line.ends_with("a?b?[2J"), "{line}");
    }
}
