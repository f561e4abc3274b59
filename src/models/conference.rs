//! What a conference's status tells; the status and the [`Conference`](crate::Conference)
//! model are generated from the spec.

use crate::ConferenceStatus;

impl ConferenceStatus {
    /// Whether the conference is over (`completed`).
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed)
    }
}
