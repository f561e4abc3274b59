//! Handles for a conference's recordings: list, fetch, pause, resume, stop, remove.

mod list;

use std::future::Future;

pub use list::ListRecordings;

use crate::{
    ConferenceHandle, Error, IntoSid, Recording,
    sid::{SidArg, kind},
    wire::generated::types,
};

/// The recordings of a conference, reached through [`ConferenceHandle::recordings`].
#[derive(Debug, Clone)]
pub struct Recordings {
    conference: ConferenceHandle,
}

impl Recordings {
    pub(crate) fn new(conference: ConferenceHandle) -> Self {
        Self { conference }
    }

    /// Starts a listing; see [`ListRecordings`].
    pub fn list(&self) -> ListRecordings {
        ListRecordings::new(self.conference.client.clone(), self.conference.sid.check())
    }
}

/// What a paused recording keeps of the pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PauseBehavior {
    /// The pause is kept as silence (the server's default).
    #[default]
    Silence,
    /// The pause is left out: the audio before and after it are joined.
    Skip,
}

/// One recording of a conference, reached through [`ConferenceHandle::recording`].
///
/// A recording pauses and resumes as often as wanted; stopping it is for good. Asking a
/// recording that is over (`completed`, `absent` or `stopped`) to pause or resume is refused
/// by the server with 422, whose error lists every message it gave
/// ([`ApiError::errors`](crate::ApiError::errors)).
///
/// ```no_run
/// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
/// use signalwire_compat::PauseBehavior;
///
/// let recording = client
///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
///     .recording("19e436af-5688-4307-b03b-bdb2b42b8142");
/// recording.pause_with(PauseBehavior::Skip).await?;
/// recording.resume().await?;
/// let done = recording.stop().await?;
/// println!("{} seconds", done.duration.unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RecordingHandle {
    conference: ConferenceHandle,
    sid: SidArg,
}

impl RecordingHandle {
    pub(crate) fn new(conference: ConferenceHandle, sid: impl IntoSid<kind::Recording>) -> Self {
        Self {
            conference,
            sid: SidArg::new("recording SID", sid),
        }
    }

    fn sids(&self) -> Result<(uuid::Uuid, uuid::Uuid), Error> {
        Ok((self.conference.sid.get()?, self.sid.get()?))
    }

    /// Fetches the recording.
    pub fn fetch(&self) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move {
            let (conference, recording) = this.sids()?;
            let client = &this.conference.client;
            let account = client.account_sid();
            let value = client
                .run("recording", |api| {
                    api.fetch_recording(&account, &conference, &recording)
                })
                .await?;
            Ok(value.into_inner())
        }
    }

    /// Pauses the recording; the server keeps the pause as silence (its default).
    pub fn pause(&self) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(types::RecordingUpdateStatus::Paused, None)
    }

    /// Pauses the recording, keeping the pause as silence or leaving it out.
    pub fn pause_with(
        &self,
        behavior: PauseBehavior,
    ) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        let behavior = match behavior {
            PauseBehavior::Silence => types::RecordingUpdatePauseBehavior::Silence,
            PauseBehavior::Skip => types::RecordingUpdatePauseBehavior::Skip,
        };
        self.update(types::RecordingUpdateStatus::Paused, Some(behavior))
    }

    /// Resumes a paused recording.
    pub fn resume(
        &self,
    ) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(types::RecordingUpdateStatus::InProgress, None)
    }

    /// Stops the recording for good.
    pub fn stop(&self) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(types::RecordingUpdateStatus::Stopped, None)
    }

    /// Not retried by default (see [`RetryPolicy::retry_updates`](crate::RetryPolicy)).
    fn update(
        &self,
        status: types::RecordingUpdateStatus,
        pause_behavior: Option<types::RecordingUpdatePauseBehavior>,
    ) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move {
            let (conference, recording) = this.sids()?;
            let client = &this.conference.client;
            let account = client.account_sid();
            let body = types::RecordingUpdate {
                status,
                pause_behavior,
            };
            let value = client
                .run("recording", |api| {
                    api.update_recording(&account, &conference, &recording, &body)
                })
                .await?;
            Ok(value.into_inner())
        }
    }

    /// Deletes the recording. Retried like a read; a 404 after a retried gateway failure is
    /// taken as done, as for [`ParticipantHandle::remove`](crate::ParticipantHandle::remove).
    pub fn remove(&self) -> impl Future<Output = Result<(), Error>> + Send + 'static + use<> {
        let this = self.clone();
        async move {
            let (conference, recording) = this.sids()?;
            let client = &this.conference.client;
            let account = client.account_sid();
            let tracked = client
                .run_tracked("empty body", |api| {
                    api.remove_recording(&account, &conference, &recording)
                })
                .await;
            tracked.removed()
        }
    }
}
