//! The history of `-v` scans kept in the user's cache, as a file others
//! may have tampered with: a link planted where cdu writes is never
//! written through, a FIFO at its path never blocks a run, a directory
//! others can write in is not used, and two runs that end at once both
//! keep their entries.

mod session;
mod testenv;

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use session::cdu;

/// `cdu ARGS` with its history kept under `cache` (as XDG_CACHE_HOME).
fn with_history(cache: &Path) -> Command {
    let mut command = cdu();
    command
        .env_remove("CDU_NO_HISTORY")
        .env("XDG_CACHE_HOME", cache)
        .stdin(Stdio::null());
    command
}

fn history_dir(cache: &Path) -> PathBuf {
    cache.join("cdu")
}

/// The paths the history file at `cache` remembers.
fn remembered(cache: &Path) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    let text = std::fs::read_to_string(history_dir(cache).join("history")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("cdu history 2"), "{text}");
    lines
        .map(|line| {
            let hex = line.rsplit(' ').next().unwrap();
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            PathBuf::from(std::ffi::OsString::from_vec(bytes))
        })
        .collect()
}

fn assert_ran(out: &Output, tree: &Path) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with(&format!("\t{}\n", tree.display())),
        "{stdout}"
    );
}

#[test]
fn a_link_planted_at_a_predictable_name_is_never_written_through() {
    let env = testenv::TestEnv::new("file a/f 5000\n");
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("cache");
    let dir = history_dir(&cache);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let victim = scratch.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    // The names a writer might pick: the old `history.<pid>.tmp` (the
    // shell's pid is the one cdu gets through exec), and the usual others.
    for name in [
        "history.tmp",
        "history~",
        "history.new",
        "history.lock",
        ".history.tmp",
    ] {
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let out = Command::new("sh")
        .arg("-c")
        .arg("ln -s \"$1\" \"$2/history.$$.tmp\" && exec \"$0\" -sv \"$3\"")
        .arg(env!("CARGO_BIN_EXE_cdu"))
        .arg(&victim)
        .arg(&dir)
        .arg(env.root())
        .env_remove("CDU_NO_HISTORY")
        .env("XDG_CACHE_HOME", &cache)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_ran(&out, env.root());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    // The history was kept, in a file of its own that only its user reads.
    let history = dir.join("history");
    let meta = std::fs::symlink_metadata(&history).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert_eq!(remembered(&cache), [env.root().canonicalize().unwrap()]);
    // Nothing left behind beside it but the links.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !std::fs::symlink_metadata(dir.join(n)).unwrap().is_symlink())
        .collect();
    names.sort();
    assert_eq!(names, ["history"]);
}

#[test]
fn a_link_at_the_history_path_is_neither_read_nor_written_through() {
    let env = testenv::TestEnv::new("file a/f 5000\n");
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("cache");
    let dir = history_dir(&cache);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let victim = scratch.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("history")).unwrap();
    let out = with_history(&cache)
        .args(["-sv"])
        .arg(env.root())
        .output()
        .unwrap();
    assert_ran(&out, env.root());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(
        std::fs::symlink_metadata(dir.join("history"))
            .unwrap()
            .is_symlink()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("is not a regular file; going on without it")
            .count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_fifo_at_the_history_path_never_blocks_a_run() {
    let env = testenv::TestEnv::new("file a/f 5000\n");
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("cache");
    let dir = history_dir(&cache);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let fifo = dir.join("history");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    // A hang is killed, and fails the test.
    let out = Command::new("timeout")
        .args(["-s", "KILL", "20"])
        .arg(env!("CARGO_BIN_EXE_cdu"))
        .arg("-sv")
        .arg(env.root())
        .env_remove("CDU_NO_HISTORY")
        .env("XDG_CACHE_HOME", &cache)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_ran(&out, env.root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("is not a regular file; going on without it")
            .count(),
        1,
        "{stderr}"
    );
    // Left as it was: it is not cdu's to replace.
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_directory_others_can_write_in_is_not_used() {
    let env = testenv::TestEnv::new("file a/f 5000\n");
    let scratch = tempfile::tempdir().unwrap();
    let cache = scratch.path().join("cache");
    let dir = history_dir(&cache);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = with_history(&cache)
        .args(["-sv"])
        .arg(env.root())
        .output()
        .unwrap();
    assert_ran(&out, env.root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("others may write in the directory").count(),
        1,
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn two_runs_that_end_at_once_both_keep_their_entries() {
    let one = testenv::TestEnv::new("file a/f 5000\nfile b/g 100\n");
    let two = testenv::TestEnv::new("file c/h 7000\n");
    let want = {
        let mut paths = [
            one.root().canonicalize().unwrap(),
            two.root().canonicalize().unwrap(),
        ];
        paths.sort();
        paths
    };
    for round in 0..20 {
        let scratch = tempfile::tempdir().unwrap();
        let cache = scratch.path();
        let runs: Vec<_> = [one.root(), two.root()]
            .into_iter()
            .map(|tree| {
                with_history(cache)
                    .arg("-sv")
                    .arg(tree)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for (run, tree) in runs.into_iter().zip([one.root(), two.root()]) {
            assert_ran(&run.wait_with_output().unwrap(), tree);
        }
        let mut got = remembered(cache);
        got.sort();
        assert_eq!(got, want, "round {round}");
    }
}
