//! A directory whose reading failed part way, inside a shard's part. A
//! walk meets this only on a failing disk or server (readdir's error after
//! some entries), which no test can cause at will; a part records it as
//! an entry named '.' with `cdu_dir_error` and `cdu_partial` after the
//! entries that were read, so the part is edited here to hold one. The
//! merge then prints what a walk prints for such a directory: every entry
//! read, the directory's line with them counted, and the error as du
//! words a directory read in part (`DIR: reason`, not "cannot read
//! directory"), with status 1.

mod testenv;

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};

use testenv::TestEnv;

const CDU: &str = env!("CARGO_BIN_EXE_cdu");

fn cdu(cwd: &Path, args: &[OsString]) -> Output {
    Command::new(CDU)
        .args(args)
        .current_dir(cwd)
        .env("CDU_NO_HISTORY", "1")
        .env("LC_ALL", "C")
        .output()
        .expect("run cdu")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn import(path: &Path) -> OsString {
    let mut a = OsString::from("--import=");
    a.push(path);
    a
}

#[test]
fn a_directory_read_in_part_merges_as_a_walk_prints_it() {
    // `d` holds only files, so the first '}]' of the part closes it.
    let env = TestEnv::new("file c 2\nfile d/a 3\nfile d/b 3000\nfile d/e 9000\n");
    let cwd = env.root().parent().expect("the root's parent");
    let part = cwd.join("part-1.json");
    let mut args: Vec<OsString> = vec!["--shard=1/1".into()];
    let mut export = OsString::from("--export=");
    export.push(&part);
    args.push(export);
    args.push("root".into());
    let out = cdu(cwd, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let whole = std::fs::read_to_string(&part).expect("read the part");
    let at = whole.find("}]").expect("d's last entry closes its array");
    let edited = format!(
        "{}}},\n{{\"name\":\".\",\"cdu_dir_error\":true,\"errno\":5,\"cdu_partial\":true}}]{}",
        &whole[..at],
        &whole[at + 2..]
    );
    let partial = cwd.join("part-1-partial.json");
    std::fs::write(&partial, edited).expect("write the edited part");

    let clean = cdu(cwd, &["-a".into(), import(&part)]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stderr));
    assert!(
        text(&clean.stdout)
            .lines()
            .any(|l| l.ends_with("\troot/d/e")),
        "the part holds d's entries: {}",
        text(&clean.stdout)
    );
    let out = cdu(cwd, &["-a".into(), import(&partial)]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a directory read in part fails the run: {}",
        text(&out.stderr)
    );
    // The entries read are all printed and counted, the totals included.
    assert_eq!(text(&out.stdout), text(&clean.stdout));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error: {stderr}");
    assert!(
        lines[0].ends_with(": root/d: Input/output error"),
        "du's words for a directory read in part: {stderr}"
    );
}
