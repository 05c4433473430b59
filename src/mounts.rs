//! How many entries a whole file system holds: when an operand is the root
//! of a mounted file system, statfs knows its used inodes, and the
//! mount table (`/proc/self/mountinfo`) names the file systems mounted
//! below it, which the walk enters unless `-x`.
//!
//! Inodes, not blocks: used blocks also hold the file system's own
//! metadata (journal, inode tables, reserved blocks) that du never counts,
//! while every entry du counts is one inode (hard links aside: one inode,
//! several entries).

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A mount of the table: where, and what part of its file system it shows
/// (`/` unless it is a bind mount of a directory).
#[derive(Debug, PartialEq, Eq)]
struct Mount {
    root: Vec<u8>,
    point: PathBuf,
}

/// The entries of the file system whose root is `dir` (canonical, its
/// device `dev`) and, unless `one_file_system`, of those mounted below it.
/// None when `dir` is not a root, or when a file system does not count
/// its inodes (btrfs, proc, sysfs say 0).
pub fn file_system_entries(dir: &Path, dev: u64, one_file_system: bool) -> Option<u64> {
    let is_root = match dir.parent() {
        None => true,
        Some(parent) => std::fs::metadata(parent).ok()?.dev() != dev,
    };
    if !is_root {
        return None;
    }
    let table = std::fs::read("/proc/self/mountinfo")
        .map(|t| parse_mountinfo(&t))
        .ok();
    if let Some(table) = &table
        && let Some(own) = table.iter().rev().find(|m| m.point == dir)
        && own.root != b"/"
    {
        // A bind mount shows part of its file system; statfs counts it all.
        return None;
    }
    let mut total = used_inodes(dir)?;
    if one_file_system {
        return Some(total);
    }
    let mut seen = vec![dev];
    for mount in table?.iter().rev() {
        if mount.point == dir || !mount.point.starts_with(dir) {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&mount.point) else {
            continue;
        };
        if seen.contains(&meta.dev()) {
            continue;
        }
        seen.push(meta.dev());
        total += used_inodes(&mount.point)?;
    }
    Some(total)
}

/// f_files - f_ffree; None when the file system keeps no count, or when
/// the count is its server's: a FUSE file system such as bindfs passes on
/// the count of the whole file system it serves from, and an NFS export
/// of a directory that of the server's disk, both more than the tree.
fn used_inodes(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statfs(dir).ok()?;
    #[allow(clippy::unnecessary_cast)]
    if matches!(
        crate::walk::FsKind::of_magic(s.f_type as i64),
        crate::walk::FsKind::Fuse | crate::walk::FsKind::Network
    ) {
        return None;
    }
    let (files, free) = (s.f_files as u64, s.f_ffree as u64);
    (files > 0).then(|| files.saturating_sub(free))
}

/// The mount root and mount point of each line of a mountinfo table
/// (proc(5): `ID PARENT MAJ:MIN ROOT POINT ...`, spaces and the like
/// written as octal escapes).
fn parse_mountinfo(text: &[u8]) -> Vec<Mount> {
    text.split(|&b| b == b'\n')
        .filter_map(|line| {
            let mut fields = line.split(|&b| b == b' ');
            let root = unescape(fields.nth(3)?);
            let point = unescape(fields.next()?);
            Some(Mount {
                root,
                point: PathBuf::from(std::ffi::OsStr::from_bytes(&point)),
            })
        })
        .collect()
}

/// `\040` as a space, as the kernel writes names in the mount table.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let octal = field
            .get(i + 1..i + 4)
            .filter(|d| field[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                out.push(d.iter().fold(0u8, |n, c| n.wrapping_mul(8) + (c - b'0')));
                i += 4;
            }
            None => {
                out.push(field[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_lines_give_root_and_point_unescaped() {
        let table = b"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
            40 22 0:35 /sub /mnt/my\\040disk rw - ext4 /dev/sdb1 rw\n";
        assert_eq!(
            parse_mountinfo(table),
            vec![
                Mount {
                    root: b"/".to_vec(),
                    point: "/".into()
                },
                Mount {
                    root: b"/sub".to_vec(),
                    point: "/mnt/my disk".into()
                },
            ]
        );
    }

    #[test]
    fn a_directory_that_is_not_a_mount_root_has_no_total() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let dev = std::fs::metadata(&sub).unwrap().dev();
        let sub = sub.canonicalize().unwrap();
        assert_eq!(file_system_entries(&sub, dev, false), None);
    }
}
