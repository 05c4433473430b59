//! Build file trees on disk from a small text description.
//!
//! Self-contained (std + `rustix`), so it can be included from integration
//! tests (`mod testenv;`), from benches (`#[path = "../tests/testenv/tree.rs"]
//! mod tree;`) and from `examples/mktree.rs`. It carries its own
//! `#![allow(dead_code)]`: do not put `#[allow(dead_code)]` on the including
//! `mod` item as well (clippy::duplicated_attributes).
//!
//! # Description format
//!
//! One entry per line; blank lines are ignored and a token starting with `#`
//! starts a comment that runs to the end of the line. Paths are relative to
//! the tree root, `/`-separated, and their parents are created implicitly;
//! `.` names the root itself (useful as a `generate`/`chain`/`wide` prefix).
//! Path components and symlink targets may use the escapes `\n`, `\t`, `\r`,
//! `\\`, `\s` (space) and `\xHH` (any byte, so invalid UTF-8 is possible).
//! Sizes are byte counts with an optional 1024-based `K`, `M`, `G` or `T`
//! suffix; numbers may contain `_` separators.
//!
//! ```text
//! dir      PATH                   directory (also for empty dirs)
//! file     PATH SIZE              regular file with SIZE bytes of non-zero data
//! sparse   PATH SIZE              apparent size SIZE, no data blocks (ftruncate)
//! prealloc PATH SIZE              fallocate'd: blocks allocated, apparent size SIZE
//!                                 (falls back to writing data if unsupported)
//! hardlink PATH TARGET            hard link PATH -> TARGET (TARGET relative to root)
//! symlink  PATH TARGET            symlink with the literal TARGET text (may dangle)
//! fifo     PATH                   named pipe
//! socket   PATH                   bound unix-domain socket file
//! mode     PATH OCTAL             chmod, applied after everything else is built
//!                                 (deepest paths first)
//! generate PREFIX files=N dirs=D seed=S [maxsize=BYTES] [bigfiles=K]
//!                 [bigsize=BYTES] [depth=DEPTH]
//!          deterministic pseudo-random tree: D directories `dI` arranged as a
//!          complete tree whose fanout is the smallest that fits in DEPTH
//!          levels (default 6); N files `fI` spread uniformly over PREFIX and
//!          the directories, sizes 0..=maxsize (default 8K; 3% empty, 20%
//!          log-uniform, 77% uniform, so most are a few KB); K files `bigI`
//!          of bigsize bytes (default 1M).
//! chain    PREFIX depth=N [name=NAME] [fileevery=K] [filesize=BYTES]
//!          N nested directories PREFIX/NAME/NAME/... (default name `d`),
//!          built with directory file descriptors so it can exceed PATH_MAX;
//!          with fileevery=K, level L (L % K == 0) gets a file `fL` of
//!          filesize bytes (default 1000).
//! wide     PREFIX entries=N       one directory holding N empty files
//!                                 f0000000, f0000001, ...
//! ```
//!
//! Everything except `socket` (which has to go through a path, and uses
//! `/proc/self/fd/N/NAME` when the path is too long for `sockaddr_un`) is
//! done relative to directory file descriptors, so any entry may live below
//! a `chain` deeper than PATH_MAX.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread;

use rustix::fs::{AtFlags, FallocateFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

/// Mixed into the cache key so that changes to the generator invalidate
/// trees cached by [`build_cached`]. Bump when the output of `build` for a
/// given description changes.
const FORMAT_VERSION: &str = "cdu-tree-format-1";

/// Size of the shared buffer regular-file data is written from.
const DATA_LEN: usize = 1 << 20;

/// A relative path as a list of raw (already unescaped) components.
type RelPath = Vec<Vec<u8>>;

/// Parameters of a `generate` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenParams {
    pub files: u64,
    pub dirs: u64,
    pub seed: u64,
    pub maxsize: u64,
    pub bigfiles: u64,
    pub bigsize: u64,
    pub depth: u32,
}

#[derive(Debug, Clone)]
enum Op {
    Dir(RelPath),
    File(RelPath, u64),
    Sparse(RelPath, u64),
    Prealloc(RelPath, u64),
    Hardlink(RelPath, RelPath),
    Symlink(RelPath, Vec<u8>),
    Fifo(RelPath),
    Socket(RelPath),
    Mode(RelPath, u32),
    Generate(RelPath, GenParams),
    Chain {
        prefix: RelPath,
        depth: u64,
        name: Vec<u8>,
        file_every: u64,
        file_size: u64,
    },
    Wide(RelPath, u64),
}

#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    op: Op,
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Builds the tree described by `description` inside `root` (created if
/// missing). Errors carry the line number of the offending entry.
pub fn build(root: &Path, description: &str) -> io::Result<()> {
    let entries = parse(description)?;
    fs::create_dir_all(root)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", root.display())))?;
    let root_fd = rustix::fs::open(root, dir_flags(), Mode::empty())
        .map_err(|e| io_err(e, format!("{}", root.display())))?;
    let builder = Builder {
        root_path: root,
        root: root_fd,
    };
    let (modes, others): (Vec<&Entry>, Vec<&Entry>) =
        entries.iter().partition(|e| matches!(e.op, Op::Mode(..)));
    for entry in others {
        builder.run(entry).map_err(|e| context(entry, e))?;
    }
    // Deepest first, so that e.g. `mode a 000` does not prevent `mode a/b 700`.
    let mut modes = modes;
    modes.sort_by_key(|e| match &e.op {
        Op::Mode(p, _) => std::cmp::Reverse(p.len()),
        _ => unreachable!(),
    });
    for entry in modes {
        builder.run(entry).map_err(|e| context(entry, e))?;
    }
    Ok(())
}

/// Like [`build`], reading the description from a file; errors are prefixed
/// with the file name.
pub fn build_file(root: &Path, description_file: &Path) -> io::Result<()> {
    let text = read_description(description_file)?;
    build(root, &text).map_err(|e| prefix_err(description_file, e))
}

/// Builds `description_file` into `cache_dir/<stem>-<hash>` unless a
/// complete build already exists there, and returns that directory.
///
/// The hash covers the description text and the generator version. The tree
/// is built in a temporary sibling directory and renamed into place; a
/// `<stem>-<hash>.complete` marker next to the tree directory records
/// success. Without the marker the tree is rebuilt from scratch.
pub fn build_cached(description_file: &Path, cache_dir: &Path) -> io::Result<PathBuf> {
    let text = read_description(description_file)?;
    let stem = description_file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tree".to_string());
    let mut hasher = Fnv1a::new();
    hasher.update(FORMAT_VERSION.as_bytes());
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    let name = format!("{stem}-{:016x}", hasher.finish());
    let dir = cache_dir.join(&name);
    let marker = cache_dir.join(format!("{name}.complete"));
    if marker.is_file() && dir.is_dir() {
        return Ok(dir);
    }

    fs::create_dir_all(cache_dir)?;
    remove_stale_tmp_dirs(cache_dir, &name);
    let tmp = cache_dir.join(format!(".{name}.tmp-{}", std::process::id()));
    if fs::symlink_metadata(&tmp).is_ok() {
        remove_tree(&tmp)?;
    }
    build(&tmp, &text).map_err(|e| prefix_err(description_file, e))?;
    let _ = fs::remove_file(&marker);
    if fs::symlink_metadata(&dir).is_ok() {
        remove_tree(&dir)?;
    }
    fs::rename(&tmp, &dir)?;
    fs::write(
        &marker,
        format!("built from {}\n", description_file.display()),
    )?;
    Ok(dir)
}

/// Decodes the escapes of one name (`\n`, `\t`, `\r`, `\\`, `\s`, `\xHH`).
///
/// # Panics
/// On a malformed escape; use it on literals in tests.
pub fn parse_name(s: &str) -> Vec<u8> {
    unescape(s).unwrap_or_else(|e| panic!("bad name {s:?}: {e}"))
}

/// Decodes an escaped, `/`-separated relative path into a `PathBuf`
/// (convenient for computing expected paths in tests).
///
/// # Panics
/// On a malformed escape.
pub fn parse_rel_path(s: &str) -> PathBuf {
    PathBuf::from(OsString::from_vec(parse_name(s)))
}

/// Removes a tree of any depth (also deeper than PATH_MAX) and makes
/// unreadable directories accessible on the way. Works with at most two
/// directory descriptors open at a time (plus one shared by the unlink
/// threads). Files of a directory are unlinked on up to 16 threads: where
/// every unlink waits for a synchronous discard (ext4 without journal,
/// mounted with `discard`, as on the dev VM) this is ~10x faster than
/// `rm -rf`.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if !meta.is_dir() {
        return fs::remove_file(path);
    }
    let _ = fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let mut cur = rustix::fs::open(path, dir_flags(), Mode::empty())?;
    struct Frame {
        name: Vec<u8>,
        pending: Vec<Vec<u8>>,
    }
    let mut stack = vec![Frame {
        name: Vec::new(),
        pending: scan_and_unlink(&cur)?,
    }];
    while let Some(frame) = stack.last_mut() {
        if let Some(child) = frame.pending.pop() {
            let _ = rustix::fs::chmodat(&cur, &child, Mode::from_raw_mode(0o700), AtFlags::empty());
            cur = rustix::fs::openat(&cur, &child, dir_flags(), Mode::empty())?;
            let pending = scan_and_unlink(&cur)?;
            stack.push(Frame {
                name: child,
                pending,
            });
        } else {
            let done = stack.pop().expect("non-empty stack");
            if stack.is_empty() {
                break;
            }
            let parent = rustix::fs::openat(&cur, "..", dir_flags(), Mode::empty())?;
            rustix::fs::unlinkat(&parent, &done.name, AtFlags::REMOVEDIR)?;
            cur = parent;
        }
    }
    drop(cur);
    fs::remove_dir(path)
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

fn parse(description: &str) -> io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (idx, raw) in description.lines().enumerate() {
        let line = idx + 1;
        let tokens: Vec<&str> = raw
            .split_whitespace()
            .take_while(|t| !t.starts_with('#'))
            .collect();
        let Some((&keyword, args)) = tokens.split_first() else {
            continue;
        };
        let op = parse_op(keyword, args).map_err(|msg| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("line {line}: {msg}"))
        })?;
        entries.push(Entry { line, op });
    }
    Ok(entries)
}

fn parse_op(keyword: &str, args: &[&str]) -> Result<Op, String> {
    let nargs = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "`{keyword}` takes {n} argument(s), got {}",
                args.len()
            ))
        }
    };
    let leaf = |s: &str| {
        let p = parse_path(s)?;
        if p.is_empty() {
            Err(format!("`{keyword}` needs a non-root path, got {s:?}"))
        } else {
            Ok(p)
        }
    };
    Ok(match keyword {
        "dir" => {
            nargs(1)?;
            Op::Dir(parse_path(args[0])?)
        }
        "file" => {
            nargs(2)?;
            Op::File(leaf(args[0])?, parse_size(args[1])?)
        }
        "sparse" => {
            nargs(2)?;
            Op::Sparse(leaf(args[0])?, parse_size(args[1])?)
        }
        "prealloc" => {
            nargs(2)?;
            Op::Prealloc(leaf(args[0])?, parse_size(args[1])?)
        }
        "hardlink" => {
            nargs(2)?;
            Op::Hardlink(leaf(args[0])?, leaf(args[1])?)
        }
        "symlink" => {
            nargs(2)?;
            let target = unescape(args[1])?;
            if target.is_empty() || target.contains(&0) {
                return Err(format!("invalid symlink target {:?}", args[1]));
            }
            Op::Symlink(leaf(args[0])?, target)
        }
        "fifo" => {
            nargs(1)?;
            Op::Fifo(leaf(args[0])?)
        }
        "socket" => {
            nargs(1)?;
            Op::Socket(leaf(args[0])?)
        }
        "mode" => {
            nargs(2)?;
            let mode = u32::from_str_radix(args[1], 8)
                .ok()
                .filter(|m| *m <= 0o7777)
                .ok_or_else(|| format!("invalid octal mode {:?}", args[1]))?;
            Op::Mode(parse_path(args[0])?, mode)
        }
        "generate" => {
            let (prefix, rest) = args.split_first().ok_or("`generate` needs a PREFIX")?;
            let mut p = GenParams {
                files: 0,
                dirs: 0,
                seed: 0,
                maxsize: 8 * 1024,
                bigfiles: 0,
                bigsize: 1024 * 1024,
                depth: 6,
            };
            let (mut have_files, mut have_dirs, mut have_seed) = (false, false, false);
            for (key, value) in parse_params(rest)? {
                match key {
                    "files" => (p.files, have_files) = (parse_count(value)?, true),
                    "dirs" => (p.dirs, have_dirs) = (parse_count(value)?, true),
                    "seed" => (p.seed, have_seed) = (parse_count(value)?, true),
                    "maxsize" => p.maxsize = parse_size(value)?,
                    "bigfiles" => p.bigfiles = parse_count(value)?,
                    "bigsize" => p.bigsize = parse_size(value)?,
                    "depth" => {
                        p.depth = u32::try_from(parse_count(value)?)
                            .map_err(|_| format!("depth too large: {value}"))?
                    }
                    _ => return Err(format!("unknown `generate` parameter {key:?}")),
                }
            }
            if !(have_files && have_dirs && have_seed) {
                return Err("`generate` needs files=N dirs=D seed=S".to_string());
            }
            if p.dirs > 0 && p.depth == 0 {
                return Err("`generate` with dirs>0 needs depth>=1".to_string());
            }
            if p.dirs >= u32::MAX as u64 || p.files >= u32::MAX as u64 {
                return Err("`generate` counts must be below 2^32".to_string());
            }
            Op::Generate(parse_path(prefix)?, p)
        }
        "chain" => {
            let (prefix, rest) = args.split_first().ok_or("`chain` needs a PREFIX")?;
            let mut depth = None;
            let mut name = b"d".to_vec();
            let mut file_every = 0;
            let mut file_size = 1000;
            for (key, value) in parse_params(rest)? {
                match key {
                    "depth" => depth = Some(parse_count(value)?),
                    "name" => {
                        name = unescape(value)?;
                        if name.contains(&b'/')
                            || name.contains(&0)
                            || name == b"."
                            || name == b".."
                        {
                            return Err(format!("invalid chain name {value:?}"));
                        }
                    }
                    "fileevery" => file_every = parse_count(value)?,
                    "filesize" => file_size = parse_size(value)?,
                    _ => return Err(format!("unknown `chain` parameter {key:?}")),
                }
            }
            Op::Chain {
                prefix: parse_path(prefix)?,
                depth: depth.ok_or("`chain` needs depth=N")?,
                name,
                file_every,
                file_size,
            }
        }
        "wide" => {
            let (prefix, rest) = args.split_first().ok_or("`wide` needs a PREFIX")?;
            let mut entries = None;
            for (key, value) in parse_params(rest)? {
                match key {
                    "entries" => entries = Some(parse_count(value)?),
                    _ => return Err(format!("unknown `wide` parameter {key:?}")),
                }
            }
            Op::Wide(
                parse_path(prefix)?,
                entries.ok_or("`wide` needs entries=N")?,
            )
        }
        _ => return Err(format!("unknown entry type {keyword:?}")),
    })
}

fn parse_params<'a>(args: &[&'a str]) -> Result<Vec<(&'a str, &'a str)>, String> {
    args.iter()
        .map(|a| {
            a.split_once('=')
                .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                .ok_or_else(|| format!("expected KEY=VALUE, got {a:?}"))
        })
        .collect()
}

fn parse_count(s: &str) -> Result<u64, String> {
    let digits: String = s.chars().filter(|&c| c != '_').collect();
    digits
        .parse::<u64>()
        .map_err(|_| format!("invalid number {s:?}"))
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let mult: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => return Err(format!("invalid size suffix in {s:?}")),
            };
            (&s[..i], mult)
        }
        _ => (s, 1),
    };
    parse_count(num)?
        .checked_mul(mult)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

fn parse_path(s: &str) -> Result<RelPath, String> {
    if s.starts_with('/') {
        return Err(format!("path must be relative: {s:?}"));
    }
    let mut comps = Vec::new();
    for raw in s.split('/') {
        if raw.is_empty() || raw == "." {
            continue;
        }
        if raw == ".." {
            return Err(format!("`..` is not allowed in paths: {s:?}"));
        }
        let comp = unescape(raw)?;
        if comp.contains(&b'/') || comp.contains(&0) || comp == b"." || comp == b".." {
            return Err(format!("invalid path component {raw:?}"));
        }
        comps.push(comp);
    }
    Ok(comps)
}

fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&esc) = bytes.get(i) else {
            return Err(format!("trailing backslash in {s:?}"));
        };
        i += 1;
        match esc {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b's' => out.push(b' '),
            b'\\' => out.push(b'\\'),
            b'x' => {
                let hex = bytes
                    .get(i..i + 2)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("`\\x` needs two hex digits in {s:?}"))?;
                out.push(hex);
                i += 2;
            }
            _ => return Err(format!("unknown escape `\\{}` in {s:?}", esc as char)),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------

struct Builder<'a> {
    root_path: &'a Path,
    root: OwnedFd,
}

impl Builder<'_> {
    fn run(&self, entry: &Entry) -> io::Result<()> {
        match &entry.op {
            Op::Dir(p) => self.dir(p, true).map(drop),
            Op::File(p, size) => {
                let (dir, name) = self.parent(p, true)?;
                write_file(dir.as_fd(), name, *size)
            }
            Op::Sparse(p, size) => {
                let (dir, name) = self.parent(p, true)?;
                let fd = create_file(dir.as_fd(), name)?;
                rustix::fs::ftruncate(&fd, *size)?;
                Ok(())
            }
            Op::Prealloc(p, size) => {
                let (dir, name) = self.parent(p, true)?;
                let fd = create_file(dir.as_fd(), name)?;
                if *size == 0 {
                    return Ok(());
                }
                match rustix::fs::fallocate(&fd, FallocateFlags::empty(), 0, *size) {
                    Ok(()) => Ok(()),
                    Err(Errno::OPNOTSUPP | Errno::NOSYS | Errno::INVAL) => {
                        write_data(File::from(fd), *size)
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Op::Hardlink(p, target) => {
                let (tdir, tname) = self.parent(target, false)?;
                let (dir, name) = self.parent(p, true)?;
                rustix::fs::linkat(&tdir, tname, &dir, name, AtFlags::empty())?;
                Ok(())
            }
            Op::Symlink(p, target) => {
                let (dir, name) = self.parent(p, true)?;
                rustix::fs::symlinkat(target.as_slice(), &dir, name)?;
                Ok(())
            }
            Op::Fifo(p) => {
                let (dir, name) = self.parent(p, true)?;
                rustix::fs::mkfifoat(&dir, name, Mode::from_raw_mode(0o644))?;
                Ok(())
            }
            Op::Socket(p) => {
                let (dir, name) = self.parent(p, true)?;
                let mut full = self.root_path.as_os_str().as_bytes().to_vec();
                for comp in p {
                    full.push(b'/');
                    full.extend_from_slice(comp);
                }
                // sockaddr_un.sun_path holds 108 bytes including the NUL.
                let bind_path = if full.len() < 100 {
                    full
                } else {
                    use std::os::fd::AsRawFd;
                    let mut via = format!("/proc/self/fd/{}/", dir.as_raw_fd()).into_bytes();
                    via.extend_from_slice(name);
                    via
                };
                drop(UnixListener::bind(OsStr::from_bytes(&bind_path))?);
                Ok(())
            }
            Op::Mode(p, mode) => {
                let mode = Mode::from_raw_mode(*mode);
                if p.is_empty() {
                    rustix::fs::fchmod(&self.root, mode)?;
                } else {
                    let (dir, name) = self.parent(p, false)?;
                    rustix::fs::chmodat(&dir, name, mode, AtFlags::empty())?;
                }
                Ok(())
            }
            Op::Generate(prefix, params) => generate(self.dir(prefix, true)?, params),
            Op::Chain {
                prefix,
                depth,
                name,
                file_every,
                file_size,
            } => {
                let mut cur = self.dir(prefix, true)?;
                let mut fname = String::new();
                for level in 1..=*depth {
                    cur = mkdir_open(cur.as_fd(), name)?;
                    if *file_every > 0 && level % file_every == 0 {
                        fname.clear();
                        write!(fname, "f{level}").expect("write to String");
                        write_file(cur.as_fd(), fname.as_bytes(), *file_size)?;
                    }
                }
                Ok(())
            }
            Op::Wide(prefix, entries) => wide(self.dir(prefix, true)?, *entries),
        }
    }

    /// Opens (optionally creating) the directory `comps` below the root.
    fn dir(&self, comps: &[Vec<u8>], create: bool) -> io::Result<OwnedFd> {
        let mut cur = rustix::fs::openat(&self.root, ".", dir_flags(), Mode::empty())?;
        for comp in comps {
            cur = if create {
                mkdir_open(cur.as_fd(), comp)?
            } else {
                rustix::fs::openat(&cur, comp.as_slice(), dir_flags(), Mode::empty())?
            };
        }
        Ok(cur)
    }

    /// Opens the parent directory of `comps` and returns it with the leaf name.
    fn parent<'p>(&self, comps: &'p [Vec<u8>], create: bool) -> io::Result<(OwnedFd, &'p [u8])> {
        let (leaf, parents) = comps.split_last().expect("non-empty path");
        Ok((self.dir(parents, create)?, leaf))
    }
}

fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

fn mkdir_ok(dir: BorrowedFd<'_>, name: &[u8]) -> io::Result<()> {
    match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o755)) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn mkdir_open(dir: BorrowedFd<'_>, name: &[u8]) -> io::Result<OwnedFd> {
    mkdir_ok(dir, name)?;
    Ok(rustix::fs::openat(dir, name, dir_flags(), Mode::empty())?)
}

fn create_file(dir: BorrowedFd<'_>, name: &[u8]) -> io::Result<OwnedFd> {
    let flags =
        OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(
        dir,
        name,
        flags,
        Mode::from_raw_mode(0o644),
    )?)
}

/// Creates an empty regular file with a single syscall where possible.
fn create_empty(dir: BorrowedFd<'_>, name: &[u8]) -> io::Result<()> {
    let mode = Mode::from_raw_mode(0o644);
    match rustix::fs::mknodat(dir, name, FileType::RegularFile, mode, 0) {
        Ok(()) | Err(Errno::EXIST) => Ok(()),
        Err(Errno::PERM | Errno::INVAL | Errno::OPNOTSUPP) => create_file(dir, name).map(drop),
        Err(e) => Err(e.into()),
    }
}

fn write_file(dir: BorrowedFd<'_>, name: &[u8], size: u64) -> io::Result<()> {
    let fd = create_file(dir, name)?;
    write_data(File::from(fd), size)
}

fn write_data(mut file: File, size: u64) -> io::Result<()> {
    let data = data();
    let mut left = size;
    while left > 0 {
        let n = left.min(data.len() as u64) as usize;
        file.write_all(&data[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// 1 MiB of pseudo-random non-zero bytes (incompressible, so block counts do
/// not depend on filesystem compression).
fn data() -> &'static [u8] {
    static DATA: OnceLock<Vec<u8>> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut rng = SplitMix64(0x5eed_da7a);
        let mut buf = Vec::with_capacity(DATA_LEN);
        while buf.len() < DATA_LEN {
            buf.extend(rng.next().to_le_bytes().iter().map(|&b| b.max(1)));
        }
        buf
    })
}

fn worker_threads() -> usize {
    thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8))
}

/// Runs `job(i)` for `i in 0..n` on `threads` threads, stopping at the
/// first error.
fn parallel_for(
    threads: usize,
    n: usize,
    job: impl Fn(usize) -> io::Result<()> + Sync,
) -> io::Result<()> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let error = Mutex::new(None);
    thread::scope(|s| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    if let Err(e) = job(i) {
                        stop.store(true, Ordering::Relaxed);
                        error.lock().unwrap().get_or_insert(e);
                    }
                }
            });
        }
    });
    match error.into_inner().unwrap() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn wide(dir: OwnedFd, entries: u64) -> io::Result<()> {
    const CHUNK: u64 = 4096;
    let chunks = entries.div_ceil(CHUNK) as usize;
    parallel_for(worker_threads(), chunks, |chunk| {
        let start = chunk as u64 * CHUNK;
        let mut name = String::new();
        for i in start..(start + CHUNK).min(entries) {
            name.clear();
            write!(name, "f{i:07}").expect("write to String");
            create_empty(dir.as_fd(), name.as_bytes())?;
        }
        Ok(())
    })
}

/// Smallest fanout `k` such that a complete `k`-ary tree of height `depth`
/// holds `dirs` directories below its root.
fn fanout_for(dirs: u64, depth: u32) -> u64 {
    if dirs == 0 {
        return 1;
    }
    let capacity = |k: u64| {
        let (mut total, mut level) = (0u64, 1u64);
        for _ in 0..depth {
            level = level.saturating_mul(k);
            total = total.saturating_add(level);
        }
        total
    };
    let mut k = 1;
    while capacity(k) < dirs {
        k += 1;
    }
    k
}

#[derive(Clone, Copy)]
struct GenFile {
    big: bool,
    index: u32,
    size: u64,
}

/// The deterministic plan of a `generate` entry: directory paths (index 0 is
/// the prefix itself) and the files in each directory.
struct GenPlan {
    dirs: Vec<String>,
    files: Vec<Vec<GenFile>>,
}

fn plan(p: &GenParams) -> GenPlan {
    let mut rng = SplitMix64(p.seed ^ 0x6a09_e667_f3bc_c909);
    let ndirs = p.dirs as usize;
    let fanout = fanout_for(p.dirs, p.depth) as usize;
    let mut dirs = Vec::with_capacity(ndirs + 1);
    dirs.push(".".to_string());
    for i in 1..=ndirs {
        let parent = (i - 1) / fanout;
        dirs.push(if parent == 0 {
            format!("d{i}")
        } else {
            format!("{}/d{i}", dirs[parent])
        });
    }
    let mut files = vec![Vec::new(); ndirs + 1];
    for index in 0..p.files as u32 {
        let dir = rng.below(ndirs as u64 + 1) as usize;
        let size = random_size(&mut rng, p.maxsize);
        files[dir].push(GenFile {
            big: false,
            index,
            size,
        });
    }
    for index in 0..p.bigfiles as u32 {
        let dir = rng.below(ndirs as u64 + 1) as usize;
        files[dir].push(GenFile {
            big: true,
            index,
            size: p.bigsize,
        });
    }
    GenPlan { dirs, files }
}

fn random_size(rng: &mut SplitMix64, max: u64) -> u64 {
    let r = rng.unit();
    let size = if r < 0.03 {
        0.0
    } else if r < 0.23 {
        ((max as f64 + 1.0).ln() * rng.unit()).exp()
    } else {
        (max as f64 + 1.0) * rng.unit()
    };
    (size as u64).min(max)
}

fn generate(prefix: OwnedFd, p: &GenParams) -> io::Result<()> {
    let plan = plan(p);
    // Parents come before children in the list, so sequential creation works.
    for dir in &plan.dirs[1..] {
        mkdir_ok(prefix.as_fd(), dir.as_bytes())?;
    }
    parallel_for(worker_threads(), plan.dirs.len(), |d| {
        let files = &plan.files[d];
        if files.is_empty() {
            return Ok(());
        }
        let dir = rustix::fs::openat(&prefix, plan.dirs[d].as_str(), dir_flags(), Mode::empty())?;
        let mut name = String::new();
        for f in files {
            name.clear();
            let kind = if f.big { "big" } else { "f" };
            write!(name, "{kind}{}", f.index).expect("write to String");
            if f.size == 0 {
                create_empty(dir.as_fd(), name.as_bytes())?;
            } else {
                write_file(dir.as_fd(), name.as_bytes(), f.size)?;
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// splitmix64: tiny, fast and good enough for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// FNV-1a, 64 bit: a hash that is stable across Rust versions (unlike
/// `DefaultHasher`), for cache keys.
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Unlinks every non-directory entry of `dir` and returns the names of its
/// subdirectories.
///
/// Unlinks run on many threads when there are several: on filesystems
/// mounted with `discard` (and no journal) every unlink of a file with data
/// waits for a synchronous TRIM, and those waits overlap well.
fn scan_and_unlink(dir: &OwnedFd) -> io::Result<Vec<Vec<u8>>> {
    const PARALLEL_MIN: usize = 8;
    const MAX_THREADS: usize = 16;
    let _ = rustix::fs::fchmod(dir, Mode::from_raw_mode(0o700));
    let mut subdirs = Vec::new();
    let mut files = Vec::new();
    for entry in rustix::fs::Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let is_dir = match entry.file_type() {
            FileType::Directory => true,
            FileType::Unknown => rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
                .map(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory)?,
            _ => false,
        };
        if is_dir {
            subdirs.push(name.to_vec());
        } else {
            files.push(name.to_vec());
        }
    }
    let unlink = |i: usize| -> io::Result<()> {
        match rustix::fs::unlinkat(dir, files[i].as_slice(), AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    };
    if files.len() < PARALLEL_MIN {
        (0..files.len()).try_for_each(unlink)?;
    } else {
        parallel_for(MAX_THREADS.min(files.len() / 2), files.len(), unlink)?;
    }
    Ok(subdirs)
}

fn remove_stale_tmp_dirs(cache_dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(cache_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = remove_tree(&entry.path());
        }
    }
}

fn read_description(path: &Path) -> io::Result<String> {
    fs::read_to_string(path).map_err(|e| prefix_err(path, e))
}

fn io_err(e: Errno, what: String) -> io::Error {
    let e = io::Error::from(e);
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

fn prefix_err(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn context(entry: &Entry, e: io::Error) -> io::Error {
    let show = |p: &RelPath| {
        if p.is_empty() {
            ".".to_string()
        } else {
            let joined: Vec<u8> = p.join(&b'/');
            String::from_utf8_lossy(&joined).into_owned()
        }
    };
    let what = match &entry.op {
        Op::Dir(p) => format!("dir {}", show(p)),
        Op::File(p, _) => format!("file {}", show(p)),
        Op::Sparse(p, _) => format!("sparse {}", show(p)),
        Op::Prealloc(p, _) => format!("prealloc {}", show(p)),
        Op::Hardlink(p, t) => format!("hardlink {} -> {}", show(p), show(t)),
        Op::Symlink(p, _) => format!("symlink {}", show(p)),
        Op::Fifo(p) => format!("fifo {}", show(p)),
        Op::Socket(p) => format!("socket {}", show(p)),
        Op::Mode(p, _) => format!("mode {}", show(p)),
        Op::Generate(p, _) => format!("generate {}", show(p)),
        Op::Chain { prefix, .. } => format!("chain {}", show(prefix)),
        Op::Wide(p, _) => format!("wide {}", show(p)),
    };
    io::Error::new(e.kind(), format!("line {}: {what}: {e}", entry.line))
}

// ---------------------------------------------------------------------------
// Self-tests. Cheap ones run wherever this file is compiled in test mode; the
// expensive ones are #[ignore]d: `cargo test -- --ignored --nocapture`.
// ---------------------------------------------------------------------------

// Targets built with `--cfg test` but without the test harness (e.g. benches
// with `harness = false` under `cargo test --all-targets`) drop the #[test]
// functions but keep this module, leaving its imports unused.
#[cfg(test)]
#[allow(unused_imports)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::time::Instant;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().expect("tempdir")
    }

    #[test]
    fn escapes() {
        assert_eq!(parse_name(r"a\sb\n\t\\\xff\x41"), b"a b\n\t\\\xffA");
        assert_eq!(parse_name("plain"), b"plain");
        assert!(unescape(r"bad\q").is_err());
        assert!(unescape(r"bad\x4").is_err());
        assert!(unescape("bad\\").is_err());
        assert_eq!(parse_rel_path(r"a/b\sc"), PathBuf::from("a/b c"));
    }

    #[test]
    fn sizes_and_paths() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("100K"), Ok(102_400));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1_000"), Ok(1000));
        assert!(parse_size("1X").is_err());
        assert!(parse_path("/abs").is_err());
        assert!(parse_path("a/../b").is_err());
        assert_eq!(
            parse_path("./a//b/").unwrap(),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
        assert!(parse_path(".").unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_line() {
        let dir = tmp();
        let err = build(dir.path(), "dir a\n\n# comment\nfile b nonsense\n").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().starts_with("line 4:"), "{err}");
        let err = build(dir.path(), "frobnicate x").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let err = build(dir.path(), "dir a\nhardlink x missing/target\n").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().starts_with("line 2: hardlink x"), "{err}");
    }

    const DESCRIPTION: &str = r"
        # a bit of everything
        dir      empty
        file     a/b/c/f100 100      # trailing comment
        file     a/zero 0
        file     a/big 3M
        sparse   sp/ten 10M
        prealloc sp/pre 1M
        hardlink a/b/link1 a/b/c/f100
        hardlink other/link2 a/b/c/f100
        symlink  s/to_file ../a/zero
        symlink  s/dangling does/not/exist
        symlink  s/abs /nonexistent
        symlink  s/odd\starget a\sb
        fifo     special/fifo
        socket   special/sock
        file     names/\xff\xfe 1
        file     names/with\sspace\nand\tmore 2
        file     names/日本 3
        dir      locked/inner
        file     locked/inner/f 1
        mode     locked 000
        mode     locked/inner 700
        mode     a/zero 600
    ";

    #[test]
    fn builds_described_tree() {
        let dir = tmp();
        let root = dir.path().join("root");
        build(&root, DESCRIPTION).unwrap();
        let meta = |p: &str| fs::symlink_metadata(root.join(parse_rel_path(p))).unwrap();

        assert!(meta("empty").is_dir());
        assert_eq!(fs::read_dir(root.join("empty")).unwrap().count(), 0);
        assert_eq!(meta("a/b/c/f100").len(), 100);
        assert_eq!(meta("a/zero").len(), 0);
        assert_eq!(meta("a/big").len(), 3 << 20);
        assert!(meta("a/big").blocks() * 512 >= 3 << 20, "data is allocated");
        let content = fs::read(root.join("a/big")).unwrap();
        assert!(!content.contains(&0), "data is non-zero");

        assert_eq!(meta("sp/ten").len(), 10 << 20);
        assert!(
            meta("sp/ten").blocks() <= 8,
            "sparse: {}",
            meta("sp/ten").blocks()
        );
        assert_eq!(meta("sp/pre").len(), 1 << 20);
        assert!(meta("sp/pre").blocks() * 512 >= 1 << 20, "preallocated");

        assert_eq!(meta("a/b/c/f100").nlink(), 3);
        assert_eq!(meta("a/b/link1").ino(), meta("a/b/c/f100").ino());
        assert_eq!(meta("other/link2").ino(), meta("a/b/c/f100").ino());

        let link = |p: &str| fs::read_link(root.join(p)).unwrap();
        assert_eq!(link("s/to_file"), Path::new("../a/zero"));
        assert_eq!(link("s/dangling"), Path::new("does/not/exist"));
        assert_eq!(link("s/abs"), Path::new("/nonexistent"));
        assert_eq!(link("s/odd target"), Path::new("a b"));
        assert!(meta("s/to_file").file_type().is_symlink());
        assert_eq!(fs::metadata(root.join("s/to_file")).unwrap().len(), 0);

        assert!(meta("special/fifo").file_type().is_fifo());
        assert!(meta("special/sock").file_type().is_socket());

        let names: Vec<OsString> = fs::read_dir(root.join("names"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(names.iter().any(|n| n.as_bytes() == b"\xff\xfe"));
        assert!(
            names
                .iter()
                .any(|n| n.as_bytes() == b"with space\nand\tmore")
        );
        assert!(names.iter().any(|n| n == "日本"));
        assert_eq!(
            meta(r"names/\xff\xfe").len(),
            1,
            "invalid UTF-8 name round-trips"
        );

        assert_eq!(meta("locked").permissions().mode() & 0o7777, 0o000);
        assert_eq!(meta("a/zero").permissions().mode() & 0o7777, 0o600);
        // mode of the inner dir was applied before the outer one was locked
        fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(meta("locked/inner").permissions().mode() & 0o7777, 0o700);
        fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();

        remove_tree(&root).unwrap();
        assert!(!root.exists());
    }

    #[test]
    fn long_socket_path() {
        let dir = tmp();
        let long = "x".repeat(120);
        build(dir.path(), &format!("socket {long}/s")).unwrap();
        let meta = fs::symlink_metadata(dir.path().join(long).join("s")).unwrap();
        assert!(meta.file_type().is_socket());
    }

    /// Counts the levels of a `chain` without ever using a long path.
    fn chain_depth(start: &Path, name: &str) -> u64 {
        let mut cur = rustix::fs::open(start, dir_flags(), Mode::empty()).unwrap();
        let mut depth = 0;
        while let Ok(next) = rustix::fs::openat(&cur, name, dir_flags(), Mode::empty()) {
            cur = next;
            depth += 1;
        }
        depth
    }

    #[test]
    fn chain_beyond_path_max() {
        let dir = tmp();
        // 1100 * 4 bytes > PATH_MAX (4096); a file below the chain as well.
        build(
            dir.path(),
            "chain c depth=1100 name=ddd fileevery=500 filesize=10\ndir c/ddd/x",
        )
        .unwrap();
        assert_eq!(chain_depth(&dir.path().join("c"), "ddd"), 1100);
        assert!(dir.path().join("c/ddd/x").is_dir());
        assert!(!dir.path().join("c/ddd/ddd/f2").exists());
        let f500 = PathBuf::from(format!("c/{}f500", "ddd/".repeat(500)));
        assert_eq!(fs::metadata(dir.path().join(f500)).unwrap().len(), 10);
        remove_tree(&dir.path().join("c")).unwrap();
    }

    #[test]
    #[ignore = "slow: 50,000 levels"]
    fn chain_50000() {
        let dir = tmp();
        let t = Instant::now();
        build(dir.path(), "chain deep depth=50000").unwrap();
        eprintln!("chain depth=50000 built in {:?}", t.elapsed());
        assert_eq!(chain_depth(&dir.path().join("deep"), "d"), 50000);
        let t = Instant::now();
        remove_tree(&dir.path().join("deep")).unwrap();
        eprintln!("chain depth=50000 removed in {:?}", t.elapsed());
    }

    /// (relative path, size) of every entry below `root`.
    fn listing(root: &Path) -> BTreeMap<PathBuf, u64> {
        let mut out = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let entry = entry.unwrap();
                let meta = entry.metadata().unwrap();
                let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
                if meta.is_dir() {
                    stack.push(entry.path());
                    out.insert(rel, u64::MAX);
                } else {
                    out.insert(rel, meta.len());
                }
            }
        }
        out
    }

    #[test]
    fn generate_is_deterministic() {
        let desc = "generate g files=600 dirs=40 seed=7 bigfiles=2 bigsize=100K depth=2";
        let (a, b) = (tmp(), tmp());
        build(a.path(), desc).unwrap();
        build(b.path(), desc).unwrap();
        let la = listing(a.path());
        assert_eq!(la, listing(b.path()));
        let dirs = la.values().filter(|&&s| s == u64::MAX).count();
        let files: Vec<u64> = la.values().copied().filter(|&s| s != u64::MAX).collect();
        assert_eq!(dirs, 41, "g plus 40 generated dirs");
        assert_eq!(files.len(), 602);
        assert_eq!(files.iter().filter(|&&s| s == 100 * 1024).count(), 2);
        assert!(files.iter().all(|&s| s <= 8192 || s == 100 * 1024));
        assert!(files.contains(&0));
        let max_depth = la.keys().map(|p| p.components().count()).max().unwrap();
        assert!(
            max_depth <= 1 + 2 + 1,
            "prefix + 2 dir levels + file: {max_depth}"
        );

        let c = tmp();
        build(c.path(), &desc.replace("seed=7", "seed=8")).unwrap();
        assert_ne!(listing(c.path()), la);
    }

    #[test]
    fn fanout() {
        assert_eq!(fanout_for(27000, 6), 6);
        assert_eq!(fanout_for(5000, 6), 4);
        assert_eq!(fanout_for(10, 1), 10);
        assert_eq!(fanout_for(0, 6), 1);
        let p = plan(&GenParams {
            files: 10,
            dirs: 27000,
            seed: 1,
            maxsize: 8192,
            bigfiles: 0,
            bigsize: 0,
            depth: 6,
        });
        let max = p.dirs.iter().map(|d| d.split('/').count()).max().unwrap();
        assert_eq!(max, 6);
    }

    #[test]
    fn wide_dir() {
        let dir = tmp();
        build(dir.path(), "wide w entries=1000").unwrap();
        let names: Vec<String> = fs::read_dir(dir.path().join("w"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 1000);
        assert!(names.contains(&"f0000000".to_string()));
        assert!(names.contains(&"f0000999".to_string()));
        assert!(
            fs::metadata(dir.path().join("w/f0000042"))
                .unwrap()
                .is_file()
        );
    }

    #[test]
    fn cached_build_is_reused() {
        let dir = tmp();
        let desc = dir.path().join("small.tree");
        fs::write(&desc, "file a 10\nsymlink l a\n").unwrap();
        let cache = dir.path().join("cache");
        let built = build_cached(&desc, &cache).unwrap();
        assert!(built.starts_with(&cache));
        assert!(
            built
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("small-")
        );
        assert_eq!(fs::metadata(built.join("a")).unwrap().len(), 10);
        let marker = PathBuf::from(format!("{}.complete", built.display()));
        assert!(marker.is_file(), "marker next to the tree");
        assert!(
            !built.join(".complete").exists(),
            "marker not inside the tree"
        );

        fs::write(built.join("sentinel"), "").unwrap();
        assert_eq!(build_cached(&desc, &cache).unwrap(), built);
        assert!(built.join("sentinel").exists(), "reused, not rebuilt");

        fs::remove_file(&marker).unwrap();
        assert_eq!(build_cached(&desc, &cache).unwrap(), built);
        assert!(!built.join("sentinel").exists(), "rebuilt without marker");
        assert!(marker.is_file());

        fs::write(&desc, "file a 11\n").unwrap();
        let rebuilt = build_cached(&desc, &cache).unwrap();
        assert_ne!(rebuilt, built, "new contents, new key");
        assert_eq!(fs::metadata(rebuilt.join("a")).unwrap().len(), 11);
        let leftovers = fs::read_dir(&cache)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".tmp-")
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    fn du_sh(path: &Path) -> String {
        std::process::Command::new("du")
            .arg("-sh")
            .arg(path)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|e| format!("du failed: {e}"))
    }

    #[test]
    #[ignore = "slow: one million files in /tmp"]
    fn generate_million() {
        let root = Path::new("/tmp/cdu-tree-generate-million");
        if root.exists() {
            remove_tree(root).unwrap();
        }
        let t = Instant::now();
        build(
            root,
            "generate m files=1000000 dirs=27000 seed=1 bigfiles=20 bigsize=1M",
        )
        .unwrap();
        eprintln!(
            "generate files=1000000 dirs=27000 built in {:?}",
            t.elapsed()
        );
        eprintln!("du -sh: {}", du_sh(root));
        let t = Instant::now();
        remove_tree(root).unwrap();
        eprintln!("removed in {:?}", t.elapsed());
    }

    #[test]
    #[ignore = "slow: one million entries in one directory"]
    fn wide_million() {
        let root = Path::new("/tmp/cdu-tree-wide-million");
        if root.exists() {
            remove_tree(root).unwrap();
        }
        let t = Instant::now();
        build(root, "wide w entries=1000000").unwrap();
        eprintln!("wide entries=1000000 built in {:?}", t.elapsed());
        eprintln!("du -sh: {}", du_sh(root));
        let t = Instant::now();
        remove_tree(root).unwrap();
        eprintln!("removed in {:?}", t.elapsed());
    }
}
