//! What SignalWire sends about messages: the request to a number's messaging URL when a
//! message comes in (answered with messaging cXML), and a message's status callbacks.

use super::events::{Reader, webhook};
use crate::{AccountSid, MessageSid, MessageStatus};

/// The most media a message is read with: SignalWire sends at most 10.
const MAX_MEDIA: usize = 10;

/// A file a message carries, as its webhook names it (`MediaUrl0`, `MediaContentType0`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageMedia {
    /// Where the file is (`MediaUrl{N}`).
    pub url: String,
    /// Its content type (`MediaContentType{N}`), such as `image/jpeg`.
    pub content_type: Option<String>,
}

/// A number's error code as a message's webhook writes it, or the text kept in `other`.
fn code(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

/// The media of a message, `MediaUrl0` onwards, as many as are numbered without a gap (at
/// most [`MAX_MEDIA`]; any further ones stay in `other`).
fn media(r: &mut Reader) -> Vec<MessageMedia> {
    (0..MAX_MEDIA)
        .map_while(|n| {
            let url = r.text(&format!("MediaUrl{n}"))?;
            let content_type = r.text(&format!("MediaContentType{n}"));
            Some(MessageMedia { url, content_type })
        })
        .collect()
}

webhook! {
    /// The request SignalWire makes to a number's `SmsUrl` when a message comes in to it (and
    /// to a `<Message>`'s `action` once its message is sent), which answers with a
    /// [`MessagingResponse`](crate::cxml::MessagingResponse).
    ///
    /// `message_sid` and `account_sid` are required. After a `<Message action="…">`, the request
    /// says how that message went (`message_status`, `error_code`). A parameter not named here,
    /// or a value that cannot be read as its field's type, is kept in [`other`](Self::other).
    ///
    /// ```
    /// use signalwire_compat::webhooks::MessageRequest;
    ///
    /// let form = [
    ///     ("MessageSid", "4d2bd6d7-62a9-4b7c-9d2e-5fd2a7a5e9a0"),
    ///     ("AccountSid", "b3877c40-da60-4998-90ad-b792e98472ca"),
    ///     ("From", "+15557770001"),
    ///     ("To", "+15551230001"),
    ///     ("Body", "Hours?"),
    ///     ("NumMedia", "1"),
    ///     ("MediaUrl0", "https://example.com/a.jpg"),
    ///     ("MediaContentType0", "image/jpeg"),
    /// ]
    /// .map(|(k, v)| (k.to_owned(), v.to_owned()));
    /// let message = MessageRequest::from_form(&form).unwrap();
    /// assert_eq!(message.body.as_deref(), Some("Hours?"));
    /// assert_eq!(message.media[0].content_type.as_deref(), Some("image/jpeg"));
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct MessageRequest;
    /// Reads a request's form parameters, as
    /// [`VoiceRequest::from_form`](super::VoiceRequest::from_form) does.
    fn from_form(r) {
        /// The message (`MessageSid`).
        message_sid: MessageSid = MessageSid::from(r.required("MessageSid")?),
        /// The account (`AccountSid`).
        account_sid: AccountSid = AccountSid::from(r.required("AccountSid")?),
        /// The sender (`From`).
        from: Option<String> = r.text("From"),
        /// The number messaged (`To`).
        to: Option<String> = r.text("To"),
        /// The text (`Body`); none for a message of media alone.
        body: Option<String> = r.text("Body"),
        /// How many files it carries (`NumMedia`).
        num_media: Option<u32> = r.parsed("NumMedia", code),
        /// How many segments it came in (`NumSegments`).
        num_segments: Option<u32> = r.parsed("NumSegments", code),
        /// The files it carries, in order.
        media: Vec<MessageMedia> = media(&mut r),
        /// Its status (`SmsStatus`): `received` for a message that came in.
        sms_status: Option<MessageStatus> = r.text("SmsStatus").map(MessageStatus::from),
        /// After a `<Message action>`, how that message went (`MessageStatus`).
        message_status: Option<MessageStatus> = r.text("MessageStatus").map(MessageStatus::from),
        /// After a `<Message action>`, why it failed, when it did (`ErrorCode`).
        error_code: Option<u32> = r.parsed("ErrorCode", code),
        /// The API version (`ApiVersion`).
        api_version: Option<String> = r.text("ApiVersion"),
    }
}

webhook! {
    /// A message's status callback: where a message sent is on its way, sent to its
    /// `StatusCallback` at each change.
    ///
    /// `message_sid`, `account_sid` and `message_status` are required; `error_code` comes with
    /// a message `undelivered` or `failed`.
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct MessageStatusCallback;
    /// Reads a callback's form parameters, as
    /// [`VoiceRequest::from_form`](super::VoiceRequest::from_form) does.
    fn from_form(r) {
        /// The message (`MessageSid`).
        message_sid: MessageSid = MessageSid::from(r.required("MessageSid")?),
        /// The account (`AccountSid`).
        account_sid: AccountSid = AccountSid::from(r.required("AccountSid")?),
        /// Its status now (`MessageStatus`).
        message_status: MessageStatus = MessageStatus::from(r.required("MessageStatus")?),
        /// Why it was not delivered, when it was not (`ErrorCode`), such as 30003.
        error_code: Option<u32> = r.parsed("ErrorCode", code),
        /// The sender (`From`).
        from: Option<String> = r.text("From"),
        /// The recipient (`To`).
        to: Option<String> = r.text("To"),
        /// The text (`Body`).
        body: Option<String> = r.text("Body"),
        /// How many files it carries (`NumMedia`).
        num_media: Option<u32> = r.parsed("NumMedia", code),
        /// How many segments it was sent in (`NumSegments`).
        num_segments: Option<u32> = r.parsed("NumSegments", code),
        /// The API version (`ApiVersion`).
        api_version: Option<String> = r.text("ApiVersion"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::WebhookError;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn media_are_read_in_order_until_a_gap() {
        let m = MessageRequest::from_form(&form(&[
            ("MessageSid", "m"),
            ("AccountSid", "a"),
            ("MediaUrl1", "https://example.com/2.png"),
            ("MediaUrl0", "https://example.com/1.jpg"),
            ("MediaContentType0", "image/jpeg"),
            ("MediaUrl3", "https://example.com/4.gif"),
            ("NumMedia", "3"),
        ]))
        .unwrap();
        let urls: Vec<&str> = m.media.iter().map(|m| m.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://example.com/1.jpg", "https://example.com/2.png"]
        );
        assert_eq!(m.media[1].content_type, None);
        assert_eq!(m.num_media, Some(3));
        // What comes after the gap is kept, not lost.
        assert_eq!(
            m.other.get("MediaUrl3").map(String::as_str),
            Some("https://example.com/4.gif")
        );
    }

    #[test]
    fn a_status_callback_needs_its_status_and_keeps_an_odd_code() {
        assert!(matches!(
            MessageStatusCallback::from_form(&form(&[("MessageSid", "m"), ("AccountSid", "a")])),
            Err(WebhookError::MissingParameter("MessageStatus"))
        ));
        let c = MessageStatusCallback::from_form(&form(&[
            ("MessageSid", "m"),
            ("AccountSid", "a"),
            ("MessageStatus", "undelivered"),
            ("ErrorCode", "30003"),
            ("NumSegments", "two"),
        ]))
        .unwrap();
        assert_eq!(c.message_status, MessageStatus::Undelivered);
        assert_eq!(c.error_code, Some(30003));
        assert_eq!(c.num_segments, None);
        assert_eq!(c.other.get("NumSegments").map(String::as_str), Some("two"));
    }

    #[test]
    fn a_request_names_what_it_lacks_and_refuses_a_conflict() {
        assert!(matches!(
            MessageRequest::from_form(&form(&[("AccountSid", "a")])),
            Err(WebhookError::MissingParameter("MessageSid"))
        ));
        assert!(matches!(
            MessageRequest::from_form(&form(&[
                ("MessageSid", "m"),
                ("AccountSid", "a"),
                ("Body", "yes"),
                ("Body", "no"),
            ])),
            Err(WebhookError::AmbiguousParameter(name)) if name == "Body"
        ));
    }
}
