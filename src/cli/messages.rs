//! Diagnostics as du and getopt word them: collected in command-line
//! order, then printed with the usage hint when it belongs.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::quote::{Locale, quote};
use crate::size::NumError;

/// Collects diagnostics in order; `fatal` ones end parsing at once.
pub(super) struct Diagnostics {
    pub(super) lines: Vec<Vec<u8>>,
}

impl Diagnostics {
    pub(super) fn push(&mut self, parts: &[&[u8]]) {
        let mut line = [crate::message::program(), b": "].concat();
        for p in parts {
            line.extend_from_slice(p);
        }
        self.lines.push(line);
    }

    pub(super) fn flush(&mut self, try_help: bool) {
        let mut stderr = crate::stdio::stderr();
        for mut line in self.lines.drain(..) {
            line.push(b'\n');
            crate::message::write_line(&mut stderr, &line);
        }
        if try_help {
            crate::message::write_line(&mut stderr, &crate::message::try_help());
        }
    }
}

/// A value clap refused (only cdu's own `--mode` has a closed set).
pub(super) fn clap_message(e: &clap::Error) -> String {
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split([' ', '=']).next().unwrap_or("").to_string(),
        _ => String::new(),
    };
    match (e.kind(), e.get(ContextKind::InvalidValue)) {
        (ErrorKind::InvalidValue, Some(ContextValue::String(v))) => {
            format!("invalid argument '{v}' for '{arg}'")
        }
        _ => e
            .to_string()
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ")
            .to_string(),
    }
}

/// Matches `value` against `words` as gnulib's argmatch does: exactly, or
/// by an abbreviation that all its matches agree on. Otherwise diagnoses it
/// with the list of valid words, grouped by meaning.
pub(super) fn argmatch<T: Copy + PartialEq>(
    value: &[u8],
    words: &[(&str, T)],
    context: &str,
    locale: Locale,
    diag: &mut Diagnostics,
) -> Option<T> {
    if let Some((_, t)) = words.iter().find(|(w, _)| w.as_bytes() == value) {
        return Some(*t);
    }
    let matches: Vec<T> = words
        .iter()
        .filter(|(w, _)| w.as_bytes().starts_with(value))
        .map(|(_, t)| *t)
        .collect();
    if let Some(&first) = matches.first()
        && matches.iter().all(|t| *t == first)
    {
        return Some(first);
    }
    let problem: &[u8] = if matches.is_empty() {
        b"invalid argument "
    } else {
        b"ambiguous argument "
    };
    diag.push(&[
        problem,
        &quote(value, locale),
        b" for ",
        &quote(context.as_bytes(), locale),
    ]);
    diag.lines.push(b"Valid arguments are:".to_vec());
    let mut line: Vec<u8> = Vec::new();
    for (i, (word, t)) in words.iter().enumerate() {
        if i > 0 && words[i - 1].1 == *t {
            line.extend_from_slice(b", ");
        } else {
            if !line.is_empty() {
                diag.lines.push(std::mem::take(&mut line));
            }
            line.extend_from_slice(b"  - ");
        }
        line.extend_from_slice(&quote(word.as_bytes(), locale));
    }
    diag.lines.push(line);
    None
}

pub(super) fn num_error_message(e: NumError, option: &str, arg: &[u8]) -> Vec<u8> {
    let arg = String::from_utf8_lossy(arg);
    match e {
        NumError::Invalid => format!("invalid {option} argument '{arg}'"),
        NumError::InvalidSuffix => format!("invalid suffix in {option} argument '{arg}'"),
        NumError::Overflow => format!("{option} argument '{arg}' too large"),
    }
    .into_bytes()
}
