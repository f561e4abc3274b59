//! What is a participant's own, beside the generated listing, fetch and removal: the update
//! that mutes, holds, coaches and announces.

mod update;

pub use update::UpdateParticipant;

use crate::{ParticipantHandle, wire::generated::types};

impl ParticipantHandle {
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
}
