//! How many directories the parallel walk reads at once when `-j` does not
//! say. No single number is right everywhere: on a warm local disk the
//! cores are the limit and a few dozen threads cost nothing; in memory
//! nothing ever waits; over a network every call waits for a server, and
//! the more calls in flight the better, far past the core count.
//!
//! So the walk starts from a count chosen by the file system's type
//! (statfs) and then watches: while the processor is mostly idle (the
//! threads are waiting, not working), the workers are all busy and more
//! directories wait, it raises the count by half, and keeps raising it for
//! as long as each raise makes entries come in faster. Two raises that do
//! not pay stop it. Off FUSE it never lowers the count: a thread with
//! nothing to do waits on the queue and costs nothing.
//!
//! On FUSE the server runs here and shares the processors with the walk,
//! and past a few dozen threads the walk waits on the output's order more
//! than on the server: behind 0.2 ms and 1 ms of latency most of 256
//! workers sit held back while a few read what the output waits for, and
//! the walk stalls for tenths of a second at a time. So on FUSE the count
//! starts at 64, the best fixed count measured there, may double once,
//! and the tuner climbs (see [`super::climb`]): it raises only while every
//! worker is reading and none is held back, judges the raise by the
//! entries read per second over the next quarter second, and steps back to
//! the count before it if it did not pay. The processors' idle share does
//! not gate the raise there: the server's threads and other programs blur
//! it, and the rate alone says whether the raise paid. The window is long
//! because entries come in bursts (a directory's count lands when it is
//! read): over 50 ms the rate says more about the tree than about the
//! count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::climb::{Climb, Move, PAYS, Window};
use super::fs_kind::FsKind;
use crate::config::{Config, Operand, default_threads};

/// The most threads the walk raises itself to. Past a few hundred calls in
/// flight even a distant server has all it can take, and each thread costs
/// a stack.
pub const MOST_THREADS: usize = 256;

/// The count a walk on FUSE starts with.
const FUSE_START: usize = 64;

/// The count the walk starts with and how far it may raise it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub start: usize,
    pub most: usize,
    /// Where the plan came from: `None` for `-j`.
    pub kind: Option<FsKind>,
}

impl Plan {
    /// Exactly `threads`, as `-j` asks.
    pub fn fixed(threads: usize) -> Plan {
        let threads = threads.max(1);
        Plan {
            start: threads,
            most: threads,
            kind: None,
        }
    }

    /// The plan of a parallel walk of `config`: `-j` if given, else the
    /// one for the file system of the first operand.
    pub fn for_config(config: &Config) -> Plan {
        if let Some(threads) = config.threads {
            return Plan::fixed(threads);
        }
        let first = match config.operands.first() {
            Some(Operand::Path(path)) => &path[..],
            // Names read from a file: where they lead is not known yet.
            _ => b".",
        };
        Plan::for_kind(FsKind::of_path(first))
    }

    /// The plan for a walk that starts on a file system of `kind`.
    pub fn for_kind(kind: FsKind) -> Plan {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (start, most) = match kind {
            // A warm walk is bound by the cores; a cold one waits on the
            // device, and the tuner adds threads while the processors idle.
            FsKind::Local => (default_threads(), MOST_THREADS),
            // Nothing blocks: more threads than this only take turns.
            FsKind::Memory => (default_threads(), default_threads()),
            // benches/fuse.sh on /usr, 2 cores: through bindfs 32 and 64
            // threads are as fast, behind 0.2 ms and 1 ms 64 is best; 128
            // is slower but in one bindfs run, 256 slower everywhere
            // (docs/walker-rayon.md). The climb may try 128.
            FsKind::Fuse => (FUSE_START, FUSE_START * 2),
            // Not measured here (no NFS server): a remote server takes
            // many calls at once, so start higher and let it grow.
            FsKind::Network => ((cores * 32).clamp(64, MOST_THREADS), MOST_THREADS),
        };
        Plan {
            start,
            most: most.max(start),
            kind: Some(kind),
        }
    }

    /// Whether the count may change during the walk.
    pub fn tunes(&self) -> bool {
        self.most > self.start
    }
}

/// How long the tuner measures before it decides.
const INTERVAL: Duration = Duration::from_millis(50);
/// The same on FUSE, where each window judges a raise by its rate and so
/// must hold many directories.
const FUSE_INTERVAL: Duration = Duration::from_millis(250);
/// How long the tuner measures before it decides, on FUSE or elsewhere.
fn interval(server_here: bool) -> Duration {
    if server_here { FUSE_INTERVAL } else { INTERVAL }
}

/// The idle share of the processors above which the threads are taken to
/// be waiting rather than working.
const IDLE_ENOUGH: f64 = 0.25;
/// Raises in a row that did not pay before the tuner stops.
const MISSES_TO_STOP: u32 = 2;

/// The processors' time so far, from the first line of /proc/stat:
/// (idle and waiting for I/O, all), in clock ticks.
fn cpu_times() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().next()?.strip_prefix("cpu ")?;
    let fields: Vec<u64> = line
        .split_ascii_whitespace()
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let idle = fields.get(3)? + fields.get(4)?;
    Some((idle, fields.iter().sum()))
}

struct Sample {
    at: Instant,
    entries: u64,
    cpu: (u64, u64),
}

struct State {
    last: Option<Sample>,
    /// The rate before the last raise, while its effect is measured.
    before_raise: Option<f64>,
    misses: u32,
    stopped: bool,
    /// The climb on FUSE.
    climb: Climb,
}

/// The count of threads the walk may use, and what raises it.
pub struct Tuner {
    plan: Plan,
    /// The file system's server runs here (FUSE): the count climbs and
    /// may step back.
    server_here: bool,
    start: Instant,
    target: AtomicUsize,
    /// Nanoseconds after `start` of the next decision.
    next: AtomicU64,
    state: Mutex<State>,
}

impl Tuner {
    pub fn new(plan: Plan) -> Tuner {
        let server_here = plan.kind.is_some_and(FsKind::served_here);
        Tuner {
            plan,
            server_here,
            start: Instant::now(),
            target: AtomicUsize::new(plan.start),
            next: AtomicU64::new(interval(server_here).as_nanos() as u64),
            state: Mutex::new(State {
                last: None,
                before_raise: None,
                misses: 0,
                stopped: !plan.tunes(),
                climb: Climb::default(),
            }),
        }
    }

    /// How many threads the walk may use now.
    pub fn target(&self) -> usize {
        self.target.load(Ordering::Relaxed)
    }

    /// Whether the count climbs and may step back (FUSE): then only a
    /// walk that waits for its workers, not for the output, is saturated.
    pub fn climbs(&self) -> bool {
        self.server_here
    }

    /// Called by a worker between directories: `entries` read so far,
    /// `saturated` whether every thread allowed is running and more
    /// directories wait. Decides at most once an interval, and only one
    /// worker at a time.
    pub fn tick(&self, entries: impl FnOnce() -> u64, saturated: impl FnOnce() -> bool) {
        let now = self.start.elapsed().as_nanos() as u64;
        if now < self.next.load(Ordering::Relaxed) {
            return;
        }
        let Ok(mut state) = self.state.try_lock() else {
            return;
        };
        if state.stopped {
            self.next.store(u64::MAX, Ordering::Relaxed);
            return;
        }
        self.next.store(
            now + interval(self.server_here).as_nanos() as u64,
            Ordering::Relaxed,
        );
        let Some(cpu) = cpu_times() else {
            state.stopped = true;
            return;
        };
        let sample = Sample {
            at: Instant::now(),
            entries: entries(),
            cpu,
        };
        self.step(&mut state, sample, saturated);
    }

    /// One decision, on a new `sample`.
    fn step(&self, state: &mut State, sample: Sample, saturated: impl FnOnce() -> bool) {
        let Some(last) = state.last.replace(sample) else {
            return;
        };
        let sample = state.last.as_ref().expect("just stored");
        let seconds = sample.at.duration_since(last.at).as_secs_f64();
        let all = sample.cpu.1.saturating_sub(last.cpu.1);
        if seconds <= 0.0 || all == 0 {
            return;
        }
        let rate = sample.entries.saturating_sub(last.entries) as f64 / seconds;
        let target = self.target();
        if self.server_here {
            let window = Window {
                count: target,
                rate,
                saturated: saturated(),
            };
            match state.climb.step(window, self.plan.most) {
                Move::Stay => {}
                Move::Raise(count) | Move::Lower(count) => {
                    self.target.store(count, Ordering::Relaxed);
                }
            }
            state.stopped = state.climb.stopped();
            return;
        }
        let idle = sample.cpu.0.saturating_sub(last.cpu.0) as f64 / all as f64;
        if let Some(before) = state.before_raise.take() {
            if rate >= before * PAYS {
                state.misses = 0;
            } else {
                state.misses += 1;
                if state.misses >= MISSES_TO_STOP {
                    state.stopped = true;
                    return;
                }
            }
        }
        if idle >= IDLE_ENOUGH && target < self.plan.most && saturated() {
            let raised = (target + target / 2).max(target + 1).min(self.plan.most);
            self.target.store(raised, Ordering::Relaxed);
            // The next decision judges this raise by the rate.
            state.before_raise = Some(rate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_plan_never_tunes_and_the_others_start_in_range() {
        let fixed = Plan::fixed(8);
        assert!(!fixed.tunes());
        assert_eq!(Tuner::new(fixed).target(), 8);
        for kind in [FsKind::Local, FsKind::Memory, FsKind::Fuse, FsKind::Network] {
            let plan = Plan::for_kind(kind);
            assert!(plan.start >= 1 && plan.start <= plan.most, "{kind:?}");
            assert!(plan.most <= MOST_THREADS);
        }
        assert!(!Plan::for_kind(FsKind::Memory).tunes());
        assert!(Plan::for_kind(FsKind::Local).start < Plan::for_kind(FsKind::Network).start);
    }

    /// Feeds `tuner` samples an interval apart: (entries per interval, idle
    /// share of the processors), each with the pool saturated or not.
    fn feed(tuner: &Tuner, samples: &[(u64, f64, bool)]) -> Vec<usize> {
        let mut state = tuner.state.lock().unwrap();
        let at = Instant::now();
        let (mut entries, mut idle, mut all) = (0, 0, 0);
        let mut targets = Vec::new();
        for (i, &(n, share, saturated)) in samples.iter().enumerate() {
            entries += n;
            idle += (share * 100.0) as u64;
            all += 100;
            let sample = Sample {
                at: at + interval(tuner.server_here) * i as u32,
                entries,
                cpu: (idle, all),
            };
            if !state.stopped {
                tuner.step(&mut state, sample, || saturated);
            }
            targets.push(tuner.target());
        }
        targets
    }

    #[test]
    fn waiting_threads_are_raised_while_it_pays_and_no_further() {
        let tuner = Tuner::new(Plan::for_kind(FsKind::Network));
        assert_eq!(tuner.target(), 64);
        // Idle processors, a full pool, and each raise faster: 64, 96, 144.
        let t = feed(
            &tuner,
            &[
                (0, 0.0, true),
                (1000, 0.9, true),
                (1500, 0.9, true),
                (2250, 0.9, true),
            ],
        );
        assert_eq!(t, [64, 96, 144, 216]);
        // Two raises that bring nothing more stop it where it is.
        let tuner = Tuner::new(Plan::for_kind(FsKind::Network));
        let t = feed(
            &tuner,
            &[
                (0, 0.0, true),
                (1000, 0.9, true),
                (1000, 0.9, true),
                (1000, 0.9, true),
            ],
        );
        assert_eq!(t, [64, 96, 144, 144]);
        assert!(tuner.state.lock().unwrap().stopped);
    }

    #[test]
    fn on_fuse_the_count_climbs_while_it_pays_and_steps_back_when_not() {
        // Busy processors do not hold the climb back, a faster rate after
        // a raise carries it on, and a raise that reads slower is taken
        // back for the rest of the walk.
        let plan = Plan {
            start: 32,
            most: 256,
            kind: Some(FsKind::Fuse),
        };
        let tuner = Tuner::new(plan);
        let t = feed(
            &tuner,
            &[
                (0, 0.0, true),
                (1000, 0.05, true),
                (1900, 0.05, true),
                (1800, 0.05, true),
                (5000, 0.9, true),
            ],
        );
        assert_eq!(t, [32, 64, 128, 64, 64]);
        assert!(tuner.state.lock().unwrap().stopped);
        // The FUSE plan allows one doubling: past it the threads wait on
        // the output's order more than on the server.
        let plan = Plan::for_kind(FsKind::Fuse);
        assert_eq!(plan.most, (plan.start * 2).min(MOST_THREADS));
    }

    #[test]
    fn busy_processors_or_a_pool_with_room_are_not_raised() {
        let tuner = Tuner::new(Plan::for_kind(FsKind::Network));
        let start = tuner.target();
        let t = feed(
            &tuner,
            &[(0, 0.0, true), (1000, 0.05, true), (900, 0.5, false)],
        );
        assert_eq!(t, [start, start, start]);
        let tuner = Tuner::new(Plan::for_kind(FsKind::Fuse));
        let start = tuner.target();
        let t = feed(
            &tuner,
            &[(0, 0.0, true), (1000, 0.5, false), (900, 0.5, false)],
        );
        assert_eq!(t, [start, start, start]);
        let fixed = Tuner::new(Plan::fixed(4));
        assert_eq!(feed(&fixed, &[(0, 0.0, true), (10, 1.0, true)]), [4, 4]);
    }

    #[test]
    fn the_proc_stat_line_is_read() {
        let (idle, all) = cpu_times().expect("/proc/stat on Linux");
        assert!(idle <= all && all > 0);
    }
}
