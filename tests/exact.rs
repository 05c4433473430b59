//! Exact output where the answer does not depend on the file system:
//! apparent sizes, inode counts, the shape of the listing, messages and
//! exit statuses. The expected figures follow from the tree descriptions;
//! the expected order is GNU du's, worked out from readdir
//! ([`testenv::in_du_order`]).

mod harness;
mod testenv;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use testenv::{TestEnv, in_du_order, readdir_key};

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn cdu_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg0("cdu")
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .env_remove("DU_BLOCK_SIZE")
        .env_remove("BLOCK_SIZE")
        .env_remove("BLOCKSIZE")
        .env_remove("POSIXLY_CORRECT")
        .stdin(Stdio::null())
        .output()
        .expect("run cdu");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

fn lines(pairs: &[(u64, &str)]) -> String {
    pairs.iter().map(|(n, p)| format!("{n}\t{p}\n")).collect()
}

fn apparent_sizes_of_the_basic_tree() {
    let env = TestEnv::from_fixture("basic");
    let run = cdu_in(env.root(), &["-b"]);
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 0);
    // Directories count 0 with apparent sizes (GNU 9.2 and later).
    let expected = in_du_order(
        env.root(),
        &[
            (12290, "./a/b/c"),
            (124690, "./a/b"),
            (133393, "./a"),
            (0, "./empty"),
            (0, "./only-dirs/one/leaf"),
            (0, "./only-dirs/one"),
            (0, "./only-dirs/three/deeper/deepest"),
            (0, "./only-dirs/three/deeper"),
            (0, "./only-dirs/three"),
            (0, "./only-dirs/two"),
            (0, "./only-dirs"),
            (20000, "./x/y"),
            (20300, "./x"),
            (154205, "."),
        ],
    );
    assert_eq!(run.stdout, expected);
}

fn inode_counts_of_the_basic_tree() {
    let env = TestEnv::from_fixture("basic");
    let run = cdu_in(env.root(), &["--inodes", "-d1"]);
    assert_eq!(run.code, 0);
    let expected = in_du_order(
        env.root(),
        &[
            (12, "./a"),
            (1, "./empty"),
            (7, "./only-dirs"),
            (4, "./x"),
            (28, "."),
        ],
    );
    assert_eq!(run.stdout, expected);
}

fn all_lists_files_in_readdir_order_with_their_siblings() {
    let env = TestEnv::new("file d/b 10\nfile d/a 20\nfile d/c/x 5\nfile d/B 1\n");
    let run = cdu_in(env.root(), &["-ab", "d"]);
    let expected = in_du_order(
        env.root(),
        &[
            (1, "d/B"),
            (20, "d/a"),
            (10, "d/b"),
            (5, "d/c/x"),
            (5, "d/c"),
            (36, "d"),
        ],
    );
    assert_eq!(run.stdout, expected);
}

fn separate_dirs_leaves_out_subdirectories() {
    let env = TestEnv::new("file d/f 100\nfile d/s/g 50\n");
    let run = cdu_in(env.root(), &["-bS", "d"]);
    assert_eq!(run.stdout, lines(&[(50, "d/s"), (100, "d")]));
}

fn summarize_and_grand_total() {
    let env = TestEnv::new("file a/f 100\nfile b/g 7\n");
    let run = cdu_in(env.root(), &["-sbc", "a", "b"]);
    assert_eq!(run.stdout, lines(&[(100, "a"), (7, "b"), (107, "total")]));
}

fn hard_links_are_counted_once_unless_count_links() {
    let env = TestEnv::new("file a/f 1000\nhardlink b/h a/f\n");
    let run = cdu_in(env.root(), &["-sb", "a", "b"]);
    assert_eq!(run.stdout, lines(&[(1000, "a"), (0, "b")]));
    let run = cdu_in(env.root(), &["-sbl", "a", "b"]);
    assert_eq!(run.stdout, lines(&[(1000, "a"), (1000, "b")]));
    // Within one operand, the first in readdir order keeps it.
    let run = cdu_in(env.root(), &["-ab", "."]);
    let (first, second) = if readdir_key(env.root(), "a") < readdir_key(env.root(), "b") {
        ("./a/f", "./b/h")
    } else {
        ("./b/h", "./a/f")
    };
    assert!(
        run.stdout.contains(&format!("1000\t{first}\n")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(second), "{}", run.stdout);
}

fn repeated_and_overlapping_operands_count_once() {
    let env = TestEnv::new("file d/f 10\nfile d/s/g 5\n");
    let run = cdu_in(env.root(), &["-b", "d", "d"]);
    assert_eq!(run.stdout, lines(&[(5, "d/s"), (15, "d")]));
    let run = cdu_in(env.root(), &["-bc", "d/s", "d"]);
    assert_eq!(run.stdout, lines(&[(5, "d/s"), (10, "d"), (15, "total")]));
}

fn symlinks_count_as_links_unless_followed() {
    let env = TestEnv::new("file t/f 300\nsymlink l t/f\n");
    let run = cdu_in(env.root(), &["-b", "l"]);
    assert_eq!(run.stdout, lines(&[(3, "l")]));
    let run = cdu_in(env.root(), &["-bL", "l"]);
    assert_eq!(run.stdout, lines(&[(300, "l")]));
    let run = cdu_in(env.root(), &["-bH", "l"]);
    assert_eq!(run.stdout, lines(&[(300, "l")]));
}

fn missing_operand_is_diagnosed_and_the_rest_printed() {
    let env = TestEnv::new("file d/f 10\n");
    let run = cdu_in(env.root(), &["-sb", "nope", "d"]);
    assert_eq!(
        run.stderr,
        "cdu: cannot access 'nope': No such file or directory\n"
    );
    assert_eq!(run.stdout, lines(&[(10, "d")]));
    assert_eq!(run.code, 1);
}

fn dangling_symlink_followed_is_named_without_a_reason() {
    let env = TestEnv::new("symlink d/l nowhere\n");
    let run = cdu_in(env.root(), &["-L", "d"]);
    assert_eq!(run.stderr, "cdu: cannot access 'd/l'\n");
    assert_eq!(run.code, 1);
}

fn exclude_matches_names_and_path_suffixes() {
    let env = TestEnv::new("file d/keep 1\nfile d/x.o 2\nfile d/s/y.o 4\nfile d/s/z 8\n");
    let run = cdu_in(env.root(), &["-ab", "--exclude=*.o", "d"]);
    assert_eq!(
        run.stdout,
        in_du_order(
            env.root(),
            &[(1, "d/keep"), (8, "d/s/z"), (8, "d/s"), (9, "d")]
        )
    );
    let run = cdu_in(env.root(), &["-b", "--exclude=d/s", "d"]);
    assert_eq!(run.stdout, lines(&[(3, "d")]));
}

fn null_terminated_lines() {
    let env = TestEnv::new("file d/f 10\n");
    let run = cdu_in(env.root(), &["-0b", "d"]);
    assert_eq!(run.stdout, "10\td\0");
}

fn odd_names_are_written_as_raw_bytes_and_quoted_in_messages() {
    let env = TestEnv::new("file d/new\\nline 3\nfile d/\\xff\\xfe 4\n");
    let output = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg0("cdu")
        .args(["-ab", "d"])
        .current_dir(env.root())
        .output()
        .unwrap();
    assert_eq!(
        output.stdout,
        b"3\td/new\nline\n4\td/\xff\xfe\n7\td\n".to_vec()
    );
    let run = cdu_in(env.root(), &["d/new\nline2"]);
    assert_eq!(
        run.stderr,
        "cdu: cannot access 'd/new'$'\\n''line2': No such file or directory\n"
    );
}

fn human_and_block_size_formats() {
    let env = TestEnv::new("sparse s 1536\nsparse t 10M\n");
    let run = cdu_in(env.root(), &["-Ah", "s", "t"]);
    assert_eq!(run.stdout, "1.5K\ts\n10M\tt\n");
    let run = cdu_in(env.root(), &["--apparent-size", "-BKB", "s"]);
    assert_eq!(run.stdout, "2kB\ts\n");
    let run = cdu_in(env.root(), &["-A", "--si", "t"]);
    assert_eq!(run.stdout, "11M\tt\n");
}

fn usage_errors_exit_1_with_gnu_messages() {
    let dir = std::env::temp_dir();
    let cases: &[(&[&str], &str)] = &[
        (
            &["-sa"],
            "cdu: cannot both summarize and show all entries\nTry 'cdu --help' for more information.\n",
        ),
        (
            &["-d", "x"],
            "cdu: invalid maximum depth 'x'\nTry 'cdu --help' for more information.\n",
        ),
        (&["-B", "0"], "cdu: invalid -B argument '0'\n"),
        (
            &["--block-size=1X"],
            "cdu: invalid suffix in --block-size argument '1X'\n",
        ),
        (&["-t", "-0"], "cdu: invalid --threshold argument '-0'\n"),
        (
            &["-q"],
            "cdu: invalid option -- 'q'\nTry 'cdu --help' for more information.\n",
        ),
        (
            &["--s"],
            "cdu: option '--s' is ambiguous; possibilities: '--si' '--separate-dirs' '--summarize'\nTry 'cdu --help' for more information.\n",
        ),
        (
            &["-d"],
            "cdu: option requires an argument -- 'd'\nTry 'cdu --help' for more information.\n",
        ),
    ];
    for (args, message) in cases {
        let run = cdu_in(&dir, args);
        assert_eq!(run.stderr, *message, "for {args:?}");
        assert_eq!(run.stdout, "", "for {args:?}");
        assert_eq!(run.code, 1, "for {args:?}");
    }
}

fn files0_from_reads_names_and_diagnoses_empty_ones() {
    let env = TestEnv::new("file a 5\nfile b 6\n");
    let list = env.tempdir().join("list");
    std::fs::write(&list, b"a\0\0b\0").unwrap();
    let run = cdu_in(
        env.root(),
        &["-b", &format!("--files0-from={}", list.display())],
    );
    assert_eq!(run.stdout, lines(&[(5, "a"), (6, "b")]));
    assert_eq!(
        run.stderr,
        format!("cdu: {}:2: invalid zero-length file name\n", list.display())
    );
    assert_eq!(run.code, 1);
}

fn write_error_on_a_full_device() {
    let env = TestEnv::new("file d/f 1\n");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full, a premise of this trial");
    let output = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg0("cdu")
        .arg("d")
        .current_dir(env.root())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "cdu: write error\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

fn closed_pipe_ends_quietly() {
    let env = TestEnv::new("generate g files=3000 dirs=200 seed=7\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg0("cdu")
        .args(["-a", "g"])
        .current_dir(env.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up, as `head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    let _ = std::io::Read::read(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    // As du ends: killed by SIGPIPE, which a shell shows as status 141.
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(output.status.signal(), Some(13), "{:?}", output.status);
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "apparent_sizes_of_the_basic_tree",
        &[],
        apparent_sizes_of_the_basic_tree,
    );
    suite.add(
        "inode_counts_of_the_basic_tree",
        &[],
        inode_counts_of_the_basic_tree,
    );
    suite.add(
        "all_lists_files_in_readdir_order_with_their_siblings",
        &[],
        all_lists_files_in_readdir_order_with_their_siblings,
    );
    suite.add(
        "separate_dirs_leaves_out_subdirectories",
        &[],
        separate_dirs_leaves_out_subdirectories,
    );
    suite.add("summarize_and_grand_total", &[], summarize_and_grand_total);
    suite.add(
        "hard_links_are_counted_once_unless_count_links",
        &[],
        hard_links_are_counted_once_unless_count_links,
    );
    suite.add(
        "repeated_and_overlapping_operands_count_once",
        &[],
        repeated_and_overlapping_operands_count_once,
    );
    suite.add(
        "symlinks_count_as_links_unless_followed",
        &[],
        symlinks_count_as_links_unless_followed,
    );
    suite.add(
        "missing_operand_is_diagnosed_and_the_rest_printed",
        &[],
        missing_operand_is_diagnosed_and_the_rest_printed,
    );
    suite.add(
        "dangling_symlink_followed_is_named_without_a_reason",
        &[],
        dangling_symlink_followed_is_named_without_a_reason,
    );
    suite.add(
        "exclude_matches_names_and_path_suffixes",
        &[],
        exclude_matches_names_and_path_suffixes,
    );
    suite.add("null_terminated_lines", &[], null_terminated_lines);
    suite.add(
        "odd_names_are_written_as_raw_bytes_and_quoted_in_messages",
        &[],
        odd_names_are_written_as_raw_bytes_and_quoted_in_messages,
    );
    suite.add(
        "human_and_block_size_formats",
        &[],
        human_and_block_size_formats,
    );
    suite.add(
        "usage_errors_exit_1_with_gnu_messages",
        &[],
        usage_errors_exit_1_with_gnu_messages,
    );
    suite.add(
        "files0_from_reads_names_and_diagnoses_empty_ones",
        &[],
        files0_from_reads_names_and_diagnoses_empty_ones,
    );
    suite.add(
        "write_error_on_a_full_device",
        &[harness::premise::device("/dev/full")],
        write_error_on_a_full_device,
    );
    suite.add("closed_pipe_ends_quietly", &[], closed_pipe_ends_quietly);
    suite.run();
}
