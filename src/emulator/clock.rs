//! The emulator's time: the system clock, or a virtual one that moves only when told to.
//!
//! Everything in the emulator that reads the time reads it here: the dates it writes on
//! resources, a recording's duration, a status callback's `Timestamp`. [`Clock::sleep_until`]
//! is how work that waits on the emulator's time waits (a call that rings, then is
//! answered), so that on a virtual clock it runs in the time it takes to say
//! [`Clock::advance`]. A fault's delay is real time, since it tests a client's own timeouts.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// The longest single step a virtual clock takes: 100 years.
pub const MAX_ADVANCE: Duration = Duration::from_secs(100 * 366 * 24 * 3600);

/// The emulator's time. Cheap to clone: clones share one clock.
///
/// ```
/// use std::time::Duration;
/// use signalwire_compat::emulator::Clock;
///
/// let start = "2026-01-01T09:00:00Z".parse().unwrap();
/// let clock = Clock::starting_at(start);
/// clock.advance(Duration::from_secs(90)).unwrap();
/// assert_eq!(clock.now().to_rfc3339(), "2026-01-01T09:01:30+00:00");
/// assert!(Clock::real().advance(Duration::from_secs(1)).is_err());
/// ```
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

enum Inner {
    Real,
    /// The virtual now; sleepers watch it.
    Virtual(watch::Sender<DateTime<Utc>>),
    /// Real time, `speed` times as fast, from `start` at `since`.
    Scaled {
        start: DateTime<Utc>,
        since: tokio::time::Instant,
        speed: f64,
    },
}

/// The fastest a [scaled](Clock::scaled) clock runs: a thousand times real time.
pub const MAX_SPEED: f64 = 1_000.0;

/// The slowest a [scaled](Clock::scaled) clock runs: a thousandth of real time.
pub const MIN_SPEED: f64 = 0.001;

/// Why a clock could not be moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The clock is the system's, which only time moves.
    #[error(
        "the emulator's clock runs on its own (real time, or real time sped up) and cannot be advanced; start the emulator with a virtual clock to move it by hand"
    )]
    Real,
    /// A scaled clock's speed is not from [`MIN_SPEED`] to [`MAX_SPEED`].
    #[error("a clock's speed is from 0.001 to 1000 times real time")]
    Speed,
    /// The step is longer than [`MAX_ADVANCE`], or would take the clock past the dates it
    /// can write.
    #[error("a step of {millis} ms is too long; the clock moves at most 100 years at a time")]
    TooFar {
        /// The step asked for, in milliseconds.
        millis: u128,
    },
}

impl Clock {
    /// The system clock: the emulator's default.
    pub fn real() -> Self {
        Self {
            inner: Arc::new(Inner::Real),
        }
    }

    /// A virtual clock that reads `start` until it is [advanced](Self::advance).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            inner: Arc::new(Inner::Virtual(watch::Sender::new(start))),
        }
    }

    /// A clock that runs on its own, `speed` times as fast as real time (from [`MIN_SPEED`]
    /// to [`MAX_SPEED`]), from `start`: a ten-minute call takes ten seconds at 60. It cannot
    /// be [advanced](Self::advance) by hand.
    ///
    /// ```
    /// use signalwire_compat::emulator::Clock;
    ///
    /// let start = "2026-01-01T09:00:00Z".parse().unwrap();
    /// assert!(Clock::scaled(start, 60.0).is_ok());
    /// assert!(Clock::scaled(start, 0.0).is_err());
    /// assert!(Clock::scaled(start, 5_000.0).is_err());
    /// ```
    pub fn scaled(start: DateTime<Utc>, speed: f64) -> Result<Self, ClockError> {
        if !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
            return Err(ClockError::Speed);
        }
        Ok(Self {
            inner: Arc::new(Inner::Scaled {
                start,
                since: tokio::time::Instant::now(),
                speed,
            }),
        })
    }

    /// A virtual clock that starts at the system's time, to the second.
    pub fn virtual_now() -> Self {
        let now = Utc::now();
        Self::starting_at(DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now))
    }

    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        match &*self.inner {
            Inner::Real => Utc::now(),
            Inner::Virtual(now) => *now.borrow(),
            Inner::Scaled {
                start,
                since,
                speed,
            } => {
                let passed = since.elapsed().as_secs_f64() * speed;
                let passed = chrono::Duration::microseconds((passed * 1e6) as i64);
                start
                    .checked_add_signed(passed)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC)
            }
        }
    }

    /// Whether the clock is virtual (moved only by [`advance`](Self::advance)).
    pub fn is_virtual(&self) -> bool {
        matches!(&*self.inner, Inner::Virtual(_))
    }

    /// Moves a virtual clock forward by `step` and wakes what was waiting for a time up to
    /// the new one; returns the new time. A real clock refuses.
    pub fn advance(&self, step: Duration) -> Result<DateTime<Utc>, ClockError> {
        let Inner::Virtual(now) = &*self.inner else {
            return Err(ClockError::Real);
        };
        // (A scaled clock runs on its own, as a real one does.)
        let too_far = ClockError::TooFar {
            millis: step.as_millis(),
        };
        if step > MAX_ADVANCE {
            return Err(too_far);
        }
        let step = chrono::Duration::from_std(step).map_err(|_| too_far.clone())?;
        let mut result = Err(too_far);
        now.send_if_modified(|now| match now.checked_add_signed(step) {
            Some(later) => {
                *now = later;
                result = Ok(later);
                true
            }
            None => false,
        });
        result
    }

    /// Waits until the clock reads `deadline` or later: in real time on a real clock, and on
    /// a virtual one until it is advanced that far (at once if it already is).
    pub async fn sleep_until(&self, deadline: DateTime<Utc>) {
        match &*self.inner {
            Inner::Real => {
                let wait = (deadline - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                tokio::time::sleep(wait).await;
            }
            Inner::Scaled { speed, .. } => {
                let wait = (deadline - self.now()).to_std().unwrap_or(Duration::ZERO);
                // A deadline far off, on a slow clock, is a wait longer than any: forever.
                let real = Duration::try_from_secs_f64(wait.as_secs_f64() / speed)
                    .unwrap_or(Duration::MAX);
                match tokio::time::Instant::now().checked_add(real) {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            }
            Inner::Virtual(now) => {
                let mut watching = now.subscribe();
                // The sender lives as long as this clock, which this future borrows.
                let _ = watching.wait_for(|now| *now >= deadline).await;
            }
        }
    }

    /// Waits for `wait` on this clock, counted from when this is called (not from when the
    /// future is first polled); see [`sleep_until`](Self::sleep_until).
    pub fn sleep(&self, wait: Duration) -> impl std::future::Future<Output = ()> + Send + use<> {
        let deadline = chrono::Duration::from_std(wait)
            .ok()
            .and_then(|wait| self.now().checked_add_signed(wait))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let clock = self.clone();
        async move { clock.sleep_until(deadline).await }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::real()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.inner {
            Inner::Real => f.write_str("Clock::Real"),
            Inner::Scaled { speed, .. } => write!(f, "Clock::Scaled({speed}x)"),
            Inner::Virtual(now) => write!(f, "Clock::Virtual({})", now.borrow().to_rfc3339()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> DateTime<Utc> {
        "2026-01-01T09:00:00Z".parse().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_sleeper_on_a_virtual_clock_wakes_when_advanced_past_its_deadline() {
        let clock = Clock::starting_at(start());
        let sleeper = {
            let clock = clock.clone();
            // The deadline is fixed here, before the task first runs.
            let sleep = clock.sleep(Duration::from_secs(60));
            tokio::spawn(async move {
                sleep.await;
                clock.now()
            })
        };
        clock.advance(Duration::from_secs(59)).unwrap();
        // Real (paused, auto-advancing) time passing does not move a virtual clock.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(2)).unwrap();
        let woke_at = tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .expect("the sleeper wakes once the clock passes its deadline")
            .unwrap();
        assert_eq!(woke_at, start() + chrono::Duration::seconds(61));
    }

    #[tokio::test]
    async fn a_deadline_already_passed_returns_at_once() {
        let clock = Clock::starting_at(start());
        clock.sleep_until(start()).await;
        clock.sleep(Duration::ZERO).await;
        Clock::real().sleep_until(start()).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_real_clock_sleeps_in_real_time() {
        let clock = Clock::real();
        let before = tokio::time::Instant::now();
        clock.sleep(Duration::from_secs(5)).await;
        assert!(before.elapsed() >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn a_scaled_clock_runs_faster_and_its_sleepers_wake_in_its_time() {
        let clock = Clock::scaled(start(), 60.0).unwrap();
        let before = tokio::time::Instant::now();
        // Ten minutes of its time are ten seconds of real time.
        clock.sleep(Duration::from_secs(600)).await;
        let real = before.elapsed();
        assert!(real >= Duration::from_secs(10), "{real:?}");
        assert!(real < Duration::from_secs(11), "{real:?}");
        let now = clock.now();
        assert!(now >= start() + chrono::Duration::seconds(600), "{now}");
        assert_eq!(clock.advance(Duration::from_secs(1)), Err(ClockError::Real));
        for speed in [0.0, -1.0, 1e-300, 5e-324, f64::NAN, f64::INFINITY, 1_000.5] {
            assert_eq!(
                Clock::scaled(start(), speed).unwrap_err(),
                ClockError::Speed
            );
        }
    }

    #[test]
    fn steps_are_bounded_and_a_real_clock_refuses_them() {
        let clock = Clock::starting_at(start());
        assert_eq!(
            clock.advance(MAX_ADVANCE + Duration::from_millis(1)),
            Err(ClockError::TooFar {
                millis: MAX_ADVANCE.as_millis() + 1
            })
        );
        assert_eq!(clock.now(), start());
        assert_eq!(Clock::real().advance(Duration::ZERO), Err(ClockError::Real));
        let near_the_end = Clock::starting_at(DateTime::<Utc>::MAX_UTC - chrono::Duration::days(1));
        assert!(
            near_the_end
                .advance(Duration::from_secs(3 * 86_400))
                .is_err()
        );
        assert_eq!(
            clock.advance(Duration::from_millis(1500)).unwrap(),
            start() + chrono::Duration::milliseconds(1500)
        );
    }
}
