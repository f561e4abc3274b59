//! Replays. A signature says who sent a callback and that nothing in it changed; it does not
//! say when, so a callback captured on the way (a log, a proxy) validates when sent again,
//! as often as anyone likes. Two defences, each the caller's choice: a window around the
//! callback's signed `Timestamp` ([`ConferenceEvent::check_fresh`],
//! [`CallStatusCallback::check_fresh`]), and dropping one already handled, by the
//! parameters that name the event ([`ConferenceEvent::identity`],
//! [`CallStatusCallback::identity`], with [`Replays`]).

use std::{
    collections::{HashSet, VecDeque},
    time::Duration,
};

use chrono::{DateTime, FixedOffset, Utc};

use super::{CallStatusCallback, ConferenceEvent, WebhookError};

/// Whether `timestamp` is within `window` of `now`, either side (the sender's clock and
/// the receiver's may differ a little).
fn fresh(
    timestamp: Option<DateTime<FixedOffset>>,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), WebhookError> {
    let at = timestamp.ok_or(WebhookError::MissingParameter("Timestamp"))?;
    let age = now.signed_duration_since(at);
    let window_s = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    if age.num_seconds().abs() > window_s {
        return Err(WebhookError::Stale {
            age_seconds: age.num_seconds(),
            window_seconds: window.as_secs(),
        });
    }
    Ok(())
}

impl ConferenceEvent {
    /// Refuses an event whose `Timestamp` is further than `window` from `now` (either
    /// side), or that has none: a replay of one captured earlier, or a sender's clock far
    /// off. SignalWire retries a callback for some seconds, so a window of minutes keeps
    /// its retries.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use signalwire_compat::webhooks::ConferenceEvent;
    /// # fn handle(event: &ConferenceEvent) -> Result<(), signalwire_compat::webhooks::WebhookError> {
    /// event.check_fresh(chrono::Utc::now(), Duration::from_secs(300))?;
    /// # Ok(()) }
    /// ```
    pub fn check_fresh(&self, now: DateTime<Utc>, window: Duration) -> Result<(), WebhookError> {
        fresh(self.timestamp, now, window)
    }

    /// What names this event among all a space sends: its conference, event, call,
    /// sequence number and time. A replay, or SignalWire's retry of a delivery, has the same.
    pub fn identity(&self) -> String {
        format!(
            "conference {} {} call {} seq {} at {}",
            self.conference_sid,
            self.kind,
            self.call_sid.as_ref().map_or("-", |c| c.as_str()),
            self.sequence_number
                .map_or("-".to_owned(), |n| n.to_string()),
            self.timestamp.map_or("-".to_owned(), |t| t.to_rfc3339()),
        )
    }
}

impl CallStatusCallback {
    /// As [`ConferenceEvent::check_fresh`], for a call's status callback.
    pub fn check_fresh(&self, now: DateTime<Utc>, window: Duration) -> Result<(), WebhookError> {
        fresh(self.timestamp, now, window)
    }

    /// What names this callback: its call, status, sequence number and time.
    pub fn identity(&self) -> String {
        format!(
            "call {} {} seq {} at {}",
            self.call_sid,
            self.call_status,
            self.sequence_number
                .map_or("-".to_owned(), |n| n.to_string()),
            self.timestamp.map_or("-".to_owned(), |t| t.to_rfc3339()),
        )
    }
}

/// The identities of the last callbacks handled, so that one seen before can be dropped.
/// It holds at most `capacity`, forgetting the oldest first: pair it with a freshness window
/// that is shorter than the time it takes to fill.
///
/// Remember an event once it is handled, not when it arrives: SignalWire retries a delivery
/// that failed (a 5xx, no answer), and the retry carries the same identity.
///
/// ```
/// use signalwire_compat::webhooks::Replays;
///
/// let mut handled = Replays::new(10_000);
/// assert!(!handled.seen("conference cf… participant-join call ca… seq 3"));
/// handled.remember("conference cf… participant-join call ca… seq 3");
/// assert!(handled.seen("conference cf… participant-join call ca… seq 3"));
/// ```
#[derive(Debug, Clone)]
pub struct Replays {
    capacity: usize,
    order: VecDeque<String>,
    seen: HashSet<String>,
}

impl Replays {
    /// Remembers at most `capacity` identities (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            order: VecDeque::new(),
            seen: HashSet::new(),
        }
    }

    /// Whether `identity` was remembered (and not yet forgotten).
    pub fn seen(&self, identity: &str) -> bool {
        self.seen.contains(identity)
    }

    /// Remembers `identity`, forgetting the oldest past the capacity. Answers whether it
    /// was new.
    pub fn remember(&mut self, identity: impl Into<String>) -> bool {
        let identity = identity.into();
        if self.seen.contains(&identity) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(identity.clone());
        self.order.push_back(identity);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_memory_forgets_the_oldest() {
        let mut r = Replays::new(2);
        assert!(r.remember("a") && r.remember("b"));
        assert!(!r.remember("a"));
        assert!(r.remember("c"));
        assert!(!r.seen("a") && r.seen("b") && r.seen("c"));
        assert!(Replays::new(0).remember("x"));
    }

    #[test]
    fn freshness_is_a_window_either_side() {
        let at: DateTime<FixedOffset> = "2026-12-01T10:00:00+00:00".parse().unwrap();
        let now = |s: i64| at.to_utc() + chrono::Duration::seconds(s);
        let window = Duration::from_secs(300);
        assert!(fresh(Some(at), now(300), window).is_ok());
        assert!(fresh(Some(at), now(-300), window).is_ok());
        assert_eq!(
            fresh(Some(at), now(301), window),
            Err(WebhookError::Stale {
                age_seconds: 301,
                window_seconds: 300
            })
        );
        assert!(fresh(Some(at), now(-301), window).is_err());
        assert_eq!(
            fresh(None, now(0), window),
            Err(WebhookError::MissingParameter("Timestamp"))
        );
    }
}
