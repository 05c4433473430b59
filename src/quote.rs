//! File names in messages, quoted as GNU coreutils quotes them (gnulib's
//! quotearg), so that cdu's diagnostics match du's byte for byte:
//! `quoteaf` (always quoted, shell-escaped), `quotef` (quoted when needed)
//! and `quote` (the locale's quotation marks).

/// What the locale changes about quoting: whether multibyte UTF-8 is
/// printable, and which quotation marks `quote` uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Locale {
    /// The locale's character set is UTF-8.
    pub utf8: bool,
}

impl Locale {
    /// The character-type locale the environment chooses, as du's
    /// `setlocale(LC_ALL, "")` finds it: a locale that is not installed
    /// (or any category naming one) leaves the whole program in the C
    /// locale, where bytes past ASCII are escaped. cdu asks the C library
    /// the same question and then goes back to the C locale, so that
    /// nothing else it does depends on the locale.
    pub fn from_env() -> Self {
        // SAFETY: called once, at the start, before any thread is
        // started; the strings passed are NUL-terminated, and the one
        // nl_langinfo returns is read before the locale changes again.
        let utf8 = unsafe {
            if libc::setlocale(libc::LC_ALL, c"".as_ptr()).is_null() {
                false
            } else {
                let codeset = libc::nl_langinfo(libc::CODESET);
                let utf8 =
                    !codeset.is_null() && std::ffi::CStr::from_ptr(codeset).to_bytes() == b"UTF-8";
                libc::setlocale(libc::LC_ALL, c"C".as_ptr());
                utf8
            }
        };
        Locale { utf8 }
    }
}

/// Whether glibc's `iswprint` in a UTF-8 locale holds for `ch`: not for
/// controls, the line and paragraph separators, surrogates, and code
/// points with nothing assigned (noncharacters among them).
fn printable(ch: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    !matches!(
        ch.general_category(),
        GeneralCategory::Control
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::Surrogate
            | GeneralCategory::Unassigned
    )
}

/// One unit of a name: a byte or a multibyte character, and whether a
/// terminal would show it as it is.
struct Unit<'a> {
    bytes: &'a [u8],
    printable: bool,
}

fn units(s: &[u8], locale: Locale) -> impl Iterator<Item = Unit<'_>> {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= s.len() {
            return None;
        }
        let c = s[i];
        if c < 0x80 || !locale.utf8 {
            i += 1;
            return Some(Unit {
                bytes: &s[i - 1..i],
                printable: (0x20..0x7f).contains(&c),
            });
        }
        let len = match c {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => 0,
        };
        let valid = len > 0 && s.len() >= i + len && std::str::from_utf8(&s[i..i + len]).is_ok();
        if valid {
            let ch = std::str::from_utf8(&s[i..i + len])
                .ok()
                .and_then(|t| t.chars().next());
            i += len;
            let printable = ch.is_some_and(printable);
            Some(Unit {
                bytes: &s[i - len..i],
                printable,
            })
        } else {
            i += 1;
            Some(Unit {
                bytes: &s[i - 1..i],
                printable: false,
            })
        }
    })
}

fn c_escape_letter(c: u8) -> Option<u8> {
    Some(match c {
        0x07 => b'a',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x0b => b'v',
        _ => return None,
    })
}

fn push_octal(out: &mut Vec<u8>, c: u8) {
    out.extend_from_slice(&[
        b'\\',
        b'0' + (c >> 6),
        b'0' + ((c >> 3) & 7),
        b'0' + (c & 7),
    ]);
}

/// Characters that, without quotes, mean something to a shell (or could).
fn shell_special(s: &[u8], i: usize) -> bool {
    match s[i] {
        b'{' | b'}' => s.len() == 1,
        b'#' | b'~' => i == 0,
        b' ' | b'!' | b'"' | b'$' | b'&' | b'(' | b')' | b'*' | b';' | b'<' | b'=' | b'>'
        | b'[' | b'^' | b'`' | b'|' | b'\'' | b'?' | b'\\' => true,
        _ => false,
    }
}

/// Whether a character may appear in the `"..."` form GNU prefers for names
/// whose only oddity is an apostrophe.
fn c_and_shell_compatible(s: &[u8], i: usize, unit: &Unit) -> bool {
    let c = s[i];
    match c {
        b' ' | b'\'' => true,
        b'{' | b'}' => s.len() == 1,
        b'#' | b'~' => i == 0,
        b'!' | b'"' | b'$' | b'&' | b'(' | b')' | b'*' | b';' | b'<' | b'=' | b'>' | b'['
        | b'^' | b'`' | b'|' | b'?' | b'\\' => false,
        _ => unit.printable,
    }
}

/// `quoteaf`: always quoted, in a form a shell would read back to the same
/// bytes: `'a b'`, `'a'$'\n''b'`, `"it's"`.
pub fn quote_always(s: &[u8], locale: Locale) -> Vec<u8> {
    let mut has_apostrophe = false;
    let mut all_compatible = true;
    let mut i = 0;
    for unit in units(s, locale) {
        if s[i] == b'\'' {
            has_apostrophe = true;
        }
        if !c_and_shell_compatible(s, i, &unit) {
            all_compatible = false;
        }
        i += unit.bytes.len();
    }
    let mut out = Vec::with_capacity(s.len() + 2);
    if has_apostrophe && all_compatible {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
        return out;
    }
    out.push(b'\'');
    // Inside $'...' after an escape; a plain character must close it first.
    let mut in_escape = false;
    for unit in units(s, locale) {
        let c = unit.bytes[0];
        if c == b'\'' {
            out.extend_from_slice(b"'\\''");
            in_escape = false;
        } else if unit.printable {
            if in_escape {
                out.extend_from_slice(b"''");
                in_escape = false;
            }
            out.extend_from_slice(unit.bytes);
        } else {
            if !in_escape {
                out.extend_from_slice(b"'$'");
                in_escape = true;
            }
            match c_escape_letter(c) {
                Some(letter) => out.extend_from_slice(&[b'\\', letter]),
                None => unit.bytes.iter().for_each(|&b| push_octal(&mut out, b)),
            }
        }
    }
    out.push(b'\'');
    out
}

/// `quotef`: the name as it is when a shell would read it unchanged,
/// otherwise as [`quote_always`] quotes it.
pub fn quote_if_needed(s: &[u8], locale: Locale) -> Vec<u8> {
    let mut i = 0;
    let mut plain = !s.is_empty();
    for unit in units(s, locale) {
        if !unit.printable
            || shell_special(s, i)
            || (unit.bytes.len() > 1
                && unit.bytes[1..]
                    .iter()
                    .any(|b| matches!(b, b'[' | b'\\' | b'^' | b'`' | b'|')))
        {
            plain = false;
            break;
        }
        i += unit.bytes.len();
    }
    if plain {
        s.to_vec()
    } else {
        quote_always(s, locale)
    }
}

/// `quote`: the locale's quotation marks around C-escaped text, as in
/// `invalid maximum depth 'x'` (or `‘x’` in a UTF-8 locale).
pub fn quote(s: &[u8], locale: Locale) -> Vec<u8> {
    let (left, right): (&[u8], &[u8]) = if locale.utf8 {
        ("\u{2018}".as_bytes(), "\u{2019}".as_bytes())
    } else {
        (b"'", b"'")
    };
    let mut out = left.to_vec();
    let mut i = 0;
    for unit in units(s, locale) {
        let c = unit.bytes[0];
        if s[i..].starts_with(right) {
            out.push(b'\\');
            out.extend_from_slice(unit.bytes);
        } else if c == b'\\' {
            out.extend_from_slice(b"\\\\");
        } else if let Some(letter) = c_escape_letter(c) {
            out.extend_from_slice(&[b'\\', letter]);
        } else if unit.printable {
            out.extend_from_slice(unit.bytes);
        } else {
            unit.bytes.iter().for_each(|&b| push_octal(&mut out, b));
        }
        i += unit.bytes.len();
    }
    out.extend_from_slice(right);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: Locale = Locale { utf8: false };
    const UTF8: Locale = Locale { utf8: true };

    fn qa(s: &[u8], l: Locale) -> String {
        String::from_utf8(quote_always(s, l)).unwrap()
    }

    #[test]
    fn quoteaf_matches_gnu() {
        assert_eq!(qa(b"plain", C), "'plain'");
        assert_eq!(qa(b"a\nb", C), "'a'$'\\n''b'");
        assert_eq!(qa(b"\nb", C), "''$'\\n''b'");
        assert_eq!(qa(b"a\xff\xfeb", C), "'a'$'\\377\\376''b'");
        assert_eq!(qa(b"it's", C), "\"it's\"");
        assert_eq!(qa(b"tab\t", C), "'tab'$'\\t'");
        assert_eq!(qa("é".as_bytes(), C), "''$'\\303\\251'");
        assert_eq!(qa("é".as_bytes(), UTF8), "'é'");
        assert_eq!(qa(b"\xff", UTF8), "''$'\\377'");
        assert_eq!(qa(b"it's $x", C), "'it'\\''s $x'");
    }

    #[test]
    fn quotef_only_when_needed() {
        assert_eq!(quote_if_needed(b"a/b.c", C), b"a/b.c");
        assert_eq!(quote_if_needed(b"a b", C), b"'a b'");
        assert_eq!(quote_if_needed(b"", C), b"''");
    }

    #[test]
    fn quote_uses_locale_marks() {
        assert_eq!(quote(b"x", C), b"'x'");
        assert_eq!(quote(b"x", UTF8), "\u{2018}x\u{2019}".as_bytes());
        assert_eq!(quote(b"a'b\n", C), b"'a\\'b\\n'");
    }
}
