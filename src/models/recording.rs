//! A recording's status and source, and what is a recording's own; the
//! [`Recording`](crate::Recording) model itself is generated from the spec.

crate::models::open_enum! {
    /// Where a recording is in its life.
    ///
    /// An open set, as SignalWire documents it; any other text is kept in
    /// [`RecordingStatus::Other`].
    ///
    /// ```
    /// use signalwire_compat::RecordingStatus;
    ///
    /// assert!(RecordingStatus::from("stopped").is_over());
    /// assert!(!RecordingStatus::Paused.is_over());
    /// ```
    pub enum RecordingStatus {
        /// `queued`: about to start.
        Queued = "queued",
        /// `in-progress`: recording.
        InProgress = "in-progress",
        /// `paused`: not recording for now; it can be resumed.
        Paused = "paused",
        /// `resumed`: recording again after a pause.
        Resumed = "resumed",
        /// `completed`: over, with its audio kept (the conference ended, say).
        Completed = "completed",
        /// `absent`: over, with nothing recorded.
        Absent = "absent",
        /// `stopped`: stopped for good by a request.
        Stopped = "stopped",
    }
}

impl RecordingStatus {
    /// Whether the recording is over (`completed`, `absent` or `stopped`): it can no longer
    /// be paused or resumed.
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed | Self::Absent | Self::Stopped)
    }
}

crate::models::open_enum! {
    /// How a recording was started. An open set; any other text is kept in
    /// [`RecordingSource::Other`].
    pub enum RecordingSource {
        /// `Conference`: the conference's own settings (`record` in its cXML).
        Conference = "Conference",
        /// `StartConferenceRecording`: a request to the API.
        StartConferenceRecording = "StartConferenceRecording",
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
