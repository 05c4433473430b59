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
    /// Mounts `kind` for a trial whose premises
    /// ([`crate::harness::premise::mount`]) hold: a mount that still
    /// fails is a failure of the trial, with the reason.
    pub fn require(kind: &str) -> Mounted {
        Self::mount(kind).unwrap_or_else(|why| panic!("cannot mount {kind}: {why}"))
    }

    /// Mounts `kind`: "tmpfs", or a file system made with `mkfs.KIND` in a
    /// 1 GiB sparse image on a loop device; or says why that cannot be done.
    pub fn mount(kind: &str) -> Result<Mounted, String> {
        if !is_root() {
            return Err("mounting needs root".into());
        }
        let dir = tempfile::Builder::new()
            .prefix("cdu-mount-")
            .tempdir()
            .map_err(|e| format!("temporary directory: {e}"))?;
        let mnt = dir.path().join("mnt");
        std::fs::create_dir(&mnt).map_err(|e| format!("{}: {e}", mnt.display()))?;
        let status = if kind == "tmpfs" {
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=512m", "cdu-order"])
                .arg(&mnt)
                .status()
        } else {
            let mkfs = format!("mkfs.{kind}");
            let image = dir.path().join("image");
            let file = std::fs::File::create(&image).map_err(|e| format!("image: {e}"))?;
            file.set_len(1 << 30).map_err(|e| format!("image: {e}"))?;
            let made = Command::new(&mkfs)
                .arg("-q")
                .arg(&image)
                .output()
                .map_err(|e| format!("{mkfs}: {e}"))?;
            if !made.status.success() {
                return Err(format!(
                    "{mkfs} failed: {}",
                    String::from_utf8_lossy(&made.stderr)
                ));
            }
            Command::new("mount")
                .args(["-o", "loop"])
                .arg(&image)
                .arg(&mnt)
                .status()
        };
        match status {
            Ok(s) if s.success() => Ok(Mounted { dir, mounted: true }),
            Ok(s) => Err(format!("mount failed ({s})")),
            Err(e) => Err(format!("mount: {e}")),
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
