//! A file cdu writes as output (`--export=FILE`, `--html=FILE`). It is written to a
//! temporary file beside its target and renamed over the target only when
//! the run says the scan is whole, so a stopped, failed or empty scan
//! leaves what was there before untouched, and a reader never sees half a
//! file under the target's name.
//!
//! A target that exists and is not a regular file (`/dev/null`, a FIFO, a
//! terminal) holds nothing that could be lost and may not be renamed over:
//! it is written to directly.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// An output file, and the errno of its first failed write.
pub struct OutputFile {
    to: To,
    failed: Option<i32>,
}

/// Where the bytes of an output file go until it is committed.
enum To {
    /// Renamed onto `target` by [`OutputFile::commit`]; removed if
    /// dropped before.
    Staged {
        temp: NamedTempFile,
        target: PathBuf,
    },
    /// A target that is not a regular file, written as it goes.
    Direct(File),
    /// Standard output (`--export=-`), written as it goes.
    Stream(Box<dyn Write>),
}

/// Why an output file could not be made or put in place: the errno of
/// the failing call, for a message in du's words.
#[derive(Debug)]
pub struct FileError {
    pub errno: i32,
}

impl OutputFile {
    /// Starts the output for `target`: a temporary file in the directory
    /// the target is (or will be) in, through a symbolic link if the
    /// target is one, so the link stays and the file it names is replaced.
    pub fn create(target: &OsStr) -> Result<OutputFile, FileError> {
        let given = Path::new(target);
        let existing = fs::metadata(given).ok();
        if let Some(meta) = &existing
            && !meta.is_file()
        {
            return File::create(given)
                .map(|f| OutputFile::new(To::Direct(f)))
                .map_err(|e| FileError::from_io(&e));
        }
        let target = match fs::symlink_metadata(given) {
            Ok(m) if m.file_type().is_symlink() => {
                fs::canonicalize(given).unwrap_or_else(|_| given.to_path_buf())
            }
            _ => given.to_path_buf(),
        };
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // A new file gets the mode File::create would give it (0666 less
        // the umask); a replaced one keeps its own.
        let mode = existing.as_ref().map_or(0o666, |m| m.mode() & 0o7777);
        let mut prefix = OsString::from(".");
        prefix.push(target.file_name().unwrap_or(OsStr::new("export")));
        prefix.push(".");
        let temp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".cdu-partial")
            .permissions(Permissions::from_mode(mode))
            .tempfile_in(&dir)
            .map_err(|e| FileError::from_io(&e))?;
        if existing.is_some() {
            // The umask applied at creation; the old file's mode is kept
            // exactly.
            temp.as_file()
                .set_permissions(Permissions::from_mode(mode))
                .map_err(|e| FileError::from_io(&e))?;
        }
        Ok(OutputFile::new(To::Staged { temp, target }))
    }

    fn new(to: To) -> OutputFile {
        OutputFile { to, failed: None }
    }

    /// Standard output (`--export=-`): written as it goes, and its
    /// failures reported as stdout's.
    pub fn stream(out: Box<dyn Write>) -> OutputFile {
        OutputFile::new(To::Stream(out))
    }

    /// The errno of the first write to a file that failed.
    pub fn failed(&self) -> Option<FileError> {
        self.failed.map(|errno| FileError { errno })
    }

    /// Keeps the errno of a failed write to a file, to name the file in
    /// the message rather than stdout.
    fn note<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result
            && !matches!(self.to, To::Stream(_))
            && self.failed.is_none()
        {
            self.failed = Some(FileError::from_io(e).errno);
        }
        result
    }

    /// The file's device and inode, when it is a regular file already.
    pub fn identity(target: &OsStr) -> Option<(u64, u64)> {
        let meta = fs::metadata(Path::new(target)).ok()?;
        meta.is_file().then(|| (meta.dev(), meta.ino()))
    }

    /// Puts the whole file in place of its target: its bytes reach the
    /// disk first, so a crash leaves the old file or the new one.
    pub fn commit(self) -> Result<(), FileError> {
        match self.to {
            To::Staged { temp, target } => {
                temp.as_file()
                    .sync_all()
                    .map_err(|e| FileError::from_io(&e))?;
                temp.persist(&target)
                    .map(drop)
                    .map_err(|e| FileError::from_io(&e.error))
            }
            To::Direct(mut f) => f.flush().map_err(|e| FileError::from_io(&e)),
            To::Stream(mut s) => s.flush().map_err(|e| FileError::from_io(&e)),
        }
    }
}

impl FileError {
    /// The same error as an `io::Error`, for callers that report those.
    pub fn into_io(self) -> io::Error {
        io::Error::from_raw_os_error(self.errno)
    }

    /// The errno of `e`. tempfile wraps the system's error to add the
    /// path, which hides its number but keeps its kind; the kinds a
    /// creation or rename meets are mapped back.
    pub fn from_io(e: &io::Error) -> FileError {
        use io::ErrorKind as K;
        let errno = e.raw_os_error().unwrap_or(match e.kind() {
            K::NotFound => libc::ENOENT,
            K::PermissionDenied => libc::EACCES,
            K::ReadOnlyFilesystem => libc::EROFS,
            K::StorageFull => libc::ENOSPC,
            K::QuotaExceeded => libc::EDQUOT,
            K::NotADirectory => libc::ENOTDIR,
            K::IsADirectory => libc::EISDIR,
            K::InvalidFilename => libc::ENAMETOOLONG,
            K::CrossesDevices => libc::EXDEV,
            K::AlreadyExists => libc::EEXIST,
            _ => libc::EIO,
        });
        FileError { errno }
    }

    /// `FILE: reason`, with `file` as the message shows it.
    pub fn message(&self, file: &[u8]) -> Vec<u8> {
        let mut text = file.to_vec();
        text.extend_from_slice(b": ");
        text.extend_from_slice(crate::message::strerror(self.errno).as_bytes());
        text
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = match &mut self.to {
            To::Staged { temp, .. } => temp.write(buf),
            To::Direct(f) => f.write(buf),
            To::Stream(s) => s.write(buf),
        };
        self.note(result)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let result = match &mut self.to {
            To::Staged { temp, .. } => temp.write_all(buf),
            To::Direct(f) => f.write_all(buf),
            To::Stream(s) => s.write_all(buf),
        };
        self.note(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = match &mut self.to {
            To::Staged { temp, .. } => temp.flush(),
            To::Direct(f) => f.flush(),
            To::Stream(s) => s.flush(),
        };
        self.note(result)
    }
}

/// Whether `name` names a regular file that is the file open as `fd`.
pub fn same_as_fd(identity: Option<(u64, u64)>, fd: impl std::os::fd::AsFd) -> bool {
    let Some(id) = identity else {
        return false;
    };
    rustix::fs::fstat(fd).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile
            && (st.st_dev, st.st_ino) == id
    })
}
