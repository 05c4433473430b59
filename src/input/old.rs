//! The old side of a diff in memory: each entry under its parent, with
//! the value it had, read from an export (through the importer) or from
//! a du listing. Entries are found by their parent and name, so the new
//! scan's paths are matched below the root whatever the root was called.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::ffi::OsStrExt;

use crate::config::Config;
use crate::input::import::{ImportError, import};
use crate::input::listing::{self, ListingError};
use crate::quote::quote_if_needed;
use crate::stream::{Event, Sink};

/// No such node (a link that goes nowhere).
pub const NONE: u32 = u32::MAX;

/// One old entry.
pub struct Node {
    pub name: Box<[u8]>,
    pub first_child: u32,
    pub next_sibling: u32,
    /// None for a directory a listing leaves out but lists entries under.
    pub value: Option<u64>,
    pub is_dir: bool,
    /// Met by the new scan.
    pub seen: bool,
}

/// The old scan: node 0 is its root.
pub struct OldTree {
    pub nodes: Vec<Node>,
    /// Parent index (4 bytes) then name, to the child's index.
    index: HashMap<Box<[u8]>, u32>,
    key: Vec<u8>,
    /// What the new side's values are rounded up to a multiple of: a
    /// listing's unit (its numbers were rounded up so), 1 for an export.
    pub unit: u64,
    /// How many entries the old scan counted, when it says: an export's
    /// root holds its inode total, and so does a listing made with
    /// `--inodes`. The new scan's progress is measured against it.
    pub entries: Option<u64>,
}

/// Why OLD could not be read.
pub enum LoadError {
    Io(Vec<u8>, io::Error),
    /// Nothing but white space: no scan to compare with.
    Empty(Vec<u8>),
    Import(ImportError),
    Listing(ListingError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(file, e) => write!(
                f,
                "{}: {}",
                String::from_utf8_lossy(file),
                crate::message::strerror(e.raw_os_error().unwrap_or(0))
            ),
            LoadError::Empty(file) => write!(
                f,
                "{}: empty: no earlier scan to compare with",
                String::from_utf8_lossy(file)
            ),
            LoadError::Import(e) => e.fmt(f),
            LoadError::Listing(e) => e.fmt(f),
        }
    }
}

impl OldTree {
    fn new(unit: u64) -> Self {
        let mut tree = OldTree {
            nodes: Vec::new(),
            index: HashMap::new(),
            key: Vec::new(),
            unit,
            entries: None,
        };
        tree.push(Box::default(), true);
        tree
    }

    fn push(&mut self, name: Box<[u8]>, is_dir: bool) -> u32 {
        self.nodes.push(Node {
            name,
            first_child: NONE,
            next_sibling: NONE,
            value: None,
            is_dir,
            seen: false,
        });
        (self.nodes.len() - 1) as u32
    }

    fn make_key(&mut self, parent: u32, name: &[u8]) {
        self.key.clear();
        self.key.extend_from_slice(&parent.to_le_bytes());
        self.key.extend_from_slice(name);
    }

    /// The child `name` of `parent`, if the old scan had it.
    pub fn child(&mut self, parent: u32, name: &[u8]) -> Option<u32> {
        self.make_key(parent, name);
        self.index.get(&self.key[..]).copied()
    }

    /// The child `name` of `parent`, made if new.
    fn add(&mut self, parent: u32, name: &[u8], is_dir: bool) -> u32 {
        if let Some(i) = self.child(parent, name) {
            return i;
        }
        let i = self.push(name.into(), is_dir);
        let key = self.key.clone().into_boxed_slice();
        self.index.insert(key, i);
        let p = &mut self.nodes[parent as usize];
        self.nodes[i as usize].next_sibling = p.first_child;
        self.nodes[parent as usize].first_child = i;
        i
    }

    /// Reads OLD (`-` for stdin): an export if its first byte that is not
    /// white space is `[`, else a du listing in the units of `config`.
    pub fn load(config: &Config, file: &OsStr) -> Result<OldTree, LoadError> {
        let shown = quote_if_needed(file.as_bytes(), config.locale);
        let input: Box<dyn Read> = if file == "-" {
            Box::new(io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(file).map_err(|e| LoadError::Io(shown.clone(), e))?)
        };
        let mut input = BufReader::with_capacity(1 << 16, input);
        let export = loop {
            let buf = input
                .fill_buf()
                .map_err(|e| LoadError::Io(shown.clone(), e))?;
            match buf.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) => break buf[i] == b'[',
                None if buf.is_empty() => break false,
                None => {
                    let n = buf.len();
                    input.consume(n);
                }
            }
        };
        if export {
            let mut builder = Builder {
                config,
                tree: OldTree::new(1),
                stack: Vec::new(),
            };
            let result = import(config, input, &mut builder);
            result.map_err(|fault| {
                LoadError::Import(ImportError {
                    file: shown,
                    what: String::new(),
                    fault: Some(fault),
                })
            })?;
            Ok(builder.tree)
        } else {
            let mut text = Vec::new();
            input
                .read_to_end(&mut text)
                .map_err(|e| LoadError::Io(shown.clone(), e))?;
            if text.iter().all(|&b| b.is_ascii_whitespace() || b == 0) {
                return Err(LoadError::Empty(shown));
            }
            from_listing(config, &text, &shown).map_err(LoadError::Listing)
        }
    }
}

/// The unit a listing's numbers are in for the options of `config`: the
/// block size; with `-h` or `--si`, bytes if sizes are apparent (`-b`),
/// else du's default 1K blocks.
pub fn listing_unit(config: &Config) -> u64 {
    if !config.format.autoscale {
        config.format.block_size.max(1)
    } else if config.apparent || config.inodes {
        1
    } else {
        1024
    }
}

/// Builds the tree of a listing. Its root is its last line (the operand,
/// which du prints after all below it), or the one before a last `total`.
fn from_listing(config: &Config, text: &[u8], file: &[u8]) -> Result<OldTree, ListingError> {
    let mut lines = listing::parse(text, config.null, file)?;
    if lines.len() > 1 && lines.last().is_some_and(|l| l.path == b"total") {
        lines.pop();
    }
    let unit = listing_unit(config);
    let mut tree = OldTree::new(unit);
    let Some(root) = lines.last().map(|l| l.path) else {
        return Ok(tree);
    };
    let mut prefix = root.to_vec();
    if prefix.last() != Some(&b'/') {
        prefix.push(b'/');
    }
    let continued = lines.iter().any(|l| l.continued);
    for line in &lines {
        let Some(bytes) = line.number.checked_mul(unit) else {
            return Err(ListingError {
                file: file.to_vec(),
                line: line.at,
                what: format!(
                    "{} units of {unit} bytes is too large to hold (the largest is 2^64-1 bytes)",
                    line.number
                ),
            });
        };
        let value = Some(bytes);
        if line.path == root {
            tree.nodes[0].value = value;
            if config.inodes {
                tree.entries = Some(line.number);
            }
            continue;
        }
        let Some(rel) = line.path.strip_prefix(&prefix[..]) else {
            return Err(ListingError {
                file: file.to_vec(),
                line: line.at,
                what: format!(
                    "{} is not below {}, the last line's path{}",
                    String::from_utf8_lossy(line.path),
                    String::from_utf8_lossy(root),
                    if continued {
                        format!(" ({})", listing::AMBIGUOUS)
                    } else {
                        String::new()
                    }
                ),
            });
        };
        let mut at = 0;
        for name in rel.split(|&b| b == b'/').filter(|n| !n.is_empty()) {
            // A listing does not say what is a file: every entry may
            // hold others.
            at = tree.add(at, name, true);
        }
        tree.nodes[at as usize].value = value;
    }
    Ok(tree)
}

/// Builds the tree from an import's events; files only with `-a`.
struct Builder<'c> {
    config: &'c Config,
    tree: OldTree,
    /// The node of each directory open, by depth.
    stack: Vec<u32>,
}

fn last_name(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

impl Sink for Builder<'_> {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        match *event {
            Event::DirStart { path, depth, .. } => {
                self.stack.truncate(depth);
                let node = match self.stack.last() {
                    None => 0,
                    Some(&parent) => self.tree.add(parent, last_name(path), true),
                };
                self.stack.push(node);
            }
            Event::File {
                path, depth, usage, ..
            } => {
                let v = Some(self.config.value(usage));
                if depth == 0 {
                    self.tree.nodes[0].is_dir = false;
                    self.tree.nodes[0].value = v;
                    self.tree.entries = Some(1);
                } else if self.config.all
                    && let Some(&parent) = self.stack.get(depth - 1)
                {
                    let node = self.tree.add(parent, last_name(path), false);
                    self.tree.nodes[node as usize].value = v;
                }
            }
            Event::DirEnd { depth, total, .. } => {
                if depth == 0 {
                    self.tree.entries = Some(total.inodes);
                }
                if let Some(&node) = self.stack.get(depth) {
                    self.tree.nodes[node as usize].value = Some(self.config.value(total));
                }
                self.stack.truncate(depth);
            }
            Event::Invalid { .. } | Event::Error { .. } | Event::Skipped { .. } => {}
        }
        Ok(())
    }
}
