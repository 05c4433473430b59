//! latencyfs mounted for real: what is seen through it must be what is in
//! the source, to the inode number, and it must go away cleanly on a
//! signal. Needs root and /dev/fuse; without them those tests are
//! reported as ignored (cdu's test harness, tests/harness, shared by path).

#[path = "../../../tests/harness/mod.rs"]
mod harness;

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{Arc, Barrier};

/// A source tree and latencyfs serving it; unmounted on drop, whatever
/// happened.
struct Mount {
    dir: tempfile::TempDir,
    child: Option<Child>,
    stderr: Option<BufReader<ChildStderr>>,
}

impl Mount {
    /// Builds the source tree with `build`, then mounts it with `args`.
    fn new(args: &[&str], build: impl FnOnce(&Path)) -> Mount {
        let dir = tempfile::Builder::new()
            .prefix("latencyfs-test-")
            .tempdir()
            .expect("temp dir");
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::create_dir(dir.path().join("mnt")).unwrap();
        build(&src);
        let mut child = Command::new(env!("CARGO_BIN_EXE_latencyfs"))
            .args(args)
            .arg(&src)
            .arg(dir.path().join("mnt"))
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run latencyfs");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut m = Mount {
            dir,
            child: Some(child),
            stderr: None,
        };
        // The first line comes once the kernel has been answered INIT.
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.contains("mounted at"), "latencyfs said: {line}");
        m.stderr = Some(stderr);
        m
    }

    fn src(&self) -> PathBuf {
        self.dir.path().join("src")
    }

    fn mnt(&self) -> PathBuf {
        self.dir.path().join("mnt")
    }

    /// Sends SIGTERM and returns the exit status and what latencyfs said.
    fn stop(&mut self) -> (std::process::ExitStatus, String) {
        let mut child = self.child.take().expect("running");
        rustix::process::kill_process(
            rustix::process::Pid::from_child(&child),
            rustix::process::Signal::TERM,
        )
        .unwrap();
        let status = child.wait().unwrap();
        let mut rest = String::new();
        if let Some(mut e) = self.stderr.take() {
            e.read_to_string(&mut rest).unwrap();
        }
        (status, rest)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Asked nicely first; killed if it has not gone in 5 s.
            let pid = rustix::process::Pid::from_child(&child);
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            for _ in 0..50 {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if is_mounted(&self.mnt()) {
            let _ = Command::new("umount").arg("-l").arg(self.mnt()).status();
        }
    }
}

fn is_mounted(path: &Path) -> bool {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
    let p = path.to_str().unwrap();
    mounts.lines().any(|l| l.split(' ').nth(1) == Some(p))
}

/// A tree with the things du cares about: hard links inside and across
/// directories, a symlink, a sparse file, a fifo, an empty directory, a
/// directory wider than one readdir page, and a name with a space.
fn sample_tree(src: &Path) {
    use std::fs;
    fs::create_dir_all(src.join("a/b/c")).unwrap();
    fs::create_dir(src.join("empty")).unwrap();
    fs::create_dir(src.join("wide")).unwrap();
    fs::write(src.join("a/file"), vec![7u8; 10_000]).unwrap();
    fs::hard_link(src.join("a/file"), src.join("a/b/link")).unwrap();
    fs::hard_link(src.join("a/file"), src.join("other link")).unwrap();
    std::os::unix::fs::symlink("a/file", src.join("sym")).unwrap();
    let sparse = fs::File::create(src.join("a/b/c/sparse")).unwrap();
    sparse.set_len(50 << 20).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        src.join("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o640),
        0,
    )
    .unwrap();
    for i in 0..500 {
        fs::write(src.join(format!("wide/entry number {i:04}")), [b'x'; 3]).unwrap();
    }
}

fn du(args: &[&str], cwd: &Path) -> String {
    let du = std::env::var_os("CDU_REFERENCE_DU").unwrap_or_else(|| "du".into());
    let out = Command::new(du)
        .args(args)
        .arg(".")
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .output()
        .expect("run du");
    assert!(out.status.success(), "du failed: {:?}", out);
    String::from_utf8(out.stdout).unwrap()
}

fn du_sees_the_same_tree_through_the_mount() {
    let mut m = Mount::new(&["--delay", "0.2ms"], sample_tree);
    for args in [
        &["-a"][..],
        &["-ab"],
        &["-al"],
        &["-a", "--inodes"],
        &["-s"],
    ] {
        assert_eq!(du(args, &m.mnt()), du(args, &m.src()), "du {args:?}");
    }
    let (status, said) = m.stop();
    assert!(status.success(), "latencyfs: {status}, {said}");
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    out.push(rel.to_owned());
    if std::fs::symlink_metadata(root.join(rel)).unwrap().is_dir() {
        for e in std::fs::read_dir(root.join(rel)).unwrap() {
            walk(root, &rel.join(e.unwrap().file_name()), out);
        }
    }
}

fn every_entry_has_the_sources_metadata_order_and_contents() {
    let m = Mount::new(&[], sample_tree);
    let (src, mnt) = (m.src(), m.mnt());
    let mut in_src = Vec::new();
    let mut in_mnt = Vec::new();
    walk(&src, Path::new(""), &mut in_src);
    walk(&mnt, Path::new(""), &mut in_mnt);
    // Same names, listed in the same order.
    assert_eq!(in_mnt, in_src);
    for rel in &in_src {
        let s = std::fs::symlink_metadata(src.join(rel)).unwrap();
        let t = std::fs::symlink_metadata(mnt.join(rel)).unwrap();
        let fields = |m: &std::fs::Metadata| {
            (
                m.ino(),
                m.nlink(),
                m.size(),
                m.blocks(),
                m.mode(),
                m.uid(),
                m.gid(),
                (m.mtime(), m.mtime_nsec()),
                (m.ctime(), m.ctime_nsec()),
                m.rdev(),
            )
        };
        assert_eq!(fields(&t), fields(&s), "{}", rel.display());
    }
    // The root, too, shows its own inode number.
    let root_ino = std::fs::metadata(&src).unwrap().ino();
    assert_eq!(std::fs::metadata(&mnt).unwrap().ino(), root_ino);
    // Hard links: one inode, three links.
    let link = std::fs::metadata(mnt.join("a/b/link")).unwrap();
    assert_eq!(
        link.ino(),
        std::fs::metadata(mnt.join("a/file")).unwrap().ino()
    );
    assert_eq!(link.nlink(), 3);
    // Symlinks read, files read, fifos stay fifos.
    assert_eq!(
        std::fs::read_link(mnt.join("sym")).unwrap(),
        Path::new("a/file")
    );
    assert_eq!(std::fs::read(mnt.join("sym")).unwrap(), vec![7u8; 10_000]);
    assert!(
        std::fs::symlink_metadata(mnt.join("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    // readdir's inode numbers are the stat ones.
    for e in std::fs::read_dir(mnt.join("a")).unwrap() {
        use std::os::unix::fs::DirEntryExt;
        let e = e.unwrap();
        assert_eq!(e.ino(), std::fs::symlink_metadata(e.path()).unwrap().ino());
    }
}

fn the_mount_is_read_only() {
    let m = Mount::new(&[], sample_tree);
    let err = std::fs::write(m.mnt().join("new"), b"x").unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc_erofs()));
    assert!(!m.src().join("new").exists());
}

fn libc_erofs() -> i32 {
    rustix::io::Errno::ROFS.raw_os_error()
}

fn requests_wait_together_not_one_after_another() {
    // Eight lookups sent at once, each answered two seconds later: if
    // latencyfs slept in its request loop, only one would ever be waiting.
    let mut m = Mount::new(&["--delay", "2s"], |src| {
        for i in 0..8 {
            std::fs::write(src.join(i.to_string()), b"").unwrap();
        }
    });
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let path = m.mnt().join(i.to_string());
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                std::fs::symlink_metadata(path).unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (status, said) = m.stop();
    assert!(status.success());
    let most: usize = said
        .split("with at most ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of waiting answers in: {said}"));
    assert!(most >= 2, "at most {most} answers waited at once: {said}");
    assert!(said.contains(" 8 lookup,"), "{said}");
}

fn a_signal_unmounts_it() {
    let mut m = Mount::new(&[], sample_tree);
    assert!(is_mounted(&m.mnt()));
    let (status, said) = m.stop();
    assert!(status.success(), "{status}: {said}");
    assert!(said.contains("unmounted"), "{said}");
    assert!(!is_mounted(&m.mnt()));
}

fn fusermount_u_ends_it() {
    let mut m = Mount::new(&[], sample_tree);
    let out = Command::new("fusermount")
        .arg("-u")
        .arg(m.mnt())
        .output()
        .expect("run fusermount");
    assert!(out.status.success(), "{out:?}");
    let status = m.child.take().unwrap().wait().unwrap();
    assert!(status.success());
    assert!(!is_mounted(&m.mnt()));
}

fn bad_command_lines_are_refused_with_a_reason() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_latencyfs"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--delay", "1", "/a", "/b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid duration '1'"));
    let out = run(&["/a"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--delay DURATION"));
    // A mount point inside the source would make the tree endless.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inner")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_latencyfs"))
        .arg(dir.path())
        .arg(dir.path().join("inner"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is inside the source"));
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "du_sees_the_same_tree_through_the_mount",
        &[harness::premise::fuse()],
        du_sees_the_same_tree_through_the_mount,
    );
    suite.add(
        "every_entry_has_the_sources_metadata_order_and_contents",
        &[harness::premise::fuse()],
        every_entry_has_the_sources_metadata_order_and_contents,
    );
    suite.add(
        "the_mount_is_read_only",
        &[harness::premise::fuse()],
        the_mount_is_read_only,
    );
    suite.add(
        "requests_wait_together_not_one_after_another",
        &[harness::premise::fuse()],
        requests_wait_together_not_one_after_another,
    );
    suite.add(
        "a_signal_unmounts_it",
        &[harness::premise::fuse()],
        a_signal_unmounts_it,
    );
    suite.add(
        "fusermount_u_ends_it",
        &[
            harness::premise::fuse(),
            harness::premise::program("fusermount", "fuse"),
        ],
        fusermount_u_ends_it,
    );
    suite.add(
        "bad_command_lines_are_refused_with_a_reason",
        &[],
        bad_command_lines_are_refused_with_a_reason,
    );
    suite.run();
}
