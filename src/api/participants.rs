//! Handles for a conference's participants: list, fetch, update, remove.

use std::num::NonZeroU32;

use reqwest::Url;

use crate::{
    Client, Error, IntoSid, Page, Participant,
    sid::SidArg,
    wire::{generated::types, paging::ListQuery},
};

/// A conference, reached through [`Client::conference`].
#[derive(Debug, Clone)]
pub struct Conference {
    client: Client,
    sid: SidArg,
}

impl Conference {
    pub(crate) fn new(client: Client, sid: SidArg) -> Self {
        Self { client, sid }
    }

    /// One participant of the conference, named by its call SID.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let p = client
    ///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
    ///     .participant("b3877c40-da60-4998-90ad-b792e98472ca")
    ///     .fetch()
    ///     .await?;
    /// println!("{} is {}", p.call_sid, p.status);
    /// # Ok(()) }
    /// ```
    pub fn participant(&self, call_sid: impl IntoSid) -> ParticipantHandle {
        ParticipantHandle {
            conference: self.clone(),
            call: SidArg::new("call SID", call_sid),
        }
    }

    /// The conference's participants, to list.
    pub fn participants(&self) -> Participants {
        Participants {
            conference: self.clone(),
        }
    }
}

/// The participants of a conference, reached through [`Conference::participants`].
#[derive(Debug, Clone)]
pub struct Participants {
    conference: Conference,
}

impl Participants {
    /// Starts a listing; see [`ListParticipants`].
    pub fn list(&self) -> ListParticipants {
        ListParticipants {
            client: self.conference.client.clone(),
            conference: self.conference.sid.clone(),
            muted: None,
            hold: None,
            page_size: None,
            max_pages: None,
        }
    }
}

/// A listing of participants, filtered and sized, read one page at a time or as a stream.
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
/// use futures_util::TryStreamExt;
///
/// let muted: Vec<_> = client
///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
///     .participants()
///     .list()
///     .muted(true)
///     .page_size(100)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until it is sent or streamed"]
pub struct ListParticipants {
    client: Client,
    conference: SidArg,
    muted: Option<bool>,
    hold: Option<bool>,
    page_size: Option<u32>,
    max_pages: Option<u32>,
}

impl ListParticipants {
    /// Only participants that are muted (`true`) or not (`false`).
    pub fn muted(mut self, muted: bool) -> Self {
        self.muted = Some(muted);
        self
    }

    /// Only participants that are on hold (`true`) or not (`false`).
    pub fn hold(mut self, hold: bool) -> Self {
        self.hold = Some(hold);
        self
    }

    /// How many participants a page holds, from 1 to 1000 (the server's default is 50).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// The most pages [`stream`](Self::stream) and [`pages`](Self::pages) read (at least
    /// 1): when a further page is named after that many, the listing ends with
    /// [`Error::Paging`]. The client's [`max_pages`](crate::ClientBuilder::max_pages) (1,000
    /// by default) otherwise.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = Some(pages);
        self
    }

    fn query(&self) -> Result<ListQuery, Error> {
        let page_size = self
            .page_size
            .map(|n| {
                NonZeroU32::new(n)
                    .filter(|n| n.get() <= 1000)
                    .ok_or_else(|| {
                        Error::invalid_input("page size", format!("{n} is not between 1 and 1000"))
                    })
            })
            .transpose()?;
        Ok(ListQuery {
            conference: self.conference.get()?,
            muted: self.muted,
            hold: self.hold,
            page: None,
            page_size,
            page_token: None,
        })
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<Page, Error> {
        let query = self.query()?;
        self.client.list_page(&query).await
    }

    /// Every matching participant, fetching each page only when the previous one is used up.
    ///
    /// The stream follows the server's `next_page_uri` and ends after the last page. It ends
    /// with [`Error::Paging`] instead of looping when a next-page URI names a page already
    /// read (however it is spelt), points elsewhere or cannot be read, when three empty pages
    /// in a row each name a next page, and when a next page is named after
    /// [`max_pages`](Self::max_pages) pages.
    pub fn stream(
        self,
    ) -> impl futures_core::Stream<Item = Result<Participant, Error>> + Send + 'static {
        use futures_util::{StreamExt as _, TryStreamExt as _, stream};
        self.pages()
            .map_ok(|page| stream::iter(page.participants.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every page of the listing, fetched lazily; see [`stream`](Self::stream).
    pub fn pages(self) -> impl futures_core::Stream<Item = Result<Page, Error>> + Send + 'static {
        let first = self.query();
        crate::wire::paging::pages(self.client, first, self.max_pages)
    }
}

/// One participant, reached through [`Conference::participant`].
#[derive(Debug, Clone)]
pub struct ParticipantHandle {
    conference: Conference,
    call: SidArg,
}

impl ParticipantHandle {
    fn sids(&self) -> Result<(uuid::Uuid, uuid::Uuid), Error> {
        Ok((self.conference.sid.get()?, self.call.get()?))
    }

    /// Fetches the participant.
    pub async fn fetch(&self) -> Result<Participant, Error> {
        let (conference, call) = self.sids()?;
        let client = &self.conference.client;
        let account = client.inner.account;
        let value = client
            .run(true, "participant", |api| {
                api.fetch_participant(&account, &conference, &call)
            })
            .await?;
        Ok(value.into_inner().into())
    }

    /// Starts an update; nothing is sent until [`UpdateParticipant::send`].
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// use signalwire_compat::CallbackMethod;
    ///
    /// let p = client
    ///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
    ///     .participant("b3877c40-da60-4998-90ad-b792e98472ca")
    ///     .update()
    ///     .hold(true)
    ///     .hold_url("https://example.com/hold.xml")
    ///     .hold_method(CallbackMethod::Post)
    ///     .send()
    ///     .await?;
    /// assert!(p.hold);
    /// # Ok(()) }
    /// ```
    pub fn update(&self) -> UpdateParticipant {
        UpdateParticipant {
            participant: self.clone(),
            body: types::ParticipantUpdate::default(),
            invalid: None,
        }
    }

    /// Takes the participant out of the conference.
    ///
    /// Removing is retried like a read (see [`RetryPolicy`](crate::RetryPolicy)). When an
    /// attempt failed with a gateway error (502, 503 or 504), the server may have removed the
    /// participant before the gateway failed; if the retry then answers 404, the removal is
    /// taken as done and `Ok(())` is returned. A 404 with no such earlier failure is an
    /// error ([`Error::is_not_found`]).
    pub async fn remove(&self) -> Result<(), Error> {
        let (conference, call) = self.sids()?;
        let client = &self.conference.client;
        let account = client.inner.account;
        let tracked = client
            .run_tracked(true, "empty body", |api| {
                api.remove_participant(&account, &conference, &call)
            })
            .await;
        match tracked.result {
            Ok(_) => Ok(()),
            // Any success status means it is gone, whatever the body says.
            Err(Error::Status { status, .. }) if status.is_success() => Ok(()),
            Err(e) if e.is_not_found() && tracked.earlier_may_have_applied => {
                tracing::info!(
                    "an earlier attempt may have removed the participant; its 404 now means it is gone"
                );
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// The HTTP method a callback URL is fetched with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl From<CallbackMethod> for types::CallbackMethod {
    fn from(m: CallbackMethod) -> Self {
        match m {
            CallbackMethod::Get => Self::Get,
            CallbackMethod::Post => Self::Post,
        }
    }
}

/// The changes to make to a participant, sent by [`send`](UpdateParticipant::send).
///
/// Only the fields set are sent. URLs must be absolute `http` or `https` URLs; a bad one fails
/// `send` before anything goes out.
#[derive(Debug, Clone)]
#[must_use = "an update does nothing until it is sent"]
pub struct UpdateParticipant {
    participant: ParticipantHandle,
    body: types::ParticipantUpdate,
    /// The first invalid argument given, as (field, reason).
    invalid: Option<(&'static str, String)>,
}

impl UpdateParticipant {
    /// Mutes (`true`) or unmutes (`false`) the participant.
    pub fn muted(mut self, muted: bool) -> Self {
        self.body.muted = Some(muted);
        self
    }

    /// Puts the participant on hold (`true`) or takes it off (`false`).
    pub fn hold(mut self, hold: bool) -> Self {
        self.body.hold = Some(hold);
        self
    }

    /// What the participant hears while on hold (cXML or an audio file).
    pub fn hold_url(mut self, url: impl AsRef<str>) -> Self {
        self.body.hold_url = self.url("hold URL", url.as_ref());
        self
    }

    /// How [`hold_url`](Self::hold_url) is fetched (the server's default is `GET`).
    pub fn hold_method(mut self, method: CallbackMethod) -> Self {
        self.body.hold_method = Some(method.into());
        self
    }

    /// An announcement played to the participant (cXML or an audio file).
    pub fn announce_url(mut self, url: impl AsRef<str>) -> Self {
        self.body.announce_url = self.url("announce URL", url.as_ref());
        self
    }

    /// How [`announce_url`](Self::announce_url) is fetched (the server's default is `POST`).
    pub fn announce_method(mut self, method: CallbackMethod) -> Self {
        self.body.announce_method = Some(method.into());
        self
    }

    /// What the participant hears while the conference has not started.
    pub fn wait_url(mut self, url: impl AsRef<str>) -> Self {
        self.body.wait_url = self.url("wait URL", url.as_ref());
        self
    }

    /// How [`wait_url`](Self::wait_url) is fetched (the server's default is `POST`).
    pub fn wait_method(mut self, method: CallbackMethod) -> Self {
        self.body.wait_method = Some(method.into());
        self
    }

    /// Makes the participant coach another call of the conference: it hears the call and
    /// speaks to it alone. Sends `Coaching=true` with `CallSidToCoach`.
    pub fn coach(mut self, call_sid: impl IntoSid) -> Self {
        match SidArg::new("call SID to coach", call_sid).get() {
            Ok(sid) => {
                self.body.coaching = Some(true);
                self.body.call_sid_to_coach = Some(sid);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Stops the participant coaching. Sends `Coaching=false`.
    pub fn stop_coaching(mut self) -> Self {
        self.body.coaching = Some(false);
        self.body.call_sid_to_coach = None;
        self
    }

    /// Whether a beep plays when the participant leaves (`BeepOnExit`).
    ///
    /// Twilio's parameter: SignalWire's published spec does not list it for this operation
    /// and refuses parameters it does not know, so a SignalWire space may answer 400. Use
    /// it against Twilio-compatible servers that take it.
    pub fn beep_on_exit(mut self, beep: bool) -> Self {
        self.body.beep_on_exit = Some(beep);
        self
    }

    /// Whether the conference ends when the participant leaves (`EndConferenceOnExit`).
    ///
    /// Twilio's parameter: SignalWire's published spec does not list it for this operation
    /// and refuses parameters it does not know, so a SignalWire space may answer 400.
    pub fn end_conference_on_exit(mut self, end: bool) -> Self {
        self.body.end_conference_on_exit = Some(end);
        self
    }

    fn fail(&mut self, error: Error) {
        if let (None, Error::InvalidInput { field, reason }) = (&self.invalid, error) {
            self.invalid = Some((field, reason));
        }
    }

    fn url(&mut self, field: &'static str, text: &str) -> Option<String> {
        match Url::parse(text.trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Some(url.into())
            }
            Ok(_) => {
                self.fail(Error::invalid_input(
                    field,
                    format!("{text:?} is not an http or https URL"),
                ));
                None
            }
            Err(e) => {
                self.fail(Error::invalid_input(
                    field,
                    format!("{text:?} is not an absolute URL ({e})"),
                ));
                None
            }
        }
    }

    /// Sends the update and returns the participant as changed. An update that sets no field
    /// is refused before anything is sent.
    ///
    /// Not retried by default, since the server may have applied it before failing; see
    /// [`RetryPolicy::retry_updates`](crate::RetryPolicy::retry_updates).
    pub async fn send(self) -> Result<Participant, Error> {
        if let Some((field, reason)) = self.invalid {
            return Err(Error::InvalidInput { field, reason });
        }
        if serde_urlencoded::to_string(&self.body).is_ok_and(|form| form.is_empty()) {
            return Err(Error::invalid_input(
                "update",
                "it changes nothing; set at least one field, such as muted(true)",
            ));
        }
        let (conference, call) = self.participant.sids()?;
        let client = &self.participant.conference.client;
        let account = client.inner.account;
        let body = &self.body;
        let value = client
            .run(false, "participant", |api| {
                api.update_participant(&account, &conference, &call, body)
            })
            .await?;
        Ok(value.into_inner().into())
    }
}
