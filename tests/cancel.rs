//! Cancelling a scan as a person at a terminal does: a key, Ctrl-C,
//! SIGTERM, a second Ctrl-C; and the modes that must not be cancellable.
//! Every run is on a real pseudo-terminal, and every test checks that the
//! terminal's settings are as they were before cdu started. The scans are
//! held ([`Hold`]): each is still running when the test acts, whatever
//! the load.

mod session;
mod testenv;

use rustix::process::Signal;
use session::{Hold, Session, Stdout, cdu, describe, held_tree, in_key_mode, job};

/// How many entries the held tree has, as `cdu -s --inodes` counts them.
fn entries_in_tree() -> u64 {
    let out = cdu()
        .args(["-s", "--inodes"])
        .arg(held_tree())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.split('\t').next().unwrap().parse().unwrap()
}

/// What a cancelled run leaves: status 130, the notice on the terminal
/// with fewer entries than the tree has, the operand's (partial) total
/// among the results, and the terminal as it was.
fn assert_cancelled(session: &mut Session) {
    let (status, _) = session.finish();
    let screen = session.text();
    assert_eq!(describe(status), "exit 130", "screen:\n{screen}");
    let counted = screen
        .split_once("cdu: cancelled after ")
        .and_then(|(_, rest)| rest.split_once(" entries; sizes are partial"))
        .map(|(n, _)| n.replace(',', "").parse::<u64>().unwrap());
    let Some(counted) = counted else {
        panic!("no partial notice; screen:\n{screen}");
    };
    assert!(
        counted < entries_in_tree(),
        "{counted} entries is the whole tree; screen:\n{screen}"
    );
    let root = held_tree().to_str().unwrap();
    assert!(
        screen.contains(&format!("\t{root}\r\n")),
        "no partial total for the operand; screen:\n{screen}"
    );
    session.assert_terminal_restored();
}

/// Starts `cdu -v` on the held tree, held, and waits until its live line
/// shows a directory of the tree being read, and the hint. The cancel
/// ends the hold.
fn start_scan(hold: &Hold) -> Session {
    let tree = held_tree().to_str().unwrap();
    let command = hold.cdu(["-v", "--tick", "10ms", tree]);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a progress line with the hint", |screen| {
        screen.contains(" entries ")
            && screen.contains("press any key or Ctrl-C to stop")
            && screen.contains(tree)
    });
    s
}

#[test]
fn a_key_press_stops_the_scan_and_restores_the_terminal() {
    let hold = Hold::new();
    let mut s = start_scan(&hold);
    assert!(
        in_key_mode(&s.pty.slave),
        "the terminal should read single keys without echo during the scan"
    );
    s.type_keys(b"q");
    assert_cancelled(&mut s);
}

#[test]
fn ctrl_c_stops_the_scan_and_restores_the_terminal() {
    let hold = Hold::new();
    let mut s = start_scan(&hold);
    // Through the terminal's line discipline, as a real Ctrl-C.
    s.type_keys(b"\x03");
    assert_cancelled(&mut s);
}

#[test]
fn sigint_stops_the_scan_and_restores_the_terminal() {
    let hold = Hold::new();
    let mut s = start_scan(&hold);
    s.signal(Signal::INT);
    assert_cancelled(&mut s);
}

#[test]
fn sigterm_stops_the_scan_and_restores_the_terminal() {
    let hold = Hold::new();
    let mut s = start_scan(&hold);
    s.signal(Signal::TERM);
    assert_cancelled(&mut s);
}

#[test]
fn a_second_ctrl_c_exits_at_once_with_the_terminal_restored() {
    let hold = Hold::new();
    let mut s = start_scan(&hold);
    s.type_keys(b"\x03\x03");
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 130", "screen:\n{}", s.text());
    s.assert_terminal_restored();
}

#[test]
fn a_finished_scan_restores_the_terminal() {
    let env = testenv::TestEnv::new("file a/f 5000\nfile b/g 100\n");
    let mut s = Session::start([env.root()], Stdout::Terminal);
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 0", "screen:\n{}", s.text());
    assert!(
        s.text()
            .contains(&format!("\t{}\r\n", env.root().display()))
    );
    assert!(!s.text().contains("cancelled"));
    s.assert_terminal_restored();
}

#[test]
fn the_live_line_goes_to_the_terminal_and_never_to_stdout() {
    let tree = held_tree();
    let hold = Hold::new();
    let command = hold.cdu(["-v", "--tick", "10ms", "-s", tree.to_str().unwrap()]);
    let mut s = Session::start_command(command, Stdout::Pipe);
    s.wait_for("a progress line", |screen| screen.contains(" entries "));
    hold.release();
    let (status, stdout) = s.finish();
    assert_eq!(describe(status), "exit 0", "screen:\n{}", s.text());
    assert_eq!(
        stdout,
        format!(
            "{}\t{}\n",
            stdout.split('\t').next().unwrap(),
            tree.display()
        )
    );
    assert!(!stdout.contains('\x1b') && !stdout.contains("entries"));
    // The line is cleared before the results: the last thing drawn on the
    // terminal is an erase, not a progress line.
    let screen = s.text();
    let last_line = screen.rsplit('\r').next().unwrap_or_default();
    assert!(
        !last_line.contains("entries"),
        "live line left behind: {last_line:?}"
    );
}

#[test]
fn sequential_mode_is_ended_by_ctrl_c_the_default_way() {
    let tree = held_tree();
    // Never released: only the signal ends the scan.
    let hold = Hold::new();
    let command = hold.cdu(["--mode", "sequential", tree.to_str().unwrap()]);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_until_reading(tree);
    s.type_keys(b"\x03");
    let (status, _) = s.finish();
    assert_eq!(describe(status), "signal 2", "screen:\n{}", s.text());
    assert!(!s.text().contains("cancelled"));
    s.assert_terminal_restored();
}

#[test]
fn verbose_and_parallel_modes_are_ended_by_sigint_the_default_way() {
    for mode in ["verbose", "parallel"] {
        let tree = held_tree();
        // Never released: only the signal ends the scan.
        let hold = Hold::new();
        let command = hold.cdu([
            "--mode",
            mode,
            "-v",
            "--tick",
            "10ms",
            tree.to_str().unwrap(),
        ]);
        let mut s = Session::start_command(command, Stdout::Terminal);
        s.wait_for("a progress line", |screen| screen.contains(" entries "));
        assert!(
            !s.text().contains("press any key"),
            "{mode}: no cancel hint expected"
        );
        assert!(!in_key_mode(&s.pty.slave), "{mode}: keys are not watched");
        s.signal(Signal::INT);
        let (status, _) = s.finish();
        assert_eq!(
            describe(status),
            "signal 2",
            "{mode}; screen:\n{}",
            s.text()
        );
    }
}

/// Runs cdu on the held tree, held by `hold`, as a job of a shell that
/// runs `then` once the job stops, then prints `[exit: STATUS]`. Presses
/// Ctrl-Z once the scan shows its progress line, and returns when the
/// shell has seen the stop.
fn stop_job(hold: &Hold, then: &str, args: &[&str]) -> Session {
    let tree = held_tree().to_str().unwrap();
    let script = format!("\"$0\" \"$@\"\necho \"[stopped: $?]\"\n{then}\necho \"[exit: $?]\"");
    let mut args = args.to_vec();
    args.extend(["-v", "--tick", "10ms", tree]);
    let mut command = job(&script, args);
    hold.apply(&mut command);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a progress line with the hint", |screen| {
        screen.contains("press any key or Ctrl-C to stop")
    });
    assert!(in_key_mode(&s.pty.slave), "keys are not watched");
    s.type_keys(b"\x1a");
    s.wait_for("the shell after the stop", |screen| {
        screen.contains("[stopped: 148]")
    });
    s
}

/// Waits for the job's end; returns what the terminal showed, after
/// checking that the shell ended well and the terminal is as it was.
fn finish_job(s: &mut Session) -> String {
    s.wait_for("the end of the job", |screen| screen.contains("[exit: "));
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(describe(status), "exit 0", "screen:\n{screen}");
    s.assert_terminal_restored();
    screen
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_fg_takes_it_again() {
    // The shell waits for a line, then brings cdu back; the key ends the
    // hold.
    let hold = Hold::new();
    let mut s = stop_job(&hold, "read -r line\nfg >/dev/null", &[]);
    assert!(
        !in_key_mode(&s.pty.slave),
        "the terminal was left in key mode for the shell; screen:\n{}",
        s.text()
    );
    s.assert_terminal_restored();
    s.type_keys(b"\n");
    s.wait_for_settings("key mode after fg", |pty| in_key_mode(&pty.slave));
    s.type_keys(b"q");
    let screen = finish_job(&mut s);
    assert!(screen.contains("[exit: 130]"), "screen:\n{screen}");
    assert!(
        screen.contains("cdu: cancelled after "),
        "no partial notice; screen:\n{screen}"
    );
}

#[test]
fn a_job_sent_to_the_background_finishes_without_touching_the_terminal() {
    // Reading keys or setting the terminal from the background would stop
    // cdu again (SIGTTIN, SIGTTOU) and `wait` would never return.
    let hold = Hold::new();
    let mut s = stop_job(&hold, "bg >/dev/null\necho \"[resumed]\"\nwait", &["-s"]);
    s.wait_for("the job resumed", |screen| screen.contains("[resumed]"));
    // Typed while cdu runs in the background: the shell's, not cdu's.
    s.type_keys(b"x");
    hold.release();
    let screen = finish_job(&mut s);
    assert!(screen.contains("[exit: 0]"), "screen:\n{screen}");
    let tree = held_tree().display();
    assert!(
        screen.contains(&format!("\t{tree}\r\n")),
        "no total; screen:\n{screen}"
    );
    assert!(!screen.contains("cancelled"), "screen:\n{screen}");
}

#[test]
fn ctrl_z_stays_ignored_where_it_was_ignored() {
    let tree = held_tree().to_str().unwrap();
    // `trap ''` ignores SIGTSTP in the shell and in what it starts.
    let script = "trap '' TSTP\n\"$0\" \"$@\"\necho \"[exit: $?]\"";
    // The key ends the hold.
    let hold = Hold::new();
    let mut command = job(script, ["-v", "--tick", "10ms", tree]);
    hold.apply(&mut command);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a progress line with the hint", |screen| {
        screen.contains("press any key or Ctrl-C to stop")
    });
    s.type_keys(b"\x1a");
    s.type_keys(b"q");
    let screen = finish_job(&mut s);
    // Not stopped (148): the key cancelled the scan that went on.
    assert!(screen.contains("[exit: 130]"), "screen:\n{screen}");
}
