//! A tree's rows as text: the size, the share of the operand's total, a
//! bar, and the name behind tree lines, cut in the middle to fit the width.
//! Colour, when on, tells directories from files and shades bars by depth.

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthChar;

use super::tree_layout::{Row, RowKind};
use crate::progress::group_digits;
use crate::quote::{Locale, quote_if_needed};
use crate::size::{SizeFormat, format_size};

/// How rows are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    pub width: usize,
    pub color: bool,
    pub format: SizeFormat,
    pub locale: Locale,
}

/// The narrowest width laid out as asked; below it the names are cut to
/// nothing and rows may be wider than asked.
const MIN_BAR: usize = 4;
const MAX_BAR: usize = 24;

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

fn size_text(value: u64, format: &SizeFormat) -> String {
    let mut v = Vec::new();
    format_size(value, format, &mut v);
    String::from_utf8_lossy(&v).into_owned()
}

fn text_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to at most `max` columns by taking out its middle, marked `…`.
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
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if w > head {
            break;
        }
        head -= w;
        out.push(c);
    }
    // What a wide character left over at the head goes to the tail.
    let mut tail = room / 2 + head;
    out.push('…');
    let mut end: Vec<char> = Vec::new();
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if w > tail {
            break;
        }
        tail -= w;
        end.push(c);
    }
    out.extend(end.into_iter().rev());
    out
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
        RowKind::Rest { count } => {
            let noun = if count == 1 { "entry" } else { "entries" };
            format!("… {} more {noun}", group_digits(count))
        }
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

/// Writes `rows` (one operand's, in order) for an operand of `total`.
pub fn render(rows: &[Row], total: u64, look: &Look, out: &mut String) {
    let sizes: Vec<String> = rows
        .iter()
        .map(|r| size_text(r.value, &look.format))
        .collect();
    let size_width = sizes.iter().map(|s| s.len()).max().unwrap_or(0).max(4);
    // size, share ("100.0%"), bar, each followed by a space.
    let fixed = size_width + 1 + 6 + 1;
    let bar_cells = (look.width.saturating_sub(fixed) / 4).clamp(MIN_BAR, MAX_BAR);
    let name_room = look.width.saturating_sub(fixed + bar_cells + 1);
    // Whether each depth's directory is the last of its own: `│` or blank.
    let mut lasts: Vec<bool> = Vec::new();
    for (row, size) in rows.iter().zip(&sizes) {
        let share = if total == 0 {
            0.0
        } else {
            row.value as f64 / total as f64
        };
        out.push_str(&format!("{size:>size_width$} {:>5.1}% ", share * 100.0));
        let (filled, empty) = bar(share, bar_cells);
        let color = BAR_COLORS[row.depth % BAR_COLORS.len()];
        styled(
            out,
            Style::new().fg_color(Some(color.into())),
            look.color,
            &filled,
        );
        styled(out, DIM, look.color, &empty);
        out.push(' ');
        let mut lines = String::new();
        if row.depth > 0 {
            lasts.truncate(row.depth - 1);
            for &last in &lasts {
                lines.push_str(if last { "   " } else { "│  " });
            }
            lines.push_str(if row.last { "└─ " } else { "├─ " });
            lasts.push(row.last);
        }
        let lines_width = text_width(&lines);
        styled(out, DIM, look.color, &lines);
        let name = cut_middle(
            &label(row, look.locale),
            name_room.saturating_sub(lines_width),
        );
        let style = match row.kind {
            RowKind::Dir => DIR,
            RowKind::File => Style::new(),
            RowKind::Rest { .. } => DIM,
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
    fn bars_fill_by_eighths() {
        assert_eq!(bar(1.0, 4), ("████".to_string(), String::new()));
        assert_eq!(bar(0.5, 4), ("██".to_string(), "░░".to_string()));
        assert_eq!(bar(0.0625, 4), ("▎".to_string(), "░░░".to_string()));
    }
}
