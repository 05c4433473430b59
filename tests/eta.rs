//! Progress that knows its total: the history of earlier -v scans (where
//! it is kept, when it is written, how it is turned off, what a broken one
//! does) and the percentage it gives the next scan, piped and on a
//! terminal; and a whole file system as the total.

mod harness;
mod session;
mod testenv;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use session::{Hold, Session, Stdout, cdu, describe, held_tree, is_plain_progress_line, split_eta};

/// cdu with its history in `cache` (as XDG_CACHE_HOME), stdin closed.
fn cdu_with_cache(cache: &Path) -> Command {
    let mut command = cdu();
    command
        .env_remove("CDU_NO_HISTORY")
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::null());
    command
}

fn run(mut command: Command) -> Output {
    let out = command.output().expect("run cdu");
    assert_eq!(
        describe(out.status),
        "exit 0",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn history_file(cache: &Path) -> PathBuf {
    cache.join("cdu").join("history")
}

/// The lines of stderr that are not progress lines.
fn messages(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !is_plain_progress_line(l))
        .map(str::to_string)
        .collect()
}

/// The percentage endings of the progress lines of a piped -v run.
fn endings(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| is_plain_progress_line(l))
        .filter_map(|l| split_eta(l).1.map(str::to_string))
        .collect()
}

/// A tree of 20,000 files: a -v scan with --tick 1ms shows a few lines.
fn tree() -> testenv::TestEnv {
    testenv::TestEnv::new("generate . files=20000 dirs=200 seed=21")
}

fn scan_v(cache: &Path, dir: &Path, extra: &[&str]) -> Output {
    let mut command = cdu_with_cache(cache);
    command
        .args(["-v", "--tick", "1ms", "-s"])
        .args(extra)
        .arg(dir);
    run(command)
}

/// The fields of the history's one line: DEV FLAGS ENTRIES BYTES MILLIS
/// PACE HEX-PATH.
fn history_fields(cache: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(history_file(cache)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    lines[1].split(' ').map(str::to_string).collect()
}

fn a_sampled_scan_leaves_its_pace_for_the_next() {
    let env = tree();
    let cache = tempfile::tempdir().unwrap();
    scan_v(cache.path(), env.root(), &[]);
    let f = history_fields(cache.path());
    assert_eq!(f.len(), 7, "{f:?}");
    let millis: u64 = f[4].parse().unwrap();
    let pace: Vec<u64> = f[5].split(',').map(|n| n.parse().unwrap()).collect();
    assert_eq!(pace.len(), 9, "nine tenths: {f:?}");
    assert!(pace.windows(2).all(|w| w[0] <= w[1]), "{f:?}");
    assert!(pace[8] <= millis, "nine tenths after the end: {f:?}");
    // Ticks too far apart to sample the scan: no pace, and the total is
    // still remembered.
    let cache = tempfile::tempdir().unwrap();
    let mut command = cdu_with_cache(cache.path());
    command.args(["-v", "--tick", "10m", "-s"]).arg(env.root());
    run(command);
    let f = history_fields(cache.path());
    assert_eq!(f[5], "-", "{f:?}");
    assert!(f[2].parse::<u64>().unwrap() > 20_000, "{f:?}");
}

fn a_second_v_scan_shows_its_progress_against_the_first() {
    let env = tree();
    let cache = tempfile::tempdir().unwrap();
    let first = scan_v(cache.path(), env.root(), &[]);
    assert!(endings(&first).is_empty(), "a first scan has no total");
    let second = scan_v(cache.path(), env.root(), &[]);
    let ends = endings(&second);
    assert!(!ends.is_empty(), "no percentage: {second:?}");
    assert_eq!(messages(&second), Vec::<String>::new());
    assert_eq!(first.stdout, second.stdout);
    // Counts only go up, and so does the percentage.
    let percents: Vec<u8> = ends
        .iter()
        .map(|e| e.split('%').next().unwrap().parse().unwrap())
        .collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{ends:?}");
}

fn history_is_written_only_with_v_and_under_xdg_cache_home() {
    let env = tree();
    let cache = tempfile::tempdir().unwrap();
    let mut quiet = cdu_with_cache(cache.path());
    quiet.arg("-s").arg(env.root());
    run(quiet);
    assert!(!cache.path().join("cdu").exists(), "written without -v");
    scan_v(cache.path(), env.root(), &[]);
    let text = std::fs::read_to_string(history_file(cache.path())).unwrap();
    let hex: String = env
        .root()
        .canonicalize()
        .unwrap()
        .to_str()
        .unwrap()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(text.starts_with("cdu history 2\n"), "{text}");
    assert!(text.lines().any(|l| l.ends_with(&hex)), "{text}");
}

fn without_xdg_cache_home_the_history_is_in_the_home_cache() {
    let env = tree();
    let home = tempfile::tempdir().unwrap();
    let mut command = cdu();
    command
        .env_remove("CDU_NO_HISTORY")
        .env_remove("XDG_CACHE_HOME")
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .args(["-v", "-s"])
        .arg(env.root());
    run(command);
    assert!(history_file(&home.path().join(".cache")).is_file());
}

fn no_history_option_and_variable_neither_write_nor_use_it() {
    let env = tree();
    let cache = tempfile::tempdir().unwrap();
    let off = scan_v(cache.path(), env.root(), &["--no-history"]);
    assert!(
        !cache.path().join("cdu").exists(),
        "written with --no-history"
    );
    let mut variable = cdu_with_cache(cache.path());
    variable
        .env("CDU_NO_HISTORY", "1")
        .args(["-v", "-s"])
        .arg(env.root());
    run(variable);
    assert!(
        !cache.path().join("cdu").exists(),
        "written with CDU_NO_HISTORY=1"
    );
    // With a history in place, the off switch leaves the lines as before.
    scan_v(cache.path(), env.root(), &[]);
    let before = std::fs::read(history_file(cache.path())).unwrap();
    let off_again = scan_v(cache.path(), env.root(), &["--no-history"]);
    assert!(endings(&off_again).is_empty(), "{off_again:?}");
    assert_eq!(std::fs::read(history_file(cache.path())).unwrap(), before);
    assert_eq!(off.stdout, off_again.stdout);
}

fn an_unwritable_cache_is_said_once_and_changes_nothing_else() {
    let env = tree();
    let dir = tempfile::tempdir().unwrap();
    // A file where the cache directory should be: no one, root included,
    // can create the history below it.
    let cache = dir.path().join("not-a-dir");
    std::fs::write(&cache, "").unwrap();
    let out = scan_v(&cache, env.root(), &[]);
    let said = messages(&out);
    assert_eq!(said.len(), 1, "{said:?}");
    let named = format!("history {}", history_file(&cache).display());
    assert!(
        said[0].starts_with("cdu: ") && said[0].contains(&named),
        "{said:?}"
    );
    let mut plain = cdu();
    plain.arg("-s").arg(env.root());
    assert_eq!(out.stdout, run(plain).stdout);
}

fn a_corrupt_history_is_said_once_then_replaced() {
    let env = tree();
    let cache = tempfile::tempdir().unwrap();
    std::fs::create_dir(cache.path().join("cdu")).unwrap();
    std::fs::write(history_file(cache.path()), b"\x00\xffgarbage\n").unwrap();
    let out = scan_v(cache.path(), env.root(), &[]);
    let said = messages(&out);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("is not one cdu wrote"), "{said:?}");
    assert!(endings(&out).is_empty());
    let next = scan_v(cache.path(), env.root(), &[]);
    assert_eq!(messages(&next), Vec::<String>::new());
    assert!(
        !endings(&next).is_empty(),
        "the rewritten history is not used"
    );
}

fn a_remembered_directory_shows_a_bar_and_percentage_on_a_terminal() {
    let tree = held_tree();
    let cache = tempfile::tempdir().unwrap();
    let mut first = cdu_with_cache(cache.path());
    first.args(["-v", "-s"]).arg(tree);
    run(first);
    // The second scan is held until its line has been seen.
    let hold = Hold::new();
    let mut command = cdu_with_cache(cache.path());
    hold.apply(&mut command)
        .args(["-v", "--tick", "10ms", "-s"])
        .arg(tree);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a percentage and ETA", |screen| {
        screen.contains("%  ETA ") && screen.contains('█')
    });
    hold.release();
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 0", "{}", s.text());
}

fn a_whole_file_system_shows_a_bar_and_percentage_on_a_terminal() {
    // A loop-mounted ext4 image: the file system a disk scan meets, whose
    // count of used inodes includes its reserved ones and lost+found.
    let fs = testenv::mount::Mounted::require("ext4");
    let mnt = fs.mount_point();
    // 50,000 empty files (the 1 GiB image has 65,536 inodes): a
    // single-threaded scan takes long enough for several ticks, which the
    // piped run below needs to see a late one. The run on the terminal is
    // held until its line has been seen.
    for d in 0..50 {
        let dir = mnt.join(format!("d{d}"));
        std::fs::create_dir(&dir).unwrap();
        for f in 0..1000 {
            std::fs::File::create(dir.join(format!("f{f}"))).unwrap();
        }
    }
    let hold = Hold::new();
    let mut command = cdu();
    hold.apply(&mut command)
        .args(["--mode", "verbose", "--tick", "10ms", "-s"])
        .arg(&mnt);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a percentage and ETA", |screen| {
        screen.contains("%  ETA ") && screen.contains('█')
    });
    hold.release();
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 0", "{}", s.text());
    // Piped, the lines end with the documented form, and the file
    // system's count is close enough that no line says it was passed.
    let out = cdu()
        .args(["--mode", "verbose", "--tick", "1ms", "-s"])
        .arg(&mnt)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().all(is_plain_progress_line), "{stderr}");
    let ends = endings(&out);
    assert!(ends.iter().any(|e| !e.ends_with('?')), "{stderr}");
    // Against this file system's count, not the disk's the image is on:
    // the last tick comes near the end of the scan.
    let last: u8 = ends
        .last()
        .unwrap()
        .split('%')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(last >= 50, "{stderr}");
}

/// `cdu -v --diff=OLD DIR` with the history off, stderr piped.
fn diff_v(cache: &Path, old: &Path, dir: &Path) -> Output {
    let mut command = cdu_with_cache(cache);
    command
        .args(["-v", "--no-history", "--tick", "1ms", "--diff"])
        .arg(old)
        .arg(dir);
    run(command)
}

fn a_diff_measures_progress_against_its_old_scan() {
    let env = tree();
    let cache = tempfile::tempdir().unwrap();
    let saved = tempfile::tempdir().unwrap();
    let export = saved.path().join("old.json");
    let mut save = cdu_with_cache(cache.path());
    save.arg("--export").arg(&export).arg(env.root());
    run(save);
    let out = diff_v(cache.path(), &export, env.root());
    assert!(!endings(&out).is_empty(), "no percentage: {out:?}");
    assert!(!history_file(cache.path()).exists(), "--no-history wrote");

    // An old scan of a much smaller tree is outgrown at once: the total
    // came from OLD, not from anywhere else.
    let small = testenv::TestEnv::new("generate . files=100 dirs=5 seed=3");
    let small_export = saved.path().join("small.json");
    let mut save = cdu_with_cache(cache.path());
    save.arg("--export").arg(&small_export).arg(small.root());
    run(save);
    let out = diff_v(cache.path(), &small_export, env.root());
    let ends = endings(&out);
    assert!(ends.iter().any(|e| e == "99% ETA ?"), "{ends:?}");

    // A du listing in blocks does not say how many entries it counted;
    // one made with --inodes does.
    let listing = |args: &[&str]| {
        let mut list = cdu_with_cache(cache.path());
        list.args(args).arg(small.root());
        let file = saved.path().join(format!("listing{}", args.len()));
        std::fs::write(&file, run(list).stdout).unwrap();
        file
    };
    let blocks = listing(&["-a"]);
    assert_eq!(
        endings(&diff_v(cache.path(), &blocks, env.root())),
        Vec::<String>::new()
    );
    let inodes = listing(&["-a", "--inodes"]);
    let mut command = cdu_with_cache(cache.path());
    command
        .args(["-v", "--no-history", "--inodes", "--tick", "1ms", "--diff"])
        .arg(&inodes)
        .arg(env.root());
    let ends = endings(&run(command));
    assert!(ends.iter().any(|e| e == "99% ETA ?"), "{ends:?}");
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "a_sampled_scan_leaves_its_pace_for_the_next",
        &[],
        a_sampled_scan_leaves_its_pace_for_the_next,
    );
    suite.add(
        "a_second_v_scan_shows_its_progress_against_the_first",
        &[],
        a_second_v_scan_shows_its_progress_against_the_first,
    );
    suite.add(
        "history_is_written_only_with_v_and_under_xdg_cache_home",
        &[],
        history_is_written_only_with_v_and_under_xdg_cache_home,
    );
    suite.add(
        "without_xdg_cache_home_the_history_is_in_the_home_cache",
        &[],
        without_xdg_cache_home_the_history_is_in_the_home_cache,
    );
    suite.add(
        "no_history_option_and_variable_neither_write_nor_use_it",
        &[],
        no_history_option_and_variable_neither_write_nor_use_it,
    );
    suite.add(
        "an_unwritable_cache_is_said_once_and_changes_nothing_else",
        &[],
        an_unwritable_cache_is_said_once_and_changes_nothing_else,
    );
    suite.add(
        "a_corrupt_history_is_said_once_then_replaced",
        &[],
        a_corrupt_history_is_said_once_then_replaced,
    );
    suite.add(
        "a_remembered_directory_shows_a_bar_and_percentage_on_a_terminal",
        &[],
        a_remembered_directory_shows_a_bar_and_percentage_on_a_terminal,
    );
    suite.add(
        "a_whole_file_system_shows_a_bar_and_percentage_on_a_terminal",
        &[harness::premise::mount("ext4")],
        a_whole_file_system_shows_a_bar_and_percentage_on_a_terminal,
    );
    suite.add(
        "a_diff_measures_progress_against_its_old_scan",
        &[],
        a_diff_measures_progress_against_its_old_scan,
    );
    suite.run();
}
