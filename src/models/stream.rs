//! A stream's status; the [`Stream`](crate::Stream) model itself is generated from the spec.

crate::models::open_enum! {
    /// Where a stream is in its life. An open set; any other text is kept in
    /// [`StreamStatus::Other`].
    pub enum StreamStatus {
        /// `queued`: being set up.
        Queued = "queued",
        /// `in-progress`: carrying audio.
        InProgress = "in-progress",
        /// `stopped`: over.
        Stopped = "stopped",
    }
}
