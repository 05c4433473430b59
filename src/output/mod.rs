//! Sinks of the stream. Formatting is pure: a sink writes to any `Write`
//! and computes nothing that the events do not already hold.

mod around_bar;
mod du;

pub use around_bar::AroundBar;
pub use du::{DuWriter, scan_du};
