//! The comparison harness: runs one command line through GNU du 9.7 and
//! through cdu in several modes, and compares stdout, stderr (in cdu's
//! words) and the exit status byte for byte: cdu walks in GNU du's order,
//! so nothing is sorted or left out before comparing. Every data-driven
//! suite (tests/differential.rs, tests/order.rs, the hostile_* files, ...)
//! compares through here.
//!
//! Where GNU du comes from: [`crate::harness::premise::reference_du`].
#![allow(dead_code)]

pub mod report;
pub mod run;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

// Not every suite uses all of these.
#[allow(unused_imports)]
pub use crate::harness::premise::reference_du;
#[allow(unused_imports)]
pub use run::{CDU, Outcome, os};

/// One way to run cdu: its arguments before the case's, and whether every
/// directory is split into parts of a few names (`CDU_SPLIT_PARTS`), as a
/// slow or wide one would be.
#[derive(Clone, Debug)]
pub struct Mode {
    pub args: Vec<String>,
    pub split_parts: Option<String>,
}

impl Mode {
    /// `--mode NAME`.
    pub fn new(name: &str) -> Self {
        Mode {
            args: vec!["--mode".into(), name.into()],
            split_parts: None,
        }
    }

    /// With `-j N`.
    pub fn threads(mut self, n: &str) -> Self {
        self.args.extend(["-j".into(), n.into()]);
        self
    }

    /// With every directory split into parts of `n` names.
    pub fn split(mut self, n: &str) -> Self {
        self.split_parts = Some(n.into());
        self
    }

    /// With `arg` added to cdu's own arguments.
    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.into());
        self
    }

    fn is_verbose(&self) -> bool {
        self.args.iter().any(|a| a == "verbose")
    }

    fn describe(&self) -> String {
        let mut s = self.args.join(" ");
        if let Some(p) = &self.split_parts {
            s.push_str(&format!(" (CDU_SPLIT_PARTS={p})"));
        }
        s
    }
}

/// The ways cdu is run for a differential case: each mode, the parallel
/// ones at 1, 2 and 8 threads, and twice with directories split into
/// parts. Verbose mode gets a 1 ms tick so that progress lines are really
/// printed (and set aside before comparing).
pub fn modes() -> Vec<Mode> {
    vec![
        Mode::new("sequential"),
        Mode::new("verbose").arg("--tick").arg("1ms"),
        Mode::new("parallel").threads("1"),
        Mode::new("parallel").threads("2"),
        Mode::new("parallel").threads("8"),
        Mode::new("parallel").threads("3").split("2"),
        Mode::new("cancellable").threads("1"),
        Mode::new("cancellable").threads("2"),
        Mode::new("cancellable").threads("8"),
        Mode::new("cancellable").threads("8").split("5"),
    ]
}

/// The four modes, each as it runs by default.
pub fn each_mode() -> Vec<Mode> {
    ["sequential", "verbose", "parallel", "cancellable"]
        .into_iter()
        .map(Mode::new)
        .collect()
}

/// One command line to compare.
#[derive(Clone, Debug)]
pub struct Case {
    pub args: Vec<OsString>,
    /// Extra environment (DU_BLOCK_SIZE, POSIXLY_CORRECT, ...).
    pub env: Vec<(OsString, OsString)>,
    pub cwd: PathBuf,
    /// Bytes for stdin; /dev/null when None.
    pub stdin: Option<Vec<u8>>,
    /// Run both tools without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH, so
    /// that permission bits apply even to root.
    pub drop_caps: bool,
    /// `ulimit -s` (KiB) and `ulimit -n` for the program's main thread.
    pub stack_kb: Option<u32>,
    pub nofile: Option<u32>,
    /// A command the program is run through, which ends by running
    /// `"$0" "$@"`: `sh -c 'exec "$0" "$@" > /dev/full'`, `unshare ...`.
    pub wrapper: Vec<OsString>,
    /// A run taking longer is killed and fails.
    pub timeout: Duration,
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
            stack_kb: None,
            nofile: None,
            wrapper: Vec::new(),
            timeout: Duration::from_secs(60),
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

    pub fn limits(mut self, stack_kb: Option<u32>, nofile: Option<u32>) -> Self {
        self.stack_kb = stack_kb;
        self.nofile = nofile;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs the program through `sh -c SCRIPT`, where the script ends by
    /// running `"$0" "$@"`.
    pub fn shell(self, script: &str) -> Self {
        self.wrapped(&["sh", "-c", script])
    }

    /// Runs the program through `command`, which ends by running
    /// `"$0" "$@"`.
    pub fn wrapped(mut self, command: &[&str]) -> Self {
        self.wrapper = command.iter().map(OsString::from).collect();
        self
    }

    fn null(&self) -> bool {
        split_args(&self.args).null
    }

    /// The case as a shell line a person can paste.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if let Some(n) = self.stack_kb {
            s.push_str(&format!("ulimit -s {n}; "));
        }
        if let Some(n) = self.nofile {
            s.push_str(&format!("ulimit -n {n}; "));
        }
        for (k, v) in &self.env {
            s.push_str(&format!("{}={} ", k.to_string_lossy(), shell_quote(v)));
        }
        for w in &self.wrapper {
            s.push_str(&shell_quote(w));
            s.push(' ');
        }
        s.push_str("du");
        for a in &self.args {
            s.push(' ');
            s.push_str(&shell_quote(a));
        }
        if let Some(stdin) = &self.stdin {
            s.push_str(&format!(" < (stdin {:?})", String::from_utf8_lossy(stdin)));
        }
        if self.drop_caps {
            s.push_str(" (without CAP_DAC_*)");
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

/// Runs cdu in `mode` on `case`, its progress lines set aside.
pub fn run_cdu(case: &Case, mode: &Mode) -> Outcome {
    let pre: Vec<OsString> = mode.args.iter().map(OsString::from).collect();
    let mut got = match &mode.split_parts {
        Some(parts) => run::cdu(&pre, &case.clone().env("CDU_SPLIT_PARTS", parts)),
        None => run::cdu(&pre, case),
    };
    if mode.is_verbose() {
        got.stderr = report::without_progress(&got.stderr);
    }
    got
}

/// Runs GNU du on `case`, its messages in cdu's words.
pub fn run_gnu(reference: &Path, case: &Case) -> Outcome {
    run::gnu(reference, case)
}

/// Where cdu's run `got` differs from GNU's `gnu`, if it does.
pub fn differences(case: &Case, gnu: &Outcome, got: &Outcome, show_stdout: bool) -> Option<String> {
    let sep = if case.null() { 0 } else { b'\n' };
    let mut problems = String::new();
    if got.timed_out {
        problems.push_str(&format!(
            "  cdu timed out after {:?} (GNU took {:?})\n",
            got.elapsed, gnu.elapsed
        ));
    }
    if gnu.status != got.status {
        problems.push_str(&format!(
            "  exit status: gnu {}, cdu {}\n",
            gnu.status, got.status
        ));
    }
    if gnu.stdout != got.stdout {
        problems.push_str("  stdout differs:\n");
        problems.push_str(&report::diff(&gnu.stdout, &got.stdout, sep));
        if show_stdout {
            problems.push_str(&format!(
                "  gnu stdout:\n{}  cdu stdout:\n{}",
                report::show(&gnu.stdout),
                report::show(&got.stdout)
            ));
        }
    }
    if gnu.stderr != got.stderr {
        problems.push_str(&format!(
            "  stderr differs:\n{}  gnu stderr (renamed):\n{}  cdu stderr:\n{}",
            report::diff(&gnu.stderr, &got.stderr, b'\n'),
            report::show(&gnu.stderr),
            report::show(&got.stderr)
        ));
    }
    (!problems.is_empty()).then_some(problems)
}

/// Runs `case` through GNU du and through cdu in each of `modes`; returns
/// a report of every difference, or the number of cdu runs that matched.
pub fn compare_in(reference: &Path, case: &Case, modes: &[Mode]) -> Result<usize, String> {
    let gnu = run_gnu(reference, case);
    let mut failures = String::new();
    let mut matched = 0;
    let mut first_stdout_mismatch = true;
    for mode in modes {
        let got = run_cdu(case, mode);
        match differences(case, &gnu, &got, first_stdout_mismatch) {
            None => matched += 1,
            Some(problems) => {
                if gnu.stdout != got.stdout {
                    first_stdout_mismatch = false;
                }
                failures.push_str(&format!("{}:\n{problems}", mode.describe()));
            }
        }
    }
    if failures.is_empty() {
        Ok(matched)
    } else {
        Err(format!("MISMATCH for {}\n{failures}", case.describe()))
    }
}

/// [`compare_in`] with every way of [`modes`].
pub fn compare(reference: &Path, case: &Case) -> Result<usize, String> {
    compare_in(reference, case, &modes())
}

/// Compares every case in every way of [`modes`]; panics with all
/// differences if any.
pub fn check_all(cases: &[Case]) {
    check_all_in(cases, &modes());
}

/// Compares every case in each of `modes`; panics with all differences if
/// any. The reference is a premise of the caller's trial: without one
/// (a trial run with `--ignored`) this panics saying so.
pub fn check_all_in(cases: &[Case], modes: &[Mode]) {
    let reference = reference_du().unwrap_or_else(|why| panic!("{why}"));
    let mut failures = Vec::new();
    let mut runs = 0;
    for case in cases {
        match compare_in(&reference, case, modes) {
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

/// What must hold of any cdu run, with or without a reference: no hang,
/// no panic, a du status (0 or 1).
pub fn invariants(what: &str, c: &Outcome) -> Vec<String> {
    let mut p = Vec::new();
    if c.timed_out {
        p.push(format!("{what}: timed out (killed after {:?})", c.elapsed));
    } else if ![0, 1].contains(&c.status) {
        p.push(format!(
            "{what}: exit status {} (stderr: {})",
            c.status,
            String::from_utf8_lossy(&c.stderr)
                .lines()
                .take(5)
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    if c.stderr.windows(8).any(|w| w == b"panicked") {
        p.push(format!(
            "{what}: panicked: {}",
            String::from_utf8_lossy(&c.stderr)
        ));
    }
    p
}

/// Panics with every problem, if there are any.
pub fn assert_no_problems(problems: Vec<String>) {
    if !problems.is_empty() {
        panic!("{} problem(s):\n{}", problems.len(), problems.join("\n"));
    }
}

/// A case for each argument list, all run in `cwd`.
pub fn cases_in(cwd: &Path, lists: &[&[&str]]) -> Vec<Case> {
    lists.iter().map(|args| Case::new(cwd, *args)).collect()
}
