//! Opening a directory to read: relative to its parent's kept
//! descriptor, or one name at a time from the nearest kept ancestor, so
//! that no path handed to the kernel is longer than a name.

use rustix::fd::OwnedFd;
use rustix::fs::{CWD, Mode, OFlags, openat};
use rustix::io::Errno;

use super::descriptors::DirHandle;
use super::job::Job;

/// How a directory is opened: an operand (already looked at with the
/// right stat) or a directory below one.
fn dir_flags(operand: bool, logical: bool) -> OFlags {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOCTTY;
    // An operand was already looked at with the right stat; below it,
    // only -L may go through a symlink.
    if !operand && !logical {
        flags |= OFlags::NOFOLLOW;
    }
    flags
}

/// Opens the directory of `job`; under `-L` (`logical`) a symlink to a
/// directory below the operand is followed.
pub(super) fn open_dir(job: &Job, logical: bool) -> Result<OwnedFd, Errno> {
    let Some(parent) = &job.parent else {
        return openat(CWD, &job.name[..], dir_flags(true, logical), Mode::empty());
    };
    let flags = dir_flags(false, logical);
    let opened = match parent.kept() {
        Some(k) => openat(&k.fd, &job.name[..], flags, Mode::empty()),
        None => reopen(parent, logical)
            .and_then(|base| openat(&base, &job.name[..], flags, Mode::empty())),
    };
    parent.child_opened();
    opened
}

/// Opens a directory whose descriptor is not open, one name at a time
/// from the nearest ancestor whose descriptor is (or from its operand).
fn reopen(handle: &DirHandle, logical: bool) -> Result<OwnedFd, Errno> {
    let mut names: Vec<&[u8]> = Vec::new();
    let mut current = handle;
    let mut base = loop {
        if let Some(fd) = current.dup_fd() {
            break fd;
        }
        match &current.parent {
            Some(parent) => {
                names.push(&current.name);
                current = parent;
            }
            // The operand itself, relative to the working directory.
            None => {
                break openat(
                    CWD,
                    &current.name[..],
                    dir_flags(true, logical),
                    Mode::empty(),
                )?;
            }
        }
    };
    for name in names.into_iter().rev() {
        base = openat(&base, name, dir_flags(false, logical), Mode::empty())?;
    }
    Ok(base)
}
