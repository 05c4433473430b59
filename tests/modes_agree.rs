//! Every mode, at every thread count, prints the same bytes for the same
//! tree, and the parallel total equals the sequential one: a property
//! test over random trees with hard links, symlinks and empty directories.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use std::ffi::OsString;

use cdu::internals::cli::{Action, Env, parse};
use cdu::internals::output::scan_du;
use cdu::{Cancel, Config, Mode};

use proptest::prelude::*;

/// One entry of a random tree; parents are indices of earlier directories.
#[derive(Clone, Debug)]
enum Entry {
    Dir { parent: usize },
    File { parent: usize, size: usize },
    HardLink { parent: usize, target: usize },
    Symlink { parent: usize },
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        3 => any::<usize>().prop_map(|parent| Entry::Dir { parent }),
        6 => (any::<usize>(), 0usize..20_000).prop_map(|(parent, size)| Entry::File { parent, size }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(parent, target)| Entry::HardLink { parent, target }),
        1 => any::<usize>().prop_map(|parent| Entry::Symlink { parent }),
    ]
}

/// Builds the tree under `root`; returns nothing but the tree on disk.
fn build(root: &Path, entries: &[Entry]) {
    let mut dirs = vec![root.to_path_buf()];
    let mut files = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        // Names chosen so that byte order and any readdir order differ.
        let name = format!("{}{i}", ["b", "A", "a_", "z", "é"][i % 5]);
        match e {
            Entry::Dir { parent } => {
                let path = dirs[parent % dirs.len()].join(&name);
                fs::create_dir(&path).unwrap();
                dirs.push(path);
            }
            Entry::File { parent, size } => {
                let path = dirs[parent % dirs.len()].join(&name);
                fs::write(&path, vec![b'x'; *size]).unwrap();
                files.push(path);
            }
            Entry::HardLink { parent, target } => {
                if !files.is_empty() {
                    let target = &files[target % files.len()];
                    fs::hard_link(target, dirs[parent % dirs.len()].join(&name)).unwrap();
                }
            }
            Entry::Symlink { parent } => {
                symlink("../somewhere", dirs[parent % dirs.len()].join(&name)).unwrap();
            }
        }
    }
}

/// The configuration `cdu --mode=MODE [-j THREADS] ARGS...` runs with.
fn configure(args: &[OsString], mode: Mode, threads: Option<usize>) -> Config {
    let mut all: Vec<OsString> = vec![format!("--mode={}", mode.name()).into()];
    if let Some(t) = threads {
        all.push(format!("-j{t}").into());
    }
    all.extend(args.iter().cloned());
    match parse(all.clone(), &Env::default()) {
        Action::Run(config) => *config,
        _ => panic!("{all:?} did not parse"),
    }
}

fn output(config: &Config) -> (Vec<u8>, Vec<u8>) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    scan_du(config, &Cancel::new(), &mut out, &mut err).unwrap();
    (out, err)
}

/// Total of the last line, which for one operand is the operand itself.
fn last_total(out: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(out);
    let last = text.lines().last().unwrap_or_default();
    last.split('\t').next().unwrap_or("0").parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn all_modes_and_thread_counts_print_the_same(
        entries in prop::collection::vec(entry(), 1..120),
        all in any::<bool>(),
        apparent in any::<bool>(),
        two_operands in any::<bool>(),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("t");
        fs::create_dir(&root).unwrap();
        build(&root, &entries);
        // Sizes in bytes (-B1), as `cdu` would be run.
        let mut base: Vec<OsString> = vec!["-B1".into()];
        if all {
            base.push("-a".into());
        }
        if apparent {
            base.push("--apparent-size".into());
        }
        if two_operands {
            // An overlapping second operand: nothing may be counted twice.
            base.push(root.clone().into());
        }
        base.push(root.clone().into());
        let expected = output(&configure(&base, Mode::Sequential, None));
        for mode in Mode::ALL {
            // None: the default, chosen and raised by the walk itself.
            for threads in [Some(1), Some(2), Some(3), Some(8), None] {
                let config = configure(&base, mode, threads);
                let got = output(&config);
                prop_assert_eq!(
                    String::from_utf8_lossy(&got.0),
                    String::from_utf8_lossy(&expected.0),
                    "stdout of {} with {:?} threads", mode.name(), threads
                );
                prop_assert_eq!(&got.1, &expected.1);
                prop_assert_eq!(last_total(&got.0), last_total(&expected.0));
            }
        }
    }
}
