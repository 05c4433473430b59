//! A scan cut into shards that separate processes walk (`--shard=K/N
//! --export=PART`), and the parts merged back into the scan of the whole
//! tree (`--import=PART1 --import=PART2 ...`).
//!
//! `cut` chooses, the same way in every process and without talking to
//! the others, the directories at the top of the tree that are walked by
//! all (the skeleton) and the subtrees below them that each shard walks
//! alone. `header` is what a part says of the scan it belongs to, `part`
//! reads a part back entry by entry, `open` checks that the parts given
//! are every part of one scan, and `merge` interleaves them into the one
//! ordered stream a single walk would have produced.

pub mod cut;
pub mod header;
pub mod merge;
pub mod open;
pub mod part;

use crate::config::{Config, Operand};
use crate::output::ncdu::PartMarks;
use crate::shard_id::ShardId;

/// The walk of shard `id`: `config` with the other shards' subtrees left
/// out (as excluded entries, never looked at), and what marks its export
/// as the part it is.
pub fn prepare(config: &Config, id: ShardId) -> (Config, PartMarks) {
    let root = match config.operands.first() {
        Some(Operand::Path(p)) => crate::path::trim_operand(p).to_vec(),
        _ => Vec::new(),
    };
    let cut = cut::cut(config, &root, id.n);
    let header = header::Header::new(config, id, &root, cut.hash);
    let mut walk = config.clone();
    for (path, (shard, _)) in &cut.subtrees {
        if *shard != id.k {
            walk.excludes.add_whole(path);
        }
    }
    for (path, shard) in &cut.files {
        if *shard != id.k {
            walk.excludes.add_whole(path);
        }
    }
    (walk, PartMarks { header, cut })
}
