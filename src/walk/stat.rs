//! Stating an entry and reading what the stat says: sizes as du counts
//! them, the type, the time `--time` asks for.

use rustix::fd::BorrowedFd;
use rustix::fs::{AtFlags, CWD, FileType, Stat};
use rustix::io::Errno;

use crate::config::TimeKind;

pub(super) fn errno_of(e: Errno) -> i32 {
    e.raw_os_error()
}

/// Stats `name` in `dir`, following a symlink if `follow`. A dangling
/// symlink that is followed fails with errno 0, as fts reports it
/// (FTS_SLNONE): du then names the file without a reason.
pub(super) fn stat_entry<P: rustix::path::Arg + Copy>(
    dir: BorrowedFd<'_>,
    name: P,
    follow: bool,
) -> Result<Stat, i32> {
    let flags = if follow {
        AtFlags::empty()
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    };
    match rustix::fs::statat(dir, name, flags) {
        Ok(st) => Ok(st),
        Err(Errno::NOENT)
            if follow && rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).is_ok() =>
        {
            Err(0)
        }
        Err(e) => Err(errno_of(e)),
    }
}

/// Whether the entry `name` of `dir` is a symlink, from its dirent type
/// when the file system gives one.
pub(super) fn is_symlink(dir: BorrowedFd<'_>, name: &std::ffi::CStr, dtype: FileType) -> bool {
    match dtype {
        FileType::Symlink => true,
        FileType::Unknown => rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|st| FileType::from_raw_mode(st.st_mode as _) == FileType::Symlink),
        _ => false,
    }
}

/// How many of the components of `path` are symlinks: those the kernel
/// follows in resolving it (links inside their targets are not counted).
pub(super) fn links_in_path(path: &[u8]) -> u32 {
    let mut count = 0;
    for (i, &b) in path.iter().enumerate() {
        let end = i + 1 == path.len() || path[i + 1] == b'/';
        if b == b'/' || !end {
            continue;
        }
        let prefix = &path[..=i];
        if rustix::fs::statat(CWD, prefix, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|st| FileType::from_raw_mode(st.st_mode as _) == FileType::Symlink)
        {
            count += 1;
        }
    }
    count
}

/// The time `--time` asks for, as nanoseconds since the epoch.
#[allow(clippy::unnecessary_cast)]
pub(super) fn stat_time(st: &Stat, kind: TimeKind) -> i128 {
    let (seconds, nanoseconds) = match kind {
        TimeKind::Modification => (st.st_mtime as i128, st.st_mtime_nsec as i128),
        TimeKind::Access => (st.st_atime as i128, st.st_atime_nsec as i128),
        TimeKind::StatusChange => (st.st_ctime as i128, st.st_ctime_nsec as i128),
    };
    seconds * 1_000_000_000 + nanoseconds
}

/// `st_size` of regular files and symlinks, 0 for everything else (GNU
/// du's rule since 9.2).
pub(super) fn apparent_size(st: &Stat) -> u64 {
    match FileType::from_raw_mode(st.st_mode as _) {
        FileType::RegularFile | FileType::Symlink => st.st_size.max(0) as u64,
        _ => 0,
    }
}

#[allow(clippy::unnecessary_cast)]
pub(super) fn disk_usage(st: &Stat) -> u64 {
    (st.st_blocks as u64).saturating_mul(512)
}

/// A stat's type as exports record it.
pub(super) fn file_type(st: &Stat) -> crate::stream::batch::FileType {
    use crate::stream::batch::FileType as T;
    match FileType::from_raw_mode(st.st_mode as _) {
        FileType::RegularFile => T::Regular,
        FileType::Directory => T::Directory,
        FileType::Symlink => T::Symlink,
        _ => T::Other,
    }
}

/// The (device, inode) of a stat, as u64 whatever the platform's types.
#[allow(clippy::unnecessary_cast)]
pub(super) fn dev_ino(st: &Stat) -> (u64, u64) {
    (st.st_dev as u64, st.st_ino as u64)
}

#[allow(clippy::unnecessary_cast)]
pub(super) fn nlink(st: &Stat) -> u64 {
    st.st_nlink as u64
}

pub(super) fn is_dir(st: &Stat) -> bool {
    FileType::from_raw_mode(st.st_mode as _) == FileType::Directory
}
