//! Saved scans are never lost or silently wrong: an export replaces its
//! file only when the scan is whole, an input is never also an output,
//! and every name and number read from a saved scan or a du listing is
//! checked before it is believed.

mod scans;
mod session;
mod testenv;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use scans::{CDU, cdu, run_in, text};
use testenv::TestEnv;

const TREE: &str = "file a/f 1000\nfile a/g 3000\nfile b/h 500\nfile top 200\n";

/// Runs cdu in `cwd` with `stdin` as its input.
fn cdu_with_input(args: &[&str], cwd: &Path, stdin: &[u8]) -> Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run_in(CDU, &args, cwd, stdin)
}

/// The names in `dir`, sorted: what a run left beside its files.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A whole export of the test tree, saved as `name` beside it.
fn saved(env: &TestEnv, name: &str) -> Vec<u8> {
    let out = cdu(&["-b", &format!("--export={name}"), "root"], env.tempdir());
    assert!(out.status.success(), "{}", text(&out.stderr));
    fs::read(env.tempdir().join(name)).unwrap()
}

/// Asserts that `out` failed with status 1 and said `words`.
fn refused(out: &Output, words: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains(words), "expected {words:?} in: {err}");
}

// Items 1 and 2: an input is never also an output.

#[test]
fn import_and_export_of_one_file_is_refused_and_the_file_kept() {
    let env = TestEnv::new(TREE);
    let before = saved(&env, "same.json");
    let out = cdu(
        &["--import=same.json", "--export=same.json", "-s"],
        env.tempdir(),
    );
    refused(
        &out,
        "--export would write 'same.json', which --import reads",
    );
    assert_eq!(fs::read(env.tempdir().join("same.json")).unwrap(), before);
    assert_eq!(names_in(env.tempdir()), ["root", "same.json"]);
}

#[test]
fn the_same_file_under_another_name_is_caught_too() {
    let env = TestEnv::new(TREE);
    let before = saved(&env, "same.json");
    fs::hard_link(
        env.tempdir().join("same.json"),
        env.tempdir().join("hard.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink("same.json", env.tempdir().join("soft.json")).unwrap();
    for (input, output) in [("hard.json", "same.json"), ("same.json", "soft.json")] {
        let out = cdu(
            &[&format!("--import={input}"), &format!("--export={output}")],
            env.tempdir(),
        );
        refused(&out, "which --import reads");
        assert_eq!(fs::read(env.tempdir().join("same.json")).unwrap(), before);
    }
}

#[test]
fn a_rolling_baseline_is_refused_rather_than_emptied() {
    let env = TestEnv::new(TREE);
    let before = saved(&env, "old.json");
    let out = cdu(
        &["-b", "--diff=old.json", "--export=old.json", "root"],
        env.tempdir(),
    );
    refused(&out, "--export would write 'old.json', which --diff reads");
    assert_eq!(out.stdout, b"");
    assert_eq!(fs::read(env.tempdir().join("old.json")).unwrap(), before);
}

#[test]
fn an_exclude_file_is_not_overwritten_by_the_export() {
    let env = TestEnv::new(TREE);
    fs::write(env.tempdir().join("patterns"), "*.tmp\n").unwrap();
    let out = cdu(
        &["--exclude-from=patterns", "--export=patterns", "root"],
        env.tempdir(),
    );
    refused(&out, "which --exclude-from reads");
    assert_eq!(
        fs::read(env.tempdir().join("patterns")).unwrap(),
        b"*.tmp\n"
    );
}

#[test]
fn stdin_or_stdout_on_the_file_the_run_reads_or_writes_is_refused() {
    let env = TestEnv::new(TREE);
    let before = saved(&env, "s.json");
    let file = env.tempdir().join("s.json");
    let run = |args: &[&str], stdin: Stdio, stdout: Stdio| {
        Command::new(CDU)
            .args(args)
            .current_dir(env.tempdir())
            .env("LC_ALL", "C")
            .stdin(stdin)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    // `cdu --import=- --export=s.json < s.json`
    let out = run(
        &["--import=-", "--export=s.json"],
        fs::File::open(&file).unwrap().into(),
        Stdio::piped(),
    );
    refused(&out, "--export would write 's.json', which --import reads");
    // `cdu --import=s.json >> s.json`
    let append = fs::OpenOptions::new().append(true).open(&file).unwrap();
    let out = run(&["--import=s.json"], Stdio::null(), append.into());
    refused(&out, "standard output is 's.json', which --import reads");
    assert_eq!(fs::read(&file).unwrap(), before);
    // `cdu --export=s.json root >> s.json`: the du lines would be lost.
    let append = fs::OpenOptions::new().append(true).open(&file).unwrap();
    let out = run(&["--export=s.json", "root"], Stdio::null(), append.into());
    refused(&out, "which is also standard output");
    assert_eq!(fs::read(&file).unwrap(), before);
}

// Item 3: an export replaces its file only when the scan is whole.

#[test]
fn a_stopped_scan_leaves_the_whole_export_in_place() {
    let env = TestEnv::new(TREE);
    let before = saved(&env, "b.json");
    let target = env.tempdir().join("b.json");
    let tree = session::held_tree().to_str().unwrap();
    let export = format!("--export={}", target.display());
    // Never released: the signal ends the scan. `-s`: the cancel lets
    // through at once all that the held scan had read, and a pipe filled
    // faster than the test reads it would pass for a stdout that takes
    // nothing, which ends cdu before its messages.
    let hold = session::Hold::new();
    let command = hold.cdu(["-v", "-s", "--tick", "10ms", &export, tree]);
    let mut s = session::Session::start_command(command, session::Stdout::Pipe);
    s.wait_for("a progress line", |screen| {
        screen.contains(" entries ") && screen.contains(tree)
    });
    s.signal(rustix::process::Signal::TERM);
    let (status, _) = s.finish();
    let screen = s.text();
    assert_eq!(session::describe(status), "exit 130", "screen:\n{screen}");
    assert!(
        screen.contains("--export: the scan was stopped; "),
        "screen:\n{screen}"
    );
    assert_eq!(
        fs::read(&target).unwrap(),
        before,
        "the export was replaced"
    );
    // No temporary file is left beside it.
    assert_eq!(names_in(env.tempdir()), ["b.json", "root"]);
    let back = cdu(&["--import=b.json", "-s", "-b"], env.tempdir());
    assert!(back.status.success(), "{}", text(&back.stderr));
}

#[test]
fn a_stopped_export_on_stdout_is_left_unclosed() {
    let tree = session::held_tree().to_str().unwrap();
    // Never released: the signal ends the scan.
    let hold = session::Hold::new();
    let command = hold.cdu(["-v", "--tick", "10ms", "--export=-", tree]);
    let mut s = session::Session::start_command(command, session::Stdout::Pipe);
    s.wait_for("a progress line", |screen| {
        screen.contains(" entries ") && screen.contains(tree)
    });
    s.signal(rustix::process::Signal::TERM);
    let (status, stdout) = s.finish();
    assert_eq!(session::describe(status), "exit 130", "{}", s.text());
    // No reader may take it for a whole scan.
    let env = TestEnv::new("");
    let back = cdu_with_input(&["--import=-", "-s"], env.tempdir(), stdout.as_bytes());
    assert_eq!(back.status.code(), Some(1), "{}", text(&back.stdout));
}

#[test]
fn a_whole_export_replaces_the_file_keeping_its_mode_and_links() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new(TREE);
    let dir = env.tempdir();
    fs::write(dir.join("real.json"), "old").unwrap();
    fs::set_permissions(dir.join("real.json"), fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.json", dir.join("link.json")).unwrap();
    let out = cdu(&["-b", "--export=link.json", "root"], dir);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        fs::symlink_metadata(dir.join("link.json"))
            .unwrap()
            .is_symlink()
    );
    let meta = fs::metadata(dir.join("real.json")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    let back = cdu(&["--import=real.json", "-s", "-b"], dir);
    // GNU du counts no apparent size for a directory.
    assert_eq!(text(&back.stdout), "4700\troot\n", "{}", text(&back.stderr));
    assert_eq!(names_in(dir), ["link.json", "real.json", "root"]);
}

// Item 4: a scan that fails entirely never overwrites a good export.

#[test]
fn a_scan_that_finds_nothing_keeps_the_export() {
    let env = TestEnv::new(TREE);
    let before = saved(&env, "good.json");
    let out = cdu(&["--export=good.json", "nonexistent"], env.tempdir());
    refused(&out, "nothing was scanned; 'good.json' is left as it was");
    assert_eq!(fs::read(env.tempdir().join("good.json")).unwrap(), before);
    for import in ["--import=missing.json", "--import=broken.json"] {
        fs::write(
            env.tempdir().join("broken.json"),
            "[1,2,{},[{\"name\":\"r\"},",
        )
        .unwrap();
        let out = cdu(&["--export=good.json", import], env.tempdir());
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert_eq!(fs::read(env.tempdir().join("good.json")).unwrap(), before);
    }
    assert_eq!(
        names_in(env.tempdir()),
        ["broken.json", "good.json", "root"]
    );
}

#[test]
fn a_scan_that_finds_nothing_writes_no_document_to_stdout() {
    let env = TestEnv::new(TREE);
    let out = cdu(&["--export=-", "nonexistent"], env.tempdir());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
}

#[test]
#[ignore = "needs root and unshare to mount a small tmpfs; run with --ignored"]
fn a_full_disk_names_the_export_and_keeps_the_old_file() {
    let env = TestEnv::new("generate g files=3000 dirs=30 seed=1\n");
    // A 64K tmpfs in a mount namespace of its own: the export of 3,000
    // entries does not fit.
    let script = "set -e; mount -t tmpfs -o size=64k cdu-test small; echo old > small/e.json; \
                  set +e; \"$0\" --export=small/e.json root >/dev/null; echo \"status $?\"; \
                  cat small/e.json; ls -A small";
    fs::create_dir(env.tempdir().join("small")).unwrap();
    let out = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", script, CDU])
        .current_dir(env.tempdir())
        .env("LC_ALL", "C")
        .output()
        .expect("unshare is installed");
    assert_eq!(
        text(&out.stdout),
        "status 1\nold\ne.json\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        text(&out.stderr),
        format!(
            "{CDU}: small/e.json: No space left on device\n\
             {CDU}: --export: it could not be written; 'small/e.json' is left as it was\n"
        )
    );
}

// Item 5: absolute operand names round-trip.

#[test]
fn an_absolute_operand_reads_back_with_its_leading_slash() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    let out = cdu(&["-b", "--export=abs.json", root], env.tempdir());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let scan = cdu(&["-b", "-a", root], env.tempdir());
    let back = cdu(&["-b", "-a", "--import=abs.json"], env.tempdir());
    assert_eq!(text(&back.stdout), text(&scan.stdout));
    assert!(text(&back.stdout).ends_with(&format!("\t{root}\n")));
}

/// A saved scan of `/`, as ncdu writes it.
const SLASH: &str = "[1,2,{\"progname\":\"ncdu\"},\n[{\"name\":\"/\",\"dsize\":4096},\n\
                     [{\"name\":\"etc\",\"dsize\":4096},{\"name\":\"hosts\",\"dsize\":4096}],\n\
                     {\"name\":\"vmlinuz\",\"dsize\":8192}]]\n";

#[test]
fn a_scan_of_slash_keeps_slash_as_its_name() {
    let env = TestEnv::new("");
    let back = cdu_with_input(&["--import=-", "-a"], env.tempdir(), SLASH.as_bytes());
    assert_eq!(
        text(&back.stdout),
        "4\t/etc/hosts\n8\t/etc\n8\t/vmlinuz\n20\t/\n",
        "{}",
        text(&back.stderr)
    );
    let again = cdu_with_input(
        &["--import=-", "--export=-"],
        env.tempdir(),
        SLASH.as_bytes(),
    );
    assert!(
        text(&again.stdout).contains("[{\"name\":\"/\","),
        "{}",
        text(&again.stdout)
    );
    let back = cdu_with_input(&["--import=-", "-a"], env.tempdir(), &again.stdout);
    assert_eq!(
        text(&back.stdout),
        "4\t/etc/hosts\n8\t/etc\n8\t/vmlinuz\n20\t/\n"
    );
}

#[test]
#[ignore = "needs ncdu 1.18 (apt-get install ncdu); run with --ignored"]
fn ncdu_reads_exports_of_absolute_operands_and_of_slash() {
    let env = TestEnv::new(TREE);
    let root = env.root().to_str().unwrap();
    let out = cdu(&["--export=abs.json", root], env.tempdir());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = cdu_with_input(
        &["--import=-", "--export=slash.json"],
        env.tempdir(),
        SLASH.as_bytes(),
    );
    assert!(again.status.success(), "{}", text(&again.stderr));
    for file in ["abs.json", "slash.json"] {
        let ncdu = Command::new("ncdu")
            .args(["-f", file, "-o", "-"])
            .current_dir(env.tempdir())
            .output()
            .expect("ncdu is installed");
        assert!(
            ncdu.status.success(),
            "ncdu on {file}: {}",
            text(&ncdu.stderr)
        );
        let name = if file == "abs.json" { root } else { "/" };
        assert!(
            text(&ncdu.stdout).contains(&format!("[{{\"name\":\"{name}\"")),
            "{}",
            text(&ncdu.stdout)
        );
    }
}

// Item 6: every name read from a file is checked as a file name.

/// A saved scan whose root `r` holds `entries`.
fn export_of(entries: &str) -> String {
    format!("[1,2,{{}},\n[{{\"name\":\"r\",\"dsize\":4096}},\n{entries}]]\n")
}

#[test]
fn names_no_file_can_have_are_refused_with_their_place() {
    let env = TestEnv::new("");
    for (entries, what) in [
        (
            r#"[{"name":"a/b","dsize":4096},{"name":"x","dsize":4096}]"#,
            "3:10: a name holding '/'",
        ),
        (
            r#"{"name":"a\u0000b","dsize":4096}"#,
            "3:9: a name holding a NUL byte",
        ),
        (r#"[{"name":"","dsize":4096}]"#, "3:10: an empty name"),
        (
            r#"{"name":".","dsize":1}"#,
            "3:9: a name '.' or '..' below the root",
        ),
        (
            r#"[{"name":".."}]"#,
            "3:10: a name '.' or '..' below the root",
        ),
        (
            r#"{"name":"x","dsize":1},[{"name":"x"}]"#,
            "3:33: a name met twice in one directory",
        ),
    ] {
        let doc = export_of(entries);
        for view in [&["-a"][..], &["--tree"], &["--json"], &["-0", "-a"]] {
            let mut args = vec!["--import=-"];
            args.extend_from_slice(view);
            let out = cdu_with_input(&args, env.tempdir(), doc.as_bytes());
            refused(&out, &format!("-:{what}"));
        }
    }
    let out = cdu_with_input(&["--import=-"], env.tempdir(), b"[1,2,{},{\"name\":\"\"}]");
    refused(&out, "-:1:17: an empty name");
}

#[test]
fn a_root_path_with_slashes_draws_as_a_tree() {
    let env = TestEnv::new("");
    let doc = "[1,2,{},[{\"name\":\"/srv/data/\",\"dsize\":4096},{\"name\":\"f\",\"dsize\":4096}]]";
    let out = cdu_with_input(
        &["--import=-", "--tree", "--width=40", "--color=never"],
        env.tempdir(),
        doc.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("/srv/data/"),
        "{}",
        text(&out.stdout)
    );
    let out = cdu_with_input(&["--import=-", "-a"], env.tempdir(), doc.as_bytes());
    assert_eq!(text(&out.stdout), "4\t/srv/data/f\n8\t/srv/data/\n");
}

// Item 7: --time on a scan that holds no times.

#[test]
fn time_on_a_scan_without_times_is_refused_once() {
    let env = TestEnv::new(TREE);
    saved(&env, "plain.json");
    let out = cdu(&["--import=plain.json", "--time", "-a"], env.tempdir());
    refused(&out, "--time needs each entry's time");
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_export_made_with_time_shows_its_times_on_import() {
    let env = TestEnv::new(TREE);
    let opts = ["--time", "--time-style=+%s", "-a", "-b"];
    let mut args = opts.to_vec();
    args.extend(["--export=timed.json", "root"]);
    let scan = cdu(&args, env.tempdir());
    assert!(scan.status.success(), "{}", text(&scan.stderr));
    let mut args = opts.to_vec();
    args.push("--import=timed.json");
    let back = cdu(&args, env.tempdir());
    assert!(back.status.success(), "{}", text(&back.stderr));
    assert_eq!(text(&back.stdout), text(&scan.stdout));
    let out = cdu(&["--import=timed.json", "--time=atime"], env.tempdir());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("modification times only"));
}

// Item 8: every number is checked.

#[test]
fn sizes_that_cannot_be_held_are_refused_with_their_place() {
    let env = TestEnv::new("");
    for (size, what) in [
        ("1e30", "3:21: 1e30: too large to hold"),
        (
            "18446744073709551616",
            "3:21: 18446744073709551616: too large to hold",
        ),
        ("-5", "3:21: -5: a negative number"),
        ("1.5", "3:21: 1.5: expected a whole number"),
    ] {
        let doc = export_of(&format!("{{\"name\":\"x\",\"dsize\":{size}}}"));
        let out = cdu_with_input(&["--import=-"], env.tempdir(), doc.as_bytes());
        refused(&out, &format!("-:{what}"));
        let out = cdu_with_input(&["--diff=-", "."], env.tempdir(), doc.as_bytes());
        refused(&out, &format!("-:{what}"));
    }
    // Sizes that each fit but add up past 2^64-1 in one directory.
    let half = 1u64 << 63;
    let doc = export_of(&format!(
        "[{{\"name\":\"d\"}},{{\"name\":\"x\",\"dsize\":{half}}},\n\
         {{\"name\":\"y\",\"dsize\":{half}}}]"
    ));
    let out = cdu_with_input(&["--import=-", "-B1"], env.tempdir(), doc.as_bytes());
    refused(
        &out,
        "-:4:41: the sizes up to here add up to more than 2^64-1 bytes",
    );
    assert_eq!(text(&out.stdout), "");
    // Numbers that are not read as sizes may be anything JSON allows.
    let doc = "[1,2,{\"timestamp\":-1.5e300},[{\"name\":\"r\",\"dsize\":1e3,\"x\":-2}]]";
    let out = cdu_with_input(&["--import=-", "-B1"], env.tempdir(), doc.as_bytes());
    assert_eq!(text(&out.stdout), "1000\tr\n", "{}", text(&out.stderr));
}

#[test]
fn a_listing_size_too_large_in_bytes_is_refused() {
    let env = TestEnv::new(TREE);
    fs::write(env.tempdir().join("old.txt"), "18014398509481985\troot\n").unwrap();
    let out = cdu(&["--diff=old.txt", "root"], env.tempdir());
    refused(
        &out,
        "old.txt:1: 18014398509481985 units of 1024 bytes is too large to hold",
    );
    fs::write(
        env.tempdir().join("old.txt"),
        "18446744073709551616\troot\n",
    )
    .unwrap();
    let out = cdu(&["-b", "--diff=old.txt", "root"], env.tempdir());
    refused(&out, "old.txt:1: the size is too large to hold");
}

// Item 9: what cannot be a baseline, and what cannot share stdout.

#[test]
fn an_empty_or_blank_baseline_is_refused() {
    let env = TestEnv::new(TREE);
    for content in ["", " \n\t\n"] {
        fs::write(env.tempdir().join("old.txt"), content).unwrap();
        let out = cdu(&["--diff=old.txt", "root"], env.tempdir());
        refused(&out, "old.txt: empty: no earlier scan to compare with");
        assert_eq!(text(&out.stdout), "");
    }
}

#[test]
fn two_readers_of_stdin_or_two_writers_of_stdout_are_refused() {
    let env = TestEnv::new(TREE);
    let out = cdu(&["--import=-", "--diff=-"], env.tempdir());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--import=- and --diff=- cannot both read standard input"));
    for (option, shown) in [
        ("--json", "--json"),
        ("--tree", "--tree"),
        ("--top=3", "--top"),
        ("--diff=old.txt", "--diff"),
    ] {
        let out = cdu(&["--export=-", option, "root"], env.tempdir());
        assert_eq!(out.status.code(), Some(1), "{option}");
        assert_eq!(text(&out.stdout), "", "{option}");
        assert!(
            text(&out.stderr).contains(&format!("--export=- and {shown} cannot be used together")),
            "{option}: {}",
            text(&out.stderr)
        );
    }
}

// Item 10: a du listing whose names hold newlines.

#[test]
fn a_listing_line_without_a_tab_goes_on_with_the_name_before() {
    let env = TestEnv::new("file d/new\\nline 100\nfile d/x 10\n");
    let du = std::env::var("CDU_REFERENCE_DU").unwrap_or_else(|_| CDU.to_string());
    let listing = Command::new(du)
        .args(["-ab", "root"])
        .current_dir(env.tempdir())
        .output()
        .unwrap();
    assert!(text(&listing.stdout).contains("\troot/d/new\nline\n"));
    fs::write(env.tempdir().join("old.txt"), &listing.stdout).unwrap();
    fs::write(env.path("d/new\nline"), [1; 150]).unwrap();
    let out = cdu(&["-ab", "--diff=old.txt", "root"], env.tempdir());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("+50\tchanged\troot/d/new\nline\n"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        !text(&out.stdout).contains("\tnew\t"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn an_ambiguous_listing_points_to_du_0() {
    let env = TestEnv::new(TREE);
    // A name that holds a newline and then a tab cannot be told apart
    // from a line of its own.
    fs::write(
        env.tempdir().join("old.txt"),
        "100\troot/odd\nname\twith tab\n4700\troot\n",
    )
    .unwrap();
    let out = cdu(&["-b", "--diff=old.txt", "root"], env.tempdir());
    refused(&out, "old.txt:2: ");
    assert!(text(&out.stderr).contains("du -0"), "{}", text(&out.stderr));
}

#[test]
fn a_listing_read_with_the_wrong_line_end_is_refused() {
    let env = TestEnv::new(TREE);
    fs::write(env.tempdir().join("nl.txt"), "1000\troot/a/f\n4700\troot\n").unwrap();
    fs::write(
        env.tempdir().join("nul.txt"),
        "1000\troot/a/f\x004700\troot\x00",
    )
    .unwrap();
    let out = cdu(&["-b", "-0", "--diff=nl.txt", "root"], env.tempdir());
    refused(&out, "nl.txt:1: no line ends with a NUL byte");
    let out = cdu(&["-b", "--diff=nul.txt", "root"], env.tempdir());
    refused(&out, "nul.txt:1: a path holding a NUL byte");
}
