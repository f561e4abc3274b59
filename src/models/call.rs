//! A call's status and direction, as the API and its webhooks write them.

crate::models::open_enum! {
    /// Where a call is in its life. SignalWire documents `queued`, `ringing`, `in-progress`,
    /// `canceled`, `completed`, `busy`, `failed` and `no-answer`; a status callback may also
    /// say `initiated`. Any other text is kept in [`CallStatus::Other`].
    pub enum CallStatus {
        /// `queued`: created, not yet dialing.
        Queued = "queued",
        /// `initiated`: dialing has begun (status callbacks).
        Initiated = "initiated",
        /// `ringing`.
        Ringing = "ringing",
        /// `in-progress`: answered.
        InProgress = "in-progress",
        /// `canceled`: hung up before it was answered.
        Canceled = "canceled",
        /// `completed`: answered, then ended.
        Completed = "completed",
        /// `busy`.
        Busy = "busy",
        /// `failed`.
        Failed = "failed",
        /// `no-answer`.
        NoAnswer = "no-answer",
    }
}

impl CallStatus {
    /// Whether the call has ended, one way or another.
    pub fn is_over(&self) -> bool {
        matches!(
            self,
            Self::Canceled | Self::Completed | Self::Busy | Self::Failed | Self::NoAnswer
        )
    }
}

crate::models::open_enum! {
    /// Which way a call goes. Any other text is kept in [`CallDirection::Other`].
    pub enum CallDirection {
        /// `inbound`: a call to one of the account's numbers.
        Inbound = "inbound",
        /// `outbound-api`: a call the REST API placed.
        OutboundApi = "outbound-api",
        /// `outbound-dial`: a call a `<Dial>` placed.
        OutboundDial = "outbound-dial",
    }
}

crate::models::open_enum! {
    /// Who answered, as answering machine detection tells. Any other text is kept in
    /// [`AnsweredBy::Other`].
    pub enum AnsweredBy {
        /// `human`.
        Human = "human",
        /// `machine_start`: a machine, at the start of its greeting.
        MachineStart = "machine_start",
        /// `machine_end_beep`: a machine, after the beep.
        MachineEndBeep = "machine_end_beep",
        /// `machine_end_silence`: a machine, after its greeting and a silence.
        MachineEndSilence = "machine_end_silence",
        /// `machine_end_other`: a machine, after its greeting.
        MachineEndOther = "machine_end_other",
        /// `fax`.
        Fax = "fax",
        /// `unknown`.
        Unknown = "unknown",
    }
}

crate::models::open_enum! {
    /// Whether a call placed tells a person from a machine (`MachineDetection`). Any other
    /// text is kept in [`MachineDetection::Other`].
    pub enum MachineDetection {
        /// `Enable`: says who answered as soon as it can tell.
        Enable = "Enable",
        /// `DetectMessageEnd`: for a machine, waits for its greeting to end, so that a
        /// message left after it is heard whole.
        DetectMessageEnd = "DetectMessageEnd",
        /// `none`: no detection (the default).
        None = "none",
    }
}

crate::models::open_enum! {
    /// A recording's channels. Any other text is kept in [`RecordingChannels::Other`].
    pub enum RecordingChannels {
        /// `mono`: both sides on one channel (the default).
        Mono = "mono",
        /// `dual`: a channel for each side.
        Dual = "dual",
    }
}
