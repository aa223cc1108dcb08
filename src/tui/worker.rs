//! One generic background worker (after gitui's `asyncjob`): a thread of its
//! own and a queue of jobs, taken in batches — everything queued since the
//! thread last looked — so each kind of work decides what is stale (search
//! keeps the newest query, similar incidents the newest KB, writes keep
//! every job in order). Knows nothing of the UI's types.

use std::sync::mpsc::{Receiver, Sender, channel};

/// The queue a worker's body reads.
pub struct Jobs<J> {
    rx: Receiver<J>,
}

impl<J> Jobs<J> {
    /// Waits for work, then returns every job queued, oldest first; `None`
    /// once the UI has gone.
    pub fn next(&self) -> Option<Vec<J>> {
        let first = self.rx.recv().ok()?;
        let mut batch = vec![first];
        batch.extend(self.rx.try_iter());
        Some(batch)
    }
}

/// The handle the UI keeps: queue a job.
pub struct Worker<J> {
    tx: Sender<J>,
}

impl<J: Send + 'static> Worker<J> {
    /// Starts `body` on its own thread with the worker's queue.
    pub fn start(body: impl FnOnce(Jobs<J>) + Send + 'static) -> Worker<J> {
        let (tx, rx) = channel();
        std::thread::spawn(move || body(Jobs { rx }));
        Worker { tx }
    }

    pub fn send(&self, job: J) {
        let _ = self.tx.send(job);
    }
}

/// The newest of a batch that matters, and whether any job asked for `flag`
/// (for example a refresh riding along with stale queries).
pub fn newest<J, T>(batch: Vec<J>, pick: impl Fn(J) -> Result<T, bool>) -> (Option<T>, bool) {
    let mut last = None;
    let mut flag = false;
    for j in batch {
        match pick(j) {
            Ok(t) => last = Some(t),
            Err(f) => flag |= f,
        }
    }
    (last, flag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_batch_holds_everything_queued_and_keeps_order() {
        let (out_tx, out_rx) = channel();
        let (gate_tx, gate_rx) = channel::<()>();
        let w = Worker::start(move |jobs: Jobs<u32>| {
            while let Some(batch) = jobs.next() {
                let _ = out_tx.send(batch);
                let _ = gate_rx.recv();
            }
        });
        w.send(1);
        let a = out_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        // The worker is busy with the first batch: these two queue up.
        w.send(2);
        w.send(3);
        gate_tx.send(()).unwrap();
        let b = out_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!((a, b), (vec![1], vec![2, 3]));
    }

    #[test]
    fn newest_keeps_the_last_and_any_flag() {
        let picked = newest(vec![1, -1, 2, 3], |j| if j > 0 { Ok(j) } else { Err(true) });
        assert_eq!(picked, (Some(3), true));
        assert_eq!(newest(Vec::<i32>::new(), Ok::<_, bool>), (None, false));
    }
}
