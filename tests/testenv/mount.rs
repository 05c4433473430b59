//! File systems mounted for one test (as root): tmpfs, or a loop-mounted
//! image made with `mkfs.KIND`, unmounted on drop.

use std::path::PathBuf;
use std::process::Command;

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// A file system mounted on a directory of a temporary dir for one test,
/// unmounted (lazily, so a busy mount cannot wedge the suite) on drop.
pub struct Mounted {
    dir: tempfile::TempDir,
    mounted: bool,
}

impl Mounted {
    /// Mounts `kind`: "tmpfs", or a file system made with `mkfs.KIND` in a
    /// 1 GiB sparse image on a loop device. None (and a loud note) if that
    /// cannot be done here.
    pub fn new(kind: &str) -> Option<Mounted> {
        if !is_root() {
            eprintln!("SKIPPED: {kind}: mounting needs root");
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("cdu-mount-")
            .tempdir()
            .ok()?;
        let mnt = dir.path().join("mnt");
        std::fs::create_dir(&mnt).ok()?;
        let status = if kind == "tmpfs" {
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=512m", "cdu-order"])
                .arg(&mnt)
                .status()
        } else {
            let mkfs = format!("mkfs.{kind}");
            if Command::new(&mkfs).arg("-V").output().is_err() {
                eprintln!("SKIPPED: {kind}: {mkfs} is not installed");
                return None;
            }
            let image = dir.path().join("image");
            let file = std::fs::File::create(&image).ok()?;
            file.set_len(1 << 30).ok()?;
            let made = Command::new(&mkfs).arg("-q").arg(&image).output().ok()?;
            if !made.status.success() {
                eprintln!(
                    "SKIPPED: {kind}: {mkfs} failed: {}",
                    String::from_utf8_lossy(&made.stderr)
                );
                return None;
            }
            Command::new("mount")
                .args(["-o", "loop"])
                .arg(&image)
                .arg(&mnt)
                .status()
        };
        match status {
            Ok(s) if s.success() => Some(Mounted { dir, mounted: true }),
            _ => {
                eprintln!("SKIPPED: {kind}: mount failed (no loop devices or no support)");
                None
            }
        }
    }

    /// Where the file system is mounted: its root directory.
    pub fn mount_point(&self) -> PathBuf {
        self.dir.path().join("mnt")
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("mnt").join("root")
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path().join("mnt"))
                .status();
        }
    }
}
