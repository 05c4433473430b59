//! The tree's own checks: fields, sizes past a slot, names, grafts.

use super::*;

fn file(disk: u64) -> Node {
    Node {
        items: 1,
        disk,
        apparent: disk,
        ..Node::new(Kind::File)
    }
}

#[test]
fn every_field_reads_back_as_written() {
    let mut tree = Tree::new();
    let node = Node {
        kind: Kind::Symlink,
        flags: FLAG_ERROR | FLAG_OPEN | FLAG_LINKED,
        items: u32::MAX,
        mtime: 1_700_000_000,
        disk: SIZE_FAR - 1,
        apparent: 12345,
    };
    let id = tree.add(ROOT, b"some name", node);
    assert_eq!(tree.node(id), node);
    assert_eq!(tree.name(id), b"some name");
    for kind in KINDS {
        tree.update(id, |n| n.kind = kind);
        assert_eq!(tree.node(id).kind, kind);
        assert_eq!(tree.node(id).disk, SIZE_FAR - 1);
    }
}

#[test]
fn sizes_too_big_for_a_slot_stay_exact() {
    let mut tree = Tree::new();
    let id = tree.add(ROOT, b"huge", file(SIZE_FAR));
    tree.update(id, |n| n.apparent = u64::MAX - 3);
    assert_eq!(tree.node(id).disk, SIZE_FAR);
    assert_eq!(tree.node(id).apparent, u64::MAX - 3);
    // Crossing the limit both ways keeps the number right.
    tree.add_sizes(&[ROOT], Sizes::of(tree.node(id)));
    tree.add_sizes(&[ROOT], Sizes::of(tree.node(id)));
    assert_eq!(tree.node(ROOT).disk, 2 * SIZE_FAR);
    assert_eq!(tree.node(ROOT).apparent, u64::MAX);
    tree.subtract(&[ROOT], Sizes::of(tree.node(id)));
    assert_eq!(tree.node(ROOT).disk, SIZE_FAR);
    assert_eq!(tree.node(ROOT).apparent, 3);
    tree.subtract(&[ROOT], Sizes::of(file(SIZE_FAR - 7)));
    assert_eq!(tree.node(ROOT).disk, 7);
    // The apparent total had reached its ceiling: what is taken off
    // leaves 3, then nothing.
    assert_eq!(tree.node(ROOT).apparent, 0);
}

#[test]
fn a_name_ends_at_a_nul_and_the_next_name_is_its_own() {
    let mut tree = Tree::new();
    let a = tree.add(ROOT, b"a\0b", file(1));
    let b = tree.add(ROOT, b"", file(1));
    let c = tree.add(ROOT, b"c", file(1));
    assert_eq!(tree.name(a), b"a");
    assert_eq!(tree.name(b), b"");
    assert_eq!(tree.name(c), b"c");
    assert_eq!(tree.name(ROOT), b"");
}

#[test]
fn rescanning_the_same_directory_again_does_not_grow_the_tree() {
    let mut fresh = Tree::new();
    let top = fresh.add(ROOT, b"d", Node::new(Kind::Dir));
    for i in 0..40 {
        fresh.add(top, format!("f{i}").as_bytes(), file(3));
    }
    fresh.update(top, |n| n.disk = 120);
    let mut tree = Tree::new();
    let a = tree.add(ROOT, b"a", Node::new(Kind::Dir));
    let mut d = tree.add(a, b"d", Node::new(Kind::Dir));
    let mut sizes = None;
    for round in 0..5 {
        d = tree.graft(&[ROOT, a], d, &fresh).unwrap();
        if round == 0 {
            sizes = Some((tree.len(), tree.names.footprint()));
        }
        assert_eq!(tree.name(d), b"d");
        assert_eq!(tree.children(d).count(), 40);
        assert_eq!(tree.node(a).disk, 120);
    }
    assert_eq!(Some((tree.len(), tree.names.footprint())), sizes);
    let names: Vec<_> = tree.children(d).map(|c| tree.name(c).to_vec()).collect();
    assert!(names.contains(&b"f39".to_vec()) && names.contains(&b"f0".to_vec()));
}

#[test]
fn unlink_and_subtract_take_a_child_and_its_size_away() {
    let mut tree = Tree::new();
    let a = tree.add(ROOT, b"a", file(10));
    let b = tree.add(ROOT, b"b", file(20));
    tree.update(ROOT, |n| n.disk = 30);
    tree.unlink(ROOT, a);
    tree.subtract(&[ROOT], Sizes::of(tree.node(a)));
    assert_eq!(tree.children(ROOT).collect::<Vec<_>>(), vec![b]);
    assert_eq!(tree.node(ROOT).disk, 20);
}
