//! Helpers for the browser's tests: a browser on a finished scan of a
//! temporary tree, scripted keys, and the screen as text from ratatui's
//! test backend.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;

use cdu::Cancel;
use cdu::internals::browse::model::{Shared, lock};
use cdu::internals::browse::{Browser, Flow};
use cdu::internals::cli::{Action, Env};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The configuration `cdu -i ARGS... DIR` builds.
pub fn config(dir: &Path, args: &[&str]) -> cdu::Config {
    let mut all: Vec<OsString> = args.iter().map(OsString::from).collect();
    all.push(dir.into());
    parsed(all)
}

/// The configuration of `cdu -i ARGS`, operands included in ARGS.
pub fn parsed(args: Vec<OsString>) -> cdu::Config {
    let mut all: Vec<OsString> = vec!["-i".into()];
    all.extend(args);
    // A UTF-8 locale, where du shows such names as they are.
    let env = Env {
        locale: cdu::internals::quote::Locale { utf8: true },
        ..Env::default()
    };
    match cdu::internals::cli::parse(all.clone(), &env) {
        Action::Run(c) => *c,
        _ => panic!("-i {all:?} did not parse"),
    }
}

/// A browser on the finished scan `config` describes.
pub fn browse_config(config: cdu::Config) -> Browser {
    let config = Arc::new(config);
    let tree: Shared = Arc::default();
    let cancel = Arc::new(Cancel::new());
    cdu::internals::browse::fill(&config, &cancel, &tree);
    assert!(lock(&tree).done);
    Browser::new(config, tree, cancel)
}

/// A browser on a finished scan of `dir` with `args`.
pub fn browse(dir: &Path, args: &[&str]) -> Browser {
    browse_config(config(dir, args))
}

/// Presses the keys of `keys`, one character each.
pub fn type_keys(b: &mut Browser, keys: &str) -> Flow {
    let mut flow = Flow::Continue;
    for c in keys.chars() {
        flow = b.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    flow
}

/// Presses one special key.
pub fn press(b: &mut Browser, code: KeyCode) -> Flow {
    b.key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(b: &mut Browser, c: char) -> Flow {
    b.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The screen at `width` by `height`, one string per row, trailing
/// spaces kept.
pub fn screen(b: &mut Browser, width: u16, height: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    term.draw(|f| b.draw(f)).expect("draw");
    let buffer = term.backend().buffer();
    (0..height)
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < width {
                let cell = &buffer[(x, y)];
                row.push_str(cell.symbol());
                // A wide character's second column holds nothing of its own.
                let cols: usize = cell
                    .symbol()
                    .chars()
                    .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                    .sum();
                x += cols.max(1) as u16;
            }
            row
        })
        .collect()
}

/// The screen as one string, rows joined by newlines.
pub fn text(b: &mut Browser) -> String {
    screen(b, 80, 24).join("\n")
}

/// The names of the listed entries, in order (the last word of each
/// entry row).
pub fn listed(b: &mut Browser) -> Vec<String> {
    let rows = screen(b, 80, 24);
    rows[1..rows.len() - 1]
        .iter()
        .map(|r| r.trim_end())
        .filter(|r| !r.is_empty())
        .map(|r| r.rsplit(' ').next().unwrap_or("").to_string())
        .collect()
}

/// The row showing `name`.
pub fn row_of(b: &mut Browser, name: &str) -> Option<String> {
    screen(b, 80, 24)
        .into_iter()
        .find(|r| r.trim_end().ends_with(&format!(" {name}")))
}

/// The status or progress line.
pub fn footer(b: &mut Browser) -> String {
    screen(b, 80, 24).last().cloned().unwrap_or_default()
}
