//! A message's status and direction, as the API and its status callbacks write them.

crate::models::open_enum! {
    /// Where a message is on its way. Any other text is kept in [`MessageStatus::Other`].
    pub enum MessageStatus {
        /// `queued`: taken, waiting to be sent.
        Queued = "queued",
        /// `sending`: on its way to the carrier.
        Sending = "sending",
        /// `sent`: the carrier took it.
        Sent = "sent",
        /// `delivered`: the carrier says it reached the handset.
        Delivered = "delivered",
        /// `undelivered`: the carrier could not deliver it.
        Undelivered = "undelivered",
        /// `failed`: it could not be sent.
        Failed = "failed",
        /// `receiving`: coming in.
        Receiving = "receiving",
        /// `received`: it came in.
        Received = "received",
        /// `accepted`: taken by a number group, which picks its sender.
        Accepted = "accepted",
        /// `scheduled`: to be sent later.
        Scheduled = "scheduled",
        /// `canceled`: a scheduled message that was called off.
        Canceled = "canceled",
        /// `initiated`: SignalWire's word for a message just taken.
        Initiated = "initiated",
    }
}

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

crate::models::open_enum! {
    /// Which way a message goes. Any other text is kept in [`MessageDirection::Other`].
    pub enum MessageDirection {
        /// `inbound`: a message to one of the account's numbers.
        Inbound = "inbound",
        /// `outbound-api`: a message the REST API sent.
        OutboundApi = "outbound-api",
        /// `outbound-call`: a message cXML sent during a call.
        OutboundCall = "outbound-call",
        /// `outbound-reply`: a message cXML sent in answer to one that came in.
        OutboundReply = "outbound-reply",
    }
}
