//! The terminal while the browser runs: raw mode and the alternate screen,
//! given back exactly on quit, on a panic, on SIGTERM or SIGHUP, and for the
//! time of a Ctrl-Z.

use std::io::{self, IsTerminal, Write};
use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{self, Event};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::{Browser, Flow};
use crate::config::ColorWhen;

/// How long to wait for a key before drawing the scan's progress again;
/// longer once the scan is over and nothing changes by itself.
const WHILE_SCANNING: Duration = Duration::from_millis(100);
const WHEN_IDLE: Duration = Duration::from_millis(1000);
/// While a sort runs apart once the scan has ended, to show its order as
/// soon as it is ready.
const WHILE_SORTING: Duration = Duration::from_millis(10);

/// Whether to colour: `--color`, and for `auto` a terminal without
/// `NO_COLOR` set.
pub fn wants_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn enter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)
}

/// Puts the terminal back as it was; safe to call more than once.
fn leave() {
    let _ = execute!(io::stdout(), cursor::Show, LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
    let _ = io::stdout().flush();
}

/// Leaves the terminal as it was however the browser ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        leave();
    }
}

/// A cleared screen and a terminal that knows nothing is on it, so the
/// next frame is drawn whole. (ratatui's own clear asks the terminal where
/// its cursor is, which not every terminal answers.)
fn fresh() -> io::Result<Terminal<CrosstermBackend<io::Stdout>>> {
    execute!(io::stdout(), terminal::Clear(terminal::ClearType::All))?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Runs `browser` on the terminal until it quits or a signal ends it.
/// `scan_ended` becomes readable when the scan ends, which is then drawn
/// at once.
pub fn run(browser: &mut Browser, mut scan_ended: Option<BorrowedFd<'_>>) -> io::Result<()> {
    if !io::stdout().is_terminal() {
        return Err(io::Error::other("-i needs a terminal on standard output"));
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
    // In raw mode Ctrl-C is a key; these are SIGTERM and SIGHUP (and a
    // SIGINT sent from elsewhere).
    let ended = Arc::new(AtomicBool::new(false));
    {
        let ended = ended.clone();
        // Another handler already set means a caller handles signals.
        let _ = ctrlc::set_handler(move || ended.store(true, Ordering::SeqCst));
    }
    // crossterm leaves colours out under NO_COLOR by itself; --color=always
    // is the user saying otherwise.
    crossterm::style::force_color_output(browser.color);
    enter()?;
    let _restore = Restore;
    let mut screen = fresh()?;
    loop {
        screen.draw(|frame| browser.draw(frame))?;
        if ended.load(Ordering::SeqCst) {
            break;
        }
        // While the scan runs, a huge directory is nearly always being
        // sorted again; its order shows at the scan's pace of frames.
        let wait = if browser.scanning() {
            WHILE_SCANNING
        } else if browser.view.sorting() {
            WHILE_SORTING
        } else {
            WHEN_IDLE
        };
        // crossterm reads a terminal that has hung up (its window closed)
        // again and again without returning, and the signal that ends the
        // browser is never looked at: the wait is this module's own, and
        // crossterm is asked only once the terminal is known to be there.
        if matches!(wait_for_input(Duration::ZERO, None), Input::HungUp) {
            break;
        }
        // The scan's end stays readable once it is over: it is waited on
        // until it fires, once, even if the scan thread died before
        // marking the tree done.
        let also = scan_ended.filter(|_| browser.scanning());
        if !event::poll(Duration::ZERO)? {
            match wait_for_input(wait, also) {
                Input::HungUp => break,
                Input::None => continue,
                Input::Also => {
                    scan_ended = None;
                    continue;
                }
                Input::Ready if !event::poll(Duration::ZERO)? => continue,
                Input::Ready => {}
            }
        }
        match event::read()? {
            Event::Key(key) => match browser.key(key) {
                Flow::Quit => break,
                Flow::Suspend => {
                    leave();
                    // SAFETY: raising a signal for this process touches no
                    // memory; the default action stops it until SIGCONT.
                    unsafe {
                        libc::raise(libc::SIGTSTP);
                    }
                    enter()?;
                    // After fg the screen is whatever the shell left.
                    screen = fresh()?;
                }
                Flow::Continue => {}
            },
            Event::Resize(..) => screen.autoresize()?,
            _ => {}
        }
    }
    Ok(())
}

/// What the terminal has for the browser after a wait.
enum Input {
    /// The other descriptor waited on is readable.
    Also,
    Ready,
    None,
    HungUp,
}

/// Waits up to `wait` for the terminal's input, or its hangup, or for
/// `also` to become readable.
fn wait_for_input(wait: Duration, also: Option<BorrowedFd<'_>>) -> Input {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    // crossterm reads standard input when it is a terminal, else
    // /dev/tty, which is then the terminal of standard output.
    let terminal = if io::stdin().is_terminal() {
        rustix::stdio::stdin()
    } else {
        rustix::stdio::stdout()
    };
    // Without `also` the second slot is the terminal again, left out of
    // the poll.
    let other = also.unwrap_or(terminal);
    let mut fds = [
        PollFd::new(&terminal, PollFlags::IN),
        PollFd::new(&other, PollFlags::IN),
    ];
    let polled = if also.is_some() { 2 } else { 1 };
    let timeout = Timespec {
        tv_sec: wait.as_secs().min(i64::MAX as u64) as i64,
        tv_nsec: i64::from(wait.subsec_nanos()),
    };
    // A signal (the one that ends the browser, or a resize) or nothing
    // within the wait: the loop looks again.
    if !matches!(poll(&mut fds[..polled], Some(&timeout)), Ok(n) if n > 0) {
        return Input::None;
    }
    let gone = PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL;
    if fds[0].revents().is_empty() {
        Input::Also
    } else if fds[0].revents().intersects(gone) {
        Input::HungUp
    } else {
        Input::Ready
    }
}
