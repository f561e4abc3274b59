//! A message coming in, and the messaging cXML it runs.
//!
//! `POST /__emulator/messages` (`{"from", "to", "body", "media_urls"}`) stores a message
//! `received` by a number of the project, then asks the number's `SmsUrl` (or its
//! application's), signed, with SignalWire's parameters. The document it answers is run:
//! each `<Message>` queues a reply (`outbound-reply`, from the number messaged and to the
//! sender unless it says otherwise), which goes on as any message sent does; a `<Message
//! action="…">` waits until its reply leaves the queue and asks the action with
//! `MessageStatus` (and `ErrorCode`), whose document runs next; `<Redirect>` asks its URL.
//! A document that cannot be had (11200) or read (12100) goes to the number's
//! `SmsFallbackUrl` once, with `ErrorCode` and `ErrorUrl`. What happened is in the
//! message's log, `GET /__emulator/messages/{sid}/log`.

use std::{sync::Arc, time::Duration};

use axum::response::Response;
use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    callbacks::json_body,
    caller::{CallLogEntry, ControlError},
    http::App,
    messages::{Inbound, Outgoing},
    response::{Refusal, ok},
    runner::{Fetched, MAX_DOCUMENTS, ask, method, resolve},
    state::url_and_method as with_method,
    store::Tables,
};
use crate::{
    IncomingPhoneNumber, IntoSid, MessageDirection,
    cxml::{Message, MessagePart, MessagingResponse, MessagingVerb},
    sid::kind,
};

/// The longest text a message may have, in characters, as SignalWire takes it.
pub const MAX_MESSAGE_BODY: usize = 1_600;

/// The most media files a message coming in, or a `<Message>`, may carry.
pub const MAX_INBOUND_MEDIA: usize = 10;

/// A message coming in, as `POST /__emulator/messages` takes it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Arrival {
    from: String,
    to: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    media_urls: Vec<String>,
}

/// Where a number's messages are asked: its URL and method, its fallback's, and (for an
/// application's) where its replies' status callbacks go.
#[derive(Debug, Clone, Default)]
struct Handler {
    url: Option<(String, String)>,
    fallback: Option<(String, String)>,
    status_callback: Option<String>,
}

/// The messaging URLs of the project's number `to`: its own `SmsUrl`, or its
/// `SmsApplicationSid`'s. `None` when `to` is not a number of the project.
fn handler(tables: &Tables, to: &str) -> Option<Handler> {
    let number = tables
        .rows::<IncomingPhoneNumber>()?
        .iter()
        .find(|n| n.phone_number.as_deref() == Some(to))?;
    let own = Handler {
        url: with_method(number.sms_url.as_ref(), number.sms_method.as_ref()),
        fallback: with_method(
            number.sms_fallback_url.as_ref(),
            number.sms_fallback_method.as_ref(),
        ),
        status_callback: None,
    };
    if own.url.is_some() {
        return Some(own);
    }
    let application = number
        .sms_application_sid
        .as_deref()
        .and_then(|sid| Uuid::try_parse(sid).ok())
        .and_then(|sid| tables.rows::<crate::Application>()?.get(&sid));
    Some(application.map_or(own, |app| Handler {
        url: with_method(app.sms_url.as_ref(), app.sms_method.as_ref()),
        fallback: with_method(
            app.sms_fallback_url.as_ref(),
            app.sms_fallback_method.as_ref(),
        ),
        status_callback: app.sms_status_callback.clone().filter(|u| !u.is_empty()),
    }))
}

/// `POST /__emulator/messages`: a message from `from` comes in to the project's number
/// `to`. Answers the message (201); its number's messaging cXML runs after.
pub(crate) fn arrive(
    app: &Arc<App>,
    project: Uuid,
    body: &[u8],
    path: &str,
) -> Result<Response, Refusal> {
    let arrival = json_body::<Arrival>(body)?;
    receive(app, project, arrival, path).map(|message| ok(StatusCode::CREATED, message))
}

/// A message comes in, checked: stored `received`, and its number's cXML set running.
fn receive(app: &Arc<App>, project: Uuid, arrival: Arrival, path: &str) -> Result<Value, Refusal> {
    let Arrival {
        from,
        to,
        body,
        media_urls,
    } = arrival;
    for (name, number) in [("from", &from), ("to", &to)] {
        super::numbers::check_number(number).map_err(|_| {
            Refusal::bad(format!(
                "{name} is 1 to 64 characters with no spaces, such as +15551234567"
            ))
        })?;
    }
    if body.is_empty() && media_urls.is_empty() {
        return Err(Refusal::bad("A message needs a body, media_urls, or both"));
    }
    let length = body.chars().count();
    if length > MAX_MESSAGE_BODY {
        return Err(Refusal::bad(format!(
            "body has {length} characters; a message has at most {MAX_MESSAGE_BODY}"
        )));
    }
    if media_urls.len() > MAX_INBOUND_MEDIA {
        return Err(Refusal::bad(format!(
            "media_urls has {} URLs; a message carries at most {MAX_INBOUND_MEDIA}",
            media_urls.len()
        )));
    }
    let media = media_urls
        .iter()
        .map(|url| super::form::callback_url("media_urls", url))
        .collect::<Result<Vec<_>, _>>()?;
    let sid = super::store::random_sid();
    let now = app.clock.now();
    let (message, handler) = {
        let mut state = app.state();
        let (messages, tables, _) = state.messages_mut(&project, path)?;
        let handler = handler(tables, &to).ok_or_else(|| {
            Refusal::new(
                404,
                20404,
                format!(
                    "{to} is not a phone number of this project: buy it (POST /IncomingPhoneNumbers) and give it an SmsUrl"
                ),
            )
        })?;
        let inbound = Inbound {
            from,
            to,
            body,
            media,
        };
        let message = messages.receive(sid, inbound, now)?;
        (super::ordered::Row::render(message, &project), handler)
    };
    let app = app.clone();
    tokio::spawn(async move { run(app, project, sid, handler).await });
    Ok(message)
}

/// A message coming in to the first project, and what its cXML did, from Rust: what
/// `POST /__emulator/messages` and `GET /__emulator/messages/{sid}/log` do over HTTP.
impl super::Emulator {
    /// A message from `from` (with `body`, and media at `media_urls`, absolute URLs, up to
    /// 10) comes in to the project's number `to`: it is stored `received`, and the number's
    /// `SmsUrl` (or its `SmsApplicationSid`'s) is asked, its messaging cXML run. Answers the
    /// message as the REST API shows it.
    ///
    /// ```no_run
    /// # async fn demo(emulator: signalwire_compat::emulator::Emulator) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// let message = emulator
    ///     .receive_message("+15557654321", "+15551230100", "Hours?", &[])
    ///     .await?;
    /// let reply = emulator
    ///     .wait_for_message_log(&message.sid, Duration::from_secs(5), |e| e.is_verb("Message"))
    ///     .await?;
    /// println!("replied: {:?}", reply.text("message_sid"));
    /// # Ok(()) }
    /// ```
    pub async fn receive_message(
        &self,
        from: &str,
        to: &str,
        body: &str,
        media_urls: &[&str],
    ) -> Result<crate::Message, ControlError> {
        let arrival = Arrival {
            from: from.to_owned(),
            to: to.to_owned(),
            body: body.to_owned(),
            media_urls: media_urls.iter().map(|u| (*u).to_owned()).collect(),
        };
        let path = format!("{}/messages", super::http::CONTROL_PATH);
        let message = receive(&self.app, self.project_id, arrival, &path)
            .map_err(ControlError::from_refusal)?;
        serde_json::from_value(message)
            .map_err(|e| ControlError::internal(format!("the message does not read: {e}")))
    }

    /// The log of a message that came in, oldest first: every request to the app, verb
    /// run (a `<Message>` names the reply it queued as `message_sid`), error and its end
    /// (the last [`MAX_LOG`](super::MAX_LOG) entries).
    pub fn message_log(
        &self,
        message_sid: impl IntoSid<kind::Message>,
    ) -> Result<Vec<CallLogEntry>, ControlError> {
        let message = super::caller::sid_of(message_sid, "message")?;
        let path = format!("{}/messages/{message}/log", super::http::CONTROL_PATH);
        let state = self.app.state();
        let log = state
            .messages(&self.project_id, &path)
            .and_then(|m| m.log_json(&message, &path))
            .map_err(ControlError::from_refusal)?;
        serde_json::from_value(log["log"].clone())
            .map_err(|e| ControlError::internal(format!("the message's log does not read: {e}")))
    }

    /// Waits, in real time and at most `within`, until the message's log has an entry
    /// `wanted` accepts, as [`wait_for_log`](Self::wait_for_log) does for a call.
    pub async fn wait_for_message_log(
        &self,
        message_sid: impl IntoSid<kind::Message>,
        within: Duration,
        wanted: impl Fn(&CallLogEntry) -> bool,
    ) -> Result<CallLogEntry, ControlError> {
        let message = super::caller::sid_of(message_sid, "message")?;
        super::caller::wait_in_log(&format!("message {message}"), within, wanted, || {
            self.message_log(message)
        })
        .await
    }
}

/// Where the next document comes from.
struct Ask {
    url: String,
    method: String,
    extra: Vec<(String, String)>,
}

/// Runs a message's messaging cXML, from its number's URL.
struct Run {
    app: Arc<App>,
    project: Uuid,
    message: Uuid,
    inbound: Inbound,
    /// Where replies' status callbacks go when a `<Message>` does not say.
    status_callback: Option<String>,
    /// The URL of the document being run, for relative URLs.
    current: Option<String>,
}

async fn run(app: Arc<App>, project: Uuid, message: Uuid, handler: Handler) {
    let inbound = {
        let state = app.state();
        state
            .messages(&project, "")
            .ok()
            .and_then(|m| m.inbound(&message))
    };
    let Some(inbound) = inbound else { return };
    let mut run = Run {
        app,
        project,
        message,
        inbound,
        status_callback: handler.status_callback.clone(),
        current: None,
    };
    let Some((url, method)) = handler.url.clone() else {
        run.log(
            "skipped",
            json!({ "why": "the number has no SmsUrl (nor an SmsApplicationSid with one): nothing was asked" }),
        );
        return;
    };
    run.go(
        Ask {
            url,
            method,
            extra: Vec::new(),
        },
        handler.fallback,
    )
    .await;
}

impl Run {
    fn log(&self, event: &'static str, detail: Value) {
        let now = self.app.clock.now();
        let mut state = self.app.state();
        if let Ok((messages, _, _)) = state.messages_mut(&self.project, "")
            && let Some(log) = messages.log_mut(&self.message)
        {
            log.push(now, event, detail);
        }
    }

    /// Asks for documents and runs them until one ends, or the fallback fails too.
    async fn go(&mut self, first: Ask, mut fallback: Option<(String, String)>) {
        let mut next = first;
        for _ in 0..MAX_DOCUMENTS {
            let failed = match self.document(&next).await {
                Ok(Some(document)) => {
                    self.current = Some(next.url.clone());
                    match self.verbs(&document).await {
                        Some(ask) => {
                            next = ask;
                            continue;
                        }
                        None => {
                            self.log("ended", json!({ "why": "its document has no more verbs" }));
                            return;
                        }
                    }
                }
                Ok(None) => return,
                Err(code) => code,
            };
            // Once: a fallback that fails too ends the run.
            let Some((url, method)) = fallback.take() else {
                self.log(
                    "ended",
                    json!({ "why": "its document could not be had or read" }),
                );
                return;
            };
            self.log("input", json!({ "fallback": url }));
            next = Ask {
                extra: vec![
                    ("ErrorCode".to_owned(), failed.to_string()),
                    ("ErrorUrl".to_owned(), next.url.clone()),
                ],
                url,
                method,
            };
        }
        self.log(
            "error",
            json!({ "code": 11215, "message": format!("more than {MAX_DOCUMENTS} documents asked for by one message: a loop?") }),
        );
    }

    /// Asks for a document and reads it: `Ok(None)` when it was not asked (a URL the
    /// emulator may not reach), `Err(code)` when it could not be had or read.
    async fn document(&self, next: &Ask) -> Result<Option<MessagingResponse>, u32> {
        let params = {
            let state = self.app.state();
            let mut params = state
                .messages(&self.project, "")
                .map(|m| m.params(&self.project, &self.message))
                .unwrap_or_default();
            params.push(("SmsMessageSid".into(), self.message.to_string()));
            params.push(("SmsStatus".into(), "received".into()));
            params.sort();
            params.extend(next.extra.iter().cloned());
            params
        };
        let log = |event, detail| self.log(event, detail);
        match ask(
            &self.app,
            &self.project,
            &next.url,
            &next.method,
            &params,
            &log,
        )
        .await
        {
            Fetched::Document(text) => match MessagingResponse::parse(&text) {
                Ok(document) => Ok(Some(document)),
                Err(e) => {
                    self.log(
                        "error",
                        json!({ "code": 12100, "message": format!("the document is not messaging cXML: {e}") }),
                    );
                    Err(12100)
                }
            },
            Fetched::Failed(code, message) => {
                self.log("error", json!({ "code": code, "message": message }));
                Err(code)
            }
            Fetched::NotAsked => Ok(None),
        }
    }

    /// Runs a document's verbs; answers where a `<Redirect>` or an `action` goes next.
    async fn verbs(&mut self, document: &MessagingResponse) -> Option<Ask> {
        for verb in &document.verbs {
            match verb {
                MessagingVerb::Message(message) => {
                    let Some(reply) = self.send(message) else {
                        continue;
                    };
                    if let Some(action) = &message.action {
                        return self
                            .action(reply, action, method(message.method.as_ref()))
                            .await;
                    }
                }
                MessagingVerb::Redirect(redirect) => {
                    let method = method(redirect.method.as_ref());
                    self.log(
                        "verb",
                        json!({ "verb": "Redirect", "url": redirect.text, "method": method }),
                    );
                    match resolve(self.current.as_deref(), &redirect.text) {
                        Ok(url) => {
                            return Some(Ask {
                                url,
                                method,
                                extra: Vec::new(),
                            });
                        }
                        Err(why) => {
                            self.log("error", json!({ "code": 12100, "message": why }));
                            return None;
                        }
                    }
                }
            }
        }
        None
    }

    /// Queues the reply a `<Message>` sends; `None` (logged) when it cannot be sent.
    fn send(&self, message: &Message) -> Option<Uuid> {
        let mut body = String::new();
        let mut media = Vec::new();
        for part in &message.children {
            match part {
                MessagePart::Body(b) => body.push_str(&b.text),
                MessagePart::Text(t) => body.push_str(t.trim()),
                MessagePart::Media(m) => media.push(m.text.trim().to_owned()),
            }
        }
        let to = message
            .to
            .clone()
            .unwrap_or_else(|| self.inbound.from.clone());
        let from = message
            .from
            .clone()
            .unwrap_or_else(|| self.inbound.to.clone());
        let refused = |code: u32, why: String| {
            self.log("error", json!({ "code": code, "message": why }));
            None
        };
        if super::numbers::check_number(&to).is_err() {
            return refused(
                14101,
                format!("the <Message> to {to:?} is not a phone number"),
            );
        }
        let length = body.chars().count();
        if (body.is_empty() && media.is_empty()) || length > MAX_MESSAGE_BODY {
            return refused(
                14103,
                format!(
                    "a <Message> needs a body of at most {MAX_MESSAGE_BODY} characters, or media (it has {length} characters and {} media)",
                    media.len()
                ),
            );
        }
        if media.len() > MAX_INBOUND_MEDIA {
            return refused(
                14103,
                format!(
                    "a <Message> carries at most {MAX_INBOUND_MEDIA} media, not {}",
                    media.len()
                ),
            );
        }
        let media = media
            .iter()
            .map(|url| resolve(self.current.as_deref(), url))
            .collect::<Result<Vec<_>, _>>();
        let media = match media {
            Ok(media) => media,
            Err(why) => return refused(14103, format!("a <Media> of the <Message>: {why}")),
        };
        let status_callback = match &message.status_callback {
            Some(url) => match resolve(self.current.as_deref(), url) {
                Ok(url) => Some(url),
                Err(why) => {
                    return refused(14103, format!("the <Message>'s statusCallback: {why}"));
                }
            },
            None => self.status_callback.clone(),
        };
        let sid = super::store::random_sid();
        let now = self.app.clock.now();
        let allow_remote = self.app.allow_remote_callbacks;
        let sent = {
            let mut state = self.app.state();
            let Ok((messages, tables, calls)) = state.messages_mut(&self.project, "") else {
                return None;
            };
            let context = super::messages::Context {
                tables,
                is_line: &|n| calls.is_line(n),
                behavior_of: &|n| calls.rules.of(n),
                allow_remote,
            };
            if !context.owns(&from) {
                drop(state);
                return refused(
                    14102,
                    format!("the <Message> from {from} is not a phone number of this project"),
                );
            }
            let outgoing = Outgoing {
                from: from.clone(),
                to: to.clone(),
                body,
                media,
                send_as_mms: false,
                max_price: None,
                status_callback,
                direction: MessageDirection::OutboundReply,
            };
            messages.send(sid, outgoing, now, &context).map(|_| ())
        };
        if let Err(refusal) = sent {
            return refused(refusal.code, refusal.message);
        }
        self.log(
            "verb",
            json!({ "verb": "Message", "message_sid": sid, "from": from, "to": to }),
        );
        super::http::wake_message(self.app.clone(), self.project, sid);
        Some(sid)
    }

    /// Waits until the reply leaves the queue, then asks the `<Message>`'s `action` with
    /// how it went.
    async fn action(&self, reply: Uuid, action: &str, method: String) -> Option<Ask> {
        let url = match resolve(self.current.as_deref(), action) {
            Ok(url) => url,
            Err(why) => {
                self.log("skipped", json!({ "action": action, "why": why }));
                return None;
            }
        };
        let send_at = {
            let state = self.app.state();
            state
                .messages(&self.project, "")
                .ok()
                .and_then(|m| m.send_at(&reply))
        }?;
        let mut stopping = self.app.stopping.clone();
        tokio::select! {
            () = self.app.clock.sleep_until(send_at) => {}
            _ = stopping.wait_for(|stop| *stop) => return None,
        }
        let outcome = {
            let mut state = self.app.state();
            let now = self.app.clock.now();
            let moved = state.advance(&self.project, now);
            self.app.dispatch_held(&mut state, &self.project, moved);
            state
                .messages(&self.project, "")
                .ok()
                .and_then(|m| m.outcome(&reply))
        };
        // A reply deleted meanwhile is not asked about.
        let (status, error) = outcome?;
        let mut extra = vec![("MessageStatus".to_owned(), status.to_string())];
        if let Some(code) = error {
            extra.push(("ErrorCode".to_owned(), code.to_string()));
        }
        Some(Ask { url, method, extra })
    }
}
