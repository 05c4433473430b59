//! The file systems the walk tells apart, by statfs `f_type`: ONE table
//! says, for each magic number it knows, what kind of file system it is
//! (which decides how many threads the walk starts with) and whether
//! gnulib's fts leaves its large directories in readdir order (which
//! decides GNU du's order, see `order`). A file system not in the table
//! is a local disk whose large directories fts sorts.

use std::os::unix::ffi::OsStrExt;

/// What the walk knows of one file system type.
struct Known {
    magic: i64,
    kind: FsKind,
    /// fts leaves a large directory here in readdir order
    /// (`dirent_inode_sort_may_be_useful` in gnulib's `lib/fts.c`, as
    /// coreutils 9.7 pins it).
    unsorted: bool,
}

const fn fs(magic: i64, kind: FsKind, unsorted: bool) -> Known {
    Known {
        magic,
        kind,
        unsorted,
    }
}

/// The file systems that are not plain local disks.
const TABLE: &[Known] = &[
    fs(0x0102_1994, FsKind::Memory, true),  // tmpfs
    fs(0x8584_58f6, FsKind::Memory, false), // ramfs
    fs(0x6573_5546, FsKind::Fuse, false),
    fs(0x6969, FsKind::Network, true),       // NFS
    fs(0xff53_4d42, FsKind::Network, true),  // CIFS
    fs(0xfe53_4d42, FsKind::Network, false), // SMB2
    fs(0x517b, FsKind::Network, false),      // SMB
    fs(0x0102_1997, FsKind::Network, false), // 9p
    fs(0x00c3_6400, FsKind::Network, false), // Ceph
    fs(0x5346_414f, FsKind::Network, false), // AFS
];

/// The table's row for `magic`, compared in its low 32 bits (f_type is
/// signed on some platforms and sign-extended there).
fn known(magic: i64) -> Option<&'static Known> {
    let magic = magic & 0xFFFF_FFFF;
    TABLE.iter().find(|fs| fs.magic == magic)
}

/// Whether fts sorts a large directory of the file system `magic` by
/// inode number.
pub fn sorts_large_dirs(magic: i64) -> bool {
    known(magic).is_none_or(|fs| !fs.unsorted)
}

/// What kind of file system the walk starts on, as far as its speed goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsKind {
    /// A disk: cores are the limit when warm, the device when cold.
    Local,
    /// Kept in memory (tmpfs, ramfs): nothing to wait for, ever.
    Memory,
    /// A file system in user space, served by a process on this machine.
    Fuse,
    /// Served over a network (NFS, SMB, 9p, Ceph, AFS).
    Network,
}

impl FsKind {
    /// The kind of a statfs `f_type`.
    pub fn of_magic(magic: i64) -> FsKind {
        known(magic).map_or(FsKind::Local, |fs| fs.kind)
    }

    /// The kind of the file system holding `path`; local when it cannot
    /// be told (the walk will report the error itself).
    pub fn of_path(path: &[u8]) -> FsKind {
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
        match rustix::fs::statfs(path) {
            #[allow(clippy::unnecessary_cast)]
            Ok(fs) => FsKind::of_magic(fs.f_type as i64),
            Err(_) => FsKind::Local,
        }
    }

    /// Whether whatever answers the walk's calls runs on this machine's
    /// processors, so that when it has all it can take they are busy.
    /// Only FUSE: a disk's queue and a remote server are out of sight.
    pub fn served_here(self) -> bool {
        self == FsKind::Fuse
    }

    pub fn name(self) -> &'static str {
        match self {
            FsKind::Local => "local",
            FsKind::Memory => "memory",
            FsKind::Fuse => "fuse",
            FsKind::Network => "network",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_statfs_magic() {
        assert_eq!(FsKind::of_magic(0xEF53), FsKind::Local); // ext4
        assert_eq!(FsKind::of_magic(0x0102_1994), FsKind::Memory); // tmpfs
        assert_eq!(FsKind::of_magic(0x6573_5546), FsKind::Fuse);
        assert_eq!(FsKind::of_magic(0x6969), FsKind::Network); // NFS
        assert_eq!(FsKind::of_magic(0xFE53_4D42), FsKind::Network); // SMB2
    }

    #[test]
    fn fts_leaves_tmpfs_nfs_and_cifs_unsorted_and_sorts_the_rest() {
        assert!(!sorts_large_dirs(0x0102_1994));
        assert!(!sorts_large_dirs(0x6969));
        assert!(
            !sorts_large_dirs(0xFF53_4D42_u32 as i32 as i64),
            "sign-extended"
        );
        assert!(sorts_large_dirs(0xEF53)); // ext4
        assert!(sorts_large_dirs(0x6573_5546)); // FUSE
    }
}
