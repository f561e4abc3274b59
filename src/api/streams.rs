//! Handles for the streams of a conference or a call: start one, stop one.

use std::{fmt, future::Future};

use crate::{
    CallHandle, CallbackMethod, ConferenceHandle, Error, IntoSid, Stream,
    api::checked_url,
    error::Invalid,
    sid::{SidArg, kind},
    wire::generated::types,
};

/// Whose audio a stream carries.
#[derive(Debug, Clone)]
enum Owner {
    Conference(ConferenceHandle),
    Call(CallHandle),
}

impl Owner {
    fn client(&self) -> &crate::Client {
        match self {
            Self::Conference(c) => &c.client,
            Self::Call(c) => &c.client,
        }
    }

    fn sid(&self) -> Result<uuid::Uuid, Error> {
        match self {
            Self::Conference(c) => c.sid.get(),
            Self::Call(c) => c.sid.get(),
        }
    }
}

/// The streams of a conference or a call, reached through [`ConferenceHandle::streams`]
/// or [`CallHandle::streams`].
#[derive(Debug, Clone)]
pub struct Streams {
    owner: Owner,
}

impl ConferenceHandle {
    /// The conference's streams: start one; see [`Streams`].
    pub fn streams(&self) -> Streams {
        Streams {
            owner: Owner::Conference(self.clone()),
        }
    }

    /// One stream of the conference, by its SID: stop it.
    pub fn stream(&self, sid: impl IntoSid<kind::Stream>) -> StreamHandle {
        StreamHandle::new(Owner::Conference(self.clone()), sid)
    }
}

impl CallHandle {
    /// The call's streams: start one (the call must be in progress); see [`Streams`]. A
    /// call's stream takes no [`codec`](StartStream::codec) nor
    /// [`real_time`](StartStream::real_time): giving one fails at `send`.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let call = client.call("b3877c40-da60-4998-90ad-b792e98472ca");
    /// let stream = call.streams().start("wss://transcriber.example.com/audio").send().await?;
    /// call.stream(&stream.sid).stop().await?;
    /// # Ok(()) }
    /// ```
    pub fn streams(&self) -> Streams {
        Streams {
            owner: Owner::Call(self.clone()),
        }
    }

    /// One stream of the call, by its SID: stop it.
    pub fn stream(&self, sid: impl IntoSid<kind::Stream>) -> StreamHandle {
        StreamHandle::new(Owner::Call(self.clone()), sid)
    }
}

impl Streams {
    /// Starts a stream of the conference's audio to the WebSocket server at `url`, which
    /// must be a `wss://` URL (or `ws://` to a loopback address, for tests); nothing is sent
    /// until [`StartStream::send`].
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// use signalwire_compat::Track;
    ///
    /// let conference = client.conference("b3877c40-da60-4998-90ad-b792e98472cf");
    /// let stream = conference
    ///     .streams()
    ///     .start("wss://transcriber.example.com/audio")
    ///     .name("transcription")
    ///     .track(Track::Both)
    ///     .bearer_token(std::env::var("TRANSCRIBER_TOKEN").unwrap_or_default())
    ///     .send()
    ///     .await?;
    /// conference.stream(&stream.sid).stop().await?;
    /// # Ok(()) }
    /// ```
    pub fn start(&self, url: &str) -> StartStream {
        let mut start = StartStream {
            owner: self.owner.clone(),
            body: types::StreamCreate {
                url: String::new(),
                name: None,
                track: None,
                status_callback: None,
                status_callback_method: None,
                stream_codec: None,
                stream_real_time: None,
                authorization_bearer_token: None,
            },
            invalid: None,
        };
        match checked_stream_url(url) {
            Ok(url) => start.body.url = url,
            Err(invalid) => start.invalid = Some(invalid),
        }
        start
    }
}

/// The password, and `user:password`, that a URL carries, in the text they were given in.
fn url_secrets(text: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(password) = url.password().filter(|p| !p.is_empty()) {
        found.push(format!("{}:{password}", url.username()));
        found.push(password.to_owned());
    }
    found
}

/// A stream's URL: `wss://`, or `ws://` to a loopback address.
fn checked_stream_url(text: &str) -> Result<String, Invalid> {
    let refuse = |why: &str| Invalid {
        field: "stream URL",
        reason: format!("{:?} {why}", crate::text::without_userinfo(text)),
    };
    let url = reqwest::Url::parse(text.trim())
        .map_err(|e| refuse(&format!("is not an absolute URL ({e})")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(refuse("has no host")),
    };
    match url.scheme() {
        "wss" => Ok(url.into()),
        "ws" if loopback => Ok(url.into()),
        "ws" => Err(refuse("uses ws://, which SignalWire refuses: use wss://")),
        _ => Err(refuse("is not a WebSocket URL: use wss://")),
    }
}

/// Which of the conference's audio a stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Track {
    /// What the conference hears from its participants (`inbound_track`).
    Inbound,
    /// What the conference plays to them (`outbound_track`).
    Outbound,
    /// Both (`both_tracks`, the server's default).
    Both,
}

impl Track {
    /// Every track, with its text as the API writes it.
    pub const KNOWN: &'static [(&'static str, Self)] = &[
        ("inbound_track", Self::Inbound),
        ("outbound_track", Self::Outbound),
        ("both_tracks", Self::Both),
    ];
}

/// The audio codec of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamCodec {
    /// G.711 µ-law, 8 kHz (`PCMU`).
    Pcmu,
    /// G.711 A-law, 8 kHz (`PCMA`).
    Pcma,
    /// 16-bit linear PCM, 8 kHz (`L16`).
    L16,
    /// 16-bit linear PCM, 16 kHz (`L16@16000h`).
    L16At16k,
    /// 16-bit linear PCM, 24 kHz (`L16@24000h`).
    L16At24k,
}

impl StreamCodec {
    /// Every codec, with its text as the API writes it.
    pub const KNOWN: &'static [(&'static str, Self)] = &[
        ("PCMU", Self::Pcmu),
        ("PCMA", Self::Pcma),
        ("L16", Self::L16),
        ("L16@16000h", Self::L16At16k),
        ("L16@24000h", Self::L16At24k),
    ];
}

/// A stream to start, sent by [`send`](StartStream::send). From [`Streams::start`].
///
/// Its bearer token is a secret: it is never in its `Debug`, nor in an error or a log, even
/// when a server echoes it back.
#[derive(Clone)]
#[must_use = "a stream does nothing until it is sent"]
pub struct StartStream {
    owner: Owner,
    body: types::StreamCreate,
    invalid: Option<Invalid>,
}

impl fmt::Debug for StartStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartStream")
            .field("url", &crate::text::without_userinfo(&self.body.url))
            .field("name", &self.body.name)
            .field(
                "bearer_token",
                &self
                    .body
                    .authorization_bearer_token
                    .as_ref()
                    .map(|_| "** redacted **"),
            )
            .finish_non_exhaustive()
    }
}

impl StartStream {
    /// The stream's name, unique in its conference while it runs.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }

    /// Which audio it carries (both directions by default).
    pub fn track(mut self, track: Track) -> Self {
        self.body.track = Some(match track {
            Track::Inbound => types::StreamCreateTrack::InboundTrack,
            Track::Outbound => types::StreamCreateTrack::OutboundTrack,
            Track::Both => types::StreamCreateTrack::BothTracks,
        });
        self
    }

    /// The audio codec.
    pub fn codec(mut self, codec: StreamCodec) -> Self {
        self.body.stream_codec = Some(match codec {
            StreamCodec::Pcmu => types::StreamCreateStreamCodec::Pcmu,
            StreamCodec::Pcma => types::StreamCreateStreamCodec::Pcma,
            StreamCodec::L16 => types::StreamCreateStreamCodec::L16,
            StreamCodec::L16At16k => types::StreamCreateStreamCodec::L1616000h,
            StreamCodec::L16At24k => types::StreamCreateStreamCodec::L1624000h,
        });
        self
    }

    /// Whether audio is sent as it happens rather than buffered (`StreamRealTime`).
    pub fn real_time(mut self, real_time: bool) -> Self {
        self.body.stream_real_time = Some(real_time);
        self
    }

    /// Where the server reports the stream's changes, and how (`POST` by default).
    pub fn status_callback(mut self, url: &str, method: CallbackMethod) -> Self {
        match checked_url("status callback URL", url) {
            Ok(url) => {
                self.body.status_callback = Some(url);
                self.body.status_callback_method = Some(method.into());
            }
            Err(invalid) => {
                self.invalid.get_or_insert(invalid);
            }
        }
        self
    }

    /// A token the WebSocket server is given to authenticate the stream. It is a secret:
    /// never printed, in `Debug`, errors or logs.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.body.authorization_bearer_token = Some(token.into()).filter(|t| !t.is_empty());
        self
    }

    /// Starts the stream, and returns it. Not retried by default.
    pub fn send(self) -> impl Future<Output = Result<Stream, Error>> + Send + 'static {
        self.send_now()
    }

    async fn send_now(self) -> Result<Stream, Error> {
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        let owner = self.owner.sid()?;
        let client = self.owner.client();
        let account = client.account_sid();
        let body = &self.body;
        // Secrets a server may echo: the bearer token, and a user name and password the
        // URL carries (`wss://user:pass@…`).
        let userinfo = url_secrets(&body.url);
        let mut secrets: Vec<&str> = userinfo.iter().map(String::as_str).collect();
        secrets.extend(body.authorization_bearer_token.as_deref());
        let token = secrets.as_slice();
        let value = match &self.owner {
            Owner::Conference(_) => {
                client
                    .run_secrets("stream", token, |api| {
                        api.create_stream(&account, &owner, body)
                    })
                    .await?
            }
            Owner::Call(_) => {
                let given = [
                    ("codec", body.stream_codec.is_some()),
                    ("real_time", body.stream_real_time.is_some()),
                ];
                if let Some((what, _)) = given.iter().find(|(_, set)| *set) {
                    return Err(Invalid {
                        field: "stream",
                        reason: format!("a call's stream takes no {what}; leave it out"),
                    }
                    .into());
                }
                let track = body.track.map(|t| match t {
                    types::StreamCreateTrack::InboundTrack => {
                        types::CallStreamCreateTrack::InboundTrack
                    }
                    types::StreamCreateTrack::OutboundTrack => {
                        types::CallStreamCreateTrack::OutboundTrack
                    }
                    types::StreamCreateTrack::BothTracks => {
                        types::CallStreamCreateTrack::BothTracks
                    }
                });
                let call_body = types::CallStreamCreate {
                    url: body.url.clone(),
                    name: body.name.clone(),
                    track,
                    status_callback: body.status_callback.clone(),
                    status_callback_method: body.status_callback_method,
                    authorization_bearer_token: body.authorization_bearer_token.clone(),
                };
                let call_body = &call_body;
                client
                    .run_secrets("stream", token, |api| {
                        api.create_call_stream(&account, &owner, call_body)
                    })
                    .await?
            }
        };
        Ok(value.into_inner())
    }
}

/// One stream of a conference or a call, reached through [`ConferenceHandle::stream`] or
/// [`CallHandle::stream`].
#[derive(Debug, Clone)]
pub struct StreamHandle {
    owner: Owner,
    sid: SidArg,
}

impl StreamHandle {
    fn new(owner: Owner, sid: impl IntoSid<kind::Stream>) -> Self {
        Self {
            owner,
            sid: SidArg::new("stream SID", sid),
        }
    }

    /// Stops the stream (`Status=stopped`). Stopping one that is already stopped is refused
    /// by the server with 422.
    pub fn stop(&self) -> impl Future<Output = Result<Stream, Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move {
            let owner = this.owner.sid()?;
            let stream = this.sid.get()?;
            let client = this.owner.client();
            let account = client.account_sid();
            let body = types::StreamUpdate {
                status: types::StreamUpdateStatus::Stopped,
            };
            let value = match &this.owner {
                Owner::Conference(_) => {
                    client
                        .run("stream", |api| {
                            api.update_stream(&account, &owner, &stream, &body)
                        })
                        .await?
                }
                Owner::Call(_) => {
                    client
                        .run("stream", |api| {
                            api.update_call_stream(&account, &owner, &stream, &body)
                        })
                        .await?
                }
            };
            Ok(value.into_inner())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_urls() {
        for ok in [
            "wss://x.example/a",
            "ws://127.0.0.1:9/a",
            "ws://localhost/a",
            "ws://[::1]:1/",
        ] {
            assert!(checked_stream_url(ok).is_ok(), "{ok}");
        }
        for bad in ["ws://x.example/a", "https://x.example/a", "/a", "wss://"] {
            assert!(checked_stream_url(bad).is_err(), "{bad}");
        }
    }
}
