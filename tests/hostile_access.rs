//! Hostile trees, access: other file systems and a bind mount making a
//! cycle (`-x`, `-L`), and permissions that really bind (root without its
//! capabilities), compared with GNU du 9.7 in every mode.

mod harness;
mod reference;
mod testenv;

use harness::premise;
use reference::{Case, check_all_in, each_mode};
use testenv::TestEnv;

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "one_file_system_and_bind_mount_cycle",
        &[
            premise::reference(),
            premise::root("mounting in a mount namespace"),
            premise::program("unshare", "util-linux"),
        ],
        one_file_system_and_bind_mount_cycle,
    );
    suite.add(
        "unreadable_and_unsearchable_directories_without_privileges",
        &[premise::reference(), premise::unprivileged()],
        unreadable_and_unsearchable_directories_without_privileges,
    );
    suite.run();
}

/// In a private mount namespace, `root/tm` is a tmpfs holding 100 KiB and
/// `root` is bind-mounted on `root/sub/mnt`; both tools run there.
const IN_MOUNT_NAMESPACE: &[&str] = &[
    "unshare",
    "-m",
    "--propagation",
    "private",
    "sh",
    "-c",
    "set -e; \
     mount -t tmpfs cdu-test root/tm; \
     dd if=/dev/zero of=root/tm/big bs=1024 count=100 2>/dev/null; \
     mkdir root/tm/inner; \
     mount --bind root root/sub/mnt; \
     exec \"$0\" \"$@\"",
];

fn one_file_system_and_bind_mount_cycle() {
    let env = TestEnv::new("dir tm\ndir sub/mnt\nfile a/f 3000\nfile big 20K\n");
    let cases: Vec<Case> = [
        &["root"][..],
        &["-x", "root"],
        &["-ax", "root"],
        &["-a", "root"],
        &["-L", "root"],
        &["-xL", "root"],
        &["-s", "root/sub", "root"],
        &["-x", "root/sub/mnt"],
        &["-x", "root/tm", "root"],
        &["--inodes", "-x", "root"],
    ]
    .iter()
    .map(|a| Case::new(env.tempdir(), *a).wrapped(IN_MOUNT_NAMESPACE))
    .collect();
    check_all_in(&cases, &each_mode());
}

fn unreadable_and_unsearchable_directories_without_privileges() {
    let env = TestEnv::new(
        "file t/noread/f 100\n\
         dir t/noread/in\n\
         file t/nosearch/f 200\n\
         dir t/nosearch/in\n\
         file t/ok/f 300\n\
         file t/unreadable_file 400\n\
         file t/wonly/f 100\n\
         file op/f 1\n\
         mode t/noread 000\n\
         mode t/nosearch 644\n\
         mode t/wonly 300\n\
         mode t/unreadable_file 000\n\
         mode op 000\n",
    );
    // The temp dir is private to its owner; as root without
    // CAP_DAC_OVERRIDE the owner's bits still let us in. First, that the
    // privileges are really gone.
    let probe = Case::new(env.tempdir(), ["root/t/noread"]).drop_caps();
    let probe = reference::run::run(std::path::Path::new("ls"), &[], &probe);
    assert_ne!(
        probe.status, 0,
        "ls of a 000 directory succeeded: capabilities not dropped"
    );
    let cases: Vec<Case> = [
        &["root"][..],
        &["-a", "root"],
        &["-aL", "root"],
        &["-s", "root/t"],
        &["root/op"],
        &["root/t/nosearch/f"],
        &["root/t/nosearch/in"],
        &["root/t/noread/f"],
        &["root/t/unreadable_file", "root/t/wonly"],
        &["--inodes", "-a", "root/t"],
    ]
    .iter()
    .map(|a| Case::new(env.tempdir(), *a).drop_caps())
    .collect();
    check_all_in(&cases, &each_mode());
}
