//! Progress on stderr while a walk runs, never on stdout: one live line on
//! a terminal (indicatif), plain lines elsewhere. Workers only bump
//! counters ([`Live`]); the aggregator formats at each tick, so progress
//! costs the walk next to nothing.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::baseline::Baseline;
use crate::eta::Estimate;
use crate::profile::{Profile, Samples};
use crate::stream::Counts;
use crate::walk::Live;

mod line;
pub(crate) mod stopped;

/// What the job-control thread wraps a stop in: `stop` stops the process
/// and returns once it is continued. The live line passes it through its
/// own suspend, so that the line is cleared while the job is stopped and
/// drawn again after.
pub type AroundStop = Box<dyn Fn(&mut dyn FnMut()) + Send>;
pub use line::{Hint, group_digits, live_message, plain_line};

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

/// Where progress goes.
enum Sink {
    /// A live line on the terminal.
    Live {
        bar: ProgressBar,
        /// The last directory shown, kept once the output has passed it.
        dir: Vec<u8>,
        /// The bar is drawn: there is a total and room for it.
        with_bar: bool,
        /// Nothing drawn by [`Progress::show`] yet.
        first: bool,
    },
    /// A line per tick on stderr that is not a terminal.
    Plain,
}

/// Columns the live line's bar takes, with the space after it.
const BAR_WIDTH: usize = 21;

/// Columns the text beside the bar should have at least; on a narrower
/// terminal the bar gives its room to the text.
const TEXT_BESIDE_BAR: usize = 40;

const WITH_BAR: &str = "{spinner} {bar:20} {msg}";
const WITHOUT_BAR: &str = "{spinner} {msg}";

fn set_template(bar: &ProgressBar, template: &str) {
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
}

/// Whether stderr is a terminal that can show a live line: one that
/// understands cursor movement, which a `dumb` one (or one whose TERM is
/// not set) does not. Elsewhere progress is the plain lines.
fn stderr_shows_live_line() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("TERM").is_some_and(|term| !term.is_empty() && term != "dumb")
}

/// The progress display of one scan.
pub struct Progress {
    sink: Sink,
    every: Duration,
    hint: Option<Hint>,
    /// How far the scan has come, when its total is known.
    estimate: Option<Estimate>,
    /// Entries read at each tick, for the pace the history keeps.
    samples: Samples,
    /// Time the process had spent stopped when the scan began: later
    /// stops are left out of its elapsed time, its rate and its estimate.
    stopped_before: Duration,
    /// The running time last shown, which never goes back (a tick taken
    /// just before a stop may be shown after it).
    shown_elapsed: Duration,
}

impl Progress {
    /// A display on stderr: live if stderr is a terminal that can show
    /// one, plain lines every `tick` otherwise. With a `baseline`, the
    /// display shows how far the scan has come. The hint comes later
    /// ([`Progress::set_hint`]), once it is known whether a key stops.
    pub fn new(tick: Duration, baseline: Option<Baseline>) -> Progress {
        let estimate = baseline.map(|b| {
            let estimate = Estimate::new(b.entries);
            match (b.profile, b.seconds) {
                (Some(pace), Some(seconds)) => {
                    estimate.with_pace(pace, (seconds * 1000.0).round() as u64)
                }
                _ => estimate,
            }
        });
        let (sink, every) = if stderr_shows_live_line() {
            // The bar counts percent; indicatif draws it.
            let bar =
                ProgressBar::with_draw_target(baseline.map(|_| 100), ProgressDrawTarget::stderr());
            set_template(
                &bar,
                if baseline.is_some() {
                    WITH_BAR
                } else {
                    WITHOUT_BAR
                },
            );
            bar.enable_steady_tick(LIVE_REFRESH);
            let sink = Sink::Live {
                bar,
                dir: Vec::new(),
                with_bar: baseline.is_some(),
                first: true,
            };
            (sink, tick.min(LIVE_REFRESH))
        } else {
            (Sink::Plain, tick)
        };
        Progress {
            sink,
            every,
            hint: None,
            estimate,
            samples: Samples::default(),
            stopped_before: stopped::stopped_time(),
            shown_elapsed: Duration::ZERO,
        }
    }

    /// Says on the live line how the scan can be stopped.
    pub fn set_hint(&mut self, hint: Option<Hint>) {
        self.hint = hint;
    }

    /// Whether the live line is shown (not plain lines).
    pub fn is_live(&self) -> bool {
        matches!(self.sink, Sink::Live { .. })
    }

    /// `elapsed` since the scan began, less the time the process was
    /// stopped meanwhile (Ctrl-Z until `fg`).
    pub fn running_time(&self, elapsed: Duration) -> Duration {
        let stopped = stopped::stopped_time().saturating_sub(self.stopped_before);
        elapsed.saturating_sub(stopped)
    }

    /// What a stop of the process is wrapped in: the live line is cleared
    /// before it and drawn again after.
    pub fn around_stop(&self) -> AroundStop {
        match &self.sink {
            Sink::Live { bar, .. } => {
                let bar = bar.clone();
                Box::new(move |stop| bar.suspend(stop))
            }
            Sink::Plain => Box::new(|stop| stop()),
        }
    }

    /// How often [`Progress::show`] wants to be called.
    pub fn every(&self) -> Duration {
        self.every
    }

    /// Shows the state of the scan.
    pub fn show(&mut self, tick: &Tick) {
        self.shown_elapsed = self.shown_elapsed.max(self.running_time(tick.elapsed));
        let tick = &Tick {
            elapsed: self.shown_elapsed,
            ..*tick
        };
        self.samples.note(tick.entries(), tick.elapsed);
        let eta = self
            .estimate
            .as_mut()
            .map(|e| e.at(tick.entries(), tick.elapsed));
        match &mut self.sink {
            Sink::Live {
                bar,
                dir,
                with_bar,
                first,
            } => {
                if let Some(now) = tick.current_dir {
                    dir.clear();
                    dir.extend_from_slice(now);
                }
                // The spinner and the space after it take two columns; the
                // last column is left free so that no terminal wraps.
                let mut width = terminal_width().saturating_sub(3);
                if let Some(eta) = &eta {
                    bar.set_position(eta.percent.into());
                    let room = width >= BAR_WIDTH + TEXT_BESIDE_BAR;
                    if room != *with_bar {
                        *with_bar = room;
                        set_template(bar, if room { WITH_BAR } else { WITHOUT_BAR });
                    }
                    if room {
                        width -= BAR_WIDTH;
                    }
                }
                let dir = (!dir.is_empty()).then_some(&dir[..]);
                bar.set_message(live_message(tick, eta.as_ref(), self.hint, dir, width));
                if std::mem::take(first) {
                    // The hint is on the terminal now, not at the next
                    // redraw: a key is armed from this moment.
                    bar.force_draw();
                }
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
    use super::line::{format_elapsed, width_of};
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
        let report = Counts {
            entries: 1_234_567,
            dirs: 12_345,
            bytes: 1_385_000_000,
        };
        let live = Live::default();
        let t = tick(&report, &live);
        let dir = "/very/long/path/to/the/directory/being/read/now/日本".as_bytes();
        let hint = Some(Hint {
            full: "press any key or Ctrl-C to stop",
            short: "key stops",
        });
        let eta = Estimate::new(5_000_000).at(t.entries(), t.elapsed);
        for width in 0..=200 {
            for eta in [None, Some(&eta)] {
                let line = live_message(&t, eta, hint, Some(dir), width);
                assert!(width_of(&line) <= width, "{width}: {line}");
            }
        }
        let line = live_message(&t, None, hint, Some(dir), 120);
        assert!(line.contains("press any key"), "{line}");
        assert!(line.ends_with("being/read/now/日本"), "{line}");
        let wide = live_message(&t, None, hint, Some(dir), 200);
        assert!(wide.ends_with("  /very/long/path/to/the/directory/being/read/now/日本"));
        // Narrow: the counts that matter and the short hint, nothing cut.
        let narrow = live_message(&t, None, hint, None, 28);
        assert_eq!(narrow, "1,234,567 entries  key stops");
    }

    #[test]
    fn live_line_shows_no_control_characters() {
        let report = Counts::default();
        let live = Live::default();
        let line = live_message(&tick(&report, &live), None, None, Some(b"a\nb\x1b[2J"), 200);
        assert!(line.ends_with("a?b?[2J"), "{line}");
    }
}
