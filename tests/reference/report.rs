//! Putting two runs side by side: GNU's messages in cdu's words, cdu's
//! progress lines set aside, and a readable account of what differs.

/// GNU's stderr in cdu's words: `du: ` at the start of a line becomes
/// `cdu: `, and `Try 'du --help'` becomes `Try 'cdu --help'`. The
/// `shell-init:` complaint of a bash wrapper started in a removed
/// directory (tools/reference-du is one) is not du's and is dropped.
pub fn renamed_stderr(stderr: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stderr.len() + 16);
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"shell-init: ") {
            continue;
        }
        let line = if let Some(rest) = line.strip_prefix(b"du: ") {
            [b"cdu: ".as_slice(), rest].concat()
        } else {
            line.to_vec()
        };
        out.extend_from_slice(&replace(&line, b"Try 'du --help'", b"Try 'cdu --help'"));
    }
    out
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Whether a stderr line is a progress line of cdu's verbose mode:
/// `cdu: <seconds>s <n> entries ...`.
pub fn is_progress_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"cdu: ") else {
        return false;
    };
    let elapsed = rest.split(|&b| b == b' ').next().unwrap_or_default();
    let Some(number) = elapsed.strip_suffix(b"s") else {
        return false;
    };
    !number.is_empty()
        && number.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && number[0].is_ascii_digit()
        && line.windows(9).any(|w| w == b" entries ")
}

/// `stderr` without its progress lines.
pub fn without_progress(stderr: &[u8]) -> Vec<u8> {
    stderr
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| !is_progress_line(line))
        .flatten()
        .copied()
        .collect()
}

/// A whole output, indented, for a failure message.
pub fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut s = String::new();
    for line in text.split_inclusive('\n') {
        s.push_str("    | ");
        s.push_str(&short(&line.replace('\0', "\\0\n    | ")));
    }
    if !data.ends_with(b"\n") && !data.is_empty() {
        s.push_str("⏎(no final newline)\n");
    }
    if data.is_empty() {
        s.push_str("    (empty)\n");
    }
    s
}

/// A line for a message: the middle of a very long one (a path 30,000
/// directories deep) is cut.
fn short(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= 200 {
        return line.to_string();
    }
    let head: String = chars[..100].iter().collect();
    let tail: String = chars[chars.len() - 80..].iter().collect();
    format!("{head} ...[{} characters]... {tail}", chars.len())
}

fn split_records(data: &[u8], sep: u8) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = data.split_inclusive(|&b| b == sep).collect();
    // A last record without its separator stays distinguishable.
    v.retain(|r| !r.is_empty());
    v
}

fn record(r: &[u8]) -> String {
    short(
        &String::from_utf8_lossy(r)
            .trim_end_matches(['\n', '\0'])
            .replace('\n', "\\n"),
    )
}

/// A record-by-record diff of two outputs (longest common subsequence);
/// for outputs too long for that, the first record where they part.
pub fn diff(expected: &[u8], actual: &[u8], sep: u8) -> String {
    let a = split_records(expected, sep);
    let b = split_records(actual, sep);
    if a.len() * b.len() > 4_000_000 {
        let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let line = |v: &[&[u8]]| v.get(at).map(|r| record(r)).unwrap_or("(end)".into());
        return format!(
            "    {} and {} records; the first difference, record {}:\n    -gnu: {}\n    +cdu: {}\n",
            a.len(),
            b.len(),
            at + 1,
            line(&a),
            line(&b)
        );
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("    +cdu: {}\n", record(b[j])));
            j += 1;
        } else {
            out.push_str(&format!("    -gnu: {}\n", record(a[i])));
            i += 1;
        }
    }
    out
}
