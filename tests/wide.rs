//! A directory whose stats the parallel walk splits into parts (one that
//! takes its reader more than a few milliseconds and has a worker free, or
//! any directory when `CDU_SPLIT_PARTS` says so) must print exactly what
//! the one-thread walk prints, with every option set of the differential
//! matrix, and exactly what GNU du 9.7 prints: on ext4, which fts sorts by
//! inode, and on tmpfs, which it leaves in readdir order. Hard links
//! between the parts and to a file outside decide which name is charged,
//! so the sizes, not only the order of lines, depend on the parts coming
//! out in order.

mod harness;
mod reference;
mod testenv;

use std::path::Path;
use std::process::{Command, Output};

use reference::{Case, check_all};
use testenv::mount::Mounted;
use testenv::{TestEnv, tree};

/// 60,000 names, so a chunk of 15 parts; subdirectories that come in
/// several parts (the generated ones, and `a`, `zz`), a file linked from
/// both ends of the directory and from outside it, and a directory no one
/// without capabilities may read.
const TREE: &str = "\
wide w entries=60000
generate w files=300 dirs=40 seed=5 maxsize=20K
file w/a/first 30000
hardlink w/zz/again w/a/first
file out/o 9000
hardlink w/olink out/o
hardlink w/zlink w/f0059999
file w/f0059999x 7000
hardlink w/f0000000x w/f0059999x
dir w/locked/in
mode w/locked 0
";

/// The option sets of the differential matrix (`tests/differential.rs`),
/// with its fixture-dependent names filled in for this tree.
const OPTION_SETS: &[&[&str]] = &[
    &[],
    &["-a"],
    &["-s"],
    &["-S"],
    &["-aS"],
    &["-b"],
    &["-ab"],
    &["--apparent-size"],
    &["-aS", "--apparent-size"],
    &["--inodes"],
    &["-a", "--inodes"],
    &["-S", "--inodes"],
    &["-h"],
    &["-ah"],
    &["-ah", "--apparent-size"],
    &["--si"],
    &["-a", "--si", "--apparent-size"],
    &["-k"],
    &["-m"],
    &["-am", "--apparent-size"],
    &["-B1"],
    &["-BK"],
    &["-BKB"],
    &["-B1M"],
    &["-B'1"],
    &["-a", "--apparent-size", "--block-size='1"],
    &["--block-size=human-readable"],
    &["-a", "-B3"],
    &["-h", "-k"],
    &["-b", "-m"],
    &["-c"],
    &["-sc"],
    &["-ach"],
    &["-d0"],
    &["-d1"],
    &["-d2", "-a"],
    &["--max-depth=1", "-S"],
    &["-l"],
    &["-al"],
    &["-L"],
    &["-aL"],
    &["-L", "-l"],
    &["-H"],
    &["-L", "-P", "-a"],
    &["-x"],
    &["-ax"],
    &["-t", "1"],
    &["-t", "8K"],
    &["-t", "-8K"],
    &["-a", "-t", "100"],
    &["-ab", "--threshold=-4096"],
    &["--exclude=f00001*"],
    &["-a", "--exclude=f00001*"],
    &["--exclude=d1"],
    &["-ac", "--exclude=d1"],
    &["-0"],
    &["-a0"],
    &["-abc0"],
];

/// cdu with `pre` and `args` in `root`; `parts` forces every directory
/// to be split into parts of so many names.
fn cdu_split(root: &Path, parts: Option<&str>, pre: &[&str], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cdu"));
    cmd.env_remove("CDU_SPLIT_PARTS");
    if let Some(parts) = parts {
        cmd.env("CDU_SPLIT_PARTS", parts);
    }
    cmd.args(pre)
        .args(args)
        .current_dir(root)
        .output()
        .expect("run cdu")
}

fn cdu(root: &Path, pre: &[&str], args: &[&str]) -> Output {
    cdu_split(root, None, pre, args)
}

/// A parallel run `split` printed, and exited, as the sequential `one`.
fn assert_same_as_sequential(split: &Output, one: &Output, what: &str) {
    assert_eq!(split.status.code(), one.status.code(), "{what}: exit");
    assert!(
        split.stdout == one.stdout,
        "{what}: output differs from --mode sequential"
    );
    assert_eq!(
        String::from_utf8_lossy(&split.stderr),
        String::from_utf8_lossy(&one.stderr),
        "{what}: stderr"
    );
}

fn a_directory_stat_in_parts_prints_what_one_thread_prints() {
    let env = TestEnv::new(TREE);
    for args in OPTION_SETS {
        let one = cdu(env.root(), &["--mode", "sequential"], args);
        assert!(!one.stdout.is_empty(), "{args:?}: no output");
        // Both parallel modes walk alike; the default one at one count.
        // Split as the clock decides, and into parts of a few names, of
        // a few parts to a chunk, and of exactly one chunk.
        let runs = [
            ("parallel", "1", None),
            ("parallel", "2", None),
            ("parallel", "8", None),
            ("parallel", "2", Some("7")),
            ("parallel", "8", Some("4096")),
            ("cancellable", "2", None),
            ("cancellable", "8", Some("100000")),
        ];
        for (mode, threads, parts) in runs {
            let split = cdu_split(env.root(), parts, &["--mode", mode, "-j", threads], args);
            let what = format!("{args:?} --mode {mode} -j {threads} parts {parts:?}");
            assert_same_as_sequential(&split, &one, &what);
        }
    }
}

/// The cases compared with GNU du on each file system, as root and, for
/// the unreadable directory, without capabilities.
fn gnu_cases(root: &Path) -> Vec<Case> {
    let mut cases: Vec<Case> = [
        &[][..],
        &["-a"],
        &["-ab"],
        &["-al"],
        &["-aL"],
        &["-s", "w", "out"],
        &["-a", "--inodes"],
        &["-a", "--exclude=f00001*"],
        &["-S", "-d1"],
    ]
    .iter()
    .map(|args| Case::new(root, *args))
    .collect();
    cases.push(Case::new(root, ["-a"]).drop_caps());
    cases
}

fn a_directory_stat_in_parts_matches_gnu_du_here() {
    let env = TestEnv::new(TREE);
    check_all(&gnu_cases(env.root()));
}

fn check_on(kind: &str) {
    let mounted = Mounted::require(kind);
    let root = mounted.root();
    tree::build(&root, TREE).unwrap_or_else(|e| panic!("building on {kind}: {e}"));
    check_all(&gnu_cases(&root));
}

fn a_directory_stat_in_parts_matches_gnu_du_on_ext4() {
    check_on("ext4");
}

fn a_directory_stat_in_parts_matches_gnu_du_on_tmpfs() {
    check_on("tmpfs");
}

/// 230,000 names: three of fts's chunks of 100,000, the last one short, so
/// parts cross from one chunk into the next and each chunk is sorted on
/// its own; links and subdirectories land wherever the hash order puts
/// them.
const CHUNKS: &str = "\
wide w entries=230000
file w/a/first 30000
hardlink w/zz/again w/a/first
file w/x1 7000
hardlink w/x2 w/x1
hardlink w/x3 w/x1
file w/y1 5000
hardlink w/y2 w/y1
file w/d/e/g 9000
";

const CHUNK_OPTION_SETS: &[&[&str]] = &[
    &[],
    &["-a"],
    &["-s"],
    &["-ab"],
    &["-a", "--inodes"],
    &["-aL"],
    &["-a", "--time"],
    &["-S", "-d1"],
    &["-ac", "--exclude=f00001*"],
];

fn a_directory_of_several_chunks_prints_what_one_thread_prints() {
    let env = TestEnv::new(CHUNKS);
    for args in CHUNK_OPTION_SETS {
        let one = cdu(env.root(), &["--mode", "sequential"], args);
        assert!(!one.stdout.is_empty(), "{args:?}: no output");
        let runs = [
            (&["-j", "2"][..], None),
            (&["-j", "8"], None),
            (&[], None),
            (&["-j", "2"], Some("4096")),
            (&["-j", "8"], Some("30000")),
        ];
        for (pre, parts) in runs {
            let split = cdu_split(env.root(), parts, pre, args);
            let what = format!("{pre:?} {args:?} parts {parts:?}");
            assert_same_as_sequential(&split, &one, &what);
        }
    }
}

fn a_directory_of_several_chunks_matches_gnu_du_here() {
    let env = TestEnv::new(CHUNKS);
    let cases: Vec<Case> = [&[][..], &["-a"], &["-aL"], &["-a", "--inodes"]]
        .iter()
        .map(|args| Case::new(env.root(), *args))
        .collect();
    check_all(&cases);
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "a_directory_stat_in_parts_prints_what_one_thread_prints",
        &[],
        a_directory_stat_in_parts_prints_what_one_thread_prints,
    );
    suite.add(
        "a_directory_stat_in_parts_matches_gnu_du_here",
        &[harness::premise::reference()],
        a_directory_stat_in_parts_matches_gnu_du_here,
    );
    suite.add(
        "a_directory_stat_in_parts_matches_gnu_du_on_ext4",
        &[
            harness::premise::reference(),
            harness::premise::mount("ext4"),
        ],
        a_directory_stat_in_parts_matches_gnu_du_on_ext4,
    );
    suite.add(
        "a_directory_stat_in_parts_matches_gnu_du_on_tmpfs",
        &[
            harness::premise::reference(),
            harness::premise::mount("tmpfs"),
        ],
        a_directory_stat_in_parts_matches_gnu_du_on_tmpfs,
    );
    suite.add(
        "a_directory_of_several_chunks_prints_what_one_thread_prints",
        &[],
        a_directory_of_several_chunks_prints_what_one_thread_prints,
    );
    suite.add(
        "a_directory_of_several_chunks_matches_gnu_du_here",
        &[harness::premise::reference()],
        a_directory_of_several_chunks_matches_gnu_du_here,
    );
    suite.run();
}
