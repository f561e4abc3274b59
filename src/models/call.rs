//! What a call's status tells; the status, its direction and the call itself are
//! generated from the spec.

use crate::CallStatus;

impl CallStatus {
    /// Whether the call has ended, one way or another.
    pub fn is_over(&self) -> bool {
        matches!(
            self,
            Self::Canceled | Self::Completed | Self::Busy | Self::Failed | Self::NoAnswer
        )
    }
}
