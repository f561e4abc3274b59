//! Changing a participant: mute, hold, coach, announce.

use crate::{
    CallbackMethod, Error, IntoSid, Participant, ParticipantHandle,
    api::checked_url,
    error::Invalid,
    sid::{SidArg, kind},
    wire::generated::types,
};

/// The changes to make to a participant, sent by [`send`](UpdateParticipant::send).
///
/// Only the fields set are sent. URLs must be absolute `http` or `https` URLs; a bad one fails
/// `send` before anything goes out.
#[derive(Debug, Clone)]
#[must_use = "an update does nothing until it is sent"]
pub struct UpdateParticipant {
    pub(super) participant: ParticipantHandle,
    pub(super) body: types::ParticipantUpdate,
    /// The first invalid argument given.
    pub(super) invalid: Option<Invalid>,
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
    pub fn coach(mut self, call_sid: impl IntoSid<kind::Call>) -> Self {
        match SidArg::new("call SID to coach", call_sid).check() {
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

    fn fail(&mut self, invalid: Invalid) {
        self.invalid.get_or_insert(invalid);
    }

    fn url(&mut self, field: &'static str, text: &str) -> Option<String> {
        checked_url(field, text).map_err(|e| self.fail(e)).ok()
    }

    /// Sends the update and returns the participant as changed. An update that sets no field
    /// is refused before anything is sent.
    ///
    /// Not retried by default, since the server may have applied it before failing; see
    /// [`RetryPolicy::retry_updates`](crate::RetryPolicy::retry_updates).
    pub fn send(
        self,
    ) -> impl std::future::Future<Output = Result<Participant, Error>> + Send + 'static {
        self.send_now()
    }

    async fn send_now(self) -> Result<Participant, Error> {
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        if serde_urlencoded::to_string(&self.body).is_ok_and(|form| form.is_empty()) {
            return Err(Error::invalid_input(
                "update",
                "it changes nothing; set at least one field, such as muted(true)",
            ));
        }
        let conference = self.participant.conference.get()?;
        let call = self.participant.sid.get()?;
        let client = &self.participant.client;
        let account = client.account_sid();
        let body = &self.body;
        let value = client
            .run("participant", |api| {
                api.update_participant(&account, &conference, &call, body)
            })
            .await?;
        Ok(value.into_inner())
    }
}
