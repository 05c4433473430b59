//! Drawing a frame: the title line, the open directory's entries (only
//! the rows on screen), the information pane, the help or the
//! confirmation over them, and the status or progress line at the bottom.
//! It fits any width down to 20 columns by leaving out the bar, then the
//! share.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::app::{Browser, How, Overlay};
use super::change::{Before, Changes, Measure, is_gone};
use super::model::{FLAG_ERROR, FLAG_LINKED, FLAG_OPEN, Kind, NodeId, Tree, read};
use crate::config::Config;
use crate::progress::group_digits;
use crate::quote::quote_if_needed;
use crate::size::size_text;

/// Cells of the bar, when the width allows one.
const BAR: usize = 10;
/// Columns of the change since OLD, e.g. `-1023.9M gone`.
const CHANGE: usize = 13;

/// `s` cut to `max` columns, wide characters counted as two; a cut name
/// ends with `~`.
pub fn fit(s: &str, max: usize) -> String {
    let width: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if width <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('~');
    }
    out
}

/// A name as du writes it on a terminal.
fn shown_name(config: &Config, name: &[u8]) -> String {
    String::from_utf8_lossy(&quote_if_needed(name, config.locale)).into_owned()
}

impl Browser {
    fn size_of(&self, tree: &Tree, id: NodeId) -> u64 {
        let n = tree.node(id);
        if self.config.inodes {
            u64::from(n.items)
        } else if self.view.apparent {
            n.apparent
        } else {
            n.disk
        }
    }

    /// Draws the whole frame.
    pub fn draw(&mut self, frame: &mut Frame) {
        let tree = self.tree.clone();
        let tree = read(&tree);
        self.refresh(&tree);
        let area = frame.area();
        if area.height < 3 || area.width < 8 {
            frame.render_widget(Paragraph::new("too small"), area);
            return;
        }
        let pane = if tree.changes.is_some() { 10 } else { 9 };
        let info_rows = if self.info {
            pane.min(area.height - 3)
        } else {
            0
        };
        let list = Rect::new(0, 1, area.width, area.height - 2 - info_rows);
        self.page = list.height as usize;
        self.view.scroll(self.page);
        frame.render_widget(
            Paragraph::new(self.title(&tree, area.width)),
            Rect::new(0, 0, area.width, 1),
        );
        let lines = self.rows(&tree, list.width as usize, list.height as usize);
        frame.render_widget(Paragraph::new(lines), list);
        if info_rows > 0 {
            let pane = Rect::new(0, list.y + list.height, area.width, info_rows);
            frame.render_widget(self.info_pane(&tree, pane.width as usize), pane);
        }
        let bottom = Rect::new(0, area.height - 1, area.width, 1);
        frame.render_widget(
            Paragraph::new(self.footer(&tree, area.width as usize)),
            bottom,
        );
        match &self.overlay {
            Overlay::None => {}
            Overlay::Help => {
                let text = help_lines();
                let rect = centred(area, 46, text.len() as u16 + 2);
                frame.render_widget(Clear, rect);
                frame.render_widget(
                    Paragraph::new(text)
                        .block(Block::default().borders(Borders::ALL).title("keys")),
                    rect,
                );
            }
            Overlay::Confirm(_) => {
                let text = self.confirm_lines(&tree);
                let rect = centred(area, 50, text.len() as u16 + 2);
                frame.render_widget(Clear, rect);
                frame.render_widget(
                    Paragraph::new(text)
                        .block(Block::default().borders(Borders::ALL).title("confirm")),
                    rect,
                );
            }
        }
    }

    fn title(&self, tree: &Tree, width: u16) -> Line<'static> {
        let mut path = Vec::new();
        for &d in self.view.path.iter().skip(1) {
            if !path.is_empty() && path.last() != Some(&b'/') {
                path.push(b'/');
            }
            path.extend_from_slice(tree.name(d));
        }
        let mut marks = String::new();
        if tree.partial {
            marks.push_str(" [partial]");
        }
        if self.read_only {
            marks.push_str(" [read-only]");
        }
        if self.view.sorting() {
            marks.push_str(" [sorting]");
        }
        let text = format!(
            "cdu -i {}{marks}",
            shown_name(&self.config, if path.is_empty() { b"/" } else { &path })
        );
        let style = Style::default().add_modifier(Modifier::REVERSED);
        Line::from(Span::styled(
            format!("{:w$}", fit(&text, width as usize), w = width as usize),
            style,
        ))
    }

    fn rows(&self, tree: &Tree, width: usize, height: usize) -> Vec<Line<'static>> {
        let dir_size = self.size_of(tree, self.view.dir()).max(1);
        let visible = self.view.rows.iter().skip(self.view.offset).take(height);
        let sizes: Vec<String> = visible
            .clone()
            .map(|&id| size_text(self.size_of(tree, id), &self.config.format))
            .collect();
        let size_width = sizes.iter().map(String::len).max().unwrap_or(0).max(4);
        let mut lines = Vec::new();
        if self.view.rows.is_empty() {
            let text = if tree.done { "(empty)" } else { "(scanning)" };
            lines.push(Line::from(text.to_string()));
        }
        for (i, (&id, size)) in visible.zip(sizes).enumerate() {
            let node = tree.node(id);
            let mark = if self.view.marks.contains(&id) {
                '*'
            } else {
                ' '
            };
            let flag = if node.kind == Kind::Unreadable || node.flags & FLAG_ERROR != 0 {
                '!'
            } else if node.flags & FLAG_OPEN != 0 {
                '.'
            } else if node.kind == Kind::Symlink {
                '@'
            } else if node.flags & FLAG_LINKED != 0 {
                'H'
            } else {
                ' '
            };
            let mut text = format!("{mark}{flag}{size:>size_width$} ");
            let share = self.size_of(tree, id) as f64 / dir_size as f64;
            if width >= 40 {
                text.push_str(&format!("{:5.1}% ", share * 100.0));
            }
            if width >= 60 {
                let filled = ((share * BAR as f64).round() as usize).min(BAR);
                text.push('[');
                text.push_str(&"#".repeat(filled));
                text.push_str(&" ".repeat(BAR - filled));
                text.push_str("] ");
            }
            if self.view.counts && width >= 30 {
                text.push_str(&format!("{:>9} ", group_digits(u64::from(node.items))));
            }
            if let Some(changes) = &tree.changes
                && width >= 40
            {
                let change = self.change_text(tree, changes, id);
                text.push_str(&format!("{change:>CHANGE$} "));
            }
            let mut name = shown_name(&self.config, tree.name(id));
            if node.is_dir() || node.kind == Kind::GoneDir {
                name.push('/');
            }
            let room = width.saturating_sub(text.chars().count());
            text.push_str(&fit(&name, room));
            let selected = self.view.offset + i == self.view.selected;
            let mut style = Style::default();
            if self.color && node.is_dir() {
                style = style.fg(Color::Blue).add_modifier(Modifier::BOLD);
            }
            if selected {
                style = style.add_modifier(Modifier::REVERSED);
                text = format!("{text:width$}");
            }
            lines.push(Line::from(Span::styled(text, style)));
        }
        lines
    }

    fn footer(&self, tree: &Tree, width: usize) -> Line<'static> {
        if let Some(status) = &self.status {
            return Line::from(fit(status, width));
        }
        let text = if !tree.done {
            let p = &tree.progress;
            let mut s = format!(
                "scanning: {} entries, {} dirs, {}",
                group_digits(p.entries),
                group_digits(p.dirs),
                size_text(p.bytes, &self.config.format)
            );
            if let Some(eta) = &p.eta {
                s.push_str(&format!(", {eta}"));
            }
            if let Some(dir) = tree.scanning {
                s.push_str(&format!(" in {}", shown_name(&self.config, tree.name(dir))));
            }
            s.push_str(" (Esc stops)");
            s
        } else {
            let root = super::model::ROOT;
            let total = self.size_of(tree, root);
            let mut s = format!(
                "total {}: {}  items: {}",
                if self.view.apparent {
                    "apparent size"
                } else {
                    "disk usage"
                },
                size_text(total, &self.config.format),
                group_digits(u64::from(tree.node(root).items))
            );
            if tree.partial {
                s.push_str("  partial: sizes are lower bounds");
            }
            if tree.errors > 0 {
                s.push_str(&format!("  {} unreadable", group_digits(tree.errors)));
            }
            if let Some(changes) = &tree.changes
                && let Some(top) = tree.children(root).next()
            {
                s.push_str(&format!(
                    "  since OLD: {}",
                    self.change_text(tree, changes, top)
                ));
            }
            if self.config.diff.is_some() && tree.changes.is_none() {
                s.push_str("  OLD could not be read");
            }
            s.push_str("  ?: keys");
            s
        };
        Line::from(fit(&text, width))
    }

    /// The change of `id` since OLD: `+1.2M`, `-300K`, `0`, with `new` or
    /// `gone` after an entry only one side has; empty if OLD cannot say.
    fn change_text(&self, tree: &Tree, changes: &Changes, id: NodeId) -> String {
        let Some(change) = changes.change(tree, id) else {
            return String::new();
        };
        let size = |n: u64| {
            if changes.measure == Measure::Items {
                group_digits(n)
            } else {
                size_text(n, &self.config.format)
            }
        };
        let mut text = match change {
            0 => "0".to_string(),
            c if c > 0 => format!("+{}", size(c.min(u64::MAX.into()) as u64)),
            c => format!("-{}", size(c.unsigned_abs().min(u64::MAX.into()) as u64)),
        };
        if is_gone(tree.node(id).kind) {
            text.push_str(" gone");
        } else if changes.before(id) == Before::New {
            text.push_str(" new");
        }
        text
    }

    fn info_pane(&self, tree: &Tree, width: usize) -> Paragraph<'static> {
        let mut lines = Vec::new();
        if let Some(id) = self.view.selected_node() {
            let node = tree.node(id);
            let target = self.target_of(tree, id);
            let path = target
                .as_ref()
                .map_or_else(|| tree.name(id).to_vec(), |t| t.path());
            let kind = match node.kind {
                Kind::Dir => "directory",
                Kind::File => "file",
                Kind::Symlink => "symbolic link",
                Kind::Other => "special file",
                Kind::Unreadable => "unreadable",
                Kind::GoneDir => "directory, gone since OLD",
                Kind::GoneFile => "gone since OLD",
            };
            let mut push = |label: &str, value: String| {
                lines.push(Line::from(fit(
                    &format!("{label:<14}{value}"),
                    width.saturating_sub(2),
                )));
            };
            push("path", shown_name(&self.config, &path));
            push("type", kind.to_string());
            push("disk usage", size_text(node.disk, &self.config.format));
            push(
                "apparent size",
                size_text(node.apparent, &self.config.format),
            );
            push("items", group_digits(u64::from(node.items)));
            let st = rustix::fs::statat(
                rustix::fs::CWD,
                path.as_slice(),
                rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
            );
            let modified = jiff::Timestamp::from_second(i64::from(node.mtime))
                .ok()
                .filter(|_| node.mtime > 0)
                .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::system()))
                .and_then(|z| jiff::fmt::strtime::format("%Y-%m-%d %H:%M", &z).ok())
                .unwrap_or_else(|| "unknown".into());
            push("modified", modified);
            if let Some(changes) = &tree.changes {
                push("since OLD", self.change_text(tree, changes, id));
            }
            match st {
                Ok(st) => {
                    push("links", st.st_nlink.to_string());
                    push("owner", format!("uid {} gid {}", st.st_uid, st.st_gid));
                }
                Err(e) => push("now", crate::message::strerror(e.raw_os_error())),
            }
        }
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title("info"))
    }

    fn confirm_lines(&self, tree: &Tree) -> Vec<Line<'static>> {
        let Overlay::Confirm(pending) = &self.overlay else {
            return Vec::new();
        };
        let verb = match pending.how {
            How::Delete => "Delete for good",
            How::Trash => "Move to the trash",
        };
        let mut lines = vec![Line::from(format!(
            "{verb} {} {}?",
            pending.entries.len(),
            if pending.entries.len() == 1 {
                "entry"
            } else {
                "entries"
            }
        ))];
        for (id, _, _) in pending.entries.iter().take(5) {
            let mut name = shown_name(&self.config, tree.name(*id));
            if tree.node(*id).is_dir() {
                name.push('/');
            }
            lines.push(Line::from(format!("  {}", fit(&name, 44))));
        }
        if pending.entries.len() > 5 {
            lines.push(Line::from(format!(
                "  and {} more",
                pending.entries.len() - 5
            )));
        }
        let size = if self.view.apparent {
            pending.sizes.apparent
        } else {
            pending.sizes.disk
        };
        lines.push(Line::from(format!(
            "{} in {} items",
            size_text(size, &self.config.format),
            group_digits(u64::from(pending.sizes.items))
        )));
        lines.push(Line::from("y: yes   any other key: no"));
        lines
    }
}

fn help_lines() -> Vec<Line<'static>> {
    [
        "up/k down/j   move",
        "PgUp PgDn Home End",
        "right/l/Enter open a directory",
        "left/h/Bksp   go up",
        "s n C M       sort: size name items time",
        "              (again: reverse)",
        "+             sort by change since OLD (--diff)",
        "a             apparent size / disk usage",
        "c             item counts",
        "i             information pane",
        "r             rescan the selected directory",
        "space         mark or unmark",
        "d             delete (marked, else selected)",
        "D             move to the trash",
        "Esc Ctrl-C    stop the scan",
        "q             quit",
    ]
    .into_iter()
    .map(Line::from)
    .collect()
}

/// A box of at most `w` by `h` in the middle of `area`.
fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
