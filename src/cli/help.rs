//! The text of `--help` and `--version`.

use crate::config::default_threads;

/// `--help`: du's layout (usage, one option a line with the names in du's
/// columns, then the SIZE paragraphs), in our own words.
pub(super) fn help_text() -> String {
    // The usage lines name the program as it was invoked, as du's do.
    let name = String::from_utf8_lossy(crate::message::program());
    format!(
        "Usage: {name} [OPTION]... [FILE]...
  or:  {name} [OPTION]... --files0-from=F
Report how much disk space each FILE takes, and every directory below it
(the current directory when no FILE is named). The numbers and the output
are GNU du's; the tree is read on every core.

A value that a long option needs is needed by its short form as well.
  -0, --null            separate output lines with NUL bytes, not newlines
  -a, --all             print a line for every file, not only for directories
  -A, --apparent-size   count the length of each file instead of the blocks it
                          occupies; a sparse file takes less room than its
                          length, and a small file usually more
  -B, --block-size=SIZE  print sizes in units of SIZE bytes ('-BM' counts in
                           MiB of 1,048,576 bytes); SIZE is explained below
  -b, --bytes           exact byte counts: --apparent-size with --block-size=1
  -c, --total           end with one more line, the sum of all operands
  -D, --dereference-args  follow a symbolic link only when it is itself
                          an operand
  -d, --max-depth=N     print a directory (or a file, with --all) only when
                          it lies at most N levels under its operand; it still
                          counts in the sizes above it; -d 0 prints what -s
                          prints
      --files0-from=F   take the operands from file F, each name ended by a
                          NUL byte; with F given as -, read the list from stdin
  -H                    the same as -D
  -h, --human-readable  print short sizes with a unit letter: 1K, 234M, 2G
      --inodes          count inodes (files, directories, links) instead of
                          space
  -k                    count in KiB, as --block-size=1K does
  -L, --dereference     follow every symbolic link that is met
  -l, --count-links     count a hard-linked file at each of its names, not
                          just at the first
  -m                    count in MiB, as --block-size=1M does
  -P, --no-dereference  count symbolic links as links and follow none of them
                          (what happens when no -L, -D or -H is given)
  -S, --separate-dirs   leave subdirectories out of a directory's size
      --si              as -h, with units of 1000 instead of 1024
  -s, --summarize       print one line for each operand: its total
  -t, --threshold=SIZE  leave out entries under SIZE when SIZE is positive,
                          and entries over -SIZE when it is negative
      --time            add to each line the newest modification time found
                          in the directory and everything below it
      --time=WORD       take another time than the last modification: WORD
                          is atime, access or use for the last access, and
                          ctime or status for the last change of the inode
      --time-style=STYLE  write times in STYLE: full-iso, long-iso (what
                            is used without this option), iso, or +FORMAT,
                            with FORMAT written as date(1) takes it
  -X, --exclude-from=FILE  skip every name that matches a pattern in FILE,
                             one pattern a line
      --exclude=PATTERN    skip every name that matches the shell pattern
                             PATTERN
  -x, --one-file-system    stay on the file system each operand is on

cdu's own options:
      --mode=MODE       how to walk: sequential, verbose, parallel, or
                          cancellable (the default; a key or Ctrl-C stops it
                          and prints what was found, marked partial)
  -j, --threads=N       walker threads of the parallel modes; by default
                          {} (more over a network), raised while they
                          mostly wait
  -v, --verbose         show progress on stderr while scanning
      --tick=DURATION   how often progress is shown (default 500ms)
      --no-history      with -v, neither measure progress against earlier
                          scans nor remember this one (CDU_NO_HISTORY=1 too)
      --bench-modes     time every mode (and thread count) on FILE, default
                          '.', after a warm-up, and print a table; -j N
                          times the parallel modes at N threads only
      --generate=KIND   print cdu's man page (KIND man) or a completion script
                          (complete-bash, complete-zsh, complete-fish)
      --json            print JSON lines instead of du's lines: one object
                          for each line du prints, then a summary object
      --export=FILE     also save the scan in ncdu's format to FILE, which
                          ncdu -f and gdu -f browse; with - it goes to stdout
                          instead of the lines
      --import=FILE     read a scan saved by cdu, ncdu or gdu from FILE (-
                          for stdin) instead of scanning; given once for
                          each part of a sharded scan, merges the parts
      --shard=K/N       walk shard K of N of FILE's tree and save it as a
                          part with --export, whose %r becomes K; auto
                          reads K and N from Slurm, Open MPI or PMI
      --diff=OLD        print what changed since OLD, a saved scan or a du
                          listing: the signed change, new/gone/changed and
                          the path, largest change first
      --html=FILE       also draw the scan as one HTML page in FILE (- for
                          stdout): a zoomable treemap and icicle, and the
                          largest files; with --diff, coloured by change
      --tree            show each FILE as a tree of its largest entries,
                          biggest first, with sizes (human-readable unless
                          a size option is given), shares and bars; -d N
                          limits its depth
      --top=N           print the N largest files as du's lines, biggest
                          first
      --rows=N          the most rows a tree may take (default: the
                          terminal's height, or 40)
      --width=N         the width of a tree (default: the terminal's, or 80)
      --color=WHEN      colour a tree: auto (on a terminal, unless NO_COLOR
                          is set), always or never
  -i, --interactive     browse the FILE (default '.') full-screen while it
                          is scanned: open, sort, mark, delete (d) or trash
                          (D) after a question only y answers; ? lists keys
      --read-only       with -i, delete, trash and rescan nothing
      --help            print this list of options
      --version         print cdu's version

Sizes are printed in units of the first SIZE found in --block-size or in the
DU_BLOCK_SIZE, BLOCK_SIZE and BLOCKSIZE environment variables, in that order.
When none is set, a unit is 1024 bytes, or 512 when POSIXLY_CORRECT is set.

SIZE is a whole number with an optional unit after it: 10K means 10*1024.
The units K, M, G, T, P, E, Z, Y, R and Q are powers of 1024, and KB, MB, ...
powers of 1000; KiB, MiB, ... mean the same as K, M, ...
",
        default_threads()
    )
}

pub(super) fn version_text() -> String {
    format!(
        "cdu {}\nA parallel du: GNU du's numbers and options (coreutils 9.7).\n",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    /// The option names at the start of the help's option lines:
    /// `-B, --block-size=SIZE  ...` gives `-B` and `--block-size`.
    fn listed_options(help: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for line in help.lines() {
            let line = line.trim_start();
            if !line.starts_with('-') {
                continue;
            }
            let column = line.split("  ").next().unwrap_or_default();
            for name in column.split(", ") {
                names.insert(name.split('=').next().unwrap_or_default().to_string());
            }
        }
        names
    }

    #[test]
    fn help_lists_every_option_of_the_table_and_no_other() {
        let mut table = BTreeSet::new();
        for arg in Cli::command().get_arguments() {
            if let Some(long) = arg.get_long() {
                table.insert(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                table.insert(format!("-{short}"));
            }
        }
        let listed = listed_options(&help_text());
        let missing: Vec<_> = table.difference(&listed).collect();
        let unknown: Vec<_> = listed.difference(&table).collect();
        assert!(missing.is_empty(), "options not in --help: {missing:?}");
        assert!(
            unknown.is_empty(),
            "--help lists unknown options: {unknown:?}"
        );
    }

    #[test]
    fn help_fits_in_80_columns() {
        for line in help_text().lines() {
            assert!(line.chars().count() <= 80, "too wide: {line:?}");
        }
    }
}
