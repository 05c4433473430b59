//! The documents cdu prints about itself: `--help`, `--version`, the man
//! page and the shell completions of `--generate`. They must be in our own
//! words, complete, and accepted by the tools that read them.

mod harness;

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;

/// Every long option of cdu's clap table, as `--name`.
fn long_options() -> Vec<String> {
    cdu::internals::cli::Cli::command()
        .get_arguments()
        .filter_map(|a| a.get_long())
        .map(|l| format!("--{l}"))
        .collect()
}

/// Runs `program` with `args` and `input` on stdin; the trial's premises
/// say that it is installed.
fn run_tool(program: &str, args: &[&str], input: &str) -> Output {
    let child = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = child.unwrap_or_else(|e| panic!("run {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("wait")
}

/// GNU du 9.7, a premise of the trials that call this.
fn reference_du() -> std::path::PathBuf {
    harness::premise::reference_du().unwrap_or_else(|why| panic!("{why}"))
}

/// Runs cdu, named `cdu` in its messages, with `args` in the C locale.
fn run_cdu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cdu"))
        .arg0("cdu")
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run cdu")
}

/// Runs cdu with `args`; its stdout, or a panic with its stderr.
fn cdu(args: &[&str]) -> String {
    let output = run_cdu(args);
    assert!(
        output.status.success(),
        "cdu {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Whitespace runs as one space, lower case: how two texts are compared
/// for a sentence they share.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The description sentences (and parts of sentences between `. ; : ( )`)
/// of GNU du's `--help`, without its usage lines, option names and
/// footer: what cdu's texts must not repeat.
fn gnu_sentences(help: &str) -> Vec<String> {
    // One chunk per option description and per paragraph.
    let mut chunks: Vec<String> = vec![String::new()];
    for line in help.lines() {
        if line.starts_with("Usage:") || line.starts_with("  or:") {
            continue;
        }
        if line.starts_with("GNU coreutils online help") {
            break;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            // The names, two spaces or more, the description.
            let text = trimmed.find("  ").map_or("", |i| &trimmed[i..]);
            chunks.push(text.to_string());
        } else if trimmed.is_empty() {
            chunks.push(String::new());
        } else if let Some(last) = chunks.last_mut() {
            last.push(' ');
            last.push_str(trimmed);
        }
    }
    chunks
        .iter()
        .flat_map(|c| c.split(['.', ';', ':', '(', ')']))
        .map(normalize)
        .filter(|s| s.split(' ').count() >= 4)
        .collect()
}

fn help_shares_no_sentence_with_gnu_du() {
    let du = reference_du();
    let sentences = gnu_help_sentences(du.as_os_str());
    let ours = normalize(&cdu(&["--help"]));
    let copied: Vec<&String> = sentences.iter().filter(|s| ours.contains(*s)).collect();
    assert!(
        copied.is_empty(),
        "GNU du's sentences in cdu --help: {copied:#?}"
    );
}

/// The sentences of the `--help` of `du`, the reference GNU du.
fn gnu_help_sentences(du: &std::ffi::OsStr) -> Vec<String> {
    let gnu = Command::new(du)
        .arg("--help")
        .env("LC_ALL", "C")
        .output()
        .expect("run GNU du --help");
    let gnu = String::from_utf8_lossy(&gnu.stdout);
    let sentences = gnu_sentences(&gnu);
    // The comparison has something to compare: GNU's help has dozens.
    assert!(sentences.len() > 25, "GNU sentences: {sentences:?}");
    sentences
}

fn version_names_the_package_version() {
    let version = cdu(&["--version"]);
    assert_eq!(
        version.lines().next(),
        Some(format!("cdu {}", env!("CARGO_PKG_VERSION")).as_str())
    );
}

/// The man page as `man` shows it, in plain ASCII.
fn rendered_man_page() -> String {
    let page = cdu(&["--generate=man"]);
    let out = run_tool("groff", &["-man", "-Tascii", "-P-cbou"], &page);
    assert!(out.status.success(), "groff failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn man_page_renders_without_warnings() {
    let page = cdu(&["--generate=man"]);
    let out = run_tool("groff", &["-man", "-ww", "-z"], &page);
    assert!(out.status.success(), "groff exited with {}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
}

fn man_page_has_dus_sections_and_cdus_own() {
    let text = rendered_man_page();
    for heading in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "CDU'S OWN OPTIONS",
        "SIZE FORMAT",
        "MODES",
        "PROGRESS AND CANCELLING",
        "ENVIRONMENT",
        "EXIT STATUS",
        "EXAMPLES",
    ] {
        assert!(
            text.lines().any(|l| l == heading),
            "no {heading} section in the man page:\n{text}"
        );
    }
    for option in long_options() {
        assert!(text.contains(&option), "{option} is not in the man page");
    }
    assert!(text.contains(&format!("cdu {}", env!("CARGO_PKG_VERSION"))));
}

fn man_page_shares_no_sentence_with_gnu_du() {
    let du = reference_du();
    let text = rendered_man_page();
    // Lines hyphenated at their end are joined back first.
    let ours = normalize(&text.replace("-\n", ""));
    let copied: Vec<String> = gnu_help_sentences(du.as_os_str())
        .into_iter()
        .filter(|s| ours.contains(s))
        .collect();
    assert!(
        copied.is_empty(),
        "GNU du's sentences in the man page: {copied:#?}"
    );
}

/// The completion script of `shell`, checked with `shell -n`.
fn checked_completion(shell: &str) -> String {
    let script = cdu(&[&format!("--generate=complete-{shell}")]);
    let out = run_tool(shell, &["-n"], &script);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{shell} -n rejects the script: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    script
}

const MODES: [&str; 4] = ["sequential", "verbose", "parallel", "cancellable"];

fn bash_completion_offers_options_and_modes() {
    let script = checked_completion("bash");
    // Ask the completion function itself, as bash does on Tab.
    let ask = |words: &str, cur: &str, prev: &str| {
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _cdu cdu '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = run_tool("bash", &[], &program);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let modes = ask("cdu --mode ''", "", "--mode");
    assert_eq!(modes.lines().collect::<Vec<_>>(), MODES, "after --mode");
    let options = ask("cdu --", "--", "cdu");
    for option in long_options() {
        assert!(
            options.lines().any(|l| l == option),
            "{option} not offered after --"
        );
    }
}

fn zsh_completion_offers_the_modes() {
    let script = checked_completion("zsh");
    // `'--mode=[...]:MODE:((sequential\:"..." ...))'`, over several lines.
    let start = script.find("'--mode=").expect("a --mode spec");
    let spec = &script[start..];
    let spec = &spec[..spec.find("))'").expect("end of the --mode spec")];
    for mode in MODES {
        assert!(spec.contains(&format!("{mode}\\:")), "{mode} not in {spec}");
    }
}

fn fish_completion_offers_the_modes() {
    let script = checked_completion("fish");
    let program = format!("{script}\ncomplete -C 'cdu --mode '");
    let out = run_tool("fish", &[], &program);
    let mut offered: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect();
    offered.sort();
    let mut want = MODES.map(String::from).to_vec();
    want.sort();
    assert_eq!(offered, want);
}

/// cdu's stderr and status for `args`.
fn cdu_fails(args: &[&str]) -> (String, i32) {
    let out = run_cdu(args);
    assert!(out.stdout.is_empty(), "stdout for {args:?}");
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn generate_is_read_as_getopt_reads_an_option() {
    let man = cdu(&["--generate=man"]);
    assert!(man.contains(".TH cdu 1"));
    // A separate value and an abbreviation are the same option.
    assert_eq!(cdu(&["--generate", "man"]), man);
    assert_eq!(cdu(&["--gen=man"]), man);
    assert_eq!(
        cdu_fails(&["--generate=roff"]),
        (
            "cdu: invalid argument 'roff' for '--generate'\n\
             Try 'cdu --help' for more information.\n"
                .to_string(),
            1
        )
    );
    assert_eq!(
        cdu_fails(&["--generate=man", "dir"]),
        (
            "cdu: extra operand 'dir'\nTry 'cdu --help' for more information.\n".to_string(),
            1
        )
    );
    assert_eq!(
        cdu_fails(&["--generate"]),
        (
            "cdu: option '--generate' requires an argument\n\
             Try 'cdu --help' for more information.\n"
                .to_string(),
            1
        )
    );
}

fn main() {
    let mut suite = harness::Suite::new(file!());
    suite.add(
        "help_shares_no_sentence_with_gnu_du",
        &[harness::premise::reference()],
        help_shares_no_sentence_with_gnu_du,
    );
    suite.add(
        "version_names_the_package_version",
        &[],
        version_names_the_package_version,
    );
    suite.add(
        "man_page_renders_without_warnings",
        &[harness::premise::program("groff", "groff-base")],
        man_page_renders_without_warnings,
    );
    suite.add(
        "man_page_has_dus_sections_and_cdus_own",
        &[harness::premise::program("groff", "groff-base")],
        man_page_has_dus_sections_and_cdus_own,
    );
    suite.add(
        "man_page_shares_no_sentence_with_gnu_du",
        &[
            harness::premise::reference(),
            harness::premise::program("groff", "groff-base"),
        ],
        man_page_shares_no_sentence_with_gnu_du,
    );
    suite.add(
        "bash_completion_offers_options_and_modes",
        &[harness::premise::program("bash", "bash")],
        bash_completion_offers_options_and_modes,
    );
    suite.add(
        "zsh_completion_offers_the_modes",
        &[harness::premise::program("zsh", "zsh")],
        zsh_completion_offers_the_modes,
    );
    suite.add(
        "fish_completion_offers_the_modes",
        &[harness::premise::program("fish", "fish")],
        fish_completion_offers_the_modes,
    );
    suite.add(
        "generate_is_read_as_getopt_reads_an_option",
        &[],
        generate_is_read_as_getopt_reads_an_option,
    );
    suite.run();
}
