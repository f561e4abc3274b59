//! Handles for an account's conferences: list them, find one by name, fetch, end, announce.

mod list;
mod update;

use std::future::Future;

pub use list::ListConferences;
pub use update::UpdateConference;

use futures_util::TryStreamExt as _;

use crate::{
    CallbackMethod, Client, Conference, ConferenceStatus, Error, IntoSid, ParticipantHandle,
    Participants, RecordingHandle, Recordings, StreamHandle, Streams,
    error::Repr,
    sid::{SidArg, kind},
};

/// The conferences of the client's account, reached through [`Client::conferences`].
#[derive(Debug, Clone)]
pub struct Conferences {
    client: Client,
}

impl Conferences {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Starts a listing; see [`ListConferences`].
    pub fn list(&self) -> ListConferences {
        ListConferences::new(self.client.clone())
    }

    /// The conference in progress named `name`: the one conference whose friendly name is
    /// exactly `name` and whose status is `in-progress`.
    ///
    /// Fails with [`ErrorKind::NoSuchName`](crate::ErrorKind::NoSuchName) when there is none
    /// (also [`Error::is_not_found`]), and with
    /// [`ErrorKind::AmbiguousName`](crate::ErrorKind::AmbiguousName), listing their SIDs,
    /// when there are several.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let standup = client.conferences().find_by_name("Daily standup").await?;
    /// client.conference(&standup.sid).end().await?;
    /// # Ok(()) }
    /// ```
    pub fn find_by_name(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        let listing = self
            .list()
            .friendly_name(name)
            .status(ConferenceStatus::InProgress)
            // A name is shared by few conferences; a few pages are plenty to tell.
            .page_size(50)
            .max_pages(20);
        let name = name.to_owned();
        async move {
            let mut found: Vec<Conference> = listing.stream().try_collect().await?;
            // A server that ignores the filters must not make another conference match.
            found.retain(|c| {
                c.friendly_name.as_deref() == Some(name.as_str())
                    && c.status == ConferenceStatus::InProgress
            });
            match found.len() {
                1 => Ok(found.remove(0)),
                0 => Err(Repr::NoSuchName { name }.into()),
                _ => Err(Repr::AmbiguousName {
                    name,
                    candidates: found.into_iter().map(|c| c.sid.to_string()).collect(),
                }
                .into()),
            }
        }
    }
}

/// One conference, reached through [`Client::conference`]: fetch it, end it, announce to it,
/// and reach its participants.
#[derive(Debug, Clone)]
pub struct ConferenceHandle {
    pub(crate) client: Client,
    pub(crate) sid: SidArg,
}

impl ConferenceHandle {
    pub(crate) fn new(client: Client, sid: impl IntoSid<kind::Conference>) -> Self {
        Self {
            client,
            sid: SidArg::new("conference SID", sid),
        }
    }

    /// Fetches the conference.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let c = client.conference("b3877c40-da60-4998-90ad-b792e98472cf").fetch().await?;
    /// println!("{:?} is {}", c.friendly_name, c.status);
    /// # Ok(()) }
    /// ```
    pub fn fetch(
        &self,
    ) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move {
            let sid = this.sid.get()?;
            let account = this.client.account_sid();
            let value = this
                .client
                .run("conference", |api| api.fetch_conference(&account, &sid))
                .await?;
            Ok(value.into_inner())
        }
    }

    /// Starts an update; nothing is sent until [`UpdateConference::send`].
    pub fn update(&self) -> UpdateConference {
        UpdateConference::new(self.clone())
    }

    /// Ends the conference (`Status=completed`): every participant is taken out. Ending a
    /// conference that is already over changes nothing.
    pub fn end(&self) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        self.update().end().send()
    }

    /// Plays the cXML or audio at `url` to everyone in the conference, fetched with `POST`
    /// (the server's default); use [`update`](Self::update) to choose the method.
    pub fn announce(
        &self,
        url: &str,
    ) -> impl Future<Output = Result<Conference, Error>> + Send + 'static + use<> {
        self.update()
            .announce_url(url)
            .announce_method(CallbackMethod::Post)
            .send()
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
    pub fn participant(&self, call_sid: impl IntoSid<kind::Call>) -> ParticipantHandle {
        ParticipantHandle::new(self.clone(), call_sid)
    }

    /// The conference's participants, to list.
    pub fn participants(&self) -> Participants {
        Participants::new(self.clone())
    }

    /// The conference's recordings, to list.
    pub fn recordings(&self) -> Recordings {
        Recordings::new(self.clone())
    }

    /// One recording of the conference, named by its SID: pause, resume, stop or delete it.
    pub fn recording(&self, sid: impl IntoSid<kind::Recording>) -> RecordingHandle {
        RecordingHandle::new(self.clone(), sid)
    }

    /// The conference's streams, to start one.
    pub fn streams(&self) -> Streams {
        Streams::new(self.clone())
    }

    /// One stream of the conference, named by its SID, to stop it.
    pub fn stream(&self, sid: impl IntoSid<kind::Stream>) -> StreamHandle {
        StreamHandle::new(self.clone(), sid)
    }
}
