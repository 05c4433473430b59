//! What a key, Ctrl-Z and the terminal's kind and width do to a scan, on
//! a real pseudo-terminal: a key cancels only while the live line that
//! says so is shown, keys typed ahead stay for the shell, a `dumb`
//! terminal gets the plain lines, Ctrl-Z takes the live line away and the
//! stopped time is left out of it, and a narrow terminal gets a line that
//! fits. The scans are held ([`Hold`]): each is still running when the
//! test acts, and ends when the test lets it.

mod session;
mod testenv;

use std::process::Stdio;

use session::{
    Hold, Session, Stdout, cdu, describe, held_tree, in_key_mode, is_plain_progress_line, job,
};
use unicode_width::UnicodeWidthStr;

/// `cdu -s` of the held tree as a script would run it: the full size.
fn full_size() -> String {
    let out = cdu()
        .args(["-s", held_tree().to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn without_v_enter_does_not_cancel() {
    let tree = held_tree();
    let hold = Hold::new();
    let command = hold.cdu(["-s", tree.to_str().unwrap()]);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_until_reading(tree);
    assert!(
        !in_key_mode(&s.pty.slave),
        "keys are watched with nothing on the screen to say so"
    );
    s.type_keys(b"\n");
    hold.release();
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(describe(status), "exit 0", "screen:\n{screen}");
    assert!(!screen.contains("cancelled"), "screen:\n{screen}");
    let total = full_size().replace('\n', "\r\n");
    assert!(
        screen.contains(&total),
        "not the full size {total:?}; screen:\n{screen}"
    );
}

#[test]
fn without_v_a_piped_stdout_leaves_the_keys_to_the_pager() {
    // `cdu big | less`: the keys typed are the pager's.
    let tree = held_tree();
    let hold = Hold::new();
    let command = hold.cdu(["-s", tree.to_str().unwrap()]);
    let mut s = Session::start_command(command, Stdout::Pipe);
    s.wait_until_reading(tree);
    s.type_keys(b"G");
    hold.release();
    let (status, stdout) = s.finish();
    assert_eq!(describe(status), "exit 0", "screen:\n{}", s.text());
    assert_eq!(stdout, full_size());
}

#[test]
fn keys_typed_ahead_do_not_cancel_and_are_left_for_the_shell() {
    // As when `cdu -sv big⏎echo hi⏎` is pasted at a prompt: the second
    // line is already waiting when cdu starts.
    let script = "\"$0\" \"$@\"\necho \"[exit: $?]\"\nread -r line\necho \"[read: $line]\"";
    let tree = held_tree().to_str().unwrap();
    let hold = Hold::new();
    let mut command = job(script, ["-sv", "--tick", "10ms", tree]);
    hold.apply(&mut command);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.type_keys(b"echo hi\n");
    // The live line is drawn while the keys wait; then the scan may end.
    s.wait_for("a live line", |screen| screen.contains("Ctrl-C to stop"));
    hold.release();
    s.wait_for("the shell reading the line", |screen| {
        screen.contains("[read: ")
    });
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(describe(status), "exit 0", "screen:\n{screen}");
    assert!(screen.contains("[exit: 0]"), "screen:\n{screen}");
    assert!(screen.contains("[read: echo hi]"), "screen:\n{screen}");
    assert!(!screen.contains("cancelled"), "screen:\n{screen}");
    assert!(
        screen.contains(&full_size().replace('\n', "\r\n")),
        "not the full size; screen:\n{screen}"
    );
    // The line does not offer what it would not do.
    assert!(!screen.contains("press any key"), "screen:\n{screen}");
    assert!(screen.contains("Ctrl-C to stop"), "screen:\n{screen}");
    s.assert_terminal_restored();
}

#[test]
fn a_dumb_terminal_gets_the_plain_lines() {
    let tree = held_tree().to_str().unwrap();
    let hold = Hold::new();
    let mut command = hold.cdu(["-sv", "--tick", "10ms", tree]);
    command.env("TERM", "dumb");
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a progress line", |screen| screen.contains(" entries "));
    hold.release();
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(describe(status), "exit 0", "screen:\n{screen}");
    assert!(!screen.contains('\x1b'), "escape codes: {screen:?}");
    let lines: Vec<&str> = screen.split("\r\n").collect();
    let progress = lines.iter().filter(|l| l.starts_with("cdu: ")).count();
    assert!(progress > 0, "no progress lines; screen:\n{screen}");
    for line in lines.iter().filter(|l| l.starts_with("cdu: ")) {
        assert!(
            is_plain_progress_line(line),
            "not a progress line: {line:?}"
        );
    }
    assert!(
        screen.contains(&full_size().replace('\n', "\r\n")),
        "screen:\n{screen}"
    );
    // No live line, so no key to arm.
    s.assert_terminal_restored();
}

/// The elapsed times below a minute shown on the live lines in `text`, in
/// order: the part before each `N entries`.
fn elapsed_shown(text: &str) -> Vec<f64> {
    let mut shown = Vec::new();
    for (at, _) in text.match_indices(" entries  ") {
        let before = &text[..at];
        // `ELAPSED  N entries`: the count, then the time before it.
        let Some((head, _count)) = before.rsplit_once("  ") else {
            continue;
        };
        let word = head.rsplit([' ', '\r']).next().unwrap_or_default();
        // Below a minute, `2.5s`; the time left beside it never has a
        // decimal point.
        let Some((whole, tenth)) = word.strip_suffix('s').and_then(|w| w.split_once('.')) else {
            continue;
        };
        let seconds = format!("{whole}.{tenth}").parse::<f64>().ok();
        shown.extend(seconds);
    }
    shown
}

#[test]
fn ctrl_z_clears_the_line_and_the_stopped_time_is_left_out() {
    // The shell keeps the job stopped for 3 s, then brings it back.
    let script =
        "\"$0\" \"$@\"\necho \"[stopped: $?]\"\nsleep 3\nfg >/dev/null\necho \"[exit: $?]\"";
    let tree = held_tree().to_str().unwrap();
    let hold = Hold::new();
    let mut command = job(script, ["-v", "-s", "--tick", "10ms", tree]);
    hold.apply(&mut command);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a progress line with the hint", |screen| {
        screen.contains("press any key or Ctrl-C to stop")
    });
    s.type_keys(b"\x1a");
    s.wait_for("the shell after the stop", |screen| {
        screen.contains("[stopped: 148]")
    });
    let stop = s.text().find("[stopped: 148]").unwrap();
    // Still held after `fg`: lines are drawn until the test has one.
    s.wait_for("a line after fg", |screen| {
        elapsed_shown(&screen[stop..]).iter().any(|&t| t > 0.0)
    });
    hold.release();
    s.wait_for("the end of the job", |screen| screen.contains("[exit: "));
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(describe(status), "exit 0", "screen:\n{screen}");
    assert!(screen.contains("[exit: 0]"), "screen:\n{screen}");
    s.assert_terminal_restored();
    // Between the last line drawn and the shell's words, the line is
    // erased.
    let before = &screen[..stop];
    let last_draw = before.rfind(" entries ").expect("a line before the stop");
    assert!(
        before[last_draw..].contains("\x1b[2K"),
        "the line stayed on the screen: {:?}",
        &before[last_draw..]
    );
    // The first line after `fg` goes on from the last before Ctrl-Z,
    // not 3 s later.
    let (earlier, later) = (elapsed_shown(before), elapsed_shown(&screen[stop..]));
    let (Some(last), Some(next)) = (earlier.last(), later.iter().find(|&&t| t > 0.0)) else {
        panic!("no lines on both sides of the stop: {earlier:?} {later:?}; screen:\n{screen}");
    };
    assert!(
        next - last < 3.0,
        "the stopped time counts: {last}s then {next}s ({earlier:?} {later:?}); screen:\n{screen}"
    );
}

/// What each draw of the live line put on the screen from `text`: the
/// text between carriage returns and newlines, escape sequences left out.
fn drawn_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => lines.push(std::mem::take(&mut line)),
            '\x1b' => {
                // CSI: ESC [ parameters, then a letter.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
            }
            c => line.push(c),
        }
    }
    lines.push(line);
    lines.retain(|l| !l.is_empty());
    lines
}

#[test]
fn a_terminal_narrowed_to_30_columns_gets_a_line_that_fits() {
    let tree = held_tree().to_str().unwrap();
    // Never released: Ctrl-C ends the scan.
    let hold = Hold::new();
    let command = hold.cdu(["-v", "-s", "--tick", "10ms", tree]);
    let mut s = Session::start_command(command, Stdout::Terminal);
    s.wait_for("a progress line with the hint", |screen| {
        screen.contains("press any key or Ctrl-C to stop")
    });
    s.set_columns(30);
    let narrowed = s.screen.len();
    // Lines drawn once cdu has seen the new width: the hint in its short
    // form shows that it has.
    // (The full hint, shown until now, does not hold these words.)
    s.wait_for("lines drawn for 30 columns", |screen| {
        screen.matches("key stops").count() >= 5
    });
    let text = String::from_utf8_lossy(&s.screen[narrowed..]).into_owned();
    s.type_keys(b"\x03");
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 130", "screen:\n{}", s.text());
    let lines = drawn_lines(&text);
    let first = lines
        .iter()
        .position(|l| l.contains("key stops"))
        .expect("a narrow line");
    for line in &lines[first..] {
        // The text leaves the last column free (a line that filled it
        // would wrap on some terminals); indicatif pads the rest with
        // spaces, which wrap nothing.
        let line = line.trim_end_matches(' ');
        assert!(
            line.width() <= 29,
            "{} columns: {line:?}; all: {lines:?}",
            line.width()
        );
    }
    s.assert_terminal_restored();
}
