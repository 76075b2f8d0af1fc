//! Per-client rate limit for beacons: a token bucket per client address,
//! in memory only (addresses are never stored).
//!
//! Pure: the caller passes the time, so tests step it by hand.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How many clients are tracked before full buckets are forgotten.
const SWEEP_ABOVE: usize = 10_000;

/// The most clients tracked at once; beyond it, new clients share one
/// bucket, so memory stays bounded whatever the traffic.
const MAX_CLIENTS: usize = 100_000;

/// Token buckets keyed by client: IPv4 addresses whole, IPv6 by their /64
/// (one host usually holds a whole /64).
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: HashMap<ClientKey, Bucket>,
}

/// Who a bucket belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An IPv4 address, or the first 64 bits of an IPv6 one.
    Address(u128),
    /// A request with no known peer, or one beyond [`MAX_CLIENTS`].
    Shared,
}

impl ClientKey {
    /// The key of a client at `ip`.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => ClientKey::Address(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::Address(u128::from(u32::from(v4))),
                None => ClientKey::Address(((u128::from(v6) >> 64) << 64) | (1 << 63)),
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// Up to `burst` beacons at once, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second: per_second.max(0.0),
            buckets: HashMap::new(),
        }
    }

    /// Takes one token for `key` at `now`; `false` means refuse (429).
    pub fn allow(&mut self, key: ClientKey, now: Instant) -> bool {
        if self.buckets.len() >= SWEEP_ABOVE && !self.buckets.contains_key(&key) {
            self.forget_full(now);
        }
        let key = if self.buckets.len() >= MAX_CLIENTS && !self.buckets.contains_key(&key) {
            ClientKey::Shared
        } else {
            key
        };
        let (burst, per_second) = (self.burst, self.per_second);
        let bucket = self.buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// How long until `key` may send again (for `Retry-After`).
    pub fn wait_for(&self, key: ClientKey) -> Duration {
        let tokens = self.buckets.get(&key).map_or(self.burst, |b| b.tokens);
        if tokens >= 1.0 || self.per_second <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((1.0 - tokens) / self.per_second)
    }

    /// How many clients are tracked.
    pub fn clients(&self) -> usize {
        self.buckets.len()
    }

    /// Drops buckets that would be full by now: forgetting them changes
    /// nothing (a new bucket starts full).
    fn forget_full(&mut self, now: Instant) {
        let (burst, per_second) = (self.burst, self.per_second);
        self.buckets.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            b.tokens + elapsed * per_second < burst
        });
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    fn key(last: u8) -> ClientKey {
        ClientKey::of(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)))
    }

    #[test]
    fn a_burst_passes_and_the_next_beacon_is_refused() {
        let mut limiter = RateLimiter::new(3, 1.0);
        let now = Instant::now();
        assert!((0..3).all(|_| limiter.allow(key(1), now)));
        assert!(!limiter.allow(key(1), now));
        assert_eq!(limiter.wait_for(key(1)), Duration::from_secs(1));
    }

    #[test]
    fn tokens_come_back_with_time() {
        let mut limiter = RateLimiter::new(2, 4.0);
        let start = Instant::now();
        assert!(limiter.allow(key(1), start));
        assert!(limiter.allow(key(1), start));
        assert!(!limiter.allow(key(1), start + Duration::from_millis(200)));
        assert!(limiter.allow(key(1), start + Duration::from_millis(260)));
        // Never more than the burst, however long the pause.
        let later = start + Duration::from_secs(3600);
        assert!(limiter.allow(key(1), later));
        assert!(limiter.allow(key(1), later));
        assert!(!limiter.allow(key(1), later));
    }

    #[test]
    fn clients_have_their_own_buckets() {
        let mut limiter = RateLimiter::new(1, 0.0);
        let now = Instant::now();
        assert!(limiter.allow(key(1), now));
        assert!(!limiter.allow(key(1), now));
        assert!(limiter.allow(key(2), now));
    }

    #[test]
    fn an_ipv6_host_counts_as_its_slash_64() {
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().expect("address");
        let b: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().expect("address");
        let c: Ipv6Addr = "2001:db8:1:3::1".parse().expect("address");
        assert_eq!(ClientKey::of(a.into()), ClientKey::of(b.into()));
        assert_ne!(ClientKey::of(a.into()), ClientKey::of(c.into()));
        let mapped: Ipv6Addr = "::ffff:192.0.2.1".parse().expect("address");
        assert_eq!(ClientKey::of(mapped.into()), key(1));
    }

    #[test]
    fn idle_clients_are_forgotten_so_memory_stays_bounded() {
        let mut limiter = RateLimiter::new(2, 10.0);
        let start = Instant::now();
        for n in 0..SWEEP_ABOVE as u32 {
            let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
            assert!(limiter.allow(ClientKey::of(ip), start));
        }
        assert_eq!(limiter.clients(), SWEEP_ABOVE);
        assert!(limiter.allow(key(7), start + Duration::from_secs(1)));
        assert_eq!(limiter.clients(), 1);
    }
}
