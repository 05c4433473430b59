//! `--json`: one JSON object per line du would print, in du's order, then
//! a summary; read back with jq, as a program using it would.

mod harness;
mod scans;
mod testenv;

use std::ffi::OsStr;

use scans::{cdu, run_in, text};
use testenv::TestEnv;

const TREE: &str = "file a/one 3000\nfile a/two 10K\nsparse a/hole 1M\n\
                    dir empty\nfile b/c/deep 5000\nhardlink b/link a/two\n\
                    symlink s a/one\nfile top 100\n";

/// jq's reading of cdu's JSON lines: `filter` applied to each object.
fn jq(json: &[u8], filter: &str, cwd: &std::path::Path) -> String {
    let out = run_in("jq", &[OsStr::new("-r"), OsStr::new(filter)], cwd, json);
    assert!(
        out.status.success(),
        "jq refused cdu's JSON ({}):\n{}",
        text(&out.stderr),
        text(json)
    );
    text(&out.stdout)
}

fn each_line_is_the_entry_du_prints_with_its_sizes() {
    let env = TestEnv::new(TREE);
    let cwd = env.tempdir();
    for (options, field) in [
        (&["-B1"][..], "disk"),
        (&["-a", "-B1"], "disk"),
        (&["-b", "-a"], "apparent"),
        (&["--inodes", "-a"], "entries"),
        (&["-s", "-B1"], "disk"),
        (&["-d", "1", "-B1", "-a"], "disk"),
        (&["-S", "-B1"], "disk"),
        (&["-t", "8K", "-a", "-B1"], "disk"),
        (&["-l", "-a", "-b"], "apparent"),
    ] {
        let mut args = options.to_vec();
        args.push("root");
        let du = cdu(&args, cwd);
        args.insert(0, "--json");
        let json = cdu(&args, cwd);
        assert!(json.status.success(), "{args:?}: {}", text(&json.stderr));
        let filter = format!("select(.type != \"summary\") | \"\\(.{field})\\t\\(.path)\"");
        assert_eq!(jq(&json.stdout, &filter, cwd), text(&du.stdout), "{args:?}");
    }
}

fn types_depths_and_the_summary() {
    let env = TestEnv::new(TREE);
    let cwd = env.tempdir();
    let json = cdu(&["--json", "-a", "root"], cwd);
    let mut kinds: Vec<String> = jq(
        &json.stdout,
        r#"select(.path == "root/s" or .path == "root/empty" or .path == "root/top") | "\(.path) \(.type) \(.depth)""#,
        cwd,
    )
    .lines()
    .map(str::to_string)
    .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        ["root/empty dir 1", "root/s symlink 1", "root/top file 1"],
        "{}",
        text(&json.stdout)
    );
    let total = text(&cdu(&["-s", "-B1", "root"], cwd).stdout);
    let apparent = text(&cdu(&["-s", "-b", "root"], cwd).stdout);
    let summary = jq(
        &json.stdout,
        r#"select(.type == "summary") | "\(.disk) \(.apparent) \(.errors) \(.partial)""#,
        cwd,
    );
    let first = |s: &str| s.split('\t').next().unwrap_or_default().to_string();
    assert_eq!(
        summary,
        format!("{} {} 0 false\n", first(&total), first(&apparent))
    );
    // The summary is the last line, and the only one of its type.
    let last = text(&json.stdout).lines().last().map(str::to_string);
    assert!(last.is_some_and(|l| l.contains("\"type\":\"summary\"")));
}

fn odd_names_are_valid_json_and_their_bytes_are_kept() {
    let env = TestEnv::new(
        "file bad\\xff\\xfename 10\nfile new\\nline 20\nfile ctl\\x01\\x1b\\x7f 30\n\
         file quote\"back\\\\slash 40\nfile caf\\xc3\\xa9 50\nfile tab\\tx 60\n",
    );
    let cwd = env.tempdir();
    let json = cdu(&["--json", "-a", "root"], cwd);
    assert!(json.status.success());
    // Every line parses on its own (jq reads them one by one).
    let types = jq(&json.stdout, ".type", cwd);
    assert_eq!(types.lines().count(), 8, "{}", text(&json.stdout));
    // The exact names: `path` when it is UTF-8, else `path_hex`.
    let listed = jq(
        &json.stdout,
        r#"select(.type == "file") | if .path_hex then "hex:" + .path_hex else "utf8:" + (.path | @base64) end"#,
        cwd,
    );
    let mut names: Vec<Vec<u8>> = listed
        .lines()
        .map(|l| match l.split_once(':') {
            Some(("hex", h)) => (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex"))
                .collect(),
            Some(("utf8", b)) => decode_base64(b),
            _ => panic!("unexpected line {l:?}"),
        })
        .collect();
    names.sort();
    let du = cdu(&["-0", "-a", "root"], cwd);
    let mut expected: Vec<Vec<u8>> = du
        .stdout
        .split(|&b| b == 0)
        .filter(|r| !r.is_empty())
        .map(|r| r[r.iter().position(|&b| b == b'\t').expect("tab") + 1..].to_vec())
        .filter(|p| p != b"root")
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    // Only the name that is not UTF-8 has the hex form.
    assert_eq!(listed.matches("hex:").count(), 1, "{listed}");
}

fn decode_base64(s: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        bits = bits << 6 | ABC.iter().position(|&a| a == c).expect("base64") as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

fn errors_are_counted_and_diagnosed_as_du_does() {
    let env = TestEnv::new("file ok/f 10\nfile shut/f 10\nmode shut 000\n");
    let cwd = env.tempdir();
    let mut args: Vec<&OsStr> = Vec::new();
    if scans::is_root() {
        args.extend(scans::DROP_CAPS.iter().map(OsStr::new));
    }
    args.extend([scans::CDU, "--json", "root"].iter().map(OsStr::new));
    let out = run_in(args[0], &args[1..], cwd, b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "cdu: cannot read directory 'root/shut': Permission denied\n".replace("cdu", scans::CDU)
    );
    let errors = jq(&out.stdout, r#"select(.type == "summary") | .errors"#, cwd);
    assert_eq!(errors, "1\n");
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "each_line_is_the_entry_du_prints_with_its_sizes",
        &[harness::premise::program("jq", "jq")],
        each_line_is_the_entry_du_prints_with_its_sizes,
    );
    suite.add(
        "types_depths_and_the_summary",
        &[harness::premise::program("jq", "jq")],
        types_depths_and_the_summary,
    );
    suite.add(
        "odd_names_are_valid_json_and_their_bytes_are_kept",
        &[harness::premise::program("jq", "jq")],
        odd_names_are_valid_json_and_their_bytes_are_kept,
    );
    suite.add(
        "errors_are_counted_and_diagnosed_as_du_does",
        &[
            harness::premise::program("jq", "jq"),
            harness::premise::unprivileged(),
        ],
        errors_are_counted_and_diagnosed_as_du_does,
    );
    suite.run();
}
