//! Helpers for the progress and cancellation tests: a scan held running
//! for as long as a test needs (and a tree that takes a while to scan,
//! for the few tests that need a real one), cdu run on a real
//! pseudo-terminal as a person would run it, and waits that end on what is
//! observed, never on a fixed sleep (the deadlines only turn a hang into a
//! failure).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags};
use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;
use rustix::termios::{self, Termios, Winsize};

/// How long any one wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// The cdu under test.
pub fn cdu() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cdu"));
    // The name its messages start with.
    command.arg0("cdu");
    // Earlier scans in the user's cache would add a percentage to the
    // lines; the tests of the history turn it back on in a cache of their
    // own.
    command.env("CDU_NO_HISTORY", "1");
    command
}

/// A tree of 300,000 files in 3,000 directories: a scan of it takes a good
/// part of a second even with a warm cache, hundreds of times what a
/// progress tick needs. Only for a test that needs a scan to run a while
/// on its own (one that checks that nothing is shown, say); a test that
/// needs a scan still running when it acts holds one ([`Hold`]).
pub fn slow_tree() -> &'static Path {
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    TREE.get_or_init(|| {
        cached_tree(
            "slow",
            "generate s files=300000 dirs=3000 seed=1 maxsize=4K",
        )
    })
}

/// A tree of 6,000 files in 3,000 directories, for held scans: far more
/// directories than the scan's channel holds (1,024 batches), so a held
/// scan that is cancelled has certainly not seen all of it.
pub fn held_tree() -> &'static Path {
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    TREE.get_or_init(|| cached_tree("held", "generate h files=6000 dirs=3000 seed=2 maxsize=4K"))
}

/// `description` built once into the target directory and kept there
/// between runs (`tree::build_cached`).
fn cached_tree(name: &str, description: &str) -> PathBuf {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cdu-trees");
    std::fs::create_dir_all(&cache).expect("create tree cache");
    let file = cache.join(format!("{name}.tree"));
    std::fs::write(&file, format!("{description}\n")).expect("write tree description");
    crate::testenv::tree::build_cached(&file, &cache).expect("build tree")
}

/// A hold on the scans of the cdu commands it is applied to
/// (`CDU_TEST_HOLD`): once a scan has handed on its first batches, it
/// takes no more until [`Hold::release`] (or a cancel), while its ticks,
/// keys and signals go on as ever. The test decides when the scan ends,
/// whatever the machine's load.
pub struct Hold {
    dir: tempfile::TempDir,
}

impl Hold {
    pub fn new() -> Hold {
        let dir = tempfile::tempdir().expect("hold directory");
        std::fs::write(dir.path().join("hold"), "").expect("hold file");
        Hold { dir }
    }

    /// The file whose existence holds the scan.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("hold")
    }

    /// Holds the scans of `command`.
    pub fn apply<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command.env("CDU_TEST_HOLD", self.path())
    }

    /// cdu with `args`, held.
    pub fn cdu<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = cdu();
        command.args(args);
        self.apply(&mut command);
        command
    }

    /// Lets the held scans finish.
    pub fn release(&self) {
        std::fs::remove_file(self.path()).expect("remove hold file");
    }
}

/// Whether `line` is a plain progress line in the documented format:
/// `cdu: 2.5s 345678 entries 2100 dirs 1.29 GiB`, with or without the
/// ending of a scan that has a total (` 42% ETA 73s`, ` 99% ETA ?`).
pub fn is_plain_progress_line(line: &str) -> bool {
    let (counts, eta) = split_eta(line);
    is_counts_line(counts) && eta.is_none_or(is_eta_ending)
}

/// A progress line's counts, and its ending from the percentage on if it
/// has one.
pub fn split_eta(line: &str) -> (&str, Option<&str>) {
    let words: Vec<&str> = line.split(' ').collect();
    if words.len() == 11 {
        let cut = line.len() - words[8..].join(" ").len() - 1;
        (&line[..cut], Some(&line[cut + 1..]))
    } else {
        (line, None)
    }
}

/// `42% ETA 73s` or `99% ETA ?`.
pub fn is_eta_ending(ending: &str) -> bool {
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let words: Vec<&str> = ending.split(' ').collect();
    words.len() == 3
        && words[0]
            .strip_suffix('%')
            .is_some_and(|p| number(p) && p.parse::<u8>().is_ok_and(|p| p <= 99))
        && words[1] == "ETA"
        && (words[2] == "?" || words[2].strip_suffix('s').is_some_and(number))
}

fn is_counts_line(line: &str) -> bool {
    let words: Vec<&str> = line.split(' ').collect();
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let seconds = |s: &str| {
        s.strip_suffix('s')
            .and_then(|s| s.split_once('.'))
            .is_some_and(|(whole, tenth)| number(whole) && tenth.len() == 1 && number(tenth))
    };
    let size = |n: &str, unit: &str| {
        n.parse::<f64>().is_ok() && ["B", "KiB", "MiB", "GiB", "TiB", "PiB"].contains(&unit)
    };
    words.len() == 8
        && words[0] == "cdu:"
        && seconds(words[1])
        && number(words[2])
        && words[3] == "entries"
        && number(words[4])
        && words[5] == "dirs"
        && size(words[6], words[7])
}

/// A pseudo-terminal pair, 300 columns wide: room on the live line for
/// the whole path of the directory being read.
pub struct Pty {
    pub master: OwnedFd,
    pub slave: OwnedFd,
}

impl Pty {
    pub fn open() -> Pty {
        let master =
            rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
                .expect("open pty master");
        rustix::pty::grantpt(&master).expect("grantpt");
        rustix::pty::unlockpt(&master).expect("unlockpt");
        let name = rustix::pty::ptsname(&master, Vec::new()).expect("ptsname");
        let slave = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .expect("open pty slave");
        termios::tcsetwinsize(
            &master,
            Winsize {
                ws_row: 40,
                ws_col: 300,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .expect("set window size");
        Pty { master, slave }
    }

    /// The terminal's settings, everything that tcgetattr reports.
    pub fn settings(&self) -> String {
        settings_of(&self.slave)
    }
}

/// tcgetattr of `fd`, in a comparable form.
pub fn settings_of(fd: impl AsFd) -> String {
    let t: Termios = termios::tcgetattr(fd).expect("tcgetattr");
    format!("{t:?}")
}

/// Whether the terminal reads keys one at a time without echo.
pub fn in_key_mode(fd: impl AsFd) -> bool {
    let t = termios::tcgetattr(fd).expect("tcgetattr");
    !t.local_modes
        .intersects(termios::LocalModes::ICANON | termios::LocalModes::ECHO)
}

/// cdu running with the pseudo-terminal as its controlling terminal, in
/// its own session, in the foreground: as in a shell.
pub struct Session {
    pub pty: Pty,
    pub child: Child,
    /// The terminal's settings before cdu started.
    pub settings_before: String,
    /// Everything written to the terminal so far.
    pub screen: Vec<u8>,
    /// What goes to stdout when it is a pipe instead of the terminal,
    /// read on a thread so that cdu never waits on a full pipe.
    stdout: Option<std::thread::JoinHandle<String>>,
}

/// Where a session's stdout goes.
pub enum Stdout {
    Terminal,
    Pipe,
}

impl Session {
    pub fn start<I, S>(args: I, stdout: Stdout) -> Session
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = cdu();
        command.args(args);
        Session::spawn(command, stdout)
    }

    /// `command` (cdu with its arguments and environment set) on the
    /// terminal.
    pub fn start_command(command: Command, stdout: Stdout) -> Session {
        Session::spawn(command, stdout)
    }

    /// cdu as a job of a job-control shell that leads the session
    /// (`bash -c 'set -m; ...'`): cdu runs in the foreground in a process
    /// group of its own, as from a prompt, so Ctrl-Z can stop it (in an
    /// orphaned process group, such as a session cdu led, the kernel
    /// ignores it). `script` runs with cdu's path as `$0` and `args` as
    /// `$@`.
    pub fn start_job<I, S>(script: &str, args: I) -> Session
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Session::spawn(job(script, args), Stdout::Terminal)
    }

    fn spawn(mut command: Command, stdout: Stdout) -> Session {
        // A terminal that draws a live line, whatever the tests run under;
        // a test that wants another sets TERM itself.
        if !command.get_envs().any(|(name, _)| name == "TERM") {
            command.env("TERM", "xterm");
        }
        let pty = Pty::open();
        let settings_before = pty.settings();
        let fd = || Stdio::from(pty.slave.try_clone().expect("dup pty slave"));
        command.stdin(fd()).stderr(fd());
        match stdout {
            Stdout::Terminal => command.stdout(fd()),
            Stdout::Pipe => command.stdout(Stdio::piped()),
        };
        // SAFETY: only async-signal-safe system calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                rustix::process::setsid()?;
                rustix::process::ioctl_tiocsctty(BorrowedFd::borrow_raw(0))?;
                Ok(())
            });
        }
        let mut child = command.spawn().expect("start cdu");
        let stdout = child.stdout.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut out = String::new();
                pipe.read_to_string(&mut out).expect("read stdout");
                out
            })
        });
        Session {
            pty,
            child,
            settings_before,
            screen: Vec::new(),
            stdout,
        }
    }

    /// Reads the terminal until `done(terminal)` holds, for what its
    /// settings show; panics after [`DEADLINE`].
    pub fn wait_for_settings(&mut self, what: &str, done: impl Fn(&Pty) -> bool) {
        let start = Instant::now();
        while !done(&self.pty) {
            assert!(
                start.elapsed() < DEADLINE,
                "no {what} after {DEADLINE:?}; screen:\n{}",
                self.text()
            );
            self.drain(Duration::from_millis(1));
        }
    }

    /// Reads what the terminal shows until `done(screen)`; panics after
    /// [`DEADLINE`] or if cdu ends first.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            if done(&String::from_utf8_lossy(&self.screen)) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                self.drain_to_end();
                if done(&String::from_utf8_lossy(&self.screen)) {
                    return;
                }
                panic!(
                    "cdu ended ({status}) before {what}; screen:\n{}",
                    String::from_utf8_lossy(&self.screen)
                );
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no {what} after {DEADLINE:?}; screen:\n{}",
                String::from_utf8_lossy(&self.screen)
            );
            self.drain(Duration::from_millis(50));
        }
    }

    /// Appends what the terminal has to show, waiting at most `timeout`
    /// for the first bytes.
    fn drain(&mut self, timeout: Duration) {
        let mut timeout = rustix::event::Timespec {
            tv_sec: timeout.as_secs() as _,
            tv_nsec: timeout.subsec_nanos() as _,
        };
        loop {
            let mut fds = [PollFd::new(&self.pty.master, PollFlags::IN)];
            match rustix::event::poll(&mut fds, Some(&timeout)) {
                Ok(n) if n > 0 => {}
                _ => return,
            }
            let mut buf = [0u8; 4096];
            match rustix::io::read(&self.pty.master, &mut buf) {
                Ok(n) if n > 0 => self.screen.extend_from_slice(&buf[..n]),
                _ => return,
            }
            timeout = rustix::event::Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
        }
    }

    /// Reads the rest of what was written to the terminal, once cdu has
    /// ended. Its last bytes may still be on their way to this side when
    /// its exit is seen, so a mark is written after them (the terminal
    /// keeps the order) and everything up to the mark is read.
    fn drain_to_end(&mut self) {
        const MARK: &[u8] = b"<the session's end>";
        // Room in the terminal's buffer for the mark.
        self.drain(Duration::ZERO);
        rustix::io::write(&self.pty.slave, MARK).expect("write the end mark");
        let start = Instant::now();
        loop {
            if let Some(at) = self.screen.windows(MARK.len()).position(|w| w == MARK) {
                self.screen.drain(at..at + MARK.len());
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the end mark never came back; screen:\n{}",
                self.text()
            );
            self.drain(Duration::from_millis(20));
        }
    }

    /// Sets the terminal's width, as a person who narrows the window does
    /// (the kernel tells the foreground job with SIGWINCH).
    pub fn set_columns(&self, columns: u16) {
        termios::tcsetwinsize(
            &self.pty.master,
            Winsize {
                ws_row: 40,
                ws_col: columns,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .expect("set window size");
    }

    /// Waits until cdu has a directory of `tree` open: the scan has
    /// started.
    pub fn wait_until_reading(&self, tree: &Path) {
        let fds = format!("/proc/{}/fd", self.child.id());
        let start = Instant::now();
        loop {
            let reading = std::fs::read_dir(&fds).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    std::fs::read_link(e.path()).is_ok_and(|target| target.starts_with(tree))
                })
            });
            if reading {
                return;
            }
            assert!(start.elapsed() < DEADLINE, "the scan never started");
            std::thread::yield_now();
        }
    }

    /// Types `bytes` on the terminal's keyboard.
    pub fn type_keys(&self, bytes: &[u8]) {
        rustix::io::write(&self.pty.master, bytes).expect("write to pty");
    }

    /// Sends `signal` to cdu.
    pub fn signal(&self, signal: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).expect("pid");
        rustix::process::kill_process(pid, signal).expect("kill");
    }

    /// Waits for cdu to end, reading the terminal meanwhile; returns its
    /// status and what went to a piped stdout.
    pub fn finish(&mut self) -> (ExitStatus, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "cdu did not end; screen:\n{}",
                String::from_utf8_lossy(&self.screen)
            );
            self.drain(Duration::from_millis(20));
        };
        self.drain_to_end();
        let out = self
            .stdout
            .take()
            .map(|reader| reader.join().expect("stdout reader"))
            .unwrap_or_default();
        (status, out)
    }

    /// Asserts that the terminal's settings are as before cdu started.
    pub fn assert_terminal_restored(&self) {
        assert_eq!(
            self.pty.settings(),
            self.settings_before,
            "terminal settings changed; screen:\n{}",
            self.text()
        );
    }

    /// What the terminal showed, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.screen).into_owned()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A failed test must not leave a scan running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shell of [`Session::start_job`], to start with
/// [`Session::start_command`] once its environment is set.
pub fn job<I, S>(script: &str, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new("bash");
    // As `cdu()`: no percentage from the user's earlier scans.
    command
        .env("CDU_NO_HISTORY", "1")
        .arg("-c")
        .arg(format!("set -m\n{script}"))
        .arg(env!("CARGO_BIN_EXE_cdu"))
        .args(args);
    command
}

/// The exit code, or a description of the signal that ended the process.
pub fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        _ => status.to_string(),
    }
}
