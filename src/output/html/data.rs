//! The page's data: the gathered tree cut down to the boxes worth
//! drawing, written as JSON that is safe inside a `<script>` element.
//!
//! The largest entries are taken first, wherever they are, until the page
//! holds [`MAX_BOXES`]; what a directory has beyond those becomes one
//! "more entries" box of the size that is left, so every directory's boxes
//! still add up to it.

use std::collections::BinaryHeap;
use std::fmt::Write as _;

use super::super::largest::Largest;
use super::model::{Change, Listed, Model, Node};
use crate::input::old::NONE;

/// Boxes a page holds at most. About 45 bytes of JSON each, this keeps a
/// page near 2 MB, and one screen never shows more than a few thousand.
pub const MAX_BOXES: usize = 40_000;

/// Bytes of names and numbers the boxes may take, so that a tree of long
/// names still makes a page under 5 MB.
const MAX_BYTES: usize = 4_000_000;

/// What one box's row costs in the JSON besides its name (an estimate
/// from the rows of the million-file tree, rounded up).
const ROW_BYTES: usize = 60;

/// What the page says about the run besides the tree.
pub struct Header<'a> {
    /// The run's measure: "disk usage" or "apparent size".
    pub measure: &'a str,
    pub other_measure: &'a str,
    pub partial: bool,
    pub written: String,
    pub version: &'a str,
    pub old_name: Option<Vec<u8>>,
}

/// Kinds of box, as the script reads them.
const FILE: u8 = 0;
const DIR: u8 = 1;
const REST: u8 = 2;

fn change_code(change: Change) -> u8 {
    match change {
        Change::Unknown => 0,
        Change::Same => 1,
        Change::Grown => 2,
        Change::Shrunk => 3,
        Change::New => 4,
    }
}

/// A name as the page shows it: text as it is, control characters and
/// bytes that are not UTF-8 as `\n`, `\t` or `\xHH`, a backslash doubled.
pub fn shown_name(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let mut buf = [0; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02X}");
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// Appends `text` as a JSON string that cannot end a script element or
/// open a comment in one: `<`, `>`, `&` and `/` are escaped, and so are
/// the two line separators JavaScript once refused in strings.
pub fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Children of every node, largest first, as ranges of one array.
struct Children {
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Children {
    fn of(&self, node: usize) -> &[u32] {
        &self.list[self.start[node] as usize..self.start[node + 1] as usize]
    }

    fn build(nodes: &[Node]) -> (Children, Vec<u32>) {
        let mut count = vec![0u32; nodes.len() + 1];
        let mut roots = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            if n.parent == NONE {
                roots.push(i as u32);
            } else {
                count[n.parent as usize] += 1;
            }
        }
        let mut start = Vec::with_capacity(nodes.len() + 1);
        let mut sum = 0;
        for c in &count[..nodes.len()] {
            start.push(sum);
            sum += c;
        }
        start.push(sum);
        let mut fill = start.clone();
        let mut list = vec![0u32; sum as usize];
        for (i, n) in nodes.iter().enumerate() {
            if n.parent != NONE {
                let p = n.parent as usize;
                list[fill[p] as usize] = i as u32;
                fill[p] += 1;
            }
        }
        for p in 0..nodes.len() {
            let (a, b) = (start[p] as usize, start[p + 1] as usize);
            list[a..b].sort_by(|&x, &y| nodes[y as usize].size.cmp(&nodes[x as usize].size));
        }
        (Children { start, list }, roots)
    }
}

/// Which nodes get a box: the largest first until `MAX_BOXES` (or
/// `MAX_BYTES`), a node
/// only after its parent.
fn choose(nodes: &[Node], children: &Children, roots: &[u32]) -> Vec<bool> {
    let mut chosen = vec![false; nodes.len()];
    let mut heap: BinaryHeap<(u64, std::cmp::Reverse<u32>)> = BinaryHeap::new();
    for &r in roots {
        heap.push((nodes[r as usize].size, std::cmp::Reverse(r)));
    }
    let (mut boxes, mut bytes) = (0, 0);
    while let Some((_, std::cmp::Reverse(i))) = heap.pop() {
        let n = &nodes[i as usize];
        // A name may grow fourfold when escaped (`\xFF`).
        bytes += ROW_BYTES + 4 * (n.name.1 - n.name.0) as usize;
        if boxes >= MAX_BOXES || bytes > MAX_BYTES {
            break;
        }
        chosen[i as usize] = true;
        boxes += 1;
        for &c in children.of(i as usize) {
            heap.push((nodes[c as usize].size, std::cmp::Reverse(c)));
        }
    }
    chosen
}

/// Writes the page's data as one JSON object.
pub fn to_json(model: &mut Model, header: &Header) -> String {
    let largest = std::mem::replace(&mut model.largest, Largest::new(0)).into_sorted();
    let gone = std::mem::replace(&mut model.gone, Largest::new(0)).into_sorted();
    let model = &*model;
    let nodes = &model.nodes;
    let (children, roots) = Children::build(nodes);
    let chosen = choose(nodes, &children, &roots);
    let diff = model.diff();
    let mut out = String::with_capacity(1 << 20);
    out.push('{');
    out.push_str("\"measure\":");
    push_json_str(&mut out, header.measure);
    out.push_str(",\"otherMeasure\":");
    push_json_str(&mut out, if model.both { header.other_measure } else { "" });
    let _ = write!(
        out,
        ",\"partial\":{},\"unread\":{},\"diff\":{diff},\"written\":",
        header.partial, model.unread
    );
    push_json_str(&mut out, &header.written);
    out.push_str(",\"version\":");
    push_json_str(&mut out, header.version);
    if let Some(old) = &header.old_name {
        out.push_str(",\"old\":");
        push_json_str(&mut out, &shown_name(old));
    }
    // Every node chosen, in preorder: [name, kind, size, other, items,
    // children, change, old, gone entries, gone size]; a "more entries"
    // box has no name and counts the entries it stands for.
    out.push_str(",\"roots\":");
    let _ = write!(out, "{}", roots.len());
    out.push_str(",\"nodes\":[");
    let mut stack: Vec<Item> = roots.iter().rev().map(|&r| Item::Node(r)).collect();
    let mut kept = Vec::new();
    let mut first = true;
    while let Some(item) = stack.pop() {
        if !first {
            out.push(',');
        }
        first = false;
        let i = match item {
            Item::Rest(size, other, entries) => {
                let _ = write!(out, "[\"\",{REST},{size},{other},{entries},0");
                if diff {
                    out.push_str(",0,-1,0,0");
                }
                out.push(']');
                continue;
            }
            Item::Node(i) => i,
        };
        let n = &nodes[i as usize];
        kept.clear();
        kept.extend(
            children
                .of(i as usize)
                .iter()
                .copied()
                .filter(|&c| chosen[c as usize]),
        );
        let (mut size, mut other) = (0u64, 0u64);
        for &c in &kept {
            let c = &nodes[c as usize];
            size = size.saturating_add(c.size);
            other = other.saturating_add(c.other);
        }
        let rest = Item::Rest(
            n.size.saturating_sub(size),
            n.other.saturating_sub(other),
            n.entries.saturating_sub(kept.len() as u64),
        );
        let has_rest = n.is_dir && rest != Item::Rest(0, 0, 0);
        out.push('[');
        push_json_str(&mut out, &shown_name(model.name(n)));
        let kind = if n.is_dir { DIR } else { FILE };
        let _ = write!(
            out,
            ",{kind},{},{},{},{}",
            n.size,
            n.other,
            n.items,
            kept.len() + usize::from(has_rest)
        );
        if diff {
            let old = n.old.map_or(-1, i128::from);
            let _ = write!(
                out,
                ",{},{old},{},{}",
                change_code(n.change),
                n.gone.0,
                n.gone.1
            );
        }
        out.push(']');
        // The rest comes out after the chosen children, as their last
        // sibling.
        if has_rest {
            stack.push(rest);
        }
        stack.extend(kept.iter().rev().map(|&c| Item::Node(c)));
    }
    out.push(']');
    push_table(&mut out, "largest", largest);
    push_table(&mut out, "gone", gone);
    out.push('}');
    out
}

/// A box to write: a node, or the rest of a directory (size, other
/// measure, entries).
#[derive(PartialEq, Eq)]
enum Item {
    Node(u32),
    Rest(u64, u64, u64),
}

/// One of the page's tables: [path, size, other] rows, largest first.
fn push_table(out: &mut String, key: &str, rows: Vec<Listed>) {
    let _ = write!(out, ",\"{key}\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(out, &shown_name(&row.path));
        let _ = write!(out, ",{},{}]", row.size, row.other);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header<'static> {
        Header {
            measure: "disk usage",
            other_measure: "apparent size",
            partial: false,
            written: String::new(),
            version: "test",
            old_name: None,
        }
    }

    #[test]
    fn long_names_still_make_a_small_page() {
        let mut model = Model::new(None, false);
        model.dir_start(b"root", 0, 4096, Some(0));
        let name = vec![b'n'; 250];
        for i in 0..20_000u64 {
            let mut path = b"root/".to_vec();
            path.extend_from_slice(&name);
            path.extend_from_slice(i.to_string().as_bytes());
            model.dir_start(&path, 1, 4096 + i, Some(0));
            model.dir_end(&path, Some(4096 + i));
        }
        let total = 4096 + (0..20_000u64).map(|i| 4096 + i).sum::<u64>();
        model.dir_end(b"root", Some(total));
        let json = to_json(&mut model, &header());
        assert!(json.len() < 5_000_000, "{} bytes", json.len());
        assert!(json.contains(&format!("[\"root\",1,{total},")));
        // What did not fit is one box that keeps the sum.
        assert!(json.contains("[\"\",2,"), "no 'more entries' box");
    }
}
