//! Hostile arguments: every malformed SIZE, depth, threshold, pattern
//! file and files0 list, in options, the environment and stdin, must get
//! GNU du 9.7's words and status exactly; cdu's own options never panic or
//! hang, whatever their value.

mod harness;
mod reference;
mod testenv;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use harness::premise;
use reference::{Case, Mode, assert_no_problems, check_all_in, invariants};
use testenv::TestEnv;

fn main() {
    let mut suite = harness::Suite::new(file!());
    let reference = [premise::reference()];
    trials!(suite, reference;
        malformed_block_sizes,
        malformed_thresholds,
        malformed_depths,
        missing_values_bad_lists_and_option_conflicts,
        malformed_block_sizes_in_the_environment,
        names_and_patterns_from_stdin,
        a_directory_on_stdin,
    );
    suite.add(
        "own_options_never_panic_or_hang",
        &[],
        own_options_never_panic_or_hang,
    );
    suite.run();
}

/// cdu as it runs by default: GNU du has no modes, so these cases compare
/// what a user types.
fn as_typed() -> [Mode; 1] {
    [Mode {
        args: Vec::new(),
        split_parts: None,
    }]
}

/// A tree with an empty directory, a file, files0 lists good and bad, a
/// pattern file, and a list no one may read.
fn argument_tree() -> TestEnv {
    let env = TestEnv::new("dir empty\nfile f 10\n");
    let dir = env.root();
    fs::write(dir.join("list-ok"), b"empty\0f\0").unwrap();
    fs::write(dir.join("list-empty-name"), b"empty\0\0f\0").unwrap();
    fs::write(dir.join("list-only-nul"), b"\0").unwrap();
    fs::write(dir.join("list-empty"), b"").unwrap();
    fs::write(dir.join("list-dash"), b"-\0empty").unwrap();
    fs::write(dir.join("list-missing"), b"nope\0empty\0").unwrap();
    fs::write(dir.join("list-no-final-nul"), b"empty\0f").unwrap();
    fs::write(dir.join("patterns"), b"f\n").unwrap();
    fs::create_dir(dir.join("unreadable-list-dir")).unwrap();
    fs::write(dir.join("unreadable-list"), b"f\0").unwrap();
    fs::set_permissions(
        dir.join("unreadable-list"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    env
}

/// `option VALUE empty` for each value, compared with GNU du.
fn check_values(option: &str, values: &[&str]) {
    let env = argument_tree();
    let cases: Vec<Case> = values
        .iter()
        .map(|v| Case::new(env.root(), [option, v, "empty"]).timeout(Duration::from_secs(20)))
        .collect();
    check_all_in(&cases, &as_typed());
}

fn malformed_block_sizes() {
    check_values(
        "-B",
        &[
            "",
            "x",
            "0",
            "-1",
            "1Q",
            "1QQ",
            "99999999999999999999",
            "KB",
            "1e3",
            " 1",
            "1 ",
            "k",
            "ki",
            "KiB",
            "0x10",
            "010",
            "+5",
            " 5",
            "'1k",
            "'",
            "human",
            "hum",
            "si",
            "s",
            "h",
            "1.5K",
            "18446744073709551616",
            "1R",
            "1Y",
            "-0",
            "1kB",
            "1Kb",
            "1MiB",
            "M",
            "MB",
            "iB",
        ],
    );
}

fn malformed_thresholds() {
    check_values(
        "-t",
        &[
            "",
            "x",
            "-0",
            "0",
            "-x",
            "99999999999999999999",
            "1Q",
            "-1Y",
            "1KiB",
            "-1",
            "1.5",
            " 1",
            "1 ",
            "+1",
            "0x10",
            "-",
            "9223372036854775808",
            "-9223372036854775808",
            "1e3",
        ],
    );
}

fn malformed_depths() {
    check_values(
        "-d",
        &[
            "",
            "x",
            "-1",
            "99999999999999999999",
            "1K",
            " 1",
            "+1",
            "-0",
            "1.0",
            "0x1",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551615",
        ],
    );
}

fn missing_values_bad_lists_and_option_conflicts() {
    let env = argument_tree();
    let cases: Vec<Case> = [
        &["-B"][..],
        &["-t"],
        &["-d"],
        &["-X"],
        &["--block-size"],
        &["--block-size="],
        &["--threshold="],
        &["--max-depth="],
        &["--files0-from"],
        &["--files0-from="],
        &["-X", "nope", "empty"],
        &["-X", "empty", "empty"],
        &["-X", "unreadable-list-dir/../nope/x", "empty"],
        &["--exclude-from=/nonexistent", "empty"],
        &["-X", "nope1", "-X", "nope2", "empty"],
        &["--files0-from=nope"],
        &["--files0-from=empty"],
        &["--files0-from=list-ok"],
        &["--files0-from=list-empty-name"],
        &["--files0-from=list-only-nul"],
        &["--files0-from=list-empty"],
        &["--files0-from=list-dash"],
        &["--files0-from=list-missing"],
        &["--files0-from=list-no-final-nul"],
        &["--files0-from=list-ok", "empty"],
        &["--files0-from=list-ok", "--files0-from=list-dash"],
        &["-d", "x", "-d", "y", "empty"],
        &["-B", "x", "-t", "y", "empty"],
        &["-t", "y", "-B", "x", "empty"],
        &["-d", "x", "-B", "x", "empty"],
        &["-X", "nope", "-B", "x", "empty"],
        &["-d", "x", "-X", "nope", "empty"],
        &["-s", "-a", "empty"],
        &["-s", "-d1", "empty"],
        &["-s", "-d0", "empty"],
        &["-s", "-d", "x", "empty"],
        &["--inodes", "-b", "empty"],
        &["--fo", "empty"],
        &["--e", "empty"],
        &["--ex=x", "empty"],
        &["--exc=x", "empty"],
        &["--s", "empty"],
        &["--summ=x", "empty"],
        &["--all=1", "empty"],
        &["-q", "empty"],
        &["-", "empty"],
        &["", "empty"],
        &["empty", ""],
        &["nonexistent", "empty"],
    ]
    .iter()
    .map(|a| Case::new(env.root(), *a).timeout(Duration::from_secs(20)))
    .collect();
    check_all_in(&cases, &as_typed());
}

fn malformed_block_sizes_in_the_environment() {
    let env = argument_tree();
    let mut cases = Vec::new();
    for var in ["DU_BLOCK_SIZE", "BLOCK_SIZE", "BLOCKSIZE"] {
        for v in [
            "x",
            "0",
            "-1",
            "1Q",
            "99999999999999999999",
            "'1k",
            "human",
            "si",
            "+5",
            " 5",
            "",
        ] {
            cases.push(
                Case::new(env.root(), ["empty"])
                    .env(var, v)
                    .timeout(Duration::from_secs(20)),
            );
        }
    }
    check_all_in(&cases, &as_typed());
}

fn names_and_patterns_from_stdin() {
    let env = argument_tree();
    let cases: Vec<Case> = [
        (&["--files0-from=-"][..], &b"empty\0-\0\0f"[..]),
        (&["--files0-from=-"], b""),
        (&["--files0-from=-"], b"\0"),
        (&["--files0-from", "-"], b"-"),
        (&["-X", "-", "-a", "."], b"f\nempty\n"),
        (&["-X-", "-a", "."], b"f\n"),
    ]
    .iter()
    .map(|(a, stdin)| {
        Case::new(env.root(), *a)
            .stdin(stdin)
            .timeout(Duration::from_secs(20))
    })
    .collect();
    check_all_in(&cases, &as_typed());
}

fn a_directory_on_stdin() {
    let env = argument_tree();
    let cases: Vec<Case> = [&["--files0-from=-"][..], &["-X", "-", "empty"]]
        .iter()
        .map(|a| {
            Case::new(env.root(), *a)
                .shell("exec \"$0\" \"$@\" < empty")
                .timeout(Duration::from_secs(20))
        })
        .collect();
    check_all_in(&cases, &as_typed());
}

/// cdu's own options (no GNU answer) never panic or hang, whatever value.
fn own_options_never_panic_or_hang() {
    let env = TestEnv::new("chain c depth=50\nfile c/f 100\n");
    let mut problems = Vec::new();
    for a in [
        &["--tick=99999999999999999999999", "-v", "root"][..],
        &["--tick=1e300", "root"],
        &["--tick=18446744073709551616s", "root"],
        &["--tick=1e-300", "root"],
        &["--tick=NaN", "root"],
        &["--tick=-1", "root"],
        &["--tick=", "root"],
        &["-j", "0", "root"],
        &["-j", "-1", "root"],
        &["-j", "18446744073709551615", "root"],
        &["-j", "9223372036854775808", "root"],
        &["-j", "18446744073709551616", "root"],
        &["-j", "100000", "root"],
        &["--mode=bogus", "root"],
        &["--mode=", "root"],
    ] {
        let case = Case::new(env.tempdir(), a).timeout(Duration::from_secs(30));
        let got = reference::run_cdu(&case, &as_typed()[0]);
        problems.extend(invariants(&format!("cdu {a:?}"), &got));
    }
    assert_no_problems(problems);
}
