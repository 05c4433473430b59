//! Sources other than a walk: a saved scan read back as the same stream
//! of events (`import`), over a small streaming JSON reader (`lexer`), and
//! a du listing read as a diff's baseline (`listing`).

pub mod import;
pub mod lexer;
pub mod listing;
