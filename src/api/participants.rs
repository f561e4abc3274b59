//! Handles for a conference's participants: list, fetch, update, remove.

use std::future::Future;

mod list;
mod update;

pub use list::ListParticipants;
pub(crate) use list::ParticipantListing;
pub use update::UpdateParticipant;

use crate::{
    ConferenceHandle, Error, IntoSid, Participant,
    sid::{SidArg, kind},
    wire::generated::types,
};

/// The participants of a conference, reached through [`ConferenceHandle::participants`].
#[derive(Debug, Clone)]
pub struct Participants {
    conference: ConferenceHandle,
}

impl Participants {
    pub(crate) fn new(conference: ConferenceHandle) -> Self {
        Self { conference }
    }

    /// Starts a listing; see [`ListParticipants`].
    pub fn list(&self) -> ListParticipants {
        ListParticipants::new(self.conference.client.clone(), self.conference.sid.check())
    }
}

/// One participant, reached through [`ConferenceHandle::participant`].
#[derive(Debug, Clone)]
pub struct ParticipantHandle {
    conference: ConferenceHandle,
    call: SidArg,
}

impl ParticipantHandle {
    pub(crate) fn new(conference: ConferenceHandle, call_sid: impl IntoSid<kind::Call>) -> Self {
        Self {
            conference,
            call: SidArg::new("call SID", call_sid),
        }
    }

    fn sids(&self) -> Result<(uuid::Uuid, uuid::Uuid), Error> {
        Ok((self.conference.sid.get()?, self.call.get()?))
    }

    /// Fetches the participant.
    ///
    /// The future owns what it needs (`'static` and `Send`): spawn it, or build many from
    /// temporary handles.
    pub fn fetch(
        &self,
    ) -> impl Future<Output = Result<Participant, Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move {
            let (conference, call) = this.sids()?;
            let client = &this.conference.client;
            let account = client.inner.account;
            let value = client
                .run("participant", |api| {
                    api.fetch_participant(&account, &conference, &call)
                })
                .await?;
            Ok(value.into_inner())
        }
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
    /// error ([`Error::is_not_found`]). The future is `'static` and `Send`, like
    /// [`fetch`](Self::fetch)'s.
    pub fn remove(&self) -> impl Future<Output = Result<(), Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move { this.remove_now().await }
    }

    async fn remove_now(&self) -> Result<(), Error> {
        let (conference, call) = self.sids()?;
        let client = &self.conference.client;
        let account = client.inner.account;
        let tracked = client
            .run_tracked("empty body", |api| {
                api.remove_participant(&account, &conference, &call)
            })
            .await;
        tracked.removed()
    }
}
