//! `cdu -i` on a real pseudo-terminal: it draws on the alternate screen,
//! quits on q, and leaves the terminal's settings exactly as they were,
//! also after SIGTERM and after a Ctrl-Z and `fg`; it ends when its
//! terminal closes; colour follows
//! `--color` and `NO_COLOR`.

mod session;
mod testenv;

use session::{Session, Stdout, cdu, describe, in_key_mode};
use testenv::TestEnv;

const TREE: &str = "file big 50000\nfile sub/one 7000\ndir somedir\n";

/// The alternate screen's switches.
const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";

#[test]
fn starts_draws_quits_on_q_and_restores_the_terminal() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    let mut s = Session::start(["-i", "-b", root], Stdout::Terminal);
    s.wait_for("the browser's first frame", |t| {
        t.contains("big") && t.contains("keys")
    });
    assert!(in_key_mode(&s.pty.slave), "keys are not read one by one");
    s.type_keys(b"q");
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 0", "screen:\n{}", s.text());
    let text = s.text();
    assert!(text.contains(ENTER_ALT) && text.contains(LEAVE_ALT));
    assert!(text.rfind(LEAVE_ALT) > text.rfind(ENTER_ALT));
    s.assert_terminal_restored();
}

#[test]
fn sigterm_ends_it_with_the_terminal_restored() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    let mut s = Session::start(["-i", "-b", root], Stdout::Terminal);
    s.wait_for("the browser's first frame", |t| t.contains("keys"));
    s.signal(rustix::process::Signal::TERM);
    let (status, _) = s.finish();
    assert!(status.code().is_some(), "killed: {}", describe(status));
    assert!(s.text().ends_with(LEAVE_ALT) || s.text().contains(LEAVE_ALT));
    s.assert_terminal_restored();
}

#[test]
fn closing_the_terminal_ends_it() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    let mut s = Session::start(["-i", "-b", root], Stdout::Terminal);
    s.wait_for("the browser's first frame", |t| t.contains("keys"));
    // The terminal's window closes: its master side goes away.
    let null = std::fs::File::open("/dev/null").expect("open /dev/null");
    drop(std::mem::replace(&mut s.pty.master, null.into()));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            start.elapsed() < session::DEADLINE,
            "cdu -i still runs with its terminal gone"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.code().is_some(), "killed: {}", describe(status));
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_fg_redraws() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    let script =
        "\"$0\" \"$@\"\necho \"[stopped: $?]\"\nread -r line\nfg >/dev/null\necho \"[exit: $?]\"";
    let mut s = Session::start_job(script, ["-i", "-b", root]);
    s.wait_for("the browser's first frame", |t| t.contains("keys"));
    s.type_keys(b"\x1a");
    s.wait_for("the shell after the stop", |t| t.contains("[stopped: 148]"));
    assert!(
        !in_key_mode(&s.pty.slave),
        "the shell got the terminal in key mode; screen:\n{}",
        s.text()
    );
    let before = s.text().len();
    s.type_keys(b"\n");
    s.wait_for("a new frame after fg", |t| {
        t.get(before..).is_some_and(|after| after.contains("keys"))
    });
    s.type_keys(b"q");
    s.wait_for("the end of the job", |t| t.contains("[exit: "));
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 0");
    assert!(s.text().contains("[exit: 0]"), "screen:\n{}", s.text());
    s.assert_terminal_restored();
}

#[test]
fn colour_follows_color_and_no_color() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    // Directories are drawn in blue when colour is on.
    let blue = "38;5;4";
    let run = |args: &[&str], no_color: bool| {
        let mut command = cdu();
        command.args(args).arg(root);
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        let mut s = Session::start_command(command, Stdout::Terminal);
        s.wait_for("the first frame", |t| t.contains("keys"));
        s.type_keys(b"q");
        s.finish();
        s.assert_terminal_restored();
        s.text()
    };
    assert!(run(&["-i", "--color=always"], true).contains(blue));
    assert!(run(&["-i"], false).contains(blue));
    assert!(!run(&["-i"], true).contains(blue));
    assert!(!run(&["-i", "--color=never"], false).contains(blue));
}
