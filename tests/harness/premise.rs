//! Premises: what a trial needs from the machine besides cdu, each either
//! here (`Ok`) or missing with a reason a person can act on.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// `Ok(())` when the premise holds, or why it does not.
pub type Premise = Result<(), String>;

/// GNU du 9.7, as the differential tests find it: `CDU_REFERENCE_DU` when
/// set, else the repository's `tools/reference-du` once its cache is
/// filled. Nothing is downloaded here: a fresh clone without set-up runs
/// no comparison and says so.
pub fn reference_du() -> Result<PathBuf, String> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND.get_or_init(find_reference_du).clone()
}

fn find_reference_du() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CDU_REFERENCE_DU").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/reference-du");
    let not_found = "no GNU du 9.7 to compare with: CDU_REFERENCE_DU is not set and \
                     tools/reference-du has not fetched it (run `tools/reference-du --version` \
                     once, or set CDU_REFERENCE_DU to a GNU du 9.7)";
    let out = Command::new(&script)
        .arg("--version")
        .env("CDU_REFERENCE_OFFLINE", "1")
        .output();
    match out {
        Ok(out) if out.status.success() && out.stdout.starts_with(b"du (GNU coreutils) 9.7\n") => {
            Ok(script)
        }
        _ => Err(not_found.to_string()),
    }
}

/// The reference du as a premise.
pub fn reference() -> Premise {
    reference_du().map(|_| ())
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Root, for mounts, device nodes and permissions that bind root only
/// once its capabilities are dropped.
pub fn root(what: &str) -> Premise {
    if is_root() {
        Ok(())
    } else {
        Err(format!("{what} needs root"))
    }
}

/// Where `program` is on PATH, if it is.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    std::env::split_paths(&path)
        .chain([PathBuf::from("/sbin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(program))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A program on PATH, with the Debian package that brings it.
pub fn program(program: &str, package: &str) -> Premise {
    match find_program(program) {
        Some(_) => Ok(()),
        None => Err(format!(
            "{program} is not installed (Debian package {package})"
        )),
    }
}

/// A file system of `kind` can be mounted for a test: tmpfs as root, any
/// other kind as root with its `mkfs.KIND` and loop devices.
pub fn mount(kind: &str) -> Premise {
    root(&format!("mounting {kind}"))?;
    if kind == "tmpfs" {
        return Ok(());
    }
    let package = match kind {
        "ext4" => "e2fsprogs",
        "xfs" => "xfsprogs",
        "btrfs" => "btrfs-progs",
        _ => "its mkfs",
    };
    program(&format!("mkfs.{kind}"), package)?;
    if Path::new("/dev/loop-control").exists() {
        Ok(())
    } else {
        Err(format!(
            "mounting {kind} needs loop devices (/dev/loop-control)"
        ))
    }
}

/// A device file that can be opened for writing, such as /dev/full.
pub fn device(path: &str) -> Premise {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("{path} cannot be opened here: {e}")),
    }
}

/// A trial too slow for every run: it runs with `--ignored`.
pub fn slow(what: &str) -> Premise {
    Err(format!("slow, run with --ignored: {what}"))
}

/// Running a program without the capabilities that let root read any
/// directory: as root that takes setpriv; anyone else is bound already.
pub fn unprivileged() -> Premise {
    if is_root() {
        program("setpriv", "util-linux")
    } else {
        Ok(())
    }
}

/// FUSE file systems can be mounted: root, and /dev/fuse opens.
pub fn fuse() -> Premise {
    root("mounting FUSE file systems")?;
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")
    {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("/dev/fuse cannot be opened: {e}")),
    }
}

/// An environment variable that names something the trial needs; `why`
/// says what to set it to.
pub fn variable(name: &str, why: &str) -> Premise {
    match std::env::var_os(name) {
        Some(v) if !v.is_empty() => Ok(()),
        _ => Err(format!("{name} is not set ({why})")),
    }
}
