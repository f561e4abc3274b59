//! What is a participant's own, beside the generated listing, fetch, update and removal:
//! coaching another call, which sets `Coaching` and `CallSidToCoach` together.

use crate::{IntoSid, UpdateParticipant, sid::SidArg, sid::kind};

impl UpdateParticipant {
    /// Makes the participant coach another call of the conference: it hears the call and
    /// speaks to it alone. Sends `Coaching=true` with `CallSidToCoach`.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let supervisor = client
    ///     .conference("b3877c40-da60-4998-90ad-b792e98472cf")
    ///     .participant("b3877c40-da60-4998-90ad-b792e98472ca");
    /// supervisor
    ///     .update()
    ///     .coach("b3877c40-da60-4998-90ad-b792e98472cb")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn coach(mut self, call_sid: impl IntoSid<kind::Call>) -> Self {
        match SidArg::new("call SID to coach", call_sid).check() {
            Ok(sid) => {
                self.body.coaching = Some(true);
                self.body.call_sid_to_coach = Some(sid.to_string());
            }
            Err(e) => {
                self.invalid.get_or_insert(e);
            }
        }
        self
    }

    /// Stops the participant coaching. Sends `Coaching=false`.
    pub fn stop_coaching(mut self) -> Self {
        self.body.coaching = Some(false);
        self.body.call_sid_to_coach = None;
        self
    }
}
