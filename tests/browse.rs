//! Journeys through `cdu -i` on ratatui's test backend: scripted keys on
//! temporary trees, checked on the screen a person would see and on the
//! disk. Removal is checked for what goes, what stays, and what a swap of
//! a directory for a link cannot reach.

mod browsing;
mod testenv;

use std::fs;
use std::sync::Arc;

use browsing::*;
use cdu::internals::browse::model::{Shared, lock};
use cdu::internals::browse::sink::TreeSink;
use cdu::internals::browse::{Browser, Flow};
use cdu::internals::exit::ExitStatus;
use cdu::{Cancel, Event, Sink};
use crossterm::event::KeyCode;
use proptest::prelude::*;
use testenv::TestEnv;

/// Three files of clear sizes, a directory holding two more, an empty one.
const SMALL: &str = "
file big 50000
file mid 3000
file tiny 10
file sub/one 7000
file sub/two 900
dir empty
";

#[test]
fn opens_in_the_operand_with_the_biggest_first() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    let names = listed(&mut b);
    assert_eq!(names[0], "big");
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert!(at("big") < at("sub/") && at("sub/") < at("mid") && at("mid") < at("tiny"));
    assert!(row_of(&mut b, "big").unwrap().contains("50000"));
    let title = &screen(&mut b, 80, 24)[0];
    assert!(title.contains(&env.root().display().to_string()), "{title}");
    assert!(footer(&mut b).contains("total apparent size"));
}

#[test]
fn enter_opens_a_directory_and_left_comes_back_to_it() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    // Sorted by name: big, empty, mid, sub, tiny.
    type_keys(&mut b, "n");
    type_keys(&mut b, "jjj");
    press(&mut b, KeyCode::Enter);
    assert_eq!(listed(&mut b), vec!["one", "two"]);
    assert!(
        screen(&mut b, 80, 24)[0].ends_with("/sub") || screen(&mut b, 80, 24)[0].contains("/sub ")
    );
    press(&mut b, KeyCode::Left);
    assert_eq!(listed(&mut b), vec!["big", "empty/", "mid", "sub/", "tiny"]);
    // The directory left is the one selected: l opens it again.
    type_keys(&mut b, "l");
    assert_eq!(listed(&mut b), vec!["one", "two"]);
    type_keys(&mut b, "h");
    press(&mut b, KeyCode::Backspace);
    // Above the operand there is nowhere to go.
    assert_eq!(listed(&mut b), vec!["big", "empty/", "mid", "sub/", "tiny"]);
}

#[test]
fn a_file_does_not_open() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    let before = listed(&mut b);
    press(&mut b, KeyCode::Right);
    assert_eq!(listed(&mut b), before);
}

#[test]
fn sort_by_name_and_again_reverses() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    assert_eq!(listed(&mut b), vec!["big", "empty/", "mid", "sub/", "tiny"]);
    type_keys(&mut b, "n");
    assert_eq!(listed(&mut b), vec!["tiny", "sub/", "mid", "empty/", "big"]);
}

#[test]
fn sort_by_size_again_puts_the_smallest_first() {
    let env = TestEnv::new("file a 100\nfile b 300\nfile c 200\n");
    let mut b = browse(env.root(), &["-b"]);
    assert_eq!(listed(&mut b), vec!["b", "c", "a"]);
    type_keys(&mut b, "s");
    assert_eq!(listed(&mut b), vec!["a", "c", "b"]);
    type_keys(&mut b, "s");
    assert_eq!(listed(&mut b), vec!["b", "c", "a"]);
}

#[test]
fn sort_by_item_count() {
    let env = TestEnv::new(
        "file few/a 1\nfile many/a 1\nfile many/b 1\nfile many/c 1\nfile some/a 1\nfile some/b 1\n",
    );
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "C");
    assert_eq!(listed(&mut b), vec!["many/", "some/", "few/"]);
    type_keys(&mut b, "C");
    assert_eq!(listed(&mut b), vec!["few/", "some/", "many/"]);
}

#[test]
fn sort_by_modification_time() {
    let env = TestEnv::new("file old 1\nfile new 1\nfile middle 1\n");
    let set = |name: &str, secs: u64| {
        let f = fs::File::options()
            .write(true)
            .open(env.path(name))
            .unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    };
    set("old", 1_000_000_000);
    set("middle", 1_200_000_000);
    set("new", 1_400_000_000);
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "M");
    assert_eq!(listed(&mut b), vec!["new", "middle", "old"]);
    type_keys(&mut b, "M");
    assert_eq!(listed(&mut b), vec!["old", "middle", "new"]);
}

#[test]
fn a_toggles_apparent_size_and_disk_usage() {
    // A sparse file is big by its length and takes next to no disk.
    let env = TestEnv::new("sparse hole 64M\nfile data 200K\n");
    let mut b = browse(env.root(), &[]);
    assert_eq!(listed(&mut b), vec!["data", "hole"]);
    assert!(footer(&mut b).contains("total disk usage"));
    type_keys(&mut b, "a");
    assert_eq!(listed(&mut b), vec!["hole", "data"]);
    assert!(row_of(&mut b, "hole").unwrap().contains("64M"));
    assert!(footer(&mut b).contains("total apparent size"));
    type_keys(&mut b, "a");
    assert_eq!(listed(&mut b), vec!["data", "hole"]);
}

#[test]
fn c_shows_item_counts() {
    let env = TestEnv::new("file d/a 1\nfile d/b 1\nfile d/c 1\nfile e/a 100000\n");
    let mut b = browse(env.root(), &["-b"]);
    let row = row_of(&mut b, "d/").unwrap();
    assert!(!row.contains(" 4 "), "{row}");
    type_keys(&mut b, "c");
    // d and its three files.
    let row = row_of(&mut b, "d/").unwrap();
    assert!(row.contains(" 4 d/"), "{row}");
    type_keys(&mut b, "c");
    assert!(!row_of(&mut b, "d/").unwrap().contains(" 4 d/"));
}

#[test]
fn i_shows_the_information_pane() {
    let env = TestEnv::new("file only 1234\n");
    let mut b = browse(env.root(), &["-b"]);
    assert!(!text(&mut b).contains("apparent size "));
    type_keys(&mut b, "i");
    let shown = text(&mut b);
    assert!(shown.contains("info"), "{shown}");
    assert!(
        shown.contains(&format!("{}/only", env.root().display())),
        "{shown}"
    );
    assert!(shown.contains("apparent size 1234"), "{shown}");
    assert!(shown.contains("type          file"), "{shown}");
    assert!(shown.contains("links         1"), "{shown}");
    assert!(shown.contains("owner"), "{shown}");
    type_keys(&mut b, "i");
    assert!(!text(&mut b).contains("apparent size 1234"));
}

#[test]
fn question_mark_shows_the_keys_and_any_key_closes_them() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "?");
    let shown = text(&mut b);
    assert!(shown.contains("move to the trash"), "{shown}");
    assert!(shown.contains("apparent size / disk usage"));
    // The key that closes the help does nothing else.
    type_keys(&mut b, "n");
    assert!(!text(&mut b).contains("move to the trash"));
    assert_eq!(listed(&mut b)[0], "big");
}

#[test]
fn paging_and_the_ends_of_a_long_list() {
    let env = TestEnv::new("wide . entries=100\n");
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    let selected = |b: &mut Browser| b.view.selected;
    press(&mut b, KeyCode::End);
    assert_eq!(selected(&mut b), 99);
    assert!(text(&mut b).contains("f0000099"));
    press(&mut b, KeyCode::Home);
    assert_eq!(selected(&mut b), 0);
    // The page is the list's height at the last frame: 22 of 24 rows.
    screen(&mut b, 80, 24);
    press(&mut b, KeyCode::PageDown);
    assert_eq!(selected(&mut b), 22);
    press(&mut b, KeyCode::PageUp);
    assert_eq!(selected(&mut b), 0);
    type_keys(&mut b, "jjjk");
    assert_eq!(selected(&mut b), 2);
    press(&mut b, KeyCode::Up);
    press(&mut b, KeyCode::Up);
    press(&mut b, KeyCode::Up);
    assert_eq!(selected(&mut b), 0);
}

#[test]
fn space_marks_and_unmarks() {
    let env = TestEnv::new("file a 300\nfile b 200\nfile c 100\n");
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, " ");
    assert!(row_of(&mut b, "a").unwrap().starts_with('*'));
    assert!(row_of(&mut b, "b").unwrap().starts_with(' '));
    type_keys(&mut b, "k ");
    assert!(row_of(&mut b, "a").unwrap().starts_with(' '));
}

#[test]
fn delete_declined_by_any_key_but_y_removes_nothing() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    for no in [
        KeyCode::Char('n'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('Y'),
    ] {
        type_keys(&mut b, "d");
        let shown = text(&mut b);
        assert!(shown.contains("Delete for good 1 entry?"), "{shown}");
        assert!(shown.contains("big"));
        assert!(shown.contains("y: yes   any other key: no"));
        press(&mut b, no);
        assert!(footer(&mut b).contains("nothing was removed"));
        assert!(env.path("big").exists());
    }
    assert_eq!(listed(&mut b)[0], "big");
}

#[test]
fn delete_confirmed_removes_the_file_and_takes_its_size_off() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    let total = |b: &Browser| {
        let t = lock(&b.tree);
        t.node(b.view.dir()).apparent
    };
    let before = total(&b);
    type_keys(&mut b, "dy");
    assert!(!env.path("big").exists());
    assert!(env.path("mid").exists() && env.path("sub/one").exists());
    assert_eq!(before - total(&b), 50000);
    assert!(!listed(&mut b).contains(&"big".to_string()));
    assert!(
        footer(&mut b).contains("removed 1 of 1"),
        "{}",
        footer(&mut b)
    );
}

#[test]
fn delete_marked_entries_names_them_all_and_removes_only_them() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    // big, empty, mid, sub, tiny: mark big and sub.
    type_keys(&mut b, " jj ");
    type_keys(&mut b, "d");
    let shown = text(&mut b);
    assert!(shown.contains("Delete for good 2 entries?"), "{shown}");
    assert!(shown.contains("  big") && shown.contains("  sub/"));
    // big, and sub with its two files.
    assert!(shown.contains(" in 4 items"), "{shown}");
    type_keys(&mut b, "y");
    assert!(!env.path("big").exists() && !env.path("sub").exists());
    assert!(env.path("mid").exists() && env.path("tiny").exists() && env.path("empty").exists());
    assert_eq!(listed(&mut b), vec!["empty/", "mid", "tiny"]);
}

#[test]
fn delete_a_directory_with_everything_in_it() {
    let env = TestEnv::new(
        "file keep 1\nfile tree/a/b/c/d 100\nfile tree/a/e 5\nsymlink tree/link ../keep\n",
    );
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    type_keys(&mut b, "j");
    type_keys(&mut b, "dy");
    assert!(!env.path("tree").exists());
    // The link inside went, not what it points at.
    assert!(env.path("keep").exists());
    let t = lock(&b.tree);
    assert_eq!(
        t.node(b.view.dir()).items,
        2,
        "the operand and keep are left"
    );
}

#[test]
fn read_only_refuses_delete_trash_and_rescan() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b", "--read-only"]);
    for key in ["d", "D", "r"] {
        type_keys(&mut b, key);
        let f = footer(&mut b);
        assert!(f.contains("--read-only is in effect"), "{key}: {f}");
        // No confirmation was asked for, so a y now does nothing.
        type_keys(&mut b, "y");
    }
    assert!(env.path("big").exists());
    assert!(screen(&mut b, 80, 24)[0].contains("[read-only]"));
}

#[test]
fn an_imported_scan_is_read_only() {
    let env = TestEnv::new(SMALL);
    let export = env.tempdir().join("scan.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg("-b")
        .arg(format!("--export={}", export.display()))
        .arg(env.root())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut import = std::ffi::OsString::from("--import=");
    import.push(&export);
    let mut b = browse_config(parsed(vec!["-b".into(), import]));
    assert_eq!(listed(&mut b)[0], "big");
    type_keys(&mut b, "d");
    let f = footer(&mut b);
    assert!(
        f.contains("a saved scan is browsed read-only"),
        "{}",
        text(&mut b)
    );
    type_keys(&mut b, "y");
    assert!(env.path("big").exists());
    type_keys(&mut b, "r");
    assert!(footer(&mut b).contains("read-only"));
}

#[test]
fn narrow_and_resized_screens_still_show_the_names() {
    let env = TestEnv::new("file a-rather-long-file-name 5000\nfile 漢字の名前 3000\n");
    let mut b = browse(env.root(), &["-b"]);
    let wide = screen(&mut b, 100, 10);
    assert!(wide.iter().any(|r| r.contains("a-rather-long-file-name")));
    assert!(wide.iter().any(|r| r.contains('[') && r.contains('%')));
    let narrow = screen(&mut b, 20, 6);
    assert_eq!(narrow.len(), 6);
    // At 20 columns the bar and share give way, names are cut with ~.
    assert!(
        narrow
            .iter()
            .any(|r| r.contains("a-rather") && r.contains('~')),
        "{narrow:?}"
    );
    assert!(!narrow.iter().any(|r| r.contains('%')));
    // A wide character is never split: the row takes exactly 20 columns.
    let kanji = narrow
        .iter()
        .find(|r| r.contains('漢'))
        .unwrap_or_else(|| panic!("no CJK name in {narrow:#?}"));
    let cols: usize = kanji
        .chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum();
    assert!(cols <= 20, "{kanji}");
    let again = screen(&mut b, 100, 10);
    assert_eq!(again, wide);
}

#[test]
fn names_are_quoted_as_du_quotes_them() {
    let env = TestEnv::new("file new\\nline 10\n");
    let mut b = browse(env.root(), &["-b"]);
    let shown = text(&mut b);
    assert!(shown.contains("'new'$'\\n''line'"), "{shown}");
}

/// Passes events on, and stops the scan after `left` of them.
struct StopAfter {
    inner: TreeSink,
    left: usize,
    cancel: Arc<Cancel>,
}

impl Sink for StopAfter {
    fn event(&mut self, event: &Event<'_>) -> std::io::Result<()> {
        if self.left == 0 {
            self.cancel.cancel();
        } else {
            self.left -= 1;
        }
        self.inner.event(event)
    }
}

#[test]
fn a_stopped_scan_keeps_what_was_found_and_says_it_is_partial() {
    // More directories than the channel holds batches (one a directory),
    // so the walkers cannot have sent the whole tree before the stop,
    // however the threads are scheduled.
    let env = TestEnv::new("generate . files=20000 dirs=2000 seed=7\n");
    let config = Arc::new(config(env.root(), &["-b", "-j", "2"]));
    let tree: Shared = Arc::default();
    let cancel = Arc::new(Cancel::new());
    let mut sink = StopAfter {
        inner: TreeSink::new(tree.clone(), true),
        left: 300,
        cancel: cancel.clone(),
    };
    let summary = cdu::scan(&config, &cancel, &mut sink);
    assert!(summary.cancelled);
    lock(&tree).finish(summary.cancelled);
    let found = lock(&tree).len();
    assert!(found > 300 && found < 22000, "{found} nodes");
    let mut b = Browser::new(config, tree.clone(), cancel);
    assert!(!listed(&mut b).is_empty());
    assert!(screen(&mut b, 80, 24)[0].contains("[partial]"));
    assert!(footer(&mut b).contains("partial: sizes are lower bounds"));
    assert_eq!(
        cdu::internals::browse::status_of(&tree),
        ExitStatus::Interrupted
    );
}

#[test]
fn esc_and_ctrl_c_during_the_scan_stop_it_and_do_not_quit() {
    let env = TestEnv::new(SMALL);
    let config = Arc::new(config(env.root(), &["-b"]));
    // A scan that has not ended yet.
    let tree: Shared = Arc::default();
    for stop in [KeyCode::Esc, KeyCode::Char('c')] {
        let cancel = Arc::new(Cancel::new());
        let mut b = Browser::new(config.clone(), tree.clone(), cancel.clone());
        assert!(footer(&mut b).contains("scanning"));
        let flow = if stop == KeyCode::Esc {
            press(&mut b, stop)
        } else {
            ctrl(&mut b, 'c')
        };
        assert_eq!(flow, Flow::Continue);
        assert!(cancel.is_cancelled());
        assert!(footer(&mut b).contains("stopping the scan"));
    }
}

#[test]
fn q_quits_and_ctrl_c_quits_once_the_scan_is_over() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    assert_eq!(type_keys(&mut b, "q"), Flow::Quit);
    assert_eq!(ctrl(&mut b, 'c'), Flow::Quit);
    assert_eq!(ctrl(&mut b, 'z'), Flow::Suspend);
    assert_eq!(
        cdu::internals::browse::status_of(&b.tree),
        ExitStatus::Success
    );
}

#[test]
fn rescan_sees_a_change_made_outside() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    let total = |b: &Browser| {
        lock(&b.tree)
            .node(cdu::internals::browse::model::ROOT)
            .apparent
    };
    let before = total(&b);
    fs::write(env.path("sub/three"), vec![1u8; 40000]).unwrap();
    fs::remove_file(env.path("sub/two")).unwrap();
    type_keys(&mut b, "n");
    type_keys(&mut b, "jjj");
    type_keys(&mut b, "r");
    assert!(footer(&mut b).contains("rescanned"), "{}", footer(&mut b));
    assert_eq!(total(&b), before + 40000 - 900);
    type_keys(&mut b, "l");
    assert_eq!(listed(&mut b), vec!["one", "three"]);
    // On a file, r measures the open directory again.
    fs::write(env.path("sub/four"), vec![1u8; 100]).unwrap();
    type_keys(&mut b, "r");
    assert_eq!(listed(&mut b), vec!["four", "one", "three"]);
    assert_eq!(total(&b), before + 40000 - 900 + 100);
    type_keys(&mut b, "h");
    assert_eq!(listed(&mut b)[0], "big");
}

#[test]
fn rescanning_the_same_directory_again_and_again_does_not_grow_the_model() {
    let env = TestEnv::new(SMALL);
    let mut b = browse(env.root(), &["-b"]);
    let nodes = |b: &Browser| lock(&b.tree).len();
    type_keys(&mut b, "n");
    type_keys(&mut b, "jjj");
    // The first rescan may leave the old nodes behind once; the next
    // ones reuse them.
    type_keys(&mut b, "r");
    let after_one = nodes(&b);
    for _ in 0..5 {
        type_keys(&mut b, "r");
    }
    assert_eq!(nodes(&b), after_one);
    // So does measuring the open directory again from one of its files.
    type_keys(&mut b, "l");
    type_keys(&mut b, "r");
    let inside = nodes(&b);
    for _ in 0..5 {
        type_keys(&mut b, "r");
        assert_eq!(listed(&mut b), vec!["one", "two"]);
    }
    assert_eq!(nodes(&b), inside);
    assert!(footer(&mut b).contains("rescanned"), "{}", footer(&mut b));
}

#[test]
fn a_directory_swapped_for_a_link_before_the_question_removes_nothing_outside() {
    let env = TestEnv::new("file victim/a 10\nfile outside/precious 10\n");
    let root = env.path("victim");
    let mut b = browse(&root, &["-b"]);
    // Browse the parent instead so the victim is an entry.
    drop(b);
    b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    type_keys(&mut b, "j");
    assert!(row_of(&mut b, "victim/").unwrap().starts_with(" "));
    fs::remove_dir_all(&root).unwrap();
    std::os::unix::fs::symlink(env.path("outside"), &root).unwrap();
    type_keys(&mut b, "d");
    assert!(
        footer(&mut b).contains("changed since the scan"),
        "{}",
        footer(&mut b)
    );
    type_keys(&mut b, "y");
    assert!(env.path("outside/precious").exists());
}

#[test]
fn a_directory_swapped_for_a_link_after_the_question_removes_nothing_outside() {
    let env = TestEnv::new("file victim/a 10\nfile outside/precious 10\n");
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    type_keys(&mut b, "j");
    type_keys(&mut b, "d");
    assert!(text(&mut b).contains("victim/"));
    fs::remove_dir_all(env.path("victim")).unwrap();
    std::os::unix::fs::symlink(env.path("outside"), env.path("victim")).unwrap();
    type_keys(&mut b, "y");
    assert!(env.path("outside/precious").exists());
    assert!(
        footer(&mut b).contains("changed since"),
        "{}",
        footer(&mut b)
    );
}

#[test]
fn a_parent_swapped_for_a_link_removes_nothing_outside() {
    let env = TestEnv::new("file sub/precious 10\nfile outside/precious 10\n");
    let mut b = browse(env.root(), &["-b"]);
    type_keys(&mut b, "n");
    type_keys(&mut b, "j");
    type_keys(&mut b, "l");
    assert_eq!(listed(&mut b), vec!["precious"]);
    type_keys(&mut b, "d");
    // The directory above the file becomes a link to one holding a file
    // of the same name.
    fs::remove_dir_all(env.path("sub")).unwrap();
    std::os::unix::fs::symlink(env.path("outside"), env.path("sub")).unwrap();
    type_keys(&mut b, "y");
    assert!(env.path("outside/precious").exists());
    assert!(
        footer(&mut b).contains("cannot remove"),
        "{}",
        footer(&mut b)
    );
}

/// Keys a person might press, every one but the confirming `y`.
fn any_key_but_y() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        prop::sample::select(vec![
            'd', 'D', ' ', 'j', 'k', 'l', 'h', 's', 'n', 'C', 'M', 'a', 'c', 'i', '?', 'Y', 'x',
        ])
        .prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Backspace,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageDown,
        ]),
    ]
}

/// Every path under `dir`, sorted.
fn inventory(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.is_symlink() {
                todo.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn keys_without_y_remove_nothing(keys in prop::collection::vec(any_key_but_y(), 1..60)) {
        let env = TestEnv::new(SMALL);
        let before = inventory(env.root());
        let mut b = browse(env.root(), &["-b"]);
        for key in keys {
            press(&mut b, key);
            screen(&mut b, 40, 12);
        }
        prop_assert_eq!(inventory(env.root()), before);
    }
}
