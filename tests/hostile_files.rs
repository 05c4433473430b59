//! Hostile trees, odd files and names, and output that goes away: FIFOs,
//! sockets, device nodes, sparse and preallocated files, names with
//! newlines, tabs, invalid UTF-8 and leading dashes (compared with GNU du
//! 9.7 in every mode); a FIFO is never opened; a closed pipe and a full
//! device end the run as du's do.

mod harness;
mod reference;
mod testenv;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use harness::premise;
use reference::{CDU, Case, assert_no_problems, check_all_in, each_mode, invariants};
use testenv::TestEnv;

fn main() {
    let mut suite = harness::Suite::new(file!());
    let reference = [premise::reference()];
    trials!(suite, reference;
        special_files_and_sizes,
        names_with_newlines_tabs_dashes_and_invalid_utf8,
        a_leading_dash_without_double_dash_is_an_option,
    );
    suite.add(
        "device_nodes",
        &[premise::reference(), premise::root("making device nodes")],
        device_nodes,
    );
    suite.add("fifo_is_never_opened", &[], fifo_is_never_opened);
    suite.add("closed_pipe_ends_quietly", &[], closed_pipe_ends_quietly);
    suite.add(
        "full_device_is_a_write_error",
        &[premise::device("/dev/full")],
        full_device_is_a_write_error,
    );
    suite.run();
}

const ODD_TREE: &str = "fifo special/fifo\n\
    socket special/sock\n\
    sparse sizes/sparse 10M\n\
    prealloc sizes/pre 1M\n\
    file sizes/data 12345\n\
    file names/nl\\nname 10\n\
    file names/tab\\tname 20\n\
    file names/-dash 30\n\
    file names/\\xff\\xfe 40\n\
    file names/\\s\\sspaces\\s 50\n\
    file names/back\\\\slash 60\n\
    dir names/dir\\nwith\\nnewlines\n\
    file names/dir\\nwith\\nnewlines/f 70\n\
    dir names/\\xffdir\n\
    file names/\\xffdir/\\x01ctl 80\n";

/// The cases, run in `cwd`; a FIFO opened without a writer would block
/// for ever, so the timeout is short.
fn cases(cwd: &Path, lists: &[&[&str]]) -> Vec<Case> {
    lists
        .iter()
        .map(|a| Case::new(cwd, *a).timeout(Duration::from_secs(30)))
        .collect()
}

/// The whole odd tree with the size options, and the FIFO, the socket,
/// the sparse and the preallocated file as operands.
fn special_files_and_sizes() {
    let env = TestEnv::new(ODD_TREE);
    let list = cases(
        env.tempdir(),
        &[
            &["-a", "root"],
            &["-a0", "root"],
            &["-ab", "root"],
            &["-a", "--apparent-size", "-B1", "root"],
            &["-aL", "root"],
            &["--inodes", "-a", "root"],
            &["-L", "root/special/fifo", "root/special/sock"],
            &["-b", "root/sizes/sparse", "root/sizes/pre"],
            &["root/sizes/sparse", "root/sizes/pre"],
        ],
    );
    check_all_in(&list, &each_mode());
}

/// Odd names as operands: after `--`, with newlines and tabs (also with
/// `-0`), and bytes that are not UTF-8.
fn names_with_newlines_tabs_dashes_and_invalid_utf8() {
    let env = TestEnv::new(ODD_TREE);
    let mut list = cases(
        env.tempdir(),
        &[
            &["--", "root/names/-dash"],
            &["-0", "root/names/nl\nname", "root/names/tab\tname"],
            &["root/names/nl\nname"],
        ],
    );
    let not_utf8 = [
        OsString::from("-a"),
        OsString::from_vec(b"root/names/\xff\xfe".to_vec()),
        OsString::from_vec(b"root/names/\xffdir".to_vec()),
    ];
    list.push(Case::new(env.tempdir(), not_utf8).timeout(Duration::from_secs(30)));
    check_all_in(&list, &each_mode());
}

/// A leading dash without `--` is an option to both.
fn a_leading_dash_without_double_dash_is_an_option() {
    let env = TestEnv::new(ODD_TREE);
    let list = cases(
        &env.path("names"),
        &[&["-dash"], &["-a", "--", "-dash", "."]],
    );
    check_all_in(&list, &each_mode());
}

/// A character and a block device beside the other special files.
fn device_nodes() {
    let env = TestEnv::new(ODD_TREE);
    let special = env.path("special");
    for (name, kind, dev) in [("cdev", "c", ["1", "3"]), ("bdev", "b", ["7", "200"])] {
        let st = Command::new("mknod")
            .arg(special.join(name))
            .arg(kind)
            .args(dev)
            .status()
            .expect("mknod");
        assert!(st.success(), "mknod {name}");
    }
    let list = cases(
        env.tempdir(),
        &[
            &["-a", "root"],
            &["-ab", "root"],
            &["-a", "-L", "root/special/cdev", "root/special/bdev"],
        ],
    );
    check_all_in(&list, &each_mode());
}

/// cdu never opens a FIFO: with no writer, an open() would block.
fn fifo_is_never_opened() {
    let env = TestEnv::new("fifo p\nfifo d/q\nfile d/f 10\n");
    let mut problems = Vec::new();
    for mode in each_mode() {
        for a in [
            &["-a", "root"][..],
            &["-aL", "root"],
            &["-L", "root/p"],
            &["root/d/q"],
        ] {
            let case = Case::new(env.tempdir(), a).timeout(Duration::from_secs(20));
            let got = reference::run_cdu(&case, &mode);
            let what = format!("cdu {} {a:?}", mode.args.join(" "));
            problems.extend(invariants(&what, &got));
            if got.status != 0 {
                problems.push(format!("{what}: status {}", got.status));
            }
        }
    }
    assert_no_problems(problems);
}

fn closed_pipe_ends_quietly() {
    // A big tree that prints many lines: /usr, as in the issue.
    let script = format!("{{ \"{CDU}\" -a /usr 2>err; echo $? > status; }} | head -1 > first");
    let dir = tempfile::tempdir().expect("tempdir");
    let case = Case::new(dir.path(), ["-c", &script]).timeout(Duration::from_secs(120));
    let out = reference::run::run(Path::new("sh"), &[], &case);
    assert!(!out.timed_out, "cdu -a /usr | head -1 hung");
    let err = std::fs::read(dir.path().join("err")).expect("err file");
    let status = std::fs::read_to_string(dir.path().join("status")).expect("status file");
    let first = std::fs::read_to_string(dir.path().join("first")).expect("first file");
    assert_eq!(first.lines().count(), 1, "head printed {first:?}");
    // /usr may hold unreadable corners; those messages are du's too.
    let other: Vec<String> = String::from_utf8_lossy(&err)
        .lines()
        .filter(|l| !l.contains("Permission denied"))
        .map(str::to_string)
        .collect();
    assert!(other.is_empty(), "stderr after the pipe closed: {other:?}");
    // As du ends: killed by SIGPIPE, 128 + 13 as the shell reports it.
    let status: i32 = status.trim().parse().expect("status");
    assert_eq!(status, 141, "status {status}, want death by SIGPIPE");
}

/// Output to a full device: du's `write error` and status 1, with the
/// reason named where the failure shows at exit, as it does for the text
/// of `--help` and `--version`.
fn full_device_is_a_write_error() {
    let env = TestEnv::new("generate g files=200 dirs=20 seed=1 depth=2");
    let mut problems = Vec::new();
    for a in [
        &["root"][..],
        &["-a", "root"],
        &["-s", "root"],
        &["--help"],
        &["--version"],
    ] {
        let is_info = a[0].starts_with("--h") || a[0].starts_with("--v");
        let case = Case::new(env.tempdir(), a).shell("exec \"$0\" \"$@\" > /dev/full");
        let modes = if is_info {
            // No mode option: it would come before the info option.
            vec![reference::Mode {
                args: Vec::new(),
                split_parts: None,
            }]
        } else {
            each_mode()
        };
        for mode in modes {
            let got = reference::run_cdu(&case, &mode);
            let what = format!("cdu {} {a:?} > /dev/full", mode.args.join(" "));
            let want: &[u8] = if is_info {
                b"cdu: write error: No space left on device\n"
            } else {
                b"cdu: write error\n"
            };
            if got.status != 1 || got.stderr != want {
                problems.push(format!(
                    "{what}: status {} stderr {:?}, want 1 and {:?}",
                    got.status,
                    String::from_utf8_lossy(&got.stderr),
                    String::from_utf8_lossy(want)
                ));
            }
        }
    }
    assert_no_problems(problems);
}
