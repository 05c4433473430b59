//! The aggregator: the one thread that owns the stream. It selects over
//! the walkers' batches, the progress ticker and the cancel signal, feeds
//! the batches to the stream (which hands on what is complete, in order),
//! and ends when the last walker has hung up.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, never, select};

use crate::batch::Message;
use crate::cancel::Cancel;
use crate::stream::Stream;

/// How long the aggregator lets batches gather after taking what was
/// waiting. The channel holds far more than the walkers send in this time.
const GATHER: Duration = Duration::from_micros(500);

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
    loop {
        select! {
            recv(messages) -> message => match message {
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
                }
                Err(_) => break,
            },
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
