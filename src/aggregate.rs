//! The aggregator: the one thread that owns the report. It selects over
//! the walkers' batches, the progress ticker and the cancel signal, and
//! ends when the last walker has hung up.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, never, select};

use crate::cancel::Cancel;
use crate::report::{Message, Report};

/// How long the aggregator lets batches gather after taking what was
/// waiting. The channel holds far more than the walkers send in this time.
const GATHER: Duration = Duration::from_micros(500);

/// Folds messages into `report` until every sender is gone. `ticker` is
/// `crossbeam_channel::tick` when progress is on and `never()` when off
/// (Go's nil channel); `on_tick` is called at each tick with the report so
/// far. A cancel marks the report cancelled; what is still in flight is
/// drained, not lost.
pub fn aggregate(
    messages: &Receiver<Message>,
    ticker: &Receiver<Instant>,
    cancel: Option<&Cancel>,
    report: &mut Report,
    on_tick: &mut dyn FnMut(&Report),
) {
    let no_cancel = never();
    let mut done = cancel.map_or(&no_cancel, Cancel::done);
    loop {
        select! {
            recv(messages) -> message => match message {
                Ok(message) => {
                    report.add(message);
                    // Take all that is waiting, then let some gather: one
                    // wake-up per directory would cost the walkers a
                    // context switch each (94,000 on a million files, one
                    // thread). The pause bounds how late a tick or a
                    // cancel is seen.
                    while let Ok(message) = messages.try_recv() {
                        report.add(message);
                    }
                    std::thread::sleep(GATHER);
                }
                Err(_) => break,
            },
            recv(ticker) -> _ => on_tick(report),
            recv(done) -> _ => {
                report.cancelled = true;
                // Seen once is enough: stop selecting on it, keep draining.
                done = &no_cancel;
            }
        }
    }
    if cancel.is_some_and(Cancel::is_cancelled) {
        report.cancelled = true;
    }
}
