//! The browser's behaviour: what each key does to the view and the tree,
//! removing and trashing after a confirmation, and rescanning. Drawing is
//! in `draw`, the terminal in `term`; this part runs as well on a test
//! backend as on a terminal.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::change;
use super::model::{Kind, NodeId, ROOT, Shared, Sizes, Tree, lock, read};
use super::remove::{self, Identity, Target};
use super::sink::TreeSink;
use super::view::{SortKey, View};
use crate::cancel::Cancel;
use crate::config::{Config, Operand};

/// What the caller does after a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Wait for the next key.
    Continue,
    /// Leave the browser.
    Quit,
    /// Ctrl-Z: give the terminal back and stop until `fg`.
    Suspend,
}

/// How chosen entries go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    Delete,
    Trash,
}

/// A removal waiting for its `y`.
pub struct Pending {
    pub how: How,
    pub entries: Vec<(NodeId, Target, Identity)>,
    pub sizes: Sizes,
}

/// What is drawn over the list.
pub enum Overlay {
    None,
    Help,
    Confirm(Pending),
}

/// The browser's state between keys: the tree, where the view is, and
/// what is shown over it.
pub struct Browser {
    /// The scan's tree, shared with the thread that fills it.
    pub tree: Shared,
    /// The directory shown, its order and the cursor.
    pub view: View,
    /// The scan's configuration, for rescans.
    pub config: Arc<Config>,
    /// Nothing is removed or rescanned (`--read-only`).
    pub read_only: bool,
    cancel: Arc<Cancel>,
    /// What is drawn over the list.
    pub overlay: Overlay,
    /// The information pane is open.
    pub info: bool,
    /// The last message (an error, a refusal, what a removal did).
    pub status: Option<String>,
    /// Rows of the list at the last frame, for paging.
    pub page: usize,
    /// Sizes and names are drawn in colour.
    pub color: bool,
    /// The directory the view opened with has been entered.
    entered: bool,
    /// How deep `←` may go back: 1 lists the operands, 2 the one operand.
    top: usize,
}

impl Browser {
    /// A browser on `tree`, which a scan under `cancel` may still be
    /// filling.
    pub fn new(config: Arc<Config>, tree: Shared, cancel: Arc<Cancel>) -> Self {
        let read_only = config.read_only || config.import.is_some();
        let single = config.operands.len() == 1 || config.import.is_some();
        Browser {
            tree,
            view: View::new(config.apparent),
            read_only,
            cancel,
            overlay: Overlay::None,
            info: false,
            status: None,
            page: 10,
            color: false,
            entered: false,
            top: if single { 2 } else { 1 },
            config,
        }
    }

    /// Brings the view up to date with the tree; called before each frame
    /// and key.
    pub fn refresh(&mut self, tree: &Tree) {
        if !self.entered
            && self.top == 2
            && let Some(first) = tree.children(ROOT).next()
        {
            if tree.node(first).is_dir() {
                self.view.enter(first);
            } else {
                self.top = 1;
            }
            self.entered = true;
        }
        let shared = self.tree.clone();
        self.view.refresh(tree, Some(&shared));
    }

    /// Whether the scan is still filling the tree.
    pub fn scanning(&self) -> bool {
        !read(&self.tree).done
    }

    /// Handles one key.
    pub fn key(&mut self, key: KeyEvent) -> Flow {
        if key.kind == KeyEventKind::Release {
            return Flow::Continue;
        }
        let tree = self.tree.clone();
        {
            let tree = read(&tree);
            self.refresh(&tree);
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::Confirm(pending) => {
                if key.code == KeyCode::Char('y') && !ctrl {
                    self.carry_out(pending);
                } else {
                    self.status = Some("nothing was removed".into());
                }
                return Flow::Continue;
            }
            Overlay::Help => {
                // Any key closes the help; q and Ctrl-C still do their part.
                let passes =
                    key.code == KeyCode::Char('q') || (ctrl && key.code == KeyCode::Char('c'));
                if !passes {
                    return Flow::Continue;
                }
            }
            Overlay::None => {}
        }
        self.status = None;
        let scanning = self.scanning();
        match key.code {
            KeyCode::Char('c') if ctrl => {
                if scanning {
                    self.stop();
                } else {
                    return Flow::Quit;
                }
            }
            KeyCode::Char('z') if ctrl => return Flow::Suspend,
            KeyCode::Esc => {
                if scanning {
                    self.stop();
                } else {
                    self.info = false;
                }
            }
            KeyCode::Char('q') => return Flow::Quit,
            KeyCode::Up | KeyCode::Char('k') => self.view.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.view.move_by(1),
            KeyCode::PageUp => self.view.move_by(-(self.page.max(1) as isize)),
            KeyCode::PageDown => self.view.move_by(self.page.max(1) as isize),
            KeyCode::Home => self.view.select(0),
            KeyCode::End => self.view.select(usize::MAX),
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Enter => self.open(),
            KeyCode::Left | KeyCode::Char('h') | KeyCode::Backspace => {
                self.view.leave(self.top);
            }
            KeyCode::Char('s') => self.view.sort_by(SortKey::Size),
            KeyCode::Char('n') => self.view.sort_by(SortKey::Name),
            KeyCode::Char('C') => self.view.sort_by(SortKey::Items),
            KeyCode::Char('M') => self.view.sort_by(SortKey::Mtime),
            KeyCode::Char('+') => {
                if read(&tree).changes.is_some() {
                    self.view.sort_by(SortKey::Change);
                } else if self.config.diff.is_some() {
                    self.status = Some("the changes are known once the scan has ended".into());
                } else {
                    self.status = Some("no change to sort by: that needs --diff=OLD".into());
                }
            }
            KeyCode::Char('a') => {
                self.view.apparent = !self.view.apparent;
                self.view.invalidate();
            }
            KeyCode::Char('c') => self.view.counts = !self.view.counts,
            KeyCode::Char('i') => self.info = !self.info,
            KeyCode::Char('?') => self.overlay = Overlay::Help,
            KeyCode::Char(' ') => {
                if let Some(id) = self.view.selected_node()
                    && !self.view.marks.remove(&id)
                {
                    self.view.marks.insert(id);
                }
                self.view.move_by(1);
            }
            KeyCode::Char('d') => self.ask(How::Delete),
            KeyCode::Char('D') => self.ask(How::Trash),
            KeyCode::Char('r') => self.rescan_selected(),
            _ => {}
        }
        let tree = read(&tree);
        self.refresh(&tree);
        Flow::Continue
    }

    fn stop(&mut self) {
        self.cancel.cancel();
        self.status = Some("stopping the scan; what was found stays".into());
    }

    fn open(&mut self) {
        let Some(id) = self.view.selected_node() else {
            return;
        };
        if read(&self.tree).node(id).is_dir() {
            self.view.enter(id);
        }
    }

    /// Refuses a change to the disk, saying why, when there is a reason.
    fn refuse_change(&mut self, what: &str) -> bool {
        let why = if self.config.import.is_some() {
            "a saved scan is browsed read-only"
        } else if self.read_only {
            "--read-only is in effect"
        } else if self.scanning() {
            "the scan is still running (Esc stops it)"
        } else {
            return false;
        };
        self.status = Some(format!("cannot {what}: {why}"));
        true
    }

    /// Where `node`, an entry of the open directory, is on disk.
    pub(super) fn target_of(&self, tree: &Tree, node: NodeId) -> Option<Target> {
        let path = &self.view.path;
        // The operand is the second node of the path; the root lists
        // operands, which are not removed from here.
        let operand = *path.get(1)?;
        Some(Target {
            operand: tree.name(operand).to_vec(),
            dirs: path[2..].iter().map(|&d| tree.name(d).to_vec()).collect(),
            name: tree.name(node).to_vec(),
            is_dir: tree.node(node).is_dir(),
        })
    }

    /// The marked entries, or else the selected one.
    fn chosen(&self) -> Vec<NodeId> {
        if self.view.marks.is_empty() {
            self.view.selected_node().into_iter().collect()
        } else {
            self.view.marks.iter().copied().collect()
        }
    }

    fn ask(&mut self, how: How) {
        let what = match how {
            How::Delete => "delete",
            How::Trash => "move to the trash",
        };
        if self.refuse_change(what) {
            return;
        }
        let chosen = self.chosen();
        if chosen.is_empty() {
            return;
        }
        let tree = self.tree.clone();
        let tree = lock(&tree);
        let mut pending = Pending {
            how,
            entries: Vec::new(),
            sizes: Sizes::default(),
        };
        for node in chosen {
            if change::is_gone(tree.node(node).kind) {
                let name = crate::quote::quote(tree.name(node), self.config.locale);
                self.status = Some(format!(
                    "cannot {what} {}: it is gone already (only OLD had it)",
                    String::from_utf8_lossy(&name)
                ));
                return;
            }
            let Some(target) = self.target_of(&tree, node) else {
                self.status = Some(format!("cannot {what} an operand from here"));
                return;
            };
            match remove::identify(&target) {
                Ok(id) => {
                    let s = Sizes::of(tree.node(node));
                    pending.sizes.disk += s.disk;
                    pending.sizes.apparent += s.apparent;
                    pending.sizes.items += s.items;
                    pending.entries.push((node, target, id));
                }
                Err(why) => {
                    let shown = crate::quote::quote(&target.path(), self.config.locale);
                    self.status = Some(format!(
                        "cannot {what} {}: {why}",
                        String::from_utf8_lossy(&shown)
                    ));
                    return;
                }
            }
        }
        self.overlay = Overlay::Confirm(pending);
    }

    /// Removes or trashes what `pending` names, and corrects the sizes.
    fn carry_out(&mut self, pending: Pending) {
        let mut done = 0usize;
        let mut freed = Sizes::default();
        let mut error = None;
        let mut rescan = Vec::new();
        for (node, target, id) in &pending.entries {
            let gone = match pending.how {
                How::Delete => {
                    let outcome = remove::remove(target, *id);
                    if outcome.first_error.is_some() && !outcome.gone && target.is_dir {
                        rescan.push(*node);
                    }
                    if error.is_none() {
                        error = outcome.first_error;
                    }
                    outcome.gone
                }
                How::Trash => match remove::trash(target, *id) {
                    Ok(()) => true,
                    Err(e) => {
                        error.get_or_insert(e);
                        false
                    }
                },
            };
            if gone {
                let mut tree = lock(&self.tree);
                let sizes = Sizes::of(tree.node(*node));
                tree.unlink(self.view.dir(), *node);
                tree.subtract(&self.view.path, sizes);
                freed.disk += sizes.disk;
                freed.apparent += sizes.apparent;
                freed.items += sizes.items;
                done += 1;
                self.view.marks.remove(node);
            }
        }
        // What a partly failed removal left is measured again.
        for node in rescan {
            let path = self.view.path.clone();
            self.rescan(&path, node);
        }
        self.view.marks.clear();
        self.view.invalidate();
        let verb = match pending.how {
            How::Delete => "removed",
            How::Trash => "moved to the trash",
        };
        let size = if self.view.apparent {
            freed.apparent
        } else {
            freed.disk
        };
        let summary = format!(
            "{verb} {done} of {} ({} freed)",
            pending.entries.len(),
            crate::size::size_text(size, &self.config.format)
        );
        self.status = Some(match error {
            Some(e) => format!("{e}; {summary}"),
            None => summary,
        });
    }

    fn rescan_selected(&mut self) {
        if self.refuse_change("rescan") {
            return;
        }
        let selected = self.view.selected_node();
        let is_dir = selected.is_some_and(|s| read(&self.tree).node(s).is_dir());
        let path = self.view.path.clone();
        match selected {
            Some(node) if is_dir => {
                self.rescan(&path, node);
            }
            // On a file, the open directory is measured again.
            _ if path.len() > self.top.min(2) => {
                let (dir, above) = path.split_last().expect("a path has the root");
                if let Some(new) = self.rescan(above, *dir) {
                    *self.view.path.last_mut().expect("a path has the root") = new;
                }
            }
            _ => self.status = Some("cannot rescan from here".into()),
        }
        // A rescan replaces nodes, and their slots may be reused.
        self.view.marks.clear();
        self.view.invalidate();
    }

    /// Scans `node` (an entry of the last directory of `path`) again and
    /// puts the result in its place; the new node.
    fn rescan(&mut self, path: &[NodeId], node: NodeId) -> Option<NodeId> {
        let target = {
            let tree = lock(&self.tree);
            let saved = std::mem::replace(&mut self.view.path, path.to_vec());
            let target = self.target_of(&tree, node);
            self.view.path = saved;
            match target {
                Some(t) => t,
                None => {
                    drop(tree);
                    self.status = Some("cannot rescan an operand from here".into());
                    return None;
                }
            }
        };
        let config = self.config.for_operand(Operand::Path(target.path()));
        let fresh: Shared = Arc::default();
        let mut sink = TreeSink::new(fresh.clone(), config.apparent);
        let summary = crate::scan(&config, &Cancel::new(), &mut sink);
        sink.flush();
        let fresh = lock(&fresh);
        let mut tree = lock(&self.tree);
        let top = fresh.children(ROOT).next();
        let gone = top.is_none_or(|t| fresh.node(t).kind == Kind::Unreadable);
        if gone {
            // It is no longer there: it goes from the view too.
            let sizes = Sizes::of(tree.node(node));
            tree.unlink(*path.last()?, node);
            tree.subtract(path, sizes);
            self.status = Some("it is gone".into());
            return None;
        }
        tree.errors += fresh.errors;
        let new = tree.graft(path, node, &fresh);
        if let Some(new) = new {
            change::rematch(&mut tree, path, new);
        }
        self.status = Some(if summary.cancelled {
            "the rescan stopped early".into()
        } else {
            format!(
                "rescanned {}",
                String::from_utf8_lossy(&crate::quote::quote_if_needed(
                    &target.path(),
                    self.config.locale
                ))
            )
        });
        new
    }
}
