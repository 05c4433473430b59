//! Journeys through `cdu -i --diff=OLD` on ratatui's test backend: the
//! change column, the entries only one side has, the sort by change, and
//! what may still be deleted. OLD is saved by cdu itself (`--export`), or
//! is a du listing.

mod browsing;
mod testenv;

use std::fs;
use std::path::Path;
use std::process::Command;

use browsing::*;
use cdu::internals::browse::model::lock;
use crossterm::event::KeyCode;
use testenv::TestEnv;

const TREE: &str = "
file big 50000
file mid 3000
file tiny 10
file sub/one 7000
file sub/two 900
dir empty
";

/// Saves a scan of `dir` with `args` to `old` as cdu exports it.
fn export(dir: &Path, old: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .args(args)
        .arg(format!("--export={}", old.display()))
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// The tree of TREE, exported as OLD, then changed: mid grew by 1000,
/// tiny and sub/two went, fresh (400) came.
fn changed() -> (TestEnv, String) {
    let env = TestEnv::new(TREE);
    let old = env.tempdir().join("old.json");
    export(env.root(), &old, &["-b"]);
    fs::write(env.path("mid"), vec![1u8; 4000]).unwrap();
    fs::remove_file(env.path("tiny")).unwrap();
    fs::remove_file(env.path("sub/two")).unwrap();
    fs::write(env.path("fresh"), vec![1u8; 400]).unwrap();
    (env, format!("--diff={}", old.display()))
}

#[test]
fn the_change_column_shows_growth_and_marks_new_and_gone_entries() {
    let (env, diff) = changed();
    let mut b = browse(env.root(), &["-b", &diff]);
    let row = |b: &mut _, name| row_of(b, name).unwrap_or_else(|| panic!("no {name}: {}", text(b)));
    assert!(
        row(&mut b, "mid").contains("+1000 "),
        "{}",
        row(&mut b, "mid")
    );
    assert!(
        row(&mut b, "fresh").contains("+400 new"),
        "{}",
        row(&mut b, "fresh")
    );
    // A gone entry is listed with its old size, taken away.
    assert!(
        row(&mut b, "tiny").contains("-10 gone"),
        "{}",
        row(&mut b, "tiny")
    );
    assert!(row(&mut b, "big").contains(" 0 "), "{}", row(&mut b, "big"));
    // sub lost two (900 bytes); its own entry is a directory.
    assert!(
        row(&mut b, "sub/").contains("-900 "),
        "{}",
        row(&mut b, "sub/")
    );
    // The total: +1000 - 10 - 900 + 400.
    assert!(
        footer(&mut b).contains("since OLD: +490"),
        "{}",
        footer(&mut b)
    );
    // Gone entries count in no size: the total is what is there.
    let total = lock(&b.tree)
        .node(cdu::internals::browse::model::ROOT)
        .apparent;
    let now: u64 = ["big", "mid", "fresh", "sub/one"]
        .iter()
        .map(|f| fs::metadata(env.path(f)).unwrap().len())
        .sum();
    // (du's apparent size counts no directory's own size.)
    assert_eq!(total, now);
}

#[test]
fn a_gone_entry_inside_a_directory_is_shown_there() {
    let (env, diff) = changed();
    let mut b = browse(env.root(), &["-b", &diff]);
    type_keys(&mut b, "n");
    let at = listed(&mut b).iter().position(|n| n == "sub/").unwrap();
    for _ in 0..at {
        type_keys(&mut b, "j");
    }
    press(&mut b, KeyCode::Enter);
    assert_eq!(listed(&mut b), vec!["one", "two"]);
    assert!(row_of(&mut b, "two").unwrap().contains("-900 gone"));
    assert!(row_of(&mut b, "one").unwrap().contains(" 0 "));
    // It does not open, and the information pane says what it is.
    type_keys(&mut b, "j");
    press(&mut b, KeyCode::Enter);
    assert_eq!(listed(&mut b), vec!["one", "two"]);
    type_keys(&mut b, "i");
    let screen = text(&mut b);
    assert!(screen.contains("gone since OLD"), "{screen}");
    assert!(screen.contains("-900 gone"), "{screen}");
}

#[test]
fn plus_sorts_by_change_and_again_reverses() {
    let (env, diff) = changed();
    let mut b = browse(env.root(), &["-b", &diff]);
    type_keys(&mut b, "+");
    let order = listed(&mut b);
    let at = |n: &str| order.iter().position(|x| x == n).unwrap();
    // Growth first: mid +1000, fresh +400, then nothing, then losses.
    assert_eq!(&order[..2], ["mid", "fresh"], "{order:?}");
    assert!(
        at("big") < at("tiny") && at("tiny") < at("sub/"),
        "{order:?}"
    );
    assert_eq!(order.last().map(String::as_str), Some("sub/"));
    type_keys(&mut b, "+");
    let reversed = listed(&mut b);
    assert_eq!(reversed.first().map(String::as_str), Some("sub/"));
    assert_eq!(&reversed[reversed.len() - 2..], ["fresh", "mid"]);
}

#[test]
fn plus_without_diff_says_what_it_needs() {
    let env = TestEnv::new(TREE);
    let mut b = browse(env.root(), &["-b"]);
    let before = listed(&mut b);
    type_keys(&mut b, "+");
    assert!(
        footer(&mut b).contains("needs --diff"),
        "{}",
        footer(&mut b)
    );
    assert_eq!(listed(&mut b), before);
}

#[test]
fn a_gone_entry_cannot_be_deleted_but_a_live_one_can() {
    let (env, diff) = changed();
    let mut b = browse(env.root(), &["-b", &diff]);
    type_keys(&mut b, "n");
    let at = listed(&mut b).iter().position(|n| n == "tiny").unwrap();
    for _ in 0..at {
        type_keys(&mut b, "j");
    }
    type_keys(&mut b, "d");
    assert!(
        footer(&mut b).contains("gone already"),
        "{}",
        footer(&mut b)
    );
    // No question was asked: y now does nothing.
    type_keys(&mut b, "y");
    assert!(listed(&mut b).contains(&"tiny".to_string()));
    // Marked with a live entry, it still refuses the whole lot.
    type_keys(&mut b, " ");
    type_keys(&mut b, "k");
    type_keys(&mut b, " ");
    type_keys(&mut b, "d");
    assert!(footer(&mut b).contains("gone already"));
    assert!(env.path("sub").exists());
    // A live entry alone goes after its y.
    type_keys(&mut b, " ");
    type_keys(&mut b, "k");
    type_keys(&mut b, " ");
    assert!(b.view.marks.is_empty());
    let at = listed(&mut b).iter().position(|n| n == "fresh").unwrap();
    while b.view.selected != at {
        let key = if b.view.selected < at { "j" } else { "k" };
        type_keys(&mut b, key);
    }
    type_keys(&mut b, "d");
    type_keys(&mut b, "y");
    assert!(!env.path("fresh").exists());
    assert!(
        footer(&mut b).contains("removed 1 of 1"),
        "{}",
        footer(&mut b)
    );
}

#[test]
fn a_rescan_measures_the_change_again() {
    let (env, diff) = changed();
    let mut b = browse(env.root(), &["-b", &diff]);
    fs::write(env.path("sub/two"), vec![1u8; 900]).unwrap();
    fs::write(env.path("sub/three"), vec![1u8; 50]).unwrap();
    type_keys(&mut b, "n");
    let at = listed(&mut b).iter().position(|n| n == "sub/").unwrap();
    for _ in 0..at {
        type_keys(&mut b, "j");
    }
    type_keys(&mut b, "r");
    assert!(
        row_of(&mut b, "sub/").unwrap().contains("+50 "),
        "{}",
        text(&mut b)
    );
    press(&mut b, KeyCode::Enter);
    assert_eq!(listed(&mut b), vec!["one", "three", "two"]);
    assert!(row_of(&mut b, "three").unwrap().contains("+50 new"));
    assert!(row_of(&mut b, "two").unwrap().contains(" 0 "));
}

#[test]
fn a_du_listing_as_old_gives_the_directories_changes() {
    let env = TestEnv::new(TREE);
    let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg("-b")
        .arg(env.root())
        .output()
        .unwrap();
    assert!(out.status.success());
    let old = env.tempdir().join("old.txt");
    fs::write(&old, &out.stdout).unwrap();
    fs::write(env.path("sub/three"), vec![1u8; 70]).unwrap();
    fs::remove_dir(env.path("empty")).unwrap();
    let diff = format!("--diff={}", old.display());
    let mut b = browse(env.root(), &["-b", &diff]);
    assert!(
        row_of(&mut b, "sub/").unwrap().contains("+70 "),
        "{}",
        text(&mut b)
    );
    assert!(
        row_of(&mut b, "empty/").unwrap().contains(" gone"),
        "{}",
        text(&mut b)
    );
    // A listing without -a names no file: their change is not known, and
    // they are not called new.
    let big = row_of(&mut b, "big").unwrap();
    assert!(!big.contains("new") && !big.contains('+'), "{big}");
}

#[test]
fn an_unreadable_old_scan_is_reported_and_nothing_is_browsed_as_changed() {
    let env = TestEnv::new(TREE);
    let old = env.tempdir().join("missing.json");
    let diff = format!("--diff={}", old.display());
    let b = browse(env.root(), &["-b", &diff]);
    let tree = lock(&b.tree);
    assert!(tree.changes.is_none());
    drop(tree);
    let mut b = b;
    assert!(
        footer(&mut b).contains("OLD could not be read"),
        "{}",
        footer(&mut b)
    );
    let tree = lock(&b.tree);
    assert!(
        tree.messages.iter().any(|m| m.contains("missing.json")),
        "{:?}",
        tree.messages
    );
    // The scan itself is browsed; the exit status says something failed.
    assert!(!tree.partial && tree.first_child(cdu::internals::browse::model::ROOT) != u32::MAX);
    drop(tree);
    assert_eq!(
        cdu::internals::browse::status_of(&b.tree),
        cdu::internals::exit::ExitStatus::Failure
    );
}

#[test]
fn a_du_listing_made_with_all_gives_files_their_changes_too() {
    let env = TestEnv::new(TREE);
    let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .args(["-a", "-b"])
        .arg(env.root())
        .output()
        .unwrap();
    assert!(out.status.success());
    let old = env.tempdir().join("old.txt");
    fs::write(&old, &out.stdout).unwrap();
    fs::write(env.path("mid"), vec![1u8; 3500]).unwrap();
    fs::write(env.path("fresh"), vec![1u8; 60]).unwrap();
    fs::remove_file(env.path("tiny")).unwrap();
    let diff = format!("--diff={}", old.display());
    let mut b = browse(env.root(), &["-b", &diff]);
    assert!(
        row_of(&mut b, "mid").unwrap().contains("+500 "),
        "{}",
        text(&mut b)
    );
    assert!(
        row_of(&mut b, "fresh").unwrap().contains("+60 new"),
        "{}",
        text(&mut b)
    );
    assert!(
        row_of(&mut b, "tiny").unwrap().contains("-10 gone"),
        "{}",
        text(&mut b)
    );
}

#[test]
fn a_file_that_became_a_directory_holds_only_new_entries() {
    let (env, diff) = changed();
    fs::remove_file(env.path("big")).unwrap();
    fs::create_dir(env.path("big")).unwrap();
    fs::write(env.path("big/inner"), vec![1u8; 30]).unwrap();
    let mut b = browse(env.root(), &["-b", &diff]);
    assert!(
        row_of(&mut b, "big/").unwrap().contains("-49970 "),
        "{}",
        text(&mut b)
    );
    type_keys(&mut b, "n");
    press(&mut b, KeyCode::Home);
    press(&mut b, KeyCode::Enter);
    assert_eq!(listed(&mut b), vec!["inner"]);
    assert!(
        row_of(&mut b, "inner").unwrap().contains("+30 new"),
        "{}",
        text(&mut b)
    );
}
