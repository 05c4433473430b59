//! The pace of a scan: when it had read a tenth of its entries, two
//! tenths, ... nine tenths. The history keeps it with a scan's totals, and
//! the next scan of the same tree measures its own pace against it, so a
//! scan that starts slowly (threads starting, the walk fanning out from one
//! directory) or speeds up later (cached directories first) is expected to
//! do so again, and the estimate does not take the average rate so far for
//! the rate to come alone.

use std::time::Duration;

/// Milliseconds from the start at which 10%, 20%, ..., 90% of a scan's
/// entries had been read, never decreasing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile(pub [u64; 9]);

impl Profile {
    /// The time, in milliseconds of a scan that took `total_ms`, at which
    /// it had read `fraction` (0 to 1) of its entries, reading at an even
    /// pace between the tenths.
    pub fn time_at(&self, fraction: f64, total_ms: u64) -> f64 {
        let fraction = fraction.clamp(0.0, 1.0);
        let tenth = ((fraction * 10.0) as usize).min(9);
        let at = |k: usize| match k {
            0 => 0.0,
            10 => total_ms as f64,
            k => self.0[k - 1] as f64,
        };
        let (from, to) = (at(tenth), at(tenth + 1).max(at(tenth)));
        from + (to - from) * (fraction * 10.0 - tenth as f64)
    }

    /// The text form the history keeps: nine numbers joined by commas.
    pub fn to_text(self) -> String {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        parts.join(",")
    }

    /// Reads [`Profile::to_text`]'s form; None unless it is nine numbers
    /// that never decrease.
    pub fn from_text(text: &str) -> Option<Profile> {
        let numbers: Vec<u64> = text
            .split(',')
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        let tenths: [u64; 9] = numbers.try_into().ok()?;
        tenths
            .windows(2)
            .all(|w| w[0] <= w[1])
            .then_some(Profile(tenths))
    }
}

/// Samples kept at most: at one a tick this covers 51 s at 100 ms before
/// every other one is let go (and the interval between kept ones doubles).
const MOST_SAMPLES: usize = 512;

/// The entries read at each progress tick of a scan, thinned as it goes on
/// so that it stays small.
#[derive(Debug, Default)]
pub struct Samples {
    /// (milliseconds, entries), in time order.
    kept: Vec<(u64, u64)>,
    /// One tick in this many is kept.
    every: u32,
    ticks: u32,
}

impl Samples {
    /// Notes that `entries` had been read after `elapsed`.
    pub fn note(&mut self, entries: u64, elapsed: Duration) {
        self.ticks += 1;
        let every = self.every.max(1);
        if !self.ticks.is_multiple_of(every) {
            return;
        }
        self.kept.push((elapsed.as_millis() as u64, entries));
        if self.kept.len() >= MOST_SAMPLES {
            let mut i = 0;
            self.kept.retain(|_| {
                i += 1;
                i % 2 == 0
            });
            self.every = every * 2;
        }
    }

    /// The pace of a scan that ended after `total` with `entries` read,
    /// from the samples: None when the scan read nothing or was too short
    /// to have been sampled before its last tenth.
    pub fn profile(&self, entries: u64, total: Duration) -> Option<Profile> {
        if entries == 0 {
            return None;
        }
        let end = (total.as_millis() as u64, entries);
        let points: Vec<(u64, u64)> = std::iter::once((0, 0))
            .chain(self.kept.iter().copied().filter(|&(_, n)| n < entries))
            .chain(std::iter::once(end))
            .collect();
        // Too few samples say nothing of the pace: the even pace of a scan
        // without a profile is as good.
        if points.len() < 4 {
            return None;
        }
        let mut tenths = [0u64; 9];
        let mut last = 0;
        for (k, slot) in tenths.iter_mut().enumerate() {
            let target = entries as f64 * (k + 1) as f64 / 10.0;
            let i = points
                .iter()
                .position(|&(_, n)| n as f64 >= target)
                .unwrap_or(points.len() - 1)
                .max(1);
            let ((t0, n0), (t1, n1)) = (points[i - 1], points[i]);
            let share = if n1 > n0 {
                ((target - n0 as f64) / (n1 - n0) as f64).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let t = t0 as f64 + (t1.saturating_sub(t0)) as f64 * share;
            last = last.max(t.round() as u64);
            *slot = last;
        }
        Some(Profile(tenths))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_scan_at_an_even_pace_reaches_each_tenth_at_its_tenth_of_the_time() {
        let mut s = Samples::default();
        for i in 1..100u64 {
            s.note(i * 10, MS * (i as u32) * 10);
        }
        let p = s.profile(1000, MS * 1000).expect("sampled");
        assert_eq!(p.0, [100, 200, 300, 400, 500, 600, 700, 800, 900]);
        assert_eq!(p.time_at(0.25, 1000), 250.0);
        assert_eq!(p.time_at(1.0, 1000), 1000.0);
    }

    #[test]
    fn a_slow_start_shows_in_the_first_tenths() {
        let mut s = Samples::default();
        // Nothing for 200 ms, then 1,000 entries in 800 ms.
        s.note(0, MS * 100);
        s.note(0, MS * 200);
        for i in 1..8u64 {
            s.note(i * 125, MS * (200 + i as u32 * 100));
        }
        let p = s.profile(1000, MS * 1000).expect("sampled");
        assert_eq!(p.0[0], 280);
        assert_eq!(p.0[8], 920);
        // Half the entries were read at 600 ms, not 500.
        assert_eq!(p.time_at(0.5, 1000), 600.0);
    }

    #[test]
    fn too_short_a_scan_has_no_profile() {
        let mut s = Samples::default();
        s.note(500, MS * 100);
        assert_eq!(s.profile(1000, MS * 150), None);
        assert_eq!(Samples::default().profile(0, MS), None);
    }

    #[test]
    fn samples_stay_few_and_in_order() {
        let mut s = Samples::default();
        for i in 0..100_000u64 {
            s.note(i, MS * i as u32);
        }
        assert!(s.kept.len() < MOST_SAMPLES);
        assert!(s.kept.windows(2).all(|w| w[0].0 < w[1].0));
        let p = s.profile(100_000, MS * 100_000).expect("sampled");
        for (k, t) in p.0.iter().enumerate() {
            let want = (k as u64 + 1) * 10_000;
            assert!(
                t.abs_diff(want) <= 400,
                "tenth {k}: {t} ms, not about {want}"
            );
        }
    }

    #[test]
    fn the_text_form_reads_back_and_refuses_what_it_did_not_write() {
        let p = Profile([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(p.to_text(), "1,2,3,4,5,6,7,8,9");
        assert_eq!(Profile::from_text(&p.to_text()), Some(p));
        assert_eq!(Profile::from_text("1,2,3"), None);
        assert_eq!(Profile::from_text("9,8,7,6,5,4,3,2,1"), None);
        assert_eq!(Profile::from_text("1,2,3,4,5,6,7,8,x"), None);
    }
}
