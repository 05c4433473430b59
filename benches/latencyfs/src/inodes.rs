//! Which source file each FUSE inode number stands for.
//!
//! Every source inode, known by (device, inode), gets one FUSE number for
//! as long as the file system is mounted, so all the names of a hard-linked
//! file share it (and du counts the file once). Where it can, the number is
//! the source's own inode number: always for the files on the source
//! directory's own device, except an inode numbered 1, which FUSE keeps
//! for the root. Inodes of other devices (file systems mounted inside
//! SOURCE), whose numbers could clash, get numbers from 2^63 up.
//!
//! Nothing is ever forgotten: the map grows with each distinct inode seen,
//! some 100 bytes and a path each (a few tens of MB for /usr), and the
//! source is taken not to change while it is mounted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// FUSE's number for the root directory.
pub const ROOT: u64 = 1;

/// Where synthetic numbers start; no real inode number of the source's
/// own device this high is passed through.
const SYNTHETIC: u64 = 1 << 63;

/// One known source inode.
#[derive(Debug)]
pub struct Node {
    /// A path to it in the source: the first name it was seen under.
    pub path: PathBuf,
    /// The FUSE number of the directory it was first seen in (the root's
    /// own for the root).
    pub parent: u64,
    /// Its source device, on which its directory entries live.
    pub dev: u64,
}

#[derive(Debug)]
pub struct Inodes {
    nodes: HashMap<u64, Node>,
    by_source: HashMap<(u64, u64), u64>,
    root_dev: u64,
    root_ino: u64,
    next_synthetic: u64,
}

impl Inodes {
    /// A map holding only the root: `path`, inode `ino` on device `dev`.
    pub fn new(path: PathBuf, dev: u64, ino: u64) -> Inodes {
        let mut nodes = HashMap::new();
        nodes.insert(
            ROOT,
            Node {
                path,
                parent: ROOT,
                dev,
            },
        );
        let mut by_source = HashMap::new();
        by_source.insert((dev, ino), ROOT);
        Inodes {
            nodes,
            by_source,
            root_dev: dev,
            root_ino: ino,
            next_synthetic: SYNTHETIC,
        }
    }

    pub fn get(&self, fuse_ino: u64) -> Option<&Node> {
        self.nodes.get(&fuse_ino)
    }

    /// The inode number that stat shows for `fuse_ino`: its own, but the
    /// root's real number for the root.
    pub fn shown(&self, fuse_ino: u64) -> u64 {
        if fuse_ino == ROOT {
            self.root_ino
        } else {
            fuse_ino
        }
    }

    /// The FUSE number of source inode `ino` on device `dev`, met under
    /// `path` in the directory numbered `parent`; given one on first sight.
    pub fn intern(
        &mut self,
        dev: u64,
        ino: u64,
        parent: u64,
        path: impl FnOnce() -> PathBuf,
    ) -> u64 {
        if let Some(&known) = self.by_source.get(&(dev, ino)) {
            return known;
        }
        let number = if dev == self.root_dev && ino != ROOT && ino < SYNTHETIC {
            // Free: only this device's inodes below 2^63 take their own
            // number, and (dev, ino) was not seen.
            ino
        } else {
            let n = self.next_synthetic;
            self.next_synthetic += 1;
            n
        };
        debug_assert!(!self.nodes.contains_key(&number));
        self.nodes.insert(
            number,
            Node {
                path: path(),
                parent,
                dev,
            },
        );
        self.by_source.insert((dev, ino), number);
        number
    }

    /// The path of `fuse_ino` joined with `name`.
    pub fn child_path(&self, fuse_ino: u64, name: &std::ffi::OsStr) -> Option<PathBuf> {
        self.get(fuse_ino).map(|n| n.path.join(name))
    }

    /// The root's path in the source.
    pub fn root_path(&self) -> &Path {
        &self.nodes[&ROOT].path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> Inodes {
        Inodes::new("/src".into(), 10, 2)
    }

    #[test]
    fn the_root_is_one_but_shows_its_own_number() {
        let m = map();
        assert_eq!(m.shown(ROOT), 2);
        assert_eq!(m.get(ROOT).unwrap().path, Path::new("/src"));
    }

    #[test]
    fn inodes_of_the_sources_device_keep_their_numbers() {
        let mut m = map();
        assert_eq!(m.intern(10, 1234, ROOT, || "/src/a".into()), 1234);
        assert_eq!(m.shown(1234), 1234);
    }

    #[test]
    fn the_names_of_a_hard_link_share_one_number_and_the_first_path() {
        let mut m = map();
        let a = m.intern(10, 77, ROOT, || "/src/a".into());
        let b = m.intern(10, 77, ROOT, || "/src/b".into());
        assert_eq!(a, b);
        assert_eq!(m.get(a).unwrap().path, Path::new("/src/a"));
    }

    #[test]
    fn other_devices_and_inode_one_get_numbers_that_clash_with_nothing() {
        let mut m = map();
        let here = m.intern(10, 500, ROOT, || "/src/x".into());
        let there = m.intern(11, 500, ROOT, || "/src/mnt/x".into());
        let one = m.intern(10, 1, ROOT, || "/src/odd".into());
        let other_root = m.intern(11, 2, ROOT, || "/src/mnt".into());
        let all = [ROOT, here, there, one, other_root];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(here, 500);
        assert!(there >= SYNTHETIC && one >= SYNTHETIC && other_root >= SYNTHETIC);
        // Asked again, each keeps its number.
        assert_eq!(m.intern(11, 500, ROOT, || unreachable!()), there);
    }
}
