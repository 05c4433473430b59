//! `--diff=OLD`: a baseline (a du listing or an export) against a tree
//! that changed; apparent sizes (`-b`) so that the numbers do not depend
//! on the file system.

mod harness;
mod scans;
mod testenv;

use scans::{cdu, text};
use testenv::TestEnv;

const TREE: &str = "file a/f 1000\nfile b/c/g 500\nfile gone/x/h 300\nfile top 200\n";

/// Changes the tree: a grown file, a new directory, a removed one and a
/// renamed one.
fn change(env: &TestEnv) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(env.path("a/f"))
        .unwrap();
    f.write_all(&[7; 700]).unwrap();
    std::fs::remove_dir_all(env.path("gone")).unwrap();
    std::fs::create_dir(env.path("new")).unwrap();
    std::fs::write(env.path("new/n"), [1; 4000]).unwrap();
    std::fs::rename(env.path("b"), env.path("renamed")).unwrap();
}

/// A listing of the tree as it was, by GNU du 9.7 (a premise of the
/// trials that call this): what `--diff` must read is du's, not cdu's.
fn listing(env: &TestEnv) -> std::path::PathBuf {
    let du = harness::premise::reference_du().unwrap_or_else(|why| panic!("{why}"));
    let out = std::process::Command::new(du)
        .args(["-ab", "root"])
        .current_dir(env.tempdir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = env.tempdir().join("old.txt");
    std::fs::write(&file, out.stdout).unwrap();
    file
}

fn export(env: &TestEnv) -> std::path::PathBuf {
    let out = cdu(&["-b", "--export=old.json", "root"], env.tempdir());
    assert!(out.status.success(), "{}", text(&out.stderr));
    env.tempdir().join("old.json")
}

fn diff(env: &TestEnv, args: &[&str]) -> String {
    let out = cdu(args, env.tempdir());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    text(&out.stdout)
}

const ROWS: &str = "+4000\tnew\troot/new\n+700\tchanged\troot/a\n-500\tgone\troot/b\n\
                    +500\tnew\troot/renamed\n-300\tgone\troot/gone\n";

fn a_listing_baseline_shows_each_change_once_largest_first() {
    let env = TestEnv::new(TREE);
    listing(&env);
    change(&env);
    assert_eq!(diff(&env, &["-b", "--diff=old.txt", "root"]), ROWS);
}

fn an_export_baseline_gives_the_same_rows() {
    let env = TestEnv::new(TREE);
    export(&env);
    change(&env);
    assert_eq!(diff(&env, &["-b", "--diff=old.json", "root"]), ROWS);
}

fn with_all_the_grown_file_stands_for_its_directory() {
    let env = TestEnv::new(TREE);
    listing(&env);
    change(&env);
    assert_eq!(
        diff(&env, &["-ab", "--diff=old.txt", "root"]),
        ROWS.replace("root/a\n", "root/a/f\n")
    );
}

fn the_old_root_may_have_another_name() {
    let env = TestEnv::new(TREE);
    listing(&env);
    change(&env);
    std::fs::rename(env.path(""), env.tempdir().join("moved")).unwrap();
    let got = diff(&env, &["-b", "--diff=old.txt", "moved"]);
    std::fs::rename(env.tempdir().join("moved"), env.path("")).unwrap();
    assert_eq!(got, ROWS.replace("root/", "moved/"));
}

fn an_import_can_be_the_new_side() {
    let env = TestEnv::new(TREE);
    listing(&env);
    change(&env);
    let out = cdu(&["-b", "--export=new.json", "root"], env.tempdir());
    assert!(out.status.success());
    assert_eq!(
        diff(&env, &["-b", "--diff=old.txt", "--import=new.json"]),
        ROWS
    );
}

fn threshold_depth_and_total_shape_the_rows() {
    let env = TestEnv::new("file a/deep/f 1000\nfile b 10\n");
    listing(&env);
    std::fs::write(env.path("a/deep/f"), [1; 3000]).unwrap();
    std::fs::write(env.path("b"), [1; 20]).unwrap();
    std::fs::write(env.path("a/small"), [1; 5]).unwrap();
    // The root's +2015 is not what a/deep's +2000 alone explains.
    assert_eq!(
        diff(&env, &["-b", "--diff=old.txt", "root"]),
        "+2015\tchanged\troot\n+2005\tchanged\troot/a\n+2000\tchanged\troot/deep\n"
            .replace("root/deep", "root/a/deep")
    );
    assert_eq!(
        diff(&env, &["-b", "-t", "2010", "--diff=old.txt", "root"]),
        "+2015\tchanged\troot\n"
    );
    assert_eq!(
        diff(&env, &["-b", "-d", "1", "-c", "--diff=old.txt", "root"]),
        "+2015\tchanged\troot\n+2005\tchanged\troot/a\n+2015\ttotal\n"
    );
}

fn separate_dirs_is_refused_rather_than_ignored() {
    let env = TestEnv::new("file a/f 1000\n");
    listing(&env);
    let out = cdu(&["-b", "-S", "--diff=old.txt", "root"], env.tempdir());
    assert_eq!(out.status.code(), Some(1));
    let bin = env!("CARGO_BIN_EXE_cdu");
    assert_eq!(
        text(&out.stderr).replace(bin, "cdu"),
        "cdu: --diff and --separate-dirs cannot be used together\n\
         Try 'cdu --help' for more information.\n"
    );
    assert_eq!(text(&out.stdout), "");
}

fn json_rows_carry_old_new_change_and_status() {
    let env = TestEnv::new(TREE);
    export(&env);
    change(&env);
    let out = cdu(
        &["-b", "-c", "--json", "--diff=old.json", "root"],
        env.tempdir(),
    );
    assert!(out.status.success());
    let rows = scans::run_in(
        "jq",
        &[
            std::ffi::OsStr::new("-r"),
            std::ffi::OsStr::new(r#""\(.path // "-") \(.old) \(.new) \(.change) \(.status)""#),
        ],
        env.tempdir(),
        &out.stdout,
    );
    assert!(rows.status.success(), "{}", text(&rows.stderr));
    assert_eq!(
        text(&rows.stdout),
        "root/new 0 4000 4000 new\nroot/a 1000 1700 700 changed\nroot/b 500 0 -500 gone\n\
         root/renamed 0 500 500 new\nroot/gone 300 0 -300 gone\n- 2000 6400 4400 total\n"
    );
}

fn a_malformed_listing_names_its_line_and_fails() {
    let env = TestEnv::new(TREE);
    std::fs::write(env.tempdir().join("bad.txt"), "12\troot/a\n1.5K\troot\n").unwrap();
    let out = cdu(&["-b", "--diff=bad.txt", "root"], env.tempdir());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).ends_with(
            ": bad.txt:2: expected a size in whole units before the tab (a name holding \
             a newline makes a listing ambiguous: make it with du -0 and read it with -0)\n"
        ),
        "{}",
        text(&out.stderr)
    );
}

fn a_malformed_export_names_its_place_and_fails() {
    let env = TestEnv::new(TREE);
    std::fs::write(env.tempdir().join("bad.json"), "[1,2,{},\n{\"asize\":1}]").unwrap();
    let out = cdu(&["--diff=bad.json", "root"], env.tempdir());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(": bad.json:2:"),
        "{}",
        text(&out.stderr)
    );
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "a_listing_baseline_shows_each_change_once_largest_first",
        &[harness::premise::reference()],
        a_listing_baseline_shows_each_change_once_largest_first,
    );
    suite.add(
        "an_export_baseline_gives_the_same_rows",
        &[],
        an_export_baseline_gives_the_same_rows,
    );
    suite.add(
        "with_all_the_grown_file_stands_for_its_directory",
        &[harness::premise::reference()],
        with_all_the_grown_file_stands_for_its_directory,
    );
    suite.add(
        "the_old_root_may_have_another_name",
        &[harness::premise::reference()],
        the_old_root_may_have_another_name,
    );
    suite.add(
        "an_import_can_be_the_new_side",
        &[harness::premise::reference()],
        an_import_can_be_the_new_side,
    );
    suite.add(
        "threshold_depth_and_total_shape_the_rows",
        &[harness::premise::reference()],
        threshold_depth_and_total_shape_the_rows,
    );
    suite.add(
        "separate_dirs_is_refused_rather_than_ignored",
        &[harness::premise::reference()],
        separate_dirs_is_refused_rather_than_ignored,
    );
    suite.add(
        "json_rows_carry_old_new_change_and_status",
        &[harness::premise::program("jq", "jq")],
        json_rows_carry_old_new_change_and_status,
    );
    suite.add(
        "a_malformed_listing_names_its_line_and_fails",
        &[],
        a_malformed_listing_names_its_line_and_fails,
    );
    suite.add(
        "a_malformed_export_names_its_place_and_fails",
        &[],
        a_malformed_export_names_its_place_and_fails,
    );
    suite.run();
}
