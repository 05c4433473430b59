//! A tree's rows as text: the size, the share of the operand's total, a
//! bar, and the name behind tree lines, cut in the middle to fit the width.
//! Colour, when on, tells directories from files and shades bars by depth.

use anstyle::{AnsiColor, Style};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::tree_layout::{Row, RowKind};
use crate::progress::group_digits;
use crate::quote::{Locale, quote_if_needed};
use crate::size::{SizeFormat, size_text};

/// How rows are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    pub width: usize,
    pub color: bool,
    pub format: SizeFormat,
    pub locale: Locale,
}

/// The bar's narrowest and widest.
const MIN_BAR: usize = 4;
const MAX_BAR: usize = 24;
/// The columns a name keeps (its tree lines aside) before the bar, then
/// the share, then the size are given up for it: enough to tell most
/// names apart.
const MIN_NAME: usize = 10;

const DIR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));
const DIM: Style = Style::new().dimmed();
const NOTE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
/// Bar colours, one per depth, round again past the last.
const BAR_COLORS: [AnsiColor; 5] = [
    AnsiColor::Cyan,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Magenta,
    AnsiColor::Red,
];
/// Eighths of a bar cell, from one eighth to seven.
const EIGHTHS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];

fn styled(out: &mut String, style: Style, color: bool, text: &str) {
    if color && style != Style::new() {
        out.push_str(&style.render().to_string());
        out.push_str(text);
        out.push_str(&style.render_reset().to_string());
    } else {
        out.push_str(text);
    }
}

fn text_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns by taking out its middle, marked `…`.
/// A letter and the accents combined with it go or stay together.
pub fn cut_middle(s: &str, max: usize) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let room = max - 1;
    let mut head = room.div_ceil(2);
    let mut out = String::new();
    for g in s.graphemes(true) {
        let w = text_width(g);
        if w > head {
            break;
        }
        head -= w;
        out.push_str(g);
    }
    // What a wide character left over at the head goes to the tail.
    let mut tail = room / 2 + head;
    out.push('…');
    let mut end: Vec<&str> = Vec::new();
    for g in s.graphemes(true).rev() {
        let w = text_width(g);
        if w > tail {
            break;
        }
        tail -= w;
        end.push(g);
    }
    out.extend(end.into_iter().rev());
    out
}

/// The rest row's label in at most `max` columns: shorter wordings
/// rather than a cut through a word.
fn rest_label(count: u64, max: usize) -> String {
    let noun = if count == 1 { "entry" } else { "entries" };
    let n = group_digits(count);
    [
        format!("… {n} more {noun}"),
        format!("… {n} more"),
        format!("… {n}"),
        format!("…{n}"),
        "…".to_string(),
    ]
    .into_iter()
    .find(|l| text_width(l) <= max)
    .unwrap_or_default()
}

/// A bar `cells` wide, `share` (0 to 1) of it filled.
fn bar(share: f64, cells: usize) -> (String, String) {
    let eighths = (share.clamp(0.0, 1.0) * (cells * 8) as f64).round() as usize;
    let mut filled = "█".repeat(eighths / 8);
    let mut used = eighths / 8;
    if !eighths.is_multiple_of(8) {
        filled.push(EIGHTHS[eighths % 8 - 1]);
        used += 1;
    }
    (filled, "░".repeat(cells - used))
}

/// The name column of a row: as du quotes names for a terminal, with a
/// slash after a directory below the operand, or the count of the rest.
fn label(row: &Row, locale: Locale) -> String {
    match row.kind {
        RowKind::Rest { count } => rest_label(count, usize::MAX),
        RowKind::Dir | RowKind::File => {
            let mut name =
                String::from_utf8_lossy(&quote_if_needed(&row.name, locale)).into_owned();
            if row.kind == RowKind::Dir && row.depth > 0 {
                name.push('/');
            }
            name
        }
    }
}

/// Which columns a tree's rows have room for, the name always among them.
struct Columns {
    size: Option<usize>,
    share: bool,
    bar: usize,
    name: usize,
}

/// Fits the columns into `width`: the bar goes first, then the share,
/// then the size, so that names stay readable on a narrow terminal.
fn columns(width: usize, size_width: usize, name_need: usize) -> Columns {
    let name_min = name_need.min(MIN_NAME);
    // size, share ("100.0%"), bar, each followed by a space.
    let fixed = size_width + 1 + 6 + 1;
    if width >= fixed + MIN_BAR + 1 + name_min {
        let bar = (width.saturating_sub(fixed) / 4).clamp(MIN_BAR, MAX_BAR);
        let bar = bar.min(width - fixed - 1 - name_min);
        return Columns {
            size: Some(size_width),
            share: true,
            bar,
            name: width - fixed - bar - 1,
        };
    }
    let (size, share) = if width >= size_width + 1 + 7 + name_min {
        (Some(size_width), true)
    } else if width >= size_width + 1 + name_min {
        (Some(size_width), false)
    } else {
        (None, false)
    };
    let used = size.map_or(0, |w| w + 1) + if share { 7 } else { 0 };
    Columns {
        size,
        share,
        bar: 0,
        name: width - used,
    }
}

/// Writes `rows` (one operand's, in order) for an operand of `total`.
pub fn render(rows: &[Row], total: u64, look: &Look, out: &mut String) {
    let sizes: Vec<String> = rows
        .iter()
        .map(|r| size_text(r.value, &look.format))
        .collect();
    let size_width = sizes.iter().map(|s| s.len()).max().unwrap_or(0).max(4);
    let name_need = rows
        .iter()
        .map(|r| 3 * r.depth + text_width(&label(r, look.locale)))
        .max()
        .unwrap_or(0);
    let cols = columns(look.width, size_width, name_need);
    // Whether each depth's directory is the last of its own: `│` or blank.
    let mut lasts: Vec<bool> = Vec::new();
    for (row, size) in rows.iter().zip(&sizes) {
        let share = if total == 0 {
            0.0
        } else {
            row.value as f64 / total as f64
        };
        if cols.size.is_some() {
            out.push_str(&format!("{size:>size_width$} "));
        }
        if cols.share {
            out.push_str(&format!("{:>5.1}% ", share * 100.0));
        }
        if cols.bar > 0 {
            let (filled, empty) = bar(share, cols.bar);
            let color = BAR_COLORS[row.depth % BAR_COLORS.len()];
            styled(
                out,
                Style::new().fg_color(Some(color.into())),
                look.color,
                &filled,
            );
            styled(out, DIM, look.color, &empty);
            out.push(' ');
        }
        let mut lines = String::new();
        if row.depth > 0 {
            lasts.truncate(row.depth - 1);
            for &last in &lasts {
                lines.push_str(if last { "   " } else { "│  " });
            }
            lines.push_str(if row.last { "└─ " } else { "├─ " });
            lasts.push(row.last);
        }
        let label = match row.kind {
            RowKind::Rest { .. } => None,
            _ => Some(label(row, look.locale)),
        };
        // The tree lines give way to the name where both do not fit, the
        // outer ones first, a whole level (three columns) at a time.
        let name_min = label.as_deref().map_or(1, text_width).min(MIN_NAME);
        let keep = cols.name.saturating_sub(name_min) / 3 * 3;
        let lines: String = {
            let chars: Vec<char> = lines.chars().collect();
            let start = chars.len().saturating_sub(keep);
            chars[start..].iter().collect()
        };
        let room = cols.name - text_width(&lines);
        styled(out, DIM, look.color, &lines);
        let (name, style) = match (row.kind, label) {
            (RowKind::Rest { count }, _) => (rest_label(count, room), DIM),
            (kind, Some(label)) => {
                let style = if kind == RowKind::Dir {
                    DIR
                } else {
                    Style::new()
                };
                (cut_middle(&label, room), style)
            }
            (_, None) => (String::new(), Style::new()),
        };
        styled(out, style, look.color, &name);
        out.push('\n');
    }
}

/// A line under the trees: a count of what could not be read, or that the
/// scan was stopped.
pub fn render_note(text: &str, look: &Look, out: &mut String) {
    styled(out, NOTE, look.color, text);
    out.push('\n');
}

/// `-c`'s last line under the trees: the operands' total, in the trees'
/// units, as `SIZE total`.
pub fn render_total(value: u64, look: &Look, out: &mut String) {
    out.push_str(&size_text(value, &look.format));
    out.push_str(" total\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_in_the_middle() {
        assert_eq!(cut_middle("abcdefghij", 10), "abcdefghij");
        assert_eq!(cut_middle("abcdefghij", 7), "abc…hij");
        assert_eq!(cut_middle("abcdefghij", 6), "abc…ij");
        assert_eq!(cut_middle("日本語のファイル", 7), "日…イル");
    }

    #[test]
    fn a_cut_keeps_accents_with_their_letters() {
        // "e" and a combining acute accent at the end of the head, then
        // at the start of the tail.
        assert_eq!(cut_middle("cafe\u{301}_long_name", 8), "cafe\u{301}…ame");
        assert_eq!(cut_middle("long_name_e\u{301}te", 7), "lon…e\u{301}te");
    }

    #[test]
    fn rest_rows_shorten_by_words() {
        assert_eq!(rest_label(12345, 100), "… 12,345 more entries");
        assert_eq!(rest_label(12345, 15), "… 12,345 more");
        assert_eq!(rest_label(12345, 9), "… 12,345");
        assert_eq!(rest_label(12345, 7), "…12,345");
        assert_eq!(rest_label(12345, 3), "…");
    }

    #[test]
    fn narrow_rows_give_up_the_bar_then_the_share_then_the_size() {
        let at = |w| {
            let c = columns(w, 4, 30);
            (c.size.is_some(), c.share, c.bar > 0, c.name)
        };
        assert_eq!(at(40), (true, true, true, 40 - 12 - 7 - 1));
        assert_eq!(at(22), (true, true, false, 22 - 12));
        assert_eq!(at(16), (true, false, false, 16 - 5));
        assert_eq!(at(9), (false, false, false, 9));
    }

    #[test]
    fn bars_fill_by_eighths() {
        assert_eq!(bar(1.0, 4), ("████".to_string(), String::new()));
        assert_eq!(bar(0.5, 4), ("██".to_string(), "░░".to_string()));
        assert_eq!(bar(0.0625, 4), ("▎".to_string(), "░░░".to_string()));
    }
}
