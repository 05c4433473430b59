//! What each fuzz target checks, on any input: that cdu's readers of
//! outside data neither panic nor hang, and that what they accept holds
//! together. Each libFuzzer target (`fuzz_targets/`) calls one of these.

use std::io;

use cdu::internals::history::{History, Key, Totals};
use cdu::internals::operands::{Operand, listed_in};
use cdu::{Config, Event, Sink};

/// A saved scan (cdu's, ncdu's or gdu's JSON export), read as `--import`
/// reads it: a stream whose directories open and close in pairs.
pub fn import(data: &[u8]) {
    let config = Config::builder().build();
    let mut sink = Nesting::default();
    let result = cdu::internals::input::import::import(&config, data, &mut sink);
    if result.is_ok() {
        assert!(
            sink.open.is_empty(),
            "an accepted import left directories open: {:?}",
            sink.open
        );
    }
}

/// Checks that every directory closed is the one last opened.
#[derive(Default)]
struct Nesting {
    open: Vec<(Vec<u8>, usize)>,
}

impl Sink for Nesting {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::DirStart { path, depth, .. } => self.open.push((path.to_vec(), depth)),
            Event::DirEnd { path, depth, .. } => {
                let last = self.open.pop();
                assert_eq!(
                    last.as_ref().map(|(p, d)| (p.as_slice(), *d)),
                    Some((path, depth)),
                    "a directory closed out of turn"
                );
            }
            Event::File { depth, .. } => assert!(
                depth <= self.open.len(),
                "a file deeper than the directories open"
            ),
            _ => {}
        }
        Ok(())
    }
}

/// A du listing (`--diff=LISTING`): the first byte chooses NUL or newline
/// ends. Every line accepted has a path, and they come in order; a
/// newline listing may continue a name over the next line (GNU du writes
/// such names raw), a NUL one never holds a NUL in a path.
pub fn listing(data: &[u8]) {
    let Some((&first, text)) = data.split_first() else {
        return;
    };
    let null = first & 1 == 1;
    if let Ok(lines) = cdu::internals::input::listing::parse(text, null, b"fuzz") {
        let mut last = 0;
        for line in &lines {
            assert!(line.at > last, "line numbers go back");
            last = line.at;
            assert!(
                !null || !line.path.contains(&0),
                "a path holds the line end: {:?}",
                line.path
            );
        }
    }
}

/// A `--files0-from` list: each NUL-ended name becomes one operand, a
/// name when it is not empty, a diagnostic when it is.
pub fn files0(data: &[u8]) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let list = dir.path().join("list");
    std::fs::write(&list, data).expect("write the list");
    let got: Vec<Operand> = listed_in(list.into_os_string());
    let body = data.strip_suffix(b"\0").unwrap_or(data);
    let expected: Vec<&[u8]> = if data.is_empty() {
        Vec::new()
    } else {
        body.split(|&b| b == 0).collect()
    };
    assert_eq!(got.len(), expected.len(), "one operand per name");
    for (operand, name) in got.iter().zip(&expected) {
        match operand {
            Operand::Path(p) => assert_eq!(p.as_slice(), *name),
            Operand::Invalid(_) => assert!(name.is_empty(), "a good name refused: {name:?}"),
        }
    }
}

/// An `--exclude-from` file, then a path to match against it: the first
/// line of the input is the path. A pattern line equal to the path, with
/// no wildcard or backslash in it, always excludes it.
pub fn exclude(data: &[u8]) {
    let (path, patterns) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut excludes = cdu::internals::exclude::Excludes::default();
    excludes.add_lines(patterns);
    let matched = excludes.matches(path);
    // White space as C's isspace has it (with the vertical tab, which
    // Rust's is_ascii_whitespace leaves out): gnulib trims it from lines.
    let plain = |b: &u8| !b"*?[\\\x0b".contains(b) && !b.is_ascii_whitespace() && *b != 0;
    let listed = patterns
        .split(|&b| b == b'\n')
        .any(|line| line == path && !line.is_empty() && line.iter().all(plain));
    if listed {
        assert!(matched, "a pattern equal to the path does not exclude it");
    }
}

/// The history file: whatever it holds, loading it neither fails nor
/// panics, and an entry recorded after loading it reads back.
pub fn history(data: &[u8]) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("history");
    std::fs::write(&file, data).expect("write the history");
    let mut history = History::load(file.clone());
    let _ = history.take_problem();
    let key = Key {
        dev: 1,
        flags: "-".to_string(),
        path: b"/fuzz".to_vec(),
    };
    let totals = Totals {
        entries: 3,
        bytes: 4096,
        millis: 5,
        profile: None,
    };
    history.record(vec![(key.clone(), totals)]);
    let mut again = History::load(file);
    assert_eq!(again.take_problem(), None, "cdu cannot read what it wrote");
    assert_eq!(again.get(&key), Some(totals), "the entry recorded is lost");
}
