//! The standard streams at their edges, as GNU du 9.7 meets them: a closed
//! stdout or stdin, a stderr that cannot be written, a reader that goes
//! away, and the name the program was run by. Each case states what cdu
//! must do; each such test has a twin, `..._as_gnu_du_does`, that runs the
//! same command lines through GNU du 9.7 too, which must end them the same
//! way (reported as ignored without the reference du).
//!
//! Every command runs under `sh -c`, which is what closes and redirects the
//! descriptors; the program is `"$P"`: `cdu` found on PATH (so that its
//! argv[0] is `cdu`, as the expected messages say) or the reference.

mod harness;
mod reference;
mod session;
mod testenv;

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

use testenv::TestEnv;

const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// How a run ended, as a shell tells it apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Code(i32),
    Signal(i32),
}

#[derive(Debug)]
struct Out {
    end: End,
    stderr: Vec<u8>,
}

/// PATH with the directory of the built `cdu` first.
fn path_with_cdu() -> OsString {
    let dir = Path::new(CDU).parent().expect("cdu's directory");
    let mut path = dir.as_os_str().to_os_string();
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    path
}

/// Runs `script` with `sh -c` in `cwd`, `$P` being `program`, its stdout
/// `stdout`; stdin is /dev/null unless the script says otherwise.
fn sh(script: &str, program: &OsString, cwd: &Path, stdout: Stdio) -> Out {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(cwd)
        .env("P", program)
        .env("PATH", path_with_cdu())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sh")
        .wait_with_output()
        .expect("wait for sh");
    let end = match out.status.code() {
        Some(code) => End::Code(code),
        None => End::Signal(out.status.signal().expect("a signal")),
    };
    Out {
        end,
        stderr: out.stderr,
    }
}

/// One command line and how cdu must end it: status and stderr exactly.
struct Case {
    script: &'static str,
    end: End,
    stderr: &'static str,
}

thread_local! {
    /// Whether the running trial is the `..._as_gnu_du_does` twin, which
    /// also runs every case through GNU du. Each trial runs on one thread.
    static AGAINST_GNU: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `test`, also run through GNU du: the body of a twin trial.
fn against_gnu(test: fn()) -> impl FnOnce() + Send + 'static {
    move || {
        AGAINST_GNU.with(|c| c.set(true));
        test();
    }
}

/// Runs every case through cdu (and GNU du, in a twin trial) and fails
/// with every difference found.
fn check(cases: &[Case], cwd: &Path) {
    check_with_stdout(cases, cwd, Stdio::piped);
}

/// A pipe whose reader is already gone: the first write to it fails.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

/// [`check`], each run's stdout made by `stdout`.
fn check_with_stdout(cases: &[Case], cwd: &Path, stdout: fn() -> Stdio) {
    let gnu = AGAINST_GNU.with(|c| c.get()).then(|| {
        let du = reference::reference_du().unwrap_or_else(|why| panic!("{why}"));
        OsString::from(du)
    });
    let mut problems = Vec::new();
    for case in cases {
        let c = sh(case.script, &OsString::from("cdu"), cwd, stdout());
        let c_err = String::from_utf8_lossy(&c.stderr);
        if c.end != case.end || c_err != case.stderr {
            problems.push(format!(
                "cdu: {}\n  want {:?}, stderr {:?}\n  got  {:?}, stderr {:?}",
                case.script, case.end, case.stderr, c.end, c_err
            ));
        }
        if let Some(gnu) = &gnu {
            let g = sh(case.script, gnu, cwd, stdout());
            let g_err = reference::report::renamed_stderr(&g.stderr);
            if g.end != c.end || g_err != c.stderr {
                problems.push(format!(
                    "GNU du differs: {}\n  gnu {:?}, stderr {:?}\n  cdu {:?}, stderr {:?}",
                    case.script,
                    g.end,
                    String::from_utf8_lossy(&g_err),
                    c.end,
                    c_err
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn small_tree() -> TestEnv {
    TestEnv::new("file d/f 1\nfile d/g 2\n")
}

fn closed_stdout_is_a_write_error_with_ebadf() {
    let env = small_tree();
    check(
        &[
            Case {
                script: r#""$P" -s d >&-"#,
                end: End::Code(1),
                stderr: "cdu: write error: Bad file descriptor\n",
            },
            Case {
                script: r#""$P" -a d >&-"#,
                end: End::Code(1),
                stderr: "cdu: write error: Bad file descriptor\n",
            },
            Case {
                script: r#""$P" --help >&-"#,
                end: End::Code(1),
                stderr: "cdu: write error: Bad file descriptor\n",
            },
            Case {
                script: r#""$P" --version >&-"#,
                end: End::Code(1),
                stderr: "cdu: write error: Bad file descriptor\n",
            },
            // The operand's diagnostic comes first, as it does on a live
            // stdout.
            Case {
                script: r#""$P" -s missing d >&-"#,
                end: End::Code(1),
                stderr: "cdu: cannot access 'missing': No such file or directory\n\
                         cdu: write error: Bad file descriptor\n",
            },
            // Nothing to print: nothing fails.
            Case {
                script: r#""$P" --files0-from=/dev/null >&-"#,
                end: End::Code(0),
                stderr: "",
            },
        ],
        env.root(),
    );
}

fn closed_stdin_is_a_read_error_with_ebadf() {
    let env = small_tree();
    check(
        &[
            Case {
                script: r#""$P" --files0-from=- <&-"#,
                end: End::Code(1),
                stderr: "cdu: -: read error: Bad file descriptor\n",
            },
            Case {
                script: r#""$P" -s --exclude-from=- d <&-"#,
                end: End::Code(1),
                stderr: "cdu: -: Bad file descriptor\n\
                         Try 'cdu --help' for more information.\n",
            },
            // Stdin is not read without `-`: closing it changes nothing.
            Case {
                script: r#""$P" -s d <&-"#,
                end: End::Code(0),
                stderr: "",
            },
        ],
        env.root(),
    );
}

fn a_diagnostic_that_cannot_be_written_fails_the_run() {
    let env = small_tree();
    check(
        &[
            // A warning alone makes the status; its loss makes it 1.
            Case {
                script: r#""$P" -d0 -s d 2>/dev/full"#,
                end: End::Code(1),
                stderr: "",
            },
            Case {
                script: r#""$P" -d0 -s d 2>&-"#,
                end: End::Code(1),
                stderr: "",
            },
            // Nothing to say: nothing lost.
            Case {
                script: r#""$P" -s d 2>/dev/full"#,
                end: End::Code(0),
                stderr: "",
            },
            Case {
                script: r#""$P" -s d 2>&-"#,
                end: End::Code(0),
                stderr: "",
            },
        ],
        env.root(),
    );
}

/// SIGPIPE, as the shell reports it when it is 128 + 13.
const SIGPIPE: i32 = 13;

fn a_reader_gone_kills_with_sigpipe_and_nothing_said() {
    let env = small_tree();
    // `exec`, so that the shell's parent sees how the program ended.
    let killed = |script| Case {
        script,
        end: End::Signal(SIGPIPE),
        stderr: "",
    };
    check_with_stdout(
        &[
            killed(r#"exec "$P" -a d"#),
            killed(r#"exec "$P" -s d"#),
            killed(r#"exec "$P" --help"#),
            killed(r#"exec "$P" --version"#),
            // Death comes at the first write: the operand after it is
            // never reported...
            killed(r#"exec "$P" -a d missing"#),
            // ...while one before it is.
            Case {
                script: r#"exec "$P" -a missing d"#,
                end: End::Signal(SIGPIPE),
                stderr: "cdu: cannot access 'missing': No such file or directory\n",
            },
        ],
        env.root(),
        closed_pipe,
    );
}

fn with_sigpipe_ignored_a_reader_gone_is_a_write_error() {
    let env = small_tree();
    check_with_stdout(
        &[
            Case {
                script: r#"trap '' PIPE; "$P" -a d"#,
                end: End::Code(1),
                stderr: "cdu: write error\n",
            },
            Case {
                script: r#"trap '' PIPE; "$P" --version"#,
                end: End::Code(1),
                stderr: "cdu: write error: Broken pipe\n",
            },
        ],
        env.root(),
        closed_pipe,
    );
}

fn a_closed_pipe_after_a_cancellable_scan_leaves_the_terminal_as_it_was() {
    // cdu reads keys from the terminal while it scans, its output going to
    // a reader that has already gone; the shell reports how it ended.
    let tree = session::slow_tree();
    let mut s = session::Session::start_job(
        r#""$0" "$@" | :; echo "cdu ended with ${PIPESTATUS[0]}""#,
        ["--mode", "cancellable", "-a"]
            .map(OsString::from)
            .into_iter()
            .chain([tree.into()]),
    );
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(session::describe(status), "exit 0", "screen:\n{screen}");
    assert!(
        screen.contains("cdu ended with 141"),
        "not killed by SIGPIPE; screen:\n{screen}"
    );
    assert!(
        !screen.contains("cdu:"),
        "something was said; screen:\n{screen}"
    );
    s.assert_terminal_restored();
}

/// Runs the built cdu as `argv0` (a path through a symlink named `du`),
/// in `cwd`.
fn run_as(argv0: &Path, args: &[&str], cwd: &Path) -> (i32, String) {
    let out = Command::new(argv0)
        .args(args)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run cdu through its link");
    (
        out.status.code().expect("an exit code"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn messages_name_the_program_as_it_was_invoked() {
    let env = small_tree();
    let link = env.tempdir().join("du");
    std::os::unix::fs::symlink(CDU, &link).expect("symlink du -> cdu");
    let full = link.to_str().expect("UTF-8 temp path");
    let mut problems = Vec::new();
    // By its full path, as given.
    let want = format!(
        "{full}: unrecognized option '--bogus'\nTry '{full} --help' for more information.\n"
    );
    let got = run_as(&link, &["--bogus"], env.root());
    if got != (1, want.clone()) {
        problems.push(format!("{full} --bogus: got {got:?}, want (1, {want:?})"));
    }
    let want = format!("{full}: cannot access 'missing': No such file or directory\n");
    let got = run_as(&link, &["-s", "missing"], env.root());
    if got != (1, want.clone()) {
        problems.push(format!(
            "{full} -s missing: got {got:?}, want (1, {want:?})"
        ));
    }
    // By a relative path: that is the name.
    let want = "./du: cannot access 'missing': No such file or directory\n".to_string();
    let got = run_as(Path::new("./du"), &["missing"], env.tempdir());
    if got != (1, want.clone()) {
        problems.push(format!("./du missing: got {got:?}, want (1, {want:?})"));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// `--files0-from` names are taken as they are read: a list without end
/// still gives its first lines at once, and the run ends when the reader
/// goes (GNU du read the whole list first before 9.x and grew without
/// bound; cdu used to as well).
fn an_endless_files0_list_streams_and_ends_with_its_reader() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(
            "yes /dev/null | tr '\\n' '\\0' | timeout -s KILL 20 cdu -l --files0-from=- | head -2; \
             echo \"status ${?}\"",
        )
        .env("PATH", path_with_cdu())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run sh");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "0\t/dev/null\n0\t/dev/null\nstatus 0\n"
    );
    // Killed by the timeout would show on stderr as nothing, but the
    // pipeline would take 20 s; cdu's own end leaves stderr empty.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// An endless list with stdout on a full device ends at the first failed
/// write with du's message and status, instead of reading for ever.
fn an_endless_files0_list_to_a_full_device_is_a_write_error() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(
            "yes /dev/null | tr '\\n' '\\0' | timeout -s KILL 20 cdu -l --files0-from=- >/dev/full; \
             echo \"status $?\"",
        )
        .env("PATH", path_with_cdu())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run sh");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "status 1\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "cdu: write error\n");
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "closed_stdout_is_a_write_error_with_ebadf",
        &[],
        closed_stdout_is_a_write_error_with_ebadf,
    );
    suite.add(
        "closed_stdin_is_a_read_error_with_ebadf",
        &[],
        closed_stdin_is_a_read_error_with_ebadf,
    );
    suite.add(
        "a_diagnostic_that_cannot_be_written_fails_the_run",
        &[harness::premise::device("/dev/full")],
        a_diagnostic_that_cannot_be_written_fails_the_run,
    );
    suite.add(
        "a_reader_gone_kills_with_sigpipe_and_nothing_said",
        &[],
        a_reader_gone_kills_with_sigpipe_and_nothing_said,
    );
    suite.add(
        "with_sigpipe_ignored_a_reader_gone_is_a_write_error",
        &[],
        with_sigpipe_ignored_a_reader_gone_is_a_write_error,
    );
    suite.add(
        "a_closed_pipe_after_a_cancellable_scan_leaves_the_terminal_as_it_was",
        &[],
        a_closed_pipe_after_a_cancellable_scan_leaves_the_terminal_as_it_was,
    );
    suite.add(
        "messages_name_the_program_as_it_was_invoked",
        &[],
        messages_name_the_program_as_it_was_invoked,
    );
    suite.add(
        "an_endless_files0_list_streams_and_ends_with_its_reader",
        &[],
        an_endless_files0_list_streams_and_ends_with_its_reader,
    );
    suite.add(
        "an_endless_files0_list_to_a_full_device_is_a_write_error",
        &[harness::premise::device("/dev/full")],
        an_endless_files0_list_to_a_full_device_is_a_write_error,
    );
    suite.add(
        "closed_stdout_is_a_write_error_with_ebadf_as_gnu_du_does",
        &[harness::premise::reference()],
        against_gnu(closed_stdout_is_a_write_error_with_ebadf),
    );
    suite.add(
        "closed_stdin_is_a_read_error_with_ebadf_as_gnu_du_does",
        &[harness::premise::reference()],
        against_gnu(closed_stdin_is_a_read_error_with_ebadf),
    );
    suite.add(
        "a_diagnostic_that_cannot_be_written_fails_the_run_as_gnu_du_does",
        &[
            harness::premise::reference(),
            harness::premise::device("/dev/full"),
        ],
        against_gnu(a_diagnostic_that_cannot_be_written_fails_the_run),
    );
    suite.add(
        "a_reader_gone_kills_with_sigpipe_and_nothing_said_as_gnu_du_does",
        &[harness::premise::reference()],
        against_gnu(a_reader_gone_kills_with_sigpipe_and_nothing_said),
    );
    suite.add(
        "with_sigpipe_ignored_a_reader_gone_is_a_write_error_as_gnu_du_does",
        &[harness::premise::reference()],
        against_gnu(with_sigpipe_ignored_a_reader_gone_is_a_write_error),
    );
    suite.run();
}
