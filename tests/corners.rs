//! du's last corners and cdu's own surfaces (issue #21, items 19 to 25):
//! sizes past 2^64, `--time-style=+FORMAT`, quoting as the locale really
//! is, the order of fatal argument errors, options refused rather than
//! ignored, narrow trees, and cdu's own messages and completions.
//!
//! One named trial per case (libtest-mimic). A trial whose premise is
//! missing (the reference du, root for a tmpfs, a
//! time zone file, bash) is reported as ignored, never as passed.

#[allow(dead_code)]
#[path = "harness/premise.rs"]
mod premise;
mod testenv;

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libtest_mimic::{Arguments, Failed, Trial};
use testenv::TestEnv;
use testenv::mount::{Mounted, is_root};
use unicode_width::UnicodeWidthStr;

type Outcome = Result<(), Failed>;

fn main() {
    let args = Arguments::from_args();
    let reference = reference_du();
    let have = |premise: bool, trial: Trial| trial.with_ignored_flag(!premise);
    let r = reference.is_some();
    let root = is_root();
    let kolkata = Path::new("/usr/share/zoneinfo/Asia/Kolkata").exists();
    let bash = Command::new("bash").arg("-c").arg(":").output().is_ok();
    let trials = vec![
        // 19. Apparent sizes past 2^64.
        have(root, Trial::test("infinity_past_2_64", infinity_past_2_64)),
        have(
            root && r,
            Trial::test("infinity_matches_gnu", infinity_matches_gnu),
        ),
        // 20. --time-style.
        Trial::test("strftime_conversions", strftime_conversions),
        Trial::test("strftime_flags_on_bad_conversions", strftime_bad),
        have(
            kolkata,
            Trial::test(
                "offset_with_seconds_prints_hours_and_minutes",
                offset_seconds,
            ),
        ),
        Trial::test("posix_styles_refused_as_du_9_7", posix_styles_refused),
        Trial::test(
            "posix_prefix_still_stripped_from_time_style_variable",
            posix_env,
        ),
        have(
            r,
            Trial::test("time_styles_match_gnu", time_styles_match_gnu),
        ),
        // 21. Quoting.
        Trial::test("locale_not_installed_escapes_non_ascii", locale_missing),
        Trial::test("c_utf8_escapes_what_glibc_cannot_print", c_utf8_unprintable),
        have(r, Trial::test("quoting_matches_gnu", quoting_matches_gnu)),
        // 22. Argument errors.
        Trial::test("bad_time_word_stops_before_help", bad_time_then_help),
        Trial::test("bad_time_word_is_the_only_error", bad_time_then_block_size),
        have(
            r,
            Trial::test("argument_errors_match_gnu", argument_errors_match_gnu),
        ),
        // 23. What is not done is refused.
        Trial::test("bench_modes_unreadable_tree_fails", bench_modes_missing),
        Trial::test("bench_modes_refuses_other_options", bench_modes_refuses),
        Trial::test("sequential_mode_refuses_progress", sequential_verbose),
        Trial::test("import_refuses_walk_options", import_refuses_walk_options),
        // 24. Narrow trees.
        Trial::test("narrow_tree_rows_fit_and_keep_names", narrow_trees),
        // 25. cdu's own messages.
        Trial::test("mode_and_color_list_valid_words", mode_and_color_words),
        Trial::test("help_and_version_line_up", help_aligned),
        Trial::test("import_operand_line_is_prefixed", import_operand_prefixed),
        have(
            bash,
            Trial::test("bash_completes_time_words", bash_completion),
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// GNU du 9.7 as every differential suite finds it (`CDU_REFERENCE_DU`,
/// else `tools/reference-du` once fetched).
fn reference_du() -> Option<PathBuf> {
    premise::reference_du().ok()
}

/// A command in the C locale and UTC, without the variables that change
/// du's output, named `name` in its messages.
fn command(
    program: &Path,
    name: &str,
    cwd: &Path,
    args: &[&OsStr],
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(program);
    cmd.arg0(name).args(args).current_dir(cwd);
    for var in [
        "DU_BLOCK_SIZE",
        "BLOCK_SIZE",
        "BLOCKSIZE",
        "POSIXLY_CORRECT",
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "TIME_STYLE",
        "QUOTING_STYLE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TZ", "UTC").env("CDU_NO_HISTORY", "1");
    if !env
        .iter()
        .any(|(k, _)| k.starts_with("LC_") || *k == "LANG")
    {
        cmd.env("LC_ALL", "C");
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

fn cdu_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    command(Path::new(env!("CARGO_BIN_EXE_cdu")), "cdu", cwd, &args, env)
}

fn cdu(args: &[&str]) -> Output {
    cdu_in(Path::new("/"), args, &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Outcome {
    if ok { Ok(()) } else { Err(what().into()) }
}

fn expect_output(out: &Output, status: i32, stdout: &str, stderr: &str) -> Outcome {
    check(
        out.status.code() == Some(status)
            && out.stdout == stdout.as_bytes()
            && out.stderr == stderr.as_bytes(),
        || {
            format!(
                "expected status {status}, stdout {stdout:?}, stderr {stderr:?}\n\
                 got status {:?}, stdout {:?}, stderr {:?}",
                out.status.code(),
                text(&out.stdout),
                text(&out.stderr)
            )
        },
    )
}

/// Runs `args` (with `args_env`) through GNU du and cdu, both named `du`,
/// and compares stdout, stderr and the status byte for byte.
fn same_as_gnu(cwd: &Path, args: &[&OsStr], env: &[(&str, &str)]) -> Outcome {
    let reference = reference_du().expect("trial is ignored without a reference");
    let gnu = command(&reference, "du", cwd, args, env);
    let ours = command(Path::new(env!("CARGO_BIN_EXE_cdu")), "du", cwd, args, env);
    check(
        gnu.stdout == ours.stdout
            && gnu.stderr == ours.stderr
            && gnu.status.code() == ours.status.code(),
        || {
            format!(
                "du {args:?} {env:?}\nGNU: {:?} {:?} {:?}\ncdu: {:?} {:?} {:?}",
                gnu.status.code(),
                text(&gnu.stdout),
                text(&gnu.stderr),
                ours.status.code(),
                text(&ours.stdout),
                text(&ours.stderr)
            )
        },
    )
}

fn same_as_gnu_str(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    same_as_gnu(cwd, &args, env)
}

/// A directory holding files dated at known instants: `f` at
/// 2020-03-04 08:05:03.123456789 UTC, `h` at 18:05:03.5 that day, `old`
/// at the earliest second of 32-bit time (1901-12-13 20:45:52 UTC).
fn dated_files() -> TestEnv {
    let env = TestEnv::new("file f 1\nfile h 1\nfile old 1\n");
    let set = |name: &str, at: SystemTime| {
        let file = std::fs::File::options()
            .write(true)
            .open(env.path(name))
            .expect("open dated file");
        file.set_modified(at).expect("set the modification time");
    };
    set("f", UNIX_EPOCH + Duration::new(1_583_309_103, 123_456_789));
    set("h", UNIX_EPOCH + Duration::new(1_583_345_103, 500_000_000));
    set("old", UNIX_EPOCH - Duration::from_secs(1 << 31));
    env
}

/// The time column of `cdu --time --time-style=STYLE file`.
fn time_of(env: &TestEnv, style: &str, file: &str, tz: &str) -> Result<String, Failed> {
    let out = cdu_in(
        env.root(),
        &["--time", &format!("--time-style={style}"), file],
        &[("TZ", tz), ("LC_ALL", "C")],
    );
    let line = text(&out.stdout);
    let mut fields = line.trim_end_matches('\n').split('\t');
    match (out.status.code(), fields.next(), fields.next()) {
        (Some(0), Some(_), Some(time)) => Ok(time.to_string()),
        _ => Err(format!(
            "--time-style={style}: status {:?}, stdout {line:?}, stderr {:?}",
            out.status.code(),
            text(&out.stderr)
        )
        .into()),
    }
}

// ---------------------------------------------------------------------------
// 19. Infinity
// ---------------------------------------------------------------------------

/// Five sparse files of 2^63 - 1 bytes on a tmpfs: their apparent sizes
/// add up past 2^64.
fn huge_tree() -> Result<Mounted, Failed> {
    let mounted = Mounted::mount("tmpfs")?;
    let root = mounted.root();
    std::fs::create_dir(&root)?;
    for i in 1..=5 {
        let file = std::fs::File::create(root.join(format!("f{i}")))?;
        file.set_len(i64::MAX as u64)?;
    }
    Ok(mounted)
}

fn infinity_past_2_64() -> Outcome {
    let mounted = huge_tree()?;
    let cwd = mounted.root();
    for args in [
        &["-sb", "."][..],
        &["-s", "-h", "--apparent-size", "."],
        &["-s", "--si", "--apparent-size", "."],
        &["-s", "-BK", "--apparent-size", "."],
    ] {
        expect_output(&cdu_in(&cwd, args, &[]), 0, "Infinity\t.\n", "")?;
    }
    expect_output(
        &cdu_in(&cwd, &["-sbc", "."], &[]),
        0,
        "Infinity\t.\nInfinity\ttotal\n",
        "",
    )?;
    // One file alone is a number.
    expect_output(
        &cdu_in(&cwd, &["-b", "f1"], &[]),
        0,
        "9223372036854775807\tf1\n",
        "",
    )
}

fn infinity_matches_gnu() -> Outcome {
    let mounted = huge_tree()?;
    let cwd = mounted.root();
    for args in [
        &["-sb", "."][..],
        &["-ab", "."],
        &["-sh", "--apparent-size", "."],
        &["-s", "--si", "--apparent-size", "."],
        &["-s", "-BK", "--apparent-size", "."],
        &["-bc", "."],
        &["-b", "-d0", "-c", ".", "f1"],
    ] {
        same_as_gnu_str(&cwd, args, &[])?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 20. --time-style
// ---------------------------------------------------------------------------

fn expect_times(env: &TestEnv, file: &str, tz: &str, cases: &[(&str, &str)]) -> Outcome {
    let mut wrong = Vec::new();
    for (style, expected) in cases {
        let got = time_of(env, style, file, tz)?;
        if got != *expected {
            wrong.push(format!("{style}: expected {expected:?}, got {got:?}"));
        }
    }
    check(wrong.is_empty(), || wrong.join("\n"))
}

/// What GNU du 9.7 prints for each (checked against it when written).
fn strftime_conversions() -> Outcome {
    let env = dated_files();
    expect_times(
        &env,
        "f",
        "UTC",
        &[
            ("+%r", "08:05:03 AM"),
            ("+%#a|%#A|%#b|%^B", "WED|WEDNESDAY|MAR|MARCH"),
            ("+%10N|%3N|%-N|%N", "1234567890|123|123456789|123456789"),
            ("+%Ec", "Wed Mar  4 08:05:03 2020"),
            (
                "+%EY|%Ex|%EX|%Oy|%OH|%Ey|%EC",
                "2020|03/04/20|08:05:03|20|08|20|20",
            ),
            ("+%+|%v|%i|%J", "%+|%v|%i|%J"),
            ("+%q|%k|%l|%P|%#p|%#Z", "1| 8| 8|am|am|utc"),
            (
                "+%12F|%_12F|%+12F",
                "002020-03-04|  2020-03-04|+02020-03-04",
            ),
            (
                "+%:z|%::z|%:::z|%-z|%_z|%010z",
                "+00:00|+00:00:00|+00|+0|   +0|+000000000",
            ),
            (
                "+%s|%G|%V|%U|%W|%u|%w|%j",
                "1583309103|2020|10|09|09|3|3|064",
            ),
            ("+%+5Y|%_5Y|%+3Y|%3C", "+2020| 2020|2020|020"),
        ],
    )?;
    expect_times(
        &env,
        "h",
        "UTC",
        &[
            ("+%N|%-N|%_N|%-3N", "500000000|5|5        |5"),
            ("+%r", "06:05:03 PM"),
        ],
    )
}

/// A conversion strftime does not know is written as it stands, padded
/// to its width; a `%` after flags starts the next conversion.
fn strftime_bad() -> Outcome {
    let env = dated_files();
    expect_times(
        &env,
        "f",
        "UTC",
        &[
            ("+%5%Y", "   %52020"),
            ("+%5%", "   %5%"),
            ("+%10Ei", "     %10Ei"),
            ("+%^5i", " %^5I"),
            ("+%10", "       %10"),
            ("+%:5z|%::::z|%Oa|%EN", "%:5z|%::::z|%Oa|%EN"),
            ("+a%", "a%"),
        ],
    )
}

/// Kolkata's local mean time was 5:21:10 ahead of UTC: GNU's %z shows
/// hours and minutes only.
fn offset_seconds() -> Outcome {
    let env = dated_files();
    expect_times(
        &env,
        "old",
        "Asia/Kolkata",
        &[
            ("full-iso", "1901-12-14 02:07:02.000000000 +0521"),
            ("+%z|%:z|%::z|%:::z", "+0521|+05:21|+05:21:10|+05:21:10"),
        ],
    )
}

fn posix_styles_refused() -> Outcome {
    for style in ["posix-iso", "posix-full-iso", "posix-long-iso", "posix-+%Y"] {
        let out = cdu(&["--time", &format!("--time-style={style}"), "/"]);
        expect_output(
            &out,
            1,
            "",
            &format!(
                "cdu: invalid argument '{style}' for 'time style'\n\
                 Valid arguments are:\n  - 'full-iso'\n  - 'long-iso'\n  - 'iso'\n\
                 Try 'cdu --help' for more information.\n"
            ),
        )?;
    }
    Ok(())
}

fn posix_env() -> Outcome {
    let env = dated_files();
    let out = cdu_in(
        env.root(),
        &["--time", "f"],
        &[("TIME_STYLE", "posix-posix-iso"), ("LC_ALL", "C")],
    );
    expect_output(&out, 0, "4\t2020-03-04\tf\n", "")
}

fn time_styles_match_gnu() -> Outcome {
    let env = dated_files();
    let styles = [
        "+%r",
        "+%-N",
        "+%#a",
        "+%10N",
        "+%Ec",
        "+%EY",
        "+%+",
        "+%v",
        "+%5%",
        "+%5%Y",
        "+%_10z",
        "+%010Y|%+6Y|%_y",
        "+%3:::z",
        "+%#10c",
        "+%030c",
        "+%12r",
        "+%_N",
        "+%^Ec",
        "+%#Z|%^P",
        "+%Ol|%OS|%Oe|%Ek",
        "full-iso",
        "long-iso",
        "iso",
        "posix-iso",
        "posix-full-iso",
        "posix-",
        "locale",
        "bogus",
    ];
    for tz in ["UTC", "America/St_Johns", "Asia/Kolkata"] {
        for style in styles {
            let style_arg = format!("--time-style={style}");
            same_as_gnu_str(
                env.root(),
                &["--time", &style_arg, "f", "h", "old"],
                &[("TZ", tz), ("LC_ALL", "C")],
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 21. Quoting
// ---------------------------------------------------------------------------

fn missing(name: &[u8], env: &[(&str, &str)]) -> Output {
    use std::os::unix::ffi::OsStrExt;
    command(
        Path::new(env!("CARGO_BIN_EXE_cdu")),
        "cdu",
        Path::new("/"),
        &[OsStr::from_bytes(name)],
        env,
    )
}

fn cannot_access(quoted: &str) -> String {
    format!("cdu: cannot access {quoted}: No such file or directory\n")
}

fn locale_missing() -> Outcome {
    // A UTF-8 locale of a name no system has: setlocale fails, C it is.
    let env = [("LANG", "xx_YY.UTF-8")];
    let out = missing("/nonexistent/caf\u{e9}".as_bytes(), &env);
    expect_output(
        &out,
        1,
        "",
        &cannot_access("'/nonexistent/caf'$'\\303\\251'"),
    )
}

fn c_utf8_unprintable() -> Outcome {
    let env = [("LC_ALL", "C.UTF-8")];
    // Printable: shown as they are.
    expect_output(
        &missing("/nonexistent/caf\u{e9}".as_bytes(), &env),
        1,
        "",
        &cannot_access("'/nonexistent/caf\u{e9}'"),
    )?;
    for (name, expected) in [
        ("a\u{2028}b", "'/nonexistent/a'$'\\342\\200\\250''b'"),
        ("\u{378}x", "'/nonexistent/'$'\\315\\270''x'"),
        ("\u{fdd0}", "'/nonexistent/'$'\\357\\267\\220'"),
        ("\u{ffff}", "'/nonexistent/'$'\\357\\277\\277'"),
    ] {
        let out = missing(format!("/nonexistent/{name}").as_bytes(), &env);
        expect_output(&out, 1, "", &cannot_access(expected))?;
    }
    Ok(())
}

fn quoting_matches_gnu() -> Outcome {
    use std::os::unix::ffi::OsStrExt;
    let names: [&[u8]; 8] = [
        "caf\u{e9}".as_bytes(),
        "a\u{2028}b".as_bytes(),
        "\u{378}x".as_bytes(),
        "\u{fdd0}".as_bytes(),
        "\u{301}".as_bytes(),
        "\u{f0000}".as_bytes(),
        b"\xed\xa0\x80",
        "it's".as_bytes(),
    ];
    for env in [
        &[("LANG", "xx_YY.UTF-8")][..],
        &[("LC_ALL", "C.UTF-8")],
        &[("LC_CTYPE", "xx_YY.UTF-8")],
        &[("LANG", "xx"), ("LC_CTYPE", "C.UTF-8")],
        &[("LC_ALL", "C")],
    ] {
        for name in names {
            same_as_gnu(Path::new("/"), &[OsStr::from_bytes(name)], env)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 22. Argument errors
// ---------------------------------------------------------------------------

const TIME_BOGUS: &str = "cdu: invalid argument 'bogus' for '--time'\n\
                          Valid arguments are:\n  - 'atime', 'access', 'use'\n  - 'ctime', 'status'\n\
                          Try 'cdu --help' for more information.\n";

fn bad_time_then_help() -> Outcome {
    expect_output(&cdu(&["--time=bogus", "--help"]), 1, "", TIME_BOGUS)
}

fn bad_time_then_block_size() -> Outcome {
    expect_output(&cdu(&["--time=bogus", "-B0"]), 1, "", TIME_BOGUS)
}

fn argument_errors_match_gnu() -> Outcome {
    for args in [
        &["--time=bogus", "--help"][..],
        &["--time=bogus", "-B0"],
        &["--time=bogus", "-d", "x"],
        &["-d", "x", "--time=bogus"],
        &["-B0", "--time=bogus"],
        &["--time=bogus", "--version"],
        &["--time=a", "--time-style=bad", "."],
    ] {
        same_as_gnu_str(Path::new("/"), args, &[])?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 23. Refused rather than ignored
// ---------------------------------------------------------------------------

fn bench_modes_missing() -> Outcome {
    expect_output(
        &cdu(&["--bench-modes", "/nonexistent-cdu-dir"]),
        1,
        "",
        "cdu: cannot access '/nonexistent-cdu-dir': No such file or directory\n",
    )
}

fn refused(args: &[&str], message: &str) -> Outcome {
    let out = cdu(args);
    expect_output(
        &out,
        1,
        "",
        &format!("cdu: {message}\nTry 'cdu --help' for more information.\n"),
    )
}

fn bench_modes_refuses() -> Outcome {
    let env = TestEnv::new("file a 1\n");
    let dir = env.root().to_str().expect("UTF-8 temp path");
    for option in ["--json", "--tree", "--import=x.json", "-s", "--top=3"] {
        let name = option.split('=').next().unwrap_or(option);
        let name = if name == "-s" { "--summarize" } else { name };
        refused(
            &["--bench-modes", option, dir],
            &format!("--bench-modes and {name} cannot be used together"),
        )?;
    }
    let out = cdu(&["--bench-modes", dir, dir]);
    expect_output(
        &out,
        1,
        "",
        &format!(
            "cdu: extra operand '{dir}'\ncdu: --bench-modes times the modes on one FILE\n\
             Try 'cdu --help' for more information.\n"
        ),
    )
}

fn sequential_verbose() -> Outcome {
    refused(
        &["--mode=sequential", "-v", "/"],
        "--mode=sequential shows no progress: -v cannot be used with it",
    )
}

fn import_refuses_walk_options() -> Outcome {
    for (option, name) in [
        ("-x", "--one-file-system"),
        ("-L", "--dereference"),
        ("-H", "--dereference-args"),
        ("--exclude=a", "--exclude"),
        ("-j2", "--threads"),
    ] {
        refused(
            &["--import=/nonexistent.json", option],
            &format!(
                "--import reads a saved scan, which {name} cannot change: \
                 they cannot be used together"
            ),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 24. Narrow trees
// ---------------------------------------------------------------------------

fn narrow_trees() -> Outcome {
    let env = TestEnv::new(
        "file d/cafe\\xcc\\x81_directory_with_a_long_name/x 300K\n\
         file d/b/y 100K\n\
         file d/documents/z 50K\n\
         file d/s1 1\nfile d/s2 1\nfile d/s3 1\nfile d/s4 1\nfile d/s5 1\n",
    );
    for width in 1..=60usize {
        let w = width.to_string();
        let out = cdu_in(
            env.root(),
            &["--tree", "--width", &w, "--rows=6", "--color=never", "d"],
            &[("LC_ALL", "C.UTF-8")],
        );
        let page = text(&out.stdout);
        check(out.status.success() && page.lines().count() == 6, || {
            format!("width {width}: {:?}\n{page}", text(&out.stderr))
        })?;
        for line in page.lines() {
            check(line.width() <= width, || {
                format!("width {width}: a row of {} columns: {line:?}", line.width())
            })?;
            // Every accent stays after its letter.
            check(
                !line.contains('\u{301}') || line.contains("e\u{301}"),
                || format!("width {width}: an accent without its letter: {line:?}"),
            )?;
        }
        // The names survive as long as they fit beside the size, and the
        // bar goes before them.
        let rows: Vec<&str> = page.lines().collect();
        if width >= 16 {
            for (row, name) in rows.iter().zip(["d", "caf", "x", "b/", "y"]) {
                check(row.contains(name), || {
                    format!("width {width}: {name:?} lost from {row:?}\n{page}")
                })?;
            }
        }
        if width >= 3 {
            check(rows[2].ends_with('x'), || {
                format!("width {width}: the file's name is lost: {:?}", rows[2])
            })?;
        }
        // The rest row says how many, or nothing it cannot say whole.
        let rest = rows[5].rsplit('─').next().unwrap_or("").trim_start();
        let count = rest.trim_start_matches(['…', ' ']);
        let count = count.split(' ').next().unwrap_or("");
        let numeric = count.is_empty() || count.bytes().all(|b| b.is_ascii_digit());
        let words_ok = numeric
            && [
                format!("… {count} more entries"),
                format!("… {count} more"),
                format!("… {count}"),
                format!("…{count}"),
                "…".to_string(),
                String::new(),
            ]
            .contains(&rest.to_string());
        check(words_ok, || {
            format!("width {width}: rest row cut mid-word: {:?}", rows[5])
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 25. cdu's own messages and completions
// ---------------------------------------------------------------------------

fn mode_and_color_words() -> Outcome {
    expect_output(
        &cdu(&["--mode=bogus", "--help"]),
        1,
        "",
        "cdu: invalid argument 'bogus' for '--mode'\nValid arguments are:\n  - 'sequential'\n  \
         - 'verbose'\n  - 'parallel'\n  - 'cancellable'\nTry 'cdu --help' for more information.\n",
    )?;
    expect_output(
        &cdu(&["--color=x"]),
        1,
        "",
        "cdu: invalid argument 'x' for '--color'\nValid arguments are:\n  - 'auto'\n  \
         - 'always'\n  - 'never'\nTry 'cdu --help' for more information.\n",
    )?;
    // As argmatch allows, an abbreviation that names one word.
    let env = TestEnv::new("file a 1\n");
    let out = cdu_in(env.root(), &["--mode=seq", "--col=nev", "-s", "."], &[]);
    expect_output(&out, 0, "8\t.\n", "")
}

fn help_aligned() -> Outcome {
    let out = cdu(&["--help"]);
    let help = text(&out.stdout);
    let column = |line: &str| {
        let after_name = line
            .trim_start()
            .find(' ')
            .map(|i| i + line.len() - line.trim_start().len());
        after_name.and_then(|i| line[i..].find(|c| c != ' ').map(|j| i + j))
    };
    let find = |name: &str| {
        help.lines()
            .find(|l| l.trim_start().starts_with(name))
            .and_then(column)
    };
    let reference = find("--top=N");
    for name in ["--help", "--version", "--tree", "--width=N"] {
        let got = find(name);
        check(got.is_some() && got == reference, || {
            format!("{name} described at column {got:?}, --top at {reference:?}")
        })?;
    }
    Ok(())
}

fn import_operand_prefixed() -> Outcome {
    expect_output(
        &cdu(&["--import=/nonexistent.json", "a"]),
        1,
        "",
        "cdu: extra operand 'a'\ncdu: a scan read with --import takes no FILE operands\n\
         Try 'cdu --help' for more information.\n",
    )
}

fn bash_completion() -> Outcome {
    let script = cdu(&["--generate=complete-bash"]);
    check(script.status.success(), || text(&script.stderr))?;
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("completion.bash"), &script.stdout)?;
    // A file that a file-name completion would offer.
    std::fs::write(dir.path().join("atime-file"), b"")?;
    let driver = "source ./completion.bash\n\
                  COMP_LINE='cdu --time='; COMP_POINT=${#COMP_LINE}\n\
                  COMP_WORDS=(cdu --time = ''); COMP_CWORD=3\n\
                  _cdu cdu '' '='\n\
                  printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    let out = Command::new("bash")
        .arg("-c")
        .arg(driver)
        .current_dir(dir.path())
        .output()?;
    let words = text(&out.stdout);
    check(
        words.lines().collect::<Vec<_>>() == ["atime", "access", "use", "ctime", "status"],
        || format!("--time=<TAB> offers {words:?} {:?}", text(&out.stderr)),
    )
}
