//! Build a test tree from a description file (format: tests/testenv/tree.rs).
//!
//! ```text
//! cargo run --release --example mktree -- DESCRIPTION_FILE DEST_DIR
//! cargo run --release --example mktree -- --cached CACHE_DIR DESCRIPTION_FILE
//! cargo run --release --example mktree -- --remove DIR
//! ```
//!
//! `--cached` builds into `CACHE_DIR/<stem>-<hash>` unless already built and
//! prints that path on stdout. `--remove` deletes a tree of any depth.

// tree.rs carries its own `#![allow(dead_code)]`; adding another
// `#[allow(dead_code)]` here trips clippy::duplicated_attributes.
#[path = "../tests/testenv/tree.rs"]
mod tree;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: mktree DESCRIPTION_FILE DEST_DIR
       mktree --cached CACHE_DIR DESCRIPTION_FILE
       mktree --remove DIR";

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let start = Instant::now();
    let result = match args.iter().map(|a| a.to_str()).collect::<Vec<_>>()[..] {
        [Some("-h" | "--help")] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [Some("--cached"), ..] if args.len() == 3 => {
            tree::build_cached(&args[2], &args[1]).map(|dir| println!("{}", dir.display()))
        }
        [Some("--remove"), _] => tree::remove_tree(&args[1]),
        [Some(first), _] if !first.starts_with('-') => tree::build_file(&args[1], &args[0]),
        [None, _] => tree::build_file(&args[1], &args[0]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => {
            eprintln!("mktree: done in {:.2?}", start.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mktree: {e}");
            ExitCode::FAILURE
        }
    }
}
