//! What a part says of the scan it belongs to, in the export's metadata
//! object under `cdu_shard`: its shard and the number of shards, the
//! operand, the options that chose what the walk read, and the cut's
//! hash. Parts merge only when all of these agree.

use std::io::Write;

use super::ShardId;
use crate::config::{Config, TimeKind};
use crate::output::ncdu::push_name;

/// The metadata key of a part.
pub const KEY: &[u8] = b"cdu_shard";

/// A part's identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub k: u32,
    pub n: u32,
    /// The cut's hash, in hexadecimal.
    pub cut: Vec<u8>,
    /// The operand, as printed.
    pub root: Vec<u8>,
    /// The walk's options that decide what is read and how it is
    /// dereferenced; the same for every part of one scan.
    pub walk: Vec<u8>,
    /// `-l`: every name of a file of several links is saved.
    pub links: bool,
    /// The kind of time saved with each entry, if any.
    pub time: Option<TimeKind>,
}

/// The name a time kind is saved under.
pub fn time_name(time: Option<TimeKind>) -> &'static [u8] {
    match time {
        None => b"none",
        Some(TimeKind::Modification) => b"mtime",
        Some(TimeKind::Access) => b"atime",
        Some(TimeKind::StatusChange) => b"ctime",
    }
}

impl Header {
    /// The header of shard `id` of a scan of `root` under `config` (its
    /// patterns as the user gave them), cut as `cut_hash` says.
    pub fn new(config: &Config, id: ShardId, root: &[u8], cut_hash: u64) -> Header {
        let walk = format!(
            "dereference={:?} one-file-system={} exclude={:?}",
            config.dereference, config.one_file_system, config.excludes
        );
        Header {
            k: id.k,
            n: id.n,
            cut: format!("{cut_hash:016x}").into_bytes(),
            root: root.to_vec(),
            walk: walk.into_bytes(),
            links: config.count_links,
            time: config.time,
        }
    }

    /// `,"cdu_shard":{...}`, to go at the end of the metadata object.
    pub fn write(&self, out: &mut Vec<u8>) {
        let _ = write!(
            out,
            ",\"cdu_shard\":{{\"k\":{},\"n\":{},\"cut\":",
            self.k, self.n
        );
        push_name(out, &self.cut);
        out.extend_from_slice(b",\"root\":");
        push_name(out, &self.root);
        out.extend_from_slice(b",\"walk\":");
        push_name(out, &self.walk);
        let _ = write!(out, ",\"links\":{},\"time\":", self.links);
        push_name(out, time_name(self.time));
        out.push(b'}');
    }

    /// Whether `other` is a part of the same scan.
    pub fn same_scan(&self, other: &Header) -> bool {
        (
            self.n, &self.cut, &self.root, &self.walk, self.links, self.time,
        ) == (
            other.n,
            &other.cut,
            &other.root,
            &other.walk,
            other.links,
            other.time,
        )
    }
}
