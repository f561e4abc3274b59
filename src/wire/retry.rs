//! When a failed request is tried again, and how long the client waits first.

use std::{
    hash::{BuildHasher, Hasher},
    time::Duration,
};

use crate::Error;

/// When and how the client repeats a request that failed in a way that may pass.
///
/// By default a request is tried up to 3 times when it failed with 429, 502, 503 or 504, or
/// when the connection failed before any response arrived. The wait before each retry is the
/// server's `Retry-After` (seconds or HTTP date) when it sent one, and otherwise an exponential
/// backoff with full jitter: a random time up to `base × 2^(retry − 1)`, capped at `max_delay`.
///
/// Not retried by default: the update POST (repeating it could apply a change twice, so it is
/// retried only after [`RetryPolicy::retry_updates`]), timeouts (the server may still be
/// working), any other status, and a `Retry-After` longer than
/// [`RetryPolicy::max_retry_after`] (the error is returned at once, carrying the wait the
/// server asked for). The client's total timeout bounds all attempts together.
///
/// ```
/// use std::time::Duration;
/// use signalwire_compat::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(5)
///     .backoff(Duration::from_millis(200), Duration::from_secs(5));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    retry_updates: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            retry_updates: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// How many times a request is sent at most, the first time included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff's first wait and its cap.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// The longest `Retry-After` the client waits for; a longer one ends the retries.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Whether updates (POST) are retried too. Only turn this on when applying the same
    /// change twice is harmless, as it is for setting `muted` or `hold`.
    pub fn retry_updates(mut self, yes: bool) -> Self {
        self.retry_updates = yes;
        self
    }

    /// The wait before attempt `attempt + 1` after `error`, or `None` to give up.
    pub(crate) fn delay(&self, attempt: u32, retry_safe: bool, error: &Error) -> Option<Duration> {
        if attempt >= self.max_attempts
            || !(retry_safe || self.retry_updates)
            || !error.is_retryable()
        {
            return None;
        }
        if let Some(wait) = error.retry_after() {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.max_delay);
        Some(exp.mul_f64(jitter()))
    }
}

/// A number in [0, 1), different on every call; enough for spreading retries apart.
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, Repr};
    use reqwest::StatusCode;

    fn api(status: u16, retry_after: Option<u64>) -> Error {
        Repr::Api(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            code: None,
            message: "x".into(),
            more_info: None,
            retry_after: retry_after.map(Duration::from_secs),
            errors: Vec::new(),
        })
        .into()
    }

    #[test]
    fn retries_only_what_is_safe() {
        let p = RetryPolicy::default();
        for status in [429, 502, 503, 504] {
            assert!(p.delay(1, true, &api(status, None)).is_some(), "{status}");
            assert!(
                p.delay(1, false, &api(status, None)).is_none(),
                "POST {status}"
            );
        }
        for status in [400, 401, 404, 422, 500] {
            assert!(p.delay(1, true, &api(status, None)).is_none(), "{status}");
        }
        assert!(
            p.delay(3, true, &api(503, None)).is_none(),
            "attempts are bounded"
        );
        let timeout: Error = Repr::Timeout {
            host: "h".into(),
            after: Duration::from_secs(1),
            phase: crate::TimeoutPhase::Response,
        }
        .into();
        assert!(
            !timeout.is_retryable() && p.delay(1, true, &timeout).is_none(),
            "the server may still be working on it: one rule, for the error and the policy"
        );
        assert!(
            RetryPolicy::none()
                .delay(1, true, &api(503, None))
                .is_none()
        );
        assert!(
            p.clone()
                .retry_updates(true)
                .delay(1, false, &api(503, None))
                .is_some()
        );
    }

    #[test]
    fn retry_after_wins_up_to_its_maximum() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, true, &api(429, Some(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.delay(1, true, &api(429, Some(31))), None);
        assert_eq!(
            p.delay(1, true, &api(429, Some(30))),
            Some(Duration::from_secs(30)),
            "the maximum itself is waited for"
        );
        let patient = RetryPolicy::default().max_retry_after(Duration::from_secs(60));
        assert_eq!(
            patient.delay(1, true, &api(429, Some(45))),
            Some(Duration::from_secs(45))
        );
        assert_eq!(patient.delay(1, true, &api(429, Some(61))), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default()
            .max_attempts(20)
            .backoff(Duration::from_millis(100), Duration::from_secs(1));
        for attempt in 1..20 {
            let d = p.delay(attempt, true, &api(503, None)).unwrap();
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1).min(10)))
                .min(Duration::from_secs(1));
            assert!(d <= ceiling, "attempt {attempt}: {d:?} > {ceiling:?}");
        }
        let spread: std::collections::HashSet<_> = (0..20)
            .map(|_| p.delay(5, true, &api(503, None)).unwrap())
            .collect();
        assert!(spread.len() > 1, "jitter varies the wait");
    }
}
