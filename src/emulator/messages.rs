//! Messages in the emulator: sent through the REST API, moved on by the clock, and told to
//! their status callbacks.
//!
//! A message is `queued` when created; [`SEND_AFTER`] later it is `sent` (its `date_sent`
//! and price set), and [`DELIVER_AFTER`] after that `delivered`, or `undelivered` (30003)
//! when its `To` is a number a test made unreachable (`PUT /__emulator/numbers/{n}/behavior`
//! with `{"answer": "fail"}`), or `failed` (30010) when its price is over its `MaxPrice`.
//! Each change after the first is sent to its `StatusCallback` (or its application's
//! `SmsStatusCallback`), signed, by `POST`.
//!
//! A message is sent from a number of the project (bought, or a line of the seed); the
//! emulator has no number groups, so a `MessagingServiceSid` is refused. Its segments are
//! counted by [`Segments`](crate::segments::Segments) (an MMS is one); it costs
//! [`SMS_PRICE`] a segment, or [`MMS_PRICE`]. `ValidityPeriod` is checked and never
//! reached, since the emulator sends within a second. A message on its way (`queued`) can be
//! neither redacted nor deleted (422, 20009).

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{
    callbacks::{Event, StatusCallback},
    calls::later,
    conferences::Pending,
    form::{
        DayFilter, callback_url, listing_pairs, pairs_repeating, status_filter, unknown_filter,
    },
    numbers::Answer,
    ordered::{Filters, Ordered, Row, listing},
    paging::Position,
    participants::whole_seconds,
    response::Refusal,
    store::{self, MAX_ROWS, Tables},
};
use crate::{
    IncomingPhoneNumber, MessageDirection, MessageStatus,
    api::generated::{MessageCreate, MessageUpdate},
    segments::Segments,
};

/// How long a message waits in the queue before it is sent.
pub const SEND_AFTER: Duration = Duration::from_secs(1);

/// How long a sent message takes to be delivered (or not).
pub const DELIVER_AFTER: Duration = Duration::from_secs(1);

/// What an SMS costs a segment, in USD.
pub const SMS_PRICE: f64 = 0.0075;

/// What an MMS costs, in USD.
pub const MMS_PRICE: f64 = 0.02;

/// The most media files a message may carry.
const MAX_MEDIA: usize = 8;

/// The filters a message listing takes, besides its position.
const FILTERS: [&str; 6] = ["To", "From", "Status", "DateSent", "DateSent<", "DateSent>"];

/// SignalWire's code for a change to a message still on its way.
const IN_PROGRESS: u32 = 20009;

/// How a message ends, as its destination decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Delivered,
    /// The handset cannot be reached (30003).
    Unreachable,
    /// It costs more than its `MaxPrice` (30010).
    TooDear,
}

#[derive(Debug)]
struct EmulatedMessage {
    sid: Uuid,
    from: String,
    to: String,
    body: String,
    media: Vec<String>,
    mms: bool,
    status: MessageStatus,
    direction: MessageDirection,
    segments: u32,
    date_created: DateTime<FixedOffset>,
    date_updated: DateTime<FixedOffset>,
    date_sent: Option<DateTime<FixedOffset>>,
    send_at: DateTime<Utc>,
    outcome: Outcome,
    callback: Option<StatusCallback>,
}

/// A project's messages, newest first.
#[derive(Debug, Default)]
pub(crate) struct Messages {
    rows: Ordered<EmulatedMessage>,
}

/// A message listing's request: its filters and position, already checked.
#[derive(Debug, Default)]
pub(crate) struct ListRequest {
    to: Option<String>,
    from: Option<String>,
    status: Option<String>,
    dates: Vec<DayFilter>,
    at: Position,
}

/// Reads a message listing's query.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    let mut request = ListRequest::default();
    for (key, value) in listing_pairs(query, &FILTERS)? {
        match key.as_str() {
            "To" => request.to = Some(value),
            "From" => request.from = Some(value),
            "Status" => {
                let known: Vec<&str> = MessageStatus::KNOWN.iter().map(|(text, _)| *text).collect();
                request.status = Some(status_filter(value, &known)?);
            }
            // A day, or a time whose day in UTC counts, as older helper libraries send one.
            "DateSent" | "DateSent<" | "DateSent>" => {
                request
                    .dates
                    .push(DayFilter::read_day_or_time(&key, &value)?);
            }
            _ if request.at.read(&key, &value)? => {}
            _ => return Err(unknown_filter(&key, &FILTERS)),
        }
    }
    Ok(request)
}

/// Where a message goes, as the rest of the project tells: its numbers, its applications,
/// and what the numbers it sends to do.
pub(crate) struct Context<'a> {
    pub(crate) tables: &'a Tables,
    /// Whether `number` is one of the project's own lines (the seed's).
    pub(crate) is_line: &'a dyn Fn(&str) -> bool,
    /// What `number` does when reached.
    pub(crate) answer_of: &'a dyn Fn(&str) -> Answer,
    pub(crate) allow_remote: bool,
}

impl Context<'_> {
    fn owns(&self, number: &str) -> bool {
        (self.is_line)(number)
            || self
                .tables
                .rows::<IncomingPhoneNumber>()
                .is_some_and(|rows| {
                    rows.iter()
                        .any(|n| n.phone_number.as_deref() == Some(number))
                })
    }
}

/// The value a form gives for `name`, if any and not empty.
fn given<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// A message's price: a segment's for an SMS, one for an MMS.
fn price(mms: bool, segments: u32) -> f64 {
    if mms {
        MMS_PRICE
    } else {
        SMS_PRICE * f64::from(segments)
    }
}

impl Messages {
    /// Sends a message, as `POST /Messages` asks: it is queued now.
    pub(crate) fn create(
        &mut self,
        account: &Uuid,
        body: &[u8],
        sid: Uuid,
        now: DateTime<Utc>,
        context: &Context<'_>,
    ) -> Result<Value, Refusal> {
        // SignalWire's own codes for what a message cannot go without.
        let pairs = pairs_repeating(body, &["MediaUrl"])?;
        if given(&pairs, "To").is_none() {
            return Err(Refusal::new(400, 21604, "A 'To' phone number is required"));
        }
        if given(&pairs, "From").is_none() && given(&pairs, "MessagingServiceSid").is_none() {
            return Err(Refusal::new(
                400,
                21603,
                "A 'From' phone number (or a MessagingServiceSid) is required",
            ));
        }
        if given(&pairs, "Body").is_none() && given(&pairs, "MediaUrl").is_none() {
            return Err(Refusal::new(
                400,
                21602,
                "A message needs a Body, a MediaUrl, or both",
            ));
        }
        let form: MessageCreate = store::read_checked(body, false)?;
        if self.rows.len() >= MAX_ROWS {
            return Err(Refusal::new(
                422,
                20016,
                format!("This project holds {MAX_ROWS} messages, the most the emulator keeps"),
            ));
        }
        if let Some(group) = form.messaging_service_sid {
            return Err(Refusal::new(
                400,
                21701,
                format!(
                    "MessagingServiceSid {group} is not a number group of this project (the emulator has none); send From one of its numbers"
                ),
            ));
        }
        let from = form.from.unwrap_or_default();
        if !context.owns(&from) {
            return Err(Refusal::new(
                400,
                21606,
                format!("From {from} is not a phone number of this project that can send messages"),
            ));
        }
        let media = form.media_url.unwrap_or_default();
        if media.len() > MAX_MEDIA {
            return Err(Refusal::new(
                400,
                21623,
                format!(
                    "A message carries at most {MAX_MEDIA} media files, not {}",
                    media.len()
                ),
            ));
        }
        for url in &media {
            callback_url("MediaUrl", url)?;
        }
        let mut callback_url = form.status_callback;
        if let Some(app) = form.application_sid {
            let application = context
                .tables
                .rows::<crate::Application>()
                .and_then(|rows| rows.get(&app))
                .ok_or_else(|| {
                    Refusal::new(
                        400,
                        21218,
                        format!("ApplicationSid {app} is not an application of this account"),
                    )
                })?;
            if callback_url.is_none() {
                callback_url = application.sms_status_callback.clone();
            }
        }
        let callback = callback_url
            .map(|url| {
                StatusCallback {
                    url,
                    method: "POST".into(),
                    events: Vec::new(),
                    twilio_fields: false,
                }
                .checked(context.allow_remote)
                .map_err(|e| Refusal::bad(format!("StatusCallback {e}")))
            })
            .transpose()?;
        let body = form.body.unwrap_or_default();
        let mms = !media.is_empty() || form.send_as_mms == Some(true);
        let segments = if mms {
            1
        } else {
            u32::try_from(Segments::of(&body).count().max(1)).unwrap_or(u32::MAX)
        };
        let to = form.to.unwrap_or_default();
        let too_dear = form
            .max_price
            .as_deref()
            .and_then(|p| p.parse::<f64>().ok())
            .is_some_and(|most| price(mms, segments) > most);
        let outcome = if too_dear {
            Outcome::TooDear
        } else if (context.answer_of)(&to) == Answer::Fail {
            Outcome::Unreachable
        } else {
            Outcome::Delivered
        };
        let message = EmulatedMessage {
            sid,
            from,
            to,
            body,
            media,
            mms,
            status: MessageStatus::Queued,
            direction: MessageDirection::OutboundApi,
            segments,
            date_created: whole_seconds(now),
            date_updated: whole_seconds(now),
            date_sent: None,
            send_at: later(now, SEND_AFTER),
            outcome,
            callback,
        };
        Ok(self.rows.push_first(sid, message).render(account))
    }

    pub(crate) fn list(&self, account: &Uuid, request: &ListRequest) -> Value {
        self.rows.list(account, request)
    }

    pub(crate) fn fetch(&self, account: &Uuid, sid: &Uuid, path: &str) -> Result<Value, Refusal> {
        self.rows.fetch(account, sid, path)
    }

    /// Redacts a message that is no longer on its way: its body is blanked.
    pub(crate) fn redact(
        &mut self,
        account: &Uuid,
        sid: &Uuid,
        body: &[u8],
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<Value, Refusal> {
        let form: MessageUpdate = store::read_checked(body, false)?;
        if form.body.as_deref().is_some_and(|b| !b.is_empty()) {
            return Err(Refusal::bad(
                "Body must be empty: redacting a message is the only change it takes",
            ));
        }
        let message = self
            .rows
            .get_mut(sid)
            .ok_or_else(|| Refusal::not_found(path))?;
        message.in_progress("redacted")?;
        message.body.clear();
        message.date_updated = whole_seconds(now);
        Ok(message.render(account))
    }

    /// Deletes the record of a message that is no longer on its way.
    pub(crate) fn remove(&mut self, sid: &Uuid, path: &str) -> Result<(), Refusal> {
        let message = self.rows.get(sid).ok_or_else(|| Refusal::not_found(path))?;
        message.in_progress("deleted")?;
        self.rows.remove(sid);
        Ok(())
    }

    /// Moves every message on to where the clock says it is, with the events it makes.
    pub(crate) fn advance(&mut self, account: &Uuid, now: DateTime<Utc>) -> Vec<Pending> {
        let mut events = Vec::new();
        for message in self.rows.values_mut() {
            if message.status == MessageStatus::Queued && now >= message.send_at {
                let at = message.send_at;
                message.date_updated = whole_seconds(at);
                if message.outcome == Outcome::TooDear {
                    message.status = MessageStatus::Failed;
                } else {
                    message.status = MessageStatus::Sent;
                    message.date_sent = Some(whole_seconds(at));
                }
                events.extend(message.event(account));
            }
            let deliver_at = later(message.send_at, DELIVER_AFTER);
            if message.status == MessageStatus::Sent && now >= deliver_at {
                message.date_updated = whole_seconds(deliver_at);
                message.status = match message.outcome {
                    Outcome::Unreachable => MessageStatus::Undelivered,
                    _ => MessageStatus::Delivered,
                };
                events.extend(message.event(account));
            }
        }
        events
    }

    /// When the message `sid` next moves on by itself, if it will.
    pub(crate) fn next_change(&self, sid: &Uuid) -> Option<DateTime<Utc>> {
        let message = self.rows.get(sid)?;
        match message.status {
            MessageStatus::Queued => Some(message.send_at),
            MessageStatus::Sent => Some(later(message.send_at, DELIVER_AFTER)),
            _ => None,
        }
    }
}

impl EmulatedMessage {
    /// Refuses a change to a message still on its way.
    fn in_progress(&self, change: &str) -> Result<(), Refusal> {
        if self.status.in_progress() {
            return Err(Refusal::new(
                422,
                IN_PROGRESS,
                format!(
                    "Message {} is {}: a message on its way cannot be {change}",
                    self.sid, self.status
                ),
            ));
        }
        Ok(())
    }

    /// What the message's status and error are, as its callback and its JSON tell them.
    fn error(&self) -> Option<(i64, &'static str)> {
        match (self.status.as_str(), self.outcome) {
            ("undelivered", Outcome::Unreachable) => {
                Some((30003, "Unreachable destination handset"))
            }
            ("failed", Outcome::TooDear) => Some((30010, "Message price exceeds max price")),
            _ => None,
        }
    }

    /// The status callback of the message's current status, if it has one.
    fn event(&self, account: &Uuid) -> Option<Pending> {
        let callback = self.callback.clone()?;
        let status = self.status.to_string();
        let mut params: Vec<(String, String)> = vec![
            ("AccountSid".into(), account.to_string()),
            ("ApiVersion".into(), "2010-04-01".into()),
            ("Body".into(), self.body.clone()),
            ("From".into(), self.from.clone()),
            ("MessageSid".into(), self.sid.to_string()),
            ("MessageStatus".into(), status.clone()),
            ("NumMedia".into(), self.media.len().to_string()),
            ("NumSegments".into(), self.segments.to_string()),
            ("SmsSid".into(), self.sid.to_string()),
            ("SmsStatus".into(), status.clone()),
            ("To".into(), self.to.clone()),
        ];
        if let Some((code, _)) = self.error() {
            params.push(("ErrorCode".into(), code.to_string()));
        }
        Some((
            Event::of_call(*account, self.sid, &status, params),
            callback,
        ))
    }
}

impl Row for EmulatedMessage {
    const ITEMS: &'static str = "messages";
    const PATH: &'static str = "Messages";
    type Request = ListRequest;

    fn at(request: &ListRequest) -> &Position {
        &request.at
    }

    fn filters(request: &ListRequest) -> Filters<'_> {
        let own = vec![
            request.to.clone().map(|v| ("To", v)),
            request.from.clone().map(|v| ("From", v)),
            request.status.clone().map(|v| ("Status", v)),
        ];
        (own, &request.dates)
    }

    fn matches(&self, r: &ListRequest) -> bool {
        r.to.as_ref().is_none_or(|to| *to == self.to)
            && r.from.as_ref().is_none_or(|from| *from == self.from)
            && r.status.as_ref().is_none_or(|s| self.status == *s.as_str())
            && r.dates
                .iter()
                .all(|f| self.date_sent.is_some_and(|d| f.passes(&d)))
    }

    /// The message in the API's JSON shape, written by serializing the public model.
    fn render(&self, account: &Uuid) -> Value {
        let uri = format!("{}/{}", listing(account, Self::PATH), self.sid);
        let sent = self.date_sent.is_some();
        let error = self.error();
        let model = crate::Message {
            sid: self.sid.into(),
            account_sid: (*account).into(),
            from: Some(self.from.clone()),
            to: Some(self.to.clone()),
            body: Some(self.body.clone()),
            status: self.status.clone(),
            direction: Some(self.direction.clone()),
            num_segments: Some(i64::from(self.segments)),
            num_media: Some(self.media.len() as i64),
            price: sent.then(|| price(self.mms, self.segments)),
            price_unit: Some("USD".into()),
            error_code: error.map(|(code, _)| code),
            error_message: error.map(|(_, text)| text.to_owned()),
            messaging_service_sid: None,
            date_created: Some(self.date_created),
            date_updated: Some(self.date_updated),
            date_sent: self.date_sent,
            api_version: Some("2010-04-01".into()),
            uri: Some(format!("{uri}.json")),
            subresource_uris: Some(crate::MessageSubresourceUris {
                media: Some(format!("{uri}/Media.json")),
            }),
        };
        serde_json::to_value(model).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sms_costs_a_segment_each_and_an_mms_one_price() {
        assert!((price(false, 3) - 0.0225).abs() < 1e-9);
        assert!((price(true, 1) - MMS_PRICE).abs() < 1e-9);
    }

    #[test]
    fn a_listing_refuses_what_it_does_not_take() {
        assert!(list_request(Some("Status=delivered&DateSent%3E=2026-01-02")).is_ok());
        assert!(list_request(Some("DateSent%3E=2026-01-02T00%3A00%3A00Z")).is_ok());
        assert_eq!(list_request(Some("Status=lost")).unwrap_err().status, 400);
        assert_eq!(
            list_request(Some("DateSent=yesterday")).unwrap_err().status,
            400
        );
        assert_eq!(list_request(Some("Colour=red")).unwrap_err().status, 400);
        // An empty text filter is no filter.
        assert!(list_request(Some("To=&From=")).is_ok());
    }
}
