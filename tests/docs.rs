//! The documents cdu prints about itself: `--help`, `--version`, the man
//! page and the shell completions of `--generate`. They must be in our own
//! words, complete, and accepted by the tools that read them.

use std::process::{Command, Stdio};

/// Runs cdu with `args`; its stdout, or a panic with its stderr.
fn cdu(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cdu"))
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run cdu");
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

#[test]
fn help_shares_no_sentence_with_gnu_du() {
    let Some(du) = std::env::var_os("CDU_REFERENCE_DU").filter(|p| !p.is_empty()) else {
        eprintln!("SKIPPED: CDU_REFERENCE_DU not set, so GNU du's --help cannot be compared");
        return;
    };
    let gnu = Command::new(du)
        .arg("--help")
        .env("LC_ALL", "C")
        .output()
        .expect("run GNU du --help");
    let gnu = String::from_utf8_lossy(&gnu.stdout);
    let sentences = gnu_sentences(&gnu);
    // The comparison has something to compare: GNU's help has dozens.
    assert!(sentences.len() > 25, "GNU sentences: {sentences:?}");
    let ours = normalize(&cdu(&["--help"]));
    let copied: Vec<&String> = sentences.iter().filter(|s| ours.contains(*s)).collect();
    assert!(
        copied.is_empty(),
        "GNU du's sentences in cdu --help: {copied:#?}"
    );
}

#[test]
fn version_names_the_package_version() {
    let version = cdu(&["--version"]);
    assert_eq!(
        version.lines().next(),
        Some(format!("cdu {}", env!("CARGO_PKG_VERSION")).as_str())
    );
}
