//! Times `cdu -i`'s first frame and its keys, in process, on ratatui's test
//! backend: `benches/browse-keys.sh` runs it on a directory of a million
//! entries. Printed as a Markdown table; no terminal is involved, so the
//! figures are the browser's own work (locking, sorting, drawing), not a
//! terminal's.
//!
//!   cargo run --release --example browse_keys -- TREE [REPEATS]
//!
//! TREE should hold one directory with many entries. It is opened with
//! Enter as soon as the scan has found it, and frames and keys are timed
//! there while the scan runs; then it is left and opened again once the
//! scan has ended.

use std::ffi::OsString;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdu::internals::browse::model::lock;
use cdu::internals::browse::{Browser, Feed};
use cdu::internals::cli::{Action, Env};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The CPU time this thread has used: beside the wall time, it tells the
/// interface's own work from waiting for a core or for the tree's lock.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// This thread's context switches so far: (voluntary, involuntary). A
/// voluntary one is a wait (for the tree's lock); an involuntary one, the
/// thread preempted for another.
fn switches() -> (i64, i64) {
    // SAFETY: getrusage only writes the rusage it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut u) };
    (u.ru_nvcsw, u.ru_nivcsw)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let tree_dir: OsString = args.next().expect("usage: browse_keys TREE [REPEATS]");
    let repeats: usize = args
        .next()
        .and_then(|s| s.to_str()?.parse().ok())
        .unwrap_or(5);
    let config = match cdu::internals::cli::parse(vec!["-i".into(), tree_dir], &Env::default()) {
        Action::Run(c) => Arc::new(*c),
        _ => panic!("-i TREE did not parse"),
    };
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");

    // The first frame: from starting the scan to a drawn screen.
    let start = Instant::now();
    let mut feed = Feed::start(config.clone());
    let mut browser = Browser::new(config, feed.tree.clone(), feed.cancel.clone());
    term.draw(|f| browser.draw(f)).expect("draw");
    let first = start.elapsed();
    // Frames while the scan runs, as the interface draws them (every
    // 50 ms); the big directory is opened as soon as it is listed, and a
    // key is pressed in it after each frame, without waiting for a sort
    // running apart.
    let mut during = Vec::new();
    let mut during_open = Vec::new();
    let mut keys_during = Vec::new();
    // This thread's CPU time for the same frames and keys.
    let mut cpu_open = Vec::new();
    let mut cpu_keys = Vec::new();
    // The slowest frame: its time and its voluntary and involuntary
    // context switches.
    let mut slowest = (Duration::ZERO, 0, 0);
    let mut open_during = None;
    let cycle = [
        KeyCode::Char('j'),
        KeyCode::End,
        KeyCode::Char('n'),
        KeyCode::Home,
        KeyCode::Char('s'),
        KeyCode::PageDown,
        KeyCode::Char('C'),
        KeyCode::Char('s'),
    ];
    while !lock(&feed.tree).done {
        let (t, c, w) = (Instant::now(), thread_cpu(), switches());
        term.draw(|f| browser.draw(f)).expect("draw");
        if open_during.is_some() {
            let (wall, w2) = (t.elapsed(), switches());
            during_open.push(wall);
            cpu_open.push(thread_cpu() - c);
            slowest = slowest.max((wall, w2.0 - w.0, w2.1 - w.1));
            let code = cycle[keys_during.len() % cycle.len()];
            let (t, c) = (Instant::now(), thread_cpu());
            browser.key(KeyEvent::new(code, KeyModifiers::NONE));
            term.draw(|f| browser.draw(f)).expect("draw");
            keys_during.push(t.elapsed());
            cpu_keys.push(thread_cpu() - c);
        } else {
            during.push(t.elapsed());
            if !browser.view.rows.is_empty() {
                let t = Instant::now();
                browser.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
                term.draw(|f| browser.draw(f)).expect("draw");
                open_during = Some(t.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let scanned = start.elapsed();
    feed.join();
    let entries = lock(&feed.tree).len() - 1;
    // The rest of the cycle, so that the order is by size again as at the
    // start; then back to where the directory is listed, to open it again
    // now that the scan has ended.
    let mut pressed = keys_during.len();
    if open_during.is_some() {
        while pressed % cycle.len() != 0 {
            browser.key(KeyEvent::new(
                cycle[pressed % cycle.len()],
                KeyModifiers::NONE,
            ));
            pressed += 1;
        }
        browser.key(KeyEvent::new(KeyCode::Char('h'), KeyModifiers::NONE));
    }
    term.draw(|f| browser.draw(f)).expect("draw");
    while browser.view.sorting() {
        browser.view.wait_sorted();
        term.draw(|f| browser.draw(f)).expect("draw");
    }

    // A key handled and redrawn; then, if a sort runs apart meanwhile,
    // until its order is drawn.
    let mut key = |browser: &mut Browser, code: KeyCode| {
        let t = Instant::now();
        browser.key(KeyEvent::new(code, KeyModifiers::NONE));
        term.draw(|f| browser.draw(f)).expect("draw");
        let handled = t.elapsed();
        while browser.view.sorting() {
            browser.view.wait_sorted();
            term.draw(|f| browser.draw(f)).expect("draw");
        }
        (handled, t.elapsed())
    };
    // Opening the big directory sorts it once.
    let (open, open_sorted) = key(&mut browser, KeyCode::Enter);
    let rows = browser.view.rows.len();

    println!("entries scanned: {entries}; rows in the opened directory: {rows}");
    println!("scan ended after {}", ms(scanned));
    println!();
    println!("| what | first | median | max | first, until sorted on screen | runs |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| first frame (scan just started) | {} | | | | 1 |",
        ms(first)
    );
    let target = Duration::from_millis(16);
    let over = during_open
        .iter()
        .chain(&keys_during)
        .filter(|&&t| t > target)
        .count();
    let runs = during_open.len() + keys_during.len();
    eprintln!(
        "frames and keys in the big directory while the scan runs over 16 ms: {over} of {runs}"
    );
    let row = |what: &str, times: Vec<Duration>| {
        if !times.is_empty() {
            let max = *times.iter().max().unwrap();
            let n = times.len();
            println!("| {what} | | {} | {} | | {n} |", ms(median(times)), ms(max));
        }
    };
    row(
        "a frame while the scan runs, before the big directory is listed",
        during,
    );
    if let Some(open) = open_during {
        println!(
            "| Enter while the scan runs: open the big directory | {} | | | | 1 |",
            ms(open)
        );
    }
    row(
        "a frame while the scan runs, in the big directory",
        during_open,
    );
    row("the same frames, this thread's CPU time", cpu_open);
    eprintln!(
        "slowest frame in the big directory: {}, {} waits, {} preemptions",
        ms(slowest.0),
        slowest.1,
        slowest.2
    );
    row(
        "a key while the scan runs, in the big directory (j End n Home s PgDn C s)",
        keys_during,
    );
    row("the same keys, this thread's CPU time", cpu_keys);
    println!(
        "| Enter: open the directory (first sort) | {} | | | {} | 1 |",
        ms(open),
        ms(open_sorted)
    );
    let keys: [(&str, KeyCode); 12] = [
        ("j (down)", KeyCode::Char('j')),
        ("k (up)", KeyCode::Char('k')),
        ("PgDn", KeyCode::PageDown),
        ("End", KeyCode::End),
        ("Home", KeyCode::Home),
        ("s (sort by size, reversed)", KeyCode::Char('s')),
        ("n (sort by name)", KeyCode::Char('n')),
        ("C (sort by items)", KeyCode::Char('C')),
        ("M (sort by time)", KeyCode::Char('M')),
        ("a (apparent size)", KeyCode::Char('a')),
        ("c (item counts)", KeyCode::Char('c')),
        ("i (information pane)", KeyCode::Char('i')),
    ];
    for (name, code) in keys {
        let both: Vec<(Duration, Duration)> =
            (0..repeats).map(|_| key(&mut browser, code)).collect();
        let times: Vec<Duration> = both.iter().map(|b| b.0).collect();
        let max = *times.iter().max().unwrap();
        // The first press of a sort key computes an order (apart, in a
        // huge directory); the next ones reverse it or go back to one
        // already computed.
        println!(
            "| {name} | {} | {} | {} | {} | {repeats} |",
            ms(times[0]),
            ms(median(times)),
            ms(max),
            ms(both[0].1)
        );
    }
}
