//! `cdu --bench-modes [DIR]`: each mode timed on one tree, so that someone
//! can see on their own disk (SSD, HDD, NFS) which mode and thread count
//! pays. Every configuration is run once to warm up and then `runs` times;
//! the table gives the median, fastest and slowest run and the speed-up of
//! the median over the sequential mode's.
//!
//! The scans go through [`crate::scan`] exactly as a run of the command
//! does, minus the printing; a run whose total differs from the first
//! one's is flagged, since every mode must find the same.

use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::config::{Config, Mode};
use crate::stream::{Event, Sink};

/// Timed runs per configuration when the caller has no opinion.
pub const DEFAULT_RUNS: usize = 5;

/// Thread counts tried for the parallel modes by default: one, the number
/// of cores, twice that (where a local disk starts) and 16 per core (what
/// a cold cache may be raised to, for I/O depth), without repeats, in
/// increasing order; then the default, chosen by the walk (`None`).
pub fn default_thread_counts() -> Vec<Option<usize>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts = vec![1, cores, crate::config::default_threads(), cores * 16];
    counts.sort_unstable();
    counts.dedup();
    let mut counts: Vec<_> = counts.into_iter().map(Some).collect();
    counts.push(None);
    counts
}

/// One configuration's measurements.
#[derive(Clone, Debug)]
pub struct Row {
    pub mode: Mode,
    /// Walker threads (1 for the one-thread modes); None for the default,
    /// chosen by the walk.
    pub threads: Option<usize>,
    /// What the default chose: the file system's kind, the threads it
    /// started with and those it allowed itself at the end (of the last
    /// timed run).
    pub chosen: Option<(&'static str, usize, usize)>,
    /// The timed runs, fastest first.
    pub times: Vec<Duration>,
    /// Disk usage in bytes the runs found (of the first timed run).
    pub bytes: u64,
    /// Entries the runs found.
    pub entries: u64,
    /// Some run found another total than the first configuration did.
    pub mismatch: bool,
}

impl Row {
    /// The threads column: the count, or for the default what it chose,
    /// e.g. `default (fuse: 64, raised to 128)`.
    pub fn threads_text(&self) -> String {
        match (self.threads, self.chosen) {
            (Some(t), _) => t.to_string(),
            (None, Some((kind, start, end))) if end > start => {
                format!("default ({kind}: {start}, raised to {end})")
            }
            (None, Some((kind, start, _))) => format!("default ({kind}: {start})"),
            (None, None) => "default".to_string(),
        }
    }

    pub fn median(&self) -> Duration {
        median(&self.times)
    }

    pub fn min(&self) -> Duration {
        self.times.first().copied().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.times.last().copied().unwrap_or_default()
    }
}

/// The median of sorted `times` (the mean of the middle two for an even
/// count).
fn median(times: &[Duration]) -> Duration {
    match times.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => times[n / 2],
        n => (times[n / 2 - 1] + times[n / 2]) / 2,
    }
}

/// Keeps the total of the (single) operand of a scan.
#[derive(Default)]
struct OperandTotal(u64);

impl Sink for OperandTotal {
    fn event(&mut self, event: &Event<'_>) -> std::io::Result<()> {
        match *event {
            Event::DirEnd {
                depth: 0, total, ..
            }
            | Event::File {
                depth: 0,
                usage: total,
                ..
            } => self.0 = total.bytes,
            _ => {}
        }
        Ok(())
    }
}

/// The configurations measured: the one-thread modes once, the parallel
/// ones at each of `threads`.
fn configurations(threads: &[Option<usize>]) -> Vec<(Mode, Option<usize>)> {
    let mut list = vec![(Mode::Sequential, Some(1)), (Mode::Verbose, Some(1))];
    for mode in [Mode::Parallel, Mode::Cancellable] {
        for &t in threads {
            list.push((mode, t.map(|t| t.max(1))));
        }
    }
    list
}

/// What one timed scan found.
struct Scan {
    elapsed: Duration,
    /// Bytes and entries.
    found: (u64, u64),
    cancelled: bool,
    chosen: Option<(&'static str, usize, usize)>,
}

/// Scans `dir` once in `mode` with `threads` walkers (the default when
/// None).
fn time_scan(dir: &Path, mode: Mode, threads: Option<usize>) -> Scan {
    let config = Config::builder()
        .operand(dir)
        .mode(mode)
        .threads(threads)
        .keys_cancel(false)
        .build();
    let cancel = Cancel::new();
    let start = Instant::now();
    let mut total = OperandTotal::default();
    let summary = crate::scan(&config, &cancel, &mut total);
    let elapsed = start.elapsed();
    Scan {
        elapsed,
        found: (total.0, summary.counts.entries),
        cancelled: summary.cancelled,
        chosen: match summary.concurrency {
            Some((plan, end)) if threads.is_none() => {
                Some((plan.kind.map_or("fixed", |k| k.name()), plan.start, end))
            }
            _ => None,
        },
    }
}

/// Measures every mode on `dir` (parallel modes at each of `threads`),
/// `runs` timed runs each after one warm-up run, calling `progress` before
/// each configuration.
pub fn measure(
    dir: &Path,
    runs: usize,
    threads: &[Option<usize>],
    progress: &mut dyn FnMut(Mode, Option<usize>),
) -> io::Result<Vec<Row>> {
    let runs = runs.max(1);
    let mut rows: Vec<Row> = Vec::new();
    let mut expected: Option<(u64, u64)> = None;
    for (mode, t) in configurations(threads) {
        progress(mode, t);
        // Warm-up: fills the cache and the allocator, and is not timed.
        let warm = time_scan(dir, mode, t);
        let found = warm.found;
        if warm.cancelled {
            return Err(io::Error::other("scan did not complete"));
        }
        let expected = *expected.get_or_insert(found);
        let mut row = Row {
            mode,
            threads: t,
            chosen: None,
            times: Vec::with_capacity(runs),
            bytes: found.0,
            entries: found.1,
            mismatch: found != expected,
        };
        for _ in 0..runs {
            let scan = time_scan(dir, mode, t);
            row.mismatch |= scan.found != expected;
            row.times.push(scan.elapsed);
            row.chosen = scan.chosen;
        }
        row.times.sort_unstable();
        rows.push(row);
    }
    Ok(rows)
}

/// Seconds with millisecond precision.
fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Writes `rows` as a markdown table; speed-ups are against the first
/// sequential row.
pub fn write_table(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let base = rows
        .iter()
        .find(|r| r.mode == Mode::Sequential)
        .map(Row::median);
    writeln!(
        out,
        "| mode        | threads | median s | min s  | max s  | speed-up |"
    )?;
    writeln!(
        out,
        "|-------------|--------:|---------:|-------:|-------:|---------:|"
    )?;
    for row in rows {
        let speedup = match base {
            Some(b) if !row.median().is_zero() => {
                format!("{:.2}x", b.as_secs_f64() / row.median().as_secs_f64())
            }
            _ => "-".to_string(),
        };
        writeln!(
            out,
            "| {:<11} | {:>7} | {:>8} | {:>6} | {:>6} | {:>8} |{}",
            row.mode.name(),
            row.threads_text(),
            secs(row.median()),
            secs(row.min()),
            secs(row.max()),
            speedup,
            if row.mismatch { " DIFFERENT TOTAL" } else { "" },
        )?;
    }
    Ok(())
}

/// `cdu --bench-modes DIR`: measures every mode on `dir` (the parallel
/// modes at each of `threads`; [`default_thread_counts`] when empty),
/// `runs` timed runs each after a warm-up, and writes a header and a
/// markdown table to `out`. Fails if a scan is cancelled or if the modes
/// disagree on the total.
pub fn bench_modes(
    dir: &Path,
    runs: usize,
    threads: &[usize],
    out: &mut impl Write,
) -> io::Result<()> {
    let threads: Vec<Option<usize>> = if threads.is_empty() {
        default_thread_counts()
    } else {
        threads.iter().copied().map(Some).collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rows = measure(dir, runs, &threads, &mut |_, _| {})?;
    let (bytes, entries) = rows.first().map_or((0, 0), |r| (r.bytes, r.entries));
    writeln!(
        out,
        "cdu --bench-modes {}: {} entries, {} bytes of disk usage; {} cores; \
         {} timed runs per row after one warm-up (warm cache)",
        dir.display(),
        entries,
        bytes,
        cores,
        runs.max(1),
    )?;
    writeln!(out)?;
    write_table(&rows, out)?;
    out.flush()?;
    if rows.iter().any(|r| r.mismatch) {
        return Err(io::Error::other(
            "the modes disagree on the total: this is a bug",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStrExt;

    use super::*;
    use crate::walk::FsKind;

    #[test]
    fn medians() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[]), Duration::ZERO);
        assert_eq!(median(&[ms(3)]), ms(3));
        assert_eq!(median(&[ms(1), ms(2), ms(9)]), ms(2));
        assert_eq!(median(&[ms(1), ms(3), ms(5), ms(9)]), ms(4));
    }

    #[test]
    fn every_mode_measured_and_agrees() {
        let dir = tempfile::tempdir().unwrap();
        for d in 0..5 {
            let sub = dir.path().join(format!("d{d}"));
            std::fs::create_dir(&sub).unwrap();
            for f in 0..20 {
                std::fs::write(sub.join(format!("f{f}")), vec![1u8; 100 * f]).unwrap();
            }
        }
        let mut out = Vec::new();
        bench_modes(dir.path(), 2, &[1, 3], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for mode in Mode::ALL {
            assert!(text.contains(mode.name()), "{text}");
        }
        // Header, blank line, table head and rule, 2 + 2 * 2 rows.
        assert_eq!(text.lines().count(), 2 + 2 + 6, "{text}");
        assert!(!text.contains("DIFFERENT"), "{text}");
        assert!(text.contains("| sequential  |       1 |"), "{text}");
    }

    #[test]
    fn without_j_the_default_is_timed_and_says_what_it_chose() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), b"x").unwrap();
        let mut out = Vec::new();
        bench_modes(dir.path(), 1, &[], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let kind = FsKind::of_path(dir.path().as_os_str().as_bytes()).name();
        let start =
            crate::walk::Plan::for_kind(FsKind::of_path(dir.path().as_os_str().as_bytes())).start;
        for mode in ["parallel   ", "cancellable"] {
            let row = format!("| {mode} | default ({kind}: {start}");
            assert!(text.contains(&row), "{row}\n{text}");
        }
    }
}
