//! The README's examples, run as a reader runs them. A block that follows
//! the line `<!-- checked by tests/readme.rs -->` is a shell session on the
//! example tree of `fixtures/readme.tree`, built as `demo` in an empty
//! directory: each `$ ` line is run by bash there, with the cdu under test
//! first on PATH, and what it prints (stdout and stderr together) must be
//! exactly the lines the README shows under it.

mod testenv;

use std::path::{Path, PathBuf};
use std::process::Command;

use testenv::tree;

/// The line that marks a block as checked here.
const MARK: &str = "<!-- checked by tests/readme.rs -->";

/// One `$ ` line of a block and the output the README shows for it.
struct Step {
    command: String,
    shown: String,
}

/// A checked block: where it starts in the README, and its steps.
struct Session {
    line: usize,
    steps: Vec<Step>,
}

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The checked blocks of `text`, in order. A mark not followed by a
/// ```` ```console ```` block, or a block that does not start with a
/// command, is a mistake in the README and fails the test.
fn sessions(text: &str) -> Vec<Session> {
    let lines: Vec<&str> = text.lines().collect();
    let mut sessions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != MARK {
            i += 1;
            continue;
        }
        let line = i + 2;
        assert_eq!(
            lines.get(i + 1).copied(),
            Some("```console"),
            "README line {}: the mark must be followed by a ```console block",
            i + 1
        );
        let mut steps: Vec<Step> = Vec::new();
        i += 2;
        while i < lines.len() && lines[i] != "```" {
            if let Some(command) = lines[i].strip_prefix("$ ") {
                steps.push(Step {
                    command: command.to_string(),
                    shown: String::new(),
                });
            } else {
                let step = steps
                    .last_mut()
                    .unwrap_or_else(|| panic!("README line {}: output before any command", i + 1));
                step.shown.push_str(lines[i]);
                step.shown.push('\n');
            }
            i += 1;
        }
        assert!(i < lines.len(), "README line {line}: the block never ends");
        sessions.push(Session { line, steps });
    }
    sessions
}

/// The directory the built cdu is in, to go first on PATH.
fn cdu_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_cdu"))
        .parent()
        .expect("the binary's directory")
        .to_path_buf()
}

/// Runs `session` in a fresh directory holding the example tree; a
/// description of each step whose output differs from the README's.
fn run(session: &Session) -> Vec<String> {
    let dir = tempfile::Builder::new()
        .prefix("cdu-readme-")
        .tempdir()
        .expect("create temporary directory");
    tree::build_file(
        &dir.path().join("demo"),
        &testenv::TestEnv::fixture_path("readme"),
    )
    .expect("build fixtures/readme.tree");
    let path = std::env::join_paths(std::iter::once(cdu_dir()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let mut failures = Vec::new();
    for step in &session.steps {
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("exec 2>&1\n{}", step.command))
            .current_dir(dir.path())
            .env("PATH", &path)
            // What a reader's environment could change in the output:
            // units, option parsing, colour, an earlier scan's percentage.
            .env("CDU_NO_HISTORY", "1")
            .env("NO_COLOR", "1")
            .env_remove("DU_BLOCK_SIZE")
            .env_remove("BLOCK_SIZE")
            .env_remove("BLOCKSIZE")
            .env_remove("POSIXLY_CORRECT")
            .env_remove("TIME_STYLE")
            .output()
            .expect("run bash");
        let printed = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || printed != step.shown {
            failures.push(format!(
                "README block at line {}: `{}` ({})\n--- the README shows:\n{}--- it prints:\n{}",
                session.line, step.command, output.status, step.shown, printed
            ));
        }
    }
    let _ = tree::remove_tree(&dir.path().join("demo"));
    failures
}

#[test]
fn every_checked_readme_example_prints_what_it_shows() {
    let text = readme();
    let sessions = sessions(&text);
    // The README's examples of du's lines, the views and the diff are
    // checked; losing their marks must not make this test pass empty.
    assert!(
        sessions.len() >= 4,
        "only {} checked blocks in the README",
        sessions.len()
    );
    let failures: Vec<String> = sessions.iter().flat_map(run).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_diff_example_shows_a_renamed_directory_as_gone_and_new() {
    let text = readme();
    let diff = sessions(&text)
        .into_iter()
        .flat_map(|s| s.steps)
        .find(|step| step.command.contains("--diff="))
        .expect("a checked --diff example in the README");
    // The text around it says a renamed directory is one gone and one new
    // row; the example must show both (their output is checked above).
    let statuses: Vec<&str> = diff
        .shown
        .lines()
        .filter_map(|l| l.split('\t').nth(1))
        .collect();
    assert!(statuses.contains(&"gone"), "{}", diff.shown);
    assert!(statuses.contains(&"new"), "{}", diff.shown);
}
