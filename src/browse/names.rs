//! Every node's name in one buffer, in node order. Each node keeps one
//! byte of length, and every 16th node the offset its name starts at: a
//! name is found by adding at most 15 lengths, and no node stores an
//! offset of its own. At a million entries that is about 1.3 bytes a node
//! beside the names themselves.

use std::collections::HashMap;

/// Nodes per stored name offset.
const STRIDE: usize = 16;
/// A length byte that says "long: see [`Names::long`]".
const LONG: u8 = u8::MAX;

/// The names of the nodes `0..len`.
#[derive(Default)]
pub struct Names {
    /// Every node's name, one after the other in node order.
    bytes: Vec<u8>,
    /// Each node's name length, or [`LONG`].
    lens: Vec<u8>,
    /// The lengths of names of [`LONG`] bytes or more (an operand given as
    /// a long path).
    long: HashMap<u32, u32>,
    /// Where the name of node `STRIDE * i` starts.
    marks: Vec<u32>,
}

impl Names {
    /// Appends the name of the next node.
    pub fn push(&mut self, name: &[u8]) {
        let id = self.lens.len();
        if id.is_multiple_of(STRIDE) {
            self.marks.push(self.bytes.len() as u32);
        }
        self.bytes.extend_from_slice(name);
        if name.len() >= usize::from(LONG) {
            self.lens.push(LONG);
            self.long.insert(id as u32, name.len() as u32);
        } else {
            self.lens.push(name.len() as u8);
        }
    }

    fn len_of(&self, id: u32) -> usize {
        match self.lens[id as usize] {
            LONG => self.long[&id] as usize,
            len => usize::from(len),
        }
    }

    fn start_of(&self, id: u32) -> usize {
        let i = id as usize;
        let mark = i - i % STRIDE;
        let mut start = self.marks[mark / STRIDE] as usize;
        for before in mark..i {
            start += self.len_of(before as u32);
        }
        start
    }

    /// The name of node `id`.
    pub fn get(&self, id: u32) -> &[u8] {
        let start = self.start_of(id);
        &self.bytes[start..start + self.len_of(id)]
    }

    /// Drops the names of the nodes from `from` on.
    pub fn truncate(&mut self, from: u32) {
        let at = from as usize;
        self.bytes.truncate(self.start_of(from));
        self.lens.truncate(at);
        self.marks.truncate(at.div_ceil(STRIDE));
        self.long.retain(|&id, _| id < from);
    }

    /// The bytes of names held and the offsets stored: what the names
    /// cost, for a test that something was freed.
    #[cfg(test)]
    pub fn footprint(&self) -> (usize, usize) {
        (self.bytes.len(), self.marks.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_past_many_strides_and_long_ones_whole() {
        let mut names = Names::default();
        let long = vec![b'x'; 4000];
        let mut all = Vec::new();
        for i in 0..100u32 {
            let name = if i % 7 == 3 {
                long.clone()
            } else {
                format!("n{i}").into_bytes()
            };
            names.push(&name);
            all.push(name);
        }
        for (id, name) in all.iter().enumerate() {
            assert_eq!(names.get(id as u32), &name[..]);
        }
    }

    #[test]
    fn truncating_keeps_the_names_before() {
        let mut names = Names::default();
        for i in 0..40u32 {
            names.push(if i == 20 { &[b'y'; 300][..] } else { b"ab" });
        }
        names.truncate(17);
        assert_eq!(names.footprint(), (34, 2));
        for id in 0..17 {
            assert_eq!(names.get(id), b"ab");
        }
        names.push(b"new");
        assert_eq!(names.get(17), b"new");
    }
}
