//! latencyfs: a directory seen through FUSE as if over a network.
//!
//! Mounts SOURCE read-only at MOUNTPOINT and answers each request from the
//! kernel only after a fixed delay, while serving many requests at once,
//! so that a disk-usage tool can be measured as on a file server that is
//! far away but not busy. It runs in the foreground until the mount goes
//! away (`fusermount -u`, `umount`) or a signal (SIGINT, SIGTERM, SIGHUP)
//! asks it to unmount.

mod delay;
mod fs;
mod inodes;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use fuser::{Config, MountOption, Session};

const USAGE: &str = "\
Usage: latencyfs [OPTIONS] SOURCE MOUNTPOINT

Shows the directory SOURCE, read-only, at MOUNTPOINT through FUSE, and
answers every lookup, getattr, readdir, opendir, readlink, open, read and
statfs only DELAY after the kernel asked. Requests are served in parallel:
the delay is latency, not a queue. Stays in the foreground until unmounted
(fusermount -u MOUNTPOINT, umount MOUNTPOINT) or sent SIGINT, SIGTERM or
SIGHUP, which unmount it.

Inode numbers, sizes, blocks, link counts, modes, owners and times are the
source's, and directories list in the source's order. The mount is ro,
nosuid, nodev, noatime and default_permissions (the kernel checks access
as on the source), for the mounting user only: run it as root to measure
as root.

Options:
  --delay DURATION    time before each answer (default 0): 0.2ms, 1ms, 50us
  --ttl DURATION      how long the kernel may trust an answer (default 1s);
                      0 makes it ask for every stat and every path step
  --threads N         request loops reading /dev/fuse (default 2)
  -h, --help          this text
  -V, --version       the version

DURATION is a decimal number with a unit: ns, us, ms or s (0 alone works).
";

struct Options {
    delay: Duration,
    ttl: Duration,
    threads: usize,
    source: PathBuf,
    mountpoint: PathBuf,
}

/// Parses `0`, or a decimal number followed by ns, us, ms or s.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration '{text}' (try 0.2ms, 1ms, 50us or 0)");
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return Err(bad()),
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| bad())
}

enum Parsed {
    Run(Options),
    Exit(String, ExitCode),
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, String> {
    let mut delay = Duration::ZERO;
    let mut ttl = Duration::from_secs(1);
    let mut threads = 2;
    let mut operands = Vec::new();
    let mut args = args.into_iter();
    let mut options_end = false;
    while let Some(arg) = args.next() {
        let text = arg.to_str().unwrap_or("");
        if options_end || !text.starts_with('-') || text == "-" {
            operands.push(PathBuf::from(arg));
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (text, None),
        };
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args
                    .next()
                    .and_then(|v| v.into_string().ok())
                    .ok_or_else(|| format!("option {name} needs a value")),
            }
        };
        match name {
            "--" => options_end = true,
            "-h" | "--help" => return Ok(Parsed::Exit(USAGE.into(), ExitCode::SUCCESS)),
            "-V" | "--version" => {
                return Ok(Parsed::Exit(
                    format!("latencyfs {}\n", env!("CARGO_PKG_VERSION")),
                    ExitCode::SUCCESS,
                ));
            }
            "--delay" => delay = parse_duration(&value()?)?,
            "--ttl" => ttl = parse_duration(&value()?)?,
            "--threads" => {
                let v = value()?;
                threads = match v.parse() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("invalid thread count '{v}'")),
                };
            }
            _ => return Err(format!("unknown option '{text}'")),
        }
    }
    let [source, mountpoint]: [PathBuf; 2] = operands
        .try_into()
        .map_err(|_| "expected SOURCE and MOUNTPOINT".to_string())?;
    Ok(Parsed::Run(Options {
        delay,
        ttl,
        threads,
        source,
        mountpoint,
    }))
}

/// The name shown in /proc/mounts: the source path, if the mount option
/// list can carry it as it is.
fn fs_name(source: &Path) -> String {
    match source.to_str() {
        Some(s) if !s.contains([',', ' ', '\t', '\n', '\\']) => s.to_owned(),
        _ => "latencyfs".to_owned(),
    }
}

fn run(o: Options) -> Result<(), String> {
    let source = o
        .source
        .canonicalize()
        .map_err(|e| format!("{}: {e}", o.source.display()))?;
    let mountpoint = o
        .mountpoint
        .canonicalize()
        .map_err(|e| format!("{}: {e}", o.mountpoint.display()))?;
    if mountpoint.starts_with(&source) {
        // Walking the source would walk the mount, and so on forever.
        return Err(format!(
            "mount point {} is inside the source {}",
            mountpoint.display(),
            source.display()
        ));
    }
    let fs = fs::LatencyFs::new(&source, o.delay, o.ttl)
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let mut config = Config::default();
    config.mount_options = vec![
        MountOption::RO,
        MountOption::DefaultPermissions,
        MountOption::NoAtime,
        MountOption::FSName(fs_name(&source)),
        MountOption::Subtype("latencyfs".into()),
    ];
    config.n_threads = Some(o.threads);
    // Each loop gets its own /dev/fuse descriptor.
    config.clone_fd = o.threads > 1;
    let mut session = Session::new(fs, &mountpoint, &config)
        .map_err(|e| format!("cannot mount on {}: {e}", mountpoint.display()))?;
    let mut unmounter = session.unmount_callable();
    let target = mountpoint.clone();
    ctrlc::set_handler(move || {
        if let Err(e) = unmounter.unmount() {
            // Busy (a process has its working directory there, say):
            // detach it now; the kernel lets go when the last user leaves.
            eprintln!(
                "latencyfs: unmounting {}: {e}; detaching it",
                target.display()
            );
            detach(&target);
        }
    })
    .map_err(|e| format!("cannot handle signals: {e}"))?;
    eprintln!(
        "latencyfs: {} mounted at {} (delay {:?}, ttl {:?}, {} threads)",
        source.display(),
        mountpoint.display(),
        o.delay,
        o.ttl,
        o.threads
    );
    session
        .run()
        .map_err(|e| format!("serving {}: {e}", mountpoint.display()))?;
    eprintln!("latencyfs: {} unmounted", mountpoint.display());
    Ok(())
}

fn detach(target: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(target.as_os_str().as_bytes()) else {
        return;
    };
    // SAFETY: a valid NUL-terminated path and a flag.
    unsafe {
        libc::umount2(c.as_ptr(), libc::MNT_DETACH);
    }
}

fn main() -> ExitCode {
    match parse_args(std::env::args_os().skip(1)) {
        Ok(Parsed::Exit(text, code)) => {
            print!("{text}");
            code
        }
        Ok(Parsed::Run(options)) => match run(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("latencyfs: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("latencyfs: {e}\nTry 'latencyfs --help'.");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_person_writes_them() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0.2ms"), Ok(Duration::from_micros(200)));
        assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
        assert_eq!(parse_duration("50us"), Ok(Duration::from_micros(50)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn a_duration_without_unit_or_number_is_refused() {
        for bad in ["1", "ms", "1 ms", "-1ms", "1min", ".ms", ""] {
            assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
        }
    }

    fn parse(args: &[&str]) -> Result<Options, String> {
        match parse_args(args.iter().map(OsString::from))? {
            Parsed::Run(o) => Ok(o),
            Parsed::Exit(..) => Err("exit".into()),
        }
    }

    #[test]
    fn options_and_operands() {
        let o = parse(&["--delay", "1ms", "--ttl=0", "/usr", "/mnt"]).unwrap();
        assert_eq!(o.delay, Duration::from_millis(1));
        assert_eq!(o.ttl, Duration::ZERO);
        assert_eq!(o.threads, 2);
        assert_eq!(o.source, Path::new("/usr"));
        assert_eq!(o.mountpoint, Path::new("/mnt"));
        assert!(parse(&["/usr"]).is_err());
        assert!(parse(&["/a", "/b", "/c"]).is_err());
        assert!(parse(&["--threads", "0", "/a", "/b"]).is_err());
        assert!(parse(&["--frob", "/a", "/b"]).is_err());
    }
}
