//! A scan cut into shards (`--shard=K/N --export=PART`) and merged back
//! (`--import=PART1 --import=PART2 ...`) prints what one process walking
//! the tree prints, byte for byte: for every option set of the
//! differential matrix, N = 1, 2, 3 and 7, on trees with hard links across
//! the cut, an unreadable directory and odd names. Wrong sets of parts are
//! refused with status 1 and no total; real launchers start the shards.

mod harness;
mod session;
mod testenv;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use harness::{Suite, premise};
use testenv::TestEnv;

const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// The option sets of tests/differential.rs's matrix.
const OPTION_SETS: &[(&str, &[&str])] = &[
    ("no_options", &[]),
    ("all", &["-a"]),
    ("summarize", &["-s"]),
    ("separate_dirs", &["-S"]),
    ("all_separate_dirs", &["-aS"]),
    ("bytes", &["-b"]),
    ("all_bytes", &["-ab"]),
    ("apparent_size", &["--apparent-size"]),
    (
        "all_apparent_size_separate_dirs",
        &["-aS", "--apparent-size"],
    ),
    ("inodes", &["--inodes"]),
    ("all_inodes", &["-a", "--inodes"]),
    ("separate_dirs_inodes", &["-S", "--inodes"]),
    ("human", &["-h"]),
    ("all_human", &["-ah"]),
    ("all_human_apparent", &["-ah", "--apparent-size"]),
    ("si", &["--si"]),
    ("all_si_apparent", &["-a", "--si", "--apparent-size"]),
    ("kilobytes", &["-k"]),
    ("megabytes", &["-m"]),
    ("all_megabytes_apparent", &["-am", "--apparent-size"]),
    ("block_size_1", &["-B1"]),
    ("block_size_k", &["-BK"]),
    ("block_size_kb", &["-BKB"]),
    ("block_size_1m", &["-B1M"]),
    ("block_size_grouped", &["-B'1"]),
    (
        "all_block_size_grouped_apparent",
        &["-a", "--apparent-size", "--block-size='1"],
    ),
    (
        "block_size_human_readable",
        &["--block-size=human-readable"],
    ),
    ("block_size_3", &["-a", "-B3"]),
    ("last_size_option_wins_k_after_h", &["-h", "-k"]),
    ("last_size_option_wins_b_before_m", &["-b", "-m"]),
    ("total", &["-c"]),
    ("summarize_total", &["-sc"]),
    ("all_total_human", &["-ach"]),
    ("max_depth_0", &["-d0"]),
    ("max_depth_1", &["-d1"]),
    ("max_depth_2_all", &["-d2", "-a"]),
    ("max_depth_1_separate_dirs", &["--max-depth=1", "-S"]),
    ("count_links", &["-l"]),
    ("all_count_links", &["-al"]),
    ("dereference", &["-L"]),
    ("all_dereference", &["-aL"]),
    ("dereference_count_links", &["-L", "-l"]),
    ("dereference_args", &["-H"]),
    ("no_dereference_after_dereference", &["-L", "-P", "-a"]),
    ("one_file_system", &["-x"]),
    ("all_one_file_system", &["-ax"]),
    ("threshold_1", &["-t", "1"]),
    ("threshold_8k", &["-t", "8K"]),
    ("threshold_minus_8k", &["-t", "-8K"]),
    ("all_threshold_100", &["-a", "-t", "100"]),
    (
        "all_bytes_threshold_minus_4096",
        &["-ab", "--threshold=-4096"],
    ),
    ("exclude_glob", &["--exclude={GLOB}"]),
    ("all_exclude_glob", &["-a", "--exclude={GLOB}"]),
    ("exclude_dir", &["--exclude={DIR}"]),
    ("all_exclude_dir_total", &["-ac", "--exclude={DIR}"]),
    ("null", &["-0"]),
    ("all_null", &["-a0"]),
    ("all_bytes_total_null", &["-abc0"]),
    ("time", &["-a", "--time", "--time-style=full-iso"]),
    ("time_ctime", &["-s", "--time=ctime", "--time-style=+%s.%N"]),
];

/// The differential matrix's fixtures, with a glob and a directory name
/// for the option sets that need them.
const FIXTURES: &[(&str, &str, &str)] = &[
    ("basic", "f4*", "b"),
    ("links", "*link*", "three"),
    ("sparse", "sparse-*", "nested"),
    ("odd-names", "*space*", ".hidden-dir"),
    ("deep", "f*", "d"),
];

/// Hard links across every cut (the same file in the skeleton and in
/// subtrees of several shards, before and after each other in the
/// walk's order), symbolic links that `-L` follows across it (to a
/// directory of another shard's subtree, to one above the cut, to an
/// ancestor, to a file), an unreadable directory, and odd names.
const ACROSS: &str = "file a/f1 10000\nfile a/g 3000\nhardlink b/l1 a/f1\n\
    hardlink c/deep/er/l2 a/f1\nfile c/x 5000\nhardlink a/zz c/x\nfile c/deep/y 700\n\
    file d/locked/hidden 4000\nfile d/locked/sub/more 9000\nmode d/locked 000\nfile d/open 100\n\
    file e/new\\nline 12\nfile e/invalid-\\xff\\xfe 24\nfile e/with\\sspace 10\n\
    file e/dir\\swith\\sspace/sub\\nline/f 31\nfile top 100\nhardlink top-link c/x\n\
    hardlink f/g/h/i/j/l3 a/g\nfile f/g/h/i/j/k 100K\nfile f/g/m 2K\nhardlink z-last a/g\n\
    symlink a/to-c ../c\nsymlink f/g/up ../../a\nsymlink b/loop ..\nsymlink e/to-deep ../c/deep\n\
    symlink z-file a/f1\nsymlink c/to-f ../f\n";

const SHARD_COUNTS: &[u32] = &[1, 2, 3, 7];

/// Runs cdu in `cwd`, in the C locale, without root's permission
/// capabilities when `unprivileged` (then permission bits bind root too).
fn run(cwd: &Path, args: &[OsString], env: &[(&str, &str)], unprivileged: bool) -> Output {
    let mut command = if unprivileged && premise::is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
            CDU,
        ]);
        c
    } else {
        Command::new(CDU)
    };
    command
        .args(args)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .env("CDU_NO_HISTORY", "1")
        .stdin(Stdio::null());
    for var in [
        "SLURM_PROCID",
        "SLURM_NTASKS",
        "OMPI_COMM_WORLD_RANK",
        "OMPI_COMM_WORLD_SIZE",
        "PMI_RANK",
        "PMI_SIZE",
        "DU_BLOCK_SIZE",
        "BLOCK_SIZE",
        "BLOCKSIZE",
        "POSIXLY_CORRECT",
        "TZ",
    ] {
        command.env_remove(var);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run cdu")
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The options of a merge: those of the scan but the ones that choose
/// what a walk reads, which the parts settled (and --import refuses).
fn merge_options(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in args {
        if a.starts_with("--exclude") {
            continue;
        }
        if a.starts_with('-') && !a.starts_with("--") && !a.contains(['B', 't', 'd']) {
            let kept: String = a
                .chars()
                .filter(|c| !matches!(c, 'x' | 'L' | 'H'))
                .collect();
            if kept != "-" {
                out.push(kept);
            }
            continue;
        }
        out.push(a.clone());
    }
    out
}

/// Walks `root` (relative to `cwd`) in `n` shards with `args`, each
/// saving its part in `dir`; returns the parts, shard 1's first.
fn shard(cwd: &Path, dir: &Path, args: &[String], n: u32, unprivileged: bool) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("a directory for the parts");
    let export = dir.join("part-%r.json");
    for k in 1..=n {
        let mut all: Vec<OsString> = args.iter().map(OsString::from).collect();
        all.push(format!("--shard={k}/{n}").into());
        let mut e = OsString::from("--export=");
        e.push(&export);
        all.push(e);
        all.push("root".into());
        let out = run(cwd, &all, &[], unprivileged);
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "shard {k}/{n} with {args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "a shard prints no lines: {}",
            text(&out.stdout)
        );
    }
    (1..=n)
        .map(|k| dir.join(format!("part-{k}.json")))
        .collect()
}

/// Merges `parts` (given last first: any order does) with `args`.
fn merge(cwd: &Path, parts: &[PathBuf], args: &[String]) -> Output {
    let mut all: Vec<OsString> = args.iter().map(OsString::from).collect();
    for p in parts.iter().rev() {
        let mut a = OsString::from("--import=");
        a.push(p);
        all.push(a);
    }
    run(cwd, &all, &[], false)
}

/// Merged output equals the single walk's: stdout, stderr and status.
fn check_same(cwd: &Path, args: &[String], n: u32, unprivileged: bool, tag: &str) {
    let mut single_args: Vec<OsString> = args.iter().map(OsString::from).collect();
    single_args.push("root".into());
    let single = run(cwd, &single_args, &[], unprivileged);
    let dir = cwd.join(format!("parts-{tag}-{n}"));
    let parts = shard(cwd, &dir, args, n, unprivileged);
    let merged = merge(cwd, &parts, &merge_options(args));
    let what = format!("{args:?} in {n} shards");
    assert_eq!(text(&merged.stdout), text(&single.stdout), "stdout, {what}");
    assert_eq!(text(&merged.stderr), text(&single.stderr), "stderr, {what}");
    assert_eq!(merged.status.code(), single.status.code(), "status, {what}");
    std::fs::remove_dir_all(&dir).expect("remove the parts");
}

fn check_fixture(fixture: &str, glob: &str, dir: &str, args: &[&str]) {
    let env = TestEnv::from_fixture(fixture);
    let cwd = env.root().parent().expect("the root's parent");
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{GLOB}", glob).replace("{DIR}", dir))
        .collect();
    for &n in SHARD_COUNTS {
        check_same(cwd, &args, n, false, "m");
    }
}

fn check_across(args: &[&str]) {
    let env = TestEnv::new(ACROSS);
    let cwd = env.root().parent().expect("the root's parent");
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{GLOB}", "*space*").replace("{DIR}", "deep"))
        .collect();
    for &n in SHARD_COUNTS {
        check_same(cwd, &args, n, true, "x");
    }
}

fn main() {
    let mut suite = Suite::new(file!());
    for &(fixture, glob, dir) in FIXTURES {
        for &(name, args) in OPTION_SETS {
            suite.add(format!("{fixture}::{name}"), &[], move || {
                check_fixture(fixture, glob, dir, args)
            });
        }
    }
    let unprivileged = [premise::unprivileged()];
    for &(name, args) in OPTION_SETS {
        suite.add(
            format!("links_unreadable_odd::{name}"),
            &unprivileged,
            move || check_across(args),
        );
    }
    let none: [premise::Premise; 0] = [];
    trials!(suite, none;
        every_view_of_a_merge_is_the_views_of_the_scan,
        the_cut_gives_every_shard_a_part_of_a_wide_tree,
        a_missing_part_is_named,
        a_name_twice_in_one_directory_is_refused,
        a_part_given_twice_is_refused,
        parts_of_different_scans_are_refused,
        a_scan_among_parts_is_refused,
        one_part_alone_is_refused,
        a_stopped_part_is_refused,
        wrong_shard_options_are_refused,
        slurm_variables_start_the_shards,
    );
    suite.add(
        "a_root_that_is_a_file_or_cannot_be_read",
        &[premise::unprivileged()],
        a_root_that_is_a_file_or_cannot_be_read,
    );
    suite.add(
        "many_parts_fit_under_the_open_file_limit",
        &[premise::program("prlimit", "util-linux")],
        many_parts_fit_under_the_open_file_limit,
    );
    suite.add(
        "mpirun_starts_the_shards",
        &[premise::program("mpirun", "openmpi-bin")],
        mpirun_starts_the_shards,
    );
    suite.run();
}

/// The lines of `--json` but for the summary's elapsed time.
fn without_elapsed(b: &[u8]) -> String {
    text(b)
        .lines()
        .map(|l| match l.find(",\"elapsed\":") {
            Some(at) => {
                let rest = &l[at + 1..];
                let end = rest.find(',').map_or(l.len(), |e| at + 1 + e);
                format!("{}{}", &l[..at], &l[end..])
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn every_view_of_a_merge_is_the_views_of_the_scan() {
    let env = TestEnv::from_fixture("links");
    let cwd = env
        .root()
        .parent()
        .expect("the root's parent")
        .to_path_buf();
    std::fs::write(
        cwd.join("old.txt"),
        "10\troot/data\n4\troot/gone\n20\troot\n",
    )
    .expect("old");
    let parts = shard(&cwd, &cwd.join("p"), &[], 3, false);
    for args in [
        &["--json"][..],
        &["--json", "-a", "-d1"],
        &["--tree", "--width=100"],
        &["--tree", "-a", "--rows=8", "--width=60", "--color=never"],
        &["--top=4"],
        &["--top=100", "-h"],
        &["--diff=old.txt", "-a"],
        &["--html=-"],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut single_args = args.clone();
        single_args.push("root".into());
        let single = run(
            &cwd,
            &os(&single_args.iter().map(String::as_str).collect::<Vec<_>>()),
            &[],
            false,
        );
        let merged = merge(&cwd, &parts, &args);
        assert!(
            single.status.success(),
            "{args:?}: {}",
            text(&single.stderr)
        );
        assert_eq!(
            without_elapsed(&merged.stdout),
            without_elapsed(&single.stdout),
            "{args:?}"
        );
        assert_eq!(text(&merged.stderr), text(&single.stderr), "{args:?}");
    }
    // A merged scan saved again reads back as the scan does.
    let again = cwd.join("again.json");
    let mut a = OsString::from("--export=");
    a.push(&again);
    let mut args = vec![a];
    for p in &parts {
        let mut i = OsString::from("--import=");
        i.push(p);
        args.push(i);
    }
    let out = run(&cwd, &args, &[], false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut back = OsString::from("--import=");
    back.push(&again);
    let read = run(&cwd, &[OsString::from("-a"), back], &[], false);
    let single = run(&cwd, &os(&["-a", "root"]), &[], false);
    assert_eq!(text(&read.stdout), text(&single.stdout));
}

/// How many entries each part saves: its objects (one a line) but the
/// places it keeps for other shards' subtrees and files.
fn entries_per_part(parts: &[PathBuf]) -> Vec<usize> {
    parts
        .iter()
        .map(|p| {
            let doc = std::fs::read_to_string(p).expect("a part");
            doc.lines()
                .filter(|l| l.contains("{\"name\":") && !l.contains("\"excluded\":\"cdu_shard\""))
                .count()
        })
        .collect()
}

fn the_cut_gives_every_shard_a_part_of_a_wide_tree() {
    // 8 top directories of 40 files, one of them much deeper.
    let mut tree = String::new();
    for d in 0..8 {
        for f in 0..40 {
            tree.push_str(&format!("file t{d}/f{f} 10\n"));
        }
    }
    for d in 0..20 {
        for f in 0..20 {
            tree.push_str(&format!("file t0/deep/s{d}/f{f} 10\n"));
        }
    }
    let env = TestEnv::new(&tree);
    let cwd = env
        .root()
        .parent()
        .expect("the root's parent")
        .to_path_buf();
    let parts = shard(&cwd, &cwd.join("p"), &[], 4, false);
    let counts = entries_per_part(&parts);
    let total: usize = counts.iter().sum();
    let largest = *counts.iter().max().expect("four parts");
    // t0 alone is 40% of the tree: without cutting below it, one shard
    // would hold 2.4 times the mean.
    assert!(
        largest * 4 <= total * 3 / 2 + 40,
        "entries per part {counts:?}: the largest is more than 1.5 times the mean"
    );
    let merged = merge(&cwd, &parts, &["-a".to_string()]);
    let single = run(&cwd, &os(&["-a", "root"]), &[], false);
    assert_eq!(text(&merged.stdout), text(&single.stdout));
}

/// Parts of the `links` fixture in `n` shards with `args`.
fn parts_of(env: &TestEnv, name: &str, args: &[&str], n: u32) -> Vec<PathBuf> {
    let cwd = env.root().parent().expect("the root's parent");
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    shard(cwd, &cwd.join(name), &args, n, false)
}

/// A refused merge: status 1, `message` on stderr, and no line on stdout.
fn refused(cwd: &Path, args: &[OsString], message: &str) {
    let out = run(cwd, args, &[], false);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?}: {}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains(message),
        "{args:?}: expected {message:?} in {}",
        text(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed {}",
        text(&out.stdout)
    );
}

fn imports(parts: &[&PathBuf]) -> Vec<OsString> {
    parts
        .iter()
        .map(|p| {
            let mut a = OsString::from("--import=");
            a.push(p.as_os_str());
            a
        })
        .collect()
}

/// `cdu ARGS` under `prlimit --nofile=SOFT:HARD`, in `cwd`.
fn under_file_limit(cwd: &Path, soft: u32, hard: u32, args: &[OsString]) -> Output {
    Command::new("prlimit")
        .arg(format!("--nofile={soft}:{hard}"))
        .arg(CDU)
        .args(args)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .env("CDU_NO_HISTORY", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run prlimit")
}

/// The merge reads every part at once: it raises the soft limit on open
/// files as far as the parts need, and says so when the hard limit is
/// too low, instead of failing on some part's open.
fn many_parts_fit_under_the_open_file_limit() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let n = 40;
    let parts = parts_of(&env, "many", &[], n);
    let all: Vec<&PathBuf> = parts.iter().collect();
    let single = run(cwd, &os(&["root"]), &[], false);
    let merged = under_file_limit(cwd, 30, 1024, &imports(&all));
    assert_eq!(
        text(&merged.stderr),
        "",
        "40 parts under a soft limit of 30"
    );
    assert_eq!(text(&merged.stdout), text(&single.stdout));
    assert_eq!(merged.status.code(), Some(0));
    let stopped = under_file_limit(cwd, 30, 40, &imports(&all));
    assert_eq!(stopped.status.code(), Some(1));
    assert!(stopped.stdout.is_empty(), "{}", text(&stopped.stdout));
    assert!(
        text(&stopped.stderr)
            .contains("40 parts cannot be open at once: the limit on open files is 40"),
        "{}",
        text(&stopped.stderr)
    );
}

/// A part edited by hand so that a directory lists a name twice (the
/// scan cut in one, so that the part holds every entry): the merge
/// refuses it, and never prints a total.
fn a_name_twice_in_one_directory_is_refused() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let parts = parts_of(&env, "twice", &[], 1);
    let first = std::fs::read_to_string(&parts[0]).expect("read part 1");
    // A file's entry (a directory's opens with '[').
    let at = first
        .match_indices("\n{\"name\":")
        .map(|(i, _)| i + 1)
        .find(|&i| {
            let object = &first[i..i + first[i..].find('}').expect("an object")];
            object.contains("\"asize\"") && !object.contains("cdu_skeleton")
        })
        .expect("shard 1 saves a file of its own");
    let object = &first[at..=at + first[at..].find('}').unwrap()];
    let edited = format!("{}{object},\n{}", &first[..at], &first[at..]);
    let twice = cwd.join("twice/part-1-twice.json");
    std::fs::write(&twice, edited).expect("write the edited part");
    let out = run(cwd, &imports(&[&twice]), &[], false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("a name met twice in one directory"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stdout).lines().any(|l| l.ends_with("\troot")),
        "no total: {}",
        text(&out.stdout)
    );
}

fn a_missing_part_is_named() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let p = parts_of(&env, "p", &[], 4);
    refused(
        cwd,
        &imports(&[&p[0], &p[1], &p[3]]),
        "the part of shard 3 of 4 is missing",
    );
    refused(
        cwd,
        &imports(&[&p[3], &p[1]]),
        "the parts of shards 1, 3 of 4 are missing",
    );
}

fn a_part_given_twice_is_refused() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let p = parts_of(&env, "p", &[], 3);
    refused(
        cwd,
        &imports(&[&p[0], &p[1], &p[1], &p[2]]),
        "shard 2 of 3 again",
    );
    // A copy of a part is the same shard again, under another name.
    let copy = cwd.join("copy.json");
    std::fs::copy(&p[2], &copy).expect("copy a part");
    refused(
        cwd,
        &imports(&[&p[0], &p[1], &p[2], &copy]),
        "shard 3 of 3 again",
    );
}

fn parts_of_different_scans_are_refused() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let three = parts_of(&env, "three", &[], 3);
    let two = parts_of(&env, "two", &[], 2);
    refused(
        cwd,
        &imports(&[&two[0], &three[1], &three[2]]),
        "a part of another scan",
    );
    let xdev = parts_of(&env, "xdev", &["-x"], 3);
    refused(
        cwd,
        &imports(&[&three[0], &xdev[1], &three[2]]),
        "a part of another scan",
    );
    let excluded = parts_of(&env, "excl", &["--exclude=*link*"], 3);
    refused(
        cwd,
        &imports(&[&excluded[0], &three[1], &three[2]]),
        "a part of another scan",
    );
    // Parts saved without -l hold one name of each file: they cannot
    // give what -l counts.
    let mut args = imports(&[&three[0], &three[1], &three[2]]);
    args.push("-l".into());
    refused(cwd, &args, "saved without -l");
    let mut args = imports(&[&three[0], &three[1], &three[2]]);
    args.push("--time".into());
    refused(cwd, &args, "--time needs the parts' times");
}

fn a_scan_among_parts_is_refused() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let p = parts_of(&env, "p", &[], 2);
    let out = run(cwd, &os(&["--export=scan.json", "root"]), &[], false);
    assert!(out.status.success());
    let scan = cwd.join("scan.json");
    refused(
        cwd,
        &imports(&[&p[0], &scan, &p[1]]),
        "not a part of a sharded scan",
    );
    refused(
        cwd,
        &imports(&[&scan, &p[0], &p[1]]),
        "not a part of a sharded scan",
    );
}

fn one_part_alone_is_refused() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    let p = parts_of(&env, "p", &[], 3);
    // As a file, it is taken for what it is: a part, with others missing.
    refused(
        cwd,
        &imports(&[&p[1]]),
        "the parts of shards 1, 3 of 3 are missing",
    );
    // On stdin too, before a line is printed.
    let mut command = Command::new(CDU);
    command
        .arg("--import=-")
        .current_dir(cwd)
        .stdin(std::fs::File::open(&p[1]).expect("part"));
    let out = command.output().expect("run cdu");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("the part of shard 2 of 3"),
        "{}",
        text(&out.stderr)
    );
    // One shard of one is a whole scan.
    let one = parts_of(&env, "one", &[], 1);
    let merged = run(cwd, &imports(&[&one[0]]), &[], false);
    let single = run(cwd, &os(&["root"]), &[], false);
    assert_eq!(text(&merged.stdout), text(&single.stdout));
}

/// Starts shard 2 of 3 of the held tree with `export`, waits until it is
/// walking (its first progress line), stops it with SIGTERM, and returns
/// its status.
fn stop_a_shard(
    cwd: &Path,
    hold: &session::Hold,
    export: &str,
    stdout: Stdio,
) -> std::process::ExitStatus {
    let tree = session::held_tree();
    let mut command = hold.cdu([
        "--shard=2/3",
        export,
        "--mode=cancellable",
        "-v",
        "--tick=1ms",
    ]);
    let mut child = command
        .arg(tree)
        .current_dir(cwd)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a shard");
    let mut first = [0u8; 1];
    let mut stderr = child.stderr.take().expect("stderr");
    std::io::Read::read_exact(&mut stderr, &mut first).expect("a progress line");
    let pid = rustix::process::Pid::from_raw(child.id() as i32).expect("a pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("signal the shard");
    child.wait().expect("the shard ends")
}

fn a_stopped_part_is_refused() {
    let dir = tempfile::tempdir().expect("a directory");
    let cwd = dir.path();
    let tree = session::held_tree();
    let mut parts = Vec::new();
    for k in [1, 3] {
        let out = Command::new(CDU)
            .args([
                format!("--shard={k}/3"),
                "--export=part-%r.json".to_string(),
            ])
            .arg(tree)
            .current_dir(cwd)
            .output()
            .expect("run a shard");
        assert!(out.status.success(), "{}", text(&out.stderr));
        parts.push(cwd.join(format!("part-{k}.json")));
    }
    // To stdout, a stopped shard's part is left unclosed.
    let hold = session::Hold::new();
    let stopped = cwd.join("stopped.json");
    let file = std::fs::File::create(&stopped).expect("stopped part");
    let status = stop_a_shard(cwd, &hold, "--export=-", Stdio::from(file));
    assert!(!status.success(), "a stopped shard does not succeed");
    refused(
        cwd,
        &imports(&[&parts[0], &stopped, &parts[1]]),
        "stopped.json",
    );
    // A whole part cut short is refused as well, before any line.
    let doc = std::fs::read(&parts[1]).expect("part 3");
    let short = cwd.join("short.json");
    std::fs::write(&short, &doc[..doc.len() * 2 / 3]).expect("a part cut short");
    refused(
        cwd,
        &imports(&[&short, &parts[0], &parts[1]]),
        "short.json: the part is not whole",
    );
    // To a file, a stopped shard leaves no part, and the merge names it.
    let status = stop_a_shard(cwd, &hold, "--export=part-%r.json", Stdio::null());
    assert!(!status.success(), "a stopped shard does not succeed");
    assert!(
        !cwd.join("part-2.json").exists(),
        "a stopped shard saves no part"
    );
    refused(
        cwd,
        &imports(&[&parts[0], &parts[1]]),
        "the part of shard 2 of 3 is missing",
    );
}

fn wrong_shard_options_are_refused() {
    let env = TestEnv::from_fixture("links");
    let cwd = env.root().parent().expect("the root's parent");
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            &["--shard=1/2", "root"],
            &[],
            "--shard saves its part of the scan with --export",
        ),
        (
            &["--shard=3/2", "--export=p", "root"],
            &[],
            "invalid shard '3/2'",
        ),
        (
            &["--shard=0/2", "--export=p", "root"],
            &[],
            "invalid shard '0/2'",
        ),
        (
            &["--shard=1/0", "--export=p", "root"],
            &[],
            "invalid shard '1/0'",
        ),
        (
            &["--shard=x", "--export=p", "root"],
            &[],
            "invalid shard 'x'",
        ),
        (
            &["--shard=auto", "--export=p", "root"],
            &[],
            "none of SLURM_PROCID/SLURM_NTASKS",
        ),
        (
            &["--shard=auto", "--export=p", "root"],
            &[("SLURM_PROCID", "4"), ("SLURM_NTASKS", "4")],
            "SLURM_PROCID=4 and SLURM_NTASKS=4",
        ),
        (
            &["--shard=1/2", "--export=p", "root", "root/data"],
            &[],
            "--export saves one tree",
        ),
        (
            &["--shard=1/2", "--export=p", "--import=q"],
            &[],
            "--import reads one",
        ),
    ];
    for (args, env, message) in cases {
        let out = run(cwd, &os(args), env, false);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!cwd.join("p").exists(), "{args:?} wrote a part");
    }
}

fn slurm_variables_start_the_shards() {
    let env = TestEnv::new(ACROSS.replace("mode d/locked 000\n", "").as_str());
    let cwd = env.root().parent().expect("the root's parent");
    let n = 3;
    for rank in 0..n {
        let (rank, size) = (rank.to_string(), n.to_string());
        let vars = [
            ("SLURM_PROCID", rank.as_str()),
            ("SLURM_NTASKS", size.as_str()),
        ];
        let out = run(
            cwd,
            &os(&["--shard=auto", "--export=scan-%r.json", "root"]),
            &vars,
            false,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // PMI's names, for a launcher that sets only those, give the same cut.
    let vars = [("PMI_RANK", "1"), ("PMI_SIZE", "3")];
    let out = run(
        cwd,
        &os(&["--shard=auto", "--export=pmi-%r.json", "root"]),
        &vars,
        false,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let parts: Vec<PathBuf> = (1..=n)
        .map(|k| cwd.join(format!("scan-{k}.json")))
        .collect();
    let mut mixed = parts.clone();
    mixed[1] = cwd.join("pmi-2.json");
    let single = run(cwd, &os(&["-a", "root"]), &[], false);
    for set in [&parts, &mixed] {
        let merged = merge(cwd, set, &["-a".to_string()]);
        assert_eq!(text(&merged.stdout), text(&single.stdout));
        assert!(merged.status.success(), "{}", text(&merged.stderr));
    }
}

fn mpirun_starts_the_shards() {
    let env = TestEnv::new(ACROSS.replace("mode d/locked 000\n", "").as_str());
    let cwd = env.root().parent().expect("the root's parent");
    let out = Command::new("mpirun")
        .args(["--oversubscribe", "--allow-run-as-root", "-np", "4", CDU])
        .args(["--shard=auto", "--export=mpi-%r.json", "root"])
        .current_dir(cwd)
        .env("CDU_NO_HISTORY", "1")
        .env("OMPI_MCA_plm_rsh_agent", "")
        .stdin(Stdio::null())
        .output()
        .expect("run mpirun");
    assert!(
        out.status.success(),
        "mpirun: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let parts: Vec<PathBuf> = (1..=4).map(|k| cwd.join(format!("mpi-{k}.json"))).collect();
    let merged = merge(cwd, &parts, &["-a".to_string(), "-b".to_string()]);
    let single = run(cwd, &os(&["-a", "-b", "root"]), &[], false);
    assert!(merged.status.success(), "{}", text(&merged.stderr));
    assert_eq!(text(&merged.stdout), text(&single.stdout));
}

fn a_root_that_is_a_file_or_cannot_be_read() {
    let env = TestEnv::new("file f 5000\nfile locked/in 100\nmode locked 000\n");
    let top = env.root().to_path_buf();
    for (operand, args) in [
        ("f", &["-a"][..]),
        ("locked", &[]),
        ("locked", &["-s", "--inodes"]),
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut single_args: Vec<OsString> = args.iter().map(OsString::from).collect();
        single_args.push(operand.into());
        let single = run(&top, &single_args, &[], true);
        for n in [1, 3] {
            let dir = top
                .parent()
                .expect("parent")
                .join(format!("p-{operand}-{n}"));
            std::fs::create_dir_all(&dir).expect("parts directory");
            let mut parts = Vec::new();
            for k in 1..=n {
                let mut all = single_args.clone();
                all.push(format!("--shard={k}/{n}").into());
                let mut e = OsString::from("--export=");
                e.push(dir.join("part-%r.json"));
                all.push(e);
                run(&top, &all, &[], true);
                parts.push(dir.join(format!("part-{k}.json")));
            }
            let merged = merge(&top, &parts, &args);
            let what = format!("{operand} {args:?} in {n}");
            assert_eq!(text(&merged.stdout), text(&single.stdout), "{what}");
            assert_eq!(text(&merged.stderr), text(&single.stderr), "{what}");
            assert_eq!(merged.status.code(), single.status.code(), "{what}");
        }
    }
}
