//! Hostile trees (issue 5): depth beyond PATH_MAX under a small stack and
//! few descriptors, wide directories, trees changing under the scan, link
//! loops, mounts, permissions for real, odd files and names, output that
//! goes away, and malformed arguments. Where GNU du 9.7 defines the answer
//! (`CDU_REFERENCE_DU`), cdu's output, messages and status are compared
//! with it; without it the comparison is skipped loudly and only cdu's own
//! invariants are checked.
//!
//! cdu walks in GNU du's order (readdir's, with fts's inode sort of large
//! directories), so outputs are compared byte for byte, including which
//! hard link is charged.
//!
//! Every run goes through `timeout -s KILL`: a hang is a failure, not a
//! stuck suite.

mod testenv;

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use testenv::TestEnv;

const CDU: &str = env!("CARGO_BIN_EXE_cdu");

/// cdu as [`run`] finds it, on PATH: so its argv[0], the name its
/// messages start with, is `cdu`.
const CDU_ON_PATH: &str = "cdu";

/// PATH with the directory of the built cdu first.
fn path_with_cdu() -> OsString {
    let mut path = Path::new(CDU)
        .parent()
        .expect("cdu's directory")
        .as_os_str()
        .to_os_string();
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    path
}

/// The modes, as `--mode` spells them.
const MODES: [&str; 4] = ["sequential", "verbose", "parallel", "cancellable"];

// ---------------------------------------------------------------------------
// Running commands
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Out {
    /// Exit status; 128 + signal when killed (as a shell reports it).
    status: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
    elapsed: Duration,
}

/// How to run one command.
#[derive(Clone)]
struct Opts {
    cwd: PathBuf,
    /// Bytes for stdin; /dev/null when None.
    stdin: Option<Vec<u8>>,
    /// `ulimit -s` (KiB) and `ulimit -n`, applied by a shell just before
    /// exec, so the limits are those of the program's main thread.
    stack_kb: Option<u32>,
    nofile: Option<u32>,
    /// Run without the capabilities that let root ignore permissions.
    drop_caps: bool,
    env: Vec<(String, OsString)>,
    timeout: Duration,
}

impl Opts {
    fn in_dir(cwd: &Path) -> Self {
        Opts {
            cwd: cwd.to_path_buf(),
            stdin: None,
            stack_kb: None,
            nofile: None,
            drop_caps: false,
            env: Vec::new(),
            timeout: Duration::from_secs(60),
        }
    }
}

fn os(s: impl AsRef<OsStr>) -> OsString {
    s.as_ref().to_os_string()
}

fn args(list: &[&str]) -> Vec<OsString> {
    list.iter().map(os).collect()
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Runs `program args` as `opts` says.
fn run(program: &OsStr, argv: &[OsString], opts: &Opts) -> Out {
    let mut cmd = Command::new("timeout");
    cmd.arg("-s")
        .arg("KILL")
        .arg(format!("{}", opts.timeout.as_secs().max(1)));
    if opts.drop_caps && is_root() {
        cmd.args([
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
        ]);
    }
    if opts.stack_kb.is_some() || opts.nofile.is_some() {
        let mut script = String::new();
        if let Some(s) = opts.stack_kb {
            script.push_str(&format!("ulimit -s {s} || exit 99; "));
        }
        if let Some(n) = opts.nofile {
            script.push_str(&format!("ulimit -n {n} || exit 99; "));
        }
        script.push_str("exec \"$0\" \"$@\"");
        cmd.arg("sh").arg("-c").arg(script);
    }
    cmd.arg(program).args(argv);
    cmd.current_dir(&opts.cwd)
        .env("LC_ALL", "C")
        .env("PATH", path_with_cdu());
    for (k, v) in &opts.env {
        cmd.env(k, v);
    }
    match &opts.stdin {
        None => {
            cmd.stdin(Stdio::null());
        }
        Some(bytes) => {
            use std::io::{Seek, Write};
            let mut f = tempfile::tempfile().expect("stdin temp file");
            f.write_all(bytes).expect("write stdin");
            f.rewind().expect("rewind stdin");
            cmd.stdin(Stdio::from(f));
        }
    }
    let start = Instant::now();
    let out = cmd.output().expect("run timeout(1)");
    let elapsed = start.elapsed();
    use std::os::unix::process::ExitStatusExt;
    let status = out
        .status
        .code()
        .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Out {
        // timeout(1) says 137 when it had to kill with KILL.
        timed_out: status == 137 || status == 124,
        status,
        stdout: out.stdout,
        stderr: out.stderr,
        elapsed,
    }
}

fn cdu(argv: &[OsString], opts: &Opts) -> Out {
    run(OsStr::new(CDU_ON_PATH), argv, opts)
}

/// GNU du 9.7, if the environment names it.
fn reference() -> Option<PathBuf> {
    match std::env::var_os("CDU_REFERENCE_DU") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!(
                "*** CDU_REFERENCE_DU is not set: SKIPPING the comparison with GNU du; \
                 only cdu's own invariants are checked ***"
            );
            None
        }
    }
}

fn gnu(du: &Path, argv: &[OsString], opts: &Opts) -> Out {
    let mut out = run(du.as_os_str(), argv, opts);
    out.stderr = gnu_to_cdu(&out.stderr);
    out
}

/// GNU's diagnostics as cdu words them: `du:` becomes `cdu:`.
fn gnu_to_cdu(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"shell-init: ") {
            // The reference's bash wrapper, in a removed working directory.
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"du: ") {
            out.extend_from_slice(b"cdu: ");
            out.extend_from_slice(rest);
        } else if line == b"Try 'du --help' for more information.\n" {
            out.extend_from_slice(b"Try 'cdu --help' for more information.\n");
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn show_args(argv: &[OsString]) -> String {
    argv.iter()
        .map(|a| format!("{:?}", a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Records split on `sep`.
fn records(bytes: &[u8], sep: u8) -> Vec<Vec<u8>> {
    let mut r: Vec<Vec<u8>> = bytes.split(|&b| b == sep).map(<[u8]>::to_vec).collect();
    if r.last().is_some_and(|l| l.is_empty()) {
        r.pop();
    }
    r
}

/// How to compare two runs.
#[derive(Clone, Copy)]
struct Cmp {
    /// stdout records end with NUL (`-0`).
    null: bool,
}

const EXACT: Cmp = Cmp { null: false };

/// A description of where two runs differ, or None.
fn differences(what: &str, g: &Out, c: &Out, how: Cmp) -> Option<String> {
    let mut msg = String::new();
    if c.timed_out {
        msg.push_str(&format!(
            "  cdu timed out after {:?} (GNU took {:?})\n",
            c.elapsed, g.elapsed
        ));
    }
    if g.status != c.status {
        msg.push_str(&format!("  status: GNU {} cdu {}\n", g.status, c.status));
    }
    let sep = if how.null { 0 } else { b'\n' };
    let (go, co) = (records(&g.stdout, sep), records(&c.stdout, sep));
    if go != co {
        msg.push_str(&format!("  stdout differs:\n{}", line_diff(&go, &co)));
    }
    let (ge, ce) = (records(&g.stderr, b'\n'), records(&c.stderr, b'\n'));
    if ge != ce {
        msg.push_str(&format!("  stderr differs:\n{}", line_diff(&ge, &ce)));
    }
    (!msg.is_empty()).then(|| format!("{what}:\n{msg}"))
}

/// A line for a message: long paths (a chain of 30,000) are cut.
fn short(line: &[u8]) -> String {
    if line.len() <= 160 {
        return format!("{:?}", show(line));
    }
    format!(
        "{:?} ...[{} bytes]... {:?}",
        show(&line[..80]),
        line.len(),
        show(&line[line.len() - 60..])
    )
}

/// The first few lines only one side has.
fn line_diff(g: &[Vec<u8>], c: &[Vec<u8>]) -> String {
    let mut s = String::new();
    let only = |a: &[Vec<u8>], b: &[Vec<u8>]| -> Vec<String> {
        let mut b: Vec<&Vec<u8>> = b.iter().collect();
        let mut out = Vec::new();
        for line in a {
            if let Some(i) = b.iter().position(|l| *l == line) {
                b.remove(i);
            } else {
                out.push(short(line));
            }
        }
        out
    };
    let (gonly, conly) = (only(g, c), only(c, g));
    for l in gonly.iter().take(8) {
        s.push_str(&format!("    GNU only: {l}\n"));
    }
    if gonly.len() > 8 {
        s.push_str(&format!(
            "    ... {} more GNU-only lines\n",
            gonly.len() - 8
        ));
    }
    for l in conly.iter().take(8) {
        s.push_str(&format!("    cdu only: {l}\n"));
    }
    if conly.len() > 8 {
        s.push_str(&format!(
            "    ... {} more cdu-only lines\n",
            conly.len() - 8
        ));
    }
    if gonly.is_empty() && conly.is_empty() {
        s.push_str("    (same lines, different order)\n");
    }
    s
}

/// Runs `argv` with cdu in each of `modes` and with GNU du, and returns
/// the mismatches. Without a reference, compares the modes with each other.
fn compare(argv: &[OsString], opts: &Opts, how: Cmp, modes: &[&str]) -> Vec<String> {
    compare_with(argv, &[], opts, how, modes)
}

/// [`compare`], giving cdu `cdu_only` options (its own, which GNU lacks)
/// before `argv`.
fn compare_with(
    argv: &[OsString],
    cdu_only: &[&str],
    opts: &Opts,
    how: Cmp,
    modes: &[&str],
) -> Vec<String> {
    let du = reference();
    let g = du.as_deref().map(|du| gnu(du, argv, opts));
    let mut problems = Vec::new();
    let mut base: Option<Out> = None;
    for mode in modes {
        let mut a = vec![os(format!("--mode={mode}"))];
        a.extend(args(cdu_only));
        a.extend_from_slice(argv);
        let mut c = cdu(&a, opts);
        c.stderr = strip_progress(&c.stderr);
        let what = format!("cdu {} (cwd {})", show_args(&a), opts.cwd.display());
        problems.extend(invariants(&what, &c));
        match &g {
            Some(g) => problems.extend(differences(&what, g, &c, how)),
            None => match &base {
                Some(b) => {
                    problems.extend(differences(&format!("{what} vs {}", modes[0]), b, &c, how))
                }
                None => base = Some(c),
            },
        }
    }
    problems
}

/// What must hold of any cdu run: no panic, no hang, a du status.
fn invariants(what: &str, c: &Out) -> Vec<String> {
    let mut p = Vec::new();
    if c.timed_out {
        p.push(format!("{what}: timed out (killed after {:?})", c.elapsed));
    } else if ![0, 1].contains(&c.status) {
        p.push(format!(
            "{what}: exit status {} (stderr: {})",
            c.status,
            show(&c.stderr)
                .lines()
                .take(5)
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    if c.stderr.windows(8).any(|w| w == b"panicked") {
        p.push(format!("{what}: panicked: {}", show(&c.stderr)));
    }
    p
}

/// Progress lines of verbose mode are not part of du's output.
fn strip_progress(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        let is_progress = line.starts_with(b"cdu: ")
            && line
                .get(5..)
                .is_some_and(|r| r.first().is_some_and(u8::is_ascii_digit) && r.contains(&b's'))
            && line.windows(7).any(|w| w == b"entries");
        if !is_progress {
            out.extend_from_slice(line);
        }
    }
    out
}

fn assert_no_problems(problems: Vec<String>) {
    if !problems.is_empty() {
        panic!("{} problem(s):\n{}", problems.len(), problems.join("\n"));
    }
}

/// [`compare`] in every mode.
fn compare_all_modes(argv: &[OsString], opts: &Opts, how: Cmp) -> Vec<String> {
    compare(argv, opts, how, &MODES)
}

// ---------------------------------------------------------------------------
// Depth
// ---------------------------------------------------------------------------

/// 30,000 nested directories (a path of 60,000 bytes, far beyond PATH_MAX),
/// a file every 1,000 levels, walked with a 256 KiB main-thread stack and
/// 32 descriptors, in every mode. GNU du 9.7 does it in a few seconds.
#[test]
fn chain_of_30000_dirs_small_stack_few_fds_every_mode() {
    let env = TestEnv::new("chain deep depth=30000 fileevery=1000 filesize=5000");
    let mut opts = Opts::in_dir(env.tempdir());
    opts.stack_kb = Some(256);
    opts.nofile = Some(32);
    // GNU takes ~5 s; a cdu that needs 30 times as long is stuck.
    opts.timeout = Duration::from_secs(150);
    let mut problems = Vec::new();
    let du = reference();
    let g = du.as_deref().map(|du| gnu(du, &args(&["root"]), &opts));
    if let Some(g) = &g {
        assert_eq!(g.status, 0, "GNU du failed: {}", show(&g.stderr));
        eprintln!("GNU du: {:?}", g.elapsed);
    }
    // The four modes at once, so a stuck walk costs the timeout once.
    let handles: Vec<_> = MODES
        .iter()
        .map(|mode| {
            let opts = opts.clone();
            let mode = mode.to_string();
            std::thread::spawn(move || {
                let a = vec![os(format!("--mode={mode}")), os("root")];
                let mut c = cdu(&a, &opts);
                c.stderr = strip_progress(&c.stderr);
                (a, c)
            })
        })
        .collect();
    for h in handles {
        let (a, c) = h.join().expect("runner thread");
        eprintln!("cdu {}: {:?} status {}", show_args(&a), c.elapsed, c.status);
        let what = format!("ulimit -s 256 -n 32; cdu {}", show_args(&a));
        problems.extend(invariants(&what, &c));
        let lines = records(&c.stdout, b'\n');
        // A line for root, for the chain's prefix `deep`, and for each of
        // the 30,000 levels below it.
        if !c.timed_out && lines.len() != 30002 {
            problems.push(format!("{what}: {} lines, want 30002", lines.len()));
        }
        if let Some(g) = &g {
            problems.extend(differences(&what, g, &c, EXACT));
        }
    }
    assert_no_problems(problems);
}

/// A chain deeper than PATH_MAX but short enough to be quick: every mode
/// under `ulimit -s 256 -n 32`, with `-a`, `-S`, `-d` and `--inodes`.
#[test]
fn chain_beyond_path_max_every_mode_and_option() {
    let env =
        TestEnv::new("chain deep depth=2500 name=dd fileevery=100 filesize=3000\nfile deep/top 10");
    let mut opts = Opts::in_dir(env.tempdir());
    opts.stack_kb = Some(256);
    opts.nofile = Some(32);
    opts.timeout = Duration::from_secs(120);
    let mut problems = Vec::new();
    for (a, how) in [
        (&["root"][..], EXACT),
        (&["-a", "root"], EXACT),
        (&["-S", "-b", "root"], EXACT),
        (&["-d", "1200", "root"], EXACT),
        (&["--inodes", "-s", "root"], EXACT),
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, how));
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------

/// 40 subtrees, each a chain of 60 with files and a generated bushy tree
/// beside it, under `ulimit -n 32`, in parallel with 8 threads (and the
/// other modes), and at 64 threads with directories split into parts, and
/// under `ulimit -n 20` at 64 threads: no EMFILE, and GNU's numbers.
#[test]
fn wide_and_deep_tree_under_32_descriptors_parallel_j8() {
    let mut desc = String::new();
    for i in 0..40 {
        desc.push_str(&format!(
            "chain t{i:02} depth=60 name=c fileevery=7 filesize=1500\n"
        ));
        desc.push_str(&format!(
            "generate t{i:02}/bush files=120 dirs=40 seed={i} maxsize=6000 depth=3\n"
        ));
        desc.push_str(&format!("file t{i:02}/f 100\n"));
    }
    let env = TestEnv::new(&desc);
    let mut opts = Opts::in_dir(env.tempdir());
    opts.nofile = Some(32);
    opts.timeout = Duration::from_secs(120);
    let mut problems = Vec::new();
    for extra in [&[][..], &["-a"][..]] {
        let mut a = args(extra);
        a.push(os("root"));
        problems.extend(compare_with(&a, &["-j", "8"], &opts, EXACT, &MODES));
    }
    // And with many threads but the same 32 descriptors.
    problems.extend(compare_with(
        &args(&["root"]),
        &["-j", "64"],
        &opts,
        EXACT,
        &["parallel", "cancellable"],
    ));
    // And with every directory split into parts, which use their
    // directory's descriptor after its reader has done.
    let mut split = Opts::in_dir(env.tempdir());
    split.nofile = Some(32);
    split.timeout = Duration::from_secs(120);
    split.env.push(("CDU_SPLIT_PARTS".into(), os("3")));
    problems.extend(compare_with(
        &args(&["-a", "root"]),
        &["-j", "64"],
        &split,
        EXACT,
        &["parallel", "cancellable"],
    ));
    // And at 20 descriptors, which leave one reader and two kept for 64
    // threads: a descriptor closed only after its reader's place was let
    // go made 2 runs in 20 fail here with EMFILE.
    let mut tight = Opts::in_dir(env.tempdir());
    tight.nofile = Some(20);
    tight.timeout = Duration::from_secs(120);
    for _ in 0..3 {
        problems.extend(compare_with(
            &args(&["root"]),
            &["-j", "64"],
            &tight,
            EXACT,
            &["parallel"],
        ));
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Width
// ---------------------------------------------------------------------------

/// Maximum resident set size in KiB of `program argv`, by `/usr/bin/time -v`.
fn max_rss(program: &OsStr, argv: &[OsString], cwd: &Path) -> (u64, Duration, Vec<u8>) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(program)
        .args(argv)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("/usr/bin/time");
    let text = show(&out.stderr);
    let rss = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no max RSS in {text}"));
    (rss, start.elapsed(), out.stdout)
}

/// One directory of 1,000,000 entries: GNU's totals, and no more memory
/// than GNU du needs for the same command.
#[test]
#[ignore = "slow: builds a directory of a million entries (~1-2 min)"]
fn million_entries_in_one_directory() {
    let t = Instant::now();
    let env = TestEnv::new("wide w entries=1000000\nfile w/zz 5000");
    eprintln!("built in {:?}", t.elapsed());
    let opts = {
        let mut o = Opts::in_dir(env.tempdir());
        o.timeout = Duration::from_secs(300);
        o
    };
    let mut problems = Vec::new();
    for a in [
        &["-s", "root"][..],
        &["--inodes", "root"],
        &["-ab", "root"],
        &["-a", "-t", "1", "root"],
    ] {
        problems.extend(compare(
            &args(a),
            &opts,
            EXACT,
            &["sequential", "cancellable"],
        ));
    }
    if let Some(du) = reference() {
        for a in [&["-s", "root"][..], &["-a", "root"]] {
            let a = args(a);
            let (g, gt, gout) = max_rss(du.as_os_str(), &a, env.tempdir());
            let (c, ct, cout) = max_rss(OsStr::new(CDU), &a, env.tempdir());
            eprintln!(
                "max RSS for {}: GNU du {g} KiB ({gt:?}), cdu {c} KiB ({ct:?}); {} and {} output bytes",
                show_args(&a),
                gout.len(),
                cout.len()
            );
            if c > g {
                problems.push(format!(
                    "{}: cdu's max RSS {c} KiB is more than GNU du's {g} KiB",
                    show_args(&a)
                ));
            }
        }
    }
    // Still cancellable: SIGINT once progress shows the walk is under way.
    let mut child = Command::new(CDU)
        .args(["-a", "-v", "--tick=1ms", "root"])
        .current_dir(env.tempdir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cdu");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    err.read_line(&mut first).expect("read progress");
    let pid = rustix::process::Pid::from_child(&child);
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::INT);
    let mut rest = String::new();
    let _ = err.read_to_string(&mut rest);
    let status = child.wait().expect("wait cdu");
    eprintln!("after SIGINT: {status:?}, first progress line {first:?}");
    if status.code() != Some(130) && status.code() != Some(0) {
        problems.push(format!(
            "SIGINT during the million-entry walk: status {status:?}, stderr {rest}"
        ));
    }
    if status.code() == Some(0) {
        eprintln!("(the walk ended before SIGINT arrived: cancellability not shown)");
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Change during the scan
// ---------------------------------------------------------------------------

/// Stderr lines that GNU du can print for a tree changing under it:
/// `cannot access` (FTS_NS: the entry went away before its stat) and
/// `cannot read directory` (FTS_DNR: it went away, or became a file,
/// before its open). A directory removed while it is being read is not
/// an error to GNU du: glibc's readdir takes getdents' ENOENT for the end
/// of the directory, so fts never reports the bare `PATH: No such file or
/// directory` of FTS_ERR for it.
fn is_race_message(line: &[u8]) -> bool {
    let line = show(line);
    let allowed_reason =
        line.ends_with(": No such file or directory") || line.ends_with(": Not a directory");
    let form = line.starts_with("cdu: cannot access '")
        || line.starts_with("cdu: cannot read directory '");
    form && allowed_reason
}

/// The deterministic form of a directory removed while it is read: the
/// working directory, removed, then walked as `.`. The kernel's getdents
/// says ENOENT for a dead directory; glibc's readdir (and so GNU du) takes
/// that for the end of the directory: `4\t.` and status 0.
#[test]
fn removed_working_directory_reads_as_empty() {
    let env = TestEnv::new("dir gone\n");
    let mut problems = Vec::new();
    let du = reference();
    for a in [&["."][..], &["-a", "."], &["-s", "."]] {
        let script = "cd root/gone && rmdir ../gone && exec \"$0\" \"$@\"";
        for mode in MODES {
            let mut full = args(&["-c", script, CDU_ON_PATH]);
            full.push(os(format!("--mode={mode}")));
            full.extend(args(a));
            let _ = fs::create_dir(env.path("gone"));
            let mut c = run(OsStr::new("sh"), &full, &Opts::in_dir(env.tempdir()));
            c.stderr = strip_progress(&c.stderr);
            let what = format!("cd dir; rmdir ../dir; cdu {}", show_args(&full[3..]));
            problems.extend(invariants(&what, &c));
            if c.status != 0 || !c.stderr.is_empty() {
                problems.push(format!(
                    "{what}: status {} stderr {:?}, want 0 and nothing (as glibc's readdir)",
                    c.status,
                    show(&c.stderr)
                ));
            }
            if let Some(du) = &du {
                let mut gfull = args(&["-c", script]);
                gfull.push(du.as_os_str().to_os_string());
                gfull.extend(args(a));
                let _ = fs::create_dir(env.path("gone"));
                let mut g = run(OsStr::new("sh"), &gfull, &Opts::in_dir(env.tempdir()));
                g.stderr = gnu_to_cdu(&g.stderr);
                problems.extend(differences(&what, &g, &c, EXACT));
            }
        }
    }
    assert_no_problems(problems);
}

/// A thread creating, deleting and renaming files and directories below
/// `root/churn` while cdu runs again and again, in every mode.
#[test]
fn tree_changing_during_scan() {
    let env = TestEnv::new(
        "generate stable files=300 dirs=30 seed=5 depth=3\n\
         generate churn files=400 dirs=60 seed=6 depth=3\n\
         file lone 3000",
    );
    let root = env.root().to_path_buf();
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        let base = root.join("churn");
        std::thread::spawn(move || {
            let mut i: u64 = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let a = base.join(format!("x{}", i % 50));
                let b = base.join(format!("y{}", i % 50));
                let _ = fs::create_dir_all(a.join("sub/deeper"));
                let _ = fs::write(a.join("sub/f"), b"some data");
                let _ = fs::write(base.join(format!("file{}", i % 70)), vec![1u8; 5000]);
                let _ = fs::rename(&a, &b);
                let _ = fs::remove_file(base.join(format!("file{}", (i + 35) % 70)));
                if i.is_multiple_of(3) {
                    let _ = fs::remove_dir_all(&b);
                }
                // Generated directories move around too.
                let d = base.join(format!("d{}", i % 60));
                let e = base.join(format!("moved{}", i % 60));
                let _ = fs::rename(&d, &e);
                let _ = fs::rename(&e, &d);
                // A directory replaced by a file and back.
                let r = base.join("flip");
                if i.is_multiple_of(2) {
                    let _ = fs::remove_file(&r);
                    let _ = fs::create_dir_all(r.join("in"));
                } else {
                    let _ = fs::remove_dir_all(&r);
                    let _ = fs::write(&r, b"x");
                }
            }
            i
        })
    };
    let mut opts = Opts::in_dir(env.tempdir());
    opts.timeout = Duration::from_secs(60);
    let mut problems = Vec::new();
    let mut statuses = [0usize; 2];
    let mut messages = 0;
    for round in 0..10 {
        for mode in MODES {
            let extra: &[&str] = if round % 2 == 0 { &["-a"] } else { &["-c"] };
            let mut a = vec![os(format!("--mode={mode}"))];
            a.extend(args(extra));
            a.extend(args(&[
                "root/churn",
                "root/stable",
                "root/lone",
                "root/churn/d1",
            ]));
            let mut c = cdu(&a, &opts);
            c.stderr = strip_progress(&c.stderr);
            let what = format!("round {round}: cdu {}", show_args(&a));
            problems.extend(invariants(&what, &c));
            if let 0 | 1 = c.status {
                statuses[c.status as usize] += 1;
            }
            let lines = records(&c.stdout, b'\n');
            // root/churn/d1 may be met inside root/churn first (and then
            // is not printed again) or be renamed away at that moment.
            for op in ["root/churn", "root/stable", "root/lone"] {
                let want: Vec<u8> = format!("\t{op}").into_bytes();
                if !lines.iter().any(|l| l.ends_with(&want)) {
                    problems.push(format!("{what}: no line for operand {op}"));
                }
            }
            if extra == ["-c"] && !lines.last().is_some_and(|l| l.ends_with(b"\ttotal")) {
                problems.push(format!("{what}: no total line"));
            }
            for line in records(&c.stderr, b'\n') {
                messages += 1;
                if !is_race_message(&line) {
                    problems.push(format!("{what}: unexpected stderr line {:?}", show(&line)));
                }
            }
            if c.status == 1 && c.stderr.is_empty() {
                problems.push(format!("{what}: status 1 without a message"));
            }
            if c.status == 0 && !c.stderr.is_empty() {
                problems.push(format!("{what}: status 0 with messages"));
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let churned = churn.join().expect("churn thread");
    eprintln!(
        "40 runs: {} with status 0, {} with status 1, {messages} race messages, {churned} churn rounds",
        statuses[0], statuses[1]
    );
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

#[test]
fn dereference_all_over_symlink_loops() {
    let env = TestEnv::new(
        "symlink a b\n\
         symlink b a\n\
         symlink self self\n\
         file d/f 3000\n\
         symlink d/sub/up ..\n\
         symlink d/sub/top ../..\n\
         symlink d/sub/here .\n\
         file other/g 7000\n",
    );
    let opts = Opts::in_dir(env.tempdir());
    let mut problems = Vec::new();
    for a in [
        &["-L", "root"][..],
        &["-aL", "root"],
        &["-aL", "-l", "root"],
        &["-sL", "root"],
        &["-L", "root/a", "root/self", "root/d/sub/up"],
        &["-aH", "root/d/sub/up"],
        &["-aL", "root/d/sub/top"],
        &["-a", "root"],
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, EXACT));
    }
    assert_no_problems(problems);
}

/// Symlink chains of 40 (the kernel's limit) and 41..45: ELOOP.
#[test]
fn symlink_chain_longer_than_kernel_limit() {
    let mut desc = String::from("file x 5000\n");
    let mut prev = "x".to_string();
    for i in 1..=45 {
        desc.push_str(&format!("symlink s{i} {prev}\n"));
        prev = format!("s{i}");
    }
    desc.push_str("dir dirx\nfile dirx/in 2000\n");
    prev = "dirx".to_string();
    for i in 1..=42 {
        desc.push_str(&format!("symlink ds{i} {prev}\n"));
        prev = format!("ds{i}");
    }
    let env = TestEnv::new(&desc);
    let opts = Opts::in_dir(env.tempdir());
    let mut problems = Vec::new();
    for a in [
        &["-L", "root/s40"][..],
        &["-L", "root/s41"],
        &["-L", "root/s45"],
        &["-D", "root/s41"],
        &[
            "-L", "-c", "root/s39", "root/s40", "root/s41", "root/s45", "root/x",
        ],
        &["-L", "root/ds40", "root/ds41"],
        &["-aL", "-l", "root"],
        &["-sL", "root"],
        &["-a", "root"],
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, EXACT));
    }
    assert_no_problems(problems);
}

#[test]
fn dangling_symlinks_with_and_without_dereference() {
    let env = TestEnv::new(
        "symlink dang nowhere\n\
         symlink sub/dang2 ../missing/deeper\n\
         symlink abs /nonexistent/cdu-test\n\
         file sub/f 100\n",
    );
    let opts = Opts::in_dir(env.tempdir());
    let mut problems = Vec::new();
    for a in [
        &["-a", "root"][..],
        &["-aL", "root"],
        &["-aH", "root/dang"],
        &["-L", "root/dang"],
        &["root/dang", "root/abs"],
        &["-D", "root/abs", "root/sub"],
        &["-b", "-a", "root"],
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, EXACT));
    }
    assert_no_problems(problems);
}

#[test]
fn hard_links_across_operands() {
    let env = TestEnv::new(
        "file a/f 10K\n\
         hardlink b/h a/f\n\
         hardlink e/deep/h2 a/f\n\
         file b/own 3K\n\
         file c/single 4K\n\
         hardlink c2 c/single\n",
    );
    let opts = Opts::in_dir(env.tempdir());
    let mut problems = Vec::new();
    for a in [
        &["root/a", "root/b"][..],
        &["root/b", "root/a"],
        &["root/e", "root/b", "root/a"],
        &["-l", "root/a", "root/b", "root/e"],
        &["-c", "root/a", "root/b", "root/a"],
        &["-a", "root/b/h", "root/a"],
        &["-s", "root/c2", "root/c"],
        &["-s", "root/c", "root/c2"],
        &["-s", "root"],
        &["-sl", "root"],
        &["root/a", "root/a/f", "root/a/."],
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, EXACT));
    }
    let a = args(&["-a", "root/b", "root/e", "root/a"]);
    problems.extend(compare_all_modes(&a, &opts, EXACT));
    assert_no_problems(problems);
}

#[test]
fn hard_links_with_exclude() {
    let env = TestEnv::new(
        "file a/f 10K\n\
         hardlink a/h a/f\n\
         hardlink b/h a/f\n\
         file b/keep 2K\n",
    );
    let opts = Opts::in_dir(env.tempdir());
    let mut problems = Vec::new();
    for a in [
        // Which of a/h and b/h is charged follows readdir's order.
        &["-a", "root"][..],
        &["-a", "--exclude=f", "root"],
        &["--exclude=h", "-a", "root"],
        &["--exclude=h", "-a", "root/b", "root/a"],
        &["--exclude=f", "-a", "root/b", "root/a"],
        &["--exclude=f", "root/a", "root/b"],
        &["--exclude=a", "root"],
        &["--exclude=a", "-c", "root/a", "root/b"],
        &["--exclude=root/a/f", "-a", "root/a"],
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, EXACT));
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Mounts
// ---------------------------------------------------------------------------

/// Runs `program argv` in a private mount namespace where `root/tm` is a
/// tmpfs holding 100 KiB and `root` is bind-mounted on `root/sub/mnt`.
fn in_mount_namespace(program: &OsStr, argv: &[OsString], cwd: &Path) -> Out {
    let script = "set -e; \
        mount -t tmpfs cdu-test root/tm; \
        dd if=/dev/zero of=root/tm/big bs=1024 count=100 2>/dev/null; \
        mkdir root/tm/inner; \
        mount --bind root root/sub/mnt; \
        exec \"$0\" \"$@\"";
    let mut a = args(&["-m", "--propagation", "private", "sh", "-c", script]);
    a.push(program.to_os_string());
    a.extend_from_slice(argv);
    run(OsStr::new("unshare"), &a, &Opts::in_dir(cwd))
}

#[test]
fn one_file_system_and_bind_mount_cycle() {
    if !is_root() {
        eprintln!("*** not root: SKIPPING the mount test ***");
        return;
    }
    let env = TestEnv::new("dir tm\ndir sub/mnt\nfile a/f 3000\nfile big 20K\n");
    let mut problems = Vec::new();
    let du = reference();
    for a in [
        &["root"][..],
        &["-x", "root"],
        &["-ax", "root"],
        &["-a", "root"],
        &["-L", "root"],
        &["-xL", "root"],
        &["-s", "root/sub", "root"],
        &["-x", "root/sub/mnt"],
        &["-x", "root/tm", "root"],
        &["--inodes", "-x", "root"],
    ] {
        let a = args(a);
        let g = du.as_deref().map(|du| {
            let mut o = in_mount_namespace(du.as_os_str(), &a, env.tempdir());
            o.stderr = gnu_to_cdu(&o.stderr);
            o
        });
        for mode in MODES {
            let mut ca = vec![os(format!("--mode={mode}"))];
            ca.extend_from_slice(&a);
            let mut c = in_mount_namespace(OsStr::new(CDU_ON_PATH), &ca, env.tempdir());
            c.stderr = strip_progress(&c.stderr);
            let what = format!("in a mount namespace: cdu {}", show_args(&ca));
            problems.extend(invariants(&what, &c));
            if let Some(g) = &g {
                problems.extend(differences(&what, g, &c, EXACT));
            }
        }
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------

#[test]
fn unreadable_and_unsearchable_directories_without_privileges() {
    let env = TestEnv::new(
        "file t/noread/f 100\n\
         dir t/noread/in\n\
         file t/nosearch/f 200\n\
         dir t/nosearch/in\n\
         file t/ok/f 300\n\
         file t/unreadable_file 400\n\
         file t/wonly/f 100\n\
         file op/f 1\n\
         mode t/noread 000\n\
         mode t/nosearch 644\n\
         mode t/wonly 300\n\
         mode t/unreadable_file 000\n\
         mode op 000\n",
    );
    // The temp dir is private to its owner; as root without
    // CAP_DAC_OVERRIDE the owner's bits still let us in.
    let mut opts = Opts::in_dir(env.tempdir());
    opts.drop_caps = true;
    // Check that the privileges are really gone.
    let probe = run(OsStr::new("ls"), &args(&["root/t/noread"]), &opts);
    assert_ne!(
        probe.status, 0,
        "ls of a 000 directory succeeded: capabilities not dropped"
    );
    let mut problems = Vec::new();
    for a in [
        &["root"][..],
        &["-a", "root"],
        &["-aL", "root"],
        &["-s", "root/t"],
        &["root/op"],
        &["root/t/nosearch/f"],
        &["root/t/nosearch/in"],
        &["root/t/noread/f"],
        &["root/t/unreadable_file", "root/t/wonly"],
        &["--inodes", "-a", "root/t"],
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, EXACT));
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Odd files and names
// ---------------------------------------------------------------------------

#[test]
fn odd_files_and_names() {
    let env = TestEnv::new(
        "fifo special/fifo\n\
         socket special/sock\n\
         sparse sizes/sparse 10M\n\
         prealloc sizes/pre 1M\n\
         file sizes/data 12345\n\
         file names/nl\\nname 10\n\
         file names/tab\\tname 20\n\
         file names/-dash 30\n\
         file names/\\xff\\xfe 40\n\
         file names/\\s\\sspaces\\s 50\n\
         file names/back\\\\slash 60\n\
         dir names/dir\\nwith\\nnewlines\n\
         file names/dir\\nwith\\nnewlines/f 70\n\
         dir names/\\xffdir\n\
         file names/\\xffdir/\\x01ctl 80\n",
    );
    if is_root() {
        let special = env.path("special");
        for (name, kind, dev) in [("cdev", "c", ["1", "3"]), ("bdev", "b", ["7", "200"])] {
            let st = Command::new("mknod")
                .arg(special.join(name))
                .arg(kind)
                .args(dev)
                .status()
                .expect("mknod");
            assert!(st.success(), "mknod {name}");
        }
    } else {
        eprintln!("*** not root: no device nodes ***");
    }
    let mut opts = Opts::in_dir(env.tempdir());
    // A FIFO opened without a writer blocks for ever: keep it short.
    opts.timeout = Duration::from_secs(30);
    let mut problems = Vec::new();
    for (a, how) in [
        (&["-a", "root"][..], EXACT),
        (&["-a0", "root"], Cmp { null: true }),
        (&["-ab", "root"], EXACT),
        (&["-a", "--apparent-size", "-B1", "root"], EXACT),
        (&["-aL", "root"], EXACT),
        (&["--inodes", "-a", "root"], EXACT),
        (&["-L", "root/special/fifo", "root/special/sock"], EXACT),
        (&["-b", "root/sizes/sparse", "root/sizes/pre"], EXACT),
        (&["root/sizes/sparse", "root/sizes/pre"], EXACT),
        (&["--", "root/names/-dash"], EXACT),
        (
            &["-0", "root/names/nl\nname", "root/names/tab\tname"],
            Cmp { null: true },
        ),
        (&["root/names/nl\nname"], EXACT),
    ] {
        problems.extend(compare_all_modes(&args(a), &opts, how));
    }
    if is_root() {
        problems.extend(compare_all_modes(
            &args(&["-a", "-L", "root/special/cdev", "root/special/bdev"]),
            &opts,
            EXACT,
        ));
    }
    // Names that are not UTF-8, as operands.
    let mut a = vec![os("-a")];
    a.push(OsString::from_vec(b"root/names/\xff\xfe".to_vec()));
    a.push(OsString::from_vec(b"root/names/\xffdir".to_vec()));
    problems.extend(compare_all_modes(&a, &opts, EXACT));
    // A leading dash without `--` is an option to both.
    let mut cd = Opts::in_dir(&env.path("names"));
    cd.timeout = opts.timeout;
    problems.extend(compare_all_modes(&args(&["-dash"]), &cd, EXACT));
    problems.extend(compare_all_modes(
        &args(&["-a", "--", "-dash", "."]),
        &cd,
        EXACT,
    ));
    assert_no_problems(problems);
}

/// cdu never opens a FIFO: with no writer, an open() would block.
#[test]
fn fifo_is_never_opened() {
    let env = TestEnv::new("fifo p\nfifo d/q\nfile d/f 10\n");
    let mut opts = Opts::in_dir(env.tempdir());
    opts.timeout = Duration::from_secs(20);
    let mut problems = Vec::new();
    for mode in MODES {
        for a in [
            &["-a", "root"][..],
            &["-aL", "root"],
            &["-L", "root/p"],
            &["root/d/q"],
        ] {
            let mut full = vec![os(format!("--mode={mode}"))];
            full.extend(args(a));
            let c = cdu(&full, &opts);
            problems.extend(invariants(&format!("cdu {}", show_args(&full)), &c));
            if c.status != 0 {
                problems.push(format!("cdu {}: status {}", show_args(&full), c.status));
            }
        }
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Output going away
// ---------------------------------------------------------------------------

#[test]
fn closed_pipe_ends_quietly() {
    // A big tree that prints many lines: /usr, as in the issue.
    let script = format!("{{ \"{CDU}\" -a /usr 2>err; echo $? > status; }} | head -1 > first");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = Opts::in_dir(dir.path());
    opts.timeout = Duration::from_secs(120);
    let out = run(OsStr::new("sh"), &args(&["-c", &script]), &opts);
    assert!(!out.timed_out, "cdu -a /usr | head -1 hung");
    let err = fs::read(dir.path().join("err")).expect("err file");
    let status = fs::read_to_string(dir.path().join("status")).expect("status file");
    let first = fs::read(dir.path().join("first")).expect("first file");
    assert_eq!(records(&first, b'\n').len(), 1, "head printed {first:?}");
    // /usr may hold unreadable corners; those messages are du's too.
    let other: Vec<String> = records(&err, b'\n')
        .into_iter()
        .map(|l| show(&l))
        .filter(|l| !l.contains("Permission denied"))
        .collect();
    assert!(other.is_empty(), "stderr after the pipe closed: {other:?}");
    // As du ends: killed by SIGPIPE, 128 + 13 as the shell reports it.
    let status: i32 = status.trim().parse().expect("status");
    assert_eq!(status, 141, "status {status}, want death by SIGPIPE");
}

#[test]
fn full_device_is_a_write_error() {
    let env = TestEnv::new("generate g files=200 dirs=20 seed=1 depth=2");
    let mut problems = Vec::new();
    let du = reference();
    for a in [
        &["root"][..],
        &["-a", "root"],
        &["-s", "root"],
        &["--help"],
        &["--version"],
    ] {
        let script = "exec \"$0\" \"$@\" > /dev/full";
        for mode in MODES {
            let is_info = a[0].starts_with("--h") || a[0].starts_with("--v");
            let mut full = args(&["-c", script, CDU_ON_PATH]);
            if !is_info {
                full.push(os(format!("--mode={mode}")));
            }
            full.extend(args(a));
            let mut c = run(OsStr::new("sh"), &full, &Opts::in_dir(env.tempdir()));
            c.stderr = strip_progress(&c.stderr);
            let what = format!("cdu {} > /dev/full", show_args(&full[3..]));
            // du names the reason when the failure shows at exit, as it
            // does for the text of --help and --version.
            let want: &[u8] = if is_info {
                b"cdu: write error: No space left on device\n"
            } else {
                b"cdu: write error\n"
            };
            if c.status != 1 || c.stderr != want {
                problems.push(format!(
                    "{what}: status {} stderr {:?}, want 1 and {:?}",
                    c.status,
                    show(&c.stderr),
                    show(want)
                ));
            }
            if is_info {
                break;
            }
        }
        if let Some(du) = &du {
            if a[0] == "--version" {
                continue;
            }
            let mut full = args(&["-c", script]);
            full.push(du.as_os_str().to_os_string());
            full.extend(args(a));
            let g = run(OsStr::new("sh"), &full, &Opts::in_dir(env.tempdir()));
            let ge = gnu_to_cdu(&g.stderr);
            let want: &[u8] = if a[0] == "--help" {
                b"cdu: write error: No space left on device\n"
            } else {
                b"cdu: write error\n"
            };
            if g.status != 1 || ge != want {
                eprintln!(
                    "note: GNU du {a:?} > /dev/full: {} {:?}",
                    g.status,
                    show(&ge)
                );
            }
        }
    }
    assert_no_problems(problems);
}

// ---------------------------------------------------------------------------
// Bad arguments
// ---------------------------------------------------------------------------

/// Every malformed SIZE, depth, threshold, pattern file and files0 list:
/// GNU's words and status, exactly.
#[test]
fn bad_arguments_get_gnus_diagnosis() {
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

    let mut cases: Vec<Vec<&str>> = Vec::new();
    for b in [
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
    ] {
        cases.push(vec!["-B", b, "empty"]);
    }
    for t in [
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
    ] {
        cases.push(vec!["-t", t, "empty"]);
    }
    for d in [
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
    ] {
        cases.push(vec!["-d", d, "empty"]);
    }
    cases.extend(
        [
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
        .map(|c| c.to_vec()),
    );
    let mut problems = Vec::new();
    let mut opts = Opts::in_dir(dir);
    opts.timeout = Duration::from_secs(20);
    let du = reference();
    for case in &cases {
        let a = args(case);
        let c = cdu(&a, &opts);
        let what = format!("cdu {}", show_args(&a));
        problems.extend(invariants(&what, &c));
        if let Some(du) = &du {
            let g = gnu(du, &a, &opts);
            problems.extend(differences(&what, &g, &c, EXACT));
        }
    }
    // The environment's block sizes, malformed.
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
            let mut o = opts.clone();
            o.env.push((var.to_string(), os(v)));
            let a = args(&["empty"]);
            let c = cdu(&a, &o);
            let what = format!("{var}={v:?} cdu empty");
            problems.extend(invariants(&what, &c));
            if let Some(du) = &du {
                problems.extend(differences(&what, &gnu(du, &a, &o), &c, EXACT));
            }
        }
    }
    // Names and patterns from stdin.
    for (a, stdin) in [
        (&["--files0-from=-"][..], &b"empty\0-\0\0f"[..]),
        (&["--files0-from=-"], b""),
        (&["--files0-from=-"], b"\0"),
        (&["--files0-from", "-"], b"-"),
        (&["-X", "-", "-a", "."], b"f\nempty\n"),
        (&["-X-", "-a", "."], b"f\n"),
    ] {
        let mut o = opts.clone();
        o.stdin = Some(stdin.to_vec());
        let a = args(a);
        let c = cdu(&a, &o);
        let what = format!("cdu {} < {:?}", show_args(&a), show(stdin));
        problems.extend(invariants(&what, &c));
        if let Some(du) = &du {
            problems.extend(differences(&what, &gnu(du, &a, &o), &c, EXACT));
        }
    }
    // A directory on stdin.
    for a in [&["--files0-from=-"][..], &["-X", "-", "empty"]] {
        let a = args(a);
        let script = "exec \"$0\" \"$@\" < empty";
        let mut full = args(&["-c", script, CDU_ON_PATH]);
        full.extend_from_slice(&a);
        let c = run(OsStr::new("sh"), &full, &opts);
        let what = format!("cdu {} < directory", show_args(&a));
        problems.extend(invariants(&what, &c));
        if let Some(du) = &du {
            let mut gfull = args(&["-c", script]);
            gfull.push(du.as_os_str().to_os_string());
            gfull.extend_from_slice(&a);
            let mut g = run(OsStr::new("sh"), &gfull, &opts);
            g.stderr = gnu_to_cdu(&g.stderr);
            problems.extend(differences(&what, &g, &c, EXACT));
        }
    }
    assert_no_problems(problems);
}

/// cdu's own options (no GNU answer) never panic or hang, whatever value.
#[test]
fn own_options_never_panic_or_hang() {
    let env = TestEnv::new("chain c depth=50\nfile c/f 100\n");
    let mut opts = Opts::in_dir(env.tempdir());
    opts.timeout = Duration::from_secs(30);
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
        let a = args(a);
        let c = cdu(&a, &opts);
        let what = format!("cdu {}", show_args(&a));
        problems.extend(invariants(&what, &c));
    }
    assert_no_problems(problems);
}
