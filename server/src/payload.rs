//! The bytes `/__down` sends: a streamed, incompressible, pseudo-random body
//! of an exact length, generated 16 KiB at a time so a 1 GiB download never
//! sits in memory.
//!
//! Incompressible matters: a proxy or browser that gzips or dedupes a
//! repeated buffer would make the link look faster than it is. The fault
//! endpoints reuse this body with a planned bad ending (cut the connection,
//! or stop sending and hang).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

use crate::stats::OpenDownStream;

/// Size of each body chunk handed to the connection: small, so that what
/// the connection holds beyond its buffer ([`crate::CONNECTION_BUFFER_BYTES`])
/// before the client reads it stays small too.
pub const CHUNK_BYTES: usize = 16 * 1024;

/// xorshift64*: fast, and its output does not compress. Not for secrets.
#[derive(Clone, Debug)]
pub struct Xorshift64Star(u64);

impl Xorshift64Star {
    /// A generator started from `seed` (zero is replaced, it would stay zero).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// A generator seeded differently for every call in this process.
    pub fn unique() -> Self {
        static CALLS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_nanos() as u64)
            .unwrap_or(0);
        let call = CALLS.fetch_add(1, Ordering::Relaxed);
        Self::new(splitmix64(nanos ^ call.rotate_left(32)))
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Fills `out` entirely with pseudo-random bytes.
    pub fn fill(&mut self, out: &mut [u8]) {
        let mut words = out.chunks_exact_mut(8);
        for word in &mut words {
            word.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        let tail = words.into_remainder();
        let last = self.next_u64().to_le_bytes();
        tail.copy_from_slice(&last[..tail.len()]);
    }
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How long an aborting body waits before it errors, so the connection
/// flushes the bytes already handed to it (the client then sees exactly the
/// bytes before the cut, then the connection closing).
pub const ABORT_FLUSH_PAUSE: Duration = Duration::from_millis(50);

/// How a body that was planned to stop early behaves once it has stopped.
#[derive(Debug)]
pub enum Cut {
    /// Error the body after [`ABORT_FLUSH_PAUSE`]: the connection is closed
    /// mid-response.
    Abort,
    /// Send nothing more, keep the connection open; give up after the
    /// given time so a client that never leaves cannot pin the server.
    Stall(Duration),
}

/// An `http_body::Body` of exactly `total` pseudo-random bytes.
#[derive(Debug)]
pub struct RandomPayload {
    total: u64,
    sent: u64,
    rng: Xorshift64Star,
    cut: Option<(u64, Cut)>,
    pause: Option<Pin<Box<Sleep>>>,
    meter: Option<OpenDownStream>,
}

impl RandomPayload {
    /// A body that sends all `total` bytes.
    pub fn new(total: u64) -> Self {
        Self {
            total,
            sent: 0,
            rng: Xorshift64Star::unique(),
            cut: None,
            pause: None,
            meter: None,
        }
    }

    /// Plans a bad ending after `after` bytes (still announcing `total`).
    pub fn cut_after(mut self, after: u64, cut: Cut) -> Self {
        if after < self.total {
            self.cut = Some((after, cut));
        }
        self
    }

    /// Counts every chunk handed to the connection, and keeps the stream
    /// marked open until the body is dropped.
    pub(crate) fn metered(mut self, meter: OpenDownStream) -> Self {
        self.meter = Some(meter);
        self
    }

    fn limit(&self) -> u64 {
        self.cut.as_ref().map_or(self.total, |(after, _)| *after)
    }

    fn next_chunk(&mut self) -> Bytes {
        let len = (self.limit() - self.sent).min(CHUNK_BYTES as u64) as usize;
        let mut chunk = BytesMut::zeroed(len);
        self.rng.fill(&mut chunk);
        self.sent += len as u64;
        if let Some(meter) = &self.meter {
            meter.count_sent(len as u64);
        }
        chunk.freeze()
    }
}

impl http_body::Body for RandomPayload {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = &mut *self;
        if this.sent < this.limit() {
            return Poll::Ready(Some(Ok(Frame::data(this.next_chunk()))));
        }
        let (sent, total) = (this.sent, this.total);
        let pause = match &this.cut {
            None => return Poll::Ready(None),
            Some((_, Cut::Abort)) => ABORT_FLUSH_PAUSE,
            Some((_, Cut::Stall(limit))) => *limit,
        };
        let waiting = this
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(pause)));
        if waiting.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let error = match &this.cut {
            Some((_, Cut::Stall(_))) => io::Error::new(
                io::ErrorKind::TimedOut,
                format!("fault injection: stalled after {sent} of {total} bytes for {pause:?}, giving up"),
            ),
            _ => io::Error::new(
                io::ErrorKind::ConnectionAborted,
                format!("fault injection: dropped the connection after {sent} of {total} bytes"),
            ),
        };
        Poll::Ready(Some(Err(error)))
    }

    fn is_end_stream(&self) -> bool {
        self.sent == self.total
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.total - self.sent)
    }
}

#[cfg(test)]
mod tests {
    use http_body::Body as _;

    use super::*;

    fn poll_all(mut body: RandomPayload) -> (Vec<u8>, Option<io::Error>) {
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut out = Vec::new();
        loop {
            match Pin::new(&mut body).poll_frame(&mut cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    out.extend_from_slice(frame.data_ref().expect("only data frames"))
                }
                Poll::Ready(Some(Err(error))) => return (out, Some(error)),
                Poll::Ready(None) => return (out, None),
                Poll::Pending => panic!("a plain payload never waits"),
            }
        }
    }

    #[test]
    fn fill_covers_lengths_that_are_not_a_multiple_of_eight() {
        let mut rng = Xorshift64Star::new(1);
        let mut buf = [0u8; 13];
        rng.fill(&mut buf);
        assert!(buf[8..].iter().any(|&b| b != 0));
    }

    #[test]
    fn body_has_the_exact_length_in_fixed_size_chunks() {
        let body = RandomPayload::new(CHUNK_BYTES as u64 * 2 + 5);
        assert_eq!(body.size_hint().exact(), Some(CHUNK_BYTES as u64 * 2 + 5));
        let (bytes, error) = poll_all(body);
        assert!(error.is_none());
        assert_eq!(bytes.len(), CHUNK_BYTES * 2 + 5);
        assert_ne!(bytes[..CHUNK_BYTES], bytes[CHUNK_BYTES..CHUNK_BYTES * 2]);
    }

    #[test]
    fn empty_body_ends_at_once() {
        let body = RandomPayload::new(0);
        assert!(body.is_end_stream());
        let (bytes, error) = poll_all(body);
        assert!(bytes.is_empty() && error.is_none());
    }

    #[tokio::test]
    async fn abort_cut_errors_after_the_planned_bytes() {
        let mut body = RandomPayload::new(1000).cut_after(400, Cut::Abort);
        let mut sent = 0;
        let error = loop {
            match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
                Some(Ok(frame)) => sent += frame.data_ref().map_or(0, |data| data.len()),
                Some(Err(error)) => break error,
                None => panic!("the body ended cleanly"),
            }
        };
        assert_eq!(sent, 400);
        assert!(error.to_string().contains("400 of 1000"), "{error}");
    }

    #[test]
    fn two_payloads_differ() {
        let (a, _) = poll_all(RandomPayload::new(64));
        let (b, _) = poll_all(RandomPayload::new(64));
        assert_ne!(a, b);
    }
}
