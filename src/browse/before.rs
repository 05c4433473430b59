//! What a browser on `--diff=OLD` keeps of the old scan, as data: the
//! model holds it, `change` fills it in and answers from it.

use crate::input::old::OldTree;

/// What was measured: the value OLD holds and the change is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Disk,
    Apparent,
    Items,
}

pub(super) const NEW: u64 = u64::MAX;
pub(super) const UNKNOWN: u64 = u64::MAX - 1;

/// The old side and what each node was in it.
pub struct Changes {
    pub(super) old: OldTree,
    /// By node: its old value, [`NEW`] or [`UNKNOWN`].
    pub(super) before: Vec<u64>,
    pub measure: Measure,
    /// OLD names files (an export, or a listing made with `-a`).
    pub(super) files_known: bool,
    /// OLD says which entries are directories (an export does, a listing
    /// does not).
    pub(super) typed: bool,
}
