//! Sorting a huge directory in `cdu -i`: once the scan has ended, a new
//! order of a directory of tens of thousands of entries is computed apart;
//! the screen says `[sorting]` meanwhile and then shows the order asked
//! for. While the scan runs, orders are computed apart too, and entries
//! that come meanwhile are listed after them. The tree is built in
//! memory, as a scan would fill it.

mod browsing;
mod testenv;

use std::sync::Arc;

use browsing::*;
use cdu::Cancel;
use cdu::internals::browse::Browser;
use cdu::internals::browse::model::{Kind, Node, ROOT, Shared, Tree, lock};
use crossterm::event::KeyCode;
use testenv::TestEnv;

const ENTRIES: u32 = 60_000;

/// A browser on one directory of ENTRIES files, `f00000` upwards, whose
/// sizes are a permutation of 1..=ENTRIES (f00000 is not the biggest).
fn huge() -> (TestEnv, Browser) {
    huge_as(true)
}

/// As [`huge`], with the scan still running if not `finished`.
fn huge_as(finished: bool) -> (TestEnv, Browser) {
    let env = TestEnv::new("dir big\n");
    let config = Arc::new(config(&env.path("big"), &["-b"]));
    let mut tree = Tree::new();
    let total: u64 = (1..=u64::from(ENTRIES)).sum();
    let dir = tree.add(
        ROOT,
        env.path("big").to_str().unwrap().as_bytes(),
        Node {
            items: ENTRIES + 1,
            disk: total,
            apparent: total,
            ..Node::new(Kind::Dir)
        },
    );
    for i in 0..ENTRIES {
        let size = u64::from((i * 7919) % ENTRIES + 1);
        tree.add(
            dir,
            format!("f{i:05}").as_bytes(),
            Node {
                items: 1,
                disk: size,
                apparent: size,
                ..Node::new(Kind::File)
            },
        );
    }
    tree.update(ROOT, |n| {
        n.items = ENTRIES + 1;
        n.disk = total;
        n.apparent = total;
    });
    if finished {
        tree.finish(false);
    }
    let shared: Shared = Arc::new(std::sync::RwLock::new(tree));
    let b = Browser::new(config, shared, Arc::new(Cancel::new()));
    (env, b)
}

/// The first `n` names in order once the sort running apart is ready
/// (the screen shows the selected one, wherever it is).
fn sorted(b: &mut Browser, n: usize) -> Vec<String> {
    screen(b, 80, 24);
    b.view.wait_sorted();
    assert!(!screen(b, 80, 24)[0].contains("[sorting]"));
    let tree = lock(&b.tree);
    b.view
        .rows
        .iter()
        .take(n)
        .map(|&id| String::from_utf8_lossy(tree.name(id)).into_owned())
        .collect()
}

#[test]
fn a_huge_directory_shows_its_entries_then_their_order() {
    let (_env, mut b) = huge();
    // The first frame opens the operand: its order is being computed.
    let first = screen(&mut b, 80, 24);
    assert!(first[0].contains("[sorting]"), "{}", first[0]);
    assert!(listed(&mut b).iter().all(|n| n.starts_with('f')));
    // Biggest first: the file of size ENTRIES.
    let top = sorted(&mut b, 2);
    let biggest = (0..ENTRIES)
        .find(|i| (i * 7919) % ENTRIES + 1 == ENTRIES)
        .unwrap();
    let second = (0..ENTRIES)
        .find(|i| (i * 7919) % ENTRIES + 1 == ENTRIES - 1)
        .unwrap();
    assert_eq!(top, vec![format!("f{biggest:05}"), format!("f{second:05}")]);
    assert_eq!(b.view.rows.len(), ENTRIES as usize);
}

#[test]
fn a_new_order_is_computed_apart_and_a_known_one_is_not() {
    let (_env, mut b) = huge();
    let by_size = sorted(&mut b, 3);
    let rows = b.view.rows.clone();
    type_keys(&mut b, "C");
    // Until the order by items is ready the rows stay as they were.
    assert!(b.view.sorting());
    assert_eq!(b.view.rows, rows);
    // Every entry holds one item: ties are in name order.
    assert_eq!(sorted(&mut b, 3), vec!["f00000", "f00001", "f00002"]);
    // The name order came with the first sort, reversing is known, and
    // so is the order by size: none is computed apart.
    type_keys(&mut b, "n");
    assert!(!b.view.sorting());
    assert_eq!(sorted(&mut b, 2), ["f00000", "f00001"]);
    type_keys(&mut b, "n");
    assert!(!b.view.sorting());
    assert_eq!(sorted(&mut b, 2), ["f59999", "f59998"]);
    type_keys(&mut b, "s");
    assert!(!b.view.sorting());
    assert_eq!(sorted(&mut b, 3), by_size);
    // Moving works on the rows on screen while a sort runs apart.
    type_keys(&mut b, "M");
    assert!(b.view.sorting());
    press(&mut b, KeyCode::End);
    assert_eq!(b.view.selected, ENTRIES as usize - 1);
    let names = sorted(&mut b, ENTRIES as usize);
    // No entry has a time: all tie, in name order; the selection stayed
    // on the entry it was on.
    assert_eq!(names.first().map(String::as_str), Some("f00000"));
    let selected = b.view.selected_node().unwrap();
    assert_eq!(b.view.rows[b.view.selected], selected);
}

/// Adds a file of `size` to the huge directory, as the scan would.
fn add_file(b: &Browser, name: &str, size: u64) {
    let mut tree = lock(&b.tree);
    let dir = tree.first_child(ROOT);
    tree.add(
        dir,
        name.as_bytes(),
        Node {
            items: 1,
            disk: size,
            apparent: size,
            ..Node::new(Kind::File)
        },
    );
    for at in [dir, ROOT] {
        tree.update(at, |n| {
            n.items += 1;
            n.disk += size;
            n.apparent += size;
        });
    }
}

/// The names of the rows, all of them.
fn names(b: &Browser) -> Vec<String> {
    let tree = lock(&b.tree);
    b.view
        .rows
        .iter()
        .map(|&id| String::from_utf8_lossy(tree.name(id)).into_owned())
        .collect()
}

/// Every entry of the huge directory in the order of `key` (ties by name).
fn expected_by<K: Ord>(b: &Browser, key: impl Fn(&Node, &str) -> K) -> Vec<String> {
    let tree = lock(&b.tree);
    let dir = tree.first_child(ROOT);
    let mut all: Vec<(K, String)> = tree
        .children(dir)
        .map(|id| {
            let name = String::from_utf8_lossy(tree.name(id)).into_owned();
            (key(&tree.node(id), &name), name)
        })
        .collect();
    all.sort();
    all.into_iter().map(|(_, n)| n).collect()
}

#[test]
fn while_the_scan_runs_orders_come_apart_and_new_entries_follow_them() {
    let (_env, mut b) = huge_as(false);
    let first = screen(&mut b, 80, 24);
    assert!(first[0].contains("[sorting]"), "{}", first[0]);
    b.view.wait_sorted();
    assert!(!screen(&mut b, 80, 24)[0].contains("[sorting]"));
    let by_size = |n: &Node, _: &str| std::cmp::Reverse(n.disk);
    assert_eq!(names(&b), expected_by(&b, by_size));

    // Entries found after the sort are listed, unsorted, after it: the
    // biggest file yet comes last until the next order.
    add_file(&b, "zz-big", u64::from(ENTRIES) * 2);
    add_file(&b, "aa-small", 1);
    let shown = screen(&mut b, 80, 24);
    assert!(shown[0].contains("[sorting]"), "{}", shown[0]);
    let rows = names(&b);
    assert_eq!(rows.len(), ENTRIES as usize + 2);
    assert_eq!(rows[rows.len() - 2..], ["zz-big", "aa-small"]);
    press(&mut b, KeyCode::End);
    assert!(
        screen(&mut b, 80, 24)
            .iter()
            .any(|l| l.contains("aa-small"))
    );

    // A new order is asked for while the scan runs: it takes in every
    // entry so far, and the selection stays on its entry.
    let selected = b.view.selected_node();
    type_keys(&mut b, "n");
    b.view.wait_sorted();
    screen(&mut b, 80, 24);
    assert_eq!(names(&b), expected_by(&b, |_, _| ()));
    assert_eq!(b.view.selected_node(), selected);

    // Once the scan ends, the order asked for is the whole directory's.
    type_keys(&mut b, "s");
    add_file(&b, "zz-bigger", u64::from(ENTRIES) * 3);
    lock(&b.tree).finish(false);
    screen(&mut b, 80, 24);
    b.view.wait_sorted();
    assert!(!screen(&mut b, 80, 24)[0].contains("[sorting]"));
    let rows = names(&b);
    assert_eq!(rows, expected_by(&b, by_size));
    assert_eq!(rows[..2], ["zz-bigger", "zz-big"]);
}

#[test]
fn while_the_scan_runs_a_few_entries_over_many_follow_their_sizes_at_once() {
    // One operand of ENTRIES + 2 items: two directories, one holding
    // almost all of them; the scan goes on.
    let env = TestEnv::new("dir top\n");
    let config = Arc::new(config(&env.path("top"), &["-b"]));
    let mut tree = Tree::new();
    let dir = |items, size| Node {
        items,
        disk: size,
        apparent: size,
        ..Node::new(Kind::Dir)
    };
    let top = tree.add(
        ROOT,
        env.path("top").to_str().unwrap().as_bytes(),
        dir(ENTRIES + 3, 0),
    );
    let many = tree.add(top, b"many", dir(ENTRIES + 1, 10));
    tree.add(top, b"few", dir(1, 20));
    for i in 0..ENTRIES {
        tree.add(many, format!("f{i:05}").as_bytes(), Node::new(Kind::File));
    }
    tree.update(ROOT, |n| n.items = ENTRIES + 3);
    let shared: Shared = Arc::new(std::sync::RwLock::new(tree));
    let mut b = Browser::new(config, shared, Arc::new(Cancel::new()));
    let shown = screen(&mut b, 80, 24);
    assert!(!shown[0].contains("[sorting]"), "{}", shown[0]);
    assert_eq!(names(&b), ["few", "many"]);
    // The scan finds more in `many`: it comes first at the next frame.
    lock(&b.tree).update(many, |n| {
        n.disk = 30;
        n.apparent = 30;
    });
    let shown = screen(&mut b, 80, 24);
    assert!(!shown[0].contains("[sorting]"), "{}", shown[0]);
    assert_eq!(names(&b), ["many", "few"]);
}
