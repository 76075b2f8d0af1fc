//! The one task that writes beacons: it gathers what arrives within a few
//! milliseconds (or up to a batch's worth) and commits it in one
//! transaction, then tells each waiting request whether its beacon is
//! stored. A request answers 204 only after that, so what was acknowledged
//! is on disk whatever happens to the process afterwards.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::beacon::Event;
use super::day::Day;
use super::store::Store;

/// How beacons are gathered into transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchPolicy {
    /// Most rows in one transaction.
    pub max_rows: usize,
    /// Longest a beacon waits for others before its batch is written.
    pub max_wait: Duration,
    /// Beacons waiting beyond this are refused (503) rather than queued
    /// without bound.
    pub queue: usize,
}

impl Default for BatchPolicy {
    fn default() -> Self {
        Self {
            max_rows: 512,
            max_wait: Duration::from_millis(5),
            queue: 8192,
        }
    }
}

/// Why a beacon was not stored (503: the client may send it again).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The queue is full.
    #[error("the insights collector is busy; try again shortly")]
    Busy,
    /// The database refused the batch (details go to the server's log).
    #[error("the insights database could not store the beacon; try again shortly")]
    Failed,
}

struct Pending {
    day: Day,
    event: Event,
    stored: oneshot::Sender<Result<(), WriteError>>,
}

/// A handle to the writer task; the task ends when every handle is gone.
#[derive(Clone, Debug)]
pub struct Writer {
    queue: mpsc::Sender<Pending>,
}

impl Writer {
    /// Starts the writer task for `store` (needs a Tokio runtime).
    pub fn spawn(store: Store, policy: BatchPolicy) -> Self {
        let (queue, receiver) = mpsc::channel(policy.queue.max(1));
        tokio::spawn(run(store, receiver, policy));
        Self { queue }
    }

    /// Stores `event` as of `day`; returns once its batch is committed.
    pub async fn write(&self, day: Day, event: Event) -> Result<(), WriteError> {
        let (stored, answer) = oneshot::channel();
        self.queue
            .try_send(Pending { day, event, stored })
            .map_err(|_| WriteError::Busy)?;
        // The task dropping the sender (it stopped) counts as not stored.
        answer.await.unwrap_or(Err(WriteError::Failed))
    }
}

async fn run(store: Store, mut receiver: mpsc::Receiver<Pending>, policy: BatchPolicy) {
    let max_rows = policy.max_rows.max(1);
    let mut batch: Vec<Pending> = Vec::with_capacity(max_rows);
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        let deadline = Instant::now() + policy.max_wait;
        while batch.len() < max_rows {
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(next)) => batch.push(next),
                Ok(None) | Err(_) => break,
            }
        }
        let (rows, waiting): (Vec<(Day, Event)>, Vec<_>) = batch
            .drain(..)
            .map(|p| ((p.day, p.event), p.stored))
            .unzip();
        let outcome = match store.insert(&rows).await {
            Ok(()) => Ok(()),
            Err(error) => {
                eprintln!(
                    "backup-doctor: insights: a batch of {} beacons was not stored: {error}",
                    rows.len()
                );
                Err(WriteError::Failed)
            }
        };
        for stored in waiting {
            // A request that gave up waiting no longer needs the answer.
            let _ = stored.send(outcome.clone());
        }
    }
}
