//! Replies that leave after a fixed delay, without holding up the request
//! loop.
//!
//! A request is served at once (the source is asked, the answer built) and
//! its reply, packed into a job, waits in a queue ordered by due time. One
//! timer thread sends each reply when `received + delay` has come. The
//! request loop never sleeps, so any number of requests can be in flight
//! together: like a network server that is slow to answer but answers many
//! clients at once.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A job and when it is due; `seq` keeps jobs due at the same instant in
/// the order they came.
struct Pending {
    due: Instant,
    seq: u64,
    job: Job,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    /// Reversed, so that the max-heap gives the earliest job first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.due, other.seq).cmp(&(self.due, self.seq))
    }
}

#[derive(Default)]
struct Queue {
    heap: BinaryHeap<Pending>,
    seq: u64,
    /// The most replies ever waiting at once.
    most: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs jobs `delay` after the instant each was received.
pub struct Delayer {
    delay: Duration,
    shared: Arc<Shared>,
}

impl Delayer {
    /// A delayer; for a non-zero delay this starts the timer thread.
    pub fn new(delay: Duration) -> Delayer {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
        });
        if !delay.is_zero() {
            let s = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("latencyfs-timer".into())
                .spawn(move || timer(&s))
                .expect("start the timer thread");
        }
        Delayer { delay, shared }
    }

    /// Runs `job` once `received + delay` has passed: at once when the
    /// delay is zero, else on the timer thread.
    pub fn after(&self, received: Instant, job: impl FnOnce() + Send + 'static) {
        if self.delay.is_zero() {
            job();
            return;
        }
        let due = received + self.delay;
        let mut q = self.shared.lock();
        // The timer sleeps until the earliest job; it needs waking only
        // when this one is due sooner (never, with one delay for all,
        // unless the queue was empty).
        let sooner = q.heap.peek().is_none_or(|first| due < first.due);
        let seq = q.seq;
        q.seq += 1;
        q.heap.push(Pending {
            due,
            seq,
            job: Box::new(job),
        });
        q.most = q.most.max(q.heap.len());
        drop(q);
        if sooner {
            self.shared.wake.notify_one();
        }
    }
}

impl Delayer {
    /// The most replies that have waited at once: how many requests the
    /// clients had in flight together.
    pub fn most_waiting(&self) -> usize {
        self.shared.lock().most
    }
}

/// The timer thread: sends every due reply, sleeps until the next.
fn timer(shared: &Shared) {
    // Sleep as exactly as the kernel allows: the default 50 µs timer slack
    // would be a quarter of a 0.2 ms delay.
    // SAFETY: PR_SET_TIMERSLACK takes one integer and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1_000 as libc::c_ulong, 0, 0, 0);
    }
    let mut due = Vec::new();
    let mut q = shared.lock();
    loop {
        let now = Instant::now();
        while q.heap.peek().is_some_and(|first| first.due <= now) {
            due.push(q.heap.pop().expect("peeked").job);
        }
        if !due.is_empty() {
            drop(q);
            for job in due.drain(..) {
                job();
            }
            q = shared.lock();
            continue;
        }
        q = match q.heap.peek() {
            None => shared.wake.wait(q).unwrap_or_else(|e| e.into_inner()),
            Some(first) => {
                let wait = first.due - now;
                shared
                    .wake
                    .wait_timeout(q, wait)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn jobs_run_in_the_order_they_fall_due() {
        let d = Delayer::new(Duration::from_millis(5));
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        // Received out of order: the one received earliest goes first.
        for (i, back) in [(0, 0), (1, 3), (2, 1), (3, 2)] {
            let tx = tx.clone();
            d.after(start - Duration::from_millis(back), move || {
                tx.send(i).unwrap();
            });
        }
        drop(tx);
        let order: Vec<i32> = rx.iter().collect();
        assert_eq!(order, [1, 3, 2, 0]);
    }

    #[test]
    fn a_reply_waits_for_its_delay() {
        let d = Delayer::new(Duration::from_secs(3600));
        let (tx, rx) = mpsc::channel::<()>();
        d.after(Instant::now(), move || tx.send(()).unwrap());
        assert_eq!(rx.try_recv(), Err(mpsc::TryRecvError::Empty));
    }

    #[test]
    fn without_a_delay_the_job_runs_at_once_on_the_same_thread() {
        let d = Delayer::new(Duration::ZERO);
        let here = std::thread::current().id();
        let (tx, rx) = mpsc::channel();
        d.after(Instant::now(), move || {
            tx.send(std::thread::current().id()).unwrap()
        });
        assert_eq!(rx.try_recv().unwrap(), here);
    }
}
