//! SIGTERM while cdu waits, as it ends GNU du: at once. Waiting for the
//! next name of `--files0-from` from a FIFO or a slow pipe (each operand's
//! lines have reached stdout by then), or waiting on a stdout whose reader
//! has stopped reading.

mod session;
mod testenv;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc;

use session::{DEADLINE, cdu, describe, slow_tree};

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

#[test]
fn sigterm_while_stdout_takes_nothing_stops_cdu_at_once() {
    // `cdu -a big | less` with less waiting at a page: the pipe is full.
    let mut child = cdu()
        .arg("-a")
        .arg(slow_tree())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // The pipe again, from its writing side: full when it cannot take a
    // byte (the bytes a full pipe holds depend on how it was written).
    let writer = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(format!("/proc/{}/fd/1", child.id()))
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        let mut fds = [rustix::event::PollFd::new(
            &writer,
            rustix::event::PollFlags::OUT,
        )];
        let zero = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        if rustix::event::poll(&mut fds, Some(&zero)).unwrap() == 0 {
            break;
        }
        assert!(start.elapsed() < DEADLINE, "the pipe never filled");
        assert!(child.try_wait().unwrap().is_none(), "cdu ended early");
        std::thread::yield_now();
    }
    drop(writer);
    terminate(&child);
    let status = wait_for_end(child);
    assert_eq!(describe(status), "exit 130");
    drop(stdout);
}
