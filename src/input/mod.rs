//! Sources other than a walk: a saved scan read back as the same stream
//! of events (`import`), over a small streaming JSON reader (`lexer`); a
//! du listing read as a diff's baseline (`listing`); and either of them
//! held in memory as the old side of a diff (`old`).

pub mod import;
pub mod lexer;
pub mod listing;
pub mod old;
