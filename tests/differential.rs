//! Differential tests: cdu against GNU du 9.7 (`CDU_REFERENCE_DU`), in every
//! mode (`sequential`, `verbose`, `parallel` and `cancellable` at 1, 2 and
//! 8 threads), on the fixtures and on small trees made for one situation.
//! Every case needs GNU du 9.7 (`CDU_REFERENCE_DU`, or `tools/reference-du`
//! once set up); without it each trial is reported as ignored.
//!
//! Outputs are compared byte for byte, whatever order readdir lists the
//! trees in: cdu walks in GNU's order, so which name of a hard link is
//! charged and which path of a dereferenced symlink counts agree too.

mod harness;
mod reference;
mod testenv;

use harness::{Suite, premise};
use reference::{Case, check_all};
use testenv::TestEnv;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A case run in `env`'s root.
fn case(env: &TestEnv, args: &[&str]) -> Case {
    Case::new(env.root(), args)
}

fn cases(env: &TestEnv, list: &[&[&str]]) -> Vec<Case> {
    list.iter().map(|args| case(env, args)).collect()
}

/// Writes `data` to a scratch file beside the tree and returns its path.
fn scratch(env: &TestEnv, name: &str, data: &[u8]) -> String {
    let path = env.tempdir().join(name);
    std::fs::write(&path, data).expect("write scratch file");
    path.to_str().expect("UTF-8 temp path").to_string()
}

fn main() {
    let mut suite = Suite::new(file!());
    let reference = [premise::reference()];
    for fixture in FIXTURES {
        for (name, args) in OPTION_SETS {
            suite.add(format!("{fixture}::{name}"), &reference, move || {
                check_fixture(fixture, args)
            });
        }
    }
    trials!(suite, reference;
        hard_links_counted_once_across_operands,
        hard_links_in_one_directory_charged_to_first_name,
        hard_links_in_sibling_directories_charged_to_first_directory,
        links_with_and_without_dereference,
        file_and_its_hard_link_as_operands,
        overlapping_operands_are_counted_once,
        operands_with_trailing_slashes,
        nonexistent_operand_among_existing_ones,
        dot_dot_and_absolute_operands,
        files0_from_lists,
        block_size_environment_variables,
        human_and_block_size_rounding_boundaries,
        usage_errors_match_getopt_and_du,
        time_option_of_gnu_du_9_7,
        symlink_operands_and_dereference_options,
        symlink_cycles_with_dereference,
        exclude_patterns,
        deep_chain_depth_limits,
        generated_tree_all_modes_agree_with_gnu,
        special_files_and_empty_directories,
        dereference_through_more_symlinks_than_the_kernel_follows,
    );
    // Permissions bind root only without its capabilities.
    let unprivileged = [premise::reference(), premise::unprivileged()];
    trials!(suite, unprivileged;
        unreadable_directory_reported_and_counted,
        searchable_but_unreadable_directory,
        readable_but_unsearchable_directory,
        unreadable_directory_as_operand_and_nested,
    );
    suite.add(
        "a_time_out_of_range_is_printed_as_seconds_with_a_warning",
        &[premise::reference(), premise::mount("tmpfs")],
        a_time_out_of_range_is_printed_as_seconds_with_a_warning,
    );
    suite.run();
}

// ---------------------------------------------------------------------------
// The fixture matrix: every fixture × every option set × every mode.
// ---------------------------------------------------------------------------

/// Per-fixture names for the option sets that need them: a glob matching
/// some files, and the name of a directory.
fn fixture_names(fixture: &str) -> (&'static str, &'static str) {
    match fixture {
        "basic" => ("f4*", "b"),
        "links" => ("*link*", "three"),
        "sparse" => ("sparse-*", "nested"),
        "odd_names" => ("*space*", ".hidden-dir"),
        "deep" => ("f*", "d"),
        other => panic!("no names for fixture {other}"),
    }
}

fn check_fixture(fixture: &str, args: &[&str]) {
    let env = TestEnv::from_fixture(&fixture.replace('_', "-"));
    let (glob, dir) = fixture_names(fixture);
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{GLOB}", glob).replace("{DIR}", dir))
        .collect();
    check_all(&[Case::new(env.root(), &args)]);
}

/// The fixtures of the matrix, as their trials are named.
const FIXTURES: &[&str] = &["basic", "links", "sparse", "odd_names", "deep"];

/// The option sets of the matrix, by name; `{GLOB}` and `{DIR}` stand for
/// the fixture's names of [`fixture_names`].
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
];

// ---------------------------------------------------------------------------
// Hard links
// ---------------------------------------------------------------------------

fn hard_links_counted_once_across_operands() {
    let env = TestEnv::new("file d1/f 10000\nfile d1/g 3000\nhardlink d2/h d1/f\nfile d2/k 1000\n");
    let (d1, d2) = ("d1".to_string(), "d2".to_string());
    let (f, h) = (format!("{d1}/f"), format!("{d2}/h"));
    check_all(&cases(
        &env,
        &[
            &["-c", &d1, &d2],
            &["-c", &d2, &d1],
            &["-ac", &d1, &d2],
            &["-ac", &d2, &d1],
            &["-lc", &d1, &d2],
            &["-alc", &d2, &d1],
            &["-s", &d1, &d2],
            &["--inodes", "-c", &d1, &d2],
            &["-bc", &d2, &d1],
            &["-c", &f, &h],
            &["-c", &h, &f],
            &["-lc", &f, &h],
            &["-ac", &f, &d2],
            &["-ac", &d2, &f],
        ],
    ));
}

fn hard_links_in_one_directory_charged_to_first_name() {
    let env = TestEnv::new("file d/a 10000\nhardlink d/b d/a\nhardlink d/c d/a\nfile d/e 100\n");
    check_all(&cases(
        &env,
        &[
            &["d"],
            &["-a", "d"],
            &["-al", "d"],
            &["-a", "--inodes", "d"],
            &["-al", "--inodes", "d"],
            &["-ab", "d"],
            &["-abl", "d"],
            &["-ac", "d", "d"],
        ],
    ));
}

fn hard_links_in_sibling_directories_charged_to_first_directory() {
    let env = TestEnv::new(
        "file top/a/tri 7000\nhardlink top/b/tri top/a/tri\nhardlink top/c/other top/a/tri\n",
    );
    check_all(&cases(
        &env,
        &[
            &["top"],
            &["-a", "top"],
            &["-S", "top"],
            &["-l", "top"],
            &["--inodes", "top"],
            &["-d0", "top"],
            &["-c", "top", "top"],
        ],
    ));
}

/// links.tree's situations (hard links in one directory and in sibling
/// directories, symlinks to a file, to a directory and to an ancestor):
/// with -L the path charged for a file reached twice is the first in
/// readdir order, for GNU and cdu alike.
fn links_with_and_without_dereference() {
    let env = TestEnv::new(
        "file data/f 10000\n\
         hardlink data/g data/f\n\
         file three/a/tri 7000\n\
         hardlink three/b/tri three/a/tri\n\
         symlink sym/x ../data/f\n\
         symlink sym/y ../three\n\
         symlink sym/z ..\n",
    );
    let (sym, three, data) = ("sym".to_string(), "three".to_string(), "data".to_string());
    check_all(&cases(
        &env,
        &[
            &[],
            &["-a"],
            &["-al"],
            &["-aS"],
            &["-a", "--inodes"],
            &["-aH"],
            &["-L"],
            &["-aL"],
            &["-aLl"],
            &["-aLS"],
            &["-aL", "--inodes"],
            &["-aLb"],
            &["-aL", "-d1"],
            &["-acL", &sym, &three, &data],
            &["-acL", &three, &sym],
            &["-acH", &sym, &data],
            &["-ac", &three, &data, &sym],
        ],
    ));
}

fn file_and_its_hard_link_as_operands() {
    let env = TestEnv::new("file f 20000\nhardlink h f\nfile dir/x 100\nhardlink dir/y f\n");
    check_all(&cases(
        &env,
        &[
            &["-c", "f", "h"],
            &["-c", "h", "f"],
            &["-lc", "f", "h"],
            &["-c", "f", "dir"],
            &["-ac", "dir", "h"],
            &["-ac", "f", "f"],
            &["--inodes", "-c", "f", "h", "dir"],
        ],
    ));
}

// ---------------------------------------------------------------------------
// Operands
// ---------------------------------------------------------------------------

fn overlapping_operands_are_counted_once() {
    let env = TestEnv::new(
        "file dir/f 5000\nfile dir/sub/g 7000\nfile dir/sub/deeper/h 100\nfile other 3000\n",
    );
    check_all(&cases(
        &env,
        &[
            &["-c", "dir", "dir/sub"],
            &["-c", "dir/sub", "dir"],
            &["-c", "dir", "dir"],
            &["-ac", "dir/sub", "dir"],
            &["-c", "dir/sub/g", "dir"],
            &["-c", "dir", "dir/sub/g"],
            &["-sc", "dir", "dir/sub"],
            &["-sc", "dir/sub", "dir"],
            &["-lc", "dir", "dir/sub"],
            &["-c", ".", "dir"],
            &["-c", "dir", "."],
            &["-c", "dir/sub", "./dir/sub", "dir/sub/"],
            &["-Sc", "dir/sub", "dir"],
            &["--inodes", "-c", "dir", "dir/sub"],
            &["-c", "other", "other", "dir"],
        ],
    ));
}

fn operands_with_trailing_slashes() {
    let env = TestEnv::new("file dir/f 100\nfile dir/sub/g 5000\nfile plain 10\n");
    check_all(&cases(
        &env,
        &[
            &["dir/"],
            &["dir//"],
            &["dir///"],
            &["-a", "dir//"],
            &["./dir/"],
            &[".//dir//sub//"],
            &["-s", "dir//"],
            &[".//"],
            &["./"],
            &["-a", "dir/sub//"],
            &["-c", "dir/", "dir//"],
            &["plain/"],
            &["-c", "plain", "plain/", "dir"],
            &["dir/f/"],
        ],
    ));
}

fn nonexistent_operand_among_existing_ones() {
    let env = TestEnv::new("file a/f 3000\nfile b/g 5000\n");
    check_all(&cases(
        &env,
        &[
            &["-c", "a", "missing", "b"],
            &["missing"],
            &["-s", "a", "missing"],
            &["a/missing/x"],
            &["a/f/x"],
            &[""],
            &["-c", "a", "", "b"],
            &["-c", "missing", "also-missing"],
        ],
    ));
}

fn dot_dot_and_absolute_operands() {
    let env = TestEnv::new("file a/f 3000\nfile a/sub/g 5000\n");
    let sub = env.root().join("a/sub");
    let abs = env.root().join("a");
    let abs = abs.to_str().unwrap();
    let abs_slash = format!("{abs}/");
    let mut list: Vec<Case> = [&["-a", ".."][..], &[".."], &["-s", "../.."]]
        .iter()
        .map(|a| Case::new(&sub, *a))
        .collect();
    list.extend(cases(
        &env,
        &[&[abs], &["-a", &abs_slash], &["-c", abs, "a"]],
    ));
    check_all(&list);
}

fn files0_from_lists() {
    let env = TestEnv::new("file a/f 3000\nfile b/g 5000\nfile c 100\n");
    let with_empty = scratch(&env, "with-empty", b"a\0\0missing\0b\0");
    let no_final_nul = scratch(&env, "no-final-nul", b"a\0c");
    let empty = scratch(&env, "empty", b"");
    let only_nul = scratch(&env, "only-nul", b"\0");
    let twice = scratch(&env, "twice", b"a\0a\0c\0c\0");
    let dash = scratch(&env, "dash", b"-\0a\0");
    let newline = scratch(&env, "newline", b"a\nb\0");
    let mut list = cases(
        &env,
        &[
            &["--files0-from", &with_empty],
            &[&format!("--files0-from={with_empty}"), "-c"],
            &["-s", "--files0-from", &no_final_nul],
            &["--files0-from", &empty],
            &["-c", "--files0-from", &empty],
            &["--files0-from", &only_nul],
            &["-c", "--files0-from", &twice],
            &["--files0-from", &dash],
            &["--files0-from", &newline],
            &["-a", "--files0-from", &no_final_nul],
        ],
    );
    let dir = env.tempdir().to_str().unwrap().to_string();
    list.push(case(&env, &["--files0-from", &dir]));
    list.push(case(&env, &["--files0-from=-"]).stdin(b"a\0b\0"));
    list.push(case(&env, &["-c", "--files0-from", "-"]).stdin(b"a\0-\0b\0"));
    list.push(case(&env, &["--files0-from=-"]).stdin(b""));
    list.push(case(&env, &["-s", "--files0-from=-"]).stdin(b"\0\0c"));
    check_all(&list);
}

// ---------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------

/// Environment variables set for one case.
type Vars = &'static [(&'static str, &'static str)];

fn block_size_environment_variables() {
    let env = TestEnv::new("file a/f 3000\nfile a/g 100K\nsparse b/s 5M\nfile c 1\n");
    let mut list = Vec::new();
    let settings: &[(Vars, &[&str])] = &[
        (&[("DU_BLOCK_SIZE", "1")], &[]),
        (&[("DU_BLOCK_SIZE", "1")], &["-a"]),
        (&[("DU_BLOCK_SIZE", "1K")], &["-h"]),
        (&[("DU_BLOCK_SIZE", "1M")], &["-b"]),
        (&[("DU_BLOCK_SIZE", "1M")], &["-k"]),
        (&[("BLOCK_SIZE", "512")], &[]),
        (&[("BLOCKSIZE", "4K")], &["-a"]),
        (&[("BLOCKSIZE", "1M")], &["--apparent-size"]),
        (&[("BLOCK_SIZE", "human-readable")], &["-a"]),
        (&[("BLOCK_SIZE", "si")], &["-a", "--apparent-size"]),
        (&[("DU_BLOCK_SIZE", "'1")], &["-a"]),
        (&[("DU_BLOCK_SIZE", "'1K")], &[]),
        (&[("DU_BLOCK_SIZE", "x")], &[]),
        (&[("DU_BLOCK_SIZE", "0")], &[]),
        (&[("DU_BLOCK_SIZE", "")], &[]),
        (&[("BLOCK_SIZE", "1X")], &[]),
        (&[("DU_BLOCK_SIZE", "2K"), ("BLOCK_SIZE", "1")], &[]),
        (&[("BLOCK_SIZE", "2K"), ("BLOCKSIZE", "1")], &[]),
        (&[("DU_BLOCK_SIZE", "x"), ("BLOCK_SIZE", "1")], &[]),
        (&[("POSIXLY_CORRECT", "1")], &[]),
        (&[("POSIXLY_CORRECT", "1")], &["-k"]),
        (&[("POSIXLY_CORRECT", "1")], &["-h"]),
        (&[("POSIXLY_CORRECT", "1"), ("BLOCK_SIZE", "1K")], &[]),
        (&[("POSIXLY_CORRECT", "1"), ("BLOCKSIZE", "1M")], &["-a"]),
        (&[("POSIXLY_CORRECT", "1")], &["-B", "2K"]),
        (&[("POSIXLY_CORRECT", "1")], &["a", "-a"]),
        (&[("POSIXLY_CORRECT", "1")], &["-s", "a", "--", "c"]),
        (&[("POSIXLY_CORRECT", "")], &[]),
    ];
    for (vars, args) in settings {
        let mut c = case(&env, args);
        for (k, v) in *vars {
            c = c.env(k, v);
        }
        list.push(c);
    }
    check_all(&list);
}

// ---------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------

fn human_and_block_size_rounding_boundaries() {
    let sizes: &[u64] = &[
        0,
        1,
        511,
        512,
        513,
        999,
        1000,
        1001,
        1023,
        1024,
        1025,
        1536,
        9999,
        10239,
        10240,
        10241,
        102399,
        102400,
        999_999,
        1_000_000,
        1_000_001,
        1_048_575,
        1_048_576,
        1_048_577,
        10_485_759,
        123_456_789,
        1_073_741_823,
        1_073_741_825,
        1_099_511_627_776,
    ];
    let mut description = String::new();
    for s in sizes {
        description.push_str(&format!("sparse s{s} {s}\n"));
    }
    description.push_str("file real/f 123457\nfile real/g 1048577\n");
    let env = TestEnv::new(&description);
    check_all(&cases(
        &env,
        &[
            &["-ah", "--apparent-size"],
            &["-a", "--si", "--apparent-size"],
            &["-ab"],
            &["-a", "-BK", "--apparent-size"],
            &["-a", "-BKB", "--apparent-size"],
            &["-a", "-B1M", "--apparent-size"],
            &["-a", "-BMB", "--apparent-size"],
            &["-a", "-BG", "--apparent-size"],
            &["-a", "-B'1", "--apparent-size"],
            &["-a", "-B'1K", "--apparent-size"],
            &["-a", "-B3", "--apparent-size"],
            &["-a", "-B1000", "--apparent-size"],
            &["-a", "-BKiB", "--apparent-size"],
            &["-a", "-B", "1T", "--apparent-size"],
            &["-ah", "real"],
            &["-a", "--si", "real"],
            &["-a", "--inodes", "-h"],
            &["-a", "-t", "1M", "--apparent-size"],
            &["-a", "-t", "-1000", "-b"],
            &["-ach", "--apparent-size"],
        ],
    ));
}

// ---------------------------------------------------------------------------
// Usage errors
// ---------------------------------------------------------------------------

fn usage_errors_match_getopt_and_du() {
    let env = TestEnv::new("file a/f 3000\nfile b 10\n");
    let list_file = scratch(&env, "list", b"a\0");
    let patterns = scratch(&env, "patterns", b"b\n");
    check_all(&cases(
        &env,
        &[
            &["-Q"],
            &["-aQ"],
            &["--bogus"],
            &["--bogus=1"],
            &["--s"],
            &["--si=1"],
            &["--all=3"],
            &["-d"],
            &["--max-depth"],
            &["-B"],
            &["--block-size"],
            &["-t"],
            &["--threshold"],
            &["--exclude"],
            &["-X"],
            &["--files0-from"],
            &["-d", "x"],
            &["-d", "1x"],
            &["-d", ""],
            &["-d", "-1"],
            &["--max-depth=99999999999999999999"],
            &["-B", "0"],
            &["-B", "1X"],
            &["-B", "1Q"],
            &["-B", "X"],
            &["-B", ""],
            &["--block-size=-1"],
            &["--block-size=1e"],
            &["-t", "-0"],
            &["-t", "5Q"],
            &["-t", "1.5K"],
            &["-t", "x"],
            &["-t", "99999999999999999999"],
            &["-s", "-d", "2"],
            &["-s", "-d", "0"],
            &["-d", "0", "-s"],
            &["-sa"],
            &["-as"],
            &["--files0-from", &list_file, "extra"],
            &["--files0-from", &list_file, "a", "b"],
            &["--files0-from=/nonexistent/list"],
            &["-X", "nonexistent"],
            &["--exclude-from=nonexistent", "-X", "also-nonexistent"],
            &["-X", &patterns, "-a"],
            &["--inodes", "-b"],
            &["--inodes", "--apparent-size", "-a"],
            &["-d", "x", "-Q"],
            &["-B", "0", "-d", "x"],
            &["-d", "x", "-B", "0"],
            &["-d", "x", "-t", "-0"],
            &["-sa", "-d", "1"],
            &["--", "-a"],
        ],
    ));
}

fn time_option_of_gnu_du_9_7() {
    // GNU du 9.7 has --time and --time-style; mtimes of fresh files are the
    // same for both runs.
    let env = TestEnv::new("file a/f 3000\n");
    check_all(&cases(&env, &[&["--time=bogus", "a"], &["--ti", "a"]]));
}

// ---------------------------------------------------------------------------
// Unreadable directories (permissions apply only without root's
// capabilities: both tools run under setpriv with CAP_DAC_* dropped)
// ---------------------------------------------------------------------------

fn unreadable_cases(env: &TestEnv) -> Vec<Case> {
    [
        &["d"][..],
        &["-a", "d"],
        &["-s", "d"],
        &["-c", "d", "d"],
        &["--inodes", "-a", "d"],
        &["-S", "d"],
        &["-b", "d"],
        &["-a", "d/locked"],
    ]
    .iter()
    .map(|args| case(env, args).drop_caps())
    .collect()
}

/// The unreadable-directory cases on `d/locked` with permissions `mode`.
fn check_locked(mode: &str) {
    let env = TestEnv::new(&format!(
        "file d/f 100\nfile d/locked/secret 5000\ndir d/locked/sub\nmode d/locked {mode}\n"
    ));
    check_all(&unreadable_cases(&env));
}

fn unreadable_directory_reported_and_counted() {
    check_locked("000");
}

fn searchable_but_unreadable_directory() {
    check_locked("100");
}

fn readable_but_unsearchable_directory() {
    check_locked("600");
}

fn unreadable_directory_as_operand_and_nested() {
    let env = TestEnv::new(
        "file d/locked/inner/x 100\nmode d/locked/inner 000\nfile d/locked/y 100\nmode d/locked 500\n",
    );
    check_all(&unreadable_cases(&env));
}

// ---------------------------------------------------------------------------
// Symbolic links
// ---------------------------------------------------------------------------

fn symlink_operands_and_dereference_options() {
    let env = TestEnv::new(
        "file data/f 10000\nfile data/g 2000\nsymlink lf data/f\nsymlink ld data\n\
         symlink dangling nowhere\nsymlink loop loop\n",
    );
    check_all(&cases(
        &env,
        &[
            &["lf"],
            &["-H", "lf"],
            &["-D", "lf"],
            &["-L", "lf"],
            &["-b", "lf"],
            &["ld"],
            &["-H", "ld"],
            &["--dereference-args", "ld"],
            &["-L", "ld"],
            &["-aH", "ld"],
            &["-aL", "ld"],
            &["ld/"],
            &["-L", "dangling"],
            &["-H", "dangling"],
            &["dangling"],
            &["-L", "loop"],
            &["-H", "loop"],
            &["-c", "-H", "ld", "data"],
            &["-c", "-H", "data", "ld"],
            &["-c", "-L", "lf", "data"],
            &["-c", "-H", "lf", "ld"],
            &["-cl", "-H", "ld", "data"],
        ],
    ));
}

fn symlink_cycles_with_dereference() {
    let env = TestEnv::new("dir a/b\nsymlink a/b/up ../..\nfile a/f 3000\n");
    let a = "a".to_string();
    let up = format!("{a}/b/up");
    check_all(&cases(
        &env,
        &[
            &["-L", &a],
            &["-aL", &a],
            &["-L", "-l", &a],
            &["-aL", "-l", &a],
            &["-H", &up],
            &["-L", "--inodes", &a],
        ],
    ));
}

// ---------------------------------------------------------------------------
// Excludes
// ---------------------------------------------------------------------------

fn exclude_patterns() {
    let env = TestEnv::new(
        "file dir/a.txt 3000\nfile dir/b.dat 5000\nfile dir/sub/c.txt 7000\n\
         file dir/sub/d 100\nfile other.txt 10\nfile dir/star* 20\n",
    );
    let patterns = scratch(&env, "patterns", b"*.dat\n\nsub\n");
    let crlf = scratch(&env, "crlf", b"*.dat\r\n");
    check_all(&cases(
        &env,
        &[
            &["-a", "--exclude=*.txt"],
            &["--exclude=sub"],
            &["-a", "--exclude=sub"],
            &["-a", "--exclude=dir/sub"],
            &["-a", "--exclude=./dir/sub"],
            &["-a", "--exclude=sub/*"],
            &["-a", "--exclude=*"],
            &["-a", "--exclude=[ab]*"],
            &["-a", "--exclude=\\*"],
            &["-a", "--exclude=star\\*"],
            &["-a", "--exclude=dir", "dir"],
            &["-a", "--exclude=dir/", "dir/"],
            &["-a", "--exclude=*.txt", "dir/a.txt"],
            &["-a", "-X", &patterns],
            &["-a", "-X", &crlf],
            &[
                "-ac",
                "--exclude=*.txt",
                "--exclude=sub",
                "dir",
                "other.txt",
            ],
            &["-a", "--exclude=.", "."],
            &["-a", "--exclude=*/sub"],
            &["-a", "--exclude=d*"],
        ],
    ));
}

// ---------------------------------------------------------------------------
// Depth and bigger trees
// ---------------------------------------------------------------------------

fn deep_chain_depth_limits() {
    let env = TestEnv::from_fixture("deep");
    check_all(&cases(
        &env,
        &[
            &["-d", "5"],
            &["-ad", "150"],
            &["-d", "299"],
            &["-d", "300"],
            &["-d", "301"],
            &["-S", "-d", "3"],
            &["-a", "-t", "3000"],
            &["-sc", "deep", "deep/d/d/d"],
        ],
    ));
}

fn generated_tree_all_modes_agree_with_gnu() {
    let env = TestEnv::new(
        "generate . files=3000 dirs=150 seed=11 maxsize=40K\nwide wide entries=3000\n",
    );
    check_all(&cases(
        &env,
        &[
            &[],
            &["-a"],
            &["-S"],
            &["--inodes"],
            &["-ab"],
            &["-ah", "-d", "2"],
            &["-sc", ".", "wide"],
            &["-a", "-t", "-2K", "--apparent-size"],
        ],
    ));
}

fn special_files_and_empty_directories() {
    let env = TestEnv::new("fifo p\nsocket s\ndir e\ndir e2/e3\nfile z 0\nsymlink l p\n");
    check_all(&cases(
        &env,
        &[
            &["-a"],
            &["-ab"],
            &["-a", "--inodes"],
            &["-c", "p", "s", "e", "z", "l"],
            &["-L", "-c", "l"],
            &["-bc", "p", "s"],
        ],
    ));
}

// ---------------------------------------------------------------------------
// Corners where du's whole-path lookups and the C library decide
// ---------------------------------------------------------------------------

/// With -L, GNU du stats whole paths, so the 41st symlink on one path is
/// more than the kernel follows: `cannot access '1/s/…/s': Too many levels
/// of symbolic links`, status 1, and the walk stops there. cdu reads by
/// descriptor and counts the links on the way to give the same answer.
fn dereference_through_more_symlinks_than_the_kernel_follows() {
    let mut description = String::new();
    for i in 1..=400 {
        description.push_str(&format!("dir {i}\nsymlink {i}/s ../{}\n", i + 1));
    }
    description.push_str("file 401/end 5000\n");
    let env = TestEnv::new(&description);
    let deep = format!("1{}", "/s".repeat(30));
    check_all(&cases(
        &env,
        &[
            &["-L", "1"],
            &["-aL", "1"],
            &["-L", "--inodes", "1"],
            &["-L", &deep],
            &["-L", "390"],
            &["-H", "1"],
            &["1"],
        ],
    ));
}

/// A time past what can be shown as a date: GNU du prints the seconds,
/// warns `time 'N' is out of range` and still succeeds. tmpfs stores
/// 2^63-1 seconds (ext4 cannot), so the test needs root to mount one.
fn a_time_out_of_range_is_printed_as_seconds_with_a_warning() {
    let mounted = testenv::mount::Mounted::require("tmpfs");
    let root = mounted.root();
    testenv::tree::build(&root, "file d/far 100\nfile d/near 100\n").expect("build");
    let far = std::fs::File::options()
        .write(true)
        .open(root.join("d/far"))
        .expect("open");
    let end_of_time = rustix::fs::Timestamps {
        last_access: rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        last_modification: rustix::fs::Timespec {
            tv_sec: i64::MAX,
            tv_nsec: 0,
        },
    };
    rustix::fs::futimens(&far, &end_of_time).expect("set the time");
    check_all(&[
        Case::new(&root, ["--time", "d/far"]),
        Case::new(&root, ["--time", "-a", "d"]),
        Case::new(&root, ["--time", "-c", "d/far", "d/near"]),
        Case::new(&root, ["--time=atime", "d"]),
    ]);
}
