//! `--files0-from` from a FIFO or a pipe that is slow to give the next
//! name: each operand's lines reach stdout as soon as they are known, and
//! SIGTERM while cdu waits for a name ends it at once, as it ends GNU du.

mod session;
mod testenv;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc;

use session::{DEADLINE, cdu, describe};

/// What `cdu TREE` prints, for comparison.
fn lines_of(tree: &Path) -> String {
    let out = cdu().arg(tree).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Reads `stdout` line by line on a thread; the lines come through the
/// channel, so that a test waits for them with a deadline, not for ever.
fn line_reader(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if sender.send(line + "\n").is_err() {
                return;
            }
        }
    });
    receiver
}

/// Receives `want` (several lines) from `lines`, or fails after the
/// deadline.
fn expect_lines(lines: &mpsc::Receiver<String>, want: &str) {
    let mut got = String::new();
    while got.len() < want.len() {
        match lines.recv_timeout(DEADLINE) {
            Ok(line) => got.push_str(&line),
            Err(e) => panic!("{e}: got {got:?} of {want:?}"),
        }
    }
    assert_eq!(got, want);
}

/// Waits for `child` to end, or fails after the deadline; SIGTERM
/// should end it at once.
fn wait_for_end(mut child: Child) -> std::process::ExitStatus {
    let (sender, receiver) = mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait());
    });
    match receiver.recv_timeout(DEADLINE) {
        Ok(status) => status.unwrap(),
        Err(_) => {
            // Do not leave it behind.
            let _ = rustix::process::kill_process(
                rustix::process::Pid::from_raw(pid as i32).unwrap(),
                rustix::process::Signal::KILL,
            );
            panic!("cdu did not end after SIGTERM within {DEADLINE:?}");
        }
    }
}

fn terminate(child: &Child) {
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
}

/// cdu reading names from a FIFO the test writes: the first operand's
/// lines arrive while cdu waits for the second name, and SIGTERM then
/// ends it at once with what it has.
fn sigterm_while_waiting_on_a_fifo(mode: &str) -> (std::process::ExitStatus, String) {
    let env = testenv::TestEnv::new("file a/f 5000\nfile b/g 100\n");
    let fifo = env.tempdir().join("names");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let mut child = cdu()
        .args(["--mode", mode, "--files0-from"])
        .arg(&fifo)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    // Opening blocks until cdu opens the other end; kept open, so cdu
    // waits for more.
    let mut names = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let mut first = env.root().as_os_str().as_encoded_bytes().to_vec();
    first.push(0);
    names.write_all(&first).unwrap();
    expect_lines(&lines, &lines_of(env.root()));
    terminate(&child);
    let status = wait_for_end(child);
    drop(names);
    // Nothing more came.
    let rest: String = lines.iter().collect();
    (status, rest)
}

#[test]
fn sigterm_while_waiting_for_a_name_stops_cdu_at_once() {
    let (status, rest) = sigterm_while_waiting_on_a_fifo("cancellable");
    assert_eq!(describe(status), "exit 130");
    assert_eq!(rest, "");
}

#[test]
fn in_a_mode_that_does_not_cancel_sigterm_kills_but_the_results_are_out() {
    let (status, rest) = sigterm_while_waiting_on_a_fifo("sequential");
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{}", describe(status));
    assert_eq!(rest, "");
}

#[test]
fn sigterm_while_waiting_on_a_slow_stdin_stops_cdu_at_once() {
    let env = testenv::TestEnv::new("file a/f 5000\n");
    let mut child = cdu()
        .args(["--files0-from=-", "-s"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let mut names = child.stdin.take().unwrap();
    let mut first = env.root().as_os_str().as_encoded_bytes().to_vec();
    first.push(0);
    names.write_all(&first).unwrap();
    let want = cdu()
        .arg("-s")
        .arg(env.root())
        .stdin(Stdio::null())
        .output()
        .unwrap()
        .stdout;
    expect_lines(&lines, &String::from_utf8(want).unwrap());
    terminate(&child);
    let status = wait_for_end(child);
    drop(names);
    assert_eq!(describe(status), "exit 130");
}
