//! cdu on FUSE file systems, byte for byte against GNU du 9.7 run on the
//! same mount, in every mode. FUSE is where network file systems' habits
//! show up locally: inode numbers and link counts come from a daemon, and
//! gnulib's fts sorts a directory of more than 10,000 entries by inode
//! there (it does not on tmpfs, NFS or CIFS), so the order, and with it
//! which hard link is charged, must come out as GNU du's.
//!
//! Through bindfs (Debian's package) always; through latencyfs
//! (benches/latencyfs) when CDU_LATENCYFS names its binary, with a delay,
//! so that replies come back out of order as on a network. Mounting needs
//! root and /dev/fuse; a trial whose premises are missing is reported as
//! ignored.

mod harness;
mod reference;
mod testenv;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reference::{Case, check_all};
use testenv::{TestEnv, tree};

/// The fixtures built side by side in the source directory.
const FIXTURES: &[&str] = &["basic", "links", "odd-names", "sparse", "order"];

/// The command lines compared, run in the mount's root. Only the first
/// three walk `order` with its 25,000 entries, to keep the test quick.
const OPTION_SETS: &[&[&str]] = &[
    &["-a"],
    &["-s"],
    &["-al", "order"],
    &["-ab", "basic", "links", "sparse", "odd-names"],
    &["-a", "--inodes", "links", "odd-names"],
    &["-aL", "links"],
    &["-s", "links", "basic", "links/data"],
    &["-c", "-d1", "links", "sparse"],
];

/// A FUSE file system serving a temporary source tree, unmounted on drop
/// (also when the test fails).
struct FuseMount {
    dir: tempfile::TempDir,
    /// The server when it runs in the foreground (latencyfs); bindfs
    /// goes to the background by itself.
    child: Option<Child>,
}

impl FuseMount {
    /// A temporary directory holding `src`, the fixtures `fixtures` side
    /// by side, and the mount point `mnt`.
    fn source_dir(fixtures: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix("cdu-fuse-")
            .tempdir()
            .expect("temporary directory");
        for name in fixtures {
            let path = TestEnv::fixture_path(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            tree::build(&dir.path().join("src").join(name), &text)
                .unwrap_or_else(|e| panic!("building {name}: {e}"));
        }
        std::fs::create_dir(dir.path().join("mnt")).expect("mount point");
        dir
    }

    /// `fixtures` mounted read-only through bindfs (with FUSE and bindfs
    /// the premises of the trial).
    fn bindfs(fixtures: &[&str]) -> FuseMount {
        let dir = Self::source_dir(fixtures);
        // A minute of kernel caching (libfuse's default is 1 s): the runs
        // after the first one of each case are then quick, and all see the
        // same answers.
        let out = Command::new("bindfs")
            .args(["-o", "ro,entry_timeout=60,attr_timeout=60"])
            .arg(dir.path().join("src"))
            .arg(dir.path().join("mnt"))
            .output()
            .expect("run bindfs");
        // From here on, drop unmounts.
        let m = FuseMount { dir, child: None };
        assert!(
            out.status.success(),
            "bindfs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(m.is_mounted(), "bindfs returned but nothing is mounted");
        m
    }

    /// All the fixtures mounted through latencyfs with `delay` (with FUSE
    /// and CDU_LATENCYFS the premises of the trial).
    fn latencyfs(delay: &str) -> FuseMount {
        let binary = std::env::var_os("CDU_LATENCYFS").expect("CDU_LATENCYFS");
        let dir = Self::source_dir(FIXTURES);
        // A minute of kernel caching, as for bindfs; readdir is never
        // cached, so every run still waits for the delayed listings.
        let mut child = Command::new(&binary)
            .args(["--delay", delay, "--ttl", "60s"])
            .arg(dir.path().join("src"))
            .arg(dir.path().join("mnt"))
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", Path::new(&binary).display()));
        let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
        let m = FuseMount {
            dir,
            child: Some(child),
        };
        // Its first line comes once the mount answers.
        let mut line = String::new();
        stderr.read_line(&mut line).expect("latencyfs's stderr");
        assert!(line.contains("mounted at"), "latencyfs said: {line}");
        // Keep reading what it says, so that it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        m
    }

    fn mnt(&self) -> PathBuf {
        self.dir.path().join("mnt")
    }

    fn is_mounted(&self) -> bool {
        let mnt = self.mnt();
        let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
        mounts.lines().any(|l| l.split(' ').nth(1) == mnt.to_str())
    }

    fn cases(&self) -> Vec<Case> {
        OPTION_SETS
            .iter()
            .map(|args| Case::new(&self.mnt(), *args))
            .collect()
    }
}

impl Drop for FuseMount {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // latencyfs unmounts itself on SIGTERM.
            let pid = rustix::process::Pid::from_child(&child);
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            for _ in 0..50 {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if self.is_mounted() {
            let quiet = |c: &mut Command| c.stderr(Stdio::null()).status();
            let unmounted = quiet(Command::new("fusermount").arg("-u").arg(self.mnt()))
                .is_ok_and(|s| s.success());
            if !unmounted {
                // Busy or no fusermount: detach it, so the suite goes on.
                let _ = quiet(Command::new("umount").arg("-l").arg(self.mnt()));
            }
        }
    }
}

fn cdu_matches_gnu_du_through_bindfs() {
    let m = FuseMount::bindfs(FIXTURES);
    check_all(&m.cases());
}

fn cdu_matches_gnu_du_through_latencyfs() {
    let m = FuseMount::latencyfs("0.2ms");
    check_all(&m.cases());
}

fn a_bindfs_mount_root_shows_no_percentage_from_the_disk_beneath() {
    // bindfs passes on the inode count of the whole file system it serves
    // from: a percentage from it would stay near 0% and end far short.
    let m = FuseMount::bindfs(FIXTURES);
    let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .env("CDU_NO_HISTORY", "1")
        .args(["-sv", "--tick", "1ms"])
        .arg(m.mnt())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cdu -v");
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(" entries "), "no progress line: {stderr}");
    assert!(
        !stderr.contains("ETA"),
        "a total from the disk beneath: {stderr}"
    );
}

fn a_hard_link_seen_twice_through_bindfs_is_counted_once() {
    // What a user of a FUSE mount would check by hand: the same totals as
    // on the directory itself, hard links once.
    let m = FuseMount::bindfs(&["links"]);
    let cdu = |dir: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
            .args(["-s", "-B1", "links"])
            .current_dir(dir)
            .output()
            .expect("run cdu");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let through = cdu(&m.mnt());
    assert_eq!(through, cdu(&m.dir.path().join("src")));
    let with_links_each_time = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .args(["-s", "-B1", "-l", "links"])
        .current_dir(m.mnt())
        .output()
        .expect("run cdu -l");
    let total = |s: &str| -> u64 { s.split('\t').next().unwrap().trim().parse().unwrap() };
    assert!(
        total(&String::from_utf8_lossy(&with_links_each_time.stdout)) > total(&through),
        "-l counts the hard links again, so its total must be larger"
    );
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "cdu_matches_gnu_du_through_bindfs",
        &[
            harness::premise::reference(),
            harness::premise::fuse(),
            harness::premise::program("bindfs", "bindfs"),
        ],
        cdu_matches_gnu_du_through_bindfs,
    );
    suite.add(
        "cdu_matches_gnu_du_through_latencyfs",
        &[
            harness::premise::reference(),
            harness::premise::fuse(),
            harness::premise::variable(
                "CDU_LATENCYFS",
                "the latencyfs binary: build benches/latencyfs, as .ci/run does",
            ),
        ],
        cdu_matches_gnu_du_through_latencyfs,
    );
    suite.add(
        "a_bindfs_mount_root_shows_no_percentage_from_the_disk_beneath",
        &[
            harness::premise::fuse(),
            harness::premise::program("bindfs", "bindfs"),
        ],
        a_bindfs_mount_root_shows_no_percentage_from_the_disk_beneath,
    );
    suite.add(
        "a_hard_link_seen_twice_through_bindfs_is_counted_once",
        &[
            harness::premise::fuse(),
            harness::premise::program("bindfs", "bindfs"),
        ],
        a_hard_link_seen_twice_through_bindfs_is_counted_once,
    );
    suite.run();
}
