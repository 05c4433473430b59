//! The ordered stream on batches made by hand.

use super::*;
use crate::model::NO_TIME;

/// Records events as text lines.
#[derive(Default)]
struct Record(Vec<String>);

impl Sink for Record {
    fn event(&mut self, event: &Event<'_>) -> io::Result<()> {
        let text = |p: &[u8]| String::from_utf8_lossy(p).into_owned();
        self.0.push(match event {
            Event::Invalid { .. } => "invalid".into(),
            Event::Error { path, .. } => format!("error {}", text(path)),
            Event::File { path, usage, .. } => format!("file {} {}", text(path), usage.bytes),
            Event::DirStart { path, .. } => format!("start {}", text(path)),
            Event::DirEnd { path, total, .. } => format!("end {} {}", text(path), total.bytes),
            Event::Skipped { path, .. } => format!("skipped {}", text(path)),
        });
        Ok(())
    }
}

fn usage(bytes: u64) -> Usage {
    Usage {
        bytes,
        inodes: 1,
        time: NO_TIME,
    }
}

fn root(index: usize, node: NodeId, name: &str) -> Message {
    Message::Operand(OperandResult {
        index,
        outcome: Outcome::Dir(node, usage(1)),
        name: name.as_bytes().into(),
        claim: None,
        details: None,
    })
}

/// A batch for `node` whose items are `(kind, name, bytes, claim ino)`.
fn batch(node: NodeId, first_child: NodeId, items: &[(ItemKind, &str, u64, u64)]) -> Message {
    let mut b = Batch::new(node, false, false);
    b.first_child = first_child;
    for &(kind, name, bytes, ino) in items {
        b.items.push(kind, name.as_bytes(), usage(bytes));
        if ino != 0 {
            b.items.claim_last(1, ino);
        } else if kind == ItemKind::File {
            // As the walker does: an unclaimed file is in the sum.
            b.files.add(usage(bytes));
        }
        if kind == ItemKind::Dir {
            b.dirs += 1;
            b.dir_bytes += bytes;
        }
    }
    Message::Dir(b)
}

const F: ItemKind = ItemKind::File;
const D: ItemKind = ItemKind::Dir;

#[test]
fn batches_out_of_order_come_out_in_traversal_order() {
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    stream.add(batch(
        0,
        1,
        &[(D, "b", 1, 0), (F, "f", 10, 0), (D, "a", 1, 0)],
    ));
    // The second subdirectory's batch comes first: nothing of it may
    // pass the first.
    stream.add(batch(2, 3, &[(F, "x", 5, 0)]));
    assert_eq!(stream.current_path(), Some(&b"t/b"[..]));
    stream.add(batch(1, 3, &[]));
    stream.finish();
    drop(stream);
    assert_eq!(
        record.0,
        [
            "start t",
            "start t/b",
            "end t/b 1",
            "file t/f 10",
            "start t/a",
            "file t/a/x 5",
            "end t/a 6",
            "end t 18"
        ]
    );
}

#[test]
fn a_hard_link_counts_at_its_first_place_in_traversal_order() {
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    stream.add(batch(0, 1, &[(D, "z", 1, 0), (D, "a", 1, 0)]));
    // "a" is read first, but "z" comes first in the order.
    stream.add(batch(2, 3, &[(F, "link", 100, 7)]));
    stream.add(batch(1, 3, &[(F, "file", 100, 7)]));
    stream.finish();
    drop(stream);
    assert!(
        record.0.contains(&"end t/z 101".to_string()),
        "{:?}",
        record.0
    );
    assert!(
        record.0.contains(&"end t/a 1".to_string()),
        "{:?}",
        record.0
    );
    assert!(!record.0.iter().any(|l| l.starts_with("file t/a/link")));
}

#[test]
fn a_directory_met_twice_is_left_out_with_what_is_below_it() {
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    stream.add(batch(0, 1, &[(D, "a", 1, 5), (D, "again", 1, 5)]));
    stream.add(batch(2, 3, &[(D, "deep", 1, 0)]));
    stream.add(batch(1, 4, &[]));
    stream.add(batch(3, 4, &[(F, "f", 50, 0)]));
    stream.finish();
    drop(stream);
    assert_eq!(record.0, ["start t", "start t/a", "end t/a 1", "end t 2"]);
}

#[test]
fn a_batch_that_never_comes_counts_its_directory_alone() {
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    stream.add(root(2, 9, "u"));
    stream.add(batch(0, 1, &[(D, "a", 4, 0)]));
    stream.finish();
    drop(stream);
    assert_eq!(
        record.0,
        [
            "start t",
            "start t/a",
            "end t/a 4",
            "end t 5",
            "start u",
            "end u 1"
        ]
    );
}

/// Part `part` of a wide directory's batch, `last` or not.
fn part(
    node: NodeId,
    part: u32,
    last: bool,
    first_child: NodeId,
    items: &[(ItemKind, &str, u64, u64)],
) -> Message {
    let Message::Dir(mut b) = batch(node, first_child, items) else {
        unreachable!()
    };
    (b.part, b.last) = (part, last);
    Message::Dir(b)
}

#[test]
fn parts_of_a_wide_directory_come_out_in_part_order() {
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    // The closing part, then part 1, then part 0: the output waits for
    // part 0, and each part's subdirectory is its own node.
    stream.add(part(0, 2, true, 0, &[]));
    stream.add(part(0, 1, false, 2, &[(F, "link", 7, 9), (D, "d1", 1, 0)]));
    stream.add(batch(2, 3, &[(F, "y", 3, 0)]));
    assert_eq!(stream.current_path(), Some(&b"t"[..]), "went past part 0");
    stream.add(part(0, 0, false, 1, &[(D, "d0", 1, 0), (F, "file", 7, 9)]));
    stream.add(batch(1, 3, &[(F, "x", 2, 0)]));
    stream.finish();
    drop(stream);
    assert_eq!(
        record.0,
        [
            "start t",
            "start t/d0",
            "file t/d0/x 2",
            "end t/d0 3",
            "file t/file 7",
            "start t/d1",
            "file t/d1/y 3",
            "end t/d1 4",
            "end t 15"
        ]
    );
}

#[test]
fn a_wide_directory_met_twice_is_left_out_whatever_order_its_parts_come_in() {
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    // "again" (node 2) is "a" (node 1) met a second time.
    stream.add(batch(0, 1, &[(D, "a", 1, 5), (D, "again", 1, 5)]));
    stream.add(part(2, 1, false, 4, &[(D, "deep", 1, 0)]));
    stream.add(batch(1, 3, &[]));
    stream.add(part(2, 2, true, 0, &[]));
    stream.add(batch(4, 5, &[(F, "f", 50, 0)]));
    stream.add(part(2, 0, false, 5, &[(F, "g", 60, 0)]));
    stream.finish();
    assert!(
        stream.pending.is_empty(),
        "parts of a dropped directory kept"
    );
    assert!(
        stream.dropped.is_empty(),
        "a dropped directory not forgotten"
    );
    drop(stream);
    assert_eq!(record.0, ["start t", "start t/a", "end t/a 1", "end t 2"]);
}

#[test]
fn details_name_the_links_of_a_file_counted_at_every_link() {
    use crate::model::FileType;
    let mut record = Record::default();
    let mut stream = Stream::new(&mut record);
    stream.add(root(0, 0, "t"));
    let mut b = Batch::new(0, false, true);
    b.items
        .push_with(F, b"f", usage(10), FileType::Regular, 4096);
    b.items.link_last(1, 7, 2, false);
    b.files.add(usage(10));
    b.items.push(ItemKind::Excluded, b"x.o", Usage::default());
    stream.add(Message::Dir(b));
    stream.finish();
    drop(stream);
    assert_eq!(
        record.0,
        ["start t", "file t/f 10", "skipped t/x.o", "end t 11"]
    );
}
