//! A conference's streams in the emulator: created and stopped, never connected.
//!
//! The emulator does not open a WebSocket to the stream's URL: a stream it creates goes
//! straight to `in-progress` and carries no audio. What it keeps (the URL, name, track,
//! codec, and whether a bearer token came with it) is what a test can check, through
//! [`Emulator::streams`](super::Emulator::streams). It chose:
//!
//! - the URL must be `wss://` with a host, or `ws://` to a loopback address (for tests);
//!   anything else is refused with 422 in the `{"errors": [...]}` shape;
//! - a name already used by a stream of the conference that is not stopped is refused with
//!   422 in SignalWire's `{"errors": [...]}` shape, as is a stream for a conference that is
//!   over;
//! - stopping a stream that is already stopped is refused with 422 too (SignalWire documents
//!   422 for that operation);
//! - ending the conference stops its streams.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::conferences::Pending;
use super::{
    form::{boolean, callback_method, callback_url, pairs},
    participants::whole_seconds,
    response::Refusal,
};
use crate::{API_ROOT_PATH, StreamStatus};

/// A stream the emulator was asked to open, as it keeps it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmulatedStream {
    /// Its SID.
    pub sid: Uuid,
    /// Its name, if it was given one.
    pub name: Option<String>,
    /// The WebSocket server it would carry audio to.
    pub url: String,
    /// `inbound_track`, `outbound_track` or `both_tracks`.
    pub track: String,
    /// The codec asked for, if any.
    pub codec: Option<String>,
    /// Whether real-time streaming was asked for, if said.
    pub real_time: Option<bool>,
    /// `in-progress` or `stopped`.
    pub status: crate::StreamStatus,
    bearer_token: Option<String>,
}

impl EmulatedStream {
    /// The bearer token the stream was opened with, for a test to compare; never printed.
    pub fn bearer_token(&self) -> Option<&str> {
        self.bearer_token.as_deref()
    }
}

impl fmt::Debug for EmulatedStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatedStream")
            .field("sid", &self.sid)
            .field("name", &self.name)
            .field("url", &self.url)
            .field("track", &self.track)
            .field("status", &self.status)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "** redacted **"),
            )
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Stream {
    /// The conference or the call whose audio it carries.
    conference: Uuid,
    /// Whether that is a call.
    of_call: bool,
    kept: EmulatedStream,
    date_updated: DateTime<FixedOffset>,
    /// Who hears that it started and stopped: a cXML `<Stream>`'s `statusCallback`.
    notify: Option<super::calls::CallCallback>,
}

/// The events a `<Stream>`'s `statusCallback` hears, as SignalWire names them.
pub(crate) const STREAM_EVENTS: [&str; 3] = ["stream-started", "stream-stopped", "stream-error"];

/// A project's streams, in the order they were created, each linked by SID to the
/// conference whose audio it carries.
#[derive(Debug, Default)]
pub(crate) struct Streams {
    all: Vec<Stream>,
}

/// A stream to create, already checked for form.
#[derive(Debug)]
pub(crate) struct Create {
    url: String,
    name: Option<String>,
    track: String,
    codec: Option<String>,
    real_time: Option<bool>,
    bearer_token: Option<String>,
}

/// Reads a stream's creation form.
pub(crate) fn create_request(body: &[u8], of_call: bool) -> Result<Create, Refusal> {
    let mut url = None;
    let mut create = Create {
        url: String::new(),
        name: None,
        track: "both_tracks".into(),
        codec: None,
        real_time: None,
        bearer_token: None,
    };
    for (key, value) in pairs(body)? {
        match key.as_str() {
            "Url" => url = Some(stream_url(&value)?),
            "Name" => create.name = Some(value),
            "Track"
                if matches!(
                    value.as_str(),
                    "inbound_track" | "outbound_track" | "both_tracks"
                ) =>
            {
                create.track = value
            }
            "Track" => {
                return Err(Refusal::bad(format!(
                    "Track must be inbound_track, outbound_track or both_tracks, not {value:?}"
                )));
            }
            "StreamCodec" | "StreamRealTime" if of_call => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: a call's stream takes Url, Name, Track, StatusCallback, StatusCallbackMethod, AuthorizationBearerToken and Parameter1.Name to Parameter99.Value"
                )));
            }
            "StreamCodec"
                if matches!(
                    value.as_str(),
                    "PCMU" | "PCMA" | "L16" | "L16@16000h" | "L16@24000h"
                ) =>
            {
                create.codec = Some(value)
            }
            "StreamCodec" => {
                return Err(Refusal::bad(format!(
                    "StreamCodec must be PCMU, PCMA, L16, L16@16000h or L16@24000h, not {value:?}"
                )));
            }
            "StreamRealTime" => create.real_time = Some(boolean(&key, &value)?),
            "StatusCallback" => {
                callback_url(&key, &value)?;
            }
            "StatusCallbackMethod" => {
                callback_method(&key, &value)?;
            }
            "AuthorizationBearerToken" => create.bearer_token = Some(value),
            _ if custom_parameter(&key) => {}
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: a stream takes Url, Name, Track, StreamCodec, StreamRealTime, StatusCallback, StatusCallbackMethod, AuthorizationBearerToken and Parameter1.Name to Parameter99.Value"
                )));
            }
        }
    }
    create.url = url.ok_or_else(|| Refusal::bad("Url is required: the wss:// URL to stream to"))?;
    Ok(create)
}

/// `Parameter1.Name` to `Parameter99.Value`: custom parameters for the WebSocket server.
fn custom_parameter(key: &str) -> bool {
    key.strip_prefix("Parameter")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(n, part)| {
            n.parse::<u8>().is_ok_and(|n| (1..=99).contains(&n))
                && !n.starts_with('0')
                && matches!(part, "Name" | "Value")
        })
}

fn stream_url(value: &str) -> Result<String, Refusal> {
    let refuse = || {
        Refusal::errors(vec![format!(
            "Url must be a wss:// URL (ws:// only to a loopback address), not {value:?}"
        )])
    };
    let url = url::Url::parse(value).map_err(|_| refuse())?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "wss" if url.host().is_some() => Ok(value.to_owned()),
        "ws" if loopback => Ok(value.to_owned()),
        // Not a URL a stream can go to: refused as SignalWire refuses what it cannot carry
        // out for this operation, 422 with a list of messages.
        _ => Err(refuse()),
    }
}

/// Reads a stream update's form body: only `Status=stopped`.
pub(crate) fn update_request(body: &[u8]) -> Result<(), Refusal> {
    let mut stopped = false;
    for (key, value) in pairs(body)? {
        match (key.as_str(), value.as_str()) {
            ("Status", "stopped") => stopped = true,
            ("Status", other) => {
                return Err(Refusal::bad(format!(
                    "Status can only be stopped, not {other:?}"
                )));
            }
            _ => {
                return Err(Refusal::bad(format!(
                    "Unknown parameter {key:?}: a stream update takes Status"
                )));
            }
        }
    }
    if stopped {
        Ok(())
    } else {
        Err(Refusal::bad("Status is required: stopped"))
    }
}

impl Streams {
    pub(crate) fn create(
        &mut self,
        account: &Uuid,
        (conference, of_call): (&Uuid, bool),
        over: bool,
        create: Create,
        sid: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Value, Refusal> {
        if over && of_call {
            return Err(Refusal::errors(vec![format!(
                "Call {conference} is not in progress: it has no audio to stream"
            )]));
        }
        if over {
            return Err(Refusal::errors(vec![format!(
                "Conference {conference} is completed: it has no audio to stream"
            )]));
        }
        if let Some(name) = &create.name
            && self.all.iter().any(|s| {
                s.conference == *conference
                    && s.kept.name.as_ref() == Some(name)
                    && s.kept.status != StreamStatus::Stopped
            })
        {
            return Err(Refusal::errors(vec![format!(
                "A stream named {name:?} is already running here"
            )]));
        }
        self.all.push(Stream {
            conference: *conference,
            of_call,
            kept: EmulatedStream {
                sid,
                name: create.name,
                url: create.url,
                track: create.track,
                codec: create.codec,
                real_time: create.real_time,
                status: StreamStatus::InProgress,
                bearer_token: create.bearer_token,
            },
            date_updated: whole_seconds(now),
            notify: None,
        });
        let stream = self.all.last().expect("just pushed");
        Ok(stream.render(account, conference))
    }

    /// The stream `sid` (just made by a cXML `<Stream>`) tells `callback` of its changes:
    /// answers its `stream-started`.
    pub(crate) fn notify(
        &mut self,
        account: &Uuid,
        sid: &Uuid,
        callback: super::calls::CallCallback,
        now: DateTime<Utc>,
    ) -> Option<Pending> {
        let stream = self.all.iter_mut().find(|s| s.kept.sid == *sid)?;
        stream.notify = Some(callback);
        stream.event(account, "stream-started", now)
    }

    /// Whether the stream `sid` is running.
    pub(crate) fn is_running(&self, sid: &Uuid) -> bool {
        self.all
            .iter()
            .any(|s| s.kept.sid == *sid && s.kept.status != StreamStatus::Stopped)
    }

    /// The running stream of `call` named `name`, for `<Stop><Stream name="…">`.
    pub(crate) fn running_named(&self, call: &Uuid, name: &str) -> Option<Uuid> {
        self.all
            .iter()
            .find(|s| {
                s.conference == *call
                    && s.of_call
                    && s.kept.status != StreamStatus::Stopped
                    && s.kept.name.as_deref() == Some(name)
            })
            .map(|s| s.kept.sid)
    }

    pub(crate) fn stop(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        sid: &Uuid,
        now: DateTime<Utc>,
        path: &str,
    ) -> Result<(Value, Option<Pending>), Refusal> {
        let stream = self
            .all
            .iter_mut()
            .find(|s| s.kept.sid == *sid && s.conference == *conference)
            .ok_or_else(|| Refusal::not_found(path))?;
        if stream.kept.status == StreamStatus::Stopped {
            return Err(Refusal::errors(vec![format!(
                "Stream {sid} is already stopped"
            )]));
        }
        let event = stream.stop(account, now);
        Ok((stream.render(account, conference), event))
    }

    /// The conference or the call ended: its streams stop, with the `stream-stopped`
    /// events their callbacks ask for.
    pub(crate) fn stop_of(
        &mut self,
        account: &Uuid,
        conference: &Uuid,
        now: DateTime<Utc>,
    ) -> Vec<Pending> {
        self.all
            .iter_mut()
            .filter(|s| s.conference == *conference && s.kept.status != StreamStatus::Stopped)
            .filter_map(|s| s.stop(account, now))
            .collect()
    }

    /// What the emulator kept of a conference's streams, oldest first.
    pub(crate) fn kept_of(&self, conference: &Uuid) -> impl Iterator<Item = &EmulatedStream> {
        self.all
            .iter()
            .filter(move |s| s.conference == *conference)
            .map(|s| &s.kept)
    }
}

impl Stream {
    /// Stops the stream now: its `stream-stopped` event, if it has a callback.
    fn stop(&mut self, account: &Uuid, now: DateTime<Utc>) -> Option<Pending> {
        self.kept.status = StreamStatus::Stopped;
        self.date_updated = whole_seconds(now);
        self.event(account, "stream-stopped", now)
    }

    /// The status callback event `name`, if the stream has a callback.
    fn event(&self, account: &Uuid, name: &str, now: DateTime<Utc>) -> Option<Pending> {
        let callback = self.notify.as_ref()?;
        let sid = self.kept.sid.to_string();
        let params = vec![
            ("AccountSid".to_owned(), account.to_string()),
            ("CallSid".to_owned(), self.conference.to_string()),
            ("StreamSid".to_owned(), sid.clone()),
            (
                "StreamName".to_owned(),
                self.kept.name.clone().unwrap_or(sid),
            ),
            ("StreamEvent".to_owned(), name.to_owned()),
            (
                "Timestamp".to_owned(),
                now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
        ];
        callback
            .pending(account, &self.conference, name, name, params)
            .map(|(event, to)| (event.queued_by(self.kept.sid), to))
    }

    /// The stream in the API's JSON shape, written by serializing the public model; its
    /// bearer token is never part of it.
    fn render(&self, account: &Uuid, conference: &Uuid) -> Value {
        let parent = if self.of_call { "Calls" } else { "Conferences" };
        let model = crate::Stream {
            sid: self.kept.sid.into(),
            account_sid: Some((*account).into()),
            conference_sid: (!self.of_call).then(|| (*conference).into()),
            call_sid: self.of_call.then(|| (*conference).into()),
            name: self.kept.name.clone(),
            status: self.kept.status.clone(),
            date_updated: Some(self.date_updated),
            uri: Some(format!(
                "{API_ROOT_PATH}/Accounts/{account}/{parent}/{conference}/Streams/{}.json",
                self.kept.sid
            )),
        };
        serde_json::to_value(model).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_forms() {
        let c = create_request(
            b"Url=wss%3A%2F%2Fx.example%2Fa&Name=t&Track=inbound_track&StreamCodec=L16%4016000h&StreamRealTime=true&AuthorizationBearerToken=s3cret&Parameter1.Name=a&Parameter1.Value=b",
            false,
        )
        .unwrap();
        assert_eq!(
            (c.track.as_str(), c.codec.as_deref()),
            ("inbound_track", Some("L16@16000h"))
        );
        assert_eq!(c.bearer_token.as_deref(), Some("s3cret"));
        for bad in [
            "Name=t",
            "Url=https%3A%2F%2Fx.example",
            "Url=ws%3A%2F%2Fx.example",
            "Url=wss%3A%2F%2Fx.example&Track=left",
            "Url=wss%3A%2F%2Fx.example&StreamCodec=mp3",
            "Url=wss%3A%2F%2Fx.example&Parameter100.Name=a",
            "Url=wss%3A%2F%2Fx.example&Parameter01.Name=a",
            "Url=wss%3A%2F%2Fx.example&Muted=true",
        ] {
            assert!(create_request(bad.as_bytes(), false).is_err(), "{bad}");
        }
        assert!(create_request(b"Url=ws%3A%2F%2F127.0.0.1%3A9%2Fa", false).is_ok());
        assert!(update_request(b"Status=stopped").is_ok());
        assert!(update_request(b"Status=in-progress").is_err());
        assert!(update_request(b"").is_err());
    }
}
