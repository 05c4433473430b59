//! Where a scan is cut. Every shard reads the top of the tree the same
//! way and comes to the same cut without talking to the others: the
//! directories read are sorted by name, the subtrees' sizes are estimated
//! from the same reads, and the subtrees are dealt to the shards by a
//! fixed rule.
//!
//! The cut starts with the operand's subdirectories. The subtree that
//! looks largest is split (its directory joins the skeleton, walked by
//! every shard, and its subdirectories become subtrees) until none is
//! more than a sixth of a shard's share, or none can be split, or a
//! bound on the directories read is met. A subtree's size is estimated
//! by Knuth's probes: a few descents from its directory, each into one
//! subdirectory chosen by a hash of its path, each level's entries
//! weighted by the fan-outs above it. Each probe reads one directory a
//! level, so the pre-walk costs a small multiple of the shards times the
//! depth, not the tree. The subtrees are then dealt largest first, each
//! to the shard holding the least so far (shard 1 starts with the
//! skeleton's own entries, which it alone saves).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

use crate::config::Config;
use crate::path::join_path;

/// Descents per estimated subtree.
const PROBES: u64 = 16;
/// How deep a probe goes at most.
const PROBE_DEPTH: usize = 64;
/// A subtree or a run of files is split until it is at most this
/// fraction of a shard's share: dealt largest first, pieces of a sixth
/// leave the largest shard within about a sixth of the mean when the
/// estimates are right.
const SHARE_PARTS: f64 = 6.0;
/// How many directories may be split per shard.
const SPLITS_PER_SHARD: usize = 64;

/// A scan's cut.
#[derive(Debug, Default)]
pub struct Cut {
    /// The directories every shard walks, as printed (the operand first).
    pub skeleton: BTreeSet<Vec<u8>>,
    /// Each subtree below the skeleton, by printed path: its shard and
    /// its estimated entries.
    pub subtrees: BTreeMap<Vec<u8>, (u32, f64)>,
    /// The files of the skeleton's directories, dealt in runs of names as
    /// subtrees are (a directory of many files can be more than a
    /// shard's share on its own): by printed path, the shard of each.
    pub files: BTreeMap<Vec<u8>, u32>,
    /// The skeleton's other entries: its directories, and what the
    /// pre-walk did not see as a file (shard 1 saves them).
    pub skeleton_entries: u64,
    /// The names read in the skeleton's directories, which every shard
    /// reads and counts as entries scanned.
    pub skeleton_names: u64,
    /// What identifies the cut, so that parts cut differently are
    /// refused.
    pub hash: u64,
}

impl Cut {
    /// The shard whose subtree or run of files holds `path`, if any.
    pub fn shard_of(&self, path: &[u8]) -> Option<u32> {
        match self.subtrees.get(path) {
            Some((shard, _)) => Some(*shard),
            None => self.files.get(path).copied(),
        }
    }
}

/// One directory as the pre-walk read it.
struct Listing {
    entries: u64,
    /// Every name read, those left out by a pattern too (as the walk
    /// counts them).
    names: u64,
    /// Its subdirectories' names, sorted.
    subdirs: Vec<Vec<u8>>,
    /// Its other entries' names, sorted.
    files: Vec<Vec<u8>>,
}

struct PreWalk<'c> {
    config: &'c Config,
    root_dev: Option<u64>,
    read: BTreeMap<Vec<u8>, Listing>,
}

impl PreWalk<'_> {
    /// Reads `dir` once: what fails to be read is an empty directory,
    /// as it costs its shard one entry.
    fn listing(&mut self, dir: &[u8]) -> &Listing {
        if !self.read.contains_key(dir) {
            let listing = self.read_dir(dir);
            self.read.insert(dir.to_vec(), listing);
        }
        &self.read[dir]
    }

    fn read_dir(&self, dir: &[u8]) -> Listing {
        let mut listing = Listing {
            entries: 0,
            names: 0,
            subdirs: Vec::new(),
            files: Vec::new(),
        };
        let Ok(entries) = std::fs::read_dir(OsStr::from_bytes(dir)) else {
            return listing;
        };
        let mut path = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            path.clear();
            path.extend_from_slice(dir);
            join_path(&mut path, name.as_bytes());
            listing.names += 1;
            // Left out by a pattern: the walk does not look at it either.
            if self.config.excludes.matches(&path) {
                continue;
            }
            listing.entries += 1;
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if !is_dir {
                listing.files.push(name.as_bytes().to_vec());
                continue;
            }
            if let Some(root_dev) = self.root_dev {
                // With -x, a mount below is a skipped entry, not a subtree.
                match entry.metadata() {
                    Ok(m) if m.dev() == root_dev => {}
                    _ => continue,
                }
            }
            listing.subdirs.push(name.as_bytes().to_vec());
        }
        listing.subdirs.sort();
        listing.files.sort();
        listing
    }

    /// Knuth's estimate of the entries in the subtree of `dir`, itself
    /// included.
    fn estimate(&mut self, dir: &[u8]) -> f64 {
        let mut sum = 0.0;
        for probe in 0..PROBES {
            let mut weight = 1.0;
            let mut entries = 1.0;
            let mut at = dir.to_vec();
            for _ in 0..PROBE_DEPTH {
                let listing = self.listing(&at);
                entries += weight * listing.entries as f64;
                if listing.subdirs.is_empty() {
                    break;
                }
                weight *= listing.subdirs.len() as f64;
                // The probes are spread over the subdirectories, from a
                // start that depends on the path: stratified, they miss
                // fewer large subtrees than independent choices do.
                let len = listing.subdirs.len() as u64;
                let pick = ((fnv(&at, 0) + probe * len / PROBES) % len) as usize;
                let name = listing.subdirs[pick].clone();
                join_path(&mut at, &name);
            }
            sum += entries;
        }
        sum / PROBES as f64
    }
}

/// FNV-1a of `bytes` after `seed`: the same in every process and build.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.to_le_bytes().iter().chain(bytes) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Cuts the tree of `root` (as printed) into `n` shards.
pub fn cut(config: &Config, root: &[u8], n: u32) -> Cut {
    let mut cut = Cut::default();
    let root_meta = std::fs::metadata(OsStr::from_bytes(root));
    let is_dir = root_meta.as_ref().is_ok_and(std::fs::Metadata::is_dir);
    if n > 1 {
        // Even a root that cannot be read is shard 1's to save.
        cut.skeleton.insert(root.to_vec());
    }
    if n > 1 && is_dir {
        let root_dev = root_meta
            .ok()
            .filter(|_| config.one_file_system)
            .map(|m| m.dev());
        let mut walk = PreWalk {
            config,
            root_dev,
            read: BTreeMap::new(),
        };
        split(&mut walk, &mut cut, root, n);
        let runs = runs_of_files(&mut walk, &mut cut, n);
        deal(&mut cut, runs, n);
    } else {
        deal(&mut cut, Vec::new(), n);
    }
    cut.hash = hash(&cut, n);
    cut
}

/// Splits the largest subtree until the cut is fine enough.
fn split(walk: &mut PreWalk, cut: &mut Cut, root: &[u8], n: u32) {
    // Subtrees by estimate; those that cannot be split leave this map.
    let mut open: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
    let add_dir =
        |walk: &mut PreWalk, cut: &mut Cut, open: &mut BTreeMap<Vec<u8>, f64>, dir: &[u8]| {
            cut.skeleton.insert(dir.to_vec());
            let listing = walk.listing(dir);
            // Its own entry and its non-directories.
            cut.skeleton_entries += 1 + listing.entries - listing.subdirs.len() as u64;
            cut.skeleton_names += listing.names;
            let subdirs = listing.subdirs.clone();
            let mut path = Vec::new();
            for name in subdirs {
                path.clear();
                path.extend_from_slice(dir);
                join_path(&mut path, &name);
                let est = walk.estimate(&path);
                cut.subtrees.insert(path.clone(), (0, est));
                open.insert(path.clone(), est);
            }
        };
    add_dir(walk, cut, &mut open, root);
    for _ in 0..SPLITS_PER_SHARD * n as usize {
        let total: f64 =
            cut.skeleton_entries as f64 + cut.subtrees.values().map(|s| s.1).sum::<f64>();
        // The largest, the first by name among equals.
        let Some((dir, est)) = open
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(d, e)| (d.clone(), *e))
        else {
            break;
        };
        if est <= total / (SHARE_PARTS * f64::from(n)) {
            break;
        }
        open.remove(&dir);
        cut.subtrees.remove(&dir);
        add_dir(walk, cut, &mut open, &dir);
    }
}

/// The files of each skeleton directory, in runs of names of at most a
/// sixth of a shard's share: without them, shard 1 would walk all of
/// the skeleton's files, which on a tree of wide directories is more
/// than its share.
fn runs_of_files(walk: &mut PreWalk, cut: &mut Cut, n: u32) -> Vec<Vec<Vec<u8>>> {
    let total = cut.skeleton_entries as f64 + cut.subtrees.values().map(|s| s.1).sum::<f64>();
    let most = (total / (SHARE_PARTS * f64::from(n))).max(1.0) as usize;
    let mut runs = Vec::new();
    for dir in &cut.skeleton {
        let files = &walk.listing(dir).files;
        if files.is_empty() {
            continue;
        }
        cut.skeleton_entries -= files.len() as u64;
        let count = files.len().div_ceil(most);
        let each = files.len().div_ceil(count);
        for run in files.chunks(each) {
            let paths = run
                .iter()
                .map(|name| {
                    let mut path = dir.clone();
                    join_path(&mut path, name);
                    path
                })
                .collect();
            runs.push(paths);
        }
    }
    runs
}

/// Deals the subtrees and the runs of files to the shards: largest
/// first, each to the shard with the least so far (the lowest number
/// among equals).
fn deal(cut: &mut Cut, runs: Vec<Vec<Vec<u8>>>, n: u32) {
    // (weight, first path, the run's index if it is one)
    let mut order: Vec<(f64, Vec<u8>, Option<usize>)> = cut
        .subtrees
        .iter()
        .map(|(p, (_, e))| (*e, p.clone(), None))
        .collect();
    for (i, run) in runs.iter().enumerate() {
        order.push((run.len() as f64, run[0].clone(), Some(i)));
    }
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut loads = vec![0.0; n as usize];
    loads[0] = cut.skeleton_entries as f64;
    for (weight, path, run) in order {
        let (least, _) = loads
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1).then_with(|| a.0.cmp(&b.0)))
            .expect("at least one shard");
        loads[least] += weight;
        let shard = least as u32 + 1;
        match run {
            Some(i) => {
                for file in &runs[i] {
                    cut.files.insert(file.clone(), shard);
                }
            }
            None => cut.subtrees.get_mut(&path).expect("listed").0 = shard,
        }
    }
}

fn hash(cut: &Cut, n: u32) -> u64 {
    let mut h = fnv(&n.to_le_bytes(), 0);
    for dir in &cut.skeleton {
        h = fnv(dir, h ^ 1);
    }
    for (path, (shard, _)) in &cut.subtrees {
        h = fnv(path, h ^ u64::from(*shard) << 1);
    }
    for (path, shard) in &cut.files {
        h = fnv(path, h ^ u64::from(*shard) << 2);
    }
    h
}
