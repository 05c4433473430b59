//! Options that a view or the diff cannot honour. Each is refused with
//! du's usage hint rather than left without effect: a person who asks for
//! `--tree --time` should hear that the tree has no time column, not get
//! a tree that looks as if the option were there.

use super::messages::Diagnostics;
use crate::config::{Config, View};

/// Diagnoses the first combination of options in `config` that cannot be
/// shown, as `Err(true)` (the usage hint follows).
pub(super) fn refuse(config: &Config, diag: &mut Diagnostics) -> Result<(), bool> {
    let view = match config.view {
        View::Du => None,
        View::Tree => Some("--tree"),
        View::Top(_) => Some("--top"),
    };
    let together = |diag: &mut Diagnostics, a: &str, b: &str| {
        diag.push(&[
            a.as_bytes(),
            b" and ",
            b.as_bytes(),
            b" cannot be used together",
        ]);
        Err(true)
    };
    if config.export.as_deref() == Some(std::ffi::OsStr::new("-")) {
        // The export takes standard output, where each of these writes.
        let other = view
            .or(config.json.then_some("--json"))
            .or(config.diff.is_some().then_some("--diff"));
        if let Some(other) = other {
            return together(diag, "--export=-", other);
        }
    }
    if let Some(view) = view {
        // Each of these prints rows of its own, in place of the view's.
        if config.diff.is_some() {
            return together(diag, view, "--diff");
        }
        if config.json {
            return together(diag, view, "--json");
        }
    }
    if config.view == View::Tree {
        // The tree's rows add up to their directory, which -S sizes do
        // not, and it has no column for a time.
        if config.separate_dirs {
            return together(diag, "--tree", "--separate-dirs");
        }
        if config.time.is_some() {
            return together(diag, "--tree", "--time");
        }
        if config.threshold < 0 {
            diag.push(&[
                b"--tree hides entries smaller than a positive --threshold; \
                          a negative one cannot be used with it",
            ]);
            return Err(true);
        }
    }
    if config.interactive {
        // The browser is its own view; these print, or are not shown yet.
        for (given, name) in [
            (config.view == View::Tree, "--tree"),
            (matches!(config.view, View::Top(_)), "--top"),
            (config.json, "--json"),
            (config.export.is_some(), "--export"),
            (config.separate_dirs, "--separate-dirs"),
        ] {
            if given {
                return together(diag, "--interactive", name);
            }
        }
    }
    if config.diff.is_some() && config.separate_dirs {
        // A change is explained by the rows below it, which -S sizes
        // leave out.
        return together(diag, "--diff", "--separate-dirs");
    }
    Ok(())
}
