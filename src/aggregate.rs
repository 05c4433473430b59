//! The aggregator: the one thread that owns the stream. It selects over
//! the walkers' batches, the progress ticker and the cancel signal, feeds
//! the batches to the stream (which hands on what is complete, in order),
//! and ends when the last walker has hung up.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, after, never, select};

use crate::cancel::Cancel;
use crate::stream::Stream;
use crate::stream::batch::Message;

/// How long the aggregator lets batches gather after taking what was
/// waiting. The channel holds far more than the walkers send in this time.
const GATHER: Duration = Duration::from_micros(500);

/// How often a held scan looks whether its hold file is still there.
const HOLD_POLL: Duration = Duration::from_millis(5);

/// The tests' hold (`CDU_TEST_HOLD=PATH`): once the first batches are
/// handed on, the aggregator takes no more while PATH exists, so a test
/// has a scan that is certainly still running (and certainly partial if
/// cancelled) for as long as it needs. Ticks and the cancel are still
/// seen, a cancel ends the hold, and the walkers wait on the full channel
/// as behind a slow sink. The variable is read once per scan; unset, the
/// hold is one `None` per message.
struct Hold(Option<PathBuf>);

impl Hold {
    fn from_env() -> Hold {
        Hold(std::env::var_os("CDU_TEST_HOLD").map(PathBuf::from))
    }

    /// Whether to take nothing now. Once the file is gone or the run is
    /// cancelled, the hold is over for good.
    fn holds(&mut self, handed_on: bool, cancel: &Cancel) -> bool {
        match &self.0 {
            Some(path) if handed_on => {
                if cancel.is_cancelled() || !path.exists() {
                    self.0 = None;
                }
                self.0.is_some()
            }
            _ => false,
        }
    }
}

/// Feeds messages to `stream` until every sender is gone, then finishes
/// it. `ticker` is `crossbeam_channel::tick` when progress is on and
/// `never()` when off (Go's nil channel); `on_tick` is called at each tick.
/// A cancel is noted and what is still in flight is drained, not lost.
/// Returns whether the run was cancelled; a sink that fails cancels the
/// walk too, since nothing more can be shown.
pub fn aggregate(
    messages: &Receiver<Message>,
    ticker: &Receiver<Instant>,
    cancel: &Cancel,
    watch_cancel: bool,
    stream: &mut Stream,
    on_tick: &mut dyn FnMut(&Stream),
) -> bool {
    let no_cancel = never();
    let mut done = if watch_cancel {
        cancel.done()
    } else {
        &no_cancel
    };
    let mut cancelled = false;
    let mut hold = Hold::from_env();
    let mut handed_on = false;
    let no_messages = never();
    loop {
        let (input, recheck) = if hold.holds(handed_on, cancel) {
            (&no_messages, after(HOLD_POLL))
        } else {
            (messages, never())
        };
        select! {
            recv(input) -> message => match message {
                Ok(message) => {
                    stream.add(message);
                    // Take all that is waiting, then let some gather: one
                    // wake-up per directory would cost the walkers a
                    // context switch each (94,000 on a million files, one
                    // thread). The pause bounds how late a tick or a
                    // cancel is seen.
                    while let Ok(message) = messages.try_recv() {
                        stream.add(message);
                    }
                    if stream.failed() && !cancel.is_cancelled() {
                        // The output is gone: stop the walkers.
                        cancel.cancel();
                    }
                    std::thread::sleep(GATHER);
                    handed_on = true;
                }
                Err(_) => break,
            },
            // Held: look at the file again.
            recv(recheck) -> _ => {}
            recv(ticker) -> _ => on_tick(stream),
            recv(done) -> _ => {
                cancelled = true;
                // Seen once is enough: stop selecting on it, keep draining.
                done = &no_cancel;
            }
        }
    }
    stream.finish();
    // A write failure stopped the walk, not the user.
    !stream.failed() && (cancelled || (watch_cancel && cancel.is_cancelled()))
}
