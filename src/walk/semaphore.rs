//! A counting semaphore as the book builds it: a bounded channel holding
//! one token per permit. Taking a token gives way to cancellation (the
//! book's `select { case sema <- token: ... case <-done: }`).

use crossbeam_channel::{Receiver, Sender, select};

pub struct Semaphore {
    give: Sender<()>,
    take: Receiver<()>,
}

/// A permit; it goes back to the semaphore when dropped.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        let permits = permits.max(1);
        let (give, take) = crossbeam_channel::bounded(permits);
        for _ in 0..permits {
            // Cannot fail: the channel has room for every token.
            let _ = give.send(());
        }
        Semaphore { give, take }
    }

    /// Waits for a permit, or returns None as soon as `done` is ready.
    pub fn acquire(&self, done: &Receiver<()>) -> Option<Permit<'_>> {
        select! {
            recv(self.take) -> token => token.ok().map(|()| Permit { semaphore: self }),
            recv(done) -> _ => None,
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // Never blocks: this token came out of the channel.
        let _ = self.semaphore.give.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_are_bounded_and_returned() {
        let s = Semaphore::new(2);
        let never = crossbeam_channel::never();
        let a = s.acquire(&never);
        let b = s.acquire(&never);
        assert!(a.is_some() && b.is_some());
        assert!(s.take.is_empty(), "a third permit must not be available");
        drop(a);
        assert!(s.acquire(&never).is_some());
    }

    #[test]
    fn acquire_gives_way_to_cancel() {
        let s = Semaphore::new(1);
        let _held = s.acquire(&crossbeam_channel::never());
        let (tx, done) = crossbeam_channel::bounded::<()>(0);
        drop(tx);
        assert!(s.acquire(&done).is_none());
    }
}
