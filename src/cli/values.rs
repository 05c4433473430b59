//! The values of cdu's own options (`-j`, `--tick`, the views' counts)
//! and of `--time-style`.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use super::messages::{Diagnostics, argmatch};
use crate::quote::{Locale, quote};

/// The most walker threads `-j` accepts: far past where more help, short
/// of where the system runs out of threads or memory for their stacks.
pub const MAX_THREADS: usize = 1024;

/// `-j N`: a thread count from 1 to [`MAX_THREADS`], or a diagnostic.
pub(super) fn parse_threads(
    value: &OsStr,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<usize> {
    let threads = value
        .to_str()
        .and_then(|t| t.parse::<usize>().ok())
        .filter(|t| (1..=MAX_THREADS).contains(t));
    if threads.is_none() {
        diag.push(&[
            b"invalid number of threads ",
            &quote(value.as_bytes(), locale),
        ]);
    }
    threads
}

/// A positive whole number for `--top`, `--rows` or `--width`, or a
/// diagnostic naming `what` it was to be.
pub(super) fn parse_count(
    value: &OsStr,
    what: &str,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<usize> {
    let count = value
        .to_str()
        .and_then(|t| t.parse::<usize>().ok())
        .filter(|&n| n >= 1);
    if count.is_none() {
        diag.push(&[
            format!("invalid {what} ").as_bytes(),
            &quote(value.as_bytes(), locale),
        ]);
    }
    count
}

/// `500ms`, `2s`, `1.5s`, `1m`, or a plain number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
}

/// The strftime format of `--time-style` (or the `TIME_STYLE` variable),
/// resolved as du resolves it.
pub(super) fn time_format(
    style: Option<&OsStr>,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<Vec<u8>> {
    let mut style: Vec<u8> = match style {
        Some(s) => s.as_bytes().to_vec(),
        None => match std::env::var_os("TIME_STYLE").map(|s| s.as_bytes().to_vec()) {
            // "locale" is ignored, for compatibility with ls.
            None => b"long-iso".to_vec(),
            Some(s) if s == b"locale" => b"long-iso".to_vec(),
            Some(mut s) => {
                if s.first() == Some(&b'+') {
                    // Anything after a newline is ignored, as ls does.
                    if let Some(nl) = s.iter().position(|&b| b == b'\n') {
                        s.truncate(nl);
                    }
                } else {
                    // ls's "posix-" prefixes too, in the variable only:
                    // du 9.7 refuses them in --time-style.
                    while s.starts_with(b"posix-") {
                        s.drain(..6);
                    }
                }
                s
            }
        },
    };
    if style.first() == Some(&b'+') {
        style.remove(0);
        return Some(style);
    }
    const STYLES: &[(&str, &str)] = &[
        ("full-iso", "%Y-%m-%d %H:%M:%S.%N %z"),
        ("long-iso", "%Y-%m-%d %H:%M"),
        ("iso", "%Y-%m-%d"),
    ];
    argmatch(&style, STYLES, "time style", locale, diag).map(|f| f.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("99999999999999999999999"), None);
        assert_eq!(parse_duration("-1"), None);
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("x"), None);
    }
}
