//! What the project's integration tests, examples and fuzz targets reach
//! inside the crate, named one item at a time so that the rest stays
//! private. Hidden from the documentation and not part of the library's
//! API: it changes with the program.

/// The interactive browser.
pub mod browse {
    pub use crate::browse::{Browser, Feed, Flow, fill, status_of};
    /// The browser's tree.
    pub mod model {
        pub use crate::browse::model::{Kind, Node, ROOT, Shared, Tree, lock};
    }
    /// The sink that fills the tree.
    pub mod sink {
        pub use crate::browse::sink::TreeSink;
    }
}
/// What the tests of the parser check in a configuration it built.
pub mod config {
    use crate::Config;

    /// How many operands it names.
    pub fn operand_count(config: &Config) -> usize {
        config.operands.len()
    }

    /// Whether it reads its operands from a list (`--files0-from`).
    pub fn reads_list(config: &Config) -> bool {
        config.files0_from.is_some()
    }

    /// The thread count fixed with `-j`.
    pub fn threads(config: &Config) -> Option<usize> {
        config.threads
    }

    /// The size of the blocks sizes are printed in.
    pub fn block_size(config: &Config) -> u64 {
        config.format.block_size
    }
}
/// The command line.
pub mod cli {
    pub use crate::cli::{Action, Cli, Env, parse};
}
/// Exclusion patterns.
pub mod exclude {
    pub use crate::exclude::Excludes;
}
/// Exit statuses.
pub mod exit {
    pub use crate::exit_status::ExitStatus;
}
/// The scan history.
pub mod history {
    pub use crate::history::{History, Key, Totals};
}
/// Saved scans and du listings.
pub mod input {
    /// Saved scans.
    pub mod import {
        pub use crate::input::import::import;
    }
    /// du listings.
    pub mod listing {
        pub use crate::input::listing::parse;
    }
}
/// Operands, and `--files0-from`.
pub mod operands {
    pub use crate::config::Operand;

    /// The operands `--files0-from=LIST` gives, as the walk reads them.
    pub fn listed_in(list: std::ffi::OsString) -> Vec<Operand> {
        let mut builder = crate::Config::builder();
        builder.options().files0_from = Some(list);
        crate::operands::operands(&builder.build(), None).collect()
    }
}
/// du's lines.
pub mod output {
    pub use crate::output::scan_du;
}
/// Quoting of names.
pub mod quote {
    pub use crate::quote::Locale;
}
