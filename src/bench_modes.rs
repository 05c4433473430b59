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
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::cancel::Cancel;
use crate::config::{Config, Mode};
use crate::stream::{Event, Sink};

/// Timed runs per configuration when the caller has no opinion.
pub const DEFAULT_RUNS: usize = 5;

/// Thread counts tried for the parallel modes by default: one, the number
/// of cores, and the configured default (several per core, for I/O depth
/// when the cache is cold), without repeats, in increasing order.
pub fn default_thread_counts() -> Vec<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut counts = vec![1, cores, cores * 2, crate::config::default_threads()];
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// One configuration's measurements.
#[derive(Clone, Debug)]
pub struct Row {
    pub mode: Mode,
    /// Walker threads (1 for the one-thread modes).
    pub threads: usize,
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
fn configurations(threads: &[usize]) -> Vec<(Mode, usize)> {
    let mut list = vec![(Mode::Sequential, 1), (Mode::Verbose, 1)];
    for mode in [Mode::Parallel, Mode::Cancellable] {
        for &t in threads {
            list.push((mode, t.max(1)));
        }
    }
    list
}

/// Scans `dir` once in `mode` with `threads` walkers; the elapsed time and
/// the totals found.
fn time_scan(dir: &Path, mode: Mode, threads: usize) -> (Duration, (u64, u64), bool) {
    let mut config = Config::new(vec![dir.as_os_str().as_bytes().to_vec()]);
    config.mode = mode;
    config.threads = threads;
    config.keys_cancel = false;
    let cancel = Cancel::new();
    let start = Instant::now();
    let mut total = OperandTotal::default();
    let summary = crate::scan(&config, &cancel, &mut total);
    let elapsed = start.elapsed();
    (
        elapsed,
        (total.0, summary.counts.entries),
        summary.cancelled,
    )
}

/// Measures every mode on `dir` (parallel modes at each of `threads`),
/// `runs` timed runs each after one warm-up run, calling `progress` before
/// each configuration.
pub fn measure(
    dir: &Path,
    runs: usize,
    threads: &[usize],
    progress: &mut dyn FnMut(Mode, usize),
) -> io::Result<Vec<Row>> {
    let runs = runs.max(1);
    let mut rows: Vec<Row> = Vec::new();
    let mut expected: Option<(u64, u64)> = None;
    for (mode, t) in configurations(threads) {
        progress(mode, t);
        // Warm-up: fills the cache and the allocator, and is not timed.
        let (_, found, cancelled) = time_scan(dir, mode, t);
        if cancelled {
            return Err(io::Error::other("scan did not complete"));
        }
        let expected = *expected.get_or_insert(found);
        let mut row = Row {
            mode,
            threads: t,
            times: Vec::with_capacity(runs),
            bytes: found.0,
            entries: found.1,
            mismatch: found != expected,
        };
        for _ in 0..runs {
            let (elapsed, found, _) = time_scan(dir, mode, t);
            row.mismatch |= found != expected;
            row.times.push(elapsed);
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
            row.threads,
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
    let defaults;
    let threads = if threads.is_empty() {
        defaults = default_thread_counts();
        &defaults[..]
    } else {
        threads
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rows = measure(dir, runs, threads, &mut |_, _| {})?;
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
    use super::*;

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
}
