//! Random argument vectors (and block-size environments) thrown at the
//! option parser: whatever the words, `cdu::internals::cli::parse` diagnoses or
//! accepts them, and never panics.
//!
//! The parser reads stdin for `--files0-from=-` and `-X -`; no generated
//! word is `-` or ends in `-`, and stdin is /dev/null besides, so a case
//! never waits for input.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use cdu::internals::cli::{Action, Env, parse};
use cdu::internals::config::{block_size, operand_count, reads_list, threads};
use proptest::prelude::*;
use proptest::sample::select;

/// Long options of GNU du 9.7 and cdu, and some abbreviations of them.
const LONG: &[&str] = &[
    "all",
    "apparent-size",
    "block-size",
    "bytes",
    "total",
    "dereference-args",
    "max-depth",
    "files0-from",
    "human-readable",
    "inodes",
    "dereference",
    "count-links",
    "no-dereference",
    "separate-dirs",
    "si",
    "summarize",
    "threshold",
    "exclude-from",
    "exclude",
    "one-file-system",
    "null",
    "mode",
    "threads",
    "verbose",
    "tick",
    "time",
    "time-style",
    "b",
    "bl",
    "ex",
    "exc",
    "e",
    "f",
    "m",
    "max",
    "t",
    "th",
    "ti",
    "s",
    "si",
    "d",
    "de",
    "nu",
    "no-history",
    "no-h",
    "no",
];

/// Single option words, values left to follow as separate words.
const WORDS: &[&str] = &[
    "-a",
    "-0",
    "-A",
    "-b",
    "-c",
    "-D",
    "-H",
    "-h",
    "-k",
    "-L",
    "-l",
    "-m",
    "-P",
    "-S",
    "-s",
    "-x",
    "-v",
    "-B",
    "-d",
    "-t",
    "-X",
    "-j",
    "--",
    "--mode=sequential",
    "--mode=verbose",
    "--mode=parallel",
    "--mode=cancellable",
    "--help",
    "--version",
    "--si",
    "--inodes",
    "-sa",
    "-ab0",
    "-hkm",
    "-LPH",
    "nonexistent",
    ".",
    "",
    "--files0-from",
    "--exclude",
    "--tick",
    "--no-history",
    "--max-depth",
    "--threshold",
    "--block-size",
    "-q",
    "-", // "-" is filtered below
];

/// A value for an option: numbers with units, words, odd bytes.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+' ]?[0-9]{0,25}(\\.[0-9]{1,3})?(e[-+]?[0-9]{1,4})?[kKMGTPEZYRQbBcw]?(i?B)?(ms|s|m|h)?",
        "[-+' 0-9a-zA-Z.=_]{0,10}",
        select(
            &[
                "human-readable",
                "human",
                "si",
                "'1k",
                "NaN",
                "inf",
                "-inf",
                "1e309",
                "1e30",
                "1e30s",
                "99999999999999999999999",
                "18446744073709551615",
                "18446744073709551616",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "0",
                "-0",
                "nonexistent-file",
                ".",
            ][..]
        )
        .prop_map(str::to_string),
    ]
    .prop_filter("never read stdin", |v| !v.ends_with('-'))
}

/// One word of an argument vector.
fn word() -> impl Strategy<Value = OsString> {
    prop_oneof![
        4 => select(WORDS).prop_map(OsString::from),
        2 => (select(LONG), value()).prop_map(|(l, v)| OsString::from(format!("--{l}={v}"))),
        1 => select(LONG).prop_map(|l| OsString::from(format!("--{l}"))),
        2 => ("[0aAbcDHhkLlmPSsxv]{0,4}", select(&["B", "d", "t", "X", "j", ""][..]), value())
            .prop_map(|(c, o, v)| OsString::from(format!("-{c}{o}{v}"))),
        2 => value().prop_map(OsString::from),
        1 => prop::collection::vec(any::<u8>(), 0..10).prop_map(OsString::from_vec),
    ]
    .prop_filter("never read stdin", |w| {
        let b = w.as_encoded_bytes();
        !b.ends_with(b"-") || b == b"--"
    })
}

/// Words that would make the parser read stdin or an endless file.
fn reads_stdin(argv: &[OsString]) -> bool {
    argv.iter().any(|w| {
        let b = w.as_encoded_bytes();
        b == b"-" || b.ends_with(b"=-") || b.ends_with(b"X-") || b.starts_with(b"/dev/")
    })
}

fn env() -> impl Strategy<Value = Env> {
    (
        prop::option::of(value()),
        prop::option::of(value()),
        prop::option::of(value()),
        any::<bool>(),
    )
        .prop_map(|(du, bs, b, posix)| Env {
            du_block_size: du.map(String::into_bytes),
            block_size: bs.map(String::into_bytes),
            blocksize: b.map(String::into_bytes),
            posixly_correct: posix,
            ..Env::default()
        })
}

/// stdin becomes /dev/null for this test binary, so that a stray `-` can
/// only read an empty file.
fn stdin_from_dev_null() {
    let null = std::fs::File::open("/dev/null").expect("open /dev/null");
    rustix::stdio::dup2_stdin(&null).expect("dup2 stdin");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(
        argv in prop::collection::vec(word(), 0..8).prop_filter("stdin", |a| !reads_stdin(a)),
        env in env(),
    ) {
        stdin_from_dev_null();
        match parse(argv.clone(), &env) {
            Action::Run(config) => {
                // What the parser accepted is a usable configuration:
                // operands, or a list to read them from.
                prop_assert!((operand_count(&config) == 0) == reads_list(&config));
                prop_assert!(threads(&config).is_none_or(|t| t >= 1));
                prop_assert!(block_size(&config) >= 1);
            }
            Action::Print(text) => prop_assert!(!text.is_empty()),
            // Failures were diagnosed; other actions (such as
            // `--bench-modes`) need no checks here.
            _ => {}
        }
    }
}
