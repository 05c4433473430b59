//! Views of a report. Formatting is pure: it writes to any `Write` and
//! computes nothing that the report does not already hold.

mod du;

pub use du::write_du;
