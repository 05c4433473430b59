//! cdu under tight process limits, where GNU du still runs: a small
//! address space (`ulimit -v`), and few descriptors (`ulimit -n`) on a deep
//! chain of directories.

mod testenv;

use std::path::Path;
use std::process::{Command, Output};

use testenv::TestEnv;

const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// Runs `cdu args` in `dir` after `limits` (shell `ulimit` arguments), in
/// the C locale, killed after `seconds`.
fn cdu_limited(dir: &Path, limits: &str, args: &[&str], seconds: u32) -> Output {
    Command::new("timeout")
        .args(["-s", "KILL", &seconds.to_string()])
        .args([
            "sh",
            "-c",
            &format!("ulimit {limits} || exit 99; exec \"$0\" \"$@\""),
        ])
        .arg(CDU)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .output()
        .expect("run cdu")
}

fn cdu_plain(dir: &Path, args: &[&str]) -> Output {
    Command::new(CDU)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .output()
        .expect("run cdu")
}

/// A tree of some hundreds of directories, enough to keep many workers
/// busy and the output behind them.
fn bushy() -> TestEnv {
    TestEnv::new(
        "generate a files=3000 dirs=400 seed=7 maxsize=9000 depth=4\n\
         generate b files=2000 dirs=300 seed=8 maxsize=9000 depth=6\n\
         chain c depth=300 name=cc fileevery=9 filesize=700",
    )
}

/// Every mode and several thread counts, in an address space of 200 MB
/// and of 10 MB: the same lines as without a limit, status 0, nothing on
/// stderr (no abort for want of memory, no panic for want of a thread).
#[test]
fn a_small_address_space_still_gives_the_whole_answer() {
    let env = bushy();
    let dir = env.tempdir();
    let mut problems = Vec::new();
    for (limit, kb) in [("200 MB", 200_000), ("10 MB", 10_000)] {
        for extra in [
            &["--mode=sequential"][..],
            &["--mode=verbose"],
            &[],
            &["-j2"],
            &["-j64"],
            &["-j256"],
            &["--mode=cancellable", "-j32"],
        ] {
            for shape in [&["-s"][..], &["-a"]] {
                let args: Vec<&str> = extra.iter().chain(shape).copied().chain(["root"]).collect();
                let want = cdu_plain(dir, &args);
                assert!(want.status.success(), "cdu {args:?} without a limit");
                let got = cdu_limited(dir, &format!("-v {kb}"), &args, 120);
                let what = format!("ulimit -v ({limit}); cdu {}", args.join(" "));
                if got.status.code() == Some(99) {
                    problems.push(format!("{what}: the shell could not set the limit"));
                } else if !got.status.success() {
                    problems.push(format!(
                        "{what}: status {:?}, stderr {}",
                        got.status,
                        String::from_utf8_lossy(&got.stderr)
                    ));
                } else if got.stdout != want.stdout {
                    problems.push(format!("{what}: output differs from the unlimited run"));
                } else if !got.stderr.is_empty() {
                    problems.push(format!(
                        "{what}: stderr {}",
                        String::from_utf8_lossy(&got.stderr)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A directory of 20,000 files with 48-byte names, listed with `-a` in an
/// address space of 10 MB, as `cdu -a /usr` lists `/usr/share/man/man1`:
/// every mode gives the same lines as without a limit. A directory is held
/// whole until fts's order for it is known, so this measures how much room
/// its entries take. GNU du 9.7 needs about 9.3 MB for this tree; before
/// the entries were kept tighter cdu needed 10.9 MB in one thread and
/// 14-15 MB in the parallel modes, and aborted.
#[test]
fn a_wide_directory_of_long_names_is_listed_in_10_mb() {
    let env = TestEnv::new("wide w entries=1");
    let dir = env.tempdir();
    for i in 0..20_000 {
        let name = format!("{i:07}-a-name-as-long-as-a-manual-page-file-.gz");
        assert_eq!(name.len(), 48);
        std::fs::File::create(dir.join("root/w").join(name)).expect("create a file");
    }
    let mut problems = Vec::new();
    for mode in ["sequential", "verbose", "parallel", "cancellable"] {
        let args = [&format!("--mode={mode}")[..], "-a", "root"];
        let want = cdu_plain(dir, &args);
        assert!(want.status.success(), "cdu {args:?} without a limit");
        assert_eq!(
            want.stdout.iter().filter(|&&b| b == b'\n').count(),
            20_003,
            "cdu {args:?}: every file, w and root"
        );
        let got = cdu_limited(dir, "-v 10000", &args, 120);
        let what = format!("ulimit -v 10000; cdu {}", args.join(" "));
        if got.status.code() == Some(99) {
            problems.push(format!("{what}: the shell could not set the limit"));
        } else if !got.status.success() || !got.stderr.is_empty() {
            problems.push(format!(
                "{what}: status {:?}, stderr {}",
                got.status,
                String::from_utf8_lossy(&got.stderr)
            ));
        } else if got.stdout != want.stdout {
            problems.push(format!("{what}: output differs from the unlimited run"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether strace can be run here.
fn have_strace() -> bool {
    Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The number of openat calls `strace -c` counted, from its table.
fn openat_calls(summary: &str) -> Option<u64> {
    summary.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        (fields.last() == Some(&"openat"))
            .then(|| fields.get(3)?.parse().ok())
            .flatten()
    })
}

/// A chain of 10,000 directories under `ulimit -n 16`: the answer is
/// right, and each directory is opened about once. With no descriptor
/// left to keep, every directory would be reopened one name at a time
/// from the operand: some 50 million openat calls, which the count shows
/// (and the generous timeout cuts short) whatever the machine's speed.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "strace is Linux's")]
fn a_deep_chain_under_16_descriptors_opens_each_directory_about_once() {
    // Without strace the count cannot be taken: fail rather than pass
    // unchecked.
    assert!(
        have_strace(),
        "this test counts calls with strace: install it (apt-get install strace)"
    );
    let env = TestEnv::new("chain deep depth=10000 name=d fileevery=1000 filesize=100");
    let dir = env.tempdir();
    for mode in [&["--mode=sequential"][..], &[], &["-j64"]] {
        let want = cdu_plain(dir, &[mode, &["-s", "root"]].concat());
        let summary = dir.join("strace.txt");
        let summary_arg = summary.to_str().expect("a UTF-8 temporary path");
        let args: Vec<&str> = ["-f", "-c", "-o", summary_arg, "-e", "trace=openat", CDU]
            .into_iter()
            .chain(mode.iter().copied())
            .chain(["-s", "root"])
            .collect();
        let got = Command::new("timeout")
            .args([
                "-s",
                "KILL",
                "300",
                "sh",
                "-c",
                "ulimit -n 16 || exit 99; exec strace \"$@\"",
                "sh",
            ])
            .args(&args)
            .current_dir(dir)
            .env("LC_ALL", "C")
            .output()
            .expect("run strace");
        assert!(
            got.status.success(),
            "cdu {mode:?} under ulimit -n 16: status {:?}, stderr {}",
            got.status,
            String::from_utf8_lossy(&got.stderr)
        );
        assert_eq!(got.stdout, want.stdout, "cdu {mode:?}: the sizes");
        let text = std::fs::read_to_string(&summary).expect("strace's summary");
        let calls = openat_calls(&text).expect("an openat line in strace's summary");
        // One open per directory, and a few dozen for the program itself.
        assert!(
            calls < 10_000 + 1_000,
            "cdu {mode:?}: {calls} openat calls for 10,000 directories"
        );
    }
}
