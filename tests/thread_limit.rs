//! cdu where no thread can be started (`ulimit -u`, the user's process
//! limit, which threads count against): GNU du is one process and runs
//! there, so cdu walks on the thread it has and gives the whole answer.
//!
//! Root is not bound by the process limit, so the trial runs cdu as a user
//! of its own through setpriv; it is ignored where that cannot be done.

mod harness;
mod testenv;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use testenv::TestEnv;

const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// A user id with no process of its own, so that a process limit of one
/// leaves its shell no room for another process or thread.
const LONELY_UID: &str = "64999";

/// Runs `cdu args` in `dir` as LONELY_UID, under a process limit of
/// `limit` if given.
fn cdu_as_lonely(dir: &std::path::Path, limit: Option<u32>, args: &[&str]) -> Output {
    let mut command = Command::new("setpriv");
    command.args([
        &format!("--reuid={LONELY_UID}"),
        &format!("--regid={LONELY_UID}"),
        "--clear-groups",
    ]);
    if let Some(n) = limit {
        command.args(["prlimit", &format!("--nproc={n}:{n}"), "--"]);
    }
    command
        .arg(CDU)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .output()
        .expect("run setpriv")
}

/// With a process limit of one, every mode gives the lines it gives
/// without a limit, status 0 and nothing on stderr; before, the walk
/// thread that could not be started made it say "cancelled after 0
/// entries" with status 130.
fn no_thread_to_spare_still_gives_the_whole_answer() {
    let env = TestEnv::new(
        "generate a files=600 dirs=80 seed=3 maxsize=9000 depth=4\n\
         chain c depth=40 name=cc fileevery=5 filesize=700",
    );
    let dir = env.tempdir();
    // The tree is read by a user who owns none of it.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .expect("open the temporary directory to all");
    if let Some(parent) = dir.parent() {
        let mode = std::fs::metadata(parent)
            .expect("stat")
            .permissions()
            .mode();
        assert!(
            mode & 0o005 == 0o005,
            "{} must be searchable by all for this trial",
            parent.display()
        );
    }
    let mut problems = Vec::new();
    for mode in [
        &["--mode=sequential"][..],
        &["--mode=verbose"],
        &[],
        &["-j8"],
        &["--mode=cancellable"],
    ] {
        for shape in [&["-s"][..], &["-a"]] {
            let args: Vec<&str> = mode.iter().chain(shape).copied().chain(["root"]).collect();
            let want = cdu_as_lonely(dir, None, &args);
            assert!(
                want.status.success(),
                "cdu {args:?} as uid {LONELY_UID} without a limit: {}",
                String::from_utf8_lossy(&want.stderr)
            );
            let got = cdu_as_lonely(dir, Some(1), &args);
            let what = format!("prlimit --nproc=1 cdu {}", args.join(" "));
            if !got.status.success() || !got.stderr.is_empty() {
                problems.push(format!(
                    "{what}: status {:?}, stderr {}",
                    got.status,
                    String::from_utf8_lossy(&got.stderr)
                ));
            } else if got.stdout != want.stdout {
                problems.push(format!("{what}: output differs from the unlimited run"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "no_thread_to_spare_still_gives_the_whole_answer",
        &[
            harness::premise::root("running cdu as another user"),
            harness::premise::program("setpriv", "util-linux"),
            harness::premise::program("prlimit", "util-linux"),
        ],
        no_thread_to_spare_still_gives_the_whole_answer,
    );
    suite.run()
}
