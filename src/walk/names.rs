//! The names of a wide directory read ahead of their stats: each with its
//! inode and dirent type, in one byte arena, so that a chunk of 100,000
//! names costs a few megabytes and no allocation per name.

use std::ffi::CStr;

use rustix::fs::FileType;

/// One entry as getdents64 gave it, in 12 bytes: its inode and where its
/// record starts in [`Names::bytes`] (a d_type byte, then the name and
/// its NUL).
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct Ent {
    ino: u64,
    start: u32,
}

/// The names of one fts chunk, with their d_ino and d_type, in read order:
/// one byte arena and one small record per name.
#[derive(Default)]
pub struct Names {
    bytes: Vec<u8>,
    ents: Vec<Ent>,
}

impl Names {
    pub fn len(&self) -> usize {
        self.ents.len()
    }

    /// Adds an entry; false past 4 GiB of names, which a chunk of 100,000
    /// names of at most 255 bytes cannot reach.
    pub fn push(&mut self, name: &CStr, ino: u64, file_type: FileType) -> bool {
        let Ok(start) = u32::try_from(self.bytes.len()) else {
            return false;
        };
        self.bytes.push(dtype_byte(file_type));
        self.bytes.extend_from_slice(name.to_bytes_with_nul());
        self.ents.push(Ent { ino, start });
        true
    }

    /// Entry `i`: its name, its inode and its dirent type.
    pub fn get(&self, i: usize) -> (&CStr, u64, FileType) {
        let Ent { ino, start } = self.ents[i];
        let record = &self.bytes[start as usize..];
        let name =
            CStr::from_bytes_until_nul(&record[1..]).expect("every name was stored with its NUL");
        (name, ino, dtype_of(record[0]))
    }

    /// Room for `entries` names of about `name_bytes` each.
    pub fn with_room(entries: usize, name_bytes: usize) -> Self {
        Names {
            bytes: Vec::with_capacity(name_bytes.max(8) * entries),
            ents: Vec::with_capacity(entries),
        }
    }

    /// The bytes a name takes here, on average (its type and NUL too).
    pub fn name_bytes(&self) -> usize {
        self.bytes.len().div_ceil(self.len().max(1))
    }
}

/// getdents64's d_type of a file type (DT_*), and back.
fn dtype_byte(file_type: FileType) -> u8 {
    match file_type {
        FileType::Fifo => 1,
        FileType::CharacterDevice => 2,
        FileType::Directory => 4,
        FileType::BlockDevice => 6,
        FileType::RegularFile => 8,
        FileType::Symlink => 10,
        FileType::Socket => 12,
        _ => 0,
    }
}

fn dtype_of(byte: u8) -> FileType {
    match byte {
        1 => FileType::Fifo,
        2 => FileType::CharacterDevice,
        4 => FileType::Directory,
        6 => FileType::BlockDevice,
        8 => FileType::RegularFile,
        10 => FileType::Symlink,
        12 => FileType::Socket,
        _ => FileType::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_takes_12_bytes_and_keeps_its_inode_and_type() {
        assert_eq!(std::mem::size_of::<Ent>(), 12);
        let mut names = Names::default();
        names.push(c"b", 7, FileType::RegularFile);
        names.push(c"a", u64::MAX, FileType::Directory);
        names.push(c"c", 7, FileType::Unknown);
        let got: Vec<_> = (0..names.len()).map(|i| names.get(i)).collect();
        assert_eq!(
            got,
            [
                (c"b", 7, FileType::RegularFile),
                (c"a", u64::MAX, FileType::Directory),
                (c"c", 7, FileType::Unknown)
            ]
        );
    }
}
