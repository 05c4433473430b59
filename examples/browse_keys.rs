//! Times `cdu -i`'s first frame and its keys, in process, on ratatui's test
//! backend: `benches/browse-keys.sh` runs it on a directory of a million
//! entries. Printed as a Markdown table; no terminal is involved, so the
//! figures are the browser's own work (locking, sorting, drawing), not a
//! terminal's.
//!
//!   cargo run --release --example browse_keys -- TREE [REPEATS]
//!
//! TREE should hold one directory with many entries (it is opened with
//! Enter once the scan has ended).

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
    // Frames while the scan runs, as the interface draws them.
    let mut during = Vec::new();
    while !lock(&feed.tree).done {
        let t = Instant::now();
        term.draw(|f| browser.draw(f)).expect("draw");
        during.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    let scanned = start.elapsed();
    feed.join();
    let entries = lock(&feed.tree).len() - 1;

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
    if !during.is_empty() {
        let max = *during.iter().max().unwrap();
        let n = during.len();
        println!(
            "| a frame while the scan runs | | {} | {} | | {n} |",
            ms(median(during)),
            ms(max)
        );
    }
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
