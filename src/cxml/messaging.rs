//! The messaging verbs: `<Message>` (with `<Body>` and `<Media>`) and `<Redirect>`.

use super::{Redirect, children, element, response};
use crate::CallbackMethod;

element! {
    /// `<Body>`: a message's text.
    pub struct Body("Body") text {}
}

element! {
    /// `<Media>`: the URL of an image or other file a message carries.
    pub struct Media("Media") text {}
}

children! {
    /// What a `<Message>` holds: its text, as `<Body>` or bare, and its media.
    pub enum MessagePart in "Message" {
        /// Its text.
        Body(Body),
        /// A file it carries.
        Media(Media),
    }
    text
    /// Its text, given as the `<Message>`'s own.
    Text
}

element! {
    /// `<Message>`: sends a text or media message.
    pub struct Message("Message") (children: MessagePart) {
        /// Where the outcome is sent.
        action: String = "action",
        /// The number it is sent from (the one messaged, by default).
        from: String = "from",
        /// How `action` is asked.
        method: CallbackMethod = "method",
        /// Where the message's status callbacks go (Twilio's attribute, which SignalWire's
        /// helper libraries write).
        status_callback: String = "statusCallback",
        /// The number it is sent to (the sender, by default).
        to: String = "to",
    }
}

impl Message {
    /// A message of `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new().push(Body::new(text))
    }
    /// Adds a file it carries.
    pub fn media(self, url: impl Into<String>) -> Self {
        self.push(Media::new(url))
    }
}

children! {
    /// A messaging verb: what a `<Response>` to a message may hold.
    pub enum MessagingVerb in "Response" {
        /// Sends a message.
        Message(Message),
        /// Continues elsewhere.
        Redirect(Redirect),
    }
}

response! {
    /// A messaging document: what a message's URL answers.
    pub struct MessagingResponse of MessagingVerb;
}

impl MessagingResponse {
    /// Adds `<Message>`.
    pub fn message(self, message: Message) -> Self {
        self.push(message)
    }
}
