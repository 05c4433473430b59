//! The parts given to a merge, opened and checked before anything is
//! printed: each a part (not an ordinary export), all of one scan, every
//! shard once, saved with what the merge's options need.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::unix::ffi::OsStrExt;

use super::part::PartReader;
use crate::config::Config;
use crate::input::import::ImportError;
use crate::input::lexer::Fault;
use crate::quote::quote_if_needed;

/// A part being read from its file.
pub type Part = PartReader<File>;

/// Whether `file` is a part of a sharded scan, which is merged (with
/// the other parts, if the scan was cut in more than one), never read as
/// an ordinary export.
pub fn is_part(file: &OsStr) -> bool {
    let Ok(f) = File::open(file) else {
        return false;
    };
    matches!(PartReader::open(f), Ok(Some(_)))
}

/// Whether the part in `file` ends with the record a finished shard
/// writes after its root: looked at before the merge starts, so that a
/// part cut short is refused before a line is printed (the reader checks
/// the record again when it gets there).
fn ends_whole(file: &OsStr) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = File::open(file) else {
        return false;
    };
    let len = f.seek(SeekFrom::End(0)).unwrap_or(0);
    let mut tail = Vec::new();
    if f.seek(SeekFrom::Start(len.saturating_sub(128))).is_err()
        || f.read_to_end(&mut tail).is_err()
    {
        return false;
    }
    let end = tail.trim_ascii_end();
    end.ends_with(b"}}]") && end.windows(16).any(|w| w == b"\"cdu_shard_end\":")
}

/// Why the merge stopped.
fn refuse(file: &[u8], what: impl Into<String>) -> ImportError {
    ImportError {
        file: file.to_vec(),
        fault: None,
        what: what.into(),
    }
}

/// Descriptors a merge has open besides its parts: the standard streams,
/// an export or a page being written, and some to spare.
const OTHER_FDS: u64 = 16;

/// Makes room for `parts` files open at once: the merge reads every part
/// at the same time, and a cluster's run may leave a thousand of them,
/// past the usual soft limit on open files (1,024). The soft limit is
/// raised as far as needed, within the hard one; past the hard one, what
/// stops the merge is said (rather than a failure to open some part).
fn make_room(parts: usize) -> Result<(), String> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let need = parts as u64 + OTHER_FDS;
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_none_or(|soft| soft >= need) {
        return Ok(());
    }
    if limit.maximum.is_some_and(|hard| hard < need) {
        return Err(format!(
            "{parts} parts cannot be open at once: the limit on open files \
             is {} (ulimit -Hn), and the merge reads every part at the same time",
            limit.maximum.unwrap_or(0)
        ));
    }
    let raised = Rlimit {
        current: Some(need),
        maximum: limit.maximum,
    };
    setrlimit(Resource::Nofile, raised)
        .map_err(|e| format!("cannot raise the limit on open files to {need}: {e}"))
}

/// Opens every part and checks that they are all the parts of one scan:
/// the parts in shard order, each with its name as messages show it.
pub fn open_parts(
    config: &Config,
    files: &[OsString],
) -> Result<(Vec<Vec<u8>>, Vec<Part>), ImportError> {
    if let Err(why) = make_room(files.len()) {
        let shown = files
            .last()
            .map(|f| quote_if_needed(f.as_bytes(), config.locale))
            .unwrap_or_default();
        return Err(refuse(&shown, why));
    }
    let mut parts: Vec<Option<(Vec<u8>, Part)>> = Vec::new();
    let mut first: Option<(Vec<u8>, super::header::Header)> = None;
    for file in files {
        let shown = quote_if_needed(file.as_bytes(), config.locale);
        if file == "-" {
            return Err(refuse(
                &shown,
                "the parts of a sharded scan are read from files, not standard input",
            ));
        }
        let f = File::open(file).map_err(|e| {
            refuse(
                &shown,
                crate::message::strerror(e.raw_os_error().unwrap_or(0)),
            )
        })?;
        let fault = |fault: Fault| ImportError {
            file: shown.clone(),
            fault: Some(fault),
            what: String::new(),
        };
        let Some(part) = PartReader::open(f).map_err(fault)? else {
            return Err(refuse(
                &shown,
                "not a part of a sharded scan (saved without --shard): \
                 a scan and parts cannot be merged",
            ));
        };
        if !ends_whole(file) {
            return Err(refuse(
                &shown,
                "the part is not whole: it ends without the record of a finished \
                 shard (its shard was stopped, or the file was cut short)",
            ));
        }
        let h = &part.header;
        match &first {
            None => {
                parts.resize_with(h.n as usize, || None);
                first = Some((shown.clone(), h.clone()));
            }
            Some((first_file, f)) if !f.same_scan(h) => {
                return Err(refuse(
                    &shown,
                    format!(
                        "a part of another scan than {} (another tree, other options, \
                         another number of shards or another cut)",
                        String::from_utf8_lossy(first_file)
                    ),
                ));
            }
            Some(_) => {}
        }
        let slot = &mut parts[h.k as usize - 1];
        if let Some((other, _)) = slot {
            return Err(refuse(
                &shown,
                format!(
                    "shard {} of {} again: it is {} already",
                    h.k,
                    h.n,
                    String::from_utf8_lossy(other)
                ),
            ));
        }
        *slot = Some((shown, part));
    }
    let (_, header) = first.expect("at least one part");
    let missing: Vec<String> = parts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !missing.is_empty() {
        let (which, is) = if missing.len() == 1 {
            ("the part of shard", "is")
        } else {
            ("the parts of shards", "are")
        };
        return Err(refuse(
            b"--import",
            format!(
                "{which} {} of {} {is} missing: every part of the scan is needed",
                missing.join(", "),
                header.n
            ),
        ));
    }
    if config.count_links != header.links {
        let (have, want) = if header.links {
            ("with -l", "without")
        } else {
            ("without -l", "with")
        };
        return Err(refuse(
            b"--import",
            format!("the parts were saved {have}, and are merged {want}: give the same -l to both"),
        ));
    }
    if let Some(kind) = config.time
        && !config.interactive
        && header.time != Some(kind)
    {
        return Err(refuse(
            b"--import",
            format!(
                "--time needs the parts' times of that kind, and they hold {}: \
                 save the parts with the same --time",
                String::from_utf8_lossy(super::header::time_name(header.time))
            ),
        ));
    }
    Ok(parts.into_iter().map(|p| p.expect("none missing")).unzip())
}
