//! `--exclude` and `--exclude-from`: GNU du matches each pattern against
//! the whole path of an entry (as printed) and against every suffix that
//! follows a `/`, with fnmatch and no flags, so `*` also matches `/`.

/// The patterns of `--exclude` and `--exclude-from`, in the two kinds
/// gnulib's exclude module keeps apart.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    /// Patterns without wildcards, unescaped: compared as strings.
    literals: Vec<Vec<u8>>,
    /// Patterns with `*`, `?` or `[`: matched with fnmatch.
    patterns: Vec<Vec<u8>>,
    /// Whole paths (as printed) left out as they are, never as suffixes:
    /// the subtrees of a sharded scan that other shards walk.
    whole: std::collections::HashSet<Vec<u8>>,
}

impl Excludes {
    /// Whether no pattern was added.
    pub fn is_empty(&self) -> bool {
        self.literals.is_empty() && self.patterns.is_empty() && self.whole.is_empty()
    }

    /// Whether only whole paths are left out: no pattern of the user's.
    pub fn has_patterns(&self) -> bool {
        !(self.literals.is_empty() && self.patterns.is_empty())
    }

    /// Leaves out the entry whose printed path is exactly `path`.
    pub fn add_whole(&mut self, path: &[u8]) {
        self.whole.insert(path.to_vec());
    }

    /// Adds one pattern (`--exclude`).
    pub fn add(&mut self, pattern: &[u8]) {
        if has_wildcards(pattern) {
            self.patterns.push(pattern.to_vec());
        } else {
            self.literals.push(unescape(pattern));
        }
    }

    /// Adds the patterns of an `--exclude-from` file: one a line, trailing
    /// white space trimmed, blank lines skipped, as gnulib reads them.
    pub fn add_lines(&mut self, contents: &[u8]) {
        for line in contents.split(|&b| b == b'\n') {
            let end = line
                .iter()
                .rposition(|b| !b.is_ascii_whitespace() && *b != 0x0b)
                .map_or(0, |i| i + 1);
            if end > 0 {
                // A NUL ends the pattern, as it ends a C string.
                let line = &line[..end];
                let line = line.split(|&b| b == 0).next().unwrap_or_default();
                self.add(line);
            }
        }
    }

    /// Whether the entry at `path` (as printed) is excluded.
    pub fn matches(&self, path: &[u8]) -> bool {
        if !self.whole.is_empty() && self.whole.contains(path) {
            return true;
        }
        if !self.literals.is_empty() {
            // Every suffix after a '/', even one that starts with another.
            let mut rest = Some(path);
            while let Some(f) = rest {
                if self.literals.iter().any(|l| l.as_slice() == f) {
                    return true;
                }
                rest = f.iter().position(|&b| b == b'/').map(|i| &f[i + 1..]);
            }
        }
        for pattern in &self.patterns {
            if fnmatch(pattern, path) {
                return true;
            }
            for (i, &b) in path.iter().enumerate() {
                if b == b'/' && path.get(i + 1) != Some(&b'/') && fnmatch(pattern, &path[i + 1..]) {
                    return true;
                }
            }
        }
        false
    }
}

fn has_wildcards(p: &[u8]) -> bool {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' => i += 1,
            b'?' | b'*' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

fn unescape(p: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        if p[i] == b'\\' && i + 1 < p.len() {
            i += 1;
        }
        out.push(p[i]);
        i += 1;
    }
    out
}

/// POSIX fnmatch with no flags over bytes: `*`, `?`, bracket expressions
/// with ranges, negation and character classes, and backslash escapes.
pub fn fnmatch(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0usize, 0usize);
    // Where to resume after the last `*`: pattern index and name index.
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    while p < pattern.len() && pattern[p] == b'*' {
                        p += 1;
                    }
                    if p == pattern.len() {
                        return true;
                    }
                    star = Some((p, n));
                    continue;
                }
                b'?' if n < name.len() => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' if n < name.len() => {
                    if let Some((matched, next)) = bracket(pattern, p, name[n]) {
                        if matched {
                            p = next;
                            n += 1;
                            continue;
                        }
                    } else if name[n] == b'[' {
                        // An unterminated bracket is an ordinary '['.
                        p += 1;
                        n += 1;
                        continue;
                    }
                }
                // A trailing backslash matches nothing.
                b'\\' if p + 1 < pattern.len() && n < name.len() && pattern[p + 1] == name[n] => {
                    p += 2;
                    n += 1;
                    continue;
                }
                b'\\' => {}
                c if c != b'?' && c != b'[' && n < name.len() && c == name[n] => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        } else if n == name.len() {
            return true;
        }
        // Mismatch: let the last `*` swallow one more byte, if there was one.
        match star {
            Some((sp, sn)) if sn < name.len() => {
                star = Some((sp, sn + 1));
                p = sp;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

/// Matches one byte against the bracket expression at `pattern[start]`
/// (which is `[`). Returns whether it matched and where the expression
/// ends, or None when the bracket is not terminated.
fn bracket(pattern: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &b = pattern.get(i)?;
        if b == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if b == b'[' && pattern.get(i + 1) == Some(&b':') {
            let rest = &pattern[i + 2..];
            if let Some(end) = rest.windows(2).position(|w| w == b":]") {
                matched |= class_matches(&rest[..end], c);
                i += 2 + end + 2;
                continue;
            }
        }
        let (lo, after) = if b == b'\\' {
            (*pattern.get(i + 1)?, i + 2)
        } else {
            (b, i + 1)
        };
        if pattern.get(after) == Some(&b'-') && pattern.get(after + 1).is_some_and(|&h| h != b']') {
            let mut hi_at = after + 1;
            if pattern[hi_at] == b'\\' {
                hi_at += 1;
            }
            let &hi = pattern.get(hi_at)?;
            matched |= lo <= c && c <= hi;
            i = hi_at + 1;
        } else {
            matched |= lo == c;
            i = after;
        }
    }
}

fn class_matches(class: &[u8], c: u8) -> bool {
    match class {
        b"alnum" => c.is_ascii_alphanumeric(),
        b"alpha" => c.is_ascii_alphabetic(),
        b"blank" => c == b' ' || c == b'\t',
        b"cntrl" => c.is_ascii_control(),
        b"digit" => c.is_ascii_digit(),
        b"graph" => c.is_ascii_graphic(),
        b"lower" => c.is_ascii_lowercase(),
        b"print" => c.is_ascii_graphic() || c == b' ',
        b"punct" => c.is_ascii_punctuation(),
        b"space" => c.is_ascii_whitespace() || c == 0x0b,
        b"upper" => c.is_ascii_uppercase(),
        b"xdigit" => c.is_ascii_hexdigit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_basics() {
        assert!(fnmatch(b"*.o", b"a/b.o"));
        assert!(fnmatch(b"a?c", b"abc"));
        assert!(!fnmatch(b"a?c", b"ac"));
        assert!(fnmatch(b"[a-c]x", b"bx"));
        assert!(!fnmatch(b"[!a-c]x", b"bx"));
        assert!(fnmatch(b"[[:digit:]]*", b"7up"));
        assert!(fnmatch(b"\\*", b"*"));
        assert!(!fnmatch(b"\\*", b"a"));
        assert!(fnmatch(b"[]]", b"]"));
        assert!(fnmatch(b"[", b"["));
        assert!(!fnmatch(b"x\\", b"x\\"));
        assert!(fnmatch(b"*", b".hidden"));
    }

    #[test]
    fn excludes_match_suffixes() {
        let mut e = Excludes::default();
        e.add(b"b");
        assert!(e.matches(b"a/b"));
        assert!(e.matches(b"b"));
        assert!(!e.matches(b"a/bc"));
        let mut e = Excludes::default();
        e.add(b"a/*");
        assert!(e.matches(b"x/a/b/c"));
        assert!(!e.matches(b"xa"));
    }
}
