//! Command-line tokens read the way glibc's `getopt_long` reads them:
//! clustered short options, values attached or separate, unambiguous
//! abbreviations of long options, operands anywhere (or, under
//! `POSIXLY_CORRECT`, only after the first one), and getopt's own messages
//! in the order getopt prints them. clap's parser has other rules for all
//! of these, and du's diagnostics depend on them to the byte.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// One option of the table.
#[derive(Clone, Debug)]
pub struct OptionSpec {
    /// clap's id, which events carry.
    pub id: String,
    pub short: Option<char>,
    pub long: Option<String>,
    pub takes_value: bool,
    /// The value may be left out (`--time` or `--time=WORD`); it is then
    /// only ever attached with `=`.
    pub optional_value: bool,
    /// One of GNU du's own (which win abbreviations over cdu's).
    pub gnu: bool,
}

/// What a command line says, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Opt {
        id: String,
        value: Option<OsString>,
        /// Spelled as a long option (`--block-size`, not `-B`).
        long: bool,
    },
    Operand(OsString),
    /// getopt's diagnostic (without the program name).
    Error(String),
}

/// Reads `args` (without the program name) against `table`.
pub fn getopt(args: &[OsString], table: &[OptionSpec], posixly_correct: bool) -> Vec<Event> {
    let mut events = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_bytes();
        i += 1;
        if arg == b"--" {
            operands.extend(args[i..].iter().cloned().map(Event::Operand));
            break;
        }
        if arg.len() < 2 || arg[0] != b'-' {
            if posixly_correct {
                operands.push(Event::Operand(args[i - 1].clone()));
                operands.extend(args[i..].iter().cloned().map(Event::Operand));
                break;
            }
            operands.push(Event::Operand(args[i - 1].clone()));
            continue;
        }
        if let Some(body) = arg.strip_prefix(b"--") {
            events.push(long_option(body, table, args, &mut i));
            continue;
        }
        // A cluster of short options; one that takes a value ends it.
        let mut k = 1;
        while k < arg.len() {
            let c = arg[k] as char;
            k += 1;
            let Some(spec) = table.iter().find(|s| s.short == Some(c)) else {
                events.push(Event::Error(format!("invalid option -- '{c}'")));
                continue;
            };
            if !spec.takes_value {
                events.push(Event::Opt {
                    id: spec.id.clone(),
                    value: None,
                    long: false,
                });
                continue;
            }
            let value = if k < arg.len() {
                Some(OsStr::from_bytes(&arg[k..]).to_os_string())
            } else if i < args.len() {
                i += 1;
                Some(args[i - 1].clone())
            } else {
                None
            };
            events.push(match value {
                Some(value) => Event::Opt {
                    id: spec.id.clone(),
                    value: Some(value),
                    long: false,
                },
                None => Event::Error(format!("option requires an argument -- '{c}'")),
            });
            break;
        }
    }
    events.extend(operands);
    events
}

fn long_option(body: &[u8], table: &[OptionSpec], args: &[OsString], i: &mut usize) -> Event {
    let (name, attached) = match body.iter().position(|&b| b == b'=') {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let whole = String::from_utf8_lossy(body);
    let exact = table
        .iter()
        .find(|s| s.long.as_deref().is_some_and(|l| l.as_bytes() == name));
    let spec = match exact {
        Some(spec) => spec,
        None => {
            let prefixed: Vec<&OptionSpec> = table
                .iter()
                .filter(|s| {
                    s.long
                        .as_deref()
                        .is_some_and(|l| l.as_bytes().starts_with(name))
                })
                .collect();
            let gnu: Vec<&OptionSpec> = prefixed.iter().copied().filter(|s| s.gnu).collect();
            match (gnu.len(), prefixed.len()) {
                (1, _) => gnu[0],
                (0, 1) => prefixed[0],
                (_, 0) => return Event::Error(format!("unrecognized option '--{whole}'")),
                _ => {
                    // GNU lists only its own when any of them match.
                    let list = if gnu.is_empty() { &prefixed } else { &gnu };
                    let names: Vec<String> = list
                        .iter()
                        .map(|s| format!("'--{}'", s.long.as_deref().unwrap_or_default()))
                        .collect();
                    return Event::Error(format!(
                        "option '--{whole}' is ambiguous; possibilities: {}",
                        names.join(" ")
                    ));
                }
            }
        }
    };
    let long = spec.long.as_deref().unwrap_or_default();
    if !spec.takes_value {
        if attached.is_some() {
            return Event::Error(format!("option '--{long}' doesn't allow an argument"));
        }
        return Event::Opt {
            id: spec.id.clone(),
            value: None,
            long: true,
        };
    }
    let value = match attached {
        Some(v) => Some(OsString::from_vec(v.to_vec())),
        None if spec.optional_value => {
            return Event::Opt {
                id: spec.id.clone(),
                value: None,
                long: true,
            };
        }
        None if *i < args.len() => {
            *i += 1;
            Some(args[*i - 1].clone())
        }
        None => None,
    };
    match value {
        Some(value) => Event::Opt {
            id: spec.id.clone(),
            value: Some(value),
            long: true,
        },
        None => Event::Error(format!("option '--{long}' requires an argument")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<OptionSpec> {
        let spec =
            |id: &str, short: Option<char>, long: Option<&str>, takes_value, gnu| OptionSpec {
                id: id.into(),
                short,
                long: long.map(Into::into),
                takes_value,
                optional_value: false,
                gnu,
            };
        vec![
            spec("all", Some('a'), Some("all"), false, true),
            spec("si", None, Some("si"), false, true),
            spec("summarize", Some('s'), Some("summarize"), false, true),
            spec("separate", Some('S'), Some("separate-dirs"), false, true),
            spec("depth", Some('d'), Some("max-depth"), true, true),
            spec("threshold", Some('t'), Some("threshold"), true, true),
            spec("threads", Some('j'), Some("threads"), true, false),
        ]
    }

    fn run(args: &[&str]) -> Vec<Event> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        getopt(&args, &table(), false)
    }

    fn opt(id: &str, value: Option<&str>, long: bool) -> Event {
        Event::Opt {
            id: id.into(),
            value: value.map(OsString::from),
            long,
        }
    }

    #[test]
    fn clusters_and_values() {
        assert_eq!(
            run(&["-ad1", "x", "-d", "-2"]),
            vec![
                opt("all", None, false),
                opt("depth", Some("1"), false),
                opt("depth", Some("-2"), false),
                Event::Operand("x".into()),
            ]
        );
    }

    #[test]
    fn gnu_abbreviations_win_over_ours() {
        assert_eq!(run(&["--thr=5"]), vec![opt("threshold", Some("5"), true)]);
        assert_eq!(
            run(&["--threa", "2"]),
            vec![opt("threads", Some("2"), true)]
        );
        assert_eq!(
            run(&["--s"]),
            vec![Event::Error(
                "option '--s' is ambiguous; possibilities: '--si' '--summarize' '--separate-dirs'"
                    .into()
            )]
        );
    }

    #[test]
    fn getopt_messages() {
        assert_eq!(
            run(&["-q"]),
            vec![Event::Error("invalid option -- 'q'".into())]
        );
        assert_eq!(
            run(&["--all=1"]),
            vec![Event::Error(
                "option '--all' doesn't allow an argument".into()
            )]
        );
        assert_eq!(
            run(&["--max"]),
            vec![Event::Error(
                "option '--max-depth' requires an argument".into()
            )]
        );
        assert_eq!(
            run(&["-d"]),
            vec![Event::Error("option requires an argument -- 'd'".into())]
        );
        assert_eq!(
            run(&["--nope=1"]),
            vec![Event::Error("unrecognized option '--nope=1'".into())]
        );
    }

    #[test]
    fn posixly_correct_stops_at_the_first_operand() {
        let args: Vec<OsString> = ["-a", "x", "-s"].iter().map(OsString::from).collect();
        assert_eq!(
            getopt(&args, &table(), true),
            vec![
                opt("all", None, false),
                Event::Operand("x".into()),
                Event::Operand("-s".into())
            ]
        );
    }
}
