//! `D` in the browser: the freedesktop.org trash. The journey runs in a
//! child test process whose XDG_DATA_HOME points at a trash of its own
//! beside the tree, so the user's trash is never touched.

mod browsing;
mod testenv;

use std::fs;
use std::process::Command;

use browsing::*;
use testenv::TestEnv;

/// Set in the child: the trash directory it may use.
const CHILD: &str = "CDU_TEST_TRASH_HOME";

#[test]
fn trash_journey() {
    let env = TestEnv::new("dir data\n");
    let home = env.tempdir().join("data-home");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "trash_in_a_private_home",
            "--nocapture",
        ])
        .env("XDG_DATA_HOME", &home)
        .env(CHILD, &home)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "{text}");
}

#[test]
#[ignore = "run by trash_journey with a trash of its own"]
fn trash_in_a_private_home() {
    let home = std::path::PathBuf::from(std::env::var_os(CHILD).expect("run by trash_journey"));
    // The tree is on the same file system as the private trash.
    let tree = home.parent().unwrap().join("tree");
    testenv::tree::build(
        &tree,
        "file junk 5000\nfile keep 10\nfile swapped/x 1\ndir outside\nfile outside/x 1\n",
    )
    .unwrap();
    let mut b = browse(&tree, &["-b"]);
    assert_eq!(listed(&mut b)[0], "junk");
    type_keys(&mut b, "D");
    let shown = text(&mut b);
    assert!(shown.contains("Move to the trash 1 entry?"), "{shown}");
    type_keys(&mut b, "n");
    assert!(tree.join("junk").exists());
    type_keys(&mut b, "Dy");
    assert!(
        footer(&mut b).contains("moved to the trash 1 of 1"),
        "{}",
        footer(&mut b)
    );
    assert!(!tree.join("junk").exists());
    assert!(!listed(&mut b).contains(&"junk".to_string()));
    let trashed = home.join("Trash/files/junk");
    assert_eq!(fs::metadata(&trashed).unwrap().len(), 5000);
    let info = fs::read_to_string(home.join("Trash/info/junk.trashinfo")).unwrap();
    assert!(
        info.contains("[Trash Info]") && info.contains("Path=") && info.contains("DeletionDate=")
    );
    // A directory swapped for a link after the question: nothing goes.
    type_keys(&mut b, "n");
    let at = listed(&mut b).iter().position(|n| n == "swapped/").unwrap();
    b.view.select(at);
    type_keys(&mut b, "D");
    fs::remove_dir_all(tree.join("swapped")).unwrap();
    std::os::unix::fs::symlink(tree.join("outside"), tree.join("swapped")).unwrap();
    type_keys(&mut b, "y");
    assert!(footer(&mut b).contains("cannot move"), "{}", footer(&mut b));
    assert!(tree.join("outside/x").exists());
    assert!(tree.join("swapped").is_symlink());
    assert!(!home.join("Trash/files/swapped").exists());
}
