//! Sinks of the stream. Formatting is pure: a sink writes to any `Write`
//! and computes nothing that the events do not already hold.

mod around_bar;
mod diagnostic;
mod du;
pub mod file;
pub mod html;
pub mod json;
mod largest;
mod moment;
pub mod ncdu;
mod report;
mod strftime;
mod tee;
mod top;
mod tree;
mod tree_layout;
mod tree_rows;

pub use around_bar::AroundBar;
pub use diagnostic::Diagnostics;
pub use du::{DuWriter, scan_du, shown};
pub use json::JsonWriter;
pub use ncdu::NcduWriter;
pub use report::{FlushEachOperand, Report};
pub use tee::Tee;
pub use top::TopView;
pub use tree::{Screen, TreeView};
