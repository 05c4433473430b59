//! `--generate=KIND`: the man page and the shell completions, made from the
//! clap table in `options.rs`, so that no option can be missing from them
//! and nothing is kept in sync by hand (ripgrep's `--generate` convention).

use clap::CommandFactory;
use clap_complete::Shell;

use super::options::{Cli, Generate};

/// The text `--generate=kind` prints.
pub(super) fn generate(kind: Generate) -> String {
    let mut command = Cli::command();
    if kind != Generate::Man {
        // --time takes words, and --time-style a word or +FORMAT: offer the
        // words rather than file names. They are not checked by clap (cdu
        // checks them as du does, abbreviations and all), so they are
        // given to the completions alone.
        command = command
            .mut_arg("time", |a| {
                a.value_parser(["atime", "access", "use", "ctime", "status"])
            })
            .mut_arg("time_style", |a| {
                a.value_parser(["full-iso", "long-iso", "iso"])
            });
    }
    let mut out = Vec::new();
    match kind {
        Generate::Man => man_page(command, &mut out),
        Generate::CompleteBash => {
            clap_complete::generate(Shell::Bash, &mut command, "cdu", &mut out);
            out = bash_values_after_equals(out);
        }
        Generate::CompleteZsh => clap_complete::generate(Shell::Zsh, &mut command, "cdu", &mut out),
        Generate::CompleteFish => {
            clap_complete::generate(Shell::Fish, &mut command, "cdu", &mut out)
        }
    }
    String::from_utf8(out).expect("generated text is UTF-8")
}

/// clap_mangen's title, name, synopsis, description and options, then the
/// sections du's page has and cdu's own.
fn man_page(command: clap::Command, out: &mut Vec<u8>) {
    let man = clap_mangen::Man::new(command)
        .manual("User Commands")
        .date(RELEASE_DATE)
        .source(format!("cdu {}", env!("CARGO_PKG_VERSION")));
    // Writing to a Vec cannot fail.
    let _ = man.render_title(out);
    let _ = man.render_name_section(out);
    let _ = man.render_synopsis_section(out);
    let _ = man.render_description_section(out);
    let _ = man.render_options_section(out);
    out.extend_from_slice(MAN_SECTIONS.as_bytes());
}

/// The date on the man page: that of this version's CHANGELOG entry.
const RELEASE_DATE: &str = "2026-12-01";

/// The sections clap knows nothing of, in roff.
const MAN_SECTIONS: &str = r#".SH "SIZE FORMAT"
SIZE, the value of \fB\-\-block\-size\fR and \fB\-\-threshold\fR and of the
variables below, is a whole number with an optional unit after it:
\fB10K\fR means 10 times 1024 bytes, and a unit alone, as in \fB\-BM\fR,
stands for one of it.
The units K, M, G, T, P, E, Z, Y, R and Q are powers of 1024; KB, MB, ... are
powers of 1000; KiB, MiB, ... mean the same as K, M, ...
.PP
A printed size is rounded up to a whole unit.
\fB\-\-block\-size\fR also takes \fBhuman\-readable\fR and \fBsi\fR (as
\fB\-h\fR and \fB\-\-si\fR), and a SIZE that starts with an apostrophe
groups the digits of the numbers printed.
.SH MODES
Every mode prints the same bytes for the same tree; they differ in how the
tree is walked, and are the four steps of the concurrent du of chapter 8 of
\fIThe Go Programming Language\fR.
.TP
.B sequential
One thread, no progress; Ctrl\-C ends it the default way.
.TP
.B verbose
One thread, with progress on standard error.
.TP
.B parallel
Many threads (\fB\-j\fR), with a semaphore bounding the directories open at
once; progress with \fB\-v\fR.
.TP
.B cancellable
The default: as \fBparallel\fR, and it can be stopped cleanly.
.PP
Without \fB\-j\fR the parallel modes pick their thread count from the file
system of the first operand (a local disk, FUSE, a network file system),
start threads only as directories wait for them, and raise the count while
the processors are mostly idle and each raise makes the scan faster.
.PP
\fB\-\-bench\-modes\fR times them all on a directory of your disk.
.SH "PROGRESS AND CANCELLING"
With \fB\-v\fR (always in the \fBverbose\fR mode) cdu reports its progress on
standard error; standard output only ever carries results.
On a terminal that is one live line (time, entries, directories, size, rate
and the directory being read), erased before the results are printed.
Elsewhere it is one plain line every \fB\-\-tick\fR, for example
.PP
.RS
.EX
cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB
.EE
.RE
.PP
When the total is known, the live line gains a bar, the percentage and the
time left, and each plain line ends with \fB42% ETA 73s\fR (\fB99% ETA ?\fR
once the tree has outgrown its total).
The total is the last \fB\-v\fR scan of the same directory, kept in
\fI$XDG_CACHE_HOME/cdu/history\fR (\fI~/.cache/cdu/history\fR by default;
\fB\-\-no\-history\fR or CDU_NO_HISTORY=1 turns it off), or the used inodes
of a file system whose root is the operand.
.PP
In the \fBcancellable\fR mode, Ctrl\-C, SIGTERM, or any key when standard
input is a terminal stops the scan: cdu prints what it has counted, says on
standard error that the sizes are partial, and exits with status 130.
Every size printed then is a lower bound.
A second Ctrl\-C exits at once.
Standard input that is not a terminal is never read.
Ctrl\-Z suspends the scan with the terminal put back as it was; \fBfg\fR
resumes it.
.SH "SAVED SCANS"
\fB\-\-export=\fR\fIFILE\fR writes the scan in ncdu's JSON export format
while du's lines are printed as usual; \fBncdu \-f\fR \fIFILE\fR and
\fBgdu \-f\fR \fIFILE\fR browse it.
\fB\-\-import=\fR\fIFILE\fR reads such a file, written by cdu, ncdu or gdu,
instead of scanning, and the other options apply to it as to a scan:
\fBcdu \-\-import=saved.json \-h \-d 1\fR prints what \fBcdu \-h \-d 1\fR
printed when the scan was saved.
\fB\-\-shard=\fR\fIK\fR/\fIN\fR \fB\-\-export=\fR\fIPART\fR walks shard
\fIK\fR of \fIN\fR of the tree (\fB%r\fR in \fIPART\fR becomes \fIK\fR;
\fB\-\-shard=auto\fR reads them from Slurm, Open MPI or PMI), and
\fB\-\-import\fR given once for each part merges the parts into what one
scan of the whole tree prints.
\fB\-\-json\fR prints one JSON object per line instead of du's lines, with
every measure of each entry, and ends with a summary object.
.PP
A file with several hard links is saved once, under the name where it was
counted, so that ncdu, gdu and du agree on the totals.
.SH "WHERE THE SPACE GOES"
Two views answer what takes the room instead of listing every directory.
.PP
\fB\-\-tree\fR draws each FILE as a tree of its largest entries, files and
directories alike, biggest first in each directory.
Each row holds the size, the share of the operand's total and a bar, and
the name behind tree lines; directories end with a slash.
Rows go to the biggest entries wherever they are, as many as the terminal
is high (40 when standard output is not a terminal, or \fB\-\-rows\fR).
A directory whose entries do not all fit ends with one row for the rest,
which also holds the directory's own entry, so the rows under it add up to
it; \fB\-d\fR stops the tree at a depth.
Sizes are human-readable (powers of 1024) unless a size option is given;
\fB\-A\fR, \fB\-\-inodes\fR, \fB\-l\fR, \fB\-x\fR, \fB\-L\fR and
\fB\-\-exclude\fR count as they do for du's lines.
Long names are cut in the middle to fit the width; odd names are quoted as
in du's messages.
Colour is used on a terminal unless NO_COLOR is set, or as \fB\-\-color\fR
says.
.PP
\fB\-\-top=\fR\fIN\fR prints the N largest files under the FILEs, biggest
first, as du's own lines (\fISIZE\fR, a tab, the path), in du's units, so
\fBcut\fR and \fBsort\fR read them.
.PP
Both keep only the directories and as many of the largest files as could
be shown, so memory stays small on any tree.
A cancelled scan still prints its view, says that the sizes are lower
bounds, and exits with status 130.
.PP
\fB\-\-diff=\fR\fIOLD\fR prints what changed since \fIOLD\fR, an export or a
du listing (\fBdu \-ab /srv > monday.txt\fR), one row per change, largest
first: the signed change, a tab, \fBnew\fR, \fBgone\fR or \fBchanged\fR, a tab
and the path.
A directory whose change the rows below it explain is not repeated, and a
new or vanished directory is one row.
A listing's numbers are read in the units the other options give.
.SH ENVIRONMENT
.TP
.B CDU_NO_HISTORY
Set to 1, \fB\-v\fR neither reads nor writes the history of earlier scans.
.TP
.B XDG_CACHE_HOME
Where the history is kept (in \fIcdu/history\fR below it).
.TP
.B DU_BLOCK_SIZE
The unit of printed sizes, when no option sets one.
.TP
.B BLOCK_SIZE
The same, when DU_BLOCK_SIZE is not set.
.TP
.B BLOCKSIZE
The same, when neither of the above is set.
.TP
.B POSIXLY_CORRECT
When set, the unit defaults to 512 bytes instead of 1024, and options after
the first FILE are taken as file names.
.TP
.B NO_COLOR
When set and not empty, \fB\-\-tree\fR uses no colour unless
\fB\-\-color=always\fR.
.TP
.B TIME_STYLE
The style of \fB\-\-time\fR when \fB\-\-time\-style\fR is not given.
.TP
.BR LC_ALL ", " LC_CTYPE ", " LANG
The first of these that is set says whether names in messages are quoted
as UTF\-8 text.
.SH "EXIT STATUS"
.TP
.B 0
Every operand was measured.
.TP
.B 1
Something could not be read or counted (the rest was), or the command line
was wrong.
.TP
.B 130
The scan was cancelled; what was printed is partial.
.SH EXAMPLES
.TP
.B cdu \-sh /usr
The total of /usr, with a unit letter.
.TP
.B cdu \-d1 \-h . | sort \-h
The directories of this one, smallest first.
.TP
.B cdu \-ah \-t 100M ~
Every file or directory of 100 MiB or more in your home.
.TP
.B cdu \-v \-\-mode=cancellable /data
Scan with a live progress line; press a key to stop and see what was found.
.TP
.B cdu \-\-tree ~
Where the space in your home goes, as a tree that fits the terminal.
.TP
.B cdu \-\-top=20 \-h /var
The twenty largest files under /var.
.TP
.B cdu \-\-bench\-modes /data
Which mode and thread count is fastest on this disk.
.TP
.B cdu \-\-generate=man > ~/.local/share/man/man1/cdu.1
Install this page for \fBman cdu\fR.
.SH "SEE ALSO"
.BR du (1),
.BR find (1),
.BR df (1)
"#;

/// Bash splits `--time=WORD` at the `=`, so clap's script sees `=` as the
/// word before the one completed and offers options there. Looking past
/// the `=` completes the option's value, as after `--time WORD`.
fn bash_values_after_equals(script: Vec<u8>) -> Vec<u8> {
    let script = String::from_utf8(script).expect("generated text is UTF-8");
    let fix = "    prev=\"$3\"\n    \
               if [[ \"$prev\" == \"=\" && $COMP_CWORD -ge 2 ]]; then\n        \
               prev=\"${COMP_WORDS[COMP_CWORD-2]}\"\n    \
               fi\n";
    script.replacen("    prev=\"$3\"\n", fix, 1).into_bytes()
}
