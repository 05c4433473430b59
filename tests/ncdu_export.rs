//! `--export`: ncdu's JSON format, checked with the real readers. ncdu
//! 1.18 imports the file and exports it again without a terminal; since it
//! exits 0 even when it could not parse the file, its stderr must be
//! empty, and what it writes back must hold the same entries, sizes and
//! flags as cdu's file. gdu prints the total it read.

mod harness;
mod scans;
mod testenv;

use std::ffi::OsStr;
use std::path::Path;

use scans::{CDU, cdu, run_in, text};
use testenv::TestEnv;

/// jq's flat view of an export: one sorted line per entry, its path from
/// the root and its fields (keys sorted), absent sizes as 0. ncdu 1.18
/// reads `otherfs` but writes `othfs`; both read as the same here.
const FLAT: &str = r#"def flat(p): if type == "array"
  then (.[0] as $d | (p + "/" + $d.name) as $q
        | ($d | .path = $q | del(.name)), (.[1:][] | flat($q)))
  else (.path = p + "/" + .name | del(.name)) end;
.[3] | flat("") | .asize //= 0 | .dsize //= 0
  | if .excluded == "othfs" then .excluded = "otherfs" else . end"#;

fn flat(export: &[u8], cwd: &Path) -> Vec<String> {
    let out = run_in("jq", &[OsStr::new("-cS"), OsStr::new(FLAT)], cwd, export);
    assert!(
        out.status.success(),
        "jq refused the export ({}):\n{}",
        text(&out.stderr),
        text(export)
    );
    let mut lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// ncdu's re-export of `file`, which must parse without a word.
fn ncdu_again(file: &Path, cwd: &Path) -> Vec<u8> {
    let args = ["-0", "-f", file.to_str().unwrap(), "-o", "-"].map(OsStr::new);
    let out = run_in("ncdu", &args, cwd, b"");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "ncdu could not read {}: {}",
        file.display(),
        text(&out.stderr)
    );
    out.stdout
}

/// gdu's total of `file`, in bytes of disk usage.
fn gdu_total(file: &Path, cwd: &Path) -> u64 {
    let args = ["-n", "-s", "--no-prefix", "-f", file.to_str().unwrap()].map(OsStr::new);
    let out = run_in("gdu", &args, cwd, b"");
    assert!(out.status.success(), "gdu: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    stdout
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("gdu printed {stdout:?}"))
}

fn first_number(out: &[u8]) -> u64 {
    text(out)
        .split('\t')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("a size")
}

/// Checks `export` (written for `root` in `cwd`) with ncdu and gdu, both
/// premises of the trials that call this: ncdu reads every entry back as
/// written, gdu totals what du totals.
fn check_with_readers(export: &[u8], du_total: u64, cwd: &Path) -> Vec<String> {
    let file = cwd.join("scan.json");
    std::fs::write(&file, export).expect("write the export");
    let ours = flat(export, cwd);
    let theirs = flat(&ncdu_again(&file, cwd), cwd);
    assert_eq!(theirs, ours, "ncdu read something else than cdu wrote");
    assert_eq!(gdu_total(&file, cwd), du_total, "gdu's total");
    ours
}

fn entry<'a>(flat: &'a [String], path: &str) -> &'a str {
    let key = format!("\"path\":{}", serde_like_string(path));
    flat.iter()
        .find(|l| l.contains(&key))
        .unwrap_or_else(|| panic!("no entry {path} in {flat:#?}"))
}

/// `path` as jq's tojson writes an ASCII string.
fn serde_like_string(path: &str) -> String {
    format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""))
}

fn links_odd_names_and_special_files_read_back_in_ncdu_and_gdu() {
    let env = TestEnv::new(
        "file a/f 10K\nhardlink a/g a/f\nhardlink b/h a/f\nsymlink a/s f\nfifo a/p\n\
         sparse a/hole 1M\nfile bad\\xff\\xfe/x 3000\nfile new\\nline 100\n\
         file q\"uote\\\\b 200\nfile ctl\\x01\\x7f 300\nfile skip.o 5000\ndir empty\n",
    );
    let cwd = env.tempdir();
    let out = cdu(&["--export=-", "--exclude=*.o", "root"], cwd);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let total = first_number(&cdu(&["-s", "-B1", "--exclude=*.o", "root"], cwd).stdout);
    let flat = check_with_readers(&out.stdout, total, cwd);
    // The root names its device; the first name of the linked file is
    // marked, and no other name of it is written.
    assert!(entry(&flat, "/root").contains("\"dev\":"));
    let linked: Vec<&String> = flat.iter().filter(|l| l.contains("hlnkc")).collect();
    assert_eq!(linked.len(), 1, "{flat:#?}");
    assert!(linked[0].contains("\"nlink\":3") && linked[0].contains("\"ino\":"));
    for special in ["/root/a/s", "/root/a/p"] {
        assert!(entry(&flat, special).contains("\"notreg\":true"));
    }
    assert!(!entry(&flat, "/root/a/hole").contains("notreg"));
    assert!(entry(&flat, "/root/skip.o").contains("\"excluded\":\"pattern\""));
    // Names are the raw bytes, escaped only where JSON must.
    assert!(
        out.stdout
            .windows(b"\"bad\xff\xfe\"".len())
            .any(|w| w == b"\"bad\xff\xfe\"")
    );
    assert!(text(&out.stdout).contains(r#""new\nline""#));
    assert!(text(&out.stdout).contains(r#""q\"uote\\b""#));
    assert!(text(&out.stdout).contains(r#""ctl\u0001\u007f""#));
    // False flags are left out.
    assert!(!text(&out.stdout).contains("false"));
}

fn du_lines_still_go_to_stdout_beside_an_export_file() {
    let env = TestEnv::new("file a/f 10K\nfile b 3000\n");
    let cwd = env.tempdir();
    let plain = cdu(&["-a", "root"], cwd);
    let with = cdu(&["-a", "--export=saved.json", "root"], cwd);
    assert!(with.status.success());
    assert_eq!(text(&with.stdout), text(&plain.stdout));
    let saved = std::fs::read(cwd.join("saved.json")).expect("the export was written");
    assert!(saved.starts_with(b"[1,2,{\"progname\":\"cdu\""));
    // One tree per export.
    let two = cdu(&["--export=x.json", "root/a", "root/b"], cwd);
    assert_eq!(two.status.code(), Some(1));
    assert!(text(&two.stderr).contains("--export saves one tree"));
}

fn an_unreadable_directory_is_a_read_error() {
    let env = TestEnv::new("file ok/f 10\nfile shut/f 10\nmode shut 000\n");
    let cwd = env.tempdir();
    // As root, without the power to read what mode 000 closes.
    let unprivileged = |cdu_args: &[&str]| {
        let mut args: Vec<&OsStr> = Vec::new();
        if scans::is_root() {
            args.extend(scans::DROP_CAPS.iter().map(OsStr::new));
        }
        args.push(OsStr::new(CDU));
        args.extend(cdu_args.iter().map(OsStr::new));
        run_in(args[0], &args[1..], cwd, b"")
    };
    let out = unprivileged(&["--export=-", "root"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let total = first_number(&unprivileged(&["-s", "-B1", "root"]).stdout);
    let flat = check_with_readers(&out.stdout, total, cwd);
    assert!(entry(&flat, "/root/shut").contains("\"read_error\":true"));
    assert!(!entry(&flat, "/root/ok").contains("read_error"));
}

fn another_file_system_is_marked_otherfs_or_by_its_device() {
    let env = TestEnv::new("dir tm\nfile a/f 3000\n");
    let cwd = env.tempdir();
    let script = "set -e; mount -t tmpfs cdu-test root/tm; \
                  dd if=/dev/zero of=root/tm/big bs=1024 count=100 2>/dev/null; \
                  exec \"$0\" \"$@\"";
    for (x, mark) in [(true, "\"excluded\":\"otherfs\""), (false, "\"dev\":")] {
        let mut args = vec!["-m", "--propagation", "private", "sh", "-c", script, CDU];
        if x {
            args.push("-x");
        }
        args.extend(["--export=-", "root"]);
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let out = run_in("unshare", &args, cwd, b"");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let ours = flat(&out.stdout, cwd);
        assert!(entry(&ours, "/root/tm").contains(mark), "{ours:#?}");
        assert!(!entry(&ours, "/root/a").contains("\"dev\":"), "{ours:#?}");
        let file = cwd.join("mounted.json");
        std::fs::write(&file, &out.stdout).expect("write");
        assert_eq!(flat(&ncdu_again(&file, cwd), cwd), ours);
    }
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "links_odd_names_and_special_files_read_back_in_ncdu_and_gdu",
        &[
            harness::premise::program("jq", "jq"),
            harness::premise::program("ncdu", "ncdu"),
            harness::premise::program("gdu", "gdu"),
        ],
        links_odd_names_and_special_files_read_back_in_ncdu_and_gdu,
    );
    suite.add(
        "du_lines_still_go_to_stdout_beside_an_export_file",
        &[],
        du_lines_still_go_to_stdout_beside_an_export_file,
    );
    suite.add(
        "an_unreadable_directory_is_a_read_error",
        &[
            harness::premise::program("jq", "jq"),
            harness::premise::program("ncdu", "ncdu"),
            harness::premise::program("gdu", "gdu"),
            harness::premise::unprivileged(),
        ],
        an_unreadable_directory_is_a_read_error,
    );
    suite.add(
        "another_file_system_is_marked_otherfs_or_by_its_device",
        &[
            harness::premise::root("mounting in a mount namespace"),
            harness::premise::program("jq", "jq"),
            harness::premise::program("unshare", "util-linux"),
            harness::premise::program("ncdu", "ncdu"),
        ],
        another_file_system_is_marked_otherfs_or_by_its_device,
    );
    suite.run();
}
