//! Shared helpers for integration tests: `mod testenv;` in a `tests/*.rs`.
//!
//! The tree builder itself lives in `tree.rs` (see there for the description
//! format); benches and `examples/mktree.rs` include that file directly.
#![allow(dead_code)]

pub mod mount;
pub mod tree;

use std::path::{Path, PathBuf};

/// A temporary directory holding a tree built from a description, in the
/// subdirectory `root`. Everything is removed on drop (also trees deeper than
/// PATH_MAX and directories made unreadable with `mode`).
pub struct TestEnv {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl TestEnv {
    /// Builds `description` (see `tree.rs`); panics on failure.
    pub fn new(description: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("cdu-test-")
            .tempdir()
            .expect("create temporary directory");
        let root = dir.path().join("root");
        if let Err(e) = tree::build(&root, description) {
            panic!("building test tree failed: {e}");
        }
        TestEnv { dir, root }
    }

    /// Builds `fixtures/NAME.tree` from the crate's fixtures directory.
    pub fn from_fixture(name: &str) -> Self {
        let file = Self::fixture_path(name);
        let description = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        let dir = tempfile::Builder::new()
            .prefix(&format!("cdu-test-{name}-"))
            .tempdir()
            .expect("create temporary directory");
        let root = dir.path().join("root");
        if let Err(e) = tree::build(&root, &description) {
            panic!("building {}: {e}", file.display());
        }
        TestEnv { dir, root }
    }

    /// Path of `fixtures/NAME.tree`.
    pub fn fixture_path(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(format!("{name}.tree"))
    }

    /// The root of the built tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `root/rel` (no escape processing).
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// `root/rel`, with `rel` written in the description's escape syntax
    /// (`\s`, `\n`, `\t`, `\\`, `\xHH`), e.g. `env.escaped_path(r"odd/\xff\xfe")`.
    pub fn escaped_path(&self, rel: &str) -> PathBuf {
        self.root.join(tree::parse_rel_path(rel))
    }

    /// The temporary directory containing `root`, for scratch files that
    /// must not be part of the tree.
    pub fn tempdir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        // TempDir's own cleanup cannot cope with very deep chains or
        // directories without permissions (as non-root); do it first.
        let _ = tree::remove_tree(&self.root);
    }
}

/// Where `path` (relative to `base`, components joined by `/`) stands in a
/// post-order walk that takes each directory's entries in readdir order,
/// as GNU du's does for directories of at most 10,000 entries: the readdir
/// index of each component from the top, descendants before their
/// directory. Entries are looked up with `std::fs::read_dir`, which lists
/// a directory in the order getdents64 returns it.
pub fn readdir_key(base: &Path, path: &str) -> Vec<usize> {
    let mut key = Vec::new();
    let mut dir = base.to_path_buf();
    for component in path.split('/').filter(|c| !c.is_empty() && *c != ".") {
        let index = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .position(|e| e.expect("a directory entry").file_name() == component)
            .unwrap_or_else(|| panic!("{component} not found in {}", dir.display()));
        key.push(index);
        dir.push(component);
    }
    key
}

/// Orders `lines` (`SIZE<TAB>PATH` pairs, paths relative to `base`) as du
/// prints them: the traversal order of [`readdir_key`], each directory
/// after everything below it.
pub fn in_du_order(base: &Path, lines: &[(u64, &str)]) -> String {
    let mut keyed: Vec<(Vec<usize>, String)> = lines
        .iter()
        .map(|&(n, p)| (readdir_key(base, p), format!("{n}\t{p}\n")))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        // A prefix (an ancestor) comes after what is below it.
        let common = a.iter().zip(b).position(|(x, y)| x != y);
        match common {
            Some(i) => a[i].cmp(&b[i]),
            None => b.len().cmp(&a.len()),
        }
    });
    keyed.into_iter().map(|(_, line)| line).collect()
}
