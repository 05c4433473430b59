//! A du listing as a baseline: `SIZE<TAB>PATH` lines as `du`, `du -a`,
//! `du -b` or `du -k` print them. The numbers carry no unit, so the
//! caller says which one they are in.

use std::fmt;

/// A listing line that is not `SIZE<TAB>PATH`: `FILE:LINE: what`.
#[derive(Debug)]
pub struct ListingError {
    pub file: Vec<u8>,
    pub line: usize,
    pub what: String,
}

impl fmt::Display for ListingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = String::from_utf8_lossy(&self.file);
        write!(f, "{file}:{}: {}", self.line, self.what)
    }
}

/// One line of a listing: its number (as printed) and its path.
#[derive(Debug)]
pub struct Line<'a> {
    pub number: u64,
    pub path: &'a [u8],
    /// Counted from 1, for messages.
    pub at: usize,
    /// The path went on over more lines (it holds a newline).
    pub continued: bool,
}

/// Says where a listing cannot be read for sure.
pub const AMBIGUOUS: &str =
    "a name holding a newline makes a listing ambiguous: make it with du -0 and read it with -0";

/// Splits `text` into its lines (ended by NUL with `null`, as `du -0`
/// writes them); the first that is not `SIZE<TAB>PATH` is an error,
/// with its line number and `file` as shown in it.
///
/// du writes a name holding a newline as it is, so without `null` a
/// line with no tab is the rest of the name on the line before it.
pub fn parse<'a>(text: &'a [u8], null: bool, file: &[u8]) -> Result<Vec<Line<'a>>, ListingError> {
    let end = if null { 0 } else { b'\n' };
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut body = text;
    if body.last() == Some(&end) {
        body = &body[..body.len() - 1];
    }
    if body.is_empty() {
        return Ok(lines);
    }
    if null && !text.contains(&0) {
        // du -0 ends every line with a NUL; without one this is a
        // listing of newline-ended lines, which would read as one entry.
        return Err(ListingError {
            file: file.to_vec(),
            line: 1,
            what: "no line ends with a NUL byte: a listing made without -0 is read without -0"
                .to_string(),
        });
    }
    let mut start = 0;
    for (i, line) in body.split(|&b| b == end).enumerate() {
        let line_start = start;
        start += line.len() + 1;
        let fail = |what: &str| ListingError {
            file: file.to_vec(),
            line: i + 1,
            what: what.to_string(),
        };
        let Some(tab) = line.iter().position(|&b| b == b'\t') else {
            match lines.last_mut() {
                Some(before) if !null => {
                    // The name before goes on to the end of this line.
                    let from = before.path.as_ptr() as usize - body.as_ptr() as usize;
                    before.path = &body[from..line_start + line.len()];
                    before.continued = true;
                    continue;
                }
                _ => return Err(fail("expected a size, a tab and a path")),
            }
        };
        let digits = &line[..tab];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(if lines.is_empty() || null {
                fail("expected a size in whole units before the tab")
            } else {
                fail(&format!(
                    "expected a size in whole units before the tab ({AMBIGUOUS})"
                ))
            });
        }
        let number = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| fail("the size is too large to hold (the largest is 2^64-1)"))?;
        let path = &line[tab + 1..];
        if path.is_empty() {
            return Err(fail("expected a path after the tab"));
        }
        if path.contains(&0) {
            return Err(fail(
                "a path holding a NUL byte: a listing made with du -0 is read with -0",
            ));
        }
        lines.push(Line {
            number,
            path,
            at: i + 1,
            continued: false,
        });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_numbers_and_paths() {
        let lines = parse(b"12\ta/b\n40\ta\n", false, b"f").unwrap();
        let got: Vec<_> = lines.iter().map(|l| (l.number, l.path, l.at)).collect();
        assert_eq!(got, [(12, &b"a/b"[..], 1), (40, &b"a"[..], 2)]);
    }

    #[test]
    fn a_line_without_a_size_names_its_line() {
        let e = parse(b"12\ta\n1.5K\tb\n", false, b"old.txt").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("old.txt:2: expected a size in whole units before the tab"),
            "{e}"
        );
    }

    #[test]
    fn a_line_without_a_tab_goes_on_with_the_name_before() {
        let lines = parse(b"4\td/new\nline\n\n8\td\n", false, b"f").unwrap();
        let got: Vec<_> = lines.iter().map(|l| (l.number, l.path, l.at)).collect();
        assert_eq!(got, [(4, &b"d/new\nline\n"[..], 1), (8, &b"d"[..], 4)]);
    }

    #[test]
    fn a_listing_read_with_the_wrong_line_end_is_refused() {
        let e = parse(b"4\td/x\x008\td\x00", false, b"f").unwrap_err();
        assert!(
            e.to_string().starts_with("f:1: a path holding a NUL byte"),
            "{e}"
        );
        let e = parse(b"4\td/x\n8\td\n", true, b"f").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f:1: no line ends with a NUL byte"),
            "{e}"
        );
    }

    #[test]
    fn a_first_line_without_a_tab_is_refused() {
        let e = parse(b"d/x\n4\td\n", false, b"f").unwrap_err();
        assert_eq!(e.to_string(), "f:1: expected a size, a tab and a path");
    }
}
