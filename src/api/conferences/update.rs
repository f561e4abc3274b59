//! Changing a conference: ending it, announcing to it.

use std::future::Future;

use super::ConferenceHandle;
use crate::{CallbackMethod, Conference, Error, api::checked_url, wire::generated::types};

/// The changes to make to a conference, sent by [`send`](UpdateConference::send). From
/// [`ConferenceHandle::update`].
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
/// use signalwire_compat::CallbackMethod;
///
/// client
///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
///     .update()
///     .announce_url("https://example.com/closing-in-5-minutes.xml")
///     .announce_method(CallbackMethod::Get)
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "an update does nothing until it is sent"]
pub struct UpdateConference {
    conference: ConferenceHandle,
    body: types::ConferenceUpdate,
    invalid: Option<crate::error::Invalid>,
}

impl UpdateConference {
    pub(super) fn new(conference: ConferenceHandle) -> Self {
        Self {
            conference,
            body: types::ConferenceUpdate::default(),
            invalid: None,
        }
    }

    /// Ends the conference (`Status=completed`).
    pub fn end(mut self) -> Self {
        self.body.status = Some(types::ConferenceUpdateStatus::Completed);
        self
    }

    /// The cXML or audio to play to everyone in the conference. It must be an absolute
    /// `http` or `https` URL; a bad one fails `send` before anything goes out.
    pub fn announce_url(mut self, url: impl AsRef<str>) -> Self {
        match checked_url("announce URL", url.as_ref()) {
            Ok(url) => self.body.announce_url = Some(url),
            Err(invalid) => {
                self.invalid.get_or_insert(invalid);
            }
        }
        self
    }

    /// How [`announce_url`](Self::announce_url) is fetched (the server's default is `POST`).
    pub fn announce_method(mut self, method: CallbackMethod) -> Self {
        self.body.announce_method = Some(method.into());
        self
    }

    /// Sends the update and returns the conference as changed. An update that sets nothing
    /// is refused before anything is sent. Not retried by default; see
    /// [`RetryPolicy::retry_updates`](crate::RetryPolicy::retry_updates).
    pub fn send(self) -> impl Future<Output = Result<Conference, Error>> + Send + 'static {
        self.send_now()
    }

    async fn send_now(self) -> Result<Conference, Error> {
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        if serde_urlencoded::to_string(&self.body).is_ok_and(|form| form.is_empty()) {
            return Err(Error::invalid_input(
                "update",
                "it changes nothing; end the conference or give an announcement URL",
            ));
        }
        let sid = self.conference.sid.get()?;
        let client = &self.conference.client;
        let account = client.account_sid();
        let body = &self.body;
        let value = client
            .run("conference", |api| {
                api.update_conference(&account, &sid, body)
            })
            .await?;
        Ok(value.into_inner())
    }
}
