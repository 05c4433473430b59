//! How long the process has spent stopped by job control (Ctrl-Z until
//! `fg` or `bg`): time that rates and estimates leave out. The program's
//! job control (`app::suspend`) marks each stop it makes; the progress
//! line reads the total.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The time spent in stops that are over, and when the stop under way
/// began. The stop under way counts too, because every thread goes on at
/// the same moment after SIGCONT, before the one that stopped can add it.
static STOPPED: Mutex<(Duration, Option<Instant>)> = Mutex::new((Duration::ZERO, None));

/// Marks that the process is about to stop itself.
pub fn stopping() {
    STOPPED.lock().unwrap_or_else(PoisonError::into_inner).1 = Some(Instant::now());
}

/// Marks that the process goes on after a stop, adding its length.
pub fn continued() {
    let mut stopped = STOPPED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(start) = stopped.1.take() {
        stopped.0 += start.elapsed();
    }
}

/// The time spent stopped since the process began, as far as it stopped
/// itself.
pub fn stopped_time() -> Duration {
    let (past, since) = *STOPPED.lock().unwrap_or_else(PoisonError::into_inner);
    past + since.map_or(Duration::ZERO, |start| start.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_counts_while_under_way_and_after() {
        let before = stopped_time();
        stopping();
        std::thread::sleep(Duration::from_millis(5));
        assert!(stopped_time() >= before + Duration::from_millis(5));
        continued();
        let after = stopped_time();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(stopped_time(), after, "a stop that is over no longer grows");
    }
}
