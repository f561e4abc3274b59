//! Receiving SignalWire's webhooks: checking their signatures, and reading them into typed
//! values: a call's [`VoiceRequest`] (answered with cXML), its [`CallStatusCallback`]s, a
//! [`RecordingStatusCallback`], a conference's [`ConferenceEvent`]s, a message coming in
//! ([`MessageRequest`], answered with messaging cXML) and a message's
//! [`MessageStatusCallback`]s ([`Validator::read`] reads any of them). No web framework is
//! needed.
//!
//! SignalWire signs each webhook with the project's Signing Key. A handler gives the
//! [`Validator`] the signature header, the URL SignalWire called, and the body; then reads
//! the form into a [`ConferenceEvent`]. [`Validator::conference_event`] does both:
//!
//! ```
//! use signalwire_compat::webhooks::{SigningKey, Validator, WebhookError};
//!
//! fn handle(signature: &str, url: &str, body: &[u8]) -> Result<(), WebhookError> {
//!     let validator = Validator::new(SigningKey::new("PSK_the-projects-signing-key")?);
//!     let event = validator.conference_event(signature, url, body)?;
//!     println!("{} in {}", event.kind, event.conference_sid);
//!     Ok(())
//! }
//! # assert!(handle("bad", "https://example.com/events", b"StatusCallbackEvent=conference-start").is_err());
//! ```
//!
//! Behind ngrok or a proxy that terminates TLS, the URL the app sees is not the one
//! SignalWire called and signed: [`public_url`] builds the right one. With the `axum`
//! feature, the `axum` module's extractor does all of it and answers 403 on a bad
//! signature.

#[cfg(feature = "axum")]
pub mod axum;
mod calls;
mod events;
mod messages;
mod replays;
mod signature;

pub use calls::{CallStatusCallback, RecordingStatusCallback, VoiceRequest, Webhook};
pub use events::{ConferenceEvent, ConferenceEventKind};
pub use messages::{MessageMedia, MessageRequest, MessageStatusCallback};
pub use replays::Replays;
pub use signature::{Payload, SIGNATURE_HEADERS, SigningKey, Validator, WebhookError};

/// Where the URL SignalWire called comes from, for [`public_url`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// The public base URL the webhook was configured with, such as
    /// `https://abc123.ngrok.io`; the request's path and query are added to it.
    Public(String),
    /// The request's `Host` header, with this scheme: for an app reached directly.
    Host {
        /// `https` or `http`.
        scheme: String,
    },
    /// `X-Forwarded-Proto` and `X-Forwarded-Host` (then `Host`): only for an app whose
    /// proxy sets them and strips them from what clients send, since anyone can send them.
    Forwarded,
}

/// The URL SignalWire called, from the request's path and query (`uri`), its headers, and
/// where the public part of the URL comes from. `None` when the headers it needs are
/// missing.
pub fn public_url(
    uri: &http::Uri,
    headers: &http::HeaderMap,
    source: &UrlSource,
) -> Option<String> {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    match source {
        UrlSource::Public(base) => Some(format!("{}{path}", base.trim_end_matches('/'))),
        UrlSource::Host { scheme } => Some(format!("{scheme}://{}{path}", header("host")?)),
        UrlSource::Forwarded => {
            let scheme = header("x-forwarded-proto").unwrap_or("https");
            let host = header("x-forwarded-host").or_else(|| header("host"))?;
            Some(format!("{scheme}://{host}{path}"))
        }
    }
}

impl Validator {
    /// Checks a conference status callback's signature and reads it: `signature` is the
    /// `X-SignalWire-Signature` header's value, `url` the URL SignalWire called, `body` the
    /// form body as received.
    pub fn conference_event(
        &self,
        signature: &str,
        url: &str,
        body: &[u8],
    ) -> Result<ConferenceEvent, WebhookError> {
        self.read(signature, url, body)
    }

    /// Checks a webhook's signature and reads its form into `T`: a [`VoiceRequest`], a
    /// [`CallStatusCallback`], a [`RecordingStatusCallback`], a [`ConferenceEvent`], a
    /// [`MessageRequest`] or a [`MessageStatusCallback`].
    ///
    /// ```
    /// use signalwire_compat::webhooks::{SigningKey, Validator, VoiceRequest};
    ///
    /// let validator = Validator::new(SigningKey::new("PSK_the-projects-signing-key").unwrap());
    /// let answer = validator.read::<VoiceRequest>("forged", "https://example.com/voice", b"CallSid=x");
    /// assert!(answer.is_err());
    /// ```
    pub fn read<T: Webhook>(
        &self,
        signature: &str,
        url: &str,
        body: &[u8],
    ) -> Result<T, WebhookError> {
        self.check(signature, url, Payload::FormBody(body))?;
        T::from_form(&signature::form_pairs(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls() {
        let uri: http::Uri = "/events?room=1".parse().unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("host", "internal:8080".parse().unwrap());
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        headers.insert("x-forwarded-host", "abc.ngrok.io, proxy".parse().unwrap());
        assert_eq!(
            public_url(
                &uri,
                &headers,
                &UrlSource::Public("https://abc.ngrok.io/".into())
            )
            .as_deref(),
            Some("https://abc.ngrok.io/events?room=1")
        );
        assert_eq!(
            public_url(
                &uri,
                &headers,
                &UrlSource::Host {
                    scheme: "http".into()
                }
            )
            .as_deref(),
            Some("http://internal:8080/events?room=1")
        );
        assert_eq!(
            public_url(&uri, &headers, &UrlSource::Forwarded).as_deref(),
            Some("https://abc.ngrok.io/events?room=1")
        );
        assert_eq!(
            public_url(&uri, &http::HeaderMap::new(), &UrlSource::Forwarded),
            None
        );
    }
}
