//! Hostile trees, depth and descriptors: chains of directories far beyond
//! PATH_MAX under a small main-thread stack and few descriptors, and a
//! wide and deep tree at many threads under 20 and 32 descriptors, each
//! compared with GNU du 9.7 (which handles them all) in every mode.

mod harness;
mod reference;
mod testenv;

use std::time::Duration;

use harness::premise;
use reference::{Case, Mode, assert_no_problems, check_all_in, each_mode};
use testenv::TestEnv;

fn main() {
    let mut suite = harness::Suite::new(file!());
    let reference = [premise::reference()];
    trials!(suite, reference;
        chain_of_30000_dirs_small_stack_few_fds_every_mode,
        chain_beyond_path_max_every_mode_and_option,
        wide_and_deep_tree_under_32_descriptors_parallel_j8,
        wide_and_deep_tree_under_32_descriptors_at_64_threads,
        wide_and_deep_tree_in_parts_under_32_descriptors_at_64_threads,
        wide_and_deep_tree_under_20_descriptors_at_64_threads,
    );
    suite.run();
}

/// 30,000 nested directories (a path of 60,000 bytes, far beyond PATH_MAX),
/// a file every 1,000 levels, walked with a 256 KiB main-thread stack and
/// 32 descriptors, in every mode. GNU du 9.7 does it in a few seconds.
fn chain_of_30000_dirs_small_stack_few_fds_every_mode() {
    let env = TestEnv::new("chain deep depth=30000 fileevery=1000 filesize=5000");
    // GNU takes ~5 s; a cdu that needs 30 times as long is stuck.
    let case = Case::new(env.tempdir(), ["root"])
        .limits(Some(256), Some(32))
        .timeout(Duration::from_secs(150));
    let reference = premise::reference_du().unwrap_or_else(|why| panic!("{why}"));
    let gnu = reference::run_gnu(&reference, &case);
    assert_eq!(
        gnu.status,
        0,
        "GNU du failed: {}",
        String::from_utf8_lossy(&gnu.stderr)
    );
    // The four modes at once, so a stuck walk costs the timeout once.
    let runs: Vec<_> = each_mode()
        .into_iter()
        .map(|mode| {
            let case = case.clone();
            std::thread::spawn(move || {
                let got = reference::run_cdu(&case, &mode);
                (mode, got)
            })
        })
        .collect();
    let mut problems = Vec::new();
    for run in runs {
        let (mode, got) = run.join().expect("runner thread");
        let what = format!("ulimit -s 256 -n 32; cdu {}", mode.args.join(" "));
        problems.extend(reference::invariants(&what, &got));
        // A line for root, for the chain's prefix `deep`, and for each of
        // the 30,000 levels below it.
        let lines = got.stdout.split(|&b| b == b'\n').count() - 1;
        if !got.timed_out && lines != 30002 {
            problems.push(format!("{what}: {lines} lines, want 30002"));
        }
        if let Some(d) = reference::differences(&case, &gnu, &got, false) {
            problems.push(format!("{what}:\n{d}"));
        }
    }
    assert_no_problems(problems);
}

/// A chain deeper than PATH_MAX but short enough to be quick: every mode
/// under `ulimit -s 256 -n 32`, with `-a`, `-S`, `-d` and `--inodes`.
fn chain_beyond_path_max_every_mode_and_option() {
    let env =
        TestEnv::new("chain deep depth=2500 name=dd fileevery=100 filesize=3000\nfile deep/top 10");
    let cases: Vec<Case> = [
        &["root"][..],
        &["-a", "root"],
        &["-S", "-b", "root"],
        &["-d", "1200", "root"],
        &["--inodes", "-s", "root"],
    ]
    .iter()
    .map(|a| {
        Case::new(env.tempdir(), *a)
            .limits(Some(256), Some(32))
            .timeout(Duration::from_secs(120))
    })
    .collect();
    check_all_in(&cases, &each_mode());
}

/// 40 subtrees, each a chain of 60 with files and a generated bushy tree
/// beside it.
fn wide_and_deep_tree() -> TestEnv {
    let mut desc = String::new();
    for i in 0..40 {
        desc.push_str(&format!(
            "chain t{i:02} depth=60 name=c fileevery=7 filesize=1500\n"
        ));
        desc.push_str(&format!(
            "generate t{i:02}/bush files=120 dirs=40 seed={i} maxsize=6000 depth=3\n"
        ));
        desc.push_str(&format!("file t{i:02}/f 100\n"));
    }
    TestEnv::new(&desc)
}

/// A case for each of `lists`, under `ulimit -n nofile`.
fn under_descriptors(env: &TestEnv, nofile: u32, lists: &[&[&str]]) -> Vec<Case> {
    lists
        .iter()
        .map(|a| {
            Case::new(env.tempdir(), *a)
                .limits(None, Some(nofile))
                .timeout(Duration::from_secs(120))
        })
        .collect()
}

/// Under `ulimit -n 32`, every mode at 8 threads: no EMFILE, and GNU's
/// numbers.
fn wide_and_deep_tree_under_32_descriptors_parallel_j8() {
    let env = wide_and_deep_tree();
    let modes: Vec<Mode> = each_mode().into_iter().map(|m| m.threads("8")).collect();
    check_all_in(
        &under_descriptors(&env, 32, &[&["root"], &["-a", "root"]]),
        &modes,
    );
}

/// Many threads, the same 32 descriptors.
fn wide_and_deep_tree_under_32_descriptors_at_64_threads() {
    let env = wide_and_deep_tree();
    let modes = [
        Mode::new("parallel").threads("64"),
        Mode::new("cancellable").threads("64"),
    ];
    check_all_in(&under_descriptors(&env, 32, &[&["root"]]), &modes);
}

/// Every directory split into parts, which use their directory's
/// descriptor after its reader has done.
fn wide_and_deep_tree_in_parts_under_32_descriptors_at_64_threads() {
    let env = wide_and_deep_tree();
    let modes = [
        Mode::new("parallel").threads("64").split("3"),
        Mode::new("cancellable").threads("64").split("3"),
    ];
    check_all_in(&under_descriptors(&env, 32, &[&["-a", "root"]]), &modes);
}

/// 20 descriptors leave one reader and two kept for 64 threads: a
/// descriptor closed only after its reader's place was let go made 2 runs
/// in 20 fail here with EMFILE, so it runs three times.
fn wide_and_deep_tree_under_20_descriptors_at_64_threads() {
    let env = wide_and_deep_tree();
    let modes = [
        Mode::new("parallel").threads("64"),
        Mode::new("parallel").threads("64"),
        Mode::new("parallel").threads("64"),
    ];
    check_all_in(&under_descriptors(&env, 20, &[&["root"]]), &modes);
}
