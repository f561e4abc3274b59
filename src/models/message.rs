//! What a message's status tells; the status, its direction and the message itself are
//! generated from the spec.

use crate::MessageStatus;

impl MessageStatus {
    /// Whether the message is still on its way: it cannot be redacted or deleted yet.
    pub fn in_progress(&self) -> bool {
        matches!(
            self,
            Self::Queued
                | Self::Sending
                | Self::Accepted
                | Self::Scheduled
                | Self::Initiated
                | Self::Receiving
        )
    }
}
