//! GNU du's traversal order, compared byte for byte with GNU du 9.7 on
//! every file system this machine can mount: the order decides which of a
//! file's hard links is charged, so the sizes depend on it, not only the
//! order of lines. `fixtures/order.tree` holds links across sibling
//! directories and a directory of 25,000 entries (inode-sorted by fts
//! except on tmpfs). Mounting needs root; where a file system, its tools
//! or the reference du are missing the trial is reported as ignored.

mod harness;
mod reference;
mod testenv;

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;

use harness::{Suite, premise};
use reference::{Case, check_all};
use testenv::mount::Mounted;
use testenv::{TestEnv, tree};

/// The option sets compared on each file system.
const OPTION_SETS: &[&[&str]] = &[
    &[],
    &["-a"],
    &["-ab"],
    &["-al"],
    &["-aS"],
    &["-s", "zeta", "alpha", "mid", "wide"],
    &["-c", "mid", "zeta", "."],
    &["-a", "--inodes"],
    &["-aL"],
    &["-L", "-d1"],
    &["-a", "-d1", "wide"],
    &["-a", "--exclude=*link*"],
    &["-a0"],
];

fn cases(root: &Path) -> Vec<Case> {
    OPTION_SETS
        .iter()
        .map(|args| Case::new(root, *args))
        .collect()
}

fn fixture() -> String {
    let path = TestEnv::fixture_path("order");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds the order fixture on `kind` and compares every option set.
fn check_on(kind: &str) {
    let mounted = Mounted::require(kind);
    let root = mounted.root();
    tree::build(&root, &fixture()).unwrap_or_else(|e| panic!("building on {kind}: {e}"));
    check_all(&cases(&root));
}

fn main() {
    let mut suite = Suite::new(file!());
    suite.add(
        "order_on_the_test_directory",
        &[premise::reference()],
        order_on_the_test_directory,
    );
    for kind in ["tmpfs", "ext4", "xfs", "btrfs"] {
        suite.add(
            format!("order_on_{kind}"),
            &[premise::reference(), premise::mount(kind)],
            move || check_on(kind),
        );
    }
    suite.add(
        "a_wide_directory_is_not_in_readdir_order_on_ext4",
        &[premise::mount("ext4")],
        a_wide_directory_is_not_in_readdir_order_on_ext4,
    );
    suite.run();
}

fn order_on_the_test_directory() {
    let env = TestEnv::from_fixture("order");
    check_all(&cases(env.root()));
}

fn a_wide_directory_is_not_in_readdir_order_on_ext4() {
    // The point of the fixture: on a file system fts sorts, the order
    // cdu must print differs from readdir's, so the sort is exercised.
    let mounted = Mounted::require("ext4");
    let root = mounted.root();
    tree::build(&root, "wide wide entries=25000\n").expect("build");
    let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .args(["-a", "wide"])
        .current_dir(&root)
        .output()
        .expect("run cdu");
    let printed: Vec<Vec<u8>> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter_map(|l| l.splitn(2, |&b| b == b'\t').nth(1))
        .filter_map(|p| p.strip_prefix(b"wide/").map(<[u8]>::to_vec))
        .collect();
    let listed: Vec<Vec<u8>> = std::fs::read_dir(root.join("wide"))
        .expect("read wide")
        .map(|e| e.expect("entry").file_name().into_encoded_bytes())
        .collect();
    assert_eq!(printed.len(), 25_000);
    assert_ne!(printed, listed, "inode order equals readdir order here");
    let mut inodes: Vec<u64> = printed
        .iter()
        .map(|n| {
            use std::os::unix::fs::MetadataExt;
            let name = std::ffi::OsStr::from_bytes(n);
            std::fs::symlink_metadata(root.join("wide").join(name))
                .expect("stat")
                .ino()
        })
        .collect();
    let in_order = inodes.clone();
    inodes.sort_unstable();
    assert_eq!(in_order, inodes, "cdu -a lists a wide directory by inode");
}
