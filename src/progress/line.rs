//! The text of the progress lines: the plain line a pipe gets, and the
//! live line fitted to the terminal's width, giving up its parts in turn.

use std::time::Duration;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Tick;
use crate::eta::{self, Eta};

/// `1234567` as `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Elapsed time for people: `4.2s`, `3m07s`, `1h02m09s`.
pub fn format_elapsed(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs < 60 {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m{:02}s", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

pub(super) fn format_size(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

/// One plain progress line, the format documented in the README:
///
/// ```text
/// cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB
/// ```
///
/// elapsed seconds with one decimal, entries and directories counted so
/// far, and the size of what was counted (binary units). Numbers carry no
/// separators so that scripts can read them. When the scan has a total,
/// the line ends with how far it has come ([`eta::plain_suffix`]):
///
/// ```text
/// cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB 42% ETA 73s
/// ```
pub fn plain_line(tick: &Tick, eta: Option<&Eta>) -> String {
    format!(
        "cdu: {:.1}s {} entries {} dirs {}{}\n",
        tick.elapsed.as_secs_f64(),
        tick.entries(),
        tick.counts.dirs,
        format_size(tick.counts.bytes),
        eta.map(eta::plain_suffix).unwrap_or_default()
    )
}

/// A printable form of a path for the live line: lossy UTF-8, control
/// characters (a newline or escape in a file name) shown as `?`.
pub(super) fn printable(path: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(path)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// How to stop a scan, in full and in a few columns for a narrow line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    pub full: &'static str,
    pub short: &'static str,
}

/// What a line that is cut short ends with.
pub(super) const CUT: char = '…';

pub(super) fn width_of(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The longest start of `text` that fits `width` columns with [`CUT`]
/// after it, and the cut; `text` itself if it fits.
pub(super) fn cut_to(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push(CUT);
    }
    out
}

/// The end of `chars` that fits `room` columns with [`CUT`] before it.
pub(super) fn last_columns(chars: &[char], room: usize) -> String {
    let mut used = 1;
    let mut start = chars.len();
    while start > 0 {
        let w = UnicodeWidthChar::width(chars[start - 1]).unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        start -= 1;
    }
    std::iter::once(CUT)
        .chain(chars[start..].iter().copied())
        .collect()
}

/// The live line's text, fitted to `width` columns: the percentage and
/// time left when there is a total, the counts, then the hint, then as much
/// of the end of the directory's path as fits. A narrow terminal loses the
/// rate first, then the directories, the size and the elapsed time, then
/// gets the short hint; what still does not fit is cut. The line never
/// takes more than `width` columns, so no terminal wraps it.
pub fn live_message(
    tick: &Tick,
    eta: Option<&Eta>,
    hint: Option<Hint>,
    dir: Option<&[u8]>,
    width: usize,
) -> String {
    let entries = tick.entries();
    let secs = tick.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        (entries as f64 / secs) as u64
    } else {
        0
    };
    let hint = if tick.stopping {
        Some(Hint {
            full: "stopping…",
            short: "stopping…",
        })
    } else {
        hint
    };
    let eta = eta.map(eta::live_text);
    let elapsed = format_elapsed(tick.elapsed);
    let entries = format!("{} entries", group_digits(entries));
    let dirs = format!("{} dirs", group_digits(tick.counts.dirs));
    let size = format_size(tick.counts.bytes);
    let rate = format!("{}/s", group_digits(rate));
    // Each level leaves out one more part; the last is cut to fit.
    let compose = |level: usize| {
        let keep = |from: usize, text: &str| (level < from).then(|| text.to_string());
        let hint = hint.map(|h| if level < 5 { h.full } else { h.short });
        [
            eta.clone(),
            keep(4, &elapsed),
            Some(entries.clone()),
            keep(2, &dirs),
            keep(3, &size),
            keep(1, &rate),
            hint.map(str::to_string),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("  ")
    };
    let mut line = (0..=5)
        .map(compose)
        .find(|line| width_of(line) <= width)
        .unwrap_or_else(|| cut_to(&compose(5), width));
    let room = width.saturating_sub(width_of(&line) + 2);
    // Fewer columns than this show too little of a path to be of use.
    if let Some(dir) = dir
        && room >= 12
    {
        let chars = printable(dir);
        let text: String = chars.iter().collect();
        line.push_str("  ");
        if width_of(&text) <= room {
            line.push_str(&text);
        } else {
            line.push_str(&last_columns(&chars, room));
        }
    }
    line
}
