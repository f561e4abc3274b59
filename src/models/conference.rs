//! A conference's status; the [`Conference`](crate::Conference) model itself is generated from
//! the spec.

crate::models::open_enum! {
    /// Where a conference is in its life: waiting for its first participants, live, or over.
    ///
    /// An open set, as SignalWire documents it: `init`, `in-progress` and `completed`; any
    /// other text the server sends is kept in [`ConferenceStatus::Other`].
    ///
    /// ```
    /// use signalwire_compat::ConferenceStatus;
    ///
    /// assert_eq!(ConferenceStatus::from("in-progress"), ConferenceStatus::InProgress);
    /// assert!(ConferenceStatus::Completed.is_over());
    /// ```
    pub enum ConferenceStatus {
        /// `init`: created, waiting for the participant that starts it.
        Init = "init",
        /// `in-progress`: live.
        InProgress = "in-progress",
        /// `completed`: over; it has no participants any more.
        Completed = "completed",
    }
}

impl ConferenceStatus {
    /// Whether the conference is over (`completed`).
    pub fn is_over(&self) -> bool {
        matches!(self, Self::Completed)
    }
}
