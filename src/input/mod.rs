//! Sources other than a walk: a saved scan read back as the same stream
//! of events (`import`), over a small streaming JSON reader (`lexer`).

pub mod import;
pub mod lexer;
