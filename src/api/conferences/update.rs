//! What is a conference update's own: ending the conference.

use crate::UpdateConference;

impl UpdateConference {
    /// Ends the conference (`Status=completed`).
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// client
    ///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
    ///     .update()
    ///     .end()
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn end(mut self) -> Self {
        self.body.status = Some("completed".to_owned());
        self
    }
}
