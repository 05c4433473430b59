//! The file system: a read-only view of SOURCE whose answers each come
//! `delay` after the request.
//!
//! Delayed: lookup, getattr, readlink, opendir, readdir, open, read and
//! statfs, every call a network client would send to its server (an
//! NFS client's open asks for attributes). Answered at once: releasing
//! files and directories, which need no answer worth waiting for.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, InitFlags,
    KernelConfig, LockOwner, OpenAccMode, OpenFlags, ReplyAttr, ReplyData, ReplyDirectory,
    ReplyEmpty, ReplyEntry, ReplyOpen, ReplyStatfs, Request,
};

use crate::delay::Delayer;
use crate::inodes::Inodes;

/// One directory entry, as listed at opendir.
struct Entry {
    ino: u64,
    kind: FileType,
    name: OsString,
}

/// The requests counted, by kind.
#[derive(Clone, Copy)]
enum Op {
    Lookup,
    Getattr,
    Readlink,
    Opendir,
    Readdir,
    Open,
    Read,
    Statfs,
}

const OP_NAMES: [&str; 8] = [
    "lookup", "getattr", "readlink", "opendir", "readdir", "open", "read", "statfs",
];

pub struct LatencyFs {
    counts: [AtomicU64; 8],
    inodes: Mutex<Inodes>,
    /// Open directories: their listing, read whole at opendir so that the
    /// readdir calls that follow page through one consistent snapshot.
    dirs: Mutex<HashMap<u64, Arc<Vec<Entry>>>>,
    files: Mutex<HashMap<u64, Arc<File>>>,
    next_handle: AtomicU64,
    ttl: Duration,
    later: Delayer,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn errno(e: &io::Error) -> Errno {
    Errno::from_i32(e.raw_os_error().unwrap_or(libc::EIO))
}

impl LatencyFs {
    /// A view of the directory `source` (canonical), answering after
    /// `delay`, with attributes and entries cached by the kernel for `ttl`.
    pub fn new(source: &Path, delay: Duration, ttl: Duration) -> io::Result<LatencyFs> {
        let md = std::fs::metadata(source)?;
        if !md.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", source.display()),
            ));
        }
        Ok(LatencyFs {
            counts: Default::default(),
            inodes: Mutex::new(Inodes::new(source.to_owned(), md.dev(), md.ino())),
            dirs: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            next_handle: AtomicU64::new(1),
            ttl,
            later: Delayer::new(delay),
        })
    }

    fn path_of(&self, ino: INodeNo) -> Result<std::path::PathBuf, Errno> {
        lock(&self.inodes)
            .get(ino.0)
            .map(|n| n.path.clone())
            .ok_or(Errno::ESTALE)
    }

    fn getattr_now(&self, ino: INodeNo) -> Result<FileAttr, Errno> {
        let path = self.path_of(ino)?;
        let md = std::fs::symlink_metadata(&path).map_err(|e| errno(&e))?;
        let shown = lock(&self.inodes).shown(ino.0);
        Ok(attr(&md, shown))
    }

    fn lookup_now(&self, parent: INodeNo, name: &OsStr) -> Result<FileAttr, Errno> {
        let path = lock(&self.inodes)
            .child_path(parent.0, name)
            .ok_or(Errno::ESTALE)?;
        let md = std::fs::symlink_metadata(&path).map_err(|e| errno(&e))?;
        let ino = lock(&self.inodes).intern(md.dev(), md.ino(), parent.0, || path);
        Ok(attr(&md, ino))
    }

    fn list_now(&self, ino: INodeNo) -> Result<Vec<Entry>, Errno> {
        let (path, dev, parent) = {
            let inodes = lock(&self.inodes);
            let node = inodes.get(ino.0).ok_or(Errno::ESTALE)?;
            (node.path.clone(), node.dev, node.parent)
        };
        let fd = rustix::fs::open(
            &path,
            rustix::fs::OFlags::RDONLY
                | rustix::fs::OFlags::DIRECTORY
                | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .map_err(|e| Errno::from_i32(e.raw_os_error()))?;
        let mut dir =
            rustix::fs::Dir::read_from(&fd).map_err(|e| Errno::from_i32(e.raw_os_error()))?;
        let mut raw = Vec::new();
        while let Some(entry) = dir.read() {
            let entry = entry.map_err(|e| Errno::from_i32(e.raw_os_error()))?;
            let name = OsStr::from_bytes(entry.file_name().to_bytes()).to_owned();
            let kind = match kind_of_dirent(entry.file_type()) {
                Some(k) => k,
                // The source did not say (DT_UNKNOWN): ask it.
                None => match std::fs::symlink_metadata(path.join(&name)) {
                    Ok(md) => kind_of_mode(md.mode()),
                    Err(_) => continue,
                },
            };
            raw.push((entry.ino(), kind, name));
        }
        let mut inodes = lock(&self.inodes);
        let entries = raw
            .into_iter()
            .map(|(d_ino, kind, name)| {
                let number = match name.as_bytes() {
                    b"." => ino.0,
                    b".." => parent,
                    _ => inodes.intern(dev, d_ino, ino.0, || path.join(&name)),
                };
                Entry {
                    ino: inodes.shown(number),
                    kind,
                    name,
                }
            })
            .collect();
        Ok(entries)
    }

    fn count(&self, op: Op) -> Instant {
        self.counts[op as usize].fetch_add(1, Ordering::Relaxed);
        Instant::now()
    }

    /// What was served, for the note printed at unmount.
    pub fn summary(&self) -> String {
        let mut s = String::from("served");
        for (name, n) in OP_NAMES.iter().zip(&self.counts) {
            s.push_str(&format!(" {} {name},", n.load(Ordering::Relaxed)));
        }
        s.push_str(&format!(
            " with at most {} answers waiting at once",
            self.later.most_waiting()
        ));
        s
    }

    fn handle(&self) -> u64 {
        self.next_handle.fetch_add(1, Ordering::Relaxed)
    }
}

/// FUSE's attributes for source metadata `md`, shown as inode `ino`.
fn attr(md: &Metadata, ino: u64) -> FileAttr {
    FileAttr {
        ino: INodeNo(ino),
        size: md.size(),
        blocks: md.blocks(),
        atime: time(md.atime(), md.atime_nsec()),
        mtime: time(md.mtime(), md.mtime_nsec()),
        ctime: time(md.ctime(), md.ctime_nsec()),
        crtime: UNIX_EPOCH,
        kind: kind_of_mode(md.mode()),
        perm: (md.mode() & 0o7777) as u16,
        nlink: md.nlink().try_into().unwrap_or(u32::MAX),
        uid: md.uid(),
        gid: md.gid(),
        rdev: fuse_rdev(md.rdev()),
        flags: 0,
        blksize: md.blksize().try_into().unwrap_or(u32::MAX),
    }
}

fn time(secs: i64, nsecs: i64) -> SystemTime {
    let nanos = Duration::from_nanos(nsecs.clamp(0, 999_999_999) as u64);
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64) + nanos
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + nanos
    }
}

/// A device number in the 32-bit form FUSE carries (the kernel's "new"
/// encoding: minor's low byte, major, then minor's other bits).
fn fuse_rdev(rdev: u64) -> u32 {
    let (major, minor) = (libc::major(rdev), libc::minor(rdev));
    (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & !0xff) << 12)
}

fn kind_of_mode(mode: u32) -> FileType {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => FileType::Directory,
        libc::S_IFLNK => FileType::Symlink,
        libc::S_IFIFO => FileType::NamedPipe,
        libc::S_IFCHR => FileType::CharDevice,
        libc::S_IFBLK => FileType::BlockDevice,
        libc::S_IFSOCK => FileType::Socket,
        _ => FileType::RegularFile,
    }
}

fn kind_of_dirent(t: rustix::fs::FileType) -> Option<FileType> {
    use rustix::fs::FileType as T;
    Some(match t {
        T::RegularFile => FileType::RegularFile,
        T::Directory => FileType::Directory,
        T::Symlink => FileType::Symlink,
        T::Fifo => FileType::NamedPipe,
        T::Socket => FileType::Socket,
        T::CharacterDevice => FileType::CharDevice,
        T::BlockDevice => FileType::BlockDevice,
        T::Unknown => return None,
    })
}

impl Filesystem for LatencyFs {
    fn init(&mut self, _req: &Request, config: &mut KernelConfig) -> io::Result<()> {
        // Let the kernel send lookups and readdirs of one directory in
        // parallel, as libfuse (and so bindfs) does; without it they queue
        // one at a time per directory. Older kernels go without.
        if config
            .add_capabilities(InitFlags::FUSE_PARALLEL_DIROPS)
            .is_err()
        {
            eprintln!("latencyfs: this kernel cannot run lookups of one directory in parallel");
        }
        Ok(())
    }

    fn destroy(&mut self) {
        eprintln!("latencyfs: {}", self.summary());
    }

    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let received = self.count(Op::Lookup);
        let result = self.lookup_now(parent, name);
        let ttl = self.ttl;
        self.later.after(received, move || match result {
            Ok(attr) => reply.entry(&ttl, &attr, Generation(0)),
            Err(e) => reply.error(e),
        });
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        let received = self.count(Op::Getattr);
        let result = self.getattr_now(ino);
        let ttl = self.ttl;
        self.later.after(received, move || match result {
            Ok(attr) => reply.attr(&ttl, &attr),
            Err(e) => reply.error(e),
        });
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let received = self.count(Op::Readlink);
        let result = self
            .path_of(ino)
            .and_then(|p| std::fs::read_link(p).map_err(|e| errno(&e)));
        self.later.after(received, move || match result {
            Ok(target) => reply.data(target.as_os_str().as_bytes()),
            Err(e) => reply.error(e),
        });
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        let received = self.count(Op::Opendir);
        let result = self.list_now(ino).map(|entries| {
            let fh = self.handle();
            lock(&self.dirs).insert(fh, Arc::new(entries));
            fh
        });
        // No FOPEN_CACHE_DIR: the kernel asks again at every opendir.
        self.later.after(received, move || match result {
            Ok(fh) => reply.opened(FileHandle(fh), FopenFlags::empty()),
            Err(e) => reply.error(e),
        });
    }

    fn readdir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let received = self.count(Op::Readdir);
        let Some(entries) = lock(&self.dirs).get(&fh.0).cloned() else {
            self.later
                .after(received, move || reply.error(Errno::EBADF));
            return;
        };
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        for (i, e) in entries.iter().enumerate().skip(start) {
            // The offset of an entry is where the next call resumes.
            if reply.add(INodeNo(e.ino), i as u64 + 1, e.kind, &e.name) {
                break;
            }
        }
        self.later.after(received, move || reply.ok());
    }

    fn releasedir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        reply: ReplyEmpty,
    ) {
        lock(&self.dirs).remove(&fh.0);
        reply.ok();
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        let received = self.count(Op::Open);
        let result = if flags.acc_mode() != OpenAccMode::O_RDONLY {
            Err(Errno::EROFS)
        } else {
            self.path_of(ino).and_then(|p| {
                let file = File::open(p).map_err(|e| errno(&e))?;
                let fh = self.handle();
                lock(&self.files).insert(fh, Arc::new(file));
                Ok(fh)
            })
        };
        self.later.after(received, move || match result {
            Ok(fh) => reply.opened(FileHandle(fh), FopenFlags::empty()),
            Err(e) => reply.error(e),
        });
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let received = self.count(Op::Read);
        let file = lock(&self.files).get(&fh.0).cloned();
        let result = match file {
            None => Err(Errno::EBADF),
            Some(file) => read_at(&file, offset, size as usize).map_err(|e| errno(&e)),
        };
        self.later.after(received, move || match result {
            Ok(data) => reply.data(&data),
            Err(e) => reply.error(e),
        });
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        lock(&self.files).remove(&fh.0);
        reply.ok();
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        let received = self.count(Op::Statfs);
        let root = lock(&self.inodes).root_path().to_owned();
        let result = rustix::fs::statvfs(&root).map_err(|e| Errno::from_i32(e.raw_os_error()));
        self.later.after(received, move || match result {
            Ok(s) => reply.statfs(
                s.f_blocks,
                s.f_bfree,
                s.f_bavail,
                s.f_files,
                s.f_ffree,
                s.f_bsize.try_into().unwrap_or(u32::MAX),
                s.f_namemax.try_into().unwrap_or(u32::MAX),
                s.f_frsize.try_into().unwrap_or(u32::MAX),
            ),
            Err(e) => reply.error(e),
        });
    }
}

/// Up to `size` bytes of `file` from `offset`: fewer only at its end.
fn read_at(file: &File, offset: u64, size: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; size];
    let mut filled = 0;
    while filled < size {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_numbers_survive_the_trip_through_fuse() {
        for (major, minor) in [(8, 1), (1, 3), (259, 0), (4095, 1_048_575)] {
            let rdev = libc::makedev(major, minor);
            let fuse = fuse_rdev(rdev);
            // The kernel's decoding of the 32-bit form.
            let back_major = (fuse & 0xfff00) >> 8;
            let back_minor = (fuse & 0xff) | ((fuse >> 12) & 0xfff00);
            assert_eq!((back_major, back_minor), (major, minor));
        }
    }

    #[test]
    fn times_before_1970_keep_their_nanoseconds() {
        let t = time(-2, 500_000_000);
        assert_eq!(
            UNIX_EPOCH.duration_since(t).unwrap(),
            Duration::from_millis(1500)
        );
    }
}
