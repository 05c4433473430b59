//! Hostile trees, width: one directory of a million entries gives GNU du
//! 9.7's totals with no more memory than GNU du needs, and the walk still
//! stops at SIGINT. Slow (a minute or two to build), so it runs with
//! `--ignored`.

mod harness;
mod reference;
mod testenv;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::premise;
use reference::{CDU, Case, Mode, assert_no_problems, check_all_in};
use testenv::TestEnv;

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "million_entries_in_one_directory",
        &[
            premise::reference(),
            premise::slow("builds a directory of a million entries (~1-2 min)"),
        ],
        million_entries_in_one_directory,
    );
    suite.run();
}

/// Maximum resident set size in KiB of `program argv`, by `/usr/bin/time -v`.
fn max_rss(program: &OsStr, argv: &[&str], cwd: &Path) -> (u64, Duration, Vec<u8>) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(program)
        .args(argv)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("/usr/bin/time");
    let text = String::from_utf8_lossy(&out.stderr);
    let rss = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no max RSS in {text}"));
    (rss, start.elapsed(), out.stdout)
}

fn million_entries_in_one_directory() {
    let t = Instant::now();
    let env = TestEnv::new("wide w entries=1000000\nfile w/zz 5000");
    eprintln!("built in {:?}", t.elapsed());
    let cases: Vec<Case> = [
        &["-s", "root"][..],
        &["--inodes", "root"],
        &["-ab", "root"],
        &["-a", "-t", "1", "root"],
    ]
    .iter()
    .map(|a| Case::new(env.tempdir(), *a).timeout(Duration::from_secs(300)))
    .collect();
    check_all_in(&cases, &[Mode::new("sequential"), Mode::new("cancellable")]);
    let mut problems = Vec::new();
    let du = premise::reference_du().unwrap_or_else(|why| panic!("{why}"));
    for a in [&["-s", "root"][..], &["-a", "root"]] {
        let (g, gt, gout) = max_rss(du.as_os_str(), a, env.tempdir());
        let (c, ct, cout) = max_rss(OsStr::new(CDU), a, env.tempdir());
        eprintln!(
            "max RSS for {a:?}: GNU du {g} KiB ({gt:?}), cdu {c} KiB ({ct:?}); {} and {} output bytes",
            gout.len(),
            cout.len()
        );
        if c > g {
            problems.push(format!(
                "{a:?}: cdu's max RSS {c} KiB is more than GNU du's {g} KiB"
            ));
        }
    }
    // Still cancellable: SIGINT once progress shows the walk is under way.
    // A million entries take seconds to walk, far longer than a signal
    // takes to arrive, so the walk must end cancelled.
    let mut child = Command::new(CDU)
        .args(["-a", "-v", "--tick=1ms", "root"])
        .current_dir(env.tempdir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cdu");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    err.read_line(&mut first).expect("read progress");
    let pid = rustix::process::Pid::from_child(&child);
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::INT);
    let mut rest = String::new();
    let _ = err.read_to_string(&mut rest);
    let status = child.wait().expect("wait cdu");
    if status.code() != Some(130) {
        problems.push(format!(
            "SIGINT during the million-entry walk (first progress line {first:?}): \
             status {status:?}, want 130; stderr {rest}"
        ));
    }
    assert_no_problems(problems);
}
