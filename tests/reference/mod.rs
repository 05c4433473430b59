//! Differential testing against a reference GNU du: runs the same command
//! line through GNU du (`CDU_REFERENCE_DU`) and through cdu in every mode,
//! and compares stdout, stderr and the exit status.
//!
//! GNU du prints the entries of a directory in readdir order, cdu in byte
//! order of their names. Whether the two can differ is decided by looking at
//! the tree ([`readdir_sorted`]): if every directory lists its entries in
//! byte order, outputs are compared exactly; otherwise both sides are
//! compared after sorting their lines ([`Order::Sorted`]).
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The reference du, or `None` (and a loud note on stderr) if
/// `CDU_REFERENCE_DU` is not set: the test is then skipped.
pub fn reference_du() -> Option<PathBuf> {
    match std::env::var_os("CDU_REFERENCE_DU") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            eprintln!(
                "SKIPPED: CDU_REFERENCE_DU not set (set it to GNU du 9.7, \
                 e.g. ../shared/tools/gnu-du, to run the differential tests)"
            );
            None
        }
    }
}

/// How the lines of the two outputs are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Byte for byte.
    Exact,
    /// As multisets of lines (split on NUL with `-0`), because GNU's
    /// readdir order may differ from cdu's byte order.
    Sorted,
}

/// The ways cdu is run for every case: each mode, and the parallel ones at
/// 1, 2 and 8 threads. Verbose mode gets a 1 ms tick so that progress lines
/// are really printed (and filtered out of stderr before comparing).
pub const MODES: &[(&str, Option<&str>)] = &[
    ("sequential", None),
    ("verbose", None),
    ("parallel", Some("1")),
    ("parallel", Some("2")),
    ("parallel", Some("8")),
    ("cancellable", Some("1")),
    ("cancellable", Some("2")),
    ("cancellable", Some("8")),
];

/// One command line to compare.
#[derive(Clone, Debug)]
pub struct Case {
    pub args: Vec<OsString>,
    /// Extra environment (DU_BLOCK_SIZE, POSIXLY_CORRECT, ...).
    pub env: Vec<(OsString, OsString)>,
    pub cwd: PathBuf,
    pub stdin: Option<Vec<u8>>,
    /// Run both tools without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH, so
    /// that permission bits apply even to root.
    pub drop_caps: bool,
    pub order: Order,
    /// Lines of stdout naming these paths are left out on both sides (the
    /// entry GNU charges a hard link to depends on readdir order).
    pub ignore_paths: Vec<Vec<u8>>,
    /// Compare only the lines of the operands and the grand total.
    pub totals_only: bool,
}

impl Case {
    pub fn new<I, S>(cwd: &Path, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Case {
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            env: Vec::new(),
            cwd: cwd.to_owned(),
            stdin: None,
            drop_caps: false,
            order: Order::Exact,
            ignore_paths: Vec::new(),
            totals_only: false,
        }
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.into(), value.as_ref().to_owned()));
        self
    }

    pub fn stdin(mut self, data: &[u8]) -> Self {
        self.stdin = Some(data.to_vec());
        self
    }

    pub fn drop_caps(mut self) -> Self {
        self.drop_caps = true;
        self
    }

    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// Exact if every directory under `root` is listed by readdir in byte
    /// order of names (so GNU's order is cdu's), sorted otherwise.
    pub fn order_for_tree(self, root: &Path) -> Self {
        let order = if readdir_sorted(root) {
            Order::Exact
        } else {
            Order::Sorted
        };
        self.order(order)
    }

    fn null(&self) -> bool {
        split_args(&self.args).null
    }

    fn describe(&self) -> String {
        let mut s = String::new();
        for (k, v) in &self.env {
            s.push_str(&format!("{}={} ", k.to_string_lossy(), shell_quote(v)));
        }
        s.push_str("du");
        for a in &self.args {
            s.push(' ');
            s.push_str(&shell_quote(a));
        }
        if let Some(stdin) = &self.stdin {
            s.push_str(&format!(" < (stdin {:?})", String::from_utf8_lossy(stdin)));
        }
        format!("(cd {} && {s})", shell_quote(self.cwd.as_os_str()))
    }
}

fn shell_quote(s: &OsStr) -> String {
    let t = s.to_string_lossy();
    if !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=./,:+@%".contains(&b))
    {
        t.into_owned()
    } else {
        format!("'{}'", t.replace('\'', r"'\''"))
    }
}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: Option<i32>,
}

fn run(program: &Path, pre_args: &[OsString], case: &Case) -> Outcome {
    // cdu is found on PATH, so that its argv[0], the name its messages
    // start with, is `cdu`.
    let cdu_dir = program
        .parent()
        .filter(|_| program == Path::new(env!("CARGO_BIN_EXE_cdu")));
    let program = if cdu_dir.is_some() {
        Path::new("cdu")
    } else {
        program
    };
    let mut cmd = if case.drop_caps {
        let mut c = Command::new("setpriv");
        c.args([
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search",
            "--",
        ]);
        c.arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(pre_args).args(&case.args).current_dir(&case.cwd);
    for var in [
        "DU_BLOCK_SIZE",
        "BLOCK_SIZE",
        "BLOCKSIZE",
        "POSIXLY_CORRECT",
        "LANG",
        "LANGUAGE",
        "LC_CTYPE",
        "LC_MESSAGES",
        "LC_NUMERIC",
        "TZ",
        "QUOTING_STYLE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("LC_ALL", "C");
    if let Some(dir) = cdu_dir {
        let mut path = dir.as_os_str().to_os_string();
        if let Some(rest) = std::env::var_os("PATH") {
            path.push(":");
            path.push(rest);
        }
        cmd.env("PATH", path);
    }
    for (k, v) in &case.env {
        cmd.env(k, v);
    }
    cmd.stdin(if case.stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let writer = case.stdin.clone().map(|data| {
        let mut stdin = child.stdin.take().expect("piped stdin");
        std::thread::spawn(move || {
            let _ = stdin.write_all(&data);
        })
    });
    let out = child.wait_with_output().expect("wait for child");
    if let Some(w) = writer {
        let _ = w.join();
    }
    Outcome {
        stdout: out.stdout,
        stderr: out.stderr,
        status: out.status.code(),
    }
}

/// GNU's stderr in cdu's words: `du: ` at the start of a line becomes
/// `cdu: `, and `Try 'du --help'` becomes `Try 'cdu --help'`.
pub fn renamed_stderr(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stderr.len() + 16);
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        let line = if let Some(rest) = line.strip_prefix(b"du: ") {
            [b"cdu: ".as_slice(), rest].concat()
        } else {
            line.to_vec()
        };
        out.extend_from_slice(&replace(&line, b"Try 'du --help'", b"Try 'cdu --help'"));
    }
    out
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Whether a stderr line is a progress line of cdu's verbose mode:
/// `cdu: <seconds>s <n> entries ...`.
pub fn is_progress_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"cdu: ") else {
        return false;
    };
    let elapsed = rest.split(|&b| b == b' ').next().unwrap_or_default();
    let Some(number) = elapsed.strip_suffix(b"s") else {
        return false;
    };
    !number.is_empty()
        && number.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && number[0].is_ascii_digit()
        && line.windows(9).any(|w| w == b" entries ")
}

fn without_progress(stderr: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut dropped = 0;
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if is_progress_line(line) {
            dropped += 1;
        } else {
            out.extend_from_slice(line);
        }
    }
    (out, dropped)
}

fn split_records(data: &[u8], sep: u8) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = data.split_inclusive(|&b| b == sep).collect();
    // A last record without its separator stays distinguishable.
    v.retain(|r| !r.is_empty());
    v
}

/// The path of a `SIZE<TAB>PATH` record, without its separator.
fn record_path(record: &[u8], sep: u8) -> &[u8] {
    let r = record.strip_suffix(&[sep]).unwrap_or(record);
    match r.iter().position(|&b| b == b'\t') {
        Some(i) => &r[i + 1..],
        None => r,
    }
}

fn normalize_stdout(data: &[u8], case: &Case, operands: &[Vec<u8>]) -> Vec<u8> {
    let sep = if case.null() { 0 } else { b'\n' };
    if case.order == Order::Exact && case.ignore_paths.is_empty() && !case.totals_only {
        return data.to_vec();
    }
    let mut records: Vec<&[u8]> = split_records(data, sep)
        .into_iter()
        .filter(|r| {
            let p = record_path(r, sep);
            !case.ignore_paths.iter().any(|i| i == p)
                && (!case.totals_only || p == b"total" || operands.iter().any(|o| o == p))
        })
        .collect();
    if case.order == Order::Sorted {
        records.sort();
    }
    records.concat()
}

fn normalize_stderr(data: &[u8], case: &Case) -> Vec<u8> {
    if case.order == Order::Exact {
        return data.to_vec();
    }
    let mut lines = split_records(data, b'\n');
    lines.sort();
    lines.concat()
}

fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut s = String::new();
    for line in text.split_inclusive('\n') {
        s.push_str("    | ");
        s.push_str(&line.replace('\0', "\\0\n    | "));
    }
    if !data.ends_with(b"\n") && !data.is_empty() {
        s.push_str("⏎(no final newline)\n");
    }
    if data.is_empty() {
        s.push_str("    (empty)\n");
    }
    s
}

/// A line-by-line diff of two texts (longest common subsequence), enough to
/// find the differing lines in a small output.
fn diff(expected: &[u8], actual: &[u8], sep: u8) -> String {
    let a = split_records(expected, sep);
    let b = split_records(actual, sep);
    if a.len() * b.len() > 4_000_000 {
        return "    (too long to diff)\n".into();
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    let line = |r: &[u8]| {
        String::from_utf8_lossy(r)
            .trim_end_matches(['\n', '\0'])
            .replace('\n', "\\n")
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("    +cdu: {}\n", line(b[j])));
            j += 1;
        } else {
            out.push_str(&format!("    -gnu: {}\n", line(a[i])));
            i += 1;
        }
    }
    out
}

/// What a case's arguments ask for, read as getopt reads du's: whether
/// output lines end in NUL (`-0`, `--null`), and the operands.
struct SplitArgs<'a> {
    null: bool,
    operands: Vec<&'a [u8]>,
}

fn split_args(args: &[OsString]) -> SplitArgs<'_> {
    let mut split = SplitArgs {
        null: false,
        operands: Vec::new(),
    };
    let mut options_end = false;
    let mut skip_next = false;
    for a in args {
        let a = a.as_bytes();
        if skip_next {
            skip_next = false;
        } else if options_end || a.len() < 2 || a[0] != b'-' {
            split.operands.push(a);
        } else if a == b"--" {
            options_end = true;
        } else if a[1] == b'-' {
            if a == b"--null" || a == b"--nu" || a == b"--nul" {
                split.null = true;
            }
        } else {
            // A cluster of short options; one taking a value takes the
            // rest of the cluster, or the next argument.
            for (k, &c) in a[1..].iter().enumerate() {
                if b"BdtXj".contains(&c) {
                    skip_next = k + 2 == a.len();
                    break;
                }
                if c == b'0' {
                    split.null = true;
                }
            }
        }
    }
    split
}

/// The operands of a case as du prints them (for `totals_only`).
fn printed_operands(case: &Case) -> Vec<Vec<u8>> {
    let mut ops: Vec<Vec<u8>> = split_args(&case.args)
        .operands
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    if ops.is_empty() {
        ops.push(b".".to_vec());
    }
    ops
}

/// Runs `case` through GNU du and through cdu in every mode of [`MODES`];
/// returns a report of every difference, or the number of cdu runs that
/// matched.
pub fn compare(reference: &Path, case: &Case) -> Result<usize, String> {
    let gnu = run(reference, &[], case);
    let expected_stderr = renamed_stderr(&gnu.stderr);
    let cdu = Path::new(env!("CARGO_BIN_EXE_cdu"));
    let sep = if case.null() { 0 } else { b'\n' };
    let operands = printed_operands(case);
    let mut failures = String::new();
    let mut matched = 0;
    let mut first_stdout_mismatch = true;
    for (mode, threads) in MODES {
        let mut pre: Vec<OsString> = vec!["--mode".into(), (*mode).into()];
        if let Some(t) = threads {
            pre.push("-j".into());
            pre.push((*t).into());
        }
        if *mode == "verbose" {
            pre.push("--tick".into());
            pre.push("1ms".into());
        }
        let got = run(cdu, &pre, case);
        let (got_stderr, _progress) = if *mode == "verbose" {
            without_progress(&got.stderr)
        } else {
            (got.stderr.clone(), 0)
        };
        let e_out = normalize_stdout(&gnu.stdout, case, &operands);
        let g_out = normalize_stdout(&got.stdout, case, &operands);
        let e_err = normalize_stderr(&expected_stderr, case);
        let g_err = normalize_stderr(&got_stderr, case);
        let mut problems = Vec::new();
        if gnu.status != got.status {
            problems.push(format!(
                "  exit status: gnu {:?}, cdu {:?}\n",
                gnu.status, got.status
            ));
        }
        if e_out != g_out {
            let mut p = "  stdout differs".to_string();
            if case.order == Order::Sorted {
                p.push_str(" (lines compared sorted)");
            }
            p.push_str(":\n");
            p.push_str(&diff(&e_out, &g_out, sep));
            if first_stdout_mismatch {
                first_stdout_mismatch = false;
                p.push_str(&format!(
                    "  gnu stdout:\n{}  cdu stdout:\n{}",
                    show(&gnu.stdout),
                    show(&got.stdout)
                ));
            }
            problems.push(p);
        }
        if e_err != g_err {
            problems.push(format!(
                "  stderr differs:\n{}  gnu stderr (renamed):\n{}  cdu stderr:\n{}",
                diff(&e_err, &g_err, b'\n'),
                show(&expected_stderr),
                show(&got_stderr)
            ));
        }
        if problems.is_empty() {
            matched += 1;
        } else {
            failures.push_str(&format!(
                "--mode {mode}{}:\n{}",
                threads.map(|t| format!(" -j {t}")).unwrap_or_default(),
                problems.concat()
            ));
        }
    }
    if failures.is_empty() {
        Ok(matched)
    } else {
        Err(format!(
            "MISMATCH for {}\n  order: {:?}{}{}\n{failures}",
            case.describe(),
            case.order,
            if case.ignore_paths.is_empty() {
                String::new()
            } else {
                format!(
                    ", ignoring lines of {:?}",
                    case.ignore_paths
                        .iter()
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .collect::<Vec<_>>()
                )
            },
            if case.totals_only {
                ", operand and total lines only"
            } else {
                ""
            }
        ))
    }
}

/// Compares every case and panics with all differences if any.
pub fn check_all(cases: &[Case]) {
    let Some(reference) = reference_du() else {
        return;
    };
    let mut failures = Vec::new();
    let mut runs = 0;
    for case in cases {
        match compare(&reference, case) {
            Ok(n) => runs += n,
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} command lines differ from GNU du:\n\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
    println!(
        "{} command lines, {runs} cdu runs matched GNU du",
        cases.len()
    );
}

/// Whether readdir lists the entries of every directory under `root` (not
/// following symlinks) in byte order of their names, so that GNU du's
/// traversal order is cdu's.
pub fn readdir_sorted(root: &Path) -> bool {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names = Vec::new();
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            }
            names.push(e.file_name().into_vec());
        }
        if !names.is_sorted() {
            return false;
        }
    }
    true
}

/// The names in `dir` in readdir order.
pub fn readdir_names(dir: &Path) -> Vec<Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().into_vec())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether, among `names` (all in `dir`), the one readdir lists first is
/// the smallest in byte order: then GNU charges a hard link shared by them
/// to the same one as cdu.
pub fn first_is_smallest(dir: &Path, names: &[&str]) -> bool {
    let order = readdir_names(dir);
    let first = order
        .iter()
        .find(|n| names.iter().any(|m| m.as_bytes() == n.as_slice()));
    let smallest = names.iter().min().map(|s| s.as_bytes());
    first.map(|f| f.as_slice()) == smallest
}
