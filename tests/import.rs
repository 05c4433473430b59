//! `--import`: a saved scan read back gives what the scan gave. Round
//! trips through cdu's own export, exports written by ncdu and gdu,
//! hand-made exports with every field, and broken ones.

mod harness;
mod scans;
mod testenv;

use std::ffi::OsStr;

use proptest::prelude::*;
use scans::{CDU, cdu, run_in, text};
use testenv::TestEnv;

const TREE: &str = "file a/one 3000\nfile a/two 10K\nsparse a/hole 1M\ndir empty\n\
                    file b/c/deep 5000\nhardlink b/link a/two\nsymlink s a/one\nfifo p\n\
                    file top 100\nfile bad\\xff/x 700\nfile new\\nline 10\nfile c/d/e/f 2K\n";

fn import(args: &[&str], file: &[u8], cwd: &std::path::Path) -> std::process::Output {
    let mut all = vec!["--import=-"];
    all.extend_from_slice(args);
    let all: Vec<&OsStr> = all.iter().map(OsStr::new).collect();
    run_in(CDU, &all, cwd, file)
}

fn scan_export_import_gives_the_same_lines_for_every_option_set() {
    let env = TestEnv::new(TREE);
    let cwd = env.tempdir();
    for export_args in [&[][..], &["-b"], &["--inodes"]] {
        let mut args = vec!["--export=-"];
        args.extend_from_slice(export_args);
        args.push("root");
        let saved = cdu(&args, cwd);
        assert!(saved.status.success(), "{}", text(&saved.stderr));
        for options in [
            &[][..],
            &["-a"],
            &["-s"],
            &["-d", "1"],
            &["-d", "0", "-a"],
            &["-c"],
            &["-a", "-h"],
            &["--si"],
            &["-B", "1K"],
            &["-BM", "-a"],
            &["-k"],
            &["-m"],
            &["-b", "-a"],
            &["-A", "-c"],
            &["--inodes", "-a"],
            &["-t", "8K", "-a"],
            &["-t", "-8K", "-a"],
            &["-0", "-a"],
            &["-S"],
            &["-a", "-S", "-B1"],
        ] {
            let mut scan_args = options.to_vec();
            scan_args.push("root");
            let scan = cdu(&scan_args, cwd);
            let back = import(options, &saved.stdout, cwd);
            assert_eq!(
                text(&back.stdout),
                text(&scan.stdout),
                "cdu {options:?} --import of an export made with {export_args:?}"
            );
            assert_eq!(back.status.code(), scan.status.code());
        }
    }
}

fn an_export_of_ncdu_reads_as_ncdus_scan() {
    let env = TestEnv::new(TREE);
    let cwd = env.tempdir();
    let out = run_in("ncdu", &["-0", "-o", "-", "root"].map(OsStr::new), cwd, b"");
    assert!(out.status.success() && out.stderr.is_empty());
    let root = std::fs::canonicalize(env.root()).expect("root");
    let root = root.to_str().expect("a UTF-8 temporary path");
    // (Not -b: ncdu records a directory's st_size, du counts 0 for it.)
    for options in [&["-B1"][..], &["--inodes"], &["-s", "-B1"], &["-c", "-h"]] {
        let back = import(options, &out.stdout, cwd);
        assert!(back.status.success(), "{}", text(&back.stderr));
        let mut scan_args = options.to_vec();
        scan_args.push(root);
        let scan = cdu(&scan_args, cwd);
        // ncdu lists a directory's entries in its own order.
        let sorted = |b: &[u8]| {
            let mut l: Vec<String> = text(b).lines().map(str::to_string).collect();
            l.sort();
            l
        };
        assert_eq!(sorted(&back.stdout), sorted(&scan.stdout), "{options:?}");
    }
}

fn an_export_of_gdu_gives_the_sizes_gdu_recorded() {
    let env = TestEnv::new("file a/one 3000\nfile a/two 10K\nfile b/c/deep 5000\nfile top 100\n");
    let cwd = env.tempdir();
    let file = cwd.join("gdu.json");
    let args = ["-n", "-o", file.to_str().unwrap(), "root"].map(OsStr::new);
    let out = run_in("gdu", &args, cwd, b"");
    assert!(out.status.success(), "gdu: {}", text(&out.stderr));
    let saved = std::fs::read(&file).expect("gdu wrote its export");
    // gdu records no size for directories: the files' sizes are all.
    let files = text(&cdu(&["-a", "-b", "root"], cwd).stdout);
    let file_sum: u64 = files
        .lines()
        .filter(|l| {
            l.contains("/one") || l.contains("/two") || l.contains("/deep") || l.contains("/top")
        })
        .map(|l| l.split('\t').next().unwrap().parse::<u64>().unwrap())
        .sum();
    let back = import(&["-s", "-b"], &saved, cwd);
    assert!(back.status.success(), "{}", text(&back.stderr));
    let total: u64 = text(&back.stdout)
        .split('\t')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(total, file_sum, "{}", text(&back.stdout));
    let lines = import(&["-a", "--inodes"], &saved, cwd);
    assert!(
        text(&lines.stdout).ends_with("\troot/a/two\n")
            || text(&lines.stdout).contains("/root/a\n")
    );
}

/// A hand-made export with every field and flag cdu reads.
const EVERY_FIELD: &str = r#"[1,2,{"progname":"hand","progver":"1","timestamp":1,"extra":{"a":[1,{"b":[]}]}},
[{"name":"top","asize":4096,"dsize":4096,"dev":7,"ino":1,"mtime":1000,"unknown":[[[]]]},
 {"name":"f1","asize":100,"dsize":4096,"ino":10,"hlnkc":true,"nlink":2,"mtime":2000},
 [{"name":"sub","asize":4096,"dsize":4096,"mtime":500},
  {"name":"f2","asize":100,"dsize":4096,"ino":10,"hlnkc":true,"nlink":2,"mtime":1500},
  {"name":"other dev","asize":1,"dsize":8192,"dev":8,"ino":10,"hlnkc":true,"mtime":1500},
  {"name":"link","asize":3,"dsize":0,"notreg":true,"hlnkc":false,"mtime":1500}],
 [{"name":"shut","asize":4096,"dsize":4096,"read_error":true}],
 {"name":"x.o","excluded":"pattern"},
 {"name":"mnt","excluded":"otherfs"},
 {"name":"kern","excluded":"kernfs"},
 {"name":"old","excluded":true},
 {"name":"gone","read_error":true},
 {"name":"caf\u00e9 \ud83d\ude00 \"q\" \\","asize":5,"dsize":4096,"notreg":false,"mtime":1500}
]]"#;

fn a_hand_made_export_with_every_field() {
    let env = TestEnv::new("dir d\n");
    let cwd = env.tempdir();
    let out = import(&["-a", "-B1"], EVERY_FIELD.as_bytes(), cwd);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a read error makes the status 1"
    );
    assert_eq!(
        text(&out.stderr),
        format!("{CDU}: cannot read directory 'top/shut'\n{CDU}: cannot access 'top/gone'\n")
    );
    // f2 is f1 again (same device and inode) and counts no more; the one
    // on device 8 is another file; excluded entries count nothing.
    assert_eq!(
        text(&out.stdout),
        "4096\ttop/f1\n8192\ttop/sub/other dev\n0\ttop/sub/link\n12288\ttop/sub\n\
         4096\ttop/shut\n4096\ttop/café 😀 \"q\" \\\n28672\ttop\n"
    );
    // -l counts every name; --inodes counts entries.
    let links = import(&["-s", "-l", "-B1"], EVERY_FIELD.as_bytes(), cwd);
    assert_eq!(text(&links.stdout), "32768\ttop\n");
    let inodes = import(&["-s", "--inodes"], EVERY_FIELD.as_bytes(), cwd);
    assert_eq!(text(&inodes.stdout), "7\ttop\n");
    // mtime gives --time its times.
    let time = import(
        &["-s", "--time", "--time-style=+%s"],
        EVERY_FIELD.as_bytes(),
        cwd,
    );
    assert_eq!(text(&time.stdout), "28\t2000\ttop\n");
    // The JSON lines and a new export work on an import too.
    let json = import(&["--json", "-s"], EVERY_FIELD.as_bytes(), cwd);
    assert!(text(&json.stdout).starts_with(
        "{\"path\":\"top\",\"type\":\"dir\",\"depth\":0,\"disk\":28672,\"apparent\":12397,\"entries\":7}\n"
    ), "{}", text(&json.stdout));
    let again = import(&["--export=-"], EVERY_FIELD.as_bytes(), cwd);
    let back = import(&["-a", "-B1"], &again.stdout, cwd);
    assert_eq!(
        text(&back.stdout),
        text(&out.stdout),
        "{}",
        text(&again.stdout)
    );
}

fn broken_exports_are_named_by_line_and_column() {
    let env = TestEnv::new("dir d\n");
    let cwd = env.tempdir();
    for (doc, message) in [
        ("", "-:1:1: expected '[' at the start of an export"),
        ("{}", "-:1:1: expected '[' at the start of an export"),
        (
            "[2,0,{},[{\"name\":\"a\"}]]",
            "-:1:3: major version 2: only version 1 is known",
        ),
        (
            "[1,2,{},\n[{\"name\":\"a\"}",
            "-:2:14: expected ',' or ']' after an entry, found the end of the file",
        ),
        ("[1,2,{}]", "-:1:8: expected ',' before the root"),
        (
            "[1,2,{},[{\"asize\":1}]]",
            "-:1:21: expected a \"name\" in the entry before here",
        ),
        (
            "[1,2,{},\n  {\"name\":\"a\",\"asize\":x}]",
            "-:2:23: expected a number",
        ),
        (
            "[1,2,{},{\"name\":\"a\\q\"}]",
            "-:1:20: expected an escape: one of \" \\ / b f n r t u",
        ),
        (
            "[1,2,{},{\"name\":\"a\"}] x",
            "-:1:23: expected the end of the file",
        ),
        (
            "[1,2,{},{\"name\":\"a\",\"hlnkc\":yes}]",
            "-:1:29: expected true or false",
        ),
        (
            "[1,2,{},{\"name\":\"unterminated",
            "-:1:30: unterminated string",
        ),
        ("[1,2,{\"a\":[1,2}", "-:1:15: expected ',' or ']'"),
    ] {
        let out = import(&[], doc.as_bytes(), cwd);
        assert_eq!(out.status.code(), Some(1), "{doc:?}");
        let stderr = text(&out.stderr);
        let stderr = stderr.trim_end().strip_prefix(CDU).unwrap_or(&stderr);
        // Some faults are found at the end of the file instead.
        let wanted = message.replace(", found the end of the file", "");
        assert!(
            stderr
                .strip_prefix(": ")
                .is_some_and(|s| s.starts_with(&wanted)),
            "{doc:?}: {stderr:?} is not {message:?}"
        );
    }
    let missing = cdu(&["--import=no/such.json"], cwd);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        text(&missing.stderr),
        format!("{CDU}: no/such.json: No such file or directory\n")
    );
    let extra = cdu(&["--import=x", "root"], cwd);
    assert_eq!(extra.status.code(), Some(1));
}

fn nesting_deeper_than_any_stack_is_read() {
    let env = TestEnv::new("dir d\n");
    let cwd = env.tempdir();
    let depth = 200_000;
    let mut doc = String::from("[1,2,{},");
    for _ in 0..depth {
        doc.push_str("[{\"name\":\"d\",\"dsize\":1},");
    }
    doc.push_str("{\"name\":\"f\",\"dsize\":1}");
    doc.push_str(&"]".repeat(depth));
    doc.push(']');
    let out = import(&["-s", "-B1"], doc.as_bytes(), cwd);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\td\n", depth + 1));
}

/// Counts events, for the property test.
struct Count(usize);
impl cdu::Sink for Count {
    fn event(&mut self, _: &cdu::Event<'_>) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever the bytes, the reader answers with a scan or a fault at a
    /// place inside the document; it never panics.
    fn broken_and_random_documents_never_panic(
        cut in 0usize..EVERY_FIELD.len(),
        flips in proptest::collection::vec((0usize..EVERY_FIELD.len(), any::<u8>()), 0..4),
        noise in proptest::collection::vec(any::<u8>(), 0..64),
        use_noise in any::<bool>(),
    ) {
        let mut doc = EVERY_FIELD.as_bytes().to_vec();
        for (at, byte) in flips {
            doc[at] = byte;
        }
        doc.truncate(cut.max(1));
        if use_noise {
            doc = noise;
        }
        let config = cdu::Config::builder().build();
        let mut sink = Count(0);
        match cdu::internals::input::import::import(&config, &doc[..], &mut sink) {
            Ok(summary) => prop_assert!(summary.error.is_none()),
            Err(fault) => {
                let lines = doc.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                prop_assert!(fault.line >= 1 && fault.line <= lines);
                prop_assert!(fault.column >= 1);
                prop_assert!(!fault.what.is_empty());
            }
        }
    }
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "scan_export_import_gives_the_same_lines_for_every_option_set",
        &[],
        scan_export_import_gives_the_same_lines_for_every_option_set,
    );
    suite.add(
        "an_export_of_ncdu_reads_as_ncdus_scan",
        &[harness::premise::program("ncdu", "ncdu")],
        an_export_of_ncdu_reads_as_ncdus_scan,
    );
    suite.add(
        "an_export_of_gdu_gives_the_sizes_gdu_recorded",
        &[harness::premise::program("gdu", "gdu")],
        an_export_of_gdu_gives_the_sizes_gdu_recorded,
    );
    suite.add(
        "a_hand_made_export_with_every_field",
        &[],
        a_hand_made_export_with_every_field,
    );
    suite.add(
        "broken_exports_are_named_by_line_and_column",
        &[],
        broken_exports_are_named_by_line_and_column,
    );
    suite.add(
        "nesting_deeper_than_any_stack_is_read",
        &[],
        nesting_deeper_than_any_stack_is_read,
    );
    suite.add(
        "broken_and_random_documents_never_panic",
        &[],
        broken_and_random_documents_never_panic,
    );
    suite.run();
}
