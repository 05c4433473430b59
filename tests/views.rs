//! The views for people: `--tree` and `--top=N`. Exact outputs at a fixed
//! width with colour off, measured in inodes or apparent sizes so that the
//! answers are the same on every file system; colour on a terminal only;
//! cuts that still add up; cancelled and unreadable scans; and, for random
//! trees, sums and the largest files checked against `cdu -a`.

mod harness;
mod session;
mod testenv;

use std::collections::HashSet;
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;
use session::{Hold, Session, Stdout, describe, held_tree};
use testenv::TestEnv;

/// A small project: 15 inodes, with equal sizes that the tie-break (by
/// name) puts in a fixed order.
const PROJECT: &str = "
file src/main.rs 100
file src/lib.rs 2000
file src/cli.rs 300
file src/walk.rs 4000
file src/util/a.rs 10
file src/util/b.rs 20
file src/util/c.rs 30
file docs/guide 5000
file docs/faq 50
file README 700
dir empty
";

fn cdu_in(env: &TestEnv, args: &[&str]) -> Output {
    session::cdu()
        .args(args)
        .current_dir(env.root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run cdu")
}

/// stdout of a run that must succeed.
fn stdout_of(env: &TestEnv, args: &[&str]) -> String {
    let out = cdu_in(env, args);
    assert!(
        out.status.success(),
        "cdu {args:?}: {}\n{}",
        describe(out.status),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn tree(env: &TestEnv, extra: &[&str]) -> String {
    let mut args = vec!["--tree", "--inodes", "--width=60", "--color=never"];
    args.extend_from_slice(extra);
    args.push(".");
    stdout_of(env, &args)
}

fn tree_shows_every_entry_biggest_first_when_rows_allow() {
    let env = TestEnv::new(PROJECT);
    assert_eq!(
        tree(&env, &[]),
        "  15 100.0% ████████████ .
   9  60.0% ███████▎░░░░ ├─ src/
   4  26.7% ███▎░░░░░░░░ │  ├─ util/
   1   6.7% ▊░░░░░░░░░░░ │  │  ├─ a.rs
   1   6.7% ▊░░░░░░░░░░░ │  │  ├─ b.rs
   1   6.7% ▊░░░░░░░░░░░ │  │  └─ c.rs
   1   6.7% ▊░░░░░░░░░░░ │  ├─ cli.rs
   1   6.7% ▊░░░░░░░░░░░ │  ├─ lib.rs
   1   6.7% ▊░░░░░░░░░░░ │  ├─ main.rs
   1   6.7% ▊░░░░░░░░░░░ │  └─ walk.rs
   3  20.0% ██▍░░░░░░░░░ ├─ docs/
   1   6.7% ▊░░░░░░░░░░░ │  ├─ faq
   1   6.7% ▊░░░░░░░░░░░ │  └─ guide
   1   6.7% ▊░░░░░░░░░░░ ├─ README
   1   6.7% ▊░░░░░░░░░░░ └─ empty/
"
    );
}

fn rows_cut_the_tree_and_a_rest_row_keeps_the_sum() {
    let env = TestEnv::new(PROJECT);
    let out = tree(&env, &["--rows=6"]);
    assert_eq!(
        out,
        "  15 100.0% ████████████ .
   9  60.0% ███████▎░░░░ ├─ src/
   4  26.7% ███▎░░░░░░░░ │  ├─ util/
   5  33.3% ████░░░░░░░░ │  └─ … 4 more entries
   3  20.0% ██▍░░░░░░░░░ ├─ docs/
   3  20.0% ██▍░░░░░░░░░ └─ … 2 more entries
"
    );
    // The rest rows hold the hidden entries and the directory's own: the
    // rows under a cut directory add up to it.
    let rows = parse_tree(&out);
    assert_eq!(children_sum(&rows, 0), rows[0].size);
    assert_eq!(children_sum(&rows, 1), rows[1].size);
}

fn max_depth_keeps_directories_closed() {
    let env = TestEnv::new(PROJECT);
    assert_eq!(
        tree(&env, &["-d", "1"]),
        "  15 100.0% ████████████ .
   9  60.0% ███████▎░░░░ ├─ src/
   3  20.0% ██▍░░░░░░░░░ ├─ docs/
   1   6.7% ▊░░░░░░░░░░░ ├─ README
   1   6.7% ▊░░░░░░░░░░░ └─ empty/
"
    );
    assert_eq!(
        tree(&env, &["--max-depth=0"]),
        "  15 100.0% ████████████ .\n"
    );
}

fn tree_sizes_follow_the_size_options() {
    let env = TestEnv::new("file big 3000000\nfile small 1000\n");
    let rows = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--tree", "--width=60", "--color=never"];
        all.extend_from_slice(args);
        all.push("big");
        let out = stdout_of(&env, &all);
        out.lines()
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    // A file operand is a one-row tree; -A gives its length in human units
    // (powers of 1024) by default, and du's units with a size option.
    assert_eq!(rows(&["-A"]), ["2.9M"]);
    assert_eq!(rows(&["-A", "--si"]), ["3.0M"]);
    assert_eq!(rows(&["-b"]), ["3000000"]);
    assert_eq!(rows(&["-A", "-k"]), ["2930"]);
    assert_eq!(rows(&["-A", "-m"]), ["3"]);
    assert_eq!(rows(&["-A", "-BK"]), ["2930K"]);
}

fn long_and_odd_names_are_cut_in_the_middle_and_quoted() {
    let env = TestEnv::new(&format!(
        "file {} 10\nfile bad\\xffname 5\nfile new\\nline 1\n",
        "x".repeat(30) + "-the-end"
    ));
    let out = tree(&env, &["--width=50"]);
    for line in out.lines() {
        assert!(line.chars().count() <= 50, "wider than 50: {line:?}");
    }
    let long = out.lines().find(|l| l.contains("-the-end")).unwrap();
    assert!(
        long.contains("─ xxx") && long.ends_with("x-the-end"),
        "{out}"
    );
    assert!(
        long.contains('…') && !long.contains(&"x".repeat(30)),
        "{out}"
    );
    // As du quotes names in its messages: nothing raw reaches the terminal.
    assert!(out.contains(r"'bad'$'\377''name'"), "{out}");
    assert!(out.contains(r"'new'$'\n''line'"), "{out}");
}

fn top_lists_the_largest_files_as_du_lines() {
    let env = TestEnv::new(PROJECT);
    assert_eq!(
        stdout_of(&env, &["--top=4", "-b", "."]),
        "5000\t./docs/guide\n4000\t./src/walk.rs\n2000\t./src/lib.rs\n700\t./README\n"
    );
    // du's units: what du -A -k prints for these files, rounded up.
    assert_eq!(
        stdout_of(&env, &["--top=2", "-A", "-k", "src", "docs"]),
        "5\tdocs/guide\n4\tsrc/walk.rs\n"
    );
    assert_eq!(
        stdout_of(&env, &["--top=1", "-A", "-h", "."]),
        "4.9K\t./docs/guide\n"
    );
}

fn top_lists_a_hard_linked_file_once() {
    let env = TestEnv::new("file a/data 9000\nhardlink b/data a/data\nfile c 10\n");
    let out = stdout_of(&env, &["--top=3", "-b", "."]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0] == "9000\t./a/data" || lines[0] == "9000\t./b/data",
        "{out}"
    );
    assert_eq!(lines[1], "10\t./c");
    // With -l each name counts.
    let out = stdout_of(&env, &["--top=3", "-b", "-l", "."]);
    assert_eq!(out, "9000\t./a/data\n9000\t./b/data\n10\t./c\n");
}

fn exclude_applies_to_the_views() {
    let env = TestEnv::new(PROJECT);
    assert_eq!(
        stdout_of(&env, &["--top=2", "-b", "--exclude=guide", "."]),
        "4000\t./src/walk.rs\n2000\t./src/lib.rs\n"
    );
    let out = tree(&env, &["--exclude=src"]);
    assert!(out.starts_with("   6 100.0%"), "{out}");
    assert!(!out.contains("src"), "{out}");
}

fn tree_and_top_together_are_refused() {
    let env = TestEnv::new(PROJECT);
    let out = cdu_in(&env, &["--tree", "--top=3", "."]);
    assert_eq!(describe(out.status), "exit 1");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "cdu: --tree and --top cannot be used together\nTry 'cdu --help' for more information.\n"
    );
    let out = cdu_in(&env, &["--top=0", "."]);
    assert_eq!(describe(out.status), "exit 1");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid number of files "));
}

fn top_takes_du_a_threshold_time_and_total() {
    let env = TestEnv::new(PROJECT);
    // -t: only the files `du -a -t` would print.
    assert_eq!(
        stdout_of(&env, &["--top=10", "-b", "-t", "1000", "."]),
        "5000\t./docs/guide\n4000\t./src/walk.rs\n2000\t./src/lib.rs\n"
    );
    // The same from a saved scan, which the walk's floor does not filter.
    let saved = env.tempdir().join("saved.json");
    let export = format!("--export={}", saved.display());
    stdout_of(&env, &[&export[..], "."]);
    let import = format!("--import={}", saved.display());
    assert_eq!(
        stdout_of(&env, &[&import[..], "--top=10", "-b", "-t", "1000"]),
        "5000\t./docs/guide\n4000\t./src/walk.rs\n2000\t./src/lib.rs\n"
    );
    assert_eq!(
        stdout_of(&env, &["--top=2", "-b", "-t", "-50", "."]),
        "50\t./docs/faq\n30\t./src/util/c.rs\n"
    );
    // -c: du's total line last, the operands' sum as `cdu -c` gives it.
    let du_total = stdout_of(&env, &["-b", "-c", "src", "docs"]);
    let out = stdout_of(&env, &["--top=1", "-b", "-c", "src", "docs"]);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        ["5000\tdocs/guide", du_total.lines().last().unwrap()]
    );
    assert!(out.ends_with("\ttotal\n"), "{out}");
    // --time: each line exactly as `cdu -a --time` prints it.
    let all = stdout_of(&env, &["-a", "-b", "--time", "."]);
    let top = stdout_of(&env, &["--top=3", "-b", "--time", "."]);
    assert_eq!(top.lines().count(), 3, "{top}");
    for line in top.lines() {
        assert_eq!(line.split('\t').count(), 3, "no time column: {line}");
        assert!(all.lines().any(|l| l == line), "{line} not in\n{all}");
    }
    // -S sizes directories only: the files are what they were.
    assert_eq!(
        stdout_of(&env, &["--top=3", "-b", "-S", "."]),
        stdout_of(&env, &["--top=3", "-b", "."])
    );
}

fn a_threshold_folds_small_entries_into_rest_rows() {
    let env = TestEnv::new(PROJECT);
    let out = tree(&env, &["-t", "4"]);
    // docs (3), README and empty are too small; so is all of src but util.
    assert_eq!(
        out,
        "  15 100.0% ████████████ .
   9  60.0% ███████▎░░░░ ├─ src/
   4  26.7% ███▎░░░░░░░░ │  ├─ util/
   5  33.3% ████░░░░░░░░ │  └─ … 4 more entries
   6  40.0% ████▊░░░░░░░ └─ … 3 more entries
"
    );
    let rows = parse_tree(&out);
    assert_eq!(children_sum(&rows, 0), rows[0].size);
    assert!(rows.iter().all(|r| r.rest || r.size >= 4), "{out}");
}

fn total_ends_the_trees_with_the_operands_sum() {
    let env = TestEnv::new(PROJECT);
    let args = ["--tree", "--inodes", "--width=60", "--color=never"];
    let out = stdout_of(&env, &[&args[..], &["-c", "src", "docs"]].concat());
    let du_total = stdout_of(&env, &["--inodes", "-c", "-s", "src", "docs"]);
    let want = du_total.lines().last().unwrap().replace('\t', " ");
    assert_eq!(want, "12 total");
    assert_eq!(out.lines().last().unwrap(), want, "{out}");
    // Both trees are drawn above it, and without -c there is no total.
    assert_eq!(out.matches("100.0%").count(), 2, "{out}");
    assert!(!tree(&env, &[]).contains("total"));
}

fn an_export_beside_a_view_keeps_every_file() {
    let env = TestEnv::new("generate . files=3000 dirs=60 seed=5");
    // The scan as saved without a view, less the header's timestamp.
    let saved = |args: &[&str]| -> String {
        let file = env.tempdir().join("saved.json");
        let export = format!("--export={}", file.display());
        stdout_of(&env, &[args, &[&export[..], "."]].concat());
        let text = std::fs::read_to_string(&file).unwrap();
        let tree = text.find("},").expect("a header object");
        text[tree..].to_string()
    };
    let alone = saved(&[]);
    assert_eq!(alone.matches("\"name\":\"f").count(), 3000);
    // The views let the walk skip files they cannot show; the export
    // beside them still needs every one.
    for view in [
        &["--top=2"][..],
        &["--top=2", "-t", "4000"],
        &["--tree", "--rows=3"],
        &["--tree", "-t", "4000"],
    ] {
        assert_eq!(saved(view), alone, "{view:?}");
    }
}

fn every_mode_and_thread_count_draws_the_same_views() {
    // Sizes up to 64 bytes: many ties at the edge of what is kept, which
    // the walk's floor, raised as the workers go, must not change.
    let env = TestEnv::new("generate . files=5000 dirs=120 seed=3 maxsize=64");
    let views: [&[&str]; 3] = [
        &["--tree", "-b", "--rows=60", "--width=100", "--color=never"],
        &[
            "--tree",
            "-b",
            "-t",
            "40",
            "--rows=60",
            "--width=100",
            "--color=never",
        ],
        &["--top=25", "-b"],
    ];
    for view in views {
        let run = |how: &[&str]| stdout_of(&env, &[view, how, &["."]].concat());
        let sequential = run(&["--mode", "sequential"]);
        assert!(sequential.lines().count() >= 25, "{sequential}");
        for how in [
            &["--mode", "verbose"][..],
            &["--mode", "parallel", "-j", "1"],
            &["--mode", "parallel", "-j", "3"],
            &["--mode", "parallel", "-j", "32"],
            &["--mode", "cancellable", "-j", "3"],
            &["--mode", "cancellable"],
        ] {
            assert_eq!(run(how), sequential, "{view:?} {how:?}");
        }
    }
}

fn options_a_view_cannot_show_are_refused() {
    let env = TestEnv::new(PROJECT);
    for (args, message) in [
        (
            &["--tree", "-S"][..],
            "--tree and --separate-dirs cannot be used together",
        ),
        (
            &["--tree", "--time"],
            "--tree and --time cannot be used together",
        ),
        (
            &["--tree", "--diff=old"],
            "--tree and --diff cannot be used together",
        ),
        (
            &["--top=3", "--diff=old"],
            "--top and --diff cannot be used together",
        ),
        (
            &["--tree", "--json"],
            "--tree and --json cannot be used together",
        ),
        (
            &["--top=3", "--json"],
            "--top and --json cannot be used together",
        ),
        (
            &["--tree", "-t", "-5"],
            "--tree hides entries smaller than a positive --threshold; \
             a negative one cannot be used with it",
        ),
    ] {
        let mut all = args.to_vec();
        all.push(".");
        let out = cdu_in(&env, &all);
        assert_eq!(describe(out.status), "exit 1", "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("cdu: {message}\nTry 'cdu --help' for more information.\n"),
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// cdu without the power to read any directory, even as root: through
/// setpriv with the capabilities that bypass permissions dropped (setpriv
/// is a premise of the trial).
fn cdu_unprivileged(env: &TestEnv) -> Command {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_cdu"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = if rustix::process::geteuid().is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
            "cdu",
        ]);
        c
    } else {
        session::cdu()
    };
    command
        .current_dir(env.root())
        .env("PATH", path)
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    command
}

fn unreadable_directories_are_reported_and_counted() {
    let env = TestEnv::new(&format!("{PROJECT}mode docs 000\nmode src/util 000\n"));
    let mut command = cdu_unprivileged(&env);
    let out = command
        .args(["--tree", "--inodes", "--color=never", "."])
        .output()
        .unwrap();
    assert_eq!(describe(out.status), "exit 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut messages: Vec<&str> = stderr.lines().collect();
    messages.sort_unstable();
    // du's words, as the du sink writes them.
    assert_eq!(
        messages,
        [
            "cdu: cannot read directory './docs': Permission denied",
            "cdu: cannot read directory './src/util': Permission denied",
        ]
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with("2 directories could not be read\n"),
        "{stdout}"
    );
    // Their own entries still count: 15 less the 2 + 3 unread files.
    assert!(stdout.starts_with("  10 100.0%"), "{stdout}");
}

fn colour_session(args: &[&str], no_color: bool, stdout: Stdout) -> String {
    let env = TestEnv::new(PROJECT);
    let mut command = session::cdu();
    command.args(args).current_dir(env.root());
    if no_color {
        command.env("NO_COLOR", "1");
    } else {
        command.env_remove("NO_COLOR");
    }
    command.env_remove("CLICOLOR").env_remove("CLICOLOR_FORCE");
    command.env("TERM", "xterm");
    let mut s = Session::start_command(command, stdout);
    let (status, piped) = s.finish();
    assert_eq!(describe(status), "exit 0", "{}", s.text());
    match piped.is_empty() {
        true => s.text(),
        false => piped,
    }
}

fn colour_on_a_terminal_only() {
    let on_terminal = colour_session(&["--tree", "."], false, Stdout::Terminal);
    assert!(on_terminal.contains("\x1b["), "{on_terminal}");
    assert!(on_terminal.contains("src/"), "{on_terminal}");
    let piped = colour_session(&["--tree", "."], false, Stdout::Pipe);
    assert!(!piped.contains('\x1b'), "{piped:?}");
    assert!(piped.contains("src/"), "{piped}");
    let no_color = colour_session(&["--tree", "."], true, Stdout::Terminal);
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
    assert!(no_color.contains("src/"), "{no_color}");
    let forced = colour_session(&["--tree", "--color=always", "."], true, Stdout::Pipe);
    assert!(forced.contains("\x1b["), "{forced:?}");
    let never = colour_session(&["--tree", "--color=never", "."], false, Stdout::Terminal);
    assert!(!never.contains('\x1b'), "{never:?}");
}

fn a_tree_fits_the_terminal() {
    // The test terminal is 40 rows of 300 columns: the tree keeps a line
    // for the prompt and one for a note.
    let env = TestEnv::new("generate . files=400 dirs=30 seed=3\n");
    let mut command = session::cdu();
    command
        .args(["--tree", "--color=never", "."])
        .current_dir(env.root());
    let mut s = Session::start_command(command, Stdout::Terminal);
    let (status, _) = s.finish();
    assert_eq!(describe(status), "exit 0");
    let text = s.text();
    let rows: Vec<&str> = text.lines().filter(|l| l.contains('%')).collect();
    assert_eq!(rows.len(), 38, "{text}");
    assert!(rows.iter().all(|r| r.trim_end().chars().count() <= 300));
}

fn assert_cancelled_view(args: &[&str], notice: &str) {
    let tree = held_tree().to_str().unwrap();
    let mut all = vec!["-v", "--tick", "10ms"];
    all.extend_from_slice(args);
    all.push(tree);
    // Never released: the key ends the scan.
    let hold = Hold::new();
    let mut s = Session::start_command(hold.cdu(&all), Stdout::Pipe);
    // A line that shows a directory of the tree: the scan has handed on
    // the operand.
    s.wait_for("a progress line in the tree", |screen| {
        screen.contains(" entries ") && screen.contains(tree)
    });
    s.type_keys(b"q");
    let (status, out) = s.finish();
    let screen = s.text();
    assert_eq!(describe(status), "exit 130", "{screen}");
    assert!(
        screen.contains("cdu: cancelled after ") && screen.contains("sizes are partial"),
        "{screen}"
    );
    assert!(
        out.contains(notice) || screen.contains(notice),
        "no {notice:?}: {out}\n{screen}"
    );
    s.assert_terminal_restored();
}

fn a_cancelled_tree_says_its_sizes_are_lower_bounds() {
    assert_cancelled_view(
        &["--tree", "--color=never"],
        "the scan was stopped before the end: every size is a lower bound",
    );
}

fn a_cancelled_top_says_larger_files_may_be_missing() {
    assert_cancelled_view(
        &["--top=5"],
        "the scan was stopped before the end: larger files may be missing",
    );
}

/// One row of `--tree` output: its size and depth (0 for the operand).
#[derive(Debug)]
struct TreeRow {
    size: u64,
    depth: usize,
    rest: bool,
}

/// Reads rows written with plain sizes (`-b` or `--inodes`), colour off.
fn parse_tree(out: &str) -> Vec<TreeRow> {
    out.lines()
        .filter(|l| l.contains('%'))
        .map(|line| {
            let size = line.split_whitespace().next().unwrap().parse().unwrap();
            // After the size, the share and the bar: the tree lines.
            let bar_end = line
                .char_indices()
                .filter(|(_, c)| "█▏▎▍▌▋▊▉░".contains(*c))
                .map(|(i, c)| i + c.len_utf8())
                .next_back()
                .unwrap();
            let name = &line[bar_end + 1..];
            let mut depth = 0;
            let mut rest = name;
            while let Some(r) = ["│  ", "   "].iter().find_map(|p| rest.strip_prefix(p)) {
                depth += 1;
                rest = r;
            }
            if let Some(r) = ["├─ ", "└─ "].iter().find_map(|p| rest.strip_prefix(p)) {
                depth += 1;
                rest = r;
            }
            TreeRow {
                size,
                depth,
                rest: rest.starts_with('…'),
            }
        })
        .collect()
}

/// The sum of the rows directly under row `i`.
fn children_sum(rows: &[TreeRow], i: usize) -> u64 {
    let depth = rows[i].depth;
    rows[i + 1..]
        .iter()
        .take_while(|r| r.depth > depth)
        .filter(|r| r.depth == depth + 1)
        .map(|r| r.size)
        .sum()
}

/// A random tree description: files of random sizes in a few nested
/// directories, and some empty directories.
fn arb_tree() -> impl Strategy<Value = String> {
    // Some sizes repeat, so that ties meet the edge of what is kept.
    let size = prop_oneof![0u64..50_000, Just(0u64), Just(4096u64)];
    let file = (0usize..6, 0usize..3, size);
    (proptest::collection::vec(file, 1..40), 0usize..3).prop_map(|(files, empties)| {
        let mut description = String::new();
        for (i, (dir, sub, size)) in files.iter().enumerate() {
            let path = match (dir, sub) {
                (0, _) => format!("f{i}"),
                (d, 0) => format!("d{d}/f{i}"),
                (d, s) => format!("d{d}/s{s}/f{i}"),
            };
            description.push_str(&format!("file {path} {size}\n"));
        }
        for e in 0..empties {
            description.push_str(&format!("dir e{e}\n"));
        }
        description
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    fn tree_rows_add_up_and_top_matches_du_a(description in arb_tree(), rows in 2usize..30, n in 1usize..12) {
        let env = TestEnv::new(&description);
        let rows_arg = format!("--rows={rows}");
        let out = stdout_of(&env, &["--tree", "-b", "--color=never", &rows_arg, "."]);
        let parsed = parse_tree(&out);
        prop_assert!(parsed.len() <= rows, "{} rows for --rows={rows}:\n{out}", parsed.len());
        let total = parsed[0].size;
        let top_level: Vec<&TreeRow> = parsed.iter().filter(|r| r.depth == 1).collect();
        let sum: u64 = top_level.iter().map(|r| r.size).sum();
        // Apparent sizes count a directory's own entry as 0 (du counts the
        // length of files and links only), so the rows add up exactly;
        // a rest row is there whenever something is left out.
        if !top_level.is_empty() {
            prop_assert_eq!(sum, total, "{}", out);
        }
        let shown_entries = top_level.iter().filter(|r| !r.rest).count();
        let entries = std::fs::read_dir(env.root()).unwrap().count();
        if !top_level.is_empty() {
            prop_assert_eq!(top_level.iter().any(|r| r.rest), shown_entries < entries, "{}", out);
        }
        let du_total = stdout_of(&env, &["-s", "-b", "."]);
        prop_assert_eq!(format!("{total}\t.\n"), du_total);

        // --top=N: the N largest files of cdu -a, same sizes.
        let top = stdout_of(&env, &["--top", &n.to_string(), "-b", "."]);
        let all = stdout_of(&env, &["-a", "-b", "."]);
        let dirs: HashSet<String> = stdout_of(&env, &["-b", "."])
            .lines()
            .map(|l| l.split_once('\t').unwrap().1.to_string())
            .collect();
        let mut files: Vec<(u64, String)> = all
            .lines()
            .map(|l| l.split_once('\t').unwrap())
            .filter(|(_, p)| !dirs.contains(*p))
            .map(|(s, p)| (s.parse().unwrap(), p.to_string()))
            .collect();
        files.sort_by_key(|f| std::cmp::Reverse(f.0));
        let want: Vec<u64> = files.iter().take(n).map(|f| f.0).collect();
        // Of files of one size, those met first are kept: the sizes are
        // the N largest, each line is one of cdu -a's files, none twice,
        // and lines of one size are in path order.
        let lines: Vec<(u64, String)> = top
            .lines()
            .map(|l| l.split_once('\t').unwrap())
            .map(|(s, p)| (s.parse().unwrap(), p.to_string()))
            .collect();
        let sizes: Vec<u64> = lines.iter().map(|l| l.0).collect();
        prop_assert_eq!(sizes, want, "{}", top);
        let unique: HashSet<&(u64, String)> = lines.iter().collect();
        prop_assert_eq!(unique.len(), lines.len(), "{}", top);
        for line in &lines {
            prop_assert!(files.contains(line), "{:?} is not a file of cdu -a", line);
        }
        for pair in lines.windows(2) {
            prop_assert!(pair[0].0 > pair[1].0 || pair[0].1 < pair[1].1, "{}", top);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    fn a_threshold_keeps_the_sums_and_top_matches_du_a_t(
        description in arb_tree(),
        threshold in 0u64..30_000,
        n in 1usize..12,
    ) {
        let env = TestEnv::new(&description);
        let t = threshold.to_string();
        let out = stdout_of(&env, &["--tree", "-b", "--color=never", "--rows=100", "-t", &t, "."]);
        let parsed = parse_tree(&out);
        // No row below the threshold but the operand's and the rests'.
        for row in &parsed[1..] {
            prop_assert!(row.rest || row.size >= threshold, "-t {}:\n{}", t, out);
        }
        let top_level: Vec<&TreeRow> = parsed.iter().filter(|r| r.depth == 1).collect();
        if !top_level.is_empty() {
            let sum: u64 = top_level.iter().map(|r| r.size).sum();
            prop_assert_eq!(sum, parsed[0].size, "{}", out);
        }

        // --top=N -t: the N largest of the files cdu -a -t prints.
        let dirs: HashSet<String> = stdout_of(&env, &["-b", "."])
            .lines()
            .map(|l| l.split_once('\t').unwrap().1.to_string())
            .collect();
        let mut sizes: Vec<u64> = stdout_of(&env, &["-a", "-b", "-t", &t, "."])
            .lines()
            .map(|l| l.split_once('\t').unwrap())
            .filter(|(_, p)| !dirs.contains(*p))
            .map(|(s, _)| s.parse().unwrap())
            .collect();
        sizes.sort_by_key(|&s| std::cmp::Reverse(s));
        sizes.truncate(n);
        let top = stdout_of(&env, &["--top", &n.to_string(), "-b", "-t", &t, "."]);
        let got: Vec<u64> = top
            .lines()
            .map(|l| l.split_once('\t').unwrap().0.parse().unwrap())
            .collect();
        prop_assert_eq!(got, sizes, "{}", top);
    }
}

fn help_lists_the_view_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for option in ["--tree", "--top=N", "--rows=N", "--width=N", "--color=WHEN"] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "tree_shows_every_entry_biggest_first_when_rows_allow",
        &[],
        tree_shows_every_entry_biggest_first_when_rows_allow,
    );
    suite.add(
        "rows_cut_the_tree_and_a_rest_row_keeps_the_sum",
        &[],
        rows_cut_the_tree_and_a_rest_row_keeps_the_sum,
    );
    suite.add(
        "max_depth_keeps_directories_closed",
        &[],
        max_depth_keeps_directories_closed,
    );
    suite.add(
        "tree_sizes_follow_the_size_options",
        &[],
        tree_sizes_follow_the_size_options,
    );
    suite.add(
        "long_and_odd_names_are_cut_in_the_middle_and_quoted",
        &[],
        long_and_odd_names_are_cut_in_the_middle_and_quoted,
    );
    suite.add(
        "top_lists_the_largest_files_as_du_lines",
        &[],
        top_lists_the_largest_files_as_du_lines,
    );
    suite.add(
        "top_lists_a_hard_linked_file_once",
        &[],
        top_lists_a_hard_linked_file_once,
    );
    suite.add(
        "exclude_applies_to_the_views",
        &[],
        exclude_applies_to_the_views,
    );
    suite.add(
        "tree_and_top_together_are_refused",
        &[],
        tree_and_top_together_are_refused,
    );
    suite.add(
        "top_takes_du_a_threshold_time_and_total",
        &[],
        top_takes_du_a_threshold_time_and_total,
    );
    suite.add(
        "a_threshold_folds_small_entries_into_rest_rows",
        &[],
        a_threshold_folds_small_entries_into_rest_rows,
    );
    suite.add(
        "total_ends_the_trees_with_the_operands_sum",
        &[],
        total_ends_the_trees_with_the_operands_sum,
    );
    suite.add(
        "an_export_beside_a_view_keeps_every_file",
        &[],
        an_export_beside_a_view_keeps_every_file,
    );
    suite.add(
        "every_mode_and_thread_count_draws_the_same_views",
        &[],
        every_mode_and_thread_count_draws_the_same_views,
    );
    suite.add(
        "options_a_view_cannot_show_are_refused",
        &[],
        options_a_view_cannot_show_are_refused,
    );
    suite.add(
        "unreadable_directories_are_reported_and_counted",
        &[harness::premise::unprivileged()],
        unreadable_directories_are_reported_and_counted,
    );
    suite.add("colour_on_a_terminal_only", &[], colour_on_a_terminal_only);
    suite.add("a_tree_fits_the_terminal", &[], a_tree_fits_the_terminal);
    suite.add(
        "a_cancelled_tree_says_its_sizes_are_lower_bounds",
        &[],
        a_cancelled_tree_says_its_sizes_are_lower_bounds,
    );
    suite.add(
        "a_cancelled_top_says_larger_files_may_be_missing",
        &[],
        a_cancelled_top_says_larger_files_may_be_missing,
    );
    suite.add(
        "help_lists_the_view_options",
        &[],
        help_lists_the_view_options,
    );
    suite.add(
        "tree_rows_add_up_and_top_matches_du_a",
        &[],
        tree_rows_add_up_and_top_matches_du_a,
    );
    suite.add(
        "a_threshold_keeps_the_sums_and_top_matches_du_a_t",
        &[],
        a_threshold_keeps_the_sums_and_top_matches_du_a_t,
    );
    suite.run();
}
