//! Messages in the emulator: sent through the REST API, moved on by the clock, and told to
//! their status callbacks.
//!
//! A message is `queued` when created; [`SEND_AFTER`] later it is `sending` and, at the same
//! moment, `sent` (its `date_sent` and price set), and [`DELIVER_AFTER`] after that
//! `delivered`; or `undelivered` or `failed` with an error code as its `To`'s rule says
//! (`PUT /__emulator/numbers/{n}/behavior` with `{"message": "undelivered", "error_code":
//! 30005}`; `{"answer": "fail"}` is `undelivered`, 30003), or `failed` (30010) when its price
//! is over its `MaxPrice`.
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
    form::{DayFilter, callback_url, pairs_repeating, read_query},
    numbers::{Answer, MessageFate, message_error},
    ordered::{Filters, Ordered, PartyListing, Row, listing},
    paging::Position,
    participants::whole_seconds,
    response::Refusal,
    runner::Log,
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

/// How a message ends, as its destination's rule decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Delivered,
    /// Sent and not delivered, with its error code (30003 for a handset not reached).
    Undelivered(u32),
    /// Never sent, with its error code.
    Failed(u32),
    /// It costs more than its `MaxPrice` (30010).
    TooDear,
}

impl Outcome {
    /// What the destination's rule makes of a message to it.
    fn of(rule: super::NumberBehavior) -> Self {
        match (rule.message, rule.answer) {
            (Some(MessageFate::Delivered), _) => Self::Delivered,
            (Some(MessageFate::Undelivered), _) => {
                Self::Undelivered(rule.error_code.unwrap_or(30003))
            }
            (Some(MessageFate::Failed), _) => Self::Failed(rule.error_code.unwrap_or(30008)),
            (None, Answer::Fail) => Self::Undelivered(30003),
            (None, _) => Self::Delivered,
        }
    }
}

#[derive(Debug)]
pub(crate) struct EmulatedMessage {
    sid: Uuid,
    from: String,
    to: String,
    body: String,
    /// The files it carries, in order (a file deleted is gone from here).
    media: Ordered<Attachment>,
    /// How many files it was sent or came with.
    num_media: usize,
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
    /// What its messaging cXML did: a message that came in runs its number's.
    log: Log,
}

/// A project's messages, newest first.
#[derive(Debug, Default)]
pub(crate) struct Messages {
    rows: Ordered<EmulatedMessage>,
}

/// A message listing's request: its filters and position, already checked.
pub(crate) type ListRequest = PartyListing<()>;

/// Reads a message listing's query; a `DateSent` filter may be a time, of which the day
/// counts, as older helper libraries send one.
pub(crate) fn list_request(query: Option<&str>) -> Result<ListRequest, Refusal> {
    let statuses: Vec<&str> = MessageStatus::KNOWN.iter().map(|(text, _)| *text).collect();
    PartyListing::read(query, &FILTERS, &["DateSent"], &statuses, |_, _, _| {
        Ok(false)
    })
}

/// Where a message goes, as the rest of the project tells: its numbers, its applications,
/// and what the numbers it sends to do.
pub(crate) struct Context<'a> {
    pub(crate) tables: &'a Tables,
    /// Whether `number` is one of the project's own lines (the seed's).
    pub(crate) is_line: &'a dyn Fn(&str) -> bool,
    /// What `number` does when reached.
    pub(crate) behavior_of: &'a dyn Fn(&str) -> super::NumberBehavior,
    pub(crate) allow_remote: bool,
}

impl Context<'_> {
    pub(crate) fn owns(&self, number: &str) -> bool {
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

/// How many segments a message is sent in: an MMS is one.
fn segments(mms: bool, body: &str) -> u32 {
    if mms {
        1
    } else {
        u32::try_from(Segments::of(body).count().max(1)).unwrap_or(u32::MAX)
    }
}

/// A media file's content type, by its URL's extension (`application/octet-stream` for one
/// the emulator does not know).
pub(crate) fn content_type(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let extension = path
        .rsplit_once('.')
        .filter(|(_, ext)| !ext.contains('/'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/vnd.wav",
        Some("ogg") => "audio/ogg",
        Some("mp4") => "video/mp4",
        Some("pdf") => "application/pdf",
        Some("vcf") => "text/vcard",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// A message to send, checked as far as its source checks it.
pub(crate) struct Outgoing {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) body: String,
    pub(crate) media: Vec<String>,
    pub(crate) send_as_mms: bool,
    pub(crate) max_price: Option<f64>,
    pub(crate) status_callback: Option<String>,
    pub(crate) direction: MessageDirection,
}

/// A message that came in: who sent it, to which number, and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct Inbound {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) body: String,
    pub(crate) media: Vec<String>,
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
        self.room()?;
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
        let outgoing = Outgoing {
            from,
            to: form.to.unwrap_or_default(),
            body: form.body.unwrap_or_default(),
            media,
            send_as_mms: form.send_as_mms == Some(true),
            max_price: form
                .max_price
                .as_deref()
                .and_then(|p| p.parse::<f64>().ok()),
            status_callback: callback_url,
            direction: MessageDirection::OutboundApi,
        };
        let message = self.send(sid, outgoing, now, context)?;
        Ok(message.render(account))
    }

    /// Queues a message to send, its media and callback checked (the REST API's form, or
    /// a `<Message>` of messaging cXML).
    pub(crate) fn send(
        &mut self,
        sid: Uuid,
        out: Outgoing,
        now: DateTime<Utc>,
        context: &Context<'_>,
    ) -> Result<&EmulatedMessage, Refusal> {
        self.room()?;
        let Outgoing {
            from,
            to,
            body,
            media,
            send_as_mms,
            max_price,
            status_callback,
            direction,
        } = out;
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
        let callback = status_callback
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
        let mms = !media.is_empty() || send_as_mms;
        let segments = segments(mms, &body);
        let too_dear = max_price.is_some_and(|most| price(mms, segments) > most);
        let outcome = if too_dear {
            Outcome::TooDear
        } else {
            Outcome::of((context.behavior_of)(&to))
        };
        let message = EmulatedMessage {
            sid,
            from,
            to,
            body,
            num_media: media.len(),
            media: attachments(sid, &media, now),
            mms,
            status: MessageStatus::Queued,
            direction,
            segments,
            date_created: whole_seconds(now),
            date_updated: whole_seconds(now),
            date_sent: None,
            send_at: later(now, SEND_AFTER),
            outcome,
            callback,
            log: Log::default(),
        };
        Ok(self.rows.push_first(sid, message))
    }

    /// A message comes in, `received` now: `POST /__emulator/messages`.
    pub(crate) fn receive(
        &mut self,
        sid: Uuid,
        arrival: Inbound,
        now: DateTime<Utc>,
    ) -> Result<&EmulatedMessage, Refusal> {
        self.room()?;
        let mms = !arrival.media.is_empty();
        let message = EmulatedMessage {
            sid,
            segments: segments(mms, &arrival.body),
            from: arrival.from,
            to: arrival.to,
            body: arrival.body,
            num_media: arrival.media.len(),
            media: attachments(sid, &arrival.media, now),
            mms,
            status: MessageStatus::Received,
            direction: MessageDirection::Inbound,
            date_created: whole_seconds(now),
            date_updated: whole_seconds(now),
            date_sent: Some(whole_seconds(now)),
            send_at: now,
            outcome: Outcome::Delivered,
            callback: None,
            log: Log::default(),
        };
        Ok(self.rows.push_first(sid, message))
    }

    /// Refuses a message past the most the emulator keeps.
    fn room(&self) -> Result<(), Refusal> {
        if self.rows.len() >= MAX_ROWS {
            return Err(Refusal::new(
                422,
                20016,
                format!("This project holds {MAX_ROWS} messages, the most the emulator keeps"),
            ));
        }
        Ok(())
    }

    /// A message that came in, as its messaging cXML is asked with it.
    pub(crate) fn inbound(&self, sid: &Uuid) -> Option<Inbound> {
        let m = self.rows.get(sid)?;
        Some(Inbound {
            from: m.from.clone(),
            to: m.to.clone(),
            body: m.body.clone(),
            media: m.media.values().map(|a| a.url.clone()).collect(),
        })
    }

    /// The standard parameters of a message's webhooks: who, what, and its segments.
    pub(crate) fn params(&self, account: &Uuid, sid: &Uuid) -> Vec<(String, String)> {
        self.rows
            .get(sid)
            .map(|m| m.params(account))
            .unwrap_or_default()
    }

    /// A message's status and, when it was not delivered, the error code why.
    pub(crate) fn outcome(&self, sid: &Uuid) -> Option<(MessageStatus, Option<i64>)> {
        let m = self.rows.get(sid)?;
        Some((m.status.clone(), m.error().map(|(code, _)| code)))
    }

    /// When a queued message leaves the queue.
    pub(crate) fn send_at(&self, sid: &Uuid) -> Option<DateTime<Utc>> {
        self.rows.get(sid).map(|m| m.send_at)
    }

    /// A message's log, to add to.
    pub(crate) fn log_mut(&mut self, sid: &Uuid) -> Option<&mut Log> {
        self.rows.get_mut(sid).map(|m| &mut m.log)
    }

    /// A message's log, as `GET /__emulator/messages/{sid}/log` answers it.
    pub(crate) fn log_json(&self, sid: &Uuid, path: &str) -> Result<Value, Refusal> {
        let m = self.rows.get(sid).ok_or_else(|| Refusal::not_found(path))?;
        m.log
            .json("message_sid", sid)
            .ok_or_else(|| Refusal::not_found(path))
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
                // It leaves the queue (`sending`) and is sent, or fails, at once.
                message.status = MessageStatus::Sending;
                events.extend(message.event(account));
                if matches!(message.outcome, Outcome::TooDear | Outcome::Failed(_)) {
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
                    Outcome::Undelivered(_) => MessageStatus::Undelivered,
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
            ("undelivered", Outcome::Undelivered(code)) | ("failed", Outcome::Failed(code)) => {
                Some((i64::from(code), message_error(code)))
            }
            ("failed", Outcome::TooDear) => Some((30010, "Message price exceeds max price")),
            _ => None,
        }
    }

    /// The standard parameters of the message's webhooks.
    fn params(&self, account: &Uuid) -> Vec<(String, String)> {
        let mut params: Vec<(String, String)> = vec![
            ("AccountSid".into(), account.to_string()),
            ("ApiVersion".into(), "2010-04-01".into()),
            ("Body".into(), self.body.clone()),
            ("From".into(), self.from.clone()),
            ("MessageSid".into(), self.sid.to_string()),
            ("NumMedia".into(), self.num_media.to_string()),
            ("NumSegments".into(), self.segments.to_string()),
            ("SmsSid".into(), self.sid.to_string()),
            ("To".into(), self.to.clone()),
        ];
        for (n, url) in self.media.values().map(|a| &a.url).enumerate() {
            params.push((format!("MediaUrl{n}"), url.clone()));
            params.push((format!("MediaContentType{n}"), content_type(url).into()));
        }
        params
    }

    /// The status callback of the message's current status, if it has one.
    fn event(&self, account: &Uuid) -> Option<Pending> {
        let callback = self.callback.clone()?;
        let status = self.status.to_string();
        let mut params = self.params(account);
        params.push(("MessageStatus".into(), status.clone()));
        params.push(("SmsStatus".into(), status.clone()));
        params.sort();
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
        request.filters(None)
    }

    fn matches(&self, r: &ListRequest) -> bool {
        r.passes(&self.to, &self.from, self.status.as_str())
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
            num_media: Some(self.num_media as i64),
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

/// A file a message carries: its own SID, and where it is.
#[derive(Debug)]
pub(crate) struct Attachment {
    sid: Uuid,
    message: Uuid,
    url: String,
    created: DateTime<FixedOffset>,
}

/// A message's files, each with a SID of its own, in the order given.
fn attachments(message: Uuid, urls: &[String], now: DateTime<Utc>) -> Ordered<Attachment> {
    let mut media = Ordered::default();
    for url in urls {
        let sid = store::random_sid();
        media.push_last(
            sid,
            Attachment {
                sid,
                message,
                url: url.clone(),
                created: whole_seconds(now),
            },
        );
    }
    media
}

/// A media listing's request: the message, its day filters and position, already checked.
#[derive(Debug, Default)]
pub(crate) struct MediaListRequest {
    message: Uuid,
    dates: Vec<DayFilter>,
    at: Position,
}

/// The filters a media listing takes, besides its position.
const MEDIA_FILTERS: [&str; 3] = ["DateCreated", "DateCreated<", "DateCreated>"];

/// Reads a media listing's query, for the message `message`.
pub(crate) fn media_list_request(
    message: Uuid,
    query: Option<&str>,
) -> Result<MediaListRequest, Refusal> {
    let mut request = MediaListRequest {
        message,
        ..MediaListRequest::default()
    };
    read_query(
        query,
        &MEDIA_FILTERS,
        &["DateCreated"],
        &mut request.dates,
        &mut request.at,
        |_, _| Ok(false),
    )?;
    Ok(request)
}

impl Messages {
    /// The message `sid`, or the 404 for `path`.
    fn message(&self, sid: &Uuid, path: &str) -> Result<&EmulatedMessage, Refusal> {
        self.rows.get(sid).ok_or_else(|| Refusal::not_found(path))
    }

    /// One page of a message's files.
    pub(crate) fn media(
        &self,
        account: &Uuid,
        request: &MediaListRequest,
        path: &str,
    ) -> Result<Value, Refusal> {
        Ok(self
            .message(&request.message, path)?
            .media
            .list(account, request))
    }

    /// One file of a message.
    pub(crate) fn media_file(
        &self,
        account: &Uuid,
        message: &Uuid,
        sid: &Uuid,
        path: &str,
    ) -> Result<Value, Refusal> {
        self.message(message, path)?.media.fetch(account, sid, path)
    }

    /// Deletes one file of a message that is no longer on its way.
    pub(crate) fn remove_media_file(
        &mut self,
        message: &Uuid,
        sid: &Uuid,
        path: &str,
    ) -> Result<(), Refusal> {
        let message = self
            .rows
            .get_mut(message)
            .ok_or_else(|| Refusal::not_found(path))?;
        if message.media.get(sid).is_none() {
            return Err(Refusal::not_found(path));
        }
        message.in_progress("stripped of a media file")?;
        message.media.remove(sid);
        Ok(())
    }
}

impl Row for Attachment {
    const ITEMS: &'static str = "media_list";
    const PATH: &'static str = "Media";
    type Request = MediaListRequest;

    fn path(account: &Uuid, request: &MediaListRequest) -> String {
        listing(account, &format!("Messages/{}/Media", request.message))
    }

    fn at(request: &MediaListRequest) -> &Position {
        &request.at
    }

    fn filters(request: &MediaListRequest) -> Filters<'_> {
        (Vec::new(), &request.dates)
    }

    fn matches(&self, r: &MediaListRequest) -> bool {
        r.dates.iter().all(|f| f.passes(&self.created))
    }

    /// The file in the API's JSON shape, written by serializing the public model.
    fn render(&self, account: &Uuid) -> Value {
        let uri = format!(
            "{}/{}",
            listing(account, &format!("Messages/{}/Media", self.message)),
            self.sid
        );
        let model = crate::MediaFile {
            sid: self.sid.into(),
            account_sid: (*account).into(),
            parent_sid: self.message.into(),
            content_type: Some(content_type(&self.url).to_owned()),
            date_created: Some(self.created),
            date_updated: Some(self.created),
            uri: Some(format!("{uri}.json")),
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
