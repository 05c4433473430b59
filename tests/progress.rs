//! Progress when stderr is not a terminal, and a stdin that is not a
//! terminal: plain lines in the documented format, results alone on
//! stdout, and stdin never read. Scans that must still be running when
//! the test acts are held ([`Hold`]).

mod session;
mod testenv;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ExitStatus, Stdio};

use session::{Hold, cdu, describe, held_tree, is_plain_progress_line, slow_tree};

/// Output of a plain `cdu ARGS` run, for comparison.
fn reference_output(args: &[&str]) -> String {
    let out = cdu().args(args).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `cdu ARGS` held, stdin closed, and lets the scan finish once a
/// line is on stderr; returns the status, stdout and stderr.
fn run_held_past_a_line(args: &[&str]) -> (ExitStatus, String, String) {
    let hold = Hold::new();
    let mut child = hold
        .cdu(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).unwrap();
        out
    });
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = String::new();
    assert!(
        stderr.read_line(&mut lines).unwrap() > 0,
        "nothing on stderr"
    );
    hold.release();
    stderr.read_to_string(&mut lines).unwrap();
    let status = child.wait().unwrap();
    (status, reader.join().unwrap(), lines)
}

#[test]
fn piped_v_prints_plain_progress_lines_on_stderr_and_only_results_on_stdout() {
    let tree = held_tree().to_str().unwrap();
    let (status, stdout, stderr) = run_held_past_a_line(&["-v", "--tick", "1ms", tree]);
    assert!(status.success(), "{}: {stderr}", describe(status));
    assert!(
        !stderr.contains('\x1b'),
        "escape codes on a pipe: {stderr:?}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(!lines.is_empty(), "no progress lines");
    for line in &lines {
        assert!(
            is_plain_progress_line(line),
            "not a progress line: {line:?}"
        );
    }
    assert_eq!(stdout, reference_output(&[tree]));
}

#[test]
fn verbose_mode_shows_progress_without_v_and_sequential_never_does() {
    // A real tree that takes a while, not a hold: that the sequential
    // scan shows nothing means something only if it ran for many ticks on
    // its own, and no event tells a test when enough ticks have passed.
    let tree = slow_tree().to_str().unwrap();
    let verbose = cdu()
        .args(["--mode", "verbose", "--tick", "1ms", "-s", tree])
        .output()
        .unwrap();
    let stderr = String::from_utf8(verbose.stderr).unwrap();
    assert!(
        stderr.lines().next().is_some_and(is_plain_progress_line),
        "{stderr:?}"
    );
    let sequential = cdu()
        .args(["--mode", "sequential", "--tick", "1ms", "-s", tree])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&sequential.stderr), "");
    assert_eq!(verbose.stdout, sequential.stdout);
    // Asking the sequential walk for progress it never shows is refused,
    // not silently ignored.
    let asked = cdu()
        .args(["--mode", "sequential", "-v", "-s", tree])
        .output()
        .unwrap();
    assert_eq!(asked.status.code(), Some(1));
    assert!(asked.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&asked.stderr).contains("-v cannot be used with it"),
        "{:?}",
        String::from_utf8_lossy(&asked.stderr)
    );
}

#[test]
fn progress_lines_count_up_and_never_past_the_tree() {
    let env = testenv::TestEnv::new("generate . files=20000 dirs=200 seed=3");
    let tree = env.root().to_str().unwrap();
    // Every line is well formed and counts only go up.
    let out = cdu()
        .args(["-v", "--tick", "1ms", "--mode", "verbose", tree])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let mut last = (0u64, 0u64);
    for line in stderr.lines() {
        assert!(is_plain_progress_line(line), "{line:?}");
        let words: Vec<&str> = line.split(' ').collect();
        let now = (words[2].parse().unwrap(), words[4].parse().unwrap());
        assert!(now.0 >= last.0 && now.1 >= last.1, "{last:?} then {line:?}");
        assert!(
            now.0 <= 20_201 && now.1 <= 201,
            "more than the tree: {line:?}"
        );
        last = now;
    }
}

/// A run that was not cancelled: status 0, nothing on stderr, and the
/// same output as a run with nothing on stdin.
fn assert_complete_run(out: std::process::Output, tree: &str) {
    assert_eq!(describe(out.status), "exit 0");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        reference_output(&[tree])
    );
}

#[test]
fn stdin_from_dev_null_never_cancels() {
    let env = testenv::TestEnv::new("generate . files=2000 dirs=20 seed=4");
    let tree = env.root().to_str().unwrap();
    let out = cdu().arg(tree).stdin(Stdio::null()).output().unwrap();
    assert_complete_run(out, tree);
}

#[test]
fn a_pipe_on_stdin_is_left_for_the_next_reader() {
    let env = testenv::TestEnv::new("generate . files=2000 dirs=20 seed=5");
    let mut child = std::process::Command::new("sh")
        .args(["-c", "\"$0\" \"$1\" >/dev/null && cat"])
        .arg(env!("CARGO_BIN_EXE_cdu"))
        .arg(env.root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"hello\n").unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(describe(child.wait().unwrap()), "exit 0");
    assert_eq!(out, "hello\n");
}

#[test]
fn endless_input_on_stdin_does_not_stop_the_scan() {
    // `yes | cdu DIR`: a pipe that always has bytes.
    let env = testenv::TestEnv::new("generate . files=2000 dirs=20 seed=6");
    let tree = env.root().to_str().unwrap();
    let mut child = cdu()
        .arg(tree)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || while stdin.write_all(b"y\n").is_ok() {});
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_complete_run(out, tree);
}

#[test]
fn sigint_without_a_terminal_prints_partial_results_and_exits_130() {
    let tree = held_tree().to_str().unwrap();
    // Never released: the signal ends the scan.
    let hold = Hold::new();
    let mut child = hold
        .cdu(["-v", "--tick", "1ms", "-d", "1", tree])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the scan is under way: a line that counts directories
    // (the first ticks may come before the operand is reached).
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no progress");
        assert!(is_plain_progress_line(line.trim_end()), "{line:?}");
        if line.split(' ').nth(4) != Some("0") {
            break;
        }
    }
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(describe(out.status), "exit 130", "{rest}");
    let notice = rest.lines().last().unwrap_or_default();
    let counted = notice
        .strip_prefix("cdu: cancelled after ")
        .and_then(|n| n.strip_suffix(" entries; sizes are partial"));
    let Some(counted) = counted else {
        panic!("no partial notice: {rest}");
    };
    let counted: u64 = counted.replace(',', "").parse().unwrap();
    let all = reference_output(&["-s", "--inodes", tree]);
    let all: u64 = all.split('\t').next().unwrap().parse().unwrap();
    assert!(counted < all, "{counted} entries is the whole tree: {rest}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.ends_with(&format!("\t{tree}\n")),
        "stdout: {stdout:?}\nstderr: {rest}"
    );
}
