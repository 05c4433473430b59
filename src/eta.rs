//! How far a scan has come against a known total of entries, and how long
//! it has left: the percentage and the estimate that progress shows when a
//! [`crate::baseline::Baseline`] is known. Pure arithmetic and formatting,
//! so that both can be tested with fixed numbers.
//!
//! The time left is the time taken so far scaled by the share still to
//! read: the average rate since the start, which settles as the scan goes
//! on. A rate over the last second did no better on the measured runs and
//! jumps with each stall (the measurements are in
//! docs/progress-accuracy.md). When the total comes with the pace of the
//! scan it was taken from (a remembered scan's [`Profile`]), a second
//! estimate is what that scan still took from the same share on, scaled
//! by how much slower or faster this one has been so far, and the time
//! left is the mean of the two. Alone, the
//! pace expects a slow start or a quick end again but also every stall of
//! the last scan, which a cold cache does not repeat; the mean had the
//! smallest errors of the three on the measured runs.

use std::time::Duration;

use crate::profile::Profile;

/// The highest percentage shown while a scan runs: a scan that reaches
/// its total before its end has outgrown the estimate, and says so rather
/// than show 100% with more to come.
const MAX_RUNNING_PERCENT: u8 = 99;

/// Where a scan stands against its total at one tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Eta {
    /// Whole percent of the total read, at most 99.
    pub percent: u8,
    /// Time left, when it can be told: not before the first entries, nor
    /// once the total has been passed.
    pub left: Option<Duration>,
}

/// The estimate of one scan against a total of `total` entries.
#[derive(Clone, Debug)]
pub struct Estimate {
    total: u64,
    /// The total was reached before the end: from then on it is unknown.
    outgrown: bool,
    /// The highest percentage shown, which is never taken back.
    shown: u8,
    /// The pace of the scan the total comes from, and its length in ms.
    pace: Option<(Profile, u64)>,
}

impl Estimate {
    pub fn new(total: u64) -> Self {
        Estimate {
            total,
            outgrown: false,
            shown: 0,
            pace: None,
        }
    }

    /// An estimate that expects the pace of a scan that took `total_ms`.
    pub fn with_pace(mut self, profile: Profile, total_ms: u64) -> Self {
        self.pace = (total_ms > 0).then_some((profile, total_ms));
        self
    }

    /// Where a scan that has read `entries` in `elapsed` stands.
    pub fn at(&mut self, entries: u64, elapsed: Duration) -> Eta {
        if entries >= self.total {
            self.outgrown = true;
        }
        if self.outgrown {
            self.shown = MAX_RUNNING_PERCENT;
            return Eta {
                percent: MAX_RUNNING_PERCENT,
                left: None,
            };
        }
        let percent = (u128::from(entries) * 100 / u128::from(self.total)) as u8;
        self.shown = self.shown.max(percent.min(MAX_RUNNING_PERCENT));
        let left = (entries > 0).then(|| self.left(entries, elapsed));
        Eta {
            percent: self.shown,
            left,
        }
    }
}

impl Estimate {
    /// The time left after `entries` (more than none, fewer than the
    /// total) in `elapsed`.
    fn left(&self, entries: u64, elapsed: Duration) -> Duration {
        let done = entries as f64 / self.total as f64;
        let average = (1.0 - done) / done;
        if let Some((profile, total_ms)) = self.pace {
            let then = profile.time_at(done, total_ms);
            if then > 0.0 {
                // What the earlier scan took from here, at this one's pace.
                let rest = (total_ms as f64 - then).max(0.0);
                return elapsed.mul_f64((rest / then + average) / 2.0);
            }
        }
        elapsed.mul_f64(average)
    }
}

/// Whole seconds, rounded to the nearest.
fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_millis() >= 500)
}

/// The end of a plain progress line, in the documented form
/// ` 42% ETA 73s` (whole seconds), or ` 99% ETA ?` when the time left is
/// unknown.
pub fn plain_suffix(eta: &Eta) -> String {
    match eta.left {
        Some(left) => format!(" {}% ETA {}s", eta.percent, whole_seconds(left)),
        None => format!(" {}% ETA ?", eta.percent),
    }
}

/// Time left for people: `8s`, `1m12s`, `2h05m`.
pub fn format_left(left: Duration) -> String {
    let secs = whole_seconds(left);
    if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m", secs / 3600, secs / 60 % 60)
    }
}

/// The percentage and estimate on the live line: `42%  ETA 1m12s`.
pub fn live_text(eta: &Eta) -> String {
    match eta.left {
        Some(left) => format!("{}%  ETA {}", eta.percent, format_left(left)),
        None => format!("{}%  ETA ?", eta.percent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn a_quarter_read_in_ten_seconds_leaves_thirty() {
        let mut e = Estimate::new(1_000_000);
        let eta = e.at(250_000, 10 * SEC);
        assert_eq!(eta.percent, 25);
        assert_eq!(eta.left, Some(30 * SEC));
        assert_eq!(plain_suffix(&eta), " 25% ETA 30s");
        assert_eq!(live_text(&eta), "25%  ETA 30s");
    }

    #[test]
    fn a_remembered_slow_start_is_half_expected_again() {
        // The last scan took 10 s, read nothing in its first 2 s and then
        // went at an even pace: a quarter at 4 s, half at 6 s.
        let pace = Profile([2800, 3600, 4400, 5200, 6000, 6800, 7600, 8400, 9200]);
        let mut e = Estimate::new(1000).with_pace(pace, 10_000);
        // This one goes the same way. At a quarter the pace says 6 s are
        // left and the average rate so far 12: the mean, 9.
        assert_eq!(e.at(250, 4 * SEC).left, Some(9 * SEC));
        // At half: the pace 4 s, the average 6.
        assert_eq!(e.at(500, 6 * SEC).left, Some(5 * SEC));
        // Twice as slow throughout: twice the time left.
        let mut slow = Estimate::new(1000).with_pace(pace, 10_000);
        assert_eq!(slow.at(500, 12 * SEC).left, Some(10 * SEC));
        // Passing the total still ends the estimate.
        assert_eq!(plain_suffix(&slow.at(1000, 20 * SEC)), " 99% ETA ?");
    }

    #[test]
    fn nothing_read_yet_has_no_estimate() {
        let eta = Estimate::new(100).at(0, SEC);
        assert_eq!(plain_suffix(&eta), " 0% ETA ?");
    }

    #[test]
    fn a_tree_that_outgrew_its_total_stops_at_99_and_stays_unknown() {
        let mut e = Estimate::new(1000);
        assert_eq!(plain_suffix(&e.at(990, 99 * SEC)), " 99% ETA 1s");
        assert_eq!(plain_suffix(&e.at(1000, 100 * SEC)), " 99% ETA ?");
        assert_eq!(plain_suffix(&e.at(5000, 500 * SEC)), " 99% ETA ?");
    }

    #[test]
    fn the_percentage_never_goes_back() {
        let mut e = Estimate::new(1000);
        assert_eq!(e.at(600, SEC).percent, 60);
        // Fewer entries than before cannot come from a walk, but a
        // percentage once shown stays.
        assert_eq!(e.at(500, 2 * SEC).percent, 60);
    }

    #[test]
    fn time_left_reads_naturally() {
        assert_eq!(format_left(Duration::from_millis(7600)), "8s");
        assert_eq!(format_left(72 * SEC), "1m12s");
        assert_eq!(format_left(7500 * SEC), "2h05m");
        assert_eq!(
            plain_suffix(&Eta {
                percent: 42,
                left: Some(73 * SEC)
            }),
            " 42% ETA 73s"
        );
    }
}
