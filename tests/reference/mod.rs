//! Differential testing against a reference GNU du: runs the same command
//! line through GNU du (`CDU_REFERENCE_DU`) and through cdu in every mode,
//! and compares stdout, stderr and the exit status, byte for byte: cdu walks
//! in GNU du's order, so nothing is sorted or left out before comparing.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
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

/// The ways cdu is run for every case: each mode, the parallel ones at 1,
/// 2 and 8 threads, and twice with every directory split into parts of a
/// few names (`CDU_SPLIT_PARTS`), as a slow or wide one would be. Verbose
/// mode gets a 1 ms tick so that progress lines are really printed (and
/// filtered out of stderr before comparing).
pub const MODES: &[(&str, Option<&str>, Option<&str>)] = &[
    ("sequential", None, None),
    ("verbose", None, None),
    ("parallel", Some("1"), None),
    ("parallel", Some("2"), None),
    ("parallel", Some("8"), None),
    ("parallel", Some("3"), Some("2")),
    ("cancellable", Some("1"), None),
    ("cancellable", Some("2"), None),
    ("cancellable", Some("8"), None),
    ("cancellable", Some("8"), Some("5")),
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
        "CDU_SPLIT_PARTS",
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

fn split_records(data: &[u8], sep: u8) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = data.split_inclusive(|&b| b == sep).collect();
    // A last record without its separator stays distinguishable.
    v.retain(|r| !r.is_empty());
    v
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

/// Runs `case` through GNU du and through cdu in every mode of [`MODES`];
/// returns a report of every difference, or the number of cdu runs that
/// matched.
pub fn compare(reference: &Path, case: &Case) -> Result<usize, String> {
    let gnu = run(reference, &[], case);
    let expected_stderr = renamed_stderr(&gnu.stderr);
    let cdu = Path::new(env!("CARGO_BIN_EXE_cdu"));
    let sep = if case.null() { 0 } else { b'\n' };
    let mut failures = String::new();
    let mut matched = 0;
    let mut first_stdout_mismatch = true;
    for (mode, threads, split_parts) in MODES {
        let mut pre: Vec<OsString> = vec!["--mode".into(), (*mode).into()];
        if let Some(t) = threads {
            pre.push("-j".into());
            pre.push((*t).into());
        }
        if *mode == "verbose" {
            pre.push("--tick".into());
            pre.push("1ms".into());
        }
        let got = match split_parts {
            Some(parts) => run(cdu, &pre, &case.clone().env("CDU_SPLIT_PARTS", parts)),
            None => run(cdu, &pre, case),
        };
        let (got_stderr, _progress) = if *mode == "verbose" {
            without_progress(&got.stderr)
        } else {
            (got.stderr.clone(), 0)
        };
        let (e_out, g_out) = (&gnu.stdout, &got.stdout);
        let (e_err, g_err) = (&expected_stderr, &got_stderr);
        let mut problems = Vec::new();
        if gnu.status != got.status {
            problems.push(format!(
                "  exit status: gnu {:?}, cdu {:?}\n",
                gnu.status, got.status
            ));
        }
        if e_out != g_out {
            let mut p = "  stdout differs:\n".to_string();
            p.push_str(&diff(e_out, g_out, sep));
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
                diff(e_err, g_err, b'\n'),
                show(&expected_stderr),
                show(&got_stderr)
            ));
        }
        if problems.is_empty() {
            matched += 1;
        } else {
            failures.push_str(&format!(
                "--mode {mode}{}{}:\n{}",
                threads.map(|t| format!(" -j {t}")).unwrap_or_default(),
                split_parts
                    .map(|p| format!(" (CDU_SPLIT_PARTS={p})"))
                    .unwrap_or_default(),
                problems.concat()
            ));
        }
    }
    if failures.is_empty() {
        Ok(matched)
    } else {
        Err(format!("MISMATCH for {}\n{failures}", case.describe()))
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
