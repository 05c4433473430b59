//! The tuner's steps on FUSE: raise the count, judge the raise by the
//! entries read per second over the next window, and step back to the
//! count before it when it did not pay.
//!
//! On FUSE the best count depends on what answers and on the tree: behind
//! a delay more calls in flight hide it, up to a point past which the
//! threads wait on the output's order or take turns on the processors
//! with the server. Neither the file system's type nor the processors'
//! idle share tells these apart (the server and other programs share the
//! processors), but the rate does, once it is measured over a window long
//! enough to hold many directories. So each window either raises the
//! count (doubling it, up to the plan's ceiling, while every worker reads
//! and more directories wait) or judges the raise made after the last
//! one; a raise that did not bring [`PAYS`] more entries a second is taken
//! back, and the count stays there for the rest of the walk.

/// A raise pays when entries come in at least this much faster after it.
pub const PAYS: f64 = 1.10;

/// What the tuner does with the count after a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Stay,
    Raise(usize),
    /// Back to this count, where the climb ends.
    Lower(usize),
}

/// One window's measurement.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// The count the window ran with.
    pub count: usize,
    /// Entries read per second in it.
    pub rate: f64,
    /// Every thread allowed was running and more directories waited.
    pub saturated: bool,
}

/// Where the climb stands.
#[derive(Debug, Default)]
pub struct Climb {
    /// The count before the last raise and its rate, while the raise is
    /// judged.
    before: Option<(usize, f64)>,
    stopped: bool,
}

impl Climb {
    /// Whether the climb is over: the count stays.
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// The move after `window`, with counts up to `most`.
    pub fn step(&mut self, window: Window, most: usize) -> Move {
        if self.stopped {
            return Move::Stay;
        }
        if let Some((count, rate)) = self.before.take()
            && window.rate < rate * PAYS
        {
            self.stopped = true;
            return Move::Lower(count);
        }
        if window.saturated && window.count < most {
            self.before = Some((window.count, window.rate));
            return Move::Raise((window.count * 2).clamp(window.count + 1, most));
        }
        Move::Stay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(count: usize, rate: f64) -> Window {
        Window {
            count,
            rate,
            saturated: true,
        }
    }

    /// Runs a climb from `start` where each count gives the rate `rate_at`
    /// says; the counts it went through, the last where it ends.
    fn climb(start: usize, most: usize, rate_at: impl Fn(usize) -> f64) -> Vec<usize> {
        let mut climb = Climb::default();
        let mut counts = vec![start];
        let mut count = start;
        for _ in 0..20 {
            match climb.step(window(count, rate_at(count)), most) {
                Move::Stay => {}
                Move::Raise(n) | Move::Lower(n) => {
                    count = n;
                    counts.push(n);
                }
            }
        }
        counts
    }

    #[test]
    fn a_raise_that_pays_is_kept_and_the_next_is_tried() {
        // Behind a delay: each doubling up to 128 reads faster, 256 not.
        let rate = |n: usize| match n {
            32 => 1000.0,
            64 => 1800.0,
            128 => 2500.0,
            _ => 2400.0,
        };
        assert_eq!(climb(32, 256, rate), [32, 64, 128, 256, 128]);
    }

    #[test]
    fn a_raise_that_does_not_pay_is_taken_back_for_good() {
        // Through bindfs: the processors are the limit at 32 already.
        let rate = |n: usize| if n == 32 { 1000.0 } else { 900.0 };
        assert_eq!(climb(32, 256, rate), [32, 64, 32]);
        // A gain below the bar is no gain: the extra threads cost a stack
        // and a share of the processors for it.
        let rate = |n: usize| if n == 32 { 1000.0 } else { 1050.0 };
        assert_eq!(climb(32, 256, rate), [32, 64, 32]);
    }

    #[test]
    fn the_climb_ends_at_the_ceiling() {
        assert_eq!(climb(32, 256, |n| n as f64), [32, 64, 128, 256]);
        assert_eq!(climb(48, 128, |n| n as f64), [48, 96, 128]);
    }

    #[test]
    fn a_pool_with_room_is_not_raised_until_it_fills() {
        let mut climb = Climb::default();
        let idle = Window {
            saturated: false,
            ..window(32, 500.0)
        };
        assert_eq!(climb.step(idle, 256), Move::Stay);
        assert_eq!(climb.step(idle, 256), Move::Stay);
        assert_eq!(climb.step(window(32, 500.0), 256), Move::Raise(64));
        // The raise is judged even if the pool has room again: fewer
        // entries a second after it is all that counts.
        let after = Window {
            saturated: false,
            ..window(64, 400.0)
        };
        assert_eq!(climb.step(after, 256), Move::Lower(32));
        assert!(climb.stopped());
        assert_eq!(climb.step(window(32, 9000.0), 256), Move::Stay);
    }
}
