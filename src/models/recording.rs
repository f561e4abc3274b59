//! What is a recording's own; its status, its source and the [`Recording`](crate::Recording)
//! model are generated from the spec.

use crate::RecordingStatus;

impl RecordingStatus {
    /// Whether the recording is over (`completed`, `absent` or `stopped`): it can no longer
    /// be paused or resumed.
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed | Self::Absent | Self::Stopped)
    }
}

impl crate::Recording {
    /// The number of channels, `1` (mono) or `2` (stereo): `channels`, or `channel` when
    /// only that is sent; `None` when neither is, or the text is not a number.
    ///
    /// ```
    /// let r: signalwire_compat::Recording = serde_json::from_str(
    ///     r#"{"sid": "r", "account_sid": "a", "status": "completed", "channel": "2"}"#,
    /// ).unwrap();
    /// assert_eq!(r.channel_count(), Some(2));
    /// ```
    pub fn channel_count(&self) -> Option<u8> {
        self.channels
            .as_deref()
            .or(self.channel.as_deref())
            .and_then(|n| n.trim().parse().ok())
    }
}
