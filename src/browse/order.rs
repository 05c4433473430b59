//! Ordering a directory's entries fast enough for a million of them: a
//! key per entry is read once, then sorted by a stable radix sort on
//! integers rather than by comparisons. Names are ordered by their first
//! eight bytes as a number, and only entries that share those bytes are
//! compared in full; every other order is a stable sort of the name
//! order by its key, so ties stay A to Z.

use super::model::{NodeId, Tree};

/// `ids` ordered by name, bytewise, A to Z.
pub fn by_name(tree: &Tree, ids: &[NodeId]) -> Vec<NodeId> {
    let mut keyed: Vec<(u64, NodeId)> = ids.iter().map(|&id| (prefix(tree.name(id)), id)).collect();
    radix_sort(&mut keyed);
    // Names longer than their prefix that share it are told apart by the
    // rest; a run of one needs nothing.
    let mut start = 0;
    while start < keyed.len() {
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == keyed[start].0 {
            end += 1;
        }
        if end - start > 1 {
            keyed[start..end].sort_by(|a, b| tree.name(a.1).cmp(tree.name(b.1)));
        }
        start = end;
    }
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// `by_name` (entries in name order) ordered by `key`, biggest first if
/// `descending`; entries of the same key keep their name order.
pub fn by_key(by_name: &[NodeId], descending: bool, key: impl Fn(NodeId) -> u64) -> Vec<NodeId> {
    let mut keyed: Vec<(u64, NodeId)> = by_name
        .iter()
        .map(|&id| {
            let k = key(id);
            (if descending { u64::MAX - k } else { k }, id)
        })
        .collect();
    radix_sort(&mut keyed);
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// The first eight bytes of `name` as a big-endian number, zeros after
/// a shorter name: numbers compare as the names' beginnings do, and a
/// name comes before the longer names it begins (no name holds a NUL).
pub(super) fn prefix(name: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let n = name.len().min(8);
    bytes[..n].copy_from_slice(&name[..n]);
    u64::from_be_bytes(bytes)
}

/// Sorts by the number, keeping equal numbers in their order: a least
/// significant byte first radix sort, skipping the bytes every number
/// shares (sizes and times leave most of the high ones alike).
pub(super) fn radix_sort(items: &mut Vec<(u64, NodeId)>) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let mut counts = [[0usize; 256]; 8];
    for &(k, _) in items.iter() {
        for (byte, count) in counts.iter_mut().enumerate() {
            count[(k >> (8 * byte)) as usize & 0xff] += 1;
        }
    }
    let mut spare = vec![(0u64, 0 as NodeId); n];
    for (byte, count) in counts.iter().enumerate() {
        if count.contains(&n) {
            continue;
        }
        let mut at = [0usize; 256];
        let mut sum = 0;
        for (slot, &c) in at.iter_mut().zip(count.iter()) {
            *slot = sum;
            sum += c;
        }
        for &item in items.iter() {
            let b = (item.0 >> (8 * byte)) as usize & 0xff;
            spare[at[b]] = item;
            at[b] += 1;
        }
        std::mem::swap(items, &mut spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browse::model::{Kind, Node, ROOT};

    #[test]
    fn the_radix_sort_agrees_with_a_stable_sort() {
        let mut state = 12345u64;
        let mut items: Vec<(u64, NodeId)> = (0..5000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Few distinct keys, far apart, so ties and high bytes both occur.
                ((state >> 61) << (state >> 58 & 63), i)
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(k, _)| k);
        radix_sort(&mut items);
        assert_eq!(items, expected);
    }

    #[test]
    fn names_order_bytewise_past_their_first_eight_bytes() {
        let mut tree = Tree::new();
        let names: [&[u8]; 9] = [
            b"longname-b",
            b"longname-a",
            b"longname",
            b"long",
            b"",
            b"\xffz",
            b"Z",
            b"a",
            b"longname-ab",
        ];
        let ids: Vec<NodeId> = names
            .iter()
            .map(|n| tree.add(ROOT, n, Node::new(Kind::File)))
            .collect();
        let got: Vec<&[u8]> = by_name(&tree, &ids)
            .iter()
            .map(|&id| tree.name(id))
            .collect();
        let mut expected = names.to_vec();
        expected.sort();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_key_order_keeps_ties_in_name_order_both_ways() {
        let keys = [5u64, 1, 5, u64::MAX, 0, 1];
        let ids: Vec<NodeId> = (0..keys.len() as NodeId).collect();
        let key = |id: NodeId| keys[id as usize];
        assert_eq!(by_key(&ids, true, key), vec![3, 0, 2, 1, 5, 4]);
        assert_eq!(by_key(&ids, false, key), vec![4, 1, 5, 0, 2, 3]);
    }
}
