//! What is a recording's own, beside the generated listing, fetch and removal: pausing,
//! resuming and stopping it.

use std::future::Future;

use crate::{Error, Recording, RecordingHandle, wire::generated::types};

/// What a paused recording keeps of the pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PauseBehavior {
    /// The pause is kept as silence (the server's default).
    #[default]
    Silence,
    /// The pause is left out: the audio before and after it are joined.
    Skip,
}

impl PauseBehavior {
    /// Both behaviors, with their text as the API writes it.
    pub const KNOWN: &'static [(&'static str, Self)] =
        &[("silence", Self::Silence), ("skip", Self::Skip)];

    /// Its text as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Silence => "silence",
            Self::Skip => "skip",
        }
    }
}

impl serde::Serialize for PauseBehavior {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for PauseBehavior {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::KNOWN
            .iter()
            .find(|(known, _)| *known == text)
            .map(|(_, behavior)| *behavior)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not skip or silence")))
    }
}

impl RecordingHandle {
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
            let (conference, recording) = (this.conference.get()?, this.sid.get()?);
            let client = &this.client;
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
}
