//! Removing what the browser shows, safely. Every step is taken relative
//! to a directory descriptor opened without following symbolic links, so
//! a directory swapped for a link after the scan leads nowhere outside the
//! tree; an entry is removed only if it is still the one identified when
//! the removal was asked for (same device and inode, same kind); a
//! directory on another file system is never entered.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, fstat, openat, statat, unlinkat};
use rustix::io::Errno;

use crate::message::strerror;

/// Where an entry is: the operand's path as it was named, the names of the
/// directories down to its parent, and its own name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub operand: Vec<u8>,
    pub dirs: Vec<Vec<u8>>,
    pub name: Vec<u8>,
    /// It was a directory when scanned.
    pub is_dir: bool,
}

impl Target {
    /// The path a person would type, relative to where cdu started.
    pub fn path(&self) -> Vec<u8> {
        let mut path = self.operand.clone();
        for part in self.dirs.iter().chain(std::iter::once(&self.name)) {
            if path.last() != Some(&b'/') {
                path.push(b'/');
            }
            path.extend_from_slice(part);
        }
        path
    }
}

/// Which file an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    pub dev: u64,
    pub ino: u64,
}

/// What a removal did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The entry itself is gone.
    pub gone: bool,
    /// Entries that could not be removed, and the first reason.
    pub failures: u64,
    pub first_error: Option<String>,
}

impl Outcome {
    fn fail(&mut self, path: &[u8], why: &str) {
        self.failures += 1;
        if self.first_error.is_none() {
            self.first_error = Some(format!(
                "cannot remove {}: {why}",
                String::from_utf8_lossy(&crate::quote::quote(
                    path,
                    crate::quote::Locale::default()
                ))
            ));
        }
    }
}

fn errno_text(e: Errno) -> String {
    strerror(e.raw_os_error())
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// Opens the target's parent: the operand as named, then each directory
/// below it without following links.
fn open_parent(target: &Target) -> Result<OwnedFd, Errno> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = openat(CWD, target.operand.as_slice(), flags, Mode::empty())?;
    for dir in &target.dirs {
        fd = openat(&fd, dir.as_slice(), DIR_FLAGS, Mode::empty())?;
    }
    Ok(fd)
}

/// Identifies the target as it is now; the reason if it cannot be reached
/// without following a link, or is no longer of the kind scanned.
pub fn identify(target: &Target) -> Result<Identity, String> {
    let parent = open_parent(target).map_err(errno_text)?;
    let st =
        statat(&parent, target.name.as_slice(), AtFlags::SYMLINK_NOFOLLOW).map_err(errno_text)?;
    let is_dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
    if is_dir != target.is_dir {
        return Err("it changed since the scan".into());
    }
    Ok(Identity {
        dev: st.st_dev,
        ino: st.st_ino,
    })
}

/// Removes the target, and everything in it if it is a directory, if it is
/// still `expected`.
pub fn remove(target: &Target, expected: Identity) -> Outcome {
    let mut outcome = Outcome::default();
    let shown = target.path();
    let parent = match open_parent(target) {
        Ok(fd) => fd,
        Err(e) => {
            outcome.fail(&shown, &errno_text(e));
            return outcome;
        }
    };
    match identify_at(&parent, &target.name) {
        Ok((id, is_dir)) if id == expected && is_dir == target.is_dir => {}
        Ok(_) => {
            outcome.fail(&shown, "it changed since it was chosen");
            return outcome;
        }
        Err(e) => {
            outcome.fail(&shown, &errno_text(e));
            return outcome;
        }
    }
    outcome.gone = remove_at(&parent, &target.name, expected.dev, &shown, &mut outcome);
    outcome
}

fn identify_at(parent: &OwnedFd, name: &[u8]) -> Result<(Identity, bool), Errno> {
    let st = statat(parent, name, AtFlags::SYMLINK_NOFOLLOW)?;
    let is_dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
    Ok((
        Identity {
            dev: st.st_dev,
            ino: st.st_ino,
        },
        is_dir,
    ))
}

/// Removes `name` in `parent` (shown as `shown`), a directory with its
/// contents; true if it is gone.
fn remove_at(parent: &OwnedFd, name: &[u8], dev: u64, shown: &[u8], out: &mut Outcome) -> bool {
    let (id, is_dir) = match identify_at(parent, name) {
        Ok(found) => found,
        Err(e) => {
            out.fail(shown, &errno_text(e));
            return false;
        }
    };
    if is_dir {
        if id.dev != dev {
            out.fail(shown, "it is on another file system");
            return false;
        }
        let dir = match openat(parent, name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => {
                out.fail(shown, &errno_text(e));
                return false;
            }
        };
        // What was opened must be what was looked at.
        match fstat(&dir) {
            Ok(st) if st.st_dev == id.dev && st.st_ino == id.ino => {}
            _ => {
                out.fail(shown, "it changed while being removed");
                return false;
            }
        }
        let names = match list(&dir) {
            Ok(names) => names,
            Err(e) => {
                out.fail(shown, &errno_text(e));
                return false;
            }
        };
        for child in names {
            let mut path = shown.to_vec();
            path.push(b'/');
            path.extend_from_slice(&child);
            remove_at(&dir, &child, dev, &path, out);
        }
        match unlinkat(parent, name, AtFlags::REMOVEDIR) {
            Ok(()) => true,
            Err(e) => {
                out.fail(shown, &errno_text(e));
                false
            }
        }
    } else {
        match unlinkat(parent, name, AtFlags::empty()) {
            Ok(()) => true,
            Err(e) => {
                out.fail(shown, &errno_text(e));
                false
            }
        }
    }
}

/// The names in a directory, read in full before anything is removed.
fn list(dir: &OwnedFd) -> Result<Vec<Vec<u8>>, Errno> {
    let mut names = Vec::new();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name != b"." && name != b".." {
            names.push(name.to_vec());
        }
    }
    Ok(names)
}

/// Moves the target to the freedesktop.org trash if it is still
/// `expected`, both through descriptors and by its path (which the trash
/// crate follows); nothing is removed where it cannot be trashed.
pub fn trash(target: &Target, expected: Identity) -> Result<(), String> {
    let shown = target.path();
    let fail = |why: &str| {
        format!(
            "cannot move {} to the trash: {why}",
            String::from_utf8_lossy(&crate::quote::quote(
                &shown,
                crate::quote::Locale::default()
            ))
        )
    };
    match identify(target) {
        Ok(id) if id == expected => {}
        Ok(_) => return Err(fail("it changed since it was chosen")),
        Err(why) => return Err(fail(&why)),
    }
    let path = PathBuf::from(OsStr::from_bytes(&shown));
    let path = std::path::absolute(&path).map_err(|e| fail(&e.to_string()))?;
    match statat(CWD, path.as_path(), AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if st.st_dev == expected.dev && st.st_ino == expected.ino => {}
        Ok(_) => return Err(fail("its path leads elsewhere now")),
        Err(e) => return Err(fail(&errno_text(e))),
    }
    trash::delete(&path).map_err(|e| fail(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_joins_the_operand_and_the_names() {
        let t = Target {
            operand: b"/".to_vec(),
            dirs: vec![b"a".to_vec()],
            name: b"b".to_vec(),
            is_dir: false,
        };
        assert_eq!(t.path(), b"/a/b");
        let t = Target {
            operand: b".".to_vec(),
            dirs: vec![],
            name: b"x".to_vec(),
            is_dir: true,
        };
        assert_eq!(t.path(), b"./x");
    }
}
