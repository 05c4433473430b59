//! cdu as a library: a program that builds a `Config` and scans with a
//! `Sink` of its own gets the command's numbers, in the command's order;
//! a cancel and a failing sink end the scan as the summary says; and the
//! example in docs/library.md is the one the crate's doctest runs.

mod harness;

use std::io;
use std::path::Path;
use std::process::Command;

use cdu::{Cancel, Config, Event, Mode, Sink};

/// A small tree: files, a subdirectory, and a hard link between the two
/// operands `a` and `b`, which must be counted once.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(a.join("sub")).unwrap();
    std::fs::create_dir(&b).unwrap();
    std::fs::write(a.join("one"), vec![1u8; 5000]).unwrap();
    std::fs::write(a.join("sub/two"), vec![2u8; 70]).unwrap();
    std::fs::write(b.join("three"), vec![3u8; 300]).unwrap();
    std::fs::hard_link(a.join("one"), b.join("one-again")).unwrap();
    dir
}

/// Writes each file and directory total as du's lines with `-a -B1`.
#[derive(Default)]
struct Lines(Vec<u8>);

impl Sink for Lines {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        let (usage, path) = match *event {
            Event::File { usage, path, .. } => (usage, path),
            Event::DirEnd { total, path, .. } => (total, path),
            _ => return Ok(()),
        };
        self.0
            .extend_from_slice(format!("{}\t", usage.bytes).as_bytes());
        self.0.extend_from_slice(path);
        self.0.push(b'\n');
        Ok(())
    }
}

fn scan_lines(config: &Config) -> String {
    let mut lines = Lines::default();
    let summary = cdu::scan(config, &Cancel::new(), &mut lines);
    assert!(!summary.cancelled, "the scan was not cancelled");
    assert!(summary.error.is_none(), "the sink did not fail");
    String::from_utf8(lines.0).expect("the tree's names are UTF-8")
}

/// The lines of `cdu ARGS`.
fn command_lines(args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .args(args)
        .output()
        .expect("run cdu");
    assert!(output.status.success(), "cdu {args:?} failed");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Every mode hands a sink the numbers and the order of the command's
/// `-a` lines: the hard link under the second operand counted once, and
/// a directory named again under an operand already walked (`a/sub`)
/// left out, because the builder works out that several operands need
/// every file and directory remembered.
fn a_scan_gives_the_commands_lines() {
    let dir = tree();
    let (a, b, sub) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("a/sub"),
    );
    // b's link to a/one was met under a already; a/sub too: du leaves
    // them out.
    for (operands, lines) in [(vec![&a, &b], 6), (vec![&a, &sub], 4)] {
        for apparent in [false, true] {
            let mut args = vec!["-a".as_ref(), "-B1".as_ref()];
            if apparent {
                args.push("--apparent-size".as_ref());
            }
            args.extend(operands.iter().map(|o| o.as_os_str()));
            let expected = command_lines(&args);
            assert_eq!(expected.lines().count(), lines, "{expected}");
            for mode in Mode::ALL {
                let mut builder = Config::builder();
                for operand in &operands {
                    builder = builder.operand(operand);
                }
                let config = builder
                    .list_files(true)
                    .apparent_size(apparent)
                    .mode(mode)
                    .build();
                assert_eq!(
                    scan_lines(&config),
                    expected,
                    "{} {operands:?} apparent={apparent}",
                    mode.name()
                );
            }
        }
    }
}

/// Without `list_files`, only directories (and operands that are files)
/// are handed on, as du prints them without `-a`.
fn without_list_files_only_directories_arrive() {
    let dir = tree();
    let a = dir.path().join("a");
    let three = dir.path().join("b/three");
    let config = Config::builder().operand(&a).operand(&three).build();
    let got = scan_lines(&config);
    let expected = command_lines(&["-B1".as_ref(), a.as_os_str(), three.as_os_str()]);
    assert_eq!(got, expected);
    let paths: Vec<&str> = got.lines().filter_map(|l| l.split('\t').nth(1)).collect();
    let sub = a.join("sub");
    assert_eq!(
        paths,
        [
            sub.to_str().unwrap(),
            a.to_str().unwrap(),
            three.to_str().unwrap()
        ]
    );
}

/// A scan whose handle was cancelled says so: its sizes are partial.
fn a_cancelled_scan_says_so() {
    let dir = tree();
    let config = Config::builder().operand(dir.path()).build();
    let cancel = Cancel::new();
    cancel.cancel();
    let mut lines = Lines::default();
    let summary = cdu::scan(&config, &cancel, &mut lines);
    assert!(summary.cancelled, "a cancelled scan passed for complete");
    assert!(summary.error.is_none());
}

/// A sink that fails stops the scan, and the summary hands its error back.
fn a_failing_sink_stops_the_scan() {
    struct Full(usize);
    impl Sink for Full {
        fn event(&mut self, _: &Event<'_>) -> io::Result<()> {
            self.0 += 1;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no room"))
        }
    }
    let dir = tree();
    let config = Config::builder()
        .operand(dir.path())
        .list_files(true)
        .build();
    let mut sink = Full(0);
    let summary = cdu::scan(&config, &Cancel::new(), &mut sink);
    let error = summary.error.expect("the sink's error comes back");
    assert_eq!(error.kind(), io::ErrorKind::StorageFull);
    assert_eq!(sink.0, 1, "no event after the sink failed");
}

/// The crate-level doc example, which `cargo test --doc` compiles and
/// runs, is the one docs/library.md shows.
fn the_documented_example_is_the_doctest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let crate_doc: Vec<&str> = lib
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.trim_start_matches("//!"))
        })
        .collect();
    let docs = std::fs::read_to_string(root.join("docs/library.md")).unwrap();
    let doc_lines: Vec<&str> = docs.lines().collect();
    let block = |lines: &[&str], fence: &str| -> String {
        let start = lines.iter().position(|l| *l == fence).expect("an example") + 1;
        let len = lines[start..]
            .iter()
            .position(|l| *l == "```")
            .expect("its end");
        lines[start..start + len].join("\n")
    };
    let in_lib = block(&crate_doc, "```");
    let in_docs = block(&doc_lines, "```rust");
    assert!(in_lib.contains("cdu::scan("), "the crate example scans");
    assert_eq!(in_docs, in_lib, "docs/library.md and src/lib.rs differ");
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    trials!(suite, []; a_scan_gives_the_commands_lines,
        without_list_files_only_directories_arrive,
        a_cancelled_scan_says_so,
        a_failing_sink_stops_the_scan,
        the_documented_example_is_the_doctest);
    suite.run()
}
