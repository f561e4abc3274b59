//! What is a call's own, beside its generated listing, creation, fetch, update and removal:
//! hanging it up, cancelling it, sending it to new cXML, and pausing, resuming and stopping
//! its recordings.

use std::future::Future;

use crate::{
    Call, CallHandle, CallRecordingHandle, CallStatus, CreateCall, Error, PauseBehavior, Recording,
    RecordingStatus, UpdateCall, cxml::VoiceResponse,
};

impl CallHandle {
    /// Hangs the call up (`Status=completed`); one not yet answered is cancelled. A call
    /// that is already over is refused by the server with 422.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let call = client.call("b3877c40-da60-4998-90ad-b792e98472ca").hangup().await?;
    /// assert!(call.status.is_over());
    /// # Ok(()) }
    /// ```
    pub fn hangup(&self) -> impl Future<Output = Result<Call, Error>> + Send + 'static + use<> {
        self.update().status(CallStatus::Completed).send()
    }

    /// Cancels the call if it is not yet answered (`Status=canceled`); an answered call
    /// goes on (use [`hangup`](Self::hangup) to end it).
    pub fn cancel(&self) -> impl Future<Output = Result<Call, Error>> + Send + 'static + use<> {
        self.update().status(CallStatus::Canceled).send()
    }

    /// Sends the live call to the cXML at `url` at once; set the method with
    /// [`UpdateCall::method`]. Nothing is sent until [`UpdateCall::send`].
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// use signalwire_compat::CallbackMethod;
    ///
    /// client
    ///     .call("b3877c40-da60-4998-90ad-b792e98472ca")
    ///     .redirect("https://example.com/voice/menu")
    ///     .method(CallbackMethod::Get)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn redirect(&self, url: impl Into<String>) -> UpdateCall {
        self.update().url(url)
    }

    /// Sends the live call to the cXML document given, at once.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// use signalwire_compat::cxml::{Hangup, Say, VoiceResponse};
    ///
    /// let goodbye = VoiceResponse::new()
    ///     .push(Say::new("Goodbye."))
    ///     .push(Hangup::new());
    /// client
    ///     .call("b3877c40-da60-4998-90ad-b792e98472ca")
    ///     .redirect_to_cxml(&goodbye)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn redirect_to_cxml(&self, document: &VoiceResponse) -> UpdateCall {
        self.update().twiml(document.to_xml())
    }
}

impl CreateCall {
    /// What the call does once answered, as a cXML document given inline (`Twiml`), in
    /// place of a `Url` or an `ApplicationSid`.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// use signalwire_compat::cxml::{Say, VoiceResponse};
    ///
    /// let hello = VoiceResponse::new().push(Say::new("Your order has shipped."));
    /// let call = client
    ///     .calls()
    ///     .create("+15551230002", "+15551230001")
    ///     .cxml(&hello)
    ///     .send()
    ///     .await?;
    /// println!("{} is {}", call.sid, call.status);
    /// # Ok(()) }
    /// ```
    pub fn cxml(self, document: &VoiceResponse) -> Self {
        self.twiml(document.to_xml())
    }
}

impl UpdateCall {
    /// The call's new cXML, as a document given inline (`Twiml`).
    pub fn cxml(self, document: &VoiceResponse) -> Self {
        self.twiml(document.to_xml())
    }
}

impl CallRecordingHandle {
    /// Pauses the recording; the server keeps the pause as silence (its default).
    pub fn pause(&self) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(RecordingStatus::Paused).send()
    }

    /// Pauses the recording, keeping the pause as silence or leaving it out.
    pub fn pause_with(
        &self,
        behavior: PauseBehavior,
    ) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(RecordingStatus::Paused)
            .pause_behavior(behavior)
            .send()
    }

    /// Resumes a paused recording.
    pub fn resume(
        &self,
    ) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(RecordingStatus::InProgress).send()
    }

    /// Stops the recording for good.
    pub fn stop(&self) -> impl Future<Output = Result<Recording, Error>> + Send + 'static + use<> {
        self.update(RecordingStatus::Stopped).send()
    }
}
