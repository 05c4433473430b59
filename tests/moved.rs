//! A directory moved up the tree while cdu reads it. GNU du reads by path
//! and stops with `fts_read failed: ...: No such file or directory`
//! (status 1); cdu reads through the descriptor it holds, so the directory
//! is read to its end wherever it went and the walk goes on
//! (docs/usage.md, "Where cdu differs from GNU du"). Only an entry that
//! moved before it was looked at is reported, as du reports one gone by
//! then.

mod testenv;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use testenv::TestEnv;

#[test]
fn a_directory_moved_up_while_it_is_read_does_not_stop_the_walk() {
    // Wide enough that a move often lands while it is being read.
    let env = TestEnv::new("wide x/y/big entries=20000\nfile x/keep 100\n");
    let root = env.root().to_path_buf();
    let stop = Arc::new(AtomicBool::new(false));
    let mover = {
        let (root, stop) = (root.clone(), stop.clone());
        std::thread::spawn(move || {
            let (deep, up) = (root.join("x/y/big"), root.join("big"));
            let mut moves = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let (from, to) = if moves.is_multiple_of(2) {
                    (&deep, &up)
                } else {
                    (&up, &deep)
                };
                if std::fs::rename(from, to).is_ok() {
                    moves += 1;
                }
            }
            moves
        })
    };
    for mode in ["sequential", "parallel", "cancellable"] {
        for _ in 0..10 {
            let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
                .args(["--inodes", "-s", "--mode", mode])
                .arg(&root)
                .output()
                .expect("run cdu");
            let stderr = String::from_utf8_lossy(&out.stderr);
            // A move between reading the parent and looking at the
            // directory is du's own case of an entry gone before it is
            // stat'ed or opened: its messages, status 1. Nothing else may
            // be said, and the walk is not stopped.
            let gone = |l: &str| {
                (l.contains("cannot read directory '") || l.contains("cannot access '"))
                    && l.ends_with("': No such file or directory")
            };
            assert!(stderr.lines().all(gone), "{mode}: {stderr}");
            let expected = if stderr.is_empty() { Some(0) } else { Some(1) };
            assert_eq!(out.status.code(), expected, "{mode}: {stderr}");
            let count: u64 = String::from_utf8_lossy(&out.stdout)
                .split('\t')
                .next()
                .and_then(|n| n.trim().parse().ok())
                .expect("a count");
            // root, x, y and keep, and big with its entries: missed, or
            // met in both places if the move outran the walk, never more.
            assert!(
                (4..=4 + 2 * 20_001).contains(&count),
                "{mode}: {count} entries"
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    let moves = mover.join().expect("mover");
    assert!(moves > 0, "the directory was never moved");
}
